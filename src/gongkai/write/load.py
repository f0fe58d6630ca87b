"""DATA for the writers: the JSON of a report (``parse --json``) or a filled-in workbook → ``Report``.

JSON is validated with :meth:`Report.from_json_dict`; cells of the edition that it lacks are
added as missing, and cells that are not the edition's are refused (usually the other edition's
JSON with a wrong ``meta.edition``). Anything else goes through :func:`gongkai.api.read_bytes`
(an XLSX workbook, or a report as text, HTML, …). Either way the checker runs afresh, so
``report.findings`` are the findings of what will be written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gongkai.check import check_report
from gongkai.errors import InputError
from gongkai.model.keys import edition
from gongkai.model.report import Cell, Report

MAX_JSON_BYTES = 20 * 1024 * 1024


def looks_json(data: bytes) -> bool:
    """Whether ``data`` is a JSON object (gongkai's own report JSON, if anything)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


_looks_json = looks_json


def _validation_message(e: ValidationError) -> str:
    items = []
    for err in e.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        items.append(f"{where or '（顶层）'}：{err.get('msg', '')}")
    more = f"等 {e.error_count()} 处" if e.error_count() > 5 else ""
    return "；".join(items) + more


def report_from_json(data: bytes, name: str = "-") -> Report:
    """A report from the JSON ``parse --json`` prints. Raises :class:`InputError`."""
    if len(data) > MAX_JSON_BYTES:
        raise InputError("JSON 文件过大，上限为 20 MB。", source=name)
    try:
        doc: Any = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InputError("JSON 文件不是 UTF-8 编码。", source=name) from e
    except json.JSONDecodeError as e:
        raise InputError(f"JSON 格式错误：第 {e.lineno} 行第 {e.colno} 列，{e.msg}。", source=name) from e
    if not isinstance(doc, dict) or doc.get("schema") != "gongkai.report/1":
        raise InputError(
            "这个 JSON 不是 gongkai 的报告数据（应为 gongkai parse --json 的输出，schema 为 gongkai.report/1）。",
            source=name,
        )
    try:
        report = Report.from_json_dict(doc)
    except ValidationError as e:
        raise InputError(f"JSON 中的报告数据不符合格式：{_validation_message(e)}。", source=name) from e
    _complete(report, name)
    return report


def _complete(report: Report, name: str) -> None:
    """Add the edition's absent cells as missing; refuse cells the edition does not have."""
    ed = edition(report.meta.edition)
    known = set(ed.addresses)
    foreign = [a for a, _ in report.cells() if a not in known]
    if foreign:
        raise InputError(
            f"JSON 中有 {len(foreign)} 个单元格不属于 {ed.key} 年版格式（如 {foreign[0]}），"
            "请检查 meta.edition 是否正确。",
            source=name,
        )
    for t in ed.tables:
        rows = report.tables.setdefault(t.key, {})
        for r in t.rows:
            cols = rows.setdefault(r.key, {})
            for c in r.columns:
                cols.setdefault(c.key, Cell())
    for s in ed.sections:
        report.sections.setdefault(s.key, None)


def load_report(data: bytes, name: str = "-") -> Report:
    """A report to write from DATA's bytes, with fresh findings."""
    if _looks_json(data):
        report = report_from_json(data, name)
    else:
        from gongkai.api import read_bytes

        report = read_bytes(data, name)
    report.findings = check_report(report)
    return report


def load_path(path: str | Path) -> Report:
    from gongkai.api import read_input

    return load_report(read_input(path), Path(path).name)


__all__ = ["load_path", "load_report", "looks_json", "report_from_json"]
