"""Choose between readings of printed numbers with the identities, and infer what they force.

A *segment* is a run of printed numbers that belongs to a known set of cells (one row of the
requests table, the appeals row of 15 numbers, a row of the active-disclosure table). When the
numbers fit the cells one to one, the segment has a single, exact reading. When they do not
(a column lost in extraction, digits of adjacent cells run together, a stray number), it has
several readings, and the identities decide:

1. Fix every exact segment and propagate the identities (a single unknown in an identity is
   forced; a zero remainder over non-negative unknowns forces them all to zero).
2. If that leaves no violated identity, keep only the readings of each open segment that are
   consistent with what is known, merge readings that give the same cells, and enumerate the
   remaining combinations component by component, depth first with every reading taken
   propagated at once (a branch that breaks an identity is left early). Every combination
   that violates nothing is a solution; a cell equal in every solution is known
   (``inferred``), one that differs is ``ambiguous``.
3. If no combination violates nothing (the report does not balance, or the right reading is
   not among those offered), or none keeps a segment's plain reading (its numbers as printed,
   one to one, where its other readings assume a stray number and a lost cell: balance alone
   does not prove damage), or the search is cut (more than :data:`COMBINATION_LIMIT`
   solutions, or :data:`SEARCH_LIMIT` readings tried), the identities cannot choose and do
   not: a cell of an open segment is known only where every reading of its segment agrees,
   and a value forced by an identity that does not hold, or only with the help of a printed
   cell of one, is dropped back to unknown.

Nothing here knows about Chinese or layouts; the tests exercise it directly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from typing import Any

from gongkai.model.identities import Identity
from gongkai.model.report import Status

Value = int | Decimal


@dataclass(frozen=True, slots=True)
class Obs:
    """One printed cell: its value (None for a printed blank such as "/"), text, line and cell
    index on that line (the source's locator turns these into page and box, or table cell)."""

    value: Value | None
    raw: str
    line: int | None = None
    cell: int = 0


_new = object.__new__
_set_value, _set_raw, _set_line, _set_cell = (
    Obs.__dict__[f].__set__ for f in ("value", "raw", "line", "cell")
)


def new_obs(value: Value | None, raw: str, line: int | None, cell: int) -> Obs:
    """``Obs(value, raw, line, cell)`` at half the cost (readers make hundreds a report): a
    frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; this sets
    its slots directly."""
    o = _new(Obs)
    _set_value(o, value)
    _set_raw(o, raw)
    _set_line(o, line)
    _set_cell(o, cell)
    return o


Reading = tuple[Obs | None, ...]  # aligned with Segment.addresses; None = nothing printed there


@dataclass
class Segment:
    addresses: tuple[str, ...]
    readings: list[Reading]
    exact: bool = False  # a single reading taken position by position, no guessing
    # the numbers as printed fit the cells one to one, and other readings assume damage (a
    # number that may be a stray, with a cell lost): those are not taken over this one because
    # they balance and it does not (a report that does not balance is no evidence of damage)
    plain: Reading | None = None


@dataclass(slots=True)
class Result:
    value: Value | None = None
    status: Status = Status.MISSING
    obs: Obs | None = None  # what was printed for this cell in the reading taken
    candidates: list[Value] = field(default_factory=list)


COMBINATION_LIMIT = 4000  # consistent combinations of open readings kept per component
SEARCH_LIMIT = 5_000  # readings tried per component in the search for those combinations
# readings of one segment tried one by one when nothing balances; a segment with more (numbers
# lost, placed every possible way) gives only the cells all its readings agree on
UNBALANCED_READINGS = 64


class System:
    """Identities compiled for fast propagation: terms as tuples, and which identities touch a cell.

    Every identity's terms are its total's side (coefficient +1) then its parts (-1)
    (:attr:`Identity.terms`), so each is kept as its addresses and the count of the first side.
    """

    def __init__(self, identities: Sequence[Identity]) -> None:
        self.identities = list(identities)
        self.terms = [ident.terms for ident in self.identities]
        self.sides: list[tuple[tuple[str, ...], tuple[str, ...]]] = []  # (+1 side, -1 side)
        for terms in self.terms:
            coefs = [c for _, c in terms]
            k = coefs.index(-1) if -1 in coefs else len(coefs)
            if any(c != 1 for c in coefs[:k]) or any(c != -1 for c in coefs[k:]):
                raise ValueError("an identity's terms must be its +1 side, then its -1 side")
            self.sides.append((tuple(a for a, _ in terms[:k]), tuple(a for a, _ in terms[k:])))
        # each identity's addresses, +1 side first, the length of that side, and the two sides
        self.flat = [(pos + neg, len(pos), pos, neg) for pos, neg in self.sides]
        self.touching: dict[str, list[int]] = {}
        for n, terms in enumerate(self.terms):
            for a, _ in terms:
                self.touching.setdefault(a, []).append(n)

    def propagate(
        self, values: dict[str, Value], dirty: Iterable[str] | None = None
    ) -> tuple[dict[str, Value], int]:
        """Fill what the identities force; return the values and how many identities are violated.

        With ``dirty``, only identities reached from those cells are visited (and counted):
        exact when ``values`` without them already violated nothing.
        """
        values = dict(values)
        return values, sum(self.fill(values, dirty).values())

    def fill(self, values: dict[str, Value], dirty: Iterable[str] | None = None) -> dict[int, bool]:
        """:meth:`propagate` in place: fill ``values``; return whether each visited identity is
        violated (by its index)."""
        get: Callable[[str], Any] = values.get  # Any: sums below take no None (no cast in the loop)
        flat = self.flat
        touching = self.touching
        if dirty is None:
            work = list(range(len(flat)))
        else:
            work = sorted({n for a in dirty for n in touching.get(a, ())})
        # whether each visited identity is violated, as of its last visit: values are only ever
        # added, and adding one revisits every identity it touches (but the one that forced it,
        # which then holds), so the last visit sees the final values. Sums are exact (integers,
        # or decimals far inside the context's precision), so their order does not matter.
        bad: dict[int, bool] = {}
        while work:
            n = work.pop()
            addrs, k, pos, neg = flat[n]
            if None in map(get, pos) and None in map(get, neg):
                bad[n] = False  # unknowns on both sides: nothing forced, nothing violated
                continue
            vals = [*map(get, addrs)]
            u = vals.count(None)
            if not u:
                bad[n] = sum(vals[:k]) != sum(vals[k:])
                continue
            pv = vals[:k]
            pu = pv.count(None)  # the unknowns are all on one side (pu == u, or none)
            s: Value = (
                sum([v for v in pv if v is not None]) - sum(vals[k:])
                if pu
                else sum(pv) - sum([v for v in vals[k:] if v is not None])
            )
            if u == 1:
                a, c = addrs[vals.index(None)], (1 if pu else -1)
                v = -s * c
                if v < 0:
                    bad[n] = True
                    continue
                values[a] = v
                bad[n] = False
                filled = [a]
            else:  # several unknowns, all on one side
                sign = 1 if pu else -1
                if s != 0:
                    bad[n] = -s * sign < 0
                    continue
                filled = [a for a, v in zip(addrs, vals, strict=True) if v is None]
                for a in filled:
                    values[a] = 0
                bad[n] = False
            for a in filled:
                for m in touching.get(a, ()):
                    if m != n:
                        work.append(m)
        return bad


_SYSTEMS: dict[tuple[int, ...], tuple[tuple[Identity, ...], System]] = {}


def _system(identities: tuple[Identity, ...]) -> System:
    """A compiled system, kept for identity tuples seen before (the editions' own)."""
    key = tuple(map(id, identities))
    hit = _SYSTEMS.get(key)
    if hit is not None and hit[0] == identities:
        return hit[1]
    system = System(identities)
    if len(_SYSTEMS) < 64:
        _SYSTEMS[key] = (identities, system)
    return system


def _printed(reading: Reading, addresses: tuple[str, ...]) -> dict[str, Value]:
    return {
        a: o.value for a, o in zip(addresses, reading, strict=True) if o is not None and o.value is not None
    }


def _compatible(reading: Reading, addresses: tuple[str, ...], known: dict[str, Value]) -> bool:
    for a, o in zip(addresses, reading, strict=True):
        if o is not None and o.value is not None:
            k = known.get(a)
            if k is not None and k != o.value:
                return False
    return True


def _components(segments: list[Segment], identities: Sequence[Identity]) -> list[list[int]]:
    """Groups of segment indices linked by identities (union-find)."""
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner = {a: i for i, s in enumerate(segments) for a in s.addresses}
    for ident in identities:
        segs = {owner[a] for a in ident.addresses if a in owner}
        first = next(iter(segs), None)
        for s in segs:
            parent[find(s)] = find(first)  # type: ignore[arg-type]
    groups: dict[int, list[int]] = {}
    for i in range(len(segments)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def solve(
    segments: list[Segment], identities: Sequence[Identity], addresses: Iterable[str]
) -> dict[str, Result]:
    """Decide every address: its value, status, what was printed and, if ambiguous, candidates."""
    results = {a: Result() for a in addresses}
    segments = [s for s in segments if s.readings]
    fixed = [s for s in segments if len(s.readings) == 1]
    open_ = [s for s in segments if len(s.readings) > 1]
    known = _single_printed(fixed)
    chosen: dict[str, Obs] = {}
    for s in fixed:
        for a, o in zip(s.addresses, s.readings[0], strict=True):
            if o is not None:
                chosen[a] = o
    exact_cells = {a for s in fixed if s.exact for a in s.addresses if a in known}

    system = _system(tuple(identities))
    base, base_violations = system.propagate(known)
    solutions: list[dict[str, Value]] | None = None
    if base_violations == 0:
        solutions = _consistent_solutions(open_, system, base, chosen)
    if solutions is None:  # nothing balances: the identities cannot choose between readings
        solutions = _unbalanced(open_, system, known)

    if len(solutions) == 1:  # one solution: every cell it holds is known, the others are not
        (sol,) = solutions
        for a, r in results.items():
            r.obs = chosen.get(a)
            value = sol.get(a)
            if value is not None:
                r.value = value
                r.status = Status.READ if a in exact_cells else Status.INFERRED
            else:
                r.obs = r.obs or _any_obs(open_, a)
        return results
    for a, r in results.items():
        vals = list(map(dict.get, solutions, repeat(a)))
        r.obs = chosen.get(a)
        first = vals[0] if vals else None
        if vals and first is not None and vals.count(first) == len(vals):
            r.value = first
            r.status = Status.READ if a in exact_cells else Status.INFERRED
        elif len(distinct := {v for v in vals if v is not None}) >= 2:
            r.status = Status.AMBIGUOUS
            r.candidates = sorted(distinct)
            r.obs = r.obs or _any_obs(open_, a)
        else:  # one value in some readings and unknown in others is no reading at all
            r.obs = r.obs or _any_obs(open_, a)
    return results


def violated(segments: list[Segment], identities: Sequence[Identity]) -> bool:
    """Whether the cells printed in the segments with a single reading break an identity."""
    return any(_system(tuple(identities)).fill(_single_printed(segments)).values())


def _single_printed(segments: list[Segment]) -> dict[str, Value]:
    """The cells printed in the segments that have a single reading."""
    known: dict[str, Value] = {}
    for s in segments:
        if len(s.readings) == 1:
            known.update(_printed(s.readings[0], s.addresses))
    return known


def _any_obs(segments: list[Segment], address: str) -> Obs | None:
    for s in segments:
        if address in s.addresses:
            i = s.addresses.index(address)
            for rd in s.readings:
                if rd[i] is not None:
                    return rd[i]
    return None


def _distinct_readings(
    seg: Segment, system: System, known: dict[str, Value]
) -> list[tuple[dict[str, Value], Reading]]:
    """Readings consistent with ``known``, merged when they give the same cells."""
    out: dict[tuple[Value | None, ...], tuple[dict[str, Value], Reading]] = {}
    overlays: set[tuple[Value | None, ...]] = set()
    for rd in seg.readings:
        if known and not _compatible(rd, seg.addresses, known):  # nothing known: nothing to contradict
            continue
        printed = _printed(rd, seg.addresses)
        if known:
            overlay = tuple(printed.get(a, known.get(a)) for a in seg.addresses)
        else:
            overlay = tuple(map(printed.get, seg.addresses))
        if overlay in overlays:  # same cells as a reading already tried: same outcome
            continue
        overlays.add(overlay)
        merged = {**known, **printed}
        if any(system.fill(merged, printed).values()):
            continue
        sig = tuple(map(merged.get, seg.addresses))
        if sig not in out:
            out[sig] = (printed, rd)
    return list(out.values())


def _consistent_solutions(
    open_: list[Segment], system: System, base: dict[str, Value], chosen: dict[str, Obs]
) -> list[dict[str, Value]] | None:
    """Every assignment of open readings that violates no identity; None if there is none."""
    known = dict(base)
    pending = list(open_)
    options: dict[int, list[tuple[dict[str, Value], Reading]]] = {}
    version = 0  # how often ``known`` has grown: a segment's options taken since are still its options
    taken: dict[int, int] = {}
    progress = True
    while progress:  # fix segments with a single consistent reading until nothing changes
        progress = False
        for seg in list(pending):
            if taken.get(id(seg)) == version:
                opts = options[id(seg)]
            else:
                opts = _distinct_readings(seg, system, known)
            if not opts or not _keeps_plain(seg, opts):
                return None
            if len(opts) == 1:
                printed, rd = opts[0]
                known, _ = system.propagate({**known, **printed}, dirty=printed)
                version += 1
                _choose(chosen, seg, rd)
                pending.remove(seg)
                progress = True
            else:
                options[id(seg)] = opts
                taken[id(seg)] = version
    if not pending:
        return [known]
    spreads: list[dict[str, list[Value | None]]] = []
    for comp in _components(pending, system.identities):
        segs = sorted((pending[i] for i in comp), key=lambda s: len(options[id(s)]))
        choices = [options[id(s)] for s in segs]
        total = 1
        for o in choices:
            total *= len(o)
        comp_solutions = (
            _every(choices, system, known) if total <= COMBINATION_LIMIT else _search(choices, system, known)
        )
        if not comp_solutions or not all(
            _keeps_plain(seg, [combo[i] for _, combo in comp_solutions]) for i, seg in enumerate(segs)
        ):
            # none, or the search is cut, or only damage balances: the identities cannot be said
            # to single anything out, so they decide nothing (the caller falls back to what each
            # segment's readings agree on)
            return None
        if len(comp_solutions) == 1:
            for seg, (_, rd) in zip(segs, comp_solutions[0][1], strict=True):
                _choose(chosen, seg, rd)
        spreads.append(_merge_component([t for t, _ in comp_solutions]))
    # components are independent: combine their per-cell spreads
    return _combine(known, spreads)


Option = tuple[dict[str, Value], Reading]  # a reading's printed values, and the reading


def _keeps_plain(seg: Segment, options: list[Option]) -> bool:
    """Whether the segment's plain reading (if it has one) gives the cells of one of ``options``."""
    if seg.plain is None:
        return True
    plain = _printed(seg.plain, seg.addresses)
    return any(values == plain for values, _ in options)


def _every(
    choices: list[list[Option]], system: System, known: dict[str, Value]
) -> list[tuple[dict[str, Value], tuple[Option, ...]]]:
    """Every combination that violates no identity, each tried whole (few combinations: cheaper
    than :func:`_search`)."""
    out = []
    for combo in itertools.product(*choices):
        trial = dict(known)
        dirty: set[str] = set()
        for values, _ in combo:
            trial.update(values)
            dirty.update(values)
        if not any(system.fill(trial, dirty).values()):
            out.append((trial, combo))
    return out


def _search(
    choices: list[list[Option]], system: System, known: dict[str, Value]
) -> list[tuple[dict[str, Value], tuple[Option, ...]]] | None:
    """Every combination of one option per segment that violates no identity, found depth
    first: each option taken is propagated at once, so a branch that breaks an identity is
    left before the segments after it are tried. None when the search is cut: more than
    :data:`COMBINATION_LIMIT` solutions, or :data:`SEARCH_LIMIT` options tried."""
    solutions: list[tuple[dict[str, Value], tuple[Option, ...]]] = []
    budget = [SEARCH_LIMIT]
    taken: list[Option] = []

    def walk(depth: int, values: dict[str, Value]) -> bool:
        if depth == len(choices):
            solutions.append((values, tuple(taken)))
            return len(solutions) <= COMBINATION_LIMIT
        for option in choices[depth]:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            printed = option[0]
            if any(values.get(a, v) != v for a, v in printed.items()):
                continue  # a cell the options taken so far already force to another value
            trial = {**values, **printed}
            if any(system.fill(trial, printed).values()):
                continue
            taken.append(option)
            ok = walk(depth + 1, trial)
            taken.pop()
            if not ok:
                return False
        return True

    return solutions if walk(0, dict(known)) else None


def _merge_component(trials: list[dict[str, Value]]) -> dict[str, list[Value | None]]:
    keys = set().union(*trials)
    return {a: [t.get(a) for t in trials] for a in keys}


def _combine(known: dict[str, Value], spreads: list[dict[str, list[Value | None]]]) -> list[dict[str, Value]]:
    """Turn per-component value lists into solution dicts whose per-cell spread is the same."""
    width = max((len(v) for s in spreads for v in s.values()), default=1)
    out = [dict(known) for _ in range(width)]
    for spread in spreads:
        for a, vals in spread.items():
            for i in range(width):
                v = vals[i % len(vals)]
                if v is None:
                    out[i].pop(a, None)
                else:
                    out[i][a] = v
    return out


def _choose(chosen: dict[str, Obs], seg: Segment, rd: Reading) -> None:
    for a, o in zip(seg.addresses, rd, strict=True):
        if o is not None:
            chosen[a] = o
        else:
            chosen.pop(a, None)


def _unbalanced(open_: list[Segment], system: System, known: dict[str, Value]) -> list[dict[str, Value]]:
    """No combination of readings satisfies the identities: the report does not balance, or the
    right reading is not among those offered. The identities cannot choose, so they don't: a
    cell of an open segment is known only where every reading of its segment agrees, and a value
    forced (not printed) by an identity that is violated, or only through a printed cell of one,
    is not trusted (:func:`_trusted`).

    Each trial takes one reading of every segment. A segment with more than
    :data:`UNBALANCED_READINGS` readings is not tried reading by reading: it gives the cells its
    readings agree on, and every identity through a cell they disagree on counts as violated
    (nothing is forced through it), so a trial never holds a value those readings would dispute.
    """
    opts = [[_printed(rd, s.addresses) for rd in s.readings] for s in open_]
    fixed = dict(known)
    disputed: set[str] = set()
    light = []
    for seg, o in zip(open_, opts, strict=True):
        if len(o) <= UNBALANCED_READINGS:
            light.append(o)
            continue
        for a in seg.addresses:
            vals = {d.get(a) for d in o}
            if len(vals) == 1 and (v := vals.pop()) is not None:
                fixed[a] = v
            else:
                disputed.add(a)
    through = {n for a in disputed for n in system.touching.get(a, ())}
    width = max((len(o) for o in light), default=1)
    trials = []
    for i in range(width):
        printed = dict(fixed)
        for o in light:
            printed.update(o[i % len(o)])
        full = dict(printed)
        violated = system.fill(full)  # every identity visited: whether each holds at the end
        violated.update(dict.fromkeys(through, True))
        trials.append(_trusted(full, system, printed, violated))
    return trials


def _trusted(
    full: dict[str, Value], system: System, printed: dict[str, Value], violated: dict[int, bool]
) -> dict[str, Value]:
    """Drop values that were forced (not printed) by an identity that is violated, and values
    forced only with the help of a printed cell of one: of the cells of an identity that does
    not hold, one at least is not what the report means, so nothing is concluded from them
    (a row printed 自然人 1, 总计 0 forces no other row's 总计 to 0 through its 0)."""
    bad = {a for n, b in violated.items() if b for a in system.flat[n][0]}
    if not bad:
        return full
    sound = {a: v for a, v in printed.items() if a not in bad}
    system.fill(sound)
    return {a: v for a, v in full.items() if a in printed or (a not in bad and sound.get(a) == v)}
