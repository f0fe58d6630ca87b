"""The checker: a :class:`Report` in, a list of :class:`Finding` out.

Every finding carries a stable rule id from :data:`RULES` (documented in docs/rules.md), a
severity, the addresses of the cells involved and a message in Chinese a clerk can act on.
"""

from __future__ import annotations

from gongkai.check.arithmetic import check_arithmetic
from gongkai.check.cells import check_ambiguous, check_blank, check_inferred, check_values
from gongkai.check.prose import check_prose
from gongkai.check.rules import RULES, Rule, sort_findings
from gongkai.check.structure import check_edition, check_meta, check_sections, check_tables
from gongkai.model.report import Finding, Report

CHECKS = (
    check_edition,
    check_meta,
    check_sections,
    check_tables,
    check_arithmetic,
    check_values,
    check_ambiguous,
    check_blank,
    check_prose,
    check_inferred,
)


def check_report(report: Report) -> list[Finding]:
    """Every finding on one report: errors first, then warnings, then info.

    Findings the reader made (layout problems only it could see, rules marked ``by_reader``)
    are kept; everything else is computed afresh, so checking twice gives the same list.
    """
    findings = [f for f in report.findings if (r := RULES.get(f.rule)) is not None and r.by_reader]
    for check in CHECKS:
        findings.extend(check(report))
    return sort_findings(findings)


__all__ = ["RULES", "Rule", "check_report"]
