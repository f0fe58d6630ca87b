"""One test case: a generated report (the truth), its text in a layout with damage, as bytes.

The truth, the printed form, the damage and the layout draw from separate random streams
derived from the seed, so the same seed gives the same report whatever layout or damage is
asked for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from gongkai.model.keys import EditionKey
from gongkai.model.report import Report
from gongkai.synth.damage import Damage, damage_document, damage_text, encode
from gongkai.synth.generate import Profile, generate_report
from gongkai.synth.layouts import LAYOUT_NAMES, render
from gongkai.synth.printed import Document, Heading, Para, print_report


@dataclass
class Case:
    seed: int
    layout: str
    kinds: tuple[str, ...]
    truth: Report
    text: str  # as rendered and damaged, before encoding
    data: bytes  # what a reader is given
    damage: list[Damage] = field(default_factory=list)
    prose: bool = True
    doc: Document | None = None  # the printed document, damaged, before rendering

    @property
    def name(self) -> str:
        kinds = "+".join(self.kinds) or "clean"
        return f"synth-{self.seed}-{self.layout}-{kinds}.txt"

    @property
    def truth_cells(self) -> int:
        return sum(1 for _ in self.truth.cells())

    @property
    def touched(self) -> set[str]:
        """Cells whose printed value the damage lost, blurred or repeated."""
        return {a for d in self.damage for a in d.addresses}

    def describe(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "layout": self.layout,
            "kinds": list(self.kinds),
            "edition": self.truth.meta.edition,
            "year": self.truth.meta.year,
            "prose": self.prose,
            "damage": [d.as_dict() for d in self.damage],
        }

    @property
    def call(self) -> str:
        """The Python call that makes this case again."""
        extra = "" if self.prose else ", prose=False"
        return f"make_case({self.seed}, {self.layout!r}, {self.kinds!r}{extra})"


def _rng(seed: int, stream: str) -> random.Random:
    return random.Random(f"{seed}:{stream}")


def make_case(
    seed: int,
    layout: str | None = None,
    kinds: tuple[str, ...] | list[str] = (),
    *,
    edition: EditionKey | None = None,
    profile: Profile | None = None,
    prose: bool = True,
) -> Case:
    """The case for ``seed``; a random layout when none is given.

    With ``prose=False`` only the title, the section headings and the tables are printed (the
    same tables, damaged the same way): a smaller text for reproducing a reader failure.
    """
    truth = generate_report(_rng(seed, "truth"), edition, profile)
    layout = layout or _rng(seed, "layout-choice").choice(LAYOUT_NAMES)
    doc = print_report(truth, _rng(seed, "print"))
    if not prose:
        doc.blocks = [
            b for b in doc.blocks if not isinstance(b, Para) and not (isinstance(b, Heading) and b.level > 1)
        ]
    kinds = tuple(kinds)
    records = damage_document(doc, kinds, _rng(seed, "damage"))
    text = render(doc, layout, _rng(seed, "layout"))
    text, more = damage_text(text, kinds, _rng(seed, "text-damage"))
    data, enc = encode(text, kinds)
    return Case(seed, layout, kinds, truth, text, data, records + more + enc, prose, doc)
