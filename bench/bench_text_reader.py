"""Throughput of the text reader against a regular-expression baseline, on generated reports.

    python bench/bench_text_reader.py [--n 2000] [--seed 0] [--clean] [--keep DIR]

Writes ``n`` generated reports in mixed layouts (with random damage unless ``--clean``) to a
temporary folder, then, in the same run:

* baseline: read every file, decode it and scan it once with
  ``re.findall(r"[\\u4e00-\\u9fff]+|\\d+", text)``, the least any reader has to do;
* gongkai: read every file and parse it with ``gongkai.api.parse_bytes``.

Prints reports per second for both, their ratio, and the peak memory of each pass
(``tracemalloc``, measured in a separate pass over the first ``--mem-n`` files so that tracing,
which is slow, does not distort the timed pass; reports are not kept, so the peak is that of
reading one report plus the reader's caches).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from gongkai.read.decode import decode_text
from gongkai.synth.case import make_case
from gongkai.synth.damage import DAMAGE_KINDS
from gongkai.synth.hunt import default_parser
from gongkai.synth.layouts import LAYOUT_NAMES

_SCAN = re.compile(r"[\u4e00-\u9fff]+|\d+")


def write_corpus(folder: Path, n: int, seed: int, damage: bool) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        kinds = tuple(rng.sample(DAMAGE_KINDS, k=rng.choice((0, 0, 1, 2)))) if damage else ()
        case = make_case(rng.randrange(10**9), rng.choice(LAYOUT_NAMES), kinds)
        path = folder / f"{i:06d}-{case.layout}.txt"
        path.write_bytes(case.data)
        paths.append(path)
    return paths


def baseline(path: Path) -> int:
    text, _ = decode_text(path.read_bytes(), path.name)
    return len(_SCAN.findall(text))


def make_gongkai() -> Callable[[Path], int]:
    parse = default_parser()
    print(f"reader: {parse.__module__}.{parse.__qualname__}")

    def run(path: Path) -> int:
        report = parse(path.read_bytes(), path.name)
        return sum(1 for _, c in report.cells() if c.known)

    return run


def timed(fn: Callable[[Path], int], paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        fn(p)
    return time.perf_counter() - start


def peak_memory(fn: Callable[[Path], int], paths: list[Path]) -> int:
    tracemalloc.start()
    try:
        for p in paths:
            fn(p)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="reports to generate (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="no damage, layouts only")
    ap.add_argument("--keep", type=Path, default=None, help="write the reports here and keep them")
    ap.add_argument("--mem-n", type=int, default=200, help="files in the traced memory pass (default 200)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        paths = write_corpus(folder, args.n, args.seed, damage=not args.clean)
        size = sum(p.stat().st_size for p in paths) / 1e6
        took = time.perf_counter() - t0
        print(f"generated {len(paths)} reports ({size:.1f} MB) in {took:.1f} s -> {folder}")

        gongkai = make_gongkai()
        gongkai(paths[0])  # warm caches and imports outside the timed pass
        t_base = timed(baseline, paths)
        t_gk = timed(gongkai, paths)
        m_base = peak_memory(baseline, paths[: args.mem_n])
        m_gk = peak_memory(gongkai, paths[: args.mem_n])

    n = len(paths)
    print(f"{'':10}{'reports/s':>12}{'ms/report':>12}{'peak MiB':>10}")
    print(f"{'baseline':10}{n / t_base:12.0f}{1000 * t_base / n:12.3f}{m_base / 2**20:10.2f}")
    print(f"{'gongkai':10}{n / t_gk:12.0f}{1000 * t_gk / n:12.3f}{m_gk / 2**20:10.2f}")
    print(f"gongkai takes {t_gk / t_base:.1f}x the baseline's time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
