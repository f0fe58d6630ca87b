"""The JSON API under ``/api/``: the same operations, auth and scopes as the pages.

Sign in with ``POST /api/login`` and send the token as ``Authorization: Bearer …`` (no CSRF
token needed), or use the browser's session cookie plus the ``X-CSRF-Token`` header. The
OpenAPI description is at ``GET /api/openapi.json`` (signed in).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gongkai.serve import accounts
from gongkai.serve import workflow as wf
from gongkai.serve.accounts import User
from gongkai.serve.auth import (
    Auth,
    NotFound,
    Scope,
    WebError,
    csrf_guard,
    current_auth,
    current_scope,
    current_user,
    get_db,
    require_role,
)
from gongkai.serve.deps import scoped_filing

router = APIRouter(prefix="/api", dependencies=[Depends(csrf_guard)], tags=["gongkai"])
clerk = require_role("clerk", "admin")
reviewer = require_role("reviewer", "admin")
reader = require_role("reviewer", "admin", "viewer")


class Login(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class Token(BaseModel):
    token: str = Field(description="放在 Authorization: Bearer 头中")
    user: dict[str, Any]


class NewFiling(BaseModel):
    year: int
    agency_id: int | None = Field(None, description="管理员须指定；填报单位用户为其本机关")


class Draft(BaseModel):
    title: str | None = None
    cells: dict[str, str] = Field(default_factory=dict, description="单元格地址 → 数字文本；空字符串为清空")
    sections: dict[str, str] = Field(default_factory=dict, description="章节键 → 文字")


class Submit(Draft):
    reasons: dict[str, str] = Field(default_factory=dict, description="警告指纹 → 说明原因")


class Comment(BaseModel):
    comment: str = ""


class Decision(BaseModel):
    decision: str = Field(pattern="^(confirmed|dismissed)$")
    comment: str = ""


class CorrectionIn(BaseModel):
    address: str
    value: str
    reason: str


def _user_json(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role,
        "region_id": u.region_id,
        "agency_id": u.agency_id,
    }


def _filing_json(f: wf.FilingInfo) -> dict[str, Any]:
    return {
        "id": f.id,
        "agency_id": f.agency_id,
        "agency": f.agency,
        "year": f.year,
        "state": f.state,
        "report_id": f.report_id,
        "submissions": f.submissions,
        "submitted_at": f.submitted_at.isoformat() if f.submitted_at else None,
        "published_at": f.published_at.isoformat() if f.published_at else None,
        "errors": f.errors,
        "warnings": f.warnings,
    }


def _form(d: Draft) -> dict[str, str]:
    form = {f"cell:{a}": v for a, v in d.cells.items()}
    form.update({f"section:{k}": v for k, v in d.sections.items()})
    if d.title is not None:
        form["title"] = d.title
    return form


@router.post("/login", response_model=Token)
def login(request: Request, body: Login) -> Any:
    from gongkai.serve.routes_account import attempt_login

    user = attempt_login(request, body.username, body.password)
    if user.must_change_password:
        raise WebError("请先在网页上修改初始密码。", 403)
    token, _ = accounts.open_session(get_db(request), user)
    return {"token": token, "user": _user_json(user)}


@router.post("/logout")
def logout(request: Request, auth: Auth = Depends(current_auth)) -> Any:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get("gk_session")
    accounts.close_session(get_db(request), token)
    return {"ok": True}


@router.get("/me")
def me(user: User = Depends(current_user)) -> Any:
    return _user_json(user)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, user: User = Depends(current_user)) -> Any:
    return JSONResponse(
        get_openapi(title=request.app.title, version=request.app.version, routes=router.routes)
    )


@router.get("/filings")
def filings(
    request: Request,
    state: str | None = None,
    year: int | None = None,
    user: User = Depends(current_user),
    scope: Scope = Depends(current_scope),
) -> Any:
    items = wf.list_filings(get_db(request), scope, states=(state,) if state else None, year=year)
    return [_filing_json(f) for f in items]


@router.post("/filings", status_code=201)
def new_filing(
    request: Request, body: NewFiling, user: User = Depends(clerk), scope: Scope = Depends(current_scope)
) -> Any:
    target = user.agency_id if user.role == "clerk" else body.agency_id
    if target is None:
        raise WebError("请指定 agency_id。")
    fid = wf.start_filing(get_db(request), scope, user, target, body.year)
    return _filing_json(wf.get_filing(get_db(request), scope, fid))


def _with_report(request: Request, info: wf.FilingInfo) -> dict[str, Any]:
    from gongkai.serve.routes_filing import findings_json

    report = wf.draft_report(get_db(request), info.id)
    out = _filing_json(info)
    out["draft"] = report.to_json_dict()
    out["findings"] = findings_json(report)
    return out


@router.get("/filings/{filing_id}")
def filing(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(current_user),
    scope: Scope = Depends(current_scope),
) -> Any:
    return _with_report(request, wf.get_filing(get_db(request), scope, filing_id))


@router.put("/filings/{filing_id}/draft")
def save_draft(
    request: Request,
    filing_id: int,
    body: Draft,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Any:
    result = wf.save_draft(get_db(request), scope, user, filing_id, _form(body))
    out = _with_report(request, wf.get_filing(get_db(request), scope, filing_id))
    out["invalid"] = result.invalid
    return out


@router.post("/filings/{filing_id}/upload")
async def upload(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    file: UploadFile = File(...),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Any:
    from gongkai.serve.routes_filing import MAX_UPLOAD

    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise WebError("文件过大。", 413)
    wf.upload(get_db(request), scope, user, filing_id, (file.filename or "upload")[-200:], data)
    return _with_report(request, wf.get_filing(get_db(request), scope, filing_id))


@router.post("/filings/{filing_id}/submit")
def submit(
    request: Request,
    filing_id: int,
    body: Submit,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(clerk),
    scope: Scope = Depends(current_scope),
) -> Any:
    wf.submit(get_db(request), scope, user, filing_id, _form(body), body.reasons)
    return _filing_json(wf.get_filing(get_db(request), scope, filing_id))


@router.post("/filings/{filing_id}/return")
def send_back(
    request: Request,
    filing_id: int,
    body: Comment,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Any:
    wf.send_back(get_db(request), scope, user, filing_id, body.comment)
    return _filing_json(wf.get_filing(get_db(request), scope, filing_id))


@router.post("/filings/{filing_id}/approve")
def approve(
    request: Request,
    filing_id: int,
    body: Comment,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Any:
    wf.approve(get_db(request), scope, user, filing_id, body.comment)
    return _filing_json(wf.get_filing(get_db(request), scope, filing_id))


@router.post("/filings/{filing_id}/publish")
def publish(
    request: Request,
    filing_id: int,
    body: Comment,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Any:
    wf.publish(get_db(request), scope, user, filing_id, body.comment)
    return _filing_json(wf.get_filing(get_db(request), scope, filing_id))


@router.get("/filings/{filing_id}/review")
def review(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(reader),
    scope: Scope = Depends(current_scope),
) -> Any:
    """The submitted report: cells (parsed and corrected), findings with fingerprints and decisions."""
    db = get_db(request)
    info = wf.get_filing(db, scope, filing_id)
    if info.report_id is None:
        raise NotFound("该填报尚未提交。")
    st = wf.stored(db, info.report_id)
    findings = [
        {**r.json(), "comment": r.decision[1] if r.decision else None}
        for r in wf.reviewed_findings(db, info, st)
    ]
    cells = {}
    for address, row in st.rows.items():
        fix = st.fixes.get(address)
        cells[address] = {
            "parsed": row.value if row.status in ("read", "inferred") else None,
            "status": row.status,
            "raw": row.raw,
            "corrected": fix.new_value if fix is not None else None,
            "why": fix.why if fix is not None else None,
        }
    return {"filing": _filing_json(info), "version": st.version, "cells": cells, "findings": findings}


@router.post("/filings/{filing_id}/findings/{fingerprint}")
def decide(
    request: Request,
    filing_id: int,
    fingerprint: str,
    body: Decision,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Any:
    wf.decide(get_db(request), scope, user, filing_id, fingerprint, body.decision, body.comment)
    return {"ok": True}


@router.post("/filings/{filing_id}/corrections")
def correct(
    request: Request,
    filing_id: int,
    body: CorrectionIn,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Any:
    wf.correct_cell(get_db(request), scope, user, filing_id, body.address, body.value, body.reason)
    return {"ok": True}


@router.get("/filings/{filing_id}/history")
def history(
    request: Request,
    filing_id: int,
    _in_scope: wf.FilingInfo = Depends(scoped_filing),
    user: User = Depends(current_user),
    scope: Scope = Depends(current_scope),
) -> Any:
    db = get_db(request)
    wf.get_filing(db, scope, filing_id)
    return [
        {
            "at": e.at.isoformat(),
            "who": e.who,
            "action": e.action,
            "comment": e.comment,
            "details": e.details,
            "report_id": e.report_id,
        }
        for e in wf.history(db, filing_id)
    ]


@router.get("/dashboard")
def dashboard(
    request: Request, year: int, user: User = Depends(reader), scope: Scope = Depends(current_scope)
) -> Any:
    from gongkai.serve import oversight as ov

    board = ov.dashboard(get_db(request), scope, year)
    return {
        "year": board.year,
        "due": board.due.isoformat(),
        "submitted": board.submitted,
        "late": board.late,
        "errors": board.errors,
        "warnings": board.warnings,
        "years": board.years,
        "indicators": board.indicators,
        "received": board.received,
        "agencies": [
            {
                "agency_id": a.agency_id,
                "agency": a.agency,
                "state": a.state,
                "filing_id": a.filing_id,
                "report_id": a.report_id,
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "late": a.late,
                "errors": a.errors,
                "warnings": a.warnings,
                "repeated": a.repeated,
            }
            for a in board.agencies
        ],
    }


@router.post("/batch")
async def batch(
    request: Request,
    file: UploadFile = File(...),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Any:
    from gongkai.serve.routes_oversight import batch_ingest, read_zip

    return batch_ingest(get_db(request), scope, user, file.filename or "batch.zip", await read_zip(file))


@router.get("/public/reports")
def public_reports(request: Request, year: int | None = None, region_id: int | None = None) -> Any:
    """Published reports (no sign-in needed)."""
    from gongkai.serve.routes_public import published_rows

    return [
        {"report_id": r.report_id, "agency_id": r.agency_id, "agency": r.agency, "year": r.year}
        for r in published_rows(get_db(request), region_id=region_id, year=year)
    ]


@router.get("/public/reports/{report_id}")
def public_report(request: Request, report_id: int) -> Any:
    """One published report as the JSON of ``gongkai parse --json`` (corrections applied)."""
    from gongkai.serve.routes_public import published_record

    rec = published_record(get_db(request), report_id)
    return rec.report.to_json_dict()
