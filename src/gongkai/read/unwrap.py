"""Inputs met in practice, unwrapped before their format is read.

A report reaches gongkai in wrappings its readers should not have to know about:

* **HTML kept inside a JavaScript string**: a page whose report is a string in a ``<script>``
  (``var content = "<p>一、总体情况<\\/p>\\n<table border=\\"1\\">…"``), or a crawler's file that
  holds only such a string: quotes escaped (``\\"``), line breaks as ``\\n``, tags as
  ``\\u003c``/``\\u003e`` or ``<\\/p>``. The strings that hold the report are decoded and become
  the page (the page's ``<title>`` is kept).
* **HTML fragments** (no ``<html>``/``<body>``; ``<p>``, ``<div>``, ``<span>`` … from a CMS's
  content field): read as HTML.
* **HTML tables inside markdown or text** (what some converters and editors emit): the lines
  outside the tables become paragraphs of their own and the tables stay tables, so they are
  read as grids.
* **Text with HTML entities** (``&nbsp;``, ``&lt;``, ``&#12290;``): decoded.

:func:`unwrap` takes the bytes and the sniffed format and gives back the bytes and format to
read; anything else is returned unchanged, at the cost of a few regular-expression scans.
The HTML reader calls :func:`unwrap_js` itself, so a page read by
:func:`gongkai.read.html.read_html` directly is unwrapped too. Positions (``at``) then refer to
the unwrapped document.
"""

from __future__ import annotations

import codecs
import csv
import html
import re

from gongkai.read.decode import decode_text

# --- JavaScript strings ----------------------------------------------------------------------------

_ESCAPED_MARKUP = re.compile(r"\\u003[cC]|\\x3[cC]|<\\/[a-zA-Z]|=\\\"|\\[\"']>", re.ASCII)
# a literal that opens with markup as it is (a tag with no attribute, "</p>" not escaped)
_LITERAL_MARKUP = re.compile(r"""["'](?:\\[nrt]|\s)*<(?:p|div|table|span|section|article|h[1-6])\b""", re.I)
# a literal opens at a quote no backslash escapes (an escaped one is inside a string already)
_JS_STRING = re.compile(  # possessive: a literal that never closes fails without backtracking
    r'(?<!\\)"((?:[^"\\\n]|\\.){40,}+)"|(?<!\\)\'((?:[^\'\\\n]|\\.){40,}+)\'', re.DOTALL
)
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_SIMPLE_ESCAPES = {
    "n": "\n",
    "r": "\n",
    "t": "\t",
    "b": "",
    "f": "\n",
    "v": "\n",
    "0": "",
    "\n": "",
    "\r\n": "",
}
_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|span|table|tr|td|th|br|h[1-6]|font|strong|b|section|article|li|ul|ol|tbody)\b", re.I
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)


def js_unescape(s: str) -> str:
    """A JavaScript (or JSON) string literal's content, decoded."""

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[e]
        if e.startswith("u{"):
            return chr(min(int(e[2:-1], 16), 0x10FFFF))
        if e[0] in "ux" and len(e) > 1:
            return chr(int(e[1:], 16))
        return e  # \" \' \\ \/ and any other character stand for themselves

    out = _JS_ESCAPE.sub(one, s)
    # surrogate pairs written as two \\u escapes
    return out.encode("utf-16", "surrogatepass").decode("utf-16", "replace") if _has_surrogates(out) else out


def _has_surrogates(s: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in s)


def _cjk(s: str) -> int:
    """About how many Chinese characters ``s`` holds (its characters outside ASCII; cheap)."""
    return (len(s.encode("utf-8", "surrogatepass")) - len(s)) // 2


def unwrap_js(text: str) -> str | None:
    """The HTML a document keeps in JavaScript strings, when that is where its text is; else None."""
    if not _ESCAPED_MARKUP.search(text) and not _LITERAL_MARKUP.search(text):
        return None
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _JS_STRING.finditer(text):
        body = m.group(1) if m.group(1) is not None else m.group(2)
        decoded = js_unescape(body)
        if _TAG.search(decoded) and _cjk(decoded) >= 20:
            pieces.append(decoded)
            spans.append(m.span())
    if not pieces:
        if _looks_escaped(text):  # the string itself, without its quotes
            return js_unescape(text)
        return None
    if sum(_cjk(p) for p in pieces) <= _cjk_outside(text, spans):
        return None  # the page's own text is the report; the strings are something else
    title = _TITLE.search(text)
    head = f"<head><title>{title.group(1)}</title></head>" if title else ""
    return f"<html>{head}<body>\n" + "\n".join(pieces) + "\n</body></html>"


MIN_JS_TEXT = 200  # Chinese characters a string must hold to be taken for the report's text


def js_text(text: str) -> str | None:
    """The report kept as plain text (no markup) in a JavaScript string of a page whose own text
    holds less (``var content = "标题…\\n一、总体情况\\n…"`` under an empty ``<div>``), with its
    entities (&nbsp;) decoded; else None. Read as text, not as a page: its tab-separated tables
    keep no merged cells, so their cell indexes do not line up with their headers."""
    if "<script" not in text.lower():
        return None
    best: tuple[int, str] | None = None
    spans: list[tuple[int, int]] = []
    for m in _JS_STRING.finditer(text):
        body = m.group(1) if m.group(1) is not None else m.group(2)
        if "\\n" not in body:
            continue
        decoded = js_unescape(body)
        n = _cjk(decoded)
        if n < MIN_JS_TEXT or _TAG.search(decoded) or decoded.count("\n") < 3:
            continue
        spans.append(m.span())
        if best is None or n > best[0]:
            best = (n, decoded)
    if best is None or _cjk_outside(text, spans) >= best[0]:
        return None  # none, or the page's own text is the report
    plain = best[1]
    return html.unescape(plain) if _ENTITY.search(plain) else plain


def _cjk_outside(text: str, spans: list[tuple[int, int]]) -> int:
    """About how many Chinese characters the page's own text holds outside the string literals
    at ``spans`` (its markup left out)."""
    rest, last = [], 0
    for a, b in spans:
        rest.append(text[last:a])
        last = b
    rest.append(text[last:])
    return _cjk(_TAG.sub(" ", "".join(rest)))


def _looks_escaped(text: str) -> bool:
    """A whole document written as a string's content: many ``\\n`` or ``\\"`` and hardly a real
    line break."""
    escapes = text.count("\\n") + text.count('\\"') + text.count("\\u003")
    return escapes >= 10 and text.count("\n") * 5 < escapes


# --- HTML fragments and tables inside markdown ---------------------------------------------------

_TABLE_BLOCK = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_PAGE_BYTES = re.compile(rb"<(?:!doctype|html|head|body)\b", re.I)
_TABLE_OPEN = re.compile(r"<table\b", re.I)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.I)
_PAGE = re.compile(r"<(?:!doctype|html|head|body)\b", re.I)
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)
_ENTITY = re.compile(
    r"&(?:nbsp|lt|gt|amp|quot|ensp|emsp|ldquo|rdquo|hellip|mdash|#\d{2,6}|#x[0-9a-fA-F]{2,5});"
)


def looks_like_html(text: str) -> bool:
    """Markup throughout: a page or a fragment of one (not text that quotes a tag or two, nor
    markdown whose table cells break lines with ``<br>``, as PDF converters write them)."""
    sample = _LINE_BREAK_TAG.sub(" ", text[:65536])
    if sample.count("<") < 5:
        return False
    tags = len(_TAG.findall(sample))
    if tags < 5:
        return False
    if _TAG.match(sample.lstrip()):
        return True
    lines = [x for x in sample.splitlines() if x.strip()]
    tagged = sum(1 for x in lines if _TAG.search(x))
    return tagged * 2 >= len(lines) or tags * 40 >= _cjk(sample)


def tables_in_text(text: str) -> str | None:
    """Text (markdown) whose tables are HTML: as a page, each text line a paragraph, else None."""
    if _PAGE.search(text[:4096]) or not _TABLE_OPEN.search(text) or not _TABLE_CLOSE.search(text):
        return None  # a page, or no table (checked first: the block search is then linear)
    if not _TABLE_BLOCK.search(text):
        return None  # a page, or no table
    outside = _TABLE_BLOCK.sub("", text)
    if _PAGE.search(outside) or len(_TAG.findall(outside)) > max(3, outside.count("\n") // 10):
        return None  # the text between the tables is markup too: a fragment, read as HTML
    out: list[str] = []
    last = 0
    for m in _TABLE_BLOCK.finditer(text):
        out.extend(_paragraphs(text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.extend(_paragraphs(text[last:]))
    return "<html><body>\n" + "\n".join(out) + "\n</body></html>"


def _paragraphs(text: str) -> list[str]:
    return [f"<p>{html.escape(line.strip(), quote=False)}</p>" for line in text.splitlines() if line.strip()]


# --- entry point ----------------------------------------------------------------------------------


# --- a spreadsheet saved as CSV ------------------------------------------------------------------

CSV_SHARE = 0.6  # of the non-empty lines that must be rows of two or more cells


def csv_as_cells(text: str, name: str = "-") -> str | None:
    """A workbook saved as CSV (Excel or Calc: ``"一、本年新收…",,,28,0,…``) as lines of
    tab-separated cells, the empty ones kept in their places (trailing ones dropped); None when
    the text is no CSV: most of its lines must parse as rows of two or more cells and a quoted
    field or a run of empty cells (``,,``) must show the format, unless the name says .csv."""
    all_lines = text.splitlines()
    lines = [ln for ln in all_lines if ln.strip()]
    if not lines or (not name.lower().endswith(".csv") and not any('",' in ln or ",," in ln for ln in lines)):
        return None
    try:
        rows = list(csv.reader(all_lines))
    except csv.Error:  # a field beyond the module's limit, a stray NUL: no CSV to read
        return None
    wide = sum(len(r) >= 2 for r in rows if any(c.strip() for c in r))
    if wide < CSV_SHARE * len(lines):
        return None
    out = []
    for r in rows:
        cells = [c.replace("\t", " ").replace("\n", " ").strip() for c in r]
        while cells and not cells[-1]:
            cells.pop()
        out.append("\t".join(cells))
    return "\n".join(out)


def _as_bytes(text: str) -> bytes:
    return codecs.BOM_UTF8 + text.encode("utf-8")


def unwrap(data: bytes, fmt: str, name: str = "-") -> tuple[bytes, str]:
    """The document to read and its format, for a sniffed ``text`` or ``html`` input."""
    if fmt == "html":  # the HTML reader itself takes a report out of a JavaScript string
        if _PAGE_BYTES.search(data[:4096]):
            return data, fmt  # a whole page: nothing to unwrap here
        from gongkai.read.html import decode_html

        text, _ = decode_html(data, name)
        inner = tables_in_text(text)  # markdown whose first table came early
        return (_as_bytes(inner), "html") if inner is not None else (data, fmt)
    if fmt != "text":
        return data, fmt
    text, _ = decode_text(data, name)
    changed = False
    inner = unwrap_js(text)
    if inner is not None:
        text, changed = inner, True
    if len(_ENTITY.findall(text[:65536])) >= 3 and not looks_like_html(text):
        text, changed = html.unescape(text), True
    cells = csv_as_cells(text, name)
    if cells is not None:
        return _as_bytes(cells), "text"
    page = tables_in_text(text)
    if page is not None:
        return _as_bytes(page), "html"
    if looks_like_html(text):
        return _as_bytes(text), "html"
    return (_as_bytes(text), "text") if changed else (data, fmt)


__all__ = [
    "csv_as_cells",
    "js_text",
    "js_unescape",
    "looks_like_html",
    "tables_in_text",
    "unwrap",
    "unwrap_js",
]
