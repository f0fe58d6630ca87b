"""The three tables as rows of cells for the templates (the layout of :mod:`gongkai.write.layout`).

``tables(edition_key)`` gives, per table, its heading and rows of :class:`~gongkai.write.layout.GridCell`;
the templates draw value cells as inputs (filing), with status marks (review) or plainly (public).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gongkai.write.layout import Grid, GridCell, grids, totals


@dataclass(frozen=True)
class TableView:
    key: str
    heading: str
    grid: Grid
    rows: tuple[tuple[GridCell, ...], ...]


@cache
def tables(edition_key: str) -> tuple[TableView, ...]:
    out = []
    for g in grids(edition_key):
        rows = tuple(tuple(g.row_cells(r)) for r in range(g.n_rows))
        out.append(TableView(g.key, g.heading, g, rows))
    return tuple(out)


@cache
def total_cells(edition_key: str) -> frozenset[str]:
    return frozenset(totals(edition_key))


@cache
def labels(edition_key: str) -> dict[str, str]:
    """Address → a Chinese label (table, row, column) for messages and the source view."""
    from gongkai.model.keys import edition

    ed = edition(edition_key)
    out = {}
    for t in ed.tables:
        for r in t.rows:
            for c in r.columns:
                row = f"{r.group} {r.label}".strip() if r.group else r.label
                out[f"{t.key}.{r.key}.{c.key}"] = f"{row} · {c.label}"
    return out
