"""Charts and exports are honest (issue 11, item 14): a ranking says which years it sums or the
one year it uses; a trend says whether it compares the same agencies every year (or keeps
only those); ``--headers zh`` exports hold no English code; times are Beijing time and say so."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from gongkai.analyse.charts import agencies_chart, outcomes_chart, trend_chart
from gongkai.analyse.export import ExportInfo, export_records, generation_time
from gongkai.analyse.sample import synthetic_records
from gongkai.analyse.stats import compute_stats
from gongkai.errors import InputError

RECORDS = synthetic_records(80, seed=11, p_corrected=0.3, p_error=0.3, p_unknown=0.2)
LATIN = re.compile(r"[A-Za-z]")
CODE = re.compile(r"[a-z]+[._][a-z_.]+|\b(read|inferred|ambiguous|missing|count|signed|amount|true|false)\b")


def test_ranking_says_which_years_it_sums() -> None:
    spec = agencies_chart(RECORDS, top=5)
    assert "2019—2023年合计" in spec.title and "5 个年度的合计" in spec.note
    one = agencies_chart([r for r in RECORDS if r.year == 2022], top=5)
    assert "（2022年）" in one.title and "只用 2022 年" in one.note
    uneven = agencies_chart([r for r in RECORDS if not (r.year == 2023 and r.agency_id % 2)], top=5)
    assert "不是每年都有报告" in uneven.note
    outcomes = outcomes_chart(RECORDS, by="region")
    assert "合计" in outcomes.note
    assert outcomes_chart(RECORDS, by="year").note == ""


def test_trend_says_whether_the_agencies_are_the_same() -> None:
    full = [r for r in RECORDS if r.agency_id <= 10]  # five years each
    assert "每年都是相同的 10 个机关" in trend_chart(full).note
    uneven = full + [r for r in RECORDS if r.agency_id > 10 and r.year >= 2022]
    spec = trend_chart(uneven)
    assert "不完全相同" in spec.note and "--same-agencies" in spec.note
    same = trend_chart(uneven, same_agencies=True)
    assert "只比较每年都有报告的 10 个机关" in same.note
    want = compute_stats(full, ("year",)).groups
    assert same.panels[0].series[0].values == [float(g.totals["received"] or 0) for g in want]
    with pytest.raises(InputError):
        trend_chart(
            [r for r in RECORDS if r.agency_id == 1 and r.year < 2021] + RECORDS[-1:], same_agencies=True
        )


@pytest.mark.parametrize("shape", ["wide", "long"])
def test_zh_exports_hold_no_english_code(shape: str, tmp_path: Path) -> None:
    records = RECORDS[:25] if shape == "wide" else RECORDS[:6]  # long: 200 rows per report
    out = tmp_path / "x.csv"
    export_records(records, out, "csv", shape=shape, headers="zh")  # type: ignore[arg-type]
    text = out.read_text(encoding="utf-8-sig")
    assert not LATIN.search(text), LATIN.findall(text)[:10]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "报告编号"
    book = tmp_path / "x.xlsx"
    info = ExportInfo(filters={"region": "江苏省", "year": [2021, 2022], "agency": None})
    export_records(records, book, "xlsx", shape=shape, headers="zh", info=info)  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(book, read_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if not isinstance(v, str) or v.startswith("gongkai "):  # the tool's own name
                    continue
                if ws.title == "字段" and re.fullmatch("[A-Z]{1,3}", v):  # Excel's column letters
                    continue
                if ws.title == "说明":  # prose for people: names such as Excel and csv, but no code
                    assert not CODE.search(v), (ws.title, v)
                else:
                    assert not LATIN.search(v), (ws.title, v)


def test_times_are_beijing_time_and_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    assert generation_time().isoformat() == "2023-11-15T06:13:20+08:00"
    out = tmp_path / "x.json"
    export_records(RECORDS[:3], out, "json")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["generated_at"] == "2023-11-15T06:13:20+08:00" and doc["time_zone"] == "Asia/Shanghai"
    book = tmp_path / "x.xlsx"
    export_records(RECORDS[:3], book, "xlsx")
    wb = openpyxl.load_workbook(book, read_only=True)
    notes = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    assert notes["生成时间"] == "2023-11-15 06:13:20 北京时间（东八区）"
