"""Pages: the Jinja2 environment (auto-escaping on for every template) and the page response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader

from gongkai.serve.auth import optional_auth

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
CHINA = timedelta(hours=8)

STATE_NAMES = {
    "draft": "草稿",
    "submitted": "已提交待审",
    "returned": "已退回修改",
    "approved": "已审核通过",
    "published": "已公开",
    None: "未开始",
}
ACTION_NAMES = {
    "create": "创建草稿",
    "save": "保存草稿",
    "upload": "上传文件",
    "submit": "提交",
    "return": "退回修改",
    "approve": "审核通过",
    "publish": "公开发布",
    "correct": "更正单元格",
    "confirm": "确认问题",
    "dismiss": "排除问题",
    "ingest": "批量导入",
}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_NAMES = {"read": "读出", "inferred": "推定", "ambiguous": "存疑", "missing": "缺失"}


def local_time(stamp: datetime | None) -> str:
    """A time as people here read it: Beijing time, to the minute."""
    if stamp is None:
        return ""
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return (stamp.astimezone(UTC) + CHINA).strftime("%Y-%m-%d %H:%M")


def _percent(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, auto_reload=False)
    env.filters["time"] = local_time
    env.filters["percent"] = _percent
    env.globals.update(
        STATE_NAMES=STATE_NAMES,
        ACTION_NAMES=ACTION_NAMES,
        SEVERITY_NAMES=SEVERITY_NAMES,
        STATUS_NAMES=STATUS_NAMES,
    )
    return env


ENV = environment()


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    auth = optional_auth(request)
    html = ENV.get_template(template).render(
        request=request,
        user=auth.user if auth else None,
        csrf=auth.csrf if auth else "",
        **context,
    )
    return HTMLResponse(html, status_code=status)
