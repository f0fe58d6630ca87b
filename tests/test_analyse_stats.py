"""Statistics against hand computation on a small fixed set; zero denominators; grouping."""

from __future__ import annotations

import json
from statistics import median

import pytest
from rich.console import Console

from gongkai.analyse.render import render_stats
from gongkai.analyse.sample import record_with, synthetic_records
from gongkai.analyse.stats import (
    FIGURES,
    compute_stats,
    parse_by,
    report_figures,
)
from gongkai.errors import InputError
from gongkai.model.report import Finding, Severity
from gongkai.store.records import ReportRecord

ERROR = Finding(rule="requests.balance", severity=Severity.ERROR, cells=[], message="不平衡")
WARNING = Finding(rule="cells.missing", severity=Severity.WARNING, cells=[], message="缺失")


def rq(row: str) -> str:
    return f"requests.{row}.total"


@pytest.fixture(scope="module")
def hand() -> list[ReportRecord]:
    """Four reports whose statistics are worked out by hand in the tests below."""
    a = record_with(  # 2021 edition
        {
            rq("new_received"): 10,
            rq("carried_over"): 2,
            rq("granted"): 5,
            rq("partially_granted"): 1,
            rq("withheld_state_secret"): 2,
            rq("unavailable_not_held"): 1,
            rq("rejected_duplicate"): 1,
            rq("other_reasons"): 1,
            rq("total_processed"): 11,
            rq("carried_forward"): 1,
            "appeals.reconsideration.upheld": 1,
            "appeals.reconsideration.corrected": 1,
            "appeals.reconsideration.pending": 1,
            "appeals.reconsideration.total": 3,
            "appeals.litigation_direct.upheld": 2,
            "appeals.litigation_direct.total": 2,
        },
        report_id=1,
        agency="江州市生态环境局",
        region_path=("江苏省", "江州市"),
        year=2022,
        findings=[ERROR, WARNING],
    )
    b = record_with(  # 2019 edition: (六)其他处理 is one row
        {
            rq("new_received"): 4,
            rq("granted"): 1,
            rq("withheld_process_information"): 1,
            rq("other_handling"): 2,
            rq("total_processed"): 4,
        },
        report_id=2,
        agency="南阳市教育局",
        region_path=("江苏省", "南阳市"),
        year=2020,
    )
    c = record_with(  # nothing at all: every share's denominator is 0
        {}, report_id=3, agency="杭州市财政局", region_path=("浙江省", "杭州市"), year=2022
    )
    d = record_with(  # a province-level agency whose 予以公开 is unknown
        {rq("new_received"): 6, rq("withheld_state_secret"): 6, rq("total_processed"): 6},
        report_id=4,
        agency="江苏省人民政府办公厅",
        region_path=("江苏省",),
        year=2022,
        unknown=[rq("granted")],
    )
    return [a, b, c, d]


def test_report_figures(hand: list[ReportRecord]) -> None:
    a, b, _, d = hand
    fa = dict(zip(FIGURES, report_figures(a), strict=True))
    assert fa["processed"] == 11 and fa["withheld"] == 2 and fa["other"] == 1 and fa["rejected"] == 1
    assert fa["reconsideration"] == 3 and fa["litigation"] == 2
    assert fa["appeals_concluded"] == 4 and fa["appeals_corrected"] == 1 and fa["appeals_pending"] == 1
    fb = dict(zip(FIGURES, report_figures(b), strict=True))
    assert fb["other"] == 2 and fb["withheld"] == 1
    fd = dict(zip(FIGURES, report_figures(d), strict=True))
    assert fd["granted"] is None and fd["processed"] == 6


def test_by_province_against_hand_computation(hand: list[ReportRecord]) -> None:
    result = compute_stats(hand, ("region",), level=1)
    assert [g.label for g in result.groups] == ["江苏省", "浙江省"]
    js = result.groups[0]
    assert js.reports == 3 and js.reports_with_errors == 1 and js.reports_incomplete == 1
    t = js.totals
    assert (t["received"], t["carried_over"], t["processed"], t["carried_forward"]) == (20, 2, 21, 1)
    assert t["granted"] == 6  # D's is unknown: summed over A and B only
    assert (t["reconsideration"], t["litigation"]) == (3, 2)
    s = js.shares
    # granted: D does not know 予以公开, so it is left out of numerator and denominator
    assert s["granted"] == pytest.approx((5 + 1 + 1) / (11 + 4))
    assert s["withheld"] == pytest.approx((2 + 1 + 6) / (11 + 4 + 6))
    assert s["unavailable"] == pytest.approx(1 / 21)
    assert s["rejected"] == pytest.approx(1 / 21)
    assert s["other"] == pytest.approx((1 + 2) / 21)
    assert s["corrected"] == pytest.approx(1 / 4)  # (1 corrected) / (1+1 reconsideration + 2 litigation)
    m = js.medians
    assert m["granted"] == pytest.approx(median([6 / 11, 1 / 4]))
    assert m["withheld"] == pytest.approx(median([2 / 11, 1 / 4, 1.0]))
    assert m["unavailable"] == 0
    assert m["corrected"] == pytest.approx(1 / 4)  # B and D concluded no appeal: not in the median


def test_zero_denominators_are_null_not_zero(hand: list[ReportRecord]) -> None:
    zj = compute_stats(hand, ("region",)).groups[1]
    assert zj.label == "浙江省" and zj.reports == 1
    assert zj.totals["processed"] == 0 and zj.totals["received"] == 0
    assert all(v is None for v in zj.shares.values())
    assert all(v is None for v in zj.medians.values())
    doc = zj.to_json()
    assert doc["shares"]["granted"] is None and doc["totals"]["processed"] == 0


def test_unknown_everywhere_is_null() -> None:
    rec = record_with(
        {}, report_id=1, agency="某局", region_path=("某省",), year=2022, unknown=[rq("total_processed")]
    )
    g = compute_stats([rec]).overall
    assert g.totals["processed"] is None and g.shares["granted"] is None and g.reports_incomplete == 1


def test_levels_and_own_level(hand: list[ReportRecord]) -> None:
    result = compute_stats(hand, ("region",), level=2)
    labels = [g.label for g in result.groups]
    assert labels == ["江苏省（本级）", "江苏省南阳市", "江苏省江州市", "浙江省杭州市"]
    assert result.groups[0].key == {"region": "江苏省（本级）", "region_path": ["江苏省"]}
    assert compute_stats(hand, ("region",), level=3).groups[1].label == "江苏省南阳市（本级）"
    with pytest.raises(InputError):
        compute_stats(hand, ("region",), level=4)


def test_by_year_and_region_year(hand: list[ReportRecord]) -> None:
    years = compute_stats(hand, ("year",))
    assert [(g.key["year"], g.reports) for g in years.groups] == [(2020, 1), (2022, 3)]
    assert years.groups[1].totals["received"] == 16
    both = compute_stats(hand, parse_by("region,year"))
    assert [g.label for g in both.groups] == ["江苏省 2020年", "江苏省 2022年", "浙江省 2022年"]
    assert both.groups[1].reports == 2


def test_by_agency(hand: list[ReportRecord]) -> None:
    result = compute_stats(hand, ("agency",))
    assert {g.key["agency"] for g in result.groups} == {r.agency for r in hand}
    assert all(g.reports == 1 for g in result.groups)


def test_overall_equals_the_sum_of_groups() -> None:
    recs = synthetic_records(120, seed=4, p_unknown=0.2)
    result = compute_stats(recs, ("region", "year"), level=2)
    for name in ("received", "processed", "granted", "reconsideration"):
        assert sum(g.totals[name] or 0 for g in result.groups) == result.overall.totals[name]
    assert sum(g.reports for g in result.groups) == len(recs) == result.overall.reports


def test_parse_by() -> None:
    assert parse_by(None) == ()
    assert parse_by("region，year") == ("region", "year")
    with pytest.raises(InputError, match="分组"):
        parse_by("county")


def test_json_and_table(hand: list[ReportRecord]) -> None:
    result = compute_stats(hand, ("region",), filters={"year": None})
    doc = json.loads(json.dumps(result.to_json()))
    assert doc["schema"] == "gongkai.stats/1" and doc["by"] == ["region"] and doc["level"] == 1
    assert doc["definitions"]["shares"]["corrected"]["denominator"] == "appeals_concluded"
    assert doc["overall"]["reports"] == 4
    for width in (200, 80):
        console = Console(width=width, record=True, color_system=None)
        console.print(render_stats(result, width=width))
        text = console.export_text()
        assert "江苏省" in text and "合计" in text and "公开率" in text and "中位" in text
        assert "46.7%" in text  # 7/15
