"""Find the three tables in a token stream: row labels as anchors, the numbers after them.

Rows are found by their labels, in official order, never by position: a label matches the
first row after the last one found whose signature it contains. The numbers between one row's
label and the next row's label belong to the first row. Unrecognised text in between (group
labels, wrapped label tails, headers repeated on a new page) is passed over.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import cast

from gongkai.model.identities import Identity
from gongkai.model.keys import (
    ACTIVE_2019,
    ACTIVE_2021,
    ACTIVE_EXTRA_ROWS,
    ACTIVE_GROUP_HEADERS,
    ACTIVE_LABELS,
    APPEAL_COLUMNS,
    APPEALS,
    EDITION_WORDS,
    OTHER_ROWS_2021,
    REQUEST_COLUMN_KEYS,
    REQUEST_COLUMNS,
    REQUEST_LABELS,
    REQUESTS_2019,
    REQUESTS_2021,
    LabelRule,
)
from gongkai.read.columns import (
    Piece,
    PlaceOf,
    header_words,
    match_column,
    stacked_labels,
    stacked_text_labels,
)
from gongkai.read.labels import Matcher, appeal_row, matcher, next_is_number, strip_ordinal, weak_matcher
from gongkai.read.normalize import label_key
from gongkai.read.placing import Placer, row_by_cells, split_cells, two_rows
from gongkai.read.readings import readings_for, segment_for
from gongkai.read.solve import Obs, Reading, Segment
from gongkai.read.tokens import Token

MAX_LABEL = 48  # a label key longer than this is prose, not a row label


@dataclass
class Rows:
    """What a table scan found: numbers per row key, and the label's line."""

    numbers: dict[str, list[Token]] = field(default_factory=dict)
    label_line: dict[str, int] = field(default_factory=dict)
    end: int = 0  # token index after the last number taken
    late: set[str] = field(default_factory=set)  # rows whose label came again after later rows
    lead: list[Token] = field(default_factory=list)  # numbers alone on lines before the first label

    def scrambled(self, columns: int = 7) -> bool:
        """The text is not in reading order (pdftotext's raw mode, some copy tools): row labels
        out of the official order, or one row holding the numbers of many."""
        flooded = sum(len(v) > 2 * columns for v in self.numbers.values())
        return len(self.late) >= 2 or (len(self.late) >= 1 and flooded >= 1)

    @property
    def found(self) -> bool:
        return bool(self.label_line)


# a number cut where its cell wrapped: a thousands group of one or two digits ("1,24" over "2")
_CUT_NUMBER = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})*,\d{1,2}(?![\d,])")


def without_cut_numbers(rows: Rows, by_line: dict[int, list[Token]]) -> Rows:
    """``rows`` without the numbers of rows whose label line or number lines print a number cut
    where its narrow cell wrapped (``1,24`` with ``2`` on the next line, pdftotext -layout):
    the cut number is no number and the digits wrapped under it are not cells, so which
    numbers the row holds is not known."""
    cut = {
        k
        for k, v in rows.numbers.items()
        if any(
            t.kind == "text" and _CUT_NUMBER.search(t.text)
            for ln in {rows.label_line[k], *(t.line for t in v)}
            for t in by_line.get(ln, ())
        )
    }
    if not cut:
        return rows
    numbers = {k: ([] if k in cut else v) for k, v in rows.numbers.items()}
    return dataclasses.replace(rows, numbers=numbers)


# the start of the requests table's first row label, with its ordinal (a copy may wrap the rest)
_FIRST_ROW = label_key("一、本年新收政府信息")
_CAPTION_YEAR = re.compile(r"(20\d{2})\s*年")


def this_years_table(tokens: list[Token], start: int, end: int, year: int | None) -> tuple[int, int] | None:
    """Where the requests table is printed twice in its section (this year's and last year's, for
    comparison): the token range of the one whose caption (the text between the table before and
    its first row) names the report's ``year`` while the other's does not; ``(0, 0)`` when the
    captions do not tell them apart; None when the table is printed once."""
    firsts = [
        i
        for i in range(start, end)
        if tokens[i].kind == "text"
        and label_key(tokens[i].text).startswith(_FIRST_ROW)
        # its numbers after it, or after the rest of its label wrapped onto the next line
        and (
            next_is_number(tokens, i)
            or (i + 1 < end and tokens[i + 1].kind == "text" and next_is_number(tokens, i + 1))
        )
    ]
    # a label repeated with no number between (a merged cell printed in each row it spans) is one
    firsts = [
        f for k, f in enumerate(firsts) if not k or any(t.kind == "num" for t in tokens[firsts[k - 1] : f])
    ]
    if len(firsts) < 2:
        return None
    bounds = [start]
    for f in firsts[1:]:
        b = f
        while b > bounds[-1] and tokens[b - 1].kind == "text":
            b -= 1  # the table's caption and header: the text after the table before
        bounds.append(b)
    bounds.append(end)
    years = []
    for k, f in enumerate(firsts):
        caption = "".join(t.text for t in tokens[bounds[k] : f] if t.kind == "text")
        years.append({int(y) for y in _CAPTION_YEAR.findall(caption)})
    own = [k for k, ys in enumerate(years) if year is not None and ys == {year}]
    if len(own) != 1 or any(year in ys for k, ys in enumerate(years) if k != own[0]):
        return 0, 0
    return bounds[own[0]], bounds[own[0] + 1]


def tied_rows(rows: Rows, n: int, by_line: dict[int, list[Token]]) -> Rows | None:
    """In a table whose text is out of reading order (:meth:`Rows.scrambled`), the rows still
    tied to their labels by the shape a converter that prints a table by blocks gives them
    (pdftotext's plain mode): a label alone on its line, then exactly a row's ``n`` numbers one
    a line and nothing else, up to the next label; the label not printed again later. (Rows
    whose labels wrap go to blocks of their own, their numbers dumped elsewhere: those are not
    tied.) None when numbers stand before the first label (which side of its label a row's
    numbers are printed on is then not known), or unless every label is followed by whole
    rows: a multiple of ``n`` numbers, each row's worth adding up with its total last (numbers
    that stand before their labels, or cells of a row split around a label, leave some label
    followed by a part of a row)."""
    if rows.lead:
        return None
    for v in rows.numbers.values():
        if len(v) % n or not all(_adds_up_last(v[i : i + n]) for i in range(0, len(v), n)):
            return None
    keep = {}
    for k, v in rows.numbers.items():
        if len(v) != n or k in rows.late:
            continue
        label = rows.label_line[k]
        lines = [t.line for t in v]
        if lines[0] <= label or len(set(lines)) != n or any(t.kind != "text" for t in by_line.get(label, ())):
            continue
        between = [t for ln in range(label + 1, lines[-1] + 1) for t in by_line.get(ln, ())]
        if len(between) == n:  # nothing but the row's numbers between its label and its last
            keep[k] = v
    if len(keep) < 2:
        return None
    return Rows(numbers=keep, label_line={k: rows.label_line[k] for k in keep}, end=rows.end)


def _adds_up_last(row: Sequence[Token]) -> bool:
    """Whether a row's numbers add up with its total last (a blank as 0)."""
    return sum(t.value or 0 for t in row[:-1]) == (row[-1].value or 0)


def _order(rules: tuple[tuple[str, LabelRule], ...]) -> list[tuple[str, Matcher]]:
    return [(key, matcher(rule)) for key, rule in rules]


def _needles(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


_REQUEST_ORDER = _order(REQUEST_LABELS)
_ACTIVE_ORDER = {ed: _order(rules) for ed, rules in ACTIVE_LABELS.items()}
_WEAK: dict[str, Matcher] = {key: w for key, rule in REQUEST_LABELS if (w := weak_matcher(rule)) is not None}
_GROUP_ROWS = frozenset(key for key, rule in REQUEST_LABELS if rule.group)
# the rows both editions print (not the 2019 其他处理 row, nor the 2021 rows that replaced it)
_EVERY_REQUEST_ROW = frozenset(key for key, _ in _REQUEST_ORDER) - _GROUP_ROWS - set(OTHER_ROWS_2021)
# A group label printed in its own cell ("（四）无法提供", spanning its rows) starts on the line of
# the group's first row: label key without its ordinal -> that row. A group label that is itself
# a row's label (2019's （六）其他处理) is matched as that row and is not here.
_GROUP_FIRST: dict[str, str] = {}
for _row in (*REQUESTS_2021.rows, *REQUESTS_2019.rows):
    _group = strip_ordinal(label_key(_row.group)) if _row.group else ""
    if _group and not any(rule.group and _group in rule.contains for _, rule in REQUEST_LABELS):
        _GROUP_FIRST.setdefault(_group, _row.key)
# Every row matcher needs one of these in the label key: a cheap test before the matchers run.
_REQUEST_NEEDLES = _needles(*(label_key(n) for _, rule in REQUEST_LABELS for n in rule.needles))
_ACTIVE_NEEDLES = _needles(
    *(label_key(n) for rules in ACTIVE_LABELS.values() for _, rule in rules for n in rule.needles)
)


MAX_NAMED = 16384  # label keys remembered per row order


class _Named(dict[str, frozenset[int]]):
    """The rows (indexes in ``order``) whose strong matcher accepts a label key, worked out once
    per key. The matchers of :func:`gongkai.read.labels.matcher` read only the key and the static
    label rules, so this depends on no input: one per row order serves every scan."""

    def __init__(self, order: list[tuple[str, Matcher]]) -> None:
        super().__init__()
        self.order = order

    def __missing__(self, k: str) -> frozenset[int]:
        if len(self) >= MAX_NAMED:
            self.clear()
        named = frozenset(j for j, (_, strong) in enumerate(self.order) if strong(k, [], 0))
        self[k] = named
        return named


_NAMED = {id(o): _Named(o) for o in (_REQUEST_ORDER, *_ACTIVE_ORDER.values())}


def _named(order: list[tuple[str, Matcher]]) -> _Named:
    named = _NAMED.get(id(order))
    return named if named is not None and named.order is order else _Named(order)


def _ordinal(label: str) -> str | None:
    m = _LEADING_ORDINAL_LABEL.match(label_key(label))
    return m.group(1) if m else None


_LEADING_ORDINAL_LABEL = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]{1,3})")
ROW_ORDINALS: dict[str, str] = {
    r.key: o for r in (*REQUESTS_2021.rows, *REQUESTS_2019.rows) if (o := _ordinal(r.label)) is not None
}
REQUEST_LABEL: dict[str, str] = {r.key: r.label for r in (*REQUESTS_2021.rows, *REQUESTS_2019.rows)}
FIRST_ROW_SLACK = 3  # a table's first label found must be among its first rows
_WEAK_WORDS = frozenset(w for _, rule in REQUEST_LABELS for w in rule.weak)


# a sentence going on after a number and its unit ("…申请44 件，加上年结转2 件，共计46 件"): the text
# after the unit is prose, never a row's label
_PROSE_TAIL = re.compile(r"[件个条项次篇场元人][，,；;。、]")


def scan_rows(
    tokens: list[Token],
    start: int,
    end: int,
    order: list[tuple[str, Matcher]],
    needles: re.Pattern[str],
    width: Callable[[str], int] = lambda key: 7,
    groups: dict[str, str] | None = None,
    stops: tuple[str, ...] = (),
    every_row: Collection[str] | None = None,
    extra: tuple[str, ...] = (),
    names_column: Callable[[str], bool] | None = None,
) -> Rows:
    """Numbers per row label, found in order.

    A line of (two or more) numbers alone that comes when the current row already holds a full set belongs to
    the *next* label: PDF text extraction puts the numbers of a row whose label is vertically
    centred in a tall cell on the line above the label. Taking them for the row before would
    shift every row by one, which no identity can see.

    Numbers on the line of a group label (``groups``: "（四）无法提供 31 0 …", whose first row's
    label "1.本机关不掌握…" was printed on a line of its own) are that first row's, held until its
    label comes: a group label spans its rows from the first one.

    A sub-table's header (text holding one of ``stops``: 第二十条第（八）项, 信息内容 …) ends the
    row before it: numbers after it and before the next label are that label's (printed above
    it), never the row before's.

    Numbers printed above a label are that label's only when no row between it and the row
    before was skipped (``every_row``: the rows every report of the table has, in ``order``):
    a skipped row's label was printed elsewhere or lost, and the numbers may be that row's
    (a PDF-to-markdown copy prints wrapped labels in a paragraph away from their numbers);
    nor, where labels came out of order, while the last label found holds nothing. Such
    numbers go to no row.

    A row some variants add that is no cell of the format (``extra``: 其他主动公开文件) ends the
    row before it; its numbers go to no row.

    A column label (``names_column``) printed among a row's numbers, with more numbers after
    it before the next label ("政府集中采购 10 0 采购项目数量 采购总金额 21 88.0456": a sub-table's
    header printed after its row's label), shows the text out of order there: the row's
    numbers are not taken.
    """
    rows = Rows()
    named = _named(order)
    text_lines = {t.line for t in tokens[start:end] if t.kind == "text"}
    per_line = Counter(t.line for t in tokens[start:end] if t.kind != "text")
    header_lines = _row_named_headers(tokens[start:end], per_line, needles, named)
    pos = -1  # index in ``order`` of the last row found
    current: str | None = None
    pending: list[Token] = []  # numbers printed above the label they belong to
    below = False  # the current row's numbers came on lines below its label (labels on their own lines)
    held = False  # numbers are held for the next label (they followed a group label)
    last_line = -1
    from_held: str | None = None  # the last row given numbers held after a sub-table's header
    headed: set[str] = set()  # rows with a column label printed after some of their numbers
    broken: set[str] = set()  # … and numbers after it
    i = start
    while i < end:
        t = tokens[i]
        i += 1
        if t.kind != "text":
            if held:
                pending.append(t)
                rows.end = i
            elif current is None and pos < 0 and t.line not in text_lines:
                if t.value is not None:  # a number, not a blank's mark
                    rows.lead.append(t)
            elif current is not None:
                new_line = t.line != last_line
                if pending and not (new_line and t.line in text_lines):
                    pending.append(t)
                elif (
                    new_line
                    and not below
                    and t.line not in text_lines
                    and per_line[t.line] >= 2  # a row of numbers, not one cell per line
                    and len(rows.numbers[current]) >= width(current)
                ):
                    pending = [t]
                else:
                    if not rows.numbers[current] and t.line != rows.label_line[current]:
                        below = t.line not in text_lines
                    if current in headed:
                        broken.add(current)
                    rows.numbers[current].append(t)
                rows.end = i
            last_line = t.line
            continue
        last_line = t.line
        if t.line in header_lines:
            continue
        if _PROSE_TAIL.match(t.text):
            continue  # the rest of a sentence after a number ("44 件，加上年结转2 件，…"): no label
        k = label_key(t.text)
        bare = _bare_key(t.text)  # the label without the explanatory note after it
        if (not k or len(k) > MAX_LABEL) and bare:
            k = bare
        if not k or len(k) > MAX_LABEL:
            if current is not None and rows.numbers[current] and current == order[-1][0]:
                break  # prose after the last row
            continue
        hits, used = _match(k, tokens, i - 1, end, pos, order, needles, named, header_lines)
        if not hits and bare and bare != k:
            hits, used = _match(bare, tokens, i - 1, end, pos, order, needles, named, header_lines)
            k = bare if hits else k
        if not hits and pos >= 0 and not pending and not any(rows.numbers.values()):
            # every label found so far holds nothing, and this one names a row before them:
            # they were prose naming rows ("其中，予以公开2件。" under the heading), not the
            # table's labels; the table starts here
            again, again_used = _match(k, tokens, i - 1, end, -1, order, needles, named, header_lines)
            if again and again[0] < pos:
                rows, pos, current, below, held = Rows(), -1, None, False, False
                hits, used = again, again_used
        if not hits and stops and any(w in k for w in stops):
            current, pending, below, held = None, [], False, True  # a sub-table's header
            continue
        if not hits and extra and any(w in k for w in extra):
            current, pending, below, held = None, [], False, False  # a row the format has not
            continue
        late = _late_rows(k, pos, order, named) if not hits and pos > 0 and needles.search(k) else []
        rows.late.update(late)
        if late and next_is_number(tokens, i - 1):
            # A row printed out of the official order (rows swapped in the source): its own label
            # ties the numbers after it to it, never to the row before. A row found twice keeps
            # its first numbers; the second copy's go to no row.
            key = late[0] if len(late) == 1 and late[0] not in rows.numbers else None
            if key is not None:
                rows.numbers[key] = pending
                rows.label_line[key] = t.line
            current, pending, below, held = key, [], False, False
            continue
        if not hits and groups and pos + 1 < len(order) and next_is_number(tokens, i - 1):
            first = groups.get(strip_ordinal(k))
            if first is not None and first == order[pos + 1][0] and tokens[i].line == t.line:
                held, pending, below = True, [], False
                continue
            if first is not None and rows.numbers.get(first) == [] and tokens[i].line == t.line:
                # the first row's label was printed before its group label (labels printed
                # together, away from their rows): the numbers on the group's line are still its
                current, pending, below, held = first, [], False, False
                continue
        if not hits:
            if names_column is not None and current is not None and rows.numbers[current] and names_column(k):
                headed.add(current)
            if current == order[-1][0] and rows.numbers.get(current) and not pending:
                if current in headed and _numbers_after_labels(tokens, i - 1, end, names_column):
                    broken.add(current)
                break  # text after the last row's numbers ends the table
            if (
                current is not None
                and (i - 2 < start or tokens[i - 2].line != t.line)
                and next_is_number(tokens, i - 1)
                and tokens[i].line == t.line
                and _starts_other_row(t.text, current)
            ):
                # a line that starts a sub-row's label naming no row, with numbers: that row's,
                # its label garbled ("（三）不 1.属于国家" / "秘密"), not the row before's
                current, pending, below, held = None, [], False, False
            continue
        i += used  # continuation lines of a wrapped label
        if (
            pending
            and every_row is not None
            and (
                any(key in every_row and key not in rows.numbers for key, _ in order[pos + 1 : hits[0]])
                # labels printed out of order, and the last found holds nothing: they may be its
                or (rows.late and pos >= 0 and rows.numbers.get(order[pos][0]) == [])
            )
        ):
            pending = []  # the numbers above may be a skipped row's
        for j in hits:
            key = order[j][0]
            rows.numbers[key] = []
            # the line where the label ends: its numbers follow there (a header word joined
            # before a label, "商业企业" + "一、本年新收…", does not move the row up)
            rows.label_line[key] = tokens[i - 1].line
            pos = j
            current = key
        if current is not None and pending and held:
            from_held = current
        below = held = False
        if current is not None and pending:
            if not _label_follows(tokens, i, end, pos, order, needles, named, header_lines):
                rows.numbers[current] = pending
            # else: labels printed as a block after numbers printed above them ("6 4 57" / 规章 /
            # 行政规范性文件, 规章's cells empty and dropped, the next label with no numbers of its
            # own after it): whose numbers they are is not shown
            pending = []
    if pending and held and from_held is not None:
        # numbers after the last sub-table's header with no label after them: there the labels
        # stand before their numbers, so the numbers held above the last label that took some
        # were not its (2019's "…（八）项 / 上一年项目数量 / 本年增/减 / 7 / 2 / 信息内容 / 政府集中采购 /
        # …（九）项 / 采购项目数量 / 32 / …": 7 and 2 are the fees row's, printed with the others)
        broken.add(from_held)
    for key in broken:
        rows.numbers[key] = []
    return rows


def _numbers_after_labels(
    tokens: list[Token], i: int, end: int, names_column: Callable[[str], bool] | None
) -> bool:
    """Whether numbers follow the column labels starting at token ``i``."""
    while (
        i < end
        and tokens[i].kind == "text"
        and names_column is not None
        and names_column(label_key(tokens[i].text))
    ):
        i += 1
    return i < end and tokens[i].kind == "num"


LOOKAHEAD = 12  # tokens looked at after a label for its numbers


def _label_follows(
    tokens: list[Token],
    i: int,
    end: int,
    pos: int,
    order: list[tuple[str, Matcher]],
    needles: re.Pattern[str],
    named: _Named,
    header_lines: set[int],
) -> bool:
    """Whether the token at ``i`` is the label of a row after ``pos`` (nothing between) with no
    number after it before a third label (or the table's end): labels printed together, away
    from their numbers."""
    if i >= end or tokens[i].kind != "text" or tokens[i].line in header_lines:
        return False
    k = label_key(tokens[i].text)
    if not k or len(k) > MAX_LABEL:
        return False
    hits, used = _match(k, tokens, i, end, pos, order, needles, named, header_lines)
    if not hits:
        return False
    # the next label's own numbers: after its text (wrapped pieces of it), before another label
    j = i + used + 1
    while j < end and j <= i + used + LOOKAHEAD:
        t = tokens[j]
        if t.kind != "text":
            return False
        k = label_key(t.text)
        if (
            k
            and len(k) <= MAX_LABEL
            and _match(k, tokens, j, end, hits[-1], order, needles, named, header_lines)[0]
        ):
            return True
        j += 1
    return j >= end


# a row label's ordinal as printed: 一、 （一） 1. 1、
_PRINTED_ORDINAL = re.compile(
    r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}\s*[.．、]"
)


_SUB_ROW_LABEL = re.compile(r"(\d{1,2})\s*[.．、]\s*([\u4e00-\u9fff])")


def _starts_other_row(text: str, current: str) -> bool:
    """Whether ``text`` holds a sub-row's label start (its ordinal, "1.", and words) with an
    ordinal other than the ``current`` row's: another row's label, garbled."""
    found = _SUB_ROW_LABEL.findall(text)
    return bool(found) and found[-1][0] != ROW_ORDINALS.get(current)


def _row_named_headers(
    tokens: list[Token], per_line: Counter[int], needles: re.Pattern[str], named: _Named
) -> set[int]:
    """Lines with no number that are a header of columns named after rows (a converter's
    made-up "项目 | 本年新收件数 | 上年结转件数 | 予以公开 | …"), no row's label:

    - three or more cells, or words parted by spaces, that each name a row;
    - or a line naming two or more rows with no row ordinal, its words broken apart (pypdf's
      "本年新收 件数 上年结 转件数 予以 公开 …"). The format numbers every row label (一、
      （一） 1.), so labels printed together keep their ordinals and are not taken for a
      header."""
    text: dict[int, list[str]] = {}
    for t in tokens:
        if t.kind == "text" and t.line not in per_line:
            text.setdefault(t.line, []).append(t.text)
    out = set()
    for line, parts in text.items():
        if sum(bool(needles.search(label_key(w))) for p in parts for w in p.split()) >= 3:
            out.add(line)
            continue
        joined = " ".join(parts)
        if _PRINTED_ORDINAL.search(joined):
            continue
        rows: set[int] = set()
        for m in needles.finditer(label_key(joined)):
            rows |= named[m.group()]
        if len(rows) >= 2:
            out.add(line)
    return out


_NOTE = re.compile(r"^(.{2,}?)\s*[（(][^（）()]{4,}[)）]\s*$")


def _bare_key(text: str) -> str | None:
    """The key of a label printed with an explanatory note in brackets after it, without the
    note (a provincial variant's "规章(设区的市、自治州人民政府应提供相关数据)"); None without one."""
    if "(" not in text and "（" not in text:
        return None
    m = _NOTE.match(text)
    return label_key(m.group(1)) or None if m else None


def _late_rows(k: str, pos: int, order: list[tuple[str, Matcher]], named: _Named) -> list[str]:
    """Rows before the last one found whose (strong) label ``k`` names: a sign of scrambled text.
    (A group label that is a row of this edition, 2019's （六）其他处理, counts: printed after
    （七）总计 with its numbers, it is that row printed late, not a group of rows above.)"""
    rows = named[k]
    return [key for j, (key, _) in enumerate(order[:pos]) if j in rows]


def _match(
    k: str,
    tokens: list[Token],
    i: int,
    end: int,
    pos: int,
    order: list[tuple[str, Matcher]],
    needles: re.Pattern[str],
    named: _Named,
    headers: Collection[int] = (),
) -> tuple[list[int], int]:
    """The rows the label at ``i`` names, and how many following text tokens it took.

    A label wrapped over lines may carry its signature across the break ("5.属于三类内部事" /
    "务信息"): when a token names no row, it is tried joined with the next one or two.
    A merged label ("(三)不予公开 1.属于国家秘密 2.其他…") may name several adjacent rows; the
    numbers after it belong to the last, the others were printed without numbers.
    """
    for used in range(3):
        if used:
            nxt = i + used
            if nxt >= end or tokens[nxt].kind != "text" or tokens[nxt].line in headers:
                break  # a header of columns named after rows is no part of a label
            k += label_key(tokens[nxt].text)
            if len(k) > MAX_LABEL:
                break
        at = i + used
        hits = _hits(k, tokens, at, pos, order, named) if k in _WEAK_WORDS or needles.search(k) else []
        if not hits and _ordinal_fits(k, tokens, at, pos, order, named):
            hits = [pos + 1]  # a garbled label with the next row's ordinal, followed by numbers
        if hits:
            chain = [hits[0]]
            for j in hits[1:]:
                if j != chain[-1] + 1:
                    break
                chain.append(j)
            return chain, used
    return [], 0


def _ordinal_fits(
    k: str, tokens: list[Token], i: int, pos: int, order: list[tuple[str, Matcher]], named: _Named
) -> bool:
    if pos < 0 or pos + 1 >= len(order) or not next_is_number(tokens, i):
        return False
    expected = ROW_ORDINALS.get(order[pos + 1][0])
    m = _LEADING_ORDINAL_LABEL.match(k)
    if expected is None or m is None or m.group(1) != expected or len(k) <= len(expected) + 1:
        return False
    # a label that names some row of the table (printed out of order) is not a garbled one
    return not named[k]


def _hits(
    k: str, tokens: list[Token], i: int, pos: int, order: list[tuple[str, Matcher]], named: _Named
) -> list[int]:
    """Rows after ``pos`` that the label ``k`` names."""
    last = len(order) if pos >= 0 else min(len(order), FIRST_ROW_SLACK)
    strong = named[k]
    hits = []
    for j in range(pos + 1, last):
        if j in strong:
            hits.append(j)
            continue
        weak = _WEAK.get(order[j][0]) if j <= pos + 2 else None
        if weak is not None and weak(k, tokens, i):
            hits.append(j)
    return hits


def edition_votes(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    """How many of each edition's distinctive active-disclosure words appear: (2021, 2019)."""
    text = "".join(label_key(t.text) for t in tokens[start:end] if t.kind == "text")
    return sum(w in text for w in EDITION_WORDS["2021"]), sum(w in text for w in EDITION_WORDS["2019"])


def request_segments(
    rows: Rows, edition_key: str, placer: Placer, header_texts: list[Token]
) -> tuple[list[Segment], list[Identity], list[str]]:
    """Segments for the requests table, plus virtual identities for rows printed in the other
    edition's shape (one 其他处理 row in a 2021 report, or three in a 2019 report)."""
    segments: list[Segment] = []
    extra: list[Identity] = []
    virtual: list[str] = []
    table = REQUESTS_2021 if edition_key == "2021" else REQUESTS_2019
    own = set(table.row_keys)
    for key, toks in rows.numbers.items():
        seg = placer.segment(key, REQUEST_COLUMNS, rows.label_line[key], toks, header_texts)
        segments.append(seg)
        if key not in own:
            virtual.extend(seg.addresses)
    if _assumed_order_contradicted(segments, placer.assumed):
        # the header did not give the column order, so the official one was assumed, and in it
        # no row that prints every cell adds up: the columns are in another order (总计 first,
        # say), not known, and the rows read in the assumed order are not read at all
        placer.refused |= placer.assumed
        segments = [
            Segment(s.addresses, [], False) if s.addresses[0].split(".")[1] in placer.assumed else s
            for s in segments
        ]
    has_2019_row = bool(rows.numbers.get("other_handling"))
    has_2021_rows = any(rows.numbers.get(r) for r in OTHER_ROWS_2021)
    if edition_key == "2021" and has_2019_row:
        extra += _sum_identities("other_handling", OTHER_ROWS_2021)
    if edition_key == "2019" and has_2021_rows:
        extra += _sum_identities("other_handling", OTHER_ROWS_2021)
        virtual += [
            f"requests.{r}.{c}" for r in OTHER_ROWS_2021 for c in REQUEST_COLUMN_KEYS if r not in rows.numbers
        ]
    return segments, extra, virtual


def _assumed_order_contradicted(segments: list[Segment], assumed: set[str]) -> bool:
    """Whether the rows read in the assumed (official) column order, where they print every
    cell as a whole number or a blank (as 0), speak against it: none adds up in that order alone, and at least
    two do not add up in it. A row that adds up both in it and with 总计 first ("5 0 0 0 0 0 5")
    says nothing; a published table that does not add up in some rows, as real ones do, has
    rows that add up in its own order only."""
    against = 0
    for s in segments:
        if not s.exact or len(s.readings) != 1 or s.addresses[0].split(".")[1] not in assumed:
            continue
        # a printed blank ("—", "/") counts as 0 here; a cell with nothing printed leaves the
        # row out
        values = [(o.value if o.value is not None else 0) if o is not None else None for o in s.readings[0]]
        if s.addresses[-1].rsplit(".", 1)[1] != "total" or not all(isinstance(v, int) for v in values):
            continue
        ints = cast("list[int]", values)
        as_assumed = ints[-1] == sum(ints[:-1])
        if as_assumed and ints[0] != sum(ints[1:]):
            return False  # adds up in the assumed order only: the order is the table's
        if not as_assumed:
            against += 1
    return against >= 2


def _sum_identities(total_row: str, part_rows: tuple[str, ...]) -> list[Identity]:
    out = [
        Identity(
            "virtual.other_handling",
            0,
            c,
            f"requests.{total_row}.{c}",
            tuple(f"requests.{r}.{c}" for r in part_rows),
        )
        for c in REQUEST_COLUMN_KEYS
    ]
    for r in part_rows:
        out.append(
            Identity(
                "virtual.row_total",
                0,
                r,
                f"requests.{r}.total",
                tuple(f"requests.{r}.{c}" for c in REQUEST_COLUMN_KEYS[:-1]),
            )
        )
    out.append(
        Identity(
            "virtual.row_total",
            0,
            total_row,
            f"requests.{total_row}.total",
            tuple(f"requests.{total_row}.{c}" for c in REQUEST_COLUMN_KEYS[:-1]),
        )
    )
    return out


def scan_requests(tokens: list[Token], start: int, end: int) -> Rows:
    return scan_rows(
        tokens,
        start,
        end,
        _REQUEST_ORDER,
        _REQUEST_NEEDLES,
        groups=_GROUP_FIRST,
        every_row=_EVERY_REQUEST_ROW,
    )


def scan_active(tokens: list[Token], start: int, end: int, edition_key: str) -> Rows:
    table = ACTIVE_2021 if edition_key == "2021" else ACTIVE_2019
    widths = {r.key: len(r.columns) for r in table.rows}
    return scan_rows(
        tokens,
        start,
        end,
        _ACTIVE_ORDER[edition_key],
        _ACTIVE_NEEDLES,
        widths.__getitem__,
        stops=ACTIVE_GROUP_HEADERS,
        extra=ACTIVE_EXTRA_ROWS,
        names_column=_active_column_namer(edition_key),
    )


@cache
def _active_column_namer(edition_key: str) -> Callable[[str], bool]:
    """Whether a label key names a column of the edition's active-disclosure table."""
    table = ACTIVE_2021 if edition_key == "2021" else ACTIVE_2019
    columns = tuple(c for r in table.rows for c in r.columns)
    return lambda k: match_column(k, columns) is not None


def active_segments(
    rows: Rows, edition_key: str, placer: Placer, header_texts: dict[str, list[Token]]
) -> list[Segment]:
    table = ACTIVE_2021 if edition_key == "2021" else ACTIVE_2019
    out = []
    for row in table.rows:
        toks = rows.numbers.get(row.key)
        if not toks and row.key not in rows.label_line:
            continue
        seg = placer.segment(
            row.key, row.columns, rows.label_line[row.key], toks or [], header_texts.get(row.key, [])
        )
        if not seg.exact and seg.readings and sum(t.kind != "text" for t in toks or ()) > len(row.columns):
            # more numbers than cells and no identity to weigh which are the row's: the windows
            # all agreeing on a cell is no evidence of it
            seg = segment_for(seg.addresses, toks or [], windows=False)
        if seg.readings:
            out.append(seg)
    return out


APPEAL_ADDRESSES = tuple(f"appeals.{r.key}.{c.key}" for r in APPEALS.rows for c in r.columns)


_HEADER_WORDS = re.compile("结果|维持|纠正|审结|尚未|总计|复议|诉讼|起诉")


def appeal_segments(
    tokens: list[Token], start: int, end: int, lines: Sequence[str] = (), place: PlaceOf | None = None
) -> list[Segment] | None:
    """The appeals numbers. As printed officially: one row of 15 numbers after the two-level
    header, in reading order; a separated copy (``|`` or tab, ``lines``: the text's lines) that
    keeps that row's 15 cells, blank ones included, is read cell by cell. Printed row by row
    (行政复议 …, 未经复议直接起诉 …, 复议后起诉 …) or transposed (each result column followed by
    its three numbers), the runs are read so. None when numbers and header words are
    interleaved: the text is not in reading order."""
    runs: list[tuple[str, list[Token]]] = []  # (label before the run, numbers)
    prefaces: list[list[Token]] = []  # the text before each run, since the run before
    since: list[Token] = []
    started = new_run = False
    label = ""
    header: list[Token] = []
    for t in tokens[start:end]:
        if t.kind == "text" and not runs:
            header.append(t)
        if t.kind == "text":
            k = label_key(t.text)
            if len(k) > MAX_LABEL and runs:
                break
            started = started or "行政复议" in k or "结果维持" in k
            label, new_run = k, True
            if started:
                since.append(t)
            continue
        if not started:
            continue
        if new_run or not runs:
            runs.append((label, []))
            prefaces.append(since)
            since = []
            new_run = False
        runs[-1][1].append(t)
    if not runs:
        return []
    own = _groups_with_own_headers(prefaces, runs)
    if own is not None:
        return own
    order = appeal_order(header)
    assumed = not _header_read(header)
    if (order is None or assumed) and header:
        # labels printed down narrow cells, a piece a line: read them by their columns
        stacked = appeal_order_stacked(header, lines[header[0].line - 1 : runs[0][1][0].line - 1], place)
        if stacked is not None:
            order, assumed = stacked, False
    if order is None:
        return None  # the header shows another column order and cannot be understood

    def run_row(r: int) -> str | None:
        """The row a run's label names: its last text, or all the text since the run before
        (a label broken over lines, "行政诉讼 未经复议直接" / "起诉")."""
        joined = "".join(label_key(t.text) for t in prefaces[r])
        return appeal_row(runs[r][0]) or (appeal_row(joined) if len(joined) <= MAX_LABEL else None)

    run_rows = [run_row(r) for r in range(len(runs))]
    if len(runs) > 1 and all(run_rows[1:]):
        if None in run_rows or len(set(run_rows)) != len(run_rows):
            # a row named twice: the text since a run holds the end of the label before it
            # ("未经复议" / 0 5 2 2 9 / "直接起诉" / "复议后起" / 0 0 0 0 0 / "诉"), not its own
            return None
        out = []
        for row, (_, nums) in zip(run_rows, runs, strict=True):  # row by row: 行政复议 … / 未经复议直接起诉 …
            out.append(segment_for(tuple(f"appeals.{row}.{c}" for c in order), nums))
        return out
    if len(runs) >= 4 and all(match_column(lbl, APPEAL_COLUMNS) and len(nums) <= 3 for lbl, nums in runs):
        out = []
        for lbl, nums in runs:
            col = match_column(lbl, APPEAL_COLUMNS)
            out.append(segment_for(tuple(f"appeals.{r.key}.{col}" for r in APPEALS.rows), nums))
        return out
    if any(_HEADER_WORDS.search(lbl) for lbl, _ in runs[1:]):
        return None  # numbers interleaved with header words: the text is not in reading order
    nums = [t for _, run in runs for t in run]
    addresses = tuple(f"appeals.{r.key}.{c}" for r in APPEALS.rows for c in order)
    line = nums[0].line
    if all(t.line == line for t in nums) and 1 <= line <= len(lines):
        celled = row_by_cells(lines[line - 1], nums, len(addresses))
        if celled is not None:
            return [Segment(addresses, [celled], True)]
    seg = segment_for(addresses, nums)
    rds, exact = seg.readings, seg.exact
    if exact and len(rds) == 1 and assumed and _no_group_adds_up(rds[0], order):
        # The header was not read (its labels in pieces), so the official order was assumed,
        # and in that order no group's 总计 is the sum of its results: the assumption is
        # contradicted (总计 printed first, say), and the columns are not known.
        return []
    if (
        exact
        and len(rds) == 1
        and assumed
        and len({t.line for t in nums}) == len(nums)
        and _groups_adding_up_in_neither(rds[0], order) >= 2
    ):
        # The numbers one a line, nothing but their order to place them, and two groups or more
        # that add up in no order the format is printed in: the cells are out of reading order
        # (pdftotext's plain mode prints a table's cells by blocks), not a published table that
        # does not add up (that one, printed as rows, is read as printed)
        return []
    if exact and len(rds) == 1 and assumed:
        return _unless_total_first(addresses, rds[0], order)
    return [seg]


def _groups_with_own_headers(
    prefaces: list[list[Token]], runs: list[tuple[str, list[Token]]]
) -> list[Segment] | None:
    """The appeals table printed as three small tables, one a group: its label (行政复议,
    行政诉讼（未经复议直接起诉）…), its own header of the five results, one row of numbers. Each
    row is read in its own header's order; None when the text is not so printed."""
    if len(runs) != len(APPEALS.rows) or len(prefaces) != len(runs):
        return None
    out: list[Segment] = []
    seen: set[str] = set()
    for pre, (_, nums) in zip(prefaces, runs, strict=True):
        named = [(t, appeal_row(label_key(t.text))) for t in pre]
        rows_named = [r for _, r in named if r is not None]
        if len(set(rows_named)) != 1 or rows_named[0] in seen:
            return None
        row = rows_named[0]
        seen.add(row)
        header = [t for t, r in named if r is None]
        order = appeal_order(header)
        if order is None or not _header_read(header) or len(order) != len(APPEAL_COLUMNS):
            return None
        out.append(segment_for(tuple(f"appeals.{row}.{c}" for c in order), nums))
    return out


def _unless_total_first(addresses: tuple[str, ...], reading: Reading, order: list[str]) -> list[Segment]:
    """The appeals row read in the official order, assumed because the header was not read.
    总计 printed first is the other layout in use: a group whose numbers add up read so has the
    cells the two readings give differently open between both (:mod:`solve` weighs them against
    the identities: "3 0 0 0 3" adds up both ways, 结果维持 3 or 尚未审结 3, and is ambiguous;
    "5 0 0 1 4" adds up only 总计 first, and the reading taken by the identities alone is
    inferred, never read). A group that adds up in neither order is read as printed (a
    published error, reported by the checker)."""
    n = len(order)
    first = [order[-1], *order[:-1]]  # the same numbers with 总计 the first column
    out: list[Segment] = []
    fixed_at: list[str] = []
    fixed: list[Obs | None] = []
    for g in range(0, len(reading), n):
        group = reading[g : g + n]
        as_printed = dict(zip(order, group, strict=True))
        total_first = dict(zip(first, group, strict=True))
        differ = [k for k in order if _value(as_printed[k]) != _value(total_first[k])]
        if differ and _adds_up(total_first):
            at = tuple(addresses[g + order.index(k)] for k in differ)
            out.append(
                Segment(at, [tuple(as_printed[k] for k in differ), tuple(total_first[k] for k in differ)])
            )
            keep = [k for k in order if k not in differ]
        else:
            keep = order
        fixed_at += [addresses[g + order.index(k)] for k in keep]
        fixed += [as_printed[k] for k in keep]
    return [Segment(tuple(fixed_at), [tuple(fixed)], True), *out]


def _value(o: Obs | None) -> object:
    return None if o is None else o.value


def _adds_up(group: dict[str, Obs | None]) -> bool:
    """Whether a group's 总计 is the sum of its results, all printed as whole numbers."""
    values = {k: o.value for k, o in group.items() if o is not None and isinstance(o.value, int)}
    return len(values) == len(group) and values["total"] == sum(v for k, v in values.items() if k != "total")


def _header_read(header: list[Token]) -> bool:
    """Whether the appeals header names the result columns whole, at least one group of them:
    otherwise the reader falls back to the official order."""
    keys = [
        key for _, k, key in header_words(header, APPEAL_COLUMNS, _APPEAL_GROUP_WORDS) if key and len(k) >= 3
    ]
    return len(set(keys)) >= 3


def _no_group_adds_up(reading: Reading, order: list[str]) -> bool:
    """Whether, in ``reading`` (the three groups' results in ``order``), every group has all
    five numbers and none adds up (:func:`_adds_up`). (A group of zeros adds up in every order;
    a published table that does not add up in some groups, as real ones do, has one that does.)"""
    n = len(order)
    groups = [dict(zip(order, reading[g : g + n], strict=True)) for g in range(0, len(reading), n)]
    if any(o is None or not isinstance(o.value, int) for group in groups for o in group.values()):
        return False
    return not any(_adds_up(group) for group in groups)


def _groups_adding_up_in_neither(reading: Reading, order: list[str]) -> int:
    """How many groups of ``reading`` (whole numbers, in ``order``) add up neither so nor with
    总计 printed first."""
    n = len(order)
    first = [order[-1], *order[:-1]]
    count = 0
    for g in range(0, len(reading), n):
        group = reading[g : g + n]
        if any(o is None or not isinstance(o.value, int) for o in group):
            continue
        if not _adds_up(dict(zip(order, group, strict=True))) and not _adds_up(
            dict(zip(first, group, strict=True))
        ):
            count += 1
    return count


_APPEAL_RESULT_KEYS = tuple(c.key for c in APPEAL_COLUMNS)
_APPEAL_GROUP_WORDS = ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")


def appeal_order_stacked(
    header: list[Token], lines: Sequence[str], place: PlaceOf | None = None
) -> list[str] | None:
    """The order of the result columns when the appeals header's labels are printed down their
    narrow cells, a piece a line (:func:`columns.stacked_labels`): stacked by the pieces'
    measured boxes on a PDF page, or by character columns in ``lines``, the header's lines of a
    layout-keeping text copy. The three groups' labels must each name the five result columns,
    in one order."""
    keys = None
    places = [place(t) for t in header] if place is not None else []
    if places and all(p is not None and not p.cells for p in places):
        rows: dict[int, list[Piece]] = {}
        for t, p in zip(header, places, strict=True):
            if p is not None and len(t.text.split()) == 1:
                rows.setdefault(t.line, []).append((p.x0, p.x1, t.text))
            elif not _appeal_group_word(label_key(t.text)):
                rows = {}  # words sharing one box: their places are unknown
                break
        if rows:
            keys = stacked_labels([rows[ln] for ln in sorted(rows)], APPEAL_COLUMNS, _appeal_group_word)
    elif lines:
        keys = stacked_text_labels(lines, APPEAL_COLUMNS, _appeal_group_word)
    n = len(_APPEAL_RESULT_KEYS)
    if keys is None or len(keys) != 3 * n:
        return None
    groups = [keys[i : i + n] for i in range(0, len(keys), n)]
    if any(set(g) != set(_APPEAL_RESULT_KEYS) or g != groups[0] for g in groups):
        return None
    return groups[0]


def _appeal_group_word(k: str) -> bool:
    """A word of the appeals header that is no result label: a group (行政复议, 未经复议直接起诉)
    or the table's title."""
    return any(g in k for g in _APPEAL_GROUP_WORDS) or "情况" in k


def appeal_order(header: list[Token]) -> list[str] | None:
    """The order of the result columns (结果维持 … 总计) the appeals header prints, repeated for
    each of its three groups; the official order when the header gives none. None when the
    header shows the columns or groups in another order that cannot be established."""
    words = header_words(header, APPEAL_COLUMNS, _APPEAL_GROUP_WORDS)
    # the result labels as one stream, cut where a label comes again: one run per group (a
    # copy's lines may cut a group anywhere, so they are no evidence of where a group starts)
    chunks: list[list[str]] = [[]]
    rows_per_line: dict[int, list[str]] = {}
    understood = True
    for ln, k, key in words:
        if key is not None and len(k) < 3 and key != "total":
            understood = False  # "维持", "其他": a fragment of a label wrapped in a narrow cell
            continue
        if key is not None:
            if key in chunks[-1]:
                chunks.append([])
            chunks[-1].append(key)
            continue
        row = appeal_row(k)
        if row is not None or "行政诉讼" in k:
            rows_per_line.setdefault(ln, []).append(row or "litigation")
        elif len(k) <= 16 and "情况" not in k:
            understood = False
    official = list(_APPEAL_RESULT_KEYS)
    rank = {k: i for i, k in enumerate(official)}
    group_rank = {
        "reconsideration": 0,
        "litigation": 1,
        "litigation_direct": 1,
        "litigation_after_reconsideration": 2,
    }
    groups_in_order = all(
        group_rank[a] <= group_rank[b] and a != b
        for seq in rows_per_line.values()
        for a, b in itertools.pairwise(seq)
    )
    full = [c for c in chunks if len(c) == len(official)]
    if full and all(c == full[0] for c in full) and understood and groups_in_order:
        order = full[0]
        pos = {k: i for i, k in enumerate(order)}
        if all(pos[a] < pos[b] for c in chunks for a, b in itertools.pairwise(c)):
            return order
    if groups_in_order and all(rank[a] < rank[b] for c in chunks for a, b in itertools.pairwise(c)):
        return official
    return None


MAX_ASSOCIATION_READINGS = 256  # combined readings of the rows a doubtful association touches


def _free(by_line: dict[int, list[Token]], line: int) -> bool:
    """Whether a line holds numbers only."""
    toks = by_line.get(line, ())
    return bool(toks) and all(t.kind != "text" for t in toks)


def label_spans(rows: Rows, by_line: dict[int, list[Token]]) -> dict[str, tuple[int, int]]:
    """Each requests row's label lines: from its label's line through the lines that carry its
    official wording on ("…相关政" / numbers / "府信息"), lines of numbers between them included."""
    label_at = {ln: r for r, ln in rows.label_line.items()}
    span: dict[str, tuple[int, int]] = {}
    last_line = max(by_line, default=0)
    for r in sorted(rows.label_line, key=lambda r: rows.label_line[r]):
        start = end = rows.label_line[r]
        printed = "".join(label_key(t.text) for t in by_line.get(start, ()) if t.kind == "text")
        official = label_key(REQUEST_LABEL.get(r, ""))
        ln = end + 1
        while ln <= last_line and ln not in label_at:
            toks = by_line.get(ln, ())
            if toks and not _free(by_line, ln):
                words = [label_key(w) for t in toks if t.kind == "text" for w in t.text.split()]
                if not any(w and printed[-3:] + w[:3] in official for w in words):
                    break  # text that does not carry the label on: the label has ended
                end = ln  # the label's wrapped continuation, perhaps below its numbers
                printed += "".join(words)
            ln += 1
        span[r] = (start, end)
    return span


def _blank_cells(
    lines: Sequence[str], line: int, by_line: dict[int, list[Token]], n: int = len(REQUEST_COLUMN_KEYS) - 1
) -> bool:
    """Whether a separated line (tab or ``|``) prints at least ``n`` cells after its label
    (a requests row's, but for one lost), every one empty: the row's own cells, printed blank."""
    if not 1 <= line <= len(lines):
        return False
    toks = by_line.get(line, ())
    if not toks or any(t.kind != "text" for t in toks):
        return False
    after = split_cells(lines[line - 1])[max(t.cell for t in toks) + 1 :]
    return len(after) >= n and not any(c.strip() for c in after)


def own_numbers_first(
    rows: Rows, by_line: dict[int, list[Token]], spans: dict[str, tuple[int, int]], lines: Sequence[str] = ()
) -> Rows:
    """Rows with the numbers of their label's own lines, and without those of lines above it
    when they have such numbers.

    The numbers on a label's own lines ("（二）部分公开（区分处理的，只" / numbers /
    "计这一情形…", or "四、结转下年度继续" / "办理 0 1 …") are that row's, whichever row the scan
    gave them. A row with numbers on its
    own lines takes no line of numbers above its label (the row before's printed again, a
    stray line); numbers printed above a vertically centred label whose own lines hold none
    stay its; so do they when its label's line prints its own cells, all blank (a separated
    copy: ``（二）部分公开…`` followed by empty cells). ``spans``: :func:`label_spans`."""
    owner = {id(t): r for r, toks in rows.numbers.items() for t in toks}
    for r, (start, end) in spans.items():
        for ln in range(start + 1, end + 1):
            for t in by_line.get(ln, ()):
                if t.kind == "text":
                    continue
                other = owner.get(id(t))
                if other == r:
                    continue
                if other is not None:
                    rows.numbers[other] = [x for x in rows.numbers[other] if x is not t]
                rows.numbers.setdefault(r, []).append(t)
                owner[id(t)] = r
    for r, toks in rows.numbers.items():
        if r not in spans:
            continue
        start, end = spans[r]
        above = [t for t in toks if t.line < start and _free(by_line, t.line)]
        own = any(start <= t.line <= end for t in toks) or _blank_cells(lines, start, by_line)
        if above and own:
            toks = [t for t in toks if not (t.line < start and _free(by_line, t.line))]
        rows.numbers[r] = sorted(toks, key=lambda t: (t.line, t.cell))
    return rows


def doubtful_association(
    segments: list[Segment],
    rows: Rows,
    by_line: dict[int, list[Token]],
    span: dict[str, tuple[int, int]],
    lines: Sequence[str] = (),
    edition_rows: Collection[str] = (),
) -> list[Segment]:
    """The requests table's segments with the row association of free number lines questioned
    (``span``: each row's label lines, :func:`label_spans`).

    A line holding only numbers, between the end of one row label (with its wrapped
    continuation lines) and the start of the next whose own lines hold no numbers, could be the
    row above's (numbers printed below their label) or the row below's (numbers printed above a
    vertically centred label). A label's lines run on while the text carries its official wording
    on ("…相关政" / numbers / "府信息"): numbers between them are the label's. The scan took one. Moving every such line to the other label is
    the other story; both are offered as readings of one segment over the rows they touch: the
    identities decide where they can, and a shift they cannot see (inside 本年度办理结果 every
    shift balances) leaves the cells ambiguous. A line inside a label's own lines is its. A
    label whose line prints its own cells, all blank (a separated copy, ``lines``), takes no
    other line: the numbers near it are another row's.

    Where rows of the official order stand between the two labels and their own labels were
    not found (``edition_rows``: the rows the edition has; a label printed away from its
    numbers, or lost), the line may be theirs: a third story gives it to no row read here, so
    the two rows' cells it would decide are not stated.

    Labels printed together (:func:`_label_run`) before the lines a row took after its label:
    every assignment of those lines to those rows, in the format's order, is a story. A line
    that prints again the numbers of the line above (:func:`_repeats`) may be no row's.
    """
    order = sorted(rows.label_line, key=lambda r: rows.label_line[r])

    numbered = sorted(ln for ln, toks in by_line.items() if any(t.kind != "text" for t in toks))
    numbered_set = set(numbered)

    def has_numbers(line: int) -> bool:
        return line in numbered_set

    def free(line: int) -> bool:
        return _free(by_line, line)

    def number_lines(after: int, before: int) -> int:
        """Lines with numbers strictly between ``after`` and ``before``."""
        return max(0, bisect.bisect_left(numbered, before) - bisect.bisect_right(numbered, after))

    moves: dict[int, tuple[str, str]] = {}  # free line -> (from row, to row)
    open_lines: set[int] = set()  # free lines that may be a row's whose label was not found
    runs: dict[int, tuple[str, list[str]]] = {}  # free line -> (from row, labels printed with its)
    # the rows of the shape printed: 2019's （六）其他处理 is a row where no 2021 sub-row is found
    printed_rows = set(edition_rows)
    if not any(r in rows.label_line for r in OTHER_ROWS_2021):
        printed_rows |= _GROUP_ROWS
    for r, toks in rows.numbers.items():
        if r not in span:
            continue
        run: list[str] | None = None  # the labels printed with r's (the same for all its lines)
        for line in sorted({t.line for t in toks}):
            start, end = span[r]
            if not free(line) or start <= line <= end:
                continue
            above = numbered[bisect.bisect_left(numbered, line) - 1] if numbered[0] < line else None
            if above is not None and _repeats(by_line, line, above):
                # the numbers of the line above printed again (a line duplicated in extraction):
                # the line may be no row's
                runs.setdefault(line, (r, []))
                open_lines.add(line)
            if line > end and rows.late and _unfound_before(r, rows, edition_rows):
                # labels out of order, and the row before this one in the format has no label
                # found: its label may be printed away (or garbled) and the line its
                runs.setdefault(line, (r, []))
                open_lines.add(line)
            if line > end:  # any line of numbers alone the row took after its label
                if run is None:
                    run = _label_run(r, order, span, rows, number_lines, has_numbers, printed_rows)
                if run:
                    runs[line] = (r, run)
            # doubtful only when it is the one line of numbers between the two labels (a row
            # printed one number a line, or two number lines, is no such case)
            if line > end:
                alt = next((x for x in order if span[x][0] > line), None)
                tied = alt is not None and number_lines(end, span[alt][0]) == 1
            else:
                alt = next((x for x in reversed(order) if span[x][1] < line), None)
                tied = alt is not None and number_lines(span[alt][1], start) == 1
            if (
                tied
                and alt is not None
                and alt != r
                and alt not in _GROUP_ROWS  # a group label doubling as a row (（六）其他处理) takes none
                and not has_numbers(rows.label_line[alt])
                and not _blank_cells(lines, rows.label_line[alt], by_line)
            ):
                moves[line] = (r, alt)
                if _unfound_between(r, alt, rows, edition_rows):
                    open_lines.add(line)
    if not moves and not runs:
        return segments
    # rows linked by moves are weighed together; unlinked groups each on their own
    parent: dict[str, str] = {}

    def find(r: str) -> str:
        while parent.setdefault(r, r) != r:
            r = parent[r]
        return r

    for src, dst in moves.values():
        parent[find(src)] = find(dst)
    for src, run in runs.values():
        find(src)
        for dst in run:
            parent[find(src)] = find(dst)
    groups: dict[str, list[str]] = {}
    for r in parent:
        groups.setdefault(find(r), []).append(r)
    out = list(segments)
    for members in groups.values():
        out = _weigh_association(
            out, sorted(members, key=lambda r: rows.label_line[r]), rows, moves, open_lines, runs, by_line
        )
    return out


def _repeats(by_line: dict[int, list[Token]], line: int, above: int) -> bool:
    """Whether ``line``, a line of several numbers (a row's), prints the numbers other than 0
    that ``above`` prints, in order, some."""

    def nonzero(ln: int) -> list[object]:
        return [t.value for t in by_line.get(ln, ()) if t.kind == "num" and t.value]

    mine = nonzero(line)
    several = sum(t.kind == "num" for t in by_line.get(line, ())) >= 2
    return several and bool(mine) and mine == nonzero(above)


def _label_run(
    r: str,
    order: list[str],
    span: dict[str, tuple[int, int]],
    rows: Rows,
    number_lines: Callable[[int, int], int],
    has_numbers: Callable[[int], bool],
    printed_rows: Collection[str] = (),
) -> list[str]:
    """The rows whose labels stand just above row ``r``'s with no number between them, nor on
    their lines: labels printed together in a paragraph (a PDF-to-markdown copy moves wrapped
    labels out of their rows), any of which may own the numbers after the last. A group label
    (（六）其他处理) is one of them only where it is a row of the shape printed (``printed_rows``)."""
    run: list[str] = []
    i = order.index(r)
    while i > 0:
        prev, cur = order[i - 1], order[i]
        if (
            (prev in _GROUP_ROWS and prev not in printed_rows)  # a group label, not a row
            or number_lines(span[prev][1], span[cur][0]) > 0
            or has_numbers(rows.label_line[prev])
            # numbers it took before ``r``'s label (numbers it took after, from its group
            # label's line further down, do not part it from the labels printed together)
            or any(t.line < span[r][0] for t in rows.numbers.get(prev, ()))
        ):
            break
        run.append(prev)
        i -= 1
    return run


_REQUEST_RANK = {key: i for i, (key, _) in enumerate(_REQUEST_ORDER)}


def _unfound_between(a: str, b: str, rows: Rows, edition_rows: Collection[str]) -> bool:
    """Whether a row of the official order between rows ``a`` and ``b`` (of the edition, not a
    group label) has no label found."""
    lo, hi = sorted((_REQUEST_RANK[a], _REQUEST_RANK[b]))
    return any(
        key not in rows.label_line and key not in _GROUP_ROWS and (not edition_rows or key in edition_rows)
        for key, _ in _REQUEST_ORDER[lo + 1 : hi]
    )


def _unfound_before(r: str, rows: Rows, edition_rows: Collection[str]) -> bool:
    """Whether a row of the official order just before row ``r`` (after the last row found
    above it, earlier in the order) has no label found."""
    rank, line = _REQUEST_RANK[r], rows.label_line[r]
    found = [_REQUEST_RANK[k] for k, ln in rows.label_line.items() if _REQUEST_RANK[k] < rank and ln < line]
    if not found:
        return False
    prev = _REQUEST_ORDER[max(found)][0]
    return _unfound_between(prev, r, rows, edition_rows)


def _association_readings(
    per_row: list[list[Token]], unfit: Callable[[list[Token]], bool] = lambda toks: False
) -> list[Reading] | None:
    """The readings of requests rows (their numbers under one association, in order) together:
    every combination of each row's readings; a row without numbers reads as blanks. [] when a
    row's numbers do not fit it (no reading, or ``unfit``), None when the combinations are more
    than ``MAX_ASSOCIATION_READINGS``."""
    n = len(REQUEST_COLUMN_KEYS)
    readings: list[list[Reading]] = []
    total = 1
    for toks in per_row:
        if not toks:
            readings.append([(None,) * n])
            continue
        if unfit(toks):
            return []
        rds, _ = readings_for(toks, n)
        if not rds:
            return []
        readings.append(rds)
        total *= len(rds)
    if total > MAX_ASSOCIATION_READINGS:
        return None
    return [tuple(o for rd in combo for o in rd) for combo in itertools.product(*readings)]


def _weigh_association(
    segments: list[Segment],
    affected: list[str],
    rows: Rows,
    moves: dict[int, tuple[str, str]],
    open_lines: Collection[int] = (),
    runs: dict[int, tuple[str, list[str]]] | None = None,
    by_line: dict[int, list[Token]] | None = None,
) -> list[Segment]:
    """Both associations of the free lines among ``affected`` rows as one segment, a third
    where ``open_lines`` are no row's here, and one for every label printed in a run with the
    owner's (``runs``) taking its line (see :func:`doubtful_association`)."""
    other: dict[str, list[Token]] = {r: [] for r in affected}
    for r in affected:
        for t in rows.numbers.get(r, []):
            move = moves.get(t.line)
            other[move[1] if move and move[0] == r else r].append(t)
    for r in affected:
        other[r].sort(key=lambda t: (t.line, t.cell))

    def combined(assign: dict[str, list[Token]]) -> list[Reading] | None:
        """The readings of the affected rows under one association; [] when it gives some row
        a doubtful line of numbers besides another line of its own (two rows' numbers: not a
        way the table was printed)."""

        def unfit(toks: list[Token]) -> bool:
            lines = {t.line for t in toks}
            return bool(len(lines) >= 2 and lines & moves.keys()) or two_rows(
                toks, len(REQUEST_COLUMN_KEYS), by_line or {}
            )

        return _association_readings([assign.get(r, []) for r in affected], unfit)

    now = combined({r: rows.numbers.get(r, []) for r in affected})
    alt_readings = combined(other)
    mine = [t.line for r in affected for t in rows.numbers.get(r, [])]
    nobody = (
        combined({r: [t for t in rows.numbers.get(r, []) if t.line not in open_lines] for r in affected})
        if open_lines and any(ln in open_lines for ln in mine)
        else []
    )
    in_run: list[Reading] | None = []
    by_src: dict[str, tuple[list[str], list[int]]] = {}
    for line, (src, run) in sorted((runs or {}).items()):
        if src in affected:
            by_src.setdefault(src, (run, []))[1].append(line)
    for src, (run, own_lines) in by_src.items():
        # the lines, in order, go to the rows in the format's order (the rows' numbers stand
        # in the table's order, wherever their labels were printed), each row at most one line
        owners = sorted([*run, src], key=_REQUEST_RANK.__getitem__)
        if len(own_lines) > len(owners):
            in_run = None  # more lines than labels: some are rows' whose labels stand elsewhere
            break
        for chosen in itertools.combinations(range(len(owners)), len(own_lines)):
            assign = {r: [t for t in rows.numbers.get(r, []) if t.line not in own_lines] for r in affected}
            for line, k in zip(own_lines, chosen, strict=True):
                assign[owners[k]] = [*assign[owners[k]], *(t for t in rows.numbers[src] if t.line == line)]
            story = combined({r: sorted(toks, key=lambda t: (t.line, t.cell)) for r, toks in assign.items()})
            if story is None or in_run is None:
                in_run = None
                break
            in_run += story
    keep = [s for s in segments if not any(a.split(".")[1] in affected for a in s.addresses)]
    cells = tuple(f"requests.{r}.{c}" for r in affected for c in REQUEST_COLUMN_KEYS)
    if now is None or alt_readings is None or nobody is None or in_run is None:
        return keep  # too many stories to weigh: nothing is claimed for these rows
    if nobody:  # the lines may be a row's whose label was not found: a third story
        alt_readings = [*alt_readings, *nobody]
    alt_readings = [*alt_readings, *in_run]  # a label printed with the owner's takes the line
    if not alt_readings:
        # the other association does not fit the rows: no evidence for it, unless the scan's
        # does not fit either (a row holding two rows' numbers), when neither story is told
        return segments if now else keep

    def values(rds: list[Reading]) -> set[tuple[object, ...]]:
        return {tuple(None if o is None else o.value for o in rd) for rd in rds}

    if now and values(now) == values(alt_readings):
        return segments  # both stories give the same cells (rows of zeros): nothing to weigh
    return [*keep, Segment(cells, [*now, *alt_readings], False)]  # now may be [] (it did not fit)


def shifted_association(
    segments: list[Segment], rows: Rows, by_line: dict[int, list[Token]]
) -> list[Segment]:
    """The requests rows read both ways when numbers stand alone before the first label.

    Up to a row whose numbers stand on a line with text (a label ties them), each label's
    numbers may be the ones after it or the ones before it (pdftotext's plain mode prints a
    row's cells before a one-line label, beside a wrapped one): both associations are one
    segment over those rows, and the identities choose where they can. Where one of those
    labels holds more numbers than the columns (two rows' worth, a neighbour none), labels are
    not all on one side of their numbers and no one shift is the story: every row is weighed on
    its own (:func:`_either_side`). After the tying row, rows whose numbers no line ties are
    weighed on their own too."""
    if len(rows.lead) < 2:
        return segments
    order: list[str] = []  # the rows from the first, up to one whose numbers a text's line ties
    labelled = sorted(rows.label_line, key=lambda r: rows.label_line[r])
    for r in labelled:
        if _tied(rows.numbers.get(r, ()), by_line):
            break
        order.append(r)
    if any(len(rows.numbers.get(r, ())) > len(REQUEST_COLUMN_KEYS) for r in order):
        # a label holding two rows' numbers, its neighbour none: labels are not all on one
        # side of their numbers, so no one shift is the story; each row is weighed on its own
        return _either_side(segments, rows, by_line, labelled)
    segments = _either_side(segments, rows, by_line, labelled, skip=set(order), mixed=False)
    if not order or not any(rows.numbers.get(r) for r in order):
        return segments
    before = {r: (rows.lead if k == 0 else rows.numbers.get(order[k - 1], [])) for k, r in enumerate(order)}

    after = _association_readings([rows.numbers.get(r, []) for r in order])
    shifted = _association_readings([before[r] for r in order])
    keep = [s for s in segments if not any(a.split(".")[1] in order for a in s.addresses)]
    if after is None or shifted is None:
        return keep  # too many stories to weigh: nothing is claimed for these rows
    if not shifted:
        return segments  # the numbers before the labels do not fit them: no evidence for it
    cells = tuple(f"requests.{r}.{c}" for r in order for c in REQUEST_COLUMN_KEYS)
    return [*keep, Segment(cells, [*after, *shifted], False)]


def _tied(tokens: Sequence[Token], by_line: dict[int, list[Token]]) -> bool:
    """Whether some of ``tokens`` stand on a line with text (a label ties them to its row)."""
    return any(x.kind == "text" for t in tokens for x in by_line.get(t.line, ()))


def _either_side(
    segments: list[Segment],
    rows: Rows,
    by_line: dict[int, list[Token]],
    labelled: list[str],
    skip: Collection[str] = (),
    mixed: bool = True,
) -> list[Segment]:
    """The rows whose numbers no text's line ties, each read from the numbers after its label or
    from those before it (the lead before the first label, the row before's, or what a tied
    row holds beyond its columns): a converter that orders blocks by their lower edge prints a
    wrapped label's numbers before it and a one-line label's after it, row by row, and
    pdftotext's plain mode a row's numbers before a one-line label. Both are the row's
    readings, each row on its own (a story giving one run to two rows is among them, so what
    the identities force holds in every true story). Rows in ``skip`` are read otherwise (one
    shift, :func:`shifted_association`); unless ``mixed`` (labels shown to stand on either
    side), a row with no numbers after its label or no segment of its own is left as it is."""
    n = len(REQUEST_COLUMN_KEYS)
    by_row = {_row_of(s): s for s in segments if _row_of(s) is not None}
    columns = printed_columns(segments)
    if columns is None:
        return segments
    replaced: dict[str, Segment] = {}
    prev_numbers: list[Token] = rows.lead
    prev_tied = False
    for r in labelled:
        after = rows.numbers.get(r, [])
        seg = by_row.get(r)
        before = prev_numbers[n:] if prev_tied else prev_numbers
        prev_numbers, prev_tied = after, _tied(after, by_line)
        if r in skip or prev_tied or (seg is not None and not seg.readings and after):
            continue  # tied to its label, or its own numbers given no reading
        if not before or [t.text for t in before] == [t.text for t in after]:
            continue
        if not mixed and (seg is None or not after):
            continue  # one shift is the story: a row given no reading of its own stays so
        addresses = seg.addresses if seg is not None else tuple(f"requests.{r}.{c}" for c in columns)
        rds = readings_for(before, len(addresses))[0]
        if not rds:
            replaced[r] = Segment(addresses, [], False)  # the numbers before fit no reading
            continue
        own = seg.readings if seg is not None else [(None,) * len(addresses)]
        replaced[r] = Segment(addresses, list(dict.fromkeys([*own, *rds])), False)
    out = [replaced.pop(k, s) if (k := _row_of(s)) is not None and by_row[k] is s else s for s in segments]
    return out + list(replaced.values())


def _row_of(segment: Segment) -> str | None:
    """The row a segment's cells are all in, or None when they span several rows."""
    rows = {a.split(".")[1] for a in segment.addresses}
    return rows.pop() if len(rows) == 1 else None


def printed_columns(segments: list[Segment]) -> tuple[str, ...] | None:
    """The columns in the order most one-row segments print them; None without any."""
    orders = Counter(
        tuple(a.rsplit(".", 1)[1] for a in s.addresses) for s in segments if _row_of(s) is not None
    )
    return orders.most_common(1)[0][0] if orders else None


def displaced_rows(
    segments: list[Segment],
    rows: Rows,
    by_line: dict[int, list[Token]],
    row_identities: list[Identity],
    columns: int = len(REQUEST_COLUMN_KEYS),
) -> list[Segment]:
    """The requests table's segments without rows whose numbers may be another row's.

    Text whose lines are not reliable (``pdftotext -layout`` of a table whose cells wrap puts a
    row's last numbers on the next row's line, and that row's own last numbers on a line of
    their own) can give a row exactly as many numbers as it has columns, some of them its
    neighbour's. The evidence is in the source: next to a row whose every reading breaks its own
    row identity (各栏之和 ≠ 总计) stands a line of numbers that no row took, or a row holding
    fewer or more numbers than the table has columns. Such a row is not read: the identities
    infer what they force, the rest stays unstated. A row that does not add up among rows that
    each hold their own numbers is kept as printed (a real error of the published table).
    """
    if not rows.label_line:
        return segments
    order = sorted(rows.label_line, key=lambda r: rows.label_line[r])
    starts = [rows.label_line[r] for r in order]
    taken = {t.line for toks in rows.numbers.values() for t in toks}
    last = max([t.line for toks in rows.numbers.values() for t in toks] + starts)
    disturbed = {r for r in order if len(rows.numbers.get(r, ())) not in (0, columns)}
    for ln in range(starts[0], last + 1):
        if ln not in taken and _free(by_line, ln):
            i = bisect.bisect_right(starts, ln)  # a line no row took: the rows above and below
            disturbed.update(order[max(0, i - 1) : i + 1])
    if not disturbed:
        return segments
    rank = {r: i for i, r in enumerate(order)}
    by_row = {i.subject: i for i in row_identities}
    doubtful: set[str] = set()
    for seg in segments:
        rows_of = {a.split(".")[1] for a in seg.addresses}
        if len(rows_of) != 1:
            continue
        (row,) = rows_of
        identity = by_row.get(row)
        if identity is None or row not in rank or not seg.readings:
            continue
        neighbours = set(order[max(0, rank[row] - 1) : rank[row] + 2])
        if not neighbours & disturbed:
            continue
        index = {a: k for k, a in enumerate(seg.addresses)}
        if all(_breaks(rd, index, identity) for rd in seg.readings):
            doubtful.add(row)
    return [s for s in segments if not {a.split(".")[1] for a in s.addresses} & doubtful]


def _breaks(reading: Reading, index: dict[str, int], identity: Identity) -> bool:
    """Whether a reading prints every cell of ``identity`` and they do not add up."""
    values = {
        a: o.value
        for a in identity.addresses
        if (k := index.get(a)) is not None and (o := reading[k]) is not None and o.value is not None
    }
    residual = identity.residual(values)
    return residual is not None and residual != 0
