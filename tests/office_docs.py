"""Reports as web pages and Word documents in the shapes met on government sites, with every
cell's place known: the pages and documents of ``gongkai.write.html`` / ``gongkai.write.docx``,
then changed the way published ones differ (tables flattened into lines, GBK without a charset,
navigation and footers, layout tables, tracked changes, text boxes, content controls, …).

The truth is a generated report (``gongkai.synth``); where each value sits is
``gongkai.write.layout.grids`` (the official layout), shifted by the tables a variant adds.
"""

from __future__ import annotations

import copy
import io
import json
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml import etree

from gongkai.model.report import Report, Status, TableAt, TextAt
from gongkai.synth.generate import generate_report
from gongkai.write.docx import write_docx
from gongkai.write.html import write_html
from gongkai.write.layout import grids

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = f"{{{W}}}"


def assert_seed_truth(got: Report, truth_path: Path, *, located: bool = False) -> None:
    """Every cell of a seed's hand-read truth is known and equal, and the meta matches; with
    ``located``, every cell read as printed also says where it was read."""
    want = json.loads(truth_path.read_text(encoding="utf-8"))
    wrong = []
    for address, value in want["cells"].items():
        cell = got.cell(address)
        if not cell.known or str(cell.value) != str(value):
            wrong.append((address, value, cell.value, cell.status))
        elif located and cell.status == Status.READ and not isinstance(cell.at, TableAt | TextAt):
            wrong.append((address, "no at", cell.at))
    assert not wrong, wrong[:5]
    meta = want["meta"]
    assert (got.meta.agency, got.meta.year, got.meta.edition) == (
        meta["agency"],
        meta["year"],
        meta["edition"],
    )


def make_report(seed: int, edition_key: str | None = None, profile: str | None = None) -> Report:
    return generate_report(random.Random(f"{seed}:office"), edition_key, profile)  # type: ignore[arg-type]


def table_positions(
    report: Report, shift: Callable[[int], int] = lambda i: i
) -> dict[str, tuple[int, int, int]]:
    """Address → (table, row, col) of the written tables; ``shift`` maps the written table's
    index (0, 1, 2) to its index in the variant."""
    return {
        a: (shift(i), r, c)
        for i, g in enumerate(grids(report.meta.edition))
        for a, (r, c) in g.positions.items()
    }


@dataclass
class Rendered:
    data: bytes
    at: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # address → table, row, col
    line: dict[str, int] = field(default_factory=dict)  # address → source line (flattened tables)


def assert_exact(
    truth: Report, got: Report, r: Rendered, *, title: bool = True, col: bool = True
) -> tuple[int, int]:
    """Every cell equal to the truth and read, at its place; returns (right, total).

    ``col=False``: the table and row must be right, not the column (LibreOffice re-grids some
    tables it imports, adding a column where cell widths do not meet the page's)."""
    wrong = []
    right = total = 0
    for address, want in truth.cells():
        total += 1
        cell = got.cell(address)
        ok = cell.status == Status.READ and cell.value == want.value
        if r.at:
            t, row, c = r.at[address]
            at = cell.at
            if col:
                ok = ok and at == TableAt(table=t, row=row, col=c)
            else:
                ok = ok and isinstance(at, TableAt) and (at.table, at.row) == (t, row)
        elif r.line:
            ok = ok and cell.at == TextAt(line=r.line[address])
        right += ok
        if not ok:
            wrong.append((address, want.value, cell.value, str(cell.status), cell.at))
    assert not wrong, f"{len(wrong)}/{total} wrong: {wrong[:5]}"
    assert (got.meta.year, got.meta.edition) == (truth.meta.year, truth.meta.edition)
    if title:
        assert got.meta.title == truth.meta.title
    return right, total


# --- HTML ----------------------------------------------------------------------------------

NAV = (
    '<div id="top-nav" class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政府信息公开</a>'
    '</li><li><a href="/nb">政府信息公开年度报告</a></li><li><a>依申请公开</a></li></ul></div>\n'
    '<div class="breadcrumb">当前位置：首页 &gt; 政府信息公开 &gt; 年度报告</div>\n'
    '<table class="menu"><tr><td>首页</td><td>2021年</td><td>2022年</td><td>3</td></tr></table>\n'
)
FOOTER = (
    '<div class="footer"><p>主办单位：某某市人民政府办公室 电话：0371-12345678</p>'
    "<p>网站标识码 4101000001 ICP备12345678号 2023年访问量 123456</p></div>\n"
    "<script>var _hmt = _hmt || []; document.write('<p>2023年 1 2 3</p>');</script>\n"
    "<style>p { margin: 0 }</style>\n"
)


def _flatten(page: str, how: str) -> tuple[str, dict[str, int]]:
    """Each table replaced by a <p> per row ("p"), one <p> of rows split by <br> ("br") or a
    <div> per cell ("div"); merged cells print once, so rows have as many texts as origin cells."""
    root = lxml.html.document_fromstring(page)
    for table in list(root.iter("table")):
        rows: list[etree._Element] = []
        for tr in table.iter("tr"):
            spans = []
            for cell in tr:
                span = etree.Element("span")
                span.text = cell.text_content()
                if cell.get("data-address"):
                    span.set("data-address", cell.get("data-address"))
                span.tail = "\xa0\xa0"
                spans.append(span)
            rows.append(spans)  # type: ignore[arg-type]
        parent = table.getparent()
        at = parent.index(table)
        new: list[etree._Element] = []
        if how == "div":  # one cell per line, as some sites print a table copied from Word
            for spans in rows:
                for span in spans:
                    div = etree.Element("div")
                    div.append(span)
                    span.tail = None
                    div.tail = "\n"
                    new.append(div)
        elif how == "p":
            for spans in rows:
                p = etree.Element("p")
                p.extend(spans)
                p.tail = "\n"
                new.append(p)
        else:
            p = etree.Element("p")
            p.text = "\n"
            for spans in rows:
                p.extend(spans)
                br = etree.SubElement(p, "br")
                br.tail = "\n"
            p.tail = "\n"
            new.append(p)
        parent.remove(table)
        for i, el in enumerate(new):
            parent.insert(at + i, el)
    text = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    lines: dict[str, int] = {}
    for n, line in enumerate(text.split("\n"), start=1):
        for a in re.findall(r'data-address="([^"]+)"', line):
            lines[a] = n
    return text, lines


def html_page(
    report: Report,
    *,
    flat: str
    | None = None,  # None (tables), "p" (a <p> per row), "br" (rows split by <br>), "div" (a cell each)
    noise: bool = False,  # navigation (with a menu table), breadcrumb, footer, script, style
    charset: str | None = "utf-8",  # the declared charset; None: no declaration
    encoding: str = "utf-8",
    wrap: bool = False,  # the article inside a layout table
    title_outside: bool = False,  # the title only in <h1> inside the page's <header>
) -> Rendered:
    page = write_html(report)
    extra = 0  # tables before the report's
    if charset is None:
        page = page.replace('<meta charset="utf-8">\n', "")
    elif charset != "utf-8":
        page = page.replace(
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        )
    if title_outside:
        h1 = re.search(r"<h1>.*?</h1>\n", page)
        assert h1
        page = page.replace(h1.group(0), "")
        page = page.replace(
            "<main>",
            f'<header class="article-head">{h1.group(0)}</header>\n'
            '<div class="info">发布时间：2024-01-20</div>\n<main>',
        )
    if wrap:
        page = page.replace("<main>", '<table width="100%"><tr><td class="left">栏目</td><td>\n<main>')
        page = page.replace("</main>", "</main>\n</td></tr></table>")
        extra += 1
    if noise:
        page = page.replace("<body>\n", "<body>\n" + NAV)
        page = page.replace("</body>", FOOTER + "</body>")
        extra += 1
    if flat:
        page, lines = _flatten(page, flat)
        return Rendered(page.encode(encoding), line=lines)
    return Rendered(page.encode(encoding), at=table_positions(report, lambda i: i + extra))


# --- DOCX ----------------------------------------------------------------------------------


def _rezip(data: bytes, change: Callable[[etree._Element], None]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                root = etree.fromstring(body)
                change(root)
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            z.writestr(info.filename, body)
    return out.getvalue()


def xml(fragment: str) -> etree._Element:
    ns = (
        f'xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"'
    )
    return etree.fromstring(f"<w:root {ns}>{fragment}</w:root>")[0]


def body_tables(root: etree._Element) -> list[etree._Element]:
    return root.find(WP + "body").findall(WP + "tbl")


def tc_at(tbl: etree._Element, row: int, col: int) -> etree._Element:
    """The w:tc whose grid range starts at (row, col) in a written table."""
    tr = tbl.findall(WP + "tr")[row]
    c = 0
    for tc in tr.findall(WP + "tc"):
        if c == col:
            return tc
        span = tc.find(f"{WP}tcPr/{WP}gridSpan")
        c += int(span.get(WP + "val")) if span is not None else 1
    raise KeyError((row, col))


_DOCX_CACHE: dict[str, bytes] = {}


def _written_docx(report: Report) -> bytes:
    """``write_docx(report)``, once per report (python-docx takes a good part of a second)."""
    key = report.to_json(indent=None)
    if key not in _DOCX_CACHE:
        _DOCX_CACHE[key] = write_docx(report)
    return _DOCX_CACHE[key]


def docx_document(
    report: Report,
    *,
    wrap: bool = False,  # everything inside a one-cell layout table
    nested_header: bool = False,  # a small table nested in the requests table's 申请人情况 cell
    tracked: bool = False,  # tracked changes: a changed value, a deleted paragraph, a deleted row
    textbox: bool = False,  # the appeals table inside a text box (DrawingML with a VML fallback)
    sdt: bool = False,  # a row and a cell of the requests table inside content controls
    strict: bool = False,  # the Strict OOXML namespace
) -> Rendered:
    data = _written_docx(report)
    shifts: dict[int, int] = {0: 0, 1: 0, 2: 0}
    pos = table_positions(report)

    def change(root: etree._Element) -> None:
        body = root.find(WP + "body")
        tables = body_tables(root)
        if tracked:
            # the total of new requests: an old value deleted, the true one inserted
            r, c = pos["requests.new_received.total"][1:]
            tc = tc_at(tables[1], r, c)
            p = tc.find(WP + "p")
            value = "".join(t.text or "" for t in p.iter(WP + "t"))
            for run in p.findall(WP + "r"):
                p.remove(run)
            p.append(
                xml(
                    f'<w:del w:id="1" w:author="a"><w:r><w:delText>{int(value) + 7}</w:delText></w:r></w:del>'
                )
            )
            p.append(xml(f'<w:ins w:id="2" w:author="a"><w:r><w:t>{value}</w:t></w:r></w:ins>'))
            # a deleted paragraph that would otherwise read as a heading of the requests table
            body.insert(
                1,
                xml(
                    '<w:p><w:del w:id="3" w:author="a"><w:r><w:delText>三、收到和处理政府信息公开申请情况'
                    "</w:delText></w:r></w:del></w:p>"
                ),
            )
            # a deleted copy of the rules row with wrong numbers, before the real one
            rules_row = next(v[1] for a, v in pos.items() if a.startswith("active_disclosure.rules."))
            tr = tables[0].findall(WP + "tr")[rules_row]
            bad = copy.deepcopy(tr)
            for t in bad.iter(WP + "t"):
                if t.text and t.text.isdigit():
                    t.text = "99"
            pr = bad.find(WP + "trPr")
            pr.append(xml('<w:del w:id="4" w:author="a"/>'))
            tr.addprevious(bad)
            # rows at and below the deleted one are one w:tr further down
            for a, (t_, row, col) in list(pos.items()):
                if t_ == 0 and row >= rules_row:
                    pos[a] = (t_, row + 1, col)
        if sdt:
            r0 = pos["requests.carried_over.natural_person"][1]
            tr = tables[1].findall(WP + "tr")[r0]
            wrapper = xml("<w:sdt><w:sdtPr/><w:sdtContent/></w:sdt>")
            tr.addprevious(wrapper)
            wrapper[1].append(tr)
            r1, c1 = pos["requests.granted.total"][1:]
            tc = tc_at(tables[1], r1, c1)
            cell_wrapper = xml("<w:sdt><w:sdtPr/><w:sdtContent/></w:sdt>")
            tc.addprevious(cell_wrapper)
            cell_wrapper[1].append(tc)
        if nested_header:
            tc = tc_at(tables[1], 0, 3)
            tc.insert(
                len(tc) - 1,
                xml(
                    "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
                    "<w:tc><w:p><w:r><w:t>申请人</w:t></w:r></w:p></w:tc>"
                    "<w:tc><w:p><w:r><w:t>8</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
                ),
            )
            shifts[2] += 1
        if textbox:
            appeals = tables[2]
            holder = xml(
                '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
                "<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent/></wps:txbx></wps:wsp>"
                "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>"
                "<v:shape><v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></mc:Fallback>"
                "</mc:AlternateContent></w:r></w:p>"
            )
            appeals.addprevious(holder)
            boxes = list(holder.iter(WP + "txbxContent"))
            boxes[1].append(copy.deepcopy(appeals))
            boxes[1].append(xml("<w:p/>"))
            boxes[0].append(appeals)
            boxes[0].append(xml("<w:p/>"))
            # a text box without a table, with numbers: ignored
            note = xml(
                "<w:p><w:r><w:t>注：</w:t></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>"
                "<w:t>一、本年新收政府信息公开申请数量 999 999</w:t></w:r></w:p></w:txbxContent></v:textbox>"
                "</v:shape></w:pict></w:r></w:p>"
            )
            holder.addnext(note)
        if wrap:
            outer = xml(
                "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:tcPr/></w:tc></w:tr></w:tbl>"
            )
            tc = outer.find(f"{WP}tr/{WP}tc")
            sect = body.find(WP + "sectPr")
            for child in list(body):
                if child is not sect:
                    tc.append(child)
            tc.append(xml("<w:p/>"))
            body.insert(0, outer)
            for k in shifts:
                shifts[k] += 1

    data = _rezip(data, change)
    if strict:
        data = _rezip_bytes(
            data, lambda b: b.replace(W.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main")
        )
    at = {a: (t + shifts[t], r, c) for a, (t, r, c) in pos.items()}
    return Rendered(data, at=at)


def _rezip_bytes(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            z.writestr(info.filename, change(body) if info.filename == "word/document.xml" else body)
    return out.getvalue()


def replace_part(
    data: bytes, part: str, body: bytes | None, *, compress: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """A copy of a zip with ``part`` replaced (``None``: removed)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as z:
        for info in src.infolist():
            if info.filename == part:
                continue
            z.writestr(info.filename, src.read(info))
        if body is not None:
            z.writestr(part, body)
    return out.getvalue()
