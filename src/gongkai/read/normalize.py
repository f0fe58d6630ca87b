"""Text normalisation: full-width forms, bracket variants, traditional characters, and keys for
matching labels."""

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
        "\u2212": "-",  # the minus sign (−3), which NFKC keeps
        "\u3000": " ",
        "\xa0": " ",
        "\u200b": "",
        "\ufeff": "",
        # CJK Radicals Supplement forms that PDF fonts map whole characters to (人⺠政府, ⻓江):
        # NFKC maps the Kangxi radicals (⾏ → 行) but not these; the ideograph each stands for
        # (Unicode's EquivalentUnifiedIdeograph.txt), for the radicals that are whole characters
        **dict(
            zip(
                "⺌⺗⺝⺠⺧⺩⺪⺬⺮⺶⺼⺽⻁⻄⻅⻆⻉⻊⻋⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰",
                "小心月民牛王疋示竹羊肉臼虎西见角贝足车長长门雨青韦页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙",
                strict=True,
            )
        ),
    }
)


# The characters _TRANSLATE changes: a line without any is left as it is (``str.translate`` looks
# up every character of a non-ASCII string, which costs more than the normalisation itself).
_TRANSLATED = re.compile("[" + "".join(re.escape(chr(k)) for k, v in _TRANSLATE.items() if v != chr(k)) + "]")


def normalize_line(s: str) -> str:
    """NFKC (full-width digits, letters and punctuation to half-width) plus bracket variants."""
    if s.isascii():
        return s
    s = unicodedata.normalize("NFKC", s)
    return s.translate(_TRANSLATE) if _TRANSLATED.search(s) else s


# --- traditional characters ---------------------------------------------------------------------
# Reports from some places (and text passed through a converter) print traditional characters.
# They are converted to simplified for MATCHING only; ``raw`` and titles keep what was printed.
# OpenCC's t2s also converts phrases, which can change a text's length; here every character is
# converted on its own (OpenCC's character table), so positions in the converted text are
# positions in the printed one.

_KNOWN: set[str] = set()  # characters already looked up
_T2S: dict[int, int] = {}  # code point → simplified code point, for the characters that change
_CHANGED: set[str] = set()
_CJK_FROM = "\u3400"
_RADICALS_FROM = "\u2e80"  # CJK Radicals Supplement and Kangxi Radicals: forms PDF fonts use


@lru_cache(maxsize=1)
def _opencc() -> object | None:
    try:
        import opencc  # type: ignore[import-untyped]

        return opencc.OpenCC("t2s")
    except Exception:  # not installed or broken: matching falls back to the printed characters
        return None


def _radical(ch: str) -> str:
    """The ideograph a radical form stands for (⼆ → 二, ⺠ → 民), else ``ch``."""
    whole = unicodedata.normalize("NFKC", ch).translate(_TRANSLATE)
    return whole if len(whole) == 1 and whole >= _CJK_FROM else ch


def _learn(chars: set[str]) -> None:
    conv = _opencc()
    # a radical form (a PDF font's ⼆ for 二, ⺠ for 民) stands for its ideograph, converted too
    radicals = {ch: _radical(ch) for ch in chars if ch < _CJK_FROM}
    ordered = sorted({ch for ch in chars if ch >= _CJK_FROM} | set(radicals.values()) - set(radicals))
    out = conv.convert("\n".join(ordered)).split("\n") if conv is not None else ordered  # type: ignore[attr-defined]
    if len(out) != len(ordered):  # never expected: a separator merged into a phrase
        out = ordered
    for ch, simple in zip(ordered, out, strict=True):
        if len(simple) == 1 and simple != ch:
            _T2S[ord(ch)] = ord(simple)
            _CHANGED.add(ch)
    for ch, whole in radicals.items():
        if whole != ch:
            _T2S[ord(ch)] = _T2S.get(ord(whole), ord(whole))
            _CHANGED.add(ch)
    _KNOWN.update(chars, ordered)


def to_simplified(text: str) -> str:
    """``text`` with traditional characters replaced by simplified ones, character by character,
    and Taiwan phrasing of the format's words by the mainland's (資訊 → 信息): the result has the
    same length, so a position in it is a position in ``text``."""
    if text.isascii():
        return text
    chars = set(text)
    unknown = {ch for ch in chars - _KNOWN if ch >= _RADICALS_FROM}
    if unknown:
        _learn(unknown)
    if chars.isdisjoint(_CHANGED):
        return text
    out = text.translate(_T2S)
    for tw, mainland in _TW_PHRASES:
        if tw in out:
            out = out.replace(tw, mainland)
    return out


# Taiwan phrasing (OpenCC s2twp) of the format's words, as the mainland prints them: each the
# same length, so positions stay (文件 → 檔案 is matched as data, in model/keys.py)
_TW_PHRASES = (("资讯", "信息"),)


# Everything that is not a CJK character, a letter or a digit is dropped from a label key.
_NOT_KEY = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+")


@lru_cache(maxsize=8192)
def label_key(s: str) -> str:
    """A key for comparing labels: normalised, without spaces or punctuation.

    ``"(二) 部分公开（区分处理的…"`` and ``"（二）部分公开(区分处理的…"`` give the same key;
    ``"商业 企业"`` gives ``"商业企业"``; ``"申請"`` gives ``"申请"``.
    """
    return _NOT_KEY.sub("", to_simplified(normalize_line(s)))


def text_width(text: str) -> int:
    """Display width: CJK and other wide characters count two (as a terminal, a layout-keeping
    text copy or a spreadsheet column shows them)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
