"""``gongkai stats`` and ``gongkai chart`` timed as a user runs them, against one SQL aggregate.

    python bench/bench_stats.py [--n 10000] [--runs 5] [--db bench/out/stats-10000.db] [--old]
    python bench/bench_stats.py --n 100000 --runs 3
    python bench/bench_stats.py --n 2000 --postgres postgresql://gongkai:gongkai@127.0.0.1:5432/gongkai_test

A store of ``--n`` generated reports (``gongkai.analyse.sample``: agencies in a three-level
region hierarchy, five years, both editions, unknown cells, error findings, 2% of reports
corrected) is written once with the store's own row builders (agencies resolved by the store's
directory, report, original, cells, findings and figures rows, 500 reports per transaction;
cross-year checks are not run) and kept (default ``bench/out/stats-N.db``) for later runs. A
store of a multiple of 10,000 reports above 10,000 is the 10,000-report store copied with SQL
(:func:`replicate`: agencies renamed, ids shifted; cells and originals not copied).

Then every command is run as a separate process, from start to exit, in turn (A B C A B C …),
``--runs`` times after one warm-up round, and the script prints per command the median wall
time, its range, the median peak memory (maximum resident set) and the median of the per-round
ratios to the baseline:

* ``baseline``: ``python -c`` with ``sqlite3`` (or ``psycopg``): one SQL aggregate over the same
  rows (count and 17 sums per year over the current reports' figures), nothing of gongkai;
* ``gongkai --help``: the command line's start-up alone, the floor of every command;
* ``gongkai stats``, ``gongkai stats --by region,year --level 2``, ``gongkai stats --json
  --by agency``, ``gongkai chart trend -o x.png`` and ``gongkai chart agencies -o x.html``;
* with ``--old``: once, the path ``stats`` took before the figures were stored
  (``load_reports`` + ``compute_stats``, every report rebuilt from its cells).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIGURES = [
    "received",
    "carried_over",
    "processed",
    "granted",
    "partially_granted",
    "withheld",
    "unavailable",
    "rejected",
    "other",
    "carried_forward",
    "reconsideration",
    "litigation",
    "appeals_upheld",
    "appeals_corrected",
    "appeals_other",
    "appeals_pending",
    "appeals_concluded",
]
AGGREGATE = (
    "SELECT r.year, count(*), "
    + ", ".join(f"sum(f.{x})" for x in FIGURES)
    + " FROM reports r JOIN report_figures f ON f.report_id = r.id WHERE r.is_current GROUP BY r.year"
)


# --- the store -----------------------------------------------------------------------------


def fill_store(db_spec: str, n: int, seed: int = 0, batch: int = 500) -> int:
    """Write ``n`` generated reports into an empty store, as ingest writes them after parsing
    (without the cross-year checks). Returns the number written."""
    import sqlalchemy as sa

    from gongkai.analyse.sample import iter_synthetic_records
    from gongkai.store import open_db
    from gongkai.store import schema as s
    from gongkai.store.agencies import Directory, now
    from gongkai.store.figures import figures_row, insert_figures, refresh_figures
    from gongkai.store.ingest import insert_cells, prepare

    db = open_db(db_spec)
    written = 0
    start = time.perf_counter()
    records = iter_synthetic_records(n, seed=seed, p_unknown=0.05, p_error=0.1, p_corrected=0.0)
    insert_report = sa.insert(s.reports).returning(s.reports.c.id)
    try:
        with db.engine.connect() as conn:
            directory = Directory.load(conn)
            conn.commit()
            done = False
            while not done:
                with conn.begin():
                    for _ in range(batch):
                        rec = next(records, None)
                        if rec is None:
                            done = True
                            break
                        report = rec.report
                        report.findings = list(rec.findings)
                        data = report.to_json().encode()
                        report.source.sha256 = hashlib.sha256(data).hexdigest()
                        p = prepare(report, f"bench-{rec.report_id}.json", data)
                        assert p.doc is not None and p.cells is not None and p.findings is not None
                        agency_id = directory.resolve(conn, rec.agency)
                        rid = conn.execute(
                            insert_report,
                            {
                                "agency_id": agency_id,
                                "year": rec.year,
                                "edition": rec.edition,
                                "version": 1,
                                "is_current": True,
                                "source_name": p.doc["source"]["name"],
                                "source_format": "json",
                                "sha256": p.sha256,
                                "size": len(data),
                                "title": None,
                                "printed_agency": rec.agency,
                                "parsed": p.doc,
                                "ingested_at": now(),
                            },
                        ).scalar_one()
                        conn.execute(sa.insert(s.originals), {"report_id": rid, "data": data})
                        insert_cells(conn, rid, p.cells)
                        cells = {c[0]: (c[4], c[5]) for c in p.cells}
                        insert_figures(conn, figures_row(rid, rec.year, rec.edition, cells))
                        if p.findings:
                            conn.execute(sa.insert(s.findings), [{**f, "report_id": rid} for f in p.findings])
                        if rec.report_id % 50 == 7:  # 2% of the reports carry a correction
                            conn.execute(
                                sa.insert(s.corrections),
                                {
                                    "report_id": rid,
                                    "address": "requests.new_received.total",
                                    "old_value": cells["requests.new_received.total"][0],
                                    "new_value": str(rec.report_id),
                                    "who": "bench",
                                    "corrected_at": now(),
                                    "why": "bench",
                                },
                            )
                            refresh_figures(conn, rid)
                        written += 1
                if written and written % 10_000 < batch:
                    rate = written / (time.perf_counter() - start)
                    print(f"  stored {written}/{n} ({rate:.0f} reports/s)", flush=True)
    finally:
        db.close()
    return written


# table → (key columns shifted by the copy's offset, columns made unique by a suffix)
_COPIED = {
    "agencies": ({"id": "agencies"}, ("name",)),
    "reports": ({"id": "reports", "agency_id": "agencies"}, ("sha256",)),
    "report_figures": ({"report_id": "reports", "last_correction_id": "corrections"}, ()),
    "findings": ({"id": "findings", "report_id": "reports", "other_report_id": "reports"}, ()),
    "corrections": ({"id": "corrections", "report_id": "reports"}, ()),
}


def replicate(source: str, target: str, times: int) -> None:
    """A store ``times`` as large as ``source``: its agencies (renamed 名称（k）), reports,
    figures, findings and corrections copied with SQL, ids shifted. The cells, originals and
    aliases are not copied: statistics and exports read the figures (a copy's figures row is
    its own, never recomputed from cells it lacks, as its corrections match)."""
    import shutil
    import sqlite3

    tmp = f"{target}.{os.getpid()}.tmp"
    shutil.copyfile(source, tmp)
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    top = {
        t: con.execute(f"SELECT max(id) FROM {t}").fetchone()[0] or 0
        for t in ("agencies", "reports", "findings", "corrections")
    }
    for k in range(1, times):
        for table, (shift, unique) in _COPIED.items():
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            exprs = []
            for c in cols:
                if c in shift:
                    exprs.append(f"{c} + {k * top[shift[c]]}")
                elif c in unique:
                    exprs.append(f"{c} || '（{k + 1}）'")
                else:
                    exprs.append(c)
            key = "report_id" if table == "report_figures" else "id"
            con.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {table} "
                f"WHERE {key} <= {top['reports' if table == 'report_figures' else table]}"
            )
        con.commit()
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    os.replace(tmp, target)


def ensure_store(db_spec: str, n: int, seed: int) -> None:
    """A store of ``n`` reports at ``db_spec``: kept from an earlier run, or written. A file is
    written under a temporary name and renamed when complete, so that two benchmarks asking
    for the same store at once never see (or delete) a half-written one."""
    from gongkai.store.figures import load_figures

    if "://" in db_spec:
        fill_store(db_spec, n, seed)
        return
    if Path(db_spec).exists():
        have = len(load_figures(db_spec))
        if have == n:
            print(f"store: {db_spec} already holds {n} reports")
            return
        print(f"store: {db_spec} holds {have} reports, not {n}: writing it again")
    start = time.perf_counter()
    base = str(HERE / "out" / "stats-10000.db")
    if n > 10_000 and n % 10_000 == 0 and Path(base).exists() and len(load_figures(base)) == 10_000:
        replicate(base, db_spec, n // 10_000)
        print(
            f"store: {n} reports copied from {base} ({n // 10_000} times) in {time.perf_counter() - start:.0f} s"
        )
        return
    tmp = f"{db_spec}.{os.getpid()}.tmp"
    written = fill_store(tmp, n, seed)
    import sqlite3

    with sqlite3.connect(tmp) as con:  # one file: the WAL folded in before the rename
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
    for suffix in ("-wal", "-shm"):
        Path(db_spec + suffix).unlink(missing_ok=True)
    os.replace(tmp, db_spec)
    print(f"store: {written} reports written in {time.perf_counter() - start:.0f} s")


# --- timing commands -----------------------------------------------------------------------


LAST_CPU = float("nan")
TIME = "/usr/bin/time"  # GNU time: the peak memory of the command itself (wait4 in this
# process would count the memory of this process's fork before exec)


def run_once(argv: Sequence[str], cwd: str) -> tuple[float, float, int]:
    """Wall seconds, peak resident MiB and exit code of one process, start to exit (the CPU
    seconds, user + system, are in :data:`LAST_CPU`)."""
    global LAST_CPU
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = [TIME, "-f", "%U %S %M", "-o", rss.name, *argv] if Path(TIME).exists() else list(argv)
        start = time.perf_counter()
        proc = subprocess.run(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
        text = Path(rss.name).read_text().strip().splitlines()
    fields = text[-1].split() if text else []
    ok = len(fields) == 3 and fields[2].isdigit()
    peak = int(fields[2]) / 1024 if ok else float("nan")
    LAST_CPU = float(fields[0]) + float(fields[1]) if ok else float("nan")
    if proc.returncode != 0:
        print(
            f"  ! {' '.join(argv[:4])}… exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-300:]}"
        )
    return wall, peak, proc.returncode


def compare(commands: dict[str, list[str]], runs: int, cwd: str, baseline: str = "baseline") -> None:
    """Run the commands in turn, ``runs`` rounds after a warm-up round; print medians and ratios."""
    times: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    peaks: dict[str, list[float]] = {k: [] for k in commands}
    for round_ in range(runs + 1):
        for name, argv in commands.items():
            wall, peak, _ = run_once(argv, cwd)
            if round_:  # the first round warms the caches
                times[name].append(wall)
                cpus[name].append(LAST_CPU)
                peaks[name].append(peak)
    base = times[baseline]
    print(f"{'command':44}{'median s':>10}{'min–max s':>16}{'CPU s':>8}{'peak MiB':>10}{'x baseline':>12}")
    for name in commands:
        t = times[name]
        ratio = statistics.median(a / b for a, b in zip(t, base, strict=True))
        print(
            f"{name:44}{statistics.median(t):10.3f}{f'{min(t):.2f}–{max(t):.2f}':>16}"
            f"{statistics.median(cpus[name]):8.2f}{statistics.median(peaks[name]):10.0f}{ratio:12.1f}"
        )


def baseline_argv(db_spec: str) -> list[str]:
    if "://" in db_spec:
        url = "postgresql://" + db_spec.split("://", 1)[1]
        code = f"import psycopg\nc = psycopg.connect({url!r})\nprint(c.execute({AGGREGATE!r}).fetchall())\n"
    else:
        code = (
            f"import sqlite3\nc = sqlite3.connect({db_spec!r})\nprint(c.execute({AGGREGATE!r}).fetchall())\n"
        )
    return [sys.executable, "-c", code]


def old_path(db_spec: str) -> None:
    code = (
        "from gongkai.store.query import load_reports\n"
        "from gongkai.analyse.stats import compute_stats\n"
        f"compute_stats(load_reports({db_spec!r}), ())\n"
    )
    wall, peak, _ = run_once([sys.executable, "-c", code], os.getcwd())
    print(f"{'before the figures (load_reports + stats)':44}{wall:10.3f}{'(one run)':>16}{peak:10.0f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="reports in the store (default 10000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=5, help="timed rounds after one warm-up (default 5)")
    ap.add_argument("--db", default=None, help="the store (default bench/out/stats-N.db, kept)")
    ap.add_argument("--postgres", default=None, help="a server URL: a scratch database there instead")
    ap.add_argument("--old", action="store_true", help="also time the path before the figures, once")
    ap.add_argument("--no-charts", action="store_true", help="time stats only")
    args = ap.parse_args(argv)
    gongkai = str(Path(sys.executable).with_name("gongkai"))
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            from gongkai.store.db import scratch_database

            with scratch_database(args.postgres, "gongkai_bench_stats") as url:
                ensure_store(url, args.n, args.seed)
                bench(gongkai, url, tmp, args)
            return 0
        db_spec = args.db or str(HERE / "out" / f"stats-{args.n}.db")
        Path(db_spec).parent.mkdir(parents=True, exist_ok=True)
        ensure_store(db_spec, args.n, args.seed)
        bench(gongkai, db_spec, tmp, args)
    return 0


def bench(gongkai: str, db_spec: str, tmp: str, args: argparse.Namespace) -> None:
    commands: dict[str, list[str]] = {
        "baseline": baseline_argv(db_spec),
        "gongkai --help (start-up alone)": [gongkai, "--help"],
        "gongkai stats": [gongkai, "stats", "--db", db_spec],
        "gongkai stats --by region,year --level 2": [
            gongkai,
            "stats",
            "--by",
            "region,year",
            "--level",
            "2",
            "--db",
            db_spec,
        ],
        "gongkai stats --json --by agency": [gongkai, "stats", "--json", "--by", "agency", "--db", db_spec],
    }
    if not args.no_charts:
        commands["gongkai chart trend -o x.png"] = [gongkai, "chart", "trend", "-o", "x.png", "--db", db_spec]
        commands["gongkai chart agencies -o x.html"] = [
            gongkai,
            "chart",
            "agencies",
            "-o",
            "x.html",
            "--db",
            db_spec,
        ]
    print(f"{args.n} reports; {args.runs} rounds after a warm-up, commands in turn")
    env_cols = os.environ.setdefault("COLUMNS", "160")
    assert env_cols
    compare(commands, args.runs, tmp)
    if args.old:
        old_path(db_spec)


if __name__ == "__main__":
    sys.exit(main())
