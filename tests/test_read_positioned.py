"""Converter copies of a PDF that keep every word's box (pdftohtml -xml, pdftotext -bbox-layout)
are read by their places, whatever order their runs come in."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from gongkai.api import parse_bytes
from gongkai.errors import GongkaiError
from gongkai.model.keys import REQUEST_COLUMNS
from gongkai.model.report import PdfAt, Report, Status
from gongkai.synth.corpus import render
from gongkai.synth.generate import generate_report

ROWS = (
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("（一）予以公开", "granted"),
    ("（二）部分公开", "partially_granted"),
    ("（七）总计", "total_processed"),
    ("四、结转下年度继续办理", "carried_forward"),
)
HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def _truth() -> Report:
    return generate_report(random.Random(11), "2021")


def _runs(truth: Report) -> list[tuple[float, float, float, str]]:
    """(left, top, width, text) of a requests table drawn without rules."""
    runs = [(60.0, 80.0, 400.0, "三、收到和处理政府信息公开申请情况")]
    for i, h in enumerate(HEADERS):
        runs.append((400.0 + 80 * i, 120.0, 16.0 * len(h), h))
    for r, (label, key) in enumerate(ROWS):
        top = 150.0 + 30 * r
        runs.append((60.0, top, 16.0 * len(label), label))
        for i, col in enumerate(c.key for c in REQUEST_COLUMNS):
            value = str(truth.cell(f"requests.{key}.{col}").value)
            runs.append((400.0 + 80 * i, top, 8.0 * len(value), value))
    return runs


def _elements(runs: list[tuple[float, float, float, str]], element: str) -> str:
    """Each run written as ``element`` (a format string over x0, top, x1, width, bottom, text)."""
    return "\n".join(
        element.format(x0=x, top=t, x1=x + w, width=w, bottom=t + 16, text=escape(s)) for x, t, w, s in runs
    )


def _pdf2xml(runs: list[tuple[float, float, float, str]]) -> bytes:
    body = _elements(
        runs, '<text top="{top:g}" left="{x0:g}" width="{width:g}" height="16" font="0">{text}</text>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE pdf2xml SYSTEM "pdf2xml.dtd">\n'
        '<pdf2xml producer="poppler">\n<page number="1" position="absolute" top="0" left="0" '
        f'height="1188" width="918">\n{body}\n</page>\n</pdf2xml>\n'
    ).encode()


def _bbox(runs: list[tuple[float, float, float, str]]) -> bytes:
    words = _elements(
        runs, '<word xMin="{x0:g}" yMin="{top:g}" xMax="{x1:g}" yMax="{bottom:g}">{text}</word>'
    )
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body><doc>'
        f'<page width="612" height="792"><flow><block><line>{words}</line></block></flow></page>'
        "</doc></body></html>"
    ).encode()


def _rows_read(report: Report, truth: Report) -> None:
    for _, key in ROWS:
        for col in (c.key for c in REQUEST_COLUMNS):
            cell = report.cell(f"requests.{key}.{col}")
            assert cell.status is Status.READ, (key, col, cell)
            assert cell.value == truth.cell(f"requests.{key}.{col}").value, (key, col, cell)
            assert isinstance(cell.at, PdfAt) and cell.at.page == 1


@pytest.mark.parametrize("write", [_pdf2xml, _bbox], ids=["pdftohtml-xml", "pdftotext-bbox"])
def test_runs_out_of_reading_order_are_read_by_their_boxes(write) -> None:  # type: ignore[no-untyped-def]
    """The converter lists a row's numbers before its label and the rows from the bottom up
    (the order it met them): the boxes put every number under its column and beside its row."""
    truth = _truth()
    runs = _runs(truth)
    shuffled = sorted(runs, key=lambda r: (-r[1], -r[0]))  # bottom up, right to left
    report = parse_bytes(write(shuffled), "copy.html")
    assert report.source.format == "pdf"
    _rows_read(report, truth)


def test_a_positioned_copy_without_boxes_is_read_as_html() -> None:
    """A page that merely mentions pdf2xml, with no run holding a box, is an ordinary web page."""
    page = "<html><body><pdf2xml><page></page></pdf2xml><p>一、总体情况</p><p>文字。</p></body></html>"
    report = parse_bytes(page.encode("utf-8"), "page.html")
    assert report.source.format == "html"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><pdf2xml><page number="1"><text top="nan" left="1e400" width="x">1</text></page>',
        b"<pdf2xml><page>" + b"<text top='1' left='1' width='1' height='1'>" * 5000,
        b'<pdf2xml><page number="1"><text top="10" left="10" width="100" height="10">\xff\xfe\x00</text></page>',
    ],
    ids=["bad-numbers", "unclosed", "bad-bytes"],
)
def test_broken_positioned_copies_give_a_clear_error_or_nothing_wrong(data: bytes) -> None:
    try:
        report = parse_bytes(data, "broken.xml")
    except GongkaiError as e:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(e))
    else:
        assert not any(c.known for _, c in report.cells())


@pytest.mark.skipif(
    not (shutil.which("pdftohtml") and shutil.which("pdftotext")), reason="poppler-utils absent"
)
@pytest.mark.parametrize("tool", ["pdftohtml", "pdftotext"])
def test_poppler_copies_of_a_pdf_read_as_the_pdf(tmp_path: Path, tool: str) -> None:
    """A generated report's PDF through poppler's positioned copies: every cell the PDF gives,
    the copy gives, and nothing wrong."""
    truth = generate_report(random.Random(5), "2021")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render(truth, "pdf"))
    cmd = (
        ["pdftohtml", "-xml", "-i", "-q", "-stdout", "-enc", "UTF-8", str(pdf)]
        if tool == "pdftohtml"
        else ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"]
    )
    copy = subprocess.run(cmd, capture_output=True, check=True).stdout
    report = parse_bytes(copy, "copy.html")
    direct = parse_bytes(pdf.read_bytes(), "r.pdf")
    for address, cell in report.cells():
        if cell.known:
            assert cell.value == truth.cell(address).value, (address, cell)
    assert sum(c.known for _, c in report.cells()) >= sum(c.known for _, c in direct.cells())
