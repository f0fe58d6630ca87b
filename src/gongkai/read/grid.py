"""Tables as grids, and the text a structured format hands to the text reader.

A structured reader (HTML, DOCX, PDF tables…) turns its source into :class:`Lines`: prose
paragraphs as lines, and every table as a grid whose rows become lines of tab-separated cells.
A merged cell's text is printed once, at the merge's top-left position; the other positions it
covers are empty strings, so that a token's cell index (the number of tabs before it) is its
grid column. :meth:`Lines.locate` maps a line and cell back to ``TableAt(table, row, col)``.

Two ways to build a grid:

- :func:`expand_spans`: rows of :class:`SpanCell` with ``rowspan``/``colspan`` (HTML), each cell
  placed in the next free column of its row;
- :class:`GridBuilder`: cells put at explicit grid positions (DOCX ``w:gridSpan``/``w:vMerge``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from gongkai.errors import InputError
from gongkai.model.report import At, TableAt, trusted
from gongkai.read.meta import find_title

MAX_TABLE_CELLS = 200_000  # grid positions of one table (a report's largest has ~300)
MAX_DOCUMENT_CELLS = 1_000_000  # grid positions of all tables of one document
MAX_SPAN = 1000  # the HTML limit for colspan; rowspans are cut at the table's last row
MAX_LINES = 100_000  # lines handed to the text reader (a report has a few hundred to a few thousand)

# Characters that end a line for str.splitlines: they must not occur inside one line.
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Characters the tokenizer takes as cell separators (｜ becomes | under NFKC).
_CELL_SEPS = re.compile("[\t|｜¦]")
_SPACES = re.compile(r"[ \t\xa0\u3000\u200b\ufeff]+")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f]")


def clean_cell(text: str) -> str:
    """Cell text on one line, with no tab or ``|`` (they would shift the cell index)."""
    text = _CELL_SEPS.sub(" ", _LINE_BREAKS.sub(" ", _CONTROL.sub("", text)))
    return _SPACES.sub(" ", text).strip()


def clean_line(text: str) -> str:
    """Prose on one line: line breaks and tabs become spaces, runs of spaces one space."""
    text = _LINE_BREAKS.sub(" ", _CONTROL.sub("", text)).replace("\t", " ")
    return _SPACES.sub(" ", text).strip()


@dataclass(slots=True)
class SpanCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def _too_big(name: str) -> InputError:
    return InputError(
        f"文件中的表格过大（超过 {MAX_TABLE_CELLS} 个单元格），不像是一份年度报告，已拒绝读取。",
        source=name,
    )


def expand_spans(rows: Sequence[Sequence[SpanCell]], name: str = "-") -> list[list[str]]:
    """The grid of an HTML-style table: each cell in the next free column of its row.

    A cell's text is at its top-left position; the other positions it covers hold ``""``.
    Rowspans are cut at the last row; cells that would overlap an occupied position leave it be.
    """
    n = len(rows)
    grid: list[list[str | None]] = [[] for _ in range(n)]
    filled = 0
    for r, row in enumerate(rows):
        c = 0
        line = grid[r]
        for cell in row:
            while c < len(line) and line[c] is not None:
                c += 1
            rs = max(1, min(cell.rowspan, n - r))
            cs = max(1, min(cell.colspan, MAX_SPAN))
            filled += rs * cs
            if filled > MAX_TABLE_CELLS:
                raise _too_big(name)
            for dr in range(rs):
                target = grid[r + dr]
                if len(target) < c + cs:
                    target.extend([None] * (c + cs - len(target)))
                for dc in range(cs):
                    if dr == 0 and dc == 0:
                        target[c] = cell.text
                    elif target[c + dc] is None:
                        target[c + dc] = ""
            c += cs
    return [[x if x is not None else "" for x in line] for line in grid]


class GridBuilder:
    """A grid filled at explicit positions; unfilled positions are empty strings."""

    def __init__(self, name: str = "-") -> None:
        self.rows: list[list[str]] = []
        self._name = name
        self._filled = 0

    def put(self, row: int, col: int, text: str, colspan: int = 1) -> None:
        colspan = max(1, min(colspan, MAX_SPAN))
        self._filled += colspan
        if self._filled > MAX_TABLE_CELLS or col + colspan > MAX_SPAN * 4:
            raise _too_big(self._name)
        while len(self.rows) <= row:
            self.rows.append([])
        line = self.rows[row]
        if len(line) < col + colspan:
            line.extend([""] * (col + colspan - len(line)))
        line[col] = text
        for dc in range(1, colspan):
            line[col + dc] = ""

    def grid(self) -> list[list[str]]:
        return self.rows


class Lines:
    """The text handed to :func:`gongkai.read.text.read_text`, and where each line came from."""

    def __init__(self, name: str = "-") -> None:
        self._lines: list[str] = []
        # per line: prose At, (table, row, turned back) or None
        self._where: list[At | tuple[int, int, bool] | None] = []
        self._name = name
        self._cells = 0
        self.tables = 0  # tables added
        # pictures in the document (a web page's <img>): how many lines come before each, and
        # its reference (the src), in document order
        self.pictures: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self._lines)

    def _append(self, line: str, where: At | tuple[int, int, bool] | None) -> None:
        if len(self._lines) >= MAX_LINES:
            raise InputError(
                f"文件过长（超过 {MAX_LINES} 行文字），不像是一份年度报告，已拒绝读取。", source=self._name
            )
        self._lines.append(line)
        self._where.append(where)

    def prose(self, text: str, at: At | None = None) -> None:
        """A paragraph: one line (line breaks inside become spaces); empty text adds nothing."""
        line = clean_line(text)
        if line:
            self._append(line, at)

    def paragraph(self, parts: Sequence[tuple[str, At | None]]) -> None:
        """A paragraph whose parts were separated by line breaks: a title broken over lines
        ("某某局2023年" / "政府信息公开工作年度报告") is one line, anything else one line a part."""
        texts = [clean_line(t) for t, _ in parts]
        if len(parts) > 1:
            joined = "".join(texts)
            if len(joined) <= 80 and find_title([joined])[0] is not None:
                self.prose(joined, parts[0][1])
                return
        for text, (_, at) in zip(texts, parts, strict=True):
            self.prose(text, at)

    def insert_first(self, text: str) -> None:
        """A line before all others (a title found outside the body)."""
        line = clean_line(text)
        if line:
            self._lines.insert(0, line)
            self._where.insert(0, None)
            self.pictures = [(n + 1, ref) for n, ref in self.pictures]

    def picture(self, ref: str) -> None:
        """A picture after the lines so far."""
        self.pictures.append((len(self._lines), ref))

    def table(self, index: int, grid: Sequence[Sequence[str]]) -> None:
        """A table's rows as tab-separated lines; ``index`` is the table's number in the source.
        A requests table printed transposed (:func:`turned_requests`) is turned back first; its
        cells' ``at`` still name their row and column in the source."""
        self.tables += 1
        turned = turned_requests(grid)
        if turned:
            grid = _transpose(grid)
        for r, row in enumerate(grid):
            self._cells += len(row)
            if self._cells > MAX_DOCUMENT_CELLS:
                raise InputError(
                    f"文件中的表格过多过大（超过 {MAX_DOCUMENT_CELLS} 个单元格），不像是一份年度报告，已拒绝读取。",
                    source=self._name,
                )
            cells = [clean_cell(c) for c in row]
            if not any(cells):
                continue
            # trailing empty cells are kept: a row's width is evidence (a row with a cell lost
            # is narrower than its header, and its numbers no longer stand under their labels)
            self._append("\t".join(cells), (index, r, turned))

    @property
    def lines(self) -> list[str]:
        return list(self._lines)

    @property
    def text(self) -> str:
        return "\n".join(self._lines) + "\n"

    def locate(self, line: int, cell: int) -> At | None:
        """Where cell ``cell`` (0-based) of line ``line`` (1-based) is in the source."""
        return self._at(line, cell, as_printed=True)

    def grid_at(self, line: int, cell: int) -> At | None:
        """Like :meth:`locate`, but a turned table's cell in the grid as turned back: the places
        the reader lines numbers up by (``locate`` is what the source says)."""
        return self._at(line, cell, as_printed=False)

    def _at(self, line: int, cell: int, as_printed: bool) -> At | None:
        if not 1 <= line <= len(self._where):
            return None
        where = self._where[line - 1]
        if isinstance(where, tuple):
            table, r, turned = where
            row, col = (cell, r) if turned and as_printed else (r, cell)
            return trusted(TableAt, {"table": table, "row": row, "col": col})
        return where


def _transpose(grid: Sequence[Sequence[str]]) -> list[list[str]]:
    width = max((len(r) for r in grid), default=0)
    return [[row[c] if c < len(row) else "" for row in grid] for c in range(width)]


TURNED_MIN_ROWS = 8  # request row labels across the top of a turned table (it has 26 or so)
TURNED_MIN_COLUMNS = 5  # applicant column labels down its side (it has 7)


def turned_requests(grid: Sequence[Sequence[str]]) -> bool:
    """Whether ``grid`` is the requests table printed transposed: the row labels of the format
    (本年新收, 予以公开 …) across its first rows, the applicant columns (自然人, 商业企业 … 总计)
    down its first columns, and no row labels down the side."""
    if len(grid) < TURNED_MIN_COLUMNS or max((len(r) for r in grid), default=0) < TURNED_MIN_ROWS:
        return False
    from gongkai.model.keys import REQUEST_COLUMNS
    from gongkai.read.columns import match_column
    from gongkai.read.normalize import label_key

    rows = _request_signatures()

    def row_keys(texts: list[str]) -> set[str]:
        keys = [label_key(t) for t in texts if t]
        return {key for key, sigs in rows if any(sig in k for k in keys for sig in sigs)}

    top = [c for row in grid[:4] for c in row]
    side = [row[c] for row in grid for c in range(min(4, len(row)))]
    columns = {match_column(label_key(t), REQUEST_COLUMNS) for t in side if t} - {None}
    return (
        len(row_keys(top)) >= TURNED_MIN_ROWS
        and len(columns) >= TURNED_MIN_COLUMNS
        and len(row_keys(side)) < 3
    )


@cache
def _request_signatures() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each request row of both editions with the label keys of its signatures."""
    from gongkai.model.keys import REQUESTS_2019, REQUESTS_2021
    from gongkai.read.normalize import label_key

    return tuple(
        (r.key, tuple(label_key(x) for x in r.signatures)) for r in (*REQUESTS_2021.rows, *REQUESTS_2019.rows)
    )
