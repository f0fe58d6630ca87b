"""Statistics as a rich table, in Chinese."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gongkai.analyse.stats import DIMENSION_NAMES, GroupStats, StatsResult

NONE = "—"
LEVEL_NAMES = {1: "省级", 2: "市级", 3: "县级"}


def count_text(n: int | None) -> Text:
    return Text(NONE, style="dim") if n is None else Text(f"{n:,}")


def percent(x: float | None) -> str:
    return NONE if x is None else f"{x * 100:.1f}%"


def share_text(g: GroupStats, share: str, medians: bool = True) -> Text:
    """``62.3%`` and, dim below it, ``中位 58.0%``."""
    text = Text(percent(g.shares.get(share)), style="dim" if g.shares.get(share) is None else "")
    if medians:
        text.append("\n")
        text.append(f"中位 {percent(g.medians.get(share))}", style="dim")
    return text


COLUMNS: tuple[tuple[str, str], ...] = (
    ("reports", "报告"),
    ("received", "新收申请"),
    ("carried_over", "上年结转"),
    ("processed", "办结"),
    ("carried_forward", "结转下年"),
    ("reports_with_errors", "有错误"),
    ("share:granted", "公开率"),
    ("share:withheld", "不予公开"),
    ("share:unavailable", "无法提供"),
    ("reconsideration", "行政复议"),
    ("litigation", "行政诉讼"),
    ("share:corrected", "纠错率"),
)
LABEL_MIN_WIDTH = 12  # cells; a region or year label is shorter, an agency may fold
SPLIT_AT = 6  # in a narrow terminal: requests in one table, outcomes and appeals in a second
WIDE_ENOUGH = 150
NARROW = 110  # below this, three tables
APPEALS_AT = 9


def _cell(g: GroupStats, key: str, medians: bool) -> RenderableType:
    if key.startswith("share:"):
        return share_text(g, key.split(":", 1)[1], medians)
    if key == "reports":
        text = Text(f"{g.reports:,}")
        if g.reports_incomplete:
            text.append(f"\n不全 {g.reports_incomplete}", style="dim yellow")
        return text
    if key == "reports_with_errors":
        n = g.reports_with_errors
        return Text(f"{n:,}", style="bold red" if n else "dim")
    return count_text(g.totals.get(key))


def stats_title(result: StatsResult) -> str:
    if not result.by:
        return "全部报告"
    names = []
    for d in result.by:
        name = DIMENSION_NAMES[d]
        if d == "region":
            name += f"（{LEVEL_NAMES.get(result.level, result.level)}）"
        names.append(name)
    return "按" + "、".join(names) + "分组"


def _table(result: StatsResult, title: str, columns: Sequence[tuple[str, str]], medians: bool) -> Table:
    t = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold", show_edge=False, title_justify="left")
    # the label column is never cut ("202…", "淮 …"): as wide as its longest label up to
    # LABEL_MIN_WIDTH, longer labels fold onto a second line
    longest = max((cell_len(g.label) for g in result.groups), default=4) if result.by else 4
    t.add_column(
        "分组" if result.by else "",
        min_width=max(4, min(longest, LABEL_MIN_WIDTH)),
        max_width=30,
        overflow="fold",
    )
    for _, name in columns:
        t.add_column(name, justify="right", no_wrap=True)
    for g in result.groups if result.by else []:
        t.add_row(Text(g.label), *(_cell(g, key, medians) for key, _ in columns))
    if result.by:
        t.add_section()
    t.add_row(Text("合计", style="bold"), *(_cell(result.overall, key, medians) for key, _ in columns))
    return t


NOTES = (
    "公开率 =（予以公开＋部分公开）÷ 办结；不予公开、无法提供同除以办结；"
    "纠错率 = 行政复议和行政诉讼“结果纠正”÷（结果维持＋结果纠正＋其他结果），不计尚未审结。"
    "比例按组内各报告合计后相除，“中位”是各报告自身比例的中位数；"
    f"{NONE} 表示分母为 0 或数据未知；“不全 n”表示有 n 份报告的部分数字未知，未计入相应合计。"
)


def render_stats(result: StatsResult, medians: bool = True, width: int | None = None) -> RenderableType:
    """One row per group and a 合计 row, then notes on the definitions.

    In a terminal narrower than :data:`WIDE_ENOUGH` columns the table is split in two: the
    numbers of requests, then the shares and appeals.
    """
    title = stats_title(result)
    if width is None or width >= WIDE_ENOUGH:
        tables = [_table(result, title, COLUMNS, medians)]
    elif width < NARROW:  # 80 columns: shares and appeals in tables of their own, nothing cut
        tables = [
            _table(result, f"{title}：申请数量", COLUMNS[:SPLIT_AT], medians),
            _table(result, f"{title}：办理结果", COLUMNS[SPLIT_AT:APPEALS_AT], medians),
            _table(result, f"{title}：复议诉讼", COLUMNS[APPEALS_AT:], medians),
        ]
    else:
        tables = [
            _table(result, f"{title}：申请数量", COLUMNS[:SPLIT_AT], medians),
            _table(result, f"{title}：办理结果与复议诉讼", COLUMNS[SPLIT_AT:], medians),
        ]
    return Group(*tables, Text(NOTES, style="dim"))
