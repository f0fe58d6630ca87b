"""The report as a Word document (DOCX) in the usual look of a 公文.

A4, margins 37 mm (top) / 35 mm (bottom) / 28 mm (left) / 26 mm (right); the title in
方正小标宋简体 二号 centred; section headings in 黑体 三号; body text in 仿宋_GB2312 三号 with a
first-line indent of two characters and a fixed line pitch; the tables in 仿宋 五号/小五 with the
merged cells of the official format, numbers right-aligned; page numbers “— 1 —” at the foot,
odd pages on the right and even pages on the left.

Each style names the font a government office has (``w:rFonts/@w:eastAsia``: 方正小标宋简体,
黑体, 仿宋_GB2312, 楷体_GB2312); :data:`FONT_CHAINS` lists the fallbacks of each, in order. The
font table gives each name's English name and GB2312 charset so that Word substitutes a Chinese
font of the same kind when it is missing; LibreOffice uses only the first name of a
``"A;B"`` list in DOCX (measured with 7.4), so :mod:`gongkai.write.pdf` maps each first name to
the first installed font of its chain in the private profile it converts with. Latin letters
and digits use Times New Roman.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from gongkai.model.report import Report
from gongkai.write.layout import Grid, GridCell, is_sub_heading, parts, preamble, title_of, value_of

# Fonts as chains, the preferred first: the document names the first; the font table gives Word
# the kind of font to substitute; the PDF writer maps each first name to the first installed one.
TITLE_FONTS = ("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "SimSun", "Noto Serif CJK SC")
HEADING_FONTS = ("黑体", "SimHei", "Noto Sans CJK SC")
BODY_FONTS = ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC")
KAI_FONTS = ("楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC")
TABLE_FONTS = ("仿宋", "FangSong", "仿宋_GB2312", "Noto Serif CJK SC")
PAGE_NUMBER_FONTS = ("宋体", "SimSun", "Noto Serif CJK SC")
LATIN_FONTS = ("Times New Roman", "Liberation Serif", "Tinos", "Noto Serif CJK SC", "DejaVu Serif")
FontChain = tuple[str, ...]
# Font-table entries (w:font): English name, panose family. Charset 86 is GB2312.
_FONT_TABLE: dict[str, tuple[str, str]] = {
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "roman"),
    "黑体": ("SimHei", "modern"),
    "仿宋_GB2312": ("FangSong_GB2312", "modern"),
    "楷体_GB2312": ("KaiTi_GB2312", "modern"),
    "仿宋": ("FangSong", "modern"),
    "宋体": ("SimSun", "auto"),
}
FONT_CHAINS: tuple[FontChain, ...] = (
    TITLE_FONTS,
    HEADING_FONTS,
    BODY_FONTS,
    KAI_FONTS,
    TABLE_FONTS,
    PAGE_NUMBER_FONTS,
    LATIN_FONTS,
)

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_5 = Pt(10.5)  # 五号
SIZE_SMALL_5 = Pt(9)  # 小五
LINE_PITCH = Pt(28)  # fixed line spacing of the body
NONE = Pt(0)
TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm

# Column widths in mm (they add up to the text width).
_WIDTHS: dict[str, list[float]] = {
    "active_disclosure": [52.0, 104.0 / 3, 104.0 / 3, 104.0 / 3],
    "requests": [6.5, 19.5, 32.0] + [98.0 / 7] * 7,
    "appeals": [TEXT_WIDTH_MM / 15] * 15,
}
_GROUP_SHADE = "DCE6F2"  # the light blue of the 第二十条 rows in the official form


# --- low-level helpers -----------------------------------------------------------------------


def _set_fonts(rpr: etree._Element, chain: FontChain, latin: str = LATIN_FONTS[0]) -> None:
    """Explicit fonts on a run or style: the theme's fonts (Japanese in the default template) go."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), "")
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), chain[0])
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rpr: etree._Element) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def _child(parent: etree._Element, tag: str, before: tuple[str, ...] = ()) -> etree._Element:
    """``parent``'s ``tag`` child, added before the first of ``before`` (the schema's order)."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        successor = next((c for c in parent if c.tag in {qn(t) for t in before}), None)
        if successor is None:
            parent.append(el)
        else:
            successor.addprevious(el)
    return el


# children of w:tblPr and w:tcPr that the schema puts after the ones added here
_AFTER_CELL_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_AFTER_SHADING = (
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)
_AFTER_TABLE_WIDTH = (
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    *_AFTER_CELL_MARGINS,
)


def _paragraph_style(
    doc: DocxDocument,
    name: str,
    fonts: FontChain,
    size: Pt,
    *,
    base: str = "Normal",
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: Pt | None = None,
    line: Pt | None = LINE_PITCH,
    before: Pt = NONE,
    after: Pt = NONE,
    bold: bool = False,
    outline: int | None = None,
) -> ParagraphStyle:
    styles = doc.styles
    style = (
        styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    )
    if style.name != base:
        style.base_style = styles[base]
    style.quick_style = True
    font = style.font
    font.size = size
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, fonts)
    pf = style.paragraph_format
    pf.alignment = align
    pf.first_line_indent = indent
    pf.left_indent = Pt(0)
    pf.space_before = before
    pf.space_after = after
    if line is None:
        pf.line_spacing = 1.0
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line
    pf.widow_control = True
    if outline is not None:
        ppr = style.element.get_or_add_pPr()
        lvl = _child(ppr, "w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
    return style


def _font_table(doc: DocxDocument) -> None:
    """Font-table entries for the Chinese fonts: a Word without them substitutes a GB2312 font."""
    part = next((r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, (alt, family) in _FONT_TABLE.items():
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alt})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": family})
        etree.SubElement(font, f"{{{w}}}pitch", {f"{{{w}}}val": "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup(doc: DocxDocument) -> None:
    """Page, defaults and the styles of a 公文."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)

    # defaults: explicit fonts instead of the template's theme (whose East Asian font is Japanese)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONTS)
    _set_lang(rpr)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = _child(ppr, "w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")

    _paragraph_style(doc, "Normal", BODY_FONTS, SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=Pt(32))
    doc.styles["Normal"].paragraph_format.first_line_indent = Pt(32)
    _paragraph_style(
        doc, "Title", TITLE_FONTS, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36), after=LINE_PITCH
    )
    doc.styles["Title"].paragraph_format.first_line_indent = NONE  # not the body's two characters
    title = doc.styles["Title"].element
    ppr = title.get_or_add_pPr()
    for tag in ("w:pBdr",):
        el = ppr.find(qn(tag))
        if el is not None:
            ppr.remove(el)
    rpr = title.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):
        el = rpr.find(qn(tag))
        if el is not None:
            rpr.remove(el)
    _paragraph_style(doc, "Heading 1", HEADING_FONTS, SIZE_3, indent=Pt(32), outline=0)
    doc.styles["Heading 1"].paragraph_format.keep_with_next = True
    _paragraph_style(doc, "Heading 2", KAI_FONTS, SIZE_3, indent=Pt(32), outline=1)
    doc.styles["Heading 2"].paragraph_format.keep_with_next = True
    for name, size in (("表格文字", SIZE_5), ("表格小字", SIZE_SMALL_5)):
        style = _paragraph_style(doc, name, TABLE_FONTS, size, line=None, indent=Pt(0))
        style.paragraph_format.first_line_indent = Pt(0)
    _font_table(doc)


def _page_number(paragraph: Paragraph) -> None:
    """``— PAGE —`` in 宋体 四号."""

    def run(text: str | None = None) -> etree._Element:
        r = paragraph.add_run(text or "")
        r.font.size = SIZE_4
        _set_fonts(r._r.get_or_add_rPr(), PAGE_NUMBER_FONTS)
        return r._r

    run("— ")
    r = run()
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r.append(fld)
        else:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = instr
            r.append(it)
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r.append(end)
    run(" —")


def _footers(doc: DocxDocument) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.style = doc.styles["Normal"]
        pf = p.paragraph_format
        pf.alignment = align
        pf.first_line_indent = Pt(0)
        pf.line_spacing = 1.0
        if side == "right":
            pf.right_indent = SIZE_4  # one character in from the edge of the text
        else:
            pf.left_indent = SIZE_4
        _page_number(p)


# --- tables ------------------------------------------------------------------------------------


def _cell_margins(table: Table, left_right_mm: float) -> None:
    tblpr = table._tbl.tblPr
    mar = _child(tblpr, "w:tblCellMar", _AFTER_CELL_MARGINS)
    for side in ("w:top", "w:bottom", "w:left", "w:right"):
        el = _child(mar, side)
        value = Mm(0.6) if side in ("w:top", "w:bottom") else Mm(left_right_mm)
        el.set(qn("w:w"), str(int(value.twips)))
        el.set(qn("w:type"), "dxa")


def _shade(cell: _Cell, fill: str) -> None:
    shd = _child(cell._tc.get_or_add_tcPr(), "w:shd", _AFTER_SHADING)
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)


def _row_props(table: Table, grid: Grid) -> None:
    for i, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if i < grid.header_rows:
            trpr.append(OxmlElement("w:tblHeader"))


def _fill(cell: _Cell, c: GridCell, text: str, style: str, grid: Grid) -> None:
    p = cell.paragraphs[0]
    p.style = style
    if c.kind == "value":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif c.kind == "label" or c.kind == "note":
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        run = p.add_run(text)
        if c.kind == "header" and grid.key == "active_disclosure":
            run.bold = True
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if c.kind == "group" and grid.key == "active_disclosure":
        _shade(cell, _GROUP_SHADE)


def add_table(doc: DocxDocument, grid: Grid, report: Report) -> Table:
    """One official table with its merged cells, in the fixed column widths of :data:`_WIDTHS`."""
    value = value_of(report)
    table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(w) for w in _WIDTHS[grid.key]]
    tbl_w = _child(table._tbl.tblPr, "w:tblW", _AFTER_TABLE_WIDTH)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
    for i, col in enumerate(table.columns):
        col.width = widths[i]
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
    _cell_margins(table, {"active_disclosure": 1.5, "requests": 0.8}.get(grid.key, 0.5))
    style = "表格文字" if grid.key == "active_disclosure" else "表格小字"
    cells = table._cells  # one lookup instead of a row/column walk per cell
    n = grid.n_cols
    for c in grid.cells:
        cell = cells[c.row * n + c.col]
        if c.merged:
            cell = cell.merge(cells[c.last_row * n + c.last_col])
        _fill(cell, c, value(c.address) if c.address else c.text, style, grid)
    _row_props(table, grid)
    return table


# --- the document ------------------------------------------------------------------------------


TITLE_CHARS = 19.5  # characters of 二号 on a line of the text width (20), with a margin for digits
TITLE_TAIL = "政府信息公开工作年度报告"


def _width(text: str) -> float:
    """Width in characters of 二号: Latin letters and digits count half."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


def _title(doc: DocxDocument, title: str) -> None:
    """The title, broken before 政府信息公开工作年度报告 when it needs two lines (as 公文 titles are)."""
    p = doc.add_paragraph(style="Title")
    head, tail = title, ""
    if (
        _width(title) > TITLE_CHARS
        and title.endswith(TITLE_TAIL)
        and _width(title[: -len(TITLE_TAIL)]) <= TITLE_CHARS
    ):
        head, tail = title[: -len(TITLE_TAIL)], TITLE_TAIL
    p.add_run(head)
    if tail:
        p.add_run().add_break()
        p.add_run(tail)


def build_document(report: Report) -> DocxDocument:
    """The report as a python-docx ``Document``."""
    doc = Document()
    _setup(doc)
    _footers(doc)
    title = title_of(report)
    props = doc.core_properties
    props.title = title
    props.author = report.meta.agency or ""
    props.last_modified_by = report.meta.agency or ""
    props.subject = "政府信息公开工作年度报告"
    props.keywords = "政府信息公开;年度报告"
    props.comments = "由 gongkai 按国办公开办函规定的格式生成。"
    props.language = "zh-CN"

    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(p)
    _title(doc, title)
    for text in preamble(report):
        doc.add_paragraph(text, style="Normal")
    for part in parts(report):
        doc.add_paragraph(part.heading, style="Heading 1")
        for text in part.paragraphs:
            doc.add_paragraph(text, style="Heading 2" if is_sub_heading(text) else "Normal")
        if part.grid is not None:
            add_table(doc, part.grid, report)
            spacer = doc.add_paragraph(style="表格小字")  # a table is followed by a paragraph
            spacer.paragraph_format.space_after = Pt(6)
    # the section properties must stay last in the body
    sect = body.find(qn("w:sectPr"))
    if sect is not None:
        body.remove(sect)
        body.append(sect)
    return doc


def write_docx(report: Report) -> bytes:
    """The report as the bytes of a DOCX file."""
    buf = io.BytesIO()
    build_document(report).save(buf)
    return buf.getvalue()


__all__ = ["build_document", "write_docx"]
