"""Tables as text copies print them, read whole: a unit parted from its number ("2 件"), a
sentence before the requests table that names its rows, an appeals table printed row by row with
a label broken over lines, 2021's three 其他处理 rows under their group label, and markdown bold
around a heading."""

from __future__ import annotations

import random

from gongkai.api import parse_bytes
from gongkai.model.report import Report, Status
from gongkai.read.tokens import tokenize
from gongkai.synth.corpus import render
from gongkai.synth.generate import generate_report

TITLE = "某县某局2023年政府信息公开工作年度报告"


def _kinds(line: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize([line])]


def test_a_unit_parted_from_its_number_is_the_number_s() -> None:
    assert _kinds("规章 2 件 1 件 37 件") == [("text", "规章"), ("num", "2"), ("num", "1"), ("num", "37")]
    assert _kinds("行政许可 2749 件") == [("text", "行政许可"), ("num", "2749")]
    # a number inside a phrase stays text
    assert [k for k, _ in _kinds("（单位：万元，保留 4 位小数）")] == ["text"]
    assert [k for k, _ in _kinds("共收到 44 件，其中")] == ["text"]


def _report() -> Report:
    for seed in range(500):
        r = generate_report(random.Random(seed), "2021")
        if r.cell("requests.carried_over.total").value and r.cell("requests.carried_forward.total").value:
            return r
    raise AssertionError("no generated report fits")


def _stated(report: Report, prefix: str) -> dict[str, object]:
    return {
        a: c.value
        for a, c in report.cells()
        if a.startswith(prefix) and c.status in (Status.READ, Status.INFERRED)
    }


def test_a_sentence_naming_rows_before_the_requests_table_is_no_row() -> None:
    """ "…申请44 件，加上年结转2 件，共计46 件；办结42 件，结转下年度4 件。" under the heading
    names 上年结转 and 结转下年度 after numbers: the rest of a sentence, not labels (taken as
    labels, the last row's ended the table before it began)."""
    truth = _report()
    lines = render(truth, "txt").decode("utf-8").split("\n")
    at = next(i for i, ln in enumerate(lines) if "三、收到和处理政府信息公开申请情况" in ln)
    sentence = "本年度共新收政府信息公开申请44 件，加上年结转2 件，共计46 件；办结42 件，结转下年度4 件。"
    lines.insert(at + 1, sentence)
    report = parse_bytes("\n".join(lines).encode("utf-8"), "report.txt")
    got = _stated(report, "requests.")
    expected = {a: c.value for a, c in truth.cells() if a.startswith("requests.")}
    assert got == expected


def test_an_appeals_table_printed_row_by_row_with_a_label_broken_over_lines() -> None:
    text = "\n".join(
        [
            TITLE,
            "四、政府信息公开行政复议、行政诉讼情况",
            "类别 结果维持 结果纠正 其他结果 尚未审结 总计",
            "行政复议 0 0 0 3 3",
            "行政诉讼 未经复议直接",
            "起诉",
            "0 0 1 1 2",
            "复议后起诉 0 0 1 3 4",
            "五、存在的主要问题及改进情况",
            "无。",
        ]
    )
    got = _stated(parse_bytes(text.encode("utf-8"), "appeals.txt"), "appeals.")
    assert [
        got.get(f"appeals.litigation_direct.{c}")
        for c in ("upheld", "corrected", "other", "pending", "total")
    ] == [
        0,
        0,
        1,
        1,
        2,
    ]
    assert got["appeals.reconsideration.total"] == 3
    assert got["appeals.litigation_after_reconsideration.total"] == 4


def test_the_2021_other_rows_under_their_group_label_are_not_called_one_merged_row() -> None:
    """pdftotext -layout on narrow cells: （六） printed on the line of its first row, the rest
    of the group label (其他处 / 理) on the lines of that row's wrapped label, the three 2021
    rows read: no "only one total row" warning."""
    truth = _report()
    lines = render(truth, "txt").decode("utf-8").split("\n")
    first = next(i for i, ln in enumerate(lines) if "1.申请人无正当理由" in ln)
    numbers = "   ".join(c for c in lines[first].split("\t") if c.strip().isdigit())
    lines[first : first + 1] = [
        f"（六）   1.申请人        {numbers}",
        "其他处   无正当理",
        " 理    由逾期不补正、行政机关不再处理其政府信息公开申请",
    ]
    lines = [ln.replace("\t", "   ") for ln in lines]
    report = parse_bytes("\n".join(lines).encode("utf-8"), "report.txt")
    assert not any(f.rule == "requests.other_handling_merged" for f in report.findings)
    for row in ("other_overdue_correction", "other_overdue_fee", "other_reasons"):
        cell = report.cell(f"requests.{row}.total")
        assert (
            cell.status not in (Status.READ, Status.INFERRED)
            or cell.value == truth.cell(f"requests.{row}.total").value
        )


def test_markdown_bold_around_a_heading_is_no_variant() -> None:
    text = "\n".join(
        [
            TITLE,
            "",
            "**一、总体情况**",
            "",
            "本局依法公开。",
            "",
            "## **二、主动公开政府信息情况**",
            "",
            "无。",
        ]
    )
    report = parse_bytes(text.encode("utf-8"), "report.md")
    assert not [f for f in report.findings if f.rule == "section.heading_variant"]
    assert "本局依法公开" in (report.sections.get("overview") or "")


def test_a_change_printed_in_words_keeps_its_sign() -> None:
    """2019's 本年增/减 column: "减少2" is -2 (read without its word, a decrease would be stated
    as a rise), in traditional characters too; "增加3" is 3; the minus sign U+2212 is a minus."""
    for line, value in (
        ("行政处罚 1881 减少2 10", -2),
        ("行政处罚 1881 减少 2 10", -2),
        ("行政處罰 1881 減少2 10", -2),
        ("行政处罚 1881 增加3 10", 3),
        ("行政处罚 1881 \u22122 10", -2),
    ):
        nums = [t.value for t in tokenize([line]) if t.kind == "num"]
        assert nums == [1881, value, 10], line
