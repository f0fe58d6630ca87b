"""Accounts, for administrators: list, create, reset a password, disable and enable."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from gongkai.serve import accounts
from gongkai.serve.accounts import AccountError, User
from gongkai.serve.auth import csrf_guard, get_db, require_role
from gongkai.serve.render import page
from gongkai.store import schema as s

router = APIRouter(prefix="/admin", dependencies=[Depends(csrf_guard)], include_in_schema=False)
admin_only = require_role("admin")


def _names(request: Request) -> tuple[dict[int, str], dict[int, str]]:
    import sqlalchemy as sa

    with get_db(request).engine.connect() as conn:
        agencies = dict(conn.execute(sa.select(s.agencies.c.id, s.agencies.c.name)).all())
        regions = dict(conn.execute(sa.select(s.regions.c.id, s.regions.c.name)).all())
    return agencies, regions


def _list(
    request: Request, message: str = "", created: tuple[str, str] | None = None, status: int = 200
) -> Response:
    agencies, regions = _names(request)
    return page(
        request,
        "admin_users.html",
        status=status,
        users=accounts.list_users(get_db(request)),
        agencies=agencies,
        regions=regions,
        roles=accounts.ROLE_NAMES,
        message=message,
        created=created,
    )


@router.get("/users")
def users_page(request: Request, _: User = Depends(admin_only)) -> Response:
    return _list(request)


@router.post("/users")
def create_user(
    request: Request,
    username: str = Form(""),
    display_name: str = Form(""),
    role: str = Form(""),
    region: str = Form(""),
    agency: str = Form(""),
    _: User = Depends(admin_only),
) -> Response:
    try:
        user, password = accounts.create_user(
            get_db(request),
            username,
            role,
            display_name=display_name or None,
            region=region or None,
            agency=agency or None,
        )
    except AccountError as e:
        return _list(request, e.message, status=400)
    return _list(request, created=(user.username, password))


@router.post("/users/{username}/reset")
def reset(request: Request, username: str, _: User = Depends(admin_only)) -> Response:
    try:
        password = accounts.set_password(get_db(request), username)
    except AccountError as e:
        return _list(request, e.message, status=400)
    return _list(request, created=(username, password))


@router.post("/users/{username}/active")
def set_active(
    request: Request, username: str, active: str = Form(""), admin: User = Depends(admin_only)
) -> Response:
    if username == admin.username:
        return _list(request, "不能停用自己的账号。", status=400)
    try:
        accounts.set_active(get_db(request), username, active == "1")
    except AccountError as e:
        return _list(request, e.message, status=400)
    return _list(request, f"已{'启用' if active == '1' else '停用'}用户 {username}。")
