"""Running a command over several inputs: load each, report failures, keep the exit code.

A bad input never stops the others: its message goes to standard error and the exit code
becomes non-zero. Unexpected exceptions are bugs: a short message, and the traceback only with
``--debug`` or ``GONGKAI_DEBUG=1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from gongkai.errors import GongkaiError, InputError

if TYPE_CHECKING:  # pydantic is imported by the commands that read reports, not for --help
    from gongkai.model.report import Report

STDIN = "-"
EXIT_OK = 0
EXIT_FINDINGS = 1  # check: at least one error-level finding
EXIT_INPUT = 2  # an input could not be read (GongkaiError.exit_code), or a usage error
EXIT_BUG = 3  # an unexpected exception inside gongkai
EXIT_INTERRUPTED = 130  # Ctrl-C

BUG_HINT = (
    "这是 gongkai 的缺陷，请把所用命令和文件一并报告给开发者。"
    "加 --debug 或设置环境变量 GONGKAI_DEBUG=1 可显示出错位置。"
)


def debug_from_env() -> bool:
    """Whether to show tracebacks: ``--debug`` on the running ``gongkai`` command (read from the
    click context, so that every command module honours it), or ``GONGKAI_DEBUG=1``."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - older typer on click
        from click import get_current_context  # type: ignore[no-redef]

    ctx = get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    if isinstance(obj, dict) and obj.get("debug"):
        return True
    return os.environ.get("GONGKAI_DEBUG", "").strip().lower() not in ("", "0", "false", "no")


def report_exception(err: Console, e: BaseException, where: str | None = None, debug: bool = False) -> int:
    """Print an exception for people and return the exit code: a :class:`GongkaiError` as its
    Chinese message (exit 2, or its own code); anything else as a bug (exit 3), with the
    traceback only with ``--debug`` / ``GONGKAI_DEBUG=1``. The one error boundary of every
    command (``cli/options.py``) and of each input of a batch (:class:`Batch`) print this way."""
    prefix = f"{escape(where)}：" if where else ""
    if isinstance(e, GongkaiError):
        err.print(f"[bold red]错误[/]  {prefix}{escape(e.message)}", soft_wrap=True)
        return e.exit_code or EXIT_INPUT
    detail = f"{escape(type(e).__name__)}: {escape(str(e))}"
    err.print(f"[bold red]内部错误[/]  {prefix}处理时出现意外问题（{detail}）。", soft_wrap=True)
    if debug or debug_from_env():
        err.print_exception(show_locals=False)
    else:
        err.print(BUG_HINT, style="dim", soft_wrap=True)
    return EXIT_BUG


def display_name(spec: str) -> str:
    return "标准输入" if spec == STDIN else spec


def load(spec: str) -> Report:
    """Parse and check one input; ``-`` is standard input (read as bytes)."""
    from gongkai import api  # imported late: --help and --version work without the readers

    if spec == STDIN:
        data = typer.get_binary_stream("stdin").read(api.MAX_INPUT_BYTES + 1)
        if len(data) > api.MAX_INPUT_BYTES:
            raise InputError(
                f"标准输入超过 {api.MAX_INPUT_BYTES // 2**20} MB，不像是一份年度报告。", source=STDIN
            )
        return api.parse_bytes(data, STDIN)
    return api.parse_path(spec)


@dataclass
class Batch:
    """The inputs of one command and the worst outcome so far."""

    err: Console
    debug: bool = False
    exit_code: int = EXIT_OK
    failed: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # failed input → why, for summaries

    def raise_to(self, code: int) -> None:
        self.exit_code = max(self.exit_code, code)

    def run(self, files: Sequence[str], handle: Callable[[str, Report], None]) -> None:
        """Load each input and pass it to ``handle``; failures are reported and remembered."""
        for spec in files:
            try:
                handle(spec, load(spec))
            except (KeyboardInterrupt, BrokenPipeError, typer.Exit):
                raise
            except Exception as e:
                self.failed.append(spec)
                self.reasons[spec] = (
                    e.message if isinstance(e, GongkaiError) else f"内部错误（{type(e).__name__}: {e}）"
                )
                self.raise_to(report_exception(self.err, e, display_name(spec), self.debug))
