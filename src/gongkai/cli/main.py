"""``gongkai``: read and check 政府信息公开工作年度报告 from the command line.

Thin on purpose: reading is :mod:`gongkai.api`, drawing is :mod:`gongkai.display`, and this
module only wires options to them and decides what goes to stdout, stderr and the exit code.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from gongkai import __version__
from gongkai.cli.options import HelpOption, JobsOption, OcrOption, new_app, ocr_scope
from gongkai.cli.run import EXIT_FINDINGS, Batch, debug_from_env, display_name
from gongkai.errors import InputError

if TYPE_CHECKING:  # pydantic is imported by the commands that read reports, not for --help
    from gongkai.model.report import Report

FINDINGS_SCHEMA_ID = "gongkai.findings/1"

app = new_app(
    "gongkai",
    "读取、检查政府信息公开工作年度报告：按官方样式显示三张统计表，核对勾稽关系。",
    epilog="退出码：0 正常；1 check 发现“错误”级问题或 write 因数字不平衡拒绝生成；2 输入无法读取或用法错误；3 程序内部错误；130 被中断。",
)


FilesArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="FILE",
        help="报告文件（文本、HTML、PDF、Word、Excel、扫描件和图片，按内容识别）；可给多个；用 [bold]-[/] 表示从标准输入读取。",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        metavar="",
        help=(
            "输出 JSON 而不是表格：一个文件时输出一个缩进的 JSON 对象；"
            "多个文件时每行一个紧凑的 JSON 对象（JSON Lines）。"
        ),
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gongkai {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", help="显示版本号并退出。", metavar="", is_eager=True, callback=_version),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", metavar="", help="程序内部出错时显示出错位置；也可设环境变量 GONGKAI_DEBUG=1。"
        ),
    ] = False,
    _help_: HelpOption = False,
) -> None:
    """读取、检查政府信息公开工作年度报告。"""
    ctx.obj = {"debug": debug or debug_from_env()}


def _batch(ctx: typer.Context) -> Batch:
    obj = ctx.find_root().obj or {}
    return Batch(err=Console(stderr=True, highlight=False), debug=bool(obj.get("debug", debug_from_env())))


def _out() -> Console:
    return Console(highlight=False)


@app.command("parse")
def parse_cmd(
    ctx: typer.Context,
    files: FilesArgument,
    as_json: JsonOption = False,
    ocr: OcrOption = True,
    jobs: JobsOption = 1,
    _help_: HelpOption = False,
) -> None:
    """读取报告，按官方表格样式显示三张统计表。

    显示报告的基本信息（标题、机关、年度、表格版本），主动公开、依申请公开、行政复议和行政诉讼三张表，以及检查结果摘要。

    推断出的数字标 [cyan]*[/]，存疑的显示为 [yellow]?[/]（表下列出可能的读数），缺失的显示为 —。
    """
    batch = _batch(ctx)
    out = _out()
    single = len(files) == 1

    def show(spec: str, report: Report) -> None:
        if as_json:
            typer.echo(report.to_json(indent=2 if single else None))
            return
        from gongkai.display import render_report

        out.rule(Text(display_name(spec), style="bold"), align="left")
        out.print(render_report(report))
        out.print()

    with ocr_scope(ocr, jobs, batch.err):
        batch.run(files, show)
    raise typer.Exit(batch.exit_code)


def findings_document(report: Report) -> dict[str, Any]:
    """The JSON ``check --json`` prints for one report (docs/cli.md)."""
    from gongkai.model.report import Severity

    data = report.to_json_dict()
    counts = {s.value: 0 for s in Severity}
    for f in report.findings:
        counts[Severity(f.severity).value] += 1
    return {
        "schema": FINDINGS_SCHEMA_ID,
        "source": data["source"],
        "meta": data["meta"],
        "counts": counts,
        "findings": data["findings"],
    }


@app.command("check")
def check_cmd(
    ctx: typer.Context,
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE",
            help="报告文件或文件夹（文件夹中的文件逐个检查，包括子文件夹，跳过以 . 开头的）；用 [bold]-[/] 表示从标准输入读取。",
            show_default=False,
        ),
    ],
    as_json: JsonOption = False,
    summary: Annotated[
        str | None,
        typer.Option(
            "--summary",
            metavar="XLSX",
            help="另外写一个 Excel 汇总表：每份报告一行（文件、机关、年度、错误数、警告数和问题说明）。",
            show_default=False,
        ),
    ] = None,
    ocr: OcrOption = True,
    jobs: JobsOption = 1,
    _help_: HelpOption = False,
) -> None:
    """检查报告的勾稽关系等规则，按文件列出发现的问题。

    每条问题给出级别（错误、警告、提示）、规则编号、涉及的单元格和说明；规则见 docs/rules.md。可以给文件夹，并用 --summary 汇总.xlsx 写出汇总表。

    有“错误”级问题时退出码为 1，否则为 0；有文件无法读取时为 2。
    """
    from gongkai.cli.files import expand_inputs, output_folder
    from gongkai.cli.summary import SummaryRow, failed_row, report_row
    from gongkai.display import counts_text, render_findings, severity_counts
    from gongkai.model.report import Severity

    if summary is not None:
        if not summary.lower().endswith(".xlsx"):
            raise InputError(f"汇总表 {summary} 应是 .xlsx 文件。")
        output_folder(summary)  # a missing folder is named before any report is read
    given = files
    files = expand_inputs(files)
    if not files:
        raise InputError(f"文件夹 {'、'.join(given)} 中没有文件。")
    rows: dict[str, SummaryRow] = {}
    batch = _batch(ctx)
    out = _out()
    single = len(files) == 1
    totals = dict.fromkeys(Severity, 0)
    checked = 0

    def show(spec: str, report: Report) -> None:
        nonlocal checked
        checked += 1
        rows[spec] = report_row(display_name(spec), report)
        for sev, n in severity_counts(report.findings).items():
            totals[sev] += n
        if as_json:
            typer.echo(
                json.dumps(findings_document(report), ensure_ascii=False, indent=2 if single else None)
            )
            return
        out.rule(Text(display_name(spec), style="bold"), align="left")
        out.print(render_findings(report))
        out.print()

    with ocr_scope(ocr, jobs, batch.err):
        batch.run(files, show)
    if not as_json and len(files) > 1:
        line = Text(f"共检查 {checked} 个文件", style="bold")
        if batch.failed:
            line.append(f"，{len(batch.failed)} 个无法读取", style="bold red")
        line.append("；")
        line.append_text(counts_text(totals))
        out.print(line)
    if summary is not None:
        from gongkai.cli.files import save_bytes
        from gongkai.cli.summary import summary_xlsx

        table = [rows.get(f) or failed_row(display_name(f), batch.reasons.get(f, "")) for f in files]
        save_bytes(summary_xlsx(table), summary)
        batch.err.print(f"已写出汇总表  {summary}（{len(table)} 行）", soft_wrap=True, markup=False)
    if totals[Severity.ERROR]:
        batch.raise_to(EXIT_FINDINGS)
    raise typer.Exit(batch.exit_code)


@app.command("schema")
def schema_cmd(_help_: HelpOption = False) -> None:
    """输出 parse --json 所用 JSON 的 JSON Schema（draft 2020-12）。"""
    from gongkai.schema import schema_text

    typer.echo(schema_text(), nl=False)


# Commands of the later stages, each in its own module: write (write, template), store
# (ingest, correct, show, agencies) and analyse (export, stats, chart).
def _register_stages() -> None:
    from gongkai.cli import analyse, store, write
    from gongkai.cli import register as register_cli

    write.register(app)
    store.register(app)
    analyse.register(app)
    from gongkai.cli import serve, users

    serve.register(app)
    users.register(app)
    register_cli.register(app)


_register_stages()


def main() -> None:
    """Entry point of the ``gongkai`` command."""
    try:
        app()
    except KeyboardInterrupt:  # typer turns Ctrl-C inside a command into exit 130; this is the rest
        raise SystemExit(130) from None
    except BrokenPipeError:  # e.g. `gongkai parse … | head`: stop quietly
        import os
        import sys

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None


__all__ = ["app", "main"]
