"""Round trip: a generated report, written in a layout with damage, read back with parse_bytes.

The first measure is precision: every cell the reader states as ``read`` or ``inferred`` must
equal the truth, whatever the layout and damage. The second is coverage: an undamaged (or
losslessly damaged) text must give at least 99% of the cells, and damaged texts must stay
above a floor measured on this generator (see ``DAMAGED_FLOOR``).

Hypothesis runs derandomized so that CI is reproducible; set ``GONGKAI_EXPLORE=1`` to draw new
examples (and ``GONGKAI_EXAMPLES`` to draw more). Minimal examples of reader failures live in
``tests/data/reader_failures/`` (made by ``python -m gongkai.synth.hunt``) and are replayed here.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.model.report import Report
from gongkai.synth.case import Case, make_case
from gongkai.synth.compare import Comparison, compare, same
from gongkai.synth.damage import DAMAGE_KINDS, is_lossless
from gongkai.synth.hunt import CLEAN_SHARE, default_parser
from gongkai.synth.layouts import LAYOUT_NAMES
from gongkai.synth.make_samples import SAMPLES_DIR, all_files

PARSE = default_parser()
EXPLORE = os.environ.get("GONGKAI_EXPLORE") == "1"
EXAMPLES = int(os.environ.get("GONGKAI_EXAMPLES", "1000"))
# Share of cells read or inferred on the fixed samples of test_known_share_floor, measured with
# the reader of commit 298aa8a: undamaged 1.0000; 0.968 with 1–3 lossy kinds other than
# zeros_blank (drop_column alone gives 0.89); 0.438 when every zero of the table is printed blank
# (an all-zero report then prints no number at all, so nothing can be known). Floors are set
# below the measurements with a margin; per-kind shares: python -m gongkai.synth.hunt --shares.
# Since the reader questions the row of a line of numbers printed between two labels (issue 7:
# two associations that both balance are ambiguous, never read), the damaged share is 0.921.
# labels_apart (a PDF-to-markdown copy's labels printed in paragraphs away from their numbers)
# is sampled on its own: which row a line of numbers is is often not shown, so the share is low
# by design (0.486 on its sample with the reader of session 6); the others' sample gives 0.930.
DAMAGED_FLOOR = 0.90
ZEROS_BLANK_FLOOR = 0.40
LABELS_APART_FLOOR = 0.45
FAILURES = Path(__file__).parent / "data" / "reader_failures"


def _explain(case: Case, cmp: Comparison) -> str:
    wrong = ", ".join(
        f"{w.address}: expected {w.expected}, got {w.got} ({w.status}, raw {w.raw!r})" for w in cmp.wrong[:8]
    )
    return f"{case.call}: {len(cmp.wrong)} wrong: {wrong}; meta: {cmp.meta_errors}; damage: {case.damage}"


def roundtrip(case: Case) -> Comparison:
    got = PARSE(case.data, case.name)
    cmp = compare(case.truth, got)
    assert not cmp.absent, f"{case.call}: cells missing from the report: {cmp.absent[:5]}"
    assert not cmp.wrong, _explain(case, cmp)
    assert not cmp.meta_errors, _explain(case, cmp)
    if is_lossless(case.kinds):
        assert cmp.share >= CLEAN_SHARE, f"{case.call}: only {cmp.share:.3f} of cells read or inferred"
    return cmp


# --- property ------------------------------------------------------------------------------


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not EXPLORE,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    layout=st.sampled_from(LAYOUT_NAMES),
    kinds=st.lists(st.sampled_from(DAMAGE_KINDS), unique=True, max_size=3),
)
def test_roundtrip_never_wrong(seed: int, layout: str, kinds: list[str]) -> None:
    roundtrip(make_case(seed, layout, kinds))


# --- every layout x every damage kind on fixed seeds ---------------------------------------

FIXED = [  # (seed, edition, profile): one of each kind of report
    (101, "2021", "zero"),
    (202, "2019", "sparse"),
    (303, "2021", "medium"),
    (404, "2021", "large"),
    (505, "2019", "large"),
]


@pytest.mark.parametrize("kind", ["clean", *DAMAGE_KINDS])
@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_layout_damage(layout: str, kind: str) -> None:
    kinds = () if kind == "clean" else (kind,)
    failures = []
    for seed, ed, profile in FIXED:
        case = make_case(seed, layout, kinds, edition=ed, profile=profile)  # type: ignore[arg-type]
        try:
            roundtrip(case)
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures)


# --- coverage over many cases --------------------------------------------------------------


def _sample_share(
    draw_kinds: Callable[[random.Random], tuple[str, ...]], n: int, seed: int
) -> tuple[float, list[str]]:
    rng = random.Random(seed)
    known = cells = 0
    low = []
    for _ in range(n):
        case = make_case(rng.randrange(10**6), rng.choice(LAYOUT_NAMES), draw_kinds(rng))
        cmp = compare(case.truth, PARSE(case.data, case.name))
        known += cmp.known
        cells += cmp.cells
        if is_lossless(case.kinds) and cmp.share < CLEAN_SHARE:
            low.append(f"{case.call}: {cmp.share:.3f}")
    return known / cells, low


LOSSY = [k for k in DAMAGE_KINDS if not is_lossless((k,)) and k not in ("zeros_blank", "labels_apart")]


def test_known_share_floor(capsys: pytest.CaptureFixture[str]) -> None:
    """Coverage: read/inferred share over fixed random samples, undamaged and damaged."""
    clean, low = _sample_share(lambda rng: (), 300, 1)
    damaged, _ = _sample_share(lambda rng: tuple(rng.sample(LOSSY, k=rng.randint(1, 3))), 400, 2)
    blank, _ = _sample_share(lambda rng: ("zeros_blank",), 200, 3)
    apart, _ = _sample_share(lambda rng: ("labels_apart",), 200, 4)
    with capsys.disabled():
        print(
            f"\nread/inferred share: undamaged {clean:.4f}, damaged {damaged:.4f}, zeros blank {blank:.4f},"
            f" labels apart {apart:.4f}"
        )
    assert not low, "undamaged cases below the floor:\n" + "\n".join(low)
    assert clean >= CLEAN_SHARE
    assert damaged >= DAMAGED_FLOOR
    assert blank >= ZEROS_BLANK_FLOOR
    assert apart >= LABELS_APART_FLOOR


# --- bundled samples -----------------------------------------------------------------------


@pytest.mark.parametrize("name", [f for f in all_files() if f.endswith(".txt")])
def test_samples_read_back(name: str) -> None:
    data = (SAMPLES_DIR / name).read_bytes()
    truth = Report.from_json_dict(
        json.loads((SAMPLES_DIR / name.replace(".txt", ".truth.json")).read_bytes())
    )
    cmp = compare(truth, PARSE(data, name))
    assert not cmp.wrong and not cmp.absent and not cmp.meta_errors, cmp
    assert cmp.share == 1.0


# --- replay of collected reader failures ---------------------------------------------------


def _failure_files() -> list[Path]:
    return sorted(FAILURES.glob("*.json")) if FAILURES.is_dir() else []


@pytest.mark.parametrize("path", _failure_files(), ids=lambda p: p.stem)
def test_reader_failure_replay(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    data = path.with_suffix(".txt").read_bytes()
    got = PARSE(data, path.with_suffix(".txt").name)
    truth = doc["truth"]
    wrong = []
    known = 0
    for address, expected in truth["cells"].items():
        t, r, c = address.split(".")
        cell = got.tables.get(t, {}).get(r, {}).get(c)
        assert cell is not None, f"{address} missing from the report"
        if cell.known:
            known += 1
            exp = Decimal(expected) if isinstance(expected, str) else expected
            if not same(cell.value, exp):
                wrong.append(f"{address}: expected {expected}, got {cell.value} ({cell.status})")
    assert not wrong, "\n".join(wrong)
    assert got.meta.edition == truth["meta"]["edition"]
    assert got.meta.year == truth["meta"]["year"]
    if doc["failure"] == "coverage":
        assert known / len(truth["cells"]) >= CLEAN_SHARE
