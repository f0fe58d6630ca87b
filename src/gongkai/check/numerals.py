"""Small integers written in Chinese numerals (一件, 两起, 十五件, 一百零五件) or digits."""

from __future__ import annotations

DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
PATTERN = r"\d+|[零〇一二两三四五六七八九十百千]+"  # what to match before calling parse_int


def parse_int(text: str) -> int | None:
    """``"15"`` → 15, ``"十五"`` → 15, ``"两"`` → 2, ``"一百零五"`` → 105; None if malformed."""
    if text.isdigit():
        return int(text)
    if not text:
        return None
    total, pending, last_unit = 0, None, 10_000
    for ch in text:
        if ch in DIGITS:
            if pending:  # two digits in a row, as in "一二": not a number
                return None
            pending = DIGITS[ch]
        elif ch in UNITS:
            unit = UNITS[ch]
            if unit >= last_unit or pending == 0:  # "十百", "零十"
                return None
            total += (1 if pending is None else pending) * unit
            pending, last_unit = None, unit
        else:
            return None
    return total + (pending or 0)
