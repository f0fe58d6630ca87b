"""The workbook reader: any workbook holding the three tables, positions, formulas, safety."""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from gongkai.api import parse_bytes, sniff_format
from gongkai.errors import InputError, NotAReportError
from gongkai.model.report import Report, Source, Status, TableAt
from gongkai.read.xlsx import Formulas, check_zip, match_template, read_xlsx, workbook_text
from gongkai.synth.compare import compare
from gongkai.synth.generate import PROFILES, generate_report
from gongkai.synth.layouts import render
from gongkai.synth.printed import print_report
from gongkai.write.layout import TEMPLATE_TABLE_SHEETS, grids, parts, title_of, totals, value_of
from gongkai.write.template import sheet_position, write_template

CASES = [(seed, ed, PROFILES[seed % len(PROFILES)]) for seed in range(8) for ed in ("2021", "2019")]


def synth(seed: int, edition_key: str, profile: str = "medium") -> Report:
    return generate_report(random.Random(seed), edition_key, profile)  # type: ignore[arg-type]


def source(name: str = "w.xlsx") -> Source:
    return Source(name=name, sha256="", format="xlsx")


def workbook(
    report: Report,
    *,
    one_sheet: bool = True,
    left: int = 1,
    numbers_as_text: bool = False,
    formulas: bool = False,
) -> bytes:
    """A workbook someone made by hand: title and headings in cells, the tables with merged
    cells, somewhere on one sheet or one table per sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "报告"
    row = 1
    ws.cell(row, left + 1, title_of(report))
    row += 2
    value = value_of(report)
    for part in parts(report):
        if not one_sheet and part.grid is not None:
            ws = wb.create_sheet(part.heading[:31])
            row = 1
        else:
            ws.cell(row, left + 1, part.heading)
            row += 1
        for p in part.paragraphs:
            ws.cell(row, left + 1, p)
            row += 1
        if part.grid is None:
            continue
        g = part.grid
        for c in g.cells:
            r, k = row + c.row, left + 1 + c.col
            if c.merged:
                ws.merge_cells(
                    start_row=r, start_column=k, end_row=r + c.rowspan - 1, end_column=k + c.colspan - 1
                )
            if c.address is None:
                ws.cell(r, k, c.text)
                continue
            text = value(c.address)
            if formulas and c.address.endswith(".total") and c.address.startswith("appeals."):
                ws.cell(r, k, f"=SUM({_col(k - 4)}{r}:{_col(k - 1)}{r})")
            elif text:
                ws.cell(r, k, text if numbers_as_text else (float(text) if "." in text else int(text)))
        row += g.n_rows + 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _col(k: int) -> str:
    return openpyxl.utils.get_column_letter(k)


@pytest.mark.parametrize(("seed", "edition_key", "profile"), CASES)
def test_any_workbook_reads_back(seed: int, edition_key: str, profile: str) -> None:
    truth = synth(seed, edition_key, profile)
    variants = [
        {},
        {"one_sheet": False},
        {"numbers_as_text": True, "left": 0},
        {"formulas": True},
    ]
    for kw in variants[seed % 2 :: 2] if seed > 1 else variants:
        data = workbook(truth, **kw)
        assert sniff_format(data) == "xlsx"
        got = parse_bytes(data, "w.xlsx")
        cmp = compare(truth, got)
        assert cmp.ok and cmp.share == 1.0, (kw, cmp.wrong[:3], cmp.meta_errors)
        assert got.meta.title == truth.meta.title and got.source.format == "xlsx"


def text_workbook(text: str) -> bytes:
    """Text copied into a spreadsheet: one line a row, tab-separated cells in columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, line in enumerate(text.splitlines(), start=1):
        for c, cell in enumerate(line.split("\t"), start=1):
            if cell.strip():
                ws.cell(r, c, cell)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("seed", range(16))
def test_pasted_text_layouts_read_back(seed: int) -> None:
    """Workbooks not in the official grid (labels run together, group labels on rows of their
    own…) go through the text reader: never a wrong number, every cell found."""
    rng = random.Random(seed)
    truth = generate_report(rng, ("2021", "2019")[seed % 2])
    layout = ("tab", "markdown_tab")[seed // 2 % 2]
    data = text_workbook(render(print_report(truth, rng), layout, rng))
    got = parse_bytes(data, "pasted.xlsx")
    cmp = compare(truth, got)
    assert not cmp.wrong and not cmp.meta_errors, (layout, cmp.wrong[:3], cmp.meta_errors)
    assert cmp.share >= 0.99, (layout, cmp.share)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for address, cell in got.cells():
        if cell.status == Status.READ:
            assert isinstance(cell.at, TableAt), address
            v = wb.worksheets[cell.at.table].cell(cell.at.row + 1, cell.at.col + 1).value
            assert v is not None and Decimal(str(v).replace(",", "")) == Decimal(cell.value), address  # type: ignore[arg-type]


def test_positions_point_at_the_sheet_cells() -> None:
    truth = synth(3, "2021", "large")
    data = workbook(truth, one_sheet=False, left=2)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    got = read_xlsx(data, source())
    for address, cell in got.cells():
        assert isinstance(cell.at, TableAt), address
        v = wb.worksheets[cell.at.table].cell(cell.at.row + 1, cell.at.col + 1).value
        assert Decimal(str(v)) == Decimal(cell.value), address  # type: ignore[arg-type]
    assert got.cell("requests.new_received.natural_person").at == TableAt(table=2, row=3, col=5)


def test_template_positions_and_match() -> None:
    truth = synth(4, "2019", "sparse")
    data = write_template(report=truth)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    match = match_template(wb)
    assert match is not None and match.edition == "2019"
    assert match.sheets == {"active_disclosure": 2, "requests": 3, "appeals": 4}
    assert match.origins["requests"] == (3, 0) and match.meta == (1, 0, 0)
    got = read_xlsx(data, source())
    at = got.cell("appeals.litigation_direct.upheld").at
    assert at == TableAt(table=4, row=6, col=5)
    # an edited note keeps the template; a row label changed makes it someone else's workbook
    wb.worksheets[3]["A4"] = "（本列数据的勾稽关系：一加二等于三加四）"
    assert match_template(_saved(wb)) is not None
    wb.worksheets[3]["B9"] = "（二）部分公开"
    assert match_template(_saved(wb)) is None
    cmp = compare(truth, read_xlsx(_bytes(wb), source()))
    assert not cmp.wrong and cmp.share > 0.9


def _bytes(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _saved(wb: openpyxl.Workbook) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(_bytes(wb)))


def test_official_layout_anywhere_is_read_by_position() -> None:
    """Someone else's workbook with the tables laid out as printed, not where the template puts
    them: numbers by position, title and prose by the text reader."""
    truth = synth(12, "2021", "large")
    data = workbook(truth, one_sheet=False, left=2)
    match = match_template(openpyxl.load_workbook(io.BytesIO(data)))
    assert match is not None and match.meta is None
    assert match.origins == {"active_disclosure": (0, 2), "requests": (0, 2), "appeals": (0, 2)}
    got = read_xlsx(data, source())
    assert compare(truth, got).ok and got.meta.title == truth.meta.title and got.meta.year == truth.meta.year
    assert got.sections["problems"] == truth.sections["problems"]


def test_template_with_sheets_moved_is_still_the_template() -> None:
    truth = synth(5, "2021", "medium")
    wb = openpyxl.load_workbook(io.BytesIO(write_template(report=truth)))
    wb.remove(wb.worksheets[0])  # the instructions deleted
    wb.move_sheet(wb.worksheets[-1], offset=-3)  # 四 first
    buf = io.BytesIO()
    wb.save(buf)
    got = read_xlsx(buf.getvalue(), source())
    cmp = compare(truth, got)
    assert cmp.ok and cmp.share == 1.0
    assert got.cell("appeals.reconsideration.total").at.table == 0  # type: ignore[union-attr]
    assert got.meta.agency == truth.meta.agency


def test_formulas() -> None:
    grid = {(0, 0): 1, (1, 0): 2, (2, 0): 3, (0, 1): Decimal("1.5"), (5, 5): None}
    f = Formulas(lambda r, c: grid.get((r, c), 0))
    assert f.evaluate("=SUM(A1:A3)") == 6
    assert f.evaluate("=sum(A1:A3, B1)") == Decimal("7.5")
    assert f.evaluate("=A1+A2-A3") == 0
    assert f.evaluate("=$A$1+10") == 11
    assert f.evaluate("=A1*2") is None  # not supported: unknown, never a guess
    assert f.evaluate("=F6+1") is None  # an unknown cell
    assert f.evaluate("=AVERAGE(A1:A3)") is None
    assert f.evaluate("=SUM(A1:Z9999)") is None  # too large a range


def test_cached_formula_values_are_used() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = "一、总体情况", 2, 3, "=SUM(A2:A3)"
    ws["A5"] = "=A2*A3"
    buf = io.BytesIO()
    wb.save(buf)
    data = _with_cached(buf.getvalue(), {"A5": "6"})
    formulas: dict[tuple[int, int, int], str] = {}
    text, where = workbook_text(data, openpyxl.load_workbook(io.BytesIO(data)), "w.xlsx", (), formulas)
    # the cached value as the file holds it; a formula never calculated is blank, never computed
    assert text.splitlines()[:5] == ["一、总体情况", "2", "3", "", "6"]
    assert where[2] == (0, 1)
    assert formulas == {(0, 3, 0): "=SUM(A2:A3)", (0, 4, 0): "=A2*A3 → 6"}


def _with_cached(data: bytes, values: dict[str, str]) -> bytes:
    """Give formula cells a cached value, as Excel saves them."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = body.decode()
                for ref, v in values.items():
                    xml = re.sub(
                        rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f><v\s*/?>(</v>)?', rf"\1<f>\2</f><v>{v}</v>", xml
                    )
                body = xml.encode()
            dst.writestr(info, body)
    return out.getvalue()


def test_blanks_and_placeholders_in_the_template() -> None:
    truth = synth(6, "2021", "zero")
    wb = openpyxl.load_workbook(io.BytesIO(write_template(report=truth)))
    ws = wb.worksheets[2]
    ws["B6"] = "/"  # 规章 本年制发件数
    ws["C6"] = " 1,234 "
    ws["D6"] = "约5件"
    buf = io.BytesIO()
    wb.save(buf)
    got = read_xlsx(buf.getvalue(), source())
    issued, repealed, in_force = (
        got.cell(f"active_disclosure.rules.{c}") for c in ("issued", "repealed", "in_force")
    )
    assert (issued.status, issued.raw, issued.value) == (Status.MISSING, "/", None)
    assert (repealed.status, repealed.value) == (Status.READ, 1234)
    assert (in_force.status, in_force.raw) == (Status.MISSING, "约5件")


def test_not_a_report() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "员工名单"
    wb.active["A2"] = "张三"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(NotAReportError) as e:
        parse_bytes(buf.getvalue(), "x.xlsx")
    assert "gongkai template" in e.value.message


def test_broken_and_oversized_files() -> None:
    with pytest.raises(InputError, match="过大"):
        check_zip(b"PK\x03\x04" + b"\0" * (20 * 1024 * 1024 + 1), "big.xlsx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(InputError, match="压缩比"):
        read_xlsx(bomb.getvalue(), source())
    entity = io.BytesIO()
    with zipfile.ZipFile(entity, "w") as z:
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workbook/>')
    with pytest.raises(InputError, match="实体"):
        read_xlsx(entity.getvalue(), source())
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("xl/workbook.xml", "not xml")
    assert sniff_format(broken.getvalue()) == "xlsx"
    with pytest.raises(InputError, match="无法读取这个 Excel 文件"):
        parse_bytes(broken.getvalue(), "broken.xlsx")


# --- formulas: the cached value, or inferred; never recomputed over a published total -----------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
WRONG_TOTAL = "requests.new_received.total"


def _cell_ref(address: str, edition_key: str = "2021") -> tuple[int, str]:
    """(sheet index, A1 reference) of a template cell."""
    g = next(x for x in grids(edition_key) if x.key == address.split(".")[0])
    r, c = sheet_position(g, address)
    return TEMPLATE_TABLE_SHEETS[g.key], f"{openpyxl.utils.get_column_letter(c + 1)}{r + 1}"


def _patch_sheet(data: bytes, sheet: int, fn: Callable[[str], str]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == f"xl/worksheets/sheet{sheet + 1}.xml":
                body = fn(body.decode()).encode()
            dst.writestr(info, body)
    return out.getvalue()


def test_template_without_cached_values_infers_its_totals() -> None:
    """openpyxl writes formulas without values: the totals are computed from their parts and
    marked inferred (never read), with the formula in raw."""
    truth = synth(11, "2021", "medium")
    got = parse_bytes(write_template(report=truth), "filled.xlsx")
    cmp = compare(truth, got)
    assert cmp.ok and cmp.share == 1.0, cmp.wrong[:3]
    for address in totals("2021"):
        cell = got.cell(address)
        assert cell.status == Status.INFERRED, address
        assert cell.value == truth.cell(address).value and cell.raw.startswith("=SUM("), (address, cell.raw)
    assert all(c.status == Status.READ for a, c in got.cells() if a not in totals("2021"))
    assert not [f for f in got.findings if f.severity == "error"]


def test_a_wrong_cached_total_is_read_as_saved_and_flagged() -> None:
    """The number the agency saw is what the file caches: a wrong one stays wrong."""
    truth = synth(12, "2021", "medium")
    sheet, ref = _cell_ref(WRONG_TOTAL)
    wrong = int(truth.cell(WRONG_TOTAL).value) + 7  # type: ignore[arg-type]

    def cache(xml: str) -> str:
        new, n = re.subn(
            rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f><v\s*/?>(</v>)?', rf"\1<f>\2</f><v>{wrong}</v>", xml
        )
        assert n == 1
        return new

    data = _patch_sheet(write_template(report=truth), sheet, cache)
    got = parse_bytes(data, "filled.xlsx")
    cell = got.cell(WRONG_TOTAL)
    assert (cell.status, cell.value) == (Status.READ, wrong)
    assert re.fullmatch(r"=SUM\(\w+:\w+\) → " + str(wrong), cell.raw), cell.raw
    assert got.cell("requests.carried_over.total").status == Status.INFERRED  # no cache: inferred
    flagged = [f for f in got.findings if f.rule == "requests.row_total" and WRONG_TOTAL in f.cells]
    assert flagged, [f.rule for f in got.findings]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_cached_values_are_read(tmp_path: Path) -> None:
    """A filled template saved by a spreadsheet program: every total read from its cache; a
    total whose formula leaves out a part keeps its wrong value, and the checker reports it."""
    truth = synth(13, "2021", "large")
    wb = openpyxl.load_workbook(io.BytesIO(write_template(report=truth)))
    sheet, ref = _cell_ref(WRONG_TOTAL)
    formula = wb.worksheets[sheet][ref].value
    first, *rest = _cols_between(formula.split("(")[1].rstrip(")"))
    left_out = wb.worksheets[sheet][first].value
    assert left_out  # the generated report has natural persons' requests
    wb.worksheets[sheet][ref] = "=" + "+".join(rest)  # a formula that leaves out the first part
    src = tmp_path / "filled.xlsx"
    wb.save(src)
    out = tmp_path / "out"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(src),
        ],
        check=False,
        capture_output=True,
        timeout=120,
    )
    if not (out / "filled.xlsx").exists():  # soffice without Calc: "source file could not be loaded"
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) is not installed")
    got = parse_bytes((out / "filled.xlsx").read_bytes(), "filled.xlsx")
    for address in totals("2021"):
        cell = got.cell(address)
        assert cell.status == Status.READ and " → " in cell.raw, (address, cell.raw)
    cell = got.cell(WRONG_TOTAL)
    assert cell.value == truth.cell(WRONG_TOTAL).value - left_out  # type: ignore[operator]  # as saved
    assert cell.raw == f"={'+'.join(rest)} → {cell.value}"
    assert any(f.rule == "requests.row_total" and WRONG_TOTAL in f.cells for f in got.findings)


def _cols_between(rng: str) -> list[str]:
    """``B6:G6`` → ``["B6", "C6", …, "G6"]`` (one row)."""
    a, b = rng.split(":")
    row = re.sub(r"[A-Z]+", "", a)
    c0 = openpyxl.utils.column_index_from_string(re.sub(r"\d+", "", a))
    c1 = openpyxl.utils.column_index_from_string(re.sub(r"\d+", "", b))
    return [f"{openpyxl.utils.get_column_letter(c)}{row}" for c in range(c0, c1 + 1)]
