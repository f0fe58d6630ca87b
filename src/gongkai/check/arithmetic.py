"""Identities 1–4 (勾稽关系) within one report, evaluated where every cell is known.

The arithmetic itself lives in :mod:`gongkai.model.identities`; this module only evaluates it
and says in Chinese what does not add up.
"""

from __future__ import annotations

from decimal import Decimal

from gongkai.check.labels import column_of, fmt, row_of, table_name
from gongkai.check.rules import finding
from gongkai.model.identities import Identity, identities
from gongkai.model.report import At, Finding, Report

Value = int | Decimal

ROW_WISE = (1, 4)  # identities that run along a row: their terms are columns


def known_values(report: Report) -> dict[str, Value]:
    """Address → value for cells read or inferred (with a value)."""
    return {a: v for a, v in report.values().items() if v is not None}


def check_arithmetic(report: Report) -> list[Finding]:
    ed = report.meta.edition
    values = known_values(report)
    out: list[Finding] = []
    for ident in identities(ed):
        residual = ident.residual(values)
        if residual is None or residual == 0:
            continue
        out.append(
            finding(
                ident.rule,
                message(ident, values, residual, ed),
                list(ident.addresses),
                at=_at(report, ident.total),
            )
        )
    return out


def _at(report: Report, address: str) -> At | None:
    try:
        return report.cell(address).at
    except KeyError:
        return None


def term_label(ident: Identity, address: str, ed: str) -> str:
    if ident.number in ROW_WISE:
        return column_of(ed, address)
    t, r, _ = address.split(".")
    return row_of(ed, t, r)


def _sum_expr(ident: Identity, addresses: tuple[str, ...], values: dict[str, Value], ed: str) -> str:
    """``自然人 15 + 商业企业 0 = 15``."""
    total = sum((values[a] for a in addresses), start=0)
    terms = " + ".join(f"{term_label(ident, a, ed)} {fmt(values[a])}" for a in addresses)
    return f"{terms} = {fmt(total)}" if len(addresses) > 1 else terms


def _nonzero_expr(ident: Identity, values: dict[str, Value], ed: str) -> str:
    """The parts of a long sum, only those that are not zero."""
    nonzero = [a for a in ident.parts if values[a] != 0]
    total = sum((values[a] for a in ident.parts), start=0)
    if not nonzero:
        return "各项均为0"
    terms = " + ".join(f"「{term_label(ident, a, ed)}」{fmt(values[a])}" for a in nonzero)
    return f"{fmt(total)}（非零项：{terms}）"


def _difference(residual: Value, more: str, less: str) -> str:
    """``总计比各项之和多 1``: residual is left side minus right side."""
    if residual > 0:
        return f"{more}比{less}多 {fmt(residual)}"
    return f"{more}比{less}少 {fmt(-residual)}"


def message(ident: Identity, values: dict[str, Value], residual: Value, ed: str) -> str:
    t = ident.total.split(".")[0]
    total_label = term_label(ident, ident.total, ed)
    total = fmt(values[ident.total])
    if ident.number == 2:
        col = column_of(ed, ident.total)
        parts = _nonzero_expr(ident, values, ed)
        return (
            f"{table_name(t)}「{col}」列：办理结果（一）至（六）各项之和为 {parts}，"
            f"而「{total_label}」为 {total}，{_difference(residual, '（七）总计', '各项之和')}。"
            "请核对该列各项办理结果和（七）总计。"
        )
    if ident.number == 3:
        col = column_of(ed, ident.total)
        left = (ident.total, *ident.with_total)
        return (
            f"{table_name(t)}「{col}」列：第一项加第二项之和为 {_sum_expr(ident, left, values, ed)}，"
            f"第三项加第四项之和为 {_sum_expr(ident, ident.parts, values, ed)}，"
            f"{_difference(residual, '第一项加第二项之和', '第三项加第四项之和')}。请核对这四个数。"
        )
    # identities 1 and 4 run along a row
    row = row_of(ed, t, ident.total.split(".")[1])
    return (
        f"{table_name(t)}「{row}」行：{_sum_expr(ident, ident.parts, values, ed)}，"
        f"而「{total_label}」为 {total}，{_difference(residual, '总计', '各项之和')}。"
        "请核对该行各栏数字和总计。"
    )
