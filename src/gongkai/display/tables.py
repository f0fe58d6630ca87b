"""The three statistical tables, drawn as the official layout has them.

* 主动公开 (``active_disclosure``): one small table per 第二十条 item, as printed.
* 依申请公开 (``requests``): the applicant columns under 申请人情况 / 法人或其他组织, and row labels
  under their group labels (三、本年度办理结果 → （三）不予公开 → 1.属于国家秘密), one line per group.
* 行政复议、行政诉讼 (``appeals``): printed as one long row of 15 numbers; drawn here as three rows
  (行政复议, 行政诉讼 / 未经复议直接起诉, 行政诉讼 / 复议后起诉) of five columns, so it fits a terminal.

A terminal table cannot span cells: a group label stands over the first column of its span and a
dim ``┄`` over the others. Header labels wrap at four characters, as on printed forms, so that the
number columns stay narrow and the row labels get the width.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from gongkai.display.cells import cell_text
from gongkai.display.labels import row_path
from gongkai.model.keys import APPLICANT_COLUMNS, Column, Row, edition
from gongkai.model.keys import Table as TableSpec
from gongkai.model.report import Cell, Report

APPLICANT_GROUP = "申请人情况"
ORGANIZATION_GROUP = "法人或其他组织"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
INDENT = "  "
SPAN = "┄"
HEADER_CHARS = 4  # a header line holds at most four Chinese characters (eight terminal cells)
ACTIVE_HEADER_CHARS = 7  # 主动公开 headers are long and few: （单位：万元） fits on a line
LABEL_WIDTH = 44
# The requests table's header labels wrap by the terminal's width: not at all from WIDEST cells,
# at four characters from WIDE, at two below.
WIDEST = 130
WIDE = 100


def _table(title: str | None = None, caption: str | None = None) -> Table:
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        caption=caption,
        caption_justify="left",
        caption_style="dim",
        box=box.SQUARE,
        header_style="bold",
    )


def _cells(report: Report, table: str, row: Row) -> list[Text]:
    cells: dict[str, Cell] = report.tables.get(table, {}).get(row.key, {})
    return [cell_text(cells.get(c.key) or Cell()) for c in row.columns]


def _wrap(label: str, size: int = HEADER_CHARS) -> str:
    """A header label in lines of at most ``size`` characters: ``社会公益\n组织``."""
    return "\n".join(label[i : i + size] for i in range(0, len(label), size))


def _wrap_even(label: str, size: int) -> str:
    """A header label broken before its bracket, each part in lines of even length.

    ``本年收费金额（单位：万元）`` → ``本年收费金额\n（单位：万元）``;
    ``本年处理决定数量`` → ``本年处理\n决定数量``.
    """
    lines: list[str] = []
    for part in re.split(r"(?=（)", label):
        if not part:
            continue
        n = -(-len(part) // size)  # lines needed
        step = -(-len(part) // n)
        lines.extend(part[i : i + step] for i in range(0, len(part), step))
    return "\n".join(lines)


def _number_width(report: Report, table: str) -> int:
    """The widest value of a table, in terminal cells (number columns are never narrower)."""
    return max(
        (cell_text(c).cell_len for cols in report.tables.get(table, {}).values() for c in cols.values()),
        default=1,
    )


def _add_number_column(t: Table, header: str | Text, width: int) -> None:
    t.add_column(header, justify="right", overflow="fold", max_width=width)


def active_tables(report: Report) -> list[Table]:
    """One table per group of 主动公开 rows (第二十条第（一）项, …), each with its own columns."""
    spec = edition(report.meta.edition).table("active_disclosure")
    groups: list[tuple[str, tuple[Column, ...], list[Row]]] = []
    for row in spec.rows:
        if groups and groups[-1][0] == row.group and groups[-1][1] == row.columns:
            groups[-1][2].append(row)
        else:
            groups.append((row.group, row.columns, [row]))
    width = max(_number_width(report, spec.key), 2 * ACTIVE_HEADER_CHARS)
    out: list[Table] = []
    for group, columns, rows in groups:
        t = _table(group)
        t.add_column("信息内容", overflow="fold")
        for c in columns:
            _add_number_column(t, _wrap_even(c.label, ACTIVE_HEADER_CHARS), width)
        for row in rows:
            t.add_row(row.label, *_cells(report, spec.key, row))
        out.append(t)
    return out


def _labelled_rows(spec: TableSpec, edition_key: str) -> Iterator[tuple[str, Row | None]]:
    """Label text and row, with a ``(group label, None)`` line wherever a group opens."""
    current: tuple[str, ...] = ()
    for row in spec.rows:
        path = row_path(spec, row, edition_key)
        common = 0
        while common < min(len(path), len(current)) and path[common] == current[common]:
            common += 1
        for depth in range(common, len(path)):
            yield INDENT * depth + path[depth], None
        current = path
        yield INDENT * len(path) + row.label, row


def _add_rows(t: Table, report: Report, spec: TableSpec) -> None:
    width = len(spec.rows[0].columns)
    for label, row in _labelled_rows(spec, report.meta.edition):
        if row is None:
            t.add_row(Text(label, style="bold"), *[""] * width)
        else:
            t.add_row(label, *_cells(report, spec.key, row))


def _block(lines: list[str], height: int) -> list[str]:
    """``lines`` pushed to the bottom of a block of ``height`` lines."""
    return [""] * (height - len(lines)) + lines


def _request_headers(columns: tuple[Column, ...], chars: int) -> list[Text]:
    """Headers of equal height: 法人或其他组织 over its five columns, then each column's label."""
    orgs = APPLICANT_COLUMNS[1:]
    group = _wrap(ORGANIZATION_GROUP, chars).split("\n")
    leaves = [_wrap(c.label, chars).split("\n") for c in columns]
    leaf_height = max(len(lines) for lines in leaves)
    headers: list[Text] = []
    for c, leaf in zip(columns, leaves, strict=True):
        if c.key == orgs[0]:
            top = group
        elif c.key in orgs:
            top = _block([SPAN], len(group))
        else:
            top = [""] * len(group)
        text = Text(justify="right")
        for i, line in enumerate(top + _block(leaf, leaf_height)):
            text.append(("\n" if i else "") + line, style="dim" if line == SPAN else "")
        headers.append(text)
    return headers


class _ByWidth:
    """A renderable built for the width it gets: narrow terminals get narrower number columns."""

    def __init__(self, build: Callable[[int], Table]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)


def requests_table(report: Report) -> RenderableType:
    """三、收到和处理政府信息公开申请情况: 申请人情况 heads the label column, 法人或其他组织 spans five."""
    spec = edition(report.meta.edition).table("requests")
    columns = spec.rows[0].columns

    def build(width: int) -> Table:
        chars = len(ORGANIZATION_GROUP) if width >= WIDEST else HEADER_CHARS if width >= WIDE else 2
        t = _table(caption=BALANCE_NOTE)
        t.add_column(Text(f"{APPLICANT_GROUP} →", justify="right"), max_width=LABEL_WIDTH, overflow="fold")
        number_width = max(2 * chars, _number_width(report, spec.key))
        for header in _request_headers(columns, chars):
            _add_number_column(t, header, number_width)
        _add_rows(t, report, spec)
        return t

    return _ByWidth(build)


def appeals_table(report: Report) -> Table:
    """四、行政复议、行政诉讼: one row per kind of case, 行政诉讼 as the group of two."""
    spec = edition(report.meta.edition).table("appeals")
    t = _table()
    t.add_column("", max_width=LABEL_WIDTH, overflow="fold")
    width = max(_number_width(report, spec.key), 2 * HEADER_CHARS)
    for c in spec.rows[0].columns:
        _add_number_column(t, _wrap(c.label), width)
    _add_rows(t, report, spec)
    return t
