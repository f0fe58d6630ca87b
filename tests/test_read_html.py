"""The HTML reader: generated reports as web pages (real tables with rowspan/colspan, tables
flattened into <p>/<br> lines, GBK pages, navigation and footer noise, layout tables), the
seeds as web pages, and the pieces (grid, decoding, title, noise) one by one.

Every generated page must read with every cell equal to the truth, ``read``, and ``at`` naming
the right table, row and column (or, for flattened tables, the source line).
"""

from __future__ import annotations

import hashlib
import html
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from gongkai.api import read_bytes
from gongkai.errors import InputError, NotAReportError
from gongkai.model.report import Source, TableAt, TextAt
from gongkai.read.grid import Lines, SpanCell, clean_cell, expand_spans
from gongkai.read.html import decode_html, html_lines, read_html
from gongkai.synth.generate import generate_report
from gongkai.write.docx import write_docx
from office_docs import Rendered, assert_exact, assert_seed_truth, html_page, make_report, table_positions

SEED_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def source(data: bytes, name: str = "page.html") -> Source:
    return Source(name=name, sha256=hashlib.sha256(data).hexdigest(), format="html")


# --- generated reports -----------------------------------------------------------------------

LAYOUTS = {
    "tables": {},
    "flat-p": {"flat": "p"},
    "flat-br": {"flat": "br"},
    "flat-div": {"flat": "div"},
    "noise-wrapped": {"noise": True, "wrap": True, "title_outside": True},
    "gbk-no-meta": {"charset": None, "encoding": "gbk"},
    "gb2312-meta": {"charset": "gb2312", "encoding": "gb18030"},
    "flat-gbk-noise": {"flat": "p", "charset": None, "encoding": "gb18030", "noise": True},
}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("layout", LAYOUTS)
def test_generated_page(seed: int, layout: str) -> None:
    truth = make_report(seed, edition_key="2019" if seed % 2 else "2021")
    r = html_page(truth, **LAYOUTS[layout])  # type: ignore[arg-type]
    assert_exact(truth, read_html(r.data, source(r.data)), r)


def test_many_written_pages() -> None:
    """40 random reports as written by gongkai.write.html: every cell right, at its table cell."""
    right = total = 0
    for seed in range(40):
        truth = generate_report(random.Random(seed))
        r = html_page(truth)
        got = read_html(r.data, source(r.data))
        a, b = assert_exact(truth, got, r, title=False)
        right, total = right + a, total + b
    assert right == total


def test_read_bytes_dispatches_html() -> None:
    truth = make_report(11)
    r = html_page(truth, noise=True)
    got = read_bytes(r.data, "report.html")
    assert got.source.format == "html"
    assert_exact(truth, got, r)


def test_utf8_bom_and_wrong_declaration() -> None:
    truth = make_report(12)
    r = html_page(truth)
    assert_exact(truth, read_html(b"\xef\xbb\xbf" + r.data, source(r.data)), r)
    # a page that says UTF-8 but is GBK (common): decoded as GB18030
    lied = html_page(truth, encoding="gbk")
    assert_exact(truth, read_html(lied.data, source(lied.data)), lied)


def test_noise_does_not_leak() -> None:
    truth = make_report(13)
    r = html_page(truth, noise=True, wrap=True, title_outside=True)
    lines = html_lines(r.data).lines
    text = "\n".join(lines)
    for noise in ("首页", "当前位置", "主办单位", "网站标识码", "_hmt", "margin", "2022年"):
        assert noise not in text, noise
    assert lines[0] == truth.meta.title


# --- pieces ----------------------------------------------------------------------------------


def test_expand_spans() -> None:
    rows = [
        [SpanCell("a", rowspan=3), SpanCell("b", colspan=2)],
        [SpanCell("c"), SpanCell("d")],
        [SpanCell("e", colspan=2), SpanCell("f")],  # f overflows to a new column
        [SpanCell("g", rowspan=0), SpanCell("h", rowspan=9)],  # rowspans cut at the last row
    ]
    assert expand_spans(rows) == [
        ["a", "b", ""],
        ["", "c", "d"],
        ["", "e", "", "f"],
        ["g", "h"],
    ]


def test_lines_locate() -> None:
    out = Lines()
    out.prose("一、总体情况", TextAt(line=7))
    out.table(3, [["x\ty", "1|2", ""], ["", "", "5"], ["", "", ""]])
    assert out.lines == ["一、总体情况", "x y\t1 2\t", "\t\t5"]  # a row keeps its empty cells
    assert out.locate(1, 0) == TextAt(line=7)
    assert out.locate(2, 1) == TableAt(table=3, row=0, col=1)
    assert out.locate(3, 2) == TableAt(table=3, row=1, col=2)
    assert out.locate(9, 0) is None
    assert clean_cell(" a\u3000b\nc｜d¦e\x0bf ") == "a b c d e f"


def test_decode() -> None:
    text = "<html><body><p>政府信息公开工作年度报告 䶮</p></body></html>"  # 䶮 is not in GBK
    assert decode_html(text.encode("gb18030"))[1] == "gb18030"
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=GB2312">'
    assert decode_html((meta + text).encode("gb18030"))[0].endswith(text)
    assert decode_html(text.encode("utf-8"))[1] == "utf-8"
    latin = '<meta charset="iso-8859-1">' + text
    assert decode_html(latin.encode("gbk", "replace"))[1] == "gb18030"  # not believed
    assert decode_html(b'<meta charset="utf-16">' + text.encode())[1] == "utf-8"  # as browsers do
    with pytest.raises(InputError, match="二进制"):
        decode_html(b"<html>\x00\x01\x02" * 100)


def test_title_broken_by_br_is_one_line() -> None:
    page = "<html><body><p><b>某某县人民政府2023年<br>政府信息公开工作年度报告</b></p><p>一、总体情况<br>正文</p></body></html>"
    assert html_lines(page.encode()).lines == [
        "某某县人民政府2023年政府信息公开工作年度报告",
        "一、总体情况",
        "正文",
    ]


def test_nested_tables() -> None:
    """A layout table around a data table; a data table with a small table in a cell stays whole."""
    page = """<html><body><table><tr><td>菜单</td><td>
    <table id="data"><tr><td>甲</td><td><table><tr><td>内</td></tr></table>乙</td></tr>
    <tr><td>1</td><td>2</td></tr></table></td></tr></table></body></html>"""
    out = html_lines(page.encode())
    assert out.lines == ["菜单", "甲\t乙", "1\t2", "内"]
    assert out.locate(3, 1) == TableAt(table=1, row=1, col=1)
    assert out.locate(4, 0) == TableAt(table=2, row=0, col=0)


def test_hidden_and_form() -> None:
    """ASP.NET pages wrap the whole body in a <form>: kept. Hidden elements are dropped."""
    body = "".join(f"<p>第{i}段正文，内容较长，足以超过导航的文字。</p>" for i in range(10))
    page = f"""<html><body><form id="form1"><div style="display:none">隐藏</div>{body}
    <nav>导航</nav><div class="main-menu">菜单</div></form></body></html>"""
    lines = html_lines(page.encode()).lines
    assert len(lines) == 10 and "隐藏" not in "".join(lines) and "菜单" not in "".join(lines)


def test_title_from_head() -> None:
    title = "某某县人民政府办公室2023年政府信息公开工作年度报告"
    page = f"<html><head><title>{title} - 某某县政府网</title></head><body><p>首页 &gt; 年报</p><p>正文</p></body></html>"
    assert html_lines(page.encode()).lines[0] == title
    h1 = "<header><h1><span>某某县人民政府办公室</span><span>2023年</span><br>政府信息公开工作年度报告</h1></header>"
    page = f"<html><head><title>某某县政府网</title></head><body>{h1}<p>首页 &gt; 年报</p><p>正文</p></body></html>"
    assert html_lines(page.encode()).lines == [title, "首页 > 年报", "正文"]


def test_not_a_report() -> None:
    page = "<html><body><p>欢迎访问</p><table><tr><td>1</td><td>2</td></tr></table></body></html>"
    with pytest.raises(NotAReportError):
        read_html(page.encode(), source(b""))
    with pytest.raises(InputError):
        read_html(b"<html><body></body></html>", source(b""))


# --- the seeds as web pages --------------------------------------------------------------------


def seed_page(text: str) -> bytes:
    """A seed's text as a page: runs of tab-separated lines become tables, other lines <p>."""
    out = ["<html><head><meta charset='utf-8'></head><body>"]
    in_table = False
    for line in text.splitlines():
        if "\t" in line:
            if not in_table:
                out.append("<table>")
                in_table = True
            cells = "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t"))
            out.append(f"<tr>{cells}</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        out.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out).encode()


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(p.stem for p in SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else [])
def test_seed_as_page(name: str) -> None:
    text = (SEED_DIR / f"{name}.txt").read_text(encoding="utf-8")
    data = seed_page(text)
    got = read_html(data, source(data, name + ".html"))
    assert_seed_truth(got, SEED_DIR / "truth" / f"{name}.json", located="\t" in text)


# --- a page saved by an office suite -----------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_page_saved_by_libreoffice(tmp_path: Path) -> None:
    """A written DOCX saved as a web page by LibreOffice (its tables, spans, fonts and styles)."""
    truth = make_report(14)
    path = tmp_path / "report.docx"
    path.write_bytes(write_docx(truth))
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    cmd = [str(SOFFICE), profile, "--headless", "--convert-to", "html", "--outdir", str(tmp_path), str(path)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    data = (tmp_path / "report.html").read_bytes()
    assert_exact(truth, read_html(data, source(data)), Rendered(data, at=table_positions(truth)), col=False)


def test_column_printed_without_its_new() -> None:
    """A 2019-edition table 1 whose header prints 本年<br>公开数量 (without 新): the column is
    本年新公开数量 (a variant in ``model/keys.py``)."""
    from gongkai.synth.corpus import render

    truth = generate_report(random.Random(4), "2019")
    page = render(truth, "html").decode("utf-8").replace("本年新公开数量", "本年<br>公开数量")
    report = read_bytes(page.encode("utf-8"), "variant.html")
    for row in ("rules", "normative_documents"):
        address = f"active_disclosure.{row}.published"
        assert report.cell(address).value == truth.cell(address).value, address


def _seq_total_first_page(truth_seed: int) -> tuple[bytes, dict[str, object]]:
    """A page whose requests table has a 序号 column before its labels and 总计 as the first
    column of numbers; the 序号 of each row is printed in its first cell."""
    from gongkai.model.keys import edition

    truth = generate_report(random.Random(truth_seed), "2021")
    cols = ["total", "natural_person", "commercial_enterprise", "research_institution"]
    cols += ["social_organization", "legal_service_institution", "other_organization"]
    head = (
        '<tr><td rowspan="3">序号</td><td rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，'
        '等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>'
        '<tr><td rowspan="2">总计</td><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td></tr>'
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
    )
    rows = []
    for n, row in enumerate(edition("2021").table("requests").rows, 1):
        cells = "".join(f"<td>{truth.cell(f'requests.{row.key}.{c}').value}</td>" for c in cols)
        rows.append(f'<tr><td>{n}</td><td colspan="3">{row.label}</td>{cells}</tr>')
    page = (
        "<html><body><h1>某县某局2023年政府信息公开工作年度报告</h1><p>三、收到和处理政府信息公开申请情况</p>"
        f"<table>{head}{''.join(rows)}</table><p>四、政府信息公开行政复议、行政诉讼情况</p><p>无。</p></body></html>"
    )
    expected = {a: c.value for a, c in truth.cells() if a.startswith("requests.")}
    return page.encode("utf-8"), expected


def test_a_serial_number_column_does_not_stop_rows_being_placed_by_their_headers() -> None:
    """The 序号 before each label is a number on the row's line that is no cell: each row's
    numbers are still placed by the header over them (总计 first included)."""
    data, expected = _seq_total_first_page(7)
    report = read_bytes(data, "seq.html")
    got = {a: c.value for a, c in report.cells() if a.startswith("requests.") and c.status.value == "read"}
    assert got == expected
