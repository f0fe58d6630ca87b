"""One cell as text: its value, right-aligned, with a mark for how it was obtained."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text

from gongkai.model.report import Cell, Status

# Every value carries a one-character suffix so that digits stay aligned in a right-aligned column.
MARKS: dict[Status, str] = {
    Status.READ: " ",
    Status.INFERRED: "*",
    Status.AMBIGUOUS: "?",
    Status.MISSING: " ",
}
STYLES: dict[Status, str] = {
    Status.READ: "",
    Status.INFERRED: "italic cyan",
    Status.AMBIGUOUS: "bold yellow",
    Status.MISSING: "dim red",
}
LEGEND: dict[Status, str] = {
    Status.INFERRED: "* 推断：原文未印出或无法辨认，由勾稽关系推出",
    Status.AMBIGUOUS: "? 存疑：原文有多种读法，见下方说明",
    Status.MISSING: "— 缺失：原文中未找到",
}
MISSING_TEXT = "—"


def format_value(value: int | Decimal | None) -> str:
    """A value as printed: integers plainly, amounts without exponent (``539.16``)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def cell_text(cell: Cell) -> Text:
    """The text shown in a table for one cell."""
    status = Status(cell.status)
    if status is Status.AMBIGUOUS:
        body = ""
    elif status is Status.MISSING or cell.value is None:
        body = MISSING_TEXT
        status = Status.MISSING
    else:
        body = format_value(cell.value)
    return Text(body + MARKS[status], style=STYLES[status])


def legend(statuses: set[Status]) -> Text | None:
    """The legend for the marks that occur, or None when every cell was read."""
    shown = [s for s in (Status.INFERRED, Status.AMBIGUOUS, Status.MISSING) if s in statuses]
    if not shown:
        return None
    text = Text("说明：", style="dim")
    for i, status in enumerate(shown):
        if i:
            text.append("；", style="dim")
        text.append(LEGEND[status], style=STYLES[status])
    return text
