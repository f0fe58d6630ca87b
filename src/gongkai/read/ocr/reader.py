"""Page images to a :class:`Report`: OCR every page (in parallel with ``jobs``), hand the lines
to the text reader with a locator, then hold back every doubtful cell.

A doubtful cell (a look-alike character, a low score; see :mod:`gongkai.read.ocr.confusable`) is
given to the text reader as a printed blank, so that it is never ``read``: it becomes
``inferred`` when the identities force a value among its candidates, and ``ambiguous`` with its
candidates otherwise.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gongkai.model.identities import identities
from gongkai.model.report import At, ImageAt, Report, Source, Status, TextAt, trusted
from gongkai.read.meta import find_title
from gongkai.read.ocr.confusable import ONE_LIKE, judge, look_alikes
from gongkai.read.text import read_text

if TYPE_CHECKING:  # numpy and OpenCV are imported when a page is OCR'd, not by every command
    import numpy as np

    from gongkai.read.ocr.page import PageLine, PageResult

SLOW_PAGES = 5  # from this many pages on, a notice says how long it may take
SECONDS_PER_PAGE = 15  # rough, on one core of a small machine


@dataclass(frozen=True)
class OcrSettings:
    """How OCR runs: ``enabled`` None reads images but refuses scanned PDFs (the library default);
    True reads both; False refuses both. ``progress(done, total)`` after each page; ``notice``
    receives a message before long work."""

    enabled: bool | None = None
    jobs: int = 1
    progress: Callable[[int, int], None] | None = None
    notice: Callable[[str], None] | None = None


_DEFAULT = OcrSettings()
_settings: contextvars.ContextVar[OcrSettings | None] = contextvars.ContextVar("gongkai_ocr", default=None)


def settings() -> OcrSettings:
    return _settings.get() or _DEFAULT


@contextlib.contextmanager
def ocr_settings(**changes: object) -> Iterator[OcrSettings]:
    """``with ocr_settings(enabled=True, jobs=4): ...`` for the code inside."""
    new = replace(settings(), **changes)  # type: ignore[arg-type]
    token = _settings.set(new)
    try:
        yield new
    finally:
        _settings.reset(token)


PageSource = Callable[[int], "np.ndarray"]  # 0-based page index -> RGB image


def ocr_page(image: np.ndarray, number: int) -> PageResult:
    """One page OCR'd (:func:`gongkai.read.ocr.page.ocr_page`, imported on first use)."""
    from gongkai.read.ocr.page import ocr_page as run

    return run(image, number)


def ocr_pages(count: int, page: PageSource, name: str = "-") -> list[PageResult]:
    """OCR ``count`` pages, ``jobs`` at a time, reporting progress."""
    s = settings()
    if s.notice and count >= SLOW_PAGES:
        minutes = max(1, round(count * SECONDS_PER_PAGE / max(1, s.jobs) / 60))
        s.notice(
            f"{name}：共 {count} 页需要文字识别（OCR），预计约 {minutes} 分钟"
            + ("；可用 --jobs 并行处理多页。" if s.jobs <= 1 else "。")
        )
    done = 0

    def one(i: int) -> PageResult:
        return ocr_page(page(i), i + 1)

    results: list[PageResult] = []
    if s.jobs <= 1 or count <= 1:
        for i in range(count):
            results.append(one(i))
            done += 1
            if s.progress:
                s.progress(done, count)
        return results
    with ThreadPoolExecutor(max_workers=s.jobs) as pool:
        ctx = contextvars.copy_context()
        futures = [pool.submit(ctx.copy().run, one, i) for i in range(count)]
        for f in futures:
            results.append(f.result())
            done += 1
            if s.progress:
                s.progress(done, count)
    return results


def read_pages(
    pages: Sequence[PageResult],
    source: Source,
    *,
    before: Sequence[str] = (),
    before_locate: Callable[[int, int], At | None] | None = None,
    anchors: Sequence[int] | None = None,
) -> Report:
    """The report in the OCR'd pages; ``before``: lines of text of the same document (a Word
    file or web page whose tables are pictures), located by ``before_locate``. ``anchors[i]``
    is how many of those lines come before page ``i`` (the picture's place in the document);
    without it every page comes after the text."""
    ocr_lines: list[PageLine] = _merge_title([ln for p in pages for ln in p.lines])
    # per line of the combined text: a line of ``before`` (its 1-based number) or an OCR'd line
    origin: list[int | PageLine] = []
    taken = 0
    by_page: dict[int, list[PageLine]] = {}
    for ln in ocr_lines:
        by_page.setdefault(ln.page, []).append(ln)
    for i, p in enumerate(pages):
        anchor = len(before) if anchors is None else max(taken, min(anchors[i], len(before)))
        origin += range(taken + 1, anchor + 1)
        taken = anchor
        origin += by_page.get(p.page, [])
    origin += range(taken + 1, len(before) + 1)
    text = "\n".join(before[o - 1] if isinstance(o, int) else o.text for o in origin)

    def locate(line: int, cell: int) -> At | None:
        if not 1 <= line <= len(origin):
            return None
        o = origin[line - 1]
        if isinstance(o, int):
            return before_locate(o, cell) if before_locate else trusted(TextAt, {"line": o})
        f = o.fields[cell] if 0 <= cell < len(o.fields) else (o.fields[0] if o.fields else None)
        if f is None:
            return None
        return trusted(ImageAt, {"page": o.page, "bbox": f.box, "score": f.score})

    report = read_text(text, source, locate=locate)
    _hold_back(report, ocr_lines)
    _gate(report)
    _single_out(report)
    for f in report.findings:
        if isinstance(f.at, TextAt) and 1 <= f.at.line <= len(origin):
            o = origin[f.at.line - 1]
            if isinstance(o, int):  # a line of the document's text: its own number
                if o != f.at.line:
                    f.message = f.message.replace(f"第{f.at.line}行", f"第{o}行")
                    f.at = trusted(TextAt, {"line": o})
            else:
                f.message = f.message.replace(f"第{f.at.line}行", f"第{o.page}页")
                f.at = locate(f.at.line, 0)
    return report


def _gate(report: Report) -> None:
    """The identities are the acceptance gate: a cell OCR stated that takes part in an identity
    that does not hold is doubtful (one of them was misread, or the report does not balance;
    OCR cannot tell which), so it is held back as ``ambiguous`` with its look-alikes."""
    values = report.values()
    doubtful: set[str] = set()
    for ident in identities(report.meta.edition):
        r = ident.residual(values)
        if r is not None and r != 0:
            doubtful.update(ident.addresses)
    for address in sorted(doubtful):
        cell = report.cell(address)
        if not cell.known or not isinstance(cell.at, ImageAt):
            continue
        cands: list[Any] = sorted(set(look_alikes(str(cell.value)))) if isinstance(cell.value, int) else []
        if len(cands) >= 2:
            cell.status, cell.value, cell.candidates = Status.AMBIGUOUS, None, cands
        else:
            cell.status, cell.value, cell.candidates = Status.MISSING, None, None


MAX_ASSIGNMENTS = 4096  # combinations of look-alike readings tried per group of linked cells


def _single_out(report: Report) -> None:
    """Look-alike cells ("1" or "/": 0 or 1) the identities decide together: every combination of
    their readings is tried against the identities whose other cells are all known; a cell that
    has the same value in every combination that holds is ``inferred``. (The text reader sees
    them as blanks and infers one only when it is alone in an identity; a "1" printed in a row
    and again in its total needs the column identities too.)"""
    open_: dict[str, list[int]] = {}
    for address, cell in report.cells():
        if (
            cell.status == Status.AMBIGUOUS
            and cell.candidates == [0, 1]
            and isinstance(cell.at, ImageAt)
            and len(cell.raw) == 1
            and cell.raw in ONE_LIKE
        ):
            open_[address] = [0, 1]
    if not open_:
        return
    values = report.values()
    usable = [
        i
        for i in identities(report.meta.edition)
        if any(a in open_ for a in i.addresses) and all(a in open_ or a in values for a in i.addresses)
    ]
    groups: dict[str, str] = {a: a for a in open_}

    def root(a: str) -> str:
        while groups[a] != a:
            a = groups[a]
        return a

    for ident in usable:
        linked = [a for a in ident.addresses if a in open_]
        for a in linked[1:]:
            groups[root(a)] = root(linked[0])
    members: dict[str, list[str]] = {}
    for a in open_:
        members.setdefault(root(a), []).append(a)
    for cells in members.values():
        if 2 ** len(cells) > MAX_ASSIGNMENTS:
            continue
        touching = [i for i in usable if any(a in cells for a in i.addresses)]
        if not touching:
            continue
        found: list[dict[str, int]] = []
        for combo in itertools.product((0, 1), repeat=len(cells)):
            trial = {**values, **dict(zip(cells, combo, strict=True))}
            if all(i.residual(trial) == 0 for i in touching):
                found.append(dict(zip(cells, combo, strict=True)))
        if not found:
            continue
        for a in cells:
            seen = {f[a] for f in found}
            if len(seen) == 1:
                cell = report.cell(a)
                cell.status, cell.value, cell.candidates = Status.INFERRED, seen.pop(), None


def _merge_title(lines: list[PageLine]) -> list[PageLine]:
    """A title printed over two or three lines at the top ("某某局2023年" / "政府信息公开工作年度报告")
    as one line, as the other readers give it."""
    from gongkai.read.ocr.page import Field, PageLine

    for i in range(min(4, len(lines))):
        for n in (2, 3):
            group = lines[i : i + n]
            if len(group) < n or any(
                ln.ruled or len(ln.fields) != 1 or ln.page != group[0].page for ln in group
            ):
                continue
            joined = "".join(ln.fields[0].text for ln in group)
            if (
                len(joined) <= 80
                and find_title([joined])[0] is not None
                and find_title([group[0].text])[0] is None
            ):
                boxes = [ln.fields[0].box for ln in group]
                box = (
                    min(b[0] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[2] for b in boxes),
                    max(b[3] for b in boxes),
                )
                score = min(ln.fields[0].score for ln in group)
                merged = PageLine(group[0].page, group[0].top, [Field(joined, box, score, joined)])
                return [*lines[:i], merged, *lines[i + n :]]
    return lines


def _hold_back(report: Report, lines: list[PageLine]) -> None:
    """Doubtful cells: never ``read``; ``inferred`` only for a value among their candidates."""
    doubtful = {
        (ln.page, f.box): f for ln in lines for f in ln.fields if f.judged is not None and f.judged.doubtful
    }
    free = {(ln.page, f.box): f for ln in lines if not ln.ruled for f in ln.fields}
    for _, cell in report.cells():
        at = cell.at
        if not isinstance(at, ImageAt):
            continue
        f = doubtful.get((at.page, at.bbox))
        if f is not None and f.judged is not None:
            cands = set(f.judged.candidates)
            cell.raw = f.ocr
        elif (line := free.get((at.page, at.bbox))) is not None and cell.raw:
            # a number in a line of free text (no ruled cell of its own): judged by its text and
            # the score of the whole line
            j = judge(cell.raw, line.score)
            if not j.doubtful:
                continue
            cands = set(j.candidates)
        else:
            continue
        if cell.status == Status.INFERRED and cell.value in cands:
            continue
        if cell.known and isinstance(cell.value, int):
            cands.add(cell.value)
        if len(cands) >= 2:
            cell.status, cell.value, cell.candidates = Status.AMBIGUOUS, None, sorted(cands)
        else:
            cell.status, cell.value, cell.candidates = Status.MISSING, None, None
