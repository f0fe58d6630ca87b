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
