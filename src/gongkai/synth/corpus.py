"""A generated corpus in every format: random valid reports written by the project's writers
and by variations of them (tables flattened into paragraphs, label variants), each with its truth.

Used by ``tests/test_corpus_formats.py`` at a small size and by ``bench/bench_formats.py`` in full.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import html as lxml_html

from gongkai.model.report import Report
from gongkai.synth.generate import generate_report

# Label variants seen in published reports (keys.md), applied to the written text.
LABEL_VARIANTS = (
    ("社会公益组织", "社会组织"),
    ("其他法律行政法规禁止公开", "其他法律法规禁止公开"),
    ("（", "("),
    ("）", ")"),
)

TEXT_FORMATS = ("txt", "md", "html", "html_flat", "html_variants", "txt_variants")
OFFICE_FORMATS = ("docx", "xlsx")
ALL_FORMATS = (*TEXT_FORMATS, *OFFICE_FORMATS, "pdf")


@dataclass(frozen=True)
class Document:
    fmt: str  # one of ALL_FORMATS
    name: str
    data: bytes
    truth: Report


def _variants(text: str) -> str:
    for a, b in LABEL_VARIANTS:
        text = text.replace(a, b)
    return text


def flatten_tables(page: str) -> str:
    """The page with every table row turned into a paragraph of space-separated cells, as CMS
    editors often publish tables pasted from Word."""
    doc = lxml_html.document_fromstring(page)
    for table in doc.iter("table"):
        paragraphs = []
        for tr in table.iter("tr"):
            cells = [" ".join(td.text_content().split()) for td in tr if td.tag in ("td", "th")]  # type: ignore[attr-defined]
            p = lxml_html.Element("p")
            p.text = " ".join(c for c in cells if c)
            paragraphs.append(p)
        parent = table.getparent()
        if parent is None:
            continue
        at = parent.index(table)
        parent.remove(table)
        for i, p in enumerate(paragraphs):
            parent.insert(at + i, p)
    return lxml_html.tostring(doc, encoding="unicode")


def render(report: Report, fmt: str) -> bytes:
    """``report`` written as ``fmt`` (see :data:`ALL_FORMATS`)."""
    from gongkai.write import write_report

    if fmt in ("txt", "md", "html", "docx", "pdf"):
        return write_report(report, fmt)
    if fmt == "html_flat":
        return flatten_tables(write_report(report, "html").decode("utf-8")).encode("utf-8")
    if fmt == "html_variants":
        return _variants(write_report(report, "html").decode("utf-8")).encode("utf-8")
    if fmt == "txt_variants":
        return _variants(write_report(report, "txt").decode("utf-8")).encode("gb18030")
    if fmt == "xlsx":
        from gongkai.write.template import write_template

        return write_template(report=report)
    raise ValueError(f"unknown corpus format {fmt!r}")


def documents(n: int, formats: tuple[str, ...], seed: int = 0) -> Iterator[Document]:
    """``n`` random reports (both editions, every number profile), each written in ``formats``."""
    rng = random.Random(seed)
    for i in range(n):
        truth = generate_report(random.Random(rng.getrandbits(64)))
        for fmt in formats:
            yield Document(fmt, f"corpus-{i:05d}.{fmt}", render(truth, fmt), truth)
