"""Every cell a reader returns holds a value of its column's kind, so that ``parse --json`` always
validates against its own schema.

A reader places printed numbers into cells without knowing the column (``read/solve.py`` works
on numbers): a ``2.5`` or a ``-3`` printed in a count column, or an ambiguous cell whose
possible readings include a decimal, would reach the JSON as a value its schema forbids.
:func:`fit_kinds` is applied to every report a reader returns (``api.read_bytes``):

- a count is a non-negative integer, a signed count an integer (``30.0`` is 30), an amount a
  non-negative finite decimal;
- a read or inferred value that does not fit is no reading: the cell becomes ``missing``, keeps
  what was printed in ``raw``, and the checker reports it (``cell.not_integer``,
  ``cell.negative``: ``check/cells.py`` reads ``raw`` of such cells);
- candidates that do not fit are dropped; an ambiguous cell left with fewer than two becomes
  ``missing`` (one remaining reading is never promoted to a value).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from gongkai.model.keys import edition
from gongkai.model.report import Cell, Report, Status, trusted

Number = int | Decimal


def fit(kind: str, value: Number) -> Number | None:
    """``value`` as a value of a ``kind`` column, or ``None`` when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        if kind == "amount":
            return Decimal(format(abs(value), "f")) if value >= 0 else None  # abs: no "-0"
        if value != value.to_integral_value():
            return None
        value = int(value)
    if kind == "amount":
        return Decimal(value) if value >= 0 else None
    if kind == "count" and value < 0:
        return None
    return value


def fit_cell(kind: str, cell: Cell) -> Cell:
    """``cell`` itself when it fits its column's kind, else the cell it must be (see above)."""
    if cell.value is not None:
        value = fit(kind, cell.value)
        if value is None:
            return _missing(cell, cell.raw or format(cell.value, "f"))
        if type(value) is not type(cell.value) or str(value) != str(cell.value):
            return cell.model_copy(update={"value": value})
        return cell
    if cell.candidates:
        kept = sorted({v for v in (fit(kind, c) for c in cell.candidates) if v is not None})
        if len(kept) < 2:
            return _missing(cell, cell.raw)
        # by type as well: [0, Decimal("30.0")] == [0, 30], but a count's candidates are ints
        if [(type(v), v) for v in kept] != [(type(c), c) for c in cell.candidates]:
            return cell.model_copy(update={"candidates": kept})
    return cell


def _missing(cell: Cell, raw: str) -> Cell:
    return trusted(
        Cell, {"value": None, "status": Status.MISSING, "raw": raw, "at": cell.at, "candidates": None}
    )


@cache
def _kinds(edition_key: str) -> dict[str, dict[str, dict[str, str]]]:
    """Every column's kind in an edition, by table, row and column key (as ``Edition.column``
    finds it: the first row and column of a key)."""
    spec = edition(edition_key)
    out: dict[str, dict[str, dict[str, str]]] = {}
    for a in spec.addresses:
        t, r, c = a.split(".")
        out.setdefault(t, {}).setdefault(r, {})[c] = spec.column(a).kind
    return out


def fit_kinds(report: Report) -> Report:
    """``report`` with every cell fitted to its column's kind (in place; returned for chaining)."""
    try:
        kinds = _kinds(report.meta.edition)
    except (KeyError, ValueError):
        return report
    for t, rows in report.tables.items():
        row_kinds = kinds.get(t, {})
        for r, cols in rows.items():
            col_kinds = row_kinds.get(r, {})
            for c, cell in cols.items():
                kind = col_kinds.get(c)
                if kind is None:
                    continue  # no column of the edition
                v = cell.value
                if v is None:
                    if not cell.candidates:
                        continue  # nothing to fit
                elif type(v) is int and kind != "amount" and (kind != "count" or v >= 0):
                    continue  # an integer fits a count (>= 0) or a signed count as it is
                fitted = fit_cell(kind, cell)
                if fitted is not cell:
                    cols[c] = fitted
    return report


__all__ = ["fit", "fit_cell", "fit_kinds"]
