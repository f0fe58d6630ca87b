"""Inputs in daily use (issue 11, items 12, 13): ``check`` on folders with ``--summary``;
``ingest`` of gongkai's own JSON and of standard input, and refusal of an unfilled template;
text typed into a number cell of the 填报 workbook is an error naming sheet and cell, and
``write`` refuses it without ``--force``."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from typer.testing import CliRunner

from gongkai.cli.main import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def invoke(*args: str, input: bytes | None = None) -> SimpleNamespace:
    result = runner.invoke(app, list(args), input=input, env={"COLUMNS": "200"})
    return SimpleNamespace(
        exit_code=result.exit_code, stdout=ANSI.sub("", result.stdout), stderr=ANSI.sub("", result.stderr)
    )


@pytest.fixture(scope="module")
def sample_report(sample_path: Path):  # type: ignore[no-untyped-def]
    from gongkai.api import parse_path

    return parse_path(sample_path)


# --- check: folders and --summary -----------------------------------------------------------


def test_check_a_folder_with_a_summary(tmp_path: Path, sample_path: Path) -> None:
    folder = tmp_path / "报告"
    (folder / "子目录").mkdir(parents=True)
    shutil.copy(sample_path, folder / "甲.txt")
    text = sample_path.read_text(encoding="utf-8")
    (folder / "子目录" / "乙.txt").write_text(
        text.replace("数量\t\t\t20\t", "数量\t\t\t21\t", 1), encoding="utf-8"
    )
    (folder / "坏.txt").write_bytes(b"\x00\x01\x02 not a report")
    (folder / ".隐藏.txt").write_text("ignored", encoding="utf-8")
    out = tmp_path / "汇总.xlsx"
    r = invoke("check", str(folder), "--summary", str(out))
    assert r.exit_code == 2, r.stderr  # one file could not be read (worse than the findings' 1)
    assert "共检查 2 个文件" in r.stdout and "1 个无法读取" in r.stdout
    ws = openpyxl.load_workbook(out)["汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][:6] == ["文件", "机关", "年度", "表格版本", "结果", "错误"]
    by_file = {Path(r[0]).name: r for r in rows[1:]}
    assert set(by_file) == {"甲.txt", "乙.txt", "坏.txt"}
    assert by_file["甲.txt"][1:6] == ["江州市人民政府", 2023, "2021 版", "通过", 0]
    assert (
        by_file["乙.txt"][4] == "有错误"
        and by_file["乙.txt"][5] >= 1
        and "requests.row_total" in by_file["乙.txt"][8]
    )
    assert by_file["坏.txt"][4] == "无法读取" and by_file["坏.txt"][8]


def test_summary_refused_before_reading(tmp_path: Path, sample_path: Path) -> None:
    r = invoke("check", str(sample_path), "--summary", str(tmp_path / "没有" / "汇总.xlsx"))
    assert r.exit_code == 2 and "没有" in r.stderr and "不存在" in r.stderr
    r = invoke("check", str(sample_path), "--summary", str(tmp_path / "汇总.csv"))
    assert r.exit_code == 2 and ".xlsx" in r.stderr
    (tmp_path / "空").mkdir()
    r = invoke("check", str(tmp_path / "空"))
    assert r.exit_code == 2 and "没有文件" in r.stderr


# --- ingest: JSON, standard input, unfilled templates -----------------------------------------


def test_ingest_gongkai_json_and_stdin(tmp_path: Path, sample_report, sample_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "库.db"
    doc = tmp_path / "报告.json"
    doc.write_text(sample_report.to_json(), encoding="utf-8")
    r = invoke("ingest", str(doc), "--db", str(db), "--jobs", "1")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "新增报告 1 份" in r.stdout
    r = invoke("show", "1", "--db", str(db))
    assert r.exit_code == 0 and "江州市人民政府" in r.stdout
    other = sample_path.read_bytes().replace(b"2023", b"2024")
    r = invoke("ingest", "-", "--db", str(db), "--jobs", "1", input=other)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "新增报告 1 份" in r.stdout


def test_ingest_refuses_an_unfilled_template(tmp_path: Path) -> None:
    from gongkai.write.template import write_template

    tpl = tmp_path / "填报.xlsx"
    tpl.write_bytes(write_template("2021", year=2023, agency="某某局"))
    r = invoke("ingest", str(tpl), "--db", str(tmp_path / "库.db"), "--jobs", "1")
    assert r.exit_code == 2 and "没有填写数字" in r.stdout + r.stderr


# --- text in a number cell ------------------------------------------------------------------


def _with_text(sample_report, text: str) -> bytes:  # type: ignore[no-untyped-def]
    from gongkai.read import xlsx as reader
    from gongkai.write.layout import grids
    from gongkai.write.template import write_template

    wb = openpyxl.load_workbook(io.BytesIO(write_template(report=sample_report)))
    match = reader.match_template(wb)
    assert match is not None
    ws = wb.worksheets[match.sheets["requests"]]
    top, left = match.origins["requests"]
    grid = {g.key: g for g in grids("2021")}["requests"]
    spot = next(c for c in grid.values() if c.address == "requests.new_received.natural_person")
    cell = ws.cell(top + spot.row + 1, left + spot.col + 1)
    cell.value = text
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_text_in_a_number_cell_is_an_error_naming_the_cell(tmp_path: Path, sample_report) -> None:  # type: ignore[no-untyped-def]
    from gongkai.api import parse_bytes

    report = parse_bytes(_with_text(sample_report, "十"), "填报.xlsx")
    [f] = [f for f in report.findings if f.rule == "xlsx.text_in_number"]
    assert f.severity == "error" and f.cells == ["requests.new_received.natural_person"]
    assert (
        "工作表「三、依申请公开」" in f.message
        and re.search(r"[A-Z]+\d+ 单元格", f.message)
        and "“十”" in f.message
    )
    data = tmp_path / "填报.xlsx"
    data.write_bytes(_with_text(sample_report, "十"))
    out = tmp_path / "报告.md"
    r = invoke("write", str(data), "-o", str(out))
    assert r.exit_code == 1 and "三、依申请公开" in r.stderr and not out.exists()
    r = invoke("write", str(data), "-o", str(out), "--force")
    assert r.exit_code == 0 and out.exists()
    assert not [
        f
        for f in parse_bytes(_with_text(sample_report, "20"), "x.xlsx").findings
        if f.rule == "xlsx.text_in_number"
    ]
