"""A number too wide for its PDF cell is drawn past the cell's border: it is read whole."""

from __future__ import annotations

from gongkai.read.pdf_layout import Glyph, Rule, page_lines


def _digits(text: str, x0: float, top: float, w: float = 5.0) -> list[Glyph]:
    return [Glyph(ch, x0 + i * w, top, x0 + (i + 1) * w, top + 9) for i, ch in enumerate(text)]


def _box(x0: float, top: float, x1: float, bottom: float) -> list[Rule]:
    return [
        Rule(x0, top, x1, top),
        Rule(x0, bottom, x1, bottom),
        Rule(x0, top, x0, bottom),
        Rule(x1, top, x1, bottom),
    ]


def test_digit_past_the_border_joins_its_number() -> None:
    rules = _box(100, 100, 160, 120) + _box(160, 100, 185, 120)
    # "206329" starts at 157 in the second cell (160–185) and runs to 190: its last digit is outside
    glyphs = _digits("2063", 162, 105) + _digits("29", 182, 105)
    lines = page_lines(1, glyphs, rules)
    assert "206329" in [f.text for ln in lines for f in ln.fields]


def test_a_separate_number_outside_the_table_stays_apart() -> None:
    rules = _box(100, 100, 160, 120)
    glyphs = _digits("12", 130, 105) + _digits("7", 200, 105)  # far from the cell: a page number
    texts = [f.text for ln in page_lines(1, glyphs, rules) for f in ln.fields]
    assert "12" in texts and "127" not in texts
