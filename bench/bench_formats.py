"""Documents per second and peak memory per format, over the generated corpus, with its quality.

    python bench/bench_formats.py            # 130 reports × 8 formats = 1,040 documents, + 10 PDFs
    python bench/bench_formats.py --n 20 --pdf 2

For each format: documents read per second and peak memory of one read (tracemalloc), and, as a
baseline measured in the same run, a scan of the same bytes with one regular expression; then
the quality bar of the issue over the whole corpus: wrong read/inferred cells (must be 0) and the
share of cells read or inferred (must be ≥ 99.9%). Prints; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import re
import shutil
import time
import tracemalloc
from collections import defaultdict

from gongkai.api import parse_bytes
from gongkai.synth.compare import compare
from gongkai.synth.corpus import OFFICE_FORMATS, TEXT_FORMATS, documents

SCAN = re.compile(rb"[\x80-\xff]+|\d+")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=130, help="reports per format (default 130)")
    ap.add_argument("--pdf", type=int, default=10, help="reports written as PDF (LibreOffice; default 10)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    formats = (*TEXT_FORMATS, *OFFICE_FORMATS)
    print(f"writing {args.n} reports × {len(formats)} formats …", flush=True)
    docs = list(documents(args.n, formats, seed=args.seed))
    if args.pdf and shutil.which("soffice"):
        print(f"writing {args.pdf} PDFs with LibreOffice …", flush=True)
        docs += list(documents(args.pdf, ("pdf",), seed=args.seed + 1))

    by_fmt = defaultdict(list)
    for d in docs:
        by_fmt[d.fmt].append(d)

    wrong = cells = known = 0
    print(
        f"\n{'format':<14}{'docs':>6}{'docs/s':>10}{'scan docs/s':>13}{'ratio':>8}{'peak MiB':>10}{'known':>9}"
    )
    for fmt, group in by_fmt.items():
        t = time.perf_counter()
        for d in group:
            SCAN.findall(d.data)
        scan = time.perf_counter() - t
        t = time.perf_counter()
        reports = [parse_bytes(d.data, d.name) for d in group]
        read = time.perf_counter() - t
        tracemalloc.start()
        parse_bytes(group[0].data, group[0].name)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        f_cells = f_known = 0
        for d, r in zip(group, reports, strict=True):
            c = compare(d.truth, r)
            wrong += len(c.wrong)
            f_cells += c.cells
            f_known += c.known
        cells += f_cells
        known += f_known
        print(
            f"{fmt:<14}{len(group):>6}{len(group) / read:>10.1f}{len(group) / scan:>13.0f}"
            f"{read / scan:>7.0f}x{peak:>10.1f}{f_known / f_cells:>9.4f}"
        )
    print(
        f"\n{len(docs)} documents, {cells} cells: wrong read/inferred {wrong}, read or inferred {known / cells:.4%}"
    )
    if by_fmt.get("pdf"):
        plumber_baseline(by_fmt["pdf"])


def plumber_baseline(group: list) -> None:  # type: ignore[type-arg]
    """Born-digital PDFs: gongkai beside pdfplumber's own character extraction of the same files
    (every page's ``chars``, which any reader of PDF tables built on pdfplumber does first)."""
    import io

    import pdfplumber

    t = time.perf_counter()
    for d in group:
        with pdfplumber.open(io.BytesIO(d.data)) as pdf:
            for page in pdf.pages:
                page.chars  # noqa: B018 (the extraction is the work measured)
    chars = time.perf_counter() - t
    t = time.perf_counter()
    for d in group:
        parse_bytes(d.data, d.name)
    read = time.perf_counter() - t
    print(
        f"PDF, {len(group)} documents: gongkai {len(group) / read:.1f} docs/s, pdfplumber chars "
        f"{len(group) / chars:.1f} docs/s: gongkai takes {read / chars:.1f}x pdfplumber's character extraction"
    )


if __name__ == "__main__":
    main()
