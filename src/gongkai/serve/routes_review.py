"""审核: the queue of submissions in scope and the review page (tables with each cell's status,
the source beside, findings to confirm or dismiss, corrections, cross-year view, decisions)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from gongkai.model.keys import REQUEST_COLUMN_KEYS, edition
from gongkai.serve import tables as t
from gongkai.serve import workflow as wf
from gongkai.serve.accounts import User
from gongkai.serve.auth import NotFound, Scope, csrf_guard, current_scope, get_db, require_role
from gongkai.serve.deps import scoped_filing
from gongkai.serve.grids import labels, tables
from gongkai.serve.render import STATUS_NAMES, page
from gongkai.serve.source import page_png, source_view
from gongkai.store.query import original_bytes

router = APIRouter(prefix="/review", dependencies=[Depends(csrf_guard)], include_in_schema=False)
reader = require_role("reviewer", "admin", "viewer")
reviewer = require_role("reviewer", "admin")
QUEUE_STATES = ("submitted", "returned", "approved", "published")


@router.get("")
def queue(
    request: Request,
    state: str = "submitted",
    user: User = Depends(reader),
    scope: Scope = Depends(current_scope),
) -> Response:
    states = (state,) if state in QUEUE_STATES else QUEUE_STATES
    items = wf.list_filings(get_db(request), scope, states=states)
    return page(request, "queue.html", items=items, state=state, states=QUEUE_STATES)


@dataclass
class CrossRow:
    label: str
    this_year: Any
    last_year: Any
    expected: Any
    ok: bool | None


def cross_year(db: Any, info: wf.FilingInfo, values: dict[str, Any]) -> tuple[int | None, list[CrossRow]]:
    """Last year beside this year: carry-over (identity 5) and documents in force (identity 6)."""
    prev_id = wf.previous_report(db, info.agency_id, info.year)
    if prev_id is None:
        return None, []
    prev = wf.stored(db, prev_id)
    pv = prev.report.values()
    names = labels(prev.edition)
    rows: list[CrossRow] = []
    for c in REQUEST_COLUMN_KEYS:
        cur, last = values.get(f"requests.carried_over.{c}"), pv.get(f"requests.carried_forward.{c}")
        ok = None if cur is None or last is None else str(cur) == str(last)
        label = (
            "上年结转 ＝ 上年报告结转下年度 · " + names.get(f"requests.carried_over.{c}", c).split(" · ")[-1]
        )
        rows.append(CrossRow(label, cur, last, last, ok))
    for r in ("rules", "normative_documents"):
        base = f"active_disclosure.{r}"
        last = pv.get(f"{base}.in_force")
        issued, repealed, now_ = (values.get(f"{base}.{k}") for k in ("issued", "repealed", "in_force"))
        expected = None
        if None not in (last, issued, repealed):
            expected = int(last) + int(issued) - int(repealed)  # type: ignore[arg-type]
        ok = None if expected is None or now_ is None else int(now_) == expected
        label = f"现行有效件数 · {names.get(f'{base}.in_force', r).split(' · ')[0]}（上年＋制发－废止）"
        rows.append(CrossRow(label, now_, last, expected, ok))
    for address in BESIDE:  # the main figures, last year beside this year
        this, last = values.get(address), pv.get(address)
        rows.append(CrossRow(names.get(address, address).replace(" · 总计", ""), this, last, None, None))
    return prev_id, rows


BESIDE = (
    "requests.new_received.total",
    "requests.total_processed.total",
    "requests.granted.total",
    "requests.carried_forward.total",
    "appeals.reconsideration.total",
    "appeals.litigation_direct.total",
)


def script_json(obj: Any) -> Markup:
    """JSON to put inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` left that
    could end the element, so a payload in a cell's raw text stays data."""
    text = json.dumps(obj, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def review_context(request: Request, info: wf.FilingInfo) -> dict[str, Any]:
    db = get_db(request)
    if info.report_id is None:
        raise NotFound("该填报尚未提交，没有可审核的内容。")
    st = wf.stored(db, info.report_id)
    names = labels(st.edition)
    values = st.values
    cells: dict[str, dict[str, str]] = {}
    data: dict[str, Any] = {}
    for address in edition(st.edition).addresses:
        row = st.rows.get(address)
        fix = st.fixes.get(address)
        status = row.status if row is not None else "missing"
        parsed = (
            row.value if row is not None and status in ("read", "inferred") and row.value is not None else ""
        )
        raw = row.raw if row is not None else ""
        shown = (fix.new_value or "") if fix is not None else parsed
        title = f"{names.get(address, address)}；{STATUS_NAMES.get(status, status)}"
        if raw:
            title += f"；原文「{raw}」"
        if fix is not None:
            title += f"；已更正（原为 {parsed or '空'}）：{fix.why}"
        cells[address] = {
            "value": shown,
            "status": status,
            "cls": "corrected" if fix is not None else "",
            "title": title,
        }
        data[address] = {
            "label": names.get(address, address),
            "value": shown,
            "parsed": parsed,
            "status_name": STATUS_NAMES.get(status, status),
            "raw": raw,
            "corrected": fix is not None,
            "why": fix.why if fix is not None else "",
            "at": json.loads(row.at) if row is not None and row.at else None,
        }
    findings = [
        {
            **r.json(),
            "decision_comment": r.decision[1] if r.decision else "",
            "decision_who": r.decision[2] if r.decision else "",
        }
        for r in wf.reviewed_findings(db, info, st)
    ]
    view = source_view(st.source_format, original_bytes(db, info.report_id))
    prev_id, cross = cross_year(db, info, values)
    prev_filing = None
    if prev_id is not None:
        with db.engine.connect() as conn:
            prev_filing = conn.execute(
                sa.select(t.filings.c.id).where(
                    t.filings.c.agency_id == info.agency_id, t.filings.c.year == info.year - 1
                )
            ).scalar()
    events = wf.history(db, info.id)
    reasons: dict[str, str] = {}
    for e in events:
        if e.action == "submit" and e.details:
            reasons.update(e.details.get("warning_reasons", {}))
    return {
        "info": info,
        "detail": st,
        "views": tables(st.edition),
        "cells": cells,
        "cell_data": script_json(
            {"cells": data, "pages": [list(p) for p in view.pages], "page_url": f"/review/{info.id}/page/"}
        ),
        "findings": findings,
        "reasons": reasons,
        "source": view,
        "cross": cross,
        "prev_id": prev_id,
        "prev_filing": prev_filing,
        "events": events,
        "sections": edition(st.edition).sections,
        "parsed": wf.draft_report(db, info.id),
    }


@router.get("/{filing_id}")
def review_page(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    done: str = "",
    user: User = Depends(reader),
    scope: Scope = Depends(current_scope),
) -> Response:
    info = wf.get_filing(get_db(request), scope, filing_id)
    return page(request, "review.html", message=DONE.get(done, ""), **review_context(request, info))


@router.get("/{filing_id}/page/{number}.png")
def pdf_page(
    request: Request,
    filing_id: int,
    number: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(reader),
    scope: Scope = Depends(current_scope),
) -> Response:
    db = get_db(request)
    info = wf.get_filing(db, scope, filing_id)
    if info.report_id is None:
        raise NotFound("没有原件。")
    try:
        png = page_png(original_bytes(db, info.report_id), number)
    except Exception as e:
        raise NotFound("该页不存在或无法显示。") from e
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


DONE = {
    "confirmed": "已确认该问题。",
    "dismissed": "已排除该问题。",
    "corrected": "已更正该单元格，并已重新检查。",
    "returned": "已退回填报单位修改。",
    "approved": "已审核通过。",
    "published": "已公开发布。",
}


def _back(filing_id: int, done: str) -> Response:
    return RedirectResponse(f"/review/{filing_id}?done={done}", status_code=303)


@router.post("/{filing_id}/finding")
def finding(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    fingerprint: str = Form(...),
    decision: str = Form(...),
    comment: str = Form(""),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Response:
    wf.decide(get_db(request), scope, user, filing_id, fingerprint, decision, comment)
    return _back(filing_id, decision)


@router.post("/{filing_id}/correct")
def correct(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    address: str = Form(...),
    value: str = Form(...),
    reason: str = Form(""),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Response:
    wf.correct_cell(get_db(request), scope, user, filing_id, address, value, reason)
    return _back(filing_id, "corrected")


@router.post("/{filing_id}/return")
def send_back(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    comment: str = Form(""),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Response:
    wf.send_back(get_db(request), scope, user, filing_id, comment)
    return _back(filing_id, "returned")


@router.post("/{filing_id}/approve")
def approve(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    comment: str = Form(""),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Response:
    wf.approve(get_db(request), scope, user, filing_id, comment)
    return _back(filing_id, "approved")


@router.post("/{filing_id}/publish")
def publish(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    comment: str = Form(""),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Response:
    wf.publish(get_db(request), scope, user, filing_id, comment)
    return _back(filing_id, "published")
