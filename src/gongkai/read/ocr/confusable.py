"""What an OCR'd table cell may say: its text for the reader, and whether it can be trusted.

A count printed in a cell is trusted (may become ``read``) only when it was recognised with a
high score and holds none of the characters OCR confuses with one another. Otherwise the
reader sees a printed blank in its place, so that only the identities can give the cell a value
(``inferred``); the cell keeps the values it may have had as its candidates (``ambiguous``).

- "/", "1", "l", "|", "I", "丨", "\\" alone: a printed blank ("/" means nothing to report) or the
  count 1. Candidates 0 and 1 (a blank counts as nothing).
- "—", "一", "-", "_", "–" alone: a dash, a blank whatever it is; never a count.
- a number recognised with a score below :data:`MIN_SCORE`, or written with letters that look like
  digits ("1O", "2l"): candidates the number read and its look-alikes (one digit changed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_SCORE = 0.93

ONE_LIKE = frozenset("/1l|I丨\\!！iı")
DASH_LIKE = frozenset("—一-_–―－~～")
_DIGIT_LIKE = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8", "Z": "2"}
)
_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")
_NUMBERISH = re.compile(r"^[0-9OoDlI|SBZ,.]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# digits OCR takes for one another
_SWAPS = {
    "0": "869",
    "1": "74",
    "2": "7",
    "3": "85",
    "4": "19",
    "5": "63",
    "6": "508",
    "7": "12",
    "8": "3609",
    "9": "84",
}
MAX_CANDIDATES = 6


@dataclass(frozen=True, slots=True)
class Judged:
    text: str  # what the text reader is given
    doubtful: bool  # never to be ``read``
    candidates: tuple[int, ...] = ()  # the values it may be (counts only)


def judge(text: str, score: float) -> Judged:
    """The text to hand the reader for one table cell, and whether it is doubtful."""
    t = text.strip().replace(" ", "")
    if not t or (_CJK.search(t) and len(t) > 1):
        return Judged(text.strip(), False)
    if len(t) == 1 and t in ONE_LIKE:
        return Judged("/", True, (0, 1))
    if all(ch in DASH_LIKE for ch in t) and len(t) <= 3:
        return Judged("—", False)
    if _NUMBER.match(t):
        if score >= MIN_SCORE:
            return Judged(t, False)
        return Judged("/", True, look_alikes(t))
    if t[0] in "-－" and _NUMBER.match(t[1:]):  # a negative change ("-2"): the same, signed
        if score >= MIN_SCORE:
            return Judged("-" + t[1:], False)
        return Judged("/", True, tuple(-v for v in look_alikes(t[1:])))
    if _NUMBERISH.match(t) and any(ch.isdigit() for ch in t):
        fixed = t.translate(_DIGIT_LIKE)
        if _NUMBER.match(fixed):
            return Judged("/", True, look_alikes(fixed))
    return Judged(text.strip(), False)


def look_alikes(number: str) -> tuple[int, ...]:
    """The count read and the counts that differ from it by one look-alike digit (integers only)."""
    digits = number.replace(",", "")
    if not digits.isdigit():
        return ()
    out = [int(digits)]
    for i, ch in enumerate(digits):
        for alt in _SWAPS.get(ch, ""):
            if i == 0 and alt == "0" and len(digits) > 1:
                continue
            v = int(digits[:i] + alt + digits[i + 1 :])
            if v not in out:
                out.append(v)
            if len(out) >= MAX_CANDIDATES:
                return tuple(out)
    return tuple(out)


__all__ = ["DASH_LIKE", "MIN_SCORE", "ONE_LIKE", "Judged", "judge", "look_alikes"]
