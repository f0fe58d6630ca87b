"""The six section headings, the prose under them, and the introduction before them.

A heading is a short line that names a section (:data:`gongkai.model.keys.SECTIONS`), numbered
as the format numbers it (``一、总体情况``) or otherwise:

* **numbering**: ``一、`` (the format's), ``一.`` / ``一，`` / ``一 ``, ``第一部分``, and — only
  where the line sits between the sections before and after it — ``（一）`` or ``1、`` at the
  top level;
* **wording**: the format's wording (and the wordings :data:`SECTIONS` accepts anywhere), or a
  variant of :data:`VARIANTS` (``一、基本情况``, ``五、存在的问题和改进措施``,
  ``六、其他事项`` …) when its number is the section's own; a heading whose wording is unknown is
  taken for section N only when it is numbered ``N、`` and sits between sections N-1 and N+1.

Every heading printed otherwise than the format prints it gives a ``section.heading_variant``
warning that names the official heading (:func:`heading_findings`). No text is dropped: the
prose before the first heading (the introduction, 引言, often with the contact details) is kept
as the ``preamble`` section, without the title and a crawler's header lines; prose between two
headings belongs to the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from gongkai.model.keys import SECTIONS, Edition, Section
from gongkai.model.report import PREAMBLE, Finding, Severity, TextAt
from gongkai.read.meta import CRAWLER_FIELDS, find_title, is_title
from gongkai.read.normalize import label_key, normalize_line, to_simplified

MAX_HEADING = 36  # label-key characters

_CN = "一二三四五六七八九十"
_NUMBERING = re.compile(
    r"^\s*(?:#+\s*)?(?:"
    rf"第(?P<part>[{_CN}]+)(?:部分|章|篇)[、.,:\s]*"
    rf"|(?P<cn>第?[{_CN}]+)(?P<sep>[、.,:]|\s)"
    rf"|\((?P<paren>[{_CN}]+)\)"
    r"|(?P<arabic>[1-9])(?:[、.](?!\d)|\s)"
    r")"
)
# markdown marks around a heading: "## 二、…", "**一、总体情况**"
_MARKDOWN = re.compile(r"^\s*#*\s*(?:\*\*|__)?\s*|\s*(?:\*\*|__)\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_COLON = re.compile(r"[:：]")
# A rule line: "=====", "-----", "==== 正文 ====" (a crawler's file: header block above, body below).
_BODY_RULE = re.compile(r"^\s*[=\-—─_*#]{4,}\s*(?:[\u4e00-\u9fff]{0,4}\s*[=\-—─_*#]{4,})?\s*$")
_CRAWLER = re.compile(rf"^\s*(?:{'|'.join(CRAWLER_FIELDS)})\s*[:：]")

# Wordings met in published reports, as label-key fragments: a heading with one of these and the
# section's own number is that section (the format's wording is in SECTIONS[].signatures).
VARIANTS: dict[str, tuple[str, ...]] = {
    "overview": ("总体概况", "基本情况", "工作概况", "总体工作情况", "概况", "概述", "总体情况"),
    "active_disclosure": ("主动公开", "政府信息公开情况"),
    "requests": ("依申请公开", "收到和处理", "政府信息公开申请", "申请公开"),
    "appeals": ("行政复议", "行政诉讼", "复议诉讼"),
    "problems": (
        "存在的问题",
        "存在问题",
        "主要问题",
        "问题和改进",
        "问题及改进",
        "不足",
        "改进措施",
        "改进情况",
    ),
    "other_matters": ("其他事项", "其他需要说明", "其他需要报告", "其他说明", "其他"),
}


def _cn_number(s: str) -> int | None:
    s = s.removeprefix("第")
    if not s or any(ch not in _CN for ch in s):
        return None
    if s == "十":
        return 10
    if len(s) == 1:
        return _CN.index(s) + 1
    if len(s) == 2 and s[0] == "十":
        return 10 + _CN.index(s[1]) + 1
    return None


@dataclass
class Heading:
    key: str
    line: int  # 1-based
    printed: str = ""  # the heading as printed (without markdown marks)
    variant: bool = False  # numbered or worded otherwise than the format
    tail: str = ""  # text after a colon on the heading's line


@dataclass(frozen=True)
class _Line:
    line: int
    printed: str  # the heading as printed, without markdown marks and a tail after a colon
    key: str  # label key of the wording (numbering removed)
    ordinal: int | None
    style: str | None  # "official" (一、), "other" (一. 第一部分), "nested" (（一） 1、), None
    sentence: bool  # ends like a sentence: a list item more likely than a heading
    tail: str  # text after a colon on the heading's line (六、其他需要报告的事项：无。)
    cell: bool = False  # the first cell of a line of cells (taken only in the official wording)


def _parse(i: int, raw: str) -> _Line | None:
    """Line ``i`` as a heading it may be, or None when it can be none: neither a section's
    official wording (pass one) nor numbered as a section outside a table's cells (pass two)."""
    ln = _candidate(raw)
    if ln is None:
        return None
    return _Line(i, ln.printed, ln.key, ln.ordinal, ln.style, ln.sentence, ln.tail, ln.cell)


@lru_cache(maxsize=4096)
def _candidate(raw: str) -> _Line | None:
    """:func:`_parse` at line 0: the same for every line that prints the same (reports repeat
    their template's headings and labels)."""
    ln = _parse_text(raw)
    if ln is None or _first_official(ln.key, ln.style) is not None:
        return ln
    return ln if ln.ordinal is not None and 1 <= ln.ordinal <= len(SECTIONS) and not ln.cell else None


def _parse_text(raw: str) -> _Line | None:
    if "|" in raw and not raw.lstrip().startswith("|"):
        # a heading run into the table under it ("二、主动公开政府信息情况 | 第二十条第(一)项 | …",
        # a converter's text of a page): its first cell, if that is a section's official heading
        first = _parse_text(raw.split("|", 1)[0])
        return replace(first, cell=True) if first is not None and not first.tail else None
    if len(raw) > 3 * MAX_HEADING or not raw.strip() or "\t" in raw.strip() or "|" in raw:
        return None
    printed = _MARKDOWN.sub("", normalize_line(raw)).strip()
    text = to_simplified(printed)  # same length: indices in ``text`` cut ``printed``
    tail = ""
    colon = _COLON.search(text)
    if colon and label_key(text[: colon.start()]):
        tail = printed[colon.end() :].strip()
        printed, text = printed[: colon.start()].rstrip(), text[: colon.start()].rstrip()
    m = _NUMBERING.match(text)
    ordinal: int | None = None
    style: str | None = None
    rest = text
    if m is not None:
        rest = text[m.end() :]
        if m.group("part"):
            ordinal, style = _cn_number(m.group("part")), "other"
        elif m.group("cn"):
            ordinal = _cn_number(m.group("cn"))
            official = m.group("sep") == "、" and not m.group("cn").startswith("第")
            style = "official" if official else "other"
        elif m.group("paren"):
            ordinal, style = _cn_number(m.group("paren")), "nested"
        else:
            ordinal, style = int(m.group("arabic")), "nested"
        if ordinal is None:
            style = None
    k = label_key(rest)
    if not k or len(k) > MAX_HEADING:
        return None
    sentence = text.endswith(("。", ";", "；", "!", "?", "！", "？"))
    shown = _MARKDOWN.sub("", raw).strip()  # as printed, for messages
    if tail:
        shown = _COLON.split(shown, maxsplit=1)[0].rstrip()
    return _Line(0, shown, k, ordinal, style, sentence, tail)


def _bare(section: Section) -> set[str]:
    k = label_key(section.heading)
    return {k, re.sub(rf"^[{_CN}]+", "", k)}


def _ordinal(section: Section) -> int:
    n = _ORDINALS.get(id(section))
    return n if n is not None else SECTIONS.index(section) + 1


_ORDINALS = {id(s): i + 1 for i, s in enumerate(SECTIONS)}  # SECTIONS.index() + 1, without the scan


def _official(section: Section, key: str, style: str | None) -> bool:
    """Pass one: the format's wording (the signatures the model accepts anywhere) numbered at
    the top level, or alone on its line (a line's label key and numbering style)."""
    if style == "nested" or not any(sig in key for sig in section.signatures):
        return False
    return style is not None or key in _bare(section)


@lru_cache(maxsize=4096)
def _first_official(key: str, style: str | None) -> tuple[Section, int] | None:
    """The first section whose official heading a line is (:func:`_official`), and the rank of
    the first of its signatures the line prints."""
    for section in SECTIONS:
        if _official(section, key, style):
            return section, next(i for i, sig in enumerate(section.signatures) if sig in key)
    return None


def _known(section: Section, ln: _Line) -> bool:
    """The section's own number, and its wording or a variant of it."""
    return (
        ln.ordinal == _ordinal(section)
        and not ln.sentence
        and (
            any(sig in ln.key for sig in section.signatures)
            or any(v in ln.key for v in VARIANTS[section.key])
        )
    )


def _in_order(found: dict[str, Heading], ordinal: int, line: int) -> bool:
    """Whether a heading for section ``ordinal`` at ``line`` keeps the found sections in order."""
    for s in SECTIONS:
        h = found.get(s.key)
        if h is None:
            continue
        if (_ordinal(s) < ordinal and h.line >= line) or (_ordinal(s) > ordinal and h.line <= line):
            return False
    return True


def _chain(candidates: list[tuple[_Line, Section]]) -> list[tuple[_Line, Section]]:
    """The longest run of candidates whose numbers rise with their lines (candidates are in line
    order)."""
    runs: list[list[tuple[_Line, Section]]] = []
    for ln, section in candidates:
        before = [run for run in runs if _ordinal(run[-1][1]) < _ordinal(section)]
        runs.append([*max(before, key=len, default=[]), (ln, section)])
    return max(runs, key=len, default=[])


def _variant(section: Section, ln: _Line) -> bool:
    return not (
        ln.style == "official"
        and ln.ordinal == _ordinal(section)
        and any(sig in ln.key for sig in section.signatures)
    )


def find_headings(lines: list[str]) -> list[Heading]:
    """Section headings in reading order (the first line that names each section)."""
    parsed = [p for i, raw in enumerate(lines, start=1) if (p := _parse(i, raw)) is not None]
    found: dict[str, Heading] = {}

    def take(section: Section, ln: _Line) -> None:
        found[section.key] = Heading(section.key, ln.line, ln.printed, _variant(section, ln), ln.tail)

    # pass one: each section at the line that prints its most specific signature, the first
    # such line (a report that numbers its prose parts on its own, 四、政府信息公开申请情况, and
    # then the tables' sections, 二、收到和处理政府信息公开申请情况, has the tables' sections
    # where the format's wording is)
    best: dict[str, tuple[int, _Line]] = {}  # section -> (its signature's rank, the line)
    for ln in parsed:
        if (official := _first_official(ln.key, ln.style)) is not None:
            section, rank = official
            if section.key not in best or rank < best[section.key][0]:
                best[section.key] = (rank, ln)
    taken_lines: set[int] = set()
    for section in SECTIONS:
        if section.key in best and (ln := best[section.key][1]).line not in taken_lines:
            take(section, ln)
            taken_lines.add(ln.line)
    # pass two: the sections' own numbers with variant wordings, or numbered as nested headings,
    # taken only where they keep the sections found in order; with none found, a run of at
    # least three rising numbers is the document's own numbering
    numbered = [
        ln for ln in parsed if ln.ordinal is not None and 1 <= ln.ordinal <= len(SECTIONS) and not ln.cell
    ]
    known = [(ln, SECTIONS[ln.ordinal - 1]) for ln in numbered if _known(SECTIONS[ln.ordinal - 1], ln)]  # type: ignore[operator]
    if not found:
        run = _chain(known)
        for ln, section in run if len(run) >= 3 else []:
            take(section, ln)
    taken = {h.line for h in found.values()}
    generic = [
        (ln, SECTIONS[ln.ordinal - 1])  # type: ignore[operator]
        for ln in numbered
        if ln.style == "official" and not ln.sentence and len(ln.key) <= 20
    ]
    for ln, section in [*known, *generic]:
        if (
            found
            and section.key not in found
            and ln.line not in taken
            and _in_order(found, _ordinal(section), ln.line)
        ):
            take(section, ln)
            taken.add(ln.line)
    return sorted(found.values(), key=lambda h: h.line)


def heading_findings(headings: list[Heading]) -> list[Finding]:
    """A ``section.heading_variant`` warning for every heading printed otherwise than the format."""
    out: list[Finding] = []
    by_key = {s.key: s for s in SECTIONS}
    for h in headings:
        if not h.variant:
            continue
        official = by_key[h.key].heading
        out.append(
            Finding(
                rule="section.heading_variant",
                severity=Severity.WARNING,
                message=(
                    f"第{official.split('、')[0]}部分的标题印为「{h.printed}」，与规定的标题「{official}」不一致，"
                    f"已按「{official}」读取。请按规定的标题和编号修改。"
                ),
                at=TextAt(line=h.line),
            )
        )
    return out


def is_prose(line: str) -> bool:
    """A line of running text, not a table row."""
    stripped = line.strip()
    if not stripped or "\t" in stripped or stripped.endswith("|"):
        return False
    return len(label_key(stripped)) >= 24


def section_texts(lines: list[str], headings: list[Heading], table_sections: set[str]) -> dict[str, str]:
    """Text under each heading, up to the next; in table sections only the prose lines."""
    out: dict[str, str] = {}
    for n, h in enumerate(headings):
        end = headings[n + 1].line - 1 if n + 1 < len(headings) else len(lines)
        body = [h.tail] if h.tail else []
        for raw in lines[h.line : end]:
            line = _MARKDOWN.sub("", raw).strip()
            if not line:
                continue
            if h.key in table_sections and not is_prose(raw):
                continue
            body.append(line)
        out[h.key] = "\n".join(reflow(body))
    return out


def preamble_text(lines: list[str], headings: list[Heading]) -> str | None:
    """The introduction before 一、总体情况 (引言: the basis of the report, what it covers, its
    period, where to download it, whom to ask), or None.

    It runs from the last line before the first heading that reads as the report's title, or
    the rule a crawler's file draws between its header block and the body (``==== 正文 ====``),
    to the heading (page furniture and a crawler's header block come before that); table rows, a
    crawler's header lines and lines without a Chinese character (page numbers, dates) are not
    part of it. A document that opens later than the first two sections (a page cut from the
    middle of a report) has none."""
    if not headings or headings[0].key not in ("overview", "active_disclosure"):
        return None
    first = headings[0].line  # 1-based: lines[: first - 1] come before it
    start = 0
    for i, raw in enumerate(lines[: first - 1]):
        if is_title(raw) or _BODY_RULE.match(raw):
            start = i + 1  # after the title, or after the rule a crawler draws above the body
    body = []
    for raw in lines[start : first - 1]:
        line = _MARKDOWN.sub("", raw).strip()
        if not line or "\t" in line or _CRAWLER.match(normalize_line(line)) or not _CJK.search(line):
            continue
        if start == 0 and find_title([line])[0] is not None:
            continue  # a title wrapped over two lines
        body.append(line)
    return "\n".join(reflow(body)) or None


def read_sections(
    lines: list[str], headings: list[Heading], table_sections: set[str], spec: Edition
) -> tuple[dict[str, str | None], list[Finding]]:
    """The report's ``sections`` (the preamble first, then the sections in reading order, then
    those not found as None) and the reader's findings about its headings."""
    texts = section_texts(lines, headings, table_sections)
    sections: dict[str, str | None] = {PREAMBLE: preamble_text(lines, headings)}
    sections.update({h.key: texts.get(h.key) for h in headings})
    for s in spec.sections:
        sections.setdefault(s.key, None)
    return sections, heading_findings(headings)


_SENTENCE_END = (*"。！？；：!?;:」”’)）】", "…")


def reflow(lines: list[str]) -> list[str]:
    """Join lines that a PDF wrapped mid-sentence: a long line not ending a sentence continues
    on the next line."""
    out: list[str] = []
    for line in lines:
        if out and len(out[-1]) >= 20 and not out[-1].endswith(_SENTENCE_END) and not _starts_item(line):
            out[-1] += line
        else:
            out.append(line)
    return out


_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．])")


def _starts_item(line: str) -> bool:
    return bool(_ITEM.match(line))
