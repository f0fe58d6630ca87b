"""Who is asking and what they may see: the dependencies every route uses.

Reuse these in new routers (the request register of issue 9 does):

* ``current_user`` (dependency): the signed-in :class:`~gongkai.serve.accounts.User`; without a
  session a page redirects to the login page and an API route answers 401.
* ``require_role("reviewer", "admin")`` (dependency factory): the user, or 403.
* ``current_scope`` (dependency): the user's :class:`Scope`; ``scope.agency_filter(column)`` is a
  SQL condition to add to every query on agency-owned rows, ``scope.check_agency(id)`` raises
  404 for an agency outside it.
* ``csrf_guard`` (dependency, put on every router): refuses a POST/PUT/PATCH/DELETE whose form
  field ``csrf`` or header ``X-CSRF-Token`` is not the session's token (bearer clients need none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from fastapi import Depends, Request

from gongkai.errors import GongkaiError
from gongkai.serve import accounts, security
from gongkai.serve.accounts import User
from gongkai.store import schema as s
from gongkai.store.db import Database

COOKIE = "gk_session"
PRE_COOKIE = "gk_pre"  # the CSRF token of the login form, before there is a session
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class WebError(GongkaiError):
    """An error shown to the user as a page (or JSON for the API) with an HTTP status."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class LoginRequired(WebError):
    status = 401


class Forbidden(WebError):
    status = 403


class NotFound(WebError):
    status = 404


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@dataclass(frozen=True)
class Auth:
    user: User
    csrf: str
    bearer: bool  # signed in by an Authorization header: no ambient credentials, no CSRF needed


def _token(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), True
    return request.cookies.get(COOKIE), False


def current_auth(request: Request) -> Auth:
    cached = getattr(request.state, "auth", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    token, bearer = _token(request)
    found = accounts.session_user(get_db(request), token)
    if found is None:
        raise LoginRequired("请先登录。")
    auth = Auth(found[0], found[1], bearer)
    request.state.auth = auth
    return auth


def optional_auth(request: Request) -> Auth | None:
    try:
        return current_auth(request)
    except LoginRequired:
        return None


def current_user(request: Request, auth: Auth = Depends(current_auth)) -> User:
    """The signed-in user; one who must change a one-time password goes to that page first."""
    if auth.user.must_change_password and request.url.path not in ("/account/password", "/logout"):
        raise PasswordChangeRequired("请先修改初始密码。", 403)
    return auth.user


class PasswordChangeRequired(WebError):
    status = 403


def require_role(*roles: str) -> Callable[..., User]:
    def dependency(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise Forbidden("您的账号没有执行此操作的权限。")
        return user

    return dependency


async def csrf_guard(request: Request) -> None:
    """Refuse an unsafe request without the session's CSRF token (see the module docstring)."""
    if request.method not in UNSAFE:
        return
    auth = optional_auth(request)
    if auth is None:
        if request.url.path in ("/login", "/api/login"):
            return  # checked by the login route itself against the pre-session cookie
        raise LoginRequired("请先登录。")
    if auth.bearer:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not security.same(sent, auth.csrf):
        raise Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")


# --- scope ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a user may see: every agency (``everything``) or the agencies in ``agency_ids``."""

    everything: bool
    agency_ids: frozenset[int]
    region_ids: frozenset[int] = frozenset()

    def allows(self, agency_id: int | None) -> bool:
        return self.everything or (agency_id is not None and agency_id in self.agency_ids)

    def check_agency(self, agency_id: int | None) -> None:
        """404 (not 403: nothing tells whether the id exists) for an agency outside the scope."""
        if not self.allows(agency_id):
            raise NotFound("没有找到该记录，或它不在您的权限范围内。")

    def agency_filter(self, column: Any) -> Any:
        """A SQL condition on an agency id column: true for rows in scope."""
        if self.everything:
            return sa.true()
        if not self.agency_ids:
            return sa.false()
        return column.in_(sorted(self.agency_ids))

    def filter_ids(self, agency_ids: Iterable[int]) -> list[int]:
        return [a for a in agency_ids if self.allows(a)]


def region_subtree(conn: sa.Connection, region_id: int) -> set[int]:
    """A region and every region below it."""
    r = s.regions.c
    children: dict[int | None, list[int]] = {}
    for rid, parent in conn.execute(sa.select(r.id, r.parent_id)):
        children.setdefault(parent, []).append(rid)
    out: set[int] = set()
    todo = [region_id]
    while todo:
        rid = todo.pop()
        if rid not in out:
            out.add(rid)
            todo.extend(children.get(rid, []))
    return out


def scope_of(db: Database, user: User) -> Scope:
    if user.role == "admin" or (user.role == "viewer" and user.region_id is None):
        return Scope(True, frozenset())
    if user.role == "clerk":
        return Scope(False, frozenset({user.agency_id} if user.agency_id is not None else ()))
    if user.region_id is None:
        return Scope(False, frozenset())
    with db.engine.connect() as conn:
        regions = region_subtree(conn, user.region_id)
        a = s.agencies.c
        ids = conn.execute(sa.select(a.id).where(a.region_id.in_(sorted(regions)))).scalars().all()
    return Scope(False, frozenset(ids), frozenset(regions))


def current_scope(request: Request, user: User = Depends(current_user)) -> Scope:
    cached = getattr(request.state, "scope", None)
    if cached is None:
        cached = scope_of(get_db(request), user)
        request.state.scope = cached
    return cached  # type: ignore[no-any-return]
