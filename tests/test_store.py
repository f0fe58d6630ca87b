"""The store: opening, ingest (idempotent, versions, refusals), round trips, corrections, queries,
and the database commands (through a typer app of their own, as ``gongkai.cli.main`` wires them)."""

# ruff: noqa: F811  (the fixtures db_url, sqlite_url and pg_database come from test_store_support)

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from gongkai.api import parse_bytes
from gongkai.cli.store import register
from gongkai.model.keys import edition
from gongkai.model.report import Report
from gongkai.store import StoreError, database_url, open_db
from gongkai.store import schema as s
from gongkai.store.corrections import correct
from gongkai.store.ingest import collect, ingest
from gongkai.store.query import load_reports, original_bytes, parsed_json, report_detail
from gongkai.synth.case import make_case
from test_store_support import agency, db_url, pg_database, report_bytes, series_values, sqlite_url  # noqa: F401


def write_cases(folder: Path, seeds: range, layout: str = "tab") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in seeds:
        p = folder / f"r{i:04d}.txt"
        p.write_bytes(make_case(i, layout).data)
        paths.append(p)
    return paths


def count(db_spec: str, table: sa.Table) -> int:
    db = open_db(db_spec)
    with db.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    db.close()
    return int(n)


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli(), list(args), env={"COLUMNS": "200"})
    return res.exit_code, res.output


# --- opening -------------------------------------------------------------------------------


def test_database_url_forms(tmp_path: Path) -> None:
    assert database_url("postgresql://u:p@h/d") == "postgresql+psycopg://u:p@h/d"
    assert database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url(None).endswith("/gongkai.db")


def test_sqlite_is_wal_with_foreign_keys(sqlite_url: str) -> None:
    db = open_db(sqlite_url)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.close()
    assert Path(sqlite_url).is_file()


def test_open_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="目录不存在"):
        open_db(tmp_path / "no" / "such" / "g.db")


# --- ingest --------------------------------------------------------------------------------


def test_ingest_is_idempotent_and_keeps_versions(db_url: str, tmp_path: Path) -> None:
    paths = write_cases(tmp_path / "in", range(12))
    first = ingest(db_url, [tmp_path / "in"], jobs=2)
    assert len(first.added) == 12 and first.versions == 0 and not first.refused and first.exit_code == 0
    again = ingest(db_url, [tmp_path / "in", paths[0]], jobs=2)
    assert not again.added and len(again.duplicates) == 12  # paths[0] twice counts once
    assert count(db_url, s.reports) == 12
    assert count(db_url, s.cells) == sum(
        len(edition(parse_bytes(p.read_bytes()).meta.edition).addresses) for p in paths
    )

    # Other bytes, the same values: the same report in another file, not a new version.
    same = tmp_path / "same.txt"
    same.write_bytes(paths[3].read_bytes() + "\n（更新版）\n".encode())
    assert len(ingest(db_url, [same], jobs=1).copies) == 1
    # The same agency and year with another value: a second version, current from now on.
    from gongkai.write import write_report

    rep = parse_bytes(paths[3].read_bytes())
    row = rep.tables["requests"]["new_received"]
    row["natural_person"] = row["natural_person"].model_copy(
        update={"value": row["natural_person"].value + 1}
    )
    v2 = tmp_path / "v2.html"
    v2.write_bytes(write_report(rep, "html"))
    third = ingest(db_url, [v2], jobs=1)
    assert len(third.added) == 1 and third.versions == 1
    old_id = parsed_id(db_url, paths[3])
    new_id = third.added[0]
    current = {r.report_id: r for r in load_reports(db_url)}
    assert new_id in current and old_id not in current and current[new_id].version == 2
    every = {r.report_id: r for r in load_reports(db_url, current_only=False)}
    assert old_id in every and every[old_id].version == 1 and len(every) == 13


def parsed_id(db_spec: str, path: Path) -> int:
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    db = open_db(db_spec)
    with db.engine.connect() as conn:
        rid = conn.execute(sa.select(s.reports.c.id).where(s.reports.c.sha256 == sha)).scalar_one()
    db.close()
    return int(rid)


def test_parsed_json_and_original_round_trip(db_url: str, tmp_path: Path) -> None:
    paths = write_cases(tmp_path / "in", range(100, 106), layout="wrapped")
    ingest(db_url, paths, jobs=1)
    for p in paths:
        rid = parsed_id(db_url, p)
        assert original_bytes(db_url, rid) == p.read_bytes()
        assert parsed_json(db_url, rid) == parse_bytes(p.read_bytes(), p.name).to_json_dict()


def test_records_carry_cells_findings_and_regions(db_url: str, tmp_path: Path) -> None:
    data = report_bytes(agency("江苏省淮安市洪泽区人民政府办公室"), 2023, series_values([2023], 5)[2023], 5)
    (tmp_path / "a.txt").write_bytes(data)
    ingest(db_url, [tmp_path / "a.txt"], jobs=1)
    [rec] = load_reports(db_url)
    assert rec.agency == "江苏省淮安市洪泽区人民政府办公室"
    assert rec.region_path == ("江苏省", "淮安市", "洪泽区") and rec.region == "江苏省淮安市洪泽区"
    assert rec.year == 2023 and rec.edition == "2021" and rec.version == 1 and not rec.corrected
    assert rec.report.values() == parse_bytes(data).values()
    assert [f.rule for f in rec.findings] == [f.rule for f in parse_bytes(data).findings]
    assert load_reports(db_url, region="淮安市") and load_reports(db_url, region="江苏省")
    assert load_reports(db_url, region="洪泽区") and not load_reports(db_url, region="清河县")
    assert load_reports(db_url, agency="洪泽区政府办") and not load_reports(db_url, agency="某某局")
    assert load_reports(db_url, year=2023) and not load_reports(db_url, year=[2019, 2020])
    assert load_reports(db_url, agency=rec.agency_id)


def test_refused_files_are_listed_and_exit_non_zero(sqlite_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_cases(folder, range(2))
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "note.txt").write_text("今天天气很好。", encoding="utf-8")
    (folder / ".hidden.txt").write_text("ignored", encoding="utf-8")
    code, out = run("ingest", str(folder), str(tmp_path / "absent.txt"), "--db", sqlite_url, "--jobs", "2")
    assert code == 2, out
    assert "新增报告 2 份" in out and "无法入库 3 个文件" in out
    assert "picture.png" in out and "note.txt" in out and "absent.txt：文件不存在" in out
    assert ".hidden" not in out
    code, out = run("ingest", str(folder / "r0000.txt"), "--db", sqlite_url)
    assert code == 0 and "已在库中、跳过 1 份" in out


def test_agency_and_year_can_be_given(sqlite_url: str, tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(make_case(7, "tab").data)
    summary = ingest(sqlite_url, [p], jobs=1, agency="清河县教育局", year=2022)
    assert len(summary.added) == 1
    [rec] = load_reports(sqlite_url, agency="清河县教育局")
    assert rec.year == 2022 and rec.report.meta.agency == "清河县教育局"


def test_reports_without_agency_or_year_are_refused(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gongkai.api
    from gongkai.read.assets import Assets

    real = gongkai.api.read_bytes

    def anonymous(data: bytes, name: str = "-", assets: Assets | None = None) -> Report:
        report = real(data, name, assets)
        report.meta.agency = None
        return report

    monkeypatch.setattr(gongkai.api, "read_bytes", anonymous)
    p = tmp_path / "a.txt"
    p.write_bytes(make_case(8, "tab").data)
    summary = ingest(sqlite_url, [p], jobs=1)
    assert not summary.added and summary.exit_code == 2
    assert "--agency" in summary.refused[0][1]


def test_collect_walks_folders_and_skips_the_database(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("x")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "y.txt").write_text("y")
    (tmp_path / "a" / "g.db").write_text("")
    files, refused = collect([tmp_path / "a", tmp_path / "nope"], exclude=[tmp_path / "a" / "g.db"])
    assert files == [str(tmp_path / "a" / "b" / "x.txt")]
    assert refused == [(str(tmp_path / "nope"), "文件不存在。")]


# --- corrections ---------------------------------------------------------------------------


def test_correct_keeps_the_parsed_value_and_checks_again(db_url: str, tmp_path: Path) -> None:
    values = series_values([2023], 11)[2023]
    data = report_bytes(agency("清河县生态环境局", "清河县"), 2023, values, 11)
    (tmp_path / "a.txt").write_bytes(data)
    [rid] = ingest(db_url, [tmp_path / "a.txt"], jobs=1).added
    address = "requests.granted.natural_person"
    parsed = int(values[address])
    rules_before = {f.rule for f in load_reports(db_url)[0].findings}
    assert "requests.row_total" not in rules_before

    res = correct(db_url, "清河县生态环境局:2023", address, str(parsed + 1), reason="核对原件", by="张三")
    assert res.report_id == rid and res.old_value == str(parsed) and res.new_value == str(parsed + 1)
    [rec] = load_reports(db_url)
    assert rec.corrected == frozenset({address})
    assert rec.report.cell(address).value == parsed + 1
    assert {"requests.row_total", "requests.outcomes_total"} <= {f.rule for f in rec.findings}
    assert parsed_json(db_url, rid)["tables"]["requests"]["granted"]["natural_person"]["value"] == parsed

    detail = report_detail(db_url, rid)
    line = next(c for c in detail.cells if c.address == address)
    assert (line.parsed, line.corrected, line.who, line.why) == (
        str(parsed),
        str(parsed + 1),
        "张三",
        "核对原件",
    )

    code, out = run("show", str(rid), "--db", db_url)
    assert code == 0 and "核对原件" in out and "张三" in out and "requests.row_total" in out
    code, out = run("show", str(rid), "--db", db_url, "--corrected")
    assert code == 0 and address in out and "requests.new_received.total" not in out

    code, out = run(
        "correct", str(rid), address, str(parsed), "--reason", "原件无误", "--by", "李四", "--db", db_url
    )
    assert code == 0, out
    [rec] = load_reports(db_url)
    assert rec.report.cell(address).value == parsed
    assert {f.rule for f in rec.findings} == rules_before
    assert count(db_url, s.corrections) == 2


@pytest.mark.parametrize(
    ("cell", "value", "reason", "message"),
    [
        ("requests.nonsense.total", "1", "r", "不是2021年版报告的单元格地址"),
        ("requests.granted.total", "abc", "r", "不是数字"),
        ("requests.granted.total", "1.5", "r", "应为整数"),
        ("requests.granted.total", "-1", "r", "不能为负数"),
        ("requests.granted.total", "1", "", "--reason"),
    ],
)
def test_correct_refuses_bad_input(
    sqlite_url: str, tmp_path: Path, cell: str, value: str, reason: str, message: str
) -> None:
    (tmp_path / "a.txt").write_bytes(make_case(3, "tab", edition="2021").data)
    [rid] = ingest(sqlite_url, [tmp_path / "a.txt"], jobs=1).added
    code, out = run("correct", "--reason", reason, "--db", sqlite_url, "--", str(rid), cell, value)
    assert code == 2 and message in out, out
    assert count(sqlite_url, s.corrections) == 0


def test_reports_are_found_by_id_or_agency_and_year(sqlite_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(make_case(3, "tab").data)
    [rid] = ingest(sqlite_url, [tmp_path / "a.txt"], jobs=1).added
    rec = load_reports(sqlite_url)[0]
    for spec in (
        str(rid),
        f"#{rid}",
        f"{rec.agency}:{rec.year}",
        f"{rec.agency} {rec.year}",
        f"{rec.agency}{rec.year}年",
    ):
        assert report_detail(sqlite_url, spec).report_id == rid
    for spec, message in (
        ("999", "没有编号为 999"),
        (f"某某局:{rec.year}", "没有机关"),
        (f"{rec.agency}:2001", "年度的报告"),
    ):
        code, out = run("show", spec, "--db", sqlite_url)
        assert code == 2 and message in out, out


def test_integrity_of_sqlite_file(sqlite_url: str, tmp_path: Path) -> None:
    write_cases(tmp_path / "in", range(3))
    ingest(sqlite_url, [tmp_path / "in"], jobs=1)
    with sqlite3.connect(sqlite_url) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
