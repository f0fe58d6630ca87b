"""Exports: wide and long rows, exact values in CSV/JSON/Parquet, the XLSX for people."""

from __future__ import annotations

import csv
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongkai.analyse.export import ExportInfo, export_records, text_value
from gongkai.analyse.frame import (
    LONG_COLUMNS,
    WIDE_META,
    Frame,
    address_header,
    long_frame,
    union_addresses,
    wide_frame,
)
from gongkai.analyse.sample import record_with, synthetic_records
from gongkai.errors import InputError
from gongkai.model.keys import edition
from gongkai.model.report import Finding, Severity
from gongkai.store.records import ReportRecord
from gongkai.synth.generate import generate_report

FEES = "active_disclosure.fees.amount"
PROCUREMENT = "active_disclosure.procurement.amount"


@pytest.fixture(scope="module")
def records() -> list[ReportRecord]:
    """Several agencies, regions and years, both editions; corrections, findings, unknown cells."""
    recs = synthetic_records(30, seed=11, p_corrected=0.3, p_error=0.3, p_unknown=0.3)
    # exact decimals that a float would spoil, and a report straight from synth.generate
    recs[0].report.cell(FEES if recs[0].edition == "2021" else PROCUREMENT).value = Decimal(
        "12345678901.2345"
    )
    report = generate_report(random.Random(5), "2021", "medium", 2022)
    recs.append(
        ReportRecord(
            report_id=999,
            agency_id=999,
            agency=report.meta.agency or "某局",
            region=None,  # unknown region: sorted last
            region_path=(),
            year=2022,
            edition="2021",
            report=report,
        )
    )
    assert {r.edition for r in recs} == {"2019", "2021"}
    assert any(r.corrected for r in recs) and any(r.findings for r in recs)
    return recs


def expected_value(rec: ReportRecord, address: str) -> int | Decimal | None:
    if address not in edition(rec.edition).addresses:
        return None
    cell = rec.report.cell(address)
    return cell.value if cell.known else None


def parse(kind: str, text: str | None) -> Any:
    """Typed value of a CSV field."""
    if text in (None, ""):
        return None
    if kind == "amount":
        return Decimal(text)
    if kind in ("count", "signed", "int"):
        return int(text)
    if kind == "bool":
        return text == "true"
    return text


# -- frames ----------------------------------------------------------------------------------


def test_union_of_editions_keeps_the_official_order() -> None:
    both = union_addresses(["2019", "2021"])
    assert set(both) == set(edition("2021").addresses) | set(edition("2019").addresses)
    assert len(both) == len(set(both))
    i = both.index
    assert i("requests.rejected_confirmation.total") < i("requests.other_handling.natural_person")
    assert i("requests.other_handling.total") < i("requests.other_overdue_correction.natural_person")
    assert i("active_disclosure.rules.in_force") < i("active_disclosure.rules.made")
    assert union_addresses(["2021"]) == edition("2021").addresses


def test_chinese_headers() -> None:
    assert address_header("requests.granted.natural_person") == "依申请·（一）予以公开·自然人"
    assert (
        address_header("requests.withheld_state_secret.total") == "依申请·（三）不予公开·1.属于国家秘密·总计"
    )
    assert (
        address_header("appeals.litigation_direct.corrected") == "复议诉讼·行政诉讼·未经复议直接起诉·结果纠正"
    )
    headers = [address_header(a) for a in union_addresses(["2019", "2021"])]
    assert len(set(headers)) == len(headers)


def test_wide_frame_has_every_cell_once_and_nulls_for_the_other_edition(records: list[ReportRecord]) -> None:
    fr = wide_frame(records)
    assert len(fr.rows) == len(records)
    keys = [c.key for c in fr.columns]
    for row, rec in zip(fr.rows, fr.records, strict=True):
        values = dict(zip(keys, row, strict=True))
        assert values["report_id"] == rec.report_id
        for c in fr.columns[len(WIDE_META) :]:
            assert values[c.key] == expected_value(rec, c.key)
            if c.key not in edition(rec.edition).addresses:
                assert values[c.key] is None


def test_rows_are_ordered_by_region_agency_year(records: list[ReportRecord]) -> None:
    shuffled = list(records)
    random.Random(1).shuffle(shuffled)
    fr = wide_frame(shuffled)
    assert [r.report_id for r in fr.records] == [r.report_id for r in wide_frame(records).records]
    keys = [
        ("/".join(r.region_path) or r.region or "", r.agency, r.year) for r in fr.records if r.region_path
    ]
    assert keys == sorted(keys)
    assert fr.records[-1].report_id == 999  # no region path: last


def test_long_frame_one_row_per_cell(records: list[ReportRecord]) -> None:
    fr = long_frame(records)
    assert len(fr.rows) == sum(len(edition(r.edition).addresses) for r in records)
    cols = [c.key for c in LONG_COLUMNS]
    assert cols[:9] == [
        "report_id",
        "agency",
        "region",
        "year",
        "edition",
        "table",
        "row",
        "column",
        "address",
    ]
    by_id = {r.report_id: r for r in records}
    for row in fr.rows:
        d = dict(zip(cols, row, strict=True))
        rec = by_id[d["report_id"]]
        assert d["address"] == f"{d['table']}.{d['row']}.{d['column']}"
        assert d["value"] == expected_value(rec, d["address"])
        assert d["status"] == rec.report.cell(d["address"]).status
        assert d["corrected"] == (d["address"] in rec.corrected)


# -- round trips -----------------------------------------------------------------------------


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("shape", ["wide", "long"])
def test_csv_round_trip(records: list[ReportRecord], tmp_path: Path, shape: str) -> None:
    out = tmp_path / f"x.{shape}.csv"
    fr = export_records(records, out, "csv", shape=shape)  # type: ignore[arg-type]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = _csv_rows(out)
    assert rows[0] == fr.headers("key")
    kinds = [c.kind for c in fr.columns]
    assert len(rows) == len(fr.rows) + 1
    for got, want in zip(rows[1:], fr.rows, strict=True):
        assert [parse(k, t) for k, t in zip(kinds, got, strict=True)] == [
            v if k != "amount" or v is None else Decimal(v) for k, v in zip(kinds, want, strict=True)
        ]
    if shape == "wide":
        assert "12345678901.2345" in out.read_text(encoding="utf-8-sig")


def _frame_value_json(v: Any) -> Any:
    return format(v, "f") if isinstance(v, Decimal) else v


@pytest.mark.parametrize("shape", ["wide", "long"])
def test_json_round_trip(records: list[ReportRecord], tmp_path: Path, shape: str) -> None:
    out = tmp_path / f"x.{shape}.json"
    fr = export_records(records, out, "json", shape=shape, headers="zh")  # type: ignore[arg-type]
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "gongkai.export/1" and doc["shape"] == shape
    assert doc["editions"] == ["2021", "2019"]
    assert [c["name"] for c in doc["columns"]] == fr.headers("zh")
    assert len(doc["rows"]) == len(fr.rows)
    names = fr.headers("zh")
    for got, want in zip(doc["rows"], fr.rows, strict=True):
        assert list(got) == names
        assert list(got.values()) == [_frame_value_json(v) for v in want]
    # counts are JSON integers, amounts strings, unknowns null
    values = [v for row in doc["rows"] for v in row.values()]
    assert not any(isinstance(v, float) for v in values)
    assert None in values
    assert len(doc["findings"]) == sum(len(r.findings) for r in records)


@pytest.mark.parametrize("shape", ["wide", "long"])
def test_parquet_round_trip(records: list[ReportRecord], tmp_path: Path, shape: str) -> None:
    out = tmp_path / f"x.{shape}.parquet"
    fr = export_records(records, out, "parquet", shape=shape)  # type: ignore[arg-type]
    table = pq.read_table(out)
    schema = table.schema
    for c in fr.columns:
        t = schema.field(c.key).type
        if c.kind == "amount":
            assert t == pa.decimal128(18, 4), c.key
        elif c.kind in ("count", "signed", "int"):
            assert t == pa.int64(), c.key
    got = table.to_pylist()
    kinds = {c.key: c.kind for c in fr.columns}
    for row, want in zip(got, fr.rows, strict=True):
        values = list(row.values())
        for (k, v), w in zip(zip(row.keys(), values, strict=True), want, strict=True):
            if kinds[k] == "amount" and v is not None:
                assert v == Decimal(w)
            else:
                assert v == w, k
    meta = json.loads(schema.metadata[b"gongkai"])
    assert meta["shape"] == shape


def test_parquet_refuses_to_round_an_amount(tmp_path: Path) -> None:
    rec = record_with(
        {FEES: Decimal("1.23456")}, report_id=1, agency="某局", region_path=("某省",), year=2022
    )
    with pytest.raises(InputError, match="无损"):
        export_records([rec], tmp_path / "x.parquet", "parquet")
    assert not (tmp_path / "x.parquet").exists() and not (tmp_path / "x.parquet.part").exists()


def test_exports_are_deterministic(
    records: list[ReportRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    shuffled = list(records)
    random.Random(3).shuffle(shuffled)
    for fmt in ("csv", "json", "parquet"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        export_records(records, a, fmt)  # type: ignore[arg-type]
        export_records(shuffled, b, fmt)  # type: ignore[arg-type]
        assert a.read_bytes() == b.read_bytes(), fmt
    assert "2023-11-15T06:13:20+08:00" in (tmp_path / "a.json").read_text(encoding="utf-8")


def test_stdout_only_for_text_formats(records: list[ReportRecord]) -> None:
    with pytest.raises(InputError, match="标准输出"):
        export_records(records, "-", "parquet")


def test_text_values_are_exact() -> None:
    assert text_value(Decimal("0.1000")) == "0.1000"
    assert text_value(Decimal("1E+3")) == "1000"
    assert text_value(None) == ""
    assert text_value(-3) == "-3"


# -- XLSX ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(records: list[ReportRecord], tmp_path_factory: pytest.TempPathFactory) -> tuple[Frame, Any]:
    out = tmp_path_factory.mktemp("xlsx") / "x.xlsx"
    info = ExportInfo(filters={"region": "江苏省", "year": None, "agency": None})
    fr = export_records(records, out, "xlsx", headers="zh", info=info)
    return fr, openpyxl.load_workbook(out)


def test_xlsx_sheets_headers_and_frozen_panes(workbook: tuple[Frame, Any]) -> None:
    fr, wb = workbook
    assert wb.sheetnames == ["数据", "问题", "字段", "说明"]
    ws = wb["数据"]
    assert ws.freeze_panes == "F2"  # the header row and 报告编号…年度 stay in view
    headers = [c.value for c in ws[1]]
    assert headers == fr.headers("zh")
    assert "依申请·（一）予以公开·自然人" in headers and headers[:2] == ["报告编号", "机关"]
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}{len(fr.rows) + 1}"
    assert ws.max_row == len(fr.rows) + 1
    # widths follow the text: the agency column is wider than the year column
    dims = ws.column_dimensions
    assert dims["B"].width > dims["E"].width >= 6
    assert ws["B1"].font.bold


def test_xlsx_values_formats_and_highlights(workbook: tuple[Frame, Any]) -> None:
    fr, wb = workbook
    ws = wb["数据"]
    col = {c.key: i + 1 for i, c in enumerate(fr.columns)}
    seen_corrected = 0
    for r, rec in enumerate(fr.records, start=2):
        assert ws.cell(r, col["report_id"]).value == rec.report_id
        total = ws.cell(r, col["requests.new_received.total"])
        assert total.value == expected_value(rec, "requests.new_received.total")
        if total.value is not None:
            assert total.number_format == "#,##0"
        for address in rec.corrected:
            cell = ws.cell(r, col[address])
            assert cell.fill.fgColor.rgb.endswith("FFE699")
            seen_corrected += 1
    assert seen_corrected
    amount = ws.cell(2, col[FEES])
    assert amount.number_format == "#,##0.00##"


def test_xlsx_findings_and_notes(workbook: tuple[Frame, Any], records: list[ReportRecord]) -> None:
    _, wb = workbook
    findings = wb["问题"]
    assert findings.freeze_panes == "E2"
    assert [c.value for c in findings[1]] == [
        "报告编号",
        "机关",
        "地区",
        "年度",
        "级别",
        "规则",
        "单元格",
        "说明",
    ]
    assert findings.max_row - 1 == sum(len(r.findings) for r in records)
    assert {findings.cell(r, 5).value for r in range(2, findings.max_row + 1)} <= {"错误", "警告", "提示"}
    notes = {row[0]: row[1] for row in wb["说明"].iter_rows(values_only=True) if row and row[0]}
    assert notes["筛选条件"] == "地区：江苏省"
    assert notes["生成时间"].endswith("北京时间（东八区）")
    assert str(len(records)) == notes["报告数"]
    fields = list(wb["字段"].iter_rows(values_only=True))
    assert fields[0][:4] == ("列", "列名", "中文名称", "类型")  # zh: no 字段 (key) column
    assert "依申请·（一）予以公开·自然人" in {f[2] for f in fields}


def test_xlsx_long_and_key_headers(records: list[ReportRecord], tmp_path: Path) -> None:
    out = tmp_path / "long.xlsx"
    fr = export_records(records[:3], out, "xlsx", shape="long")
    ws = openpyxl.load_workbook(out)["数据"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [c.key for c in LONG_COLUMNS]
    assert len(rows) == len(fr.rows) + 1
    assert ws.freeze_panes == "E2"
    keys = [c.key for c in LONG_COLUMNS]
    kind, value = keys.index("kind") + 1, keys.index("value") + 1
    formats = {ws.cell(r, kind).value: ws.cell(r, value).number_format for r in range(2, ws.max_row + 1)}
    assert formats["count"] == "#,##0" and formats["amount"] == "#,##0.00##"


def test_empty_selection_still_exports(tmp_path: Path) -> None:
    for fmt in ("csv", "json", "parquet", "xlsx"):
        fr = export_records([], tmp_path / f"e.{fmt}", fmt)  # type: ignore[arg-type]
        assert fr.rows == [] and (tmp_path / f"e.{fmt}").stat().st_size > 0
    assert _csv_rows(tmp_path / "e.csv")[0][:2] == ["report_id", "agency"]


def test_error_counts_in_wide_rows(tmp_path: Path) -> None:
    finding = Finding(rule="requests.balance", severity=Severity.ERROR, cells=[], message="不平衡")
    rec = record_with({}, report_id=1, agency="某局", region_path=("某省",), year=2022, findings=[finding])
    fr = wide_frame([rec])
    row = dict(zip([c.key for c in fr.columns], fr.rows[0], strict=True))
    assert row["errors"] == 1 and row["warnings"] == 0 and row["corrected_cells"] is None
