"""The six section headings and the prose under them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.model.keys import SECTIONS
from gongkai.read.normalize import label_key, normalize_line

_HEADING_PREFIX = re.compile(
    r"^\s*(?:#+\s*)?(?:第?[一二三四五六七八九十]+[、.．,，:：\s]|第[一二三四五六七八九十]+部分)"
)
_MARKDOWN = re.compile(r"^\s*#+\s*")
MAX_HEADING = 36  # label-key characters


@dataclass
class Heading:
    key: str
    line: int  # 1-based


def find_headings(lines: list[str]) -> list[Heading]:
    """Section headings in reading order (the first line that names each section)."""
    found: dict[str, Heading] = {}
    for i, raw in enumerate(lines, start=1):
        if len(raw) > 3 * MAX_HEADING or not raw.strip() or "\t" in raw.strip() or "|" in raw:
            continue
        text = normalize_line(raw)
        k = label_key(text)
        if not k or len(k) > MAX_HEADING:
            continue
        numbered = bool(_HEADING_PREFIX.match(text))
        for section in SECTIONS:
            if section.key in found:
                continue
            if any(sig in k for sig in section.signatures) and (numbered or k in _bare(section.heading)):
                found[section.key] = Heading(section.key, i)
                break
    return sorted(found.values(), key=lambda h: h.line)


def _bare(heading: str) -> set[str]:
    k = label_key(heading)
    return {k, re.sub(r"^[一二三四五六七八九十]+", "", k)}


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
        body = []
        for raw in lines[h.line : end]:
            line = _MARKDOWN.sub("", raw).strip()
            if not line:
                continue
            if h.key in table_sections and not is_prose(raw):
                continue
            body.append(line)
        out[h.key] = "\n".join(reflow(body))
    return out


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
