"""Scanned reports read back by OCR: wrong cells (must be 0), share stated, pages/s, memory.

    python bench/bench_ocr.py                       # samples, 2 generated, ../shared peer PDFs;
                                                    # 200 dpi × every degradation, 150/300 dpi clean
    python bench/bench_ocr.py --generated 0 --no-peer --kinds clean --dpi 200   # quick look
    python bench/bench_ocr.py --jobs 2              # pages in parallel (memory then per process)

The corpus: the bundled samples and generated reports written as PDF in the official layout
(LibreOffice), and the real PDFs in ../shared/corpus/peer when present (their truth is what the
text-layer PDF reader states). Every PDF is rendered to page images (150/200/300 dpi), degraded
(gongkai.synth.scan: noise, blur, JPEG, 0.5–2° rotation, a red stamp, a photo's perspective, a
page turned 90/180°) and read back by OCR. Per degradation: cells stated (read or inferred) as a
share of the truth's stated cells, wrong stated cells, pages per second, and peak memory growth
of one page (RSS, sampled). The baseline, measured in the same run, is the text-layer PDF reader
on the same files: OCR's seconds per page are printed as a ratio to it. Renders stay in memory,
nothing is written. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.api import read_bytes
from gongkai.model.report import Report, Source
from gongkai.read.ocr.reader import ocr_pages, ocr_settings, read_pages
from gongkai.read.pdf_guard import rss
from gongkai.synth.generate import generate_report
from gongkai.synth.scan import DEGRADATIONS, degrade, render_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "src" / "gongkai" / "samples"
PEER = ROOT.parent / "shared" / "corpus" / "peer"


@dataclass
class Doc:
    name: str
    pdf: bytes
    truth: dict[str, object]  # address -> value of the truth's stated cells


@dataclass
class Row:
    pages: int = 0
    seconds: float = 0.0
    truth: int = 0
    stated: int = 0
    wrong: int = 0
    peak: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


def corpus(generated: int, peer: bool) -> list[Doc]:
    from gongkai.write import write_report

    docs = []
    if shutil.which("soffice") or shutil.which("libreoffice"):
        reports: list[tuple[str, Report]] = []
        for p in sorted(SAMPLES.glob("sample-*.txt")):
            reports.append((p.name, read_bytes(p.read_bytes(), p.name)))
        rng = random.Random(7)
        for i in range(generated):
            reports.append((f"generated-{i}", generate_report(random.Random(rng.getrandbits(64)))))
        for name, report in reports:
            docs.append(
                Doc(name, write_report(report, "pdf"), {a: c.value for a, c in report.cells() if c.known})
            )
    else:
        print("LibreOffice not found: samples and generated reports skipped", file=sys.stderr)
    if peer and PEER.is_dir():
        for p in sorted(PEER.glob("*.pdf")):
            data = p.read_bytes()
            report = read_bytes(data, p.name)
            docs.append(Doc(p.name, data, {a: c.value for a, c in report.cells() if c.known}))
    return docs


class PeakRss:
    """The largest RSS seen while inside, sampled every 20 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakRss:
        self.start = rss() or 0
        self.peak = self.start
        self._t = threading.Thread(target=self._watch, daemon=True)
        self._t.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss() or 0)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss() or 0)


def run(doc: Doc, dpi: int, kind: str, jobs: int, row: Row, verbose: int = 0) -> None:
    pages = [degrade(im, kind, seed=n) for n, im in enumerate(render_pdf(doc.pdf, dpi))]
    import numpy as np

    arrays = [np.asarray(im) for im in pages]
    peaks: list[int] = []

    def page(i: int) -> np.ndarray:
        return arrays[i]

    started = time.perf_counter()
    with ocr_settings(enabled=True, jobs=jobs):
        if jobs <= 1:
            results = []
            for i in range(len(arrays)):
                with PeakRss() as m:
                    results += ocr_pages(1, lambda _, i=i: page(i), doc.name)
                results[-1].page = i + 1
                for ln in results[-1].lines:
                    ln.page = i + 1
                peaks.append(m.peak - m.start)
        else:
            results = ocr_pages(len(arrays), page, doc.name)
    report = read_pages(results, Source(name=doc.name, sha256="", format="pdf"))
    row.seconds += time.perf_counter() - started
    row.pages += len(arrays)
    before = (row.stated, row.wrong)
    row.peak += peaks
    row.truth += len(doc.truth)
    for address, cell in report.cells():
        if not cell.known:
            continue
        if address in doc.truth:
            row.stated += 1
            if cell.value != doc.truth[address]:
                row.wrong += 1
                row.examples.append(
                    f"{doc.name} {dpi}dpi {kind}: {address} = {cell.value} (truth {doc.truth[address]}, raw {cell.raw!r})"
                )
        else:
            row.wrong += 1  # stated where the truth states nothing
            row.examples.append(f"{doc.name} {dpi}dpi {kind}: {address} = {cell.value} (truth: not stated)")
    if verbose:
        stated, wrong = row.stated - before[0], row.wrong - before[1]
        print(f"     {doc.name:<28} {stated}/{len(doc.truth)} stated, {wrong} wrong", flush=True)
        for address, value in doc.truth.items():
            cell = report.cell(address)
            if not cell.known:
                print(
                    f"        {address} truth {value}: {cell.status.value} raw {cell.raw!r} {cell.candidates} {cell.at}"
                )


def baseline(docs: list[Doc]) -> float:
    """Seconds per page of the text-layer PDF reader on the same files."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    pages = sum(len(pdfium.PdfDocument(d.pdf)) for d in docs)
    started = time.perf_counter()
    for d in docs:
        read_bytes(d.pdf, d.name)
    return (time.perf_counter() - started) / max(1, pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generated", type=int, default=2, help="generated reports (default 2)")
    ap.add_argument("--no-peer", action="store_true", help="leave out ../shared/corpus/peer")
    ap.add_argument("--kinds", default=",".join(DEGRADATIONS), help="degradations at --dpi (comma-separated)")
    ap.add_argument("--dpi", type=int, default=200, help="resolution of the degradations (default 200)")
    ap.add_argument("--clean-dpi", default="150,300", help="other resolutions, clean only (default 150,300)")
    ap.add_argument(
        "--jobs", type=int, default=1, help="pages in parallel (default 1: memory per page measured)"
    )
    ap.add_argument(
        "--docs", default="", help="only documents whose name contains one of these (comma-separated)"
    )
    ap.add_argument("-v", "--verbose", action="count", default=0, help="per document; the cells not stated")
    args = ap.parse_args()

    docs = corpus(args.generated, not args.no_peer)
    if args.docs:
        docs = [d for d in docs if any(k in d.name for k in args.docs.split(","))]
    if not docs:
        print("no documents", file=sys.stderr)
        return
    base = baseline(docs)
    print(f"{len(docs)} documents: {', '.join(d.name for d in docs)}")
    print(f"baseline: text-layer PDF reader {base * 1000:.1f} ms/page\n")
    configs = [(args.dpi, k) for k in args.kinds.split(",") if k]
    configs += [(int(d), "clean") for d in args.clean_dpi.split(",") if d]
    print(
        f"{'dpi':>4} {'degradation':<12} {'pages':>5} {'stated':>8} {'wrong':>5} {'pages/s':>8} {'× baseline':>11} {'MB/page':>8}"
    )
    all_examples: list[str] = []
    for dpi, kind in configs:
        row = Row()
        for d in docs:
            run(d, dpi, kind, args.jobs, row, args.verbose)
        share = row.stated / max(1, row.truth)
        per_page = row.seconds / max(1, row.pages)
        # the first page of a run also loads the models: the median is the cost of a page
        mem = (
            f"{sorted(row.peak)[len(row.peak) // 2] / 2**20:4.0f}/{max(row.peak) / 2**20:<4.0f}"
            if row.peak
            else f"{'-':>8}"
        )
        print(
            f"{dpi:>4} {kind:<12} {row.pages:>5} {share:>8.2%} {row.wrong:>5} {1 / per_page:>8.3f} "
            f"{per_page / base:>10.0f}× {mem}",
            flush=True,
        )
        all_examples += row.examples
    if all_examples:
        print("\nwrong cells:")
        for e in all_examples[:50]:
            print("  " + e)


if __name__ == "__main__":
    main()
