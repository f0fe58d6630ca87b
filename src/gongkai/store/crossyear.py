"""Identities 5 and 6 of identities.md: one agency's reports of consecutive years.

5. ``requests.carried_over[c]`` of year N equals ``requests.carried_forward[c]`` of year N-1
   (rule ``requests.carry_over``, error), for every column both reports know.
6. For ``rules`` and ``normative_documents``, when both years use the 2021 edition:
   ``in_force(N) = in_force(N-1) + issued(N) - repealed(N)`` (rule
   ``active_disclosure.in_force_trend``, warning).

The findings belong to the year-N report and name the year-(N-1) report as ``other_report_id``.
:func:`refresh` recomputes them for the years a change touches (an ingest, a new version, a
correction, a merge of agencies), so the result does not depend on the order reports arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from gongkai.check.rules import finding
from gongkai.model.keys import REQUEST_COLUMN_KEYS, edition
from gongkai.model.report import Finding
from gongkai.store import schema as s
from gongkai.store.values import Number, effective_values

CARRY_RULE = "requests.carry_over"
TREND_RULE = "active_disclosure.in_force_trend"
TREND_ROWS = ("rules", "normative_documents")
ADDRESSES: tuple[str, ...] = (
    *(f"requests.carried_over.{c}" for c in REQUEST_COLUMN_KEYS),
    *(f"requests.carried_forward.{c}" for c in REQUEST_COLUMN_KEYS),
    *(f"active_disclosure.{r}.{c}" for r in TREND_ROWS for c in ("issued", "repealed", "in_force")),
)


@dataclass(frozen=True)
class Ref:
    """A report as the messages name it."""

    id: int
    agency: str
    year: int
    edition: str
    source_name: str

    def describe(self) -> str:
        return f"{self.agency}{self.year}年度报告（编号 {self.id}，文件 {self.source_name}）"


def _column_label(column: str) -> str:
    for c in edition("2021").table("requests").row("new_received").columns:
        if c.key == column:
            return c.label
    return column


def _row_label(row: str) -> str:
    return edition("2021").table("active_disclosure").row(row).label


def carry_over(prev: Ref, cur: Ref, pv: dict[str, Number], cv: dict[str, Number]) -> Finding | None:
    """Identity 5 between ``prev`` (year N-1) and ``cur`` (year N), one finding for all columns."""
    wrong: list[tuple[str, Number, Number]] = []
    for c in REQUEST_COLUMN_KEYS:
        a, b = cv.get(f"requests.carried_over.{c}"), pv.get(f"requests.carried_forward.{c}")
        if a is not None and b is not None and a != b:
            wrong.append((c, a, b))
    if not wrong:
        return None
    parts = "；".join(f"{_column_label(c)}：本年上年结转 {a}，上年结转下年度 {b}" for c, a, b in wrong)
    message = (
        f"本年「二、上年结转政府信息公开申请数量」与上一年度报告「四、结转下年度继续办理」不一致（{parts}）。"
        f"本年：{cur.describe()}；上一年度：{prev.describe()}。"
    )
    return finding(CARRY_RULE, message, [f"requests.carried_over.{c}" for c, _, _ in wrong])


def in_force_trend(prev: Ref, cur: Ref, pv: dict[str, Number], cv: dict[str, Number]) -> Finding | None:
    """Identity 6 between two 2021-edition reports of consecutive years."""
    if prev.edition != "2021" or cur.edition != "2021":
        return None
    wrong: list[str] = []
    cells: list[str] = []
    for r in TREND_ROWS:
        base = f"active_disclosure.{r}"
        last, issued, repealed, now = (
            pv.get(f"{base}.in_force"),
            cv.get(f"{base}.issued"),
            cv.get(f"{base}.repealed"),
            cv.get(f"{base}.in_force"),
        )
        if last is None or issued is None or repealed is None or now is None:
            continue
        expected = last + issued - repealed
        if now != expected:
            wrong.append(
                f"{_row_label(r)}：上年现行有效 {last} ＋ 本年制发 {issued} － 本年废止 {repealed} ＝ {expected}，"
                f"本年现行有效 {now}"
            )
            cells.extend((f"{base}.in_force", f"{base}.issued", f"{base}.repealed"))
    if not wrong:
        return None
    message = (
        f"现行有效件数与上年度不衔接（{'；'.join(wrong)}）；如有文件到期失效或修订，可不改动。"
        f"本年：{cur.describe()}；上一年度：{prev.describe()}。"
    )
    return finding(TREND_RULE, message, cells)


def check_pair(prev: Ref, cur: Ref, pv: dict[str, Number], cv: dict[str, Number]) -> list[Finding]:
    return [f for f in (carry_over(prev, cur, pv, cv), in_force_trend(prev, cur, pv, cv)) if f is not None]


# --- in the database -----------------------------------------------------------------------


def _current(conn: sa.Connection, agency_id: int, years: Iterable[int]) -> dict[int, Ref]:
    r, a = s.reports.c, s.agencies.c
    rows = conn.execute(
        sa.select(r.id, r.year, r.edition, r.source_name, a.name)
        .join(s.agencies, a.id == r.agency_id)
        .where(r.agency_id == agency_id, r.year.in_(list(years)), r.is_current)
    )
    return {row.year: Ref(row.id, row.name, row.year, row.edition, row.source_name) for row in rows}


def refresh(conn: sa.Connection, agency_id: int, years: Iterable[int]) -> int:
    """Recompute the cross-year findings of ``agency_id``'s reports of ``years`` (each against
    the year before). Returns how many findings were stored."""
    ys = sorted(set(years))
    if not ys:
        return 0
    r, f = s.reports.c, s.findings.c
    of_years = sa.select(r.id).where(r.agency_id == agency_id, r.year.in_(ys)).scalar_subquery()
    conn.execute(sa.delete(s.findings).where(f.origin == "cross", f.report_id.in_(of_years)))
    refs = _current(conn, agency_id, {y for y in ys} | {y - 1 for y in ys})
    pairs = [(refs[y - 1], refs[y]) for y in ys if y in refs and y - 1 in refs]
    if not pairs:
        return 0
    values = effective_values(conn, {x.id for p in pairs for x in p}, ADDRESSES)
    rows = []
    for prev, cur in pairs:
        for fd in check_pair(prev, cur, values[prev.id], values[cur.id]):
            rows.append(
                {
                    "report_id": cur.id,
                    "rule": fd.rule,
                    "severity": fd.severity.value,
                    "cells": fd.cells,
                    "message": fd.message,
                    "at": None,
                    "origin": "cross",
                    "other_report_id": prev.id,
                }
            )
    if rows:
        conn.execute(sa.insert(s.findings), rows)
    return len(rows)


def refresh_agency(conn: sa.Connection, agency_id: int) -> int:
    """Every year of one agency (after agencies are merged)."""
    years = conn.execute(sa.select(s.reports.c.year).where(s.reports.c.agency_id == agency_id).distinct())
    ys = {y for (y,) in years}
    return refresh(conn, agency_id, ys | {y + 1 for y in ys})
