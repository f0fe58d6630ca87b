"""The canonical report model: the JSON of ../shared/spec/output.md as pydantic models."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from gongkai.model.keys import SECTION_KEYS, edition

SCHEMA_ID = "gongkai.report/1"


class Status(StrEnum):
    READ = "read"
    INFERRED = "inferred"
    AMBIGUOUS = "ambiguous"
    MISSING = "missing"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Amounts are decimals and travel as strings ("539.16"); counts are plain integers.
Number = (
    int | Annotated[Decimal, PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json")]
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class TextAt(_Strict):
    line: int


class PdfAt(_Strict):
    page: int
    bbox: tuple[float, float, float, float]


class TableAt(_Strict):
    table: int
    row: int
    col: int


class ImageAt(_Strict):
    """A cell read by OCR: 1-based page, box in the page image's pixels, recognition score."""

    page: int
    bbox: tuple[float, float, float, float]
    score: float


At = TextAt | PdfAt | TableAt | ImageAt


_KNOWN = (Status.READ, Status.INFERRED)  # the statuses of a cell whose value is stated


class Cell(_Strict):
    value: Number | None = None
    status: Status = Status.MISSING
    raw: str = ""
    at: At | None = None
    candidates: list[Number] | None = None

    @property
    def known(self) -> bool:
        return self.status in _KNOWN


class Source(_Strict):
    name: str
    sha256: str
    format: str


class Meta(_Strict):
    title: str | None = None
    agency: str | None = None
    region: str | None = None
    year: int | None = None
    edition: Literal["2021", "2019"] = "2021"


class Finding(_Strict):
    rule: str
    severity: Severity
    cells: list[str] = Field(default_factory=list)
    message: str
    at: At | None = None


Tables = dict[str, dict[str, dict[str, Cell]]]

PREAMBLE = "preamble"
"""``sections[PREAMBLE]``: the introduction printed before 一、总体情况 (引言: the basis of the
report, its period, where to download it, whom to ask), or None; readers always give it, older
JSON may lack it."""


class Report(BaseModel):
    """One parsed report. ``tables[table][row][column]`` holds every cell of its edition."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Literal["gongkai.report/1"] = Field(default="gongkai.report/1", alias="schema")  # SCHEMA_ID
    source: Source
    meta: Meta
    sections: dict[str, str | None] = Field(default_factory=lambda: dict.fromkeys(SECTION_KEYS))
    tables: Tables
    findings: list[Finding] = Field(default_factory=list)

    # -- access -----------------------------------------------------------------------------
    def cell(self, address: str) -> Cell:
        t, r, c = address.split(".")
        return self.tables[t][r][c]

    def cells(self) -> Iterator[tuple[str, Cell]]:
        for t, rows in self.tables.items():
            for r, cols in rows.items():
                for c, cell in cols.items():
                    yield f"{t}.{r}.{c}", cell

    def values(self) -> dict[str, Any]:
        """Address → value for cells that are read or inferred."""
        known = _KNOWN
        return {
            f"{t}.{r}.{c}": cell.value
            for t, rows in self.tables.items()
            for r, cols in rows.items()
            for c, cell in cols.items()
            if cell.status in known
        }

    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", by_alias=True)
        for rows in data["tables"].values():
            for cols in rows.values():
                for cell in cols.values():
                    if cell.get("candidates") is None:
                        cell.pop("candidates", None)
        for f in data["findings"]:
            if f.get("at") is None:
                f.pop("at", None)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_json_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> Report:
        report = cls.model_validate(data)
        for _, cell in report.cells():  # amounts arrive as strings: keep them decimal
            if isinstance(cell.value, str):
                cell.value = Decimal(cell.value)
        return report


def trusted(cls: type[_M], fields: dict[str, Any]) -> _M:
    """Build a model from values the caller has already validated (the readers' hot path).

    Like ``model_construct`` with every field given, at a third of its cost; ``fields`` must
    name every field of ``cls``.
    """
    obj = _new(cls)
    _set_dict(obj, fields)
    _set_fields_set(obj, _FIELD_SETS[cls])
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


_M = TypeVar("_M", bound=BaseModel)
# the setters of BaseModel's slots, called directly: what ``object.__setattr__`` would call
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_FIELD_SETS: dict[type, set[str]] = {m: set(m.model_fields) for m in (Cell, TextAt, PdfAt, TableAt, ImageAt)}


def empty_tables(edition_key: str) -> Tables:
    """Every cell of an edition, all missing."""
    ed = edition(edition_key)
    return {t.key: {r.key: {c.key: Cell() for c in r.columns} for r in t.rows} for t in ed.tables}
