"""Scanned reports and images read by OCR that runs on this machine (see docs/formats.md).

:func:`read_image` reads PNG, JPEG and TIFF files; :func:`read_scanned_pdf` a PDF whose pages
are images. Both go page by page through :mod:`.page` (prepare, ruled tables, recognition) and
:mod:`.reader` (the text reader, then doubtful cells held back).
"""

from __future__ import annotations

from collections.abc import Callable

from gongkai.errors import InputError
from gongkai.model.report import At, Report, Source
from gongkai.read.ocr.reader import OcrSettings, ocr_pages, ocr_settings, read_pages, settings

PDF_DPI = 200  # scanned PDF pages are rendered at this resolution


def read_image(data: bytes, source: Source) -> Report:
    """A report from an image file (every page of a multi-page TIFF)."""
    from gongkai.read.ocr.prepare import decode_images

    if settings().enabled is False:
        raise InputError(
            "这是一张图片，需要文字识别（OCR）才能读取，但已用 --no-ocr 关闭了文字识别。", source=source.name
        )
    images = decode_images(data, source.name)
    return read_pages(ocr_pages(len(images), lambda i: images[i], source.name), source)


def read_scanned_pdf(data: bytes, source: Source) -> Report:
    """A report from a PDF without a text layer: its pages rendered at :data:`PDF_DPI` and OCR'd."""
    import threading

    import numpy as np
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise InputError(f"PDF 文件无法打开（{e}）。", source=source.name) from None
    lock = threading.Lock()  # pdfium is not thread-safe

    def render(i: int) -> np.ndarray:
        with lock:
            bitmap = doc[i].render(scale=PDF_DPI / 72, grayscale=False)
            return np.asarray(bitmap.to_pil().convert("RGB"))

    try:
        return read_pages(ocr_pages(len(doc), render, source.name), source)
    finally:
        doc.close()


MIN_PICTURE_SIDE = 100  # pixels: a smaller picture (an icon, a bullet) cannot hold a table


def read_embedded_images(
    images: list[bytes],
    source: Source,
    before: list[str],
    locate: Callable[[int, int], At | None],
    anchors: list[int] | None = None,
) -> Report | None:
    """A report whose tables are pictures inside a Word file or a web page: the document's text
    lines with the lines OCR finds in its images (page N is the N-th image that holds a page),
    each image after ``anchors[i]`` lines of text (after all of them without ``anchors``).
    None when OCR is not switched on (``--ocr``) or no image is large enough to hold a table."""
    from gongkai.read.ocr.prepare import decode_images

    if not settings().enabled:
        return None
    pages = []
    places: list[int] = []
    for n, data in enumerate(images):
        try:
            found = [im for im in decode_images(data, source.name) if min(im.shape[:2]) >= MIN_PICTURE_SIDE]
        except InputError:
            continue  # a picture that is not a page image (a logo in EMF, a broken file)
        pages += found
        places += [len(before) if anchors is None else anchors[n]] * len(found)
    if not pages:
        return None
    return read_pages(
        ocr_pages(len(pages), lambda i: pages[i], source.name),
        source,
        before=before,
        before_locate=locate,
        anchors=places,
    )


__all__ = [
    "PDF_DPI",
    "OcrSettings",
    "ocr_settings",
    "read_embedded_images",
    "read_image",
    "read_scanned_pdf",
    "settings",
]
