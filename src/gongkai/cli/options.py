"""Options shared by every command module (a leaf module: command modules import it, not main)."""

from __future__ import annotations

from typing import Annotated

import typer


def _help(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        text = ctx.get_help()  # typer draws rich help itself and returns ""
        if text:
            typer.echo(text)
        raise typer.Exit()


HelpOption = Annotated[
    bool,
    typer.Option(
        "--help",
        "-h",
        help="显示本帮助并退出。",
        metavar="",
        is_eager=True,
        expose_value=False,
        callback=_help,
    ),
]
