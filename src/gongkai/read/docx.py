"""DOCX reader: Word and WPS documents, read from ``word/document.xml`` in body order.

The archive is opened with the limits of :mod:`gongkai.read.safety` (zip bombs, XML entities)
and the main part parsed with its safe parser; python-docx is not used for reading, so that
tracked changes, merged cells, nested tables and content controls are under our control:

- paragraphs become lines: ``w:t`` text; tracked insertions (``w:ins``, ``w:moveTo``) are kept,
  deletions (``w:del``, ``w:delText``, ``w:moveFrom``, rows marked deleted) are left out; ``w:tab``
  becomes a space and a line break (``w:br``, ``w:cr``) a new line (a space inside a cell);
  field codes are left out, field results kept; content controls (``w:sdt``) are read through;
- tables become grids (:mod:`gongkai.read.grid`): ``w:gridBefore`` and ``w:gridSpan`` place cells
  in grid columns, a ``w:vMerge`` continuation is an empty cell below the merge's origin;
- a table whose nested tables hold more cells than itself is a layout table: its cells are read
  as blocks, so the innermost data tables are read; a data table with a small table nested in a
  cell stays whole and the nested table follows it;
- text boxes are ignored unless they hold a table; headers, footers, comments and notes are
  other parts and are not read.

A cell's ``at`` is ``TableAt(table, row, col)``: ``table`` is the 0-based index of the ``w:tbl``
element among all ``w:tbl`` elements of ``word/document.xml`` in document order (python-docx's
``Document(f).tables[table]`` when no table is nested or in a text box), ``row`` the index of
the ``w:tr`` in its table and ``col`` the grid column. Numbers read from paragraphs have no ``at``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from lxml import etree

from gongkai.errors import InputError, NotAReportError
from gongkai.model.report import Report, Source
from gongkai.read.grid import GridBuilder, Lines, clean_line
from gongkai.read.safety import open_zip, parse_xml, read_member
from gongkai.read.text import read_text

W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAX_NESTING = 64  # tables within tables (Word allows far fewer)

# Wrappers read through at block, row and cell level.
_WRAPPERS = frozenset({"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo"})
# Run-level content that is not visible text, or deleted text.
_SKIP_INLINE = frozenset(
    {"del", "moveFrom", "delText", "delInstrText", "instrText", "pPr", "rPr", "fldData", "sdtPr", "sdtEndPr"}
)
_BOX_HOLDERS = frozenset({"drawing", "pict", "object", "AlternateContent"})


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def main_part(zf_names: set[str], rels: bytes | None, name: str) -> str:
    """The main document part: by ``_rels/.rels``, else ``word/document.xml``."""
    if rels is not None:
        try:
            root = parse_xml(rels, name, "_rels/.rels")
        except InputError:
            root = None
        if root is not None:
            for rel in root.iter(f"{{{_REL}}}Relationship"):
                if (rel.get("Type") or "").endswith("/officeDocument"):
                    target = posixpath.normpath((rel.get("Target") or "").lstrip("/"))
                    if target in zf_names:
                        return target
    if "word/document.xml" in zf_names:
        return "word/document.xml"
    raise InputError("这不是 Word 文档：压缩包中没有 word/document.xml，无法读取。", source=name)


class _Document:
    """One walk over the document body, filling :class:`Lines`."""

    def __init__(self, body: etree._Element, ns: str, name: str) -> None:
        self.w = f"{{{ns}}}"
        self.name = name
        self.out = Lines(name)
        self.table_index = {t: i for i, t in enumerate(body.iter(self.w + "tbl"))}

    # -- structure -----------------------------------------------------------------------
    def _children(self, el: etree._Element, local: str) -> Iterator[etree._Element]:
        """Children named ``local``, looking through content controls and custom XML."""
        for child in el:
            name = _local(child)
            if name == local and child.tag.startswith(self.w):
                yield child
            elif name in _WRAPPERS and name != local:
                yield from self._children(child, local)

    def _rows(self, tbl: etree._Element) -> list[tuple[int, etree._Element]]:
        """The table's rows with their index among all its ``w:tr``; rows deleted with tracked
        changes are left out (but counted, so that ``row`` is the ``w:tr``'s index)."""
        rows = []
        for i, tr in enumerate(self._children(tbl, "tr")):
            pr = tr.find(self.w + "trPr")
            if pr is not None and pr.find(self.w + "del") is not None:
                continue
            rows.append((i, tr))
        return rows

    def _val(self, el: etree._Element | None, default: int) -> int:
        if el is None:
            return default
        try:
            return max(0, int(el.get(self.w + "val") or default))
        except ValueError:
            return default

    # -- blocks --------------------------------------------------------------------------
    def blocks(self, container: etree._Element, depth: int = 0) -> None:
        for child in container:
            name = _local(child)
            if name == "p":
                self.paragraph(child, depth)
            elif name == "tbl":
                self.table(child, depth + 1)
            elif name in _WRAPPERS:
                self.blocks(child, depth)
            elif name == "AlternateContent":
                branch = next(iter(child), None)
                if branch is not None:
                    self.blocks(branch, depth)

    def paragraph(self, p: etree._Element, depth: int) -> None:
        text, boxes = self.paragraph_text(p)
        self.out.paragraph([(line, None) for line in text.split("\n")])
        for box in boxes:
            self.blocks(box, depth + 1)

    def paragraph_text(self, p: etree._Element) -> tuple[str, list[etree._Element]]:
        """The visible text of a paragraph (breaks as ``\\n``) and the text boxes in it that hold tables."""
        parts: list[str] = []
        boxes: list[etree._Element] = []
        walker = etree.iterwalk(p, events=("start",))
        for _, el in walker:
            name = _local(el)
            if el is p:
                continue
            if name in _SKIP_INLINE or name == "p" or not name:
                walker.skip_subtree()
            elif name in _BOX_HOLDERS:
                boxes.extend(self._boxes(el))
                walker.skip_subtree()
            elif not el.tag.startswith(self.w):
                continue
            elif name == "t":
                parts.append(el.text or "")
            elif name in ("tab", "ptab"):
                parts.append(" ")
            elif name in ("br", "cr"):
                parts.append("\n")
            elif name == "noBreakHyphen":
                parts.append("-")
        return "".join(parts), boxes

    def _boxes(self, holder: etree._Element) -> list[etree._Element]:
        """Text boxes under ``holder`` that hold a table (one branch of an mc:AlternateContent)."""
        branches = list(holder) if _local(holder) == "AlternateContent" else [holder]
        for branch in branches:
            found = [
                box
                for box in branch.iter(self.w + "txbxContent")
                if box.find(".//" + self.w + "tbl") is not None
                and not _inside(box, self.w + "txbxContent", branch)
            ]
            if found:
                return found
            if any(True for _ in branch.iter(self.w + "txbxContent")):
                return []
        return []

    # -- tables --------------------------------------------------------------------------
    def table(self, tbl: etree._Element, depth: int) -> None:
        if depth > MAX_NESTING:
            raise InputError(f"文档中的表格嵌套过深（超过 {MAX_NESTING} 层），已拒绝读取。", source=self.name)
        rows = self._rows(tbl)
        cells = [list(self._children(tr, "tc")) for _, tr in rows]
        own = sum(len(r) for r in cells)
        nested = sum(1 for _ in tbl.iter(self.w + "tc")) - own
        if nested > own:  # a layout table: read its cells as blocks
            for row in cells:
                for tc in row:
                    self.blocks(tc, depth)
            return
        grid = GridBuilder(self.name)
        inner: list[etree._Element] = []
        for (r, tr), row in zip(rows, cells, strict=True):
            pr = tr.find(self.w + "trPr")
            col = self._val(pr.find(self.w + "gridBefore") if pr is not None else None, 0)
            for tc in row:
                tc_pr = tc.find(self.w + "tcPr")
                span, merged = 1, False
                if tc_pr is not None:
                    span = max(1, self._val(tc_pr.find(self.w + "gridSpan"), 1))
                    v = tc_pr.find(self.w + "vMerge")
                    h = tc_pr.find(self.w + "hMerge")
                    merged = (v is not None and v.get(self.w + "val") != "restart") or (
                        h is not None and h.get(self.w + "val") != "restart"
                    )
                text = "" if merged else self.cell_text(tc, inner)
                grid.put(r, col, text, span)
                col += span
        self.out.table(self.table_index.get(tbl, -1), grid.grid())
        for t in inner:  # tables nested in cells, after the table that holds them
            if _local(t) == "tbl":
                self.table(t, depth + 1)
            else:
                self.blocks(t, depth + 1)

    def cell_text(self, tc: etree._Element, inner: list[etree._Element]) -> str:
        parts: list[str] = []
        for child in self._cell_blocks(tc):
            if _local(child) == "p":
                text, boxes = self.paragraph_text(child)
                parts.append(text)
                inner.extend(boxes)
            else:
                inner.append(child)
        return clean_line(" ".join(p for p in parts if p))

    def _cell_blocks(self, el: etree._Element) -> Iterator[etree._Element]:
        for child in el:
            name = _local(child)
            if name in ("p", "tbl"):
                yield child
            elif name in _WRAPPERS:
                yield from self._cell_blocks(child)


def _inside(el: etree._Element, tag: str, stop: etree._Element) -> bool:
    p = el.getparent()
    while p is not None and p is not stop:
        if p.tag == tag:
            return True
        p = p.getparent()
    return False


def docx_lines(data: bytes, name: str = "-") -> Lines:
    """The document as :class:`Lines` (text for the text reader, and where each line came from)."""
    zf = open_zip(data, name)
    names = set(zf.namelist())
    rels = read_member(zf, "_rels/.rels", name) if "_rels/.rels" in names else None
    part = main_part(names, rels, name)
    root = parse_xml(read_member(zf, part, name), name, part)
    ns = root.tag.rsplit("}", 1)[0].lstrip("{") if isinstance(root.tag, str) and "}" in root.tag else ""
    if _local(root) != "document" or ns not in (W_MAIN, W_STRICT):
        raise InputError(f"{part} 不是 Word 文档的正文部分，无法读取。", source=name)
    body = root.find(f"{{{ns}}}body")
    if body is None:
        raise InputError("Word 文档没有正文（w:body）。", source=name)
    doc = _Document(body, ns, name)
    doc.blocks(body)
    return doc.out


def read_docx(data: bytes, source: Source) -> Report:
    """Read a report from the bytes of a DOCX file (Word or WPS)."""
    lines = docx_lines(data, source.name)
    try:
        if not len(lines):
            raise InputError("Word 文档中没有可读的文字。", source=source.name)
        report = read_text(lines.text, source, locate=lines.locate, places=lines.grid_at)
        if any(c.known for _, c in report.cells()):
            return report
    except (InputError, NotAReportError):
        scanned = _pictures(data, source, lines)
        if scanned is None:
            raise
        return scanned
    return _pictures(data, source, lines) or report


def _pictures(data: bytes, source: Source, lines: Lines) -> Report | None:
    """With OCR on, the tables pasted into the document as pictures (word/media), read by OCR
    after the document's text; None when OCR is off or there are none."""
    from gongkai.read.ocr import read_embedded_images, settings

    if not settings().enabled:
        return None
    zf = open_zip(data, source.name)
    media = sorted(
        (
            n
            for n in zf.namelist()
            if n.startswith("word/media/") and n.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff"))
        ),
        key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", n)],
    )
    if not media:
        return None
    return read_embedded_images(
        [read_member(zf, n, source.name) for n in media], source, lines.lines, lines.locate
    )
