"""Agencies placed in the administrative divisions (issue 11, item 9): ``--region 江苏省`` finds the
淮安市/洪泽区 reports, 商水县 and 大祥区 sit under their city and province, an agency that cannot
be placed is listed for a person to place and never guessed."""

# ruff: noqa: F811  (the fixtures db_url and pg_database come from test_store_support)

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from gongkai.cli.store import register
from gongkai.store import StoreError, open_db
from gongkai.store.agencies import Directory
from gongkai.store.divisions import agency_places, place_agency, unplaced
from gongkai.store.ingest import ingest
from gongkai.store.query import load_reports
from test_store_support import agency, db_url, pg_database, report_bytes, series_values  # noqa: F401

NAMES = {
    "洪泽区人民政府": 2021,
    "淮安市洪泽区财政局": 2021,
    "淮安市人民政府": 2022,
    "商水县人民政府": 2021,
    "大祥区人民政府办公室": 2022,
    "朝阳区人民政府": 2021,  # Beijing or Changchun: not placed
    "江州市人民政府": 2022,  # no such unit: its printed places only
}


@pytest.fixture
def stored(db_url: str, tmp_path: Path) -> str:
    values = series_values(range(2021, 2023), seed=5)
    for i, (name, year) in enumerate(NAMES.items()):
        (tmp_path / f"{i}.txt").write_bytes(report_bytes(agency(name), year, values[year], seed=i))
    assert ingest(db_url, sorted(tmp_path.glob("*.txt")), jobs=1).exit_code == 0
    return db_url


def by_agency(db: str, **kw: object) -> dict[str, tuple[str, ...]]:
    return {r.agency: r.region_path for r in load_reports(db, **kw)}  # type: ignore[arg-type]


def test_agencies_are_placed_in_divisions(stored: str) -> None:
    paths = by_agency(stored)
    assert paths["洪泽区人民政府"] == ("江苏省", "淮安市", "洪泽区")
    assert paths["淮安市洪泽区财政局"] == ("江苏省", "淮安市", "洪泽区")
    assert paths["商水县人民政府"] == ("河南省", "周口市", "商水县")
    assert paths["大祥区人民政府办公室"] == ("湖南省", "邵阳市", "大祥区")
    assert paths["朝阳区人民政府"] == ()  # never guessed
    assert paths["江州市人民政府"] == ("江州市",)  # as printed, no data set knows it

    assert set(by_agency(stored, region="江苏省")) == {
        "洪泽区人民政府",
        "淮安市洪泽区财政局",
        "淮安市人民政府",
    }
    assert set(by_agency(stored, region="淮安市")) == {
        "洪泽区人民政府",
        "淮安市洪泽区财政局",
        "淮安市人民政府",
    }
    assert set(by_agency(stored, region="320813")) == {"洪泽区人民政府", "淮安市洪泽区财政局"}  # by code
    assert set(by_agency(stored, region="河南省")) == {"商水县人民政府"}
    assert set(by_agency(stored, region="周口市商水县")) == {"商水县人民政府"}

    records = {r.agency: r for r in load_reports(stored)}
    assert (
        records["商水县人民政府"].region_codes == ("410000", "411600", "411623")
        and records["商水县人民政府"].placed
    )
    assert records["江州市人民政府"].region_codes == (None,) and not records["江州市人民政府"].placed

    places = {p.path[-1] if p.path else None: p for p in agency_places(stored).values() if p.placed}
    assert places["洪泽区"].codes == ("320000", "320800", "320813") and places["洪泽区"].level == "县区"
    assert places["淮安市"].level == "市" and places["淮安市"].government


def test_unplaced_agencies_are_listed_and_placed_by_hand(stored: str) -> None:
    listed = {u.name: u for u in unplaced(stored)}
    assert set(listed) == {"朝阳区人民政府", "江州市人民政府"}
    assert listed["朝阳区人民政府"].candidates == [
        "北京市 朝阳区（110105）",
        "吉林省 长春市 朝阳区（220104）",
    ]
    assert listed["江州市人民政府"].candidates == []

    with pytest.raises(StoreError, match="不是已知的行政区划代码"):
        place_agency(stored, "朝阳区人民政府", "999999")
    got = place_agency(stored, "朝阳区人民政府", "220104")
    assert got.division == "吉林省 长春市 朝阳区（220104）"
    assert by_agency(stored, region="吉林省") == {"朝阳区人民政府": ("吉林省", "长春市", "朝阳区")}
    assert {u.name for u in unplaced(stored)} == {"江州市人民政府"}


def test_title_evidence_places_an_ambiguous_name(tmp_path: Path) -> None:
    db = open_db(tmp_path / "g.db")
    with db.engine.begin() as conn:
        d = Directory.load(conn)
        a = d.resolve(conn, "鼓楼区人民政府", ("南京市鼓楼区人民政府2023年政府信息公开工作年度报告",), 2023)
        b = d.resolve(conn, "鼓楼区财政局", ("鼓楼区财政局2023年政府信息公开工作年度报告",), 2023)
        assert d.placed[a] == "auto" and d.region_path(d.agency_regions[a]) == ("江苏省", "南京市", "鼓楼区")
        assert d.placed[b] is None and d.agency_regions[b] is None  # four 鼓楼区: a person decides
        # a later report of the same agency with a fuller title places it
        assert d.resolve(conn, "鼓楼区财政局", ("福州市鼓楼区财政局2024年度报告",), 2024) == b
        assert d.region_path(d.agency_regions[b]) == ("福建省", "福州市", "鼓楼区")
    db.close()


def test_agencies_commands(stored: str) -> None:
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        res = runner.invoke(app, [*args, "--db", stored], env={"COLUMNS": "200"})
        return res.exit_code, res.output

    code, out = run("agencies", "unplaced")
    assert code == 0 and "朝阳区人民政府" in out and "220104" in out and "共 2 个机关未归入" in out
    code, out = run("agencies", "place", "朝阳区人民政府", "110105")
    assert code == 0 and "北京市 朝阳区（110105）" in out
    code, out = run("agencies", "place", "朝阳区人民政府", "abc")
    assert code == 2 and "不是已知的行政区划代码" in out
    code, out = run("agencies", "place", "没有的机关", "110105")
    assert code == 2 and "没有机关" in out


def test_place_known_places_agencies_of_an_older_database(stored: str) -> None:
    """Agencies stored before the divisions existed (placed is NULL) are placed by --auto."""
    import sqlalchemy as sa

    from gongkai.store import schema as s
    from gongkai.store.divisions import place_known

    db = open_db(stored)
    with db.engine.begin() as conn:
        conn.execute(sa.update(s.agencies).values(placed=None, region_id=None))
        conn.execute(sa.update(s.directory_state).values(version=s.directory_state.c.version + 1))
    db.close()
    assert len(unplaced(stored)) == len(NAMES)
    placed = {p.agency for p in place_known(stored)}
    assert placed == set(NAMES) - {"朝阳区人民政府", "江州市人民政府"}
    assert by_agency(stored)["商水县人民政府"] == ("河南省", "周口市", "商水县")
