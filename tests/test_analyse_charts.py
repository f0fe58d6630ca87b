"""Charts: the data drawn, PNG with Chinese text (no missing glyphs), self-contained HTML."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from gongkai.analyse import charts
from gongkai.analyse.charts import (
    MissingCjkFontWarning,
    agencies_chart,
    build_chart,
    cjk_font,
    outcomes_chart,
    render_html,
    render_png,
    trend_chart,
    write_chart,
)
from gongkai.analyse.sample import synthetic_records
from gongkai.analyse.stats import compute_stats
from gongkai.errors import InputError
from gongkai.store.records import ReportRecord

PNG_MIN_BYTES = 20_000


@pytest.fixture(scope="module")
def records() -> list[ReportRecord]:
    return synthetic_records(150, seed=21, p_unknown=0.1)


def test_trend_data_matches_the_statistics(records: list[ReportRecord]) -> None:
    spec = trend_chart(records)
    by_year = {g.key["year"]: g for g in compute_stats(records, ("year",)).groups}
    years = sorted(by_year)
    assert spec.panels[0].categories == [f"{y}年" for y in years]
    assert spec.panels[0].series[0].values == [by_year[y].totals["received"] for y in years]
    assert spec.panels[1].series[0].values == [by_year[y].shares["granted"] for y in years]
    assert spec.panels[1].percent
    lines = trend_chart(records, by="region", top=2)
    assert len(lines.panels[0].series) == 2 and "最多的 2 个" in lines.panels[0].title


def test_agencies_are_ranked(records: list[ReportRecord]) -> None:
    spec = agencies_chart(records, metric="received", top=5)
    values = spec.panels[0].series[0].values
    assert len(values) == 5 and values == sorted(values)  # largest last = drawn at the top
    shares = agencies_chart(records, metric="share_granted", top=5, min_processed=50)
    assert all(0 <= v <= 1 for v in shares.panels[0].series[0].values)  # type: ignore[operator]
    with pytest.raises(InputError, match="未知指标"):
        agencies_chart(records, metric="nonsense")


def test_outcome_shares_add_up_to_one(records: list[ReportRecord]) -> None:
    spec = outcomes_chart(records, by="region", level=2, top=6)
    panel = spec.panels[0]
    assert len(panel.categories) == 6 and len(panel.series) == 6
    for i in range(len(panel.categories)):
        assert sum(s.values[i] or 0 for s in panel.series) == pytest.approx(1.0)


def test_no_reports_no_chart() -> None:
    with pytest.raises(InputError, match="没有符合条件的报告"):
        build_chart("trend", [])


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed (fonts-noto-cjk)")
def test_png_renders_chinese_without_missing_glyphs(records: list[ReportRecord], tmp_path: Path) -> None:
    for kind in ("trend", "agencies", "outcomes"):
        out = tmp_path / f"{kind}.png"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            write_chart(build_chart(kind, records), out)  # type: ignore[arg-type]
        glyphs = [
            str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)
        ]
        assert not glyphs, glyphs[:3]
        assert not [w for w in caught if issubclass(w.category, MissingCjkFontWarning)]
        data = out.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > PNG_MIN_BYTES


def test_png_without_a_cjk_font_warns_once_in_chinese(
    records: list[ReportRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    monkeypatch.setattr(charts, "_warned", False)
    spec = trend_chart(records)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_png(spec, tmp_path / "a.png")
        render_png(spec, tmp_path / "b.png")
    ours = [w for w in caught if issubclass(w.category, MissingCjkFontWarning)]
    assert len(ours) == 1 and "未找到中文字体" in str(ours[0].message)
    assert not [w for w in caught if "missing from" in str(w.message)]  # no flood of glyph warnings
    assert (tmp_path / "a.png").stat().st_size > PNG_MIN_BYTES // 2


def test_font_override_by_family(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_CJK_FONT", "No Such Font Family")
    monkeypatch.setattr(charts, "_font_cache", {})
    assert cjk_font() in (None, *charts.CJK_FONT_FAMILIES)


def test_html_is_self_contained(records: list[ReportRecord], tmp_path: Path) -> None:
    out = tmp_path / "outcomes.html"
    render_html(outcomes_chart(records), out)
    html = out.read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and not [s for s in scripts if "src=" in s]  # plotly.js inline, nothing fetched
    assert not re.search(r"""<(?:script|link)[^>]+(?:src|href)=["']?https?:""", html)
    assert "<title>办理结果构成（按年度）</title>" in html and '<html lang="zh-CN">' in html
    assert json.dumps("予以公开")[1:-1] in html  # plotly writes its data as ASCII JSON
    assert len(html) > 1_000_000  # plotly.js itself is embedded


def test_unknown_suffix(records: list[ReportRecord], tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.png"):
        write_chart(trend_chart(records), tmp_path / "x.svg")
