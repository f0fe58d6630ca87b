"""Damage of the kinds real text extraction produces, each recorded so tests know what happened.

Damage works at three stages: on the printed :class:`Document` (cells lost, run together,
repeated, printed blank; labels spaced, varied, bracketed), on the rendered text (full-width
forms) and on the bytes (UTF-8 BOM, GB18030, CRLF). Every application returns
:class:`Damage` records naming the cells it touched.

*Lossless* kinds change how the report looks but not what can be read from it; a reader should
read it as well as the undamaged text. The others lose or blur printed values: the truth of a
touched cell stays what it was, but a reader may only state it when the identities force it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from gongkai.model.keys import edition
from gongkai.synth import shapes
from gongkai.synth.printed import CONT, SPAN, Document, PRow, PTable

# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Damage:
    kind: str
    addresses: tuple[str, ...] = ()  # the cells whose printed value was lost, blurred or repeated
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "addresses": list(self.addresses), "detail": self.detail}


SHAPE_KINDS = ("appeals_rows", "appeals_transposed", "other_rows_shape", "table_notes")  # applied first
LOSSY_KINDS = (
    "other_rows_shape",
    "drop_number",
    "drop_column",
    "blank_cells",
    "zeros_blank",
    "total_only",
    "empty_rows",
    "glued_digits",
    "duplicate_row",
    "stray_numbers",
    "labels_apart",
)
LOSSLESS_DOC_KINDS = (
    "appeals_rows",
    "appeals_transposed",
    "table_notes",
    "extra_zeros",
    "label_spaces",
    "label_variants",
    "brackets",
    "thousands",
    "page_break",
)
TEXT_KINDS = ("fullwidth",)
BYTES_KINDS = ("bom", "gb18030", "crlf")
LOSSLESS_KINDS = LOSSLESS_DOC_KINDS + TEXT_KINDS + BYTES_KINDS
DAMAGE_KINDS: tuple[str, ...] = LOSSY_KINDS + LOSSLESS_KINDS


def is_lossless(kinds: tuple[str, ...] | list[str]) -> bool:
    return all(k in LOSSLESS_KINDS for k in kinds)


# --- helpers -------------------------------------------------------------------------------


def _pick_row(doc: Document, rng: random.Random, weights: dict[str, float] | None = None) -> PRow | None:
    weights = weights or {"requests": 0.7, "appeals": 0.15, "active_disclosure": 0.15}
    table = rng.choices(list(weights), weights=list(weights.values()))[0]
    rows = [r for r in doc.data_rows(table) if r.cells]
    return rng.choice(rows) if rows else None


def _location(doc: Document, row: PRow) -> tuple[PTable, int]:
    for t in doc.tables():
        for i, r in enumerate(t.rows):
            if r is row:
                return t, i
    raise ValueError("row not in document")  # pragma: no cover


def _is_number(cell: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(?:\.\d+)?", cell))


# --- lossy document damage -----------------------------------------------------------------


def drop_number(doc: Document, rng: random.Random) -> list[Damage]:
    """A number lost in extraction: the row prints one number fewer."""
    row = _pick_row(doc, rng)
    if row is None:
        return []
    i = rng.randrange(len(row.cells))
    row.cells.pop(i)
    row.lost = True
    lost = row.addresses.pop(i)
    return [Damage("drop_number", lost, f"{row.key}: cell {i} lost")]


def drop_column(doc: Document, rng: random.Random) -> list[Damage]:
    """One column lost from every row of the requests table (seed 004 prints six numbers a row)."""
    col = rng.randrange(7)
    lost: list[str] = []
    for r in doc.data_rows("requests"):
        if len(r.cells) == 7 and all(len(a) == 1 for a in r.addresses):
            r.cells.pop(col)
            r.lost = True
            lost += r.addresses.pop(col)
    return [Damage("drop_column", tuple(lost), f"column {col} lost in every row")] if lost else []


def blank_cells(doc: Document, rng: random.Random) -> list[Damage]:
    """Cells printed blank ("/", "—", "-" or nothing): the printed value is gone."""
    out = []
    for _ in range(rng.randint(1, 3)):
        row = _pick_row(doc, rng)
        if row is None:
            continue
        choices = [i for i, a in enumerate(row.addresses) if len(a) == 1 and _is_number(row.cells[i])]
        if not choices:
            continue
        i = rng.choice(choices)
        mark = rng.choice(("/", "—", "-", "", "／", "——"))
        row.cells[i] = mark
        out.append(Damage("blank_cells", row.addresses[i], f"{row.key}: cell {i} printed {mark!r}"))
    return out


def zeros_blank(doc: Document, rng: random.Random) -> list[Damage]:
    """Every zero of the requests table (and, now and then, of the appeals row) printed blank,
    as many agencies fill their tables: "/", "—", "-" or nothing at all."""
    mark = rng.choice(("/", "—", "-", "", "", "／"))
    tables = ("requests", "appeals") if rng.random() < 0.5 else ("requests",)
    lost: list[str] = []
    for t in tables:
        for r in doc.data_rows(t):
            for i, c in enumerate(r.cells):
                if c == "0" and len(r.addresses[i]) == 1:
                    r.cells[i] = mark
                    lost.append(r.addresses[i][0])
    return (
        [Damage("zeros_blank", tuple(lost), f"zeros of {' and '.join(tables)} printed {mark!r}")]
        if lost
        else []
    )


def total_only(doc: Document, rng: random.Random) -> list[Damage]:
    """All-zero request rows printed with only their total, the other cells left blank."""
    rows = _zero_rows(doc)
    out = []
    for r in rng.sample(rows, k=min(len(rows), rng.randint(1, 4))):
        r.cells[:6] = [""] * 6
        out.append(
            Damage("total_only", tuple(a[0] for a in r.addresses[:6]), f"{r.key}: only the total printed")
        )
    return out


def _zero_rows(doc: Document) -> list[PRow]:
    return [
        r
        for r in doc.data_rows("requests")
        if len(r.cells) == 7 and all(c == "0" for c in r.cells) and all(len(a) == 1 for a in r.addresses)
    ]


def empty_rows(doc: Document, rng: random.Random) -> list[Damage]:
    """All-zero request rows printed with no numbers at all (blank merged cells, seed 000)."""
    out = []
    rows = _zero_rows(doc)
    for r in rng.sample(rows, k=min(len(rows), rng.randint(1, 3))):
        r.cells[:] = [""] * 7
        out.append(
            Damage("empty_rows", tuple(a[0] for a in r.addresses), f"{r.key}: printed without numbers")
        )
    return out


def extra_zeros(doc: Document, rng: random.Random) -> list[Damage]:
    """All-zero request rows printed with more zeros than columns (seed 000 prints 11)."""
    out = []
    rows = _zero_rows(doc)
    for r in rng.sample(rows, k=min(len(rows), rng.randint(1, 6))):
        k = rng.randint(1, 4)
        r.cells += ["0"] * k
        r.addresses += [() for _ in range(k)]
        out.append(Damage("extra_zeros", (), f"{r.key}: {7 + k} zeros"))
    return out


def glued_digits(doc: Document, rng: random.Random) -> list[Damage]:
    """Digits of adjacent cells run together with no separator (``230 000023``)."""
    row = _pick_row(doc, rng, {"requests": 0.8, "appeals": 0.2})
    if row is None or len(row.cells) < 2:
        return []
    out = []
    if row.key.startswith("requests") and rng.random() < 0.3 and row.cells[0].isdigit():
        # "…申请数量230 000023": the label runs into the first one or two numbers
        own = max((i for i, s in enumerate(row.labels) if s not in (CONT, SPAN)), default=-1)
        if own < 0:  # no label left to run into (labels_apart took it)
            row.labels.append("")
            own = len(row.labels) - 1
        n = 2 if rng.random() < 0.5 and len(row.cells) > 2 and row.cells[1].isdigit() else 1
        glued = tuple(a for t in row.addresses[:n] for a in t)
        row.labels[own] += "".join(row.cells[:n])
        del row.cells[:n], row.addresses[:n]
        row.lost = True
        out.append(Damage("glued_digits", glued, f"{row.key}: first {n} number(s) glued to the label"))
    for _ in range(rng.randint(1, 3)):
        pairs = [
            i for i in range(len(row.cells) - 1) if row.cells[i].isdigit() and row.cells[i + 1].isdigit()
        ]
        if not pairs:
            break
        i = rng.choice(pairs)
        row.cells[i : i + 2] = [row.cells[i] + row.cells[i + 1]]
        row.addresses[i : i + 2] = [row.addresses[i] + row.addresses[i + 1]]
        row.lost = True
        out.append(Damage("glued_digits", row.addresses[i], f"{row.key}: cells {i},{i + 1} run together"))
    return out


def duplicate_row(doc: Document, rng: random.Random) -> list[Damage]:
    """A row's numbers printed twice: on the same line or as a line of their own after it."""
    row = _pick_row(doc, rng, {"requests": 0.85, "active_disclosure": 0.15})
    if row is None:
        return []
    addresses = tuple(a for t in row.addresses for a in t)
    if rng.random() < 0.5:
        row.cells += row.cells
        row.addresses += [() for _ in row.addresses]
        return [Damage("duplicate_row", addresses, f"{row.key}: numbers repeated on the same line")]
    table, i = _location(doc, row)
    table.rows.insert(i + 1, PRow([], list(row.cells), [() for _ in row.cells], kind="stray"))
    return [Damage("duplicate_row", addresses, f"{row.key}: numbers repeated on the next line")]


def _page_number(rng: random.Random) -> list[str]:
    n = str(rng.randint(1, 12))
    return rng.choice(([n], ["-", n, "-"], ["—", n, "—"], [f"-{n}-"]))


def stray_numbers(doc: Document, rng: random.Random) -> list[Damage]:
    """A stray line of numbers after a row (a page number copied into the table).

    Only in the requests table: after a row of the active-disclosure table, which no identity
    checks, a page number following a row that lost its number would be indistinguishable from
    a number printed on the line after its label (the ``label_line`` layout)."""
    table = doc.table("requests")
    spots = [i + 1 for i, r in enumerate(table.rows) if r.kind == "data"]
    if not spots:
        return []
    i = rng.choice(spots)
    cells = _page_number(rng)
    table.rows.insert(i, PRow([], cells, [() for _ in cells], kind="stray"))
    before = table.rows[i - 1].key
    return [Damage("stray_numbers", (), f"{' '.join(cells)!r} after {before}")]


LABEL_APART_MIN = 8  # labels at least this long wrap in a PDF cell and may be moved out of their row


def _group_start(rows: list[PRow], i: int) -> int | None:
    """The row printing the group label (（三）不予公开) of row ``i``'s group, if it has one."""
    if len(rows[i].labels) != 3 or rows[i].labels[2] in (CONT, SPAN):
        return None
    while i > 0 and len(rows[i - 1].labels) == 3 and rows[i].labels[1] == CONT:
        i -= 1
    return i if rows[i].labels[1] not in (CONT, SPAN) else None


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def labels_apart(doc: Document, rng: random.Random) -> list[Damage]:
    """Long row labels moved out of their rows by a PDF converter (an unseen report's markdown).

    The label of a row whose label wraps in the PDF cell is printed, broken over lines, in a
    paragraph between the table's rows, before its own row or before an earlier row of its group;
    the row keeps its numbers and prints its label cells empty (or none). One paragraph may hold
    the labels of several rows, now and then of rows whose numbers are not adjacent, and the
    group label (（三）不 / 予公开), stacked or run side by side with a row label's lines
    (``（四）无2.没有现成信息需要另`` / ``法提供行制作``). Shorter labels stay in their rows."""
    table = doc.table("requests")
    rows = table.rows

    def movable(i: int) -> bool:
        r = rows[i]
        own = r.label
        return r.kind == "data" and len(own) >= LABEL_APART_MIN and not own[-1].isdigit()

    data = [i for i, r in enumerate(rows) if r.kind == "data"]
    free = [i for i in data if movable(i)]
    starts = {i: _group_start(rows, i) for i in data}
    out: list[Damage] = []
    # (its first row, the row the paragraph goes before, its lines)
    paragraphs: list[tuple[int, PRow, list[str]]] = []
    for _ in range(rng.randint(1, 3)):
        if not free:
            break
        a = rng.choice(free)
        pos = data.index(a)
        members = [a]
        if pos + 1 < len(data) and data[pos + 1] in free and rng.random() < 0.3:
            members.append(data[pos + 1])  # the next row's label as well
        later = [i for i in free if data.index(members[-1]) + 2 <= data.index(i) <= pos + 7]
        if later and rng.random() < 0.4:
            members.append(rng.choice(later))  # a row whose numbers come some rows later
        for m in members:
            free.remove(m)
        lines: list[str] = []
        g = starts[a]
        group = ""
        if (
            g is not None
            and len(rows[g].labels) == 3
            and rows[g].labels[1]
            and (g == a or rng.random() < 0.3)
            and rng.random() < 0.6
        ):
            group, rows[g].labels[1] = rows[g].labels[1], ""
        width = rng.randint(4, 12)
        for n, m in enumerate(members):
            r = rows[m]
            own = max(k for k, s in enumerate(r.labels) if s not in (CONT, SPAN) and s)
            chunks = _wrap(r.labels[own], width)
            r.labels[own] = ""
            if n == 0 and group:
                gw = rng.randint(3, 4)
                pieces = _wrap(group, gw)
                if rng.random() < 0.5:  # the group cell's lines run into the row label's lines
                    k = max(len(pieces), len(chunks))
                    pieces += [""] * (k - len(pieces))
                    chunks = [p + c for p, c in zip(pieces, chunks + [""] * (k - len(chunks)), strict=True)]
                else:
                    lines += pieces
            lines += chunks
            if all(s in (CONT, SPAN, "") for s in r.labels) and rng.random() < 0.5:
                r.labels, r.lost = [], True  # a number row with no label cells at all
        before = a
        if g is not None and rng.random() < 0.3:  # before an earlier row of the group
            before = rng.randint(max(g, a - 3), a)
        paragraphs.append((a, rows[before], lines))
        keys = [rows[m].key for m in members]
        cells = tuple(x for m in members for t in rows[m].addresses for x in t)
        detail = f"labels of {', '.join(keys)} printed before {rows[before].key}" + (
            f" with {group}" if group else ""
        )
        out.append(Damage("labels_apart", cells, detail))
    for _, at, text in sorted(paragraphs, key=lambda p: p[0]):  # in row order where they meet
        i = next(n for n, r in enumerate(table.rows) if r is at)
        table.rows[i:i] = [PRow([x], kind="text") for x in text]
    return out


# --- lossless document damage --------------------------------------------------------------


def page_break(doc: Document, rng: random.Random) -> list[Damage]:
    """The requests table broken over two pages: a page number and the header printed again."""
    table = doc.table("requests")
    data = [i for i, r in enumerate(table.rows) if r.kind == "data"]
    i = rng.choice(data[2:-1]) + 1
    header = [PRow(list(r.labels), kind="header") for r in table.rows if r.kind == "header"]
    cells = [str(rng.randint(1, 12))]
    table.rows[i:i] = [PRow([], cells, [()], kind="stray"), *header]
    return [Damage("page_break", (), f"after {table.rows[i - 1].key}")]


def no_header(doc: Document, rng: random.Random) -> list[Damage]:
    """The requests table copied without its header rows (the copy began below them)."""
    table = doc.table("requests")
    table.rows = [r for r in table.rows if r.kind != "header"]
    return [Damage("no_header", (), "header rows of the requests table left out")]


def label_spaces(doc: Document, rng: random.Random) -> list[Damage]:
    """Spaces inside labels, as PDF copies print them (``商业 企业``, ``1.属于 国家秘密``)."""
    out = []
    rows = [r for t in doc.tables() for r in t.rows if r.kind in ("data", "header")]
    for r in rng.sample(rows, k=min(len(rows), rng.randint(2, 6))):
        slots = [i for i, s in enumerate(r.labels) if s not in (CONT, SPAN) and len(s) >= 4]
        if not slots:
            continue
        i = rng.choice(slots)
        s = r.labels[i]
        cut = rng.randint(2, len(s) - 2)
        r.labels[i] = s[:cut] + " " + s[cut:]
        out.append(Damage("label_spaces", (), f"{r.labels[i]!r}"))
    return out


def label_variants(doc: Document, rng: random.Random) -> list[Damage]:
    """Labels in the variant wording seen in published reports (keys.md)."""
    spec = edition(doc.edition)
    variants: dict[str, str] = {}
    for t in spec.tables:
        for row in t.rows:
            for v in row.variants:
                if v != "总计":
                    variants[row.label] = v
            for c in row.columns:
                for v in c.variants:
                    if v != "法人或其他组织":
                        variants[c.label] = v
    out = []
    for pt in doc.tables():
        for r in pt.rows:
            for i, s in enumerate(r.labels):
                for label, v in variants.items():
                    if s not in (CONT, SPAN) and label in s and rng.random() < 0.8:
                        r.labels[i] = s.replace(label, v)
                        out.append(Damage("label_variants", (), f"{label} → {v}"))
    return out


_BRACKETS = (("〔", "〕"), ("﹝", "﹞"), ("[", "]"), ("【", "】"), ("［", "］"))


def brackets(doc: Document, rng: random.Random) -> list[Damage]:
    """Ordinal brackets printed as 〔〕, ﹝﹞, [] and the like: （一） → 〔一〕."""
    o, c = rng.choice(_BRACKETS)
    pattern = re.compile(r"[（(]([一二三四五六七八九十]+)[）)]")
    n = 0
    for t in doc.tables():
        for r in t.rows:
            for i, s in enumerate(r.labels):
                if s not in (CONT, SPAN):
                    new, k = pattern.subn(rf"{o}\1{c}", s)
                    r.labels[i] = new
                    n += k
    return [Damage("brackets", (), f"{n} ordinals as {o}{c}")]


def thousands(doc: Document, rng: random.Random) -> list[Damage]:
    """Counts of 1000 and more printed with thousands separators (``12,172``)."""
    n = 0
    for r in doc.data_rows():
        for i, s in enumerate(r.cells):
            if s.isdigit() and len(s) > 3 and len(r.addresses[i]) == 1:
                r.cells[i] = f"{int(s):,}"
                n += 1
    return [Damage("thousands", (), f"{n} cells")]


def _shape(kind: str) -> Callable[[Document, random.Random], list[Damage]]:
    def apply(doc: Document, rng: random.Random) -> list[Damage]:
        if kind == "appeals_rows":
            return [Damage(kind, (), shapes.appeals_as_rows(doc))]
        if kind == "appeals_transposed":
            return [Damage(kind, (), shapes.appeals_transposed(doc))]
        if kind == "table_notes":
            return [Damage(kind, (), shapes.table_notes(doc, rng))]
        detail, lost = shapes.other_rows_shape(doc, rng)
        return [Damage(kind, lost, detail)]

    return apply


DOC_DAMAGE: dict[str, Callable[[Document, random.Random], list[Damage]]] = {
    **{k: _shape(k) for k in SHAPE_KINDS},
    "drop_number": drop_number,
    "drop_column": drop_column,
    "no_header": no_header,
    "blank_cells": blank_cells,
    "zeros_blank": zeros_blank,
    "total_only": total_only,
    "empty_rows": empty_rows,
    "extra_zeros": extra_zeros,
    "glued_digits": glued_digits,
    "duplicate_row": duplicate_row,
    "stray_numbers": stray_numbers,
    "labels_apart": labels_apart,
    "page_break": page_break,
    "label_spaces": label_spaces,
    "label_variants": label_variants,
    "brackets": brackets,
    "thousands": thousands,
}

# --- text and bytes ------------------------------------------------------------------------

_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
_DIGITS_FULL = str.maketrans({str(d): chr(ord("０") + d) for d in range(10)} | {".": "．"})


def fullwidth(text: str, rng: random.Random) -> tuple[str, list[Damage]]:
    """Full-width digits (and, now and then, all ASCII punctuation) instead of half-width ones."""
    if rng.random() < 0.5:
        return text.translate(_DIGITS_FULL), [Damage("fullwidth", (), "digits")]
    lines = [ln.translate(_FULLWIDTH) if "|" not in ln and "#" not in ln else ln for ln in text.split("\n")]
    return "\n".join(lines), [Damage("fullwidth", (), "digits and punctuation")]


TEXT_DAMAGE: dict[str, Callable[[str, random.Random], tuple[str, list[Damage]]]] = {"fullwidth": fullwidth}


def encode(text: str, kinds: list[str] | tuple[str, ...]) -> tuple[bytes, list[Damage]]:
    """The bytes a user's file holds: CRLF line ends, GB18030, or a UTF-8 BOM when asked for."""
    out: list[Damage] = []
    if "crlf" in kinds:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        out.append(Damage("crlf"))
    if "gb18030" in kinds:
        out.append(Damage("gb18030"))
        return text.encode("gb18030"), out
    data = text.encode("utf-8")
    if "bom" in kinds:
        out.append(Damage("bom"))
        data = b"\xef\xbb\xbf" + data
    return data, out


def damage_document(doc: Document, kinds: list[str] | tuple[str, ...], rng: random.Random) -> list[Damage]:
    out: list[Damage] = []
    for k in sorted(kinds, key=lambda k: k not in SHAPE_KINDS):  # reshape first, stable otherwise
        if k in DOC_DAMAGE:
            out += DOC_DAMAGE[k](doc, rng)
        elif k not in TEXT_DAMAGE and k not in BYTES_KINDS:
            raise ValueError(f"unknown damage kind {k!r}; choose from {', '.join(DAMAGE_KINDS)}")
    return out


def damage_text(
    text: str, kinds: list[str] | tuple[str, ...], rng: random.Random
) -> tuple[str, list[Damage]]:
    out: list[Damage] = []
    for k in kinds:
        if k in TEXT_DAMAGE:
            text, recs = TEXT_DAMAGE[k](text, rng)
            out += recs
    return text, out
