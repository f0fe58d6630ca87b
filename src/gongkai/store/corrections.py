"""Corrections: a person's value for one cell, kept beside the parsed value (never over it).

After a correction the report's within-report checks run again on the corrected values, and
the cross-year checks of its year and of the year after.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from gongkai.check import check_report
from gongkai.model.keys import edition
from gongkai.store import crossyear
from gongkai.store import schema as s
from gongkai.store.agencies import now
from gongkai.store.db import Database, StoreError, run_writing, using
from gongkai.store.figures import refresh_figures
from gongkai.store.query import build_report, find_report
from gongkai.store.values import KNOWN, latest_corrections, parse_value, to_text


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

    def work(conn: sa.Connection) -> CorrectionResult:
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

    with using(db) as store:  # run again when a concurrent writer (an ingest) won a race
        return run_writing(store.engine, work)


# --- carrying corrections to a new version of a report ---------------------------------------


@dataclass
class Followup:
    """What became of one correction when a new version of its report was ingested."""

    correction_id: int
    address: str
    outcome: str  # carried / printed / review (see schema.CorrectionFollowup)
    corrected: str | None  # the value the correction set
    was_printed: str | None  # what the corrected version printed
    now_printed: str | None  # what the new version prints

    def describe(self) -> str:
        """One Chinese sentence for the ingest summary and ``show``."""
        shown = self.now_printed if self.now_printed is not None else "（空）"
        before = self.was_printed if self.was_printed is not None else "（空）"
        if self.outcome == "carried":
            return f"{self.address}：新版本仍印为 {shown}，沿用更正值 {self.corrected}（更正 #{self.correction_id}）"
        if self.outcome == "printed":
            return f"{self.address}：新版本已印为更正值 {self.corrected}，不再需要更正 #{self.correction_id}"
        return (
            f"{self.address}：更正 #{self.correction_id} 针对的是原印 {before}、改为 {self.corrected}，"
            f"而新版本印为 {shown}，请人工核对后重新更正"
        )


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    try:
        return Decimal(a) == Decimal(b)
    except ArithmeticError:
        return a == b


def carry_forward(
    conn: sa.Connection, previous_id: int, report_id: int, printed: dict[str, str | None]
) -> list[Followup]:
    """Carry the corrections in force on ``previous_id`` (the version just superseded) to the
    new version ``report_id``, whose known cell values are ``printed`` (address → value text,
    None when not known). A correction is carried (a new correction row, ``carried_from_id``
    set, same value, person and reason) when the new version prints what the corrected one
    printed; it is noted as no longer needed when the new version prints the corrected value;
    otherwise it is flagged for review. Every correction gets a ``correction_followups`` row:
    none is dropped silently. The caller rechecks the report when one was carried."""
    fixes = latest_corrections(conn, [previous_id]).get(previous_id, {})
    if not fixes:
        return []
    c = s.cells.c
    before = {
        row.address: row.value if row.status in KNOWN else None
        for row in conn.execute(
            sa.select(c.address, c.value, c.status).where(
                c.report_id == previous_id, c.address.in_(sorted(fixes))
            )
        )
    }
    out: list[Followup] = []
    when = now()
    for address, fix in sorted(fixes.items()):
        was, new = before.get(address), printed.get(address)
        if address in printed and _same(was, new):
            outcome = "carried"
            conn.execute(
                sa.insert(s.corrections).values(
                    report_id=report_id,
                    address=address,
                    old_value=new,
                    new_value=fix.new_value,
                    who=fix.who,
                    corrected_at=fix.corrected_at,
                    why=fix.why,
                    carried_from_id=fix.id,
                )
            )
        elif address in printed and _same(new, fix.new_value):
            outcome = "printed"
        else:
            outcome = "review"
        conn.execute(
            sa.insert(s.correction_followups).values(
                correction_id=fix.id,
                report_id=report_id,
                address=address,
                printed_value=new,
                outcome=outcome,
                created_at=when,
            )
        )
        out.append(Followup(fix.id, address, outcome, fix.new_value, was, new))
    return out


def followups(
    db: Database | str | Path | None, *, report_id: int | None = None, open_only: bool = False
) -> list[Followup]:
    """Follow-ups recorded for new versions (of one report, or all); ``open_only``: those that
    wait for a person (``review``) and whose report has no later correction of that cell."""
    f, c = s.correction_followups.c, s.corrections.c
    with using(db) as store, store.engine.connect() as conn:
        q = (
            sa.select(
                f.correction_id, f.address, f.outcome, f.printed_value, f.report_id, c.new_value, c.old_value
            )
            .join(s.corrections, c.id == f.correction_id)
            .order_by(f.report_id, f.address)
        )
        if report_id is not None:
            q = q.where(f.report_id == report_id)
        if open_only:
            q = q.where(f.outcome == "review")
        rows = conn.execute(q).all()
        fixed = {
            (x.report_id, x.address)
            for x in conn.execute(sa.select(c.report_id, c.address).where(c.carried_from_id.is_(None)))
        }
    return [
        Followup(r.correction_id, r.address, r.outcome, r.new_value, r.old_value, r.printed_value)
        for r in rows
        if not (open_only and (r.report_id, r.address) in fixed)
    ]
