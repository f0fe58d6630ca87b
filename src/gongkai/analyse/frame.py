"""Records → rows: the wide table (one row per report) and the long table (one row per cell).

Pure functions over :class:`~gongkai.store.records.ReportRecord` lists: no database, no files.
The writers in :mod:`gongkai.analyse.export` turn a :class:`Frame` into CSV, JSON, Parquet or
XLSX.

Values stay exact: counts are ``int``, amounts ``Decimal``; a cell that is not known (status
``missing`` or ``ambiguous``) is ``None``. Both editions can be in one frame: the wide columns
are the union of the editions present, and a cell an edition does not have is ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from operator import itemgetter
from typing import Any, Literal

from gongkai.analyse.rows import sort_key
from gongkai.model.keys import EDITIONS, Edition, edition
from gongkai.model.report import Severity
from gongkai.store.figures import FigureRow
from gongkai.store.figures import addresses as edition_addresses
from gongkai.store.records import ReportRecord

Shape = Literal["wide", "long"]
Headers = Literal["key", "zh"]
# "count"/"signed"/"amount" are cell kinds (model.keys); the others describe meta columns.
ColumnKind = Literal["count", "signed", "amount", "int", "str", "bool"]

TABLE_NAMES = {"active_disclosure": "主动公开", "requests": "依申请", "appeals": "复议诉讼"}
# Official labels with their long notes cut, so that a header stays readable.
SHORT_ROW_LABELS = {
    "partially_granted": "（二）部分公开",
    "other_overdue_correction": "1.申请人逾期不补正",
    "other_overdue_fee": "2.申请人逾期未缴纳费用",
}
SEPARATOR = "·"


@dataclass(frozen=True)
class ColumnSpec:
    key: str  # the address for a cell column, a snake_case name otherwise
    zh: str  # the Chinese header
    kind: ColumnKind
    address: str | None = None  # set for cell columns of the wide shape

    def header(self, headers: Headers) -> str:
        return self.zh if headers == "zh" else self.key


@dataclass
class Frame:
    """Rows of one shape, in a stable order, with what the writers need to present them."""

    shape: Shape
    columns: list[ColumnSpec]
    rows: list[tuple[Any, ...]]
    records: list[ReportRecord]  # in row order for wide; in the order their cells appear for long
    highlight: list[tuple[int, ...]] = field(default_factory=list)  # per row: corrected columns
    editions: tuple[str, ...] = ()
    count: int | None = None  # rows written when ``rows`` was not built (columnar Parquet)

    @property
    def row_count(self) -> int:
        return len(self.rows) if self.count is None else self.count

    def headers(self, headers: Headers) -> list[str]:
        return [c.header(headers) for c in self.columns]


# --- labels --------------------------------------------------------------------------------


def _row_label(ed: Edition, table_key: str, row_key: str) -> str:
    table = ed.table(table_key)
    row = table.row(row_key)
    label = SHORT_ROW_LABELS.get(row_key, row.label)
    parts = [TABLE_NAMES.get(table_key, table_key)]
    if table_key == "requests":
        top = table.row("granted").group
        if row.group and row.group != top:
            parts.append(row.group)
    elif table_key == "appeals" and row.group:
        parts.append(row.group)
    parts.append(label)
    return SEPARATOR.join(parts)


@cache
def address_header(address: str, edition_key: str | None = None) -> str:
    """``requests.granted.natural_person`` → ``依申请·（一）予以公开·自然人``.

    Uses the labels of ``edition_key``, or of the first edition (2021, then 2019) that has the
    address. The address itself when no edition has it.
    """
    t, r, _ = address.split(".")
    for key in (edition_key,) if edition_key else EDITIONS:
        ed = edition(key)
        try:
            column = ed.column(address)
        except KeyError:
            continue
        return SEPARATOR.join((_row_label(ed, t, r), column.label))
    return address


@cache
def address_kind(address: str) -> ColumnKind:
    for key in EDITIONS:
        try:
            return edition(key).column(address).kind
        except KeyError:
            continue
    raise KeyError(address)


def union_addresses(edition_keys: Iterable[str]) -> tuple[str, ...]:
    """The addresses of the editions, in the official order, rows merged table by table.

    Rows keep their edition's order; a row only one edition has comes right after the row it
    follows there (2019 ``other_handling`` after ``rejected_confirmation``). A row's columns are
    those of the first edition given, then the others'.
    """
    keys = [k for k in EDITIONS if k in set(edition_keys)] or ["2021"]
    tables: list[str] = []
    rows: dict[str, list[str]] = {}
    columns: dict[tuple[str, str], list[str]] = {}
    for key in keys:
        for t in edition(key).tables:
            if t.key not in rows:
                tables.append(t.key)
                rows[t.key] = []
            merged = rows[t.key]
            at = 0
            for r in t.rows:
                if r.key in merged:
                    at = merged.index(r.key) + 1
                else:
                    merged.insert(at, r.key)
                    at += 1
                cols = columns.setdefault((t.key, r.key), [])
                cols.extend(c.key for c in r.columns if c.key not in cols)
    return tuple(f"{t}.{r}.{c}" for t in tables for r in rows[t] for c in columns[(t, r)])


# --- records -------------------------------------------------------------------------------


def sorted_records(records: Iterable[Any]) -> list[Any]:
    return sorted(records, key=sort_key)


def all_findings(rec: ReportRecord | FigureRow) -> list[Any]:
    """The record's findings, then the report's own ones it does not already hold.

    For a :class:`FigureRow`: the stored findings it was loaded with."""
    if isinstance(rec, FigureRow):
        return list(rec.findings)
    seen = {(f.rule, tuple(f.cells), f.message) for f in rec.findings}
    extra = [f for f in rec.report.findings if (f.rule, tuple(f.cells), f.message) not in seen]
    return [*rec.findings, *extra]


def severity_count(rec: ReportRecord | FigureRow, severity: Severity) -> int:
    if isinstance(rec, FigureRow):
        return {Severity.ERROR: rec.errors, Severity.WARNING: rec.warnings}.get(severity, 0)
    return sum(1 for f in all_findings(rec) if Severity(f.severity) == severity)


def select(
    records: Iterable[ReportRecord],
    *,
    region: str | None = None,
    year: int | Iterable[int] | None = None,
    agency: str | None = None,
) -> list[ReportRecord]:
    """Filter in memory, much as the store's ``load_reports`` does in the database.

    ``region`` matches the record's region or any level of its region path; ``year`` is one
    year or several; ``agency`` is the agency's name or its id.
    """
    years = None if year is None else ({year} if isinstance(year, int) else set(year))
    out = []
    for rec in records:
        if years is not None and rec.year not in years:
            continue
        if region is not None and region != rec.region and region not in rec.region_path:
            continue
        if agency is not None and agency not in (rec.agency, str(rec.agency_id)):
            continue
        out.append(rec)
    return out


def cell_value(rec: ReportRecord, address: str) -> int | Decimal | None:
    """The value of a known cell (read or inferred, corrections applied), else ``None``."""
    t, r, c = address.split(".")
    try:
        cell = rec.report.tables[t][r][c]
    except KeyError:
        return None
    return cell.value if cell.known else None


# --- frames --------------------------------------------------------------------------------

WIDE_META: tuple[ColumnSpec, ...] = (
    ColumnSpec("report_id", "报告编号", "int"),
    ColumnSpec("agency", "机关", "str"),
    ColumnSpec("region", "地区", "str"),
    ColumnSpec("region_path", "地区层级", "str"),
    ColumnSpec("year", "年度", "int"),
    ColumnSpec("edition", "表格版本", "str"),
    ColumnSpec("version", "版本号", "int"),
    ColumnSpec("errors", "错误数", "int"),
    ColumnSpec("warnings", "警告数", "int"),
    ColumnSpec("corrected_cells", "更正的单元格", "str"),
)
WIDE_FROZEN_COLUMNS = 5  # 报告编号, 机关, 地区, 地区层级, 年度 stay in view

LONG_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("report_id", "报告编号", "int"),
    ColumnSpec("agency", "机关", "str"),
    ColumnSpec("region", "地区", "str"),
    ColumnSpec("year", "年度", "int"),
    ColumnSpec("edition", "表格版本", "str"),
    ColumnSpec("table", "表", "str"),
    ColumnSpec("row", "行", "str"),
    ColumnSpec("column", "列", "str"),
    ColumnSpec("address", "单元格", "str"),
    ColumnSpec("label", "单元格名称", "str"),
    ColumnSpec("kind", "数值类型", "str"),
    ColumnSpec("value", "数值", "amount"),
    ColumnSpec("status", "状态", "str"),
    ColumnSpec("corrected", "已更正", "bool"),
)
LONG_FROZEN_COLUMNS = 4
PATH_SEPARATOR = "/"
CORRECTED_SEPARATOR = ";"


KIND_NAMES_ZH = {"count": "计数", "signed": "增减数", "amount": "金额"}
STATUS_NAMES_ZH = {"read": "读出", "inferred": "推断", "ambiguous": "存疑", "missing": "缺失"}
BOOL_ZH = {True: "是", False: "否"}
CORRECTED_SEPARATOR_ZH = "；"

AnyRecord = ReportRecord | FigureRow


def _editions(records: Sequence[AnyRecord]) -> tuple[str, ...]:
    present = {rec.edition for rec in records}
    return tuple(k for k in EDITIONS if k in present)


def record_cells(rec: AnyRecord) -> tuple[tuple[str, ...], list[Any], list[str]]:
    """A record's cells in its edition's address order: addresses, values (``None`` when not
    known), statuses."""
    if isinstance(rec, FigureRow):
        return edition_addresses(rec.edition), rec.values(), rec.statuses()
    ads = edition_addresses(rec.edition)
    values: list[Any] = []
    statuses: list[str] = []
    tables = rec.report.tables
    for a in ads:
        t, r, c = a.split(".")
        cell = tables.get(t, {}).get(r, {}).get(c)
        values.append(cell.value if cell is not None and cell.known else None)
        statuses.append(str(cell.status) if cell is not None else "missing")
    return ads, values, statuses


def corrected_text(corrected: Iterable[str], headers: Headers, edition_key: str) -> str | None:
    """The corrected addresses for the ``corrected_cells`` column: keys, or Chinese names."""
    items = sorted(corrected)
    if not items:
        return None
    if headers == "zh":
        return CORRECTED_SEPARATOR_ZH.join(address_header(a, edition_key) for a in items)
    return CORRECTED_SEPARATOR.join(items)


def wide_meta(rec: AnyRecord, headers: Headers, corrected: Iterable[str]) -> tuple[Any, ...]:
    """The values of the :data:`WIDE_META` columns for one record."""
    return (
        rec.report_id,
        rec.agency,
        rec.region,
        PATH_SEPARATOR.join(rec.region_path) if rec.region_path else None,
        rec.year,
        rec.edition,
        rec.version,
        severity_count(rec, Severity.ERROR),
        severity_count(rec, Severity.WARNING),
        corrected_text(corrected, headers, rec.edition),
    )


def wide_columns(editions: Sequence[str]) -> tuple[list[ColumnSpec], tuple[str, ...]]:
    """The wide shape's columns for these editions, and the cell addresses among them."""
    addresses = union_addresses(editions)
    cells = [ColumnSpec(a, address_header(a), address_kind(a), a) for a in addresses]
    return [*WIDE_META, *cells], addresses


def wide_frame(
    records: Iterable[AnyRecord], editions: Sequence[str] | None = None, headers: Headers = "key"
) -> Frame:
    """One row per report: meta columns, then one column per cell address.

    The cell columns are the union of ``editions`` (default: the editions of the records; 2021
    when there are none). With ``headers="zh"`` the text in cells is Chinese too (the
    corrected cells by their names).
    """
    recs = sorted_records(records)
    eds = tuple(editions) if editions else _editions(recs)
    columns, addresses = wide_columns(eds)
    first = len(WIDE_META)
    index = {a: first + i for i, a in enumerate(addresses)}
    pick: dict[str, Any] = {}  # edition → values (and a None after them) → union columns
    rows: list[tuple[Any, ...]] = []
    highlight: list[tuple[int, ...]] = []
    for rec in recs:
        own, values, _ = record_cells(rec)
        get = pick.get(rec.edition)
        if get is None:
            at = {a: i for i, a in enumerate(own)}
            get = pick[rec.edition] = itemgetter(*(at.get(a, len(own)) for a in addresses))
        values.append(None)
        corrected = rec.corrected
        rows.append((*wide_meta(rec, headers, corrected), *get(values)))
        highlight.append(tuple(sorted(index[a] for a in corrected if a in index)))
    return Frame("wide", columns, rows, recs, highlight, eds)


LONG_COLUMNS_ZH: tuple[ColumnSpec, ...] = tuple(
    ColumnSpec(c.key, c.zh, "str" if c.key == "corrected" else c.kind)
    for c in LONG_COLUMNS
    if c.key != "address"  # an English code: the 单元格名称 column names the cell
)


def _row_name(ed: Edition, table_key: str, row_key: str) -> str:
    """The row's label with its group, without the table: ``（三）不予公开·1.属于国家秘密``."""
    return _row_label(ed, table_key, row_key).split(SEPARATOR, 1)[1]


def long_frame(records: Iterable[AnyRecord], headers: Headers = "key") -> Frame:
    """One row per cell of each report's own edition, unknown cells included (value ``None``).

    With ``headers="zh"`` the table, row, column, kind, status and corrected columns hold
    Chinese text and the address column is left out: no English code in the file."""
    recs = sorted_records(records)
    zh = headers == "zh"
    columns = LONG_COLUMNS_ZH if zh else LONG_COLUMNS
    rows: list[tuple[Any, ...]] = []
    highlight: list[tuple[int, ...]] = []
    value_col = next(i for i, c in enumerate(columns) if c.key == "value")
    for rec in recs:
        ed = edition(rec.edition)
        own, values, statuses = record_cells(rec)
        corrected_set = rec.corrected
        for address, value, status in zip(own, values, statuses, strict=True):
            t, r, c = address.split(".")
            corrected = address in corrected_set
            kind = ed.column(address).kind
            label = address_header(address, rec.edition)
            head = (rec.report_id, rec.agency, rec.region, rec.year, rec.edition)
            if zh:
                rows.append(
                    (
                        *head,
                        TABLE_NAMES.get(t, t),
                        _row_name(ed, t, r),
                        ed.column(address).label,
                        label,
                        KIND_NAMES_ZH.get(kind, kind),
                        value,
                        STATUS_NAMES_ZH.get(status, status),
                        BOOL_ZH[corrected],
                    )
                )
            else:
                rows.append((*head, t, r, c, address, label, kind, value, status, corrected))
            highlight.append((value_col,) if corrected else ())
    return Frame("long", list(columns), rows, recs, highlight, _editions(recs))


def frame(records: Iterable[AnyRecord], shape: Shape = "wide", headers: Headers = "key") -> Frame:
    return wide_frame(records, headers=headers) if shape == "wide" else long_frame(records, headers)
