"""The report as Markdown: ``#`` title, ``##`` section headings, pipe tables.

Markdown tables cannot merge cells: a merged range prints its text at its origin and leaves its
other cells empty, as a spreadsheet shows it. The first row of each grid is the table's header
row; number columns are right-aligned. gongkai's own text reader reads the tables back exactly.
"""

from __future__ import annotations

import re

from gongkai.model.report import Report
from gongkai.write.layout import Grid, parts, preamble, title_of, value_of


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


_BLOCK_START = re.compile(r"^(?:(#{1,6}|[-*+])(?=\s)|(\d{1,9})([.)])(?=\s)|>)")


def _prose(text: str) -> str:
    """A paragraph that Markdown will not take for a heading, list item, quote or table row."""
    text = text.replace("|", "｜")
    m = _BLOCK_START.match(text)
    if m is None:
        return text
    if m.group(2):  # "1. text" → "1\. text"
        return f"{m.group(2)}\\{m.group(3)}{text[m.end() :]}"
    return "\\" + text


def table_lines(grid: Grid, report: Report) -> list[str]:
    rows = grid.text_rows(value_of(report))
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(_escape(c) for c in row) + " |")
        if n == 0:
            rule = ["---" if i < grid.label_cols else "---:" for i in range(grid.n_cols)]
            lines.append("| " + " | ".join(rule) + " |")
    return lines


def write_markdown(report: Report) -> str:
    blocks: list[str] = [f"# {_escape(title_of(report))}"]
    blocks.extend(_prose(p) for p in preamble(report))
    for part in parts(report):
        blocks.append(f"## {part.heading}")
        blocks.extend(_prose(p) for p in part.paragraphs)
        if part.grid is not None:
            blocks.append("\n".join(table_lines(part.grid, report)))
    return "\n\n".join(blocks) + "\n"


__all__ = ["write_markdown"]
