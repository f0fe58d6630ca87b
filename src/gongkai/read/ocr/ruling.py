"""Tables of a page image from their ruling lines (OpenCV morphology): cells with row and column.

Long horizontal and vertical strokes are kept by opening the ink with long thin kernels; a
vertical stroke counts as a rule only when it reaches horizontal rules at both ends (so that a
"1" or "|" printed in a cell is never taken for one). Rule positions are clustered into grid
lines; two neighbouring grid cells are one merged cell when no rule separates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from gongkai.read.ocr.prepare import ink

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in the prepared image


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box


@dataclass
class Table:
    box: Box
    cells: list[GridCell] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # y of each horizontal grid line
    cols: list[int] = field(default_factory=list)  # x of each vertical grid line


@dataclass
class Rules:
    ink: np.ndarray  # 255 where dark (denoised: the ink of the text)
    horizontal: np.ndarray
    vertical: np.ndarray
    char: int  # typical character height in pixels
    used: np.ndarray  # the rules of the tables found (set by find_tables): taken out of the text


def char_height(binary: np.ndarray) -> int:
    """The median height of the mid-sized connected components: the size of the printed text."""
    _n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    # characters, not rules: neither much taller nor much wider than they are high
    keep = (hs >= 6) & (hs <= binary.shape[0] // 20) & (ws <= binary.shape[1] // 10) & (ws >= 4)
    keep &= (hs <= 3 * ws) & (ws <= 3 * hs)
    if keep.sum() < 5:
        return max(12, binary.shape[0] // 80)
    return int(max(10, np.percentile(hs[keep], 75)))


def find_rules(gray: np.ndarray, noisy: bool = False) -> Rules:
    b = ink(gray)
    # the median is for noisy pages only: on a clean page it erases thin strokes (a minus sign,
    # a small point) and the number would lose them
    text = ink(gray, denoise=noisy, strong=noisy)
    _h, w = b.shape
    ch = char_height(b)
    hk = max(30, int(2.2 * ch), w // 30)
    horizontal = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hk, 1)))
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3)))
    # short enough for the rules of a tight row; a stroke of a character this long is not a
    # rule unless it also reaches horizontal rules at both ends (``_anchored``)
    vk = max(10, int(0.8 * ch))
    vertical = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vk)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    # a rule meets its horizontal rules: a gap of a few pixels at most (a "1" standing tall in a
    # tight cell comes within a third of a character of both rules, and must stay a "1")
    vertical = _anchored(vertical, horizontal, max(2, ch // 12))
    return Rules(text, horizontal, vertical, ch, np.zeros_like(b))


def _anchored(vertical: np.ndarray, horizontal: np.ndarray, reach: int) -> np.ndarray:
    """Vertical strokes that meet at least two horizontal rules (at their ends or crossing them):
    a column rule does, even where a table is cut at the foot of a page; a "1" in a cell meets
    none, and a stroke of a character touching one rule meets only that one."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    grown = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, 2 * reach + 1)))
    keep = np.zeros(n, dtype=bool)
    for i in range(1, n):
        x, y, ww, hh = stats[i, :4]
        hit = grown[max(0, y - 1) : y + hh + 1, x : x + ww].any(axis=1).astype(np.int8)
        runs = int(np.count_nonzero(np.diff(np.concatenate(([0], hit))) == 1))
        keep[i] = runs >= 2
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _cluster(values: list[float], tol: float) -> list[int]:
    values = sorted(values)
    groups: list[list[float]] = []
    for v in values:
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [round(sum(g) / len(g)) for g in groups]


def find_tables(rules: Rules) -> list[Table]:
    """The ruled tables of a page, top to bottom."""
    _h, w = rules.ink.shape
    grid = rules.horizontal | rules.vertical
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    for i in range(1, n):
        x, y, ww, hh = (int(v) for v in stats[i, :4])
        if ww < max(4 * rules.char, w // 6) or hh < 2 * rules.char:
            continue
        mask = labels == i
        t = _table(rules, (x, y, x + ww, y + hh), mask)
        if t is not None:
            tables.append(t)
            rules.used[mask] = 255
    tables.sort(key=lambda t: t.box[1])
    return tables


def _table(rules: Rules, box: Box, mask: np.ndarray) -> Table | None:
    x0, y0, x1, y1 = box
    hmask = rules.horizontal[y0:y1, x0:x1] & mask[y0:y1, x0:x1].astype(np.uint8) * 255
    vmask = rules.vertical[y0:y1, x0:x1] & mask[y0:y1, x0:x1].astype(np.uint8) * 255
    tol = max(3, rules.char // 3)
    ys = _lines(hmask, axis=0, min_len=max(20, rules.char))
    xs = _lines(vmask, axis=1, min_len=max(12, rules.char))
    rows = _cluster([y for y, _ in ys], tol)
    cols = _cluster([x for x, _ in xs], tol)
    if len(rows) < 2 or len(cols) < 2:
        return None
    rows = _open_ends(vmask, rows, cols, rules.char, max(2, tol // 2))
    nr, nc = len(rows) - 1, len(cols) - 1
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    band = max(2, tol // 2)
    for r in range(nr):
        ya, yb = rows[r], rows[r + 1]
        for c in range(nc):
            xa, xb = cols[c], cols[c + 1]
            if c + 1 < nc and not _covered(vmask, cols[c + 1], ya, yb, band, vertical=True):
                union(r * nc + c, r * nc + c + 1)
            if r + 1 < nr and not _covered(hmask, rows[r + 1], xa, xb, band, vertical=False):
                union(r * nc + c, (r + 1) * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0 = min(r for r, _ in members)
        r1 = max(r for r, _ in members)
        c0 = min(c for _, c in members)
        c1 = max(c for _, c in members)
        if len(members) != (r1 - r0 + 1) * (c1 - c0 + 1):
            return None  # not a rectangle: the rules were not read well enough to trust the grid
        cells.append(
            GridCell(
                r0,
                c0,
                r1 - r0 + 1,
                c1 - c0 + 1,
                (x0 + cols[c0], y0 + rows[r0], x0 + cols[c1 + 1], y0 + rows[r1 + 1]),
            )
        )
    cells.sort(key=lambda g: (g.row, g.col))
    return Table(box, cells, [y0 + r for r in rows], [x0 + c for c in cols])


def _open_ends(vmask: np.ndarray, rows: list[int], cols: list[int], char: int, band: int) -> list[int]:
    """The grid lines with a row added where the column rules run on past the last horizontal
    rule (or start before the first) by at least a character's height: a table cut at the foot
    of a page is often printed without its closing rule, and its last row would be lost. Two
    column rules at least must run on, unbroken."""
    below: list[int] = []
    above: list[int] = []
    for x in cols:
        strip: np.ndarray = np.asarray(vmask[:, max(0, x - band) : x + band + 1].any(axis=1))
        on = np.flatnonzero(strip)
        if not on.size:
            continue
        top, bottom = int(on[0]), int(on[-1])
        if bottom - rows[-1] >= char and strip[rows[-1] : bottom + 1].mean() >= 0.95:
            below.append(bottom)
        if rows[0] - top >= char and strip[top : rows[0] + 1].mean() >= 0.95:
            above.append(top)
    out = list(rows)
    if len(below) >= 2:
        out.append(int(np.median(below)))
    if len(above) >= 2:
        out.insert(0, int(np.median(above)))
    return out


def _lines(mask: np.ndarray, axis: int, min_len: int) -> list[tuple[int, int]]:
    """(position, length) of the rule segments of a mask: rows (axis 0) or columns (axis 1)."""
    n, _, stats, _cent = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, ww, hh = stats[i, :4]
        if axis == 0 and ww >= min_len:
            out.append((int(y + hh / 2), int(ww)))
        elif axis == 1 and hh >= min_len:
            out.append((int(x + ww / 2), int(hh)))
    return out


def _covered(mask: np.ndarray, pos: int, a: int, b: int, band: int, *, vertical: bool) -> bool:
    """Whether a rule runs at ``pos`` over most of the middle of ``a``..``b``."""
    lo, hi = a + (b - a) // 5, b - (b - a) // 5
    if hi <= lo:
        return True
    if vertical:
        strip = mask[lo:hi, max(0, pos - band) : pos + band + 1]
        on = strip.any(axis=1)
    else:
        strip = mask[max(0, pos - band) : pos + band + 1, lo:hi]
        on = strip.any(axis=0)
    return bool(on.mean() >= 0.6)


__all__ = ["Box", "GridCell", "Rules", "Table", "char_height", "find_rules", "find_tables"]
