"""Inferred cells that contradict a row the text prints but no cell was read from.

The identities force a cell's value only if the report balances, and many published reports do
not. A line of a table's numbers from which no cell was read (its label not found, or its
association with a label doubtful), holding exactly a row's worth that adds up as a row, is a
printed row all the same (and so is each row's worth of a run of numbers printed one a line,
none read, as many as whole rows: a converter's dump of the cells): it is some row's whose cells were not read. If it agrees with none of
those rows as the identities stated them (a "1" printed where a column's total of 0 forced every
cell to 0), the print contradicts the inference: the report does not balance there, and the
inferred cells of the rows it could be are dropped back to unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

from gongkai.model.report import Status
from gongkai.read.solve import Result, Value
from gongkai.read.tokens import Token

_STATED = (Status.READ, Status.INFERRED)
TOTAL = "total"  # the column that is the sum of a row's others


def drop_contradicted(
    results: dict[str, Result],
    table: str,
    rows: Sequence[str],
    columns: Sequence[str],
    tokens: Sequence[Token],
) -> None:
    """Drop, in ``results``, the inferred cells of ``table``'s rows with no cell read when a
    line of the table's ``tokens``, none of them read, is a whole row printed in ``columns``'
    order (nothing but its numbers) that agrees with none of those rows as stated, nor repeats
    a row that was read (a row printed twice)."""
    used = {r.obs.line for r in results.values() if r.status in _STATED and r.obs is not None}
    by_line: dict[int, list[Token]] = {}
    for t in tokens:
        if t.kind != "text":
            by_line.setdefault(t.line, []).append(t)
    printed = [
        (ln, [t.value for t in line])
        for ln, line in by_line.items()
        if ln not in used and len(line) == len(columns) and all(t.kind == "num" for t in line)
    ]
    printed += _dumped_rows(tokens, used, len(columns))
    printed = [(ln, p) for ln, p in printed if _adds_up(p, columns)]
    if not printed:
        return
    numeric = sorted(by_line)
    stated = {r: [_stated(results.get(f"{table}.{r}.{c}")) for c in columns] for r in rows}
    # the line each read row's numbers stand on
    read_at: dict[str, int] = {}
    for r in rows:
        lines = {
            res.obs.line
            for c in columns
            if (res := results.get(f"{table}.{r}.{c}")) is not None
            and res.status is Status.READ
            and res.obs is not None
            and res.obs.line is not None
        }
        if len(lines) == 1:
            read_at[r] = lines.pop()
    between = {ln: _between(ln, rows, read_at) for ln, _ in printed}
    for ln, values in printed:
        if any(stated[r] == values for r in _next_to(ln, read_at, numeric)):
            continue  # the read row printed just before or after it, printed twice
        candidates = between[ln]
        if sum(between[other] == candidates for other, _ in printed) > len(candidates):
            continue  # more such lines than rows to hold them: sub-rows, or another edition's
        if any(_agrees(values, stated[r]) for r in candidates):
            continue
        for r in candidates:
            for c in columns:
                address = f"{table}.{r}.{c}"
                res = results.get(address)
                if res is not None and res.status is Status.INFERRED:
                    results[address] = Result(obs=res.obs)


def _dumped_rows(
    tokens: Sequence[Token], used: set[int | None], n: int
) -> list[tuple[int, list[Value | None]]]:
    """Rows printed one number a line (a converter that dumps a table's cells column by column
    or row by row): a run of lines, none read, each holding one number and nothing else, as
    many as whole rows of ``n``, cut into rows from its first line; each row as (its first
    line, its numbers)."""
    alone: dict[int, list[Token]] = {}
    for t in tokens:
        alone.setdefault(t.line, []).append(t)
    runs: list[list[Token]] = []
    in_run = False
    for ln in sorted(alone):
        line = alone[ln]
        if ln in used or len(line) != 1 or line[0].kind != "num":
            in_run = False
            continue
        if not in_run:
            runs.append([])
        runs[-1].append(line[0])
        in_run = True
    out: list[tuple[int, list[Value | None]]] = []
    for run in runs:
        if len(run) % n == 0:
            out.extend((run[i].line, [t.value for t in run[i : i + n]]) for i in range(0, len(run), n))
    return out


def _next_to(line: int, read_at: dict[str, int], numeric: list[int]) -> list[str]:
    """The read rows whose numbers stand on the line of numbers just before or after ``line``."""
    i = numeric.index(line)
    near = {numeric[j] for j in (i - 1, i + 1) if 0 <= j < len(numeric)}
    return [r for r, ln in read_at.items() if ln in near]


def _between(line: int, rows: Sequence[str], read_at: dict[str, int]) -> list[str]:
    """The rows not read that a line of numbers can be: those between the read rows printed
    just before and just after it, where the read rows stand in the format's order; else all."""
    unread = [r for r in rows if r not in read_at]
    order = [r for r in rows if r in read_at]
    if [read_at[r] for r in order] != sorted(read_at[r] for r in order):
        return unread
    before = [i for i, r in enumerate(rows) if r in read_at and read_at[r] < line]
    after = [i for i, r in enumerate(rows) if r in read_at and read_at[r] > line]
    lo = before[-1] if before else -1
    hi = after[0] if after else len(rows)
    return [r for r in rows[lo + 1 : hi] if r not in read_at]


def _adds_up(values: list[Value | None], columns: Sequence[str]) -> bool:
    if TOTAL not in columns:
        return False
    i = list(columns).index(TOTAL)
    return sum(v for k, v in enumerate(values) if k != i and v is not None) == values[i]


def _stated(res: Result | None) -> Value | None:
    return res.value if res is not None and res.status in _STATED else None


def _agrees(printed: list[Value | None], stated: list[Value | None]) -> bool:
    return all(s is None or p == s for p, s in zip(printed, stated, strict=True))
