"""``parse --json`` always validates against its own schema (issue 11, item 6): random damaged
reports from ``synth``, with numbers a column cannot hold (decimals and negatives in count
columns, …) written over printed cells, read back and validated. Also the reader's kind fitting
itself and the checker's findings for what it refused to read."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.api import parse_bytes
from gongkai.errors import GongkaiError
from gongkai.model.report import Cell, Status
from gongkai.read.kinds import fit, fit_cell
from gongkai.synth.case import make_case
from gongkai.synth.damage import DAMAGE_KINDS

ODD = ["2.5", "-3", "30.0", "0.5", "-0", "12.75", "1,024", "007", "-1.5", "99999999"]
_CELL = re.compile(r"(?<=\t)\d+(?=\t|$)", re.M)


def _odd_numbers(text: str, rng: random.Random, n: int) -> str:
    """``text`` with ``n`` printed table numbers replaced by odd ones."""
    spots = list(_CELL.finditer(text))
    for m in sorted(rng.sample(spots, min(n, len(spots))), key=lambda m: m.start(), reverse=True):
        text = text[: m.start()] + rng.choice(ODD) + text[m.end() :]
    return text


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 10_000),
    kinds=st.lists(st.sampled_from(DAMAGE_KINDS), max_size=3, unique=True),
    odd=st.integers(0, 6),
)
def test_parse_json_validates_against_its_schema(
    validator: jsonschema.Draft202012Validator, seed: int, kinds: list[str], odd: int
) -> None:
    case = make_case(seed, "tab", tuple(k for k in kinds if k not in ("gb18030", "bom")), prose=False)
    text = _odd_numbers(case.text, random.Random(seed), odd)
    try:
        report = parse_bytes(text.encode("utf-8"), case.name)
    except GongkaiError:
        return  # refused with a message: nothing is printed as JSON
    document = json.loads(report.to_json())
    errors = sorted(validator.iter_errors(document), key=str)
    assert not errors, [(list(e.absolute_path), e.message) for e in errors[:3]]


def test_fit_by_kind() -> None:
    assert fit("count", Decimal("30.0")) == 30 and isinstance(fit("count", Decimal("30.0")), int)
    assert fit("count", Decimal("2.5")) is None and fit("count", -3) is None
    assert fit("signed", -3) == -3 and fit("signed", Decimal("-1.5")) is None
    assert fit("amount", 3) == Decimal(3) and fit("amount", Decimal("-0")) == Decimal(0)
    assert fit("amount", Decimal("NaN")) is None and fit("amount", Decimal("-1")) is None
    assert str(fit("amount", Decimal("1E+2"))) == "100"


def test_fit_cell_candidates() -> None:
    amb = Cell(value=None, status=Status.AMBIGUOUS, raw="20", candidates=[Decimal("1.5"), 20, 4])
    assert fit_cell("count", amb).candidates == [4, 20]
    two = Cell(value=None, status=Status.AMBIGUOUS, raw="20", candidates=[Decimal("1.5"), 20])
    one_left = fit_cell("count", two)
    assert one_left.status == Status.MISSING and one_left.value is None and one_left.candidates is None
    read = Cell(value=Decimal("2.5"), status=Status.READ, raw="2.5")
    assert fit_cell("count", read).status == Status.MISSING and fit_cell("count", read).raw == "2.5"
    assert fit_cell("amount", read) is read
    # a whole number printed with a point ("30.0") among a count's candidates becomes an int
    whole = Cell(value=None, status=Status.AMBIGUOUS, raw="30.0", candidates=[0, Decimal("30.0")])
    assert [type(v) for v in fit_cell("count", whole).candidates or []] == [int, int]


def test_unreadable_numbers_are_reported_not_stated(sample_path: object) -> None:
    from pathlib import Path

    text = Path(str(sample_path)).read_text(encoding="utf-8")
    for printed, rule in (("2.5", "cell.not_integer"), ("-3", "cell.negative")):
        report = parse_bytes(text.replace("数量\t\t\t20\t", f"数量\t\t\t{printed}\t", 1).encode(), "x.txt")
        cell = report.tables["requests"]["new_received"]["natural_person"]
        assert cell.status == Status.MISSING and cell.value is None and cell.raw == printed
        [f] = [f for f in report.findings if f.rule == rule]
        assert printed in f.message and f.cells == ["requests.new_received.natural_person"]
        assert not [f for f in report.findings if f.rule == "cell.blank" and "natural_person" in str(f.cells)]
