"""The wide table straight to Arrow, for stored figures: Parquet of 100,000 reports in seconds.

:func:`gongkai.analyse.frame.wide_frame` builds a Python tuple per report and a Python number
per cell; for a national corpus that is tens of millions of objects. When the records are
:class:`~gongkai.store.figures.FigureRow` with their packed cell values, the cell columns are
parsed here by Arrow's CSV reader, edition by edition, straight into ``int64`` and
``decimal128(18, 4)`` columns (exact: a value that does not fit is an error, never rounded),
and put in the wide table's row order with one ``take``. The result is the table
:func:`gongkai.analyse.export.arrow_table` makes of the wide frame, column for column.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from gongkai.analyse.frame import (
    WIDE_META,
    ColumnSpec,
    Frame,
    Headers,
    _editions,
    sorted_records,
    wide_columns,
    wide_meta,
)
from gongkai.errors import InputError
from gongkai.store.figures import SEPARATOR, FigureRow, addresses


def applies(records: Sequence[Any]) -> bool:
    return bool(records) and all(isinstance(r, FigureRow) and r.cell_values is not None for r in records)


def wide_table(records: Sequence[FigureRow], headers: Headers, arrow_type: Any) -> tuple[Any, Frame]:
    """The wide table as ``(pyarrow arrays by column, frame without rows)``."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    recs = sorted_records(records)
    eds = _editions(recs)
    columns, union = wide_columns(eds)
    meta_values = list(zip(*(wide_meta(r, headers, r.corrected) for r in recs), strict=True))
    arrays: list[Any] = []
    for c, values in zip(WIDE_META, meta_values, strict=True):
        arrays.append(pa.array(values, type=arrow_type(c.kind)))
    # cell columns: each edition's rows parsed at once, then concatenated and put in order
    order: list[int] = []  # position in the concatenation → row
    parsed: list[tuple[int, dict[str, Any]]] = []  # (number of rows, address → array)
    cell_specs = {c.key: c for c in columns[len(WIDE_META) :]}
    for ed in eds:
        rows = [i for i, r in enumerate(recs) if r.edition == ed]
        own = addresses(ed)
        text = "\n".join(recs[i].cell_values or "" for i in rows).encode()
        types = {a: arrow_type(cell_specs[a].kind) for a in own}
        try:
            table = pcsv.read_csv(
                io.BytesIO(text),
                read_options=pcsv.ReadOptions(column_names=list(own)),
                parse_options=pcsv.ParseOptions(delimiter=SEPARATOR),
                convert_options=pcsv.ConvertOptions(
                    column_types=types, null_values=[""], strings_can_be_null=True
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise InputError(f"{ed} 版报告的数值无法无损写入 Parquet（{e}）。") from e
        order.extend(rows)
        parsed.append((len(rows), {a: table.column(a).combine_chunks() for a in own}))
    take = pa.array(_inverse(order), type=pa.int64())
    for a in union:
        typ = arrow_type(cell_specs[a].kind)
        parts = [cols[a] if a in cols else pa.nulls(n, type=typ) for n, cols in parsed]
        arrays.append(pa.concat_arrays(parts).take(take))
    fr = Frame("wide", list(columns), [], recs, [], eds, count=len(recs))
    return arrays, fr


def _inverse(order: list[int]) -> list[int]:
    """``order[k]`` is the row at position k; the position of each row."""
    out = [0] * len(order)
    for k, row in enumerate(order):
        out[row] = k
    return out


__all__ = ["ColumnSpec", "applies", "wide_table"]
