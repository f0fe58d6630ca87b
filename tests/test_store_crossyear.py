"""Identities 5 and 6 across years: one agency over 2019–2025, ingested in any order."""

# ruff: noqa: F811  (the fixtures db_url, sqlite_url and pg_database come from test_store_support)

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sqlalchemy as sa

from gongkai.check.rules import RULES
from gongkai.store import open_db
from gongkai.store import schema as s
from gongkai.store.corrections import correct
from gongkai.store.ingest import ingest
from gongkai.store.query import load_reports
from test_store_support import agency, db_url, pg_database, report_bytes, series_values  # noqa: F401

YEARS = range(2019, 2026)
# One agency, spelt as real reports do over the years.
SPELLINGS = {
    2019: "洪泽区人民政府办公室",
    2020: "淮安市洪泽区政府办",
    2021: "江苏省淮安市洪泽区人民政府办公室",
    2022: "洪泽区 政府办公室",
    2023: "淮安市洪泽区人民政府办公室",
    2024: "洪泽区人民政府办公室",
    2025: "淮安市洪泽区政府办公室",
}
CARRY, TREND = "requests.carry_over", "active_disclosure.in_force_trend"


def write_series(folder: Path, seed: int, **plant: int) -> dict[int, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    values = series_values(YEARS, seed, **plant)
    out = {}
    for y in YEARS:
        p = folder / f"{y}.txt"
        p.write_bytes(report_bytes(agency(SPELLINGS[y]), y, values[y], seed))
        out[y] = p
    return out


def cross_findings(db_spec: str) -> list[tuple[str, int, int, str]]:
    """(rule, year of the report, year of the other report, message) of every cross-year finding."""
    db = open_db(db_spec)
    f, r = s.findings.c, s.reports.c
    other = s.reports.alias("other")
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(f.rule, r.year, other.c.year, f.message)
            .join(s.reports, r.id == f.report_id)
            .join(other, other.c.id == f.other_report_id)
            .where(f.origin == "cross")
        ).all()
    db.close()
    return sorted((a, b, c, d) for a, b, c, d in rows)


def test_rules_5_and_6_are_implemented() -> None:
    assert not RULES[CARRY].reserved and RULES[CARRY].identity == 5 and RULES[CARRY].severity == "error"
    assert not RULES[TREND].reserved and RULES[TREND].identity == 6 and RULES[TREND].severity == "warning"


@pytest.mark.parametrize("order_seed", [1, 2])
def test_one_planted_carry_over_error_whatever_the_order(
    db_url: str, tmp_path: Path, order_seed: int
) -> None:
    files = write_series(tmp_path / "series", seed=42, plant_carry_over=2023)
    order = list(YEARS)
    random.Random(order_seed).shuffle(order)
    for y in order:  # one ingest per year, so every year arrives with some neighbours present
        assert len(ingest(db_url, [files[y]], jobs=1).added) == 1

    records = load_reports(db_url)
    assert len(records) == 7 and len({r.agency_id for r in records}) == 1, [r.agency for r in records]
    assert records[0].agency == "江苏省淮安市洪泽区人民政府办公室"
    assert records[0].region_path == ("江苏省", "淮安市", "洪泽区")

    found = cross_findings(db_url)
    assert [(rule, y, o) for rule, y, o, _ in found] == [(CARRY, 2023, 2022)]
    message = found[0][3]
    assert (
        "自然人" in message and "总计" in message and "2022年度报告" in message and "2023年度报告" in message
    )
    by_year = {r.year: r for r in records}
    [planted] = [f for f in by_year[2023].findings if f.rule == CARRY]
    assert planted.cells == ["requests.carried_over.natural_person", "requests.carried_over.total"]
    assert not any(f.rule == CARRY for y, r in by_year.items() if y != 2023 for f in r.findings)


def test_correcting_either_year_settles_the_finding(db_url: str, tmp_path: Path) -> None:
    files = write_series(tmp_path / "series", seed=7, plant_carry_over=2022)
    ingest(db_url, [files[y] for y in (2021, 2022, 2023)], jobs=2)
    assert [(r, y) for r, y, _, _ in cross_findings(db_url)] == [(CARRY, 2022)]
    rec = {r.year: r for r in load_reports(db_url)}
    forward = rec[2021].report.cell("requests.carried_forward.natural_person").value
    total = rec[2021].report.cell("requests.carried_forward.total").value
    assert isinstance(forward, int) and isinstance(total, int)
    # Correct the earlier year: the later report's finding is recomputed.
    correct(
        db_url, rec[2021].report_id, "requests.carried_forward.natural_person", str(forward + 1), reason="r"
    )
    still = cross_findings(db_url)
    assert [(r, y) for r, y, _, _ in still] == [(CARRY, 2022)] and "自然人" not in still[0][3]
    correct(db_url, rec[2021].report_id, "requests.carried_forward.total", str(total + 1), reason="r")
    assert cross_findings(db_url) == []
    # ... and breaking the later year brings one back.
    over = rec[2023].report.cell("requests.carried_over.total").value
    assert isinstance(over, int)
    correct(db_url, "洪泽区政府办:2023", "requests.carried_over.total", str(over + 5), reason="r")
    assert [(r, y, o) for r, y, o, _ in cross_findings(db_url)] == [(CARRY, 2023, 2022)]


def test_in_force_trend_is_a_warning_between_2021_edition_years(db_url: str, tmp_path: Path) -> None:
    files = write_series(tmp_path / "series", seed=9, plant_in_force=2024)
    ingest(db_url, [files[y] for y in (2025, 2020, 2024, 2021, 2023)], jobs=2)
    found = cross_findings(db_url)
    assert [(r, y, o) for r, y, o, _ in found] == [(TREND, 2024, 2023)]  # 2025 follows on from 2024
    assert "规章" in found[0][3] and "现行有效" in found[0][3]
    [w] = [f for r in load_reports(db_url, year=2024) for f in r.findings if f.rule == TREND]
    assert w.severity == "warning" and "active_disclosure.rules.in_force" in w.cells


def test_a_new_version_replaces_the_findings_it_touches(db_url: str, tmp_path: Path) -> None:
    files = write_series(tmp_path / "good", seed=3)
    bad = write_series(tmp_path / "bad", seed=3, plant_carry_over=2023)
    ingest(db_url, [files[2022], files[2023], files[2024]], jobs=1)
    assert cross_findings(db_url) == []
    ingest(db_url, [bad[2023]], jobs=1)  # a second version of 2023, with the planted error
    good_v, bad_v = series_values(YEARS, 3)[2023], series_values(YEARS, 3, plant_carry_over=2023)[2023]
    forward_differs = any(k.startswith("requests.carried_forward.") and good_v[k] != bad_v[k] for k in good_v)
    expected = [(CARRY, 2023, 2022)] + ([(CARRY, 2024, 2023)] if forward_differs else [])
    assert [(r, y, o) for r, y, o, _ in cross_findings(db_url)] == expected
    versions = {r.year: r.version for r in load_reports(db_url)}
    assert versions == {2022: 1, 2023: 2, 2024: 1}
    ingest(db_url, [tmp_path / "good" / "2023.txt"], jobs=1)  # already stored: nothing changes
    assert {r.year: r.version for r in load_reports(db_url)} == versions
