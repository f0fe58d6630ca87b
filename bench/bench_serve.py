"""Page times of the web application on a large store, as ratios to a bare query of the same rows.

    python bench/bench_serve.py [--n 10000] [--runs 7] [--db bench/out/serve-10000.db]

The store of ``--n`` generated reports is the one ``bench_stats.py`` writes (agencies in a
three-level region hierarchy, five years, both editions, error findings, corrections), copied
for this benchmark (default ``bench/out/serve-N.db``, kept for later runs) and given what the
pages need: an administrator, a reviewer scoped to the largest top-level region, and, for the
reviewed year, one submitted filing per agency of that region (the review queue and the
dashboard's status table read them).

Then, in this process, through the ASGI test client (routing, session, scope, templates: all
but the socket), each page is requested ``--runs`` times after one warm-up request, alternating
with its baseline; the script prints the median and range in milliseconds and the median of
the per-round ratios:

* ``dashboard``: ``GET /dashboard?year=Y`` as the reviewer (submissions, lateness, counts,
  indicators over all years with charts, repeated prose). Baseline: one SQL query of the rows it
  shows: the figures of every current report of the agencies in scope, joined to the reports.
  The figures in scope and their indicators per year are kept until a report or a correction
  is stored; ``dashboard (cold)`` times the request that recomputes them.
* ``review page``: ``GET /review/{id}`` of one filing (the three tables with statuses, findings
  with fingerprints and decisions, source view, cross-year view, history). Baseline: one query
  of that report's cell rows and one of its findings.
* ``dashboard (admin)``: the same page for an administrator, whose scope is the whole store.

The aim is under 200 ms a page on this machine. Numbers depend on the machine and its load
(printed); no test asserts on them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
warnings.filterwarnings("ignore", message=".*httpx.*")

PASSWORD = "bench-password-1"


def prepare(db_path: Path, n: int, seed: int) -> tuple[int, int, list[int]]:
    """Store, accounts and filings; (year, reviewer region id, filing ids)."""
    import sqlalchemy as sa
    from bench_stats import ensure_store

    from gongkai.serve import accounts
    from gongkai.serve import tables as t
    from gongkai.store import open_db
    from gongkai.store import schema as s
    from gongkai.store.agencies import now
    from gongkai.store.query import parsed_json

    if not db_path.exists():
        source = HERE / "out" / f"stats-{n}.db"
        ensure_store(str(source), n, seed)
        sqlite3.connect(source).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        shutil.copyfile(source, db_path)
    db = open_db(db_path)
    try:
        with db.engine.connect() as conn:
            year = conn.execute(sa.select(sa.func.max(s.reports.c.year))).scalar_one()
            r, a = s.regions.c, s.agencies.c
            tops = conn.execute(sa.select(r.id, r.name).where(r.parent_id.is_(None)).order_by(r.id)).all()
        from gongkai.serve.auth import region_subtree

        with db.engine.connect() as conn:
            sizes = []
            for rid, name in tops:
                sub = region_subtree(conn, rid)
                count = conn.execute(
                    sa.select(sa.func.count()).select_from(s.agencies).where(a.region_id.in_(sorted(sub)))
                ).scalar_one()
                sizes.append((count, rid, name))
        _, region_id, region_name = max(sizes)
        if accounts.find_user(db, "bench_admin") is None:
            accounts.create_user(db, "bench_admin", "admin", password=PASSWORD)
            accounts.create_user(db, "bench_reviewer", "reviewer", password=PASSWORD, region=region_name)
            with db.engine.begin() as conn:
                sub = region_subtree(conn, region_id)
                rows = conn.execute(
                    sa.select(s.reports.c.id, s.reports.c.agency_id)
                    .join(s.agencies, a.id == s.reports.c.agency_id)
                    .where(s.reports.c.is_current, s.reports.c.year == year, a.region_id.in_(sorted(sub)))
                ).all()
                stamp = now()
                conn.execute(
                    sa.insert(t.filings),
                    [
                        {
                            "agency_id": x.agency_id,
                            "year": year,
                            "state": "submitted",
                            "draft": parsed_json(db, x.id),  # the report JSON, as a filing keeps it
                            "report_id": x.id,
                            "submissions": 1,
                            "created_at": stamp,
                            "updated_at": stamp,
                            "submitted_at": stamp,
                        }
                        for x in rows
                    ],
                )
        with db.engine.connect() as conn:
            fids = conn.execute(sa.select(t.filings.c.id).order_by(t.filings.c.id)).scalars().all()
        return int(year), region_id, list(fids)
    finally:
        db.close()


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds (CPU of this process, the server's threads included: steadier
    than wall time on a loaded machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def compare(name: str, page: Callable[[], object], base: Callable[[], object], runs: int) -> None:
    page()
    base()  # warm-up: caches, templates, the SQLite page cache
    pages, cpus, bases, ratios = [], [], [], []
    for _ in range(runs):
        (p, pc), (b, _) = timed(page), timed(base)
        pages.append(p)
        cpus.append(pc)
        bases.append(b)
        ratios.append(p / b if b else float("inf"))
    med = statistics.median(pages)
    print(
        f"{name:<20} {med:8.1f} ms  ({min(pages):.1f}–{max(pages):.1f}, CPU {statistics.median(cpus):.1f})   "
        f"baseline {statistics.median(bases):6.1f} ms   ratio {statistics.median(ratios):6.1f}x   "
        f"{'under' if med < 200 else 'OVER'} 200 ms"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", default=None)
    args = ap.parse_args(argv)
    db_path = Path(args.db or HERE / "out" / f"serve-{args.n}.db")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    year, region_id, fids = prepare(db_path, args.n, args.seed)

    import re

    from fastapi.testclient import TestClient

    from gongkai.serve.app import create_app
    from gongkai.store import open_db

    db = open_db(db_path)
    app = create_app(db, login_limit=1000)

    def client(user: str) -> TestClient:
        c = TestClient(app, follow_redirects=False)
        page = c.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        r = c.post("/login", data={"username": user, "password": PASSWORD, "csrf": csrf})
        assert r.status_code == 303, r.text[:300]
        return c

    reviewer, admin = client("bench_reviewer"), client("bench_admin")
    con = sqlite3.connect(db_path)
    with db.engine.connect() as conn:
        import sqlalchemy as sa

        from gongkai.serve.auth import region_subtree

        sub = sorted(region_subtree(conn, region_id))
        n_reports = conn.execute(sa.text("SELECT count(*) FROM reports")).scalar_one()
    marks = ",".join("?" * len(sub))
    figures_sql = (
        "SELECT r.id, r.agency_id, r.year, f.* FROM reports r JOIN report_figures f ON f.report_id = r.id "
        "JOIN agencies a ON a.id = r.agency_id WHERE r.is_current"
    )
    fid = fids[len(fids) // 2]
    rid = con.execute("SELECT report_id FROM filings WHERE id = ?", (fid,)).fetchone()[0]

    def check(c: TestClient, url: str) -> Callable[[], object]:
        def get() -> object:
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code, r.text[:300])
            return r

        return get

    print(
        f"store: {n_reports} reports; reviewer scope: {len(sub)} regions, {len(fids)} filings of {year}; "
        f"{args.runs} rounds after one warm-up"
    )
    compare(
        "dashboard",
        check(reviewer, f"/dashboard?year={year}"),
        lambda: con.execute(figures_sql + f" AND a.region_id IN ({marks})", sub).fetchall(),
        args.runs,
    )
    from gongkai.serve import oversight as ov

    def cold() -> object:  # as after a new report or correction: figures and indicators recomputed
        ov._FIGURES_CACHE.clear()
        return check(reviewer, f"/dashboard?year={year}")()

    compare(
        "dashboard (cold)",
        cold,
        lambda: con.execute(figures_sql + f" AND a.region_id IN ({marks})", sub).fetchall(),
        args.runs,
    )
    compare(
        "review page",
        check(reviewer, f"/review/{fid}"),
        lambda: (
            con.execute("SELECT * FROM cells WHERE report_id = ?", (rid,)).fetchall(),
            con.execute("SELECT * FROM findings WHERE report_id = ?", (rid,)).fetchall(),
        ),
        args.runs,
    )
    compare(
        "review queue",
        check(reviewer, "/review"),
        lambda: con.execute("SELECT * FROM filings").fetchall(),
        args.runs,
    )
    compare(
        "dashboard (admin)",
        check(admin, f"/dashboard?year={year}"),
        lambda: con.execute(figures_sql).fetchall(),
        args.runs,
    )
    con.close()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
