"""Fuzz the reader for wrong numbers: many mutated real and generated reports, every failure shrunk
and kept as a replay in tests/data/fuzz_replays/ (re-run by tests/test_fuzz_wrong.py).

    .venv/bin/python bench/bench_fuzz.py --n 300                # generated, every format
    .venv/bin/python bench/bench_fuzz.py --n 200 --formats txt,md,html --real 100
    .venv/bin/python bench/bench_fuzz.py --n 50 --no-save       # report only

A case fails when the reader states (``read`` or ``inferred``) a cell that differs from what the
mutated source determines (see gongkai.synth.mutate). Prints per format: cases, failures, cells
stated, wrong cells; and the replay files written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from gongkai.synth.convert import chain_available
from gongkai.synth.mutate import (
    GEN_FORMATS,
    HTML_OPS,
    MODEL_OPS,
    TEXT_OPS,
    Case,
    Outcome,
    check,
    gen_case,
    shrink,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REPLAYS = ROOT / "tests" / "data" / "fuzz_replays"


def _ops(rng: random.Random, kinds: tuple[str, ...], most: int) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (rng.choice(kinds), rng.randrange(1000), rng.randrange(100)) for _ in range(rng.randint(1, most))
    )


def _source_kinds(fmt: str) -> tuple[str, ...]:
    if fmt in ("txt", "md", "as-is:txt", "pdftotext_layout", "pdftotext_raw"):
        return TEXT_OPS
    if fmt in ("html", "docx", "as-is:html"):
        return HTML_OPS
    return ()


def random_gen_case(rng: random.Random, formats: tuple[str, ...]) -> Case:
    fmt = rng.choice(formats)
    src = _source_kinds(fmt)
    model = _ops(rng, MODEL_OPS, 3) if rng.random() < 0.7 or not src else ()
    source = _ops(rng, src, 3) if src and (not model or rng.random() < 0.6) else ()
    return gen_case(rng.randrange(2**32), fmt, model, source)


def real_bases(shared: Path) -> list[tuple[str, str, str]]:
    """(base, fmt, kind) of every real file a source operation applies to."""
    out = [(f"seed:{p.name}", "as-is", "txt") for p in sorted((shared / "seeds").glob("*.txt"))]
    for p in sorted((shared / "corpus" / "real").glob("*")):
        out.append((f"real:{p.name}", "as-is", "html" if p.suffix == ".html" else "txt"))
    if chain_available("pdftotext_layout"):
        for p in sorted((shared / "corpus" / "peer").glob("*.pdf")):
            out.append((f"peer:{p.name}", "pdftotext_layout", "txt"))
    return out


def random_real_case(rng: random.Random, bases: list[tuple[str, str, str]]) -> Case:
    base, fmt, kind = rng.choice(bases)
    return Case(base, fmt, (), _ops(rng, HTML_OPS if kind == "html" else TEXT_OPS, 3))


def _signature(case: Case) -> str:
    """The kind of a failure: one replay is kept per base kind, format and kinds of operation."""
    base = case.base.split(":")[0]
    return f"{base}|{case.fmt}|{sorted(k for k, _, _ in case.model_ops)}|{sorted(k for k, _, _ in case.source_ops)}"


def save_replay(case: Case, outcome: Outcome, found: str) -> Path:
    body = case.to_json()
    key = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    kind = case.fmt if case.base == "gen" else case.base.split(":")[0]
    path = REPLAYS / f"{kind}-{key}.json"
    doc = {
        "describe": case.describe(),
        "found": found,
        "wrong_when_found": [list(w) for w in outcome.wrong[:20]],
        "marked": None,  # the lead may set a reason: the replay then runs as an expected failure
        "case": body,
    }
    REPLAYS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="generated cases")
    ap.add_argument("--real", type=int, default=100, help="cases from ../shared (skipped when absent)")
    ap.add_argument("--formats", default=",".join(GEN_FORMATS))
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--max-save", type=int, default=10, help="replays written at most (per run)")
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    formats = tuple(f for f in args.formats.split(",") if f)
    cases = [random_gen_case(rng, formats) for _ in range(args.n)]
    shared = SHARED if (SHARED / "seeds").is_dir() else None
    if shared is not None and args.real:
        bases = real_bases(shared)
        cases += [random_real_case(rng, bases) for _ in range(args.real)]

    stats: dict[str, dict[str, int]] = defaultdict(lambda: {"cases": 0, "failed": 0, "stated": 0, "wrong": 0})
    saved: list[Path] = []
    seen = {
        _signature(Case.from_json(json.loads(f.read_text(encoding="utf-8"))["case"]))
        for f in REPLAYS.glob("*.json")
    }
    t0 = time.perf_counter()
    for case in cases:
        group = case.fmt if case.base == "gen" else f"{case.base.split(':')[0]}:{case.fmt}"
        try:
            out = check(case, shared)
        except Exception as e:  # a crash of the reader (or a mutation) is a failure too
            out = Outcome(wrong=[("<crash>", "", f"{type(e).__name__}: {e}"[:200], "")])
        s = stats[group]
        s["cases"] += 1
        s["stated"] += out.stated
        s["wrong"] += len(out.wrong)
        if not out.wrong:
            continue
        s["failed"] += 1
        print(f"FAIL {case.describe()}: {out.wrong[:3]}")
        if args.no_save or len(saved) >= args.max_save:
            continue

        def fails(c: Case) -> bool:
            try:
                return bool(check(c, shared).wrong)
            except Exception:
                return True

        small = shrink(case, fails)
        sig = _signature(small)
        if sig in seen:  # one replay per kind of failure and format (those kept already included)
            continue
        seen.add(sig)
        saved.append(save_replay(small, check(small, shared), f"bench_fuzz seed {args.seed}"))

    print(f"{'group':24} {'cases':>6} {'failed':>6} {'stated':>8} {'wrong':>6}")
    for group, s in sorted(stats.items()):
        print(f"{group:24} {s['cases']:6} {s['failed']:6} {s['stated']:8} {s['wrong']:6}")
    print(f"{len(cases)} cases in {time.perf_counter() - t0:.0f} s (seed {args.seed})")
    for p in saved:
        print(f"replay written: {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
