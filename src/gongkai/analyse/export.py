"""A :class:`~gongkai.analyse.frame.Frame` to CSV, JSON, Parquet or XLSX.

Exactness: counts are written as integers and amounts as decimal text (CSV, JSON) or
``decimal128(18, 4)`` (Parquet), never through a float; unknown cells are empty (CSV) or null.
XLSX is for people: Excel keeps numbers as doubles (15 significant digits, enough for every
amount a report can hold), and the workbook adds formatting, a findings sheet, a field list and a
说明 sheet.

The order of rows is the frame's (region, agency, year), and the time written into a file is
``SOURCE_DATE_EPOCH`` when that is set, so the same data gives the same file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

from gongkai import __version__
from gongkai.analyse.frame import (
    KIND_NAMES_ZH,
    LONG_FROZEN_COLUMNS,
    WIDE_FROZEN_COLUMNS,
    ColumnSpec,
    Frame,
    Headers,
    Shape,
    address_header,
    all_findings,
    frame,
    sorted_records,
)
from gongkai.errors import InputError
from gongkai.model.keys import edition
from gongkai.model.report import Severity
from gongkai.read.normalize import text_width
from gongkai.store.records import ReportRecord
from gongkai.write.cellsafe import csv_row, xlsx_row

Format = Literal["xlsx", "csv", "parquet", "json"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv", "parquet", "json")
EXPORT_SCHEMA_ID = "gongkai.export/1"
AMOUNT_TYPE = ("decimal128", 18, 4)
XLSX_MAX_ROWS = 1_048_576
STDOUT = "-"

FILTER_NAMES = {"region": "地区", "year": "年度", "agency": "机关"}
SHAPE_NAMES = {"wide": "宽表（每份报告一行，每个单元格一列）", "long": "长表（每个单元格一行）"}
KIND_NAMES = {
    "count": "计数（整数）",
    "signed": "增减数（可为负的整数）",
    "amount": "金额（小数，最多 4 位）",
    "int": "整数",
    "str": "文本",
    "bool": "是/否",
}
STATUS_NAMES = {"read": "读出", "inferred": "推断", "ambiguous": "存疑", "missing": "缺失"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


TIME_ZONE = "Asia/Shanghai"
TIME_ZONE_NAME = "北京时间（东八区）"


def local_zone() -> tzinfo:
    """China Standard Time: ``Asia/Shanghai``, or a fixed UTC+8 where no time-zone data exists
    (China has kept UTC+8 without daylight saving since 1991)."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(TIME_ZONE)
    except Exception:  # no tz database on this machine
        return timezone(timedelta(hours=8), "CST")


def generation_time() -> datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible files), in China Standard Time
    whatever the machine's own zone."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).astimezone(local_zone())
    return datetime.now(UTC).astimezone(local_zone()).replace(microsecond=0)


def time_text(when: datetime) -> str:
    """``2026-12-07 10:30:00 北京时间（东八区）``."""
    return f"{when.astimezone(local_zone()):%Y-%m-%d %H:%M:%S} {TIME_ZONE_NAME}"


def _filter_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        items = sorted(value)
        if len(items) > 2 and items == list(range(items[0], items[-1] + 1)):
            return f"{items[0]}—{items[-1]}"
        return "、".join(str(v) for v in items)
    return str(value)


@dataclass
class ExportInfo:
    """What an export says about itself: filters, time, tool."""

    filters: dict[str, Any] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=generation_time)
    generator: str = f"gongkai {__version__}"

    def filters_text(self) -> str:
        """``地区：江苏省；年度：2021—2023`` or ``无（全部报告）``."""
        parts = [
            f"{FILTER_NAMES.get(k, k)}：{_filter_text(v)}" for k, v in self.filters.items() if v is not None
        ]
        return "；".join(parts) if parts else "无（全部报告）"

    def as_json(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at.astimezone(local_zone()).isoformat(),
            "time_zone": TIME_ZONE,
            "generator": self.generator,
            "filters": {k: self.filters.get(k) for k in ("region", "year", "agency")} | self.filters,
        }


# --- values --------------------------------------------------------------------------------


def text_value(value: Any) -> str:
    """The CSV text of a value: exact decimals, integers, ``true``/``false``, empty for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def json_value(value: Any) -> Any:
    """Counts stay JSON integers, amounts become strings (as in the report JSON)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def infer_format(path: str) -> Format | None:
    suffix = Path(path).suffix.lower().lstrip(".")
    aliases: dict[str, Format] = {
        "xlsx": "xlsx",
        "csv": "csv",
        "parquet": "parquet",
        "pq": "parquet",
        "json": "json",
    }
    return aliases.get(suffix)


# --- CSV -----------------------------------------------------------------------------------


def write_csv(fr: Frame, out: IO[str], headers: Headers = "key") -> None:
    """RFC 4180 CSV, ``\\n`` line ends; the caller chooses the encoding (files: UTF-8 with BOM)."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(fr.headers(headers))
    # Integer columns go to the csv module as they are (it writes None as ""); the others are
    # made text here: decimals exactly, booleans as true/false, text made safe (OWASP: text
    # beginning with = + - @ gets a ').
    special = [j for j, c in enumerate(fr.columns) if c.kind not in ("count", "signed", "int")]
    if fr.shape == "long" or len(special) * 2 > len(fr.columns):
        for row in fr.rows:
            w.writerow(csv_row(row, text_value))
        return
    for row in fr.rows:
        values = list(row)
        for j in special:
            v = values[j]
            if v is not None:
                values[j] = csv_row((v,), text_value)[0]
        w.writerow(values)


# --- JSON ----------------------------------------------------------------------------------


def rule_name(rule: str) -> str:
    """A rule's Chinese title (``docs/rules.md``), or the id when the registry lacks it."""
    from gongkai.check.rules import RULES

    found = RULES.get(rule)
    return found.title_zh if found is not None else rule


def finding_rows(records: Iterable[Any], headers: Headers = "key") -> list[dict[str, Any]]:
    """Every finding of the records, one dict each, in the records' order. With
    ``headers="zh"``: rule titles, Chinese severities and cell names instead of codes."""
    rows: list[dict[str, Any]] = []
    zh = headers == "zh"
    for rec in sorted_records(records):
        for f in all_findings(rec):
            severity = str(Severity(f.severity))
            rows.append(
                {
                    "report_id": rec.report_id,
                    "agency": rec.agency,
                    "region": rec.region,
                    "year": rec.year,
                    "rule": rule_name(f.rule) if zh else f.rule,
                    "severity": SEVERITY_NAMES.get(severity, severity) if zh else severity,
                    "cells": [address_header(a, rec.edition) for a in f.cells] if zh else list(f.cells),
                    "message": f.message,
                }
            )
    return rows


def _column_json(c: ColumnSpec, headers: Headers) -> dict[str, Any]:
    if headers == "zh":
        return {"name": c.zh, "label": c.zh, "kind": KIND_NAMES.get(c.kind, c.kind)}
    return {"name": c.header(headers), "key": c.key, "label": c.zh, "kind": c.kind}


def write_json(fr: Frame, out: IO[str], headers: Headers = "key", info: ExportInfo | None = None) -> None:
    """One JSON document: what and when, the columns, one object per row, the findings.

    Rows are written one per line so that large exports stay readable and diffable.
    """
    info = info or ExportInfo()
    head = {
        "schema": EXPORT_SCHEMA_ID,
        "shape": fr.shape,
        "headers": headers,
        **info.as_json(),
        "editions": list(fr.editions),
        "reports": len({r.report_id for r in fr.records}),
        "columns": [_column_json(c, headers) for c in fr.columns],
    }
    dumps = json.dumps
    text = dumps(head, ensure_ascii=False, indent=1)
    out.write(text[:-2] + ',\n "rows": [')  # drop the closing "\n}" and continue the object
    names = fr.headers(headers)
    for i, row in enumerate(fr.rows):
        obj = {n: json_value(v) for n, v in zip(names, row, strict=True)}
        out.write(("\n  " if i == 0 else ",\n  ") + dumps(obj, ensure_ascii=False))
    out.write('\n ],\n "findings": [')
    for i, f in enumerate(finding_rows(fr.records, headers)):
        out.write(("\n  " if i == 0 else ",\n  ") + dumps(f, ensure_ascii=False))
    out.write("\n ]\n}\n")


# --- Parquet -------------------------------------------------------------------------------


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    if kind == "amount":
        return pa.decimal128(AMOUNT_TYPE[1], AMOUNT_TYPE[2])
    if kind in ("count", "signed", "int"):
        return pa.int64()
    if kind == "bool":
        return pa.bool_()
    return pa.string()


def arrow_table(
    fr: Frame, headers: Headers = "key", info: ExportInfo | None = None, arrays: list[Any] | None = None
) -> Any:
    """The frame as a ``pyarrow.Table``: int64 counts, decimal128(18,4) amounts, nulls.

    ``arrays``: the columns already built (:mod:`gongkai.analyse.columnar`); else from the rows."""
    import pyarrow as pa

    info = info or ExportInfo()
    names = fr.headers(headers)
    fields = []
    if arrays is None:
        arrays = []
        columns = list(zip(*fr.rows, strict=True)) if fr.rows else [() for _ in fr.columns]
        for c, name, values in zip(fr.columns, names, columns, strict=True):
            typ = _arrow_type(c.kind)
            if c.kind == "amount":  # the long shape's value column holds counts too: exact as decimals
                values = tuple(Decimal(v) if isinstance(v, int) else v for v in values)
            try:
                arrays.append(pa.array(values, type=typ))
            except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
                raise InputError(f"列 {name} 的数值无法无损写入 Parquet（{e}）。") from e
    for c, name in zip(fr.columns, names, strict=True):
        typ = _arrow_type(c.kind)
        meta = {"key": c.key, "label": c.zh, "kind": c.kind}
        fields.append(pa.field(name, typ, metadata={k: v.encode() for k, v in meta.items()}))
    doc = {"schema": EXPORT_SCHEMA_ID, "shape": fr.shape, "headers": headers, **info.as_json()}
    schema = pa.schema(fields, metadata={"gongkai": json.dumps(doc, ensure_ascii=False)})
    return pa.Table.from_arrays(arrays, schema=schema)


def write_parquet(
    fr: Frame,
    path: str | Path,
    headers: Headers = "key",
    info: ExportInfo | None = None,
    arrays: list[Any] | None = None,
) -> None:
    import pyarrow.parquet as pq

    pq.write_table(arrow_table(fr, headers, info, arrays), str(path), compression="zstd")


# --- XLSX ----------------------------------------------------------------------------------

NUMBER_FORMATS = {
    "count": "#,##0",
    "signed": "+#,##0;-#,##0;0",
    "amount": "#,##0.00##",
    "int": "0",  # years and ids: no thousands separator (Excel's General shows them so too)
}
HEADER_FILL = "DDEBF7"
CORRECTED_FILL = "FFE699"
UNKNOWN_FILL = "EDEDED"
ERROR_FILL = "FCE4E4"
HEADER_WRAP = {"zh": 16, "key": 26}  # header width (in Latin characters) before it wraps
MAX_WIDTH = 40


def _cell_text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int) and kind in ("count", "signed", "amount"):
        return f"{value:+,}" if kind == "signed" else f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,f}"
    return str(value)


def _magnitude(v: int | Decimal) -> Decimal:
    return Decimal(v).copy_abs()


def _column_width(values: Iterable[Any], kind: str) -> int:
    """The widest display of a column's values; numbers by their largest magnitude."""
    numbers: list[int | Decimal] = []
    texts: set[str] = set()
    for v in values:
        if v is None:
            continue
        if isinstance(v, int | Decimal) and not isinstance(v, bool):
            numbers.append(v)
        else:
            texts.add(_cell_text(v, kind))
    width = max((text_width(t) for t in texts), default=0)
    if numbers:
        biggest = max(numbers, key=_magnitude)
        width = max(width, len(_cell_text(biggest, kind)) + (1 if kind == "signed" else 0))
        if any(isinstance(v, Decimal) for v in numbers):  # the longest fraction may be elsewhere
            width = max(width, max(len(_cell_text(v, kind)) for v in numbers if isinstance(v, Decimal)))
    return width


def _widths(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], kinds: Sequence[str], wrap: int
) -> list[float]:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in headers]
    out = []
    for h, kind, values in zip(headers, kinds, columns, strict=True):
        data = _column_width(values, kind)
        out.append(float(min(MAX_WIDTH, max(data, min(text_width(h), wrap), 4) + 2)))
    return out


def _header_lines(headers: Sequence[str], widths: Sequence[float]) -> int:
    lines = 1
    for h, w in zip(headers, widths, strict=True):
        usable = max(1.0, w - 1)
        lines = max(lines, -(-text_width(h) // int(usable)))
    return min(lines, 8)


class _Sheet:
    """A write-only sheet with per-column cell templates (one styled cell object per style)."""

    def __init__(self, wb: Any, title: str) -> None:
        self.ws = wb.create_sheet(title)

    def setup(
        self,
        headers: Sequence[str],
        kinds: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        frozen_columns: int,
        wrap: int,
        fixed_widths: dict[int, float] | None = None,
    ) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        ws = self.ws
        widths = _widths(headers, rows, kinds, wrap)
        for i, w in (fixed_widths or {}).items():
            widths[i] = w
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.row_dimensions[1].height = 15 * _header_lines(headers, widths) + 4
        ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}2"
        last = get_column_letter(max(1, len(headers)))
        ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        self.header_font = Font(bold=True)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.header_alignment = Alignment(wrap_text=True, vertical="top")

    def header(self, headers: Sequence[str]) -> None:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for h in headers:
            c = WriteOnlyCell(self.ws, value=h)
            c.font = self.header_font
            c.fill = self.header_fill
            c.alignment = self.header_alignment
            cells.append(c)
        self.ws.append(cells)

    def templates(
        self, kinds: Sequence[str], fill: str | None = None, font_color: str | None = None
    ) -> list[Any]:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill

        cells = []
        for kind in kinds:
            c = WriteOnlyCell(self.ws)
            if kind in NUMBER_FORMATS:
                c.number_format = NUMBER_FORMATS[kind]
            if fill:
                c.fill = PatternFill("solid", fgColor=fill)
            if font_color:
                c.font = Font(color=font_color)
            cells.append(c)
        return cells


def _xlsx_value(value: Any, kind: str, zh: bool) -> Any:
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else value
    return value


def write_xlsx(
    fr: Frame,
    path: str | Path,
    headers: Headers = "key",
    info: ExportInfo | None = None,
) -> None:
    """A workbook for people: 数据, 问题 (findings), 字段 (columns), 说明 (filters, time, legend)."""
    from openpyxl import Workbook

    info = info or ExportInfo()
    if len(fr.rows) + 1 > XLSX_MAX_ROWS:
        raise InputError(
            f"共 {len(fr.rows)} 行，超过 Excel 每张工作表 {XLSX_MAX_ROWS - 1} 行的上限；"
            "请改用 --shape wide，或导出为 csv/parquet。"
        )
    wb = Workbook(write_only=True)
    stamp = info.generated_at.replace(tzinfo=None)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = info.generator
    wb.properties.title = "政府信息公开工作年度报告数据"
    zh = headers == "zh"
    _data_sheet(wb, fr, headers, zh)
    _findings_sheet(wb, fr, zh)
    _fields_sheet(wb, fr, headers)
    _notes_sheet(wb, fr, headers, info)
    wb.save(str(path))


_KIND_KEYS = {v: k for k, v in KIND_NAMES_ZH.items()}


def _kind_key(kind: Any) -> Any:
    """``计数`` → ``count`` (the long shape's kind column in a ``zh`` export)."""
    return _KIND_KEYS.get(kind, kind)


def _data_sheet(wb: Any, fr: Frame, headers: Headers, zh: bool) -> None:
    sheet = _Sheet(wb, "数据")
    names = fr.headers(headers)
    kinds = [c.kind for c in fr.columns]
    status_col = next((i for i, c in enumerate(fr.columns) if c.key == "status"), None)
    errors_col = next((i for i, c in enumerate(fr.columns) if c.key == "errors"), None)
    rows: list[list[Any]] = []
    for row in fr.rows:
        values = [_xlsx_value(v, k, zh) for v, k in zip(row, kinds, strict=True)]
        if zh and status_col is not None:
            values[status_col] = STATUS_NAMES.get(values[status_col], values[status_col])
        rows.append(values)
    frozen = WIDE_FROZEN_COLUMNS if fr.shape == "wide" else LONG_FROZEN_COLUMNS
    sheet.setup(names, kinds, rows, frozen_columns=frozen, wrap=HEADER_WRAP[headers])
    sheet.header(names)
    plain = sheet.templates(kinds)
    corrected = sheet.templates(kinds, CORRECTED_FILL)
    unknown = sheet.templates(kinds, UNKNOWN_FILL)
    red = sheet.templates(kinds, font_color="C00000")
    styled = frozenset(j for j, k in enumerate(kinds) if k in NUMBER_FORMATS and k != "int")
    # long shape: the value column holds counts and amounts; its format follows the row's kind
    value_col = next((i for i, c in enumerate(fr.columns) if c.key == "value"), None)
    kind_col = next((i for i, c in enumerate(fr.columns) if c.key == "kind"), None)
    by_kind = {
        k: (sheet.templates([k])[0], sheet.templates([k], CORRECTED_FILL)[0])
        for k in ("count", "signed", "amount")
    }
    own: dict[str, frozenset[int]] = {}  # edition → column indexes that edition has
    if fr.shape == "wide":
        for key in fr.editions:
            addresses = set(edition(key).addresses)
            own[key] = frozenset(i for i, c in enumerate(fr.columns) if c.address in addresses)
    for i, values in enumerate(rows):
        marked = set(fr.highlight[i]) if fr.highlight else set()
        edition_columns = own.get(fr.records[i].edition, frozenset()) if fr.shape == "wide" else frozenset()
        out: list[Any] = []
        for j, v in enumerate(values):
            if j == value_col and kind_col is not None and _kind_key(values[kind_col]) in by_kind:
                cell = by_kind[_kind_key(values[kind_col])][j in marked]
            elif j in marked:
                cell = corrected[j]
            elif v is None and j in edition_columns:
                cell = unknown[j]
            elif j == errors_col and v:
                cell = red[j]
            elif j in styled:
                cell = plain[j]
            else:  # no style: the value itself is cheaper to write than a cell
                out.append(v)
                continue
            cell.value = v
            out.append(cell)
        sheet.ws.append(xlsx_row(sheet.ws, out))  # text that looks like a formula stays text


FINDING_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("report_id", "报告编号", "int"),
    ("agency", "机关", "str"),
    ("region", "地区", "str"),
    ("year", "年度", "int"),
    ("severity", "级别", "str"),
    ("rule", "规则", "str"),
    ("cells", "单元格", "str"),
    ("message", "说明", "str"),
)


def _findings_sheet(wb: Any, fr: Frame, zh: bool) -> None:
    sheet = _Sheet(wb, "问题")
    names = [zh_name if zh else key for key, zh_name, _ in FINDING_COLUMNS]
    kinds = [k for _, _, k in FINDING_COLUMNS]
    rows: list[list[Any]] = []
    severities: list[str] = []
    raw = finding_rows(fr.records)
    shown = finding_rows(fr.records, "zh") if zh else raw
    for f, k in zip(shown, raw, strict=True):
        severities.append(k["severity"])
        f = f | {"cells": "、".join(f["cells"]), "severity": SEVERITY_NAMES.get(k["severity"], k["severity"])}
        rows.append([f[key] for key, _, _ in FINDING_COLUMNS])
    sheet.setup(names, kinds, rows, frozen_columns=4, wrap=HEADER_WRAP["zh"], fixed_widths={6: 48.0, 7: 80.0})
    sheet.header(names)
    plain = sheet.templates(kinds)
    error = sheet.templates(kinds, ERROR_FILL, "C00000")
    for values, sev in zip(rows, severities, strict=True):
        templates = error if sev == "error" else plain
        out = []
        for cell, v in zip(templates, values, strict=True):
            cell.value = v
            out.append(cell)
        sheet.ws.append(xlsx_row(sheet.ws, out))


def _fields_sheet(wb: Any, fr: Frame, headers: Headers) -> None:
    from openpyxl.utils import get_column_letter

    sheet = _Sheet(wb, "字段")
    zh = headers == "zh"  # no English code in the file: the 字段 (key) column is left out
    names = (
        ["列", "列名", "中文名称", "类型", "适用版本"]
        if zh
        else ["列", "列名", "字段", "中文名称", "类型", "适用版本"]
    )
    rows = []
    for i, c in enumerate(fr.columns, start=1):
        if c.address:
            eds = [k for k in fr.editions if c.address in edition(k).addresses]
            applies = "、".join(f"{k} 版" for k in eds)
        else:
            applies = "全部"
        row = [get_column_letter(i), c.header(headers), c.key, c.zh, KIND_NAMES.get(c.kind, c.kind), applies]
        rows.append([v for j, v in enumerate(row) if not (zh and j == 2)])
    kinds = ["str"] * len(names)
    sheet.setup(names, kinds, rows, frozen_columns=2, wrap=HEADER_WRAP["zh"])
    sheet.header(names)
    for r in rows:
        sheet.ws.append(xlsx_row(sheet.ws, r))


def _notes_sheet(wb: Any, fr: Frame, headers: Headers, info: ExportInfo) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet("说明")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 100
    findings = finding_rows(fr.records)
    lines: list[tuple[str, str]] = [
        ("生成时间", time_text(info.generated_at)),
        ("生成工具", info.generator),
        ("筛选条件", info.filters_text()),
        ("报告数", str(len({r.report_id for r in fr.records}))),
        ("数据行数", str(len(fr.rows))),
        ("表格形状", SHAPE_NAMES[fr.shape]),
        ("表头", "中文名称" if headers == "zh" else "单元格地址（table.row.column，见 shared/spec/keys.md）"),
        ("表格版本", "、".join(f"{k} 版（{edition(k).document}）" for k in fr.editions) or "—"),
        ("排序", "按地区、机关、年度"),
        ("问题", f"共 {len(findings)} 条，见“问题”工作表"),
        ("", ""),
        ("图例", ""),
        ("黄色底纹", "经人工更正的单元格（数值为更正后的值）"),
    ]
    if fr.shape == "wide":
        lines += [
            ("灰色底纹", "该报告有此单元格，但数值未知（原文缺失或读法存疑）"),
            ("空白", "该报告所用版本的表格没有此单元格"),
        ]
    else:
        lines += [("空白数值", "数值未知（原文缺失或读法存疑），见“状态”列")]
    lines += [
        ("数值", "计数为整数；金额为小数（万元，2019 版政府集中采购金额按原文单位）"),
        ("精确值", "Excel 以双精度保存数字；需要精确的金额请导出 csv、json 或 parquet"),
    ]
    title = WriteOnlyCell(ws, value="政府信息公开工作年度报告数据导出")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([])
    fills = {"黄色底纹": CORRECTED_FILL, "灰色底纹": UNKNOWN_FILL}
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for k, v in lines:
        a = WriteOnlyCell(ws, value=k or None)
        a.font = bold
        if k in fills:
            a.fill = PatternFill("solid", fgColor=fills[k])
        b = WriteOnlyCell(ws, value=v or None)
        b.alignment = wrap
        ws.append(xlsx_row(ws, [a, b]))  # the filters hold what the user typed


# --- entry point ---------------------------------------------------------------------------


def export_records(
    records: Iterable[ReportRecord],
    out: str | Path,
    fmt: Format,
    *,
    shape: Shape = "wide",
    headers: Headers = "key",
    info: ExportInfo | None = None,
    stdout: Callable[[], IO[str]] | None = None,
) -> Frame:
    """Build the frame and write it; ``out`` ``-`` writes CSV or JSON to standard output."""
    from gongkai.analyse import columnar

    records = list(records)
    arrays = None
    if fmt == "parquet" and shape == "wide" and str(out) != STDOUT and columnar.applies(records):
        arrays, fr = columnar.wide_table(records, headers, _arrow_type)  # type: ignore[arg-type]  # stored figures: no rows
    else:
        fr = frame(records, shape, headers)
    info = info or ExportInfo()
    if str(out) == STDOUT:
        if fmt not in ("csv", "json"):
            raise InputError(f"{fmt} 是二进制格式，不能写到标准输出；请用 -o 指定文件。")
        stream = stdout() if stdout else sys.stdout
        if fmt == "csv":
            write_csv(fr, stream, headers)
        else:
            write_json(fr, stream, headers, info)
        stream.flush()
        return fr
    path = Path(out)
    if path.is_dir():
        raise InputError(f"{path} 是目录；请给出文件名。")
    if not path.parent.exists():
        raise InputError(f"目录 {path.parent} 不存在。")
    tmp = path.with_name(path.name + ".part")
    try:
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
                write_csv(fr, f, headers)
        elif fmt == "json":
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                write_json(fr, f, headers, info)
        elif fmt == "parquet":
            write_parquet(fr, tmp, headers, info, arrays)
        elif fmt == "xlsx":
            write_xlsx(fr, tmp, headers, info)
        else:  # pragma: no cover - typer restricts the choice
            raise InputError(f"不支持的格式：{fmt}")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return fr


def csv_text(fr: Frame, headers: Headers = "key") -> str:
    buf = io.StringIO()
    write_csv(fr, buf, headers)
    return buf.getvalue()
