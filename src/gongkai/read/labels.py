"""The one matcher of printed row labels: it interprets the label rules that
:mod:`gongkai.model.keys` holds as data (``REQUEST_LABELS``, ``ACTIVE_LABELS``,
``APPEAL_LABELS``); the readers hold no label literals of their own."""

from __future__ import annotations

import re
from collections.abc import Callable

from gongkai.model.keys import APPEAL_LABELS, LabelRule
from gongkai.read.normalize import label_key
from gongkai.read.tokens import Token

Matcher = Callable[[str, list[Token], int], bool]
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+|\d+)")


def next_is_number(toks: list[Token], i: int) -> bool:
    return i + 1 < len(toks) and toks[i + 1].kind != "text"


def strip_ordinal(k: str) -> str:
    return _ORDINAL.sub("", k, count=1)


def matcher(rule: LabelRule) -> Matcher:
    """The one interpreter of the label rules of :mod:`gongkai.model.keys`: whether the label key
    at token ``i`` names the row (strongly: anywhere in the table's order)."""
    contains = _any_in(tuple(label_key(x) for x in rule.contains))
    excludes = _any_in(tuple(label_key(x) for x in rule.excludes))
    ends = tuple(label_key(x) for x in rule.ends)
    starts = tuple(label_key(x) for x in rule.starts)

    def match(k: str, toks: list[Token], i: int) -> bool:
        if rule.max_len and len(k) > rule.max_len:
            return False
        if excludes is not None and excludes(k):
            return False
        if (contains is not None and contains(k)) or (ends and k.endswith(ends)):
            return True
        if starts:
            s = strip_ordinal(k)
            return any(s.startswith(x) and len(s) <= len(x) + rule.slack for x in starts)
        return False

    return match


def _any_in(parts: tuple[str, ...]) -> Callable[[str], bool] | None:
    """Whether a key contains one of ``parts`` (None when there are none): one substring test,
    or one search for several."""
    if not parts:
        return None
    if len(parts) == 1:
        part = parts[0]
        return lambda k: part in k
    pattern = re.compile("|".join(map(re.escape, parts)))
    return lambda k: pattern.search(k) is not None


def weak_matcher(rule: LabelRule) -> Matcher | None:
    """For a row with a plain label (其他, 总计): the test applied near the previous row only."""
    if not rule.weak:
        return None
    weak = frozenset(rule.weak)
    if rule.weak_before_number:
        return lambda k, toks, i: k in weak and next_is_number(toks, i)
    return lambda k, toks, i: k in weak


_APPEAL_MATCHERS = [(key, matcher(rule)) for key, rule in APPEAL_LABELS]


def appeal_row(k: str) -> str | None:
    """The appeals row a label key names (the first rule that accepts it)."""
    for key, m in _APPEAL_MATCHERS:
        if m(k, [], 0):
            return key
    return None
