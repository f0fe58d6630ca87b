"""The official layout of the three tables as data, derived from :mod:`gongkai.model.keys`.

Every writer (HTML, DOCX, Markdown, text, the XLSX 填报 workbook) draws the same grids, so the
layout of 国办公开办函〔2021〕30号 (and 〔2019〕60号) is written down once, here:

* 二、主动公开 (``active_disclosure``): one table of four columns holding the 第二十条 sub-tables;
  each opens with its item (第二十条第（一）项) across the width and a header row
  (信息内容 | 本年制发件数 …); a sub-table with fewer columns spans its last header and value
  over the rest.
* 三、依申请公开 (``requests``): three label columns and seven number columns. The top-left cell
  holds the balance note over three rows; 申请人情况 spans the seven columns, 法人或其他组织 the
  five organisation columns. Row labels sit in merged group cells: 三、本年度办理结果 over every
  outcome row and （七）总计, （三）不予公开 over its eight rows, and so on.
* 四、行政复议、行政诉讼 (``appeals``): 行政复议 (5 columns) | 行政诉讼 [未经复议直接起诉 (5) |
  复议后起诉 (5)], each with 结果维持 … 总计, then one row of 15 numbers.

A :class:`Grid` lists the origin cell of every merged range with its span; value cells carry the
address (``table.row.column``) they show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from typing import Literal

from gongkai.model.identities import identities
from gongkai.model.keys import APPLICANT_COLUMNS, Column, Row, Table, edition, outcome_rows
from gongkai.model.report import PREAMBLE, Cell, Report

BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_GROUP = "申请人情况"
ORGANIZATION_GROUP = "法人或其他组织"
CONTENT_HEADER = "信息内容"
LITIGATION_GROUP = "行政诉讼"
DEFAULT_TITLE = "政府信息公开工作年度报告"
EMPTY_SECTION = "无。"
TABLE_SECTIONS = ("active_disclosure", "requests", "appeals")

CellKind = Literal["group", "header", "note", "label", "value"]


@dataclass(frozen=True)
class GridCell:
    """The origin (top-left) cell of a range of the printed table, with its span."""

    row: int
    col: int
    kind: CellKind
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    address: str | None = None  # value cells: the cell address they show

    @property
    def merged(self) -> bool:
        return self.rowspan > 1 or self.colspan > 1

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(frozen=True)
class Grid:
    """One official table as a grid of ``n_rows`` × ``n_cols`` with merged ranges."""

    key: str  # the table key: active_disclosure, requests or appeals
    heading: str  # the section heading the table stands under
    n_rows: int
    n_cols: int
    header_rows: int  # rows at the top that form the header (repeated on every page)
    label_cols: int  # columns on the left that hold row labels
    cells: tuple[GridCell, ...] = field(repr=False)

    @cached_property
    def origins(self) -> dict[tuple[int, int], GridCell]:
        return {(c.row, c.col): c for c in self.cells}

    @cached_property
    def cover(self) -> dict[tuple[int, int], GridCell]:
        """Every position of the grid → the cell whose range covers it."""
        out: dict[tuple[int, int], GridCell] = {}
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    out[(r, k)] = c
        return out

    @cached_property
    def positions(self) -> dict[str, tuple[int, int]]:
        """Cell address → (row, col) of the value cell that shows it."""
        return {c.address: (c.row, c.col) for c in self.cells if c.address}

    def values(self) -> list[GridCell]:
        return [c for c in self.cells if c.kind == "value"]

    def row_cells(self, row: int) -> list[GridCell]:
        """The origin cells that start on ``row``, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    def text_rows(self, value: Callable[[str], str]) -> list[list[str]]:
        """The grid as rows of texts: each range's text at its origin, the rest of it empty.

        ``value(address)`` gives the text of a value cell. This is how a spreadsheet or a web
        page's table reads when its merged cells are expanded; gongkai's text reader reads it.
        """
        rows = [[""] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            rows[c.row][c.col] = value(c.address) if c.address else c.text
        return rows


# --- building the grids ----------------------------------------------------------------------


def _active(spec: Table) -> Grid:
    width = 1 + max(len(r.columns) for r in spec.rows)
    groups: list[tuple[str, tuple[Column, ...], list[Row]]] = []
    for r in spec.rows:
        if groups and groups[-1][0] == r.group and groups[-1][1] == r.columns:
            groups[-1][2].append(r)
        else:
            groups.append((r.group, r.columns, [r]))
    cells: list[GridCell] = []
    row = 0
    for group, columns, rows in groups:
        cells.append(GridCell(row, 0, "group", group, colspan=width))
        row += 1
        cells.append(GridCell(row, 0, "header", CONTENT_HEADER))
        for i, c in enumerate(columns):
            span = width - 1 - i if i == len(columns) - 1 else 1
            cells.append(GridCell(row, 1 + i, "header", c.label, colspan=span))
        row += 1
        for r in rows:
            cells.append(GridCell(row, 0, "label", r.label))
            for i, c in enumerate(columns):
                span = width - 1 - i if i == len(columns) - 1 else 1
                address = f"{spec.key}.{r.key}.{c.key}"
                cells.append(GridCell(row, 1 + i, "value", colspan=span, address=address))
            row += 1
    return Grid(spec.key, "", row, width, 0, 1, tuple(cells))


def _requests(spec: Table, edition_key: str) -> Grid:
    columns = spec.rows[0].columns
    labels = 3
    width = labels + len(columns)
    orgs = [i for i, c in enumerate(columns) if c.key in APPLICANT_COLUMNS[1:]]
    cells: list[GridCell] = [
        GridCell(0, 0, "note", BALANCE_NOTE, rowspan=3, colspan=labels),
        GridCell(0, labels, "header", APPLICANT_GROUP, colspan=len(columns)),
    ]
    for i, c in enumerate(columns):
        if i in orgs:
            if i == orgs[0]:
                cells.append(GridCell(1, labels + i, "header", ORGANIZATION_GROUP, colspan=len(orgs)))
            cells.append(GridCell(2, labels + i, "header", c.label))
        else:
            cells.append(GridCell(1, labels + i, "header", c.label, rowspan=2))
    outcomes = outcome_rows(edition_key)
    top = spec.row(outcomes[0]).group  # 三、本年度办理结果
    under_top = [*outcomes, "total_processed"]
    sub_groups: dict[str, int] = {}
    for r in spec.rows:
        if r.key in outcomes and r.group and r.group != top:
            sub_groups[r.group] = sub_groups.get(r.group, 0) + 1
    row = 3
    opened: set[str] = set()
    for r in spec.rows:
        if r.key not in under_top:
            cells.append(GridCell(row, 0, "label", r.label, colspan=labels))
        else:
            if r.key == under_top[0]:
                cells.append(GridCell(row, 0, "group", top, rowspan=len(under_top)))
            if r.group and r.group != top:
                if r.group not in opened:
                    opened.add(r.group)
                    cells.append(GridCell(row, 1, "group", r.group, rowspan=sub_groups[r.group]))
                cells.append(GridCell(row, 2, "label", r.label))
            else:
                cells.append(GridCell(row, 1, "label", r.label, colspan=2))
        for i, c in enumerate(columns):
            cells.append(GridCell(row, labels + i, "value", address=f"{spec.key}.{r.key}.{c.key}"))
        row += 1
    return Grid(spec.key, "", row, width, 3, labels, tuple(cells))


def _appeals(spec: Table) -> Grid:
    n = len(spec.rows[0].columns)
    width = n * len(spec.rows)
    cells: list[GridCell] = []
    col = 0
    opened: set[str] = set()
    for r in spec.rows:
        if r.group:
            if r.group not in opened:  # 行政诉讼 over its two kinds of case
                opened.add(r.group)
                span = n * sum(1 for x in spec.rows if x.group == r.group)
                cells.append(GridCell(0, col, "header", r.group, colspan=span))
            cells.append(GridCell(1, col, "header", r.label, colspan=n))
            for i, c in enumerate(r.columns):
                cells.append(GridCell(2, col + i, "header", c.label))
        else:
            cells.append(GridCell(0, col, "header", r.label, colspan=n))
            for i, c in enumerate(r.columns):
                cells.append(GridCell(1, col + i, "header", c.label, rowspan=2))
        for i, c in enumerate(r.columns):
            cells.append(GridCell(3, col + i, "value", address=f"{spec.key}.{r.key}.{c.key}"))
        col += n
    return Grid(spec.key, "", 4, width, 3, 0, tuple(cells))


@cache
def grids(edition_key: str) -> tuple[Grid, Grid, Grid]:
    """The three tables of an edition in the official layout, in printed order."""
    ed = edition(edition_key)
    headings = {s.key: s.heading for s in ed.sections}
    out = (
        _active(ed.table("active_disclosure")),
        _requests(ed.table("requests"), edition_key),
        _appeals(ed.table("appeals")),
    )
    return tuple(  # type: ignore[return-value]
        Grid(g.key, headings[g.key], g.n_rows, g.n_cols, g.header_rows, g.label_cols, g.cells) for g in out
    )


def grid(edition_key: str, table_key: str) -> Grid:
    for g in grids(edition_key):
        if g.key == table_key:
            return g
    raise KeyError(table_key)


@cache
def totals(edition_key: str) -> dict[str, tuple[str, ...]]:
    """Total cell → the cells it sums (identities 1, 2 and 4 of identities.md).

    The template writes these as ``=SUM(...)`` and the workbook reader computes them. A cell
    that totals both its row and its column (（七）总计 / 总计) sums its row.
    """
    out: dict[str, tuple[str, ...]] = {}
    for ident in identities(edition_key):
        if ident.number in (1, 2, 4) and not ident.with_total:
            out.setdefault(ident.total, ident.parts)
    return out


# --- values and the document -------------------------------------------------------------------


def format_value(value: int | Decimal | None) -> str:
    """A value as printed: integers plainly, amounts with their decimals as given, no exponent."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def cell_value(cell: Cell | None) -> str:
    """The printed text of a cell: its value when read or inferred, empty when unknown."""
    if cell is None or not cell.known:
        return ""
    return format_value(cell.value)


def value_of(report: Report) -> Callable[[str], str]:
    def value(address: str) -> str:
        t, r, c = address.split(".")
        return cell_value(report.tables.get(t, {}).get(r, {}).get(c))

    return value


def title_of(report: Report) -> str:
    """The report's title, or one made from its agency and year."""
    if report.meta.title and report.meta.title.strip():
        return report.meta.title.strip()
    agency = (report.meta.agency or "").strip()
    year = f"{report.meta.year}年" if report.meta.year else ""
    return f"{agency}{year}{DEFAULT_TITLE}"


def is_sub_heading(text: str) -> bool:
    """``（一）主动公开情况``: a short line opening with a bracketed ordinal, not a sentence."""
    return text.startswith(("（", "(")) and len(text) <= 30 and not text.endswith(("。", "；", "："))


def paragraphs(text: str | None) -> list[str]:
    """The non-empty lines of a section's prose."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def preamble(report: Report) -> tuple[str, ...]:
    """The introduction's paragraphs (``sections["preamble"]``), written between the title and
    一、总体情况; empty when the report has none."""
    return tuple(paragraphs(report.sections.get(PREAMBLE)))


@dataclass(frozen=True)
class Part:
    """One of the six sections as written: heading, prose paragraphs and, for 二三四, its table."""

    key: str
    heading: str
    paragraphs: tuple[str, ...]
    grid: Grid | None


def parts(report: Report) -> Iterator[Part]:
    """The six sections in order. A section without a table and without prose reads “无。”."""
    ed = edition(report.meta.edition)
    by_key = {g.key: g for g in grids(ed.key)}
    for s in ed.sections:
        paras = paragraphs(report.sections.get(s.key))
        g = by_key.get(s.key)
        if not paras and g is None:
            paras = [EMPTY_SECTION]
        yield Part(s.key, s.heading, tuple(paras), g)


# --- the 填报 workbook (gongkai template) ------------------------------------------------------
# Shared by the template writer and the workbook reader; positions are 0-based.

TEMPLATE_SHEETS = ("填报说明", "基本信息", "二、主动公开", "三、依申请公开", "四、复议诉讼")
TEMPLATE_TABLE_SHEETS = {"active_disclosure": 2, "requests": 3, "appeals": 4}
TEMPLATE_META_SHEET = 1
TABLE_TOP = 3  # the grid starts on the fourth row: title, instructions, blank row above it
TABLE_LEFT = 0
META_LABEL_COL = 0
META_VALUE_COL = 1
META_FIELDS = (  # (field, label, row)
    ("agency", "发布机关", 2),
    ("year", "报告年度", 3),
    ("title", "报告标题", 4),
    ("edition", "表格格式", 5),
)
SECTIONS_TOP = 8  # the first of the six sections' rows (heading in column A, text in B)
PREAMBLE_ROW = SECTIONS_TOP - 1  # the introduction (引言), just above 一、总体情况
PREAMBLE_LABEL = "引言（一、总体情况之前的文字）"
INSTRUCTIONS_TITLE = "政府信息公开工作年度报告 填报表"  # the first cell of the 填报说明 sheet
BALANCE_LABEL = "勾稽核对"
BALANCE_OK = "平衡"
BALANCE_BAD = "不平衡"


def balance_row(g: Grid) -> int:
    """The sheet row (0-based) of the requests table's balance check, one blank row below it."""
    return TABLE_TOP + g.n_rows + 1
