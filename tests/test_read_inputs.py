"""Inputs met in practice: HTML inside a JavaScript string, HTML fragments, HTML tables inside
markdown, text with HTML entities, traditional characters."""

from __future__ import annotations

import json
import random
import re

import pytest

from gongkai.api import read_bytes
from gongkai.model.report import Report
from gongkai.read.normalize import label_key, to_simplified
from gongkai.read.unwrap import js_unescape, looks_like_html, unwrap
from gongkai.synth.compare import compare
from gongkai.synth.generate import generate_report
from gongkai.write.html import table_html, write_html
from gongkai.write.layout import parts, title_of
from gongkai.write.markdown import write_markdown
from gongkai.write.text import write_text


def synth(seed: int, edition_key: str = "2021") -> Report:
    return generate_report(random.Random(seed), edition_key)  # type: ignore[arg-type]


def body_of(page: str) -> str:
    return page[page.index("<main>") + len("<main>") : page.index("</main>")]


def assert_exact(truth: Report, got: Report) -> None:
    cmp = compare(truth, got)
    assert cmp.ok and cmp.share == 1.0, (cmp.wrong[:3], cmp.meta_errors)


def js_string(html: str) -> str:
    """``html`` as a JavaScript string literal, escaped as CMSs and crawlers write it."""
    s = json.dumps(html, ensure_ascii=False)
    return (
        s.replace("</", "<\\/")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&nbsp;", "\\u0026nbsp;")
    )


# --- HTML inside a JavaScript string -------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_html_in_a_script_string(seed: int) -> None:
    truth = synth(seed, ("2021", "2019")[seed % 2])
    inner = body_of(write_html(truth))
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>某某网站</title>"
        "<script>var siteName = '某某网站首页';\n"
        f"var content = {js_string(inner)};\n"
        "document.getElementById('app').innerHTML = content;</script></head>"
        "<body><div class='nav'>首页 | 政务公开 | 互动交流</div><div id='app'></div></body></html>"
    )
    got = read_bytes(page.encode("utf-8"), "page.html")
    assert got.source.format == "html"
    assert_exact(truth, got)


def test_html_in_a_script_string_escaped_only_where_it_must_be() -> None:
    """A string that escapes only its quotes and line breaks (tags without attributes, "</p>"
    as it is: no escaped markup at all) is found by the markup it opens with."""
    truth = synth(6)
    inner = re.sub(r"<(\w+)[^>]*>", r"<\1>", body_of(write_html(truth)))  # no attributes
    literal = '"' + ("\n" + inner).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="content"></div>'
        f'<script>var content = {literal};document.getElementById("content").innerHTML = content;</script>'
        "</body></html>"
    )
    assert "\\u003c" not in page and "<\\/" not in page and '=\\"' not in page
    got = read_bytes(page.encode("utf-8"), "page.html")
    compare_ = compare(truth, got)
    assert not compare_.wrong and compare_.share > 0.9


def test_a_crawled_string_without_its_page() -> None:
    """A crawler's file holding only the escaped string (quotes and all, or without them)."""
    truth = synth(3)
    inner = body_of(write_html(truth)).replace("<p>", "<p>&nbsp;&nbsp;")
    for data in (js_string(inner), js_string(inner)[1:-1]):
        got = read_bytes(data.encode("utf-8"), "content.txt")
        assert got.source.format == "html"
        assert_exact(truth, got)
        assert got.sections["overview"] and "&nbsp;" not in got.sections["overview"]


def test_plain_text_in_a_script_string() -> None:
    """A page whose article is filled from a JavaScript string holding the report as plain text
    (a crawler's text with \\n, tab-separated tables, &nbsp;): read as text."""
    truth = synth(5)
    text = write_text(truth).replace("一、总体情况\n", "一、总体情况\n&nbsp;&nbsp;")
    literal = (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n") + '"'
    )
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title></head><body>'
        '<div class="nav">首页 &gt; 政务公开</div><div id="zoom"></div>'
        f"<script>var content = {literal};document.getElementById('zoom').innerText = content;</script>"
        "</body></html>"
    )
    got = read_bytes(page.encode("utf-8"), "page.html")
    assert_exact(truth, got)
    assert got.sections["overview"] and "&nbsp;" not in got.sections["overview"]


def test_js_unescape() -> None:
    assert js_unescape(r"\u003cp class=\"a\"\u003e一\n二\t\/\'\\\x41\u{1F600}\ud83d\ude00") == (
        '<p class="a">一\n二\t/\'\\A\U0001f600\U0001f600'
    )


def test_page_text_is_not_replaced_by_a_scripts_string() -> None:
    """A page whose report is its own text keeps it even when a script holds some markup."""
    truth = synth(4)
    page = write_html(truth).replace(
        "</head>",
        '<script>var menu = "\\u003cli\\u003e首页\\u003c/li\\u003e\\u003cli\\u003e政务公开\\u003c/li\\u003e";</script></head>',
    )
    data = page.encode("utf-8")
    assert unwrap(data, "html") == (data, "html")
    assert_exact(truth, read_bytes(data, "page.html"))


# --- fragments, tables in markdown, entities -------------------------------------------------------


def test_fragment_of_long_paragraphs() -> None:
    truth = synth(11)
    body = body_of(write_html(truth))
    paras = "".join(f"<p>{'政务公开工作稳步推进。' * 40}</p>\n" for _ in range(5))
    fragment = body.replace("<h2>一、总体情况</h2>", "<h2>一、总体情况</h2>\n" + paras, 1)
    got = read_bytes(fragment.encode("utf-8"), "fragment.txt")
    assert got.source.format == "html"
    assert_exact(truth, got)


def test_html_fragment() -> None:
    truth = synth(5)
    fragment = "\n" + body_of(write_html(truth)).replace("<h1>", "<p><strong>").replace(
        "</h1>", "</strong></p>"
    )
    assert looks_like_html(fragment)
    got = read_bytes(fragment.encode("utf-8"), "fragment.txt")
    assert got.source.format == "html"
    assert_exact(truth, got)


@pytest.mark.parametrize("seed", [6, 7])
def test_html_tables_inside_markdown(seed: int) -> None:
    truth = synth(seed, ("2021", "2019")[seed % 2])
    blocks = [f"# {title_of(truth)}"]
    for part in parts(truth):
        blocks.append(f"## {part.heading}")
        blocks.extend(part.paragraphs)
        if part.grid is not None:
            blocks.append(table_html(part.grid, truth))
    data = "\n\n".join(blocks).encode("utf-8")
    assert unwrap(data, "text")[1] == "html"
    got = read_bytes(data, "report.md")
    assert_exact(truth, got)
    assert got.sections["overview"] == truth.sections["overview"]


def test_text_with_entities() -> None:
    truth = synth(8)
    text = write_text(truth)
    text = re.sub(r"(?m)^(?=[^\s一二三四五六（(#])", "&nbsp;&nbsp;&nbsp;&nbsp;", text)
    text = text.replace("“", "&ldquo;").replace("”", "&rdquo;")
    got = read_bytes(text.encode("utf-8"), "report.txt")
    assert got.source.format == "text"
    assert_exact(truth, got)
    assert "&nbsp;" not in (got.sections["overview"] or "")


def test_plain_inputs_pass_through_unchanged() -> None:
    truth = synth(9)
    for data, fmt in (
        (write_text(truth).encode("utf-8"), "text"),
        (write_markdown(truth).encode("utf-8"), "text"),
        (write_html(truth).encode("utf-8"), "html"),
        ("正文提到<table>标签的一句话。\n一、总体情况\n无。".encode(), "text"),
    ):
        assert unwrap(data, fmt) == (data, fmt)


# --- traditional characters ------------------------------------------------------------------------


def test_to_simplified_keeps_positions() -> None:
    for s in (
        "政府信息公開工作年度報告",
        "（二）部分公開（區分處理的，只計這一情形）",
        "乾隆年間頭髮",
        "abc 123",
    ):
        t = to_simplified(s)
        assert len(t) == len(s)
    assert to_simplified("本年新收政府信息公開申請數量") == "本年新收政府信息公开申请数量"
    assert label_key("三、本年度辦理結果") == label_key("三、本年度办理结果")


def test_official_labels_are_unchanged_by_simplification() -> None:
    """Matching never changes a simplified label: only traditional characters are converted."""
    from gongkai.model.keys import EDITIONS, edition
    from gongkai.write.layout import grids

    for ed in EDITIONS:
        texts = [s.heading for s in edition(ed).sections]
        texts += [c.text for g in grids(ed) for c in g.cells if c.text]
        for t in texts:
            assert to_simplified(t) == t, t


def test_traditional_report_is_read_keeping_raw_as_printed() -> None:
    opencc = pytest.importorskip("opencc")
    truth = synth(10)
    s2t = opencc.OpenCC("s2t")
    text = s2t.convert(write_text(truth))
    assert text != write_text(truth)
    got = read_bytes(text.encode("utf-8"), "traditional.txt")
    cmp = compare(truth, got)
    assert cmp.ok and not cmp.wrong and cmp.share == 1.0, (cmp.wrong[:3], cmp.share)
    assert got.meta.title == s2t.convert(title_of(truth))
    assert got.meta.year == truth.meta.year


def test_a_workbook_saved_as_csv_is_read_by_its_cells() -> None:
    """A spreadsheet saved as CSV (Calc or Excel: every line a row of quoted cells, the empty
    ones between commas) reads as the same rows of cells, by name or by its look."""
    import csv
    import io

    from gongkai.read.unwrap import csv_as_cells
    from gongkai.synth.corpus import render
    from gongkai.synth.generate import generate_report

    truth = generate_report(random.Random(8), "2021")
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    for line in render(truth, "txt").decode("utf-8").split("\n"):
        writer.writerow([int(c) if c.isdigit() else c for c in line.split("\t")] + [""] * 3)
    for name in ("report.csv", "report.txt"):
        report = read_bytes(buffer.getvalue().encode("utf-8"), name)
        for address, cell in truth.cells():
            if address.startswith("requests."):
                assert report.cell(address).value == cell.value, (name, address)
    # text that only has commas is no CSV
    assert csv_as_cells("一、总体情况\n我局共收到申请5件,均已办结。\n二、主动公开") is None
