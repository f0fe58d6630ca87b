"""Compare a reader's report with the truth: wrong values first, then coverage."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gongkai.model.report import Report


@dataclass(frozen=True)
class Wrong:
    address: str
    expected: int | Decimal | None
    got: int | Decimal | None
    status: str
    raw: str

    def as_dict(self) -> dict[str, Any]:
        def j(v: int | Decimal | None) -> Any:
            return format(v, "f") if isinstance(v, Decimal) else v

        return {
            "address": self.address,
            "expected": j(self.expected),
            "got": j(self.got),
            "status": self.status,
            "raw": self.raw,
        }


@dataclass
class Comparison:
    cells: int = 0  # cells of the truth's edition
    known: int = 0  # read or inferred in the reader's report
    wrong: list[Wrong] = field(default_factory=list)  # read/inferred but not the truth
    absent: list[str] = field(default_factory=list)  # cells of the edition the report does not hold
    meta_errors: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.known / self.cells if self.cells else 1.0

    @property
    def ok(self) -> bool:
        return not self.wrong and not self.absent and not self.meta_errors


def same(a: int | Decimal | None, b: int | Decimal | None) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    return Decimal(a) == Decimal(b)


def compare(truth: Report, got: Report) -> Comparison:
    """Every read/inferred cell of ``got`` against ``truth``; edition and year must agree."""
    out = Comparison()
    if got.meta.edition != truth.meta.edition:
        out.meta_errors.append(f"edition {got.meta.edition} != {truth.meta.edition}")
    if got.meta.year != truth.meta.year:
        out.meta_errors.append(f"year {got.meta.year} != {truth.meta.year}")
    for address, cell in truth.cells():
        out.cells += 1
        t, r, c = address.split(".")
        g = got.tables.get(t, {}).get(r, {}).get(c)
        if g is None:
            out.absent.append(address)
            continue
        if g.known:
            out.known += 1
            if not same(g.value, cell.value):
                out.wrong.append(Wrong(address, cell.value, g.value, str(g.status), g.raw))
    return out
