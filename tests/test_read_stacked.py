"""Header labels printed down narrow cells, a piece a line ("总" / "计", "结果" / "维持"), as
layout-keeping text copies of a PDF (pdftotext -layout) and the PDF reader's own lines give
them: the pieces of one label stand in the same columns, so the column order is read from
them, and an appeals order that is only assumed never states a number both layouts in use
would give differently."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from gongkai.api import parse_bytes
from gongkai.model.keys import APPEAL_COLUMNS
from gongkai.model.report import Report, Status
from gongkai.read.columns import Place, stacked_labels, stacked_text_labels
from gongkai.read.tables import appeal_order_stacked
from gongkai.read.tokens import Token
from gongkai.synth.corpus import render
from gongkai.synth.generate import generate_report

LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
GROUPS = ("未经复议直接起诉", "复议后起诉")


def _skip(k: str) -> bool:
    return any(g in k for g in ("行政复议", "行政诉讼", *GROUPS))


def _layout(columns: list[tuple[str, int, int]], gap: int, indent: int = 0) -> list[str]:
    """Text lines with each label printed down its own character columns: ``(label, characters
    a line, first line)`` per column, ``gap`` spaces between columns."""
    height = max(top + -(-len(label) // width) for label, width, top in columns)
    rows = [[" "] * indent for _ in range(height)]
    for label, width, top in columns:
        pieces = [label[i : i + width] for i in range(0, len(label), width)]
        for ln in range(height):
            piece = pieces[ln - top] if 0 <= ln - top < len(pieces) else ""
            rows[ln] += list(piece.ljust(width)) + [" "] * gap
    return ["".join(r).rstrip() for r in rows]


def test_single_characters_down_their_cells_read_total_first() -> None:
    """What pdftotext -layout makes of a browser's PDF of a table with 总计 first."""
    lines = [
        "总 结 结       其        尚",
        "计 果 果       他        未",
        "  维 纠       结        审",
        "  持 正       果        结",
    ]
    assert stacked_text_labels(lines, APPEAL_COLUMNS, _skip) == [
        "total",
        "upheld",
        "corrected",
        "other",
        "pending",
    ]


def test_letter_spaced_labels_and_pieces_centred_on_other_lines() -> None:
    """A real PDF's header: 总计 letter-spaced ("总 计") and centred on its own line, pieces of two
    characters with the next group one line lower."""
    lines = [
        "结果   结果     其他   尚未",
        "                    总 计 结果 结果 其他       尚未",
        "维持   纠正     结果   审结",
        "                                          总 计",
        "                        维持 纠正 结果       审结",
    ]
    assert stacked_text_labels(lines, APPEAL_COLUMNS, _skip) == [
        *("upheld", "corrected", "other", "pending", "total"),
        *("upheld", "corrected", "other", "pending", "total"),
    ]


def test_pieces_that_do_not_stand_in_one_column_read_nothing() -> None:
    # "维持" one column to the right: under two stacks
    assert stacked_text_labels(["结果 结果", " 维持纠正"], APPEAL_COLUMNS, _skip) is None
    # a stack that is no label
    assert stacked_text_labels(["结果 其他", "纠正 维持"], APPEAL_COLUMNS, _skip) is None
    # words one space apart everywhere: a copy that joined each line's words, whose columns
    # line up by chance
    assert (
        stacked_text_labels(["结果 结果 其他 尚未", "维持 纠正 结果 审结 总计"], APPEAL_COLUMNS, _skip)
        is None
    )


@given(
    order=st.permutations(list(LABELS)),
    width=st.sampled_from([1, 2, 4]),
    tops=st.lists(st.integers(0, 2), min_size=15, max_size=15),
    gap=st.integers(2, 4),
    indent=st.integers(0, 6),
)
def test_any_order_printed_down_its_cells_is_read(
    order: list[str], width: int, tops: list[int], gap: int, indent: int
) -> None:
    columns = [(LABELS[k], width, top) for k, top in zip(order * 3, tops, strict=True)]
    lines = [
        "行政复议              行政诉讼",
        "      未经复议直接起诉     复议后起诉",
        *_layout(columns, gap, indent),
    ]
    assert stacked_text_labels(lines, APPEAL_COLUMNS, _skip) == order * 3
    header = [Token("text", line, line, i + 1) for i, line in enumerate(lines) if line.strip()]
    assert appeal_order_stacked(header, lines) == order


def test_measured_boxes_are_stacked_like_character_columns() -> None:
    """On a PDF page the pieces' boxes decide, whatever the text's spacing: three groups side by
    side, each 150 points right of the one before, one token a piece."""
    group = [
        [
            (0.0, 30.0, "结果"),
            (30.0, 60.0, "结果"),
            (60.0, 90.0, "其他"),
            (90.0, 120.0, "尚未"),
            (120.0, 150.0, "总计"),
        ],
        [(1.0, 29.0, "维持"), (31.0, 59.0, "纠正"), (61.0, 89.0, "结果"), (91.0, 119.0, "审结")],
    ]
    assert stacked_labels(group, APPEAL_COLUMNS, _skip) == [
        "upheld",
        "corrected",
        "other",
        "pending",
        "total",
    ]
    header: list[Token] = []
    places: dict[int, Place] = {}
    for ln, row in enumerate(group):
        for g in range(3):
            for x0, x1, word in row:
                t = Token("text", word, word, ln + 1, cell=len(header))
                places[id(t)] = Place(("pdf",), x0 + 150 * g, x1 + 150 * g, False)
                header.append(t)
    order = appeal_order_stacked(header, [], lambda t: places.get(id(t)))
    assert order == ["upheld", "corrected", "other", "pending", "total"]
    # a token of several words has one box for all of them: their places are unknown
    joined = Token("text", "结果 结果", "结果 结果", 1)
    places[id(joined)] = Place(("pdf",), 0.0, 60.0, False)
    assert appeal_order_stacked([joined, *header[15:]], [], lambda t: places.get(id(t))) is None


def _report_with_appeals(header: list[str], numbers: str) -> Report:
    truth = generate_report(random.Random(3), "2021")
    lines = render(truth, "txt").decode("utf-8").split("\n")
    a = next(i for i, ln in enumerate(lines) if "四、政府信息公开行政复议" in ln)
    b = next(i for i, ln in enumerate(lines) if "五、存在的主要问题" in ln)
    lines[a + 1 : b] = ["行政复议                     行政诉讼", *header, numbers]
    return parse_bytes("\n".join(lines).encode("utf-8"), "appeals.txt")


def test_total_first_printed_down_its_cells_is_read_in_that_order() -> None:
    """The open defect of the converter corpus (total_first>chromium_pdf>pdftotext_layout): the
    header in pieces, the numbers in one packed line, 总计 first. Read by the stacked header."""
    group = [("总计", 1, 0), ("结果维持", 1, 0), ("结果纠正", 1, 0), ("其他结果", 1, 0), ("尚未审结", 1, 0)]
    header = ["      未经复议直接起诉           复议后起诉", *_layout(group * 3, 3)]
    report = _report_with_appeals(header, "5 0 0 1 4 3 1 2 0 0 0 0 0 0 0")
    got = {a: (c.value, c.status) for a, c in report.cells() if a.startswith("appeals.reconsideration.")}
    assert got == {
        "appeals.reconsideration.total": (5, Status.READ),
        "appeals.reconsideration.upheld": (0, Status.READ),
        "appeals.reconsideration.corrected": (0, Status.READ),
        "appeals.reconsideration.other": (1, Status.READ),
        "appeals.reconsideration.pending": (4, Status.READ),
    }
    assert report.cell("appeals.litigation_direct.upheld").value == 1


_UNREAD = [  # a header in pieces whose columns cannot be seen: the official order is assumed
    "结果 结果 其他 尚未 未经复议直接起诉 复议后起诉",
    "维持 纠正 结果 审结 总计 结果 结果 其他 尚未 总计 结果 结果 其他 尚未 总计",
    "维持 纠正 结果 审结 维持 纠正 结果 审结",
]


def test_an_assumed_order_never_states_what_total_first_reads_otherwise() -> None:
    """ "3 0 0 0 3" adds up as 结果维持 3 (official order) and as 尚未审结 3 (总计 first): with the
    order assumed, those two cells are ambiguous; the cells both readings agree on are read."""
    report = _report_with_appeals(_UNREAD, "3 0 0 0 3 1 2 0 0 3 0 0 0 0 0")
    upheld = report.cell("appeals.reconsideration.upheld")
    pending = report.cell("appeals.reconsideration.pending")
    assert (upheld.status, upheld.candidates) == (Status.AMBIGUOUS, [0, 3])
    assert (pending.status, pending.candidates) == (Status.AMBIGUOUS, [0, 3])
    assert report.cell("appeals.reconsideration.total").status == Status.READ
    assert report.cell("appeals.reconsideration.total").value == 3
    assert report.cell("appeals.litigation_direct.corrected").value == 2  # adds up one way only
    assert report.cell("appeals.litigation_direct.corrected").status == Status.READ


def test_a_read_header_makes_the_same_numbers_read() -> None:
    """The same numbers under a header whose labels stand down their columns: the order is seen,
    so nothing is ambiguous."""
    group = [("结果维持", 2, 0), ("结果纠正", 2, 0), ("其他结果", 2, 0), ("尚未审结", 2, 0), ("总计", 2, 1)]
    report = _report_with_appeals(
        ["      未经复议直接起诉           复议后起诉", *_layout(group * 3, 2)],
        "3 0 0 0 3 1 2 0 0 3 0 0 0 0 0",
    )
    assert report.cell("appeals.reconsideration.upheld").status == Status.READ
    assert report.cell("appeals.reconsideration.upheld").value == 3
