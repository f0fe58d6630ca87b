"""Checks of single cells: blank, ambiguous, inferred, and values a count or amount cannot have."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby

from gongkai.check.labels import cell_label, column_of, fmt, quote_raw, row_of, table_name
from gongkai.check.rules import finding
from gongkai.check.structure import missing_tables, table_cells
from gongkai.model.keys import edition
from gongkai.model.report import Cell, Finding, Report, Status

FEE_AMOUNT = "active_disclosure.fees.amount"
MAX_FEE_DECIMALS = 4
MAX_ROWS_SEPARATE = 3  # more blank rows than this in one table are reported as one finding
MAX_ROWS_LISTED = 8


def printed_blank(cell: Cell) -> bool:
    """Printed as a placeholder ("/", "-", "—", "无"…) rather than a number."""
    raw = cell.raw.strip()
    return bool(raw) and not any(ch.isdigit() for ch in raw)


def is_blank(cell: Cell) -> bool:
    """Left blank or not found: missing, or inferred from a printed placeholder."""
    if cell.status == Status.MISSING:
        return True
    return cell.status == Status.INFERRED and printed_blank(cell)


def checked_cells(report: Report) -> Iterator[tuple[str, Cell]]:
    """Every cell of the edition, except those of tables that were not found at all."""
    skip = set(missing_tables(report))
    for t in edition(report.meta.edition).tables:
        if t.key not in skip:
            yield from table_cells(report, t.key)


# --- cell.blank ----------------------------------------------------------------------------


_PRINTED_NUMBER = re.compile(r"^[-+]?[0-9][0-9,]*(\.[0-9]+)?$")


def unfit_printed(report: Report, address: str, cell: Cell) -> Decimal | None:
    """The number printed in a cell that the reader left missing because its column cannot hold
    it (a decimal or negative count: ``read/kinds.py``), or None."""
    raw = cell.raw.strip()
    if cell.status != Status.MISSING or not _PRINTED_NUMBER.match(raw):
        return None
    from gongkai.read.kinds import fit

    number = Decimal(raw.replace(",", ""))
    return number if fit(edition(report.meta.edition).column(address).kind, number) is None else None


def check_blank(report: Report) -> list[Finding]:
    ed = report.meta.edition
    blank = [(a, c) for a, c in checked_cells(report) if is_blank(c) and unfit_printed(report, a, c) is None]
    out: list[Finding] = []
    for table_key, in_table in groupby(blank, key=lambda ac: ac[0].split(".")[0]):
        rows: dict[str, list[tuple[str, Cell]]] = defaultdict(list)
        for a, c in in_table:
            rows[a.split(".")[1]].append((a, c))
        if len(rows) <= MAX_ROWS_SEPARATE:
            out.extend(_blank_row(ed, table_key, row, cells) for row, cells in rows.items())
        else:
            out.append(_blank_table(ed, table_key, rows))
    return out


def _width(ed: str, table_key: str, row_key: str) -> int:
    return len(edition(ed).table(table_key).row(row_key).columns)


def _describe_row(ed: str, cells: list[tuple[str, Cell]]) -> str:
    """``「自然人」「总计」印为“/”（按勾稽关系应为0）；「商业企业」没有找到数字``."""
    t, r, _ = cells[0][0].split(".")
    whole = len(cells) == _width(ed, t, r)
    parts: list[str] = []
    by_raw: dict[str, list[tuple[str, Cell]]] = defaultdict(list)
    for a, c in cells:
        by_raw[c.raw.strip() if printed_blank(c) else ""].append((a, c))
    for raw, group in by_raw.items():
        where = "整行" if whole and len(by_raw) == 1 else "".join(f"「{column_of(ed, a)}」" for a, _ in group)
        what = f"印为{quote_raw(raw)}" if raw else "留空或没有找到数字"
        parts.append(f"{where}{what}{_inferred_note(group)}")
    return "；".join(parts)


def _inferred_note(group: list[tuple[str, Cell]]) -> str:
    inferred = [c for _, c in group if c.status == Status.INFERRED]
    if not inferred:
        return ""
    values = {fmt(c.value) for c in inferred}
    if len(inferred) == len(group) and len(values) == 1:
        return f"（按勾稽关系应为{values.pop()}）"
    return "（部分数值已按勾稽关系推定）"


def _blank_row(ed: str, table_key: str, row_key: str, cells: list[tuple[str, Cell]]) -> Finding:
    message = (
        f"{table_name(table_key)}「{row_of(ed, table_key, row_key)}」行：{_describe_row(ed, cells)}。"
        f"请在{'该单元格' if len(cells) == 1 else '这些单元格'}填写数字，没有发生的填0。"
    )
    return finding("cell.blank", message, [a for a, _ in cells], at=cells[0][1].at)


def _blank_table(ed: str, table_key: str, rows: dict[str, list[tuple[str, Cell]]]) -> Finding:
    count = sum(len(cells) for cells in rows.values())
    listed = []
    for row_key, cells in list(rows.items())[:MAX_ROWS_LISTED]:
        whole = len(cells) == _width(ed, table_key, row_key)
        what = "整行" if whole else "、".join(column_of(ed, a) for a, _ in cells)
        listed.append(f"「{row_of(ed, table_key, row_key)}」（{what}）")
    more = f"等{len(rows)}行" if len(rows) > MAX_ROWS_LISTED else f"共{len(rows)}行"
    marks = sorted({c.raw.strip() for cells in rows.values() for _, c in cells if printed_blank(c)})
    unmarked = "或空白" if any(not printed_blank(c) for cells in rows.values() for _, c in cells) else ""
    printed = f"（印为{'、'.join(quote_raw(m) for m in marks)}{unmarked}）" if marks else ""
    message = (
        f"{table_name(table_key)}有 {count} 个单元格留空或没有找到数字{printed}：{'、'.join(listed)}{more}。"
        "请在这些单元格填写数字，没有发生的填0。"
    )
    addresses = [a for cells in rows.values() for a, _ in cells]
    return finding("cell.blank", message, addresses)


# --- cell.ambiguous, cell.inferred -----------------------------------------------------------


def check_ambiguous(report: Report) -> list[Finding]:
    ed = report.meta.edition
    out: list[Finding] = []
    for a, c in checked_cells(report):
        if c.status != Status.AMBIGUOUS:
            continue
        options = "、".join(fmt(v) for v in c.candidates or [])
        maybe = f"可能是 {options}" if options else "没有可用的读法"
        out.append(
            finding(
                "cell.ambiguous",
                f"{cell_label(ed, a)}印为{quote_raw(c.raw)}，无法确定读数，{maybe}。请对照原件核对该单元格。",
                [a],
                at=c.at,
            )
        )
    return out


def check_inferred(report: Report) -> list[Finding]:
    ed = report.meta.edition
    cells = [(a, c) for a, c in checked_cells(report) if c.status == Status.INFERRED and not printed_blank(c)]
    if not cells:
        return []
    rows: dict[tuple[str, str], int] = defaultdict(int)
    for a, _ in cells:
        t, r, _ = a.split(".")
        rows[(t, r)] += 1
    by_table: dict[str, list[str]] = defaultdict(list)
    for (t, r), n in list(rows.items())[:MAX_ROWS_LISTED]:
        by_table[t].append(f"「{row_of(ed, t, r)}」{n}格")
    listed = "；".join(f"{table_name(t)}{'、'.join(parts)}" for t, parts in by_table.items())
    more = f"等{len(rows)}行" if len(rows) > MAX_ROWS_LISTED else ""
    values = {c.value for _, c in cells}
    how = f"推定为{fmt(values.pop())}" if len(values) == 1 else "推定了数值"
    message = (
        f"共有 {len(cells)} 个单元格没有印出可读的数字，已按表内勾稽关系{how}：{listed}{more}。"
        "一般无需处理；如原件中这些单元格确实留空，请补填数字。"
    )
    return [finding("cell.inferred", message, [a for a, _ in cells])]


# --- values --------------------------------------------------------------------------------


def _valued(report: Report) -> Iterator[tuple[str, Cell, str]]:
    """Known cells with a value, with their kind (count, amount, signed)."""
    ed = edition(report.meta.edition)
    for a, c in checked_cells(report):
        if c.known and c.value is not None:
            yield a, c, ed.column(a).kind
        elif (printed := unfit_printed(report, a, c)) is not None:  # checked as printed
            yield a, c.model_copy(update={"value": printed}), ed.column(a).kind


def check_values(report: Report) -> list[Finding]:
    ed = report.meta.edition
    out: list[Finding] = []
    for a, c, kind in _valued(report):
        v = c.value
        assert v is not None
        if kind != "signed" and v < 0:
            out.append(
                finding(
                    "cell.negative",
                    f"{cell_label(ed, a)}为 {fmt(v)}，数量和金额不能为负数。请改正该单元格。",
                    [a],
                    at=c.at,
                )
            )
        if kind in ("count", "signed") and isinstance(v, Decimal) and v != v.to_integral_value():
            out.append(
                finding(
                    "cell.not_integer",
                    f"{cell_label(ed, a)}为 {fmt(v)}，件数应为整数。"
                    "请改正；如把金额填进了数量栏，请移到金额栏。",
                    [a],
                    at=c.at,
                )
            )
        if a == FEE_AMOUNT and (n := decimals(v)) > MAX_FEE_DECIMALS:
            rounded = Decimal(v).quantize(Decimal(1).scaleb(-MAX_FEE_DECIMALS))
            out.append(
                finding(
                    "cell.amount_precision",
                    f"{cell_label(ed, a)}为 {fmt(v)}，有 {n} 位小数；收费金额以万元为单位，最多保留4位小数。"
                    f"请检查单位是否为万元，并四舍五入到4位小数（{fmt(rounded)}）。",
                    [a],
                    at=c.at,
                )
            )
    return out


def decimals(value: int | Decimal) -> int:
    """Significant decimal places: 539.16 → 2, 1.50000 → 1, 3 → 0."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return 0
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)
