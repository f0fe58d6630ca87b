"""The source beside the review tables: a PDF's page sizes and page images, or the lines of a
text, HTML or Word source with where each came from, so a cell's ``at`` can be shown."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache

MAX_PAGES = 300
SCALE = 1.5  # 108 dpi: legible, a few hundred KB a page


@dataclass(frozen=True)
class SourceView:
    kind: str  # "pdf", "lines" or "none"
    pages: tuple[tuple[float, float], ...] = ()  # PDF: (width, height) in points per page
    lines: tuple[tuple[int, str, str], ...] = field(default=())  # (1-based line, text, "table-row" or "")
    note: str = ""


def _lines_view(lines: list[str], where: list[str]) -> SourceView:
    return SourceView(
        "lines", lines=tuple((i + 1, text, w) for i, (text, w) in enumerate(zip(lines, where, strict=True)))
    )


@lru_cache(maxsize=64)
def source_view(fmt: str, data: bytes) -> SourceView:
    """How to show a stored original (cached: the bytes of a stored report never change)."""
    try:
        if fmt == "pdf":
            import pypdfium2 as pdfium  # type: ignore[import-untyped]

            pdf = pdfium.PdfDocument(data)
            try:
                n = min(len(pdf), MAX_PAGES)
                sizes = tuple((float(pdf[i].get_width()), float(pdf[i].get_height())) for i in range(n))
            finally:
                pdf.close()
            return SourceView("pdf", pages=sizes)
        if fmt == "text":
            from gongkai.read.decode import decode_text

            text, _ = decode_text(data)
            lines = text.splitlines()
            return _lines_view(lines, [""] * len(lines))
        if fmt in ("html", "docx"):
            from gongkai.read.docx import docx_lines
            from gongkai.read.html import html_lines

            built = html_lines(data) if fmt == "html" else docx_lines(data)
            texts = built.lines
            where = []
            for i in range(len(texts)):
                at = built.locate(i + 1, 0)
                table = getattr(at, "table", None)
                where.append(f"{table}-{getattr(at, 'row', '')}" if table is not None else "")
            return _lines_view(texts, where)
    except Exception:  # a source that read once but not for display: say so, never fail the page
        return SourceView("none", note="原件无法在页面上显示，请下载原件查看。")
    if fmt == "web":
        return SourceView("none", note="网上填报，没有原件：数字由填报单位在页面上录入。")
    return SourceView("none", note="该格式的原件不能在页面上显示（单元格位置见表格提示）。")


@lru_cache(maxsize=32)
def page_png(data: bytes, page: int) -> bytes:
    """One page of a PDF as a PNG (1-based page number)."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= min(len(pdf), MAX_PAGES):
            raise IndexError(page)
        image = pdf[page - 1].render(scale=SCALE).to_pil()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
