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


def new_app(name: str, help: str, **extra: object) -> typer.Typer:
    """A command group with the settings every gongkai app shares: help with -h/--help drawn by
    ``HelpOption`` (not click's), rich markup, no shell completion, no pretty tracebacks."""
    return typer.Typer(
        name=name,
        help=help,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": [], "max_content_width": 100},
        pretty_exceptions_enable=False,
        **extra,  # type: ignore[arg-type]
    )
