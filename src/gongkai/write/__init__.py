"""Writers: a :class:`~gongkai.model.report.Report` in the official layout of its edition.

``write_report(report, "docx")`` gives the bytes of one format: ``docx``, ``pdf`` (DOCX through
LibreOffice), ``html``, ``md``, ``txt``. The layout of the three tables is data in
:mod:`gongkai.write.layout`; :mod:`gongkai.write.template` makes the 填报 workbook and
:mod:`gongkai.write.load` turns DATA (report JSON or a filled workbook) into a report.
"""

from __future__ import annotations

from typing import Literal

from gongkai.errors import GongkaiError
from gongkai.model.report import Report

Format = Literal["docx", "pdf", "html", "md", "txt"]
FORMATS: tuple[Format, ...] = ("docx", "pdf", "html", "md", "txt")
BINARY: frozenset[str] = frozenset({"docx", "pdf"})


class WriteError(GongkaiError):
    """The report could not be written in the requested format (e.g. LibreOffice is missing)."""


def write_report(report: Report, fmt: str) -> bytes:
    """The report in ``fmt`` (one of :data:`FORMATS`) as bytes; text formats are UTF-8."""
    if fmt == "docx":
        from gongkai.write.docx import write_docx

        return write_docx(report)
    if fmt == "pdf":
        from gongkai.write.pdf import write_pdf

        return write_pdf(report)
    if fmt == "html":
        from gongkai.write.html import write_html

        return write_html(report).encode("utf-8")
    if fmt == "md":
        from gongkai.write.markdown import write_markdown

        return write_markdown(report).encode("utf-8")
    if fmt == "txt":
        from gongkai.write.text import write_text

        return write_text(report).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


__all__ = ["BINARY", "FORMATS", "Format", "WriteError", "write_report"]
