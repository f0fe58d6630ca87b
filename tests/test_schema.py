"""The JSON Schema of parse --json: generated from the keys, strict about every cell."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from gongkai.model.keys import edition
from gongkai.model.report import Report
from gongkai.schema import build, load_schema, schema_text

Doc = dict[str, Any]


def test_committed_schema_is_generated() -> None:
    assert schema_text() == build.render(), "run: python -m gongkai.schema.build"
    assert build.main(["--check"]) == 0


def test_schema_is_valid_draft_2020_12() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("edition_key", ["2021", "2019"])
def test_every_address_of_the_edition_is_required(edition_key: str) -> None:
    schema = load_schema()
    tables = schema["$defs"][f"tables_{edition_key}"]
    required = set()
    for t, tdef in tables["properties"].items():
        for r, rdef in tdef["properties"].items():
            row = schema["$defs"][rdef["$ref"].rsplit("/", 1)[1]]
            assert set(row["required"]) == set(row["properties"])
            assert set(tdef["required"]) == set(tdef["properties"])
            required |= {f"{t}.{r}.{c}" for c in row["required"]}
    assert required == set(edition(edition_key).addresses)


def _doc(make_report: Callable[..., Report], edition_key: str = "2021") -> Doc:
    return make_report(edition_key).to_json_dict()


@pytest.mark.parametrize("edition_key", ["2021", "2019"])
def test_fake_reports_are_valid(
    make_report: Callable[..., Report], validator: jsonschema.Draft202012Validator, edition_key: str
) -> None:
    validator.validate(_doc(make_report, edition_key))


def _ambiguous(doc: Doc) -> None:
    doc["tables"]["requests"]["granted"]["total"] = {
        "value": None,
        "status": "ambiguous",
        "raw": "1 3",
        "at": {"line": 40},
        "candidates": [13, 4],
    }


def _missing(doc: Doc) -> None:
    doc["tables"]["appeals"]["reconsideration"]["pending"] = {
        "value": None,
        "status": "missing",
        "raw": "",
        "at": None,
    }


def _inferred_blank(doc: Doc) -> None:
    doc["tables"]["requests"]["granted"]["natural_person"].update(status="inferred", raw="/")


def _amount(doc: Doc) -> None:
    doc["tables"]["active_disclosure"]["fees"]["amount"]["value"] = "539.1600"


def _pdf_at(doc: Doc) -> None:
    doc["tables"]["requests"]["new_received"]["total"]["at"] = {"page": 3, "bbox": [10.5, 20, 30, 40.25]}


def _html_at(doc: Doc) -> None:
    doc["tables"]["requests"]["new_received"]["total"]["at"] = {"table": 1, "row": 3, "col": 7}


def _findings(doc: Doc) -> None:
    doc["findings"] = [
        {
            "rule": "requests.balance",
            "severity": "error",
            "cells": ["requests.new_received.total"],
            "message": "不平衡",
        },
        {
            "rule": "prose.mismatch",
            "severity": "warning",
            "cells": [],
            "message": "正文与表格不一致",
            "at": {"line": 5},
        },
        {"rule": "cell.inferred", "severity": "info", "cells": ["requests.granted.total"], "message": "推断"},
    ]


def _meta_nulls(doc: Doc) -> None:
    doc["meta"].update(title=None, agency=None, region=None, year=None)
    doc["sections"]["problems"] = None


VALID_EDITS = [_ambiguous, _missing, _inferred_blank, _amount, _pdf_at, _html_at, _findings, _meta_nulls]


@pytest.mark.parametrize("edit", VALID_EDITS, ids=lambda f: f.__name__.strip("_"))
def test_valid_variants(
    make_report: Callable[..., Report],
    validator: jsonschema.Draft202012Validator,
    edit: Callable[[Doc], None],
) -> None:
    doc = _doc(make_report)
    edit(doc)
    validator.validate(doc)


def test_2019_signed_change_may_be_negative(
    make_report: Callable[..., Report], validator: jsonschema.Draft202012Validator
) -> None:
    doc = _doc(make_report, "2019")
    doc["tables"]["active_disclosure"]["licensing"]["items_change"]["value"] = -3
    doc["tables"]["active_disclosure"]["procurement"]["amount"]["value"] = "12.5"
    validator.validate(doc)


def _cell(doc: Doc, address: str = "requests.granted.total") -> Doc:
    t, r, c = address.split(".")
    return doc["tables"][t][r][c]


INVALID: dict[str, Callable[[Doc], object]] = {
    "missing cell": lambda d: d["tables"]["requests"]["granted"].pop("total"),
    "missing row": lambda d: d["tables"]["requests"].pop("carried_forward"),
    "missing table": lambda d: d["tables"].pop("appeals"),
    "unknown cell": lambda d: d["tables"]["requests"]["granted"].update(extra=copy.deepcopy(_cell(d))),
    "2019 row in 2021": lambda d: d["tables"]["requests"].update(
        other_handling=copy.deepcopy(d["tables"]["requests"]["granted"])
    ),
    "tables of the other edition": lambda d: d["meta"].update(edition="2019"),
    "wrong status": lambda d: _cell(d).update(status="guessed"),
    "float amount": lambda d: _cell(d, "active_disclosure.fees.amount").update(value=539.16),
    "integer amount": lambda d: _cell(d, "active_disclosure.fees.amount").update(value=539),
    "amount with exponent": lambda d: _cell(d, "active_disclosure.fees.amount").update(value="5E+2"),
    "float count": lambda d: _cell(d).update(value=1.5),
    "string count": lambda d: _cell(d).update(value="15"),
    "negative count": lambda d: _cell(d).update(value=-1),
    "boolean count": lambda d: _cell(d).update(value=True),
    "read without value": lambda d: _cell(d).update(value=None),
    "missing with value": lambda d: _cell(d).update(status="missing"),
    "ambiguous with value": lambda d: _cell(d).update(status="ambiguous", candidates=[1, 2]),
    "ambiguous without candidates": lambda d: _cell(d).update(status="ambiguous", value=None),
    "ambiguous with one candidate": lambda d: _cell(d).update(status="ambiguous", value=None, candidates=[1]),
    "candidates on a read cell": lambda d: _cell(d).update(candidates=[0, 1]),
    "cell without raw": lambda d: _cell(d).pop("raw"),
    "cell with extra field": lambda d: _cell(d).update(note="x"),
    "at with line and page": lambda d: _cell(d).update(at={"line": 1, "page": 1}),
    "at line zero": lambda d: _cell(d).update(at={"line": 0}),
    "bbox of three": lambda d: _cell(d).update(at={"page": 1, "bbox": [1, 2, 3]}),
    "wrong schema id": lambda d: d.update(schema="gongkai.report/2"),
    "unknown edition": lambda d: d["meta"].update(edition="2020"),
    "year as string": lambda d: d["meta"].update(year="2023"),
    "missing section key": lambda d: d["sections"].pop("overview"),
    "unknown section key": lambda d: d["sections"].update(preface="…"),
    "bad sha256": lambda d: d["source"].update(sha256="xyz"),
    "no findings key": lambda d: d.pop("findings"),
    "bad severity": lambda d: d["findings"].append(
        {"rule": "a.b", "severity": "fatal", "cells": [], "message": "x"}
    ),
    "unknown address in finding": lambda d: d["findings"].append(
        {"rule": "a.b", "severity": "error", "cells": ["requests.nothing.total"], "message": "x"}
    ),
    "2019 address in a 2021 finding": lambda d: d["findings"].append(
        {"rule": "a.b", "severity": "error", "cells": ["requests.other_handling.total"], "message": "x"}
    ),
    "empty message": lambda d: d["findings"].append(
        {"rule": "a.b", "severity": "info", "cells": [], "message": ""}
    ),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_documents_fail(
    make_report: Callable[..., Report], validator: jsonschema.Draft202012Validator, name: str
) -> None:
    doc = _doc(make_report)
    INVALID[name](doc)
    assert not validator.is_valid(doc), name
