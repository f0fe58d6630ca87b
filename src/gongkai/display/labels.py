"""Chinese labels for keys: a cell address as a clerk would name it."""

from __future__ import annotations

from gongkai.model.keys import Edition, Row, Table, edition, outcome_rows

EDITION_NAMES = {"2021": "2021 版", "2019": "2019 版"}


def edition_name(key: str) -> str:
    """``2021 版（国办公开办函〔2021〕30号）``."""
    try:
        ed = edition(key)
    except KeyError:
        return key
    return f"{EDITION_NAMES.get(key, key)}（{ed.document}）"


def row_path(table: Table, row: Row, edition_key: str) -> tuple[str, ...]:
    """The group labels printed above ``row`` in the official layout, outermost first.

    In ``requests`` every outcome row and （七）总计 sit under 三、本年度办理结果, and the
    numbered rows sit under their （三）…（六） group as well; in ``appeals`` the two 行政诉讼
    rows sit under 行政诉讼. ``active_disclosure`` is drawn as one small table per group.
    """
    if table.key == "requests":
        top = table.row("granted").group
        if row.group == top:
            return (top,)
        if row.group:
            return (top, row.group)
        if row.key in outcome_rows(edition_key) or row.key == "total_processed":
            return (top,)
        return ()
    if table.key == "appeals" and row.group:
        return (row.group,)
    return ()


def address_label(address: str, edition_key: str) -> str:
    """``requests.granted.total`` → ``三、本年度办理结果 （一）予以公开 / 总计``.

    The address itself when it is not one of the edition's.
    """
    try:
        t, r, _ = address.split(".")
        ed: Edition = edition(edition_key)
        table = ed.table(t)
        row = table.row(r)
        column = ed.column(address)
    except (KeyError, ValueError):
        return address
    path = row_path(table, row, edition_key) if t != "active_disclosure" else ()
    return " ".join((*path, row.label)) + " / " + column.label
