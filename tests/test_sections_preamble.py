"""The introduction before 一、总体情况 (``sections.preamble``): written by every writer and the
填报 workbook, read back by the workbook reader and the text reader."""

from __future__ import annotations

import io
import random
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from gongkai.api import read_bytes
from gongkai.model.keys import edition
from gongkai.model.report import PREAMBLE, Report, Source
from gongkai.read.html import html_lines
from gongkai.read.sections import find_headings, read_sections
from gongkai.read.xlsx import read_xlsx
from gongkai.schema import load_schema
from gongkai.synth.generate import generate_report
from gongkai.write import write_report
from gongkai.write.docx import build_document
from gongkai.write.layout import META_VALUE_COL, PREAMBLE_LABEL, PREAMBLE_ROW, TEMPLATE_META_SHEET, title_of
from gongkai.write.template import write_template

TABLES = {"active_disclosure", "requests", "appeals"}
INTRO = (
    "本报告依据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自1月1日起至12月31日止。\n"
    "本报告电子版可在本机关门户网站下载。如对本报告有疑问，请与本机关办公室联系（电话：0000-7654321）。"
)


def synth(seed: int, preamble: str | None = INTRO) -> Report:
    report = generate_report(random.Random(seed), "2021")
    report.sections = {PREAMBLE: preamble, **report.sections}
    return report


def before_first_section(text: str, report: Report) -> str:
    """What a written text has between its title and 一、总体情况."""
    start = text.index(title_of(report)) + len(title_of(report))
    return text[start : text.index("一、总体情况", start)]


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_text_writers_put_the_preamble_after_the_title(fmt: str) -> None:
    report = synth(1)
    out = write_report(report, fmt).decode("utf-8")
    between = before_first_section(out, report)
    for para in INTRO.splitlines():
        assert para in between
    plain = write_report(synth(1, None), fmt).decode("utf-8")
    assert not any(para in plain for para in INTRO.splitlines())


def test_docx_puts_the_preamble_after_the_title() -> None:
    report = synth(2)
    texts = [p.text for p in build_document(report).paragraphs]
    first = next(i for i, t in enumerate(texts) if t == "一、总体情况")
    assert texts[first - 2 : first] == INTRO.splitlines()


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx"])
def test_written_preamble_reads_back(fmt: str) -> None:
    report = synth(3)
    got = read_bytes(write_report(report, fmt), f"report.{fmt}")
    if PREAMBLE not in got.sections:
        pytest.skip("the text reader does not call sections.read_sections yet")
    assert got.sections[PREAMBLE] == INTRO
    assert got.sections["overview"] == report.sections["overview"]


def test_template_keeps_the_preamble() -> None:
    report = synth(5)
    data = write_template(report=report)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[TEMPLATE_META_SHEET]
    assert ws.cell(PREAMBLE_ROW + 1, 1).value == PREAMBLE_LABEL
    assert ws.cell(PREAMBLE_ROW + 1, META_VALUE_COL + 1).value == INTRO
    got = read_bytes(data, "filled.xlsx")
    assert got.sections[PREAMBLE] == INTRO
    assert got.sections["overview"] == report.sections["overview"]
    jsonschema.validate(got.to_json_dict(), load_schema())  # the schema knows the key


def test_template_preamble_typed_by_a_clerk_and_left_empty() -> None:
    report = synth(6, None)
    wb = openpyxl.load_workbook(io.BytesIO(write_template(report=report)))
    ws = wb.worksheets[TEMPLATE_META_SHEET]
    assert ws.cell(PREAMBLE_ROW + 1, META_VALUE_COL + 1).value is None
    buf = io.BytesIO()
    wb.save(buf)
    assert read_bytes(buf.getvalue(), "empty.xlsx").sections[PREAMBLE] is None
    ws.cell(PREAMBLE_ROW + 1, META_VALUE_COL + 1).value = "  第一段。\r\n\r\n第二段。 "
    buf = io.BytesIO()
    wb.save(buf)
    got = read_xlsx(buf.getvalue(), Source(name="t.xlsx", sha256="", format="xlsx"))
    assert got.sections[PREAMBLE] == "第一段。\n第二段。"


@pytest.mark.shared
def test_real_pages_introduction(shared_dir: Path) -> None:
    """A crawled page: the introduction without the site's furniture or the crawler's header; a
    page cut from the middle of a report has none."""
    page = shared_dir / "corpus" / "real" / "shuyang-fgj-2023-pagehtml.html"
    cut = shared_dir / "corpus" / "real" / "huaian-gov-2024-pdftext.txt"
    if not page.is_file() or not cut.is_file():
        pytest.skip("corpus/real is absent")
    lines = html_lines(page.read_bytes()).text.splitlines()
    intro = read_sections(lines, find_headings(lines), TABLES, edition("2021"))[0][PREAMBLE]
    assert intro is not None and "联系" in intro
    assert not any(w in intro for w in ("索引号", "星期", "采集时间", "\t"))
    lines = cut.read_text(encoding="utf-8").splitlines()
    assert read_sections(lines, find_headings(lines), TABLES, edition("2021"))[0][PREAMBLE] is None
