"""Charts of a corpus: trends over years, agencies compared, outcomes broken down.

A chart is first a :class:`ChartSpec` (titles, categories, series: plain data, easy to test), then
drawn by :func:`render_png` (matplotlib, Agg, no display needed) or :func:`render_html` (plotly,
self-contained: plotly.js is embedded, nothing is fetched when the page is opened).

Chinese text needs a CJK font: :func:`cjk_font` looks for one among the fonts matplotlib knows
(Noto Sans/Serif CJK SC, Source Han, WenQuanYi, SimHei, …; ``GONGKAI_CJK_FONT`` names a family or
a font file to use instead). Without one the PNG is still written, with a warning in Chinese once.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from gongkai.analyse.stats import SHARES, Dimension, GroupStats, compute_stats
from gongkai.errors import InputError

if TYPE_CHECKING:
    from gongkai.store.figures import FigureRow
    from gongkai.store.records import ReportRecord

    Record = ReportRecord | FigureRow

ChartKind = Literal["trend", "agencies", "outcomes"]
CHART_KINDS: tuple[ChartKind, ...] = ("trend", "agencies", "outcomes")
PanelStyle = Literal["bar", "line", "barh", "stacked_barh"]

CJK_FONT_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Serif CJK SC",
    "Noto Serif SC",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)
HTML_FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", "SimHei", sans-serif'
)
FONT_WARNING = (
    "未找到中文字体（如 Noto Sans CJK SC、思源黑体、文泉驿、黑体），图中的中文可能显示为方框。"
    "请安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk），"
    "或用环境变量 GONGKAI_CJK_FONT 指定字体名称或字体文件。"
)

OUTCOMES: tuple[tuple[str, str, str], ...] = (  # share key, name, colour
    ("granted_only", "予以公开", "#2e7d32"),
    ("partially_granted", "部分公开", "#81c784"),
    ("withheld", "不予公开", "#c62828"),
    ("unavailable", "无法提供", "#ef6c00"),
    ("rejected", "不予处理", "#6a1b9a"),
    ("other", "其他处理", "#9e9e9e"),
)
PALETTE = (
    "#1f5aa6",
    "#d1495b",
    "#edae49",
    "#00798c",
    "#66a182",
    "#8e6c8a",
    "#30638e",
    "#a05a2c",
    "#5c5c5c",
    "#b5838d",
)

METRICS: dict[str, tuple[str, bool]] = {  # metric → (name, is a share)
    "received": ("本年新收申请数", False),
    "processed": ("办结申请数", False),
    "carried_forward": ("结转下年度申请数", False),
    "reconsideration": ("行政复议案件数", False),
    "litigation": ("行政诉讼案件数", False),
    "share_granted": ("公开率（予以公开＋部分公开）", True),
    "share_withheld": ("不予公开比例", True),
    "share_unavailable": ("无法提供比例", True),
    "share_corrected": ("复议诉讼纠错率", True),
}


class MissingCjkFontWarning(UserWarning):
    """No CJK font was found: Chinese text in PNG charts will not render."""


@dataclass
class Series:
    name: str
    values: list[float | None]
    color: str | None = None
    dashed: bool = False


@dataclass
class Panel:
    title: str
    categories: list[str]
    series: list[Series]
    style: PanelStyle
    percent: bool = False
    axis_label: str = ""


@dataclass
class ChartSpec:
    kind: ChartKind
    title: str
    subtitle: str
    panels: list[Panel] = field(default_factory=list)
    note: str = ""  # what the reader must know to read it right: years summed, agencies compared

    def caption(self) -> str:
        return f"{self.subtitle}。{self.note}" if self.note else self.subtitle


# --- fonts ---------------------------------------------------------------------------------

_font_cache: dict[str, str | None] = {}
_warned = False


def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or ``None``."""
    override = os.environ.get("GONGKAI_CJK_FONT", "").strip()
    if override in _font_cache:
        return _font_cache[override]
    from matplotlib import font_manager

    found: str | None = None
    if override and Path(override).is_file():
        font_manager.fontManager.addfont(override)
        found = font_manager.FontProperties(fname=override).get_name()
    else:
        names = {f.name for f in font_manager.fontManager.ttflist}
        wanted = ((override,) if override else ()) + CJK_FONT_FAMILIES
        found = next((n for n in wanted if n in names), None)
    _font_cache[override] = found
    return found


def _warn_no_font() -> None:
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(FONT_WARNING, MissingCjkFontWarning, stacklevel=3)


# --- specs ---------------------------------------------------------------------------------


def _subtitle(records: Sequence[Record], filters: dict[str, Any] | None) -> str:
    from gongkai.analyse.export import ExportInfo

    years = sorted({r.year for r in records})
    span = f"{years[0]}–{years[-1]} 年" if len(years) > 1 else (f"{years[0]} 年" if years else "")
    parts = [f"{len(records)} 份报告", span]
    text = ExportInfo(filters=dict(filters or {})).filters_text()
    if filters and any(v is not None for v in filters.values()):
        parts.append("筛选：" + text)
    return "，".join(p for p in parts if p)


def _need(records: Sequence[Record]) -> None:
    if not records:
        raise InputError("没有符合条件的报告，无法作图。")


def _metric_value(g: GroupStats, metric: str) -> float | None:
    if metric.startswith("share_"):
        return g.shares.get(metric.removeprefix("share_"))
    v = g.totals.get(metric)
    return None if v is None else float(v)


def _group_id(g: GroupStats, without: str | None = None) -> tuple[Any, ...]:
    return tuple(
        (k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(g.key.items()) if k != without
    )


def same_agencies_only(records: Sequence[Record]) -> list[Record]:
    """The records of the agencies that have a report in every year the records cover."""
    years = {r.year for r in records}
    by_agency: dict[int, set[int]] = {}
    for r in records:
        by_agency.setdefault(r.agency_id, set()).add(r.year)
    keep = {a for a, ys in by_agency.items() if ys == years}
    return [r for r in records if r.agency_id in keep]


def agencies_note(records: Sequence[Record], same: bool) -> str:
    """Does a trend compare the same agencies every year? Say so either way."""
    years = sorted({r.year for r in records})
    per_year = {y: {r.agency_id for r in records if r.year == y} for y in years}
    if same:
        n = len(per_year[years[0]]) if years else 0
        return f"只比较每年都有报告的 {n} 个机关"
    if len({frozenset(v) for v in per_year.values()}) <= 1:
        n = len(per_year[years[0]]) if years else 0
        return f"每年都是相同的 {n} 个机关"
    counts = "，".join(f"{y}年 {len(per_year[y])} 个" for y in years)
    return f"各年的机关不完全相同（{counts}），年度之间的变化部分来自机关的增减；只比较每年都有报告的机关请加 --same-agencies"


def trend_chart(
    records: Sequence[Record],
    *,
    by: Dimension | None = None,
    level: int = 1,
    top: int = 8,
    filters: dict[str, Any] | None = None,
    same_agencies: bool = False,
) -> ChartSpec:
    """Requests received and the share granted, year by year; one line per group with ``by``.

    The note says whether every year holds the same agencies; ``same_agencies`` keeps only the
    agencies with a report in every year."""
    _need(records)
    if same_agencies:
        records = same_agencies_only(records)
        if not records:
            raise InputError("没有每年都有报告的机关，无法只比较相同的机关；请缩小 --year 的范围。")
    note = agencies_note(records, same_agencies)
    years = sorted({r.year for r in records})
    cats = [f"{y}年" for y in years]
    title = "政府信息公开申请趋势"
    if by is None:
        stats = {g.key["year"]: g for g in compute_stats(records, ("year",)).groups}
        received = [_metric_value(stats[y], "received") for y in years]
        granted = [stats[y].shares["granted"] for y in years]
        median = [stats[y].medians["granted"] for y in years]
        panels = [
            Panel(
                "本年新收政府信息公开申请数",
                cats,
                [Series("新收申请", received, PALETTE[0])],
                "bar",
                axis_label="件",
            ),
            Panel(
                "公开率（予以公开＋部分公开）÷ 办结",
                cats,
                [
                    Series("按合计（加权）", granted, PALETTE[1]),
                    Series("各报告中位数", median, PALETTE[2], dashed=True),
                ],
                "line",
                percent=True,
            ),
        ]
        return ChartSpec("trend", title, _subtitle(records, filters), panels, note)
    result = compute_stats(records, (by, "year"), level=level)
    overall = compute_stats(records, (by,), level=level)
    ranked = sorted(overall.groups, key=lambda g: (-(g.totals.get("received") or 0), g.sort))[:top]
    labels = [g.label for g in ranked]
    cells: dict[tuple[Any, int], GroupStats] = {}
    for g in result.groups:
        cells[(_group_id(g, without="year"), g.key["year"])] = g
    received_series, granted_series = [], []
    for i, group in enumerate(ranked):
        color = PALETTE[i % len(PALETTE)]
        found = [cells.get((_group_id(group), y)) for y in years]
        rec = [None if c is None else _metric_value(c, "received") for c in found]
        gra = [None if c is None else c.shares["granted"] for c in found]
        received_series.append(Series(group.label, rec, color))
        granted_series.append(Series(group.label, gra, color))
    shown = f"（新收申请最多的 {len(labels)} 个）" if len(overall.groups) > len(labels) else ""
    panels = [
        Panel(f"本年新收政府信息公开申请数{shown}", cats, received_series, "line", axis_label="件"),
        Panel("公开率（予以公开＋部分公开）÷ 办结", cats, granted_series, "line", percent=True),
    ]
    return ChartSpec("trend", title, _subtitle(records, filters), panels, note)


def years_note(records: Sequence[Record]) -> tuple[str, str]:
    """(short title suffix, note) saying which years a ranking sums, or the one year it uses."""
    years = sorted({r.year for r in records})
    if len(years) == 1:
        return f"（{years[0]}年）", f"只用 {years[0]} 年的报告"
    per_agency: dict[int, set[int]] = {}
    for r in records:
        per_agency.setdefault(r.agency_id, set()).add(r.year)
    span = (
        f"{years[0]}—{years[-1]}年"
        if years == list(range(years[0], years[-1] + 1))
        else "、".join(map(str, years)) + "年"
    )
    fewer = sum(1 for ys in per_agency.values() if len(ys) < len(years))
    note = f"每个机关为 {span} {len(years)} 个年度的合计（比例按合计计算）"
    if fewer:
        note += f"；其中 {fewer} 个机关不是每年都有报告，合计的年度较少"
    return f"（{span}合计）", note + "；只看一年请加 --year"


def agencies_chart(
    records: Sequence[Record],
    *,
    metric: str = "received",
    top: int = 10,
    min_processed: int = 10,
    filters: dict[str, Any] | None = None,
) -> ChartSpec:
    """The ``top`` agencies by ``metric``; shares only for agencies with enough requests."""
    _need(records)
    if metric not in METRICS:
        raise InputError(f"未知指标 {metric!r}；可用：{'、'.join(METRICS)}。")
    name, is_share = METRICS[metric]
    groups = compute_stats(records, ("agency",)).groups
    note = ""
    if is_share:
        den = SHARES[metric.removeprefix("share_")][1]
        groups = [g for g in groups if (g.totals.get(den) or 0) >= min_processed]
        unit = "件已审结案件" if den == "appeals_concluded" else "件办结申请"
        note = f"（仅含至少 {min_processed} {unit}的机关）"
    scored = [(v, g) for g in groups if (v := _metric_value(g, metric)) is not None]
    scored.sort(key=lambda vg: (-vg[0], vg[1].sort))
    scored = scored[:top]
    if not scored:
        raise InputError(f"没有可比较的机关{note}。")
    scored.reverse()  # largest at the top of a horizontal bar chart
    suffix, years_text = years_note(records)
    panel = Panel(
        f"{name}{suffix}{note}",
        [g.label for _, g in scored],
        [Series(name, [v for v, _ in scored], PALETTE[0])],
        "barh",
        percent=is_share,
        axis_label="" if is_share else "件",
    )
    return ChartSpec(
        "agencies",
        f"机关比较：{name}{suffix}（前 {len(scored)} 名）",
        _subtitle(records, filters),
        [panel],
        years_text,
    )


def outcomes_chart(
    records: Sequence[Record],
    *,
    by: Dimension = "year",
    level: int = 1,
    top: int = 15,
    filters: dict[str, Any] | None = None,
) -> ChartSpec:
    """How requests ended, per group: shares of processed requests, stacked to 100%."""
    _need(records)
    groups = [
        g
        for g in compute_stats(records, (by,), level=level).groups
        if g.shares.get("granted_only") is not None
    ]
    note = ""
    if len(groups) > top:
        groups = sorted(groups, key=lambda g: (-(g.totals.get("processed") or 0), g.sort))[:top]
        groups.sort(key=lambda g: g.sort)
        note = f"（办结申请最多的 {top} 个）"
    if not groups:
        raise InputError("所选报告没有办结的申请，无法画办理结果构成。")
    groups.reverse()  # first group at the top
    series = [Series(name, [g.shares.get(key) for g in groups], color) for key, name, color in OUTCOMES]
    names = {"year": "年度", "region": "地区", "agency": "机关"}
    suffix, years_text = ("", "") if by == "year" else years_note(records)
    panel = Panel(
        f"办理结果占办结申请的比例{suffix}{note}",
        [g.label for g in groups],
        series,
        "stacked_barh",
        percent=True,
    )
    return ChartSpec(
        "outcomes", f"办理结果构成（按{names[by]}）", _subtitle(records, filters), [panel], years_text
    )


def build_chart(kind: ChartKind, records: Sequence[Record], **options: Any) -> ChartSpec:
    builders: dict[str, Any] = {"trend": trend_chart, "agencies": agencies_chart, "outcomes": outcomes_chart}
    if kind not in builders:
        raise InputError(f"未知图表类型 {kind!r}；可用：{'、'.join(CHART_KINDS)}。")
    return builders[kind](records, **options)


# --- PNG -----------------------------------------------------------------------------------


def _figure_size(spec: ChartSpec) -> tuple[float, float]:
    height = 1.0
    for p in spec.panels:
        if p.style in ("barh", "stacked_barh"):
            height += 1.3 + 0.42 * max(3, len(p.categories))
        else:
            height += 3.6
    return (11.0, min(height, 40.0))


def _format_count(x: float, _pos: int | None = None) -> str:
    return f"{x:,.0f}"


def render_png(spec: ChartSpec, path: str | Path, dpi: int = 150) -> None:
    """Draw with matplotlib's Agg canvas (no display, no global pyplot state)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    font = cjk_font()
    rc: dict[str, Any] = {"axes.unicode_minus": False, "svg.fonttype": "none"}
    if font:
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    with warnings.catch_warnings(), matplotlib.rc_context(rc):  # type: ignore[arg-type]
        if not font:
            _warn_no_font()
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        fig = Figure(figsize=_figure_size(spec), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        fig.suptitle(spec.title, fontsize=15, fontweight="bold")
        fig.supxlabel(
            f"{spec.subtitle}。数据：政府信息公开工作年度报告；由 gongkai 生成"
            + (f"\n{spec.note}" if spec.note else ""),
            fontsize=9,
            color="#555555",
            x=0.01,
            ha="left",
        )
        heights = [
            max(3, len(p.categories)) * 0.42 + 1.3 if p.style.endswith("barh") else 3.6 for p in spec.panels
        ]
        axes = fig.subplots(len(spec.panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
        for ax, panel in zip(axes, spec.panels, strict=True):
            _draw_panel(ax, panel)
            fmt = PercentFormatter(1.0, decimals=0) if panel.percent else FuncFormatter(_format_count)
            (ax.xaxis if panel.style.endswith("barh") else ax.yaxis).set_major_formatter(fmt)
        fig.savefig(str(path), format="png", dpi=dpi, metadata={"Software": "gongkai"})


def _draw_panel(ax: Any, panel: Panel) -> None:
    import numpy as np

    ax.set_title(panel.title, loc="left", fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    n = len(panel.categories)
    pos = np.arange(n)

    def nums(values: Sequence[float | None]) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    if panel.style == "bar":
        width = 0.8 / max(1, len(panel.series))
        for i, s in enumerate(panel.series):
            ax.bar(
                pos + (i - (len(panel.series) - 1) / 2) * width,
                nums(s.values),
                width,
                label=s.name,
                color=s.color,
            )
        ax.set_xticks(pos, panel.categories)
        ax.grid(axis="y", alpha=0.3)
    elif panel.style == "line":
        for s in panel.series:
            ax.plot(
                pos,
                nums(s.values),
                marker="o",
                label=s.name,
                color=s.color,
                linestyle="--" if s.dashed else "-",
            )
        ax.set_xticks(pos, panel.categories)
        ax.grid(axis="y", alpha=0.3)
        if panel.percent:
            ax.set_ylim(0, 1.05)
    elif panel.style == "barh":
        values = nums(panel.series[0].values)
        bars = ax.barh(pos, values, color=panel.series[0].color)
        ax.set_yticks(pos, panel.categories)
        labels = [f"{v:.1%}" if panel.percent else f"{v:,.0f}" for v in values]
        ax.bar_label(bars, labels=labels, padding=3, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        if panel.percent:
            ax.set_xlim(0, min(1.0, float(np.nanmax(values)) * 1.15 + 0.01))
        else:
            ax.set_xlim(0, float(np.nanmax(values)) * 1.15 or 1)
    else:  # stacked_barh
        left = np.zeros(n)
        for s in panel.series:
            values = np.nan_to_num(nums(s.values))
            bars = ax.barh(pos, values, left=left, label=s.name, color=s.color, height=0.7)
            labels = [f"{v:.0%}" if v >= 0.06 else "" for v in values]
            ax.bar_label(bars, labels=labels, label_type="center", fontsize=8, color="white")
            left += values
        ax.set_yticks(pos, panel.categories)
        ax.set_xlim(0, 1)
        handles, labels = ax.get_legend_handles_labels()
        ax.figure.legend(handles, labels, loc="outside right upper", frameon=False, fontsize=10)
    if panel.axis_label:
        (ax.set_xlabel if panel.style.endswith("barh") else ax.set_ylabel)(panel.axis_label)
    if panel.style in ("bar", "line") and len(panel.series) > 1:
        ax.legend(fontsize=9, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))


# --- HTML ----------------------------------------------------------------------------------


def plotly_figure(spec: ChartSpec) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    heights = [
        max(3, len(p.categories)) * 0.42 + 1.3 if p.style.endswith("barh") else 3.6 for p in spec.panels
    ]
    total = sum(heights)
    fig = make_subplots(
        rows=len(spec.panels),
        cols=1,
        subplot_titles=[p.title for p in spec.panels],
        row_heights=[h / total for h in heights],
        vertical_spacing=0.12 if len(spec.panels) > 1 else 0.0,
    )
    for row, panel in enumerate(spec.panels, start=1):
        fmt = ".1%" if panel.percent else ",.0f"
        horizontal = panel.style.endswith("barh")
        for s in panel.series:
            hover = "%{y}: %{x:" + fmt + "}" if horizontal else "%{x}: %{y:" + fmt + "}"
            common: dict[str, Any] = {
                "name": s.name,
                "hovertemplate": f"{s.name}<br>{hover}<extra></extra>",
                "showlegend": len(panel.series) > 1 and (row == 1 or panel.style == "stacked_barh"),
                "legendgroup": s.name,
            }
            if panel.style == "line":
                trace = go.Scatter(
                    x=panel.categories,
                    y=s.values,
                    mode="lines+markers",
                    line={"color": s.color, "dash": "dash" if s.dashed else "solid"},
                    **common,
                )
            elif horizontal:
                trace = go.Bar(
                    x=s.values,
                    y=panel.categories,
                    orientation="h",
                    marker_color=s.color,
                    text=[None if v is None else format(v, fmt) for v in s.values],
                    textposition="inside" if panel.style == "stacked_barh" else "outside",
                    **common,
                )
            else:
                trace = go.Bar(x=panel.categories, y=s.values, marker_color=s.color, **common)
            fig.add_trace(trace, row=row, col=1)
        axis = fig.update_xaxes if horizontal else fig.update_yaxes
        axis(tickformat=".0%" if panel.percent else ",d", row=row, col=1, title_text=panel.axis_label or None)
        if horizontal:
            fig.update_yaxes(categoryorder="array", categoryarray=panel.categories, row=row, col=1)
        if panel.style == "stacked_barh":
            fig.update_xaxes(range=[0, 1], row=row, col=1)
    fig.update_layout(
        title={
            "text": f"{spec.title}<br><sup>{spec.subtitle}</sup>"
            + (f"<br><sup>{spec.note}</sup>" if spec.note else ""),
            "x": 0.5,
        },
        barmode="stack" if any(p.style == "stacked_barh" for p in spec.panels) else "group",
        font={"family": HTML_FONT},
        template="plotly_white",
        height=int(120 + 110 * sum(heights)),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 140},
    )
    return fig


def render_html(spec: ChartSpec, path: str | Path) -> None:
    """A self-contained page: plotly.js is embedded, no script is loaded from the network."""
    from html import escape

    fig = plotly_figure(spec)
    page = fig.to_html(
        include_plotlyjs=True,
        include_mathjax=False,
        full_html=True,
        div_id="gongkai-chart",
        config={"displaylogo": False, "responsive": True},
    )
    page = page.replace("<head>", f"<head>\n    <title>{escape(spec.title)}</title>", 1)
    page = page.replace("<html>", '<html lang="zh-CN">', 1)
    Path(path).write_text(page, encoding="utf-8")


def write_chart(spec: ChartSpec, path: str | Path) -> None:
    """PNG or HTML, by the suffix of ``path``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".png":
        render_png(spec, path)
    elif suffix in (".html", ".htm"):
        render_html(spec, path)
    else:
        raise InputError(f"不支持的图表文件类型 {suffix or '（无后缀）'}；请用 .png 或 .html。")


def chart_records(kind: ChartKind, records: Iterable[Record], path: str | Path, **options: Any) -> ChartSpec:
    spec = build_chart(kind, list(records), **options)
    write_chart(spec, path)
    return spec
