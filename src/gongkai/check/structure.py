"""Checks of the report as a whole: edition, tables, the six sections and the metadata."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import pairwise

from gongkai.check.labels import table_name
from gongkai.check.rules import finding
from gongkai.model.keys import EDITION_2019, EDITION_2021, SECTIONS, edition
from gongkai.model.report import Cell, Finding, Report, Status

FOUND = (Status.READ, Status.INFERRED, Status.AMBIGUOUS)
HEADINGS: dict[str, str] = {s.key: s.heading for s in SECTIONS}
ORDER: dict[str, int] = {s.key: i for i, s in enumerate(SECTIONS)}


def table_cells(report: Report, table_key: str) -> Iterator[tuple[str, Cell]]:
    """Every cell of a table of the report's edition, in printed order; absent cells as missing."""
    rows = report.tables.get(table_key, {})
    for row_key, columns in _layout(report.meta.edition, table_key):
        cols = rows.get(row_key, {})
        for address, col_key in columns:
            yield address, cols.get(col_key) or Cell()


@cache
def _layout(edition_key: str, table_key: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """A table's rows in printed order, each with its columns' addresses and keys."""
    table = edition(edition_key).table(table_key)
    return tuple(
        (r.key, tuple((f"{table_key}.{r.key}.{c.key}", c.key) for c in r.columns)) for r in table.rows
    )


def missing_tables(report: Report) -> list[str]:
    """Tables of the edition in which no cell was found at all."""
    return [
        t.key
        for t in edition(report.meta.edition).tables
        if not any(c.status in FOUND for _, c in table_cells(report, t.key))
    ]


def check_edition(report: Report) -> list[Finding]:
    year, ed = report.meta.year, report.meta.edition
    if year is None:
        return []
    if ed == "2019" and year >= 2021:
        return [
            finding(
                "edition.outdated",
                f"这是{year}年度的报告，但统计表使用的是2019年版格式（{EDITION_2019.document}）。"
                f"2021年及以后的年度报告应使用2021年版格式（{EDITION_2021.document}），请按新格式重新编制统计表。",
            )
        ]
    if ed == "2021" and year <= 2020:
        return [
            finding(
                "edition.too_new",
                f"这是{year}年度的报告，但统计表使用的是2021年版格式（{EDITION_2021.document}）。"
                f"2019、2020年度的报告应使用2019年版格式（{EDITION_2019.document}）。请核对报告年度和表格格式。",
            )
        ]
    return []


def check_tables(report: Report) -> list[Finding]:
    out: list[Finding] = []
    # a table the reader could not read in order is reported as such, not as missing
    scrambled = {f.cells[0].split(".")[0] for f in report.findings if f.rule == "table.scrambled" and f.cells}
    for key in missing_tables(report):
        if key in scrambled:
            continue
        name = table_name(key)
        out.append(
            finding(
                "table.missing",
                f"没有找到{name}（表中没有任何可读的数字）。请补上该表；"
                "如报告中已有该表，请检查它是否以图片形式插入或排版错乱。",
            )
        )
    return out


def check_sections(report: Report) -> list[Finding]:
    out: list[Finding] = []
    for s in SECTIONS:
        if report.sections.get(s.key) is None:
            out.append(
                finding(
                    "section.missing",
                    f"没有找到第{s.heading[0]}部分「{s.heading}」。年度报告应包括六个部分，"
                    "请按此标题补上该部分；没有内容的写明“无”。",
                )
            )
    out.extend(_order(report))
    return out


def _order(report: Report) -> list[Finding]:
    """Sections are stored in reading order: a section read after one that should follow it."""
    present = [k for k, v in report.sections.items() if v is not None and k in ORDER]
    late = [(a, b) for a, b in pairwise(present) if ORDER[a] > ORDER[b]]
    if not late:
        return []
    pairs = "；".join(f"「{HEADINGS[b]}」出现在「{HEADINGS[a]}」之后" for a, b in late)
    printed = "、".join(HEADINGS[k].split("、")[0] for k in present)
    return [
        finding(
            "section.order",
            f"章节顺序与规定格式不一致：{pairs}（报告中的顺序为 {printed}）。请按一至六的顺序排列各部分。",
        )
    ]


def check_meta(report: Report) -> list[Finding]:
    out: list[Finding] = []
    if report.meta.year is None:
        out.append(
            finding(
                "meta.year_missing",
                "没有从标题或正文中确定报告年度。请在标题中写明年度，如“××局2023年政府信息公开工作年度报告”。",
            )
        )
    if not (report.meta.agency or "").strip():
        out.append(
            finding(
                "meta.agency_missing",
                "没有从标题或正文中确定发布报告的机关。请在标题中写明机关全称，如“××市××局2023年政府信息公开工作年度报告”。",
            )
        )
    return out
