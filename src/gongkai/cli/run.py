"""Running a command over several inputs: load each, report failures, keep the exit code.

A bad input never stops the others: its message goes to standard error and the exit code
becomes non-zero. Unexpected exceptions are bugs: a short message, and the traceback only with
``--debug`` or ``GONGKAI_DEBUG=1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import typer
from rich.console import Console
from rich.markup import escape

from gongkai.errors import GongkaiError, InputError
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
    return os.environ.get("GONGKAI_DEBUG", "").strip().lower() not in ("", "0", "false", "no")


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

    def raise_to(self, code: int) -> None:
        self.exit_code = max(self.exit_code, code)

    def run(self, files: Sequence[str], handle: Callable[[str, Report], None]) -> None:
        """Load each input and pass it to ``handle``; failures are reported and remembered."""
        for spec in files:
            try:
                handle(spec, load(spec))
            except GongkaiError as e:
                self.failed.append(spec)
                self.raise_to(e.exit_code or EXIT_INPUT)
                self.err.print(
                    f"[bold red]错误[/]  {escape(display_name(spec))}：{escape(e.message)}", soft_wrap=True
                )
            except (KeyboardInterrupt, BrokenPipeError, typer.Exit):
                raise
            except Exception as e:
                self.failed.append(spec)
                self.raise_to(EXIT_BUG)
                self.err.print(
                    f"[bold red]内部错误[/]  {escape(display_name(spec))}：处理时出现意外问题"
                    f"（{escape(type(e).__name__)}: {escape(str(e))}）。",
                    soft_wrap=True,
                )
                if self.debug:
                    self.err.print_exception(show_locals=False)
                else:
                    self.err.print(BUG_HINT, style="dim", soft_wrap=True)
