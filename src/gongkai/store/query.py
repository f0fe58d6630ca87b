"""Reading the store: reports as :class:`ReportRecord` for analyses, one report for ``show``.

``load_reports`` is what analyses and exports build on: every cell with the corrections in
force applied (``corrected`` lists them), and the stored findings (within the report and
across years).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from gongkai.model.keys import edition
from gongkai.model.report import Cell, Finding, PdfAt, Report, Status, TableAt, TextAt, trusted
from gongkai.store import schema as s
from gongkai.store.agencies import Directory
from gongkai.store.db import Database, StoreError, using
from gongkai.store.records import ReportRecord
from gongkai.store.values import from_text, latest_corrections

_JSON_ORDER = ("schema", "source", "meta", "sections", "tables", "findings")


@cache
def _kinds(edition_key: str) -> dict[str, str]:
    ed = edition(edition_key)
    return {a: ed.column(a).kind for a in ed.addresses}


def _json_value(text: str | None, kind: str) -> Any:
    """A stored value as the parse JSON writes it: an integer, or a decimal string for amounts."""
    if text is None:
        return None
    return text if kind == "amount" else int(text)


def _tables(edition_key: str, rows: Iterable[Any]) -> dict[str, Any]:
    """The parse JSON's ``tables`` from cell rows, in the edition's order."""
    by_address = {r.address: r for r in rows}
    kinds = _kinds(edition_key)
    ed = edition(edition_key)
    tables: dict[str, Any] = {}
    for t in ed.tables:
        tables[t.key] = {}
        for r in t.rows:
            tables[t.key][r.key] = {}
            for c in r.columns:
                a = f"{t.key}.{r.key}.{c.key}"
                row = by_address.get(a)
                if row is None:
                    cell: dict[str, Any] = {"value": None, "status": "missing", "raw": "", "at": None}
                else:
                    cell = {
                        "value": _json_value(row.value, kinds[a]),
                        "status": row.status,
                        "raw": row.raw,
                        "at": json.loads(row.at) if row.at is not None else None,
                    }
                    if row.candidates is not None:
                        cell["candidates"] = json.loads(row.candidates)
                tables[t.key][r.key][c.key] = cell
    return tables


def _cell_rows(conn: sa.Connection, report_ids: list[int]) -> dict[int, list[Any]]:
    c = s.cells.c
    out: dict[int, list[Any]] = {i: [] for i in report_ids}
    for i in range(0, len(report_ids), 200):
        chunk = report_ids[i : i + 200]
        q = sa.select(c.report_id, c.address, c.value, c.status, c.raw, c.at, c.candidates).where(
            c.report_id.in_(chunk)
        )
        for row in conn.execute(q):
            out[row.report_id].append(row)
    return out


def parsed_json(db: Database | str | Path | None, report_id: int) -> dict[str, Any]:
    """The JSON ``gongkai parse --json`` printed for the stored file (no corrections)."""
    with using(db) as store, store.engine.connect() as conn:
        row = conn.execute(
            sa.select(s.reports.c.parsed, s.reports.c.edition).where(s.reports.c.id == report_id)
        ).first()
        if row is None:
            raise StoreError(f"没有编号为 {report_id} 的报告。")
        cells = _cell_rows(conn, [report_id])[report_id]
    doc = dict(row.parsed)
    doc["tables"] = _tables(row.edition, cells)
    return {k: doc[k] for k in _JSON_ORDER if k in doc} | {
        k: v for k, v in doc.items() if k not in _JSON_ORDER
    }


def original_bytes(db: Database | str | Path | None, report_id: int) -> bytes:
    with using(db) as store, store.engine.connect() as conn:
        data = conn.execute(
            sa.select(s.originals.c.data).where(s.originals.c.report_id == report_id)
        ).scalar()
    if data is None:
        raise StoreError(f"没有编号为 {report_id} 的报告。")
    return bytes(data)


def _finding(row: Any) -> Finding:
    data: dict[str, Any] = {
        "rule": row.rule,
        "severity": row.severity,
        "cells": list(row.cells or []),
        "message": row.message,
    }
    if row.at:
        data["at"] = row.at
    return Finding.model_validate(data)


_SEV = {"error": 0, "warning": 1, "info": 2}


def _findings(conn: sa.Connection, report_ids: list[int]) -> dict[int, list[Any]]:
    f = s.findings.c
    out: dict[int, list[Any]] = {i: [] for i in report_ids}
    for i in range(0, len(report_ids), 500):
        chunk = report_ids[i : i + 500]
        for row in conn.execute(sa.select(s.findings).where(f.report_id.in_(chunk)).order_by(f.id)):
            out[row.report_id].append(row)
    for rows in out.values():
        rows.sort(key=lambda r: _SEV.get(r.severity, 3))
    return out


def build_report(
    parsed: dict[str, Any], edition_key: str, cell_rows: Iterable[Any], fixes: dict[str, Any]
) -> tuple[Report, frozenset[str]]:
    """A stored report with the corrections in force applied; and the corrected addresses.

    A corrected cell takes the corrected value and the status ``read`` (a person read it)."""
    kinds = _kinds(edition_key)
    tables = _tables(edition_key, cell_rows)
    corrected: set[str] = set()
    for address, fix in fixes.items():
        try:
            t, r, c = address.split(".")
            cell = tables[t][r][c]
        except (KeyError, ValueError):
            continue
        cell["value"] = _json_value(fix.new_value, kinds[address])
        cell["status"] = Status.READ.value if fix.new_value is not None else Status.MISSING.value
        cell.pop("candidates", None)
        corrected.add(address)
    report = Report.model_validate({**parsed, "tables": {}})
    report.tables = {
        t: {r: {c: _cell(cell) for c, cell in cols.items()} for r, cols in rows.items()}
        for t, rows in tables.items()
    }
    return report, frozenset(corrected)


_AT_CLASSES = (TextAt, PdfAt, TableAt)


def _number(v: Any) -> Any:
    return Decimal(v) if isinstance(v, str) else v


def _at(at: dict[str, Any] | None) -> Any:
    if at is None:
        return None
    for cls in _AT_CLASSES:
        if set(at) == set(cls.model_fields):
            if cls is PdfAt:
                return trusted(PdfAt, {"page": at["page"], "bbox": tuple(at["bbox"])})
            return trusted(cls, dict(at))
    return Cell.model_validate({"at": at}).at  # a shape this module does not know: let pydantic decide


def _cell(d: dict[str, Any]) -> Cell:
    """A cell of the parse JSON as a :class:`Cell`, without validation (the store wrote it)."""
    cands = d.get("candidates")
    return trusted(
        Cell,
        {
            "value": _number(d["value"]),
            "status": Status(d["status"]),
            "raw": d["raw"],
            "at": _at(d.get("at")),
            "candidates": [_number(x) for x in cands] if cands is not None else None,
        },
    )


def _region_ids(d: Directory, region: str) -> set[int]:
    """Regions a filter names (a name, a chain of names or a GB/T 2260 code), with everything
    below them: ``gongkai.store.divisions.region_ids``."""
    from gongkai.store.divisions import region_ids

    return region_ids(d, region)


def load_reports(
    db: Database | str | Path | None,
    *,
    region: str | None = None,
    year: int | Iterable[int] | None = None,
    agency: str | int | None = None,
    current_only: bool = True,
) -> list[ReportRecord]:
    """Stored reports, by agency name then year then version.

    ``region``: a region name (``淮安市``, ``江苏省淮安市洪泽区``): reports of agencies in it or
    below it. ``agency``: an id, the canonical name or any spelling known to the aliases.
    ``year``: one year or several. ``current_only``: only the current version of each year.
    """
    r, a = s.reports.c, s.agencies.c
    with using(db) as store, store.engine.connect() as conn:
        d = Directory.load(conn)
        q = sa.select(
            r.id, r.agency_id, r.year, r.edition, r.version, r.parsed, a.name, a.region_id, a.placed
        ).join(s.agencies, a.id == r.agency_id)
        if current_only:
            q = q.where(r.is_current)
        if year is not None:
            years = [year] if isinstance(year, int) else list(year)
            q = q.where(r.year.in_(years))
        if agency is not None:
            aid = d.agency_id_of(str(agency))
            if aid is None:
                return []
            q = q.where(r.agency_id == aid)
        if region is not None:
            ids = _region_ids(d, region)
            if not ids:
                return []
            q = q.where(a.region_id.in_(sorted(ids)))
        rows = conn.execute(q.order_by(a.name, r.year, r.version)).all()
        report_ids = [row.id for row in rows]
        cells = _cell_rows(conn, report_ids)
        fixes = latest_corrections(conn, report_ids)
        found = _findings(conn, report_ids)
    out: list[ReportRecord] = []
    for row in rows:
        report, corrected = build_report(row.parsed, row.edition, cells[row.id], fixes.get(row.id, {}))
        fs = [_finding(f) for f in found[row.id]]
        report.findings = list(fs)
        path = d.region_path(row.region_id)
        out.append(
            ReportRecord(
                report_id=row.id,
                agency_id=row.agency_id,
                agency=row.name,
                region="".join(path) or None,
                region_path=path,
                year=row.year,
                edition=row.edition,
                report=report,
                findings=fs,
                corrected=corrected,
                version=row.version,
                region_codes=d.region_code_path(row.region_id),
                placed=row.placed is not None,
            )
        )
    return out


# --- one report, for show and correct -------------------------------------------------------

_SPEC = re.compile(r"^(?P<agency>.+?)\s*[:：/@#,，\s]?\s*(?P<year>(?:19|20)\d{2})\s*(?:年度?)?$")


def find_report(conn: sa.Connection, spec: str, directory: Directory | None = None) -> int:
    """A report by id (``12``, ``#12``) or by agency and year (``洪泽区人民政府:2023``,
    ``洪泽区人民政府 2023``, ``洪泽区人民政府2023年``): the current version."""
    t = spec.strip()
    r = s.reports.c
    if t.lstrip("#").isdigit():
        rid = int(t.lstrip("#"))
        if conn.execute(sa.select(r.id).where(r.id == rid)).first() is None:
            raise StoreError(f"没有编号为 {rid} 的报告。")
        return rid
    m = _SPEC.match(t)
    if not m:
        raise StoreError(
            f"无法识别报告「{spec}」：请写报告编号（如 12），或机关名称加年度（如 洪泽区人民政府:2023）。"
        )
    d = directory or Directory.load(conn)
    aid = d.agency_id_of(m.group("agency"))
    if aid is None:
        raise StoreError(
            f"数据库中没有机关「{m.group('agency')}」；可用 gongkai agencies list 查看已有机关。"
        )
    year = int(m.group("year"))
    rid = conn.execute(sa.select(r.id).where(r.agency_id == aid, r.year == year, r.is_current)).scalar()  # type: ignore[assignment]
    if rid is None:
        raise StoreError(f"数据库中没有「{d.agency_names[aid]}」{year}年度的报告。")
    return int(rid)


@dataclass
class CellLine:
    address: str
    parsed: str | None  # the value as parsed (text), None when not known
    status: str
    raw: str
    candidates: list[Any] | None
    corrected: str | None = None
    who: str | None = None
    when: datetime | None = None
    why: str | None = None
    history: int = 0  # corrections of this cell, the one in force included

    @property
    def is_corrected(self) -> bool:
        return self.history > 0


@dataclass
class FindingLine:
    finding: Finding
    origin: str
    other_report_id: int | None


@dataclass
class Detail:
    report_id: int
    agency_id: int
    agency: str
    region_path: tuple[str, ...]
    year: int
    edition: str
    version: int
    is_current: bool
    source_name: str
    source_format: str
    sha256: str
    size: int
    title: str | None
    printed_agency: str | None
    ingested_at: datetime
    versions: list[tuple[int, int, bool]]  # id, version, current
    cells: list[CellLine] = field(default_factory=list)
    findings: list[FindingLine] = field(default_factory=list)


def report_detail(db: Database | str | Path | None, spec: str | int) -> Detail:
    r, c, k = s.reports.c, s.cells.c, s.corrections.c
    with using(db) as store, store.engine.connect() as conn:
        d = Directory.load(conn)
        rid = find_report(conn, str(spec), d)
        row = conn.execute(sa.select(s.reports).where(r.id == rid)).one()
        versions = [
            (v.id, v.version, bool(v.is_current))
            for v in conn.execute(
                sa.select(r.id, r.version, r.is_current)
                .where(r.agency_id == row.agency_id, r.year == row.year)
                .order_by(r.version)
            )
        ]
        cell_rows = {x.address: x for x in conn.execute(sa.select(s.cells).where(c.report_id == rid))}
        fixes: dict[str, list[Any]] = {}
        for x in conn.execute(sa.select(s.corrections).where(k.report_id == rid).order_by(k.id)):
            fixes.setdefault(x.address, []).append(x)
        found = _findings(conn, [rid])[rid]
        region_id = conn.execute(
            sa.select(s.agencies.c.region_id).where(s.agencies.c.id == row.agency_id)
        ).scalar()
    detail = Detail(
        report_id=rid,
        agency_id=row.agency_id,
        agency=d.agency_names.get(row.agency_id, ""),
        region_path=d.region_path(region_id),
        year=row.year,
        edition=row.edition,
        version=row.version,
        is_current=bool(row.is_current),
        source_name=row.source_name,
        source_format=row.source_format,
        sha256=row.sha256,
        size=row.size,
        title=row.title,
        printed_agency=row.printed_agency,
        ingested_at=row.ingested_at,
        versions=versions,
    )
    for address in edition(row.edition).addresses:
        x = cell_rows.get(address)  # type: ignore[assignment]
        line = CellLine(
            address,
            x.value if x is not None and x.status in ("read", "inferred") else None,
            x.status if x is not None else "missing",
            x.raw if x is not None else "",
            json.loads(x.candidates) if x is not None and x.candidates else None,
        )
        history = fixes.get(address, [])
        if history:
            last = history[-1]
            line.corrected, line.who, line.when, line.why = (
                last.new_value,
                last.who,
                last.corrected_at,
                last.why,
            )
            line.history = len(history)
        detail.cells.append(line)
    detail.findings = [FindingLine(_finding(f), f.origin, f.other_report_id) for f in found]
    return detail


def value_text(v: Decimal | int | None) -> str | None:
    return None if v is None else (format(v, "f") if isinstance(v, Decimal) else str(v))


__all__ = [
    "Detail",
    "build_report",
    "find_report",
    "from_text",
    "load_reports",
    "original_bytes",
    "parsed_json",
    "report_detail",
]
