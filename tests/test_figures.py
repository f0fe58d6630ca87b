"""Figures stored for analysis (gongkai.store.figures): the fast path gives exactly the numbers
of the old path (every report rebuilt from its cells), at ingest, after corrections, after a
rebuild, and when a writer forgot to refresh a row.

# ruff: noqa: F811  (the fixture pg_database comes from test_store_support)
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gongkai.analyse.export import export_records
from gongkai.analyse.frame import long_frame, wide_frame
from gongkai.analyse.sample import synthetic_records
from gongkai.analyse.stats import compute_stats
from gongkai.store import open_db
from gongkai.store.corrections import correct
from gongkai.store.figures import FIGURES, figure_addresses, load_figures, rebuild
from gongkai.store.ingest import Writer, prepare
from gongkai.store.query import load_reports
from gongkai.store.revisions import script_head
from test_store_support import empty_pg, pg_database  # noqa: F401

GROUPINGS: list[tuple[tuple[Any, ...], int]] = [
    ((), 1),
    (("year",), 1),
    (("region",), 2),
    (("region", "year"), 1),
    (("agency",), 1),
    (("region", "agency", "year"), 3),
]
FIXES = [
    (3, "requests.granted.total", "7"),
    (3, "requests.granted.total", "9"),  # corrected twice: the last one is in force
    (8, "requests.new_received.total", "70000"),
    (12, "appeals.reconsideration.corrected", "2"),
    (14, "active_disclosure.fees.amount", "12.5"),
]


def fill(db_spec: str, n: int, seed: int = 3) -> None:
    """``n`` generated reports through the store's writer (as ingest writes them), with
    unknown cells and error findings, then a few corrections."""
    recs = synthetic_records(n, seed=seed, p_unknown=0.25, p_error=0.25, p_corrected=0)
    db = open_db(db_spec)
    try:
        writer = Writer(db)
        for rec in recs:
            report = rec.report.model_copy(deep=True)
            report.findings = list(rec.findings)
            data = report.to_json().encode()
            report.source.sha256 = hashlib.sha256(data).hexdigest()
            writer.write(prepare(report, f"r-{rec.report_id}.json", data))
        for rid, address, value in FIXES:
            try:
                correct(db, rid, address, value, reason="核对原件", by="测试")
            except Exception as e:  # an address the report's edition lacks: not this test's point
                assert "不是" in str(e) or "无需更正" in str(e), e
    finally:
        db.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("figures") / "gongkai.db"
    fill(str(path), 45)
    return str(path)


def both_paths(db: str, **filters: Any) -> tuple[list[Any], list[Any]]:
    return load_reports(db, **filters), load_figures(db, **filters)


def assert_same_stats(db: str, **filters: Any) -> None:
    old, new = both_paths(db, **filters)
    assert [r.report_id for r in old] == [r.report_id for r in new]
    for by, level in GROUPINGS:
        a = compute_stats(old, by, level=level).to_json()
        b = compute_stats(new, by, level=level).to_json()
        assert a == b, (by, level)


def test_fast_path_equals_the_old_path(store: str) -> None:
    assert_same_stats(store)
    assert_same_stats(store, year=[2021, 2022])
    rows = load_figures(store)
    assert_same_stats(store, agency=rows[5].agency)
    placed = next((r for r in rows if r.region_path), None)  # agencies the divisions data places
    if placed is not None:
        assert_same_stats(store, region=placed.region_path[0])
    assert load_figures(store, agency="没有这个机关") == []


def test_figures_are_integers_and_corrections_apply(store: str) -> None:
    rows = {r.report_id: r for r in load_figures(store, cells=True)}
    for row in rows.values():
        assert all(v is None or type(v) is int for v in row.figures)
    assert rows[3].figures[FIGURES.index("granted")] == 9
    assert rows[8].figures[FIGURES.index("received")] == 70000
    assert "requests.granted.total" in rows[3].corrected
    # a figure is unknown exactly when one of its cells is
    for row in rows.values():
        values = dict(zip(_addresses(row.edition), row.values(), strict=True))
        for name, cells in figure_addresses(row.edition).items():
            parts = [values.get(a) for a in cells]
            want = None if None in parts else sum(parts)  # type: ignore[arg-type]
            assert row.figures[FIGURES.index(name)] == want


def _addresses(edition_key: str) -> tuple[str, ...]:
    from gongkai.store.figures import addresses

    return addresses(edition_key)


def test_exports_equal_the_old_path(store: str, tmp_path: Path) -> None:
    old, new = load_reports(store), load_figures(store, cells=True, findings=True)
    for headers in ("key", "zh"):
        a, b = wide_frame(old, headers=headers), wide_frame(new, headers=headers)  # type: ignore[arg-type]
        assert a.rows == b.rows and a.highlight == b.highlight
        a, b = long_frame(old, headers), long_frame(new, headers)  # type: ignore[arg-type]
        assert a.rows == b.rows
    for fmt in ("csv", "json"):
        export_records(old, tmp_path / f"a.{fmt}", fmt)  # type: ignore[arg-type]
        export_records(new, tmp_path / f"b.{fmt}", fmt)  # type: ignore[arg-type]
        a_text = (tmp_path / f"a.{fmt}").read_text(encoding="utf-8")
        b_text = (tmp_path / f"b.{fmt}").read_text(encoding="utf-8")
        if fmt == "json":  # the generation time differs by the seconds between the two
            a_doc, b_doc = json.loads(a_text), json.loads(b_text)
            a_doc.pop("generated_at"), b_doc.pop("generated_at")
            assert a_doc == b_doc
        else:
            assert a_text == b_text


def test_rebuild_gives_the_same_rows(store: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(store, copy)
    before = _figure_rows(copy)
    assert rebuild(str(copy)) == len(before)
    assert _figure_rows(copy) == before


def _figure_rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM report_figures ORDER BY report_id").fetchall()


def test_a_row_not_refreshed_is_never_stated(store: str, tmp_path: Path) -> None:
    """A correction written without refresh_figures, and a report without a row: the reader
    recomputes them from the cells."""
    copy = tmp_path / "stale.db"
    shutil.copy(store, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute(
            "INSERT INTO corrections (report_id, address, old_value, new_value, who, corrected_at, why) "
            "VALUES (20, 'requests.new_received.total', NULL, '123456', 't', '2026-01-01', 'x')"
        )
        conn.execute("DELETE FROM report_figures WHERE report_id = 21")
    rows = {r.report_id: r for r in load_figures(str(copy))}
    assert rows[20].figures[FIGURES.index("received")] == 123456
    assert 21 in rows
    assert_same_stats(str(copy))


def test_views_for_sql_tools(store: str) -> None:
    with sqlite3.connect(store) as conn:
        n, received = conn.execute("SELECT count(*), sum(received) FROM v_reports").fetchone()
        rows = load_figures(store)
        assert n == len(rows)
        assert received == sum(r.figures[0] for r in rows if r.figures[0] is not None)
        value, status, corrected = conn.execute(
            "SELECT value, status, corrected FROM v_cells WHERE report_id = 3 AND address = 'requests.granted.total'"
        ).fetchone()
        assert (value, status, corrected) == ("9", "read", 1)
        cells = conn.execute("SELECT count(*) FROM v_cells").fetchone()[0]
        assert (
            cells
            == conn.execute(
                "SELECT count(*) FROM cells JOIN reports ON reports.id = cells.report_id WHERE is_current"
            ).fetchone()[0]
        )


def test_opening_a_current_store_loads_no_migration_machinery(store: str) -> None:
    from gongkai.store.db import head_revision

    assert script_head() == head_revision()
    code = (
        "import sys\n"
        "from gongkai.store import open_db\n"
        "from gongkai.store.figures import load_figures\n"
        f"open_db({store!r}).close()\n"
        f"assert load_figures({store!r})\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # open_db: the engine, never alembic
    code = f"import sys\nfrom gongkai.store.figures import load_figures\nassert load_figures({store!r})\n"
    code += "print(sorted(m for m in ('alembic', 'sqlalchemy', 'pydantic') if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"  # the commands' read path: the driver alone


def test_figures_rebuild_command(store: str, tmp_path: Path) -> None:
    from gongkai.cli.main import app

    copy = tmp_path / "cli.db"
    shutil.copy(store, copy)
    runner = CliRunner()
    result = runner.invoke(app, ["figures", "rebuild", "--db", str(copy)])
    assert result.exit_code == 0, result.output
    assert "已重新计算" in result.stderr
    result = runner.invoke(app, ["stats", "--json", "--by", "year", "--db", str(copy)])
    assert result.exit_code == 0, result.output
    want = compute_stats(load_reports(str(copy)), ("year",)).to_json()
    got = json.loads(result.stdout)
    assert got["groups"] == want["groups"] and got["overall"] == want["overall"]
    missing = runner.invoke(app, ["figures", "rebuild", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and not (tmp_path / "none.db").exists()


def test_postgresql(pg_database: str) -> None:  # noqa: F811
    url = empty_pg(pg_database)
    fill(url, 20, seed=5)
    assert_same_stats(url)
    assert_same_stats(url, year=2022)
    old = load_reports(url)
    new = load_figures(url, cells=True, findings=True)
    assert wide_frame(old).rows == wide_frame(new).rows  # type: ignore[arg-type]
    assert rebuild(url) == len(load_reports(url, current_only=False))
    assert_same_stats(url)
    db = open_db(url)
    with db.engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM v_reports").scalar()
        v = conn.exec_driver_sql("SELECT count(*) FROM v_cells WHERE corrected = 1").scalar()
    db.close()
    assert n == len(new) and v >= 1


def test_parquet_straight_from_the_stored_values(store: str, tmp_path: Path) -> None:
    """The columnar Parquet path gives the table the row-by-row path gives, column for column."""
    import pyarrow.parquet as pq

    from gongkai.analyse import columnar
    from gongkai.analyse.export import ExportInfo, _arrow_type, arrow_table

    rows = load_figures(store, cells=True)
    info = ExportInfo(filters={"year": None})
    for headers in ("key", "zh"):
        arrays, fr = columnar.wide_table(rows, headers, _arrow_type)  # type: ignore[arg-type]
        fast = arrow_table(fr, headers, info, arrays)  # type: ignore[arg-type]
        slow = arrow_table(wide_frame(rows, headers=headers), headers, info)  # type: ignore[arg-type]
        assert fast.equals(slow, check_metadata=True), headers
    out = tmp_path / "x.parquet"
    fr = export_records(rows, out, "parquet", info=info)
    assert fr.row_count == len(rows) and not fr.rows
    assert pq.read_table(out).equals(arrow_table(wide_frame(rows), "key", info))


def test_a_store_from_before_the_figures_gets_them(store: str, tmp_path: Path) -> None:
    """Migration 0003 computes the figures of the reports already stored; the read path runs it."""
    from alembic import command

    from gongkai.store.db import alembic_config

    copy = tmp_path / "old.db"
    shutil.copy(store, copy)
    db = open_db(str(copy))
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    db.close()
    with sqlite3.connect(copy) as conn:
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'report_figures'").fetchall()
    assert len(load_figures(str(copy))) == len(load_figures(store))  # migrated on the way
    assert _figure_rows(copy) == _figure_rows(Path(store))
    assert_same_stats(str(copy))
