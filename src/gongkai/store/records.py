"""What the store hands to analyses and exports: one stored report with its context."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.model.report import Finding, Report


@dataclass
class ReportRecord:
    """One report as kept in the database.

    ``report`` carries the cells as parsed with every recorded correction applied (a corrected
    cell has the corrected value; ``corrected`` lists those addresses). ``findings`` are the
    stored findings, within-report and cross-year.
    """

    report_id: int
    agency_id: int
    agency: str  # the agency's canonical name
    region: str | None  # the most specific region known, e.g. "淮安市洪泽区"
    region_path: tuple[str, ...]  # from the top: ("江苏省", "淮安市", "洪泽区"); empty when unknown
    year: int
    edition: str
    report: Report
    findings: list[Finding] = field(default_factory=list)
    corrected: frozenset[str] = frozenset()
    version: int = 1  # versions of the same agency and year: the highest is current
    # GB/T 2260 code of each level of region_path (None for a place known only from a name);
    # ``placed``: the agency sits in the administrative divisions (gongkai.model.divisions),
    # so region_path[0] is a province, [1] a prefecture, [2] a county (use them for --level)
    region_codes: tuple[str | None, ...] = ()
    placed: bool = False
