"""Statistics over many reports, by region, year or agency.

Each report is first reduced to a few *figures* (requests received, processed, granted, …; see
:data:`FIGURE_ADDRESSES`), each the sum of some ``total`` cells of its edition. A figure is
unknown (``None``) when any of its cells is unknown. Then, per group:

* **totals**: the sum of a figure over the group's reports that know it (``None`` if none do);
* **shares** (weighted): Σ numerator / Σ denominator over the reports that know both, ``None``
  when that denominator is 0 (no requests processed, no appeal concluded) or no report knows both;
* **medians**: the median, over the reports whose denominator is known and positive, of the
  report's own share (``None`` when there is no such report).

The definitions are in docs/analyse.md, the numbers a test checks by hand.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal

from gongkai.analyse.rows import sort_key
from gongkai.model.keys import EDITIONS
from gongkai.store.figures import FIGURE_ADDRESSES, FIGURES, FigureRow, Figures, figure_addresses  # noqa: F401

if TYPE_CHECKING:
    from gongkai.store.records import ReportRecord

Dimension = Literal["region", "year", "agency"]
DIMENSIONS: tuple[Dimension, ...] = ("region", "year", "agency")
DIMENSION_NAMES = {"region": "地区", "year": "年度", "agency": "机关"}
STATS_SCHEMA_ID = "gongkai.stats/1"
UNKNOWN_REGION = "（地区不明）"
OWN_LEVEL = "（本级）"
MAX_LEVEL = 3

FIGURE_NAMES = {
    "received": "本年新收申请",
    "carried_over": "上年结转",
    "processed": "本年办结（办理结果总计）",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
    "carried_forward": "结转下年度",
    "reconsideration": "行政复议",
    "litigation": "行政诉讼",
    "appeals_upheld": "复议诉讼·结果维持",
    "appeals_corrected": "复议诉讼·结果纠正",
    "appeals_other": "复议诉讼·其他结果",
    "appeals_pending": "复议诉讼·尚未审结",
    "appeals_concluded": "复议诉讼·已审结",
}
# share → (numerator figures, denominator figure)
SHARES: dict[str, tuple[tuple[str, ...], str]] = {
    "granted": (("granted", "partially_granted"), "processed"),
    "granted_only": (("granted",), "processed"),
    "partially_granted": (("partially_granted",), "processed"),
    "withheld": (("withheld",), "processed"),
    "unavailable": (("unavailable",), "processed"),
    "rejected": (("rejected",), "processed"),
    "other": (("other",), "processed"),
    "corrected": (("appeals_corrected",), "appeals_concluded"),
}
SHARE_NAMES = {
    "granted": "公开率（予以公开＋部分公开）",
    "granted_only": "予以公开",
    "partially_granted": "部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
    "corrected": "纠错率（复议诉讼结果纠正／已审结）",
}
MEDIAN_SHARES = ("granted", "withheld", "unavailable", "corrected")


def _split(address: str) -> tuple[str, str, str]:
    t, r, c = address.split(".")
    return t, r, c


_PLAN: dict[str, list[list[tuple[str, str, str]]]] = {
    k: [[_split(a) for a in FIGURE_ADDRESSES[k][f]] for f in FIGURES] for k in EDITIONS
}
_INDEX = {f: i for i, f in enumerate(FIGURES)}
_KNOWN = frozenset(("read", "inferred"))


def report_figures(rec: ReportRecord | FigureRow) -> Figures:
    """The figures of one report; ``None`` where a cell is unknown or absent.

    A :class:`FigureRow` carries them (stored at ingest and correction); a
    :class:`ReportRecord` is reduced here, from its cells."""
    if isinstance(rec, FigureRow):
        return rec.figures
    tables = rec.report.tables
    plan = _PLAN.get(rec.edition) or _PLAN["2021"]
    known = _KNOWN
    out: list[int | None] = []
    for cells in plan:
        total: int | None = 0
        for t, r, c in cells:
            try:
                cell = tables[t][r][c]
            except KeyError:
                total = None
                break
            v = cell.value
            if v is None or cell.status not in known:
                total = None
                break
            total += v  # type: ignore[operator,assignment]  # figure cells are counts: ints
        out.append(total)
    return tuple(out)


def has_errors(rec: ReportRecord | FigureRow) -> bool:
    if isinstance(rec, FigureRow):
        return rec.errors > 0
    from gongkai.analyse.frame import all_findings

    return any(str(f.severity) == "error" for f in all_findings(rec))


# --- groups --------------------------------------------------------------------------------


def region_key(rec: ReportRecord | FigureRow, level: int) -> tuple[str, ...]:
    """The region path cut at ``level``; a shorter path stays as it is (its own level)."""
    if rec.region_path:
        return tuple(rec.region_path[:level])
    return (rec.region,) if rec.region else ()


def region_label(path: Sequence[str], level: int, own_level: bool) -> str:
    if not path:
        return UNKNOWN_REGION
    return "".join(path) + (OWN_LEVEL if own_level else "")


def parse_by(text: str | None) -> tuple[Dimension, ...]:
    """``"region,year"`` → ``("region", "year")``; empty → one group of everything."""
    if not text:
        return ()
    dims: list[Dimension] = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part not in DIMENSIONS:
            from gongkai.errors import InputError

            raise InputError(
                f"不能按 {part!r} 分组；可用 region（地区）、year（年度）、agency（机关），用逗号组合。"
            )
        if part in dims:
            continue
        dims.append(part)  # type: ignore[arg-type]
    return tuple(dims)


@dataclass
class GroupStats:
    key: dict[str, Any]
    label: str
    reports: int = 0
    reports_with_errors: int = 0
    reports_incomplete: int = 0
    totals: dict[str, int | None] = field(default_factory=dict)
    shares: dict[str, float | None] = field(default_factory=dict)
    medians: dict[str, float | None] = field(default_factory=dict)
    sort: tuple[Any, ...] = ()

    def to_json(self, digits: int = 6) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, digits)

        return {
            "group": self.key,
            "label": self.label,
            "reports": self.reports,
            "reports_with_errors": self.reports_with_errors,
            "reports_incomplete": self.reports_incomplete,
            "totals": self.totals,
            "shares": {k: r(v) for k, v in self.shares.items()},
            "medians": {k: r(v) for k, v in self.medians.items()},
        }


@dataclass
class StatsResult:
    by: tuple[Dimension, ...]
    level: int
    groups: list[GroupStats]
    overall: GroupStats
    filters: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": STATS_SCHEMA_ID,
            "by": list(self.by),
            "level": self.level if "region" in self.by else None,
            "filters": self.filters,
            "definitions": {
                "totals": {k: FIGURE_NAMES[k] for k in FIGURES},
                "shares": {
                    k: {"numerator": list(num), "denominator": den, "name": SHARE_NAMES[k]}
                    for k, (num, den) in SHARES.items()
                },
            },
            "groups": [g.to_json() for g in self.groups],
            "overall": self.overall.to_json(),
        }


def aggregate(key: dict[str, Any], label: str, figures: Sequence[Figures], errors: int) -> GroupStats:
    """Totals, weighted shares and medians of per-report shares for one group.

    Column by column (one tuple per figure), so that 100,000 reports take a fraction of a
    second; the arithmetic is on integers, each share is one true division of two integers."""
    g = GroupStats(key=key, label=label, reports=len(figures), reports_with_errors=errors)
    g.reports_incomplete = sum(1 for f in figures if None in f)
    columns: list[tuple[int | None, ...]] = (
        list(zip(*figures, strict=True)) if figures else [()] * len(FIGURES)
    )
    for name, i in _INDEX.items():
        known = [v for v in columns[i] if v is not None]
        g.totals[name] = sum(known) if known else None
    for share, (num, den) in SHARES.items():
        pairs = _known_pairs([columns[_INDEX[n]] for n in num], columns[_INDEX[den]])
        sn, sd = sum(map(_FIRST, pairs)), sum(map(_SECOND, pairs))
        per_report = [nv / dv for nv, dv in pairs if dv > 0]
        g.shares[share] = sn / sd if pairs and sd > 0 else None
        g.medians[share] = statistics.median(per_report) if per_report else None
    return g


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _known_pairs(
    numerators: list[tuple[int | None, ...]], denominator: tuple[int | None, ...]
) -> list[tuple[int, int]]:
    """(Σ numerators, denominator) of each report that knows all of them."""
    if len(numerators) == 1:
        return [
            (n, d) for n, d in zip(numerators[0], denominator, strict=True) if n is not None and d is not None
        ]
    out: list[tuple[int, int]] = []
    for *parts, d in zip(*numerators, denominator, strict=True):
        if d is not None and None not in parts:
            out.append((sum(parts), d))  # type: ignore[arg-type]
    return out


def compute_stats(
    records: Iterable[ReportRecord | FigureRow],
    by: Sequence[Dimension] = (),
    *,
    level: int = 1,
    filters: dict[str, Any] | None = None,
) -> StatsResult:
    """Group ``records`` by ``by`` (region at ``level`` of the region hierarchy, year, agency)."""
    if not 1 <= level <= MAX_LEVEL:
        from gongkai.errors import InputError

        raise InputError(f"地区层级须为 1 至 {MAX_LEVEL}（1 省级，2 市级，3 县级）。")
    recs = list(records)  # no need to sort: a group's key, label and place come from any of its reports
    figures = [report_figures(r) for r in recs]
    errors = [has_errors(r) for r in recs]
    buckets: dict[tuple[Any, ...], list[int]] = {}
    meta: dict[tuple[Any, ...], tuple[dict[str, Any], str, tuple[Any, ...]]] = {}
    for i, rec in enumerate(recs):
        key_parts: list[Any] = []
        out: dict[str, Any] = {}
        labels: list[str] = []
        sort: list[Any] = []
        for dim in by:
            if dim == "region":
                path = region_key(rec, level)
                own = bool(rec.region_path) and len(rec.region_path) < level
                key_parts.append(("region", path, own))
                out["region"] = region_label(path, level, own)
                out["region_path"] = list(path)
                labels.append(out["region"])
                sort.append((not path, path, own))
            elif dim == "year":
                key_parts.append(("year", rec.year))
                out["year"] = rec.year
                labels.append(f"{rec.year}年")
                sort.append(rec.year)
            else:
                key_parts.append(("agency", rec.agency_id))
                out["agency"] = rec.agency
                out["agency_id"] = rec.agency_id
                out["region"] = rec.region
                labels.append(rec.agency)
                sort.append(sort_key(rec)[:3])
        k = tuple(key_parts)
        buckets.setdefault(k, []).append(i)
        if k not in meta:
            meta[k] = (out, " ".join(labels) or "全部", tuple(sort))
    groups = []
    for k, idx in buckets.items():
        group_key, label, group_sort = meta[k]
        g = aggregate(group_key, label, [figures[i] for i in idx], sum(errors[i] for i in idx))
        g.sort = group_sort
        groups.append(g)
    groups.sort(key=lambda g: g.sort)
    # one group of everything (no --by): it is the overall
    overall = groups[0] if not by and groups else aggregate({}, "全部", figures, sum(errors))
    return StatsResult(tuple(by), level, groups, overall, dict(filters or {}))
