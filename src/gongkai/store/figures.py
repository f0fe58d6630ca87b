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

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.model.keys import EDITIONS, edition

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
def _amounts(edition_key: str) -> tuple[bool, ...]:
    return tuple(k == "amount" for k in _kinds(edition_key))


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


def _ids(ids: Iterable[int]) -> str:
    """A SQL list of integers (only integers are ever put into SQL text here)."""
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def _fixes(cur: Any, report_ids: Sequence[int]) -> dict[int, tuple[dict[str, str | None], int, int]]:
    """report id → (address → value in force, number of corrections, last correction id)."""
    out: dict[int, tuple[dict[str, str | None], int, int]] = {}
    for chunk in _chunks(list(report_ids)):
        cur.execute(
            f"SELECT id, report_id, address, new_value FROM corrections WHERE report_id IN ({_ids(chunk)}) ORDER BY id"
        )
        for cid, rid, address, new in cur.fetchall():
            fixes, n, _ = out.get(rid, ({}, 0, 0))
            fixes[address] = new
            out[rid] = (fixes, n + 1, cid)
    return out


def compute_rows(cur: Any, heads: Sequence[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """Rows for reports given as (id, year, edition), from their cells and corrections, read
    with a DB-API cursor (sqlite3 or psycopg)."""
    ids = [h[0] for h in heads]
    cells: dict[int, dict[str, tuple[str | None, str]]] = {i: {} for i in ids}
    for chunk in _chunks(ids):
        cur.execute(f"SELECT report_id, address, value, status FROM cells WHERE report_id IN ({_ids(chunk)})")
        for rid, address, value, status in cur.fetchall():
            cells[rid][address] = (value, status)
    fixes = _fixes(cur, ids)
    rows = []
    for rid, year, ed in heads:
        fx, n, last = fixes.get(rid, ({}, 0, None))
        rows.append(figures_row(rid, year, ed, cells[rid], fx, correction_count=n, last_correction_id=last))
    return rows


def _cursor(conn: Any) -> Any:
    """A DB-API cursor inside a SQLAlchemy connection's transaction."""
    return conn.connection.cursor()


def refresh_figures(conn: Any, report_id: int) -> None:
    """Recompute one report's figures from its cells and the corrections in force, inside the
    caller's transaction (a SQLAlchemy connection): call it after recording a correction."""
    from gongkai.store import schema as s

    rid = int(report_id)
    cur = _cursor(conn)
    cur.execute(f"SELECT id, year, edition FROM reports WHERE id = {rid}")
    head = cur.fetchone()
    cur.execute(f"DELETE FROM report_figures WHERE report_id = {rid}")
    if head is not None:
        conn.execute(s.report_figures.insert(), compute_rows(cur, [(head[0], head[1], head[2])]))


def insert_figures(conn: Any, row: dict[str, Any]) -> None:
    """Write the row of a report being ingested (see :func:`figures_row`)."""
    from gongkai.store import schema as s

    conn.execute(s.report_figures.insert(), row)


def rebuild_figures(conn: Any, batch: int = 500) -> int:
    """Recompute every report's row inside the caller's transaction (a SQLAlchemy connection);
    returns their number."""
    from gongkai.store import schema as s

    cur = _cursor(conn)
    cur.execute("DELETE FROM report_figures")
    cur.execute("SELECT id, year, edition FROM reports ORDER BY id")
    heads = [tuple(h) for h in cur.fetchall()]
    insert = s.report_figures.insert()
    for i in range(0, len(heads), batch):
        rows = compute_rows(cur, heads[i : i + batch])  # type: ignore[arg-type]
        if rows:
            conn.execute(insert, rows)
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
        if not self.cell_status or self.cell_status.islower():  # no upper-case letter: none corrected
            return frozenset()
        ads = addresses(self.edition)
        return frozenset(ads[i] for i, ch in enumerate(self.cell_status) if ch.isupper())

    def values(self) -> list[int | Decimal | None]:
        """Every cell's value in the order of :func:`addresses`: int, Decimal (amounts) or None."""
        if self.cell_values is None:
            raise ValueError("cell values were not loaded (load_figures(..., cells=True))")
        parts = self.cell_values.split(SEPARATOR)
        amounts = _amounts(self.edition)
        if len(parts) != len(amounts):
            raise ValueError(f"report {self.report_id}: {len(parts)} stored values for {len(amounts)} cells")
        return [
            None if v == "" else (Decimal(v) if a else int(v)) for v, a in zip(parts, amounts, strict=True)
        ]

    def statuses(self) -> list[str]:
        return [CODE_STATUS[ch] for ch in self.cell_status or ""]

    @property
    def has_errors(self) -> bool:
        return self.errors > 0


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

    ``db``: a path or URL (read with the database's own driver, without SQLAlchemy, when the
    schema is current) or an open :class:`~gongkai.store.db.Database`. The filters are those
    of :func:`gongkai.store.query.load_reports` (``region`` and ``agency`` are resolved by the
    store's directory of agencies). ``cells``: also every cell's value and status (exports);
    ``findings``: also the stored findings (XLSX 问题 sheet, JSON). A row that is missing or
    reflects other corrections than those recorded is recomputed from the cells: never a
    stale number.
    """
    agency_ids, region_ids = _resolve_filters(db, region, agency)
    if agency_ids == [] or region_ids == []:
        return []
    with _reader(db) as (cur, _dialect):
        return _load(cur, year, agency_ids, region_ids, current_only, cells, findings)


def _resolve_filters(
    db: Any, region: str | None, agency: str | int | None
) -> tuple[list[int] | None, list[int] | None]:
    """The agency ids and region ids the filters name (None: no such filter; []: none match)."""
    if region is None and agency is None:
        return None, None
    from gongkai.store.agencies import Directory
    from gongkai.store.db import using
    from gongkai.store.query import _region_ids

    with using(db) as store, store.engine.connect() as conn:
        d = Directory.load(conn)
    agency_ids = region_ids = None
    if agency is not None:
        aid = d.agency_id_of(str(agency))
        agency_ids = [] if aid is None else [aid]
    if region is not None:
        region_ids = sorted(_region_ids(d, region))
    return agency_ids, region_ids


_POSTGRES_PREFIXES = ("postgresql+psycopg://", "postgresql://", "postgres://")


def _target(db: Any) -> tuple[str, str] | None:
    """(dialect, path or libpq URL) for a path or URL this module reads directly; else None."""
    if db is not None and not isinstance(db, str | Path):
        return None
    spec = str(db) if db is not None else "gongkai.db"
    for prefix in _POSTGRES_PREFIXES:
        if spec.startswith(prefix):
            return "postgresql", "postgresql://" + spec[len(prefix) :]
    if spec.startswith("sqlite:///"):
        spec = spec[len("sqlite:///") :]
    elif "://" in spec:
        return None
    path = Path(spec).expanduser()
    return ("sqlite", str(path.resolve())) if path.is_file() else None


@contextmanager
def _reader(db: Any) -> Iterator[tuple[Any, str]]:
    """A DB-API cursor on a store whose schema is current: the driver itself for a path or URL
    (migrating first through :func:`~gongkai.store.db.open_db` when one is due), else the
    open Database's own connection."""
    from gongkai.store.revisions import script_head, stored_revision

    target = _target(db)
    if target is not None:
        dialect, where = target
        conn = _connect(dialect, where)
        if conn is not None:
            try:
                cur = conn.cursor()
                if stored_revision(cur, dialect) == script_head() is not None:
                    yield cur, dialect
                    return
            finally:
                conn.close()
    from gongkai.store.db import using  # SQLAlchemy: migrations, other databases, messages

    with using(db) as store:
        raw = store.engine.raw_connection()
        try:
            yield raw.cursor(), store.dialect
        finally:
            raw.close()


def _connect(dialect: str, where: str) -> Any:
    try:
        if dialect == "sqlite":
            import sqlite3

            conn = sqlite3.connect(where, timeout=30)
            conn.execute("PRAGMA query_only = ON")
            return conn
        import psycopg

        return psycopg.connect(where)
    except Exception:  # let the SQLAlchemy path say what is wrong, in Chinese
        return None


def _where(
    year: int | Iterable[int] | None,
    agency_ids: list[int] | None,
    region_ids: list[int] | None,
    current_only: bool,
) -> str:
    conds = []
    if current_only:
        conds.append("r.is_current")
    if year is not None:
        conds.append(f"r.year IN ({_ids([year] if isinstance(year, int) else year)})")
    if agency_ids is not None:
        conds.append(f"r.agency_id IN ({_ids(agency_ids)})")
    if region_ids is not None:
        conds.append(f"a.region_id IN ({_ids(region_ids)})")
    return " AND ".join(conds) or "1 = 1"


_SELECT = (
    "SELECT r.id, r.agency_id, r.year, r.edition, r.version, a.name, a.region_id, "
    + ", ".join(f"f.{x}" for x in FIGURES)
    + ", f.correction_count, f.last_correction_id, f.report_id"
)
_FROM = "FROM reports r JOIN agencies a ON a.id = r.agency_id"


def _load(
    cur: Any,
    year: int | Iterable[int] | None,
    agency_ids: list[int] | None,
    region_ids: list[int] | None,
    current_only: bool,
    cells: bool,
    findings: bool,
) -> list[FigureRow]:
    where = _where(year, agency_ids, region_ids, current_only)
    extra = ", f.cell_values, f.cell_status" if cells else ""
    cur.execute(
        f"{_SELECT}{extra} {_FROM} LEFT JOIN report_figures f ON f.report_id = r.id "
        f"WHERE {where} ORDER BY a.name, r.year, r.version"
    )
    rows = cur.fetchall()
    counts: dict[int, list[int]] = {}
    cur.execute(
        f"SELECT fd.report_id, fd.severity, count(*) FROM findings fd JOIN reports r ON r.id = fd.report_id "
        f"JOIN agencies a ON a.id = r.agency_id WHERE {where} AND fd.severity IN ('error', 'warning') "
        "GROUP BY fd.report_id, fd.severity"
    )
    for rid, severity, n in cur.fetchall():
        counts.setdefault(rid, [0, 0])[0 if severity == "error" else 1] = int(n)
    cur.execute(
        f"SELECT k.report_id, count(*), max(k.id) FROM corrections k JOIN reports r ON r.id = k.report_id "
        f"JOIN agencies a ON a.id = r.agency_id WHERE {where} GROUP BY k.report_id"
    )
    seen = {rid: (int(n), last) for rid, n, last in cur.fetchall()}
    nf = len(FIGURES)
    state = 7 + nf  # correction_count, last_correction_id, report_id of the figures row
    stale = [
        (row[0], row[2], row[3])
        for row in rows
        if row[state + 2] is None or seen.get(row[0], (0, None)) != (row[state], row[state + 1])
    ]
    fresh = {x["report_id"]: x for x in compute_rows(cur, stale)} if stale else {}
    found = _findings(cur, [row[0] for row in rows]) if findings else {}
    paths = _region_paths(cur)
    out: list[FigureRow] = []
    for row in rows:
        rid = row[0]
        path = paths.get(row[6], ())
        if rid in fresh:
            x = fresh[rid]
            figs: Figures = tuple(x[k] for k in FIGURES)
            values, status = x["cell_values"], x["cell_status"]
        else:
            figs = tuple(row[7 : 7 + nf])  # integers from either driver (BIGINT)
            values, status = (row[state + 3], row[state + 4]) if cells else (None, None)
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


def _region_paths(cur: Any) -> dict[int | None, tuple[str, ...]]:
    """region id → its names from the top (as ``Directory.region_path``)."""
    cur.execute("SELECT id, name, parent_id FROM regions")
    regions = {rid: (name, parent) for rid, name, parent in cur.fetchall()}
    out: dict[int | None, tuple[str, ...]] = {None: ()}
    for start in regions:
        path: list[str] = []
        seen: set[int] = set()
        rid: int | None = start
        while rid is not None and rid in regions and rid not in seen:
            seen.add(rid)
            name, rid = regions[rid]
            path.append(name)
        out[start] = tuple(reversed(path))
    return out


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _findings(cur: Any, report_ids: list[int]) -> dict[int, list[StoredFindingRow]]:
    out: dict[int, list[tuple[int, StoredFindingRow]]] = {}
    for chunk in _chunks(report_ids):
        cur.execute(
            f"SELECT report_id, rule, severity, cells, message FROM findings "
            f"WHERE report_id IN ({_ids(chunk)}) ORDER BY id"
        )
        for rid, rule, severity, cells, message in cur.fetchall():
            if isinstance(cells, str):
                cells = json.loads(cells)
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


def drop_views(conn: Any) -> None:
    """Drop the views (before a migration changes the tables under them)."""
    for name in VIEWS:
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")


def create_views(conn: Any) -> None:
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
