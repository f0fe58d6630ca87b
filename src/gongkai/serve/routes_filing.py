"""填报: a clerk's filings, the online form with live totals and findings, uploads, submission."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from gongkai.errors import GongkaiError
from gongkai.model.keys import edition, edition_for_year
from gongkai.model.report import Report, Severity
from gongkai.serve import workflow as wf
from gongkai.serve.accounts import User
from gongkai.serve.auth import Scope, WebError, csrf_guard, current_scope, get_db, require_role
from gongkai.serve.deps import scoped_filing
from gongkai.serve.grids import labels, tables, total_cells
from gongkai.serve.render import page
from gongkai.store.agencies import now
from gongkai.write.layout import format_value

router = APIRouter(prefix="/filing", dependencies=[Depends(csrf_guard)], include_in_schema=False)
clerk = require_role("clerk", "admin")
MAX_UPLOAD = 50 * 1024 * 1024


def cell_views(report: Report, invalid: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    names = labels(report.meta.edition)
    out: dict[str, dict[str, str]] = {}
    for address, cell in report.cells():
        value = format_value(cell.value) if cell.known else cell.raw if address in (invalid or {}) else ""
        title = names.get(address, address)
        if cell.status.value == "ambiguous" and cell.candidates:
            title += "；读取存疑，可能是 " + " 或 ".join(format_value(c) for c in cell.candidates)
        if cell.raw == "上年报告":
            title += "；取自上年报告，请核对"
        out[address] = {
            "value": value,
            "status": cell.status.value,
            "title": title,
            "label": names.get(address, ""),
        }
        if invalid and address in invalid:
            out[address]["cls"] = "invalid"
            out[address]["title"] += "；" + invalid[address]
    return out


def findings_json(report: Report) -> list[dict[str, Any]]:
    values = wf.report_values(report)
    return [
        {
            "rule": f.rule,
            "severity": f.severity.value,
            "message": f.message,
            "cells": f.cells,
            "fingerprint": wf.fingerprint(f.rule, f.cells, values),
        }
        for f in report.findings
    ]


async def form_dict(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def reasons_of(form: dict[str, str]) -> dict[str, str]:
    return {k[len("reason:") :]: v for k, v in form.items() if k.startswith("reason:")}


@router.get("")
def filings_page(
    request: Request, user: User = Depends(clerk), scope: Scope = Depends(current_scope)
) -> Response:
    db = get_db(request)
    items = wf.list_filings(db, scope)
    agency = wf.agency_name(db, user.agency_id) if user.agency_id else None
    return page(request, "filings.html", items=items, agency=agency, default_year=now().year - 1)


@router.post("/new")
def new_filing(
    request: Request,
    year: int = Form(...),
    agency_id: int | None = Form(None),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Response:
    target = user.agency_id if user.role == "clerk" else agency_id
    if target is None:
        raise WebError("请选择机关。")
    fid = wf.start_filing(get_db(request), scope, user, target, year)
    return RedirectResponse(f"/filing/{fid}", status_code=303)


def _form_page(
    request: Request,
    info: wf.FilingInfo,
    report: Report,
    *,
    message: str = "",
    invalid: dict[str, str] | None = None,
    status: int = 200,
    reasons: dict[str, str] | None = None,
) -> Response:
    db = get_db(request)
    ed = report.meta.edition
    return page(
        request,
        "filing.html",
        status=status,
        info=info,
        report=report,
        edition=edition(ed),
        views=tables(ed),
        cells=cell_views(report, invalid),
        totals={a for a in total_cells(ed) if report.cell(a).at is None},
        findings=findings_json(report),
        events=wf.history(db, info.id),
        editable=info.state in wf.EDITABLE,
        message=message,
        reasons=reasons or {},
        Severity=Severity,
    )


@router.get("/{filing_id}")
def filing_page(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Response:
    db = get_db(request)
    info = wf.get_filing(db, scope, filing_id)
    report = wf.draft_report(db, filing_id)
    return _form_page(request, info, report)


@router.post("/{filing_id}/check")
async def live_check(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Response:
    """The form as typed, checked without saving: totals, invalid cells, findings (JSON)."""
    db = get_db(request)
    wf.get_filing(db, scope, filing_id)
    result = wf.apply_form(wf.draft_report(db, filing_id), await form_dict(request))
    report = result.report
    totals = {
        a: format_value(report.cell(a).value) if report.cell(a).known else ""
        for a in total_cells(report.meta.edition)
    }
    return JSONResponse(
        {"totals": totals, "invalid": result.invalid, "findings": findings_json(report), "labels": {}}
    )


@router.post("/{filing_id}/save")
async def save(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Response:
    db = get_db(request)
    form = await form_dict(request)
    result = wf.save_draft(db, scope, user, filing_id, form)
    info = wf.get_filing(db, scope, filing_id)
    note = "草稿已保存。" + (f"有 {len(result.invalid)} 个单元格不是有效数字。" if result.invalid else "")
    return _form_page(
        request, info, result.report, message=note, invalid=result.invalid, reasons=reasons_of(form)
    )


@router.post("/{filing_id}/upload")
async def upload(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    file: UploadFile = File(...),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Response:
    db = get_db(request)
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise WebError(f"文件过大，上限为 {MAX_UPLOAD // (1024 * 1024)} MB。", 413)
    name = (file.filename or "上传文件").replace("\\", "/").rsplit("/", 1)[-1][:200]
    report = wf.upload(db, scope, user, filing_id, name, data)
    info = wf.get_filing(db, scope, filing_id)
    unread = sum(1 for _, c in report.cells() if not c.known)
    return _form_page(
        request,
        info,
        report,
        message=f"已读取「{name}」：请逐格核对读出的数字（标黄的单元格存疑，标灰的未读出，共 {unread} 个）。",
    )


@router.post("/{filing_id}/submit")
async def submit(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Response:
    db = get_db(request)
    form = await form_dict(request)
    reasons = reasons_of(form)
    try:
        wf.submit(db, scope, user, filing_id, form, reasons)
    except wf.WorkflowError as e:
        info = wf.get_filing(db, scope, filing_id)
        if info.state not in wf.EDITABLE:
            raise
        result = wf.apply_form(wf.draft_report(db, filing_id), form)
        return _form_page(
            request,
            info,
            result.report,
            message=e.message,
            invalid=result.invalid,
            status=400,
            reasons=reasons,
        )
    return RedirectResponse(f"/filing/{filing_id}", status_code=303)


@router.get("/{filing_id}/template.xlsx")
def template(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Response:
    from urllib.parse import quote

    from gongkai.write.template import write_template

    db = get_db(request)
    info = wf.get_filing(db, scope, filing_id)
    try:
        data = write_template(edition_for_year(info.year), year=info.year, agency=info.agency)
    except GongkaiError as e:
        raise WebError(e.message) from e
    name = quote(f"{info.agency}{info.year}年度年报填报表.xlsx")
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )
