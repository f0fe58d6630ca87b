"""Shared fixtures: ../shared (skipped when absent), the bundled sample, the JSON Schema."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from gongkai.model.keys import edition
from gongkai.model.report import Cell, Meta, Report, Source, Status, TextAt, empty_tables
from gongkai.schema import load_schema

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLE = "sample-2023.txt"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository; tests that need it are skipped when it is absent."""
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED} is absent")
    return SHARED


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """The sample report bundled with the package (the README's first command uses it)."""
    path = Path(str(resources.files("gongkai").joinpath("samples", SAMPLE)))
    assert path.is_file(), f"bundled sample missing: {path}"
    return path


@pytest.fixture(scope="session")
def validator() -> jsonschema.Draft202012Validator:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def fake_report(edition_key: str = "2021", value: int = 0) -> Report:
    """A report with every cell read as ``value`` (balanced only when ``value`` is 0)."""
    spec = edition(edition_key)
    tables = empty_tables(edition_key)
    for line, address in enumerate(spec.addresses, start=1):
        t, r, c = address.split(".")
        number: int | Decimal = Decimal(value) if spec.column(address).kind == "amount" else value
        tables[t][r][c] = Cell(value=number, status=Status.READ, raw=str(value), at=TextAt(line=line))
    return Report(
        source=Source(name="fake.txt", sha256=hashlib.sha256(b"fake").hexdigest(), format="text"),
        meta=Meta(
            title="某某局2023年政府信息公开工作年度报告", agency="某某局", year=2023, edition=edition_key
        ),
        tables=tables,
    )


@pytest.fixture
def make_report() -> Callable[..., Report]:
    """Build a small fake :class:`Report` (every cell read) without the reader."""
    return fake_report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly when the PostgreSQL tests did not run (they need GONGKAI_TEST_POSTGRES_URL)."""
    skipped = terminalreporter.stats.get("skipped", [])
    pg = sum(1 for rep in skipped if "GONGKAI_TEST_POSTGRES_URL" in str(getattr(rep, "longrepr", "")))
    if pg:
        terminalreporter.write_sep(
            "=", f"PostgreSQL: {pg} tests SKIPPED (set GONGKAI_TEST_POSTGRES_URL to run them)", yellow=True
        )
