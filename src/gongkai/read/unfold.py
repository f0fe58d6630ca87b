"""Text whose lines say nothing: the whole report on one line, every cell run together.

A crawler that keeps only the characters of a web page, or a copy with every space and line
break removed, gives ``…规章000行政规范性文件77132470行政许可550…``. The reader locates rows
by their labels, not by line starts; :func:`unfold` puts a line break before every section
heading, and, inside the three table sections, before every row label and after the table
headings, so that the line-based readers see the report's structure again. The digits glued to a
label stay glued: the tokenizer separates them, and :mod:`gongkai.read.readings` considers every
way a run of digits can fill the row's cells, which the identities then decide between (or
leave ambiguous). A row's ordinal glued to the previous row's digits (``…00000002.其他法律…``)
is split off by the same rule that breaks before ``2.其他``.

Only long lines are unfolded (:data:`MIN_DENSE`): a report printed with its lines is left as it is.
"""

from __future__ import annotations

import re
from functools import cache

from gongkai.model.keys import ACTIVE_2019, ACTIVE_2021, APPEAL_COLUMNS, REQUEST_COLUMNS, SECTIONS
from gongkai.read.normalize import label_key, to_simplified

MIN_DENSE = 400  # characters: a line this long holding table labels is a report run together

_CN = "一二三四五六"
# Section headings with the format's wording (the table sections' own headings end in 情况).
# A few words may stand between the ordinal and the heading's own words (二、行政机关主动公开…,
# 四、因政府信息公开工作被申请行政复议…), and the signatures (label keys) are printed with their
# punctuation (行政复议、行政诉讼情况).
_LEAD = r"[\u4e00-\u9fff]{0,10}?"
_PUNCT = r"[、，,和及与]?"


def _printed(signature: str) -> str:
    return _PUNCT.join(re.escape(ch) for ch in signature)


_SECTION = re.compile(
    rf"(?=[{_CN}][、.．]{_LEAD}(?:"
    + "|".join(_printed(sig) for s in SECTIONS for sig in s.signatures)
    + "|政府信息公开行政复议|总体概况|基本情况|存在的问题|其他事项|其他需要说明))"
)
_HEADINGS = tuple(s.heading for s in SECTIONS)  # the format's headings, word for word
_TABLE_HEADINGS = _HEADINGS[1:4]

# Row labels inside a table section (break before each).
_ROWS = re.compile(
    r"(?="
    r"(?:一、本年新收|二、上年结转|三、本年度办理结果|四、结转下年度)"
    r"|[(（][一二三四五六七][)）](?:予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|总计|合计)"
    r"|(?<![.．])[1-8][.．、](?=[\u4e00-\u9fff])"
    r"|第二十条第"
    r"|(?<!行政)规章(?!和)"
    r"|行政规范性文件(?=\d)|(?<!行政)规范性文件(?=\d)"
    r"|行政许可(?=\d)|行政处罚(?=\d)|行政强制(?=\d)|行政事业性收费|其他对外管理服务事项|政府集中采购"
    r"|(?<![、和])行政复议(?![、和])|未经复议直接起诉|复议后起诉"
    r")"
)
_TABLE_START = re.compile(rf"[二三四][、.．]{_LEAD}(?:主动公开|收到和处理|政府信息公开行政复议)")
_TABLE_END = re.compile(rf"[五六][、.．]{_LEAD}(?:存在|其他)")


def is_dense(line: str) -> bool:
    """A line holding, run together, what a report prints on many lines."""
    if len(line) < MIN_DENSE:
        return False
    hits = sum(w in line for w in ("本年新收", "上年结转", "予以公开", "结转下年度", "行政复议", "规章"))
    return hits >= 3


# The format's own section headings, word for word: where one stands inside a line (a converter
# that joins paragraphs: "…落实工作责任。 二、主动公开政府信息情况"), the line is broken there.
_EXACT_HEADINGS = re.compile("|".join(map(re.escape, _HEADINGS[1:])))
# Every section's heading, 一、总体情况 too: where a dense line starts with one, the heading is cut
# from the text run on after it.
_ALL_HEADINGS = re.compile("|".join(map(re.escape, _HEADINGS)))


def _heading_inside(line: str) -> bool:
    m = _EXACT_HEADINGS.search(line)
    return m is not None and m.start() > 0 and bool(line[: m.start()].strip(" #*"))


def _split_headings(line: str) -> list[str]:
    parts: list[str] = []
    prev = 0
    for m in _EXACT_HEADINGS.finditer(line):
        if m.start() > prev and line[prev : m.start()].strip(" #*"):
            parts.append(line[prev : m.start()])
            prev = m.start()
        if m.group() in _TABLE_HEADINGS:  # a table follows its heading on the same line
            parts.append(line[prev : m.end()])
            prev = m.end()
    parts.append(line[prev:])
    return [p for p in parts if p.strip()]


def unfold(text: str) -> tuple[str, list[int]] | None:
    """The text with its dense lines broken at headings and row labels (and any line broken
    before a section heading printed inside it), and for each new line the (1-based) line of the
    original it came from; None when nothing is broken. Headings and labels are matched in the
    simplified characters (a page in traditional characters: 一、總體情況), and the lines cut at
    the same places as printed."""
    lines = text.splitlines()
    simple = to_simplified(text).splitlines()  # character for character: the same lines
    if not any(is_dense(s) or _heading_inside(s) for s in simple):
        return None
    out: list[str] = []
    origin: list[int] = []
    for n, (line, plain) in enumerate(zip(lines, simple, strict=True), 1):
        if is_dense(plain):
            pieces = _cut(line, _unfold_line(plain))
        elif _heading_inside(plain):
            pieces = _cut(line, _split_headings(plain))
        else:
            pieces = [line]
        out.extend(pieces)
        origin.extend([n] * len(pieces))
    return "\n".join(out) + "\n", origin


def _cut(line: str, parts: list[str]) -> list[str]:
    """``line`` cut where its simplified copy was cut into ``parts`` (the same lengths)."""
    out = []
    pos = 0
    for p in parts:
        out.append(line[pos : pos + len(p)])
        pos += len(p)
    return out


def _split_before(text: str, pattern: re.Pattern[str]) -> list[str]:
    cuts = sorted({m.start() for m in pattern.finditer(text)} - {0})
    parts = []
    prev = 0
    for c in cuts:
        parts.append(text[prev:c])
        prev = c
    parts.append(text[prev:])
    return [p for p in parts if p]


def _unfold_line(line: str) -> list[str]:
    out: list[str] = []
    in_table = False
    for part in _split_before(line, _SECTION):
        if _TABLE_START.match(part):
            in_table = True
        elif _TABLE_END.match(part):
            in_table = False
        if not in_table:
            # a section heading and its text run on: the heading on a line of its own
            m = _ALL_HEADINGS.match(part)
            if m is not None and m.end() < len(part):
                out += [part[: m.end()], part[m.end() :]]
            else:
                out.append(part)
            continue
        head = next((h for h in _TABLE_HEADINGS if part.startswith(h)), None)
        if head is not None:
            out.append(head)
            part = part[len(head) :]
        out.extend(_split_before(part, _ROWS))
    return out


_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


NUMBER_CELL = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_MD_RULE = re.compile(r"\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?")


@cache
def _one_column_headers() -> frozenset[str]:
    """Label keys of the headers that name one column (never a group such as 法人或其他组织)."""
    columns = [*REQUEST_COLUMNS, *APPEAL_COLUMNS]
    columns += [c for t in (ACTIVE_2021, ACTIVE_2019) for row in t.rows for c in row.columns]
    return frozenset(label_key(h) for c in columns for h in (c.label, *c.headers))


def _runs(cells: list[str]) -> list[tuple[int, int]]:
    """Maximal runs ``(first, last)`` of two or more equal non-empty cells."""
    runs, i = [], 1
    while i < len(cells):
        j = i
        while j + 1 < len(cells) and cells[j + 1] and cells[j + 1] == cells[i]:
            j += 1
        if j > i and cells[i]:
            runs.append((i, j))
        i = j + 1
    return runs


_CELL_LINE = re.compile(r"[^|]*\|\s*")  # one cell a line, closed by its separator ("0 |", "|")
_ROW_END = re.compile(r"\s*\|(?:\s*\|)+\s*")  # separators only, two or more: a row's end


def _rows_of_cell_lines(lines: list[str]) -> list[str]:
    """Tables printed one cell a line, each closed by ``|``, rows ended by a line of separators
    (``||``), as some crawlers flatten a page's table: where a row holds an empty cell (a line of
    ``|`` alone), its cells are joined on its first line as one separated row (``| a |  | 0 |``)
    and its other lines left empty (line numbers keep their place), so that the empty cell keeps
    its place instead of reading as a row's end. Only empty cells followed by more of the row's
    cells count (a "|" before a label may end a row); other rows are left as printed."""
    out = list(lines)
    start = 0
    for i, line in enumerate([*lines, "||"]):
        if not _ROW_END.fullmatch(line):
            continue
        block: list[tuple[int, str]] = []  # the cell lines just before the row's end
        for k in range(i - 1, start - 1, -1):
            if lines[k].strip() and not _CELL_LINE.fullmatch(lines[k]):
                break
            if lines[k].strip():
                block.insert(0, (k, lines[k]))
        start = i + 1
        cells = [ln.strip()[:-1].strip() for _, ln in block]
        empty = [n for n, c in enumerate(cells) if not c]
        if (
            len(block) >= 3
            and empty
            and len(empty) < len(cells)
            # an empty cell is followed by another cell of its row (empty or a number), never
            # by a label: a line of "|" before a label may be a row's end (a row whose first
            # cell is merged over rows ends with one separator fewer)
            and all(
                n + 1 == len(cells) or not cells[n + 1] or NUMBER_CELL.fullmatch(cells[n + 1]) for n in empty
            )
        ):
            out[block[0][0]] = "| " + " | ".join(cells) + " |"
            for k, _ in block[1:]:
                out[k] = ""
    return out


def tidy_table_lines(text: str) -> str:
    """Markdown tables as PDF converters write them: a merged cell's text repeated in every
    column it covers (``|一、本年新收…|一、本年新收…|一、本年新收…|154804|…``) and ``<br>`` for
    a wrapped line. The repeats become empty cells (so cell counts and indexes stay) and the
    line breaks are dropped. Cells holding words are blanked; numbers only where the header
    line above is one column's label repeated over the same cells (``|本年处理决定数量|本年处理
    决定数量|`` over ``|61003|61003|``: one merged cell), never otherwise (``|0 0|0 0|`` is four
    numbers, and a group such as 法人或其他组织 covers several columns). The rule line under a header
    (``| --- | :---: |``) becomes empty: it is no text that could carry a label on or end it."""
    if "|" not in text:
        return text
    out = []
    merged: list[tuple[int, int]] = []  # cells one column's header covers, in this table so far
    for line in _rows_of_cell_lines(text.split("\n")):
        if line.count("|") < 3:
            merged = []
            out.append(line)
            continue
        if _MD_RULE.fullmatch(line):  # the rule under a markdown table's header: no content
            out.append("")  # (the line stays, empty, so that line numbers keep their place)
            continue
        line = _BR.sub("", line)
        cells = line.split("|")
        plain = [c.strip().strip("*").strip() for c in cells]
        if not any(NUMBER_CELL.fullmatch(c) for c in plain):  # a header line: its merged cells
            merged = [r for r in _runs(plain) if label_key(plain[r[0]]) in _one_column_headers()]
        else:
            for first, last in _runs(plain):
                if (first, last) in merged and NUMBER_CELL.fullmatch(plain[first]):
                    cells[first + 1 : last + 1] = [""] * (last - first)
        for i in range(len(cells) - 1, 0, -1):
            c = cells[i].strip()
            if c and c == cells[i - 1].strip() and _CJK.search(c):
                cells[i] = ""
        out.append("|".join(cells))
    return "\n".join(out)
