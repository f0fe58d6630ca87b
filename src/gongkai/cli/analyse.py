"""``gongkai export``, ``gongkai stats`` and ``gongkai chart``: the stored corpus, out.

``register(app)`` adds the three commands (and ``gongkai figures rebuild``) to a typer app.
They read the figures stored for analysis with :func:`load_records` (the store's
``load_figures``: no report is rebuilt) and hand them to the pure functions of
:mod:`gongkai.analyse`; this module only wires options, output streams and exit codes.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from gongkai.cli.options import HelpOption, new_app
from gongkai.cli.run import BUG_HINT, EXIT_BUG, EXIT_INPUT, debug_from_env
from gongkai.errors import GongkaiError, InputError

if TYPE_CHECKING:  # the store imports SQLAlchemy: not needed for --help
    from gongkai.store.figures import FigureRow

DB_ENV = "GONGKAI_DB"
DEFAULT_DB = "gongkai.db"  # as gongkai.store.DEFAULT_DB and the store commands


# --- options -------------------------------------------------------------------------------


RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        metavar="地区",
        help="只看这个地区（任一级，如 江苏省、淮安市）的报告。",
        show_default=False,
    ),
]
YearOption = Annotated[
    str | None,
    typer.Option(
        "--year",
        metavar="年度",
        help="只看这些年度的报告：2023，或 2021-2023，或 2021,2023。",
        show_default=False,
    ),
]
AgencyOption = Annotated[
    str | None,
    typer.Option(
        "--agency",
        metavar="机关",
        help="只看这个机关的报告：名称、已登记的别名或机关编号。",
        show_default=False,
    ),
]
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        metavar="URL",
        envvar=DB_ENV,
        help=(
            "报告库：SQLite 文件路径（默认当前目录下的 gongkai.db），"
            f"或 PostgreSQL 地址 postgresql://用户:密码@主机/库名；也可设环境变量 {DB_ENV}。"
        ),
    ),
]
LevelOption = Annotated[
    int,
    typer.Option(
        "--level", min=1, max=3, metavar="1|2|3", help="按地区分组时的层级：1 省级，2 市级，3 县级。"
    ),
]


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    parquet = "parquet"
    json = "json"


class ShapeChoice(StrEnum):
    wide = "wide"
    long = "long"


class HeadersChoice(StrEnum):
    key = "key"
    zh = "zh"


class ChartKindChoice(StrEnum):
    trend = "trend"
    agencies = "agencies"
    outcomes = "outcomes"


class MetricChoice(StrEnum):  # gongkai.analyse.charts.METRICS
    received = "received"
    processed = "processed"
    carried_forward = "carried_forward"
    reconsideration = "reconsideration"
    litigation = "litigation"
    share_granted = "share_granted"
    share_withheld = "share_withheld"
    share_unavailable = "share_unavailable"
    share_corrected = "share_corrected"


class GroupChoice(StrEnum):
    region = "region"
    year = "year"
    agency = "agency"


# --- loading and errors --------------------------------------------------------------------


def parse_years(text: str | None) -> int | list[int] | None:
    """``2023`` → 2023; ``2021-2023`` → [2021, 2022, 2023]; ``2021,2023`` → [2021, 2023]."""
    if text is None or not text.strip():
        return None
    t = text.strip().replace("，", ",").replace("–", "-").replace("—", "-").replace("年", "")
    try:
        if "-" in t:
            lo, hi = (int(x) for x in t.split("-", 1))
            if lo > hi:
                lo, hi = hi, lo
            return list(range(lo, hi + 1))
        if "," in t:
            return sorted({int(x) for x in t.split(",") if x.strip()})
        return int(t)
    except ValueError:
        raise InputError(f"年度「{text}」无法识别；请写 2023、2021-2023 或 2021,2023。") from None


def _existing_db(db: str | None) -> str:
    """Unlike the store commands, these only read: a SQLite file that does not exist is an
    error, not a new empty database."""
    spec = db or DEFAULT_DB
    path = spec.removeprefix("sqlite:///")
    if "://" not in path and not Path(path).expanduser().is_file():
        raise InputError(f"报告库 {spec} 不存在；请先用 gongkai ingest 导入报告，或用 --db 指定报告库。")
    if "://" not in path and Path(path).expanduser().stat().st_size:
        from gongkai.cli.files import existing_db

        existing_db(path)  # a file that is not a gongkai database: a message, not a traceback
    return spec


def load_records(
    db: str | None,
    *,
    region: str | None = None,
    year: int | list[int] | None = None,
    agency: str | None = None,
    cells: bool = False,
    findings: bool = False,
) -> list[FigureRow]:
    """The current version of every stored report that matches the filters, as the figures
    stored for analysis (``cells``: with every cell; ``findings``: with the findings)."""
    spec = _existing_db(db)
    from gongkai.store.figures import load_figures  # reads with the database's driver: no ORM

    return load_figures(
        spec, region=region, year=year, agency=agency, current_only=True, cells=cells, findings=findings
    )


def _filters(region: str | None, year: str | None, agency: str | None) -> dict[str, Any]:
    """The filters (for the 说明 sheet, JSON and chart notes); years as numbers."""
    return {"region": region, "year": parse_years(year), "agency": agency}


def _err() -> Console:
    return Console(stderr=True, highlight=False)


@contextmanager
def _guard(ctx: typer.Context) -> Iterator[Console]:
    """Errors for people (exit 2) and bugs (exit 3, traceback with --debug), as elsewhere."""
    err = _err()
    obj = ctx.find_root().obj or {}
    debug = bool(obj.get("debug", debug_from_env())) if isinstance(obj, dict) else debug_from_env()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield err
        _show_warnings(err, caught)
    except GongkaiError as e:
        err.print(f"[bold red]错误[/]  {escape(e.message)}", soft_wrap=True)
        raise typer.Exit(e.exit_code or EXIT_INPUT) from None
    except (KeyboardInterrupt, BrokenPipeError, typer.Exit):
        raise
    except Exception as e:
        err.print(
            f"[bold red]内部错误[/]  处理时出现意外问题（{escape(type(e).__name__)}: {escape(str(e))}）。",
            soft_wrap=True,
        )
        if debug:
            err.print_exception(show_locals=False)
        else:
            err.print(BUG_HINT, style="dim", soft_wrap=True)
        raise typer.Exit(EXIT_BUG) from None


def _show_warnings(err: Console, caught: list[warnings.WarningMessage]) -> None:
    from gongkai.analyse.charts import MissingCjkFontWarning

    for w in caught:
        if issubclass(w.category, MissingCjkFontWarning):
            err.print(f"[yellow]警告[/]  {escape(str(w.message))}", soft_wrap=True)


def _note_empty(err: Console, records: list[Any]) -> None:
    if not records:
        err.print("[yellow]提示[/]  没有符合条件的报告。", soft_wrap=True)


# --- commands ------------------------------------------------------------------------------


def export_cmd(
    ctx: typer.Context,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="输出文件；csv 和 json 可用 - 表示标准输出。",
            show_default=False,
        ),
    ],
    to: Annotated[
        ExportFormat | None,
        typer.Option(
            "--to", help="格式：xlsx、csv、parquet、json；省略时按文件后缀判断。", show_default=False
        ),
    ] = None,
    shape: Annotated[
        ShapeChoice, typer.Option("--shape", help="wide：每份报告一行；long：每个单元格一行。")
    ] = ShapeChoice.wide,
    headers: Annotated[
        HeadersChoice, typer.Option("--headers", help="key：单元格地址作列名；zh：中文列名。")
    ] = HeadersChoice.key,
    region: RegionOption = None,
    year: YearOption = None,
    agency: AgencyOption = None,
    db: DbOption = DEFAULT_DB,
    _help_: HelpOption = False,
) -> None:
    """把报告库中的报告导出为 Excel、CSV、Parquet 或 JSON。

    宽表每份报告一行、每个单元格一列（两种版本的表格合在一起，某版本没有的单元格为空）；长表每个单元格一行。
    计数是整数，金额是精确的小数，未知的数为空。按地区、机关、年度排序。

    Excel 文件冻结表头和前几列、按中文宽度调整列宽，经更正的单元格标黄，检查发现的问题在“问题”工作表，
    筛选条件和生成时间在“说明”工作表。
    """
    from gongkai.analyse.export import ExportInfo, export_records, infer_format

    with _guard(ctx) as err:
        fmt = to.value if to else infer_format(output)
        if fmt is None:
            raise InputError("无法从文件名判断格式；请用 --to 指定 xlsx、csv、parquet 或 json。")
        records = load_records(
            db,
            region=region,
            year=parse_years(year),
            agency=agency,
            cells=True,
            findings=fmt in ("xlsx", "json"),
        )
        _note_empty(err, records)
        info = ExportInfo(filters=_filters(region, year, agency))
        fr = export_records(records, output, fmt, shape=shape.value, headers=headers.value, info=info)  # type: ignore[arg-type]
        if output != "-":
            err.print(
                f"已导出 {len(fr.records)} 份报告、{fr.row_count} 行到 {escape(output)}。", soft_wrap=True
            )


def stats_cmd(
    ctx: typer.Context,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="region|year|agency",
            help="分组：region（地区）、year（年度）、agency（机关），可用逗号组合，如 region,year；省略时只给合计。",
            show_default=False,
        ),
    ] = None,
    level: LevelOption = 1,
    region: RegionOption = None,
    year: YearOption = None,
    agency: AgencyOption = None,
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="输出 JSON 而不是表格。")] = False,
    _help_: HelpOption = False,
) -> None:
    """按地区、年度或机关统计申请数量、办理结果比例和复议诉讼情况。

    比例先把组内各报告的数字相加再相除（加权），同时给出各报告自身比例的中位数；分母为 0 时比例为空（—）。
    定义见 docs/analyse.md。
    """
    from gongkai.analyse.stats import compute_stats, parse_by

    with _guard(ctx) as err:
        dims = parse_by(by)
        records = load_records(db, region=region, year=parse_years(year), agency=agency)
        _note_empty(err, records)
        result = compute_stats(records, dims, level=level, filters=_filters(region, year, agency))
        if as_json:
            typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
            return
        from gongkai.analyse.render import render_stats

        out = Console(highlight=False)
        out.print(render_stats(result, width=out.width))


def chart_cmd(
    ctx: typer.Context,
    kind: Annotated[
        ChartKindChoice,
        typer.Argument(
            metavar="KIND",
            help="trend：逐年趋势（新收申请数、公开率）；agencies：机关比较（前 N 名）；outcomes：办理结果构成。",
            show_default=False,
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT.png|OUT.html",
            help="输出文件：.png 图片或 .html 交互网页（不需联网）。",
            show_default=False,
        ),
    ],
    by: Annotated[
        GroupChoice | None,
        typer.Option("--by", help="trend：每组一条线；outcomes：每组一条（默认 year）。", show_default=False),
    ] = None,
    level: LevelOption = 1,
    metric: Annotated[
        MetricChoice,
        typer.Option(
            "--metric",
            help="agencies 的指标：申请数 received、processed、carried_forward，案件数 reconsideration、"
            "litigation，比例 share_granted、share_withheld、share_unavailable、share_corrected。",
        ),
    ] = MetricChoice.received,
    top: Annotated[int, typer.Option("--top", min=1, help="最多显示多少个机关或分组。")] = 10,
    min_processed: Annotated[
        int,
        typer.Option(
            "--min", min=0, help="agencies 比较比例时，只含分母（办结申请或已审结案件）至少这么多的机关。"
        ),
    ] = 10,
    same_agencies: Annotated[
        bool,
        typer.Option(
            "--same-agencies",
            help="trend：只比较每年都有报告的机关（否则图中注明各年的机关数是否相同）。",
        ),
    ] = False,
    region: RegionOption = None,
    year: YearOption = None,
    agency: AgencyOption = None,
    db: DbOption = DEFAULT_DB,
    _help_: HelpOption = False,
) -> None:
    """画图：逐年趋势、机关比较或办理结果构成，输出 PNG 图片或 HTML 交互网页。

    图下方注明所用的年度（机关比较把所选各年合计，只看一年请加 --year）以及逐年趋势是否每年都是相同的机关。
    """
    from gongkai.analyse.charts import build_chart, write_chart

    with _guard(ctx) as err:
        suffix = Path(output).suffix.lower()
        if suffix not in (".png", ".html", ".htm"):
            raise InputError(f"不支持的图表文件类型 {suffix or '（无后缀）'}；请用 .png 或 .html。")
        from gongkai.cli.files import output_folder

        output_folder(output)  # a missing folder is named before any work
        records = load_records(db, region=region, year=parse_years(year), agency=agency)
        filters = _filters(region, year, agency)
        options: dict[str, Any] = {"filters": filters}
        if kind == ChartKindChoice.trend:
            options |= {
                "by": by.value if by else None,
                "level": level,
                "top": top,
                "same_agencies": same_agencies,
            }
        elif kind == ChartKindChoice.agencies:
            options |= {"metric": metric.value, "top": top, "min_processed": min_processed}
        else:
            options |= {"by": by.value if by else "year", "level": level, "top": top}
        spec = build_chart(kind.value, records, **options)  # type: ignore[arg-type]
        write_chart(spec, output)
        err.print(
            f"已画出 {escape(spec.title)}（{len(records)} 份报告）到 {escape(output)}。", soft_wrap=True
        )
        if spec.note:
            err.print(f"[yellow]说明[/]  {escape(spec.note)}。", soft_wrap=True)


FIGURES_HELP = "供统计、作图和导出使用的数字：导入和更正时自动更新，也可从报告重新计算。"
figures_app = new_app("figures", FIGURES_HELP)


@figures_app.callback()
def _figures_root(_help_: HelpOption = False) -> None:
    """供统计、作图和导出使用的数字：导入和更正时自动更新，也可从报告重新计算。"""


@figures_app.command("rebuild")
def figures_rebuild_cmd(ctx: typer.Context, db: DbOption = DEFAULT_DB, _help_: HelpOption = False) -> None:
    """从库中每份报告的单元格和更正重新计算统计用的数字（report_figures 表），并重建 SQL 视图 v_reports、v_cells。

    导入和更正时这些数字会自动更新，一般不必运行；重新计算的结果与逐份报告计算的完全相同。
    """
    from time import perf_counter

    with _guard(ctx) as err:
        spec = _existing_db(db)
        from gongkai.store.figures import rebuild

        start = perf_counter()
        n = rebuild(spec)
        err.print(
            f"已重新计算 {n} 份报告的统计数字（{perf_counter() - start:.1f} 秒），并重建视图 v_reports、v_cells。",
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Add ``export``, ``stats``, ``chart`` and ``figures`` to ``app``."""
    app.command("export")(export_cmd)
    app.command("stats")(stats_cmd)
    app.command("chart")(chart_cmd)
    app.add_typer(figures_app, name="figures")


__all__ = ["load_records", "register"]
