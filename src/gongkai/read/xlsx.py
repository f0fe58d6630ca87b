"""The workbook reader: an Excel file (XLSX) to a :class:`Report`.

Two ways in:

* **gongkai's 填报 workbook** (``gongkai template``), recognised by its layout: every label of
  the three tables at the place the template puts it. Cells are read by position. Blank parts
  are missing, never 0. ``at`` is ``{"table": sheet, "row": r, "col": c}``, 0-based.
* **any other workbook** whose sheets hold the three tables: each sheet's rows become lines of
  tab-separated cells (a merged range gives its text at its origin and empty cells elsewhere),
  read by :func:`gongkai.read.text.read_text` with a locator that maps each printed cell back to
  its sheet, row and column.

**Formulas.** A cell that holds a formula is read as the value the file caches for it (the
number the agency saw when it last saved the workbook in a spreadsheet program), ``read``, and
checked against its parts by the checker like any printed total; it is never recomputed, so a
wrong total stays wrong and is reported. Its ``raw`` keeps the formula and the cached value,
``"=SUM(B5:G5) → 37"``. A workbook never opened in a spreadsheet program (gongkai's own
template written by openpyxl) caches no value: the template's totals are then computed from
their parts and marked ``inferred`` (``raw`` is the formula alone), and in any other workbook
the cell is read as blank, so the text reader infers it where the identities force it. The
workbook is opened twice for this, once for the formulas and once for the cached values.

The file is checked before openpyxl opens it (its normal mode, needed for merged cells, holds
the whole workbook in memory): its size, the zip limits of :mod:`gongkai.read.safety`, the
inflated size of its XML, and no DTD or entity declaration in any XML part.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from gongkai.errors import InputError, NotAReportError
from gongkai.model.keys import EDITIONS, EditionKey, edition
from gongkai.model.report import PREAMBLE, At, Cell, Finding, Meta, Report, Severity, Source, Status, TableAt
from gongkai.read import safety
from gongkai.read.meta import region_of
from gongkai.read.normalize import label_key, normalize_line
from gongkai.read.sections import find_headings
from gongkai.read.text import read_text
from gongkai.read.tokens import BLANKS, parse_number
from gongkai.write.layout import (
    DEFAULT_TITLE,
    INSTRUCTIONS_TITLE,
    META_FIELDS,
    META_LABEL_COL,
    META_VALUE_COL,
    PREAMBLE_LABEL,
    TABLE_LEFT,
    TABLE_TOP,
    TEMPLATE_META_SHEET,
    TEMPLATE_SHEETS,
    Grid,
    format_value,
    grids,
    totals,
)

MAX_XLSX_BYTES = 20 * 1024 * 1024  # the file itself; openpyxl holds the whole workbook in memory
MAX_XML_TOTAL = 200 * 1024 * 1024  # the XML parts openpyxl parses, inflated
MAX_CELLS = 500_000  # cells of all sheets (rows × columns of their used ranges)

Workbook = Any  # openpyxl.Workbook (imported lazily: openpyxl is slow to import)
Worksheet = Any


# --- safety ------------------------------------------------------------------------------------


def check_zip(data: bytes, name: str) -> None:
    """Refuse what openpyxl should not open: a file too large to be a report's tables, a zip
    bomb (:mod:`gongkai.read.safety`: member count, declared and actual inflated sizes, ratios),
    XML with a DTD or entity declarations."""
    if len(data) > MAX_XLSX_BYTES:
        mb = len(data) / (1024 * 1024)
        raise InputError(
            f"Excel 文件过大（{mb:.0f} MB），不像是一份年度报告的表格；上限为 20 MB。", source=name
        )
    zf = safety.open_zip(data, name)
    total = 0
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels")) and not safety.looks_like_xml(
            safety.member_head(zf, info, name)
        ):
            continue  # images and the like: openpyxl keeps them as bytes, the declared sizes are checked
        total += info.file_size
        if total > MAX_XML_TOTAL:
            raise InputError(
                f"Excel 文件的表格数据解压后超过 {MAX_XML_TOTAL // (1024 * 1024)} MB，不像是一份年度报告，已拒绝读取。",
                source=name,
            )
        part = safety.read_member(zf, info.filename, name)  # capped inflation: bombs stop here
        # judged on the decoded text: a UTF-16 part would hide "<!ENTITY" from a byte search
        safety.refuse_declarations(part, name, f"Excel 文件中的 {info.filename}")


def _open(data: bytes, name: str, data_only: bool = False) -> Workbook:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions, data validation, …
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=data_only, keep_links=False)
    except Exception as e:  # openpyxl raises many kinds on malformed files
        raise InputError(
            f"无法读取这个 Excel 文件（{type(e).__name__}）。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
            source=name,
        ) from e
    cells = sum(ws.max_row * ws.max_column for ws in wb.worksheets)
    if cells > MAX_CELLS:
        raise InputError(
            f"Excel 文件的表格过大（约 {cells} 个单元格），不像是一份年度报告，拒绝读取。", source=name
        )
    return wb


# --- cell values -------------------------------------------------------------------------------


def _decimal(v: float) -> Decimal:
    """A float as the decimal it was typed as (its shortest representation)."""
    return Decimal(repr(v)) if v == v and v not in (float("inf"), float("-inf")) else Decimal(0)


def _number_of(v: Any) -> int | Decimal | None:
    """A number from a cell value: ints, floats (integral → int), numeric text; else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return None
        return int(v) if v.is_integer() and abs(v) < 1e15 else _decimal(v)
    if isinstance(v, Decimal):
        return v
    if isinstance(v, str):
        s = normalize_line(v).strip().replace(" ", "")
        return parse_number(s) if s else None
    return None


def display_text(v: Any) -> str:
    """A cell value as a spreadsheet shows it (without number formats)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        n = _number_of(v)
        return "" if n is None else format_value(n)
    if isinstance(v, (int, Decimal)):
        return format_value(v)
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    return str(v)


# --- formulas ----------------------------------------------------------------------------------

_REF = r"\$?([A-Z]{1,3})\$?(\d{1,7})"
_RANGE = re.compile(rf"^{_REF}(?::{_REF})?$")
_TERM = re.compile(r"([+-]?)\s*([^+-]+)")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class Formulas:
    """The value of simple formulas: ``=SUM(A1:B2,C3)``, ``=A1+B1-3``, a number, a reference.

    ``value(row, col)`` gives a referenced cell's value (0-based), None when unknown.
    """

    def __init__(self, value: Callable[[int, int], int | Decimal | None]) -> None:
        self.value = value

    def evaluate(self, formula: str) -> int | Decimal | None:
        expr = formula.lstrip("=").replace(" ", "").upper()
        if not expr or len(expr) > 2000:
            return None
        total: int | Decimal = 0
        pos = 0
        for m in _TERM.finditer(expr):
            if m.start() != pos:
                return None
            pos = m.end()
            v = self._term(m.group(2))
            if v is None:
                return None
            total = total - v if m.group(1) == "-" else total + v
        return total if pos == len(expr) else None

    def _term(self, term: str) -> int | Decimal | None:
        if term.startswith("SUM(") and term.endswith(")"):
            total: int | Decimal = 0
            for arg in term[4:-1].split(","):
                v = self._range(arg)
                if v is None:
                    return None
                total += v
            return total
        number = parse_number(term)
        if number is not None:
            return number
        return self._range(term)

    def _range(self, ref: str) -> int | Decimal | None:
        m = _RANGE.match(ref)
        if m is None:
            return None
        c0, r0 = _col_index(m.group(1)), int(m.group(2)) - 1
        c1, r1 = (_col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c0, r0)
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:
            return None
        total: int | Decimal = 0
        for r in range(min(r0, r1), max(r0, r1) + 1):
            for c in range(min(c0, c1), max(c0, c1) + 1):
                v = self.value(r, c)
                if v is None:
                    return None
                total += v
        return total


def _is_formula(v: Any) -> bool:
    return isinstance(v, str) and v.startswith("=") and len(v) > 1


# --- the template ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateMatch:
    edition: EditionKey
    sheets: dict[str, int]  # table key → index of the sheet that holds it
    origins: dict[str, tuple[int, int]]  # table key → sheet (row, col) of the grid's top-left cell
    meta: tuple[int, int, int] | None  # the 基本信息 sheet, and the (row, col) of its 发布机关 label


SEARCH_ROWS = 200  # where a table or the meta block may have moved to (rows inserted above it …)
SEARCH_COLS = 30
_MATCHED = ("group", "header", "label")  # the balance note may be edited; these may not


def _key(v: Any) -> str | None:
    return label_key(v) if isinstance(v, str) else None


@cache
def _accepted(edition_key: str, table_key: str) -> dict[tuple[int, int], tuple[str, tuple[str, ...]]]:
    """Grid position of each group label, header and row label → (its key, the signatures of
    its row). A row label is recognised by its key or by its row's signatures (the reader's own
    test), so that a clerk's variant wording (部分公开) still places the row."""
    g = next(x for x in grids(edition_key) if x.key == table_key)
    spec = edition(edition_key).table(table_key)
    row_of = {c.row: c.address.split(".")[1] for c in g.values() if c.address}
    out: dict[tuple[int, int], tuple[str, tuple[str, ...]]] = {}
    for c in g.cells:
        if c.kind not in _MATCHED or not c.text:
            continue
        sigs: tuple[str, ...] = ()
        if c.kind == "label" and c.row in row_of and c.last_col == g.label_cols - 1:
            sigs = spec.row(row_of[c.row]).signatures
        out[(c.row, c.col)] = (label_key(c.text), sigs)
    return out


def _grid_at(ws: Worksheet, g: Grid, top: int, left: int, edition_key: str) -> bool:
    """Every group label, header and row label of ``g`` with the grid's top-left at (top, left)."""
    for (r, c), (key, sigs) in _accepted(edition_key, g.key).items():
        got = _key(ws.cell(top + r + 1, left + c + 1).value)
        if got != key and not (got and any(sig in got for sig in sigs)):
            return False
    return True


def _find_grid(ws: Worksheet, g: Grid, edition_key: str) -> tuple[int, int] | None:
    """Where ``g`` is laid out as the template lays it: first where the template puts it, then
    anywhere its first label is (rows or columns inserted above or beside it)."""
    if _grid_at(ws, g, TABLE_TOP, TABLE_LEFT, edition_key):
        return TABLE_TOP, TABLE_LEFT
    anchor = min((c for c in g.cells if c.kind in _MATCHED and c.text), key=lambda c: (c.row, c.col))
    want = label_key(anchor.text)
    rows = min(ws.max_row, SEARCH_ROWS)
    cols = min(ws.max_column, SEARCH_COLS)
    for row in ws.iter_rows(min_row=1, max_row=rows, max_col=cols):
        for cell in row:
            if _key(cell.value) != want:
                continue
            top, left = cell.row - 1 - anchor.row, cell.column - 1 - anchor.col
            if top >= 0 and left >= 0 and _grid_at(ws, g, top, left, edition_key):
                return top, left
    return None


def _find_meta(ws: Worksheet) -> tuple[int, int] | None:
    """The (row, col) of the 发布机关 label when the meta labels follow it in their column."""
    first = META_FIELDS[0]
    want = label_key(first[1])
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, SEARCH_ROWS), max_col=min(ws.max_column, 10)):
        for cell in row:
            if _key(cell.value) != want:
                continue
            top, col = cell.row - 1 - first[2], cell.column - 1
            if top >= 0 and all(
                _key(ws.cell(top + r + 1, col + 1).value) == label_key(label) for _, label, r in META_FIELDS
            ):
                return top, col
    return None


def match_template(wb: Workbook) -> TemplateMatch | None:
    """The template's edition, sheets and positions when all three tables are laid out as it
    lays them (on any sheet, at any place), else None."""
    sheets = wb.worksheets
    for ed in EDITIONS:
        found: dict[str, int] = {}
        origins: dict[str, tuple[int, int]] = {}
        for g in grids(ed):
            for i, ws in enumerate(sheets):
                at = _find_grid(ws, g, ed)
                if at is not None:
                    found[g.key], origins[g.key] = i, at
                    break
        if len(found) == 3:
            return TemplateMatch(ed, found, origins, meta_block(wb, set(found.values())))
    return None


def meta_block(wb: Workbook, skip: Collection[int] = ()) -> tuple[int, int, int] | None:
    """(sheet, row, col) of the template's 基本信息 block (its 发布机关 label), if any."""
    sheets = wb.worksheets
    order = [TEMPLATE_META_SHEET] if len(sheets) > TEMPLATE_META_SHEET else []
    for i in [*order, *range(len(sheets))]:
        if i not in skip:
            spot = _find_meta(sheets[i])
            if spot is not None:
                return (i, *spot)
    return None


def _instructions_sheet(wb: Workbook) -> int | None:
    """The template's 填报说明 sheet: it talks about the tables and must not be read as a report."""
    for i, ws in enumerate(wb.worksheets):
        if ws.title == TEMPLATE_SHEETS[0] and str(ws.cell(1, 1).value or "").startswith(INSTRUCTIONS_TITLE):
            return i
    return None


def _reading(v: Any, amount: bool) -> tuple[int | Decimal | None, str]:
    """(value, raw) of a typed cell; value None when it holds no number."""
    if v is None:
        return None, ""
    if isinstance(v, str):
        raw = v.strip()
        if not raw or raw in BLANKS:
            return None, raw
    n = _number_of(v)
    raw = display_text(v).strip()
    if n is None:
        return None, raw
    if amount and not isinstance(n, Decimal):
        n = Decimal(n)
    return n, format_value(n) if not isinstance(v, str) else raw


def formula_raw(formula: str, cached: Any) -> str:
    """``raw`` of a formula cell: the formula, and the value the file caches for it if any."""
    shown = display_text(cached).strip() if cached is not None else ""
    return f"{formula} → {shown}" if shown else formula


def _has_formulas(wb: Workbook) -> bool:
    return any(_is_formula(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def read_template(
    wb: Workbook, match: TemplateMatch, source: Source, values: Workbook | None = None
) -> Report:
    """The report from the template's cells; ``values`` is the workbook opened for its cached
    formula values (None when it has no formulas)."""
    ed = edition(match.edition)
    by_key = {g.key: g for g in grids(match.edition)}
    sums = totals(match.edition)
    raw_cells: dict[str, tuple[int, int, int, Any]] = {}  # address → (sheet, row, col, value)
    for t in ed.tables:
        g = by_key[t.key]
        ws = wb.worksheets[match.sheets[t.key]]
        top, left = match.origins[t.key]
        for c in g.values():
            assert c.address is not None
            r, k = top + c.row, left + c.col
            raw_cells[c.address] = (match.sheets[t.key], r, k, ws.cell(r + 1, k + 1).value)
    positions = {(s, r, k): a for a, (s, r, k, _) in raw_cells.items()}
    cells: dict[str, Cell] = {}
    typed_text: list[Finding] = []  # text typed where a number belongs ("十"): an error

    def cached_at(sheet: int, r: int, k: int) -> Any:
        return values.worksheets[sheet].cell(r + 1, k + 1).value if values is not None else None

    def computed(address: str, formula: str, stack: tuple[str, ...]) -> int | Decimal | None:
        """A formula without a cached value, from its parts (the template's totals) or its terms."""
        sheet = raw_cells[address][0]
        if address in sums and address not in stack:
            parts = [cell_of(p, (*stack, address)) for p in sums[address]]
            if not all(p.known for p in parts):
                return None
            return sum((p.value for p in parts), start=0)  # type: ignore[misc]

        def ref(row: int, col: int) -> int | Decimal | None:
            a = positions.get((sheet, row, col))
            if a is None or a in stack or a == address:
                return None
            got = cell_of(a, (*stack, address))
            return got.value if got.known else None

        return Formulas(ref).evaluate(formula)

    def cell_of(address: str, stack: tuple[str, ...] = ()) -> Cell:
        if address in cells:
            return cells[address]
        sheet, r, k, v = raw_cells[address]
        at = TableAt(table=sheet, row=r, col=k)
        amount = ed.column(address).kind == "amount"
        value: int | Decimal | None
        status = Status.READ
        if _is_formula(v):
            cached = cached_at(sheet, r, k)
            raw = formula_raw(v, cached)
            if cached is not None:  # the number the agency saw: read, never recomputed
                value = _number_of(cached)
            else:  # never calculated by a spreadsheet program: computed from its parts
                value, status = computed(address, v, stack), Status.INFERRED
        else:
            value, raw = _reading(v, amount)
            if value is None and raw and isinstance(v, str) and raw not in BLANKS:
                typed_text.append(_text_in_number(wb.worksheets[sheet].title, r, k, raw, address, at))
        if value is not None and amount and not isinstance(value, Decimal):
            value = Decimal(value)
        if value is None:
            status = Status.MISSING
        cell = Cell(value=value, status=status, raw=raw, at=at)
        cells[address] = cell
        return cell

    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    for t in ed.tables:
        tables[t.key] = {
            r.key: {c.key: cell_of(f"{t.key}.{r.key}.{c.key}") for c in r.columns} for r in t.rows
        }
    meta, sections = template_meta(wb, match.meta, match.edition, values)
    meta.edition = match.edition
    return Report(source=source, meta=meta, sections=sections, tables=tables, findings=typed_text)


def _text_in_number(sheet: str, r: int, k: int, raw: str, address: str, at: At) -> Finding:
    from openpyxl.utils import get_column_letter

    shown = raw if len(raw) <= 20 else raw[:20] + "…"
    return Finding(
        rule="xlsx.text_in_number",
        severity=Severity.ERROR,
        cells=[address],
        message=f"工作表「{sheet}」{get_column_letter(k + 1)}{r + 1} 单元格应填数字，却填了文字“{shown}”，"
        "无法作为数字读取。请改为阿拉伯数字（如 10），没有发生的填 0。",
        at=at,
    )


def _text(v: Any) -> str | None:
    if v is None or _is_formula(v):
        return None
    s = display_text(v).strip()
    return s or None


def template_meta(
    wb: Workbook, spot: tuple[int, int, int] | None, edition_key: EditionKey, cache: Workbook | None = None
) -> tuple[Meta, dict[str, str | None]]:
    """Meta and the six sections' prose from the 基本信息 block at ``spot``."""
    sections: dict[str, str | None] = {PREAMBLE: None, **{s.key: "" for s in edition(edition_key).sections}}
    if spot is None:
        return Meta(edition=edition_key), sections
    sheet, top, col = spot
    ws = wb.worksheets[sheet]
    wb_values = cache.worksheets[sheet] if cache is not None else ws
    values = {
        f: ws.cell(top + row + 1, col + 1 + META_VALUE_COL - META_LABEL_COL).value
        for f, _, row in META_FIELDS
    }
    agency = _text(values["agency"])
    year_number = _number_of(values["year"])
    year = int(year_number) if year_number is not None and 1990 <= year_number <= 2100 else None
    title = _text(values["title"])
    if title is None and _is_formula(values["title"]):  # the template's formula
        shown = wb_values.cell(top + META_FIELDS[2][2] + 1, col + 1 + META_VALUE_COL - META_LABEL_COL).value
        if isinstance(shown, str) and shown.strip():
            title = shown.strip()
        elif agency:
            title = f"{agency}{f'{year}年' if year else ''}{DEFAULT_TITLE}"
    headings = {label_key(s.heading): s.key for s in edition(edition_key).sections}
    headings[label_key(PREAMBLE_LABEL)] = PREAMBLE
    for r in range(top + META_FIELDS[-1][2] + 1, min(ws.max_row, top + SEARCH_ROWS)):
        key = headings.get(_key(ws.cell(r + 1, col + 1).value) or "")
        if key is None:
            continue
        text = ws.cell(r + 1, col + 1 + META_VALUE_COL - META_LABEL_COL).value
        body = display_text(text).replace("\r\n", "\n").strip() if text is not None else ""
        sections[key] = "\n".join(line.strip() for line in body.split("\n") if line.strip())
        if key == PREAMBLE and not sections[key]:
            sections[key] = None  # no introduction
    return Meta(
        title=title, agency=agency, region=region_of(agency), year=year, edition=edition_key
    ), sections


# --- any workbook ------------------------------------------------------------------------------

_CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")


def _one_line(text: str) -> str:
    """A cell's text on one line: a break between Chinese characters is dropped, others are spaces."""
    text = text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in text:
        return text
    parts = [p.strip() for p in text.split("\n")]
    out = parts[0]
    for p in parts[1:]:
        if not p:
            continue
        if out and _CJK.match(out[-1]) and _CJK.match(p[0]):
            out += p
        else:
            out += (" " if out else "") + p
    return out


def _cached(data: bytes, name: str) -> Workbook | None:
    try:
        return _open(data, name, data_only=True)
    except InputError:
        return None


def workbook_text(
    data: bytes,
    wb: Workbook,
    name: str,
    skip: Collection[int] = (),
    formulas: dict[tuple[int, int, int], str] | None = None,
) -> tuple[str, dict[int, tuple[int, int]]]:
    """The sheets as lines of tab-separated cells, and line → (sheet, row) for table lines.

    Cell ``i`` of a mapped line is column ``i`` of its row. A sheet named like a section heading
    (三、收到和处理政府信息公开申请情况) opens with that name on a line of its own. A formula
    cell gives its cached value, or nothing when the file caches none (it is never computed
    here); ``formulas``, when given, receives (sheet, row, col) → its ``raw`` (see
    :func:`formula_raw`).
    """
    sheets = wb.worksheets
    cached = _cached(data, name) if _has_formulas(wb) else None
    lines: list[str] = []
    where: dict[int, tuple[int, int]] = {}
    for si, ws in enumerate(sheets):
        if si in skip or (ws.sheet_state != "visible" and len(sheets) > 1):
            continue
        title = ws.title.strip()
        if find_headings([title]):
            lines.append(title)
        values = cached.worksheets[si] if cached is not None else None
        for r, row in enumerate(
            ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column)
        ):
            texts: list[str] = []
            for c, cell in enumerate(row):
                v = cell.value
                if _is_formula(v):
                    cv = values.cell(r + 1, c + 1).value if values is not None else None
                    if formulas is not None:
                        formulas[(si, r, c)] = formula_raw(v, cv)
                    v = cv
                texts.append(_one_line(display_text(v)).strip())
            while texts and not texts[-1]:
                texts.pop()
            if not texts:
                lines.append("")
                continue
            nonempty = [t for t in texts if t]
            if len(nonempty) == 1 and "\n" in display_text(row[texts.index(nonempty[0])].value):
                # one long cell of prose: its paragraphs on lines of their own
                for para in display_text(row[texts.index(nonempty[0])].value).splitlines():
                    if para.strip():
                        lines.append(para.strip())
                continue
            lines.append("\t".join(texts))
            where[len(lines)] = (si, r)
        lines.append("")
    return "\n".join(lines), where


def read_generic(data: bytes, wb: Workbook, source: Source, skip: Collection[int] = ()) -> Report:
    formulas: dict[tuple[int, int, int], str] = {}
    text, where = workbook_text(data, wb, source.name, skip, formulas)

    def locate(line: int, cell: int) -> At | None:
        at = where.get(line)
        if at is None:
            return None
        return TableAt(table=at[0], row=at[1], col=cell)

    try:
        report = read_text(text, source, locate=locate)
    except NotAReportError:
        raise NotAReportError(
            "这个 Excel 文件中没有找到年度报告的统计表（主动公开、依申请公开、行政复议和行政诉讼）。"
            "可以用 gongkai template 生成填报表，按表填写后再读取。",
            source=source.name,
        ) from None
    for _, cell in report.cells():  # a cell read from a formula keeps the formula in raw
        at = cell.at
        if isinstance(at, TableAt) and (at.table, at.row, at.col) in formulas:
            cell.raw = formulas[(at.table, at.row, at.col)]
    return report


def read_xlsx(data: bytes, source: Source) -> Report:
    """Read a report from the bytes of an XLSX workbook (the 填报 template or any workbook)."""
    check_zip(data, source.name)
    wb = _open(data, source.name)
    match = match_template(wb)
    if match is not None:
        values = _cached(data, source.name) if _has_formulas(wb) else None
        report = read_template(wb, match, source, values)
        if match.meta is None:  # the tables as the template lays them, in someone else's workbook
            try:
                text = read_generic(data, wb, source)
            except NotAReportError:
                return report
            report.meta = text.meta.model_copy(update={"edition": match.edition})
            report.sections = text.sections
        return report
    # a template whose tables were changed (rows inserted, labels rewritten): the tables by the
    # text reader, without the instructions and the 基本信息 block, whose meta is read as such
    meta = meta_block(wb)
    skip = {i for i in (_instructions_sheet(wb), meta[0] if meta else None) if i is not None}
    report = read_generic(data, wb, source, skip)
    if meta is not None:
        cache = _cached(data, source.name) if _has_formulas(wb) else None
        report.meta, report.sections = template_meta(wb, meta, report.meta.edition, cache)
    return report


__all__ = ["Formulas", "TemplateMatch", "check_zip", "match_template", "read_xlsx", "workbook_text"]
