"""Text cells that a spreadsheet would execute are written as text (OWASP "CSV injection").

An agency name, a finding or a request's subject comes from documents and users; written as it
is, ``=HYPERLINK(...)`` or ``@SUM(...)`` runs as a formula when the file is opened in Excel,
WPS or LibreOffice. One helper for every export (``analyse/export.py``, ``check --summary``,
the web application's downloads):

- CSV: a text value beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or
  their full-width forms, which spreadsheet programs also accept) gets a leading ``'``, which
  spreadsheet programs show as a text marker; the ``csv`` module does the quoting. Numbers are
  never changed (a negative count stays ``-3``).
- XLSX: such a cell is stored as a string (openpyxl would otherwise store ``=…`` as a formula)
  with the quote-prefix style, so that editing the cell does not turn it into a formula either;
  its text is unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def risky(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(TRIGGERS)


def csv_text(value: str) -> str:
    """``value`` as a CSV field that no spreadsheet executes."""
    return "'" + value if risky(value) else value


def csv_row(values: Iterable[Any], text: Callable[[Any], str] = str) -> list[str]:
    """One CSV row: ``text(v)`` of every value, text values made safe (numbers left alone)."""
    return [csv_text(v) if isinstance(v, str) else text(v) for v in values]


def protect_cell(cell: Any) -> Any:
    """An openpyxl cell holding risky text, stored as text with the quote prefix (in place)."""
    if risky(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``ws.append`` of a write-only worksheet: risky text becomes a text cell (with
    the style of the template cell it was given in, which is left as it is for the next row)."""
    out: list[Any] = []
    for v in values:
        is_cell = hasattr(v, "data_type") and hasattr(v, "value")
        if not risky(v.value if is_cell else v):
            out.append(v)
            continue
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=v.value if is_cell else v)
        if is_cell and getattr(v, "has_style", False):
            cell._style = copy.copy(v._style)  # type: ignore[attr-defined]
        out.append(protect_cell(cell))
    return out


def protect_data_cells(cells: Iterable[Any]) -> None:
    """Protect cells of an ordinary worksheet that hold data (not the cells meant to be
    formulas, such as the totals of the 填报 template)."""
    for cell in cells:
        protect_cell(cell)


__all__ = ["TRIGGERS", "csv_row", "csv_text", "protect_cell", "protect_data_cells", "risky", "xlsx_row"]
