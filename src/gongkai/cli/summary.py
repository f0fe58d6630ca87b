"""``check --summary 汇总.xlsx``: one row per input (file, agency, year, edition, counts of
errors, warnings and notes, and the findings themselves), for a 政务公开办 checking a folder of
reports. Text from the reports is written as text (:mod:`gongkai.write.cellsafe`)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gongkai.write.cellsafe import protect_cell

if TYPE_CHECKING:
    from gongkai.model.report import Report

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
HEADERS = ("文件", "机关", "年度", "表格版本", "结果", "错误", "警告", "提示", "问题")
WIDTHS = (36, 30, 8, 10, 10, 8, 8, 8, 100)
MAX_FINDINGS_TEXT = 30_000  # Excel holds at most 32,767 characters in a cell


@dataclass
class SummaryRow:
    file: str
    agency: str | None = None
    year: int | None = None
    edition: str | None = None
    outcome: str = ""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITY_ZH, 0))
    findings: str = ""

    def values(self) -> list[Any]:
        c = self.counts
        return [
            self.file,
            self.agency,
            self.year,
            f"{self.edition} 版" if self.edition else None,
            self.outcome,
            c["error"],
            c["warning"],
            c["info"],
            self.findings or None,
        ]


def report_row(file: str, report: Report) -> SummaryRow:
    row = SummaryRow(file, report.meta.agency, report.meta.year, report.meta.edition)
    lines = []
    for f in report.findings:
        sev = str(getattr(f.severity, "value", f.severity))
        row.counts[sev] = row.counts.get(sev, 0) + 1
        lines.append(f"{SEVERITY_ZH.get(sev, sev)}  {f.rule}：{f.message}")
    row.outcome = "有错误" if row.counts["error"] else ("有警告" if row.counts["warning"] else "通过")
    text = "\n".join(lines)
    row.findings = text if len(text) <= MAX_FINDINGS_TEXT else text[:MAX_FINDINGS_TEXT] + "\n……"
    return row


def failed_row(file: str, reason: str) -> SummaryRow:
    return SummaryRow(file, outcome="无法读取", findings=reason)


def summary_xlsx(rows: list[SummaryRow]) -> bytes:
    """The workbook: sheet 汇总 with a frozen, filterable header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    ws.append(list(HEADERS))
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    red = Font(color="C00000", bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in rows:
        ws.append(r.values())
        for cell in ws[ws.max_row]:
            protect_cell(cell)  # an agency name or a finding beginning with "=" stays text
            cell.alignment = wrap
        if r.counts["error"] or r.outcome == "无法读取":
            ws.cell(ws.max_row, HEADERS.index("结果") + 1).font = red
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(1, ws.max_row)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["SummaryRow", "failed_row", "report_row", "summary_xlsx"]
