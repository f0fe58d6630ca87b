"""Sign in and out, the home page, changing one's password."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from gongkai.serve import accounts, security
from gongkai.serve.accounts import AccountError, User
from gongkai.serve.auth import (
    COOKIE,
    PRE_COOKIE,
    Auth,
    WebError,
    csrf_guard,
    current_auth,
    get_db,
    optional_auth,
)
from gongkai.serve.render import page

router = APIRouter(dependencies=[Depends(csrf_guard)])

HOME = {"clerk": "/filing", "reviewer": "/review", "admin": "/review", "viewer": "/dashboard"}
LIMITED = "登录失败次数过多，请 5 分钟后再试。"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=accounts.SESSION_HOURS * 3600,
        path="/",
    )


def client_key(request: Request) -> str:
    return "ip:" + (request.client.host if request.client else "?")


class LoginRefused(WebError):
    status = 401


def attempt_login(request: Request, username: str, password: str) -> User:
    """The user of a name and password, within the rate limit (pages and API alike)."""
    limiter: security.RateLimiter = request.app.state.login_limiter
    keys = ("user:" + username.strip(), client_key(request))
    if limiter.blocked(*keys):
        raise LoginRefused(LIMITED, 429)
    user = accounts.authenticate(get_db(request), username, password)
    if user is None:
        limiter.fail(*keys)
        raise LoginRefused("用户名或密码不正确。", 401)
    limiter.clear(keys[0])
    return user


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    auth = optional_auth(request)
    if auth is None:
        return RedirectResponse("/public", status_code=303)
    return RedirectResponse(HOME.get(auth.user.role, "/public"), status_code=303)


def _login_page(request: Request, message: str = "", status: int = 200, username: str = "") -> Response:
    pre = security.new_token()
    response = page(request, "login.html", status=status, message=message, pre=pre, username=username)
    response.set_cookie(PRE_COOKIE, pre, httponly=True, samesite="strict", path="/login", max_age=3600)
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    if not security.same(csrf, request.cookies.get(PRE_COOKIE)):
        return _login_page(request, "页面已过期，请重新登录。", 403, username)
    try:
        user = attempt_login(request, username, password)
    except LoginRefused as e:
        return _login_page(request, e.message, e.status, username)
    db = get_db(request)
    token, _ = accounts.open_session(db, user)
    target = "/account/password" if user.must_change_password else HOME.get(user.role, "/")
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(PRE_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, auth: Auth = Depends(current_auth)) -> Response:
    accounts.close_session(get_db(request), request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/account/password", include_in_schema=False)
def password_form(request: Request, auth: Auth = Depends(current_auth)) -> Response:
    return page(request, "password.html", forced=auth.user.must_change_password)


@router.post("/account/password", include_in_schema=False)
def change_password(
    request: Request,
    old: str = Form(""),
    new: str = Form(""),
    again: str = Form(""),
    auth: Auth = Depends(current_auth),
) -> Response:
    user: User = auth.user
    try:
        if new != again:
            raise AccountError("两次输入的新密码不一致。")
        accounts.change_own_password(get_db(request), user, old, new)
    except AccountError as e:
        return page(request, "password.html", status=400, message=e.message, forced=user.must_change_password)
    fresh = accounts.get_user(get_db(request), user.id)
    assert fresh is not None
    token, _ = accounts.open_session(get_db(request), fresh)  # the change ended every session
    response = RedirectResponse(HOME.get(user.role, "/"), status_code=303)
    set_session_cookie(request, response, token)
    return response
