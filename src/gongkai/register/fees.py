"""信息处理费 per 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号), both standards.

按件 (第四条): per applicant and natural month, the 1st–10th request free, the 11th–30th 100 元
each, and from the 31st each band of 10 costs 100 元 more per request than the one before
(31st–40th 200 元, 41st–50th 300 元, …). 按量: 30 pages free, pages 31–100 10 元, 101–200 20 元,
from 201 40 元 each. Both are progressive (超额累进); an agency picks one per request, never both.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.register.rules import RegisterError


@dataclass(frozen=True)
class Fee:
    amount: int  # 元
    lines: tuple[str, ...]  # how it was computed, in Chinese


def piece_price(k: int) -> int:
    """The fee for the k-th request of one applicant in one natural month (k ≥ 1)."""
    if k <= 10:
        return 0
    if k <= 30:
        return 100
    return 100 * (2 + (k - 31) // 10)


def fee_by_pieces(pieces: int, earlier: int = 0) -> Fee:
    """按件: ``pieces`` requests after ``earlier`` ones by the same applicant in the same month."""
    if pieces < 1 or earlier < 0:
        raise RegisterError("件数应为正整数，本月此前的件数不能为负。")
    lines: list[str] = []
    total = 0
    k = earlier + 1
    last = earlier + pieces
    while k <= last:
        price = piece_price(k)
        end = k
        while end + 1 <= last and piece_price(end + 1) == price:
            end += 1
        n = end - k + 1
        total += n * price
        span = f"第 {k} 件" if k == end else f"第 {k}–{end} 件"
        lines.append(f"{span}：{n} 件 × {price} 元 = {n * price} 元")
        k = end + 1
    return Fee(total, tuple(lines))


PAGE_BANDS = ((30, 0), (100, 10), (200, 20), (None, 40))


def fee_by_pages(pages: int) -> Fee:
    """按量: progressive by page."""
    if pages < 1:
        raise RegisterError("页数应为正整数。")
    lines: list[str] = []
    total = 0
    low = 0
    for high, price in PAGE_BANDS:
        top = pages if high is None else min(pages, high)
        if top > low:
            n = top - low
            total += n * price
            lines.append(f"第 {low + 1}–{top} 页：{n} 页 × {price} 元 = {n * price} 元")
        if high is None or pages <= high:
            break
        low = high
    return Fee(total, tuple(lines))
