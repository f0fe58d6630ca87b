"""The 填报 workbook: layout, formulas, validation, protection; filled in, it writes the report.

The flow a clerk follows is replayed: ``gongkai template`` makes the workbook, openpyxl types in
the parts of a valid generated report (never the totals), ``gongkai write`` reads it, computes
the totals from the parts and writes the report, whose totals must equal the truth. A workbook
that does not balance is refused with the findings, unless ``--force``.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import docx
import openpyxl
import pytest
import typer
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from typer.testing import CliRunner

from gongkai.api import parse_bytes
from gongkai.cli.write import register
from gongkai.model.keys import edition
from gongkai.model.report import Report, Status, TableAt
from gongkai.read.text import read_text
from gongkai.read.xlsx import Formulas
from gongkai.synth.compare import compare
from gongkai.synth.generate import generate_report
from gongkai.write.layout import (
    BALANCE_LABEL,
    META_FIELDS,
    META_VALUE_COL,
    SECTIONS_TOP,
    TABLE_TOP,
    TEMPLATE_META_SHEET,
    TEMPLATE_SHEETS,
    TEMPLATE_TABLE_SHEETS,
    balance_row,
    format_value,
    grid,
    grids,
    totals,
)
from gongkai.write.template import formulas, sheet_position, write_template


def synth(seed: int, edition_key: str, profile: str = "medium") -> Report:
    return generate_report(random.Random(seed), edition_key, profile)  # type: ignore[arg-type]


def cli() -> typer.Typer:
    app = typer.Typer(context_settings={"help_option_names": []}, rich_markup_mode="rich")

    @app.callback()
    def _root() -> None:
        """test app"""

    register(app)
    return app


def invoke(*args: str) -> SimpleNamespace:
    result = CliRunner().invoke(cli(), list(args), env={"COLUMNS": "200"})
    return SimpleNamespace(exit_code=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def fill(path: Path, report: Report, out: Path, *, skip: tuple[str, ...] = ()) -> Path:
    """Type a report's parts, meta and prose into the template at ``path``, as a clerk would."""
    wb = openpyxl.load_workbook(path)
    ed = report.meta.edition
    sums = totals(ed)
    for g in grids(ed):
        ws = wb.worksheets[TEMPLATE_TABLE_SHEETS[g.key]]
        for c in g.values():
            assert c.address is not None
            if c.address in sums or c.address in skip:
                continue
            value = report.cell(c.address).value
            r, k = sheet_position(g, c.address)
            ws.cell(r + 1, k + 1).value = float(value) if isinstance(value, Decimal) else value
    meta = wb.worksheets[TEMPLATE_META_SHEET]
    rows = {f: row for f, _, row in META_FIELDS}
    meta.cell(rows["agency"] + 1, META_VALUE_COL + 1).value = report.meta.agency
    meta.cell(rows["year"] + 1, META_VALUE_COL + 1).value = report.meta.year
    for i, s in enumerate(edition(ed).sections):
        meta.cell(SECTIONS_TOP + i + 1, META_VALUE_COL + 1).value = report.sections.get(s.key) or None
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def empty_2021(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "填报表.xlsx"
    result = invoke("template", "--to", "xlsx", "--year", "2024", "--agency", "某某市某某局", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    return path


# --- the workbook ------------------------------------------------------------------------------


def test_sheets_and_layout(empty_2021: Path) -> None:
    wb = openpyxl.load_workbook(empty_2021)
    assert wb.sheetnames == list(TEMPLATE_SHEETS)
    for g in grids("2021"):
        ws = wb.worksheets[TEMPLATE_TABLE_SHEETS[g.key]]
        merged = {str(r) for r in ws.merged_cells.ranges}
        for c in g.cells:
            cell = ws.cell(TABLE_TOP + c.row + 1, c.col + 1)
            if c.kind != "value":
                assert cell.value == c.text
            if c.merged:
                first = cell.coordinate
                last = ws.cell(TABLE_TOP + c.last_row + 1, c.last_col + 1).coordinate
                assert f"{first}:{last}" in merged, (g.key, c.text)
    requests = wb.worksheets[TEMPLATE_TABLE_SHEETS["requests"]]
    assert requests["A4"].value.startswith("（本列数据的勾稽关系为")
    assert requests.cell(balance_row(grid("2021", "requests")) + 1, 1).value == BALANCE_LABEL
    meta = wb.worksheets[TEMPLATE_META_SHEET]
    assert meta["B3"].value == "某某市某某局" and meta["B4"].value == 2024
    assert str(meta["B5"].value).startswith("=IF(")  # the title follows agency and year
    assert "2021年版" in meta["B6"].value
    assert "gongkai write" in " ".join(
        str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value
    )


def test_every_total_is_a_formula_and_locked(empty_2021: Path) -> None:
    wb = openpyxl.load_workbook(empty_2021)
    sums = formulas("2021")
    assert len(sums) == len(totals("2021")) == 34
    for g in grids("2021"):
        ws = wb.worksheets[TEMPLATE_TABLE_SHEETS[g.key]]
        assert ws.protection.sheet
        for c in g.values():
            r, k = sheet_position(g, c.address)  # type: ignore[arg-type]
            cell = ws.cell(r + 1, k + 1)
            if c.address in sums:
                assert cell.value == sums[c.address] and cell.value.startswith("=SUM(")
                assert cell.protection.locked
            else:
                assert cell.value is None and not cell.protection.locked
    ws = wb.worksheets[TEMPLATE_TABLE_SHEETS["requests"]]
    g = grid("2021", "requests")
    r, k = sheet_position(g, "requests.granted.total")
    assert ws.cell(r + 1, k + 1).value == f"=SUM(D{r + 1}:I{r + 1})"
    r, k = sheet_position(g, "requests.total_processed.natural_person")
    first, _ = sheet_position(g, "requests.granted.natural_person")
    assert ws.cell(r + 1, k + 1).value == f"=SUM(D{first + 1}:D{r})"


def test_validation_and_print_setup(empty_2021: Path) -> None:
    wb = openpyxl.load_workbook(empty_2021)
    for key, index in TEMPLATE_TABLE_SHEETS.items():
        ws = wb.worksheets[index]
        rules = ws.data_validations.dataValidation
        by_type = {dv.type: dv for dv in rules}
        assert "whole" in by_type and by_type["whole"].formula1 == "0"
        covered = {
            (r, k)
            for dv in rules
            for rng in dv.sqref.ranges
            for r in range(rng.min_row - 1, rng.max_row)
            for k in range(rng.min_col - 1, rng.max_col)
        }
        g = grid("2021", key)
        inputs = {
            sheet_position(g, c.address) for c in g.values() if c.address and c.address not in totals("2021")
        }
        assert inputs <= covered, key
        assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) == 1  # A4
    active = wb.worksheets[TEMPLATE_TABLE_SHEETS["active_disclosure"]]
    assert any(dv.type == "decimal" for dv in active.data_validations.dataValidation)  # the fee
    assert wb.worksheets[TEMPLATE_TABLE_SHEETS["appeals"]].page_setup.orientation == "landscape"
    assert wb.worksheets[TEMPLATE_TABLE_SHEETS["requests"]].print_title_rows == "$4:$6"


@pytest.mark.parametrize("edition_key", ["2021", "2019"])
def test_formulas_compute_the_totals(edition_key: str, tmp_path: Path) -> None:
    """What Excel shows: the template's own formulas over the typed parts give the truth."""
    truth = synth(11, edition_key, "large")
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_template(edition_key))
    filled = openpyxl.load_workbook(fill(path, truth, tmp_path / "f.xlsx"))
    for g in grids(edition_key):
        ws = filled.worksheets[TEMPLATE_TABLE_SHEETS[g.key]]

        def value(
            row: int, col: int, ws: openpyxl.worksheet.worksheet.Worksheet = ws
        ) -> int | Decimal | None:
            v = ws.cell(row + 1, col + 1).value
            if isinstance(v, str) and v.startswith("="):
                return Formulas(value).evaluate(v)
            return v

        for address, formula in formulas(edition_key).items():
            if address.startswith(g.key + "."):
                assert Formulas(value).evaluate(formula) == truth.cell(address).value, address


# --- filled in, then written ---------------------------------------------------------------------


def docx_lines(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, d).text)
        elif child.tag == qn("w:tbl"):
            seen: list[object] = []
            for row in Table(child, d).rows:
                texts = []
                for cell in row.cells:
                    tc = cell._tc
                    texts.append("" if any(tc is s for s in seen) else cell.text)
                    seen.append(tc)
                lines.append("\t".join(texts))
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("seed", "edition_key", "profile"),
    [(1, "2021", "medium"), (2, "2021", "large"), (3, "2019", "sparse"), (4, "2021", "zero")],
)
def test_filled_parts_write_a_report_with_the_true_totals(
    seed: int, edition_key: str, profile: str, tmp_path: Path
) -> None:
    truth = synth(seed, edition_key, profile)
    template = tmp_path / "t.xlsx"
    assert invoke("template", "-o", str(template), "--edition", edition_key).exit_code == 0
    filled = fill(template, truth, tmp_path / "filled.xlsx")
    got = parse_bytes(filled.read_bytes(), "filled.xlsx")
    cmp = compare(truth, got)
    assert cmp.ok and cmp.share == 1.0, cmp.wrong[:3]
    # openpyxl caches no formula values: the totals are computed from their parts, so inferred
    assert {f.rule for f in got.findings} <= {"cell.inferred"}, [f.message for f in got.findings]
    for address in totals(edition_key):
        cell = got.cell(address)
        assert cell.status == Status.INFERRED and cell.value == truth.cell(address).value
        assert cell.raw.startswith("=SUM(")
        assert isinstance(cell.at, TableAt) and cell.at.table == TEMPLATE_TABLE_SHEETS[address.split(".")[0]]
    assert got.meta.title == f"{truth.meta.agency}{truth.meta.year}年政府信息公开工作年度报告"
    assert got.meta.year == truth.meta.year and got.meta.edition == edition_key
    assert got.sections["overview"] == truth.sections["overview"]
    out = tmp_path / "report.docx"
    result = invoke("write", str(filled), "--to", "docx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    back = read_text(docx_lines(out.read_bytes()))
    cmp = compare(truth, back)
    assert cmp.ok and cmp.share == 1.0, cmp.wrong[:3]


def test_fee_decimals_from_the_workbook(tmp_path: Path) -> None:
    truth = synth(5, "2021", "medium")
    truth.tables["active_disclosure"]["fees"]["amount"].value = Decimal("216.5875")
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_template("2021"))
    got = parse_bytes(fill(path, truth, tmp_path / "f.xlsx").read_bytes(), "f.xlsx")
    fee = got.cell("active_disclosure.fees.amount")
    assert fee.value == Decimal("216.5875") and isinstance(fee.value, Decimal) and fee.raw == "216.5875"


def test_unbalanced_workbook_is_refused_unless_forced(empty_2021: Path, tmp_path: Path) -> None:
    truth = synth(6, "2021", "medium")
    filled = fill(empty_2021, truth, tmp_path / "bad.xlsx")
    wb = openpyxl.load_workbook(filled)
    g = grid("2021", "requests")
    r, k = sheet_position(g, "requests.new_received.natural_person")
    ws = wb.worksheets[TEMPLATE_TABLE_SHEETS["requests"]]
    ws.cell(r + 1, k + 1).value = int(truth.cell("requests.new_received.natural_person").value or 0) + 5  # type: ignore[arg-type]
    wb.save(filled)
    out = tmp_path / "bad.docx"
    result = invoke("write", str(filled), "--to", "docx", "-o", str(out))
    assert result.exit_code == 1
    assert "未生成" in result.stderr and "requests.balance" in result.stderr and "自然人" in result.stderr
    assert not out.exists()
    forced = invoke("write", str(filled), "--to", "docx", "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert out.is_file()


def test_a_total_typed_over_is_read_as_typed(empty_2021: Path, tmp_path: Path) -> None:
    truth = synth(7, "2021", "medium")
    filled = fill(empty_2021, truth, tmp_path / "typed.xlsx")
    wb = openpyxl.load_workbook(filled)
    g = grid("2021", "appeals")
    r, k = sheet_position(g, "appeals.reconsideration.total")
    wb.worksheets[TEMPLATE_TABLE_SHEETS["appeals"]].cell(r + 1, k + 1).value = 999
    wb.save(filled)
    got = parse_bytes(filled.read_bytes(), "typed.xlsx")
    assert got.cell("appeals.reconsideration.total").value == 999
    assert any(f.rule == "appeals.row_total" for f in got.findings)
    assert invoke("write", str(filled), "--to", "txt").exit_code == 1


def test_blank_parts_are_missing_not_zero(empty_2021: Path, tmp_path: Path) -> None:
    truth = synth(8, "2021", "zero")
    blank = "requests.granted.research_institution"
    got = parse_bytes(fill(empty_2021, truth, tmp_path / "b.xlsx", skip=(blank,)).read_bytes(), "b.xlsx")
    assert got.cell(blank).status == Status.MISSING and got.cell(blank).value is None
    # its row and column totals cannot be computed from the typed parts alone
    assert got.cell("requests.granted.total").status == Status.MISSING
    assert got.cell("requests.total_processed.research_institution").status == Status.MISSING
    assert not compare(truth, got).wrong
    assert any(f.rule == "cell.blank" for f in got.findings)
    result = invoke("write", str(tmp_path / "b.xlsx"), "--to", "md")
    assert (
        result.exit_code == 0 and "cell.blank" in result.stderr
    )  # a warning: written, with the blank left empty


def test_typed_title_and_empty_sections(empty_2021: Path, tmp_path: Path) -> None:
    truth = synth(9, "2021", "sparse")
    truth.sections["other_matters"] = ""
    filled = fill(empty_2021, truth, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(filled)
    rows = {f: row for f, _, row in META_FIELDS}
    wb.worksheets[TEMPLATE_META_SHEET].cell(
        rows["title"] + 1, META_VALUE_COL + 1
    ).value = "自拟标题2024年政府信息公开工作年度报告"
    wb.save(filled)
    got = parse_bytes(filled.read_bytes(), "m.xlsx")
    assert got.meta.title == "自拟标题2024年政府信息公开工作年度报告"
    assert got.sections["other_matters"] == ""
    assert not [f for f in got.findings if f.rule == "section.missing"]
    result = invoke("write", str(filled), "--to", "txt")
    assert result.exit_code == 0, result.stderr
    assert "六、其他需要报告的事项\n\n无。" in result.stdout


def test_template_cli_options(tmp_path: Path) -> None:
    out = tmp_path / "t19.xlsx"
    result = invoke("template", "-o", str(out), "--year", "2020")
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    assert "2019年版" in wb.worksheets[TEMPLATE_META_SHEET]["B6"].value  # the year's edition
    active = wb.worksheets[TEMPLATE_TABLE_SHEETS["active_disclosure"]]
    assert "第二十条第（九）项" in [c.value for row in active.iter_rows() for c in row]
    mismatch = invoke("template", "-o", str(tmp_path / "x.xlsx"), "--year", "2023", "--edition", "2019")
    assert mismatch.exit_code == 0 and "应使用 2021 年版" in mismatch.stderr
    assert invoke("template", "--year", "2023").exit_code == 2  # -o is required
    assert invoke("template", "-o", str(tmp_path / "y.xlsx"), "--to", "docx").exit_code == 2
    assert invoke("template", "-o", str(tmp_path / "y.xlsx"), "--year", "1999").exit_code == 2
    help_text = invoke("template", "-h").stdout
    assert "填报表" in help_text and "--agency" in help_text


def test_prefilled_template_from_a_report(tmp_path: Path) -> None:
    truth = synth(10, "2019", "large")
    got = parse_bytes(write_template(report=truth), "p.xlsx")
    cmp = compare(truth, got)
    assert cmp.ok and cmp.share == 1.0
    assert got.meta.title == truth.meta.title
    fee = got.cell("active_disclosure.procurement.amount")
    assert fee.value == truth.cell("active_disclosure.procurement.amount").value
    assert format_value(fee.value) == format_value(truth.cell("active_disclosure.procurement.amount").value)
