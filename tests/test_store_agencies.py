"""Agency names across spellings and years: normalisation, aliases, merges, the region hierarchy."""

# ruff: noqa: F811  (the fixtures db_url, sqlite_url and pg_database come from test_store_support)

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from gongkai.cli.store import register
from gongkai.store import open_db
from gongkai.store import schema as s
from gongkai.store.agencies import Directory, agency_key, chains_compatible, split_name, tail_of
from gongkai.store.ingest import ingest
from gongkai.store.manage import add_alias, list_agencies, remove_alias, rename_agency
from gongkai.store.query import load_reports
from test_store_support import agency, db_url, pg_database, report_bytes, series_values, sqlite_url  # noqa: F401


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("洪泽区人民政府办公室", "洪泽区政府办"),
        ("洪泽区人民政府办公室", "洪泽区政府办公室"),
        ("洪泽区人民政府办公室", "洪泽区 人民政府 办公室"),
        ("洪泽区人民政府", "洪泽区政府"),
        ("ＸＸ县卫生健康委员会", "XX县卫健委"),
        ("清河县发展和改革委员会", "清河县发展改革委"),
        ("东城街道办事处", "东城街道"),
        ("某局", "《某局》"),
        ("上林县司法局", "上林县司法局关于"),
    ],
)
def test_spellings_share_a_key(a: str, b: str) -> None:
    assert agency_key(a) == agency_key(b)


@pytest.mark.parametrize(
    ("name", "places", "body"),
    [
        ("江苏省淮安市洪泽区人民政府", [("江苏省", "省"), ("淮安市", "市"), ("洪泽区", "县区")], "人民政府"),
        ("沛县人民政府", [("沛县", "县区")], "人民政府"),
        ("杭州市西湖区城市管理局", [("杭州市", "市"), ("西湖区", "县区")], "城市管理局"),
        ("苏州市昆山市人民政府", [("苏州市", "市"), ("昆山市", "县区")], "人民政府"),
        ("北京市朝阳区人民政府", [("北京市", "省"), ("朝阳区", "县区")], "人民政府"),
        ("广西壮族自治区南宁市人民政府", [("广西壮族自治区", "省"), ("南宁市", "市")], "人民政府"),
        ("清河县城关镇人民政府", [("清河县", "县区"), ("城关镇", "乡镇")], "人民政府"),
        ("青山区住房和城乡建设局", [("青山区", "县区")], "住房和城乡建设局"),
        ("滨海新区市场监督管理局", [("滨海新区", "县区")], "市场监督管理局"),
        ("锡林郭勒盟行政公署", [("锡林郭勒盟", "市")], "行政公署"),
        ("国家税务总局淮安市税务局", [], "国家税务总局淮安市税务局"),
    ],
)
def test_places_are_split_from_the_body(name: str, places: list[tuple[str, str]], body: str) -> None:
    got_places, got_body = split_name(agency_key(name))
    assert [(p.name, p.level) for p in got_places] == places and got_body == body


def test_chains() -> None:
    assert tail_of("淮安市洪泽区人民政府") == tail_of("洪泽区人民政府") == "洪泽区人民政府"
    assert chains_compatible(["洪泽区"], ["江苏省", "淮安市", "洪泽区"])
    assert chains_compatible(["江苏省", "洪泽区"], ["江苏省", "淮安市", "洪泽区"])
    assert not chains_compatible(["宿迁市", "洪泽区"], ["江苏省", "淮安市", "洪泽区"])
    assert not chains_compatible(["洪泽区"], ["淮安市"])


def test_prefix_variants_resolve_to_one_agency_and_fill_regions(sqlite_url: str) -> None:
    db = open_db(sqlite_url)
    with db.engine.begin() as conn:
        d = Directory.load(conn)
        a = d.resolve(conn, "洪泽区人民政府")
        assert d.resolve(conn, "淮安市洪泽区人民政府") == a
        assert d.resolve(conn, "江苏省淮安市洪泽区政府") == a
        assert d.resolve(conn, "洪泽区政府办") != a  # another body: another agency
        other = d.resolve(conn, "宿迁市洪泽区人民政府")  # conflicting city: not the same agency
        assert other != a
        # With two 洪泽区 governments known, the bare name no longer picks one of them.
        assert d.find("洪泽区人民政府") == a  # an exact spelling still does
        assert d.find("江苏省洪泽区人民政府") == a
    with db.engine.connect() as conn:
        d = Directory.load(conn)
        region = conn.execute(sa.select(s.agencies.c.region_id).where(s.agencies.c.id == a)).scalar()
        assert d.region_path(region) == ("江苏省", "淮安市", "洪泽区")
        name = conn.execute(sa.select(s.agencies.c.name).where(s.agencies.c.id == a)).scalar()
        assert name == "江苏省淮安市洪泽区政府"  # the fullest spelling, as printed, became the name
        levels = dict(conn.execute(sa.select(s.regions.c.name, s.regions.c.level)).all())
        assert levels["江苏省"] == "省" and levels["淮安市"] == "市" and levels["洪泽区"] == "县区"
    db.close()


def test_a_renamed_bureau_is_joined_by_an_alias(db_url: str, tmp_path: Path) -> None:
    """环境保护局 (2019–2020) became 生态环境局 (2021–): an alias merges them, and the
    cross-year check between 2020 and 2021 runs from then on."""
    values = series_values(range(2019, 2023), 21, plant_carry_over=2021)
    for y in range(2019, 2023):
        name = "清河县环境保护局" if y < 2021 else "清河县生态环境局"
        (tmp_path / f"{y}.txt").write_bytes(report_bytes(agency(name, "清河县"), y, values[y], 21))
    ingest(db_url, sorted(tmp_path.glob("*.txt")), jobs=2)
    assert len(list_agencies(db_url)) == 2
    assert not any(f.rule == "requests.carry_over" for r in load_reports(db_url) for f in r.findings)

    res = add_alias(db_url, "清河县环境保护局", "清河县生态环境局")
    assert res.merged_from == "清河县环境保护局" and res.moved_reports == 2 and not res.created
    [info] = list_agencies(db_url)
    assert info.name == "清河县生态环境局" and info.years == [2019, 2020, 2021, 2022]
    assert ("清河县环境保护局", "user") in info.aliases
    found = [
        (r.year, f.rule) for r in load_reports(db_url) for f in r.findings if f.rule == "requests.carry_over"
    ]
    assert found == [(2021, "requests.carry_over")]
    assert len(load_reports(db_url, agency="清河县环境保护局")) == 4  # the old name finds the agency


def test_alias_rename_unalias_commands(sqlite_url: str, tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        res = runner.invoke(app, [*args, "--db", sqlite_url], env={"COLUMNS": "200"})
        return res.exit_code, res.output

    open_db(sqlite_url).close()  # only ingest creates a database; the other commands refuse a missing one
    code, out = run("agencies", "list")
    assert code == 0 and "库中没有机关" in out
    code, out = run("agencies", "alias", "洪泽区政府办", "淮安市洪泽区人民政府办公室")
    assert code == 0 and "已新建机关" in out and "别名" in out
    code, out = run("agencies", "alias", "淮安市洪泽区人民政府办公室", "洪泽区政府办")
    assert code == 2 and "无需设为别名" in out
    code, out = run("agencies", "rename", "洪泽区政府办", "淮安市洪泽区人民政府办公室（区政务公开办）")
    assert code == 0 and "改名" in out
    code, out = run("agencies", "list", "--search", "洪泽")
    assert code == 0 and "区政务公开办" in out and "洪泽区政府办" in out
    code, out = run("agencies", "unalias", "洪泽区政府办")
    assert code == 0
    code, out = run("agencies", "unalias", "洪泽区政府办")
    assert code == 2 and "没有别名" in out
    with pytest.raises(Exception, match="规范名称"):
        remove_alias(sqlite_url, "淮安市洪泽区人民政府办公室（区政务公开办）")
    _, new = rename_agency(sqlite_url, "1", "洪泽区政务公开办")
    assert new == "洪泽区政务公开办"
