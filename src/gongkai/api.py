"""The library's front door: bytes or a path in, a checked :class:`Report` out."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gongkai.check import check_report
from gongkai.errors import InputError
from gongkai.model.report import Report, Source
from gongkai.read.assets import Assets
from gongkai.read.decode import decode_text
from gongkai.read.text import read_text


def sniff_format(data: bytes) -> str:
    """The format of a document by its content, not its name.

    ``pdf``, ``docx``, ``xlsx``, ``odt`` (OpenDocument text), ``zip`` (another zip), ``ole``
    (DOC/XLS/WPS), ``rtf`` (also the ".doc" that is RTF inside), ``image`` (PNG, JPEG, TIFF:
    read by OCR), ``html`` or ``text``.
    """
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: look at the text itself
        try:
            head = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return "text"
    low = head[:1024].lower()
    if (
        low.startswith((b"<!doctype html", b"<html", b"<?xml"))
        or b"<html" in low
        or b"<table" in low
        or b"<body" in low
    ):
        return "html"
    return "text"


def _zip_kind(data: bytes) -> str:
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and data[30:38] == b"mimetype" and b"opendocument.text" in data[38:120]:
        return "odt"
    return "zip"


FORMAT_NAMES = {
    "pdf": "PDF",
    "docx": "DOCX",
    "xlsx": "XLSX",
    "zip": "ZIP",
    "ole": "DOC/XLS",
    "rtf": "RTF",
    "odt": "ODT",
    "html": "HTML",
    "image": "图片",
    "text": "文本",
}


def read_bytes(data: bytes, name: str = "-", assets: Assets | None = None) -> Report:
    """Read one report from its bytes, by its format, without checking it. Every cell holds a
    value of its column's kind (:func:`gongkai.read.kinds.fit_kinds`). ``assets`` finds the
    pictures a web page refers to (:mod:`gongkai.read.assets`; by default only inline ones)."""
    from gongkai.read.kinds import fit_kinds

    return fit_kinds(_read_by_format(data, name, assets))


def _read_by_format(data: bytes, name: str, assets: Assets | None = None) -> Report:
    fmt = sniff_format(data)
    sha256 = hashlib.sha256(data).hexdigest()
    if fmt == "html":  # a converter's copy of a PDF that kept every word's box
        from gongkai.read.positioned import is_positioned, read_positioned

        if is_positioned(data) and (
            report := read_positioned(data, Source(name=name, sha256=sha256, format="pdf"))
        ):
            return report
    if fmt in ("text", "html"):  # HTML in a JavaScript string, fragments, HTML tables in markdown
        from gongkai.read.unwrap import unwrap

        data, fmt = unwrap(data, fmt, name)
    source = Source(name=name, sha256=sha256, format=fmt)
    if fmt == "text":
        text, _ = decode_text(data, name)
        return read_text(text, source=source)
    if fmt == "html":
        from gongkai.read.html import read_html

        return read_html(data, source, assets)
    if fmt == "pdf":
        from gongkai.read.pdf import read_pdf

        return read_pdf(data, source)
    if fmt == "docx":
        from gongkai.read.docx import read_docx

        return read_docx(data, source)
    if fmt == "xlsx":
        from gongkai.read.xlsx import read_xlsx

        return read_xlsx(data, source)
    if fmt == "ole":
        from gongkai.read.doc import read_doc

        return read_doc(data, source)
    if fmt in ("rtf", "odt"):
        from gongkai.read.doc import read_converted

        return read_converted(data, source, "." + fmt)
    if fmt == "image":
        from gongkai.read.ocr import read_image

        return read_image(data, source)
    raise InputError("这是一个 ZIP 压缩包，但不是 Word（DOCX）或 Excel（XLSX）文件，无法读取。", source=name)


def parse_bytes(data: bytes, name: str = "-", assets: Assets | None = None) -> Report:
    """Read one report and run every check on it; ``report.findings`` holds the results."""
    report = read_bytes(data, name, assets)
    report.findings = check_report(report)
    return report


MAX_INPUT_BYTES = 200 * 1024 * 1024  # a report is at most tens of MB, even as a scanned PDF


def read_input(path: str | Path) -> bytes:
    """The bytes of an input file, refused with a clear message before reading when it is not a
    readable file or is too large to be a report."""
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError("这是一个目录，不是文件。", source=str(path))
        size = p.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(
                f"文件过大（{size // (1024 * 1024)} MB），不像是一份年度报告；"
                f"上限为 {MAX_INPUT_BYTES // (1024 * 1024)} MB。",
                source=str(path),
            )
        return p.read_bytes()
    except FileNotFoundError as e:
        raise InputError("文件不存在。", source=str(path)) from e
    except IsADirectoryError as e:
        raise InputError("这是一个目录，不是文件。", source=str(path)) from e
    except PermissionError as e:
        raise InputError("没有读取该文件的权限。", source=str(path)) from e
    except OSError as e:
        raise InputError(f"无法读取文件：{e.strerror or e}。", source=str(path)) from e


def parse_path(path: str | Path) -> Report:
    """Read and check the report in a file; a web page's pictures saved beside it are found."""
    from gongkai.read.assets import folder_assets

    p = Path(path)
    return parse_bytes(read_input(p), p.name, folder_assets(p.parent))
