"""A printed report as the text a user gets by copying it from a PDF or a web page.

Each layout imitates what the seed reports show:

``tab``            tab-separated rows, group labels in merged cells (seeds 000, 002, 004)
``markdown_tab``   markdown headings (``#``, ``##``) and tab-separated tables (seed 001)
``pipe_lines``     one cell per line ending in `` |``, runs of empty cells as ``|||`` (seed 003)
``spaces``         PDF copy: cells separated by one or more spaces
``markdown_pipe``  markdown pipe tables ``| a | b |`` with a ``|---|`` rule
``label_line``     each row label on its own line, its numbers on the next
``wrapped``        PDF copy of narrow cells: labels wrapped over lines (三、本年度办理 / 结果, long
                   （六） labels broken mid-text), header rows broken over lines, truncated headers

Layouts never lose a value: what is lost comes from :mod:`gongkai.synth.damage`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from gongkai.synth.printed import CONT, SPAN, Document, Heading, Para, PRow, PTable

LabelMode = str  # "compact" | "grid" | "cont" | "span"
TRUNCATED = {"结果纠正": "结果", "其他结果": "其他", "尚未审结": "尚未"}  # header cells cut short
LABEL_MODES = ("compact", "grid", "cont", "span")


def label_cells(row: PRow, mode: LabelMode) -> list[str]:
    """The row's label slots as printed cells: merged slots left out or printed empty."""
    out = []
    for s in row.labels:
        if s == CONT:
            if mode in ("grid", "cont"):
                out.append("")
        elif s == SPAN:
            if mode in ("grid", "span"):
                out.append("")
        else:
            out.append(s)
    return out


def _strip_trailing_empty(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


# --- prose ---------------------------------------------------------------------------------


def _prose_lines(block: Heading | Para, markdown: bool) -> list[str]:
    if isinstance(block, Para):
        return [block.text]
    if not markdown:
        return [block.text]
    return ["#" * (block.level + 1) + " " + block.text]


def _join_blocks(parts: list[list[str]], blank_lines: bool) -> str:
    lines: list[str] = []
    for p in parts:
        if blank_lines and lines:
            lines.append("")
        lines.extend(p)
    return "\n".join(lines) + "\n"


def _render(
    doc: Document,
    table: Callable[[PTable], list[str]],
    *,
    markdown: bool = False,
    blank_lines: bool = True,
    lead: str = "",
) -> str:
    parts: list[list[str]] = []
    for b in doc.blocks:
        if isinstance(b, PTable):
            parts.append(table(b))
        else:
            parts.append(_prose_lines(b, markdown))
    return lead + _join_blocks(parts, blank_lines)


# --- tab -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TabQuirks:
    """Quirks of web copies seen in the seeds: ``三、本年度办理`` / ``结果`` wrapped into the next
    row after a blank line (seed 002); the header's ``总计`` on a line of its own after a blank
    line (seed 004)."""

    split_group: bool = False
    total_alone: bool = False


def _tab_table(t: PTable, mode: LabelMode, pad: bool, quirks: TabQuirks = TabQuirks()) -> list[str]:
    lines = []
    carry = ""
    for r in t.rows:
        if r.kind == "text":
            lines.append(r.label)
            continue
        labels = label_cells(r, mode)
        if carry and r.kind == "data":
            labels = [carry, *(x for x in labels if x)]
            carry = ""
        if quirks.split_group and labels and labels[0] == "三、本年度办理结果":
            labels[0], carry = "三、本年度办理", "结果"
        cells = labels + r.cells
        if r.kind == "header" and quirks.total_alone and "总计" in cells and "自然人" in cells:
            i = cells.index("总计")
            lines.append("\t".join(cells[:i]))
            lines.append("\t".join([""] * i + cells[i:]))
            lines.append("")
            continue
        if r.kind == "header" and mode == "compact":
            cells = _strip_trailing_empty(cells)
        if pad and len(cells) < t.width and r.kind != "stray" and not r.lost:
            cells += [""] * (t.width - len(cells))
        lines.append("\t".join(cells))
        if carry:
            lines.append("")
    return lines


def render_tab(doc: Document, rng: random.Random) -> str:
    mode = rng.choice(LABEL_MODES)
    pad = rng.random() < 0.3
    blank = rng.random() < 0.8
    quirks = TabQuirks(rng.random() < 0.25, rng.random() < 0.25)
    return _render(doc, lambda t: _tab_table(t, mode, pad, quirks), blank_lines=blank, lead="\n\n")


def render_markdown_tab(doc: Document, rng: random.Random) -> str:
    mode = rng.choice(LABEL_MODES)
    return _render(doc, lambda t: _tab_table(t, mode, False), markdown=True, lead="\n\n")


# --- one cell per line (seed 003) ----------------------------------------------------------


def _pipe_lines_table(t: PTable, rng: random.Random, truncate: bool) -> list[str]:
    cells: list[str | PRow] = []  # a text row stands for a line of its own, not a cell
    for r in t.rows:
        if r.kind == "text":
            cells.append(r)
            continue
        row: list[str] = label_cells(r, "compact")
        if r.kind == "header":  # a web copy has no cells for merged header columns
            row = [_space_inside(c, rng) for c in row if c]
            if truncate and t.key == "appeals":  # narrow cells show "结果" for "结果纠正" (seed 003)
                row = [TRUNCATED.get(c, c) for c in row]
        row += r.cells
        if r.kind != "stray" and not r.lost:
            row += [""] * max(0, t.width - len(row))
        cells += row
    while cells and cells[-1] == "":
        cells.pop()
    lines: list[str] = []
    run = False
    for i, c in enumerate(cells):
        last = i == len(cells) - 1
        if isinstance(c, PRow):
            lines.append(c.label)
            run = False
        elif c == "":
            if run:
                lines[-1] += "|"
            else:
                lines.append("|")
            run = True
        else:
            lines.append(c if last else c + " |")
            run = False
    return lines


def _space_inside(label: str, rng: random.Random) -> str:
    """``商业企业`` → ``商业 企业``: PDF and web copies break short header cells in two."""
    if len(label) == 4 and rng.random() < 0.5 and all("\u4e00" <= ch <= "\u9fff" for ch in label):
        return label[:2] + " " + label[2:]
    return label


def render_pipe_lines(doc: Document, rng: random.Random) -> str:
    truncate = rng.random() < 0.5
    return _render(doc, lambda t: _pipe_lines_table(t, rng, truncate), blank_lines=False)


# --- spaces (PDF copy) ---------------------------------------------------------------------


def _space_join(cells: list[str], rng: random.Random, wide: bool) -> str:
    out = ""
    for c in cells:
        if not c:
            continue
        if out:
            out += " " * (rng.randint(1, 4) if wide else 1)
        out += c
    return out


def _spaces_table(t: PTable, rng: random.Random, wide: bool) -> list[str]:
    lines = []
    for r in t.rows:
        if r.kind == "text":
            lines.append(r.label)
            continue
        line = _space_join(label_cells(r, "compact") + r.cells, rng, wide)
        if line:
            lines.append(line)
    return lines


def render_spaces(doc: Document, rng: random.Random) -> str:
    wide = rng.random() < 0.6
    return _render(doc, lambda t: _spaces_table(t, rng, wide), blank_lines=rng.random() < 0.4)


# --- markdown pipe tables ------------------------------------------------------------------


def _markdown_pipe_table(t: PTable) -> list[str]:
    lines = []
    ruled = False
    for r in t.rows:
        if r.kind == "text":  # a line of text breaks the table where it stands
            lines.append(r.label)
            continue
        cells = label_cells(r, "grid") + r.cells
        if r.kind != "stray" and not r.lost:
            cells += [""] * max(0, t.width - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
        if not ruled:
            lines.append("|" + "---|" * len(cells))
            ruled = True
    return lines


def render_markdown_pipe(doc: Document, rng: random.Random) -> str:
    return _render(doc, _markdown_pipe_table, markdown=rng.random() < 0.7)


# --- label on its own line -----------------------------------------------------------------


def _label_line_table(t: PTable, sep: str) -> list[str]:
    lines = []
    for r in t.rows:
        labels = [x for x in label_cells(r, "compact") if x]
        if r.kind in ("header", "text"):
            lines.append(sep.join(labels))
            continue
        lines.extend(labels)
        nums = [c for c in r.cells if c] if sep == " " else r.cells
        if nums:
            lines.append(sep.join(nums))
    return [x for x in lines if x.strip()]


def render_label_line(doc: Document, rng: random.Random) -> str:
    sep = rng.choice((" ", " ", "\t"))
    return _render(doc, lambda t: _label_line_table(t, sep), blank_lines=rng.random() < 0.3)


# --- wrapped labels, broken headers --------------------------------------------------------

WRAP_MIN = 10  # labels at least this long may wrap in a narrow cell


def _chunks(label: str, width: int) -> list[str]:
    """A long label broken into the lines of a cell ``width`` characters wide."""
    if len(label) < WRAP_MIN or len(label) <= width or label[-1].isdigit():
        return [label]
    return [label[i : i + width] for i in range(0, len(label), width)]


def _wrapped_header(r: PRow, table: str, rng: random.Random) -> list[str]:
    """A header row of a PDF copy: long cells broken over lines, short ones truncated or split."""
    cells = [c for c in label_cells(r, "compact") if c]
    if table == "appeals":
        cells = [TRUNCATED.get(c, c) for c in cells]
    if table == "requests" and len(cells) >= 5 and rng.random() < 0.6:
        return [
            " ".join(c[:2] for c in cells),  # 商业 科研 社会 法律 其他
            " ".join(c[2:] for c in cells if c[2:]),  # 企业 机构 公益组织 服务机构
        ]
    lines = []
    if cells and len(cells[0]) > 20:
        head = cells[0]
        cut = rng.randint(8, len(head) - 6)
        lines.append(head[:cut])
        cells[0] = head[cut:]
    lines.append(" ".join(cells))
    return lines


@dataclass(frozen=True)
class Wrap:
    """A PDF table with narrow label cells: their width, and where the numbers of a wrapped
    label land (top-aligned: after its first line; centred: on a line of their own between
    its lines; bottom-aligned: after its last line)."""

    sep: str
    width: int
    align: str  # "first", "own_line" or "last"
    split_group: bool  # 三、本年度办理 / 结果


def _wrapped_table(t: PTable, rng: random.Random, w: Wrap) -> list[str]:
    sep = w.sep
    lines: list[str] = []
    carry = ""  # a wrapped group label's tail, printed at the start of the next row
    for r in t.rows:
        if r.kind == "header":
            lines.extend(_wrapped_header(r, t.key, rng))
            continue
        if r.kind == "text":
            lines.append(r.label)
            continue
        nums = sep.join(c for c in r.cells if c) if sep == " " else sep.join(r.cells)
        if r.kind in ("stray", "group") or not r.labels:
            if r.kind == "group":
                lines.append(" ".join(c for c in label_cells(r, "compact") if c))
            else:
                lines.append(nums)
            continue
        labels = [x for x in label_cells(r, "compact") if x]
        if carry:
            labels.insert(0, carry)
            carry = ""
        if labels and labels[0] == "三、本年度办理结果" and len(labels) > 1 and w.split_group:
            labels[0], carry = "三、本年度办理", "结果"
        *groups, own = labels or [""]
        chunks = _chunks(own, w.width)
        where = w.align if len(chunks) > 1 else "first"
        first = sep.join([*groups, chunks[0]])
        if where == "first":
            lines.append(f"{first}{sep}{nums}" if nums else first)
            lines.extend(chunks[1:])
        elif where == "own_line":
            lines.append(first)
            lines.extend(chunks[1:-1])
            if nums:
                lines.append(nums)
            lines.append(chunks[-1])
        else:
            lines.append(first)
            lines.extend(chunks[1:-1])
            lines.append(f"{chunks[-1]}{sep}{nums}" if nums else chunks[-1])
    if carry:
        lines.append(carry)
    return lines


def render_wrapped(doc: Document, rng: random.Random) -> str:
    w = Wrap(
        sep=rng.choice((" ", "  ", "\t")),
        width=rng.randint(8, 18),
        align=rng.choice(("first", "own_line", "last")),
        split_group=rng.random() < 0.7,
    )
    return _render(doc, lambda t: _wrapped_table(t, rng, w), blank_lines=rng.random() < 0.4)


# --- registry ------------------------------------------------------------------------------

Renderer = Callable[[Document, random.Random], str]
LAYOUTS: dict[str, Renderer] = {
    "tab": render_tab,
    "markdown_tab": render_markdown_tab,
    "pipe_lines": render_pipe_lines,
    "spaces": render_spaces,
    "markdown_pipe": render_markdown_pipe,
    "label_line": render_label_line,
    "wrapped": render_wrapped,
}
LAYOUT_NAMES: tuple[str, ...] = tuple(LAYOUTS)


def render(doc: Document, layout: str, rng: random.Random) -> str:
    """The text of ``doc`` in ``layout`` (one of :data:`LAYOUT_NAMES`)."""
    try:
        renderer = LAYOUTS[layout]
    except KeyError:
        raise ValueError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUT_NAMES)}") from None
    return renderer(doc, rng)


__all__ = ["LAYOUTS", "LAYOUT_NAMES", "label_cells", "render"]
