"""A whole report for the terminal: meta, the three tables, notes and a findings summary."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gongkai.display.cells import format_value, legend
from gongkai.display.findings import findings_summary
from gongkai.display.labels import address_label, edition_name
from gongkai.display.tables import active_tables, appeals_table, requests_table
from gongkai.model.keys import edition
from gongkai.model.report import Report, Status

STATUS_NAMES = {
    Status.READ: "读出",
    Status.INFERRED: "推断",
    Status.AMBIGUOUS: "存疑",
    Status.MISSING: "缺失",
}


def source_name(name: str) -> str:
    return "（标准输入）" if name in ("-", "") else name


def status_counts(report: Report) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for _, cell in report.cells():
        counts[Status(cell.status)] += 1
    return counts


def meta_grid(report: Report) -> Table:
    """标题、机关、地区、年度、版本、来源、章节、单元格 as a two-column grid."""
    m = report.meta
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def val(v: object) -> Text:
        return Text(str(v)) if v not in (None, "") else Text("（未识别）", style="dim")

    grid.add_row("标题", val(m.title))
    grid.add_row("机关", val(m.agency))
    grid.add_row("地区", val(m.region))
    grid.add_row("年度", val(m.year))
    grid.add_row("版本", val(edition_name(m.edition)))
    src = report.source
    sha = f"，sha256 {src.sha256[:12]}…" if src.sha256 else ""
    grid.add_row("来源", Text(f"{source_name(src.name)}（{src.format}{sha}）"))
    grid.add_row("章节", sections_text(report))
    counts = status_counts(report)
    parts = "，".join(f"{STATUS_NAMES[s]} {n}" for s, n in counts.items())
    grid.add_row("单元格", Text(f"共 {sum(counts.values())} 个：{parts}"))
    return grid


def sections_text(report: Report) -> Text:
    """Which of the six sections were found (text, possibly empty, or a table read); missing ones named."""
    specs = edition(report.meta.edition).sections
    tables = _table_sections(report)
    missing = [s.heading for s in specs if report.sections.get(s.key) is None and s.key not in tables]
    text = Text(f"{len(specs)} 个中找到 {len(specs) - len(missing)} 个")
    if missing:
        text.append("\n未找到：" + "、".join(missing), style="yellow")
    return text


def _table_sections(report: Report) -> set[str]:
    """Table sections count as found when any of their cells was read."""
    return {
        t
        for t, rows in report.tables.items()
        if any(c.status == Status.READ for cols in rows.values() for c in cols.values())
    }


def ambiguous_notes(report: Report) -> Text | None:
    """One line per ambiguous cell: where, the readings that fit, and the source text."""
    lines: list[str] = []
    for address, cell in report.cells():
        if cell.status != Status.AMBIGUOUS:
            continue
        options = " 或 ".join(format_value(v) for v in cell.candidates or []) or "（无）"
        where = f"，第 {cell.at.line} 行" if cell.at is not None and hasattr(cell.at, "line") else ""
        raw = f"原文“{cell.raw}”{where}" if cell.raw else where.lstrip("，")
        label = address_label(address, report.meta.edition)
        lines.append(f"? {label}（{address}）：可能是 {options}" + (f"；{raw}" if raw else ""))
    if not lines:
        return None
    return Text("\n".join(lines), style="yellow")


def render_report(report: Report) -> RenderableType:
    """Everything ``gongkai parse`` shows for one report."""
    ed = edition(report.meta.edition)
    heading = {s.key: s.heading for s in ed.sections}
    parts: list[RenderableType] = [meta_grid(report), Text()]
    parts.append(Text(heading["active_disclosure"], style="bold underline"))
    parts.extend(active_tables(report))
    parts += [Text(), Text(heading["requests"], style="bold underline"), requests_table(report)]
    parts += [Text(), Text(heading["appeals"], style="bold underline"), appeals_table(report)]
    statuses = {Status(c.status) for _, c in report.cells()}
    notes = [n for n in (legend(statuses), ambiguous_notes(report)) if n is not None]
    if notes:
        parts += [Text(), *notes]
    parts += [Text(), findings_summary(report.findings)]
    return Group(*parts)
