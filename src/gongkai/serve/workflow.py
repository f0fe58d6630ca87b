"""The filing workflow on the store: draft → submitted → (returned → submitted …) → approved →
published. Shared by the pages and the JSON API; every function takes the caller's scope.

A filing's ``draft`` is the report JSON being edited. Submitting checks it (errors block,
each warning needs a reason), then stores it as a new version of the agency's report for the
year through the store's writer: that version is frozen, a reviewer's corrections go to the
store's ``corrections`` (never over what was filed), and a resubmission is a further version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gongkai.check import check_report
from gongkai.model.keys import edition, edition_for_year
from gongkai.model.report import Cell, Finding, Meta, Report, Severity, Source, Status, empty_tables
from gongkai.serve import tables as t
from gongkai.serve.accounts import User
from gongkai.serve.auth import Forbidden, NotFound, Scope, WebError
from gongkai.store import schema as s
from gongkai.store.agencies import now
from gongkai.store.db import Database
from gongkai.store.values import parse_value
from gongkai.write.layout import TABLE_SECTIONS, totals

EDITABLE = ("draft", "returned")
PREVIOUS = "上年报告"  # raw of a cell pre-filled from last year's report
AUTO = "自动合计"
MAX_TEXT = 20_000  # characters of one section


class WorkflowError(WebError):
    status = 409


@dataclass
class FilingInfo:
    id: int
    agency_id: int
    agency: str
    region_id: int | None
    year: int
    state: str
    report_id: int | None
    submissions: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    upload_name: str | None
    errors: int = 0
    warnings: int = 0


@dataclass
class FormResult:
    """A report built from the form, with what the form got wrong and the checker's findings."""

    report: Report
    invalid: dict[str, str] = field(default_factory=dict)  # address → message
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Stored:
    """A stored report as the review needs it, read without loading the agency directory."""

    report_id: int
    agency_id: int
    year: int
    edition: str
    version: int
    source_name: str
    source_format: str
    report: Report  # corrections in force applied
    rows: dict[str, Any]  # address → the cell row as filed (value, status, raw, at, candidates)
    fixes: dict[str, Any]  # address → the correction in force
    findings: list[tuple[Finding, str]]  # (finding, origin), errors first

    @property
    def values(self) -> dict[str, Any]:
        return report_values(self.report)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def stored(db: Database, report_id: int) -> Stored:
    from gongkai.store.query import build_report
    from gongkai.store.values import latest_corrections

    r, c, f = s.reports.c, s.cells.c, s.findings.c
    with db.engine.connect() as conn:
        head = conn.execute(
            sa.select(
                r.agency_id, r.year, r.edition, r.version, r.source_name, r.source_format, r.parsed
            ).where(r.id == report_id)
        ).first()
        if head is None:
            raise NotFound("报告不存在。")
        rows = conn.execute(
            sa.select(c.address, c.value, c.status, c.raw, c.at, c.candidates).where(c.report_id == report_id)
        ).all()
        fixes = latest_corrections(conn, [report_id]).get(report_id, {})
        found = conn.execute(
            sa.select(f.rule, f.severity, f.cells, f.message, f.origin)
            .where(f.report_id == report_id)
            .order_by(f.id)
        ).all()
    report, _ = build_report(head.parsed, head.edition, rows, fixes)
    findings = [
        (
            Finding.model_validate(
                {"rule": x.rule, "severity": x.severity, "cells": list(x.cells or []), "message": x.message}
            ),
            x.origin,
        )
        for x in sorted(found, key=lambda x: _SEVERITY_ORDER.get(x.severity, 3))
    ]
    return Stored(
        report_id,
        head.agency_id,
        head.year,
        head.edition,
        head.version,
        head.source_name,
        head.source_format,
        report,
        {x.address: x for x in rows},
        fixes,
        findings,
    )


def previous_report(db: Database, agency_id: int, year: int) -> int | None:
    """The current report of the agency for the year before."""
    r = s.reports.c
    with db.engine.connect() as conn:
        return conn.execute(
            sa.select(r.id).where(r.agency_id == agency_id, r.year == year - 1, r.is_current)
        ).scalar()


# --- fingerprints ------------------------------------------------------------------------------


def fingerprint(rule: str, cells: list[str], values: dict[str, Any]) -> str:
    """A finding's identity across re-checks: its rule, its cells and their values."""
    parts = [rule, *sorted(cells), *(f"{a}={values.get(a)}" for a in sorted(cells))]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def report_values(report: Report) -> dict[str, Any]:
    return {a: (format(v, "f") if isinstance(v, Decimal) else v) for a, v in report.values().items()}


# --- reading filings -------------------------------------------------------------------------------


def _query() -> sa.Select[Any]:
    f, a = t.filings.c, s.agencies.c
    return sa.select(
        f.id,
        f.agency_id,
        a.name.label("agency"),
        a.region_id,
        f.year,
        f.state,
        f.report_id,
        f.submissions,
        f.created_at,
        f.updated_at,
        f.submitted_at,
        f.published_at,
        f.upload_name,
    ).join(s.agencies, a.id == f.agency_id)


def _counts(conn: sa.Connection, report_ids: list[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    if not report_ids:
        return out
    fc = s.findings.c
    for i in range(0, len(report_ids), 500):
        chunk = report_ids[i : i + 500]
        q = (
            sa.select(fc.report_id, fc.severity, sa.func.count())
            .where(fc.report_id.in_(chunk))
            .group_by(fc.report_id, fc.severity)
        )
        for rid, sev, n in conn.execute(q):
            out.setdefault(rid, {})[sev] = n
    return out


def list_filings(
    db: Database, scope: Scope, *, states: tuple[str, ...] | None = None, year: int | None = None
) -> list[FilingInfo]:
    f = t.filings.c
    q = _query().where(scope.agency_filter(f.agency_id))
    if states:
        q = q.where(f.state.in_(states))
    if year is not None:
        q = q.where(f.year == year)
    with db.engine.connect() as conn:
        rows = conn.execute(q.order_by(f.year.desc(), s.agencies.c.name)).all()
        counts = _counts(conn, [r.report_id for r in rows if r.report_id])
    out = []
    for r in rows:
        info = FilingInfo(**r._mapping)
        c = counts.get(r.report_id or -1, {})
        info.errors, info.warnings = c.get("error", 0), c.get("warning", 0)
        out.append(info)
    return out


def get_filing(db: Database, scope: Scope, filing_id: int) -> FilingInfo:
    with db.engine.connect() as conn:
        row = conn.execute(_query().where(t.filings.c.id == filing_id)).first()
        if row is None or not scope.allows(row.agency_id):
            raise NotFound("没有找到该填报，或它不在您的权限范围内。")
        counts = _counts(conn, [row.report_id] if row.report_id else [])
    info = FilingInfo(**row._mapping)
    c = counts.get(row.report_id or -1, {})
    info.errors, info.warnings = c.get("error", 0), c.get("warning", 0)
    return info


def draft_report(db: Database, filing_id: int) -> Report:
    with db.engine.connect() as conn:
        doc = conn.execute(sa.select(t.filings.c.draft).where(t.filings.c.id == filing_id)).scalar_one()
    return Report.from_json_dict(doc)


def upload_bytes(db: Database, filing_id: int) -> tuple[str | None, bytes | None]:
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.filings.c.upload_name, t.filings.c.upload).where(t.filings.c.id == filing_id)
        ).one()
    return row.upload_name, row.upload


def history(db: Database, filing_id: int) -> list[sa.Row]:
    e = t.filing_events.c
    with db.engine.connect() as conn:
        return list(conn.execute(sa.select(t.filing_events).where(e.filing_id == filing_id).order_by(e.id)))


def _event(
    conn: sa.Connection,
    filing_id: int,
    user: User | None,
    action: str,
    comment: str = "",
    details: dict[str, Any] | None = None,
    report_id: int | None = None,
) -> None:
    conn.execute(
        sa.insert(t.filing_events).values(
            filing_id=filing_id,
            report_id=report_id,
            user_id=user.id if user else None,
            who=user.label if user else "系统",
            at=now(),
            action=action,
            comment=comment,
            details=details,
        )
    )


# --- starting a filing -------------------------------------------------------------------------


def agency_name(db: Database, agency_id: int) -> str:
    with db.engine.connect() as conn:
        name = conn.execute(sa.select(s.agencies.c.name).where(s.agencies.c.id == agency_id)).scalar()
    if name is None:
        raise NotFound("机关不存在。")
    return str(name)


def _previous(db: Database, agency_id: int, year: int) -> Report | None:
    rid = previous_report(db, agency_id, year)
    return stored(db, rid).report if rid is not None else None


def new_report(agency: str, year: int, previous: Report | None = None) -> Report:
    """An empty report of the year's edition; last year's carry-over and documents in force
    pre-filled from ``previous`` (marked ``inferred``: not yet confirmed by the clerk)."""
    ed = edition_for_year(year)
    report = Report(
        source=Source(name="网上填报", sha256="", format="web"),
        meta=Meta(title=f"{agency}{year}年政府信息公开工作年度报告", agency=agency, year=year, edition=ed),
        tables=empty_tables(ed),
    )
    for key in TABLE_SECTIONS:
        report.sections[key] = ""
    if previous is not None:
        known = previous.values()
        cells = {a for a in edition(ed).addresses}
        for a in cells:
            src = None
            if a.startswith("requests.carried_over."):
                src = a.replace("carried_over", "carried_forward")
            elif a.startswith("active_disclosure.") and a.endswith(".in_force"):
                src = a
            if src and known.get(src) is not None:
                _set(report.cell(a), known[src], Status.INFERRED, PREVIOUS)
    return report


def start_filing(db: Database, scope: Scope, user: User, agency_id: int, year: int) -> int:
    scope.check_agency(agency_id)
    if user.role not in ("clerk", "admin"):
        raise Forbidden("只有填报单位可以开始填报。")
    if not 2000 <= year <= now().year + 1:
        raise WebError(f"年度 {year} 不在可填报的范围内。")
    name = agency_name(db, agency_id)
    report = new_report(name, year, _previous(db, agency_id, year))
    stamp = now()
    with db.engine.begin() as conn:
        f = t.filings.c
        if conn.execute(sa.select(f.id).where(f.agency_id == agency_id, f.year == year)).first():
            raise WorkflowError(f"{name} {year} 年度的填报已经存在。")
        fid = conn.execute(
            sa.insert(t.filings)
            .values(
                agency_id=agency_id,
                year=year,
                state="draft",
                draft=report.to_json_dict(),
                submissions=0,
                created_at=stamp,
                updated_at=stamp,
            )
            .returning(f.id)
        ).scalar_one()
        _event(conn, fid, user, "create", details={"prefilled": _previous(db, agency_id, year) is not None})
    return int(fid)


# --- the form --------------------------------------------------------------------------------------


def apply_form(report: Report, form: dict[str, str]) -> FormResult:
    """Put the form's values into ``report``: ``cell:<address>``, ``section:<key>``, ``title``.

    A cell typed by the clerk is ``read`` with what was typed as ``raw``; an empty cell is
    missing; a cell that is not a number is missing and listed in ``invalid``. Total cells are
    computed from their parts when every part is known (the form shows them read-only).
    """
    ed = report.meta.edition
    result = FormResult(report)
    if "title" in form:
        report.meta.title = form["title"].strip()[:200] or None
    for key in report.sections:
        name = f"section:{key}"
        if name in form:
            text = form[name].replace("\r\n", "\n").strip()[:MAX_TEXT]
            # a section with a table is there even without prose: its table is its content
            report.sections[key] = text or ("" if key in TABLE_SECTIONS else None)
    for address, cell in report.cells():
        name = f"cell:{address}"
        if name not in form:
            continue
        text = form[name].strip()
        old = cell.value if cell.known else None
        if not text:
            _set(cell, None, Status.MISSING, "")
            continue
        try:
            value = parse_value(text, ed, address)
        except ValueError as e:
            result.invalid[address] = str(e)
            _set(cell, None, Status.MISSING, text[:40])
            continue
        if value != old or cell.status not in (Status.READ, Status.INFERRED) or cell.raw == PREVIOUS:
            _set(cell, value, Status.READ, text[:40])
    compute_totals(report)
    report.findings = check_report(report)
    result.findings = report.findings
    return result


def _set(cell: Cell, value: Any, status: Status, raw: str) -> None:
    cell.value, cell.status, cell.raw, cell.at, cell.candidates = value, status, raw, None, None


def compute_totals(report: Report) -> None:
    """The form's totals: a total not read from an uploaded source (no ``at``) is the sum of
    its parts when all are known (shown to the clerk read-only, filed as they saw it). A total
    read from an upload keeps its printed value, so the checker still sees a wrong sum."""
    for total, parts in totals(report.meta.edition).items():
        cell = report.cell(total)
        if cell.at is not None and cell.known:
            continue
        cells = [report.cell(p) for p in parts]
        if all(c.known for c in cells):
            value = sum((c.value for c in cells), start=0)  # type: ignore[misc]
            _set(cell, value, Status.READ, AUTO)
        elif cell.raw == AUTO:
            _set(cell, None, Status.MISSING, "")


def save_draft(db: Database, scope: Scope, user: User, filing_id: int, form: dict[str, str]) -> FormResult:
    info = get_filing(db, scope, filing_id)
    _editable(info, user)
    result = apply_form(draft_report(db, filing_id), form)
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(t.filings)
            .where(t.filings.c.id == filing_id)
            .values(draft=result.report.to_json_dict(), updated_at=now())
        )
        _event(conn, filing_id, user, "save", details={"invalid": len(result.invalid)})
    return result


def _editable(info: FilingInfo, user: User) -> None:
    if user.role not in ("clerk", "admin"):
        raise Forbidden("只有填报单位可以修改填报内容。")
    if info.state not in EDITABLE:
        raise WorkflowError("该报告已提交，不能再修改；如需修改，请等待审核人退回。")


def upload(db: Database, scope: Scope, user: User, filing_id: int, name: str, data: bytes) -> Report:
    """A filled template or an existing report (any format gongkai reads) becomes the draft."""
    from gongkai.write.load import load_report

    info = get_filing(db, scope, filing_id)
    _editable(info, user)
    report = load_report(data, name)  # the reader's guards: size, type by content, zip and XML limits
    if report.meta.year and report.meta.year != info.year:
        raise WebError(f"上传的报告是 {report.meta.year} 年度的，而本填报是 {info.year} 年度。")
    if report.meta.edition != edition_for_year(info.year):
        raise WebError(f"上传的报告是 {report.meta.edition} 年版格式，{info.year} 年度应使用新版格式。")
    report.meta.agency = info.agency
    report.meta.year = info.year
    report.findings = check_report(report)
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(t.filings)
            .where(t.filings.c.id == filing_id)
            .values(draft=report.to_json_dict(), upload=data, upload_name=name[:255], updated_at=now())
        )
        _event(conn, filing_id, user, "upload", details={"name": name, "findings": len(report.findings)})
    return report


# --- submitting ------------------------------------------------------------------------------------


def blocking(report: Report, reasons: dict[str, str]) -> list[str]:
    """Why the report cannot be submitted (empty when it can)."""
    values = report_values(report)
    problems = []
    for f in report.findings:
        if f.severity == Severity.ERROR:
            problems.append(f"错误：{f.message}")
        elif f.severity == Severity.WARNING:
            fp = fingerprint(f.rule, f.cells, values)
            if not reasons.get(fp, "").strip():
                problems.append(f"警告需要填写说明：{f.message}")
    return problems


def submit(
    db: Database, scope: Scope, user: User, filing_id: int, form: dict[str, str], reasons: dict[str, str]
) -> int:
    """Check, store as a new frozen version, and put the filing in the reviewers' queue."""
    from gongkai.store.ingest import ADDED, COPY, VERSION, Writer, prepare

    info = get_filing(db, scope, filing_id)
    _editable(info, user)
    result = apply_form(draft_report(db, filing_id), form)
    if result.invalid:
        raise WorkflowError("有单元格不是有效的数字，请先改正：" + "；".join(result.invalid.values()))
    report = result.report
    problems = blocking(report, reasons)
    if problems:
        raise WorkflowError("不能提交：" + "；".join(problems[:5]) + ("……" if len(problems) > 5 else ""))
    report.meta.agency, report.meta.year = info.agency, info.year
    number = info.submissions + 1
    upload_name, upload_data = upload_bytes(db, filing_id)
    if upload_data is not None:
        data, name = upload_data, upload_name or "上传文件"
        fmt = report.source.format
    else:
        body = {k: v for k, v in report.to_json_dict().items() if k != "source"}
        data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
        name, fmt = f"网上填报（第{number}次提交）", "web"
    sha = hashlib.sha256(data).hexdigest()
    with db.engine.connect() as conn:
        if conn.execute(sa.select(s.reports.c.id).where(s.reports.c.sha256 == sha)).first():
            # the same bytes are stored already (a resubmission of the same upload): a key of its own
            sha = hashlib.sha256(data + f"\n#filing-{filing_id}-{number}".encode()).hexdigest()
    report.source = Source(name=name, sha256=sha, format=fmt)
    written = Writer(db).write(prepare(report, name, data))
    # COPY: the same values as a stored version (a resubmission changing only prose): that
    # version stands for the numbers; the prose of each submission is the filing's draft
    if written.outcome not in (ADDED, VERSION, COPY) or written.report_id is None:
        raise WorkflowError(f"报告未能保存：{written.message or written.outcome}")
    values = report_values(report)
    kept = {
        fingerprint(f.rule, f.cells, values): reasons[fingerprint(f.rule, f.cells, values)].strip()[:2000]
        for f in report.findings
        if f.severity == Severity.WARNING
    }
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(t.filings)
            .where(t.filings.c.id == filing_id)
            .values(
                state="submitted",
                report_id=written.report_id,
                submissions=number,
                submitted_at=now(),
                updated_at=now(),
                draft=report.to_json_dict(),
            )
        )
        _event(
            conn,
            filing_id,
            user,
            "submit",
            details={"warning_reasons": kept, "version": number},
            report_id=written.report_id,
        )
    return written.report_id


# --- reviewing -------------------------------------------------------------------------------------


def _reviewer(user: User) -> None:
    if user.role not in ("reviewer", "admin"):
        raise Forbidden("只有公开办审核人可以执行审核操作。")


def _transition(
    db: Database,
    scope: Scope,
    user: User,
    filing_id: int,
    allowed: tuple[str, ...],
    state: str,
    action: str,
    comment: str,
) -> FilingInfo:
    _reviewer(user)
    info = get_filing(db, scope, filing_id)
    if info.state not in allowed:
        raise WorkflowError(f"该报告当前状态为「{_state_name(info.state)}」，不能执行此操作。")
    values: dict[str, Any] = {"state": state, "updated_at": now()}
    if state == "published":
        values["published_at"] = now()
    with db.engine.begin() as conn:
        done = conn.execute(
            sa.update(t.filings)
            .where(t.filings.c.id == filing_id, t.filings.c.state == info.state)
            .values(**values)
        ).rowcount
        if not done:
            raise WorkflowError("该报告的状态刚被他人改变，请刷新页面。")
        _event(conn, filing_id, user, action, comment.strip()[:4000], report_id=info.report_id)
    return info


def _state_name(state: str) -> str:
    from gongkai.serve.render import STATE_NAMES

    return STATE_NAMES.get(state, state)


def send_back(db: Database, scope: Scope, user: User, filing_id: int, comment: str) -> None:
    if not comment.strip():
        raise WebError("退回时请写明需要修改的内容。")
    info = _transition(db, scope, user, filing_id, ("submitted", "approved"), "returned", "return", comment)
    if info.report_id is not None:  # the clerk continues from what was filed, corrections applied
        report = stored(db, info.report_id).report
        with db.engine.begin() as conn:
            old = Report.from_json_dict(
                conn.execute(sa.select(t.filings.c.draft).where(t.filings.c.id == filing_id)).scalar_one()
            )
            report.sections = old.sections  # the prose as filed (see submit: a COPY keeps the numbers)
            report.meta.title = old.meta.title
            conn.execute(
                sa.update(t.filings).where(t.filings.c.id == filing_id).values(draft=report.to_json_dict())
            )


def open_errors(db: Database, info: FilingInfo) -> int:
    """Errors on the filed report that no reviewer has dismissed."""
    if info.report_id is None:
        return 0
    return sum(
        1
        for r in reviewed_findings(db, info, stored(db, info.report_id))
        if r.finding.severity == Severity.ERROR and (r.decision[0] if r.decision else "") != "dismissed"
    )


def approve(db: Database, scope: Scope, user: User, filing_id: int, comment: str = "") -> None:
    info = get_filing(db, scope, filing_id)
    n = open_errors(db, info)
    if n and info.state == "submitted":
        raise WorkflowError(f"还有 {n} 个“错误”级问题未处理：请更正单元格、退回修改，或逐条排除后再通过。")
    _transition(db, scope, user, filing_id, ("submitted",), "approved", "approve", comment)


def publish(db: Database, scope: Scope, user: User, filing_id: int, comment: str = "") -> None:
    _transition(db, scope, user, filing_id, ("approved",), "published", "publish", comment)


def decisions(db: Database, agency_id: int, year: int) -> dict[str, tuple[str, str, str, datetime]]:
    """Fingerprint → (decision, comment, who, when) for one agency's year."""
    r = t.finding_reviews.c
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(r.fingerprint, r.decision, r.comment, r.who, r.at).where(
                r.agency_id == agency_id, r.year == year
            )
        ).all()
    return {x.fingerprint: (x.decision, x.comment, x.who, x.at) for x in rows}


@dataclass(frozen=True)
class ReviewedFinding:
    """A stored finding with its origin, its fingerprint and the reviewer's decision on it (if any)."""

    finding: Finding
    origin: str
    fingerprint: str
    decision: tuple[str, str, str, datetime] | None

    def json(self) -> dict[str, Any]:
        """What the review API and the review page both show of the finding."""
        f, d = self.finding, self.decision
        return {
            "rule": f.rule,
            "severity": f.severity.value,
            "message": f.message,
            "cells": f.cells,
            "fingerprint": self.fingerprint,
            "origin": self.origin,
            "decision": d[0] if d else None,
        }


def reviewed_findings(db: Database, info: FilingInfo, st: Stored) -> list[ReviewedFinding]:
    """The stored report's findings (errors first), each with the decision taken on its fingerprint."""
    values = st.values
    decided = decisions(db, info.agency_id, info.year)
    out = []
    for f, origin in st.findings:
        fp = fingerprint(f.rule, f.cells, values)
        out.append(ReviewedFinding(f, origin, fp, decided.get(fp)))
    return out


def decide(
    db: Database,
    scope: Scope,
    user: User,
    filing_id: int,
    fp: str,
    decision: str,
    comment: str,
) -> None:
    """Confirm or dismiss one finding of the filed report (by its fingerprint)."""
    _reviewer(user)
    if decision not in t.DECISIONS:
        raise WebError("处理方式须为确认或排除。")
    if decision == "dismissed" and not comment.strip():
        raise WebError("排除问题时请写明理由。")
    info = get_filing(db, scope, filing_id)
    if info.report_id is None:
        raise WorkflowError("该填报尚未提交。")
    st = stored(db, info.report_id)
    values = st.values
    match = [f for f, _ in st.findings if fingerprint(f.rule, f.cells, values) == fp]
    if not match:
        raise NotFound("没有找到该问题（报告可能已被更正并重新检查）。")
    r = t.finding_reviews.c
    with db.engine.begin() as conn:
        conn.execute(
            sa.delete(t.finding_reviews).where(
                r.agency_id == info.agency_id, r.year == info.year, r.fingerprint == fp
            )
        )
        conn.execute(
            sa.insert(t.finding_reviews).values(
                agency_id=info.agency_id,
                year=info.year,
                fingerprint=fp,
                rule=match[0].rule,
                decision=decision,
                comment=comment.strip()[:2000],
                who=user.label,
                at=now(),
            )
        )
        _event(
            conn,
            filing_id,
            user,
            "confirm" if decision == "confirmed" else "dismiss",
            comment.strip()[:2000],
            {"rule": match[0].rule, "message": match[0].message, "fingerprint": fp},
            info.report_id,
        )


def correct_cell(
    db: Database, scope: Scope, user: User, filing_id: int, address: str, value: str, reason: str
) -> None:
    """A reviewer's correction of one cell of the filed report (kept beside what was filed)."""
    from gongkai.store.corrections import correct

    _reviewer(user)
    info = get_filing(db, scope, filing_id)
    if info.state != "submitted" or info.report_id is None:
        raise WorkflowError("只能更正已提交、待审核的报告。")
    if not reason.strip():
        raise WebError("更正时请写明理由。")
    result = correct(db, info.report_id, address, value, reason=reason, by=user.label)
    with db.engine.begin() as conn:
        _event(
            conn,
            filing_id,
            user,
            "correct",
            reason.strip()[:2000],
            {"address": address, "old": result.old_value, "new": result.new_value},
            info.report_id,
        )


def mark_published(db: Database, user: User | None, agency_id: int, year: int, report_id: int) -> int:
    """A report published elsewhere (batch upload, the bundled samples) enters the public list."""
    from gongkai.store.query import parsed_json

    stamp = now()
    f = t.filings.c
    report = parsed_json(db, report_id)
    with db.engine.begin() as conn:
        row = conn.execute(sa.select(f.id, f.state).where(f.agency_id == agency_id, f.year == year)).first()
        if row is not None and row.state not in ("published",):
            raise WorkflowError("该机关该年度的报告正在填报审核中，不能批量导入。")
        if (
            row is not None
            and conn.execute(sa.select(f.report_id).where(f.id == row.id)).scalar() == report_id
        ):
            return int(row.id)  # published already
        if row is None:
            fid = conn.execute(
                sa.insert(t.filings)
                .values(
                    agency_id=agency_id,
                    year=year,
                    state="published",
                    draft=report,
                    report_id=report_id,
                    submissions=1,
                    created_at=stamp,
                    updated_at=stamp,
                    submitted_at=None,  # published elsewhere: when it was filed is not known here
                    published_at=stamp,
                )
                .returning(f.id)
            ).scalar_one()
        else:
            fid = row.id
            conn.execute(
                sa.update(t.filings)
                .where(f.id == fid)
                .values(report_id=report_id, updated_at=stamp, published_at=stamp)
            )
        _event(conn, fid, user, "ingest", report_id=report_id)
    return int(fid)
