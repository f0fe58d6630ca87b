"""The within-report identities (勾稽关系) of ../shared/spec/identities.md as linear equations.

Each identity is ``Σ coef·cell = 0`` with coefficients ±1 over cell addresses. The same
objects serve the reader (to choose between readings and to infer unprinted cells) and the
checker (to report what does not add up), so the two can never disagree about the arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property

from gongkai.model.keys import APPEALS, APPLICANT_COLUMNS, REQUEST_COLUMN_KEYS, edition, outcome_rows


@dataclass(frozen=True)
class Identity:
    rule: str  # the checker's rule id
    number: int  # its number in identities.md
    subject: str  # the row or column it runs along, e.g. "granted" or "natural_person"
    total: str  # the address printed as the total (the "left side")
    parts: tuple[str, ...]  # addresses that add up to it
    with_total: tuple[str, ...] = ()  # further addresses on the total's side (identity 3)

    @cached_property
    def terms(self) -> tuple[tuple[str, int], ...]:
        """``Σ coef·value = 0``: the total (and ``with_total``) count +1, the parts -1."""
        return ((self.total, 1), *((m, 1) for m in self.with_total), *((p, -1) for p in self.parts))

    @cached_property
    def addresses(self) -> tuple[str, ...]:
        return tuple(a for a, _ in self.terms)

    def residual(self, values: Mapping[str, int | Decimal]) -> int | Decimal | None:
        """``Σ coef·value`` when every cell is known, else None."""
        s: int | Decimal = 0
        for a, c in self.terms:
            v = values.get(a)
            if v is None:
                return None
            s += c * v
        return s


@cache
def identities(edition_key: str) -> tuple[Identity, ...]:
    """Identities 1–4 of identities.md for an edition, in a stable order."""
    ed = edition(edition_key)
    out: list[Identity] = []
    for row in ed.table("requests").rows:
        out.append(
            Identity(
                "requests.row_total",
                1,
                row.key,
                f"requests.{row.key}.total",
                tuple(f"requests.{row.key}.{c}" for c in APPLICANT_COLUMNS),
            )
        )
    outcomes = outcome_rows(edition_key)
    for c in REQUEST_COLUMN_KEYS:
        out.append(
            Identity(
                "requests.outcomes_total",
                2,
                c,
                f"requests.total_processed.{c}",
                tuple(f"requests.{r}.{c}" for r in outcomes),
            )
        )
    for c in REQUEST_COLUMN_KEYS:
        out.append(
            Identity(
                "requests.balance",
                3,
                c,
                f"requests.new_received.{c}",
                (f"requests.total_processed.{c}", f"requests.carried_forward.{c}"),
                with_total=(f"requests.carried_over.{c}",),
            )
        )
    for row in APPEALS.rows:
        out.append(
            Identity(
                "appeals.row_total",
                4,
                row.key,
                f"appeals.{row.key}.total",
                tuple(f"appeals.{row.key}.{c.key}" for c in row.columns[:-1]),
            )
        )
    return tuple(out)
