"""Chinese labels for cell addresses and numbers, as a clerk reads them in the printed tables."""

from __future__ import annotations

from decimal import Decimal

from gongkai.model.keys import Row, edition

TABLE_NAMES: dict[str, str] = {
    "active_disclosure": "主动公开政府信息情况表",
    "requests": "收到和处理政府信息公开申请情况表",
    "appeals": "行政复议、行政诉讼情况表",
}

# Columns whose bare label is easy to confuse with a row label.
_COLUMN_OVERRIDES: dict[tuple[str, str], str] = {
    ("requests", "other_organization"): "法人或其他组织·其他",
}


def table_name(table_key: str) -> str:
    return TABLE_NAMES.get(table_key, table_key)


def row_label(row: Row, table_key: str) -> str:
    """The row as printed, with its group where the bare label is only a number and a phrase."""
    if row.group and row.label[:1].isdigit():
        return f"{row.group}{row.label}"
    if table_key == "appeals" and row.group:
        return f"{row.group}（{row.label}）"
    return row.label


def row_of(edition_key: str, table_key: str, row_key: str) -> str:
    try:
        return row_label(edition(edition_key).table(table_key).row(row_key), table_key)
    except KeyError:
        return row_key


def column_of(edition_key: str, address: str) -> str:
    t, _, c = address.split(".")
    if (t, c) in _COLUMN_OVERRIDES:
        return _COLUMN_OVERRIDES[(t, c)]
    try:
        return edition(edition_key).column(address).label
    except KeyError:
        return c


def cell_label(edition_key: str, address: str) -> str:
    """``收到和处理政府信息公开申请情况表「（一）予以公开」行「自然人」列``."""
    t, r, _ = address.split(".")
    return f"{table_name(t)}「{row_of(edition_key, t, r)}」行「{column_of(edition_key, address)}」列"


def short_label(edition_key: str, address: str) -> str:
    """``「（一）予以公开」「自然人」``: the cell within its table."""
    t, r, _ = address.split(".")
    return f"「{row_of(edition_key, t, r)}」「{column_of(edition_key, address)}」"


def fmt(value: int | Decimal | None) -> str:
    """A number as a clerk would write it."""
    if value is None:
        return "？"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def quote_raw(raw: str) -> str:
    raw = raw.strip()
    return f"“{raw}”" if raw else "空白"
