"""Exports never hand a spreadsheet a formula (issue 11, item 7, OWASP CSV injection): text
beginning with = + - @ (or tab, CR, full-width forms) is written as text in CSV and XLSX, numbers
are left alone, and the 填报 template keeps an agency name as text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from gongkai.write.cellsafe import csv_row, csv_text, risky, xlsx_row

EVIL = ['=HYPERLINK("http://x","点击")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"]


@pytest.mark.parametrize("text", EVIL)
def test_csv_text_is_inert(text: str) -> None:
    assert risky(text) and csv_text(text) == "'" + text


def test_csv_row_leaves_numbers_and_plain_text() -> None:
    assert csv_row([-3, Decimal("-1.5"), "某某局", "=1", None], lambda v: "" if v is None else str(v)) == [
        "-3",
        "-1.5",
        "某某局",
        "'=1",
        "",
    ]


def test_xlsx_row_writes_text_not_formulas(tmp_path: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("a")
    ws.append(xlsx_row(ws, [*EVIL, 5, "=SUM(1)"]))
    wb.save(tmp_path / "a.xlsx")
    got = openpyxl.load_workbook(tmp_path / "a.xlsx")["a"]
    cells = next(iter(got.iter_rows()))
    assert [c.value for c in cells] == [*EVIL, 5, "=SUM(1)"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells if isinstance(c.value, str))


def _records() -> list:
    from gongkai.analyse.sample import synthetic_records

    recs = synthetic_records(3, seed=3)
    recs[0].agency = '=HYPERLINK("http://evil","点击")'
    recs[1].agency = "@SUM(1+1)"
    return recs


def test_export_csv_and_xlsx_keep_agency_names_as_text(tmp_path: Path) -> None:
    from gongkai.analyse.export import export_records

    recs = _records()
    export_records(recs, tmp_path / "a.csv", "csv")
    text = (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = {c for r in rows for c in r}
    assert '\'=HYPERLINK("http://evil","点击")' in cells and "'@SUM(1+1)" in cells
    assert not any(c.startswith(("=", "@")) for c in cells)
    export_records(recs, tmp_path / "a.xlsx", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    values = {c.value for row in wb["数据"].iter_rows() for c in row}
    assert '=HYPERLINK("http://evil","点击")' in values


def test_template_keeps_agency_name_as_text(tmp_path: Path) -> None:
    from gongkai.write.template import build_template

    wb = build_template("2021", year=2023, agency="=1+2")
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(tmp_path / "t.xlsx")
    hits = [c for ws in back.worksheets for row in ws.iter_rows() for c in row if c.value == "=1+2"]
    assert hits and all(c.data_type == "s" for c in hits)
