"""The ASGI application: routers from :data:`ROUTERS`, error pages, security headers, static files.

A router module exposes ``router`` (a FastAPI ``APIRouter``). New areas (the request register
of issue 9) add their module's import path to :data:`ROUTERS`; they reuse the dependencies of
:mod:`gongkai.serve.auth` and must put ``Depends(csrf_guard)`` on the router. See docs/serve.md.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from gongkai.errors import GongkaiError
from gongkai.serve.auth import LoginRequired, PasswordChangeRequired, WebError
from gongkai.serve.render import STATIC, page
from gongkai.serve.security import RateLimiter
from gongkai.store.db import Database, open_db

ROUTERS: list[str] = [
    "gongkai.serve.routes_account",
    "gongkai.serve.routes_admin",
    "gongkai.serve.routes_filing",
    "gongkai.serve.routes_review",
    "gongkai.serve.routes_public",
    "gongkai.serve.routes_oversight",
    "gongkai.serve.api",
    "gongkai.register.web",
]

MAX_UPLOAD = 50 * 1024 * 1024  # bytes of one request body (a report, or a zip of reports)
log = logging.getLogger("gongkai.serve")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, message: str, status: int) -> Response:
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    return page(request, "error.html", status=status, message=message)


def create_app(db: Database | str | None = None, *, login_limit: int = 5) -> FastAPI:
    """The application on the store ``db`` (an open :class:`Database`, a URL or a path)."""
    store = db if isinstance(db, Database) else open_db(db)
    app = FastAPI(
        title="gongkai 政府信息公开年报系统 API",
        version="1",
        docs_url=None,  # the Swagger page loads scripts from a CDN: the schema is served instead
        redoc_url=None,
        openapi_url=None,
    )
    app.state.db = store
    app.state.login_limiter = RateLimiter(limit=login_limit)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for path in ROUTERS:
        module = importlib.import_module(path)
        app.include_router(module.router)

    @app.exception_handler(PasswordChangeRequired)
    async def _password(request: Request, exc: PasswordChangeRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"error": exc.message}, status_code=403)
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request) or request.method != "GET":
            return _error(request, exc.message, 401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(WebError)
    async def _web(request: Request, exc: WebError) -> Response:
        return _error(request, exc.message, exc.status)

    @app.exception_handler(GongkaiError)
    async def _gongkai(request: Request, exc: GongkaiError) -> Response:
        return _error(request, exc.message, 400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = "、".join(sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors()}))
        return _error(request, f"请求中的字段缺失或格式不对：{fields}。", 400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "页面不存在。", 405: "不支持该请求方式。"}
        return _error(request, messages.get(exc.status_code, "请求无法处理。"), exc.status_code)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return _error(request, "系统内部错误，请稍后重试或联系管理员。", 500)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_UPLOAD:
            return _error(request, f"上传内容过大，上限为 {MAX_UPLOAD // (1024 * 1024)} MB。", 413)
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.url.path.startswith(("/static/", "/public")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
