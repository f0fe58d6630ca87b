"""Text normalisation: full-width forms, bracket variants, and keys for matching labels."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Bracket and punctuation variants that NFKC leaves alone.
_TRANSLATE = str.maketrans(
    {
        "〔": "(",
        "〕": ")",
        "﹝": "(",
        "﹞": ")",
        "［": "(",
        "］": ")",
        "[": "(",
        "]": ")",
        "【": "(",
        "】": ")",
        "〈": "(",
        "〉": ")",
        "｛": "(",
        "｝": ")",
        "、": "、",
        "\u3000": " ",
        "\xa0": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)


def normalize_line(s: str) -> str:
    """NFKC (full-width digits, letters and punctuation to half-width) plus bracket variants."""
    if s.isascii():
        return s
    return unicodedata.normalize("NFKC", s).translate(_TRANSLATE)


# Everything that is not a CJK character, a letter or a digit is dropped from a label key.
_NOT_KEY = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+")


@lru_cache(maxsize=8192)
def label_key(s: str) -> str:
    """A key for comparing labels: normalised, without spaces or punctuation.

    ``"(二) 部分公开（区分处理的…"`` and ``"（二）部分公开(区分处理的…"`` give the same key;
    ``"商业 企业"`` gives ``"商业企业"``.
    """
    return _NOT_KEY.sub("", normalize_line(s))


_CN_DIGITS = {
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
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_number(s: str) -> int | None:
    """``"十五"`` → 15, ``"二百零三"`` → 203, ``"15"`` → 15; None when not a number."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if not s or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in s):
        return None
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
    return total + section + (digit or 0)
