"""Columns by their headers: where a printed number sits, and which column key its header names.

The token stream keeps, for every token, its line and cell index; the source's locator turns
them into a place on the page. Two kinds of place tie a number to a column:

- a **grid** (HTML, DOCX, XLSX tables, merged cells expanded): a token's cell index is its
  grid column, merged cells keep their place, an empty cell is a cell printed empty and never
  shifts its neighbours;
- **measured** boxes (PDF): a token's horizontal extent on the page; a header label names the
  column between the midpoints to its neighbouring labels.

A table's header is the run of lines above its rows that hold column labels (the labels and
their variants are data in :mod:`gongkai.model.keys`: ``Column.headers``). A number is placed
in a column only when its place falls under exactly one header label of that column; a label
that two columns claim, or that names no column (序号, 备注), takes its place from the
neighbours and names nothing. Without a usable header, the reader falls back to reading order,
with the column order the header's words give when that order can be established
(:func:`header_sequence`), and refuses the table when it can not but sees it differs from the
official order.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from gongkai.model.keys import Column
from gongkai.model.report import At, PdfAt, TableAt
from gongkai.read.normalize import label_key, text_width
from gongkai.read.tokens import Token

MAX_HEADER_LINES = 6  # lines of one header (a three-level header, wrapped, has four)
MAX_HEADER_LABEL = 16  # a header cell longer than this (label key) is a note, not a label
UNDER_SHARE = 0.5  # measured: a number is under a label when their boxes overlap this much of the narrower
STRADDLE_SLACK = 1.0  # points: a number's box reaching this far into a second label's box crosses it
NEAREST_MARGIN = 1.25  # measured row groups: the nearest label must be this much nearer than the next


@dataclass(frozen=True, slots=True)
class Place:
    """Where a token is: the grid or page it belongs to, and its horizontal extent there."""

    grid: Hashable
    x0: float
    x1: float
    cells: bool  # True: x is a cell index of an aligned grid; False: measured page coordinates

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def overlap(self, other: Place) -> float:
        """How far the two extents overlap horizontally (negative: the gap between them)."""
        return min(self.x1, other.x1) - max(self.x0, other.x0)


Locate = Callable[[int, int], At | None]
PlaceOf = Callable[[Token], Place | None]


def place_function(locate: Locate | None) -> PlaceOf:
    """Where each token is, from the source's locator: a table cell (HTML, DOCX, XLSX grids,
    spans expanded) or a box on a PDF page. Plain text has no places: a tab- or ``|``-separated
    copy does not keep merged cells, so its cell indexes do not line up with its header."""

    def place(t: Token) -> Place | None:
        at = locate(t.line, t.cell) if locate is not None else None
        if isinstance(at, TableAt):
            return Place(("table", at.table), at.col, at.col + 1, True)
        if isinstance(at, PdfAt):
            x0, _, x1, _ = at.bbox
            return Place(("pdf",), x0, x1, False)
        return None

    return place


def match_column(k: str, columns: Sequence[Column]) -> str | None:
    """The column a header cell's label key names: the longest matching header wins; None when
    nothing matches or two columns match equally long."""
    if not k or len(k) > MAX_HEADER_LABEL:
        return None
    return _match_column(k, tuple(columns))


@lru_cache(maxsize=16384)
def _match_column(k: str, columns: tuple[Column, ...]) -> str | None:
    best: dict[str, int] = {}
    for c in columns:
        for h in c.headers:
            if k == h or (len(h) >= 3 and h in k and len(k) <= len(h) + 8):
                best[c.key] = max(best.get(c.key, 0), len(h))
    if not best:
        return None
    top = max(best.values())
    keys = [key for key, n in best.items() if n == top]
    return keys[0] if len(keys) == 1 else None


@dataclass
class Field:
    key: str | None  # the column it names; None: a header cell naming no column
    place: Place


@dataclass
class Header:
    """A table header: column labels with their places, in one grid or page geometry."""

    grid: Hashable
    cells: bool
    fields: list[Field]
    lines: tuple[int, ...]

    def column_at(self, p: Place) -> str | None:
        """The column key over place ``p``, or None."""
        f = self.field_at(p)
        return f.key if f is not None else None

    def covers(self, p: Place) -> bool:
        """Whether a header label stands over place ``p`` (one naming a column or not): in a
        grid whose header lines up with its rows, every number does."""
        return self.field_at(p) is not None

    def straddles(self, p: Place) -> bool:
        """Whether place ``p`` (measured) lies across the boundary of two header labels' boxes:
        the rows under the header are drawn in another geometry (a second table with other
        columns), so their places say nothing."""
        if self.cells or p.grid != self.grid:
            return False
        over = [f for f in self.fields if f.place.overlap(p) > STRADDLE_SLACK]
        return len(over) >= 2

    def field_at(self, p: Place) -> Field | None:
        if p.grid != self.grid:
            return None
        if self.cells:
            hits = [f for f in self.fields if f.place.x0 <= p.x0 < f.place.x1]
            if len({f.key for f in hits}) != 1:
                return None
            return hits[0]
        fs = sorted(self.fields, key=lambda f: f.place.cx)
        cx = p.cx
        for i, f in enumerate(fs):
            left = (fs[i - 1].place.cx + f.place.cx) / 2 if i else f.place.x0 - (f.place.x1 - f.place.x0)
            right = (
                (f.place.cx + fs[i + 1].place.cx) / 2
                if i + 1 < len(fs)
                else f.place.x1 + (f.place.x1 - f.place.x0)
            )
            if left <= cx < right:
                if f.place.overlap(p) < UNDER_SHARE * min(f.place.width, p.width):
                    # nearest, but not under it: a column whose label was not found, or a
                    # table drawn with other columns (ruled cells that merely touch the label's)
                    return None
                return f
        return None

    @property
    def keys(self) -> set[str]:
        return {f.key for f in self.fields if f.key is not None}


def build_header(
    lines: list[list[Token]],
    columns: Sequence[Column],
    ignore: Sequence[str],
    place: PlaceOf,
    *,
    unique: bool = True,
) -> Header | None:
    """The header formed by ``lines`` (text tokens of each header line), or None when they do
    not name a column in one geometry. With ``unique``, a column named twice (two 总计) is named
    by neither label; without it (a transposed table repeats its column labels per group) each
    label heads its own place."""
    fields: list[Field] = []
    texts: list[str] = []  # the label key of each field
    grid: Hashable = None
    cells = True
    for toks in lines:
        for t in toks:
            if t.kind != "text":
                continue
            p = place(t)
            if p is None:
                return None
            if grid is None:
                grid, cells = p.grid, p.cells
            elif p.grid != grid:
                return None
            k = label_key(t.text)
            if not k:
                continue
            parts = None if cells else run_together(t.text, k, columns, ignore)
            if parts is not None:
                # labels of narrow cells printed as one run ("商业企业科研机构…其他"): each
                # takes the share of the run's box its characters fill
                step = p.width / len(k)
                for i, j, label in parts:
                    key = match_column(label, columns)
                    if key is not None:
                        fields.append(Field(key, Place(p.grid, p.x0 + i * step, p.x0 + j * step, False)))
                        texts.append(label)
                continue
            above = _wrapped_above(fields, texts, p) if not cells else None
            if above is not None and match_column(texts[above] + k, columns) is not None:
                # a label wrapped in a narrow cell of a PDF ("结果" / "维持", "其他" / "结果")
                k = texts[above] + k
                fields.pop(above)
                texts.pop(above)
            key = match_column(k, columns)
            if key is None and any(g in k for g in ignore):
                continue  # a group label over several columns names none of them
            if key is None and len(k) > MAX_HEADER_LABEL:
                continue  # a note printed in the header row, over the label columns
            fields.append(Field(key, p))
            texts.append(k)
    _name_placeholders(fields, texts, columns)
    counts: dict[str, int] = {}
    for f in fields:
        if f.key is not None:
            counts[f.key] = counts.get(f.key, 0) + 1
    for f in fields:
        if unique and f.key is not None and counts[f.key] > 1:
            f.key = None  # named twice: neither place can be trusted
    if not any(f.key is not None for f in fields):
        return None
    return Header(grid, cells, fields, tuple(sorted({t.line for toks in lines for t in toks})))


def _name_placeholders(fields: list[Field], texts: list[str], columns: Sequence[Column]) -> None:
    """Columns a converter could not name and named by a count (数据1 … 数据6 beside 总计): where
    the placeholders, in reading order, count 1, 2, … and are as many as the columns no label
    names, each stands for those columns in the format's order (the count is their order; a
    count out of order is no such header, see :func:`_placeholders_moved`)."""
    marks = [(i, m) for i, k in enumerate(texts) if fields[i].key is None and (m := _PLACEHOLDER.match(k))]
    if len(marks) < 3 or len({m.group(1) for _, m in marks}) != 1:
        return
    if [int(m.group(2)) for _, m in marks] != list(range(1, len(marks) + 1)):
        return
    named = {f.key for f in fields if f.key is not None}
    free = [c.key for c in columns if c.key not in named]
    if len(free) != len(marks):
        return
    for (i, _), key in zip(marks, free, strict=True):
        fields[i].key = key


def run_together(
    text: str, k: str, columns: Sequence[Column], ignore: Sequence[str]
) -> list[tuple[int, int, str]] | None:
    """The column labels a measured header word is made of, run together in one box on the page
    (narrow cells of a table drawn without rules: "商业企业科研机构社会公益组织法律服务机构其他"),
    as ``(first, end, label)`` character spans, when the word is nothing but such labels (and
    group labels of ``ignore``), cut one way only. Only a word of wide characters alone, each its
    label key's character (CJK glyphs of one font advance alike), so that a span of characters is
    a span of the box; None otherwise, and for a word that is one label."""
    if len(k) < 4 or text != k or text_width(k) != 2 * len(k):
        return None
    words = _run_words(tuple(columns), tuple(ignore))
    if k in words:
        return None
    cuts = _segmentations(k, words)
    if len(cuts) != 1:
        return None
    out = []
    i = 0
    for w in cuts[0]:
        out.append((i, i + len(w), w))
        i += len(w)
    return out


@lru_cache(maxsize=64)
def _run_words(columns: tuple[Column, ...], ignore: tuple[str, ...]) -> frozenset[str]:
    """The labels a header run can be cut into: every column label, and the group labels."""
    return frozenset((*_exact_headers(columns), *ignore))


MAX_RUN_CUTS = 2  # more ways to cut a run than this: it is not cut


def _segmentations(k: str, words: frozenset[str]) -> list[list[str]]:
    """Every way (up to :data:`MAX_RUN_CUTS` + 1) to cut ``k`` into words of ``words``."""
    longest = max((len(w) for w in words), default=0)
    ways: list[list[list[str]]] = [[] for _ in range(len(k) + 1)]
    ways[0] = [[]]
    for end in range(1, len(k) + 1):
        for start in range(max(0, end - longest), end):
            w = k[start:end]
            if w in words:
                for head in ways[start]:
                    ways[end].append([*head, w])
                    if len(ways[end]) > MAX_RUN_CUTS:
                        break
        ways[end] = ways[end][: MAX_RUN_CUTS + 1]
    return ways[len(k)]


def _wrapped_above(fields: list[Field], texts: list[str], p: Place) -> int | None:
    """The short field printed above place ``p`` in the same column of a PDF: perhaps the first
    part of a label wrapped in its cell (the caller joins them only when the join is a label)."""
    for i in range(len(fields) - 1, -1, -1):
        f = fields[i]
        overlap = f.place.overlap(p)
        narrow = min(f.place.width, p.width)
        if len(texts[i]) <= 4 and narrow > 0 and overlap >= 0.6 * narrow:
            return i
    return None


def header_lines_above(
    by_line: dict[int, list[Token]], line: int, first_line: int, is_label: Callable[[str], bool]
) -> list[list[Token]]:
    """The header lines nearest above ``line`` (not before ``first_line``): consecutive lines of
    text that hold at least one column label, found by walking up over data lines."""
    found: list[list[Token]] = []
    pending: list[list[Token]] = []  # lines of label pieces below a header line not yet found
    ln = line - 1
    seen = 0
    while ln >= first_line and seen < 200:
        seen += 1
        toks = by_line.get(ln)
        ln -= 1
        if not toks:
            if found:
                break
            continue
        has_number = any(t.kind != "text" for t in toks)
        has_label = any(t.kind == "text" and is_label(label_key(t.text)) for t in toks)
        if has_label and not has_number:
            found.extend(pending)
            pending = []
            found.append(toks)
            if len(found) >= MAX_HEADER_LINES:
                break
            continue
        if not has_number and len(pending) < MAX_PIECE_LINES:
            # the rest of labels wrapped in their cells, a header row broken by a page break
            # ("商业" at the foot of one page, "企业" at the top of the next), a piece of the
            # header's note: part of the header only when a line with a column label stands
            # above it
            pending.append(toks)
            continue
        if found:
            break
        pending = []
    found.reverse()
    return found


MAX_PIECE_LINES = 2  # lines of text without a column label, inside or below a header


@lru_cache(maxsize=64)
def _exact_headers(columns: tuple[Column, ...]) -> dict[str, str]:
    """Column label -> column key (static model data)."""
    return {h: c.key for c in columns for h in c.headers}


MAX_NAMED_WORDS = 16384  # header words remembered per set of columns


@lru_cache(maxsize=64)
def _named_columns(columns: tuple[Column, ...]) -> dict[str, str | None]:
    """Header word -> the column it names (:func:`match_column`): a function of the word and the
    static columns only, so one table serves every report."""
    return {}


def header_words(
    texts: list[Token], columns: Sequence[Column], words: Sequence[str] = ()
) -> list[tuple[int, str, str | None]]:
    """The words of header text as ``(line, label key, column key or None)``, in reading order.

    Text copies put a header's labels on one line separated by spaces, and sometimes break a
    label with a space ("科研 机构") or a line break ("结果" / "维持"): a word is joined with the
    next one or two when the join is exactly a column label (or one of ``words``, group labels).
    """
    out: list[tuple[int, str, str | None]] = []
    cols = tuple(columns)
    exact = _exact_headers(cols)
    named = _named_columns(cols)
    # one stream of words across the header's lines: a label wrapped in a narrow cell comes out
    # of some converters as one fragment a line ("结果" / "维持")
    parts = [(t.line, k) for t in texts for w in t.text.split() if (k := label_key(w))]
    i = 0
    n = len(parts)
    while i < n:
        for j in (3, 2):
            if i + j > n:
                continue
            joined = "".join([w for _, w in parts[i : i + j]])
            if joined in exact or joined in words:
                out.append((parts[i][0], joined, exact.get(joined)))
                i += j
                break
        else:
            k = parts[i][1]
            if k in named:
                key = named[k]
            else:
                key = match_column(k, cols)
                if len(named) < MAX_NAMED_WORDS:
                    named[k] = key
            out.append((parts[i][0], k, key))
            i += 1
    return out


_PLACEHOLDER = re.compile(r"^([^\d\s]{1,4})(\d{1,2})$")


def _placeholders_moved(texts: list[Token]) -> bool:
    """Whether a line of the header names columns by placeholders counted on (数据1 … 数据6, a
    converter's names for columns it could not name) out of their count: the columns were
    moved, and their order is not the official one."""
    per_line: dict[int, list[int]] = {}
    for t in texts:
        m = _PLACEHOLDER.match(t.text)
        if m:
            per_line.setdefault(t.line, []).append(int(m.group(2)))
    return any(len(v) >= 3 and v != sorted(v) for v in per_line.values())


def header_sequence(
    texts: list[Token],
    columns: Sequence[Column],
    ignore: Sequence[str] = (),
    group: str = "",
    group_members: Sequence[str] = (),
) -> tuple[list[str] | None, bool]:
    """The column order a header printed as text gives (no places, only reading order).

    Only the order *within* a line is evidence: a label merged over several header rows (总计
    beside a two-level group) is printed on whichever line the copy chose. So the order is
    taken from a header whose labels share one line (a flat header), or whose top labels and
    group label (法人或其他组织) share one line and the group's members another (two levels).
    Words in ``ignore`` (申请人情况, 信息内容) name no column.

    Returns ``(order, contradicts)``: ``order`` when so established and every header word is
    understood, else None; ``contradicts`` is True when some line prints two labels out of the
    official order (the table's columns are not in the official order).
    """
    official = [c.key for c in columns]
    ranks = {k: i for i, k in enumerate(official)}
    per_line: dict[int, list[str]] = {}
    group_line: int | None = None
    group_pos = 0
    understood = True
    for line, k, key in header_words(texts, columns, (group, *ignore) if group else tuple(ignore)):
        if key is not None:
            per_line.setdefault(line, []).append(key)
        elif group and group in k and group_line is None:
            group_line = line
            group_pos = len(per_line.get(line, []))
            per_line.setdefault(line, [])
        elif group and group in k:
            understood = False  # the group printed in pieces: its members' place is unknown
        elif any(w in k for w in ignore) or len(k) > MAX_HEADER_LABEL:
            continue
        else:
            understood = False
    if group_line is not None:
        # a two-level header run onto one line (its rows joined): the group's members, printed
        # after every top label, are its second row
        keys = per_line[group_line]
        first = next((i for i, k in enumerate(keys) if k in group_members), None)
        if first is not None and all(k in group_members for k in keys[first:]):
            per_line[group_line], joined = keys[:first], keys[first:]
            per_line[-1] = joined  # a line of its own, after the group's
    contradicts = any(ranks[a] > ranks[b] for keys in per_line.values() for a, b in itertools.pairwise(keys))
    if group_line is not None and group_members:
        # the group label stands where its members do: a label printed before it on its line
        # must come before them in the official order, one after it after them ("法人或其他组织
        # 自然人 总计": the organisations' columns come first)
        member_ranks = [ranks[m] for m in group_members if m in ranks]
        on_line = per_line.get(group_line, [])
        contradicts = contradicts or any(ranks[k] > min(member_ranks) for k in on_line[:group_pos])
        contradicts = contradicts or any(ranks[k] < max(member_ranks) for k in on_line[group_pos:])
    contradicts = contradicts or _placeholders_moved(texts)
    labelled = [ln for ln, keys in per_line.items() if keys]
    seq: list[str] | None = None
    if group_line is None and len(labelled) == 1:
        seq = per_line[labelled[0]]
    elif group_line is not None:
        tops = per_line[group_line]
        members = [ln for ln in labelled if ln != group_line]
        if len(members) == 1 and (members[0] > group_line or members[0] == -1):
            sub = per_line[members[0]]
            if all(k in group_members for k in sub) and not any(k in group_members for k in tops):
                seq = tops[:group_pos] + sub + tops[group_pos:]
    if seq is None or not understood or len(set(seq)) != len(seq):
        return None, contradicts
    if any(ranks[a] > ranks[b] for a, b in itertools.pairwise(seq)):
        contradicts = True
    return seq, contradicts


def group_left_of_first(
    texts: list[Token], lines: Sequence[str], columns: Sequence[Column], group: str
) -> bool:
    """Whether a layout copy (pdftotext -layout, pdfplumber's layout: words where the page has
    them, one character a column) prints the group label (法人或其他组织) left of the first column's label (自然人) on
    another line: the organisations' columns come first. In the format the group stands right
    of 自然人, over its members; on other lines than 自然人 it is only where a copy sorting by
    height put it (a merged label centred lower), so only its place across lines says anything,
    and only where both lines keep places (indented, or words two spaces or more apart)."""
    first = columns[0].key
    exact = _exact_headers(tuple(columns))
    groups: list[tuple[int, int]] = []  # (line, where the group label ends)
    firsts: list[tuple[int, int]] = []  # (line, where 自然人 begins)
    for ln in sorted({t.line for t in texts}):
        if not 1 <= ln <= len(lines):
            continue
        line = lines[ln - 1]
        for m in _WORD.finditer(line):
            k = label_key(m.group())
            # layout copies set every character, a Chinese one too, in one column of their grid
            if k == group:
                groups.append((ln, m.end()))
            elif exact.get(k) == first:  # the label alone ("自然人"), not a word of prose
                firsts.append((ln, m.start()))
    if len(groups) != 1 or len(firsts) != 1:
        return False
    group_at, first_at = groups[0], firsts[0]
    if group_at[0] == first_at[0]:
        return False
    if not all(_LAYOUT_GAP.search(lines[ln - 1].rstrip()) for ln, _ in (group_at, first_at)):
        return False
    return group_at[1] < first_at[1]  # the group ends before 自然人 begins: wholly left of it


def spans(line: list[Token], place: PlaceOf) -> list[tuple[Token, Place]]:
    """Each text token of a header line with the horizontal extent it heads: in a grid, from its
    cell to the next labelled cell of the line (a merged cell's span); measured, its own box."""
    texts = [(t, p) for t in line if t.kind == "text" and (p := place(t)) is not None]
    out = []
    for i, (t, p) in enumerate(texts):
        if p.cells:
            end = texts[i + 1][1].x0 if i + 1 < len(texts) else float("inf")
            out.append((t, Place(p.grid, p.x0, max(end, p.x1), True)))
        else:
            out.append((t, p))
    return out


CONTAIN_SLACK = 1.0  # points: a box this far outside another still lies within it


def group_at(groups: list[tuple[str | None, Place]], p: Place) -> str | None:
    """The group (a row of a transposed table) whose header spans place ``p``: in a grid, the
    span that contains it; measured, the clearly nearest label centre."""
    inside = [g for g in groups if g[0] is not None and g[1].grid == p.grid]
    if not inside:
        return None
    if p.cells:
        hits = {key for key, gp in inside if gp.x0 <= p.x0 < gp.x1}
        return hits.pop() if len(hits) == 1 else None
    around = {key for key, gp in inside if gp.x0 - CONTAIN_SLACK <= p.x0 and p.x1 <= gp.x1 + CONTAIN_SLACK}
    if len(around) == 1:
        return around.pop()  # measured, but the label's box (a ruled cell) spans the number's
    ranked = sorted(inside, key=lambda g: abs(g[1].cx - p.cx))
    if len(ranked) > 1 and abs(ranked[1][1].cx - p.cx) < NEAREST_MARGIN * abs(ranked[0][1].cx - p.cx):
        return None
    return ranked[0][0]


_WORD = re.compile(r"\S+")
_LAYOUT_GAP = re.compile(r"^ +\S|\S {2,}\S")  # a line indented, or two words 2+ spaces apart

Piece = tuple[float, float, str]  # a word's horizontal extent and text
STACK_SHARE = 0.5  # a piece is under a stack when they overlap this much of the narrower


def _columns_of(line: str, wide: bool) -> list[Piece]:
    """Each word of a text line with the character columns it occupies: string positions, or
    (``wide``) display columns, a wide character taking two."""
    if not wide:
        return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(line)]
    out: list[Piece] = []
    col = 0
    pos = 0
    for m in _WORD.finditer(line):
        col += text_width(line[pos : m.start()])
        w = text_width(m.group())
        out.append((col, col + w, m.group()))
        col += w
        pos = m.end()
    return out


def _letter_spaced(words: list[Piece], pieces: frozenset[str]) -> list[Piece]:
    """Words of one line with letter-spaced pieces joined: single characters a space apart
    ("总 计", "结 果") whose join is a piece of a label."""
    out: list[Piece] = []
    for x0, x1, w in words:
        if out and len(w) == 1 and x0 - out[-1][1] <= 2:
            p0, _, pw = out[-1]
            if label_key(pw + w) in pieces:
                out[-1] = (p0, x1, pw + w)
                continue
        out.append((x0, x1, w))
    return out


@lru_cache(maxsize=64)
def _label_pieces(columns: tuple[Column, ...]) -> frozenset[str]:
    """Every run of two or more characters inside a column label (static model data)."""
    return frozenset(
        h[i:j] for h in _exact_headers(columns) for i in range(len(h)) for j in range(i + 2, len(h) + 1)
    )


def stacked_labels(
    rows: Sequence[Sequence[Piece]], columns: Sequence[Column], skip: Callable[[str], bool]
) -> list[str] | None:
    """The column keys of a header whose labels are printed down narrow cells, a piece a line
    ("总" / "计", "结果" / "维持"): the pieces of one label stand in the same columns, line under
    line (``rows``: each line's words with their horizontal extents). Pieces are stacked by
    their extents, top to bottom. Words for which ``skip`` is true (a group label over several
    columns) are no piece. Returns the keys left to right when every stack is exactly a column
    label; None when a piece stands under two stacks or only partly under one
    (:data:`STACK_SHARE`), two pieces of one line fall in one stack, or a stack names no
    column."""
    exact = _exact_headers(tuple(columns))
    stacks: list[tuple[float, float, list[str], int]] = []  # x0, x1, pieces, last line
    for ln, words in enumerate(rows):
        for x0, x1, word in words:
            k = label_key(word)
            if not k or skip(k):
                continue
            under = [i for i, s in enumerate(stacks) if min(x1, s[1]) > max(x0, s[0])]
            if not under:
                stacks.append((x0, x1, [k], ln))
                continue
            s0, s1, stack, last = stacks[under[0]]
            if len(under) > 1 or last == ln:
                return None
            if min(x1, s1) - max(x0, s0) < STACK_SHARE * min(x1 - x0, s1 - s0):
                return None  # half under a stack: the columns do not line up
            stack.append(k)
            stacks[under[0]] = (min(s0, x0), max(s1, x1), stack, ln)
    keys = [exact.get("".join(s[2])) for s in sorted(stacks, key=lambda s: s[0])]
    if not keys or any(k is None for k in keys):
        return None
    return [k for k in keys if k is not None]


def stacked_text_labels(
    lines: Sequence[str], columns: Sequence[Column], skip: Callable[[str], bool]
) -> list[str] | None:
    """:func:`stacked_labels` of a header in a layout-keeping text copy of a PDF, where the
    columns of the page are character columns: string positions, as pdftotext -layout writes
    them, and only when those read nothing, display columns (a wide character taking two), as
    a terminal shows text. In each, as printed and with letter-spaced pieces ("总 计") joined;
    the two must agree. Lines whose words are one space apart everywhere are no layout (a copy
    that joined each line's words): their columns line up by chance, and they are not stacked."""
    if not any(_LAYOUT_GAP.search(line.rstrip()) for line in lines):
        return None
    pieces = _label_pieces(tuple(columns))
    for wide in (False, True):
        rows = [_columns_of(line, wide) for line in lines]
        found = [
            keys
            for spaced in (False, True)
            if (
                keys := stacked_labels(
                    [_letter_spaced(r, pieces) for r in rows] if spaced else rows, columns, skip
                )
            )
        ]
        if found:
            return found[0] if all(f == found[0] for f in found) else None
    return None
