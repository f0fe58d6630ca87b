"""``gongkai write`` and ``gongkai template``: reports out in the official layout, and the 填报 workbook.

``register(app)`` adds both commands to a typer app (the ``gongkai`` app, or a test's own).
Output: the written file, or standard output; messages on standard error. Exit codes as the
other commands: 0 written; 1 refused because the report does not balance (error findings,
printed), unless ``--force``; 2 input unreadable or usage error; 3 bug; 130 interrupted.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from gongkai.cli.options import HelpOption
from gongkai.cli.run import BUG_HINT, EXIT_BUG, EXIT_FINDINGS, EXIT_INPUT, STDIN, debug_from_env, display_name
from gongkai.errors import GongkaiError, InputError

if TYPE_CHECKING:  # pydantic is imported when a report is written, not for --help
    from gongkai.model.report import Finding, Report

MAX_WARNINGS_SHOWN = 10


class OutFormat(StrEnum):
    docx = "docx"
    html = "html"
    pdf = "pdf"
    md = "md"
    txt = "txt"


class TemplateFormat(StrEnum):
    xlsx = "xlsx"


class EditionChoice(StrEnum):
    e2021 = "2021"
    e2019 = "2019"


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _debug(ctx: typer.Context) -> bool:
    obj = ctx.find_root().obj or {}
    return bool(obj.get("debug", debug_from_env())) if isinstance(obj, dict) else debug_from_env()


def _fail(err: Console, where: str, e: BaseException, debug: bool) -> int:
    """Print an error for people (GongkaiError) or a bug; return the exit code."""
    if isinstance(e, GongkaiError):
        err.print(f"[bold red]错误[/]  {escape(where)}：{escape(e.message)}")
        return e.exit_code or EXIT_INPUT
    err.print(
        f"[bold red]内部错误[/]  {escape(where)}：处理时出现意外问题（{escape(type(e).__name__)}: {escape(str(e))}）。"
    )
    if debug:
        err.print_exception(show_locals=False)
    else:
        err.print(BUG_HINT, style="dim")
    return EXIT_BUG


def _save(data: bytes, out: str) -> None:
    """Write ``data`` to ``out`` (``-``: standard output) without leaving a half-written file."""
    if out == STDIN:
        stream = typer.get_binary_stream("stdout")
        stream.write(data)
        stream.flush()
        return
    from gongkai.cli.files import save_bytes

    save_bytes(data, out)  # whole or not at all; the user's umask; a missing folder named


def _finding_line(f: Finding) -> str:
    from gongkai.model.report import Severity

    mark = {"error": "[bold red]错误[/]", "warning": "[yellow]警告[/]", "info": "[dim]提示[/]"}[
        Severity(f.severity).value
    ]
    return f"  {mark}  [dim]{escape(f.rule)}[/]  {escape(f.message)}"


SUFFIXES = {
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
}


def output_format(to: str | None, output: str | None) -> str:
    """The format to write: ``--to``, else the suffix of ``-o``, else docx. A suffix of another
    known format than ``--to`` is an error (``-o 报告.pdf --to docx`` would write Word into a
    file named .pdf)."""
    suffix = Path(output).suffix.lower() if output and output != STDIN else ""
    by_suffix = SUFFIXES.get(suffix)
    if to is None:
        return by_suffix or "docx"
    if by_suffix is not None and by_suffix != to:
        raise InputError(
            f"输出文件的扩展名 {suffix} 与 --to {to} 不一致；请把文件名改为 .{to}，或去掉 --to 让格式跟随扩展名。",
            source=output,
        )
    return to


def _default_output(data: str, fmt: str) -> str:
    """``报告.xlsx`` → ``报告.docx`` in the current directory; text formats go to standard output."""
    if fmt not in ("docx", "pdf"):
        return STDIN
    if data == STDIN:
        raise GongkaiError(
            f"从标准输入读取时，请用 -o 指定输出的 {fmt.upper()} 文件名（或用 -o - 写到标准输出）。"
        )
    out = Path(Path(data).name).with_suffix(f".{fmt}")
    if out.resolve() == Path(data).resolve():
        raise GongkaiError("输出文件与输入文件相同，请用 -o 指定另一个文件名。", source=data)
    return str(out)


def _load(data: str) -> Report:
    from gongkai.write.load import load_path, load_report

    if data == STDIN:
        return load_report(typer.get_binary_stream("stdin").read(), STDIN)
    return load_path(data)


def write_cmd(
    ctx: typer.Context,
    data: Annotated[
        str,
        typer.Argument(
            metavar="DATA",
            help=(
                "报告数据：gongkai parse --json 输出的 JSON，或填好的 Excel 填报表（gongkai template 生成），"
                "也可以是 gongkai 能读取的报告文件；用 [bold]-[/] 表示从标准输入读取。"
            ),
            show_default=False,
        ),
    ],
    to: Annotated[
        OutFormat | None,
        typer.Option(
            "--to",
            "-t",
            help=(
                "输出格式：docx（Word）、pdf（需要 LibreOffice）、html（网页）、md（Markdown）、txt（文本）。"
                "不给时按 -o 的扩展名，没有 -o 时为 docx。"
            ),
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            help="输出文件；用 [bold]-[/] 表示标准输出。不给时：docx、pdf 写到当前目录下与 DATA 同名的文件，html、md、txt 写到标准输出。",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", "-f", metavar="", help="报告有“错误”级问题（如数字不平衡）时也照样生成。"),
    ] = False,
    _help_: HelpOption = False,
) -> None:
    """按官方格式生成年度报告：Word、PDF、网页、Markdown 或文本。

    报告包括标题、一至六部分（没有内容的部分写“无。”）和三张统计表（合并单元格同官方格式，数字右对齐，缺失的单元格留空）。

    生成前先检查报告：有“错误”级问题（如勾稽关系不平衡）时不生成，列出问题并以退出码 1 结束；加 --force 照样生成。
    """
    err = _err()
    debug = _debug(ctx)
    where = display_name(data)
    try:
        fmt = output_format(to.value if to is not None else None, output)
        from gongkai.model.report import Severity

        report = _load(data)
        errors = [f for f in report.findings if f.severity == Severity.ERROR]
        warnings = [f for f in report.findings if f.severity == Severity.WARNING]
        if errors:
            head = (
                "[bold red]报告有以下问题，未生成[/]"
                if not force
                else "[bold yellow]报告有以下问题，按 --force 照样生成[/]"
            )
            err.print(f"{head}  {escape(where)}：")
            for f in errors:
                err.print(_finding_line(f))
            if not force:
                err.print("请改正后重试；确需照样生成，加 --force。", style="dim")
                raise typer.Exit(EXIT_FINDINGS)
        if warnings:
            err.print(f"[yellow]注意[/]  {escape(where)}：有 {len(warnings)} 条警告：")
            for f in warnings[:MAX_WARNINGS_SHOWN]:
                err.print(_finding_line(f))
            if len(warnings) > MAX_WARNINGS_SHOWN:
                err.print(f"  …… 完整清单用 gongkai check {escape(data)}", style="dim")
        from gongkai.write import write_report

        out = output if output is not None else _default_output(data, fmt)
        if out == STDIN and fmt in ("docx", "pdf") and sys.stdout.isatty():
            raise GongkaiError(f"{fmt.upper()} 是二进制文件，不能直接输出到终端；请用 -o 指定文件名。")
        content = write_report(report, fmt)
        _save(content, out)
        if out != STDIN:
            err.print(f"已生成  {escape(out)}（{_size(len(content))}）")
    except (typer.Exit, KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as e:
        raise typer.Exit(_fail(err, where, e, debug)) from None


def _size(n: int) -> str:
    return f"{n} 字节" if n < 10240 else f"{n / 1024:.0f} KB"


def template_cmd(
    ctx: typer.Context,
    output: Annotated[
        str,
        typer.Option(
            "--output", "-o", metavar="FILE", help="要生成的 Excel 文件（.xlsx）。", show_default=False
        ),
    ],
    to: Annotated[
        TemplateFormat,
        typer.Option("--to", "-t", help="格式：目前只有 xlsx（Excel 填报表）。", case_sensitive=False),
    ] = TemplateFormat.xlsx,
    edition_key: Annotated[
        EditionChoice | None,
        typer.Option(
            "--edition",
            "-e",
            help="表格格式：2021（国办公开办函〔2021〕30号，2021年度起）或 2019（〔2019〕60号，2019、2020年度）。不给时按 --year 选，否则为 2021。",
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            metavar="N",
            help="报告年度，如 2024（预先填入“基本信息”）。",
            show_default=False,
            min=2008,
            max=2100,
        ),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency", "-a", metavar="NAME", help="发布机关全称（预先填入“基本信息”）。", show_default=False
        ),
    ] = None,
    _help_: HelpOption = False,
) -> None:
    """生成 Excel 填报表，填好后用 write 生成报告。

    三张统计表按官方样式排好，各项合计是公式、自动计算。浅黄色单元格填写数字（有数据有效性检查），灰色单元格是各项合计的公式（已保护）；“基本信息”表填写机关、年度和六个部分的正文；“填报说明”表有详细说明。
    """
    from gongkai.model.keys import edition_for_year

    err = _err()
    debug = _debug(ctx)
    try:
        ed = edition_key.value if edition_key is not None else None
        if ed is not None and year is not None and ed != edition_for_year(year):
            right = edition_for_year(year)
            err.print(
                f"[yellow]提示[/]  {year}年度的报告按规定应使用 {right} 年版格式，这里按要求生成 {ed} 年版的填报表。"
            )
        suffix = Path(output).suffix.lower() if output != STDIN else ".xlsx"
        if suffix in (*SUFFIXES, ".xls", ".csv", ".json", ".doc", ".wps", ".et"):
            raise InputError(
                f"填报表是 Excel（.xlsx）文件，输出文件的扩展名却是 {suffix}；请把文件名改为 .xlsx。",
                source=output,
            )
        if suffix != ".xlsx":
            err.print("[yellow]提示[/]  输出文件的扩展名不是 .xlsx，Excel 可能无法直接打开。")
        from gongkai.write.template import write_template

        content = write_template(ed, year=year, agency=agency.strip() if agency else None)  # type: ignore[arg-type]
        _save(content, output)
        if output != STDIN:
            err.print(f"已生成  {escape(output)}（{_size(len(content))}）")
    except (typer.Exit, KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as e:
        raise typer.Exit(_fail(err, output, e, debug)) from None


def register(app: typer.Typer) -> None:
    """Add ``write`` and ``template`` to ``app``."""
    app.command("write")(write_cmd)
    app.command("template")(template_cmd)


__all__ = ["register"]
