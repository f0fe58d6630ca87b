"""Converter copies of a PDF that keep where every word stood, read by their places.

Two are in use: poppler's ``pdftohtml -xml`` (``<pdf2xml>``: ``<text top left width height>``
runs) and ``pdftotext -bbox`` / ``-bbox-layout`` (XHTML: ``<word xMin yMin xMax yMax>``).
Their runs are in the order the converter met them, which is not reading order (a row's
numbers before its label, a page's foot before its head), but each has its box. So they are
read as a PDF is (:mod:`gongkai.read.pdf_layout`): every run is cut into glyphs across its box
(a CJK character a full em, anything else half), and the page's glyphs become lines by their
places. Neither copy keeps the ruling lines, so tables are read as tables drawn without rules.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from lxml import etree

from gongkai.errors import InputError
from gongkai.model.report import Report, Source
from gongkai.read.decode import decode_text
from gongkai.read.pdf import MAX_GLYPHS, MAX_PAGES, drop_repeated_headers, read_lines
from gongkai.read.pdf_layout import Glyph, merge_title, page_lines

_SIGNS = (b"<pdf2xml", b"<word xmin=")


def is_positioned(data: bytes) -> bool:
    """Whether ``data`` looks like a copy that keeps every word's box."""
    head = data[:20_000].lower()
    return any(s in head for s in _SIGNS)


def read_positioned(data: bytes, source: Source) -> Report | None:
    """The report in a positioned copy, or None when ``data`` is none (no page with a box)."""
    pages = positioned_pages(data, source.name)
    if not pages:
        return None
    lines = [ln for number, glyphs, height in pages for ln in page_lines(number, glyphs, [], height)]
    return read_lines(merge_title(drop_repeated_headers(lines)), source)


def positioned_pages(data: bytes, name: str = "-") -> list[tuple[int, list[Glyph], float | None]]:
    """Every page's number, glyphs and height."""
    # the HTML parser, forgiving and blind to DTDs (pdftotext's XHTML names one on the network);
    # it lowercases names, so attributes are looked up in lower case
    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, huge_tree=False, remove_comments=True, remove_pis=True
    )
    text, _ = decode_text(data, name)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.LxmlError, ValueError):
        return []
    if root is None:
        return []
    out = []
    for number, page in enumerate((e for e in root.iter() if _local(e) == "page"), start=1):
        if number > MAX_PAGES:
            raise InputError(
                f"文件的页数过多（超过 {MAX_PAGES} 页），不像是一份年度报告，已拒绝读取。", source=name
            )
        glyphs = [g for box, text in _runs(page) for g in _glyphs(text, box)]
        if len(glyphs) > MAX_GLYPHS:
            raise InputError(
                f"第 {number} 页的文字多得异常（{len(glyphs)} 个字符），文件可能是恶意构造的，已拒绝读取。",
                source=name,
            )
        out.append((number, glyphs, _number(page.get("height"))))
    return out if any(g for _, g, _ in out) else []


def _local(e: etree._Element) -> str:
    tag = e.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _runs(page: etree._Element) -> Iterator[tuple[tuple[float, float, float, float], str]]:
    """Each run of text on ``page`` with its box (x0, top, x1, bottom)."""
    for e in page.iter():
        kind = _local(e)
        if kind == "text":  # pdftohtml -xml: <text top left width height><b>…</b></text>
            top, left = _number(e.get("top")), _number(e.get("left"))
            width, height = _number(e.get("width")), _number(e.get("height"))
            if top is None or left is None or width is None or height is None:
                continue
            box = (left, top, left + width, top + height)
        elif kind == "word":  # pdftotext -bbox(-layout): attribute names lowercased by the parser
            x0, y0 = _number(e.get("xmin")), _number(e.get("ymin"))
            x1, y1 = _number(e.get("xmax")), _number(e.get("ymax"))
            if x0 is None or y0 is None or x1 is None or y1 is None:
                continue
            box = (x0, y0, x1, y1)
        else:
            continue
        text = "".join(str(t) for t in e.itertext())
        if text.strip() and box[2] >= box[0] and box[3] >= box[1]:
            yield box, text


def _glyphs(text: str, box: tuple[float, float, float, float]) -> list[Glyph]:
    """``text`` cut into glyphs across ``box``: a wide character a full em, others half."""
    x0, top, x1, bottom = box
    weights = [1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.5 for c in text]
    unit = (x1 - x0) / (sum(weights) or 1.0)
    out = []
    x = x0
    for c, w in zip(text, weights, strict=True):
        if not c.isspace():
            out.append(Glyph(c, x, top, x + w * unit, bottom))
        x += w * unit
    return out


def _number(v: str | None) -> float | None:
    try:
        f = float(v) if v is not None else None
    except ValueError:
        return None
    return f if f is not None and abs(f) < 1e7 else None
