"""Every way a run of printed numbers can fill a row of cells.

A row of ``n`` cells printed as ``m`` numbers:

* ``m == n``: one exact reading, position by position (unless a number such as ``000023``
  cannot be one cell, which means digits of adjacent cells ran together);
* ``m < n``: numbers may hold the digits of several adjacent cells (``230`` = ``23``, ``0``),
  and cells may have been lost in extraction: every split of the digits into ``k <= n`` values,
  placed in order into every choice of ``k`` of the ``n`` cells;
* ``n < m <= 2n``: stray numbers: every window of ``n`` consecutive numbers, and, where a page
  number written as three cells ("- 7 -") ends or starts them, the other ``n - 1`` with one
  cell lost among them (a row that lost a cell); only where identities weigh the cells (the
  active table has none: there, a row with more numbers than cells is read only where strays
  or a duplicate account for them);
* ``m > 2n``: a layout not understood (say, a table copied column by column): no reading.

The identities choose among them (:mod:`gongkai.read.solve`). A row with more readings than
:data:`MAX_READINGS` is not guessed at: it gets no reading and its cells stay unknown.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import lru_cache

from gongkai.read.solve import Obs, Reading, Segment, new_obs
from gongkai.read.tokens import Token

MAX_READINGS = 5000
MAX_DIGITS = 12  # a count has at most 9 digits (model/bounds.py); longer runs are several cells


def token_obs(t: Token) -> Obs:
    """What ``t`` prints, as one cell's observation (a blank mark has no value)."""
    return new_obs(t.value if t.kind == "num" else None, t.raw, t.line, t.cell)


def _digits(t: Token) -> str | None:
    """The digit string of an integer token that could hold several cells."""
    if t.kind != "num" or not t.text.isdigit():
        return None
    return t.text


def _valid(part: str) -> bool:
    return part == "0" or not part.startswith("0")


@lru_cache(maxsize=4096)
def splits(digits: str, parts: int) -> tuple[tuple[str, ...], ...]:
    """All ways to cut ``digits`` into ``parts`` numbers with no leading zeros."""
    if parts == 1:
        return ((digits,),) if _valid(digits) else ()
    out = []
    for i in range(1, len(digits) - parts + 2):
        head = digits[:i]
        if not _valid(head):
            continue
        for rest in splits(digits[i:], parts - 1):
            out.append((head, *rest))
    return tuple(out)


@lru_cache(maxsize=4096)
def split_count(digits: str, most: int) -> int:
    """How many ways ``digits`` can be cut into 1..``most`` numbers without leading zeros
    (counted, not listed: a long run can have millions)."""
    n = len(digits)
    # ways[i][k]: cuts of digits[:i] into k numbers
    ways = [[0] * (most + 1) for _ in range(n + 1)]
    ways[0][0] = 1
    for i in range(1, n + 1):
        for j in range(i):
            if not _valid(digits[j:i]):
                continue
            for k in range(1, most + 1):
                ways[i][k] += ways[j][k - 1]
    return sum(ways[n][1:])


def _token_options(t: Token, most: int) -> list[list[Obs]]:
    """The ways one token can be read: whole, or its digits split into 2..most cells."""
    d = _digits(t)
    if d is None:
        return [[token_obs(t)]]
    parts_max = min(len(d), most)
    # a long run of digits (a report run together) can be cut in more ways than are worth
    # weighing: it is not guessed at, and the row's cells stay unknown
    if len(d) > MAX_DIGITS * parts_max or split_count(d, parts_max) > MAX_READINGS:
        return []
    out: list[list[Obs]] = []
    for p in range(1, parts_max + 1):
        for parts in splits(d, p):
            out.append([new_obs(int(x), x, t.line, t.cell) for x in parts])
    return out


def _value_lists(tokens: list[Token], extra: int) -> Iterator[list[Obs]]:
    """Every list of values the tokens can be split into, using at most ``extra`` more cells."""
    if not tokens:
        yield []
        return
    for opt in _token_options(tokens[0], extra + 1):
        for rest in _value_lists(tokens[1:], extra - (len(opt) - 1)):
            yield opt + rest


def _strays(tokens: list[Token]) -> list[int]:
    """Indices of numbers that may not belong to the row: alone on their line (or with blank
    marks beside it: "- 4 -") while most of the row's numbers share another line (a page
    number, a footnote mark), or after the row's end marker in a one-cell-per-line copy."""
    per_line: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        if i and t.after_rule:
            return list(range(i, len(tokens)))
        on_line = per_line.get(t.line)
        if on_line is None:
            per_line[t.line] = [i]
        else:
            on_line.append(i)
    if len(per_line) < 2 or max(len(v) for v in per_line.values()) < 2:
        return []
    out = []
    for v in per_line.values():
        if len(v) == 1 or (len(v) <= 3 and sum(tokens[i].kind == "num" for i in v) == 1):
            out += v  # one number alone, or between blank marks ("- 4 -": a page number as cells)
    return out


def _halves(tokens: list[Token], n: int) -> list[Token] | None:
    """The first half of a run printed twice over ("5 1 5 1": a row duplicated in extraction),
    when the run does not fit the row as it is. A half of one number, or of equal numbers
    ("0 0"), is no evidence of a duplicate."""
    m = len(tokens)
    if m == n or m < 4 or m % 2:
        return None
    first, second = [t.text for t in tokens[: m // 2]], [t.text for t in tokens[m // 2 :]]
    return tokens[: m // 2] if first == second and len(set(first)) >= 2 else None


def segment_for(addresses: tuple[str, ...], tokens: list[Token], *, windows: bool = True) -> Segment:
    """The segment of ``tokens`` read into ``addresses``, with its plain reading marked: the
    numbers as printed, one to one, where the others assume a stray number and a lost cell."""
    n = len(addresses)
    rds, exact = readings_for(tokens, n, windows=windows)
    plain = None
    if not exact and rds and len(tokens) == n and _cells_whole(tokens):
        plain = rds[0]  # readings_for offers the tokens as they are first
    elif not exact and rds and _one_digit_a_cell(tokens, n):
        # digits run together ("100 0 0 00"), as many as the cells: the one reading that fills
        # every cell takes each digit for a cell and loses none; the others assume a cell lost
        plain = next((rd for rd in rds if None not in rd), None)
    return Segment(addresses, rds, exact, plain)


def _one_digit_a_cell(tokens: list[Token], n: int) -> bool:
    """Whether ``tokens`` are digits run together, as many as ``n`` cells (blank marks beside
    them): one at least printed with a leading zero ("00"), so no one cell, shows that cells ran
    together; without one, a row of numbers with cells lost can have as many digits by chance."""
    if not any(map(leading_zero, tokens)):
        return False
    cells = 0
    for t in tokens:
        if t.kind == "blank":
            cells += 1
        elif (d := _digits(t)) is not None:
            cells += len(d)
        else:
            return False
    return cells == n


def readings_for(tokens: list[Token], n: int, *, windows: bool = True) -> tuple[list[Reading], bool]:
    """Readings of ``tokens`` into ``n`` cells, and whether the single reading is exact. Where
    the tokens fit the cells one to one, that reading comes first. Without ``windows``, more
    numbers than cells are read only where strays or a duplicate account for them (for cells
    no identity weighs: that every window agrees on a cell is no evidence of it)."""
    strays = _strays(tokens)
    half = _halves(tokens, n)
    if strays or half:
        variants = [tokens]
        if strays:
            variants.append([t for i, t in enumerate(tokens) if i not in strays])
        if half:
            variants.append(half)
        seen: dict[tuple, Reading] = {}
        for rd in (rd for v in variants for rd in _readings(v, n, windows)[0]):
            seen.setdefault(tuple(None if o is None else (o.value, o.raw, o.line) for o in rd), rd)
        out = list(seen.values())
        return (out, False) if len(out) <= MAX_READINGS else ([], False)
    return _readings(tokens, n, windows)


def _dashed_number(tokens: list[Token]) -> bool:
    """Three tokens that are a page number written as cells: a dash, a number, a dash."""
    return (
        len(tokens) == 3
        and [t.kind for t in tokens] == ["blank", "num", "blank"]
        and all(t.text in _DASHES for t in (tokens[0], tokens[2]))
    )


_DASHES = frozenset({"-", "—", "–", "－", "―"})


def leading_zero(t: Token) -> bool:
    """Whether ``t`` is a number printed with a leading zero (``000023``, ``00``): digits of
    several cells run together, no one cell."""
    return t.kind == "num" and t.text[:1] == "0" and t.text[1:2].isdigit()


def _cells_whole(tokens: list[Token]) -> bool:
    """Whether every token can be one cell (:func:`leading_zero`)."""
    return not any(map(leading_zero, tokens))


def _readings(tokens: list[Token], n: int, windows: bool = True) -> tuple[list[Reading], bool]:
    m = len(tokens)
    if m == 0:
        return [], False
    if m == n and _cells_whole(tokens):
        return [tuple([token_obs(t) for t in tokens])], True
    if m > 2 * n or (m > n and not windows):
        return [], False
    if m > n:
        seen: dict[tuple, Reading] = {}
        obs = [token_obs(t) for t in tokens]
        for i in range(m - n + 1):
            window: Reading = tuple(obs[i : i + n])
            seen.setdefault(tuple(None if o is None else o.value for o in window), window)
        # a row that lost a cell, then a page number written as three cells ("- 7 -"): the row's
        # n - 1 numbers, the lost cell anywhere among them
        for run, page in ((obs[: m - 3], tokens[m - 3 :]), (obs[3:], tokens[:3])):
            if len(run) != n - 1 or not _dashed_number(page):
                continue
            for lost in range(n):
                rd: Reading = (*run[:lost], None, *run[lost:])
                seen.setdefault(tuple(None if o is None else o.value for o in rd), rd)
        return list(seen.values()), False
    out: list[Reading] = []
    seen_keys: set[tuple] = set()
    for values in _value_lists(tokens, n - m):
        k = len(values)
        placed = [(o, (o.value, o.raw)) for o in values]
        for positions in itertools.combinations(range(n), k):
            slots: list[Obs | None] = [None] * n
            keys: list[tuple[object, str] | None] = [None] * n
            for p, (o, ok) in zip(positions, placed, strict=True):
                slots[p] = o
                keys[p] = ok
            key = tuple(keys)
            if key in seen_keys:
                continue
            seen_keys.add(key)
            out.append(tuple(slots))
            if len(out) > MAX_READINGS:
                return [], False
    return out, len(out) == 1 and m == n
