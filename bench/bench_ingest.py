"""Ingest throughput and database size on generated reports, against a raw-insert baseline.

    python bench/bench_ingest.py [--n 10000] [--jobs N] [--seed 0] [--postgres URL] [--keep DIR]

Writes ``n`` generated reports (all seven text layouts, no damage) to a temporary folder, then
for SQLite (a new file) and, when ``--postgres`` (or ``GONGKAI_TEST_POSTGRES_URL``) is given,
for PostgreSQL (a new database, dropped at the end):

* ingest: ``gongkai.store.ingest.ingest`` on the folder, end to end (parallel parsing and
  checking, the single writer, one transaction per report); reports per second, and the
  seconds the writer was busy, as reports per second of writing alone;
* baseline: the same cell rows, read back from the store, inserted with one ``executemany``
  (SQLite) or ``COPY`` (PostgreSQL) per report and one commit per report into a bare table with
  no key, index or constraint, with the writer's durability settings (SQLite WAL +
  ``synchronous=NORMAL``; PostgreSQL ``synchronous_commit=off``): the least a store that keeps
  every report atomic must do;
* size: the database on disk after ingest (SQLite: file + WAL after a checkpoint; PostgreSQL:
  ``pg_database_size``), in total and per report.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from gongkai.store import open_db
from gongkai.store.db import scratch_database
from gongkai.store.ingest import CELL_COLUMNS as COLUMNS  # the raw-insert baseline writes the same rows
from gongkai.store.ingest import Writer, ingest
from gongkai.synth.case import make_case
from gongkai.synth.layouts import LAYOUT_NAMES


def write_corpus(folder: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    for i in range(n):
        case = make_case(rng.randrange(10**9), rng.choice(LAYOUT_NAMES))
        (folder / f"{i:06d}.txt").write_bytes(case.data)


def timed_ingest(db_spec: str, folder: Path, jobs: int | None) -> tuple[int, float, float]:
    """Reports added, wall seconds, seconds the writer was busy."""
    busy = 0.0
    original = Writer.write

    def write(self: Writer, p):  # type: ignore[no-untyped-def]
        nonlocal busy
        t = time.perf_counter()
        try:
            return original(self, p)
        finally:
            busy += time.perf_counter() - t

    Writer.write = write  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        summary = ingest(db_spec, [folder], jobs=jobs)
        wall = time.perf_counter() - start
    finally:
        Writer.write = original  # type: ignore[method-assign]
    if summary.refused:
        print(f"  note: {len(summary.refused)} files refused, e.g. {summary.refused[0]}")
    return len(summary.added), wall, busy


def baseline(db_spec: str) -> tuple[int, float]:
    """Re-insert every stored cell row into a bare table, one executemany/COPY and commit per
    report. Returns rows and seconds."""
    db = open_db(db_spec)
    engine = db.engine
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_cells")
        conn.exec_driver_sql(
            "CREATE TABLE bench_cells (report_id INTEGER, address VARCHAR(96), table_key VARCHAR(32), "
            "row_key VARCHAR(48), column_key VARCHAR(48), value VARCHAR(40), status VARCHAR(10), raw TEXT, "
            "at TEXT, candidates TEXT)"
        )
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"SELECT {', '.join(COLUMNS)} FROM cells ORDER BY report_id").all()
    by_report: dict[int, list[tuple]] = {}
    for row in rows:
        by_report.setdefault(row[0], []).append(tuple(row))
    pg = engine.dialect.name == "postgresql"
    marks = ", ".join("%s" if pg else "?" for _ in COLUMNS)
    sql = f"INSERT INTO bench_cells ({', '.join(COLUMNS)}) VALUES ({marks})"
    raw = engine.raw_connection()
    try:
        if pg:  # as the store's writer does (docs/store.md)
            raw.cursor().execute("SET synchronous_commit = off")
            raw.commit()
        start = time.perf_counter()
        for chunk in by_report.values():
            cur = raw.cursor()
            if pg:
                with cur.copy(f"COPY bench_cells ({', '.join(COLUMNS)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in chunk:
                        copy.write_row(row)
            else:
                cur.executemany(sql, chunk)
            raw.commit()
        seconds = time.perf_counter() - start
        cur = raw.cursor()
        cur.execute("DROP TABLE bench_cells")
        raw.commit()
    finally:
        raw.close()
    db.close()
    return len(rows), seconds


def size_of(db_spec: str) -> int:
    db = open_db(db_spec)
    try:
        if db.dialect == "sqlite":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            path = Path(sa.engine.make_url(db.url).database or "")
            return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
        with db.engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one())
    finally:
        db.close()


def run(label: str, db_spec: str, folder: Path, n: int, jobs: int | None) -> None:
    added, wall, busy = timed_ingest(db_spec, folder, jobs)
    size = size_of(db_spec)  # before the baseline's table comes and goes
    rows, base_s = baseline(db_spec)
    print(f"{label}:")
    print(f"  ingest      {added} reports in {wall:.1f} s: {added / wall:8.1f} reports/s (end to end)")
    print(f"  writer      busy {busy:.1f} s:             {added / busy:8.1f} reports/s (writing alone)")
    print(
        f"  baseline    {rows} cell rows in {base_s:.1f} s: {added / base_s:8.1f} reports/s ({rows / base_s:,.0f} rows/s)"
    )
    print(
        f"  writer takes {busy / base_s:.1f}x the baseline (report, original, cells, findings, agency, cross-year)"
    )
    print(f"  size        {size / 2**20:.1f} MiB, {size / max(added, 1) / 1024:.1f} KiB per report")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=None, help="parser processes (default: all cores)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--postgres", default=os.environ.get("GONGKAI_TEST_POSTGRES_URL"), help="server URL")
    ap.add_argument("--keep", type=Path, default=None, help="write the corpus here and keep it")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "corpus"
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        write_corpus(folder, args.n, args.seed)
        cores = os.cpu_count()
        print(
            f"corpus: {args.n} reports written in {time.perf_counter() - start:.1f} s; {cores} cores, jobs={args.jobs or cores}"
        )
        run("SQLite", str(Path(tmp) / "bench.db"), folder, args.n, args.jobs)
        if args.postgres:
            with scratch_database(args.postgres, "gongkai_bench") as url:
                run("PostgreSQL", url, folder, args.n, args.jobs)
        else:
            print("PostgreSQL: skipped (give --postgres URL or set GONGKAI_TEST_POSTGRES_URL)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
