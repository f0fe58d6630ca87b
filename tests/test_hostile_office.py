"""Hostile and broken office files and web pages: each is refused with an InputError (a Chinese
message, exit code 2 from the CLI) in bounded time and memory, never a traceback.

Zip bombs are made small here (megabytes of zeros, or central-directory sizes edited to claim
gigabytes): the limits, not the size on disk, are what is tested. The fuzz tests feed random
and mutated documents to ``read_html`` and ``read_docx``; the only allowed outcomes are a
Report or a GongkaiError. Hypothesis runs derandomized (reproducible in CI); set
``GONGKAI_EXPLORE=1`` to draw new examples. Crashers found by fuzzing are kept below as
regression tests.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import time
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gongkai.api import read_bytes
from gongkai.cli.main import app
from gongkai.errors import GongkaiError, InputError
from gongkai.model.report import Report, Source
from gongkai.read import safety
from gongkai.read.docx import read_docx
from gongkai.read.html import MAX_HTML_BYTES, read_html
from gongkai.write.docx import write_docx
from gongkai.write.html import write_html
from office_docs import make_report, replace_part

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
EXPLORE = os.environ.get("GONGKAI_EXPLORE") == "1"
FAST = 5.0  # seconds: every hostile input is refused well within this


def source(name: str) -> Source:
    return Source(name=name, sha256=hashlib.sha256(name.encode()).hexdigest(), format="x")


@cache
def valid_docx() -> bytes:
    return write_docx(make_report(31))


@cache
def valid_html() -> bytes:
    return write_html(make_report(31)).encode()


def refused(
    reader: Callable[[bytes, Source], Report], data: bytes, match: str | None = None, name: str = "x"
) -> str:
    start = time.monotonic()
    with pytest.raises(InputError, match=match) as e:
        reader(data, source(name))
    assert time.monotonic() - start < FAST
    assert any("\u4e00" <= ch <= "\u9fff" for ch in e.value.message), e.value.message
    return e.value.message


def document(body: bytes) -> bytes:
    """A minimal DOCX with ``body`` as its word/document.xml."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", body)
    return buf.getvalue()


def edit_central_directory(data: bytes, member: str, **fields: int) -> bytes:
    """Rewrite fields of ``member``'s central-directory entry: ``flags``, ``compressed``, ``size``."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, pos + 28)
        name = bytes(out[pos + 46 : pos + 46 + name_len]).decode("utf-8", "replace")
        if name == member:
            if "flags" in fields:
                struct.pack_into("<H", out, pos + 8, fields["flags"])
            if "compressed" in fields:
                struct.pack_into("<I", out, pos + 20, fields["compressed"])
            if "size" in fields:
                struct.pack_into("<I", out, pos + 24, fields["size"])
            return bytes(out)
        pos = out.find(b"PK\x01\x02", pos + 46 + name_len + extra_len + comment_len)
    raise KeyError(member)


# --- zip bombs and broken archives ----------------------------------------------------------------


def test_zip_bomb_by_ratio() -> None:
    """8 MB of zeros in document.xml, a thousand times smaller compressed."""
    body = b"<w:document " + W.encode() + b"><w:body><w:p><w:r><w:t>" + b"0" * (8 << 20)
    bomb = document(body + b"</w:t></w:r></w:p></w:body></w:document>")
    assert len(bomb) < 100_000
    assert "压缩炸弹" in refused(read_docx, bomb)


def test_zip_bomb_declared_a_gigabyte() -> None:
    """A document.xml that claims to inflate to 1 GB (the size field edited: nothing that big is made)."""
    bomb = edit_central_directory(valid_docx(), "word/document.xml", size=1 << 30)
    assert "压缩炸弹" in refused(read_docx, bomb)
    # several members claiming 600 MB each: refused on the archive's declared total
    many = edit_central_directory(valid_docx(), "word/styles.xml", size=600 << 20)
    many = edit_central_directory(many, "word/settings.xml", size=600 << 20)
    assert "压缩炸弹" in refused(read_docx, many)


def test_zip_bomb_lying_small() -> None:
    """A document.xml that claims 100 KB but inflates to 8 MB: the read stops at the claim."""
    body = b"<w:document " + W.encode() + b"><w:body>" + b"<w:p/>" * (8 << 17) + b"</w:body></w:document>"
    liar = edit_central_directory(document(body), "word/document.xml", size=100_000)
    refused(read_docx, liar)


def test_capped_read_enforces_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap holds while inflating, whatever the header says (limit lowered for the test)."""
    data = document(b"<a>" + os.urandom(1 << 20).hex().encode() + b"</a>")  # 2 MB, ratio ~2
    monkeypatch.setattr(safety, "MAX_MEMBER_BYTES", 1 << 20)
    liar = edit_central_directory(data, "word/document.xml", size=1000)
    refused(read_docx, liar)
    zf = safety.open_zip(data, "x")
    with pytest.raises(InputError, match="压缩炸弹"):
        safety.read_member(zf, "word/document.xml", "x")


def test_too_many_members() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", b"<a/>")
        for i in range(safety.MAX_MEMBERS):
            z.writestr(f"m/{i}", b"")
    assert "过多" in refused(read_docx, buf.getvalue())


@pytest.mark.parametrize("cut", [0, 4, 30, 100, 1000, -22, -200, 0.5])
def test_truncated_docx(cut: float) -> None:
    data = valid_docx()
    end = int(len(data) * cut) if isinstance(cut, float) else cut
    refused(read_docx, data[:end] if end else b"")


def test_corrupt_compressed_data() -> None:
    data = bytearray(valid_docx())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 100, start + 110):
        data[i] ^= 0xFF
    refused(read_docx, bytes(data))


def test_encrypted_member() -> None:
    data = edit_central_directory(valid_docx(), "word/document.xml", flags=0x1)
    assert "加密" in refused(read_docx, data)


def test_missing_main_part() -> None:
    data = replace_part(valid_docx(), "word/document.xml", None)
    assert "word/document.xml" in refused(read_docx, data)
    # through the front door: not sniffed as DOCX at all, refused as a zip
    with pytest.raises(InputError):
        read_bytes(data, "report.docx")


def test_cli_exit_code(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(edit_central_directory(valid_docx(), "word/document.xml", size=1 << 30))
    result = CliRunner().invoke(app, ["parse", str(bomb)])
    assert result.exit_code == 2, result.output
    assert "压缩炸弹" in result.output and "Traceback" not in result.output


# --- XML entities ----------------------------------------------------------------------------------

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + f"]><w:document {W}><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(
    "xml",
    [
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<w:document {W}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>",
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
        f"<w:document {W}><w:body/></w:document>",
        f'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/x.dtd"><w:document {W}><w:body/></w:document>',
        LAUGHS,
    ],
    ids=["external-entity", "parameter-entity", "external-dtd", "billion-laughs"],
)
def test_entities_refused(xml: str) -> None:
    assert "DTD" in refused(read_docx, document(xml.encode()))


def test_entities_refused_in_utf16() -> None:
    """The byte scan cannot see a UTF-16 DTD; the parsed tree's DTD is refused all the same."""
    xml = LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    refused(read_docx, document(xml.encode("utf-16")))  # libxml2's amplification limit, or ours
    small = xml.replace("&i;", "&b;")  # within libxml2's limit: refused for its DTD
    assert "DTD" in refused(read_docx, document(small.encode("utf-16")))


def test_parser_never_expands() -> None:
    """Below libxml2's own amplification limit, the safe parser keeps references unexpanded."""
    from lxml import etree

    small = LAUGHS.replace("&i;", "&c;")  # 1000 characters if expanded
    tree = etree.fromstring(small.encode(), safety.xml_parser())
    assert "aaaaaaaaaa" not in "".join(tree.itertext())
    with pytest.raises(etree.XMLSyntaxError):  # and the full bomb is refused by libxml2 itself
        etree.fromstring(LAUGHS.encode(), safety.xml_parser())


def test_entities_in_rels_are_not_expanded() -> None:
    rels = LAUGHS.replace("w:document", "Relationships").encode()
    data = replace_part(valid_docx(), "_rels/.rels", rels)
    assert isinstance(read_docx(data, source("x")), Report)  # the main part is found by its name


# --- web pages ---------------------------------------------------------------------------------------


def test_binary_named_html() -> None:
    garbage = b"<html>" + os.urandom(20000)
    refused(read_html, garbage, name="report.html")
    refused(read_html, os.urandom(20000).replace(b"\x00", b"\x01"), name="report.html")
    with pytest.raises(InputError):
        read_bytes(os.urandom(20000), "report.html")


def test_html_too_large() -> None:
    big = b"<html><body>" + b"<p>0</p>" * (50 * 1024 * 1024 // 8)
    assert len(big) > MAX_HTML_BYTES
    assert "过大" in refused(read_html, big)


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body>" + b"<div>" * 200_000 + b"x" + b"</div>" * 200_000,
        b"<html><body>" + b"<table><tr><td>" * 50_000 + b"1",
        b"<html><body><table><tr><td>" + b"<span><b>" * 100_000 + b"1",
        b"<html><body>" + b"<ul><li>" * 100_000,
        b"<html><body><table>" + b'<tr><td rowspan="0" colspan="1000">1</td></tr>' * 300 + b"</table>",
        b"<html><body><table>" + b'<tr><td rowspan="65534">1</td>' * 5000 + b"</table>",
        b"<html><body>" + b"<table><tr><td>1</td></tr></table>" * 100_000,
        b"<html><body>" + b"<br>" * 1_000_000,
    ],
    ids=["divs", "tables", "inline-in-cell", "lists", "huge-spans", "many-rowspans", "many-tables", "breaks"],
)
def test_hostile_pages(page: bytes) -> None:
    start = time.monotonic()
    with pytest.raises(InputError):
        read_html(page, source("page.html"))
    assert time.monotonic() - start < FAST * 2


def test_deeply_nested_docx_tables() -> None:
    cell = "<w:p><w:r><w:t>1</w:t></w:r></w:p>"
    for _ in range(80):  # deeper than MAX_NESTING, within libxml2's depth limit
        cell = f"<w:tbl><w:tr><w:tc>{cell}</w:tc></w:tr></w:tbl><w:p/>"
    refused(read_docx, document(f"<w:document {W}><w:body>{cell}</w:body></w:document>".encode()))
    deeper = "<w:p/>"
    for _ in range(400):  # beyond libxml2's depth limit
        deeper = f"<w:tbl><w:tr><w:tc>{deeper}</w:tc></w:tr></w:tbl>"
    refused(read_docx, document(f"<w:document {W}><w:body>{deeper}</w:body></w:document>".encode()))


def test_huge_grid_spans() -> None:
    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="999999999"/></w:tcPr><w:p/></w:tc></w:tr>'
    body = f"<w:document {W}><w:body><w:tbl>{row * 1000}</w:tbl></w:body></w:document>"
    refused(read_docx, document(body.encode()))
    before = '<w:tr><w:trPr><w:gridBefore w:val="99999999"/></w:trPr><w:tc><w:p/></w:tc></w:tr>'
    body = f"<w:document {W}><w:body><w:tbl>{before}</w:tbl></w:body></w:document>"
    refused(read_docx, document(body.encode()))


# --- fuzzing -----------------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=400 if EXPLORE else 60,
    deadline=None,
    derandomize=not EXPLORE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def outcome(reader: Callable[[bytes, Source], Report], data: bytes) -> None:
    """A Report or a GongkaiError; anything else propagates and fails the test."""
    try:
        assert isinstance(reader(data, source("fuzz")), Report)
    except GongkaiError as e:
        assert e.message


HTML_PIECES = [
    b"<table>",
    b"</table>",
    b"<tr>",
    b"</tr>",
    b"<td>",
    b'<td rowspan="0">',
    b'<td colspan="99999">',
    b'<td rowspan="-3" colspan="x">',
    b"<br>",
    b"<p>",
    b"\x00",
    b"\xff\xfe",
    b'<meta charset="utf-16">',
    b'<meta charset="bogus">',
    b"<script>",
    b"<!--",
    b"&#0;",
    b"&#x110000;",
    b'<div class="nav">',
    b"<form>",
    b"\t|",
    b"\r",
    "一、总体情况\u2028".encode(),
]

DOCX_PIECES = [
    b"<w:tbl>",
    b"</w:tbl>",
    b"<w:tr>",
    b"</w:tc>",
    b'<w:gridSpan w:val="0"/>',
    b'<w:gridSpan w:val="-5"/>',
    b'<w:gridSpan w:val="99999999999"/>',
    b"<w:vMerge/>",
    b'<w:vMerge w:val="restart"/>',
    b"<w:del>",
    b"<w:ins>",
    b"<w:br/>",
    b"<w:tab/>",
    b"<w:t>\t|</w:t>",
    b"<w:txbxContent><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:txbxContent>",
    b"<w:sdt><w:sdtContent>",
    b"&amp;",
    b"&#0;",
    b"]]>",
]


def mutate(data: bytes, pieces: list[bytes], ops: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, argument) edits: flip a byte, delete a run, insert a piece."""
    out = bytearray(data)
    for kind, pos, arg in ops:
        if not out:
            break
        i = pos % len(out)
        if kind == 0:
            out[i] ^= 1 + arg % 255
        elif kind == 1:
            del out[i : i + 1 + arg % 64]
        else:
            out[i:i] = pieces[arg % len(pieces)]
    return bytes(out)


OPS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1 << 30), st.integers(0, 1 << 16)), max_size=12)


@FUZZ
@given(st.binary(max_size=4096))
def test_fuzz_html_random_bytes(data: bytes) -> None:
    outcome(read_html, data)


@FUZZ
@given(st.binary(max_size=4096))
def test_fuzz_docx_random_bytes(data: bytes) -> None:
    outcome(read_docx, b"PK\x03\x04" + data)


@FUZZ
@given(OPS)
def test_fuzz_html_mutated(ops: list[tuple[int, int, int]]) -> None:
    outcome(read_html, mutate(valid_html(), HTML_PIECES, ops))


@cache
def _document_xml() -> bytes:
    return zipfile.ZipFile(io.BytesIO(valid_docx())).read("word/document.xml")


@FUZZ
@given(OPS)
def test_fuzz_docx_mutated_xml(ops: list[tuple[int, int, int]]) -> None:
    """Mutations of word/document.xml inside a sound archive: the XML parser and walker see them."""
    xml = mutate(_document_xml(), DOCX_PIECES, ops)
    outcome(read_docx, replace_part(valid_docx(), "word/document.xml", xml))


@FUZZ
@given(OPS)
def test_fuzz_docx_mutated_zip(ops: list[tuple[int, int, int]]) -> None:
    outcome(read_docx, mutate(valid_docx(), [b"PK\x01\x02", b"PK\x05\x06", b"\xff" * 8], ops))


# Random markup from a small grammar of the elements and attributes the readers handle, alone or
# spliced into a written report: most of it parses, so the walkers (not the parsers) are fuzzed.
TEXTS = ["一、总体情况", "三、收到和处理政府信息公开申请情况", "1", "0", "12,345", "539.16", "/", "—", "（一）予以公开",
         "自然人", "总计", "规章", "\t", "|", "\u2028", "", "&nbsp;", "某某局2023年政府信息公开工作年度报告"]  # fmt: skip
TAGS = ["table", "tr", "td", "th", "p", "div", "br", "span", "nav", "form", "script", "thead", "caption", "h1",
        "title", "body", "li", "b"]  # fmt: skip
ATTR_VALUES = ["0", "1", "2", "3", "-1", "x", "99999", "65534", "nav", "footer", "display:none", ""]
W_TAGS = ["p", "r", "t", "tbl", "tr", "tc", "tcPr", "trPr", "gridSpan", "vMerge", "hMerge", "gridBefore", "del",
          "ins", "delText", "br", "tab", "sdt", "sdtContent", "txbxContent", "pict", "moveFrom", "instrText"]  # fmt: skip
W_VALUES = ["0", "1", "3", "restart", "continue", "-2", "x", "99999999"]


def _html_node(rng: random.Random, depth: int) -> str:
    if depth > 5 or rng.random() < 0.3:
        return rng.choice(TEXTS)
    tag = rng.choice(TAGS)
    attrs = "".join(
        f' {a}="{rng.choice(ATTR_VALUES)}"'
        for a in ("rowspan", "colspan", "class", "style", "hidden")
        if rng.random() < 0.2
    )
    inner = "".join(_html_node(rng, depth + 1) for _ in range(rng.randint(0, 4)))
    return f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if rng.random() < 0.85 else "")


def _w_node(rng: random.Random, depth: int) -> str:
    if depth > 6 or rng.random() < 0.25:
        return rng.choice(
            ["1", "0", "三、收到和处理政府信息公开申请情况", "自然人", "规章", "", "&amp;", "\t|"]
        )
    tag = rng.choice(W_TAGS)
    val = f' w:val="{rng.choice(W_VALUES)}"' if rng.random() < 0.4 else ""
    inner = "".join(_w_node(rng, depth + 1) for _ in range(rng.randint(0, 4)))
    return f"<w:{tag}{val}>{inner}</w:{tag}>"


@FUZZ
@given(st.randoms(use_true_random=False))
def test_fuzz_html_structured(rng: random.Random) -> None:
    markup = "".join(_html_node(rng, 0) for _ in range(rng.randint(1, 6)))
    page = valid_html().decode()
    pos = rng.randrange(len(page)) if rng.random() < 0.6 else 0
    outcome(read_html, (page[:pos] + markup + page[pos:]).encode())


@FUZZ
@given(st.randoms(use_true_random=False))
def test_fuzz_docx_structured(rng: random.Random) -> None:
    markup = "".join(_w_node(rng, 0) for _ in range(rng.randint(1, 6)))
    xml = _document_xml().decode()
    first = xml.find("<w:tbl>")
    pos = xml.find("<", rng.randrange(first, len(xml) - 40))  # before a tag: stays well-formed
    outcome(
        read_docx, replace_part(valid_docx(), "word/document.xml", (xml[:pos] + markup + xml[pos:]).encode())
    )


# --- XLSX parts in any encoding (issue 11, item 5) -------------------------------------------------


@cache
def valid_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "某某局2023年政府信息公开工作年度报告"
    ws["A2"] = "某某局"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SST = (
    '<?xml version="1.0" encoding="{enc}"?><!DOCTYPE sst [<!ENTITY e "注入的机关名称">]>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
    "<si><t>&e;</t></si><si><t>某某局</t></si></sst>"
)


@pytest.mark.parametrize(
    ("enc", "body"),
    [
        ("UTF-16", lambda s: s.encode("utf-16")),  # with a byte-order mark
        ("UTF-16BE", lambda s: s.encode("utf-16-be")),  # without one
        ("UTF-16LE", lambda s: s.encode("utf-16-le")),
        ("UTF-8", lambda s: b"\xef\xbb\xbf" + s.encode()),
    ],
    ids=["utf16-bom", "utf16be", "utf16le", "utf8-bom"],
)
def test_xlsx_entities_refused_in_any_encoding(enc: str, body: Callable[[str], bytes]) -> None:
    data = replace_part(valid_xlsx(), "xl/sharedStrings.xml", body(SST.format(enc=enc)))
    message = refused(lambda d, s: read_bytes(d, s.name), data, name="x.xlsx")
    assert "DTD" in message


def test_xlsx_part_with_another_name_is_checked() -> None:
    """openpyxl follows the relationships, not the names: an XML part called .bin is XML too."""
    data = replace_part(valid_xlsx(), "xl/strings.bin", SST.format(enc="UTF-16").encode("utf-16"))
    assert "DTD" in refused(lambda d, s: read_bytes(d, s.name), data, name="x.xlsx")


def test_refuse_declarations_reads_what_the_parser_reads() -> None:
    for enc in ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030"):
        xml = f'<?xml version="1.0" encoding="{enc}"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'
        with pytest.raises(InputError, match="DTD"):
            safety.refuse_declarations(xml.encode(enc), "x")
    safety.refuse_declarations(b'<?xml version="1.0"?><a><!-- c --><![CDATA[x]]></a>', "x")
    with pytest.raises(InputError, match="编码"):
        safety.refuse_declarations(b'<?xml version="1.0" encoding="x-unknown-9"?><a/>', "x")
    assert safety.looks_like_xml("\ufeff<a/>".encode("utf-16")) and not safety.looks_like_xml(b"\x89PNG")
