"""``gongkai ingest`` timed as a user runs it, against a baseline with none of gongkai's code.

    python bench/bench_ingest.py [--n 10000] [--runs 3] [--jobs N] [--postgres URL] [--keep DIR]
    python bench/bench_ingest.py --n 1000 --runs 2

Writes ``n`` generated reports (all seven text layouts, no damage; ``--keep DIR`` keeps them)
to a folder, then for SQLite and, when ``--postgres`` (or ``GONGKAI_TEST_POSTGRES_URL``) is
given, for PostgreSQL, runs in turn (A B A B …, ``--runs`` rounds; each round into a new, empty
database: a new file, or a new scratch database on the server):

* ``baseline``: ``python -c`` with ``sqlite3`` (or ``psycopg``) only: read every file, decode it,
  find every number with one regular expression, and store each file (its bytes and its numbers)
  with one ``executemany`` per 500 files: the least any ingest of these files must do, in one
  process;
* ``gongkai ingest FOLDER --db DB`` (``--jobs`` parser processes, default all cores): parse,
  check, store report, original, cells, findings, figures and cross-year checks, one
  transaction per report.

Per command: median wall time, range, median peak memory of the process (workers not
included), the median per-round ratio to the baseline, and reports per second; then the size
of the last store (SQLite: file + WAL after a checkpoint; PostgreSQL: ``pg_database_size``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import bench_stats
from bench_stats import run_once

BASELINE = r"""
import re, sys
from pathlib import Path
folder, target = sys.argv[1], sys.argv[2]
if target.startswith("postgresql"):
    import psycopg
    con = psycopg.connect(target.replace("postgresql+psycopg://", "postgresql://"))
    mark = "%s"
else:
    import sqlite3
    con = sqlite3.connect(target)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    mark = "?"
con.execute("CREATE TABLE files (name TEXT, data BYTEA, numbers TEXT)".replace("BYTEA", "BLOB" if mark == "?" else "BYTEA"))
con.commit()
number = re.compile(r"\d+(?:\.\d+)?")
rows = []
for p in sorted(Path(folder).iterdir()):
    data = p.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    rows.append((p.name, data, ",".join(number.findall(text))))
    if len(rows) == 500:
        con.cursor().executemany(f"INSERT INTO files VALUES ({mark}, {mark}, {mark})", rows)
        con.commit()
        rows = []
if rows:
    con.cursor().executemany(f"INSERT INTO files VALUES ({mark}, {mark}, {mark})", rows)
    con.commit()
"""


def write_corpus(folder: Path, n: int, seed: int) -> None:
    from gongkai.synth.case import make_case
    from gongkai.synth.layouts import LAYOUT_NAMES

    rng = random.Random(seed)
    for i in range(n):
        case = make_case(rng.randrange(10**9), rng.choice(LAYOUT_NAMES))
        (folder / f"{i:06d}.txt").write_bytes(case.data)


@contextmanager
def fresh_sqlite(tmp: Path) -> Iterator[Callable[[], str]]:
    count = iter(range(10**6))

    def new() -> str:
        return str(tmp / f"run-{next(count)}.db")

    yield new


@contextmanager
def fresh_postgres(server: str) -> Iterator[Callable[[], str]]:
    """New empty databases on the server, all dropped at the end."""
    from contextlib import ExitStack

    from gongkai.store.db import scratch_database

    with ExitStack() as stack:
        yield lambda: stack.enter_context(scratch_database(server, "gongkai_bench_ingest"))


def size_of(db_spec: str) -> int:
    if "://" not in db_spec:
        import sqlite3

        with sqlite3.connect(db_spec) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(p.stat().st_size for p in (Path(db_spec), Path(f"{db_spec}-wal")) if p.exists())
    import psycopg

    with psycopg.connect(db_spec.replace("postgresql+psycopg://", "postgresql://")) as con:
        row = con.execute("SELECT pg_database_size(current_database())").fetchone()
        return int(row[0]) if row else 0


def run(label: str, fresh: Callable[[], str], folder: Path, n: int, runs: int, jobs: int | None) -> None:
    gongkai = str(Path(sys.executable).with_name("gongkai"))
    times: dict[str, list[float]] = {"baseline": [], "gongkai ingest": []}
    cpus: dict[str, list[float]] = {"baseline": [], "gongkai ingest": []}
    peaks: dict[str, list[float]] = {"baseline": [], "gongkai ingest": []}
    last = ""
    for _ in range(runs):
        target = fresh()
        wall, peak, _code = run_once(
            [sys.executable, "-c", BASELINE, str(folder), target], str(folder.parent)
        )
        times["baseline"].append(wall)
        cpus["baseline"].append(bench_stats.LAST_CPU)
        peaks["baseline"].append(peak)
        last = fresh()
        argv = [gongkai, "ingest", str(folder), "--db", last, *(["--jobs", str(jobs)] if jobs else [])]
        wall, peak, _code = run_once(argv, str(folder.parent))
        times["gongkai ingest"].append(wall)
        cpus["gongkai ingest"].append(bench_stats.LAST_CPU)
        peaks["gongkai ingest"].append(peak)
    print(f"{label}:")
    print(
        f"  {'command':20}{'median s':>10}{'min–max s':>16}{'CPU s':>8}{'peak MiB':>10}{'x baseline':>12}{'reports/s':>11}"
    )
    base = times["baseline"]
    for name, t in times.items():
        ratio = statistics.median(a / b for a, b in zip(t, base, strict=True))
        med = statistics.median(t)
        print(
            f"  {name:20}{med:10.1f}{f'{min(t):.1f}–{max(t):.1f}':>16}{statistics.median(cpus[name]):8.1f}"
            f"{statistics.median(peaks[name]):10.0f}{ratio:12.1f}{n / med:11.1f}"
        )
    size = size_of(last)
    print(f"  store: {size / 2**20:.1f} MiB, {size / n / 1024:.1f} KiB per report")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("--jobs", type=int, default=None, help="parser processes (default: all cores)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--postgres", default=os.environ.get("GONGKAI_TEST_POSTGRES_URL"), help="server URL")
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    ap.add_argument("--keep", type=Path, default=None, help="write the corpus here and keep it")
    args = ap.parse_args(argv)
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "corpus"
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            start = time.perf_counter()
            write_corpus(folder, args.n, args.seed)
            print(f"corpus: {args.n} reports written in {time.perf_counter() - start:.1f} s")
        n = sum(1 for _ in folder.iterdir())
        if not args.no_sqlite:
            with fresh_sqlite(Path(tmp)) as fresh:
                run("SQLite", fresh, folder, n, args.runs, args.jobs)
        if args.postgres:
            with fresh_postgres(args.postgres) as fresh:
                run("PostgreSQL", fresh, folder, n, args.runs, args.jobs)
        else:
            print("PostgreSQL: skipped (give --postgres URL or set GONGKAI_TEST_POSTGRES_URL)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
