"""One page image to lines of text: table rows as tab-separated cells, free text as lines.

Every field (a table cell or a free line) keeps its box in the original image's pixels and its
recognition score (the lowest of its text lines). Table cells are recognised from the ruled
grid: the ink of a cell, without its rules, is cut into text lines by its row profile and each
line is recognised on its own (a wrapped label is joined back). Text outside the tables is
found by the detector on the page with the tables blanked out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from gongkai.read.ocr import engine
from gongkai.read.ocr.confusable import Judged, judge, look_alikes
from gongkai.read.ocr.prepare import Prepared, prepare, text_image, turned
from gongkai.read.ocr.ruling import Rules, Table, find_rules, find_tables

Box = tuple[float, float, float, float]


@dataclass
class Field:
    text: str  # as handed to the reader
    box: Box  # in the original image
    score: float
    ocr: str = ""  # as recognised
    judged: Judged | None = None  # table cells only


@dataclass
class PageLine:
    page: int
    top: float
    fields: list[Field] = field(default_factory=list)
    ruled: bool = False

    @property
    def text(self) -> str:
        return "\t".join(f.text for f in self.fields)


@dataclass
class PageResult:
    page: int
    lines: list[PageLine]
    rotation: int
    skew: float
    unwarped: bool
    tables: int


_PAD = 4
_NUMBER = re.compile(
    r"^[0-9][0-9,]*(?:\.[0-9]+)?$"
)  # white margin around a text line handed to the recogniser


def ocr_page(rgb: np.ndarray, page: int) -> PageResult:
    """The lines of one page image (RGB or gray)."""
    prep = prepare(rgb)
    speckled = prep.speckled
    rules = find_rules(prep.gray, speckled)
    tables = find_tables(rules)
    if prep.unwarped:  # the outline's corners are rough: keep the correction only if it pays
        plain = prepare(rgb, allow_unwarp=False)
        plain_rules = find_rules(plain.gray, speckled)
        plain_tables = find_tables(plain_rules)
        if sum(len(t.cells) for t in plain_tables) >= sum(len(t.cells) for t in tables):
            prep, rules, tables = plain, plain_rules, plain_tables
    text = text_image(prep.gray, speckled)
    crops, marks = _crops(text, rules, tables, masked=speckled)
    if _upside_down(prep, rules, tables, crops):
        prep = turned(prep, 180)
        rules = find_rules(prep.gray, speckled)
        tables = find_tables(rules)
        text = text_image(prep.gray, speckled)
        crops, marks = _crops(text, rules, tables, masked=speckled)
    lines = _table_lines(prep, page, tables, crops, marks) + _free_lines(prep, text, page, rules, tables)
    lines.sort(key=lambda ln: ln.top)
    return PageResult(page, lines, prep.rotation, prep.skew, prep.unwarped, len(tables))


# --- table cells ----------------------------------------------------------------------------------

CellCrops = dict[tuple[int, int], list[np.ndarray]]  # (table, cell index) -> its text lines
Marks = dict[tuple[int, int], tuple[int, bool]]  # (table, cell) -> points and commas, a leading minus


def _crops(
    gray: np.ndarray, rules: Rules, tables: list[Table], masked: bool = False
) -> tuple[CellCrops, Marks]:
    """The text lines of every cell; ``masked``: only the ink kept as text is shown to the
    recogniser, the rest of the cell white (a noisy page's leftover specks are not characters)."""
    text_ink = cv2.subtract(rules.ink, cv2.dilate(rules.used, np.ones((3, 3), np.uint8)))
    min_area = max(4, (rules.char // 8) ** 2)
    grow = np.ones((5, 5), np.uint8)
    out: CellCrops = {}
    marks: Marks = {}
    for ti, t in enumerate(tables):
        for ci, c in enumerate(t.cells):
            x0, y0, x1, y1 = c.box
            m = max(2, rules.char // 10)
            sub = text_ink[y0 + m : y1 - m, x0 + m : x1 - m]
            if sub.size == 0:
                continue
            lines, keep = _text_lines(sub, min_area, rules.char)
            area = gray[y0 + m : y1 - m, x0 + m : x1 - m]
            if masked and lines:
                area = np.where(cv2.dilate(keep.astype(np.uint8), grow) > 0, area, 255).astype(np.uint8)
            out[(ti, ci)] = [_pad(area[a:b, xa:xb]) for a, b, xa, xb in lines]
            if len(lines) == 1:
                a, b, xa, xb = lines[0]
                # on all the cell's ink, not only what was kept as text: a point is small enough
                # to be taken for dirt, and a speck taken for a point only makes the cell doubtful
                marks[(ti, ci)] = (baseline_marks(sub[a:b, xa:xb] > 0), leading_minus(sub[a:b, xa:xb] > 0))
    return out, marks


def leading_minus(line: np.ndarray) -> bool:
    """A short flat stroke at mid-height before the first tall glyph: a minus sign ("-2" in a
    column of changes), seen on the ink whatever the recogniser made of it."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(line.astype(np.uint8), connectivity=8)
    h = line.shape[0]
    tall = [i for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] >= 0.5 * h]
    if not tall or h < 6:
        return False
    first = min(stats[i, cv2.CC_STAT_LEFT] for i in tall)
    for i in range(1, n):
        x, y, w, hh = (int(v) for v in stats[i, :4])
        if x + w <= first and hh <= 0.25 * h and w >= 1.5 * hh and 0.25 * h <= y + hh / 2 <= 0.8 * h:
            return True
    return False


def baseline_marks(line: np.ndarray) -> int:
    """Small marks sitting on the baseline between taller glyphs: the points and commas of a
    number ("7730.28", "1,234"), counted on the ink, whatever the recogniser made of them."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(line.astype(np.uint8), connectivity=8)
    h = line.shape[0]
    if n <= 2 or h < 6:
        return 0
    tall = [i for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] >= 0.5 * h]
    if len(tall) < 2:
        return 0
    left = min(stats[i, cv2.CC_STAT_LEFT] for i in tall)
    right = max(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] for i in tall)
    count = 0
    for i in range(1, n):
        x, y, w, hh = (int(v) for v in stats[i, :4])
        if hh > 0.45 * h or w > 0.45 * h or stats[i, cv2.CC_STAT_AREA] < 2:
            continue
        if y + hh < 0.6 * h:  # not on the baseline (an apostrophe, a speck above)
            continue
        if left < x and x + w < right:
            count += 1
    return count


def _text_lines(
    sub: np.ndarray, min_area: int, char: int
) -> tuple[list[tuple[int, int, int, int]], np.ndarray]:
    """(top, bottom, left, right) of each text line of a cell's ink, and the ink kept as text."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(sub, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_area
    clean = keep[labels]
    rows = clean.any(axis=1)
    if not rows.any():
        return [], clean
    runs: list[list[int]] = []
    y = 0
    h = len(rows)
    while y < h:
        if rows[y]:
            start = y
            while y < h and rows[y]:
                y += 1
            if runs and start - runs[-1][1] <= max(1, char // 8):
                runs[-1][1] = y
            else:
                runs.append([start, y])
        else:
            y += 1
    runs = _merge_strokes(runs, char)
    # a run much thinner than a character that is not a dash is a leftover of a rule or dirt
    out = []
    for a, b in runs:
        cols = clean[a:b].any(axis=0)
        xs = np.flatnonzero(cols)
        if xs.size == 0:
            continue
        if b - a < max(2, char // 6) and xs[-1] - xs[0] < char // 2:
            continue
        out.append((a, b, int(xs[0]), int(xs[-1]) + 1))
    return out, clean


def _merge_strokes(runs: list[list[int]], char: int) -> list[list[int]]:
    """Runs thinner than a character joined to a neighbour when together they are still one
    character high: the strokes of "三" or "二" printed one character a line (vertical labels)."""
    merged = True
    while merged:
        merged = False
        for i in range(len(runs) - 1):
            a, b = runs[i], runs[i + 1]
            thin = min(a[1] - a[0], b[1] - b[0]) < 0.7 * char
            if thin and b[0] - a[1] <= 0.5 * char and b[1] - a[0] <= 1.15 * char:
                runs[i : i + 2] = [[a[0], b[1]]]
                merged = True
                break
    return runs


def _pad(img: np.ndarray) -> np.ndarray:
    """A white margin: a little above and below, and about half the line's height at the sides
    (the recogniser is surest of a lone digit with that much room around it)."""
    side = max(_PAD, round(0.6 * (img.shape[0] + 2 * _PAD)))
    return cv2.copyMakeBorder(img, _PAD, _PAD, side, side, cv2.BORDER_CONSTANT, value=255)


def _upside_down(prep: Prepared, rules: Rules, tables: list[Table], crops: CellCrops) -> bool:
    """Whether the page reads better turned half a turn, by the recognition scores of its widest
    text lines (table labels, or free lines when there is no table)."""
    sample = sorted((c for cs in crops.values() for c in cs), key=lambda c: -c.shape[1])[:4]
    if len(sample) < 3:
        boxes = sorted(_free_boxes(prep, rules, tables), key=lambda b: b[0] - b[2])[:4]
        sample = [_pad(prep.gray[y0:y1, x0:x1]) for x0, y0, x1, y1 in boxes]
    if not sample:
        return False
    up = engine.recognize(sample)
    down = engine.recognize([np.ascontiguousarray(np.rot90(c, 2)) for c in sample])
    su = sum(t.score * len(t.text) for t in up) / max(1, sum(len(t.text) for t in up))
    sd = sum(t.score * len(t.text) for t in down) / max(1, sum(len(t.text) for t in down))
    return sd > su + 0.1


def _join(parts: list[str]) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out


def _table_lines(
    prep: Prepared, page: int, tables: list[Table], crops: CellCrops, marks: Marks
) -> list[PageLine]:
    keys = [k for k, cs in crops.items() for _ in cs]
    flat = [c for cs in crops.values() for c in cs]
    texts = engine.recognize(flat)
    per_cell: dict[tuple[int, int], list[engine.Text]] = {}
    for k, text in zip(keys, texts, strict=True):
        per_cell.setdefault(k, []).append(text)
    out = []
    for ti, t in enumerate(tables):
        by_row: dict[int, list[Field]] = {}
        for ci, c in enumerate(t.cells):
            got = [x for x in per_cell.get((ti, ci), []) if x.text.strip()]
            if not got:
                continue
            ocr = _join([x.text for x in got])
            score = min(x.score for x in got)
            j = judge(ocr, score)
            seen = marks.get((ti, ci))
            digits = j.text.lstrip("-－")
            if not j.doubtful and seen is not None and _NUMBER.match(digits):
                points, minus = seen
                if points != digits.count(".") + digits.count(",") or minus != (digits != j.text):
                    # a point, comma or minus lost or invented ("773028" for "7730.28", "2" for
                    # "-2"): the number cannot be trusted
                    v = look_alikes(digits.replace(",", "")) if "." not in digits else ()
                    j = Judged("/", True, tuple(sorted({*v, *(-x for x in v[:1])})) if v else ())
            box = _round(prep.to_original(tuple(float(v) for v in c.box)))  # type: ignore[arg-type]
            by_row.setdefault(c.row, []).append(Field(j.text, box, round(score, 4), ocr, j))
        for r in sorted(by_row):
            fields = by_row[r]  # cells come sorted by row, then column
            out.append(PageLine(page, float(t.rows[r]), fields, ruled=True))
    return out


# --- free text ------------------------------------------------------------------------------------


def _free_boxes(prep: Prepared, rules: Rules, tables: list[Table]) -> list[tuple[int, int, int, int]]:
    """Boxes of the text lines outside the tables: the ink smeared along the line, in pieces."""
    b = rules.ink.copy()
    for t in tables:
        x0, y0, x1, y1 = t.box
        b[max(0, y0 - 3) : y1 + 4, max(0, x0 - 3) : x1 + 4] = 0
    b = cv2.subtract(b, rules.horizontal)  # underlines and separators; no column rules out here
    ch = rules.char
    n, labels, stats, _ = cv2.connectedComponentsWithStats(b, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= max(4, (ch // 8) ** 2)
    clean = np.where(keep[labels], 255, 0).astype(np.uint8)
    smear = cv2.dilate(clean, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(1.6 * ch)), 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if h < max(4, ch // 3) or h > 3 * ch or w < ch // 2:
            continue
        out.append((x, y, x + w, y + h))
    return out


def _free_lines(
    prep: Prepared, text: np.ndarray, page: int, rules: Rules, tables: list[Table]
) -> list[PageLine]:
    boxes = _free_boxes(prep, rules, tables)
    if not boxes:
        return []
    texts = engine.recognize([_pad(text[y0:y1, x0:x1]) for x0, y0, x1, y1 in boxes])
    found = [(b, t) for b, t in zip(boxes, texts, strict=True) if t.text.strip()]
    found.sort(key=lambda bt: (bt[0][1] + bt[0][3]) / 2)
    rows: list[list[tuple[tuple[int, int, int, int], engine.Text]]] = []
    for b, t in found:
        mid = (b[1] + b[3]) / 2
        if rows:
            last = rows[-1][-1][0]
            if last[1] <= mid <= last[3]:
                rows[-1].append((b, t))
                continue
        rows.append([(b, t)])
    out = []
    for row in rows:
        row.sort(key=lambda bt: bt[0][0])
        joined = " ".join(t.text.strip() for _, t in row)
        box = (
            float(min(b[0] for b, _ in row)),
            float(min(b[1] for b, _ in row)),
            float(max(b[2] for b, _ in row)),
            float(max(b[3] for b, _ in row)),
        )
        score = min(t.score for _, t in row)
        out.append(
            PageLine(page, box[1], [Field(joined, _round(prep.to_original(box)), round(score, 4), joined)])
        )
    return out


def _round(box: Box) -> Box:
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))


__all__ = ["Field", "PageLine", "PageResult", "ocr_page"]
