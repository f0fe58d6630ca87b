"""A row's printed numbers to its cells: by the column header above them wherever the source
keeps places (grids, PDF boxes), else in reading order with the column order its header gives.

:class:`Placer` is built once per table region. For a row found by its label it returns a
:class:`~gongkai.read.solve.Segment`:

1. **By place.** The numbers on the label's own line whose place falls under a column label of
   the nearest header above are put in that column: a single, exact reading. A cell printed
   empty stays empty and shifts nothing; a number under no column label (序号, 备注) is not used.
2. **By order.** Otherwise the row's numbers are read in order (:mod:`gongkai.read.readings`)
   into the columns in the order the header printed them, or the official order when the header
   gives none. A header that shows another order but cannot be understood fully leaves the row
   unread: reading it in the official order would put numbers in the wrong columns.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gongkai.model.keys import APPEAL_COLUMNS, APPEALS, Column
from gongkai.read.columns import (
    Header,
    Place,
    PlaceOf,
    build_header,
    group_at,
    group_left_of_first,
    header_lines_above,
    header_sequence,
    match_column,
    spans,
)
from gongkai.read.labels import appeal_row
from gongkai.read.normalize import label_key
from gongkai.read.readings import leading_zero, readings_for, segment_for, token_obs
from gongkai.read.solve import Obs, Reading, Segment
from gongkai.read.tokens import Token
from gongkai.read.unfold import NUMBER_CELL


def lost_cell(width: Callable[[int], int], line: int, header: Header) -> bool:
    """Whether the row on ``line`` of a grid is narrower than its ``header`` (``width``: cells of
    a line): it lost a cell, and its places are shifted."""
    return header.cells and width(line) < max(width(ln) for ln in header.lines)


MAX_PIECES = 4  # grid rows one row's numbers are taken from in every order (4! = 24 orders)
CELL_SEPARATOR = re.compile(r"[\t|｜¦]")


def split_cells(line: str) -> list[str]:
    """The cells of a separated line (tab or ``|``), trailing spaces dropped: a trailing tab
    ends an empty cell."""
    return CELL_SEPARATOR.split(line.rstrip(" \r\n\u3000\xa0"))


def two_rows(tokens: list[Token], n: int, by_line: dict[int, list[Token]]) -> bool:
    """Whether ``tokens`` are more numbers than ``n`` cells on two or more lines that each
    hold several, one of them a line of numbers alone, or two or more beyond ``n`` printed one
    a line: two rows' numbers given to one (a row printed with no label beside it, whose label
    stands elsewhere). Which numbers are the row's is not known: that some of them add up is
    no evidence, so the row gets no reading."""
    if len(tokens) <= n:
        return False
    per_line: dict[int, int] = {}
    for t in tokens:
        per_line[t.line] = per_line.get(t.line, 0) + 1
    several = [ln for ln, k in per_line.items() if k >= 2]
    if len(several) >= 2 and any(all(t.kind != "text" for t in by_line.get(ln, ())) for ln in several):
        return True
    # printed one number a line, each line holding nothing else: two numbers or more beyond the
    # row's cells are another row's (one more may be a page number between them)
    return (
        len(tokens) >= n + 2
        and all(k == 1 for k in per_line.values())
        and all(len(by_line.get(ln, ())) == 1 for ln in per_line)
    )


@dataclass
class Placer:
    """Places the rows of one table (see the module docstring)."""

    table: str
    by_line: dict[int, list[Token]]
    first_line: int  # the table's region starts here
    place: PlaceOf
    ignore: Sequence[str] = ()  # header words that name no column (group labels)
    group: str = ""  # a header label over several member columns (法人或其他组织)
    group_members: Sequence[str] = ()
    row_lines: set[int] = field(default_factory=set)  # the label lines of the table's rows
    refused: set[str] = field(default_factory=set)  # rows not read: header order not understood
    placed: set[str] = field(default_factory=set)  # rows read by their places (not reading order)
    assumed: set[str] = field(default_factory=set)  # rows read in the official order, the header silent
    lines: Sequence[str] = ()  # the text's lines, for the empty cells of separated copies
    _aligned: dict[tuple[int, ...], bool] = field(default_factory=dict)
    _celled: dict[tuple[int, bool], bool] = field(default_factory=dict)
    _fillers: dict[int, bool] = field(default_factory=dict)
    _after: dict[int, tuple[list[str], list[Token]] | None] = field(default_factory=dict)
    _last_sequence: tuple[list[Token], Sequence[Column], tuple[list[str] | None, bool]] | None = None
    _sequences: dict[tuple[tuple[int, ...], tuple[str, ...]], tuple[list[str] | None, bool]] = field(
        default_factory=dict
    )

    def _is_label(self, columns: Sequence[Column]) -> Callable[[str], bool]:
        # a group label over several columns (法人或其他组织) is a header line's label too
        return lambda k: match_column(k, columns) is not None or k in self.ignore

    def header(self, line: int, columns: Sequence[Column]) -> Header | None:
        lines = header_lines_above(self.by_line, line, self.first_line, self._is_label(columns))
        if not lines:
            return None
        h = build_header(lines, columns, self.ignore, self.place)
        if h is None:
            return None
        if not h.cells and len(h.keys) < 2:
            return None
        return h

    def aligned(self, h: Header, columns: Sequence[Column]) -> bool:
        """Whether the rows under header ``h`` line up with it: every number printed on the
        label line of a row whose nearest header is ``h`` stands under a header label. Text
        pasted into the cells of a table (labels and numbers in whatever cell they fell into)
        does not, and its places say nothing. Rows of another table under the same header (a
        table split in two, its second part drawn with other columns) are not counted: their
        own numbers are not placed by ``h``."""
        if h.lines in self._aligned:
            return self._aligned[h.lines]
        ok = True
        for line in sorted(ln for ln in self.row_lines if ln > h.lines[-1]):
            other = self.header(line, columns)
            if other is None or other.lines != h.lines:
                continue
            if self._other_geometry(h, line):
                continue  # a row of another table (a table split in two): not under h
            for t in self.by_line.get(line, ()):
                if t.kind == "text":
                    continue
                p = self.place(t)
                if p is None or not h.covers(p):
                    ok = False
                    break
            if not ok:
                break
        self._aligned[h.lines] = ok
        return ok

    def _other_geometry(self, h: Header, line: int) -> bool:
        """Whether the numbers on ``line`` belong to another table than header ``h``'s: another
        grid, or (measured, a PDF page) a number across two of its labels' boxes or under none
        (a second table drawn with other columns under the first's header). In a grid the
        header's own cells decide (:meth:`aligned`)."""
        for t in self.by_line.get(line, ()):
            if t.kind == "text":
                continue
            p = self.place(t)
            if p is None:
                continue
            if p.grid != h.grid or (not h.cells and (h.straddles(p) or not h.covers(p))):
                return True
        return False

    def by_place(self, row: str, columns: Sequence[Column], line: int) -> Segment | None:
        nums = [t for t in self.by_line.get(line, ()) if t.kind != "text"]
        if not nums or self.place(nums[0]) is None:
            return None  # nothing printed on the label's line, or a source without places
        h = self.header(line, columns)
        if h is None or self._other_geometry(h, line) or not self.aligned(h, columns):
            return None
        if lost_cell(self.width, line, h):
            return None
        keys = [c.key for c in columns]
        slots: dict[str, Obs] = {}
        for t in nums:
            p = self.place(t)
            if p is None or p.grid != h.grid:
                return None  # the row is not in the header's grid: its places say nothing
            key = h.column_at(p)
            if key is None or key not in keys:
                continue
            if key in slots:
                return None  # two numbers under one label: the places are not a grid
            slots[key] = token_obs(t)
        if not slots:
            return None
        reading: Reading = tuple(slots.get(k) for k in keys)
        return Segment(tuple(f"{self.table}.{row}.{k}" for k in keys), [reading], True)

    def order(self, header_texts: list[Token], columns: Sequence[Column]) -> tuple[list[str] | None, bool]:
        """The column order for reading-order rows (None refuses the row), and whether the
        header names every column in it."""
        official = [c.key for c in columns]
        last = self._last_sequence
        if last is not None and last[0] is header_texts and last[1] is columns:
            seq, contradicts = last[2]  # the same header as the row before
        else:
            key = (tuple(id(t) for t in header_texts), tuple(official))
            if key not in self._sequences:  # the rows under one header share its reading
                seq, contradicts = header_sequence(
                    header_texts, columns, self.ignore, self.group, self.group_members
                )
                if self.group and not contradicts and self.lines:
                    contradicts = group_left_of_first(header_texts, self.lines, columns, self.group)
                self._sequences[key] = (seq, contradicts)
            seq, contradicts = self._sequences[key]
            self._last_sequence = (header_texts, columns, (seq, contradicts))
        named = seq is not None and len(seq) == len(official)
        if seq is not None:
            if contradicts or named:
                return seq, named
            return official, False  # a partial header in the official order: no evidence of another layout
        return (None if contradicts else official), False

    def segment(
        self, row: str, columns: Sequence[Column], line: int, tokens: list[Token], header_texts: list[Token]
    ) -> Segment:
        mine = {id(t) for t in tokens}
        # the numbers on the label's line are the row's own (not those the scan gave another
        # row: "（六）其他处理 1.申请人无正当理由… 0 … 14" in a 2019 report holds the sub-row's);
        # a number before the line's first text (a 序号 cell) is no row's cell and not counted
        on_line = self.by_line.get(line, ())
        first_text = next((k for k, t in enumerate(on_line) if t.kind == "text"), 0)
        own_line = all(id(t) in mine for t in on_line[first_text:] if t.kind != "text")
        placed = self.by_place(row, columns, line) if own_line else None
        if placed is not None:
            self.placed.add(row)
            return placed
        order, named = self.order(header_texts, columns)
        if order is None:
            self.refused.add(row)
            return Segment(tuple(f"{self.table}.{row}.{c.key}" for c in columns), [], False)
        addresses = tuple(f"{self.table}.{row}.{k}" for k in order)
        if not named and order == [c.key for c in columns]:
            self.assumed.add(row)
        # the header names every column, in a text without places (a grid's narrower row lost
        # a cell: its places decide)
        named = named and all(self.place(t) is None for t in tokens)
        celled = self.by_row_cells(line, len(order), fillers=named) if own_line else None
        if celled is not None and self.row_celled(len(order), fillers=named):
            return Segment(addresses, [celled], True)
        pieces = sorted({t.line for t in tokens})
        if 2 <= len(pieces) <= MAX_PIECES and all(
            (p := self.place(t)) is not None and p.cells for t in tokens
        ):
            # A row of a grid whose numbers stand in two or more grid rows (the row was broken
            # apart): which piece comes first is not known, so every order is a reading.
            rds = []
            for perm in itertools.permutations(pieces):
                rds += readings_for([t for ln in perm for t in tokens if t.line == ln], len(addresses))[0]
            return Segment(addresses, list(dict.fromkeys(rds)), False)
        if two_rows(tokens, len(addresses), self.by_line):
            return Segment(addresses, [], False)
        return segment_for(addresses, tokens)

    def width(self, line: int) -> int:
        """Cells of a line of the text (a grid row keeps its empty cells)."""
        if not 1 <= line <= len(self.lines):
            return 0
        return len(CELL_SEPARATOR.findall(self.lines[line - 1])) + 1

    def _after_label(self, line: int) -> tuple[list[str], list[Token]] | None:
        """The cells of a separated line after its row label (the last text cell before its
        first number), and the number tokens; the empty piece after a closing ``|`` (on a line
        that opens with one) is no cell. Worked out once a line (callers only read it)."""
        if line not in self._after:
            self._after[line] = self._split_after_label(line)
        return self._after[line]

    def _split_after_label(self, line: int) -> tuple[list[str], list[Token]] | None:
        toks = self.by_line.get(line, [])
        nums = [t for t in toks if t.kind != "text"]
        if not nums or not 1 <= line <= len(self.lines):
            return None
        before = [t.cell for t in toks if t.kind == "text" and t.cell < nums[0].cell]
        if not before:
            return None
        raw = self.lines[line - 1].rstrip(" \r\n\u3000\xa0")
        parts = split_cells(raw)
        after = parts[max(before) + 1 :]
        # "| a | b |" closes with the separator it opens with; "a| b| " (html2text) does not
        # open with one, and its last separator is followed by an empty cell
        closed = raw.lstrip()[:1] in ("|", "｜", "¦")
        if after and not after[-1].strip() and raw and CELL_SEPARATOR.match(raw[-1]) and closed:
            after = after[:-1]
        return after, nums

    def by_row_cells(self, line: int, n: int, *, fillers: bool = False) -> Reading | None:
        """The row read cell by cell: a separated line (``|`` or tab) whose label is followed by
        exactly one cell per column, empty or holding one number. With ``fillers`` (the header
        names every column, and nothing else; a text without places), empty cells before the
        last ``n`` are the fillers a converter writes after a label merged over several columns
        (markitdown: a label with ``colspan=3`` is followed by two empty cells); the first
        column's cell must then be printed, unless the copy writes no filler in this table."""
        got = self._after_label(line)
        if got is None:
            return None
        after, nums = got
        if fillers:
            after = _without_fillers(after, n)
            if after and not after[0].strip() and self._writes_fillers(n):
                # an empty cell first: a blank of the first column, or a filler before a row
                # that lost a cell (a deleted cell shifts the rest left); the two are not told
                # apart, so the row is not read cell by cell. (A copy that writes no filler in
                # this table, no row printing more than one cell per column after its label,
                # has none here either: the empty cell is the first column's blank.)
                return None
        if len(after) != n:
            return None
        first = nums[0].cell - next(i for i, c in enumerate(after) if c.strip())
        return _read_cells(after, nums, first)

    def _writes_fillers(self, n: int) -> bool:
        """Whether some row of the table prints more than ``n`` cells after its label: the
        copy writes fillers after labels merged over several columns (markitdown)."""
        if n not in self._fillers:
            self._fillers[n] = any(
                len(got[0]) > n for ln in sorted(self.row_lines) if (got := self._after_label(ln)) is not None
            )
        return self._fillers[n]

    def row_celled(self, n: int, *, fillers: bool = False) -> bool:
        """Whether every row of the table with numbers on its label line prints exactly one cell
        per column after its label (and, with ``fillers``, empty label fillers before them),
        each holding one number at most: only then do a separated copy's empty cells mean
        printed blanks. (A copy whose rows have an odd cell here and there proves nothing.)"""
        key = (n, fillers)
        if key not in self._celled:
            lines = [ln for ln in sorted(self.row_lines) if self._after_label(ln) is not None]
            self._celled[key] = len(lines) >= 2 and all(
                len(cells := (_without_fillers(got[0], n) if fillers else got[0])) == n
                # a cell holding two numbers ("| 4 1 |") is no one column's: the converter drew
                # the grid with other columns than the table's
                and all(len(c.split()) <= 1 for c in cells)
                for ln in lines
                if (got := self._after_label(ln)) is not None
            )
        return self._celled[key]


def row_by_cells(line: str, nums: list[Token], n: int) -> Reading | None:
    """A separated line (``|`` or tab) of exactly ``n`` cells, each empty or holding one of the
    number tokens ``nums`` (all printed on it), read cell by cell; None when it is not one.
    Outer pipes (``| a | b |``) open and close the row and make no cells."""
    split = _row_cells(line)
    if split is None or len(split[0]) != n:
        return None
    return _read_cells(split[0], nums, split[1])


def _row_cells(line: str) -> tuple[list[str], int] | None:
    """A separated line's cells and the cell index of the first: outer pipes (``| a | b |``)
    open and close the row and make no cells; None when text stands outside them."""
    raw = line.rstrip(" \r\n\u3000\xa0")
    parts = split_cells(raw)
    if raw.lstrip()[:1] in ("|", "｜", "¦") and len(parts) >= 2:
        if parts[0].strip() or parts[-1].strip():
            return None
        return parts[1:-1], 1
    return parts, 0


def _read_cells(cells: list[str], nums: list[Token], first: int) -> Reading | None:
    """``cells`` (texts of consecutive cells, the first at cell index ``first`` of its line)
    read cell by cell: an empty cell holds no number, any other exactly one of ``nums``, and
    every number is used; None when they do not fit so. A number glued to its label (the
    label's cell, "（一）予以公开10") or printed with a leading zero ("00": two cells run
    together) is no cell of one number."""
    by_cell: dict[int, Token] = {}
    for tok in nums:
        if tok.cell in by_cell or tok.glued or leading_zero(tok):
            return None
        by_cell[tok.cell] = tok
    reading: list[Obs | None] = []
    for i, text in enumerate(cells):
        t = by_cell.pop(first + i, None)
        if not text.strip():
            if t is not None:
                return None
            reading.append(None)
        elif t is None or len(text.split()) != 1:
            return None
        else:
            reading.append(token_obs(t))
    return tuple(reading) if not by_cell else None


def _without_fillers(after: list[str], n: int) -> list[str]:
    """The last ``n`` cells when every cell before them is empty, else the cells unchanged."""
    if len(after) > n and not any(c.strip() for c in after[:-n]):
        return after[-n:]
    return after


# --- appeals: a transposed header (行政复议 / 行政诉讼 · 未经复议直接起诉 / 复议后起诉 over the results)


def _appeal_label(k: str) -> bool:
    return bool(appeal_row(k) or match_column(k, APPEAL_COLUMNS) or "行政诉讼" in k)


def appeal_by_place(
    tokens: list[Token],
    by_line: dict[int, list[Token]],
    first_line: int,
    place: PlaceOf,
    width: Callable[[int], int],
) -> list[Segment] | None:
    """The appeals numbers placed by their headers and row labels, or None when the places do
    not settle every number that was printed, or when a row of a grid is narrower than its
    header (``width``: cells of a line): it lost a cell and its places are shifted."""
    numbers = [t for t in tokens if t.kind != "text"]
    if not numbers:
        return None
    slots: dict[str, Obs] = {}
    headers: dict[int, tuple[Header | None, list[tuple[str | None, Place]]]] = {}
    for t in numbers:
        p = place(t)
        if p is None:
            return None
        if t.line not in headers:
            lines = header_lines_above(by_line, t.line, first_line, _appeal_label)
            if not lines:
                headers[t.line] = (None, [])
                continue
            col_header = build_header(
                lines, APPEAL_COLUMNS, ("行政复议", "行政诉讼", "起诉"), place, unique=False
            )
            groups = [
                (row, gp)
                for ln in lines
                for tok, gp in spans(ln, place)
                if (row := appeal_row(k := label_key(tok.text))) or "行政诉讼" in k
            ]
            headers[t.line] = (col_header, groups)
        col_header, groups = headers[t.line]
        if col_header is None and not groups:
            continue  # a number with no header above: not in the table
        if col_header is not None and lost_cell(width, t.line, col_header):
            return None
        own = [x for x in by_line.get(t.line, ()) if x.kind == "text" and x.cell < t.cell]
        own_row = {appeal_row(label_key(x.text)) for x in own} - {None}
        own_col = {match_column(label_key(x.text), APPEAL_COLUMNS) for x in own} - {None}
        row = own_row.pop() if len(own_row) == 1 else None
        if row is None and not own_row:
            row = group_at(groups, p)
        col = own_col.pop() if len(own_col) == 1 else None
        if col is None and not own_col and col_header is not None:
            col = col_header.column_at(p)
        if row is None or col is None:
            return None
        address = f"appeals.{row}.{col}"
        if address in slots:
            return None
        slots[address] = token_obs(t)
    return _appeal_rows(slots)


# --- appeals: a separated copy whose header rows keep the number row's cells ---------------------

MAX_GRID_HEADER = 6  # header rows above the appeals numbers (the official layout has three)
# a header cell a PDF-to-markdown converter could not name (pymupdf: Col2 … for the columns a
# merged header cell covers)
_UNNAMED_CELL = re.compile(r"Col\d+")


def _separated_cells(line: str) -> list[str] | None:
    """The cells of a separated line (tab or ``|``; outer pipes make no cells), stripped, or
    None when it is not one of two cells or more."""
    split = _row_cells(line)
    return [p.strip() for p in split[0]] if split is not None and len(split[0]) >= 2 else None


def _spread(cells: list[str]) -> list[str]:
    """A header row's label keys with each merged cell's label over the cells it covers: an
    empty or unnamed cell takes the label to its left (a converter prints a merged cell once,
    or repeats it, or names the cells it covers Col2, Col3 …)."""
    out: list[str] = []
    for c in cells:
        k = "" if _UNNAMED_CELL.fullmatch(c) else label_key(c)
        out.append(k or (out[-1] if out else ""))
    return out


def appeal_by_cells(lines: Sequence[str], numbers: list[Token]) -> list[Segment] | None:
    """The appeals numbers of a separated copy (``|`` or tab) with no places, each placed by the
    header cells above its own cell: every header row holds as many cells as the number row,
    so the cells line up (a converter that dropped the cells a merged label covers leaves its
    rows narrower, and is not read so). A column is known when its header cells name one row
    (行政复议, 未经复议直接起诉, 复议后起诉) and one result column; a cell the header merges over two
    columns heads both, and the two numbers under it must agree. None unless every number on
    the row is placed so."""
    if not numbers or len({t.line for t in numbers}) != 1 or not 1 <= numbers[0].line <= len(lines):
        return None
    line = numbers[0].line
    split = _row_cells(lines[line - 1])
    if split is None or len(split[0]) < 2:
        return None
    # every number alone in its cell, every cell empty or holding one
    reading = _read_cells(split[0], numbers, split[1])
    if reading is None:
        return None
    header: list[list[str]] = []
    ln = line - 1
    while ln >= 1 and len(header) < MAX_GRID_HEADER:
        text = lines[ln - 1]
        ln -= 1
        if not text.strip():
            continue  # a markdown table's rule line, emptied when the text was tidied
        cells = _separated_cells(text)
        if cells is None or len(cells) != len(reading) or any(NUMBER_CELL.fullmatch(c) for c in cells):
            break
        header.append(_spread(cells))
    if not header:
        return None
    slots: dict[str, Obs] = {}
    for i, obs in enumerate(reading):
        if obs is None:
            continue  # an empty cell
        keys = [h[i] for h in header]
        rows = {g for k in keys if (g := appeal_row(k))}
        cols = {c for k in keys if (c := match_column(k, APPEAL_COLUMNS))}
        if len(rows) != 1 or len(cols) != 1:
            return None
        address = f"appeals.{rows.pop()}.{cols.pop()}"
        if address in slots and slots[address].value != obs.value:
            return None
        slots.setdefault(address, obs)
    return _appeal_rows(slots)


def _appeal_rows(slots: dict[str, Obs]) -> list[Segment]:
    """The appeals cells placed, as one exact segment per row that holds any."""
    out = []
    for r in APPEALS.rows:
        addresses = tuple(f"appeals.{r.key}.{c.key}" for c in r.columns)
        if any(a in slots for a in addresses):
            out.append(Segment(addresses, [tuple(slots.get(a) for a in addresses)], True))
    return out
