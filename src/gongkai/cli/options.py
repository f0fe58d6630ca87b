"""Options shared by every command module (a leaf module: command modules import it, not main)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

try:  # typer 0.2x carries its own copy of click
    from typer._click import ClickException
except ImportError:  # pragma: no cover - older typer on click
    from click import ClickException  # type: ignore[assignment,no-redef]


def _help(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from gongkai.cli.zh import localize

        localize()
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


OcrOption = Annotated[
    bool,
    typer.Option(
        "--ocr/--no-ocr",
        help="对扫描件（没有文字层的 PDF）和图片（PNG、JPEG、TIFF）做文字识别（OCR，在本机运行，不联网）；--no-ocr 时拒绝读取它们。",
    ),
]
JobsOption = Annotated[
    int,
    typer.Option("--jobs", "-j", min=1, max=64, metavar="N", help="文字识别时并行处理的页数。"),
]


@contextlib.contextmanager
def ocr_scope(enabled: bool, jobs: int, err: Console) -> Iterator[None]:
    """OCR switched on or off for the commands inside, with per-page progress on standard error."""
    from gongkai.read.ocr import ocr_settings

    def progress(done: int, total: int) -> None:
        err.print(f"[dim]文字识别（OCR）：第 {done}/{total} 页完成[/]", soft_wrap=True)

    def notice(message: str) -> None:
        err.print(f"[yellow]提示[/]  {escape(message)}", soft_wrap=True)

    with ocr_settings(enabled=enabled, jobs=jobs, progress=progress, notice=notice):
        yield


def _localize() -> None:
    from gongkai.cli.zh import localize

    localize()


class GongkaiGroup(TyperGroup):
    """A command group whose commands share one error boundary: whatever a command lets escape
    is printed for people (``run.report_exception``: a Chinese message and exit 2 for a
    ``GongkaiError``, exit 3 and a traceback only with ``--debug`` for a bug), never as a bare
    traceback. Nested groups are covered by the outermost one."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except ClickException:
            _localize()  # a usage error (or no arguments: help) is about to be drawn
            raise

    def format_help(self, *args: Any, **kwargs: Any) -> Any:
        _localize()
        return super().format_help(*args, **kwargs)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ClickException:
            _localize()
            raise
        except (typer.Exit, typer.Abort):
            raise
        except (KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as e:
            from gongkai.cli.run import report_exception

            code = report_exception(Console(stderr=True, highlight=False), e)
            raise typer.Exit(code) from None


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
        cls=GongkaiGroup,
        **extra,  # type: ignore[arg-type]
    )
