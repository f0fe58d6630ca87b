"""The PDF reader: a report published as PDF (with a text layer) to a :class:`Report`.

The PDF is turned into lines of text whose table cells are separated by tabs (see
:mod:`gongkai.read.pdf_layout`), and the text reader does the rest; every cell's ``at`` is
``PdfAt(page, bbox)``: the 1-based page and the box ``(x0, top, x1, bottom)`` in PDF points,
measured from the top-left corner of the page as pdfplumber does (``top < bottom``). For a
ruled table the box is the table cell; otherwise it is the union of the printed glyphs.

Limits (a hostile or unsuitable file gets a Chinese :class:`InputError`, never a hang):

- more than :data:`MAX_BYTES` bytes: refused before anything is parsed;
- zlib streams inflating to more than :data:`MAX_STREAM` bytes each or :data:`MAX_INFLATED`
  together: refused before pdfminer sees them (a "zip bomb");
- more than :data:`MAX_PAGES` pages: refused after counting the pages;
- more than :data:`MAX_SECONDS` seconds of parsing and layout, or the process grown by more
  than :data:`MAX_MEMORY` bytes meanwhile: stopped and refused;
- more than :data:`MAX_GLYPHS` characters on a page or :data:`MAX_TOTAL_GLYPHS` in all;
- no ``%%EOF`` at the end (a truncated download), unreadable structure: 损坏;
- a password needed to open it: 加密; no text layer (a scan): 扫描件, read by OCR only when
  :mod:`gongkai.read.ocr` is switched on (``--ocr``), refused otherwise.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any, TypeVar

from gongkai.errors import InputError, NotAReportError
from gongkai.model.report import At, PdfAt, Report, Source, TextAt
from gongkai.read.pdf_guard import MemoryLimit, Timeout, TooLarge, check_streams, watchdog
from gongkai.read.pdf_layout import Glyph, Line, Rule, merge_title, page_lines
from gongkai.read.text import Locate, read_text

MAX_BYTES = 100 * 1024 * 1024  # a report with a text layer is a few MB; scans are refused anyway
MAX_PAGES = 300  # annual reports have 5 to 30 pages
MAX_SECONDS = 60.0  # a 6-page report takes about half a second
MAX_MEMORY = 1024 * 1024 * 1024  # growth of the process while parsing; a report needs ~50 MB
MAX_STREAM = 128 * 1024 * 1024  # one zlib stream inflated
MAX_INFLATED = 512 * 1024 * 1024  # all zlib streams inflated
MAX_GLYPHS = 200_000  # per page; a report page holds about 1,000
MAX_TOTAL_GLYPHS = 1_000_000  # per document

# pdfminer warns loudly about every oddity of a damaged file; without a handler of its own
# those warnings would reach stderr through logging's last resort. Applications that configure
# logging still receive them.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

SCANNED = (
    "这是扫描件（PDF 中没有文字层），需要文字识别（OCR）才能读取：请在命令行加 --ocr，"
    "或提供带文字的 PDF、Word 或网页版本。"
)


class ScannedPdfError(InputError):
    """No text layer: readable only by OCR (:mod:`gongkai.read.ocr`), when it is switched on."""


@dataclass
class PageContent:
    number: int  # 1-based
    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    images: int = 0
    unmapped: int = 0  # glyphs without a Unicode mapping, printed by pdfminer as "(cid:N)"
    failed: bool = False  # pdfminer could not read the page
    height: float | None = None  # points


def read_pdf(data: bytes, source: Source) -> Report:
    """Read a report from the bytes of a PDF. Raises :class:`InputError` for files it cannot
    read (too large, damaged, encrypted, scanned) and ``NotAReportError`` when the text holds
    no report."""
    try:
        lines = pdf_lines(data, source.name)
    except ScannedPdfError:
        from gongkai.read.ocr import read_scanned_pdf, settings

        if settings().enabled:
            return read_scanned_pdf(data, source)
        raise
    try:
        report = read_lines(lines, source)
    except NotAReportError:
        if not _tables_as_pictures(data):
            raise
        from gongkai.read.ocr import read_scanned_pdf

        return read_scanned_pdf(data, source)
    if not any(c.known for _, c in report.cells()) and _tables_as_pictures(data):
        from gongkai.read.ocr import read_scanned_pdf

        scanned = read_scanned_pdf(data, source)
        if sum(c.known for _, c in scanned.cells()) > 0:
            return scanned
    return report


def read_lines(lines: list[Line], source: Source) -> Report:
    """Read a report from the lines of positioned pages (a PDF's, or a converter's copy that
    kept every word's box): each cell's ``at`` is its page and box."""
    report = read_text("\n".join(ln.text for ln in lines), source, locate=_locator(lines))
    for f in report.findings:
        if isinstance(f.at, TextAt) and 1 <= f.at.line <= len(lines):
            ln = lines[f.at.line - 1]
            # the text reader names the line of its text, which means nothing in a PDF: the page
            f.message = f.message.replace(f"第{f.at.line}行", f"第{ln.page}页")
            f.at = _pdf_at(ln.page, ln.box)
    return report


def _tables_as_pictures(data: bytes) -> bool:
    """OCR is on and the PDF holds images (the tables may be pictures beside the text layer).
    Image XObjects are streams, never inside object streams: their ``/Image`` is in plain bytes."""
    from gongkai.read.ocr import settings

    return bool(settings().enabled) and b"/Image" in data


def pdf_lines(data: bytes, name: str = "-") -> list[Line]:
    """The lines the reader sees (for debugging and tests): ``Line.text`` is tab-separated."""

    def lines() -> list[Line]:
        pages = _extract_best(data, name)
        _check_text_layer(pages, name)
        found = [ln for p in pages for ln in page_lines(p.number, p.glyphs, p.rules, p.height)]
        return merge_title(drop_repeated_headers(found))

    return _guarded(data, name, lines)


def drop_repeated_headers(lines: list[Line]) -> list[Line]:
    """Lines without the header rows a table repeats at the top of a new page.

    A run of at least two ruled lines without digits that starts a page's ruled lines and
    repeats, in order, consecutive lines seen on an earlier page is dropped: a table continued
    on a new page, its header printed again. Lines with a digit are never dropped.
    """
    out: list[Line] = []
    seen: list[str] = []  # ruled lines without digits on earlier pages, in order
    i = 0
    while i < len(lines):
        page = lines[i].page
        j = i
        while j < len(lines) and lines[j].page == page:
            j += 1
        page_lines_ = lines[i:j]
        first_ruled = next((k for k, ln in enumerate(page_lines_) if ln.ruled), None)
        drop = 0
        if first_ruled is not None and seen:
            run = []
            for ln in page_lines_[first_ruled : first_ruled + MAX_HEADER_LINES]:
                if not ln.ruled or any(ch.isdigit() for ch in ln.text):
                    break
                run.append(ln.text)
            drop = _repeat_length(run, seen)
        kept = page_lines_ if drop < 2 else page_lines_[:first_ruled] + page_lines_[first_ruled + drop :]  # type: ignore[operator]
        out.extend(kept)
        seen.extend(ln.text for ln in page_lines_ if ln.ruled and not any(ch.isdigit() for ch in ln.text))
        i = j
    return out


MAX_HEADER_LINES = 8


def _repeat_length(run: list[str], seen: list[str]) -> int:
    """The longest prefix of ``run`` found as consecutive items of ``seen``."""
    best = 0
    starts = [k for k, text in enumerate(seen) if run and text == run[0]]
    for start in starts[-MAX_HEADER_LINES:]:
        n = 0
        while n < len(run) and start + n < len(seen) and seen[start + n] == run[n]:
            n += 1
        best = max(best, n)
    return best


def _locator(lines: list[Line]) -> Locate:
    def locate(line: int, cell: int) -> At | None:
        if not 1 <= line <= len(lines):
            return None
        ln = lines[line - 1]
        if not 0 <= cell < len(ln.fields):
            return _pdf_at(ln.page, ln.box) if ln.fields else None
        return _pdf_at(ln.page, ln.fields[cell].box)

    return locate


def _pdf_at(page: int, box: tuple[float, float, float, float]) -> PdfAt:
    return PdfAt(page=page, bbox=(round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2)))


# --- extraction --------------------------------------------------------------------------------


def extract_pages(data: bytes, name: str = "-") -> list[PageContent]:
    """Glyphs, ruling lines and image counts of every page, within the module's limits."""
    return _guarded(data, name, lambda: _extract_best(data, name))


_T = TypeVar("_T")


def _guarded(data: bytes, name: str, work: Callable[[], _T]) -> _T:
    """``work()`` on ``data`` after the checks made before parsing, within the time and memory
    limits; each refusal an :class:`InputError`."""
    if len(data) > MAX_BYTES:
        raise InputError(
            f"PDF 文件过大（{len(data) / 1024 / 1024:.0f} MB），超过上限 {MAX_BYTES // 1024 // 1024} MB；"
            "年度报告的 PDF 通常只有几 MB。",
            source=name,
        )
    if b"%%EOF" not in data[-4096:].rstrip(b"\x00\t\n\x0c\r ")[-1024:]:
        raise InputError(
            "PDF 文件不完整（末尾缺少结束标记 %%EOF），可能下载未完成或文件已损坏；请重新下载后再试。",
            source=name,
        )
    try:
        check_streams(data, MAX_STREAM, MAX_INFLATED)
    except TooLarge as e:
        raise InputError(
            f"PDF 中的压缩数据解压后过大（超过 {e.limit // 1024 // 1024} MB），文件可能已损坏或是恶意构造的，已拒绝读取。",
            source=name,
        ) from None
    started = time.monotonic()
    try:
        with watchdog(MAX_SECONDS, MAX_MEMORY):
            return work()
    except Timeout:
        raise InputError(
            f"读取 PDF 超时（超过 {MAX_SECONDS:g} 秒，已用 {time.monotonic() - started:.0f} 秒），"
            "文件可能已损坏或结构异常。",
            source=name,
        ) from None
    except MemoryLimit:
        raise InputError(
            f"读取 PDF 所需内存超过上限（{MAX_MEMORY // 1024 // 1024} MB），文件可能已损坏或是恶意构造的，已停止读取。",
            source=name,
        ) from None
    except RecursionError:
        raise _damaged(name) from None


class DamagedPdfError(InputError):
    """The file's structure cannot be read (the reader retries once without its xref table)."""


def _damaged(name: str, detail: str = "") -> InputError:
    return DamagedPdfError(
        f"PDF 文件已损坏，无法读取{detail}。请重新下载，或用 PDF 阅读器打开后另存一份再试。", source=name
    )


def _extract_best(data: bytes, name: str) -> list[PageContent]:
    """Read the file; when that fails, or pages fail, or the text is mostly not Chinese (a
    damaged xref table can point at wrong objects, such as the wrong font), read it again
    rebuilding the object table by scanning the file (pdfminer's fallback) and keep the better."""
    first: list[PageContent] | None = None
    try:
        first = _extract(data, name)
    except DamagedPdfError as e:
        error = e
    else:
        if _sound(first):
            return first
    try:
        second = _extract(_rescan(data), name)
    except DamagedPdfError:
        if first is None:
            raise error from None
        return first
    if first is None or _score(second) > _score(first):
        return second
    return first


_ROOT = re.compile(rb"/Root\s+(\d+)\s+(\d+)\s+R")
_ENCRYPT = re.compile(rb"/Encrypt\s+(\d+)\s+(\d+)\s+R")
_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f\s]*>\s*<[0-9A-Fa-f\s]*>\s*\]")


def _rescan(data: bytes) -> bytes:
    """The file with an impossible xref position, so that pdfminer rebuilds its object table
    by scanning for ``N G obj``. pdfminer's scan needs a classic ``trailer``: files with an
    xref stream (PDF 1.5+) get one made of the last /Root, /Encrypt and /ID found."""
    at = data.rfind(b"startxref")
    body = data[:at] if at >= 0 else data
    trailer = b""
    if b"trailer" not in body:
        parts = [m.group(0) for rx in (_ROOT, _ENCRYPT, _ID) if (m := _last(rx, body))]
        trailer = b"\ntrailer\n<< " + b" ".join(parts) + b" >>\n"
    return body + trailer + b"\nstartxref\n-1\n%%EOF\n"


def _last(rx: re.Pattern[bytes], data: bytes) -> re.Match[bytes] | None:
    last = None
    for last in rx.finditer(data):  # noqa: B007
        pass
    return last


def _cjk(pages: list[PageContent]) -> int:
    return sum(1 for p in pages for g in p.glyphs if "\u4e00" <= g.text[:1] <= "\u9fff")


def _sound(pages: list[PageContent]) -> bool:
    solid = sum(1 for p in pages for g in p.glyphs if not g.text.isspace())
    return not any(p.failed for p in pages) and (solid < 200 or _cjk(pages) >= 0.2 * solid)


def _score(pages: list[PageContent]) -> tuple[int, int]:
    return (sum(not p.failed for p in pages), _cjk(pages))


def _cause(e: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's errors: the original one."""
    seen = 0
    while seen < 10 and (e.__cause__ or e.__context__ or (e.args and isinstance(e.args[0], BaseException))):
        nxt = e.args[0] if e.args and isinstance(e.args[0], BaseException) else (e.__cause__ or e.__context__)
        assert nxt is not None
        e = nxt
        seen += 1
    return e


def _open_error(e: Exception, name: str) -> InputError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = _cause(e)
    if isinstance(cause, PDFPasswordIncorrect):
        return InputError(
            "PDF 已加密，需要密码才能打开；请提供未加密的版本（或用 PDF 阅读器输入密码后另存为不加密的 PDF）。",
            source=name,
        )
    if isinstance(cause, PDFEncryptionError):
        return InputError("PDF 已加密，且使用了不支持的加密方式，无法读取；请提供未加密的版本。", source=name)
    return _damaged(name)


def _extract(data: bytes, name: str) -> list[PageContent]:
    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfminer raises many kinds on damaged input
        raise _open_error(e, name) from None
    # pdf.close() walks every page again and can raise on a damaged file: pages are closed
    # one by one instead, and the document is left to the garbage collector.
    try:
        count = sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1))
    except Exception as e:
        raise _open_error(e, name) from None
    if count > MAX_PAGES:
        raise InputError(
            f"PDF 超过 {MAX_PAGES} 页，不像是一份年度报告（通常不超过 30 页），已拒绝读取。", source=name
        )
    if count == 0:
        raise _damaged(name, "（没有找到任何页面）")
    try:
        pages = list(pdf.pages)
    except Exception as e:
        raise _open_error(e, name) from None
    out: list[PageContent] = []
    total = 0
    for number, page in enumerate(pages, start=1):
        try:
            out.append(_page_content(page, number, name))
            total += len(out[-1].glyphs)
            if total > MAX_TOTAL_GLYPHS:
                raise InputError(
                    f"PDF 的文字多得异常（超过 {MAX_TOTAL_GLYPHS} 个字符），不像是一份年度报告，已拒绝读取。",
                    source=name,
                )
        except (InputError, Timeout):
            raise
        except Exception:  # one damaged page does not stop the others
            out.append(PageContent(number, failed=True))
        finally:
            with contextlib.suppress(Exception):
                page.close()
    if all(p.failed for p in out):
        raise _damaged(name)
    return out


def _page_content(page: Any, number: int, name: str) -> PageContent:
    from pdfplumber.utils import dedupe_chars

    width, height = float(page.width), float(page.height)
    if not (math.isfinite(width) and math.isfinite(height)):
        raise ValueError("page size")
    content = PageContent(number, height=height)
    chars = page.chars
    if len(chars) > MAX_GLYPHS:
        raise InputError(
            f"PDF 第 {number} 页的文字多得异常（{len(chars)} 个字符），文件可能是恶意构造的，已拒绝读取。",
            source=name,
        )
    glyphs = []
    for c in dedupe_chars(chars, tolerance=1):
        text = c.get("text") or ""
        if text.startswith("(cid:"):
            content.unmapped += 1
            continue
        box = (c.get("x0"), c.get("top"), c.get("x1"), c.get("bottom"))
        if not text or not _finite_box(box):
            continue
        x0, top, x1, bottom = (float(v) for v in box)  # type: ignore[arg-type]
        if x1 < -OVERFLOW * width or x0 > (1 + OVERFLOW) * width or bottom < 0 or top > height:
            continue  # outside the page: not printed
        if _diagonal(c.get("matrix")):
            continue  # a watermark ("内部资料" across the page), never table text
        glyphs.append(Glyph(text, x0, top, x1, bottom))
    content.glyphs = glyphs
    content.rules = [
        r for r in (_clip(r, width, height) for r in _rules(page.lines, page.rects, page.curves)) if r
    ]
    content.images = len(page.images)
    return content


# A table wider than the page (Word, WPS and LibreOffice export it so) runs on past the right
# edge: its last columns are cut off on paper, but their text and rules are in the file. They
# are kept up to this share of the page's width beyond either edge, so that a number that
# crosses the edge is read whole (14069, not the 140 left on the page) and its column is known.
OVERFLOW = 0.5


def _clip(rule: Rule, width: float, height: float) -> Rule | None:
    """The part of a rule on the page and its horizontal overflow (rules far off are dropped)."""
    x0, x1 = max(rule.x0, -OVERFLOW * width), min(rule.x1, (1 + OVERFLOW) * width)
    top, bottom = max(rule.top, -1.0), min(rule.bottom, height + 1.0)
    if x0 > x1 or top > bottom:
        return None
    return Rule(x0, top, x1, bottom)


def _diagonal(matrix: Any) -> bool:
    """Whether a glyph's text matrix turns it by an angle other than a multiple of 90°."""
    if not isinstance(matrix, tuple | list) or len(matrix) < 4:
        return False
    a, b = matrix[0], matrix[1]
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in (a, b)):
        return False
    scale = math.hypot(a, b)
    return scale > 0 and min(abs(a), abs(b)) > 0.1 * scale


def _finite_box(box: tuple[Any, ...]) -> bool:
    return all(isinstance(v, int | float) and math.isfinite(v) for v in box)


def _visible(color: Any) -> bool:
    """Whether a stroke or fill colour shows on white paper (white and near-white do not)."""
    if color is None:
        return True  # the default colour is black
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not all(isinstance(v, int | float) for v in color):
        return True  # a pattern or named colour: assume visible
    if len(color) == 1:
        return color[0] < 0.95
    if len(color) == 3:
        return min(color) < 0.95
    if len(color) == 4:
        return max(color) > 0.05
    return True


THIN = 3.0  # points: a filled rectangle this thin is drawn as a line


def _rules(
    lines: Iterable[dict[str, Any]], rects: Iterable[dict[str, Any]], curves: Iterable[dict[str, Any]]
) -> Iterable[Rule]:
    """Visible horizontal and vertical segments of a page's vector graphics."""
    for obj in lines:
        if obj.get("stroke", True) and _visible(obj.get("stroking_color")):
            yield from _segments(obj.get("pts") or [])
    for obj in rects:
        box = (obj.get("x0"), obj.get("top"), obj.get("x1"), obj.get("bottom"))
        if not _finite_box(box):
            continue
        x0, top, x1, bottom = (float(v) for v in box)  # type: ignore[arg-type]
        if obj.get("stroke") and _visible(obj.get("stroking_color")):
            yield Rule(x0, top, x1, top)
            yield Rule(x0, bottom, x1, bottom)
            yield Rule(x0, top, x0, bottom)
            yield Rule(x1, top, x1, bottom)
        elif obj.get("fill") and _visible(obj.get("non_stroking_color")):
            yield from _bar(x0, top, x1, bottom)
    for obj in curves:
        if obj.get("stroke") and _visible(obj.get("stroking_color")):
            yield from _segments(obj.get("pts") or [])
        elif obj.get("fill") and _visible(obj.get("non_stroking_color")):
            # a border drawn as a thin filled shape: browsers print a table's 3-D (outset/inset)
            # borders as trapezoids, one per side of every cell
            box = (obj.get("x0"), obj.get("top"), obj.get("x1"), obj.get("bottom"))
            if _finite_box(box):
                yield from _bar(*(float(v) for v in box))  # type: ignore[arg-type]


def _bar(x0: float, top: float, x1: float, bottom: float) -> Iterable[Rule]:
    """A filled shape thin enough to be a line: the rule it draws (nothing for other shapes)."""
    if bottom - top <= THIN and x1 - x0 > THIN:
        y = (top + bottom) / 2
        yield Rule(x0, y, x1, y)
    elif x1 - x0 <= THIN and bottom - top > THIN:
        x = (x0 + x1) / 2
        yield Rule(x, top, x, bottom)


def _segments(pts: list[Any]) -> Iterable[Rule]:
    for a, b in pairwise(pts):
        if not (_finite_box((*a, *b)) and len(a) == 2 and len(b) == 2):
            continue
        (ax, ay), (bx, by) = a, b
        if abs(ay - by) <= 0.5 and abs(ax - bx) > 0.5:
            y = (ay + by) / 2
            yield Rule(min(ax, bx), y, max(ax, bx), y)
        elif abs(ax - bx) <= 0.5 and abs(ay - by) > 0.5:
            x = (ax + bx) / 2
            yield Rule(x, min(ay, by), x, max(ay, by))


# --- text layer --------------------------------------------------------------------------------


def _check_text_layer(pages: list[PageContent], name: str) -> None:
    """Refuse scans and text without a Unicode mapping: nothing in them can be read."""
    solid = sum(1 for p in pages for g in p.glyphs if not g.text.isspace())
    unmapped = sum(p.unmapped for p in pages)
    images = sum(p.images for p in pages)
    if unmapped > max(solid, 20):
        raise InputError(
            "PDF 中的文字无法识别（字体缺少字符映射，提取出来是乱码），请提供 Word 或网页版本。", source=name
        )
    cjk = _cjk(pages)
    if solid >= 200 and cjk < 0.2 * solid:
        raise InputError(
            "PDF 中的文字几乎都不是汉字：提取出来的可能是乱码（字体缺少字符映射，或文件已损坏），"
            "也可能这不是一份中文年度报告。请提供 Word 或网页版本。",
            source=name,
        )
    if cjk < 20 and (images > 0 or solid < 50):
        if images:
            raise ScannedPdfError(SCANNED, source=name)
        raise ScannedPdfError(
            "PDF 中几乎没有文字（可能是扫描件，或文字已转为图形），需要文字识别（OCR）才能读取："
            "请在命令行加 --ocr，或提供带文字的 PDF、Word 或网页版本。",
            source=name,
        )


__all__ = [
    "MAX_BYTES",
    "MAX_MEMORY",
    "MAX_PAGES",
    "MAX_SECONDS",
    "SCANNED",
    "PageContent",
    "ScannedPdfError",
    "extract_pages",
    "pdf_lines",
    "read_pdf",
]
