"""The geometry of a PDF page: glyphs and ruling lines to lines of tab-separated fields.

Pure functions over plain data (no pdfminer here), so that they are easy to test and cannot
be confused with the parsing of a hostile file.

Coordinates are PDF points in pdfplumber's convention: ``x`` from the left edge of the page,
``top``/``bottom`` from its top edge, so ``(x0, top, x1, bottom)`` is a box with ``top < bottom``.

How a page becomes lines:

1. **Cells from ruling lines.** Visible horizontal and vertical rules are snapped and merged;
   their positions cut the ruled area into elementary rectangles; neighbouring rectangles with
   no rule between them are merged (merged cells, wrapped labels), and regions not closed by
   rules are dropped. Each remaining region is a cell. Vertical rules ending where no
   horizontal rule is (a table cut by a page break) are closed by a virtual rule.
2. **Text of a cell.** Its glyphs (by their centre) are grouped into visual lines and joined,
   so a label wrapped over several lines inside one ruled cell is one text. A cell is split
   into several fields only at a wide blank channel next to a number (a ruled row whose inner
   rules are missing).
3. **Rows.** Cells whose tops align form one line, left to right: a cell merged over several
   rows is printed on the line of its first row, as HTML and Word tables do.
4. **Free text.** Glyphs in no cell are grouped into lines by baseline and split at vertical
   rules and at wide gaps next to a number (tables drawn without rules). Page numbers
   ("- 4 -", "第 4 页") in the page's top and bottom margins are dropped.
5. Table rows and free lines are emitted in the order of their tops.

Across pages (:mod:`gongkai.read.pdf`): header rows a table repeats on a new page are dropped
and a title wrapped over several lines (:func:`merge_title`) becomes one line.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]

SNAP = 2.0  # points: rules this close are one rule
MIN_RULE = 3.0  # points: shorter rules are ignored (corners, ticks)
FIELD_GAP = 1.0  # ems: a blank this wide next to a number separates two fields
WIDE_GAP = 4.0  # ems: a blank this wide separates two fields whatever stands beside it (the
# labels of a table drawn without rules: "自然人" … "总计"; prose never leaves such a gap)
SPACE_GAP = 0.3  # ems: a blank this wide between glyphs is a space
MAX_GRID = 400  # distinct rule positions per axis; beyond this the page's rules are ignored
MAX_PAIRS = 4_000_000  # horizontal x vertical rules; beyond this too
MAX_CELLS = 5_000  # cells of a page; a report's busiest page has a few hundred
PARAGRAPH_LINES = 5  # a cell with this many lines, some of them long, holds prose, not a label
PARAGRAPH_CHARS = 20
MAX_OVERFLOW_PAIRS = 2_000_000  # free glyphs x cell digits compared for numbers overflowing a cell


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def size(self) -> float:
        return max(self.bottom - self.top, self.x1 - self.x0, 1.0)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Rule:
    """A visible straight line segment: horizontal when ``top == bottom``, else vertical."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class Field:
    text: str
    box: Box


@dataclass(slots=True)
class Line:
    page: int
    top: float
    x0: float
    fields: list[Field] = field(default_factory=list)
    ruled: bool = False  # built from the cells of a ruled table
    size: float = 0.0  # median glyph height of a free line (0 for table rows)

    @property
    def text(self) -> str:
        return "\t".join(f.text for f in self.fields)

    @property
    def box(self) -> Box:
        return union([f.box for f in self.fields])


def union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _glyph_box(gs: list[Glyph]) -> Box:
    return (min(g.x0 for g in gs), min(g.top for g in gs), max(g.x1 for g in gs), max(g.bottom for g in gs))


# --- rules -> cells --------------------------------------------------------------------------


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted distinct positions, values within ``tol`` of their neighbour merged (mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _snap(v: float, positions: list[float]) -> int:
    """Index of the position nearest to ``v`` (positions sorted)."""
    lo, hi = 0, len(positions) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if positions[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    if lo > 0 and abs(positions[lo - 1] - v) <= abs(positions[lo] - v):
        return lo - 1
    return lo


def _covered(segments: list[tuple[float, float]], a: float, b: float) -> bool:
    """Whether the merged ``segments`` (sorted, disjoint) cover ``[a, b]`` up to SNAP at the ends."""
    a, b = a + SNAP, b - SNAP
    if b <= a:
        return True
    return any(s0 <= a and s1 >= b for s0, s1 in segments)


def _merge_segments(segs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for s0, s1 in sorted(segs):
        if out and s0 <= out[-1][1] + SNAP:
            out[-1][1] = max(out[-1][1], s1)
        else:
            out.append([s0, s1])
    return [(a, b) for a, b in out]


def _open_ends(hs: list[Rule], vs: list[Rule]) -> list[Rule]:
    """Virtual horizontal rules that close vertical rules ending with no horizontal rule there.

    A table cut by a page break is printed without its bottom (or top) border, and some
    producers draw a border over only part of a row. Ends of vertical rules at one height are
    joined to each other and to the nearest horizontal rule at that height.
    """
    ends: list[tuple[float, float]] = []
    for v in vs:
        x = (v.x0 + v.x1) / 2
        for y in (v.top, v.bottom):
            if not any(abs(_mid_y(h) - y) <= SNAP and h.x0 - SNAP <= x <= h.x1 + SNAP for h in hs):
                ends.append((y, x))
    ends.sort()
    out: list[Rule] = []
    group: list[tuple[float, float]] = []
    for y, x in [*ends, (math.inf, 0.0)]:
        if group and y - group[0][0] > SNAP:
            gy = sum(p[0] for p in group) / len(group)
            xs = [p[1] for p in group]
            if len(xs) >= 2:
                out.append(Rule(min(xs), gy, max(xs), gy))
            level = [h for h in hs if abs(_mid_y(h) - gy) <= SNAP]
            for gx in xs:
                reach = [h.x0 for h in level if h.x0 > gx] + [h.x1 for h in level if h.x1 < gx]
                if reach:
                    to = min(reach, key=lambda r: abs(r - gx))
                    out.append(Rule(min(gx, to), gy, max(gx, to), gy))
            group = []
        group.append((y, x))
    return out


def _mid_y(r: Rule) -> float:
    return (r.top + r.bottom) / 2


def cells_from_rules(rules: list[Rule]) -> list[Box]:
    """The closed regions that the rules cut the ruled area into."""
    hs = [r for r in rules if r.bottom - r.top <= SNAP and r.x1 - r.x0 >= MIN_RULE]
    vs = [r for r in rules if r.x1 - r.x0 <= SNAP and r.bottom - r.top >= MIN_RULE]
    if len(vs) < 2 or not hs or len(vs) * len(hs) > MAX_PAIRS:
        return []
    hs = hs + _open_ends(hs, vs)
    ys = _cluster([(r.top + r.bottom) / 2 for r in hs], SNAP)
    xs = _cluster([(r.x0 + r.x1) / 2 for r in vs], SNAP)
    if len(xs) > MAX_GRID or len(ys) > MAX_GRID:
        return []
    h_at: dict[int, list[tuple[float, float]]] = {}
    for r in hs:
        h_at.setdefault(_snap((r.top + r.bottom) / 2, ys), []).append((r.x0, r.x1))
    v_at: dict[int, list[tuple[float, float]]] = {}
    for r in vs:
        v_at.setdefault(_snap((r.x0 + r.x1) / 2, xs), []).append((r.top, r.bottom))
    h_seg = {k: _merge_segments(v) for k, v in h_at.items()}
    v_seg = {k: _merge_segments(v) for k, v in v_at.items()}
    nx, ny = len(xs) - 1, len(ys) - 1

    def h_border(i: int, j: int) -> bool:  # the border above elementary cell (i, j)
        return _covered(h_seg.get(j, []), xs[i], xs[i + 1])

    def v_border(i: int, j: int) -> bool:  # the border left of elementary cell (i, j)
        return _covered(v_seg.get(i, []), ys[j], ys[j + 1])

    parent = list(range(nx * ny))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    open_ = [False] * (nx * ny)
    for j in range(ny):
        for i in range(nx):
            k = j * nx + i
            if i + 1 < nx and not v_border(i + 1, j):
                parent[find(k + 1)] = find(k)
            if j + 1 < ny and not h_border(i, j + 1):
                parent[find(k + nx)] = find(k)
            if (
                (i == 0 and not v_border(0, j))
                or (i == nx - 1 and not v_border(nx, j))
                or (j == 0 and not h_border(i, 0))
                or (j == ny - 1 and not h_border(i, ny))
            ):
                open_[k] = True
    regions: dict[int, list[int]] = {}
    for k in range(nx * ny):
        regions.setdefault(find(k), []).append(k)
    cells: list[Box] = []
    for members in regions.values():
        if any(open_[k] for k in members):
            continue
        i0 = min(k % nx for k in members)
        i1 = max(k % nx for k in members) + 1
        j0 = min(k // nx for k in members)
        j1 = max(k // nx for k in members) + 1
        cells.append((xs[i0], ys[j0], xs[i1], ys[j1]))
    return cells


# --- glyphs -> text --------------------------------------------------------------------------


def visual_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped by baseline, top to bottom, each line left to right."""
    lines: list[list[Glyph]] = []
    centre = height = 0.0
    for g in sorted(glyphs, key=lambda g: (g.cy, g.x0)):
        h = g.bottom - g.top
        if lines and abs(g.cy - centre) <= 0.45 * max(height, h, 1.0):
            line = lines[-1]
            line.append(g)
            centre += (g.cy - centre) / len(line)
            height = max(height, h)
        else:
            lines.append([g])
            centre, height = g.cy, h
    for line in lines:
        line.sort(key=lambda g: g.x0)
    lines.sort(key=lambda ln: min(g.top for g in ln))
    return lines


def _median_size(glyphs: list[Glyph]) -> float:
    sizes = sorted(g.bottom - g.top for g in glyphs if not g.text.isspace())
    return max(sizes[len(sizes) // 2], 1.0) if sizes else 10.0


def line_text(line: list[Glyph]) -> str:
    """One visual line's text: glyphs joined, a space where a space glyph or a wide blank was."""
    size = _median_size(line)
    out: list[str] = []
    prev: Glyph | None = None
    space = False
    for g in line:
        if g.text.isspace():
            space = True
            continue
        if prev is not None and (space or g.x0 - prev.x1 > SPACE_GAP * size):
            out.append(" ")
        out.append(g.text)
        prev, space = g, False
    return "".join(out)


_NUMBER_PART = re.compile(r"^[\d,，.．]+$")


def join_lines(texts: list[str]) -> str:
    """Wrapped lines of one cell as one text: no space, except between two Latin words. A
    number wrapped in a narrow cell ("48422" over "3") is joined back into one number."""
    out = ""
    prev = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        wrapped_number = _NUMBER_PART.match(prev) and t[0].isdigit()
        if (
            out
            and not wrapped_number
            and out[-1].isascii()
            and out[-1].isalnum()
            and t[0].isascii()
            and t[0].isalnum()
        ):
            out += " "
        out += t
        prev = t
    return out


_NUMERIC = re.compile(r"^[+\-−]?[\d０-９][\d０-９,，.．]*[%％]?$|^[/／\\—–―\-－]+$")


def _numeric(word: str) -> bool:
    return bool(_NUMERIC.match(word))


def _word_runs(line: list[Glyph]) -> list[list[Glyph]]:
    """A line's glyphs split into words at spaces and blanks wider than SPACE_GAP."""
    size = _median_size(line)
    runs: list[list[Glyph]] = []
    space = True
    for g in line:
        if g.text.isspace():
            space = True
            continue
        if space or not runs or g.x0 - runs[-1][-1].x1 > SPACE_GAP * size:
            runs.append([g])
        else:
            runs[-1].append(g)
        space = False
    return runs


def _channels(glyphs: list[Glyph], lines: list[list[Glyph]]) -> list[float]:
    """x positions where a cell splits into fields: blank channels through all its lines that
    are at least FIELD_GAP wide and have a number on at least one side, or at least WIDE_GAP
    wide."""
    size = _median_size(glyphs)
    spans = sorted((g.x0, g.x1) for g in glyphs if not g.text.isspace())
    if not spans:
        return []
    gaps: list[tuple[float, float]] = []
    end = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - end >= FIELD_GAP * size:
            gaps.append((end, x0))
        end = max(end, x1)
    if not gaps:
        return []
    # words ending at a gap's left side or starting at its right side (to half a point), by
    # position: a dictionary, so that a line of many words is not quadratic
    ends: dict[int, list[str]] = {}
    starts: dict[int, list[str]] = {}
    for ln in lines:
        for w in _word_runs(ln):
            text = "".join(g.text for g in w)
            ends.setdefault(round(w[-1].x1 * 2), []).append(text)
            starts.setdefault(round(w[0].x0 * 2), []).append(text)

    def near(index: dict[int, list[str]], x: float) -> list[str]:
        k = round(x * 2)
        return index.get(k - 1, []) + index.get(k, []) + index.get(k + 1, [])

    return [
        (a + b) / 2
        for a, b in gaps
        if b - a >= WIDE_GAP * size or any(_numeric(t) for t in near(ends, a) + near(starts, b))
    ]


def block_parts(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """A cell's or a free line's glyphs split into fields at blank channels (see _channels)."""
    solid = [g for g in glyphs if not g.text.isspace()]
    if not solid:
        return []
    cuts = _channels(glyphs, visual_lines(glyphs))
    if not cuts:
        return [glyphs]
    bounds = [-math.inf, *cuts, math.inf]
    parts = [[g for g in glyphs if lo <= g.cx < hi] for lo, hi in itertools.pairwise(bounds)]
    return [p for p in parts if any(not g.text.isspace() for g in p)]


def refine(parts: list[list[Glyph]]) -> list[list[Glyph]]:
    """In a row already split into several fields, split single-line fields further between a
    word and a number ("已获取信息 0" in a table drawn without rules), so that every number has
    a box of its own."""
    if len(parts) < 2:
        return parts
    out: list[list[Glyph]] = []
    for part in parts:
        lines = visual_lines(part)
        if len(lines) != 1:
            out.append(part)
            continue
        runs = _word_runs(lines[0])
        current: list[Glyph] = []
        prev = ""
        for run in runs:
            word = "".join(g.text for g in run)
            if current and (_numeric(word) or _numeric(prev)):
                out.append(current)
                current = []
            current = current + run
            prev = word
        if current:
            out.append(current)
    return out


def make_field(part: list[Glyph], box: Box | None) -> Field | None:
    """The text of one field (wrapped lines joined) and its box: ``box`` or its glyphs'."""
    solid = [g for g in part if not g.text.isspace()]
    if not solid:
        return None
    text = clean(join_lines([line_text(ln) for ln in visual_lines(part)]))
    return Field(text, box or _glyph_box(solid)) if text else None


def block_fields(glyphs: list[Glyph], box: Box | None) -> list[Field]:
    """The fields of one cell (``box``: the cell's box) or one free line (``box`` None). A cell
    that splits into several fields gives each the box of its glyphs."""
    parts = refine(block_parts(glyphs))
    if len(parts) == 1:
        f = make_field(parts[0], box)
        return [f] if f else []
    return [f for p in parts if (f := make_field(p, None))]


_SEPARATORS = re.compile(r"[\t|｜¦\r\n\x0b\x0c\u2028\u2029]")


def clean(text: str) -> str:
    """A field's text without the characters that separate cells in the text reader."""
    return re.sub(r" {2,}", " ", _SEPARATORS.sub(" ", text)).strip()


# --- page -> lines ---------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$",
    re.IGNORECASE,
)


def _inside(g: Glyph, b: Box) -> bool:
    return b[0] <= g.cx <= b[2] and b[1] <= g.cy <= b[3]


class _CellIndex:
    """The cells of a page by 20-point bins: the smallest cell holding a glyph's centre."""

    BIN = 20.0

    def __init__(self, cells: list[Box]) -> None:
        self.cells = cells  # smallest first
        self.bins: dict[tuple[int, int], list[int]] = {}
        for k, (x0, top, x1, bottom) in enumerate(cells):
            # clamped: rules come from the page (a few thousand points at most)
            i0, i1 = (max(-100, min(1000, int(v // self.BIN))) for v in (x0, x1))
            j0, j1 = (max(-100, min(1000, int(v // self.BIN))) for v in (top, bottom))
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    self.bins.setdefault((i, j), []).append(k)

    def find(self, g: Glyph) -> int | None:
        if not self.cells or not (math.isfinite(g.cx) and math.isfinite(g.cy)):
            return None
        key = (max(-100, min(1000, int(g.cx // self.BIN))), max(-100, min(1000, int(g.cy // self.BIN))))
        for k in self.bins.get(key, ()):
            if _inside(g, self.cells[k]):
                return k
        return None


_DIGITISH = frozenset("0123456789.,")


def _overflowing_digits(free: list[Glyph], in_cell: dict[int, list[Glyph]]) -> list[Glyph]:
    """Digits of a number too wide for its cell, drawn past its border (``20632|9``): each free
    digit that touches the last (or first) digit of a cell's number on the same line joins that
    cell, so the number is read whole, never cut short. Returns the glyphs still free."""
    ends: list[tuple[Glyph, int]] = []  # digit glyphs at the ends of cells' runs
    for cell, gs in in_cell.items():
        ends.extend((g, cell) for g in gs if g.text in _DIGITISH)
    if not ends or len(ends) * len(free) > MAX_OVERFLOW_PAIRS:
        return free  # not a report's page (a report's has a few hundred of each)
    still: list[Glyph] = []
    for g in sorted(free, key=lambda g: g.x0):
        k = None
        if g.text in _DIGITISH:
            for h, hk in ends:
                tol = 0.3 * max(h.size, g.size)
                same_line = abs(h.cy - g.cy) <= tol and abs(h.size - g.size) <= tol
                if same_line and (-tol <= g.x0 - h.x1 <= tol or -tol <= h.x0 - g.x1 <= tol):
                    k = hk
                    break
        if k is None:
            still.append(g)
        else:
            in_cell[k].append(g)
            ends.append((g, k))
    return still


def _is_paragraph(lines: list[list[Glyph]]) -> bool:
    return len(lines) >= PARAGRAPH_LINES and max(len(ln) for ln in lines) >= PARAGRAPH_CHARS


MARGIN_TOP, MARGIN_BOTTOM = 0.1, 0.85  # page numbers are looked for above / below these heights


def page_lines(page: int, glyphs: list[Glyph], rules: list[Rule], height: float | None = None) -> list[Line]:
    """The lines of one page in reading order (see the module's docstring). ``height``: the
    page's height; page numbers are then only dropped in its top and bottom margins."""
    cells = sorted(cells_from_rules(rules), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    if len(cells) > MAX_CELLS:
        cells = []  # not a report's table: read the page as free text
    index = _CellIndex(cells)
    in_cell: dict[int, list[Glyph]] = {}
    free: list[Glyph] = []
    for g in glyphs:
        k = index.find(g)
        if k is None:
            free.append(g)
        else:
            in_cell.setdefault(k, []).append(g)
    free = _overflowing_digits(free, in_cell)
    rows: dict[float, list[tuple[float, list[Field]]]] = {}
    for k, gs in in_cell.items():
        lines = visual_lines(gs)
        if _is_paragraph(lines):
            free.extend(gs)
            continue
        fields = block_fields(gs, cells[k])
        if not fields:
            continue
        top = cells[k][1]
        key = next((t for t in rows if abs(t - top) <= SNAP), top)
        rows.setdefault(key, []).append((cells[k][0], fields))
    out: list[Line] = []
    for top, cols in rows.items():
        cols.sort(key=lambda p: p[0])
        out.append(Line(page, top, cols[0][0], [f for _, fs in cols for f in fs], ruled=True))
    verticals = [r for r in rules if r.x1 - r.x0 <= SNAP and r.bottom - r.top >= MIN_RULE]
    for ln in visual_lines(free):
        top, bottom = min(g.top for g in ln), max(g.bottom for g in ln)
        mid = (top + bottom) / 2
        cuts = sorted(
            (r.x0 + r.x1) / 2 for r in verticals if r.top <= mid <= r.bottom and ln[0].x0 < r.x0 < ln[-1].x1
        )
        bounds = [-math.inf, *cuts, math.inf]
        parts: list[list[Glyph]] = []
        for lo, hi in itertools.pairwise(bounds):
            segment = [g for g in ln if lo <= g.cx < hi]
            if segment:
                parts.extend(block_parts(segment))
        fields = [f for p in refine(parts) if (f := make_field(p, None))]
        if not fields:
            continue
        line = Line(page, top, ln[0].x0, fields, size=_median_size(ln))
        in_margin = height is None or bottom < MARGIN_TOP * height or top > MARGIN_BOTTOM * height
        if in_margin and _PAGE_NUMBER.match(line.text.replace("\t", " ")):
            continue
        out.append(line)
    out.sort(key=lambda ln: (round(ln.top, 1), ln.x0))
    return out


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）])")
TITLE_SCALE = 1.2  # title lines are printed at least this much larger than the body text


def merge_title(lines: list[Line]) -> list[Line]:
    """The title wrapped over several lines at the top of the first page, as one line.

    The leading free lines printed larger than the page's body text, each a single field, are
    joined (a title wrapped mid-phrase, "…政府信息公" / "开工作的年度报告", is not found otherwise)."""
    if not lines:
        return lines
    first = [ln for ln in lines if ln.page == lines[0].page and not ln.ruled and ln.size]
    if len(first) < 2:
        return lines
    sizes = sorted(ln.size for ln in first)
    body = sizes[len(sizes) // 2]
    k = 0
    while (
        k < len(lines)
        and not lines[k].ruled
        and len(lines[k].fields) == 1
        and lines[k].size >= TITLE_SCALE * body
        and abs(lines[k].size - lines[0].size) <= 0.1 * lines[0].size
        and not _HEADING.match(lines[k].text)
    ):
        k += 1
    text = join_lines([ln.text for ln in lines[:k]])
    if k < 2 or len(text) > 80:
        return lines
    title = Line(lines[0].page, lines[0].top, lines[0].x0, [Field(text, union([ln.box for ln in lines[:k]]))])
    title.size = lines[0].size
    return [title, *lines[k:]]
