"""Findings of the checker: a table for ``gongkai check`` and a summary for ``gongkai parse``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gongkai.model.report import Finding, Report, Severity

SEVERITY_NAMES = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
MAX_CELLS_SHOWN = 3


def severity_counts(findings: Sequence[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in findings:
        counts[Severity(f.severity)] += 1
    return counts


def counts_text(counts: Mapping[Severity, int]) -> Text:
    """``错误 1 条，警告 0 条，提示 3 条``, each in its colour when non-zero."""
    text = Text()
    for i, sev in enumerate(Severity):
        n = counts.get(sev, 0)
        if i:
            text.append("，")
        text.append(f"{SEVERITY_NAMES[sev]} {n} 条", style=SEVERITY_STYLES[sev] if n else "dim")
    return text


def severity_text(severity: Severity | str) -> Text:
    sev = Severity(severity)
    return Text(SEVERITY_NAMES[sev], style=SEVERITY_STYLES[sev])


def cells_text(cells: Sequence[str]) -> Text:
    """``单元格：a, b, c 等 7 个`` (dim), or empty when a finding names no cell."""
    if not cells:
        return Text()
    shown = ", ".join(cells[:MAX_CELLS_SHOWN])
    more = f" 等 {len(cells)} 个" if len(cells) > MAX_CELLS_SHOWN else ""
    return Text(f"单元格：{shown}{more}", style="dim")


def sorted_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; stable within a severity."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[Severity(f.severity)])


def findings_table(findings: Sequence[Finding]) -> Table:
    """级别 / 规则 / 说明 (the cells, dim, under the message), one row per finding, errors first."""
    t = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False)
    t.add_column("级别", no_wrap=True)
    t.add_column("规则", no_wrap=True, style="bold")
    t.add_column("说明", overflow="fold")
    for f in sorted_findings(findings):
        body = Text(f.message)
        cells = cells_text(f.cells)
        if cells:
            body.append("\n")
            body.append_text(cells)
        t.add_row(severity_text(f.severity), f.rule, body)
    return t


def findings_summary(findings: Sequence[Finding], *, limit: int = 10) -> RenderableType:
    """For ``parse``: the counts, then errors and warnings (up to ``limit``) one per line."""
    head = Text("检查结果：", style="bold")
    head.append_text(counts_text(severity_counts(findings)))
    serious = [f for f in sorted_findings(findings) if f.severity != Severity.INFO]
    lines: list[RenderableType] = [head]
    for f in serious[:limit]:
        line = Text("  ")
        line.append_text(severity_text(f.severity))
        line.append(f"  {f.rule}  ", style="bold")
        line.append(f.message)
        lines.append(line)
    if len(serious) > limit:
        lines.append(Text(f"  …另有 {len(serious) - limit} 条", style="dim"))
    if findings:
        lines.append(Text("  完整清单：gongkai check 文件名", style="dim"))
    return Group(*lines)


def render_findings(report: Report) -> RenderableType:
    """Everything ``gongkai check`` shows for one report: who and when, the findings, a subtotal."""
    m = report.meta
    about = "  ".join(v for v in (m.agency, f"{m.year} 年度" if m.year else None, f"{m.edition} 版表格") if v)
    parts: list[RenderableType] = [Text(about, style="dim")]
    if report.findings:
        parts.append(findings_table(report.findings))
    else:
        parts.append(Text("未发现问题。", style="green"))
    subtotal = Text("小计：")
    subtotal.append_text(counts_text(severity_counts(report.findings)))
    parts.append(subtotal)
    return Group(*parts)
