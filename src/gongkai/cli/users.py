"""``gongkai users``: accounts of the web application from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from gongkai.cli.options import HelpOption, new_app
from gongkai.cli.store import DbOption
from gongkai.errors import GongkaiError

users_app = new_app("users", "管理网页系统的用户：列出、新建、重置密码、停用和启用。")


def _err(e: GongkaiError) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"[red]错误：[/]{e.message}")
    return typer.Exit(2)


@users_app.callback()
def _root(_help_: HelpOption = False) -> None:
    """管理网页系统的用户：列出、新建、重置密码、停用和启用。"""


@users_app.command("list")
def list_cmd(db: DbOption = "gongkai.db", _help_: HelpOption = False) -> None:
    """列出全部用户。"""
    import sqlalchemy as sa

    from gongkai.serve.accounts import list_users
    from gongkai.store import schema as s
    from gongkai.store.db import open_db

    try:
        store = open_db(db)
    except GongkaiError as e:
        raise _err(e) from None
    with store.engine.connect() as conn:
        agencies = dict(conn.execute(sa.select(s.agencies.c.id, s.agencies.c.name)).all())
        regions = dict(conn.execute(sa.select(s.regions.c.id, s.regions.c.name)).all())
    table = Table("用户名", "姓名", "角色", "范围", "状态", box=box.SIMPLE_HEAD)
    for u in list_users(store):
        where = agencies.get(u.agency_id or -1) or regions.get(u.region_id or -1) or "全部"
        state = ("正常" if u.active else "已停用") + ("（待改初始密码）" if u.must_change_password else "")
        table.add_row(u.username, u.display_name, u.role_name, where, state)
    Console(highlight=False).print(table)


@users_app.command("add")
def add_cmd(
    username: Annotated[str, typer.Argument(help="用户名（登录用，不含空格）。", show_default=False)],
    role: Annotated[
        str,
        typer.Option(
            "--role", help="角色：admin 管理员，reviewer 公开办审核人，clerk 填报单位，viewer 只读。"
        ),
    ] = "clerk",
    name: Annotated[str | None, typer.Option("--name", help="姓名或显示名称。")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="审核人（或只读用户）所辖地区，如 淮安市。")
    ] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="填报单位所属机关的名称。")] = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """新建用户，打印一次性初始密码（首次登录须修改）。"""
    from gongkai.serve.accounts import create_user
    from gongkai.store.db import open_db

    try:
        user, password = create_user(
            open_db(db), username, role, display_name=name, region=region, agency=agency
        )
    except GongkaiError as e:
        raise _err(e) from None
    Console(highlight=False).print(
        f"已创建用户 [bold]{user.username}[/]（{user.role_name}），初始密码（只显示这一次）：[bold]{password}[/]"
    )


@users_app.command("passwd")
def passwd_cmd(
    username: Annotated[str, typer.Argument(help="用户名。", show_default=False)],
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """重置密码：生成新的一次性密码，并使该用户的所有登录失效。"""
    from gongkai.serve.accounts import set_password
    from gongkai.store.db import open_db

    try:
        password = set_password(open_db(db), username)
    except GongkaiError as e:
        raise _err(e) from None
    Console(highlight=False).print(
        f"用户 [bold]{username}[/] 的新初始密码（只显示这一次）：[bold]{password}[/]"
    )


def _active(username: str, db: str, active: bool) -> None:
    from gongkai.serve.accounts import set_active
    from gongkai.store.db import open_db

    try:
        set_active(open_db(db), username, active)
    except GongkaiError as e:
        raise _err(e) from None
    Console(highlight=False).print(f"已{'启用' if active else '停用'}用户 {username}。")


@users_app.command("disable")
def disable_cmd(
    username: Annotated[str, typer.Argument(help="用户名。", show_default=False)],
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """停用用户（立即退出登录）。"""
    _active(username, db, False)


@users_app.command("enable")
def enable_cmd(
    username: Annotated[str, typer.Argument(help="用户名。", show_default=False)],
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """重新启用用户。"""
    _active(username, db, True)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
