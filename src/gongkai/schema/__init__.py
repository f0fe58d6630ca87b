"""The JSON Schema of ``parse --json`` (../shared/spec/output.md).

``report.schema.json`` is generated from :mod:`gongkai.model.keys` by ``python -m gongkai.schema.build``
and committed; a test checks that the committed file equals a fresh build.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_FILE = "report.schema.json"


def schema_text() -> str:
    """The committed schema file, as text."""
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def _load() -> str:
    return schema_text()


def load_schema() -> dict[str, Any]:
    """The schema as a dict (a fresh copy each call)."""
    return json.loads(_load())


__all__ = ["SCHEMA_FILE", "load_schema", "schema_text"]
