"""Time of ``gongkai stats`` over many reports, against a plain-Python baseline.

    python bench/bench_stats.py [--n 10000] [--seed 0] [--repeat 3]
    python bench/bench_stats.py --n 2000 --db bench/out/stats.db --fill   # also via the store

Generates ``n`` records (``gongkai.analyse.sample.synthetic_records``: agencies in a three-level
region hierarchy, five years, both editions, some unknown cells), then, in the same run:

* baseline: a plain Python sum over the same cell values the statistics read (every ``total``
  cell behind a figure, for every report): the least any statistic over these reports must do;
* stats: ``gongkai.analyse.stats.compute_stats`` for each grouping (none, year, region at level
  2, region and year, agency), best of ``--repeat`` runs.

With ``--db`` (and the store installed) it also times ``gongkai.store.query.load_reports`` on
that database and the statistics over what it returns; ``--fill`` first writes the generated
records into it when it holds no report (through the store's writer, the way ``ingest`` does
after parsing; slow: tens of milliseconds per report).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from gongkai.analyse.sample import synthetic_records
from gongkai.analyse.stats import FIGURE_ADDRESSES, FIGURES, compute_stats
from gongkai.store.records import ReportRecord

GROUPINGS: tuple[tuple[str, tuple[Any, ...], int], ...] = (
    ("all", (), 1),
    ("year", ("year",), 1),
    ("region L2", ("region",), 2),
    ("region L1,year", ("region", "year"), 1),
    ("agency", ("agency",), 1),
)


def baseline(records: Sequence[ReportRecord]) -> int:
    """Sum every value the statistics read, with the least Python possible."""
    plans = {
        k: [tuple(a.split(".")) for f in FIGURES for a in FIGURE_ADDRESSES[k][f]] for k in FIGURE_ADDRESSES
    }
    total = 0
    for rec in records:
        tables = rec.report.tables
        for t, r, c in plans[rec.edition]:
            v = tables[t][r][c].value
            if v is not None:
                total += v
    return total


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def fill(db: Any, records: Sequence[ReportRecord]) -> int:
    """Write the records into an empty store, as ``ingest`` would after parsing them."""
    from gongkai.store.ingest import Writer, prepare

    writer = Writer(db)
    added = 0
    for i, rec in enumerate(records, start=1):
        report = rec.report.model_copy(deep=True)
        report.findings = list(rec.findings)
        data = report.to_json().encode()
        report.source.sha256 = hashlib.sha256(data).hexdigest()
        written = writer.write(prepare(report, f"bench-{rec.report_id}.json", data))
        added += written.report_id is not None
        if i % 1000 == 0:
            print(f"  written {i}/{len(records)}", flush=True)
    return added


def via_store(url: str, records: Sequence[ReportRecord], do_fill: bool, repeat: int, base: float) -> None:
    try:
        from gongkai.store import open_db
        from gongkai.store.query import load_reports
    except ImportError as e:
        print(f"store: not available ({e}); skipped")
        return
    db = open_db(url)
    try:
        have = len(load_reports(db))
        if have == 0 and do_fill:
            t0 = time.perf_counter()
            n = fill(db, records)
            print(f"store: wrote {n} reports in {time.perf_counter() - t0:.1f} s")
        t_load = best_of(repeat, lambda: load_reports(db))
        loaded = load_reports(db)
        t_stats = best_of(repeat, lambda: compute_stats(loaded, ("region", "year"), level=1))
    finally:
        db.close()
    n = len(loaded)
    print(f"store: {n} reports in {db.describe()}")
    print(f"{'load_reports':26}{1000 * t_load:10.1f} ms{1e6 * t_load / max(1, n):10.1f} us/report")
    print(f"{'stats (region,year)':26}{1000 * t_stats:10.1f} ms{1e6 * t_stats / max(1, n):10.1f} us/report")
    if n == len(records):
        print(f"load + stats take {(t_load + t_stats) / base:.0f}x the in-memory baseline's time")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="reports to generate (default 10000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported (default 3)")
    ap.add_argument("--db", default=None, help="also time load_reports on this database (path or URL)")
    ap.add_argument(
        "--fill", action="store_true", help="with --db: write the generated reports when it is empty"
    )
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    records = synthetic_records(args.n, seed=args.seed, p_unknown=0.05, p_error=0.1, p_corrected=0.05)
    cells = sum(len(FIGURE_ADDRESSES[r.edition][f]) for r in records for f in FIGURES)
    print(
        f"generated {len(records)} records in {time.perf_counter() - t0:.1f} s ({cells} cells read per pass)"
    )

    t_base = best_of(args.repeat, lambda: baseline(records))
    n = len(records)
    print(f"{'':26}{'time':>13}{'per report':>16}{'x baseline':>12}")
    print(f"{'baseline (plain sum)':26}{1000 * t_base:10.1f} ms{1e6 * t_base / n:10.1f} us/report{1.0:12.1f}")
    for name, by, level in GROUPINGS:
        t = best_of(args.repeat, lambda by=by, level=level: compute_stats(records, by, level=level))
        groups = len(compute_stats(records, by, level=level).groups)
        label = f"stats {name} ({groups})"
        print(f"{label:26}{1000 * t:10.1f} ms{1e6 * t / n:10.1f} us/report{t / t_base:12.1f}")
    if args.db:
        via_store(args.db, records, args.fill, args.repeat, t_base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
