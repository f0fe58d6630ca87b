"""HTML reader: a report as published on a government web site.

The page is decoded (BOM, ``<meta charset>``, UTF-8, GB18030), taken out of a JavaScript string
when that is where its report is (:func:`gongkai.read.unwrap.unwrap_js`), parsed with lxml's forgiving HTML
parser and walked with ``etree.iterwalk`` (no recursion over the tree's depth). Scripts, styles, forms' controls and hidden elements
are dropped, and so are navigation, header, footer and aside blocks (by tag, or by an id/class
that says nav, menu, footer, breadcrumb…) unless they hold a large part of the page's text (a
``<form>`` or ``<div class="nav-main">`` that wraps the whole article is kept).

Every data table (one without nested tables, or whose nested tables are smaller than itself)
becomes a grid with rowspan/colspan expanded (:mod:`gongkai.read.grid`); layout tables that
wrap others are read as blocks, so the innermost data tables are what is read. Other block
elements and ``<br>`` end lines, so a table flattened into ``<p>``/``<div>`` lines reads as text.

A cell's ``at`` is ``TableAt(table, row, col)``: ``table`` is the 0-based index of the
``<table>`` element among all ``<table>`` elements of the page in document order
(``document.getElementsByTagName("table")[table]``), ``row``/``col`` its grid position after
expanding spans. A number read from prose has ``at = {"line": N}``, the line of the page source
where its paragraph starts.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from itertools import islice

from lxml import etree

from gongkai.errors import InputError, NotAReportError
from gongkai.model.report import At, Report, Source, TextAt, trusted
from gongkai.read.assets import Assets, inline_assets
from gongkai.read.grid import Lines, SpanCell, clean_line, expand_spans
from gongkai.read.meta import find_title
from gongkai.read.text import read_text
from gongkai.read.unwrap import js_text, unwrap_js

MAX_HTML_BYTES = 20 * 1024 * 1024
MAX_HTML_ELEMENTS = 200_000  # a report's page has a few thousand, Word's HTML export tens of thousands

# Elements whose content is never report text.
_NEVER = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "meta",
        "link",
        "select",
        "option",
        "button",
        "input",
        "textarea",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "map",
        "audio",
        "video",
    }
)
# Elements that are usually page furniture: dropped unless they hold much of the page's text.
_FURNITURE = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
_NOISE_NAME = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|navigation|menu|submenu|footer|foot|breadcrumbs?|crumbs?|sidebar|"
    r"topbar|share|bdshare|dqwz|weizhi|location)(?:$|[\s_\-\d])",
    re.IGNORECASE,
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# A furniture element is kept when it holds more than this share of the body's text.
_KEEP_SHARE = 0.4

_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)

_WS = re.compile(r"[ \t\r\n\f\v]+")
_VOID = frozenset({"br", "img", "hr", "wbr", "input", "area", "col", "embed", "source", "track"})


# --- decoding ------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
# Declarations that Chinese pages get wrong so often that they are not believed.
# (A page cannot declare UTF-16/32 in itself: browsers read such a declaration as UTF-8.)
_UNBELIEVED = frozenset(
    {
        "latin_1",
        "iso8859_1",
        "cp1252",
        "ascii",
        "utf_16",
        "utf_16_le",
        "utf_16_be",
        "utf_32",
        "utf_32_le",
        "utf_32_be",
    }
)
_CHINESE = frozenset({"gb2312", "gbk", "gb18030", "hz"})


def _codec(label: bytes) -> str | None:
    try:
        name = codecs.lookup(label.decode("ascii", "replace").strip().lower()).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    if name in _CHINESE:
        return "gb18030"  # a superset: GBK pages often hold characters outside GB2312
    return None if name in _UNBELIEVED else name


def declared_charset(data: bytes) -> str | None:
    """The codec named by the page (``<?xml encoding>``, ``<meta charset>``, http-equiv), if known."""
    head = data[:8192]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return _codec(m.group(1)) if m else None


def decode_html(data: bytes, name: str = "-") -> tuple[str, str]:
    """The page as text, and the encoding used: BOM, declared charset, UTF-8, then GB18030."""
    if len(data) > MAX_HTML_BYTES:
        raise InputError(
            f"网页文件过大（{len(data) // (1024 * 1024)} MB），上限为 {MAX_HTML_BYTES // (1024 * 1024)} MB；"
            "一份年度报告的网页通常不到 1 MB。",
            source=name,
        )
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), name), enc
            except UnicodeDecodeError as e:
                raise InputError(f"网页以 {enc} 标记开头，但内容无法按该编码解码。", source=name) from e
    if b"\x00" in data[:65536]:
        raise InputError("文件含有二进制数据，不是网页（HTML）文件。", source=name)
    declared = declared_charset(data)
    tries = [e for e in (declared, "utf-8", "gb18030") if e]
    for enc in dict.fromkeys(tries):
        try:
            return _checked(data.decode(enc), name), enc
        except (UnicodeDecodeError, LookupError):
            continue
    enc = declared or "gb18030"
    return _checked(data.decode(enc, errors="replace"), name), enc


def _checked(text: str, name: str) -> str:
    sample = text[:65536]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    if sample and bad / len(sample) > 0.05:
        raise InputError("文件不是可识别的网页文本（含有大量二进制或无法解码的字符）。", source=name)
    return text


# --- the tree ------------------------------------------------------------------------------


def parse_html(text: str, name: str = "-") -> etree._Element:
    # lxml's plain HTML parser: lxml.html's element classes cost a Python call per element
    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, huge_tree=False, remove_comments=True, remove_pis=True
    )
    data = text.encode("utf-8", errors="replace")
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError) as e:
        raise InputError("无法解析该网页（HTML）文件。", source=name) from e
    if root is None:
        raise InputError("网页（HTML）文件是空的。", source=name)
    if sum(1 for _ in islice(root.iter(), MAX_HTML_ELEMENTS + 1)) > MAX_HTML_ELEMENTS:
        raise InputError(
            f"网页的元素过多（超过 {MAX_HTML_ELEMENTS} 个），不像是一份年度报告的网页，已拒绝读取。",
            source=name,
        )
    return root


def _tag(el: etree._Element) -> str:
    t = el.tag
    return t.lower() if isinstance(t, str) else ""


def _hidden(el: etree._Element) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN.search(el.get("style") or ""))


def _furniture(el: etree._Element, tag: str) -> bool:
    if tag in _FURNITURE or _hidden(el):
        return True
    names = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(names.strip()) and bool(_NOISE_NAME.search(names))


def _text_sizes(root: etree._Element) -> tuple[dict[etree._Element, int], int]:
    """Text length of every furniture candidate and of the whole tree, in one pass."""
    sizes: dict[etree._Element, int] = {}
    stack: list[int] = [0]
    for ev, el in etree.iterwalk(root, events=("start", "end")):
        if ev == "start":
            stack.append(len(el.text or "") if isinstance(el.tag, str) else 0)
            continue
        n = stack.pop()
        tag = _tag(el)
        if tag and tag not in _NEVER and _furniture(el, tag):
            sizes[el] = n
        if tag in _NEVER or not tag:
            n = 0
        stack[-1] += n + len(el.tail or "")
    return sizes, stack[0]


class _Page:
    """One walk over the page's body, filling :class:`Lines`."""

    def __init__(self, root: etree._Element, name: str) -> None:
        self.name = name
        self.root = root
        self.out = Lines(name)
        self.table_index = {t: i for i, t in enumerate(root.iter("table"))}
        self.sizes, self.total = _text_sizes(root)
        self.own_cells, self.nested_cells = self._cell_counts()
        self._buf: list[str] = []
        self._at: At | None = None
        self._parts: list[tuple[str, At | None]] = []  # lines of the block so far, split by <br>
        self._pictures: list[str] = []  # <img> of the block so far: placed after its lines

    # -- tables --------------------------------------------------------------------------
    def _cell_counts(self) -> tuple[dict[etree._Element, int], dict[etree._Element, int]]:
        own: dict[etree._Element, int] = dict.fromkeys(self.table_index, 0)
        for cell in self.root.iter("td", "th"):
            t = _nearest(cell, "table")
            if t is not None:
                own[t] += 1
        nested: dict[etree._Element, int] = dict.fromkeys(self.table_index, 0)
        for t, n in own.items():
            p = _nearest(t, "table")
            while p is not None:
                nested[p] += n
                p = _nearest(p, "table")
        return own, nested

    def is_data_table(self, table: etree._Element) -> bool:
        """A table read as a grid: no nested tables, or nested ones smaller than itself."""
        return self.nested_cells.get(table, 0) <= self.own_cells.get(table, 0)

    def add_table(self, table: etree._Element) -> None:
        rows: list[list[SpanCell]] = []
        nested: list[etree._Element] = []
        for tr in table.iter("tr"):
            if _nearest(tr, "table") is not table:
                continue
            row = []
            for cell in tr:
                if _tag(cell) in ("td", "th"):
                    text = self._cell_text(cell, nested)
                    row.append(SpanCell(text, _span(cell.get("rowspan"), True), _span(cell.get("colspan"))))
            rows.append(row)
        caption = table.find("caption")
        if caption is not None:
            self.out.prose(_inline_text(caption), _line_at(caption))
        self.out.table(self.table_index[table], expand_spans(rows, self.name))
        for inner in nested:  # nested tables after the table that holds them, which stays whole
            self.walk(inner)

    def _cell_text(self, cell: etree._Element, nested: list[etree._Element]) -> str:
        parts: list[str] = []
        walker = etree.iterwalk(cell, events=("start", "end"))
        for ev, el in walker:
            tag = _tag(el)
            if ev == "start":
                if el is not cell and (not tag or tag in _NEVER or _hidden(el) or tag == "table"):
                    if tag == "table":
                        nested.append(el)
                    walker.skip_subtree()
                    continue
                if tag == "br" or (tag in _BLOCK and el is not cell):
                    parts.append(" ")
                if tag:
                    parts.append(el.text or "")
            else:
                if tag in _BLOCK:
                    parts.append(" ")
                if el is not cell:
                    parts.append(el.tail or "")
        return clean_line(_WS.sub(" ", "".join(parts)))

    # -- blocks --------------------------------------------------------------------------
    def _emit(self, text: str | None, el: etree._Element, tail: bool = False) -> None:
        if text:
            if self._at is None and text.strip():
                # the line where the text starts: after its element's start tag (or, for the
                # tail of an empty element such as <br>, after the element)
                skip = text[: len(text) - len(text.lstrip())].count("\n")
                if tail and _tag(el) not in _VOID:
                    skip = 0
                self._at = _line_at(el, skip)
            self._buf.append(_WS.sub(" ", text))

    def _break(self) -> None:
        """A <br>: the text so far is one part of the block's paragraph."""
        if self._buf:
            self._parts.append(("".join(self._buf), self._at))
            self._buf.clear()
            self._at = None

    def _flush(self) -> None:
        """The end of a block: its parts become lines (a title broken by <br> stays one line)."""
        self._break()
        if self._parts:
            self.out.paragraph(self._parts)
            self._parts.clear()
        for ref in self._pictures:
            self.out.picture(ref)
        self._pictures.clear()

    def walk(self, top: etree._Element) -> None:
        walker = etree.iterwalk(top, events=("start", "end"))
        for ev, el in walker:
            tag = _tag(el)
            if ev == "start":
                if not tag or tag in _NEVER or (self._is_noise(el, tag) and el is not top):
                    walker.skip_subtree()
                    continue
                if tag == "table" and self.is_data_table(el):
                    self._flush()
                    self.add_table(el)
                    walker.skip_subtree()
                    continue
                if tag == "br":
                    self._break()
                elif tag == "img":
                    ref = el.get("src") or el.get("data-src") or el.get("data-original")
                    if ref and ref.strip():
                        self._pictures.append(ref.strip())
                elif tag in _BLOCK:
                    self._flush()
                self._emit(el.text, el)
            else:
                if tag in _BLOCK:
                    self._flush()
                if el is not top:
                    self._emit(el.tail, el, tail=True)
        self._flush()

    def _is_noise(self, el: etree._Element, tag: str) -> bool:
        size = self.sizes.get(el)
        return size is not None and size <= _KEEP_SHARE * self.total


def _nearest(el: etree._Element, tag: str) -> etree._Element | None:
    p = el.getparent()
    while p is not None:
        if p.tag == tag:
            return p
        p = p.getparent()
    return None


def _span(value: str | None, row: bool = False) -> int:
    m = re.match(r"\s*(\d{1,6})", value or "")
    if not m:
        return 1
    n = int(m.group(1))
    if n == 0:
        return 65534 if row else 1  # rowspan=0: to the end of the table
    return n


def _line_at(el: etree._Element, skip: int = 0) -> At | None:
    line = getattr(el, "sourceline", None)
    return trusted(TextAt, {"line": line + skip}) if isinstance(line, int) and line > 0 else None


def _inline_text(el: etree._Element) -> str:
    """The text of an element as one line (inline pieces are joined as a browser shows them)."""
    return clean_line(_WS.sub(" ", "".join(t for t in el.itertext() if t)))  # type: ignore[misc]


# --- title ---------------------------------------------------------------------------------


def _title_candidates(root: etree._Element) -> Iterator[str]:
    for h in root.iter("h1"):
        yield _inline_text(h)
    t = root.find(".//title")
    if t is not None:
        text = _inline_text(t)
        yield from re.split(r"\s*(?:_|\||｜|--|—+| - )\s*", text)
        yield text


def _title(root: etree._Element) -> str | None:
    for cand in _title_candidates(root):
        title, _ = find_title([cand])
        if title:
            return cand
    return None


# --- entry point ---------------------------------------------------------------------------


def html_lines(data: bytes, name: str = "-") -> Lines:
    """The page as :class:`Lines` (text for the text reader, and where each line came from)."""
    return _page_lines(decode_html(data, name)[0], name)


def _page_lines(text: str, name: str) -> Lines:
    """:func:`html_lines` of the page's decoded text."""
    text = unwrap_js(text) or text  # a report kept in a JavaScript string (gongkai.read.unwrap)
    root = parse_html(text, name)
    body = root.find(".//body")
    page = _Page(root, name)
    page.walk(body if body is not None else root)
    out = page.out
    title = _title(root)
    if title:
        found, line = find_title(out.lines)
        if found is None or line != 1:
            out.insert_first(title)
    return out


def read_html(data: bytes, source: Source, assets: Assets | None = None) -> Report:
    """Read a report from the bytes of a web page. With OCR switched on (``--ocr``), a page whose
    tables are pictures is read with them: each ``<img>`` that ``assets`` finds (inline, or saved
    beside the page; :mod:`gongkai.read.assets`; by default only inline ones) is OCR'd in its
    place among the page's lines."""
    assets = assets or inline_assets
    text, _ = decode_html(data, source.name)
    plain = js_text(text)
    if plain is not None:  # the report as plain text in a JavaScript string: read as text
        return read_text(plain, source)
    lines = _page_lines(text, source.name)
    try:
        if not len(lines):
            raise InputError("网页中没有可读的正文文字。", source=source.name)
        report = read_text(lines.text, source, locate=lines.locate, places=lines.grid_at)
    except (InputError, NotAReportError):
        scanned = _pictures(lines, source, assets)
        if scanned is None:
            raise
        return scanned
    if {a.split(".", 1)[0] for a, c in report.cells() if c.known} >= report.tables.keys():
        return report  # every table read from the page's text: its pictures are not looked at
    return _pictures(lines, source, assets) or report


MAX_PICTURES = 40  # pictures of a page tried: a report's tables take a few, a 图片版 page one a page


def _pictures(lines: Lines, source: Source, assets: Assets) -> Report | None:
    """The report with the page's pictures OCR'd in place; None when OCR is off or no picture
    holds a page (icons, logos and pictures that cannot be found are passed over)."""
    from gongkai.read.ocr import read_embedded_images, settings

    if not settings().enabled or not lines.pictures:
        return None
    found: list[bytes] = []
    anchors: list[int] = []
    for anchor, ref in lines.pictures:
        picture = assets(ref)
        if picture:
            found.append(picture)
            anchors.append(anchor)
        if len(found) >= MAX_PICTURES:
            break
    if not found:
        return None
    return read_embedded_images(found, source, lines.lines, lines.locate, anchors)
