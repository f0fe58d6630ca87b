"""Figures stored for analysis: one ``report_figures`` row per report (issue 12).

Statistics, charts and exports read a few numbers of many reports. Rebuilding every report
from its ~200 cell rows to read 17 of them made ``gongkai stats`` over 10,000 reports take
38 s; this module keeps, beside each report, what analyses read, with the corrections in
force applied:

* the 17 *figures* (:data:`FIGURES`): sums of ``total`` cells, ``NULL`` when a cell they need
  is unknown; integers, never floats;
* every cell's value (exact decimal text) and status, packed into two text columns in the
  order of the edition's addresses (``cell_values``, ``cell_status``), for exports.

Cells never change once stored; corrections do. The row is written at ingest
(:func:`figures_row` from the rows being inserted) and again after every correction
(:func:`refresh_figures`); it records which corrections it reflects (their number and last
id), so that :func:`load_figures` recomputes, in memory, a row that a writer forgot to
refresh instead of stating a stale number. :func:`rebuild_figures` (``gongkai figures
rebuild``) recomputes every row from the reports.

The views :data:`VIEWS` (``create_views``) give the same data to SQL tools such as Datasette
and DuckDB: one row per report (``v_reports``) and one row per cell (``v_cells``); see
docs/analyse.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa

from gongkai.model.keys import EDITIONS, edition
from gongkai.store import schema as s

FIGURES: tuple[str, ...] = (
    "received",
    "carried_over",
    "processed",
    "granted",
    "partially_granted",
    "withheld",
    "unavailable",
    "rejected",
    "other",
    "carried_forward",
    "reconsideration",
    "litigation",
    "appeals_upheld",
    "appeals_corrected",
    "appeals_other",
    "appeals_pending",
    "appeals_concluded",
)
_APPEAL_ROWS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
KNOWN_STATUSES = ("read", "inferred")
STATUS_CODES = {"read": "r", "inferred": "i", "ambiguous": "a", "missing": "m"}
CODE_STATUS = {v: k for k, v in STATUS_CODES.items()} | {v.upper(): k for k, v in STATUS_CODES.items()}
SEPARATOR = ","

Figures = tuple[int | None, ...]  # in the order of FIGURES


def _requests(edition_key: str, prefix: str) -> tuple[str, ...]:
    rows = edition(edition_key).table("requests").row_keys
    return tuple(f"requests.{r}.total" for r in rows if r.startswith(prefix))


def figure_addresses(edition_key: str) -> dict[str, tuple[str, ...]]:
    """For each figure, the cells whose sum it is, in ``edition_key``."""
    return {
        "received": ("requests.new_received.total",),
        "carried_over": ("requests.carried_over.total",),
        "processed": ("requests.total_processed.total",),
        "granted": ("requests.granted.total",),
        "partially_granted": ("requests.partially_granted.total",),
        "withheld": _requests(edition_key, "withheld_"),
        "unavailable": _requests(edition_key, "unavailable_"),
        "rejected": _requests(edition_key, "rejected_"),
        "other": _requests(edition_key, "other_"),  # 2019: other_handling; 2021: other_* (3)
        "carried_forward": ("requests.carried_forward.total",),
        "reconsideration": ("appeals.reconsideration.total",),
        "litigation": ("appeals.litigation_direct.total", "appeals.litigation_after_reconsideration.total"),
        "appeals_upheld": tuple(f"appeals.{r}.upheld" for r in _APPEAL_ROWS),
        "appeals_corrected": tuple(f"appeals.{r}.corrected" for r in _APPEAL_ROWS),
        "appeals_other": tuple(f"appeals.{r}.other" for r in _APPEAL_ROWS),
        "appeals_pending": tuple(f"appeals.{r}.pending" for r in _APPEAL_ROWS),
        "appeals_concluded": tuple(
            f"appeals.{r}.{c}" for r in _APPEAL_ROWS for c in ("upheld", "corrected", "other")
        ),
    }


FIGURE_ADDRESSES: dict[str, dict[str, tuple[str, ...]]] = {k: figure_addresses(k) for k in EDITIONS}


@cache
def addresses(edition_key: str) -> tuple[str, ...]:
    """The order of ``cell_values`` and ``cell_status``: the edition's addresses."""
    return tuple(edition(edition_key if edition_key in EDITIONS else "2021").addresses)


@cache
def _kinds(edition_key: str) -> tuple[str, ...]:
    ed = edition(edition_key if edition_key in EDITIONS else "2021")
    return tuple(ed.column(a).kind for a in addresses(edition_key))


@cache
def _plan(edition_key: str) -> tuple[tuple[int, ...] | None, ...]:
    """Per figure, the positions of its cells in ``addresses``; None when the edition lacks one."""
    index = {a: i for i, a in enumerate(addresses(edition_key))}
    spec = FIGURE_ADDRESSES.get(edition_key) or FIGURE_ADDRESSES["2021"]
    out: list[tuple[int, ...] | None] = []
    for f in FIGURES:
        cells = spec[f]
        out.append(tuple(index[a] for a in cells) if all(a in index for a in cells) else None)
    return tuple(out)


# --- one report ----------------------------------------------------------------------------


def figures_row(
    report_id: int,
    year: int,
    edition_key: str,
    cells: Mapping[str, tuple[str | None, str]],
    fixes: Mapping[str, str | None] | None = None,
    *,
    correction_count: int = 0,
    last_correction_id: int | None = None,
) -> dict[str, Any]:
    """The ``report_figures`` row of one report.

    ``cells``: address → (value text, status) as stored; ``fixes``: address → the value text of
    the correction in force (``None``: corrected to unknown). A corrected cell is ``read``.
    """
    fixes = fixes or {}
    values: list[str] = []
    codes: list[str] = []
    for a in addresses(edition_key):
        value, status = cells.get(a, (None, "missing"))
        corrected = a in fixes
        if corrected:
            value = fixes[a]
            status = "read" if value is not None else "missing"
        known = value is not None and status in KNOWN_STATUSES
        values.append(value if known and value is not None else "")
        code = STATUS_CODES.get(status, "m")
        codes.append(code.upper() if corrected else code)
    figures = compute_figures(edition_key, values)
    return {
        "report_id": report_id,
        "year": year,
        "edition": edition_key,
        **dict(zip(FIGURES, figures, strict=True)),
        "cell_values": SEPARATOR.join(values),
        "cell_status": "".join(codes),
        "correction_count": correction_count,
        "last_correction_id": last_correction_id,
    }


def compute_figures(edition_key: str, values: Sequence[str]) -> Figures:
    """The figures from the packed values (text, ``""`` when unknown) of one report."""
    out: list[int | None] = []
    for positions in _plan(edition_key):
        if positions is None:
            out.append(None)
            continue
        total: int | None = 0
        for i in positions:
            v = values[i]
            if v == "":
                total = None
                break
            total += int(v)  # type: ignore[operator]  # figure cells are counts
        out.append(total)
    return tuple(out)


_FIX_COLUMNS = (
    s.corrections.c.id,
    s.corrections.c.report_id,
    s.corrections.c.address,
    s.corrections.c.new_value,
)


def _fixes(
    conn: sa.Connection, report_ids: Sequence[int]
) -> dict[int, tuple[dict[str, str | None], int, int]]:
    """report id → (address → value in force, number of corrections, last correction id)."""
    out: dict[int, tuple[dict[str, str | None], int, int]] = {}
    c = s.corrections.c
    for chunk in _chunks(list(report_ids)):
        q = sa.select(*_FIX_COLUMNS).where(c.report_id.in_(chunk)).order_by(c.id)
        for cid, rid, address, new in conn.execute(q):
            fixes, n, _ = out.get(rid, ({}, 0, 0))
            fixes[address] = new
            out[rid] = (fixes, n + 1, cid)
    return out


def _compute(conn: sa.Connection, heads: Sequence[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """Rows for reports given as (id, year, edition), from their cells and corrections."""
    ids = [h[0] for h in heads]
    cells: dict[int, dict[str, tuple[str | None, str]]] = {i: {} for i in ids}
    c = s.cells.c
    for chunk in _chunks(ids):
        q = sa.select(c.report_id, c.address, c.value, c.status).where(c.report_id.in_(chunk))
        for rid, address, value, status in conn.execute(q):
            cells[rid][address] = (value, status)
    fixes = _fixes(conn, ids)
    rows = []
    for rid, year, ed in heads:
        fx, n, last = fixes.get(rid, ({}, 0, None))
        rows.append(figures_row(rid, year, ed, cells[rid], fx, correction_count=n, last_correction_id=last))
    return rows


def refresh_figures(conn: sa.Connection, report_id: int) -> None:
    """Recompute one report's figures from its cells and the corrections in force (inside the
    caller's transaction): call it after recording a correction."""
    r = s.reports.c
    head = conn.execute(sa.select(r.id, r.year, r.edition).where(r.id == report_id)).first()
    conn.execute(sa.delete(s.report_figures).where(s.report_figures.c.report_id == report_id))
    if head is None:
        return
    conn.execute(sa.insert(s.report_figures), _compute(conn, [(head[0], head[1], head[2])]))


def insert_figures(conn: sa.Connection, row: dict[str, Any]) -> None:
    """Write the row of a report being ingested (see :func:`figures_row`)."""
    conn.execute(_INSERT, row)


_INSERT = sa.insert(s.report_figures)


def rebuild_figures(conn: sa.Connection, batch: int = 500) -> int:
    """Recompute every report's row (inside the caller's transaction); returns their number."""
    r = s.reports.c
    conn.execute(sa.delete(s.report_figures))
    heads = [tuple(h) for h in conn.execute(sa.select(r.id, r.year, r.edition).order_by(r.id))]
    for i in range(0, len(heads), batch):
        rows = _compute(conn, heads[i : i + batch])  # type: ignore[arg-type]
        if rows:
            conn.execute(_INSERT, rows)
    return len(heads)


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# --- reading for analyses ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredFindingRow:
    """A stored finding, as analyses read it (no validation, no model)."""

    rule: str
    severity: str
    cells: tuple[str, ...]
    message: str


@dataclass(slots=True)
class FigureRow:
    """One stored report as analyses read it: context, figures, and (on request) every cell.

    It has the attributes of :class:`~gongkai.store.records.ReportRecord` that statistics,
    charts and exports use, without rebuilding the report.
    """

    report_id: int
    agency_id: int
    agency: str
    region: str | None
    region_path: tuple[str, ...]
    year: int
    edition: str
    version: int
    figures: Figures
    errors: int = 0
    warnings: int = 0
    cell_values: str | None = None
    cell_status: str | None = None
    findings: list[StoredFindingRow] = field(default_factory=list)

    @property
    def corrected(self) -> frozenset[str]:
        """Addresses whose value a correction set."""
        if not self.cell_status:
            return frozenset()
        ads = addresses(self.edition)
        return frozenset(ads[i] for i, ch in enumerate(self.cell_status) if ch.isupper())

    def values(self) -> list[int | Decimal | None]:
        """Every cell's value in the order of :func:`addresses`: int, Decimal (amounts) or None."""
        if self.cell_values is None:
            raise ValueError("cell values were not loaded (load_figures(..., cells=True))")
        out: list[int | Decimal | None] = []
        for v, kind in zip(self.cell_values.split(SEPARATOR), _kinds(self.edition), strict=True):
            if v == "":
                out.append(None)
            elif kind == "amount" or "." in v:
                out.append(Decimal(v))
            else:
                out.append(int(v))
        return out

    def statuses(self) -> list[str]:
        return [CODE_STATUS[ch] for ch in self.cell_status or ""]

    @property
    def has_errors(self) -> bool:
        return self.errors > 0


_FIGURE_COLUMNS = tuple(getattr(s.report_figures.c, f) for f in FIGURES)


def load_figures(
    db: Any,
    *,
    region: str | None = None,
    year: int | Iterable[int] | None = None,
    agency: str | int | None = None,
    current_only: bool = True,
    cells: bool = False,
    findings: bool = False,
) -> list[FigureRow]:
    """Stored reports as :class:`FigureRow`, by agency name then year then version.

    The filters are those of :func:`gongkai.store.query.load_reports`. ``cells``: also every
    cell's value and status (exports); ``findings``: also the stored findings (the XLSX 问题
    sheet, JSON). A row that is missing or reflects other corrections than those recorded is
    recomputed from the cells (never a stale number).
    """
    from gongkai.store.agencies import Directory
    from gongkai.store.db import using
    from gongkai.store.query import _region_ids

    r, a, f = s.reports.c, s.agencies.c, s.report_figures.c
    with using(db) as store, store.engine.connect() as conn:
        d = Directory.load(conn)
        cols = [r.id, r.agency_id, r.year, r.edition, r.version, a.name, a.region_id, *_FIGURE_COLUMNS]
        cols += [f.correction_count, f.last_correction_id, f.report_id.label("has_row")]
        if cells:
            cols += [f.cell_values, f.cell_status]
        q = (
            sa.select(*cols)
            .select_from(s.reports)
            .join(s.agencies, a.id == r.agency_id)
            .outerjoin(s.report_figures, f.report_id == r.id)
        )
        where = []
        if current_only:
            where.append(r.is_current)
        if year is not None:
            years = [year] if isinstance(year, int) else list(year)
            where.append(r.year.in_(years))
        if agency is not None:
            aid = d.agency_id_of(str(agency))
            if aid is None:
                return []
            where.append(r.agency_id == aid)
        if region is not None:
            ids = _region_ids(d, region)
            if not ids:
                return []
            where.append(a.region_id.in_(sorted(ids)))
        if where:
            q = q.where(*where)
        rows = conn.execute(q.order_by(a.name, r.year, r.version)).all()
        report_ids = [row[0] for row in rows]
        counts = _severity_counts(conn, where)
        seen = _correction_state(conn, where)
        stale = [
            (row[0], row[2], row[3])
            for row in rows
            if row.has_row is None
            or seen.get(row[0], (0, None)) != (row.correction_count, row.last_correction_id)
        ]
        fresh = {x["report_id"]: x for x in _compute(conn, stale)} if stale else {}
        found = _findings(conn, report_ids) if findings else {}
    nf = len(FIGURES)
    out: list[FigureRow] = []
    paths: dict[int | None, tuple[str, ...]] = {}
    for row in rows:
        rid = row[0]
        region_id = row[6]
        if region_id not in paths:
            paths[region_id] = d.region_path(region_id)
        path = paths[region_id]
        if rid in fresh:
            x = fresh[rid]
            figs: Figures = tuple(x[k] for k in FIGURES)
            values, status = x["cell_values"], x["cell_status"]
        else:
            figs = tuple(row[7 : 7 + nf])
            values, status = (row.cell_values, row.cell_status) if cells else (None, None)
        errors, warnings = counts.get(rid, (0, 0))
        out.append(
            FigureRow(
                report_id=rid,
                agency_id=row[1],
                agency=row[5],
                region="".join(path) or None,
                region_path=path,
                year=row[2],
                edition=row[3],
                version=row[4],
                figures=figs,
                errors=errors,
                warnings=warnings,
                cell_values=values if cells else None,
                cell_status=status if cells else None,
                findings=found.get(rid, []),
            )
        )
    return out


def _severity_counts(conn: sa.Connection, where: list[Any]) -> dict[int, tuple[int, int]]:
    """report id → (errors, warnings) over the reports ``where`` selects."""
    r, fd = s.reports.c, s.findings.c
    q = (
        sa.select(fd.report_id, fd.severity, sa.func.count())
        .select_from(s.findings)
        .join(s.reports, r.id == fd.report_id)
        .where(fd.severity.in_(("error", "warning")))
    )
    if any(_uses_agencies(w) for w in where):
        q = q.join(s.agencies, s.agencies.c.id == r.agency_id)
    if where:
        q = q.where(*where)
    out: dict[int, list[int]] = {}
    for rid, severity, n in conn.execute(q.group_by(fd.report_id, fd.severity)):
        out.setdefault(rid, [0, 0])[0 if severity == "error" else 1] = n
    return {k: (v[0], v[1]) for k, v in out.items()}


def _correction_state(conn: sa.Connection, where: list[Any]) -> dict[int, tuple[int, int | None]]:
    """report id → (number of corrections, last correction id)."""
    r, k = s.reports.c, s.corrections.c
    q = (
        sa.select(k.report_id, sa.func.count(), sa.func.max(k.id))
        .select_from(s.corrections)
        .join(s.reports, r.id == k.report_id)
    )
    if any(_uses_agencies(w) for w in where):
        q = q.join(s.agencies, s.agencies.c.id == r.agency_id)
    if where:
        q = q.where(*where)
    return {rid: (n, last) for rid, n, last in conn.execute(q.group_by(k.report_id))}


def _uses_agencies(clause: Any) -> bool:
    return any(getattr(c, "table", None) is s.agencies for c in sa.sql.visitors.iterate(clause))


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _findings(conn: sa.Connection, report_ids: list[int]) -> dict[int, list[StoredFindingRow]]:
    fd = s.findings.c
    out: dict[int, list[tuple[int, StoredFindingRow]]] = {}
    for chunk in _chunks(report_ids):
        q = (
            sa.select(fd.report_id, fd.rule, fd.severity, fd.cells, fd.message)
            .where(fd.report_id.in_(chunk))
            .order_by(fd.id)
        )
        for rid, rule, severity, cells, message in conn.execute(q):
            row = StoredFindingRow(rule, severity, tuple(cells or ()), message)
            out.setdefault(rid, []).append((_SEVERITY_ORDER.get(severity, 3), row))
    return {rid: [x for _, x in sorted(v, key=lambda t: t[0])] for rid, v in out.items()}


# --- views for SQL tools (Datasette, DuckDB) -----------------------------------------------

_REGION_PATH = (
    "CASE WHEN g4.name IS NOT NULL THEN g4.name || '/' ELSE '' END"
    " || CASE WHEN g3.name IS NOT NULL THEN g3.name || '/' ELSE '' END"
    " || CASE WHEN g2.name IS NOT NULL THEN g2.name || '/' ELSE '' END"
    " || g1.name"
)

VIEWS: dict[str, str] = {
    "v_reports": f"""
SELECT r.id AS report_id, a.id AS agency_id, a.name AS agency, g1.name AS region,
       {_REGION_PATH} AS region_path, r.year AS year, r.edition AS edition, r.version AS version,
       r.source_name AS source_name, r.source_format AS source_format,
       (SELECT count(*) FROM findings fd WHERE fd.report_id = r.id AND fd.severity = 'error') AS errors,
       (SELECT count(*) FROM findings fd WHERE fd.report_id = r.id AND fd.severity = 'warning') AS warnings,
       f.correction_count AS corrections,
       {", ".join(f"f.{x} AS {x}" for x in FIGURES)}
FROM reports r
JOIN agencies a ON a.id = r.agency_id
LEFT JOIN report_figures f ON f.report_id = r.id
LEFT JOIN regions g1 ON g1.id = a.region_id
LEFT JOIN regions g2 ON g2.id = g1.parent_id
LEFT JOIN regions g3 ON g3.id = g2.parent_id
LEFT JOIN regions g4 ON g4.id = g3.parent_id
WHERE r.is_current
""",
    "v_cells": """
SELECT c.report_id AS report_id, a.name AS agency, r.year AS year, r.edition AS edition,
       c.table_key AS table_key, c.row_key AS row_key, c.column_key AS column_key, c.address AS address,
       CASE WHEN k.id IS NOT NULL THEN k.new_value
            WHEN c.status IN ('read', 'inferred') THEN c.value END AS value,
       CASE WHEN k.id IS NULL THEN c.status
            WHEN k.new_value IS NULL THEN 'missing' ELSE 'read' END AS status,
       CASE WHEN k.id IS NULL THEN 0 ELSE 1 END AS corrected,
       c.value AS parsed_value, c.status AS parsed_status, c.raw AS raw
FROM cells c
JOIN reports r ON r.id = c.report_id
JOIN agencies a ON a.id = r.agency_id
LEFT JOIN corrections k ON k.id = (
    SELECT max(k2.id) FROM corrections k2 WHERE k2.report_id = c.report_id AND k2.address = c.address
)
WHERE r.is_current
""",
}


def drop_views(conn: sa.Connection) -> None:
    """Drop the views (before a migration changes the tables under them)."""
    for name in VIEWS:
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")


def create_views(conn: sa.Connection) -> None:
    """(Re)create the views, on a schema that has the tables they read."""
    drop_views(conn)
    for name, sql in VIEWS.items():
        conn.exec_driver_sql(f"CREATE VIEW {name} AS {sql.strip()}")


def rebuild(db: Any) -> int:
    """``gongkai figures rebuild``: every row recomputed and the views recreated, in one
    transaction. Returns the number of reports."""
    from gongkai.store.db import using

    with using(db) as store, store.engine.begin() as conn:
        n = rebuild_figures(conn)
        create_views(conn)
    return n


__all__ = [
    "FIGURES",
    "FIGURE_ADDRESSES",
    "FigureRow",
    "StoredFindingRow",
    "compute_figures",
    "create_views",
    "drop_views",
    "figure_addresses",
    "figures_row",
    "insert_figures",
    "load_figures",
    "rebuild",
    "rebuild_figures",
    "refresh_figures",
]
