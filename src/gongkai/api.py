"""The library's front door: bytes or a path in, a checked :class:`Report` out."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gongkai.check import check_report
from gongkai.errors import InputError
from gongkai.model.report import Report, Source
from gongkai.read.decode import decode_text
from gongkai.read.text import read_text


def sniff_format(data: bytes) -> str:
    """The format of a document by its content: ``pdf``, ``zip`` (DOCX/XLSX), ``ole`` (DOC/XLS), ``html`` or ``text``."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low or b"<table" in low:
        return "html"
    return "text"


def read_bytes(data: bytes, name: str = "-") -> Report:
    """Read one report from its bytes, without checking it."""
    fmt = sniff_format(data)
    if fmt != "text":
        names = {"pdf": "PDF", "zip": "DOCX/XLSX", "ole": "DOC/XLS", "html": "HTML"}
        raise InputError(f"这是 {names[fmt]} 文件；当前版本只读取文本格式的报告（.txt）。", source=name)
    text, _ = decode_text(data, name)
    source = Source(name=name, sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    return read_text(text, source=source)


def parse_bytes(data: bytes, name: str = "-") -> Report:
    """Read one report and run every check on it; ``report.findings`` holds the results."""
    report = read_bytes(data, name)
    report.findings = check_report(report)
    return report


def parse_path(path: str | Path) -> Report:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError as e:
        raise InputError("文件不存在。", source=str(path)) from e
    except IsADirectoryError as e:
        raise InputError("这是一个目录，不是文件。", source=str(path)) from e
    except PermissionError as e:
        raise InputError("没有读取该文件的权限。", source=str(path)) from e
    except OSError as e:
        raise InputError(f"无法读取文件：{e.strerror or e}。", source=str(path)) from e
    return parse_bytes(data, p.name)
