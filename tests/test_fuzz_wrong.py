"""Fuzz the reader for wrong numbers, not only crashes.

Generated reports (every format) and real ones (../shared) are mutated with gongkai.synth.mutate:
digits changed, row values swapped, cells blanked (in the model, then written); rows merged, split,
swapped and numbers deleted (in the written text or page). No ``read`` or ``inferred`` cell may
differ from what the mutated source determines. Hypothesis draws the cases (derandomized, so that
CI is stable) and shrinks a failure; ``bench/bench_fuzz.py`` runs many more and keeps every failure
as a replay in tests/data/fuzz_replays/, which ``test_replay`` re-runs (a replay the lead marks
runs as an expected failure).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gongkai.model.report import Cell, Status
from gongkai.synth.mutate import (
    HTML_OPS,
    MODEL_OPS,
    TEXT_OPS,
    Case,
    apply_html_ops,
    apply_model_ops,
    apply_text_ops,
    build,
    check,
    check_report,
    gen_case,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPLAYS = Path(__file__).resolve().parent / "data" / "fuzz_replays"


def _ops(kinds: tuple[str, ...], most: int) -> st.SearchStrategy[tuple[tuple[str, int, int], ...]]:
    op = st.tuples(st.sampled_from(kinds), st.integers(0, 999), st.integers(0, 99))
    return st.lists(op, max_size=most).map(tuple)


@st.composite
def gen_cases(draw: st.DrawFn, formats: tuple[str, ...]) -> Case:
    fmt = draw(st.sampled_from(formats))
    source_kinds = TEXT_OPS if fmt in ("txt", "md") else HTML_OPS if fmt in ("html", "docx") else ()
    model = draw(_ops(MODEL_OPS, 3))
    source = draw(_ops(source_kinds, 3)) if source_kinds else ()
    return gen_case(draw(st.integers(0, 2**32 - 1)), fmt, model, source)


def _explain(case: Case, wrong: list[Any]) -> str:
    replay = json.dumps({"case": case.to_json() | {"report": "<the generated report>"}}, ensure_ascii=False)
    return (
        f"{case.describe()}: {len(wrong)} cells stated against the source (key, determined, stated, "
        f"status): {wrong[:10]}\nkeep it with bench/bench_fuzz.py or as a replay: {replay[:600]}"
    )


# Shrinking re-writes and re-reads a report per step: minutes, not seconds. CI finds and reports;
# GONGKAI_FUZZ_SHRINK=1 shrinks here, and bench/bench_fuzz.py shrinks and keeps replays.
PHASES = tuple(p for p in Phase if p != Phase.shrink or os.environ.get("GONGKAI_FUZZ_SHRINK"))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        phases=PHASES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@fuzz(40)
@given(gen_cases(("txt", "md", "html")))
def test_text_and_html_mutations_state_no_wrong_number(case: Case) -> None:
    out = check(case)
    assert not out.wrong, _explain(case, out.wrong)


@fuzz(4)
@given(gen_cases(("docx", "xlsx")))
def test_office_mutations_state_no_wrong_number(case: Case) -> None:
    out = check(case)
    assert not out.wrong, _explain(case, out.wrong)


@fuzz(1)
@given(gen_cases(("pdf",)))
def test_pdf_mutations_state_no_wrong_number(case: Case) -> None:
    out = check(case)
    assert not out.wrong, _explain(case, out.wrong)


def _real_bases() -> list[tuple[str, str, str]]:
    if not (SHARED / "seeds").is_dir():
        return []
    out = [(f"seed:{p.name}", "as-is", "txt") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    for p in sorted((SHARED / "corpus" / "real").glob("*")):
        out.append((f"real:{p.name}", "as-is", "html" if p.suffix == ".html" else "txt"))
    if shutil.which("pdftotext"):
        out += [
            (f"peer:{p.name}", "pdftotext_layout", "txt")
            for p in sorted((SHARED / "corpus" / "peer").glob("*.pdf"))
        ]
    return out


REAL_BASES = _real_bases()


@st.composite
def real_cases(draw: st.DrawFn) -> Case:
    base, fmt, kind = draw(st.sampled_from(REAL_BASES))
    return Case(base, fmt, (), draw(_ops(HTML_OPS if kind == "html" else TEXT_OPS, 3)))


@pytest.mark.shared
@pytest.mark.skipif(not REAL_BASES, reason=f"{SHARED} is absent")
@fuzz(25)
@given(real_cases())
def test_real_mutations_state_no_wrong_number(case: Case) -> None:
    out = check(case, SHARED)
    assert not out.wrong, _explain(case, out.wrong)


# -- replays ----------------------------------------------------------------------------------

REPLAY_FILES = sorted(REPLAYS.glob("*.json")) if REPLAYS.is_dir() else []


@pytest.mark.parametrize("path", REPLAY_FILES, ids=[p.stem for p in REPLAY_FILES])
def test_replay(path: Path, request: pytest.FixtureRequest) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    case = Case.from_json(doc["case"])
    if case.base != "gen" and not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED} is absent")
    if doc.get("marked"):
        request.applymarker(pytest.mark.xfail(strict=False, reason=str(doc["marked"])))
    out = check(case, SHARED if case.base != "gen" else None)
    assert not out.wrong, f"replay {path.name}: {_explain(case, out.wrong)}"


# -- the harness itself -----------------------------------------------------------------------


def test_model_change_is_printed_and_expected() -> None:
    """A changed digit is in the written text and in the expectation; a blank is printed empty
    and expected as its original value; a swap exchanges two rows' values."""
    case = gen_case(3, "txt")
    from gongkai.model.report import Report

    base = Report.model_validate_json(case.report)
    changed, expect = apply_model_ops(base, (("change", 0, 0),))
    t, r, c = next((t, r, c) for t, rows in base.tables.items() for r, cols in rows.items() for c in cols)
    before, after = base.tables[t][r][c].value, changed.tables[t][r][c].value
    assert before != after and expect[f"{t}.{r}.{c}"] == (after,)
    blanked, expect = apply_model_ops(base, (("blank", 0, 0),))
    assert blanked.tables[t][r][c].status == Status.MISSING and expect[f"{t}.{r}.{c}"] == (before,)
    swapped, _ = apply_model_ops(base, (("swap", 0, 0),))
    assert swapped.tables != base.tables


def test_blank_is_skipped_in_a_changed_table() -> None:
    case = gen_case(4, "txt")
    from gongkai.model.report import Report

    base = Report.model_validate_json(case.report)
    out, _ = apply_model_ops(base, (("change", 0, 0), ("blank", 1, 0)))
    assert all(
        cell.status != Status.MISSING
        for rows in out.tables.values()
        for cols in rows.values()
        for cell in cols.values()
    )


def test_text_ops_move_numbers_but_never_change_them() -> None:
    import re

    text = "一、本年新收 1 2 3\n二、上年结转 4 5 6\n说明\n（一）予以公开 7 8 9"
    numbers = sorted(re.findall(r"\d+", text))
    for op in (("merge", 0, 0), ("split", 1, 1), ("swap_lines", 0, 0)):
        out = apply_text_ops(text, (op,))
        assert out != text and sorted(re.findall(r"\d+", out)) == numbers, op
    deleted = apply_text_ops(text, (("delete", 0, 1),))
    assert sorted(re.findall(r"\d+", deleted)) == sorted(set(numbers) - {"2"})
    assert apply_text_ops(text, (("swap_lines", 0, 0),)).split("\n")[:2] == text.split("\n")[1::-1]


def test_html_ops_keep_or_remove_numbers() -> None:
    import re

    case = gen_case(5, "html")
    page, _ = build(case)
    nums = sorted(re.findall(r">(-?\d+(?:\.\d+)?)<", page.decode()))
    for kind in ("tr_merge", "tr_split", "tr_swap"):
        out = apply_html_ops(page, ((kind, 3, 1),))
        assert sorted(re.findall(r">(-?\d+(?:\.\d+)?)<", out.decode())) == nums, kind
    for kind in ("td_delete", "td_blank"):
        out = apply_html_ops(page, ((kind, 3, 1),))
        assert len(re.findall(r">(-?\d+(?:\.\d+)?)<", out.decode())) == len(nums) - 1, kind


def test_check_flags_a_wrong_stated_cell() -> None:
    """The comparison catches a wrong read cell, a stated cell the source does not determine and a
    read cell absent from the source; a missing cell is never wrong."""
    case = gen_case(6, "txt")
    from gongkai.model.report import Report

    report = Report.model_validate_json(case.report)
    _, expect = apply_model_ops(report, ())
    keys = list(expect)
    t, r, c = keys[0].split(".")
    report.tables[t][r][c] = Cell(value=10**6, status=Status.READ, raw="1000000")
    t2, r2, c2 = keys[1].split(".")
    report.tables[t2][r2][c2] = Cell(value=None, status=Status.MISSING)
    expect[keys[2]] = ()
    del expect[keys[3]]
    out = check_report(report, expect)
    assert sorted(w[0] for w in out.wrong) == sorted([keys[0], keys[2], keys[3]])
    assert out.stated == len(keys) - 4
