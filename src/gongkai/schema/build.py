"""Generate ``report.schema.json`` from the keys: ``python -m gongkai.schema.build [--check]``.

The schema follows ../shared/spec/output.md exactly: every key of the report's edition is
required (chosen with ``if``/``then`` on ``meta.edition``), cells have the shape of their column's
kind (count, signed count, decimal amount), ``candidates`` only with ``ambiguous``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gongkai.model.keys import EDITIONS, SECTIONS, Column, Edition, edition
from gongkai.model.report import PREAMBLE, SCHEMA_ID, Severity, Status

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_URI = "https://gongkai.invalid/schema/report.schema.json"
AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
RULE_PATTERN = r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$"

VALUE_DEFS: dict[str, dict[str, Any]] = {
    "count": {"type": "integer", "minimum": 0, "description": "件数：非负整数"},
    "signed": {"type": "integer", "description": "增减数：整数，可为负"},
    "amount": {
        "type": "string",
        "pattern": AMOUNT_PATTERN,
        "description": '金额：十进制数字字符串（如 "539.16"），不用浮点数',
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _cell(kind: str) -> dict[str, Any]:
    value = _ref(f"value_{kind}")
    return {
        "type": "object",
        "description": "一个单元格：值、状态、原文和位置",
        "required": ["value", "status", "raw", "at"],
        "additionalProperties": False,
        "properties": {
            "value": {"anyOf": [value, {"type": "null"}]},
            "status": _ref("status"),
            "raw": {"type": "string", "description": '原文中印出的文字，如 "15"、"/"、""'},
            "at": {"anyOf": [_ref("at"), {"type": "null"}]},
            "candidates": {"type": "array", "items": value, "minItems": 2, "uniqueItems": True},
        },
        "allOf": [
            {
                "if": {"properties": {"status": {"enum": [Status.READ.value, Status.INFERRED.value]}}},
                "then": {"properties": {"value": value}, "not": {"required": ["candidates"]}},
            },
            {
                "if": {"properties": {"status": {"const": Status.AMBIGUOUS.value}}},
                "then": {"properties": {"value": {"type": "null"}}, "required": ["candidates"]},
            },
            {
                "if": {"properties": {"status": {"const": Status.MISSING.value}}},
                "then": {"properties": {"value": {"type": "null"}}, "not": {"required": ["candidates"]}},
            },
        ],
    }


def _column(col: Column) -> dict[str, Any]:
    return {"description": col.label, **_ref(f"cell_{col.kind}")}


def _row_shape(columns: tuple[Column, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [c.key for c in columns],
        "additionalProperties": False,
        "properties": {c.key: _column(c) for c in columns},
    }


def _row_defs() -> dict[str, Any]:
    """One definition per distinct set of columns.

    ``row_requests`` and ``row_appeals`` (every row alike in both editions), and for tables whose
    rows differ ``row_<table>_<edition>_<first row with these columns>``.
    """
    shapes: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for key in EDITIONS:
        for t in edition(key).tables:
            for r in t.rows:
                shapes.setdefault(t.key, []).append((key, r.key, _row_shape(r.columns)))
    defs: dict[str, Any] = {}
    for table, rows in shapes.items():
        if all(shape == rows[0][2] for _, _, shape in rows):
            defs[f"row_{table}"] = rows[0][2]
            continue
        for ed, row, shape in rows:
            if shape not in defs.values():
                defs[f"row_{table}_{ed}_{row}"] = shape
    return defs


def _tables(ed: Edition, row_defs: dict[str, Any]) -> dict[str, Any]:
    def row_ref(columns: tuple[Column, ...]) -> dict[str, str]:
        shape = _row_shape(columns)
        return _ref(next(name for name, d in row_defs.items() if d == shape))

    tables: dict[str, Any] = {}
    for t in ed.tables:
        tables[t.key] = {
            "type": "object",
            "description": t.title,
            "required": list(t.row_keys),
            "additionalProperties": False,
            "properties": {
                r.key: {"description": f"{r.group} {r.label}".strip(), **row_ref(r.columns)} for r in t.rows
            },
        }
    return {
        "type": "object",
        "description": f"{ed.key} 版表格（{ed.document}）：每个单元格都在",
        "required": [t.key for t in ed.tables],
        "additionalProperties": False,
        "properties": tables,
    }


def _edition_rule(key: str) -> dict[str, Any]:
    return {
        "if": {
            "required": ["meta"],
            "properties": {"meta": {"required": ["edition"], "properties": {"edition": {"const": key}}}},
        },
        "then": {
            "properties": {
                "tables": _ref(f"tables_{key}"),
                "findings": {"items": {"properties": {"cells": {"items": _ref(f"address_{key}")}}}},
            }
        },
    }


def _at() -> dict[str, Any]:
    def obj(props: dict[str, Any], description: str) -> dict[str, Any]:
        return {
            "type": "object",
            "description": description,
            "required": list(props),
            "additionalProperties": False,
            "properties": props,
        }

    index = {"type": "integer", "minimum": 0}
    return {
        "oneOf": [
            obj({"line": {"type": "integer", "minimum": 1}}, "文本：行号（从 1 起）"),
            obj(
                {
                    "page": {"type": "integer", "minimum": 1},
                    "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
                },
                "PDF：页码（从 1 起）和位置框 [x0, y0, x1, y1]",
            ),
            obj({"table": index, "row": index, "col": index}, "HTML/DOCX 表格：表、行、列序号"),
            obj(
                {
                    "page": {"type": "integer", "minimum": 1},
                    "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
                    "score": {"type": "number", "minimum": 0, "maximum": 1},
                },
                "扫描件和图片（OCR）：页码（从 1 起）、页面图像中的位置框 [x0, y0, x1, y1]（像素）和识别置信度",
            ),
        ]
    }


def build_schema() -> dict[str, Any]:
    """The schema as a dict; deterministic for a given :mod:`gongkai.model.keys`."""
    nullable_str = {"type": ["string", "null"]}
    defs: dict[str, Any] = {
        "status": {
            "enum": [s.value for s in Status],
            "description": "read 读出；inferred 推断（由勾稽关系推出）；ambiguous 存疑；missing 缺失",
        },
        **{f"value_{k}": v for k, v in VALUE_DEFS.items()},
        **{f"cell_{k}": _cell(k) for k in VALUE_DEFS},
        "at": _at(),
        "finding": {
            "type": "object",
            "required": ["rule", "severity", "cells", "message"],
            "additionalProperties": False,
            "properties": {
                "rule": {
                    "type": "string",
                    "pattern": RULE_PATTERN,
                    "description": "规则编号，见 docs/rules.md",
                },
                "severity": {"enum": [s.value for s in Severity]},
                "cells": {"type": "array", "items": {"type": "string"}},
                "message": {"type": "string", "minLength": 1},
                "at": _ref("at"),
            },
        },
    }
    row_defs = _row_defs()
    defs.update(row_defs)
    for key in EDITIONS:
        ed = edition(key)
        defs[f"tables_{key}"] = _tables(ed, row_defs)
        defs[f"address_{key}"] = {"enum": list(ed.addresses)}
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_URI,
        "title": SCHEMA_ID,
        "description": "gongkai parse --json 输出的一份政府信息公开工作年度报告（见 shared/spec/output.md）",
        "type": "object",
        "required": ["schema", "source", "meta", "sections", "tables", "findings"],
        "additionalProperties": False,
        "properties": {
            "schema": {"const": SCHEMA_ID},
            "source": {
                "type": "object",
                "required": ["name", "sha256", "format"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "format": {"type": "string", "minLength": 1},
                },
            },
            "meta": {
                "type": "object",
                "required": ["title", "agency", "region", "year", "edition"],
                "additionalProperties": False,
                "properties": {
                    "title": nullable_str,
                    "agency": nullable_str,
                    "region": nullable_str,
                    "year": {"type": ["integer", "null"], "minimum": 2008, "maximum": 2100},
                    "edition": {"enum": list(EDITIONS)},
                },
            },
            "sections": {
                "type": "object",
                "required": [s.key for s in SECTIONS],
                "additionalProperties": False,
                "properties": {
                    PREAMBLE: {**nullable_str, "description": "引言（一、总体情况之前的文字）"},
                    **{s.key: {**nullable_str, "description": s.heading} for s in SECTIONS},
                },
            },
            "tables": {"type": "object"},
            "findings": {"type": "array", "items": _ref("finding")},
        },
        "allOf": [_edition_rule(key) for key in EDITIONS],
        "$defs": defs,
    }


def render() -> str:
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != text:
            print(f"{SCHEMA_PATH} 已过期：请运行 python -m gongkai.schema.build", file=sys.stderr)
            return 1
        return 0
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
