"""``gongkai serve``: the web application on the store (see docs/serve.md and docs/guide.md)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from gongkai.cli.options import HelpOption
from gongkai.cli.store import DB_ENV
from gongkai.errors import GongkaiError

SAMPLES = ("sample-2020.txt", "sample-2023.txt")

ServeDbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        metavar="URL",
        help=(
            "数据库：SQLite 文件路径（默认当前目录下的 gongkai.db，不存在时创建），"
            "或 PostgreSQL 地址 postgresql://用户:密码@主机/库名。"
        ),
    ),
]


def load_samples(db: object) -> list[int]:
    """Ingest the bundled sample reports and list them as published; their report ids."""
    from importlib.resources import as_file, files

    from gongkai.serve.workflow import WorkflowError, mark_published
    from gongkai.store.ingest import ingest
    from gongkai.store.query import load_reports

    with as_file(files("gongkai") / "samples") as folder:
        ingest(db, [folder / n for n in SAMPLES], jobs=1)  # type: ignore[arg-type]
    ids = []
    for rec in load_reports(db):  # type: ignore[arg-type]
        try:
            mark_published(db, None, rec.agency_id, rec.year, rec.report_id)  # type: ignore[arg-type]
        except WorkflowError:
            continue
        ids.append(rec.report_id)
    return ids


def serve_cmd(
    db: ServeDbOption = "gongkai.db",
    host: Annotated[str, typer.Option("--host", help="监听地址；默认只允许本机访问。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口。")] = 8000,
    sample: Annotated[
        bool, typer.Option("--sample", metavar="", help="导入自带的两份示例报告并列入公开年报（演示用）。")
    ] = False,
    _help_: HelpOption = False,
) -> None:
    """启动网页系统：填报单位网上填报、公开办审核发布、公众查看公开年报。"""
    import uvicorn

    from gongkai.serve.accounts import ADMIN_NAME, ensure_admin
    from gongkai.serve.app import create_app
    from gongkai.store.db import open_db

    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    try:
        store = open_db(db)
        password = ensure_admin(store)
        if sample:
            n = len(load_samples(store))
            out.print(f"已导入示例报告并公开：{n} 份。")
    except GongkaiError as e:
        err.print(f"[red]错误：[/]{e.message}")
        raise typer.Exit(2) from None
    if password:
        out.print(
            f"首次启动，已创建管理员账号 [bold]{ADMIN_NAME}[/]，初始密码（只显示这一次）：[bold]{password}[/]\n"
            "登录后须立即修改密码。"
        )
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(
            f"[yellow]注意：[/]监听 {host}，其他计算机可以访问本系统；请在前面配置 HTTPS 反向代理，"
            "不要以明文 HTTP 在网络上传送密码。"
        )
    shown = f"[{host}]" if ":" in host else host
    out.print(f"网页系统已启动：http://{shown}:{port}/  （按 Ctrl+C 停止）")
    uvicorn.run(create_app(store), host=host, port=port, log_level="warning", server_header=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
