"""Cell values as stored (exact decimal text) and a report's values with corrections applied."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa

from gongkai.model.bounds import parse_number
from gongkai.model.keys import edition
from gongkai.store import schema as s

Number = int | Decimal
KNOWN = ("read", "inferred")


def to_text(value: Number | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(int(value))


def from_text(text: str | None, kind: str = "count") -> Number | None:
    """Stored text back to a number: a Decimal for amounts (and any text with a point)."""
    if text is None:
        return None
    if kind == "amount" or "." in text:
        return Decimal(text)
    return int(text)


def column_kind(edition_key: str, address: str) -> str:
    try:
        return edition(edition_key).column(address).kind
    except KeyError:
        return "count"


def parse_value(text: str, edition_key: str, address: str) -> Number:
    """A value typed by a person, for one cell: ``ValueError`` with a Chinese message when it
    does not fit the cell (bounds and forms of ``gongkai.model.bounds``: a count is an integer
    from 0 to 999,999,999, an amount a decimal; no exponents, no digits of other scripts)."""
    return parse_number(text, column_kind(edition_key, address))


def latest_corrections(conn: sa.Connection, report_ids: Iterable[int]) -> dict[int, dict[str, sa.Row]]:
    """report id → address → the correction in force (the last one recorded)."""
    ids = list(report_ids)
    out: dict[int, dict[str, sa.Row]] = {}
    if not ids:
        return out
    c = s.corrections.c
    for chunk in _chunks(ids):
        rows = conn.execute(sa.select(s.corrections).where(c.report_id.in_(chunk)).order_by(c.id))
        for row in rows:
            out.setdefault(row.report_id, {})[row.address] = row
    return out


def effective_values(
    conn: sa.Connection, report_ids: Iterable[int], addresses: Iterable[str] | None = None
) -> dict[int, dict[str, Number]]:
    """report id → address → value, for cells that are known (read, inferred or corrected)."""
    ids = list(report_ids)
    wanted = list(addresses) if addresses is not None else None
    out: dict[int, dict[str, Number]] = {i: {} for i in ids}
    c = s.cells.c
    for chunk in _chunks(ids):
        q = sa.select(c.report_id, c.address, c.value).where(
            c.report_id.in_(chunk), c.status.in_(KNOWN), c.value.is_not(None)
        )
        if wanted is not None:
            q = q.where(c.address.in_(wanted))
        for row in conn.execute(q):
            out[row.report_id][row.address] = from_text(row.value)  # type: ignore[assignment]
    for rid, fixes in latest_corrections(conn, ids).items():
        for address, fix in fixes.items():
            if wanted is not None and address not in wanted:
                continue
            v = from_text(fix.new_value)
            if v is None:
                out[rid].pop(address, None)
            else:
                out[rid][address] = v
    return out


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]
