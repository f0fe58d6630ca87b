"""Year-end tables 3 and 4 counted from the register, and what supervisors ask of it.

Counting rules (one request, one place in each column of table 3):

- 一、本年新收: received in the year.
- 二、上年结转: received before the year and not closed before it (= last year's 结转下年度).
- 三、办理结果: closed in the year, in the row of its outcome (2019 edition for years up to
  2020: the three 其他处理 rows are one row, ``other_handling``).
- 四、结转下年度: received by 31 December and not closed by then.

So 一 + 二 = 三(七)总计 + 四 for every column (identity 3), rows add up (1), outcomes add up (2)
and next year's 上年结转 is this year's 结转下年度 (5), all by construction. Table 4 counts the
行政复议 and 行政诉讼 filed in the year about the scope's requests, with their result as of
31 December (not yet decided then: 尚未审结); rows add up (4).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from gongkai.check import check_report
from gongkai.model.keys import APPLICANT_COLUMNS, OTHER_ROWS_2021, edition, edition_for_year, outcome_rows
from gongkai.model.report import Cell, Meta, Report, Source, Status, empty_tables
from gongkai.register.rules import APPLICANT_TYPES
from gongkai.register.service import DbArg, RequestView

APPEAL_ROWS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
APPEAL_RESULT_COLS = ("upheld", "corrected", "other", "pending")


def _outcome_row(outcome: str, edition_key: str) -> str:
    if edition_key == "2019" and outcome in OTHER_ROWS_2021:
        return "other_handling"
    return outcome


def count_requests(views: Iterable[RequestView], year: int) -> dict[str, dict[str, int]]:
    """Table 3 of ``year`` as ``{row: {column: n}}`` with totals, in the edition of the year."""
    ed = edition_for_year(year)
    rows = ("new_received", "carried_over", *outcome_rows(ed), "total_processed", "carried_forward")
    t: dict[str, dict[str, int]] = {r: dict.fromkeys((*APPLICANT_COLUMNS, "total"), 0) for r in rows}
    first, last = date(year, 1, 1), date(year, 12, 31)
    for v in views:
        col = v.applicant_type
        if v.received_on > last:
            continue
        closed = v.closed_on
        if closed is not None and closed < first:
            continue
        if v.received_on >= first:
            t["new_received"][col] += 1
        else:
            t["carried_over"][col] += 1
        if closed is not None and closed <= last:
            assert v.outcome is not None
            t[_outcome_row(v.outcome, ed)][col] += 1
            t["total_processed"][col] += 1
        else:
            t["carried_forward"][col] += 1
    for cols in t.values():
        cols["total"] = sum(cols[c] for c in APPLICANT_COLUMNS)
    return t


def count_appeals(views: Iterable[RequestView], year: int) -> dict[str, dict[str, int]]:
    t = {r: dict.fromkeys((*APPEAL_RESULT_COLS, "total"), 0) for r in APPEAL_ROWS}
    first, last = date(year, 1, 1), date(year, 12, 31)
    for v in views:
        for a in v.appeals:
            if not first <= a.filed_on <= last:
                continue
            result = a.result if a.decided_on is not None and a.decided_on <= last else "pending"
            t[a.kind][result] += 1
    for cols in t.values():
        cols["total"] = sum(cols[c] for c in APPEAL_RESULT_COLS)
    return t


def year_report(
    views: list[RequestView], year: int, *, label: str, agency: str | None, region: str | None
) -> Report:
    """Tables 3 and 4 of ``year`` as a :class:`Report` (``parse --json`` shape).

    Cells of table 3 and 4 are ``read`` (counted from the register); table 2 (主动公开) and the
    prose sections are not in the register and stay ``missing``. ``findings`` are the checker's
    findings on tables 3 and 4 (none, by construction).
    """
    ed = edition_for_year(year)
    tables = empty_tables(ed)
    counted = {"requests": count_requests(views, year), "appeals": count_appeals(views, year)}
    for tkey, rows in counted.items():
        spec = edition(ed).table(tkey)
        for r in spec.rows:
            for c in r.columns:
                n = rows[r.key][c.key]
                tables[tkey][r.key][c.key] = Cell(value=n, status=Status.READ, raw=str(n))
    digest = hashlib.sha256(
        json.dumps(
            {"label": label, "year": year, "tables": counted}, ensure_ascii=False, sort_keys=True
        ).encode()
    ).hexdigest()
    report = Report(
        source=Source(name=f"依申请公开台账：{label} {year} 年", sha256=digest, format="register"),
        meta=Meta(title=None, agency=agency, region=region, year=year, edition=ed),
        tables=tables,
    )
    report.findings = [f for f in check_report(report) if _about_counted_tables(f.cells)]
    return report


def _about_counted_tables(cells: list[str]) -> bool:
    """Findings on tables 3 and 4; not the sections and table 2 the register does not hold."""
    return any(c.split(".", 1)[0] in ("requests", "appeals") for c in cells)


# --- supervision -------------------------------------------------------------------------------


@dataclass
class LateAnswer:
    request_id: int
    number: str
    agency: str
    handler: str | None
    due: date
    answered: date
    late_days: int


@dataclass
class Supervision:
    year: int
    answered: int = 0  # closed in the year with an answer (not 逾期不补正/不缴费)
    on_time: int = 0
    late: list[LateAnswer] = field(default_factory=list)
    unknown: int = 0  # deadline could not be computed (calendar gap)
    by_applicant: dict[str, int] = field(default_factory=dict)  # new requests per applicant type
    appeals_decided: int = 0
    appeals_corrected: int = 0

    @property
    def on_time_rate(self) -> float | None:
        n = self.on_time + len(self.late)
        return self.on_time / n if n else None

    @property
    def correction_rate(self) -> float | None:
        """纠错率: decided appeals whose result was 纠正, over all decided appeals of the year."""
        return self.appeals_corrected / self.appeals_decided if self.appeals_decided else None


def supervision(views: Iterable[RequestView], year: int) -> Supervision:
    sv = Supervision(year, by_applicant=dict.fromkeys(APPLICANT_TYPES, 0))
    first, last = date(year, 1, 1), date(year, 12, 31)
    for v in views:
        if first <= v.received_on <= last:
            sv.by_applicant[v.applicant_type] += 1
        for a in v.appeals:
            if a.decided_on is not None and first <= a.decided_on <= last:
                sv.appeals_decided += 1
                sv.appeals_corrected += a.result == "corrected"
        if v.closed_on is None or not first <= v.closed_on <= last:
            continue
        if v.outcome in ("other_overdue_correction", "other_overdue_fee"):
            continue
        sv.answered += 1
        ck = v.clock
        if ck is None:
            sv.unknown += 1
            continue
        answer = next((s for s in reversed(ck.steps) if s.kind == "answer"), None)
        due = answer.due if answer else None
        if due is None:
            sv.unknown += 1
        elif ck.late_days > 0:
            sv.late.append(LateAnswer(v.id, v.number, v.agency, v.handler, due, v.closed_on, ck.late_days))
        else:
            sv.on_time += 1
    sv.late.sort(key=lambda x: (-x.late_days, x.request_id))
    return sv


def agency_year_report(db: DbArg, agency_id: int, year: int) -> Report | None:
    """Tables 3 and 4 of one agency's register for ``year`` (for prefilling the 填报 form), or
    None when the register holds no request of that agency received by the end of the year."""
    from gongkai.register.service import list_requests

    views = [
        v
        for v in list_requests(db, agency_ids=[agency_id], as_of=date(year, 12, 31))
        if v.received_on.year <= year
    ]
    if not views:
        return None
    name = views[0].agency
    return year_report(views, year, label=name, agency=name, region=None)
