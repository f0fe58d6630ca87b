"""Real published reports (../shared/corpus/real, ../shared/corpus/peer and the seeds) against
their hand-checked truth.

A cell the reader states (``read`` or ``inferred``) must equal the truth; a cell the truth marks
``null`` (the file does not determine it) must not be stated; a cell the truth does not list (not in
the file) must not be ``read``. Coverage (cells stated among the cells the truth determines) must
not fall below the floor each file reaches today: raise the floors as the reader improves.
Skipped when ../shared is absent.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gongkai.api import parse_path

pytestmark = pytest.mark.shared

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# File name → cells stated today (of the cells its truth determines). The lead raises these.
FLOORS: dict[str, int] = {
    "huaian-gov-2024-pdftext.txt": 91,  # of 94: a partial page-4 dump
    "shuyang-fgj-2023-pagehtml.html": 200,  # of 200: a crawled Word-pasted web page, read by its headers
    "govnianbao-huaian-2024.pdf": 200,
    "kgc-hongze-2023.pdf": 200,
    "kgc-hongze-2024.pdf": 200,
}
SEED_FLOOR = 200  # every seed: all 200 cells


def real_files(shared: Path) -> list[Path]:
    corpus = shared / "corpus"
    files = [p for sub in ("real", "peer") for p in sorted((corpus / sub).glob("*")) if p.is_file()]
    return files + sorted((shared / "seeds").glob("*.txt"))


def truth_path(shared: Path, file: Path) -> Path:
    if file.parent.name == "seeds":
        return shared / "seeds" / "truth" / f"{file.stem}.json"
    return shared / "corpus" / "truth" / f"{file.stem}.json"


FILES = [p.name for p in real_files(SHARED)] if (SHARED / "seeds").is_dir() else []


def _same(got: Any, want: Any) -> bool:
    if want is None or got is None or isinstance(got, bool):
        return False
    return Decimal(str(got)) == Decimal(str(want))


def compare(doc: dict[str, Any], truth: dict[str, Any]) -> tuple[int, list[tuple[str, Any, Any, str]]]:
    """(cells stated among those the truth determines, wrong cells as (key, truth, stated, status))."""
    stated, wrong = 0, []
    for table, rows in doc["tables"].items():
        for row, cols in rows.items():
            for col, cell in cols.items():
                key = f"{table}.{row}.{col}"
                status = cell["status"]
                if status not in ("read", "inferred"):
                    continue
                if key not in truth:
                    if status == "read":  # nothing in the file ties a number to this cell
                        wrong.append((key, "<absent>", cell["value"], status))
                    continue
                want = truth[key]
                if want is None or not _same(cell["value"], want):
                    wrong.append((key, want, cell["value"], status))
                else:
                    stated += 1
    return stated, wrong


@pytest.fixture(scope="module")
def parsed(shared_dir: Path) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """File name → (its parsed JSON, its truth cells)."""
    out = {}
    for f in real_files(shared_dir):
        truth = json.loads(truth_path(shared_dir, f).read_text(encoding="utf-8"))["cells"]
        out[f.name] = (parse_path(f).to_json_dict(), truth)
    return out


def test_every_real_file_has_truth(shared_dir: Path) -> None:
    files = real_files(shared_dir)
    assert len(files) >= 10
    for f in files:
        assert truth_path(shared_dir, f).is_file(), f.name
        if f.parent.name != "seeds":
            assert f.name in FLOORS, f"{f.name}: add a coverage floor"


@pytest.mark.parametrize("name", FILES)
def test_no_wrong_cell(parsed: dict[str, tuple[dict[str, Any], dict[str, Any]]], name: str) -> None:
    doc, truth = parsed[name]
    _, wrong = compare(doc, truth)
    assert not wrong, f"{name}: {len(wrong)} cells stated wrongly (key, truth, stated, status): {wrong[:20]}"


@pytest.mark.parametrize("name", FILES)
def test_coverage_floor(parsed: dict[str, tuple[dict[str, Any], dict[str, Any]]], name: str) -> None:
    doc, truth = parsed[name]
    stated, _ = compare(doc, truth)
    determined = sum(v is not None for v in truth.values())
    floor = FLOORS.get(name, SEED_FLOOR)
    assert floor <= determined
    assert stated >= floor, f"{name}: {stated} of {determined} cells stated, floor {floor}"


def test_compare_counts_wrong_and_unstated() -> None:
    """The comparison itself: a wrong value, a value for a null cell and a ``read`` cell absent
    from the truth are wrong; ``missing`` and ``ambiguous`` cells are merely unstated."""
    doc = {
        "tables": {
            "t": {
                "r": {
                    "a": {"status": "read", "value": 1},
                    "b": {"status": "inferred", "value": 2},
                    "c": {"status": "read", "value": 3},
                    "d": {"status": "missing", "value": None},
                    "e": {"status": "ambiguous", "value": None},
                    "f": {"status": "read", "value": 0},
                    "g": {"status": "inferred", "value": "1.50"},
                    "h": {"status": "inferred", "value": 0},
                }
            }
        }
    }
    truth = {"t.r.a": 1, "t.r.b": 3, "t.r.c": None, "t.r.d": 4, "t.r.e": 5, "t.r.g": "1.5"}
    stated, wrong = compare(doc, truth)
    assert stated == 2  # a and g
    assert sorted(w[0] for w in wrong) == ["t.r.b", "t.r.c", "t.r.f"]
