"""Tables printed in another shape than the official form, as some agencies print them.

The appeals table as three labelled rows or transposed (results as rows), the （六）其他处理
rows in the other edition's shape, and notes printed around the requests table. These reshape
the printed :class:`Document` before any other damage is applied; :mod:`gongkai.synth.damage`
registers them as damage kinds and records what they did.
"""

from __future__ import annotations

import random

from gongkai.model.keys import APPEALS, OTHER_ROWS_2021, REQUEST_COLUMN_KEYS, REQUESTS_2021
from gongkai.synth.printed import CONT, SPAN, Document, Para, PRow, PTable

_APPEAL_COLS = tuple(c.label for c in APPEALS.rows[0].columns)


def _appeals_cells(doc: Document) -> tuple[PTable, dict[str, tuple[str, tuple[str, ...]]]]:
    """The appeals table and its printed cells by address."""
    table = doc.table("appeals")
    cells: dict[str, tuple[str, tuple[str, ...]]] = {}
    for r in table.rows:
        for c, a in zip(r.cells, r.addresses, strict=True):
            if len(a) == 1:
                cells[a[0]] = (c, a)
    return table, cells


def appeals_as_rows(doc: Document) -> str:
    """行政复议 / 行政诉讼 未经复议直接起诉 / 复议后起诉 as three labelled rows of five numbers."""
    table, cells = _appeals_cells(doc)
    labels = {
        "reconsideration": ["行政复议", SPAN],
        "litigation_direct": ["行政诉讼", "未经复议直接起诉"],
        "litigation_after_reconsideration": [CONT, "复议后起诉"],
    }
    rows = [PRow(["", "", *_APPEAL_COLS], kind="header")]
    for row in APPEALS.rows:
        addrs = [f"appeals.{row.key}.{c.key}" for c in row.columns]
        rows.append(
            PRow(
                labels[row.key],
                [cells[a][0] for a in addrs],
                [cells[a][1] for a in addrs],
                key=f"appeals.{row.key}",
            )
        )
    table.rows, table.width = rows, 7
    return "three labelled rows"


def appeals_transposed(doc: Document) -> str:
    """Results as rows (结果维持 … 总计), the three kinds of case as columns."""
    table, cells = _appeals_cells(doc)
    rows = [
        PRow(["", "行政复议", "行政诉讼", ""], kind="header"),
        PRow(["", "", "未经复议直接起诉", "复议后起诉"], kind="header"),
    ]
    for col, label in zip(APPEALS.rows[0].columns, _APPEAL_COLS, strict=True):
        addrs = [f"appeals.{row.key}.{col.key}" for row in APPEALS.rows]
        rows.append(
            PRow(
                [label], [cells[a][0] for a in addrs], [cells[a][1] for a in addrs], key=f"appeals.{col.key}"
            )
        )
    table.rows, table.width = rows, 4
    return "transposed: results as rows"


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def other_rows_shape(doc: Document, rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """（六）其他处理 printed in the other edition's shape: a 2021 report with the single 2019 row
    (the three rows summed), a 2019 report with the three 2021 rows (its row split in three).
    Returns a description and the cells whose printed values are no longer their own."""
    table = doc.table("requests")
    if doc.edition == "2021":
        idx = [i for i, r in enumerate(table.rows) if r.key.split(".")[-1] in OTHER_ROWS_2021]
        first = table.rows[idx[0]]
        group = next((s for s in first.labels[1:2] if s not in (CONT, SPAN)), "（六）其他处理")
        sums = [sum(int(table.rows[i].cells[c]) for i in idx) for c in range(len(REQUEST_COLUMN_KEYS))]
        merged = PRow(
            [CONT, group, SPAN], [str(v) for v in sums], [() for _ in sums], key="requests.other_handling"
        )
        lost = tuple(a for i in idx for t in table.rows[i].addresses for a in t)
        table.rows[idx[0] : idx[-1] + 1] = [merged]
        return "three （六） rows printed as one", lost
    i = next(i for i, r in enumerate(table.rows) if r.key == "requests.other_handling")
    row = table.rows[i]
    group = next((s for s in row.labels if s not in (CONT, SPAN) and "其他处理" in s), "（六）其他处理")
    per_col = [_split(rng, int(v), 3) for v in row.cells[:-1]]
    new_rows = []
    for n, key in enumerate(OTHER_ROWS_2021):
        vals = [parts[n] for parts in per_col]
        label = REQUESTS_2021.row(key).label
        new_rows.append(
            PRow(
                [CONT, group if n == 0 else CONT, label],
                [str(v) for v in [*vals, sum(vals)]],
                [() for _ in range(len(vals) + 1)],
                key=f"requests.{key}",
            )
        )
    lost = tuple(a for t in row.addresses for a in t)
    table.rows[i : i + 1] = new_rows
    return "one （六） row printed as three", lost


def table_notes(doc: Document, rng: random.Random) -> str:
    """A unit line above the requests table and a note with numbers below it."""
    i = next(n for n, b in enumerate(doc.blocks) if isinstance(b, PTable) and b.key == "requests")
    new_received = next(r for r in doc.data_rows("requests") if r.key == "requests.new_received")
    received = int(new_received.cells[-1])
    notes = [f"注：本表数据统计期限为{doc.year}年1月1日至{doc.year}年12月31日。"]
    if received:
        online = rng.randint(0, received)
        notes.append(
            f"注：本年度新收政府信息公开申请中，通过网络提交{online}件，当面提交{int(received) - online}件。"
        )
    doc.blocks.insert(i + 1, Para(rng.choice(notes)))
    doc.blocks.insert(i, Para(rng.choice(("单位：件", "（单位：件）", "单位:件"))))
    return "unit line above and note below the requests table"
