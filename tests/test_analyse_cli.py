"""``export``, ``stats`` and ``chart`` on a typer app of their own, with the store faked."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from gongkai.analyse.frame import select
from gongkai.analyse.sample import synthetic_records
from gongkai.cli import analyse as cli
from gongkai.errors import InputError
from gongkai.store.records import ReportRecord

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
RECORDS = synthetic_records(60, seed=8, p_corrected=0.2, p_error=0.2, p_unknown=0.1)

app = typer.Typer(
    add_completion=False, context_settings={"help_option_names": []}, pretty_exceptions_enable=False
)
cli.register(app)
runner = CliRunner()


class Calls:
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def __call__(
        self, db: str | None, *, cells: bool = False, findings: bool = False, **filters: Any
    ) -> list[ReportRecord]:
        self.seen.append({"db": db, **filters})
        return select(RECORDS, **filters)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    fake = Calls()
    monkeypatch.setattr(cli, "load_records", fake)
    return fake


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    result.clean_stdout = ANSI.sub("", result.stdout)
    result.clean_stderr = ANSI.sub("", result.stderr)
    return result


def test_registers_three_commands() -> None:
    names = {c.name for c in app.registered_commands}
    assert names == {"export", "stats", "chart"}
    result = invoke("export", "--help")
    assert result.exit_code == 0 and "导出" in result.clean_stdout


def test_export_csv_with_filters(calls: Calls, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = invoke("export", "--year", "2021", "--region", "江苏省", "--db", "db.sqlite", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert calls.seen == [{"db": "db.sqlite", "region": "江苏省", "year": 2021, "agency": None}]
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    want = select(RECORDS, region="江苏省", year=2021)
    assert len(rows) == len(want) > 0
    assert {r["year"] for r in rows} == {"2021"}
    assert "已导出" in result.clean_stderr


def test_export_xlsx_long_zh(calls: Calls, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    name = RECORDS[0].agency
    result = invoke(
        "export", "--shape", "long", "--headers", "zh", "--agency", name, "-o", str(out), "--db", "d"
    )
    assert result.exit_code == 0, result.output
    assert calls.seen[-1]["agency"] == name
    wb = openpyxl.load_workbook(out, read_only=True)
    header = next(wb["数据"].iter_rows(max_row=1, values_only=True))
    assert header[:4] == ("报告编号", "机关", "地区", "年度")


def test_export_json_to_stdout(calls: Calls) -> None:
    result = invoke("export", "--to", "json", "-o", "-", "--db", "d", "--year", "2019")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["filters"]["year"] == 2019 and doc["editions"] == ["2019"]


def test_export_needs_a_known_format(calls: Calls, tmp_path: Path) -> None:
    result = invoke("export", "-o", str(tmp_path / "x.txt"), "--db", "d")
    assert result.exit_code == 2 and "--to" in result.clean_stderr
    assert "Traceback" not in result.output


def test_stats_table_and_json(calls: Calls) -> None:
    result = invoke("stats", "--by", "region", "--level", "2", "--db", "d")
    assert result.exit_code == 0, result.output
    assert "按地区（市级）分组" in result.clean_stdout and "合计" in result.clean_stdout
    result = invoke("stats", "--by", "region,year", "--json", "--db", "d")
    doc = json.loads(result.stdout)
    assert doc["by"] == ["region", "year"] and doc["overall"]["reports"] == len(RECORDS)
    assert all("year" in g["group"] and "region" in g["group"] for g in doc["groups"])
    bad = invoke("stats", "--by", "county", "--db", "d")
    assert bad.exit_code == 2 and "分组" in bad.clean_stderr


def test_stats_with_nothing_selected(calls: Calls) -> None:
    result = invoke("stats", "--year", "1999", "--json", "--db", "d")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["overall"]["reports"] == 0
    assert "没有符合条件的报告" in result.clean_stderr


def test_chart_png_and_html(calls: Calls, tmp_path: Path) -> None:
    png = tmp_path / "t.png"
    result = invoke("chart", "outcomes", "--by", "region", "-o", str(png), "--db", "d")
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")
    html = tmp_path / "a.html"
    result = invoke(
        "chart",
        "agencies",
        "--metric",
        "share_granted",
        "--top",
        "3",
        "--min",
        "0",
        "-o",
        str(html),
        "--db",
        "d",
    )
    assert result.exit_code == 0, result.output
    assert "<script src=" not in html.read_text(encoding="utf-8")
    bad = invoke("chart", "trend", "-o", str(tmp_path / "x.pdf"), "--db", "d")
    assert bad.exit_code == 2 and ".png" in bad.clean_stderr
    empty = invoke("chart", "trend", "--year", "1999", "-o", str(png), "--db", "d")
    assert empty.exit_code == 2 and "没有符合条件的报告" in empty.clean_stderr


def test_without_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cli.DB_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    result = invoke("stats")
    assert result.exit_code == 2 and "gongkai.db 不存在" in result.clean_stderr
    assert not (tmp_path / "gongkai.db").exists()  # reading never creates an empty database


def test_sqlite_url_to_a_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("stats", "--db", "sqlite:///x.sqlite")
    assert result.exit_code == 2 and "x.sqlite 不存在" in result.clean_stderr
    assert not (tmp_path / "x.sqlite").exists()


def test_load_records_calls_the_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The real glue: the store's load_figures with the filters, current versions only."""
    import gongkai.store.figures as figures

    log: list[Any] = []

    def load_figures(db: Any, **kw: Any) -> list[ReportRecord]:
        log.append((db, kw))
        return select(RECORDS, region=kw["region"], year=kw["year"], agency=kw["agency"])

    monkeypatch.setattr(figures, "load_figures", load_figures)
    db = tmp_path / "corpus.db"
    db.write_bytes(b"")
    result = invoke("stats", "--year", "2020", "--json", env={cli.DB_ENV: str(db)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["overall"]["reports"] == len(select(RECORDS, year=2020))
    want = {
        "region": None,
        "year": 2020,
        "agency": None,
        "current_only": True,
        "cells": False,
        "findings": False,
    }
    assert log == [(str(db), want)]
    out = tmp_path / "x.xlsx"
    result = invoke("export", "-o", str(out), env={cli.DB_ENV: str(db)})
    assert result.exit_code == 0, result.output
    assert log[-1][1]["cells"] and log[-1][1]["findings"]


def test_unexpected_error_is_exit_3_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any, **__: Any) -> list[ReportRecord]:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "load_records", boom)
    result = invoke("stats", "--db", "d")
    assert result.exit_code == 3 and "内部错误" in result.clean_stderr and "Traceback" not in result.output


def test_year_ranges() -> None:
    assert cli.parse_years("2023") == 2023
    assert cli.parse_years("2021-2023") == [2021, 2022, 2023]
    assert cli.parse_years("2023，2021") == [2021, 2023]
    with pytest.raises(InputError):
        cli.parse_years("去年")


# -- against the real store ------------------------------------------------------------------


def test_commands_read_the_store(tmp_path: Path) -> None:
    """Reports ingested with the store's public API, then export/stats/chart with --db."""
    pytest.importorskip("gongkai.store.query")
    from gongkai.analyse.stats import compute_stats
    from gongkai.store.ingest import ingest
    from gongkai.store.query import load_reports
    from gongkai.synth.case import make_case

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(8):
        (folder / f"r{i}.txt").write_bytes(make_case(100 + i, "tab").data)
    db = str(tmp_path / "corpus.db")
    summary = ingest(db, [folder], jobs=1)
    assert summary.added
    stored = load_reports(db)

    result = invoke("stats", "--by", "year", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc == json.loads(json.dumps(compute_stats(stored, ("year",), filters=doc["filters"]).to_json()))
    assert doc["overall"]["reports"] == len(stored)

    out = tmp_path / "x.csv"
    result = invoke("export", "--db", db, "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert sorted(int(r["report_id"]) for r in rows) == sorted(r.report_id for r in stored)
    by_id = {r.report_id: r for r in stored}
    for row in rows:
        cell = by_id[int(row["report_id"])].report.cell("requests.new_received.total")
        assert row["requests.new_received.total"] == ("" if not cell.known else str(cell.value))

    result = invoke("chart", "outcomes", "--db", db, "-o", str(tmp_path / "o.html"))
    assert result.exit_code == 0, result.output


def test_metric_choices_follow_the_charts() -> None:
    from gongkai.analyse.charts import METRICS

    assert [m.value for m in cli.MetricChoice] == list(METRICS)
