"""Bounds of a cell's value, shared by the model, the store (corrections, the web application's
entries) and the exports: what a count, a signed count and an amount may be.

- **count** (件数, 人次): an integer, 0 ≤ n ≤ ``MAX_COUNT`` (999,999,999). The largest real figures
  are a ministry's tens of thousands of requests; nine digits leave room for any real report
  and refuse a 23-digit number, which no spreadsheet or database column holds exactly.
- **signed** (2019 edition 本年增/减): an integer with ``|n| ≤ MAX_COUNT``.
- **amount** (万元): a decimal, 0 ≤ x ≤ ``MAX_AMOUNT`` (999,999,999.9999 万元), at most
  ``AMOUNT_PLACES`` (4) decimal places (4 places of 万元 is one yuan).

Text typed by a person (:func:`parse_number`) is ASCII digits, optionally with thousands
separators (``,`` or ``，``), one decimal point and, for a signed count, a sign; full-width
digits (``１２``) are read as their ASCII forms. Exponents (``1e309``), ``NaN``, ``Infinity``,
and digits of other scripts (Arabic-Indic ``١٢``, Devanagari ``१२``, …) are refused with a
Chinese message: Python's ``Decimal`` and ``int`` would accept most of them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal

Kind = Literal["count", "signed", "amount"]

MAX_COUNT = 999_999_999
MAX_AMOUNT = Decimal("999999999.9999")
AMOUNT_PLACES = 4

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


class OutOfBounds(ValueError):
    """A value outside its kind's bounds, or text that is not a plain number; the message is
    Chinese and names the bound."""


def describe(kind: str) -> str:
    """The bounds of a kind, in Chinese, for messages and help."""
    if kind == "amount":
        return f"金额为 0 至 {MAX_AMOUNT:,} 之间的数，最多 {AMOUNT_PLACES} 位小数"
    if kind == "signed":
        return f"增减数为 -{MAX_COUNT:,} 至 {MAX_COUNT:,} 之间的整数"
    return f"数量为 0 至 {MAX_COUNT:,} 之间的整数"


def check(value: int | Decimal, kind: str) -> int | Decimal:
    """``value`` when it is within the bounds of ``kind``; :class:`OutOfBounds` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise OutOfBounds(f"「{value!r}」不是数字。")
    if isinstance(value, Decimal) and not value.is_finite():
        raise OutOfBounds(f"「{value}」不是有限的数。")
    if kind == "amount":
        d = Decimal(value)
        if d < 0:
            raise OutOfBounds("金额不能为负数。")
        if d > MAX_AMOUNT:
            raise OutOfBounds(f"金额 {d} 超出上限（{describe(kind)}）。")
        exponent = d.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > AMOUNT_PLACES:
            raise OutOfBounds(f"金额 {d} 的小数位过多（{describe(kind)}）。")
        return value
    if isinstance(value, Decimal) and value != value.to_integral_value():
        raise OutOfBounds("该单元格是数量，应为整数。")
    n = int(value)
    if kind == "count" and n < 0:
        raise OutOfBounds("数量不能为负数。")
    if abs(n) > MAX_COUNT:
        raise OutOfBounds(f"{n} 超出上限（{describe(kind)}）。")
    return value


def within(value: int | Decimal, kind: str) -> bool:
    try:
        check(value, kind)
    except OutOfBounds:
        return False
    return True


def parse_number(text: str, kind: str) -> int | Decimal:
    """A number typed by a person for a cell of ``kind``: an ``int`` for counts, a ``Decimal``
    for amounts; :class:`OutOfBounds` with a Chinese message for anything else."""
    t = (text or "").strip().translate(_FULL_WIDTH).replace("，", ",")
    if not t:
        raise OutOfBounds("没有填写数值。")
    if len(t) > 40:
        raise OutOfBounds(f"「{text[:20]}…」太长，不是单元格的数值。")
    if "," in t:
        if not _GROUPED.fullmatch(t):
            raise OutOfBounds(f"「{text}」的千位分隔符位置不对。")
        t = t.replace(",", "")
    if not _NUMBER.fullmatch(t):
        if any(c.isdigit() and not ("0" <= c <= "9") for c in t):
            raise OutOfBounds(f"「{text}」含有非阿拉伯数字的数字字符，请用 0–9 书写。")
        raise OutOfBounds(f"「{text}」不是数字（只接受 0–9、小数点和千位分隔符，不接受科学记数法）。")
    try:
        d = Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise OutOfBounds(f"「{text}」不是数字。") from None
    if kind == "amount":
        return check(d, kind)
    if d != d.to_integral_value():
        raise OutOfBounds("该单元格是数量，应为整数。")
    if kind == "count" and d < 0:
        raise OutOfBounds("数量不能为负数。")
    return int(check(int(d), kind))
