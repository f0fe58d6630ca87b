"""The forms users meet of a report: what converters make of it and how tables get rearranged.

Converters are the real tools (html2text, trafilatura, inscriptis, html-text, markitdown, pdftotext,
pdftohtml, pypdf, pymupdf4llm, Chromium print-to-PDF, LibreOffice, OpenCC); each is optional: :func:`available`
says whether it can run here, and none is a runtime dependency of gongkai (they are in the ``bench``
extra). Transformations (whitespace removed, columns permuted, 总计 first, a column dropped, zero
cells blank) are done here on the table grid of an HTML page.

Every step maps bytes of one kind (``txt``, ``html``, ``pdf``, ``docx``) to bytes of another;
:func:`derive` runs a chain of steps (``"html2text"``, ``"total_first>chromium_pdf"``) with an
optional on-disk cache. Used by ``bench/bench_real.py`` and ``tests/test_converter_corpus.py``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import random
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from gongkai.model.report import Report

CHROMIUM = "/usr/bin/chromium"
SOFFICE = "soffice"
TOOL_TIMEOUT = 120  # seconds for one external tool run


class ConvertError(Exception):
    """A converter failed or produced nothing (not a reader defect: the form is skipped)."""


# -- decoding ---------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Text of a text or HTML file: UTF-8 (with or without BOM), else GB18030."""
    for codec in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _html_text(data: bytes) -> str:
    """An HTML page as a string, its charset declaration (if any) changed to UTF-8 so that tools
    given the string re-encoded as UTF-8 read it right."""
    m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", data[:4096])
    text = None
    if m:
        try:
            text = data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text = decode(data)
    return re.sub(r"(charset\s*=\s*[\"']?)[A-Za-z0-9_-]+", r"\g<1>utf-8", text, count=1)


# -- converters -------------------------------------------------------------------------------


def _html2text(data: bytes) -> bytes:
    import html2text

    h = html2text.HTML2Text()
    h.body_width = 0
    return h.handle(_html_text(data)).encode("utf-8")


def _trafilatura(data: bytes) -> bytes:
    import trafilatura

    out = trafilatura.extract(_html_text(data), include_tables=True, include_comments=False)
    if not out:
        raise ConvertError("trafilatura extracted nothing")
    return out.encode("utf-8")


def _inscriptis(data: bytes) -> bytes:
    from inscriptis import get_text

    return get_text(_html_text(data)).encode("utf-8")


def _html_text_tool(data: bytes) -> bytes:
    import html_text

    return html_text.extract_text(_html_text(data)).encode("utf-8")


def _markitdown(ext: str) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        from markitdown import MarkItDown, StreamInfo

        payload = _html_text(data).encode("utf-8") if ext == ".html" else data
        result = MarkItDown().convert_stream(
            io.BytesIO(payload), stream_info=StreamInfo(extension=ext, charset="utf-8")
        )
        return result.text_content.encode("utf-8")

    return run


def _run(cmd: list[str], stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(cmd, input=stdin, capture_output=True, timeout=TOOL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as e:
        raise ConvertError(f"{cmd[0]} timed out") from e
    if done.returncode != 0:
        raise ConvertError(f"{cmd[0]} failed: {done.stderr.decode('utf-8', 'replace')[:200]}")
    return done.stdout


def _pdftotext(mode: str) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        return _run(["pdftotext", *([mode] if mode else []), "-enc", "UTF-8", "-", "-"], stdin=data)

    return run


def _pdftohtml_xml(data: bytes) -> bytes:
    """poppler's XML of a PDF: every run of text with its box, in the order the tool met them."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in.pdf"
        src.write_bytes(data)
        return _run(["pdftohtml", "-xml", "-i", "-q", "-stdout", "-enc", "UTF-8", str(src)])


def _pypdf(data: bytes) -> bytes:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages).encode("utf-8")


def _pymupdf4llm(data: bytes) -> bytes:
    import pymupdf
    import pymupdf4llm  # type: ignore[import-untyped]

    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return str(pymupdf4llm.to_markdown(doc, show_progress=False)).encode("utf-8")


def _chromium_pdf(data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d) / "page.html", Path(d) / "out.pdf"
        src.write_text(_html_text(data), encoding="utf-8")
        _run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={d}/profile",
                "--no-pdf-header-footer",
                f"--print-to-pdf={out}",
                src.as_uri(),
            ]
        )
        if not out.is_file() or out.stat().st_size == 0:
            raise ConvertError("chromium wrote no PDF")
        return out.read_bytes()


def _soffice(src_ext: str, target: str, filter_name: str) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / f"in{src_ext}"
            src.write_bytes(_html_text(data).encode("utf-8") if src_ext == ".html" else data)
            _run(
                [
                    SOFFICE,
                    f"-env:UserInstallation={Path(d, 'profile').as_uri()}",
                    "--headless",
                    "--convert-to",
                    f"{target}:{filter_name}",
                    "--outdir",
                    d,
                    str(src),
                ]
            )
            out = Path(d) / f"in.{target}"
            if not out.is_file() or out.stat().st_size == 0:
                raise ConvertError(f"soffice wrote no {target}")
            return out.read_bytes()

    return run


def _s2t(data: bytes) -> bytes:
    from opencc import OpenCC

    return OpenCC("s2t").convert(decode(data)).encode("utf-8")


def _no_whitespace(data: bytes) -> bytes:
    return re.sub(r"\s+", "", decode(data)).encode("utf-8")


# -- the page as crawlers and CMSs keep it -----------------------------------------------------


def _body(data: bytes) -> etree._Element:
    doc = lxml_html.document_fromstring(_html_text(data))
    for bad in [el for el in doc.iter("script", "style", "head")]:
        _drop(bad)
    body = doc.find("body")
    return body if body is not None else doc


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _fragment(data: bytes) -> bytes:
    """The body's content alone: no ``<html>``, ``<head>`` or ``<body>`` (an HTML fragment)."""
    body = _body(data)
    inner = (body.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in body)
    return inner.encode("utf-8")


_NO_BORDERS = "<style>table,tr,td,th{border:none !important;border-collapse:collapse}</style>"


def _no_borders(data: bytes) -> bytes:
    """The page with its tables drawn without rules (``border="0"`` and no CSS borders), as some
    portals style them: printed to PDF, the cells have no lines to tell them apart."""
    text = re.sub(
        r"(<table\b[^>]*?)\sborder\s*=\s*[\"']?\d+[\"']?", r"\1", _html_text(data), flags=re.IGNORECASE
    )
    head = re.search(r"</head\s*>", text, re.IGNORECASE)
    if head is None:
        return (_NO_BORDERS + text).encode("utf-8")
    return (text[: head.start()] + _NO_BORDERS + text[head.start() :]).encode("utf-8")


def _js_string(data: bytes) -> bytes:
    """The page's body kept inside a JavaScript string literal, as some portals ship their content:
    quotes escaped, line breaks as ``\\n``, spaces as ``&nbsp;``."""
    inner = _fragment(data).decode("utf-8").replace("\u00a0", "&nbsp;")
    literal = inner.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="content"></div>'
        f'<script>var content = "{literal}";document.getElementById("content").innerHTML = content;</script>'
        "</body></html>"
    ).encode()


def _md_html_tables(data: bytes) -> bytes:
    """Markdown-like text with the tables left as HTML (what several HTML→markdown tools emit for
    tables with merged cells)."""
    lines: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "table":
                lines.append(lxml_html.tostring(child, encoding="unicode").strip())
            elif child.find(".//table") is not None:
                if child.text and child.text.strip():
                    lines.append(child.text.strip())
                walk(child)
            else:
                text = " ".join("".join(str(x) for x in child.itertext()).split())
                if text:
                    lines.append(("## " if child.tag in ("h1", "h2", "h3") else "") + text)
            if child.tail and child.tail.strip():
                lines.append(child.tail.strip())

    walk(_body(data))
    return "\n\n".join(lines).encode("utf-8")


# -- table transformations on an HTML grid ----------------------------------------------------

NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
EMPTY = {"", "-", "—", "/", "／", "无"}


@dataclass
class Grid:
    """One HTML table as a full grid: ``cells[r][c]`` is the index of the printed cell covering
    it (``-1`` where a short row leaves a hole); ``texts[i]`` and ``tags[i]`` describe cell ``i``."""

    cells: list[list[int]]
    texts: list[str]
    tags: list[str]

    @property
    def width(self) -> int:
        return max((len(r) for r in self.cells), default=0)


def _rows(table: etree._Element) -> list[etree._Element]:
    return [tr for tr in table.iter("tr") if _owner(tr) is table]


def _owner(el: etree._Element) -> etree._Element | None:
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _span(el: etree._Element, attr: str) -> int:
    try:
        return max(1, min(int(str(el.get(attr, "1")).strip() or 1), 100))
    except ValueError:
        return 1


def grid_of(table: etree._Element) -> Grid:
    cells: list[list[int]] = []
    texts: list[str] = []
    tags: list[str] = []
    for r, tr in enumerate(_rows(table)):
        while len(cells) <= r:
            cells.append([])
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while c < len(cells[r]) and cells[r][c] != -1:
                c += 1
            i = len(texts)
            texts.append(" ".join("".join(str(x) for x in td.itertext()).split()))
            tags.append(str(td.tag))
            for dr in range(_span(td, "rowspan")):
                while len(cells) <= r + dr:
                    cells.append([])
                row = cells[r + dr]
                for dc in range(_span(td, "colspan")):
                    while len(row) <= c + dc:
                        row.append(-1)
                    row[c + dc] = i
            c += _span(td, "colspan")
    width = max((len(r) for r in cells), default=0)
    for row in cells:
        row.extend([-1] * (width - len(row)))
    return Grid(cells, texts, tags)


def _is_number(text: str) -> bool:
    return bool(NUMBER.match(text.replace(",", "")))


def data_rows(g: Grid) -> list[int]:
    return [r for r, row in enumerate(g.cells) if any(i >= 0 and _is_number(g.texts[i]) for i in row)]


def numeric_columns(g: Grid) -> list[int]:
    """The columns right of every column that holds text (a label) in the rows holding numbers."""
    rows = data_rows(g)
    labels = [
        c
        for c in range(g.width)
        for r in rows
        if g.cells[r][c] >= 0
        and not _is_number(g.texts[g.cells[r][c]])
        and g.texts[g.cells[r][c]] not in EMPTY
    ]
    return list(range(max(labels, default=-1) + 1, g.width))


def header_rows(g: Grid) -> list[int]:
    rows = set(data_rows(g))
    return [r for r in range(len(g.cells)) if r not in rows]


def emit(g: Grid, order: list[int]) -> etree._Element:
    """The table with new column ``order`` (old column indexes; a column left out is dropped):
    each printed cell becomes one cell per run of adjacent columns it still covers."""
    table = lxml_html.Element("table", border="1")
    tbody = etree.SubElement(table, "tbody")
    done: set[tuple[int, int]] = set()
    for r, row in enumerate(g.cells):
        tr = etree.SubElement(tbody, "tr")
        for pos, c in enumerate(order):
            i = row[c]
            if (r, pos) in done:
                continue
            if i < 0:
                etree.SubElement(tr, "td")
                continue
            width = 1
            while pos + width < len(order) and row[order[pos + width]] == i:
                width += 1
            height = 1
            while (
                r + height < len(g.cells)
                and all(g.cells[r + height][order[p]] == i for p in range(pos, pos + width))
                and (r + height, pos) not in done
            ):
                height += 1
            for dr in range(height):
                for dc in range(width):
                    done.add((r + dr, pos + dc))
            td = etree.SubElement(tr, g.tags[i])
            td.text = g.texts[i]
            if width > 1:
                td.set("colspan", str(width))
            if height > 1:
                td.set("rowspan", str(height))
    return table


def _kind(g: Grid) -> str:
    text = "".join(g.texts)
    if "自然人" in text:
        return "requests"
    if "行政复议" in text and "行政诉讼" in text:
        return "appeals"
    return "other"


def _is_total(text: str) -> bool:
    return "总计" in text or "合计" in text


def _total_columns(g: Grid, cols: list[int]) -> set[int]:
    out = set()
    for c in cols:
        for r in header_rows(g):
            i = g.cells[r][c]
            if i >= 0 and _is_total(g.texts[i]):
                out.add(c)
    return out


def _transform_tables(data: bytes, fn: Callable[[Grid, str, random.Random], etree._Element | None]) -> bytes:
    doc = lxml_html.document_fromstring(_html_text(data))
    rng = random.Random(hashlib.sha256(data).digest())
    changed = 0
    for table in list(doc.iter("table")):
        if table.find(".//table") is not None:
            continue  # a layout table around others
        g = grid_of(table)
        if len(numeric_columns(g)) < 3 or not data_rows(g):
            continue
        new = fn(g, _kind(g), rng)
        if new is None:
            continue
        new.tail = table.tail
        parent = table.getparent()
        if parent is not None:
            parent.replace(table, new)
            changed += 1
    if not changed:
        raise ConvertError("no table to transform")
    return lxml_html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>").encode("utf-8")


def _split_table(data: bytes) -> bytes:
    """The requests table split in two before its row （四）无法提供 (a page break in Word, a
    second table in a web page): the second part has no header, and its rows lack the column
    of the 三、本年度办理结果 cell merged over the rows of the first part, so its columns sit
    elsewhere."""
    doc = lxml_html.document_fromstring(_html_text(data))
    for table in doc.iter("table"):
        trs = [tr for tr in table.iter("tr")]
        cut = next((i for i, tr in enumerate(trs) if "无法提供" in "".join(map(str, tr.itertext()))), None)
        if cut is None or cut < 3 or table.find(".//table") is not None:
            continue
        second = lxml_html.Element("table", border=table.get("border", "1"))
        body = etree.SubElement(second, "tbody")
        for tr in trs[cut:]:
            body.append(tr)  # lxml moves the element out of its table
        gap = lxml_html.Element("p")
        gap.text = "\u00a0"
        table.addnext(gap)
        gap.addnext(second)
        return lxml_html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>").encode("utf-8")
    raise ConvertError("no requests table to split")


def _label_columns(g: Grid, nums: list[int]) -> list[int]:
    return [c for c in range(g.width) if c not in nums]


def _permute(g: Grid, kind: str, rng: random.Random) -> etree._Element | None:
    nums = numeric_columns(g)
    shuffled = nums[:]
    while shuffled == nums:
        rng.shuffle(shuffled)
    return emit(g, _label_columns(g, nums) + shuffled)


def _total_first(g: Grid, kind: str, rng: random.Random) -> etree._Element | None:
    """Every 总计 column moved to the front of the group its header sits in (the header cell just
    above it: 行政复议, 未经复议直接起诉, ...; the whole table where there is none)."""
    nums = numeric_columns(g)
    order = nums[:]
    heads = header_rows(g)
    for c in sorted(_total_columns(g, nums)):
        top = next(r for r in heads if g.cells[r][c] >= 0 and _is_total(g.texts[g.cells[r][c]]))
        parent = g.cells[top - 1][c] if top > 0 else -1
        group = [x for x in order if parent < 0 or g.cells[top - 1][x] == parent]
        order.remove(c)
        order.insert(order.index(group[0]) if group[0] != c else order.index(group[1]), c)
    if order == nums:
        return None
    return emit(g, _label_columns(g, nums) + order)


def _drop_column(g: Grid, kind: str, rng: random.Random) -> etree._Element | None:
    """One applicant column of the requests table dropped: every cell of it stays determined by
    its row's 总计 (the identities of the table)."""
    if kind != "requests":
        return None
    nums = numeric_columns(g)
    totals = _total_columns(g, nums)
    drop = rng.choice([c for c in nums if c not in totals] or nums)
    return emit(g, [c for c in range(g.width) if c != drop])


def _blank_zeros(g: Grid, kind: str, rng: random.Random) -> etree._Element | None:
    """Every 0 of the requests and appeals tables printed as an empty cell (kept by the identities
    and non-negative counts)."""
    if kind not in ("requests", "appeals"):
        return None
    nums = set(numeric_columns(g))
    for r in data_rows(g):
        for c in nums:
            i = g.cells[r][c]
            if i >= 0 and g.texts[i] == "0":
                g.texts[i] = ""
    return emit(g, list(range(g.width)))


# -- the steps --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    takes: tuple[str, ...]  # input kinds
    gives: str  # output kind ("same" keeps the input's kind)
    run: Callable[[bytes], bytes]
    needs: tuple[str, ...] = ()  # modules (``mod:``) or executables that must be present
    cached: bool = True  # transformations here are cheap and change with this code: not cached


STEPS: dict[str, Step] = {
    s.name: s
    for s in (
        Step("html2text", ("html",), "txt", _html2text, ("mod:html2text",)),
        Step("trafilatura", ("html",), "txt", _trafilatura, ("mod:trafilatura",)),
        Step("inscriptis", ("html",), "txt", _inscriptis, ("mod:inscriptis",)),
        Step("html_text", ("html",), "txt", _html_text_tool, ("mod:html_text",)),
        Step("markitdown_html", ("html",), "txt", _markitdown(".html"), ("mod:markitdown",)),
        Step("markitdown_pdf", ("pdf",), "txt", _markitdown(".pdf"), ("mod:markitdown", "mod:pdfminer")),
        Step("markitdown_docx", ("docx",), "txt", _markitdown(".docx"), ("mod:markitdown", "mod:mammoth")),
        Step("pdftotext_layout", ("pdf",), "txt", _pdftotext("-layout"), ("pdftotext",)),
        Step("pdftotext_raw", ("pdf",), "txt", _pdftotext("-raw"), ("pdftotext",)),
        Step("pdftotext_plain", ("pdf",), "txt", _pdftotext(""), ("pdftotext",)),
        # copies that keep every word's box (read by their places, as a PDF is)
        Step("pdftotext_bbox", ("pdf",), "html", _pdftotext("-bbox-layout"), ("pdftotext",)),
        Step("pdftohtml_xml", ("pdf",), "html", _pdftohtml_xml, ("pdftohtml",)),
        Step("pypdf", ("pdf",), "txt", _pypdf, ("mod:pypdf",)),
        Step("pymupdf4llm", ("pdf",), "txt", _pymupdf4llm, ("mod:pymupdf4llm",)),
        Step("chromium_pdf", ("html",), "pdf", _chromium_pdf, (CHROMIUM,)),
        Step("soffice_docx", ("html",), "docx", _soffice(".html", "docx", "MS Word 2007 XML"), (SOFFICE,)),
        # a Word document exported as PDF (what most agencies publish); a table wider than the
        # page runs past its edge, as Word and WPS export it
        Step("soffice_pdf", ("docx",), "pdf", _soffice(".docx", "pdf", "writer_pdf_Export"), (SOFFICE,)),
        Step("s2t", ("txt", "html"), "same", _s2t, ("mod:opencc",)),
        Step("fragment", ("html",), "html", _fragment, cached=False),
        Step("no_borders", ("html",), "html", _no_borders, cached=False),
        Step("js_string", ("html",), "html", _js_string, cached=False),
        Step("md_html_tables", ("html",), "txt", _md_html_tables, cached=False),
        Step("no_whitespace", ("txt",), "txt", _no_whitespace, cached=False),
        Step("permute_columns", ("html",), "html", lambda d: _transform_tables(d, _permute), cached=False),
        Step("total_first", ("html",), "html", lambda d: _transform_tables(d, _total_first), cached=False),
        Step("drop_column", ("html",), "html", lambda d: _transform_tables(d, _drop_column), cached=False),
        Step("blank_zeros", ("html",), "html", lambda d: _transform_tables(d, _blank_zeros), cached=False),
        Step("split_table", ("html",), "html", _split_table, cached=False),
    )
}


# every step that turns a PDF into text (or into a copy that keeps each word's box)
PDF_EXTRACTORS = (
    "pdftotext_layout",
    "pdftotext_raw",
    "pdftotext_plain",
    "pdftotext_bbox",
    "pdftohtml_xml",
    "pypdf",
    "pymupdf4llm",
    "markitdown_pdf",
)


def available(step: str) -> bool:
    """Whether every tool ``step`` needs is present (a missing one skips the form)."""
    for need in STEPS[step].needs:
        if need.startswith("mod:"):
            if importlib.util.find_spec(need[4:]) is None:
                return False
        elif shutil.which(need) is None:
            return False
    return True


def chain_available(chain: str) -> bool:
    return all(available(s) for s in chain.split(">") if s)


def chain_kind(kind: str, chain: str) -> str:
    """The kind of bytes ``chain`` makes of ``kind``; ValueError when a step does not take it."""
    for name in (s for s in chain.split(">") if s):
        step = STEPS[name]
        if kind not in step.takes:
            raise ValueError(f"{name} does not take {kind}")
        kind = kind if step.gives == "same" else step.gives
    return kind


def derive(data: bytes, kind: str, chain: str, cache: Path | None = None) -> bytes:
    """``data`` (of ``kind``) through every step of ``chain`` (``""`` = unchanged), each result
    cached under ``cache`` by the hash of its input. Raises :class:`ConvertError`."""
    for name in (s for s in chain.split(">") if s):
        step = STEPS[name]
        if kind not in step.takes:
            raise ValueError(f"{name} does not take {kind}")
        key = hashlib.sha256(data).hexdigest()[:24]
        path = cache / name / key if cache is not None and step.cached else None
        if path is not None and path.is_file():
            data = path.read_bytes()
        elif path is not None and path.with_suffix(".err").is_file():
            raise ConvertError(path.with_suffix(".err").read_text(encoding="utf-8"))
        else:
            try:
                data = step.run(data)
            except ConvertError as e:
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.with_suffix(".err").write_text(str(e), encoding="utf-8")
                raise
            except Exception as e:  # a converter's own failure: the form is skipped, not a reader defect
                raise ConvertError(f"{name}: {type(e).__name__}: {e}") from e
            if not data.strip():
                raise ConvertError(f"{name} produced nothing")
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(data)
                tmp.replace(path)
        kind = kind if step.gives == "same" else step.gives
    return data


# -- scoring against a truth ------------------------------------------------------------------

TruthCells = dict[
    str, "int | str | None"
]  # address → value (amounts as decimal strings); None = undetermined


def truth_cells(report: Report) -> TruthCells:
    """The truth of a generated report: every cell's value (amounts as decimal strings)."""
    out: TruthCells = {}
    for t, rows in report.tables.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                v = cell.value
                out[f"{t}.{r}.{c}"] = None if v is None else format(v, "f") if isinstance(v, Decimal) else v
    return out


@dataclass
class Score:
    determined: int = 0  # cells the truth gives a value
    stated: int = 0  # of those, read or inferred and equal to the truth
    wrong: list[tuple[str, object, object, str]] = field(default_factory=list)  # key, truth, stated, status


def _equal(got: object, want: object) -> bool:
    if want is None or got is None or isinstance(got, bool):
        return False
    try:
        return Decimal(str(got)) == Decimal(str(want))
    except ArithmeticError:
        return False


def score(report: Report | None, truth: TruthCells) -> Score:
    """A stated (read or inferred) cell is wrong when it differs from the truth, when the truth says
    the source does not determine it (None), or, for ``read``, when the truth does not list it (not
    in the source). ``report`` None (refused) states nothing."""
    s = Score(determined=sum(v is not None for v in truth.values()))
    if report is None:
        return s
    for t, rows in report.tables.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                status = str(cell.status)
                if status not in ("read", "inferred"):
                    continue
                key = f"{t}.{r}.{c}"
                got = format(cell.value, "f") if isinstance(cell.value, Decimal) else cell.value
                if key not in truth:
                    if status == "read":
                        s.wrong.append((key, "<absent>", got, status))
                elif _equal(got, truth[key]):
                    s.stated += 1
                else:
                    s.wrong.append((key, truth[key], got, status))
    return s
