"""Terminal rendering: a :class:`~gongkai.model.report.Report` to rich renderables.

One job only: nothing here reads files, runs checks or decides exit codes (that is the CLI's).
"""

from gongkai.display.findings import (
    counts_text,
    findings_summary,
    findings_table,
    render_findings,
    severity_counts,
)
from gongkai.display.report import render_report

__all__ = [
    "counts_text",
    "findings_summary",
    "findings_table",
    "render_findings",
    "render_report",
    "severity_counts",
]
