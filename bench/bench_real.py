"""The converter corpus: real and generated reports in the forms users meet, read and scored.

Every real report the project can use (../shared seeds, corpus/real, corpus/peer) and ``--n``
generated ones (written as HTML, PDF and DOCX by gongkai.write) go through the converters and
transformations of :mod:`gongkai.synth.convert` (a form whose tool is missing is skipped); every
form is read with ``gongkai.api.parse_bytes`` and scored against the truth.

Prints per form: documents, refused, cells in truth, stated, wrong, stated %. Writes
``bench/.cache/real_summary.json`` (the same, machine-readable) and ``bench/.cache/wrong_cells.txt``
(every wrong cell: file, form, key, truth, stated, status). Converter outputs are cached under
``bench/.cache/forms/``, generated reports under ``bench/.cache/gen/`` (``--no-cache`` rewrites them).

    .venv/bin/python bench/bench_real.py                  # real + 20 generated reports
    .venv/bin/python bench/bench_real.py --n 100 --jobs 2
    .venv/bin/python bench/bench_real.py --only-real      # ../shared only
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.api import parse_bytes
from gongkai.errors import GongkaiError
from gongkai.synth.convert import (
    PDF_EXTRACTORS,
    ConvertError,
    TruthCells,
    chain_available,
    derive,
    score,
    truth_cells,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CACHE = ROOT / "bench" / ".cache"
TASK_TIMEOUT = 300  # seconds for converting and reading one form of one document

TXT_CHAINS = ("", "no_whitespace", "s2t")
HTML_CHAINS = (
    "",
    "html2text",
    "trafilatura",
    "inscriptis",
    "html_text",
    "markitdown_html",
    "chromium_pdf",
    "chromium_pdf>pdftotext_layout",
    "chromium_pdf>pdftohtml_xml",
    "soffice_docx",
    "soffice_docx>soffice_pdf",
    "s2t",
    "html_text>no_whitespace",
    "html_text>s2t",
    "permute_columns",
    "total_first",
    "drop_column",
    "blank_zeros",
    "total_first>html2text",
    "total_first>chromium_pdf",
    "total_first>chromium_pdf>pdftotext_layout",
    "total_first>chromium_pdf>markitdown_pdf",
    "split_table",
    "split_table>chromium_pdf",
    "split_table>html2text",
    "no_borders>chromium_pdf",
    "no_borders>chromium_pdf>pdftotext_layout",
    "permute_columns>html_text",
    "fragment",
    "js_string",
    "md_html_tables",
    "total_first>md_html_tables",
)
PDF_CHAINS = (
    "",
    *PDF_EXTRACTORS,
    "pdftotext_raw>no_whitespace",
    "pdftotext_layout>s2t",
)
DOCX_CHAINS = ("", "markitdown_docx", "soffice_pdf")
CHAINS = {"txt": TXT_CHAINS, "html": HTML_CHAINS, "pdf": PDF_CHAINS, "docx": DOCX_CHAINS}


@dataclass(frozen=True)
class Source:
    name: str
    origin: str  # seed, real, peer, gen
    kind: str  # txt, html, pdf, docx
    data: bytes
    truth: TruthCells


def _kind(path: Path) -> str:
    return {".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}.get(path.suffix.lower(), "txt")


def real_sources(shared: Path = SHARED) -> list[Source]:
    """Every file of ../shared with a truth (none when ../shared is absent)."""
    out = []
    for origin, folder, truth_dir in (
        ("seed", shared / "seeds", shared / "seeds" / "truth"),
        ("real", shared / "corpus" / "real", shared / "corpus" / "truth"),
        ("peer", shared / "corpus" / "peer", shared / "corpus" / "truth"),
    ):
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            truth = truth_dir / f"{path.stem}.json"
            if path.is_file() and truth.is_file():
                cells = json.loads(truth.read_text(encoding="utf-8"))["cells"]
                out.append(Source(path.name, origin, _kind(path), path.read_bytes(), cells))
    return out


def _generated(i: int, report_seed: int, cache: Path | None) -> list[Source]:
    """Generated report ``i`` written as HTML, PDF and DOCX (kept under ``cache``: writing PDFs is slow)."""
    from gongkai.synth.generate import generate_report
    from gongkai.write import write_report

    folder = cache / "gen" / f"{report_seed:016x}" if cache is not None else None
    truth_file = folder / "truth.json" if folder is not None else None
    formats = (("html", "html"), ("pdf", "pdf"), ("docx", "docx"))
    if truth_file is not None and truth_file.is_file() and folder is not None:
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        return [
            Source(f"gen-{i:04d}.{fmt}", "gen", kind, (folder / f"report.{fmt}").read_bytes(), truth)
            for kind, fmt in formats
        ]
    report = generate_report(random.Random(report_seed))
    truth = truth_cells(report)
    out = [
        Source(f"gen-{i:04d}.{fmt}", "gen", kind, write_report(report, fmt), truth) for kind, fmt in formats
    ]
    if folder is not None and truth_file is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for src in out:
            (folder / f"report.{src.name.rsplit('.', 1)[1]}").write_bytes(src.data)
        truth_file.write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return out


def generated_sources(n: int, cache: Path | None, jobs: int = 2, seed: int = 7) -> list[Source]:
    """``n`` random valid reports, each written as HTML, PDF and DOCX (in ``jobs`` processes)."""
    rng = random.Random(seed)
    seeds = [rng.getrandbits(64) for _ in range(n)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_generated, i, s, cache) for i, s in enumerate(seeds)]
        return [src for f in futures for src in f.result()]


def form_name(kind: str, chain: str) -> str:
    return f"{kind}:{chain or 'as-is'}"


def _alarm(signum: int, frame: Any) -> None:
    raise TimeoutError("form took too long")


def run_form(src: Source, chain: str, cache: Path | None) -> dict[str, Any]:
    """Derive one form of one source, read it, score it (in a worker process)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TASK_TIMEOUT)
    res: dict[str, Any] = {"file": src.name, "origin": src.origin, "form": form_name(src.kind, chain)}
    try:
        try:
            data = derive(src.data, src.kind, chain, cache)
        except ConvertError as e:
            return {**res, "skipped": str(e)[:200]}
        t0 = time.perf_counter()
        try:
            report = parse_bytes(data, src.name)
            res["outcome"] = "read"
        except GongkaiError as e:
            report = None
            res["outcome"] = "refused"
            res["message"] = str(e)[:200]
        except Exception as e:  # a reader crash is a defect: counted and listed
            report = None
            res["outcome"] = "crashed"
            res["message"] = f"{type(e).__name__}: {e}"[:300]
        res["seconds"] = time.perf_counter() - t0
        s = score(report, src.truth)
        res.update(determined=s.determined, stated=s.stated, wrong=[list(map(str, w)) for w in s.wrong])
        return res
    except TimeoutError:
        return {**res, "outcome": "crashed", "message": "timeout", "determined": 0, "stated": 0, "wrong": []}
    finally:
        signal.alarm(0)


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    forms: dict[str, dict[str, Any]] = {}
    for group in ("real", "gen"):
        acc: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"docs": 0, "refused": 0, "crashed": 0, "skipped": 0, "cells": 0, "stated": 0, "wrong": 0}
        )
        for r in results:
            if (r["origin"] == "gen") != (group == "gen"):
                continue
            a = acc[r["form"]]
            if "skipped" in r:
                a["skipped"] += 1
                continue
            a["docs"] += 1
            a["refused"] += r["outcome"] == "refused"
            a["crashed"] += r["outcome"] == "crashed"
            a["cells"] += r["determined"]
            a["stated"] += r["stated"]
            a["wrong"] += len(r["wrong"])
        for form, a in acc.items():
            a["stated_pct"] = round(100 * a["stated"] / a["cells"], 2) if a["cells"] else None
            forms.setdefault(form, {})[group] = a
    per_file = {
        f"{r['file']} {r['form']}": {k: r.get(k) for k in ("outcome", "stated", "determined")}
        | {"wrong": len(r.get("wrong", []))}
        for r in results
        if "skipped" not in r
    }
    return {"forms": forms, "files": per_file}


def print_table(summary: dict[str, Any], out: Any = sys.stdout) -> None:
    head = f"{'group':5} {'form':42} {'docs':>5} {'refused':>7} {'crash':>5} {'cells':>7} {'stated':>7} {'wrong':>5} {'stated%':>8}"
    print(head, file=out)
    for group in ("real", "gen"):
        for form in sorted(summary["forms"]):
            a = summary["forms"][form].get(group)
            if not a or not a["docs"]:
                continue
            pct = "-" if a["stated_pct"] is None else f"{a['stated_pct']:.1f}"
            print(
                f"{group:5} {form:42} {a['docs']:5} {a['refused']:7} {a['crashed']:5} {a['cells']:7} "
                f"{a['stated']:7} {a['wrong']:5} {pct:>8}",
                file=out,
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20, help="generated reports (each as HTML, PDF, DOCX)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only-real", action="store_true")
    ap.add_argument("--forms", default="", help="comma-separated substrings: only forms matching one")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--out", type=Path, default=CACHE)
    args = ap.parse_args(argv)

    cache = None if args.no_cache else args.out
    sources = real_sources() + ([] if args.only_real else generated_sources(args.n, cache, args.jobs))
    wanted = [f for f in args.forms.split(",") if f]
    tasks, missing = [], set()
    for src in sources:
        for chain in CHAINS[src.kind]:
            name = form_name(src.kind, chain)
            if wanted and not any(w in name for w in wanted):
                continue
            if not chain_available(chain):
                missing.add(name)
                continue
            tasks.append((src, chain))
    forms_cache = None if args.no_cache else args.out / "forms"
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_form, s, c, forms_cache) for s, c in tasks]
        results = [f.result() for f in futures]
    elapsed = time.perf_counter() - t0

    summary = summarise(results)
    summary.update(
        generated_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        n_generated=0 if args.only_real else args.n,
        real_files=sorted({s.name for s in sources if s.origin != "gen"}),
        forms_missing_tool=sorted(missing),
        seconds=round(elapsed, 1),
    )
    args.out.mkdir(parents=True, exist_ok=True)
    # A partial run (some forms, or ../shared only) never overwrites the full run's files.
    prefix = "partial_" if (wanted or args.only_real) else ""
    summary_path, wrong_path = args.out / f"{prefix}real_summary.json", args.out / f"{prefix}wrong_cells.txt"
    summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), "utf-8")
    lines = ["file\tform\tkey\ttruth\tstated\tstatus"]
    for r in results:
        for key, want, got, status in r.get("wrong", []):
            lines.append(f"{r['file']}\t{r['form']}\t{key}\t{want}\t{got}\t{status}")
    crashes = [
        f"# CRASH {r['file']}\t{r['form']}\t{r['message']}" for r in results if r.get("outcome") == "crashed"
    ]
    wrong_path.write_text("\n".join(lines + crashes) + "\n", "utf-8")

    print_table(summary)
    if missing:
        print(f"skipped (tool missing): {', '.join(sorted(missing))}")
    skipped = [r for r in results if "skipped" in r]
    if skipped:
        print(f"forms a converter could not make: {len(skipped)}")
    total_wrong = sum(len(r.get("wrong", [])) for r in results)
    print(f"{len(results)} forms of {len(sources)} documents in {elapsed:.0f} s; {total_wrong} wrong cells")
    print(f"wrote {summary_path} and {wrong_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
