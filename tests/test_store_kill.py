"""Killing ``ingest`` with SIGKILL at random moments loses nothing already stored and leaves no
half-written report; running it again completes the corpus."""

# ruff: noqa: F811  (the fixtures db_url, sqlite_url and pg_database come from test_store_support)

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from gongkai.model.keys import edition
from gongkai.store import open_db
from gongkai.store import schema as s
from gongkai.synth.case import make_case
from test_store_support import db_url, pg_database  # noqa: F401

N_FILES = 150
KILLS = 4


def ingest_process(folder: Path, db: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "gongkai.cli.store", "ingest", str(folder), "--db", db, "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # its own process group: the kill reaches the parser processes too
    )


def check_integrity(db_spec: str) -> int:
    """Every stored report is whole; returns how many there are."""
    db = open_db(db_spec)
    r, c, o = s.reports.c, s.cells.c, s.originals.c
    with db.engine.connect() as conn:
        reports = conn.execute(
            sa.select(r.id, r.edition, r.agency_id, r.year, r.is_current, r.sha256, r.size)
        ).all()
        cells = dict(conn.execute(sa.select(c.report_id, sa.func.count()).group_by(c.report_id)).all())
        sizes = dict(conn.execute(sa.select(o.report_id, sa.func.length(o.data))).all())
        current = conn.execute(
            sa.select(r.agency_id, r.year, sa.func.count()).where(r.is_current).group_by(r.agency_id, r.year)
        ).all()
        years = conn.execute(sa.select(r.agency_id, r.year).distinct()).all()
        if db.dialect == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    db.close()
    for rep in reports:
        assert cells.get(rep.id) == len(edition(rep.edition).addresses), f"report {rep.id} is not whole"
        assert sizes.get(rep.id) == rep.size
    assert all(n == 1 for _, _, n in current) and len(current) == len(years)
    return len(reports)


def stored(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(s.reports)).scalar_one())


def kill(proc: subprocess.Popen[bytes]) -> bool:
    """SIGKILL the ingest and its parser processes; True when it was still running."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    return proc.wait(timeout=30) == -signal.SIGKILL


def test_kill_and_rerun(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(N_FILES):
        (folder / f"{i:04d}.txt").write_bytes(make_case(5000 + i, "tab").data)
    expected = len({(folder / f"{i:04d}.txt").read_bytes() for i in range(N_FILES)})
    rng = random.Random(20251122)
    watch = open_db(db_url).engine  # creates the schema, so that counting works from the start
    counts: list[int] = []
    interrupted = 0

    # A kill at a random moment early on (starting, parsing, the first writes) ...
    proc = ingest_process(folder, db_url)
    time.sleep(rng.uniform(0.2, 1.5))
    interrupted += kill(proc)
    counts.append(check_integrity(db_url))
    # ... and kills in the middle of the writes: when the count reaches a random target.
    for target in sorted(rng.sample(range(counts[-1] + 1, expected - 5), KILLS - 1)):
        proc = ingest_process(folder, db_url)
        deadline = time.monotonic() + 60
        while proc.poll() is None and stored(watch) < target and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.02))  # land anywhere inside a transaction
        interrupted += kill(proc)
        counts.append(check_integrity(db_url))
    watch.dispose()
    assert interrupted >= KILLS - 1, "the kills did not land while ingest was running"
    assert counts == sorted(counts), f"a kill lost reports that were stored: {counts}"
    assert counts[-1] < expected, counts

    final = ingest_process(folder, db_url)
    assert final.wait(timeout=120) == 0
    assert check_integrity(db_url) == expected
    again = ingest_process(folder, db_url)  # nothing left to do
    assert again.wait(timeout=120) == 0
    assert check_integrity(db_url) == expected
