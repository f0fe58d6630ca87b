"""Writers: the official layout as data, every format read back cell for cell, the CLI, PDF.

Round trips: random reports from ``gongkai.synth`` (both editions, every profile from all zeros
to six-digit cells) are written and read back. Markdown and text go through gongkai's own text
reader (``parse_bytes``); HTML and DOCX through small reference readers here (their tables
flattened as a spreadsheet shows them, then the text reader) and, once they exist, through
``gongkai.read.html`` / ``gongkai.read.docx``. PDF runs LibreOffice once per session.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
import typer
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml import html as lhtml
from typer.testing import CliRunner

from gongkai.api import parse_bytes
from gongkai.cli.write import register
from gongkai.model.keys import APPLICANT_COLUMNS, edition, outcome_rows
from gongkai.model.report import Cell, Report, Status
from gongkai.read.text import read_text
from gongkai.synth.compare import compare
from gongkai.synth.generate import PROFILES, generate_report
from gongkai.write import FORMATS, WriteError, write_report
from gongkai.write.docx import write_docx
from gongkai.write.html import write_html
from gongkai.write.layout import (
    BALANCE_NOTE,
    EMPTY_SECTION,
    grid,
    grids,
    parts,
    totals,
)
from gongkai.write.markdown import write_markdown
from gongkai.write.text import write_text

EDITIONS = ("2021", "2019")
# (seed, edition, profile): every profile in both editions, zeros and six-digit cells included
CASES = [(seed, ed, PROFILES[seed % len(PROFILES)]) for seed in range(12) for ed in EDITIONS]


def synth(seed: int, edition_key: str, profile: str) -> Report:
    return generate_report(random.Random(seed), edition_key, profile)  # type: ignore[arg-type]


def assert_same_cells(truth: Report, got: Report, what: str) -> None:
    cmp = compare(truth, got)
    assert not cmp.wrong, f"{what}: wrong {cmp.wrong[:5]}"
    assert not cmp.absent and not cmp.meta_errors, f"{what}: {cmp.absent[:5]} {cmp.meta_errors}"
    assert cmp.share == 1.0, f"{what}: only {cmp.share:.3f} of cells read back"
    for address, cell in truth.cells():  # amounts keep their decimals
        if isinstance(cell.value, Decimal):
            assert isinstance(got.cell(address).value, Decimal)


# --- reference readers for HTML and DOCX tables -------------------------------------------------


def html_lines(data: bytes) -> str:
    """The page as lines: headings and paragraphs, tables as rows of tab-separated cells."""
    root = lhtml.fromstring(data)
    lines: list[str] = []
    for el in root.iter("h1", "h2", "p", "table"):
        if el.tag != "table":
            lines.append(el.text_content().strip())
            continue
        rows = el.findall(".//tr")
        cells: dict[tuple[int, int], str] = {}
        for r, tr in enumerate(rows):
            c = 0
            for td in tr:
                while (r, c) in cells:
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                for i in range(rs):
                    for j in range(cs):
                        cells[(r + i, c + j)] = td.text_content().strip() if i == j == 0 else ""
                c += cs
        width = max(k for _, k in cells) + 1
        lines.extend("\t".join(cells.get((r, k), "") for k in range(width)) for r in range(len(rows)))
    return "\n".join(lines)


def docx_lines(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, d).text)
        elif child.tag == qn("w:tbl"):
            seen: list[object] = []  # kept alive so that lxml returns the same proxies
            for row in Table(child, d).rows:
                texts = []
                for cell in row.cells:
                    tc = cell._tc
                    texts.append("" if any(tc is s for s in seen) else cell.text)
                    seen.append(tc)
                lines.append("\t".join(texts))
    return "\n".join(lines)


# --- layout ------------------------------------------------------------------------------------


@pytest.mark.parametrize("edition_key", EDITIONS)
def test_layout_covers_every_cell_once(edition_key: str) -> None:
    spec = edition(edition_key)
    addresses = [c.address for g in grids(edition_key) for c in g.values()]
    assert sorted(addresses) == sorted(spec.addresses)
    for g in grids(edition_key):
        covered = [pos for c in g.cells for pos in _positions(c)]
        assert len(covered) == len(set(covered)) == g.n_rows * g.n_cols, g.key  # a full grid, no overlap


def _positions(c: object) -> list[tuple[int, int]]:
    return [
        (r, k)
        for r in range(c.row, c.row + c.rowspan)  # type: ignore[attr-defined]
        for k in range(c.col, c.col + c.colspan)  # type: ignore[attr-defined]
    ]


def test_requests_layout_is_the_official_one() -> None:
    g = grid("2021", "requests")
    assert (g.n_rows, g.n_cols, g.header_rows, g.label_cols) == (28, 10, 3, 3)
    note = g.origins[(0, 0)]
    assert (note.text, note.rowspan, note.colspan) == (BALANCE_NOTE, 3, 3)
    assert (g.origins[(0, 3)].text, g.origins[(0, 3)].colspan) == ("申请人情况", 7)
    assert (g.origins[(1, 3)].text, g.origins[(1, 3)].rowspan) == ("自然人", 2)
    assert (g.origins[(1, 4)].text, g.origins[(1, 4)].colspan) == ("法人或其他组织", 5)
    assert [g.origins[(2, k)].text for k in range(4, 9)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    top = g.origins[(5, 0)]
    assert top.text == "三、本年度办理结果" and top.rowspan == len(outcome_rows("2021")) + 1
    withheld = next(c for c in g.cells if c.text == "（三）不予公开")
    assert withheld.rowspan == 8 and withheld.col == 1
    assert next(c for c in g.cells if c.text == "（六）其他处理").rowspan == 3
    assert g.origins[(3, 0)].colspan == 3  # 一、本年新收 over the three label columns
    g19 = grid("2019", "requests")
    other = next(c for c in g19.cells if c.text == "（六）其他处理")
    assert (other.rowspan, other.colspan) == (1, 2)


def test_appeals_and_active_layouts() -> None:
    g = grid("2021", "appeals")
    assert (g.n_rows, g.n_cols) == (4, 15)
    assert [(c.text, c.colspan) for c in g.row_cells(0)] == [("行政复议", 5), ("行政诉讼", 10)]
    assert [(c.text, c.colspan) for c in g.row_cells(1)][5:] == [("未经复议直接起诉", 5), ("复议后起诉", 5)]
    assert all(c.rowspan == 2 for c in g.row_cells(1)[:5])
    assert len(g.row_cells(3)) == 15
    a = grid("2021", "active_disclosure")
    assert [c.text for c in a.cells if c.kind == "group"] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    fee = next(c for c in a.cells if c.address == "active_disclosure.fees.amount")
    assert fee.colspan == 3
    assert "第二十条第（九）项" in [c.text for c in grid("2019", "active_disclosure").cells]


def test_totals_are_identities_1_2_4() -> None:
    t = totals("2021")
    assert t["requests.granted.total"] == tuple(f"requests.granted.{c}" for c in APPLICANT_COLUMNS)
    assert len(t["requests.total_processed.natural_person"]) == len(outcome_rows("2021"))
    assert t["appeals.reconsideration.total"][-1] == "appeals.reconsideration.pending"
    assert "requests.new_received.natural_person" not in t  # the balance is checked, not computed
    assert len(t) == 25 + 6 + 3


def test_parts_write_empty_sections_as_none() -> None:
    report = synth(1, "2021", "sparse")
    report.sections["problems"] = None
    report.sections["other_matters"] = "  "
    got = {p.key: p for p in parts(report)}
    assert got["problems"].paragraphs == (EMPTY_SECTION,)
    assert got["other_matters"].paragraphs == (EMPTY_SECTION,)
    assert got["requests"].paragraphs == () and got["requests"].grid is not None


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "edition_key", "profile"), CASES)
def test_markdown_and_text_read_back(seed: int, edition_key: str, profile: str) -> None:
    truth = synth(seed, edition_key, profile)
    for name, write in (("r.md", write_markdown), ("r.txt", write_text)):
        got = parse_bytes(write(truth).encode("utf-8"), name)
        assert_same_cells(truth, got, name)
        assert got.meta.title == truth.meta.title
        assert not [f for f in got.findings if f.severity == "error"], name


@pytest.mark.parametrize(("seed", "edition_key", "profile"), CASES[::2])
def test_html_and_docx_tables_read_back(seed: int, edition_key: str, profile: str) -> None:
    truth = synth(seed, edition_key, profile)
    assert_same_cells(truth, read_text(html_lines(write_html(truth).encode())), "html")
    assert_same_cells(truth, read_text(docx_lines(write_docx(truth))), "docx")


@pytest.mark.parametrize(("fmt", "module"), [("html", "gongkai.read.html"), ("docx", "gongkai.read.docx")])
def test_read_back_with_the_project_readers(fmt: str, module: str) -> None:
    pytest.importorskip(module)
    for seed, edition_key, profile in CASES[:6]:
        truth = synth(seed, edition_key, profile)
        got = parse_bytes(write_report(truth, fmt), f"r.{fmt}")
        assert_same_cells(truth, got, f"{fmt} {seed} {edition_key} {profile}")


def test_unknown_cells_are_written_empty() -> None:
    truth = synth(3, "2021", "medium")
    report = truth.model_copy(deep=True)
    report.tables["requests"]["granted"]["natural_person"] = Cell(status=Status.MISSING)
    report.tables["requests"]["partially_granted"]["total"] = Cell(status=Status.AMBIGUOUS, candidates=[1, 7])
    report.tables["active_disclosure"]["fees"]["amount"] = Cell(status=Status.MISSING, raw="/")
    text = write_text(report)
    row = next(line for line in text.splitlines() if line.startswith("\t（二）部分公开"))
    assert row.split("\t")[-1] == ""
    assert "\t\t" in next(line for line in text.splitlines() if "（一）予以公开" in line)
    got = parse_bytes(text.encode(), "r.txt")
    assert not compare(truth, got).wrong  # never a wrong number; blanks may be inferred
    page = write_html(report)
    assert '<td class="num" data-address="requests.granted.natural_person"></td>' in page


def test_fee_keeps_its_decimals() -> None:
    report = synth(2, "2021", "medium")
    report.tables["active_disclosure"]["fees"]["amount"] = Cell(
        value=Decimal("539.1600"), status=Status.READ, raw="539.1600"
    )
    assert "539.1600" in write_text(report)
    assert "| 539.1600 |" in write_markdown(report)
    assert ">539.1600<" in write_html(report)
    assert "539.1600" in docx_lines(write_docx(report))
    got = parse_bytes(write_text(report).encode(), "r.txt")
    assert got.cell("active_disclosure.fees.amount").value == Decimal("539.16")


# --- HTML --------------------------------------------------------------------------------------


def test_html_is_a_standalone_page_with_spans() -> None:
    report = synth(4, "2021", "large")
    page = write_html(report)
    assert page.startswith("<!DOCTYPE html>")
    root = lhtml.fromstring(page.encode())
    assert root.get("lang") == "zh-CN"
    assert root.find(".//meta[@charset]").get("charset") == "utf-8"
    assert root.find(".//style") is not None
    assert not root.findall(".//script") and not root.findall(".//link")
    tables = root.findall(".//table")
    assert [t.get("class") for t in tables] == ["active_disclosure", "requests", "appeals"]
    note = tables[1].find(".//th")
    assert (note.get("rowspan"), note.get("colspan"), note.text) == ("3", "3", BALANCE_NOTE)
    assert tables[1].find(".//th[@rowspan='22']").text == "三、本年度办理结果"
    assert len(tables[2].findall(".//td")) == 15
    assert [h.text for h in root.findall(".//h2")] == [s.heading for s in edition("2021").sections]
    assert root.find(".//h1").text == report.meta.title
    assert "text-align: right" in page  # numbers right-aligned


# --- DOCX --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return write_docx(synth(5, "2021", "large"))


def test_docx_page_and_styles(docx_bytes: bytes) -> None:
    d = docx.Document(io.BytesIO(docx_bytes))
    s = d.sections[0]
    mm = [
        round(x.mm)
        for x in (s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    ]
    assert mm == [210, 297, 37, 35, 28, 26]
    fonts = {
        name: d.styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
        for name in ("Title", "Heading 1", "Normal", "表格小字")
    }
    assert fonts == {
        "Title": "方正小标宋简体",
        "Heading 1": "黑体",
        "Normal": "仿宋_GB2312",
        "表格小字": "仿宋",
    }
    assert d.styles["Title"].font.size.pt == 22 and d.styles["Normal"].font.size.pt == 16
    assert d.styles["Heading 1"].font.size.pt == 16 and d.styles["表格小字"].font.size.pt == 9
    font_table = zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/fontTable.xml").decode()
    assert 'w:name="仿宋_GB2312"' in font_table and 'w:val="86"' in font_table
    assert d.paragraphs[0].style.name == "Title"
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == [
        sec.heading for sec in edition("2021").sections
    ]


def test_docx_tables_merge_like_the_official_form(docx_bytes: bytes) -> None:
    d = docx.Document(io.BytesIO(docx_bytes))
    active, requests, appeals = d.tables
    assert len(requests.rows) == 28 and len(requests.columns) == 10
    assert len(appeals.columns) == 15 and len(active.columns) == 4
    body = etree.tostring(requests._tbl).decode()
    assert body.count("<w:vMerge") > 0 and 'w:gridSpan w:val="7"' in body
    note = requests.cell(0, 0)
    assert note.text == BALANCE_NOTE and note._tc is requests.cell(2, 2)._tc
    assert (
        requests.cell(5, 0).text == "三、本年度办理结果"
        and requests.cell(26, 0)._tc is requests.cell(5, 0)._tc
    )
    number = requests.cell(3, 3).paragraphs[0]
    assert number.alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    header_rows = [r._tr.trPr.find(qn("w:tblHeader")) is not None for r in requests.rows[:4]]
    assert header_rows == [True, True, True, False]


def test_docx_title_breaks_before_the_fixed_part() -> None:
    report = synth(6, "2021", "zero")
    report.meta.title = "某某省某某市某某区人民政府办公室2023年政府信息公开工作年度报告"
    d = docx.Document(io.BytesIO(write_docx(report)))
    assert d.paragraphs[0].text.replace("\n", "") == report.meta.title
    assert "\n" in d.paragraphs[0].text


# --- the CLI -----------------------------------------------------------------------------------


def cli() -> typer.Typer:
    app = typer.Typer(context_settings={"help_option_names": []}, rich_markup_mode="rich")

    @app.callback()
    def _root() -> None:
        """test app"""

    register(app)
    return app


def invoke(*args: str, input: bytes | None = None) -> SimpleNamespace:
    result = CliRunner().invoke(cli(), list(args), input=input, env={"COLUMNS": "200"})
    return SimpleNamespace(
        exit_code=result.exit_code, stdout=result.stdout, stderr=result.stderr, bytes=result.stdout_bytes
    )


@pytest.fixture
def report_json(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    path.write_text(synth(7, "2021", "medium").to_json(), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["docx", "html", "md", "txt"])
def test_cli_write_formats(tmp_path: Path, report_json: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = invoke("write", str(report_json), "--to", fmt, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == write_report(json_report(report_json), fmt) or fmt == "docx"
    assert "已生成" in result.stderr


def json_report(path: Path) -> Report:
    return Report.from_json_dict(json.loads(path.read_text(encoding="utf-8")))


def test_cli_text_formats_go_to_stdout_and_read_stdin(report_json: Path) -> None:
    result = invoke("write", "-", "--to", "md", input=report_json.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# ")
    again = parse_bytes(result.bytes, "out.md")
    assert_same_cells(json_report(report_json), again, "stdin → md")


def test_cli_binary_from_stdin_needs_output(report_json: Path) -> None:
    result = invoke("write", "-", "--to", "docx", input=report_json.read_bytes())
    assert result.exit_code == 2
    assert "-o" in result.stderr


def test_cli_default_output_name(tmp_path: Path, report_json: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("write", str(report_json))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "report.docx").is_file()


def test_cli_refuses_an_unbalanced_report(tmp_path: Path) -> None:
    report = synth(8, "2021", "medium")
    report.tables["requests"]["granted"]["natural_person"].value += 1  # type: ignore[operator]
    path = tmp_path / "bad.json"
    path.write_text(report.to_json(), encoding="utf-8")
    out = tmp_path / "bad.txt"
    result = invoke("write", str(path), "--to", "txt", "-o", str(out))
    assert result.exit_code == 1
    assert "未生成" in result.stderr and "requests.row_total" in result.stderr
    assert not out.exists()
    forced = invoke("write", str(path), "--to", "txt", "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert out.is_file() and "照样生成" in forced.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "JSON 格式错误"),
        (b'{"schema": "other"}', "不是 gongkai 的报告数据"),
        (b'{"schema": "gongkai.report/1", "meta": {}}', "不符合格式"),
    ],
)
def test_cli_bad_json(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    result = invoke("write", str(path), "--to", "txt")
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_cli_json_of_the_other_edition_is_refused(tmp_path: Path) -> None:
    data = json.loads(synth(9, "2019", "sparse").to_json())
    data["meta"]["edition"] = "2021"
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = invoke("write", str(path), "--to", "txt")
    assert result.exit_code == 2 and "不属于 2021 年版格式" in result.stderr


def test_cli_missing_input() -> None:
    result = invoke("write", "/nonexistent/x.json", "--to", "txt")
    assert result.exit_code == 2 and "文件不存在" in result.stderr


def test_cli_help_is_chinese() -> None:
    result = invoke("write", "-h")
    assert result.exit_code == 0 and "按官方格式生成年度报告" in result.stdout
    assert "--force" in result.stdout


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_without_libreoffice_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", str(tmp_path / "no-soffice"))
    with pytest.raises(WriteError) as e:
        write_report(synth(1, "2021", "zero"), "pdf")
    assert "LibreOffice" in e.value.message and "--to docx" in e.value.message
    path = tmp_path / "r.json"
    path.write_text(synth(1, "2021", "zero").to_json(), encoding="utf-8")
    result = invoke("write", str(path), "--to", "pdf", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2 and "LibreOffice" in result.stderr


@pytest.fixture(scope="session")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    from gongkai.write.pdf import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    report = synth(10, "2021", "large")
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(write_report(report, "pdf"))
    return report, path


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def test_pdf_shows_title_and_tables(pdf_file: tuple[Report, Path]) -> None:
    report, path = pdf_file
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "".join((report.meta.title or "").split()) in flat
    labels = (
        "第二十条第（一）项",
        "申请人情况",
        "法人或其他组织",
        "（七）总计",
        "四、结转下年度继续办理",
        "未经复议直接起诉",
    )
    for label in labels:
        assert label in flat, label
    total = report.cell("requests.total_processed.total").value
    assert str(total) in text


def test_pdf_fonts_are_embedded(pdf_file: tuple[Report, Path]) -> None:
    _, path = pdf_file
    out = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, check=True).stdout.decode()
    lines = out.splitlines()
    columns = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[1])]  # name type encoding emb …
    start, end = columns[3]
    embedded = [line[start:end].strip() for line in lines[2:]]
    assert embedded and all(e == "yes" for e in embedded), out
    assert any("CJK" in line for line in lines[2:]), out


def test_pdf_renders(pdf_file: tuple[Report, Path], tmp_path: Path) -> None:
    _, path = pdf_file
    subprocess.run(
        [_tool("pdftoppm"), "-png", "-r", "30", "-f", "1", "-l", "2", str(path), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 1000 for p in pages)


def test_formats_listed() -> None:
    assert set(FORMATS) == {"docx", "pdf", "html", "md", "txt"}
    with pytest.raises(ValueError):
        write_report(synth(1, "2021", "zero"), "rtf")
