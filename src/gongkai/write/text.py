"""The report as plain text: title, the introduction, the six sections, the tables as tab-separated rows.

Each table row is one line of tab-separated cells in the official grid, the text of a merged
range at its origin and its other cells empty, so that the lines line up in a spreadsheet and
gongkai's own text reader reads every number back to its cell.
"""

from __future__ import annotations

from gongkai.model.report import Report
from gongkai.write.layout import Grid, parts, preamble, title_of, value_of


def table_lines(grid: Grid, report: Report) -> list[str]:
    return ["\t".join(row) for row in grid.text_rows(value_of(report))]


def write_text(report: Report) -> str:
    """The whole report as UTF-8 text (lines end in ``\\n``)."""
    blocks: list[list[str]] = [[title_of(report)]]
    if preamble(report):
        blocks.append(list(preamble(report)))
    for part in parts(report):
        blocks.append([part.heading])
        if part.paragraphs:
            blocks.append(list(part.paragraphs))
        if part.grid is not None:
            blocks.append(table_lines(part.grid, report))
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"


__all__ = ["table_lines", "write_text"]
