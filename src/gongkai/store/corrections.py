"""Corrections: a person's value for one cell, kept beside the parsed value (never over it).

After a correction the report's within-report checks run again on the corrected values, and
the cross-year checks of its year and of the year after.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from gongkai.check import check_report
from gongkai.model.keys import edition
from gongkai.store import crossyear
from gongkai.store import schema as s
from gongkai.store.agencies import now
from gongkai.store.db import Database, StoreError, using
from gongkai.store.figures import refresh_figures
from gongkai.store.query import build_report, find_report
from gongkai.store.values import latest_corrections, parse_value, to_text


@dataclass
class CorrectionResult:
    correction_id: int
    report_id: int
    address: str
    old_value: str | None
    new_value: str
    findings: dict[str, int]  # severity → count on the report after the correction


def default_who() -> str:
    for var in ("GONGKAI_USER", "USER", "USERNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except Exception:
        return "未知"


def recheck(conn: sa.Connection, report_id: int) -> None:
    """Recompute a report's within-report findings on its values with corrections applied, and
    the cross-year findings its values take part in."""
    r, c = s.reports.c, s.cells.c
    row = conn.execute(sa.select(r.parsed, r.edition, r.agency_id, r.year).where(r.id == report_id)).one()
    cells = conn.execute(
        sa.select(c.address, c.value, c.status, c.raw, c.at, c.candidates).where(c.report_id == report_id)
    ).all()
    fixes = latest_corrections(conn, [report_id]).get(report_id, {})
    report, _ = build_report(row.parsed, row.edition, cells, fixes)
    found = check_report(report)  # keeps the reader's own findings from the parsed JSON
    f = s.findings.c
    conn.execute(sa.delete(s.findings).where(f.report_id == report_id, f.origin == "check"))
    if found:
        conn.execute(
            sa.insert(s.findings),
            [
                {
                    "report_id": report_id,
                    "rule": x.rule,
                    "severity": x.severity.value,
                    "cells": x.cells,
                    "message": x.message,
                    "at": x.at.model_dump() if x.at is not None else None,
                    "origin": "check",
                    "other_report_id": None,
                }
                for x in found
            ],
        )
    crossyear.refresh(conn, row.agency_id, (row.year, row.year + 1))


def correct(
    db: Database | str | Path | None,
    report: str | int,
    address: str,
    value: str,
    *,
    reason: str,
    by: str | None = None,
) -> CorrectionResult:
    """Record a correction of one cell and check again. ``report``: an id or ``机关:年度``."""
    if not reason or not reason.strip():
        raise StoreError("请用 --reason 写明更正的理由。")
    address = address.strip()
    with using(db) as store, store.engine.begin() as conn:
        rid = find_report(conn, str(report))
        r = s.reports.c
        ed = conn.execute(sa.select(r.edition).where(r.id == rid)).scalar_one()
        if address not in edition(ed).addresses:
            raise StoreError(
                f"「{address}」不是{ed}年版报告的单元格地址；地址的写法为 表.行.列，"
                "如 requests.carried_over.total（见 shared/spec/keys.md，或用 gongkai show 查看）。"
            )
        try:
            number = parse_value(value, ed, address)
        except ValueError as e:
            raise StoreError(f"无法把「{address}」更正为「{value}」：{e}") from None
        new = to_text(number)
        assert new is not None
        fixes = latest_corrections(conn, [rid]).get(rid, {})
        if address in fixes:
            old = fixes[address].new_value
        else:
            c = s.cells.c
            cell = conn.execute(
                sa.select(c.value, c.status).where(c.report_id == rid, c.address == address)
            ).first()
            old = cell.value if cell is not None and cell.status in ("read", "inferred") else None
        if old is not None and old == new:
            raise StoreError(f"「{address}」现在的值已经是 {new}，无需更正。")
        cid = conn.execute(
            sa.insert(s.corrections)
            .values(
                report_id=rid,
                address=address,
                old_value=old,
                new_value=new,
                who=(by or default_who()).strip() or default_who(),
                corrected_at=now(),
                why=reason.strip(),
            )
            .returning(s.corrections.c.id)
        ).scalar_one()
        recheck(conn, rid)
        refresh_figures(conn, rid)  # what stats, charts and exports read (gongkai.store.figures)
        f = s.findings.c
        counts = {"error": 0, "warning": 0, "info": 0}
        for sev, n in conn.execute(
            sa.select(f.severity, sa.func.count()).where(f.report_id == rid).group_by(f.severity)
        ):
            counts[sev] = n
    return CorrectionResult(cid, rid, address, old, new, counts)
