"""The bundled sample reports, made by the project's own generator (not copied from anywhere).

``python -m gongkai.synth.make_samples`` writes them into ``src/gongkai/samples/``;
``--check`` only compares, and exits 1 when a committed file differs from what the generator
makes now. Each sample is a text report in the tab layout (as copied from a web page) and its
truth as report JSON. The seeds were picked once for non-trivial, balanced numbers.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

from gongkai.model.keys import EditionKey
from gongkai.synth.generate import Profile, generate_report
from gongkai.synth.layouts import render
from gongkai.synth.printed import print_report

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"


@dataclass(frozen=True)
class SampleSpec:
    name: str
    seed: str
    edition: EditionKey
    profile: Profile
    year: int


SAMPLES = (
    SampleSpec("sample-2023", "sample:167", "2021", "medium", 2023),
    SampleSpec("sample-2020", "sample:38", "2019", "sparse", 2020),
)


def sample_files(spec: SampleSpec) -> dict[str, bytes]:
    """``{file name: bytes}`` for one sample: the text and its truth."""
    report = generate_report(random.Random(spec.seed), spec.edition, spec.profile, year=spec.year)
    report.source.name = f"{spec.name}.txt"
    doc = print_report(report, random.Random(f"{spec.seed}:print"))
    text = render(doc, "tab", random.Random(f"{spec.seed}:layout"))
    truth = report.to_json_dict()
    return {
        f"{spec.name}.txt": text.encode("utf-8"),
        f"{spec.name}.truth.json": (json.dumps(truth, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
    }


def all_files() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for spec in SAMPLES:
        out.update(sample_files(spec))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Regenerate the bundled sample reports.")
    ap.add_argument("--out", type=Path, default=SAMPLES_DIR)
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = ap.parse_args(argv)
    differ = []
    for name, data in all_files().items():
        path = args.out / name
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                differ.append(name)
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path}")
    if differ:
        print("differ from the generator: " + ", ".join(differ))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
