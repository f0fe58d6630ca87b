"""Hunt for reader failures on generated reports and keep minimal reproducing examples.

``python -m gongkai.synth.hunt --n 3000 --out tests/data/reader_failures`` reads ``n`` random
cases (layout, damage, seed) and, for every case where the reader states a wrong value, crashes,
gets the edition or year wrong, or (undamaged) reads fewer than 99% of the cells, shrinks it:
damage kinds are dropped while the failure persists, then the prose. Each kept failure is
written as ``<id>.txt`` (the bytes the reader was given) and ``<id>.json`` (layout, damage,
expected and got values of the wrong cells, and every true cell value).
"""

from __future__ import annotations

import argparse
import json
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.model.report import Report
from gongkai.synth.case import Case, make_case
from gongkai.synth.compare import Comparison, compare
from gongkai.synth.damage import DAMAGE_KINDS, is_lossless
from gongkai.synth.layouts import LAYOUT_NAMES

CLEAN_SHARE = 0.99  # an undamaged (or losslessly damaged) text must give this share of cells

Parser = Callable[[bytes, str], Report]


def default_parser() -> Parser:
    """``gongkai.api.parse_bytes``; the bare text reader while the checker is not importable."""
    try:
        from gongkai.api import parse_bytes

        return parse_bytes
    except ImportError:  # pragma: no cover - only while gongkai.check is being written
        from gongkai.model.report import Source
        from gongkai.read.decode import decode_text
        from gongkai.read.text import read_text

        def parse(data: bytes, name: str) -> Report:
            text, _ = decode_text(data, name)
            return read_text(text, Source(name=name, sha256="", format="text"))

        return parse


@dataclass
class Outcome:
    case: Case
    comparison: Comparison | None
    error: str | None = None

    @property
    def kind(self) -> str | None:
        """What failed: "crash", "wrong", "meta", "coverage", or None."""
        if self.error is not None:
            return "crash"
        c = self.comparison
        assert c is not None
        if c.wrong or c.absent:
            return "wrong"
        if c.meta_errors:
            return "meta"
        if is_lossless(self.case.kinds) and c.share < CLEAN_SHARE:
            return "coverage"
        return None


def run(case: Case, parse: Parser) -> Outcome:
    try:
        got = parse(case.data, case.name)
    except Exception:  # a crash is a finding, whatever it is
        return Outcome(case, None, traceback.format_exc(limit=6))
    return Outcome(case, compare(case.truth, got))


def shrink(outcome: Outcome, parse: Parser) -> Outcome:
    """Drop damage kinds, then the prose, while the same kind of failure persists."""
    kind = outcome.kind
    case = outcome.case
    kinds = list(case.kinds)
    changed = True
    while changed:
        changed = False
        for k in list(kinds):
            trial = [x for x in kinds if x != k]
            o = run(make_case(case.seed, case.layout, trial), parse)
            if o.kind == kind:
                kinds, outcome, changed = trial, o, True
                break
    o = run(make_case(case.seed, case.layout, kinds, prose=False), parse)
    return o if o.kind == kind else outcome


def _j(v: int | Decimal | None) -> Any:
    return format(v, "f") if isinstance(v, Decimal) else v


def write(outcome: Outcome, out_dir: Path) -> str:
    case = outcome.case
    kinds = "+".join(case.kinds) or "clean"
    ident = f"{outcome.kind}-{case.layout}-{kinds}-{case.seed}"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{ident}.txt").write_bytes(case.data)
    c = outcome.comparison
    doc: dict[str, Any] = {
        "failure": outcome.kind,
        **case.describe(),
        "regenerate": f"from gongkai.synth.case import make_case; {case.call}",
    }
    if c is not None:
        doc["known_share"] = round(c.share, 4)
        doc["meta_errors"] = c.meta_errors
        doc["wrong"] = [w.as_dict() for w in c.wrong]
        doc["absent"] = c.absent
    if outcome.error:
        doc["error"] = outcome.error
    doc["truth"] = {
        "meta": {
            "year": case.truth.meta.year,
            "edition": case.truth.meta.edition,
            "agency": case.truth.meta.agency,
        },
        "cells": {a: _j(cell.value) for a, cell in case.truth.cells()},
    }
    (out_dir / f"{ident}.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return ident


def hunt(n: int, seed: int, parse: Parser) -> list[Outcome]:
    rng = random.Random(seed)
    found = []
    for _ in range(n):
        kinds = tuple(rng.sample(DAMAGE_KINDS, k=rng.choice((0, 1, 1, 2, 3))))
        case = make_case(rng.randrange(10**6), rng.choice(LAYOUT_NAMES), kinds)
        o = run(case, parse)
        if o.kind is not None:
            found.append(o)
    return found


def shares(n: int, seed: int, parse: Parser) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(layout, damage kind or "clean") -> (cases, cells read or inferred, cells), one kind per case."""
    rng = random.Random(seed)
    out: dict[tuple[str, str], tuple[int, int, int]] = {}
    for _ in range(n):
        kind = rng.choice(("clean", *DAMAGE_KINDS))
        layout = rng.choice(LAYOUT_NAMES)
        case = make_case(rng.randrange(10**6), layout, () if kind == "clean" else (kind,))
        o = run(case, parse)
        known = o.comparison.known if o.comparison else 0
        cases, k, cells = out.get((layout, kind), (0, 0, 0))
        out[(layout, kind)] = (cases + 1, k + known, cells + case.truth_cells)
    return out


def print_shares(table: dict[tuple[str, str], tuple[int, int, int]]) -> None:
    kinds = ["clean", *DAMAGE_KINDS]
    print(f"{'':19}" + "".join(f"{lay[:9]:>10}" for lay in LAYOUT_NAMES) + f"{'all':>10}")
    for kind in kinds:
        row = [table.get((lay, kind), (0, 0, 0)) for lay in LAYOUT_NAMES]
        cells = [f"{k / c:10.4f}" if c else f"{'-':>10}" for _, k, c in row]
        tk, tc = sum(r[1] for r in row), sum(r[2] for r in row)
        print(f"{kind:19}" + "".join(cells) + (f"{tk / tc:10.4f}" if tc else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="cases to try")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="folder for minimal examples")
    ap.add_argument("--keep", type=int, default=2, help="examples kept per (failure, layout, damage)")
    ap.add_argument("--shares", action="store_true", help="print read/inferred shares by layout and damage")
    args = ap.parse_args(argv)
    parse = default_parser()
    if args.shares:
        print_shares(shares(args.n, args.seed, parse))
        return 0
    found = hunt(args.n, args.seed, parse)
    print(f"{len(found)} failing cases of {args.n}")
    kept: dict[tuple[str | None, str, tuple[str, ...]], int] = {}
    for o in found:
        small = shrink(o, parse)
        key = (small.kind, small.case.layout, small.case.kinds)
        if kept.get(key, 0) >= args.keep:
            continue
        kept[key] = kept.get(key, 0) + 1
        c = small.comparison
        info = (
            f"wrong={len(c.wrong)} share={c.share:.3f} {c.meta_errors}"
            if c
            else (small.error or "").splitlines()[-1]
        )
        name = write(small, args.out) if args.out else ""
        print(
            small.kind, small.case.layout, "+".join(small.case.kinds) or "clean", small.case.seed, info, name
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
