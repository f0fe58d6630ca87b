"""The PDF reader on real reports (../shared/corpus/peer), on reports drawn by the test's own PDF
writer (``pdfmake.MiniPdf``: ruled and unruled tables, narrow group columns, page breaks inside
tables, repeated headers, missing borders at page breaks, numbers wrapped in narrow cells), and on
reports rendered by LibreOffice from HTML and from ``gongkai.write.docx``.

Every cell read or inferred must equal the truth, and every printed cell's ``at`` box, cropped
from the page, must hold exactly the cell's ``raw`` text.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from gongkai.api import parse_bytes, read_bytes
from gongkai.model.report import PdfAt, Report, Source, Status
from gongkai.read.pdf import drop_repeated_headers, pdf_lines, read_pdf
from gongkai.read.pdf_layout import Glyph, Line, Rule, cells_from_rules, join_lines, page_lines
from gongkai.read.text import read_text
from gongkai.synth.compare import compare
from gongkai.synth.generate import generate_report
from pdfmake import Look, MiniPdf, render_report, report_html, soffice

# --- helpers -----------------------------------------------------------------------------------


def source(data: bytes, name: str = "report.pdf") -> Source:
    return Source(name=name, sha256=hashlib.sha256(data).hexdigest(), format="pdf")


def box_errors(data: bytes, report: Report) -> list[tuple[str, str, str]]:
    """Cells whose ``at`` box, cropped from the page, does not hold exactly their ``raw``.

    The crop is pdfplumber's own characters whose centre lies in the box (independent of the
    reader's glyph handling); spaces are ignored on both sides."""
    pdf = pdfplumber.open(io.BytesIO(data))
    bad = []
    for address, cell in report.cells():
        if not cell.raw:
            continue
        at = cell.at
        if not isinstance(at, PdfAt):
            bad.append((address, cell.raw, f"at={at!r}"))
            continue
        x0, top, x1, bottom = at.bbox
        chars = pdf.pages[at.page - 1].chars
        inside = "".join(
            c["text"]
            for c in chars
            if x0 - 0.01 <= (c["x0"] + c["x1"]) / 2 <= x1 + 0.01
            and top - 0.01 <= (c["top"] + c["bottom"]) / 2 <= bottom + 0.01
        )
        if inside.replace(" ", "") != cell.raw.replace(" ", ""):
            bad.append((address, cell.raw, inside))
    pdf.close()
    return bad


def assert_truth(truth: Report, got: Report, *, complete: bool = True) -> None:
    c = compare(truth, got)
    assert not c.wrong, [w.as_dict() for w in c.wrong]
    assert not c.meta_errors and not c.absent
    if complete:
        assert c.known == c.cells, Counter(x.status.value for _, x in got.cells())


def statuses(report: Report) -> dict[str, int]:
    return dict(Counter(c.status.value for _, c in report.cells()))


def table_digest(report: Report, table: str) -> str:
    """A digest of a table's known cells (status and value): the hand-checked truth of a real
    report, kept without copying the report into the project."""
    items = sorted(f"{a}={c.status.value}:{c.value}" for a, c in report.cells() if a.startswith(table + "."))
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:16]


# --- real reports ------------------------------------------------------------------------------

PEERS = {
    "govnianbao-huaian-2024.pdf": {
        "statuses": {"read": 200},
        "digests": {
            "active_disclosure": "21dae0488cf055ce",
            "requests": "652d905a1c2b3a2a",
            "appeals": "9d0cb1c1c9e5a684",
        },
        "year": 2024,
        "rules": set(),
    },
    "kgc-hongze-2023.pdf": {
        "statuses": {"read": 179, "inferred": 21},
        "digests": {
            "active_disclosure": "a013a30328799546",
            "requests": "d67200055f97bfa7",
            "appeals": "f5d9ec4cdbf9d20a",
        },
        "year": 2023,
        "rules": {"appeals.row_total", "requests.other_handling_merged", "cell.inferred"},
    },
    "kgc-hongze-2024.pdf": {
        "statuses": {"read": 179, "inferred": 21},
        "digests": {
            "active_disclosure": "5457be047a9cf5a2",
            "requests": "222ec5624fbfbfb8",
            "appeals": "d19fbaae50495351",
        },
        "year": 2024,
        "rules": {"prose.mismatch", "requests.other_handling_merged", "cell.inferred"},
    },
}


@pytest.fixture(scope="module")
def peers(shared_dir: Path) -> dict[str, tuple[bytes, Report]]:
    folder = shared_dir / "corpus" / "peer"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    out = {}
    for name in PEERS:
        data = (folder / name).read_bytes()
        out[name] = (data, parse_bytes(data, name))
    return out


@pytest.mark.parametrize("name", PEERS)
def test_peer_cells(peers: dict[str, tuple[bytes, Report]], name: str) -> None:
    _, report = peers[name]
    want = PEERS[name]
    assert report.source.format == "pdf"
    assert report.meta.year == want["year"] and report.meta.edition == "2021"
    assert statuses(report) == want["statuses"]
    assert {t: table_digest(report, t) for t in want["digests"]} == want["digests"]


@pytest.mark.parametrize("name", PEERS)
def test_peer_findings(peers: dict[str, tuple[bytes, Report]], name: str) -> None:
    _, report = peers[name]
    assert {f.rule for f in report.findings} == PEERS[name]["rules"]
    for f in report.findings:
        assert f.at is None or isinstance(f.at, PdfAt)
        assert not re.search(r"第\d+行", f.message), f.message  # a text line number means nothing here


def test_peer_known_defects(peers: dict[str, tuple[bytes, Report]]) -> None:
    """hongze-2023: the appeals table does not add up (two rows); a single (六)其他处理 row.
    hongze-2024: the prose and the table disagree on the number of requests."""
    _, r23 = peers["kgc-hongze-2023.pdf"]
    rows = {f.cells[0] for f in r23.findings if f.rule == "appeals.row_total"}
    assert rows == {"appeals.reconsideration.total", "appeals.litigation_after_reconsideration.total"}
    merged = next(f for f in r23.findings if f.rule == "requests.other_handling_merged")
    assert isinstance(merged.at, PdfAt) and merged.at.page == 4 and "第4页" in merged.message
    _, r24 = peers["kgc-hongze-2024.pdf"]
    mismatch = [f for f in r24.findings if f.rule == "prose.mismatch"]
    assert [f.cells for f in mismatch] == [["requests.new_received.total"]]


@pytest.mark.parametrize("name", PEERS)
def test_peer_boxes(peers: dict[str, tuple[bytes, Report]], name: str) -> None:
    data, report = peers[name]
    assert box_errors(data, report) == []


def test_huaian_table_across_pages(peers: dict[str, tuple[bytes, Report]]) -> None:
    """The requests table breaks across pages 4 and 5; (四)无法提供 is cut by the break."""
    _, report = peers["govnianbao-huaian-2024.pdf"]
    ats = [
        report.cell(f"requests.{r}.total").at for r in ("unavailable_not_held", "unavailable_needs_creation")
    ]
    assert [at.page for at in ats if isinstance(at, PdfAt)] == [4, 5]


def plain_texts(path: Path) -> dict[str, str]:
    """The report as plain text the usual ways: the baseline the PDF reader must match."""
    out = {}
    if shutil.which("pdftotext"):
        out["pdftotext -layout"] = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    with pdfplumber.open(path) as pdf:
        out["pdfplumber"] = "\n".join(p.extract_text() or "" for p in pdf.pages)
    return out


@pytest.mark.parametrize("name", PEERS)
def test_peer_at_least_as_good_as_plain_text(
    shared_dir: Path, peers: dict[str, tuple[bytes, Report]], name: str
) -> None:
    """The text reader on the same PDF's plain text is the baseline: the PDF reader (whose values
    are the hand-checked truth, see test_peer_cells) knows at least every cell the baseline gets
    right. (pdfplumber's plain text of hongze-2023 even gives the text reader a wrong value.)"""
    _, report = peers[name]
    for how, text in plain_texts(shared_dir / "corpus" / "peer" / name).items():
        base = read_text(text, source(b"", name))
        right = [a for a, c in base.cells() if c.known and c.value == report.cell(a).value]
        assert all(report.cell(a).known for a in right), how
        assert sum(c.known for _, c in report.cells()) >= len(right), how


def test_peer_lines(peers: dict[str, tuple[bytes, Report]]) -> None:
    """No page numbers, no tabs or pipes inside cells, prose lines without tabs."""
    data, _ = peers["kgc-hongze-2023.pdf"]
    lines = pdf_lines(data)
    assert not [ln.text for ln in lines if re.fullmatch(r"\s*-\s*\d+\s*-\s*", ln.text)]
    assert all("|" not in f.text and "\t" not in f.text for ln in lines for f in ln.fields)
    assert any(ln.text.startswith("五、存在的主要问题") and "\t" not in ln.text for ln in lines)


# --- reports drawn by MiniPdf ------------------------------------------------------------------

LOOKS = {
    "ruled": Look(),
    "narrow-groups-open-breaks": Look(narrow=True, open_break=True, page_height=600),
    "unruled": Look(ruled=False),
    "repeated-headers": Look(repeat_header=True, page_height=500, narrow=True),
    "wrapped-numbers": Look(number_width=24, page_height=700),
    "small-font-short-pages": Look(font=7.5, page_height=460, open_break=True, repeat_header=True),
}


@pytest.mark.parametrize("edition_key", ["2021", "2019"])
@pytest.mark.parametrize("look", LOOKS)
def test_drawn_report(look: str, edition_key: str) -> None:
    truth = generate_report(random.Random(f"pdf:{look}:{edition_key}"), edition_key, "large")  # type: ignore[arg-type]
    data = render_report(truth, LOOKS[look])
    got = read_pdf(data, source(data))
    assert_truth(truth, got)
    assert box_errors(data, got) == []


def test_drawn_reports_many() -> None:
    """Random looks and reports: never a wrong value; ruled tables read completely."""
    for seed in range(6):
        rng = random.Random(f"pdf-many:{seed}")
        look = Look(
            ruled=seed % 3 != 2,
            narrow=rng.random() < 0.5,
            repeat_header=rng.random() < 0.4,
            open_break=rng.random() < 0.5,
            font=rng.choice([7.5, 9.0, 10.5]),
            page_height=rng.uniform(420, 842),
        )
        truth = generate_report(rng)
        data = render_report(truth, look)
        assert_truth(truth, read_pdf(data, source(data)), complete=look.ruled)


def test_read_bytes_dispatches_pdf() -> None:
    truth = generate_report(random.Random("pdf:dispatch"), "2021")
    data = render_report(truth)
    report = read_bytes(data, "report.pdf")
    assert report.source.format == "pdf"
    assert isinstance(report.cell("requests.new_received.total").at, PdfAt)
    assert_truth(truth, report)


# --- geometry, one piece at a time ---------------------------------------------------------------


def glyphs(text: str, x: float, top: float, size: float = 10.0) -> list[Glyph]:
    out = []
    for ch in text:
        w = size * (0.5 if ord(ch) < 0x2E80 else 1.0)
        out.append(Glyph(ch, x, top, x + w, top + size))
        x += w
    return out


def grid_rules(xs: list[float], ys: list[float]) -> list[Rule]:
    return [Rule(xs[0], y, xs[-1], y) for y in ys] + [Rule(x, ys[0], x, ys[-1]) for x in xs]


def test_cells_from_a_grid() -> None:
    assert sorted(cells_from_rules(grid_rules([0, 10, 20], [0, 5, 10]))) == [
        (0, 0, 10, 5),
        (0, 5, 10, 10),
        (10, 0, 20, 5),
        (10, 5, 20, 10),
    ]


def test_merged_cell_is_one_cell() -> None:
    rules = [*grid_rules([0, 10, 20], [0, 10]), Rule(10, 5, 20, 5)]  # the right column split in two
    assert sorted(cells_from_rules(rules)) == [(0, 0, 10, 10), (10, 0, 20, 5), (10, 5, 20, 10)]


def test_region_not_closed_is_no_cell() -> None:
    rules = [
        Rule(0, 0, 20, 0),
        Rule(0, 10, 20, 10),
        Rule(0, 0, 0, 10),
        Rule(10, 0, 10, 10),
        Rule(30, 0, 30, 3),
    ]
    assert cells_from_rules(rules) == [(0, 0, 10, 10)]


def test_table_cut_by_a_page_break_is_closed() -> None:
    """Vertical rules that end together with no rule there (the bottom of a page) close the row."""
    rules = [Rule(0, 0, 30, 0), Rule(0, 10, 30, 10)] + [Rule(x, 0, x, 20) for x in (0, 10, 30)]
    assert (0, 10, 10, 20) in cells_from_rules(rules) and (10, 10, 30, 20) in cells_from_rules(rules)


def test_wrapped_label_in_a_ruled_cell_is_one_field() -> None:
    xs, ys = [60.0, 100.0, 200.0, 240.0], [100.0, 140.0]
    g = glyphs("（三）不", 62, 105) + glyphs("予公开", 62, 118) + glyphs("1.属于国家", 102, 105)
    g += glyphs("秘密", 102, 118) + glyphs("12", 215, 112)
    lines = page_lines(1, g, grid_rules(xs, ys))
    assert [ln.text for ln in lines] == ["（三）不予公开\t1.属于国家秘密\t12"]
    assert [f.box for f in lines[0].fields] == [
        (60, 100, 100, 140),
        (100, 100, 200, 140),
        (200, 100, 240, 140),
    ]


def test_unruled_row_is_split_at_wide_gaps() -> None:
    g = glyphs("规章", 60, 100) + glyphs("1", 200, 100) + glyphs("0", 260, 100) + glyphs("11", 320, 100)
    g += glyphs("共收到申请 5 件", 60, 130)  # prose: the number is not separated by a wide gap
    lines = page_lines(1, g, [])
    assert [ln.text for ln in lines] == ["规章\t1\t0\t11", "共收到申请 5 件"]
    assert lines[0].fields[1].box == (200, 100, 205, 110)


def test_label_glued_to_a_number_in_an_unruled_row_is_split() -> None:
    g = glyphs("认或重新出具已获", 60, 100) + glyphs("0", 145, 100) + glyphs("0", 200, 100)
    assert page_lines(1, g, [])[0].text == "认或重新出具已获\t0\t0"


def test_page_numbers_are_dropped() -> None:
    g = glyphs("一、总体情况", 60, 100) + glyphs("- 4 -", 280, 800) + glyphs("第 5 页", 280, 815)
    assert [ln.text for ln in page_lines(1, g, [], 842)] == ["一、总体情况"]
    # in the middle of the page, "- 4 -" is a table row (blank, 4, blank), not a page number
    g = glyphs("- 4 -", 280, 400)
    assert [ln.text for ln in page_lines(1, g, [], 842)] == ["- 4 -"]


def test_number_wrapped_in_a_narrow_cell_is_joined() -> None:
    assert join_lines(["48422", "3"]) == "484223"
    assert join_lines(["（二）部分公开（区分处理的，只计这一情", "形，不计其他情形）"]).endswith(
        "这一情形，不计其他情形）"
    )
    assert join_lines(["Open", "Data"]) == "Open Data"


def test_repeated_header_rows_are_dropped() -> None:
    def line(page: int, text: str, ruled: bool = True) -> Line:
        from gongkai.read.pdf_layout import Field

        return Line(page, 0.0, 0.0, [Field(t, (0, 0, 1, 1)) for t in text.split("\t")], ruled)

    head = ["（本列数据的勾稽关系为：…）\t申请人情况", "自然人\t法人或其他组织\t总计"]
    lines = [line(1, head[0]), line(1, head[1]), line(1, "一、本年新收\t1\t1"), line(2, "- 2 -", False)]
    lines += [line(2, head[0]), line(2, head[1]), line(2, "（七）总计\t1\t1")]
    kept = [ln.text for ln in drop_repeated_headers(lines)]
    assert kept == [head[0], head[1], "一、本年新收\t1\t1", "- 2 -", "（七）总计\t1\t1"]


def test_white_rectangles_are_not_rules() -> None:
    """WPS draws a white rectangle behind every prose line: it is no table."""
    pdf = MiniPdf().page()
    pdf.fill(60, 95, 535, 120, grey=1.0).fill(60, 120, 535, 145, grey=1.0)
    pdf.text(60, 100, "一、总体情况", 12).text(60, 125, "本年度共收到政府信息公开申请 5 件。", 12)
    pdf.hline(60, 535, 300, grey=1.0)
    from gongkai.read.pdf import extract_pages

    assert extract_pages(pdf.build())[0].rules == []


# --- reports rendered by LibreOffice ---------------------------------------------------------------


@pytest.fixture(scope="session")
def office_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Report, bytes]]:
    """A handful of reports rendered by LibreOffice in one run: HTML pages in three looks and,
    when ``gongkai.write.docx`` is there, Word documents written by it."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("office-pdf")
    truths: dict[str, Report] = {}
    files: list[Path] = []
    for name, ed, kw in (
        ("html-ruled", "2021", {}),
        ("html-narrow", "2019", {"narrow": True}),
        ("html-unruled", "2021", {"ruled": False}),
    ):
        truths[name] = generate_report(random.Random(f"office-pdf:{name}"), ed, "large")  # type: ignore[arg-type]
        path = out / f"{name}.html"
        path.write_text(report_html(truths[name], **kw), encoding="utf-8")
        files.append(path)
    try:
        from gongkai.write.docx import write_docx
    except ImportError:  # written in parallel; the HTML documents are enough without it
        write_docx = None
    if write_docx is not None:
        for name, ed in (("docx-2021", "2021"), ("docx-2019", "2019")):
            truths[name] = generate_report(random.Random(f"office-pdf:{name}"), ed)  # type: ignore[arg-type]
            path = out / f"{name}.docx"
            path.write_bytes(write_docx(truths[name]))
            files.append(path)
    profile = out / "profile"
    subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return {name: (truth, (out / f"{name}.pdf").read_bytes()) for name, truth in truths.items()}


@pytest.mark.parametrize("name", ["html-ruled", "html-narrow", "html-unruled", "docx-2021", "docx-2019"])
def test_office_pdf(office_pdfs: dict[str, tuple[Report, bytes]], name: str) -> None:
    if name not in office_pdfs:
        pytest.skip("gongkai.write.docx is not available")
    truth, data = office_pdfs[name]
    got = read_pdf(data, source(data, name + ".pdf"))
    assert_truth(truth, got)
    assert box_errors(data, got) == []
    assert got.meta.title == truth.meta.title
    assert all(c.status == Status.READ for _, c in got.cells())


def test_written_pdf() -> None:
    """``gongkai.write.pdf`` (DOCX through LibreOffice, with its font replacements) read back."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    write_pdf = pytest.importorskip("gongkai.write.pdf").write_pdf
    truth = generate_report(random.Random("pdf:written"), "2021", "large")
    data = write_pdf(truth)
    got = read_pdf(data, source(data))
    assert_truth(truth, got)
    assert box_errors(data, got) == []


def test_diagonal_watermark_is_ignored() -> None:
    """A big grey "内部资料" turned 45° across every page, over the tables."""
    truth = generate_report(random.Random("pdf:watermark"), "2021", "medium")
    data = render_report(truth, Look(watermark=True))
    got = read_pdf(data, source(data))
    assert_truth(truth, got)
    plain = render_report(truth)
    assert [ln.text for ln in pdf_lines(data)] == [ln.text for ln in pdf_lines(plain)]


def test_landscape_page() -> None:
    """A page turned with /Rotate 90 (a wide table printed landscape) is read as displayed."""
    pdf = MiniPdf().page()

    def text(x: float, top: float, s: str, size: float = 10.0) -> None:  # display coordinates
        codes = "".join(f"{ord(ch):04X}" for ch in s)
        pdf.raw(f"BT /F1 {size} Tf 0 1 -1 0 {top + 0.88 * size:.2f} {x:.2f} Tm <{codes}> Tj ET")

    def rule(x0: float, t0: float, x1: float, t1: float) -> None:  # display coordinates
        pdf.raw(f"0 G 0.5 w {t0:.2f} {x0:.2f} m {t1:.2f} {x1:.2f} l S")

    xs, tops = [60.0, 300.0, 400.0, 500.0, 600.0], [100.0, 120.0]
    for t in tops:
        rule(xs[0], t, xs[-1], t)
    for x in xs:
        rule(x, tops[0], x, tops[1])
    for x, s in zip(xs, ["规章", "1", "0", "11"], strict=False):
        text(x + 4, 104, s)
    data = pdf.build().replace(b"/Type /Page /Parent", b"/Type /Page /Rotate 90 /Parent")
    lines = pdf_lines_unchecked(data)
    assert [ln.text for ln in lines] == ["规章\t1\t0\t11"]
    assert lines[0].fields[0].box == (60.0, 100.0, 300.0, 120.0)


def pdf_lines_unchecked(data: bytes) -> list[Line]:
    """The lines of a PDF too small to pass as a report's text layer."""
    from gongkai.read.pdf import extract_pages

    return [ln for p in extract_pages(data) for ln in page_lines(p.number, p.glyphs, p.rules, p.height)]
