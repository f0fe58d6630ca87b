"""Database commands: ``ingest``, ``correct``, ``show`` and ``agencies`` (list, alias, unalias, rename).

``register(app)`` adds them to a typer app (``gongkai.cli.main`` does it for ``gongkai``).
``python -m gongkai.cli.store`` runs them on their own. See docs/store.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from gongkai.cli.options import HelpOption, new_app
from gongkai.cli.run import BUG_HINT, EXIT_BUG, EXIT_INPUT, debug_from_env
from gongkai.errors import GongkaiError

DB_ENV = "GONGKAI_DB"
STATUS_NAMES = {"read": "读出", "inferred": "推定", "ambiguous": "存疑", "missing": "缺失"}
STATUS_STYLES = {"read": "", "inferred": "italic cyan", "ambiguous": "bold yellow", "missing": "dim red"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


CREATES_DB = ("ingest", "add")  # gongkai ingest, gongkai users add (the first user of a new site)


def _db_for(ctx: typer.Context, value: str) -> str:
    """``ingest`` (and ``users add``) may create a new database; every other command needs an
    existing gongkai one (a mistyped --db is an error, not a new empty database), and none
    turns a file that is something else into a database."""
    if not value:
        return value
    from gongkai.cli.files import existing_db

    return existing_db(value, create=ctx.info_name in CREATES_DB)


DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        metavar="URL",
        callback=_db_for,
        help=(
            "数据库：SQLite 文件路径（默认当前目录下的 gongkai.db；ingest 在它不存在时创建，其他命令要求它已存在），"
            "或 PostgreSQL 地址 postgresql://用户:密码@主机/库名。"
        ),
    ),
]


def _err() -> Console:
    return Console(stderr=True, highlight=False)


def _out() -> Console:
    return Console(highlight=False)


def _fail(e: BaseException) -> typer.Exit:
    """An error as a Chinese message on standard error, and its exit code."""
    err = _err()
    if isinstance(e, GongkaiError):
        err.print(f"[bold red]错误[/]  {escape(e.message)}", soft_wrap=True)
        return typer.Exit(e.exit_code or EXIT_INPUT)
    err.print(f"[bold red]内部错误[/]  {escape(type(e).__name__)}: {escape(str(e))}", soft_wrap=True)
    if debug_from_env():
        err.print_exception(show_locals=False)
    else:
        err.print(BUG_HINT, style="dim", soft_wrap=True)
    return typer.Exit(EXIT_BUG)


# --- ingest --------------------------------------------------------------------------------


def ingest_cmd(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="报告文件或文件夹（递归查找，跳过以 . 开头的文件和文件夹），gongkai parse --json 输出的 JSON 也可以；格式按内容识别；用 [bold]-[/] 表示从标准输入读取。",
            show_default=False,
        ),
    ],
    db: DbOption = "gongkai.db",
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", metavar="N", help="并行解析的进程数；默认为本机 CPU 核数。", min=0)
    ] = 0,
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency", metavar="NAME", help="指定发布机关（覆盖从报告中读出的机关，对所有文件生效）。"
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            metavar="YEAR",
            help="指定报告年度（覆盖从报告中读出的年度，对所有文件生效）。",
            min=2000,
            max=2100,
        ),
    ] = None,
    _help_: HelpOption = False,
) -> None:
    """把报告存入数据库：解析、检查，并与同一机关相邻年度的报告核对（勾稽关系 5、6）。

    已入库的文件（按 sha256 判断）跳过；同一机关同一年度的不同文件作为新版本保存，最新入库的为当前版本。
    每份报告一个事务：中途中断（Ctrl-C、断电、kill）后重新运行即可，不会留下半份报告。

    退出码：0 全部入库或已存在；2 有文件无法入库（原因列在最后）；3 程序内部错误。
    """
    from rich.progress import (  # imported here: not needed for --help
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from gongkai.cli.files import stdin_as_file
    from gongkai.store.ingest import ingest

    err = _err()
    progress = Progress(
        TextColumn("[bold]入库"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("已用"),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[name]}", style="dim"),
        console=err,
        transient=True,
    )
    task = progress.add_task("ingest", total=None, name="")

    def step(done: int, total: int, w: object) -> None:
        progress.update(task, completed=done, total=total, name=Path(getattr(w, "path", "")).name[:40])

    try:
        with stdin_as_file(paths) as files, progress:
            summary = ingest(db, files, jobs=jobs or None, progress=step, agency=agency, year=year)
    except KeyboardInterrupt:
        err.print("已中断：已入库的报告都已完整保存，重新运行同一命令即可继续。")
        raise typer.Exit(130) from None
    except Exception as e:
        raise _fail(e) from None
    out = _out()
    rate = len(summary.added) / summary.seconds if summary.seconds else 0.0
    out.print(
        Text(
            f"入库完成：共 {summary.files} 个文件，用时 {summary.seconds:.1f} 秒（{rate:.1f} 份/秒）。",
            style="bold",
        )
    )
    out.print(f"  新增报告 {len(summary.added)} 份（其中同一机关同一年度的新版本 {summary.versions} 份）")
    out.print(f"  已在库中、跳过 {len(summary.duplicates)} 份")
    if summary.copies:
        out.print(
            f"  已入库报告的另一文件（同一机关、年度、数值，如另一格式）{len(summary.copies)} 个，不作新版本"
        )
    if summary.followups:  # corrections of superseded versions: never dropped silently
        review = sum(f.outcome == "review" for _, f in summary.followups)
        out.print(
            Text(
                f"  新版本与旧版本的更正：{len(summary.followups)} 项，其中待人工核对 {review} 项",
                style="bold yellow" if review else "",
            )
        )
        for path, f in summary.followups:
            out.print(f"    {escape(path)}：{escape(f.describe())}", soft_wrap=True)
    line = Text(f"  无法入库 {len(summary.refused)} 个文件", style="bold red" if summary.refused else "")
    out.print(line)
    counts = Text("  新增报告的问题：")
    for i, sev in enumerate(("error", "warning", "info")):
        n = summary.findings.get(sev, 0)
        counts.append("，" if i else "")
        counts.append(f"{SEVERITY_NAMES[sev]} {n} 条", style=SEVERITY_STYLES[sev] if n else "dim")
    out.print(counts)
    if summary.refused:
        out.print(Text("无法入库的文件：", style="bold"))
        for path, why in summary.refused:
            out.print(f"  {escape(path)}：{escape(why)}", soft_wrap=True)
    raise typer.Exit(summary.exit_code)


# --- correct -------------------------------------------------------------------------------

ReportArgument = Annotated[
    str,
    typer.Argument(
        metavar="REPORT",
        help="报告：编号（如 12），或机关名称加年度（如 洪泽区人民政府:2023）；后者取当前版本。",
        show_default=False,
    ),
]


def correct_cmd(
    report: ReportArgument,
    cell: Annotated[
        str,
        typer.Argument(
            metavar="CELL", help="单元格地址 表.行.列，如 requests.carried_over.total。", show_default=False
        ),
    ],
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE",
            help=(
                "更正后的数值。负数（2019年版「本年增/减」）要写在 -- 之后、选项写在 -- 之前，"
                "如 gongkai correct --reason 理由 -- 12 active_disclosure.fees.items_change -3。"
            ),
            show_default=False,
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="更正的理由（必填）。")] = "",
    by: Annotated[
        str | None,
        typer.Option("--by", metavar="NAME", help="更正人；默认为环境变量 GONGKAI_USER 或当前用户名。"),
    ] = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """记录对一个单元格的更正（原读出值保留不变），并重新检查该报告及其相邻年度的勾稽关系。"""
    from gongkai.store.corrections import correct

    try:
        res = correct(db, report, cell, value, reason=reason, by=by)
    except Exception as e:
        raise _fail(e) from None
    out = _out()
    old = res.old_value if res.old_value is not None else "（未知）"
    out.print(
        f"已记录更正 #{res.correction_id}：报告 {res.report_id} 的 {res.address}：{old} → {res.new_value}"
    )
    counts = Text("重新检查后该报告的问题：")
    for i, sev in enumerate(("error", "warning", "info")):
        n = res.findings.get(sev, 0)
        counts.append("，" if i else "")
        counts.append(f"{SEVERITY_NAMES[sev]} {n} 条", style=SEVERITY_STYLES[sev] if n else "dim")
    out.print(counts)


# --- show ----------------------------------------------------------------------------------


def show_cmd(
    report: ReportArgument,
    corrected_only: Annotated[
        bool, typer.Option("--corrected", metavar="", help="只列出有更正的单元格。")
    ] = False,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """显示库中一份报告：基本信息、各单元格的读出值与更正值（更正人、时间、理由），以及检查发现的问题。"""
    from gongkai.display.labels import address_label, edition_name
    from gongkai.store.query import report_detail

    try:
        d = report_detail(db, report)
    except Exception as e:
        raise _fail(e) from None
    out = _out()
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    head.add_row("报告编号", str(d.report_id))
    head.add_row("机关", f"{d.agency}（机关编号 {d.agency_id}）")
    if d.printed_agency and d.printed_agency != d.agency:
        head.add_row("报告中的写法", d.printed_agency)
    head.add_row("地区", " > ".join(d.region_path) or "—")
    head.add_row("年度", str(d.year))
    head.add_row("表格版本", edition_name(d.edition))
    versions = "，".join(f"#{i} 第{v}版" + ("（当前）" if cur else "") for i, v, cur in d.versions)
    head.add_row(
        "版本",
        f"第 {d.version} 版{'（当前版本）' if d.is_current else '（已有更新版本）'}；本年度共 {versions}",
    )
    head.add_row("来源", f"{d.source_name}（{d.source_format}，{d.size} 字节，sha256 {d.sha256[:12]}）")
    head.add_row("入库时间", d.ingested_at.strftime("%Y-%m-%d %H:%M:%S") if d.ingested_at else "—")
    if d.title:
        head.add_row("标题", d.title)
    out.print(head)
    from gongkai.store.corrections import followups

    carried = followups(db, report_id=d.report_id)
    if carried:  # what became of the corrections of the version this one replaced
        out.print(Text("上一版本的更正：", style="bold"))
        for fu in carried:
            out.print(
                f"  {escape(fu.describe())}", style="yellow" if fu.outcome == "review" else "", soft_wrap=True
            )
    out.print()

    any_fix = any(line.is_corrected for line in d.cells)
    t = Table(box=box.SIMPLE_HEAD, header_style="bold", title="单元格：读出值与更正值", title_style="bold")
    t.add_column("单元格", overflow="fold", ratio=3)
    t.add_column("读出值", justify="right", no_wrap=True)
    t.add_column("状态", overflow="fold")
    t.add_column("更正值", justify="right", no_wrap=True, style="bold green")
    if any_fix:
        t.add_column("更正人 / 时间 / 理由", overflow="fold", ratio=2)
    n_fixed = 0
    for line in d.cells:
        if corrected_only and not line.is_corrected:
            continue
        n_fixed += line.is_corrected
        label = Text(address_label(line.address, d.edition))
        label.append(f"\n{line.address}", style="dim")
        parsed = Text(
            line.parsed if line.parsed is not None else "—", style=STATUS_STYLES.get(line.status, "")
        )
        status = Text(STATUS_NAMES.get(line.status, line.status), style=STATUS_STYLES.get(line.status, ""))
        if line.status == "ambiguous" and line.candidates:
            status.append(f"\n可能为 {' / '.join(str(c) for c in line.candidates)}", style="dim")
        if line.raw and line.raw != line.parsed:
            status.append(f"\n原文「{line.raw}」", style="dim")
        row = [label, parsed, status, Text(line.corrected or "")]
        if any_fix:
            who = Text()
            if line.is_corrected:
                when = line.when.strftime("%Y-%m-%d %H:%M") if line.when else ""
                who.append(f"{line.who}  {when}\n", style="dim")
                who.append(line.why or "")
                if line.history > 1:
                    who.append(f"\n（共更正 {line.history} 次，以最后一次为准）", style="dim")
            row.append(who)
        t.add_row(*row)
    if corrected_only and not n_fixed:
        out.print(Text("该报告没有更正。", style="dim"))
    else:
        out.print(t)

    if not d.findings:
        out.print(Text("未发现问题。", style="green"))
        return
    ft = Table(
        box=box.SIMPLE_HEAD, header_style="bold", title="检查发现的问题（按更正后的数值）", title_style="bold"
    )
    ft.add_column("级别", no_wrap=True)
    ft.add_column("规则", no_wrap=True, style="bold")
    ft.add_column("说明", overflow="fold")
    for fl in d.findings:
        f = fl.finding
        body = Text(f.message)
        if f.cells:
            shown = ", ".join(f.cells[:3]) + (f" 等 {len(f.cells)} 个" if len(f.cells) > 3 else "")
            body.append(f"\n单元格：{shown}", style="dim")
        if fl.other_report_id is not None:
            body.append(
                f"\n对照报告：#{fl.other_report_id}（gongkai show {fl.other_report_id}）", style="dim"
            )
        sev = f.severity.value
        ft.add_row(Text(SEVERITY_NAMES[sev], style=SEVERITY_STYLES[sev]), f.rule, body)
    out.print(Group(ft))


# --- agencies ------------------------------------------------------------------------------

agencies_app = new_app(
    "agencies", "管理机关：列出机关，设置别名（合并同一机关的不同写法、改名的机关），修改规范名称。"
)


@agencies_app.callback()
def _agencies_root(_help_: HelpOption = False) -> None:
    """管理机关：列出机关，设置别名（合并同一机关的不同写法、改名的机关），修改规范名称。"""


@agencies_app.command("list")
def agencies_list(
    search: Annotated[
        str | None, typer.Option("--search", "-s", metavar="TEXT", help="只列出名称或别名含此文字的机关。")
    ] = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """列出库中的机关：规范名称、所属地区、有报告的年度和别名。"""
    from gongkai.store.manage import list_agencies

    try:
        rows = list_agencies(db, contains=search)
    except Exception as e:
        raise _fail(e) from None
    out = _out()
    if not rows:
        out.print(Text("库中没有机关。" if not search else f"没有名称含「{search}」的机关。", style="dim"))
        return
    t = Table(box=box.SIMPLE_HEAD, header_style="bold")
    t.add_column("编号", justify="right", no_wrap=True)
    t.add_column("规范名称", overflow="fold")
    t.add_column("地区", overflow="fold")
    t.add_column("报告", justify="right", no_wrap=True)
    t.add_column("年度", overflow="fold")
    t.add_column("别名", overflow="fold", style="dim")
    for a in rows:
        aliases = "，".join(f"{x}" + ("（用户设置）" if src == "user" else "") for x, src in a.aliases)
        t.add_row(str(a.id), a.name, " > ".join(a.region_path), str(a.reports), _years(a.years), aliases)
    out.print(t)
    out.print(Text(f"共 {len(rows)} 个机关。", style="dim"))


def _years(years: list[int]) -> str:
    """2019–2023, 2025."""
    parts: list[str] = []
    run: list[int] = []
    for y in [*years, None]:
        if y is not None and run and y == run[-1] + 1:
            run.append(y)
            continue
        if run:
            parts.append(f"{run[0]}–{run[-1]}" if len(run) > 2 else "、".join(map(str, run)))
        run = [y] if y is not None else []
    return "、".join(parts)


@agencies_app.command("alias")
def agencies_alias(
    alias: Annotated[
        str, typer.Argument(metavar="ALIAS", help="别名：机关的另一种写法或旧名称。", show_default=False)
    ],
    canonical: Annotated[
        str,
        typer.Argument(
            metavar="CANONICAL", help="规范名称或机关编号；不存在时新建该机关。", show_default=False
        ),
    ],
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """把 ALIAS 设为机关 CANONICAL 的别名。

    以后入库的报告按别名归入该机关；已按 ALIAS 入库的报告也并入该机关（ALIAS 是另一机关的规范名称时，两个机关合并），
    并重新编排版本、重新核对跨年度勾稽关系。机构改名（如 环境保护局 → 生态环境局）也用这种方法接续。
    """
    from gongkai.store.manage import add_alias

    try:
        res = add_alias(db, alias, canonical)
    except Exception as e:
        raise _fail(e) from None
    out = _out()
    if res.created:
        out.print(f"已新建机关「{res.agency}」（编号 {res.agency_id}）。")
    out.print(f"已把「{alias}」设为「{res.agency}」（编号 {res.agency_id}）的别名。")
    if res.merged_from:
        out.print(f"原归入「{res.merged_from}」的 {res.moved_reports} 份报告已并入，跨年度核对已更新。")


@agencies_app.command("unalias")
def agencies_unalias(
    alias: Annotated[str, typer.Argument(metavar="ALIAS", help="要删除的别名。", show_default=False)],
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """删除一个别名（已入库的报告仍归原机关）。"""
    from gongkai.store.manage import remove_alias

    try:
        name = remove_alias(db, alias)
    except Exception as e:
        raise _fail(e) from None
    _out().print(f"已删除「{name}」的别名「{alias}」。")


@agencies_app.command("rename")
def agencies_rename(
    agency: Annotated[
        str, typer.Argument(metavar="AGENCY", help="机关编号、名称或别名。", show_default=False)
    ],
    new_name: Annotated[str, typer.Argument(metavar="NEW_NAME", help="新的规范名称。", show_default=False)],
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """修改机关的规范名称（原名称保留为别名）。"""
    from gongkai.store.manage import rename_agency

    try:
        old, new = rename_agency(db, agency, new_name)
    except Exception as e:
        raise _fail(e) from None
    _out().print(f"已把「{old}」改名为「{new}」；原名称保留为别名。")


@agencies_app.command("unplaced")
def agencies_unplaced(db: DbOption = "gongkai.db", _help_: HelpOption = False) -> None:
    """列出还没有归入行政区划的机关（名称对应不到区划，或可能是几个地方的同名区县），以及可能的区划，供人工归入。"""
    from gongkai.store.divisions import unplaced

    try:
        rows = unplaced(db)
    except Exception as e:
        raise _fail(e) from None
    out = _out()
    if not rows:
        out.print(Text("所有机关都已归入行政区划。", style="dim"))
        return
    t = Table(box=box.SIMPLE_HEAD, header_style="bold")
    t.add_column("编号", justify="right", no_wrap=True)
    t.add_column("机关", overflow="fold")
    t.add_column("报告", justify="right", no_wrap=True)
    t.add_column("可能的区划（代码）", overflow="fold")
    for u in rows:
        t.add_row(
            str(u.agency_id), u.name, str(u.reports), "\n".join(u.candidates) or "—（名称中没有已知的区划）"
        )
    out.print(t)
    out.print(
        Text(f"共 {len(rows)} 个机关未归入区划；用 gongkai agencies place 机关 代码 归入。", style="dim")
    )


@agencies_app.command("place")
def agencies_place(
    agency: Annotated[
        str | None, typer.Argument(metavar="AGENCY", help="机关编号、名称或别名。", show_default=False)
    ] = None,
    code: Annotated[
        str | None,
        typer.Argument(
            metavar="CODE", help="行政区划代码（GB/T 2260，6 位），如 320813。", show_default=False
        ),
    ] = None,
    auto: Annotated[
        bool, typer.Option("--auto", help="把名称和报告标题能唯一确定区划的未归入机关全部自动归入。")
    ] = False,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """把机关归入一个行政区划（人工归入的，以后入库不再改动）；或用 --auto 自动归入能唯一确定的机关。"""
    from gongkai.store.divisions import place_agency, place_known

    out = _out()
    try:
        if auto:
            placed = place_known(db)
            for p in placed:
                out.print(f"已把「{p.agency}」归入 {p.division}。")
            out.print(f"自动归入 {len(placed)} 个机关；其余的请用 gongkai agencies unplaced 查看。")
            return
        if not agency or not code:
            raise typer.BadParameter(
                "请给出机关和区划代码，如 gongkai agencies place 洪泽区人民政府 320813。"
            )
        got = place_agency(db, agency, code)
    except typer.BadParameter:
        raise
    except Exception as e:
        raise _fail(e) from None
    out.print(f"已把「{got.agency}」归入 {got.division}。")


# --- wiring --------------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    """Add ``ingest``, ``correct``, ``show`` and ``agencies`` to ``app``."""
    app.command("ingest")(ingest_cmd)
    app.command("correct")(correct_cmd)
    app.command("show")(show_cmd)
    app.add_typer(agencies_app, name="agencies")


def standalone() -> typer.Typer:
    """An app with only the database commands (``python -m gongkai.cli.store``)."""
    from gongkai.cli.zh import localize

    localize()
    app = new_app("gongkai", "政府信息公开工作年度报告数据库。")

    @app.callback()
    def _root(_help_: HelpOption = False) -> None:
        """政府信息公开工作年度报告数据库。"""

    register(app)
    return app


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    standalone()(prog_name="gongkai")
