"""Several ``ingest`` runs into one database at once (issue 11, item 1): every report stored
exactly once, agencies created once whatever the races, and a killed ingest leaves no worker
processes behind."""

# ruff: noqa: F811  (the fixtures db_url and pg_database come from test_store_support)

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from gongkai.store import open_db
from gongkai.store import schema as s
from gongkai.store.ingest import ingest
from gongkai.synth.case import make_case
from test_store_support import agency, db_url, pg_database, report_bytes, series_values  # noqa: F401

# One agency under several spellings (the get-or-create races on it) and a few others.
SPELLINGS = (
    "洪泽区人民政府",
    "淮安市洪泽区人民政府",
    "江苏省淮安市洪泽区人民政府",
    "洪泽区财政局",
    "淮安市洪泽区财政局",
)


def corpus(folder: Path) -> list[bytes]:
    """Files of many agencies and years, some agencies under several spellings."""
    files: list[bytes] = []
    values = series_values(range(2019, 2025), seed=11)
    for i, name in enumerate(SPELLINGS):
        for year in (2019 + i, 2020 + i):
            files.append(report_bytes(agency(name), year, values[year], seed=i))
    files += [make_case(7000 + i, "tab").data for i in range(15)]
    folder.mkdir()
    for i, data in enumerate(files):
        (folder / f"{i:03d}.txt").write_bytes(data)
    return files


def spread(src: Path, dest: Path, indexes: range, reverse: bool = False) -> Path:
    """A folder with some of the files, in another order (collect sorts by name)."""
    dest.mkdir()
    for i in indexes:
        name = f"{(999 - i) if reverse else i:03d}.txt"
        (dest / name).write_bytes((src / f"{i:03d}.txt").read_bytes())
    return dest


def ingest_process(folder: Path, db: str, jobs: int = 2, **kw: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gongkai.cli.store", "ingest", str(folder), "--db", db, "--jobs", str(jobs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        **kw,  # type: ignore[call-overload]
    )


def snapshot(db_spec: str) -> tuple[list[str], list[str], list[tuple[int, int, int]]]:
    """Every file's sha256 (a report, or a copy of one), the agencies, the current versions."""
    db = open_db(db_spec)
    r, a = s.reports.c, s.agencies.c
    with db.engine.connect() as conn:
        shas = list(conn.execute(sa.select(r.sha256)).scalars())
        shas += conn.execute(sa.select(s.report_copies.c.sha256)).scalars()
        names = sorted(conn.execute(sa.select(a.name)).scalars())
        current = conn.execute(
            sa.select(r.agency_id, r.year, sa.func.count()).where(r.is_current).group_by(r.agency_id, r.year)
        ).all()
    db.close()
    return shas, names, [tuple(x) for x in current]  # type: ignore[misc]


def snapshot_reports(db_spec: str) -> list[int]:
    db = open_db(db_spec)
    with db.engine.connect() as conn:
        ids = list(conn.execute(sa.select(s.reports.c.id)).scalars())
    db.close()
    return ids


def test_concurrent_ingests_store_every_report_once(db_url: str, tmp_path: Path) -> None:
    files = corpus(tmp_path / "all")
    n = len(files)
    folders = [
        spread(tmp_path / "all", tmp_path / "a", range(0, 18)),
        spread(tmp_path / "all", tmp_path / "b", range(10, n), reverse=True),
        spread(tmp_path / "all", tmp_path / "c", range(n)),
    ]
    procs = [ingest_process(f, db_url) for f in folders]  # a new database: they also race to create it
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode()

    shas, names, current = snapshot(db_url)
    assert len(shas) == len(set(shas)) == len(set(files))  # every report once, none lost
    assert all(count == 1 for _, _, count in current)  # one current version per agency and year

    alone = str(tmp_path / "alone.db")  # the same files by one ingest: the same agencies
    ingest(alone, [tmp_path / "all"], jobs=1)
    alone_shas, alone_names, _ = snapshot(alone)
    assert alone_names == names
    db = open_db(db_url)  # the same reports and the same copies (same values, another file)
    with db.engine.connect() as conn:
        copies = len(conn.execute(sa.select(s.report_copies.c.id)).all())
    db.close()
    assert sorted(alone_shas) == sorted(shas) and copies == len(files) - len(snapshot_reports(alone))
    assert len([x for x in names if "洪泽区" in x]) == 2  # the government and its finance bureau


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killed_ingest_leaves_no_workers(tmp_path: Path) -> None:
    if not Path("/proc/self/stat").exists():
        import pytest

        pytest.skip("needs /proc")
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(120):
        (folder / f"{i:04d}.txt").write_bytes(make_case(9000 + i, "tab").data)
    proc = ingest_process(folder, str(tmp_path / "k.db"), jobs=2)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers |= _children(proc.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the ingest did not start its workers"
    os.kill(proc.pid, signal.SIGKILL)  # the ingest only, not its process group
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [w for w in workers if _alive(w)]
    for w in left:  # do not leave them behind even when the test fails
        with contextlib.suppress(ProcessLookupError):
            os.kill(w, signal.SIGKILL)
    assert not left, f"worker processes outlived the killed ingest: {left}"


def test_a_stale_directory_is_detected_and_a_locked_one_wins(db_url: str) -> None:
    """Two writers hold the agencies in memory; the second to change them learns that its copy
    is stale instead of creating a second agency for a spelling the first just added."""
    import pytest

    from gongkai.store.agencies import Directory, StaleDirectory
    from gongkai.store.db import write_transaction

    db = open_db(db_url)
    with db.engine.connect() as conn:
        first, second = Directory.load(conn), Directory.load(conn)
    with write_transaction(db.engine) as conn:
        a = first.resolve(conn, "洪泽区人民政府")
    with pytest.raises(StaleDirectory), write_transaction(db.engine) as conn:
        second.resolve(conn, "淮安市洪泽区人民政府")  # would be a second agency from a stale copy
    with write_transaction(db.engine) as conn:
        second.lock(conn)
        assert second.resolve(conn, "淮安市洪泽区人民政府") == a
    with write_transaction(db.engine) as conn:
        first.sync(conn)  # sees the other writer's change and reloads
        assert first.find("淮安市洪泽区人民政府") == a and first.version == second.version
    db.close()
