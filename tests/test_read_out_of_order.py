"""Text that does not tie numbers to their cells: a header whose order is only shown by the rows,
numbers cut where a narrow cell wrapped, numbers printed before a block of labels, and a
sub-table's header printed among a row's numbers. Nothing is stated that the text does not tie;
the same tables printed in order are read."""

from __future__ import annotations

import random

from gongkai.api import parse_bytes
from gongkai.model.keys import REQUEST_COLUMN_KEYS, edition
from gongkai.model.report import Report, Status
from gongkai.synth.generate import generate_report

TITLE = "某县某局2023年政府信息公开工作年度报告"
TITLE_2019 = "某县某局2019年政府信息公开工作年度报告"


def _stated(report: Report, prefix: str) -> dict[str, object]:
    return {
        a: c.value
        for a, c in report.cells()
        if a.startswith(prefix) and c.status in (Status.READ, Status.INFERRED)
    }


def _truth() -> Report:
    """A generated 2021 report whose rows hold zeros and non-zero organisation cells."""
    for seed in range(500):
        r = generate_report(random.Random(seed), "2021")
        rows = edition("2021").table("requests").rows
        if sum(1 for row in rows if r.cell(f"requests.{row.key}.commercial_enterprise").value) >= 3:
            return r
    raise AssertionError("no generated report fits")


def _total_first_dashes(truth: Report) -> str:
    """The requests table one cell a line, 总计 the first column, a zero printed "—"."""
    order = ["total", *[k for k in REQUEST_COLUMN_KEYS if k != "total"]]
    lines = [
        TITLE,
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    ]
    lines += [
        "申请人情况",
        "总计",
        "自然人",
        "法人或其他组织",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    for row in edition("2021").table("requests").rows:
        lines.append(row.label)
        for col in order:
            v = truth.cell(f"requests.{row.key}.{col}").value
            lines.append(str(v) if v else "—")
    return "\n".join([*lines, "四、政府信息公开行政复议、行政诉讼情况", "无。"])


def test_a_total_first_table_with_dashes_for_zeros_is_not_read_in_the_official_order() -> None:
    """The header one label a line shows no order (a merged 总计 may print before 自然人 in the
    official layout too), so the official order is assumed and tested on the rows: read with a
    dash as 0, they add up with 总计 first and not last, and the table is not read."""
    truth = _truth()
    report = parse_bytes(_total_first_dashes(truth).encode("utf-8"), "total-first.txt")
    wrong = {a: v for a, v in _stated(report, "requests.").items() if v != truth.cell(a).value}
    assert not wrong
    assert any(f.rule == "table.columns_unclear" for f in report.findings)


LAYOUT_CUT = """{title}
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，                      申请人情况
     等于第三项加第四项之和）
                              自然            法人或其他组织                     总计
                               人
                                     商业   科研      社会     法律      其他
                                     企业   机构      公益     服务
                                                  组织     机构

       一、本年新收政府信息             {a}   —    {b}     —     —       {c}   {d}
         公开申请数量                {e}           {f}                      {g}       {h}

       二、上年结转政府信息             97     —    160      —     —        6     263
         公开申请数量
"""


def test_a_number_cut_where_its_cell_wrapped_leaves_its_row_unread() -> None:
    """pdftotext -layout on narrow cells: "1,24" with "2" on the next line under it. The cut
    number is no number, and the digits under the row's numbers are no cells of it: the row is
    not read; the next row, whole, is."""
    text = LAYOUT_CUT.format(title=TITLE, a="1,24", b="1,42", c="1,30", d="3,97", e="2", f="4", g="6", h="2")
    report = parse_bytes(text.encode("utf-8"), "layout.txt")
    assert not _stated(report, "requests.new_received.")
    got = _stated(report, "requests.carried_over.")
    assert got["requests.carried_over.natural_person"] == 97
    assert got["requests.carried_over.total"] == 263
    # whole numbers on the row's line are read
    text = LAYOUT_CUT.format(title=TITLE, a="1242", b="1424", c="1306", d="3972", e="", f="", g="", h="")
    got = _stated(parse_bytes(text.encode("utf-8"), "layout.txt"), "requests.new_received.")
    assert got["requests.new_received.natural_person"] == 1242
    assert got["requests.new_received.total"] == 3972


def _active(body: list[str], title: str = TITLE, first: list[str] | None = None) -> Report:
    """An active-disclosure table: ``first`` (by default a row read whole before ``body``: a
    table of one label may be prose), then ``body``."""
    if first is None:
        first = ["规章", "1", "2", "3"] if title == TITLE_2019 else ["行政许可", "5"]
    text = "\n".join(
        [title, "二、主动公开政府信息情况", *first, *body, "三、收到和处理政府信息公开申请情况", "无。"]
    )
    return parse_bytes(text.encode("utf-8"), "active.txt")


def test_numbers_before_a_block_of_labels_go_to_no_row() -> None:
    """pdftotext's plain mode: the 第二十条第（一）项 header, then 行政规范性文件's three numbers
    (规章's cells empty, dropped), then both labels. Whose numbers they are is not shown."""
    header = ["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    later = ["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "5"]
    report = _active([*header, "6", "4", "57", "规章", "行政规范性文件", *later], first=[])
    assert not _stated(report, "active_disclosure.rules.")
    assert not _stated(report, "active_disclosure.normative_documents.")
    # numbers above one label, the next sub-table's header after it: that label's
    report = _active([*header, "6", "4", "57", "行政规范性文件", *later], first=[])
    assert _stated(report, "active_disclosure.normative_documents.") == {
        "active_disclosure.normative_documents.issued": 6,
        "active_disclosure.normative_documents.repealed": 4,
        "active_disclosure.normative_documents.in_force": 57,
    }


def test_a_sub_table_header_among_a_row_s_numbers_leaves_it_unread() -> None:
    """2019 edition, pdftotext's plain mode: 政府集中采购, two numbers that are another row's,
    then its own sub-table's header (采购项目数量 / 采购总金额) and its numbers. The header
    printed among the row's numbers shows the text out of order there."""
    report = _active(["政府集中采购", "10", "0", "采购项目数量", "采购总金额", "21", "88.0456"], TITLE_2019)
    assert not _stated(report, "active_disclosure.procurement.")
    report = _active(
        ["第二十条第（九）项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购", "21", "88.0456"],
        TITLE_2019,
    )
    assert _stated(report, "active_disclosure.procurement.")["active_disclosure.procurement.projects"] == 21


def test_an_amount_cut_into_pieces_is_not_read() -> None:
    """A Word paste whose amount's digits sit in separate runs, copied with a space between
    runs ("1,0 24.36"): the cut thousands group is no number, and no piece is the amount."""
    for printed in ("1,0 24.36", "1,0 2 4. 3 6"):
        report = _active(
            ["第二十条第（八）项", "信息内容", "本年收费金额（单位：万元）", "行政事业性收费", printed]
        )
        assert not _stated(report, "active_disclosure.fees."), printed
    report = _active(
        ["第二十条第（八）项", "信息内容", "本年收费金额（单位：万元）", "行政事业性收费", "1,024.36"]
    )
    assert str(_stated(report, "active_disclosure.fees.")["active_disclosure.fees.amount"]) == "1024.36"


def test_numbers_held_above_a_label_where_labels_stand_before_their_numbers() -> None:
    """2019 edition, pdftotext's plain mode: every label printed first; then each sub-table's
    header and numbers. 7 and 2 (the fees row's) stand after the （八）项 header and before
    政府集中采购's label; the （九）项 header after it has numbers and no label after them: there
    the labels stand before their numbers, so 7 and 2 are not 政府集中采购's."""
    body = [
        "信息内容",
        "规章",
        "规范性文件",
        "行政事业性收费",
        "第二十条第（八）项",
        "上一年项目数量",
        "本年增/减",
        "7",
        "2",
        "信息内容",
        "政府集中采购",
        "第二十条第（九）项",
        "采购项目数量",
        "32",
        "采购总金额（万元）",
        "86.5",
    ]
    report = _active(body, TITLE_2019, first=[])
    assert not _stated(report, "active_disclosure.procurement.")


def test_a_sub_row_label_garbled_to_one_character_takes_its_numbers_from_the_row_before() -> None:
    """pdfplumber on narrow label cells (python-docx's grid through LibreOffice): each label
    wraps to several lines, its numbers on the first. "2.其他法 0 0 0 0 1件 0 1件", the rest of
    its label, then "3.危 0 0 0 0 0 0 0" (3.危及“三安全一稳定” cut to one character): the second
    line's numbers are not row 2's."""
    lines = [
        TITLE,
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一 申请人情况",
        "项加第二项之和，等于第三项加 自然人 法人或其他组织 总计",
        "第四项之和） 商业企业 科研机构 社会公益 法律服务 其他",
        "组织 机构",
        "一、本年新收政府信息公开申请 120件 40件 5件 4件 24件 29件 222件",
        "数量",
        "二、上年结转政府信息公开申请 5件 7件 0 0 0 2件 14件",
        "数量",
        "三、本年 （一）予以公开 98件 29件 5件 0 21件 7件 160件",
        "度办理结 （二）部分公开（区 0 0 0 3件 0 0 3件",
        "果 分处理的，只计这一",
        "情形，不计其他情",
        "形）",
        "（三）不 1.属于国 0 0 0 0 0 0 0",
        "予公开 家秘密",
        "2.其他法 0 0 0 0 1件 0 1件",
        "律行政法",
        "规禁止公",
        "开",
        "3.危 0 0 0 0 0 0 0",
        "及“三安",
        "全一稳",
        "定”",
        "4.保护第 11件 3件 0 0 0 0 14件",
        "三方合法",
        "权益",
        "四、政府信息公开行政复议、行政诉讼情况",
        "无。",
    ]
    report = parse_bytes("\n".join(lines).encode("utf-8"), "plumber.txt")
    got = _stated(report, "requests.withheld_prohibited_by_law.")
    assert got.get("requests.withheld_prohibited_by_law.legal_service_institution") in (1, None)
    assert got.get("requests.withheld_prohibited_by_law.total") in (1, None)


def _two_tables(first_caption: str, second_caption: str) -> tuple[bytes, Report, Report]:
    """A report whose requests section prints last year's table, then this year's (or as the
    captions say), each under its caption; the two truths."""
    last, this = _truth(), generate_report(random.Random(99), "2021")
    rows = edition("2021").table("requests").rows

    def table(truth: Report) -> list[str]:
        out = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况"]
        out += [
            "\t自然人\t法人或其他组织\t\t\t\t\t总计",
            "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他",
        ]
        for row in rows:
            values = [str(truth.cell(f"requests.{row.key}.{c}").value) for c in REQUEST_COLUMN_KEYS]
            out.append("\t".join([row.label, *values]))
        return out

    lines = [
        TITLE,
        "三、收到和处理政府信息公开申请情况",
        first_caption,
        *table(last),
        second_caption,
        *table(this),
    ]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "无。"]
    return "\n".join(lines).encode("utf-8"), last, this


def test_of_two_requests_tables_the_one_whose_caption_names_the_report_s_year_is_read() -> None:
    data, _, this = _two_tables("表一：2022年度申请情况（上年对比）", "表二：2023年度申请情况")
    got = _stated(parse_bytes(data, "two.txt"), "requests.")
    assert got == {a: c.value for a, c in this.cells() if a.startswith("requests.")}


def test_two_requests_tables_whose_captions_do_not_tell_them_apart_are_not_read() -> None:
    data, _, _ = _two_tables("表一", "表二")
    report = parse_bytes(data, "two.txt")
    assert not _stated(report, "requests.")
    assert any(f.rule == "table.repeated" for f in report.findings)


def test_an_appeals_row_label_split_around_its_numbers_reads_no_row_twice() -> None:
    """Appeals printed 3 × 5, each row label broken around its number row ("未经复议" / numbers /
    "直接起诉"): the text between two number rows holds the end of one label and the start of
    the next, so a row would be named twice; nothing is read rather than a shifted row."""
    lines = [
        TITLE,
        "四、政府信息公开行政复议、行政诉讼情况",
        "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
        "| 行政复议 | 0 | 0 | 0 | 0 | 0 |",
        "未经复议",
        "| | 0 | 5 | 2 | 2 | 9 |",
        "直接起诉",
        "复议后起",
        "| | 0 | 0 | 0 | 0 | 0 |",
        "诉",
        "五、存在的主要问题及改进情况",
        "无。",
    ]
    got = _stated(parse_bytes("\n".join(lines).encode("utf-8"), "appeals.md"), "appeals.litigation_direct.")
    assert got.get("appeals.litigation_direct.total") in (9, None)


LAYOUT_ORGS_FIRST = """{title}
三、收到和处理政府信息公开申请情况
 （本列数据的勾稽关系                     申请人情况
 为：第一项加第二项之                {group_left}法人或其他组织
和，等于第三项加第四项         {first_left}自然人                                总计
    之和）     商业企业    科研机构   社会公益组织   法律服务机构   其他
一、本年新收政府信息公 19        0       2        4      0     147    172
   开申请数量
二、上年结转政府信息公 0        0       0        0      0     8    8
   开申请数量
四、政府信息公开行政复议、行政诉讼情况
无。
"""


def test_a_layout_copy_whose_group_label_stands_left_of_natural_person_is_not_read_in_order() -> None:
    """pdftotext -layout keeps where words stand: 法人或其他组织 printed left of 自然人 (on
    the line above, where a copy sorting by height puts the merged label) says the
    organisations' columns come first. The rows add up in any order of their parts, so they
    are not read in the official order; with the group right of 自然人 (the format's place)
    they are."""
    text = LAYOUT_ORGS_FIRST.format(title=TITLE, group_left="", first_left=" " * 40)
    report = parse_bytes(text.encode("utf-8"), "layout.txt")
    assert not _stated(report, "requests.new_received.")
    text = LAYOUT_ORGS_FIRST.format(title=TITLE, group_left=" " * 20, first_left="")
    got = _stated(parse_bytes(text.encode("utf-8"), "layout.txt"), "requests.new_received.")
    assert got["requests.new_received.natural_person"] == 19
