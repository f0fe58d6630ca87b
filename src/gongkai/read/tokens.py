"""Report text to a stream of tokens: labels, numbers and printed blanks, each with its line.

The layouts met in practice (tab-separated rows, ``|`` cells one per line, space-separated PDF
copies, markdown tables) differ in how cells are laid on lines but agree on reading order: a
row label, then its numbers. So the reader works on one token stream and never on columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal, cast

from gongkai.read.normalize import normalize_line, to_simplified

TokenKind = Literal["text", "num", "blank"]

_CELL_SEP = re.compile(r"[\t|｜¦]")
_WORD_SEP = re.compile(r"\s+")
_NUM = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
CELL_UNITS = ("件", "个", "条", "项", "起", "人次", "次", "万元", "元")  # units printed in a cell
_NUM_UNIT = re.compile(rf"^([+-]?\d+(?:\.\d+)?)(?:{'|'.join(CELL_UNITS)})$")
# A number followed on its line by one of these is part of a phrase ("保留 4 位小数", "2021 年").
_UNIT_NEXT = ("位", "个", "件", "元", "万", "年", "月", "日", "项", "%", "条", "次", "人")
# A label with a number glued to its end: "…申请数量230", "…收费4166.2416". The label must end in a CJK
# character or a closing bracket/quote so that "2021年" or "12345" stay whole.
_GLUED = re.compile(r"^(.*[\u4e00-\u9fff)”\"])([0-9０-９]+(?:[.．][0-9０-９]+)?)$")
# Page furniture printed inside tables by PDF copies: "- 4 -", "第 4 页", "第4页 共6页". ("4/6" is not
# taken: "3 / 5" is a row with a printed blank.)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$",
    re.IGNORECASE,
)
# A footer whose closing dash a converter dropped ("- 2", pymupdf4llm): one dash, one space, the
# number, on a line of its own. A negative number ("-2") has no space; a row of a blank and a
# number ("—    2", "-\t2") has its cells farther apart.
_HALF_PAGE_NUMBER = re.compile(r"^ *[-—–－] \d{1,4} *$")
BLANKS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "―", "――", "-—", "无", "空", "×", "x", "X"})


@dataclass(slots=True)
class Token:
    kind: TokenKind
    text: str  # normalised
    raw: str  # as printed
    line: int  # 1-based
    value: int | Decimal | None = None
    glued: bool = False  # a number that followed its label with no separator
    cell: int = 0  # how many cell separators (tab, |) precede it on its line
    after_rule: bool = False  # first token after a line of bare separators ("|||": a row's end)


def parse_number(text: str) -> int | Decimal | None:
    """``"12,172"`` → 12172, ``"539.16"`` → Decimal, ``"15件"`` → 15; None if not a number."""
    if text.isdecimal():  # digits only (what ``\d+`` matches): the common case
        return int(text)
    m = _NUM_UNIT.match(text)
    if m:
        text = m.group(1)
    elif not _NUM.match(text):
        return None
    text = text.replace(",", "")
    if "." in text:
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return int(text)


def tokenize(lines: list[str], first: int = 1, last: int | None = None) -> list[Token]:
    """Tokens of lines ``first`` to ``last`` (1-based, inclusive; default all)."""
    out: list[Token] = []
    last = len(lines) if last is None else last
    rule = False
    placeholders: dict[int, set[int]] = {}  # line -> the numbers of its placeholder names
    for i in range(first, last + 1):
        line = lines[i - 1]
        if line.strip() and not line.strip(" \t|¦｜"):
            rule = True  # a line of separators only: the end of a row in one-cell-per-line copies
            continue
        n = len(out)
        named = tokenize_line(line, i, out)
        if named:
            placeholders[i] = named
        if rule and len(out) > n:
            out[n].after_rule = True
            rule = False
    return _drop_wrapped_placeholders(out, placeholders) if placeholders else out


def _drop_wrapped_placeholders(out: list[Token], placeholders: dict[int, set[int]]) -> list[Token]:
    """Without the digits of placeholder names wrapped in their header cells: a narrow column
    prints "数据2" as "数据" over "2", so a line of numbers alone next to a line of placeholder
    names holds their lost digits. It is theirs when its numbers are exactly the ones the names
    lack (数据1 数据3 数据4 数据6 beside "2 5": together 1 to 6, each once)."""
    lines: dict[int, list[Token]] = {}
    for t in out:
        lines.setdefault(t.line, []).append(t)
    order = sorted(lines)
    drop: set[int] = set()
    for k, line in enumerate(order):
        if line not in placeholders:
            continue
        for near in order[max(k - 1, 0) : k + 2]:
            toks = lines[near]
            values = [t.value for t in toks]
            if near == line or any(t.kind != "num" or not isinstance(t.value, int) for t in toks):
                continue
            ints = cast("list[int]", values)
            together = sorted([*ints, *placeholders[line]])
            if together == list(range(1, len(together) + 1)):
                drop.add(near)
    return [t for t in out if t.line not in drop] if drop else out


def _page_footer(raw_line: str) -> bool:
    """A line that is a page number: as printed ("- 4 -", "第4页"), its closing dash dropped
    ("- 2"), as a markdown converter writes it, a heading or bold ("### — 1 —", "**- 2 -**"), or
    in table cells ("| | - | 3 - |", "| 第3页 |"), where with the cell separators gone it is a
    page number and it says 页, or its number shares a cell with a dash, which no cell of a table
    row does ("| - | 3 | - |" is a row: a blank, 3, a blank)."""
    if (
        _PAGE_NUMBER.match(raw_line)
        or _HALF_PAGE_NUMBER.match(raw_line)
        or _PAGE_NUMBER.match(raw_line.strip().lstrip("#").strip("*_ "))
    ):
        return True
    if "|" not in raw_line:
        return False
    cells = [c.strip() for c in raw_line.split("|")]
    joined = " ".join(c for c in cells if c)
    return bool(_PAGE_NUMBER.match(joined)) and (
        "页" in joined
        or "page" in joined.lower()
        or any(any(ch.isdigit() for ch in c) and any(ch in "-—–－" for ch in c) for c in cells)
    )


def tokenize_line(raw_line: str, line_no: int, out: list[Token]) -> set[int]:
    """Append the line's tokens to ``out``; return the numbers of its placeholder names."""
    fields, named = _line_tokens(raw_line)
    out.extend(
        [
            Token(kind, text, raw, line_no, value, glued, cell)
            for kind, text, raw, value, glued, cell in fields
        ]
    )
    return set(named)


_Fields = tuple[TokenKind, str, str, int | Decimal | None, bool, int]  # a Token's, but its line


@lru_cache(maxsize=2048)
def _line_tokens(raw_line: str) -> tuple[tuple[_Fields, ...], frozenset[int]]:
    """A line's tokens as fields, and the numbers of its placeholder names: the same for every
    line that prints the same (reports repeat their template's labels and headers)."""
    if not raw_line.strip() or _page_footer(raw_line):
        return (), frozenset()
    out: list[Token] = []
    if _tokenize_cells(raw_line, 0, out, parens=True):
        # a bracket left open at the end of the line (a label wrapping onto the next line):
        # numbers after it are the row's, not part of a bracketed phrase
        out.clear()
        _tokenize_cells(raw_line, 0, out, parens=False)
    _rejoin_phrases(out, 0)
    _signed_words(out)
    named = _rejoin_placeholders(out, 0)
    return tuple((t.kind, t.text, t.raw, t.value, t.glued, t.cell) for t in out), frozenset(named)


_HEAD = re.compile(r"[^\d\s]+$")  # a placeholder name's head: the text before its digits
MAX_PLACEHOLDER = 12  # placeholder names number the columns of one table


def _rejoin_placeholders(out: list[Token], first: int) -> set[int]:
    """A header of placeholder names counted on (数据1 数据2 … 数据6, as PDF-to-markdown
    converters write over tables they cannot name): each name with its digits, glued or parted
    by a space ("数据 1", as pypdf extracts them), is text, not a label and its number. Three or
    more names with one head, each a different number up to ``MAX_PLACEHOLDER`` (a copy whose
    columns were moved keeps each name with its column; a narrow column wraps some names'
    digits onto another line). Returns the names' numbers."""
    named = [
        i
        for i in range(first + 1, len(out))
        if out[i].kind == "num" and out[i - 1].kind == "text" and out[i - 1].cell == out[i].cell
    ]
    if not named or (
        len(named) < 3 and not any(t.kind == "text" and any(c.isdigit() for c in t.text) for t in out[first:])
    ):
        return set()  # fewer than three names (most lines: a row's label and its numbers)
    heads = {m.group() if (m := _HEAD.search(out[i - 1].text)) else "" for i in named}
    head = next(iter(heads))
    values = [out[i].value for i in named]
    # names run together where the tokenizer keeps digits between characters ("数据3数据")
    values += [
        int(d)
        for t in out[first:]
        if t.kind == "text"
        for d in re.findall(rf"{re.escape(head)}(\d+)", t.text)
    ]
    if (
        len(heads) != 1
        or not head
        or len(values) < 3
        or len(set(values)) != len(values)
        or not all(isinstance(v, int) and 1 <= v <= MAX_PLACEHOLDER for v in values)
    ):
        return set()
    for i in reversed(named):
        name, num = out[i - 1], out[i]
        raw = name.raw + num.raw if num.glued else f"{name.raw} {num.raw}"
        out[i - 1 : i + 1] = [Token("text", name.text + num.text, raw, name.line, cell=name.cell)]
    return set(cast("list[int]", values))


# a change printed in words before its number (2019's 本年增/减 column: "减少2", "增加 3")
_DOWN = frozenset(("减少", "减", "下降", "降低"))
_UP = frozenset(("增加", "增", "上升", "增长"))


def _signed_words(out: list[Token]) -> None:
    """A direction word standing alone before a number is its sign: "减少2" is -2, "增加 3" is 3
    (a cell of a change column; read without the word, a decrease would be stated as a rise)."""
    i = 0
    while i < len(out) - 1:
        t, nxt = out[i], out[i + 1]
        word = to_simplified(t.text) if t.kind == "text" and len(t.text) <= 2 else ""
        if (word in _DOWN or word in _UP) and nxt.kind == "num" and nxt.value is not None:
            down = word in _DOWN
            raw = t.raw + nxt.raw if nxt.glued else f"{t.raw} {nxt.raw}"
            value = -nxt.value if down else nxt.value
            text = f"-{nxt.text}" if down else nxt.text
            out[i : i + 2] = [Token("num", text, raw, t.line, value, cell=t.cell)]
        i += 1


def _rejoin_phrases(out: list[Token], first: int) -> None:
    """Fold "text NUM text" on one line back into one text token when the number reads as part of
    a phrase: "(单位：万元，保留 4 位小数)" split by spaces. A unit standing alone after a number,
    with another number or the line's end after it, is the number's own ("规章 2 件 1 件 37 件",
    pypdf's copy of cells printed "2件"): it joins the number."""
    i = first + 1
    while i < len(out) - 1:
        prev, t, nxt = out[i - 1], out[i], out[i + 1]
        if (
            t.kind == "num"
            and nxt.kind == "text"
            and nxt.text in CELL_UNITS
            and (i + 2 == len(out) or out[i + 2].kind == "num")
        ):
            out[i : i + 2] = [Token("num", t.text, f"{t.raw} {nxt.raw}", t.line, t.value, t.glued, t.cell)]
            i += 1
            continue
        if (
            t.kind == "num"
            and prev.kind == "text"
            and nxt.kind == "text"
            and not t.glued
            and nxt.text.startswith(_UNIT_NEXT)
        ):
            merged = Token(
                "text",
                f"{prev.text} {t.text} {nxt.text}",
                f"{prev.raw} {t.raw} {nxt.raw}",
                t.line,
                cell=prev.cell,
            )
            out[i - 1 : i + 2] = [merged]
            continue
        i += 1


_GAP_WORD = re.compile(r"([\s|¦]*)([^\s|¦]+)")  # a word and the separators before it
_NUM_START = frozenset("+-0123456789")


def _words(raw_line: str) -> list[tuple[str, str, bool, int]]:
    """``(normalised word, raw word, starts a new cell, cell index)`` for every word of a line."""
    norm = normalize_line(raw_line)
    out = []
    if len(norm) != len(raw_line):  # rare: a character whose normal form is longer or shorter
        for cell, raw_cell in enumerate(_CELL_SEP.split(raw_line)):
            first = True
            for raw_word in _WORD_SEP.split(raw_cell.strip()):
                if raw_word:
                    out.append((normalize_line(raw_word), raw_word, first, cell))
                    first = False
        return out
    first = True
    cell = 0
    for m in _GAP_WORD.finditer(norm):
        gap, word = m.groups()
        a, b = m.span(2)
        seps = 0 if gap == " " else gap.count("\t") + gap.count("|") + gap.count("¦")
        cell += seps
        out.append((word, raw_line[a:b], first or seps > 0, cell))
        first = False
    return out


def _tokenize_cells(raw_line: str, line_no: int, out: list[Token], *, parens: bool) -> bool:
    """Tokens of one line; returns True when a bracket is still open at its end."""
    depth = 0  # parenthesis depth: numbers inside "(保留4位小数)" belong to the label
    pending: list[str] = []  # raw words of the current text run
    pending_norm: list[str] = []
    start_cell = 0
    for word, raw_word, new_cell, cell in _words(raw_line):
        if word[:2] == "**" and word[-2:] == "**" and len(word) > 4:
            word = word[2:-2]  # markdown bold around a cell (pymupdf4llm: **0** **12**)
        if new_cell:
            _flush(pending, pending_norm, line_no, out, start_cell)
        if not pending:
            start_cell = cell
        if depth == 0:
            value = parse_number(word) if word[0] in _NUM_START else None
            if value is not None or word in BLANKS:
                _flush(pending, pending_norm, line_no, out, start_cell)
                if value is None:
                    out.append(Token("blank", word, raw_word, line_no, cell=cell))
                else:
                    out.append(Token("num", word, raw_word, line_no, value, cell=cell))
                continue
            m = _GLUED.match(raw_word) if raw_word[-1] in _DIGITS else None
        else:
            m = None
        if parens and ("(" in word or ")" in word):
            depth = max(0, depth + word.count("(") - word.count(")"))
        if m and depth == 0:
            head, digits = m.group(1), m.group(2)
            pending.append(head)
            pending_norm.append(normalize_line(head))
            _flush(pending, pending_norm, line_no, out, start_cell)
            norm = normalize_line(digits)
            out.append(Token("num", norm, digits, line_no, parse_number(norm), glued=True, cell=cell))
            continue
        pending.append(raw_word)
        pending_norm.append(word)
    _flush(pending, pending_norm, line_no, out, start_cell)
    return depth > 0


_DIGITS = frozenset("0123456789０１２３４５６７８９")


def _flush(pending: list[str], pending_norm: list[str], line_no: int, out: list[Token], cell: int) -> None:
    if pending:
        out.append(Token("text", " ".join(pending_norm), " ".join(pending), line_no, cell=cell))
        pending.clear()
        pending_norm.clear()
