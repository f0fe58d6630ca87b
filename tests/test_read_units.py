"""Unit tests of the text reader's parts: decoding, tokens, readings and the solver."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.api import parse_bytes
from gongkai.errors import InputError
from gongkai.model.identities import Identity
from gongkai.model.report import Status
from gongkai.read.decode import decode_text
from gongkai.read.normalize import label_key
from gongkai.read.readings import readings_for, segment_for, splits
from gongkai.read.solve import UNBALANCED_READINGS, Obs, Segment, solve
from gongkai.read.tokens import Token, tokenize
from gongkai.synth.corpus import render
from gongkai.synth.generate import generate_report

# -- decoding -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_decode_encodings(encoding: str) -> None:
    text = "一、本年新收政府信息公开申请数量\t15"
    got, _ = decode_text(text.encode(encoding))
    assert got.lstrip("\ufeff") == text


def test_decode_refuses_binary() -> None:
    with pytest.raises(InputError, match="二进制"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)


def test_decode_refuses_undecodable() -> None:
    with pytest.raises(InputError):
        decode_text(bytes([0x81, 0x30, 0xFF, 0xFE, 0x80]) * 50)


# -- normalisation and tokens ---------------------------------------------------------------------


def test_radical_forms_from_pdf_fonts_are_the_characters_they_stand_for() -> None:
    from gongkai.read.normalize import normalize_line

    # ⺠ (CJK Radicals Supplement) is left alone by NFKC; ⾏ (a Kangxi radical) is not
    assert normalize_line("沭阳县人⺠政府⻓期⾏政") == "沭阳县人民政府长期行政"
    report = parse_bytes(
        "2024年沭阳县人⺠政府政府信息公开工作年度报告\n一、总体情况\n正文。\n".encode(), "r.txt"
    )
    assert report.meta.agency == "沭阳县人民政府"
    # matching text character for character (headings inside a line, traditional characters)
    # sees the ideographs too, at the same positions
    from gongkai.read.normalize import to_simplified

    assert to_simplified("⼆、主动公开 ⾧江 人⺠") == "二、主动公开 长江 人民"
    truth = generate_report(random.Random(3), "2021")
    text = render(truth, "txt").decode("utf-8")
    dense = " ".join(text.replace("二、主动公开", "⼆、主动公开").split())  # a crawler's one line
    report = parse_bytes(dense.encode("utf-8"), "dense.txt")
    for row in ("rules", "normative_documents"):
        for col in ("issued", "repealed", "in_force"):
            address = f"active_disclosure.{row}.{col}"
            assert report.cell(address).value == truth.cell(address).value, address


def test_label_key_ignores_width_spaces_and_brackets() -> None:
    assert label_key("（二）部分公开（区分处理的，只计这一情形）") == label_key(
        "(二) 部分公开(区分处理的,只计这一情形)"
    )
    assert label_key("商业 企业") == "商业企业"
    assert label_key("国办公开办函〔2021〕30号") == label_key("国办公开办函﹝2021﹞30号")


def _kinds(tokens: list[Token]) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokens]


def test_tokens_split_glued_label_and_keep_digit_runs() -> None:
    toks = tokenize(["一、本年新收政府信息公开申请数量230 000023"])
    assert _kinds(toks) == [("text", "一、本年新收政府信息公开申请数量"), ("num", "230"), ("num", "000023")]
    assert toks[1].glued


def test_tokens_full_width_and_blanks() -> None:
    toks = tokenize(["规章｜１２，１７２｜／｜—"])
    assert [(t.kind, t.value) for t in toks] == [
        ("text", None),
        ("num", 12172),
        ("blank", None),
        ("blank", None),
    ]
    assert toks[1].raw == "１２，１７２"


def test_markdown_bold_around_a_cell_is_no_part_of_it() -> None:
    toks = tokenize(["**1.** 属于国家秘密 **0** **12** 3"])
    assert [(t.kind, t.text) for t in toks] == [
        ("text", "1. 属于国家秘密"),
        ("num", "0"),
        ("num", "12"),
        ("num", "3"),
    ]
    assert toks[1].raw == "**0**"


def test_tokens_keep_numbers_inside_header_phrases() -> None:
    toks = tokenize(["本年收费金额(单位:万元, 保留 4 位小数)", "信息内容 2021 年度 数量"])
    assert all(t.kind == "text" for t in toks)


# -- readings -------------------------------------------------------------------------------------


def test_splits_respect_leading_zeros() -> None:
    assert splits("000023", 5) == (("0", "0", "0", "0", "23"),)
    assert set(splits("230", 2)) == {("2", "30"), ("23", "0")}
    assert splits("05", 1) == ()


def _nums(*texts: str) -> list[Token]:
    return [t for t in tokenize([" ".join(texts)]) if t.kind != "text"]


def test_readings_exact_when_counts_match() -> None:
    rds, exact = readings_for(_nums("1", "2", "3"), 3)
    assert exact and len(rds) == 1


def test_readings_include_the_true_split() -> None:
    rds, exact = readings_for(_nums("230", "000023"), 7)
    assert not exact
    values = {tuple(o.value if o else None for o in rd) for rd in rds}
    assert (23, 0, 0, 0, 0, 0, 23) in values


def test_readings_for_a_lost_column_place_every_gap() -> None:
    rds, _ = readings_for(_nums("13", "0", "0", "0", "0", "13"), 7)
    gaps = {next(i for i, o in enumerate(rd) if o is None) for rd in rds if None in rd}
    assert gaps == set(range(7))


# -- solver ---------------------------------------------------------------------------------------

ROW = ("r.a", "r.b", "r.total")
ROW_ID = Identity("t.row_total", 1, "r", "r.total", ("r.a", "r.b"))


def _seg(addresses: tuple[str, ...], *values: int | None) -> Segment:
    toks = _nums(*("/" if v is None else str(v) for v in values))
    rds, exact = readings_for(toks, len(addresses))
    return Segment(addresses, rds, exact)


def test_solver_infers_a_single_unknown() -> None:
    res = solve([_seg(ROW, 3, None, 5)], [ROW_ID], ROW)
    assert res["r.b"].value == 2 and res["r.b"].status is Status.INFERRED
    assert res["r.a"].status is Status.READ and res["r.b"].obs == Obs(None, "/", 1)


def test_solver_zero_total_forces_parts() -> None:
    seg = Segment(ROW, [(None, None, Obs(0, "0", 1))], exact=False)
    res = solve([seg], [ROW_ID], ROW)
    assert [res[a].value for a in ROW] == [0, 0, 0]
    assert {res[a].status for a in ROW} == {Status.INFERRED}


def test_solver_marks_genuine_ambiguity() -> None:
    # two numbers for three cells: (2, ·, 2) and (·, 2, 2) and (2, 2, ·) → b, a differ
    res = solve([_seg(ROW, 2, 2)], [ROW_ID], ROW)
    assert res["r.total"].value is None or res["r.total"].status is not Status.READ
    known = {a: r.value for a, r in res.items() if r.status in (Status.READ, Status.INFERRED)}
    for a, v in known.items():  # whatever is stated must hold in every fitting reading
        assert v == {"r.a": 0, "r.b": 2, "r.total": 2}.get(a) or v == {"r.a": 2, "r.b": 0, "r.total": 2}.get(
            a
        )
    assert res["r.a"].status is Status.AMBIGUOUS and res["r.a"].candidates == [0, 2]


def test_solver_unbalanced_report_keeps_what_was_read() -> None:
    res = solve([_seg(ROW, 1, 1, 5)], [ROW_ID], ROW)
    assert [res[a].value for a in ROW] == [1, 1, 5]
    assert {res[a].status for a in ROW} == {Status.READ}


def test_solver_does_not_infer_through_a_broken_identity() -> None:
    # total printed, a blank, and a second identity that contradicts: nothing is inferred wrongly
    col = Identity("t.col", 2, "c", "r.b", ("x.b",))
    segs = [_seg(ROW, 1, None, 5), _seg(("x.b",), 7)]
    res = solve(segs, [ROW_ID, col], (*ROW, "x.b"))
    assert res["r.b"].status is Status.MISSING and res["r.b"].value is None
    assert res["x.b"].value == 7 and res["x.b"].status is Status.READ


def test_solver_does_not_infer_from_the_cells_of_a_broken_identity() -> None:
    # row r printed (1, 0, 0): 1 + 0 != 0, so one of its cells is not what the report means. A
    # column identity y.total = r.total + s.total, with s.total printed 0 and y's parts printed,
    # would force y.total = 0 through r.total, and then y.a = y.b = 0: that story rests on a cell
    # of the broken row, so none of it is stated.
    col = Identity("t.col", 2, "c", "y.total", ("r.total", "s.total"))
    y_row = Identity("t.y", 3, "y", "y.total", ("y.a", "y.b"))
    segs = [_seg(ROW, 1, 0, 0), _seg(("s.total",), 0)]
    res = solve(segs, [ROW_ID, col, y_row], (*ROW, "s.total", "y.total", "y.a", "y.b"))
    assert [res[a].value for a in ROW] == [1, 0, 0]
    for a in ("y.total", "y.a", "y.b"):
        assert res[a].status is Status.MISSING, (a, res[a])
    # printed so that the row adds up, the same identities force them
    res = solve(
        [_seg(ROW, 0, 0, 0), _seg(("s.total",), 0)],
        [ROW_ID, col, y_row],
        (*ROW, "s.total", "y.total", "y.a", "y.b"),
    )
    assert [res[a].value for a in ("y.total", "y.a", "y.b")] == [0, 0, 0]


def test_a_segment_with_more_readings_than_are_tried_gives_only_what_they_agree_on() -> None:
    # A report that does not balance (row r printed 1 + 1 = 5) and a segment read in more ways
    # than UNBALANCED_READINGS (numbers lost, placed every possible way): its readings agree on
    # h.a = 5 and disagree on h.b, so h.b is not stated, and neither is what an identity through
    # h.b would force (h.total = h.b + x.b), though each reading alone would force it.
    n = UNBALANCED_READINGS + 6
    heavy = Segment(("h.a", "h.b"), [(Obs(5, "5"), Obs(v, str(v))) for v in range(n)], exact=False)
    h_row = Identity("t.h", 2, "h", "h.total", ("h.b", "x.b"))
    segs = [_seg(ROW, 1, 1, 5), heavy, _seg(("x.b",), 1)]
    res = solve(segs, [ROW_ID, h_row], (*ROW, "h.a", "h.b", "h.total", "x.b"))
    assert (res["h.a"].value, res["h.a"].status) == (5, Status.INFERRED)
    assert (res["x.b"].value, res["x.b"].status) == (1, Status.READ)
    for a in ("h.b", "h.total"):
        assert res[a].value is None and res[a].status is Status.MISSING, (a, res[a])
    # read in as few ways as are tried, each reading is tried: the cells they dispute are
    # ambiguous between the values the readings give
    few = Segment(heavy.addresses, heavy.readings[:3])
    res = solve(
        [_seg(ROW, 1, 1, 5), few, _seg(("x.b",), 1)], [ROW_ID, h_row], (*ROW, "h.a", "h.b", "h.total", "x.b")
    )
    assert res["h.b"].status is Status.AMBIGUOUS and res["h.b"].candidates == [0, 1, 2]
    assert res["h.total"].status is Status.AMBIGUOUS and res["h.total"].candidates == [1, 2, 3]


def test_a_reading_that_assumes_damage_is_not_taken_because_it_balances() -> None:
    # "3 0" on one line and "7" alone on the next: as printed, 3 + 0 = 7 does not hold; with the
    # 7 a page number and the total lost, 3 + 0 = 3 does. A report that does not balance is no
    # evidence of damage: the total is not inferred as 3, and nothing printed is contradicted.
    toks = [t for t in tokenize(["3 0", "7"]) if t.kind != "text"]
    seg = segment_for(ROW, toks)
    assert seg.plain is not None and len(seg.readings) > 1 and not seg.exact
    res = solve([seg], [ROW_ID], ROW)
    assert res["r.total"].status not in (Status.READ, Status.INFERRED) or res["r.total"].value == 7
    # the same numbers with the 7 on the row's own line are the plain reading, exact and read
    (seg,) = [segment_for(ROW, [t for t in tokenize(["3 0 7"]) if t.kind != "text"])]
    assert seg.exact and solve([seg], [ROW_ID], ROW)["r.total"].value == 7


def test_a_plain_reading_that_balances_is_kept_beside_the_damaged_ones() -> None:
    toks = [t for t in tokenize(["3 4", "7"]) if t.kind != "text"]
    res = solve([segment_for(ROW, toks)], [ROW_ID], ROW)
    for a, printed in zip(ROW, (3, 4, 7), strict=True):  # (3, 4, 7) and (·, 3, 4) both balance
        assert res[a].status is Status.AMBIGUOUS and printed in res[a].candidates


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.integers(0, 60), min_size=2, max_size=2),
    drop=st.integers(0, 2),
)
def test_solver_never_states_a_wrong_value_for_a_lost_cell(parts: list[int], drop: int) -> None:
    truth = [*parts, sum(parts)]
    printed = [str(v) for i, v in enumerate(truth) if i != drop]
    rds, exact = readings_for(_nums(*printed), 3)
    res = solve([Segment(ROW, rds, exact)], [ROW_ID], ROW)
    for a, v in zip(ROW, truth, strict=True):
        if res[a].status in (Status.READ, Status.INFERRED):
            assert res[a].value == v


def test_amount_values_are_decimals() -> None:
    toks = tokenize(["行政事业性收费 539.16"])
    assert toks[1].value == Decimal("539.16")


def test_page_numbers_are_dropped_but_data_with_blanks_kept() -> None:
    toks = tokenize(["- 4 -", "第 5 页 共 6 页", "3 / 5"])
    assert [(t.kind, t.value) for t in toks] == [("num", 3), ("blank", None), ("num", 5)]


def test_agency_from_title_variants() -> None:
    from gongkai.read.meta import agency_from_title

    assert (
        agency_from_title("武林市人民政府办公室关于2019年度政府信息公开工作的年度报告")
        == "武林市人民政府办公室"
    )
    assert agency_from_title("2023年某某县财政局政府信息公开工作年度报告") == "某某县财政局"


def test_numbers_printed_above_their_label() -> None:
    """PDF text puts a tall cell's numbers on the line above its vertically centred label: they
    belong to the next label, not the row before (a shift no identity could see)."""
    from gongkai.read.text import read_text

    rows = [
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量 13 0 0 0 0 0 13",
        "8.属于行政查询事项 0 0 0 0 0 0 0",
        "10 0 0 0 0 0 10",
        "1.本机关不掌握相关政府信息",
        "（四）无法提供",
        "3 0 0 0 0 0 3",
        "2.没有现成信息需要另行制作",
        "0 0 0 0 0 0 0",
        "3.补正后申请内容仍不明确",
    ]
    req = read_text("\n".join(rows)).tables["requests"]
    assert req["withheld_administrative_query"]["total"].value == 0
    assert req["unavailable_not_held"]["total"].value == 10
    assert req["unavailable_needs_creation"]["total"].value == 3
    assert req["unavailable_unclear"]["total"].value == 0
