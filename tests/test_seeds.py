"""The real reports in ../shared/seeds against their hand-read truth.

Every cell must equal the truth and be ``read`` or ``inferred``; meta must match; the JSON must
validate; and the defects of the published documents must be reported as findings.
Skipped when ../shared is absent.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from gongkai.api import parse_path
from gongkai.cli.main import app

pytestmark = pytest.mark.shared

# Collected at import so that every seed is its own test; none (and a clean skip) without ../shared.
SEED_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
SEEDS = sorted(p.stem for p in SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []


def seed_names(shared_dir: Path) -> list[str]:
    return sorted(p.stem for p in (shared_dir / "seeds").glob("*.txt"))


def seed(parsed: dict[str, dict[str, Any]], prefix: str) -> dict[str, Any]:
    """The parsed seed whose name starts with ``prefix`` (``"000"``); skip when it is absent."""
    for name, doc in parsed.items():
        if name.startswith(prefix + "_"):
            return doc
    pytest.skip(f"seed {prefix} absent")


@pytest.fixture(scope="module")
def parsed(shared_dir: Path) -> dict[str, dict[str, Any]]:
    """Seed name → the JSON of its parsed report (as ``parse --json`` prints it)."""
    return {
        name: parse_path(shared_dir / "seeds" / f"{name}.txt").to_json_dict()
        for name in seed_names(shared_dir)
    }


def truth(shared_dir: Path, name: str) -> dict[str, Any]:
    return json.loads((shared_dir / "seeds" / "truth" / f"{name}.json").read_text(encoding="utf-8"))


def cell(doc: dict[str, Any], address: str) -> dict[str, Any]:
    t, r, c = address.split(".")
    return doc["tables"][t][r][c]


def findings(doc: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["rule"] == rule]


def test_every_seed_has_truth(shared_dir: Path) -> None:
    names = seed_names(shared_dir)
    assert names, "no seeds"
    for name in names:
        assert (shared_dir / "seeds" / "truth" / f"{name}.json").is_file(), name


@pytest.mark.parametrize("name", SEEDS)
def test_cells_equal_truth(shared_dir: Path, parsed: dict[str, dict[str, Any]], name: str) -> None:
    doc, expected = parsed[name], truth(shared_dir, name)
    wrong = []
    for address, want in expected["cells"].items():
        got = cell(doc, address)
        if got["status"] not in ("read", "inferred"):
            wrong.append((address, got["status"], got["value"], want))
        elif isinstance(want, str):  # an amount: a decimal string, compared as a decimal
            if not isinstance(got["value"], str) or Decimal(got["value"]) != Decimal(want):
                wrong.append((address, got["status"], got["value"], want))
        elif type(got["value"]) is not int or got["value"] != want:
            wrong.append((address, got["status"], got["value"], want))
    assert not wrong, f"{len(wrong)} cells wrong: {wrong[:10]}"
    addresses = {
        f"{t}.{r}.{c}" for t, rows in doc["tables"].items() for r, cols in rows.items() for c in cols
    }
    assert addresses == set(expected["cells"])


@pytest.mark.parametrize("name", SEEDS)
def test_meta_equals_truth(shared_dir: Path, parsed: dict[str, dict[str, Any]], name: str) -> None:
    meta, want = parsed[name]["meta"], truth(shared_dir, name)["meta"]
    assert (meta["agency"], meta["year"], meta["edition"]) == (want["agency"], want["year"], want["edition"])


@pytest.mark.parametrize("name", SEEDS)
def test_json_validates(
    parsed: dict[str, dict[str, Any]], validator: jsonschema.Draft202012Validator, name: str
) -> None:
    validator.validate(parsed[name])


def test_cli_json_lines_equal_parse_path(shared_dir: Path, parsed: dict[str, dict[str, Any]]) -> None:
    files = [str(shared_dir / "seeds" / f"{name}.txt") for name in parsed]
    result = CliRunner().invoke(app, ["parse", "--json", *files])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert docs == list(parsed.values())


# -- the published documents' defects -------------------------------------------------------


def inferred_cells(doc: dict[str, Any]) -> set[str]:
    return {
        f"{t}.{r}.{c}"
        for t, rows in doc["tables"].items()
        for r, cols in rows.items()
        for c, v in cols.items()
        if v["status"] == "inferred"
    }


@pytest.mark.parametrize("name", SEEDS)
def test_inferred_cells_are_reported(parsed: dict[str, dict[str, Any]], name: str) -> None:
    """Every inferred cell is named by a ``cell.inferred`` finding (severity info), and only those."""
    doc = parsed[name]
    reported = {a for f in findings(doc, "cell.inferred") for a in f["cells"]}
    assert reported == inferred_cells(doc)
    assert all(f["severity"] == "info" for f in findings(doc, "cell.inferred"))


@pytest.mark.parametrize("name", SEEDS)
def test_no_seed_has_errors(parsed: dict[str, dict[str, Any]], name: str) -> None:
    """All five published tables add up."""
    assert [f for f in parsed[name]["findings"] if f["severity"] == "error"] == []


REQUEST_COLUMNS = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_organization",
    "legal_service_institution",
    "other_organization",
    "total",
]


def test_000_blank_rows_are_inferred(parsed: dict[str, dict[str, Any]]) -> None:
    """000 prints （一）予以公开, （二）部分公开 and 1.属于国家秘密 with no numbers at all."""
    doc = seed(parsed, "000")
    for row in ("granted", "partially_granted", "withheld_state_secret"):
        for col in REQUEST_COLUMNS:
            c = cell(doc, f"requests.{row}.{col}")
            assert (c["status"], c["value"], c["raw"]) == ("inferred", 0, ""), (row, col)
    assert inferred_cells(doc) >= {f"requests.granted.{col}" for col in REQUEST_COLUMNS}


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("001", ["granted", "partially_granted", "withheld_state_secret", "withheld_internal_affairs"]),
        ("002", ["granted"]),
    ],
)
def test_rows_printed_with_one_number(parsed: dict[str, dict[str, Any]], name: str, rows: list[str]) -> None:
    """001 and 002 print some rows with a single 0 and six blanks: six cells of each are inferred."""
    doc = seed(parsed, name)
    for row in rows:
        statuses = [cell(doc, f"requests.{row}.{col}")["status"] for col in REQUEST_COLUMNS]
        assert statuses.count("inferred") >= 6, (row, statuses)
        assert all(cell(doc, f"requests.{row}.{col}")["value"] == 0 for col in REQUEST_COLUMNS)
    assert findings(doc, "cell.inferred")


def test_004_prints_six_numbers_for_seven_columns(parsed: dict[str, dict[str, Any]]) -> None:
    """004's outcome rows have six numbers for seven columns: at least one cell per row is not read."""
    doc = seed(parsed, "004")
    for row in ("granted", "withheld_enforcement_file", "unavailable_not_held", "other_reasons"):
        statuses = [cell(doc, f"requests.{row}.{col}")["status"] for col in REQUEST_COLUMNS]
        assert "inferred" in statuses, (row, statuses)
    assert findings(doc, "cell.inferred")


def test_003_is_complete(parsed: dict[str, dict[str, Any]]) -> None:
    """003 prints every cell (as a pipe table): all read, no inference, no findings about cells."""
    doc = seed(parsed, "003")
    assert inferred_cells(doc) == set()
    assert not findings(doc, "cell.inferred") and not findings(doc, "cell.blank")
    assert cell(doc, "appeals.litigation_direct.total")["value"] == 5
    assert cell(doc, "active_disclosure.fees.amount")["value"] == "539.16"
