"""Rows found by their own labels: printed out of order, under a group label that holds the
first row's numbers, and with page furniture that converters leave among the rows."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from gongkai.api import parse_bytes
from gongkai.model.keys import REQUEST_COLUMNS, edition
from gongkai.model.report import Report, Status
from gongkai.read.tokens import tokenize
from gongkai.read.unfold import tidy_table_lines
from gongkai.synth.corpus import render
from gongkai.synth.generate import generate_report


def _report(wanted: tuple[str, ...]) -> Report:
    """A generated 2021 report (the truth) whose rows ``wanted`` hold distinct non-zero totals."""
    for seed in range(500):
        r = generate_report(random.Random(seed), "2021")
        totals = [r.cell(f"requests.{row}.total").value for row in wanted]
        if all(totals) and len(set(totals)) == len(totals):
            return r
    raise AssertionError("no generated report fits")


def _text(report: Report) -> list[str]:
    return render(report, "txt").decode("utf-8").split("\n")


def _row_line(lines: list[str], label: str) -> int:
    return next(i for i, ln in enumerate(lines) if label in ln)


def _stated_as(report: Report, truth: Report, row: str, status: Status) -> None:
    for address, cell in report.cells():
        if address.startswith(f"requests.{row}."):
            assert cell.status == status and cell.value == truth.cell(address).value, (address, cell)


def test_rows_printed_out_of_order_are_read_by_their_labels() -> None:
    truth = _report(("withheld_enforcement_file", "withheld_administrative_query"))
    lines = _text(truth)
    a, b = _row_line(lines, "7.属于行政执法案卷"), _row_line(lines, "8.属于行政查询事项")
    lines[a], lines[b] = lines[b], lines[a]
    report = parse_bytes("\n".join(lines).encode("utf-8"), "swapped.txt")
    for row in ("withheld_enforcement_file", "withheld_administrative_query"):
        _stated_as(report, truth, row, Status.READ)


def test_a_row_label_printed_twice_keeps_its_first_numbers() -> None:
    truth = _report(("withheld_enforcement_file", "withheld_administrative_query"))
    lines = _text(truth)
    b = _row_line(lines, "8.属于行政查询事项")
    copy = lines[_row_line(lines, "7.属于行政执法案卷")]
    lines.insert(b + 1, copy.replace("7.属于行政执法案卷", "7.属于行政执法案卷（续）"))
    report = parse_bytes("\n".join(lines).encode("utf-8"), "twice.txt")
    _stated_as(report, truth, "withheld_enforcement_file", Status.READ)
    # the copy's numbers go to no row: the row before keeps exactly its own
    _stated_as(report, truth, "withheld_administrative_query", Status.READ)


def test_numbers_on_a_group_labels_line_are_its_first_rows() -> None:
    """ "（四）无法提供 31 0 … 31" with "1.本机关不掌握相关政府信息" on the next line (a PDF
    converter's order): the numbers are the first row's, not the row before's."""
    truth = _report(("withheld_administrative_query", "unavailable_not_held"))
    lines = _text(truth)
    i = _row_line(lines, "1.本机关不掌握相关政府信息")
    numbers = lines[i].split("1.本机关不掌握相关政府信息")[1]
    lines[i : i + 1] = ["\t（四）无法提供" + numbers, "\t\t1.本机关不掌握相关政府信息"]
    report = parse_bytes("\n".join(lines).encode("utf-8"), "group.txt")
    _stated_as(report, truth, "withheld_administrative_query", Status.READ)
    _stated_as(report, truth, "unavailable_not_held", Status.READ)


def test_group_label_after_its_first_row_gives_it_nothing() -> None:
    """The first row's label already found: the group label's numbers are that row's (held for
    the next label they would shift every row below)."""
    truth = _report(("unavailable_not_held", "unavailable_needs_creation"))
    lines = _text(truth)
    i = _row_line(lines, "1.本机关不掌握相关政府信息")
    numbers = lines[i].split("1.本机关不掌握相关政府信息")[1]
    lines[i : i + 1] = ["\t\t1.本机关不掌握相关政府信息", "\t（四）无法提供" + numbers]
    report = parse_bytes("\n".join(lines).encode("utf-8"), "group-below.txt")
    _stated_as(report, truth, "unavailable_not_held", Status.READ)
    _stated_as(report, truth, "unavailable_needs_creation", Status.READ)


def test_page_footer_cut_into_table_cells_is_not_a_row() -> None:
    assert tokenize(["| | | | | - | 3 - |"]) == []
    assert tokenize(["|  | 第3页 |"]) == []
    # a row of a blank, 3 and a blank is a row
    assert [t.text for t in tokenize(["| - | 3 | - |"]) if t.kind == "num"] == ["3"]


def test_markdown_rule_lines_become_empty_in_place() -> None:
    text = "| 自然人 | 总计 |\n| --- | :---: |\n| 1 | 1 |"
    assert tidy_table_lines(text).split("\n") == ["| 自然人 | 总计 |", "", "| 1 | 1 |"]


def test_page_footer_as_a_markdown_heading_is_not_a_row() -> None:
    assert tokenize(["### — 1 —"]) == [] and tokenize(["**- 2 -**"]) == []
    assert [t.text for t in tokenize(["## 3"]) if t.kind == "num"] == ["3"]  # a bare number is no footer
    assert tokenize(["     - 2 "]) == []  # the closing dash dropped by the converter
    assert [t.text for t in tokenize(["-2"])] == ["-2"]  # a negative number
    assert [t.text for t in tokenize(["—    2"])] == ["—", "2"]  # a blank and a number


def test_numbers_repeated_under_one_columns_merged_header_are_one_cell() -> None:
    text = (
        "|第二十条第（五）项|第二十条第（五）项|第二十条第（五）项|\n"
        "|**信息内容**|**本年处理决定数量**|**本年处理决定数量**|\n"
        "|行政许可|61003|61003|\n"
        "|自然人|法人或其他组织|法人或其他组织|总计|\n"
        "|3|0|0|3|"
    )
    assert tidy_table_lines(text).split("\n")[2:] == [
        "|行政许可|61003||",
        "|自然人|法人或其他组织||总计|",
        "|3|0|0|3|",  # under a group (法人或其他组织) the numbers are separate cells
    ]


def test_markdown_whose_cells_break_lines_with_br_is_not_html() -> None:
    from gongkai.read.unwrap import looks_like_html

    rows = "\n".join(f"|（二）部分公开（区分处理的，只<br>计这一情形）|{n}|0<br>|" for n in range(8))
    assert not looks_like_html("# 标题\n\n" + rows)
    assert looks_like_html("<div><p>一</p><p>二</p><span>三</span><br><b>四</b></div>")


def test_markdown_rows_without_outer_pipes_keep_their_last_empty_cell() -> None:
    """html2text writes a row as "label| 26| 26| | | | | ": no opening or closing "|", so the
    last "|" is followed by an empty cell. With 总计 printed first and zeros left blank, the
    numbers are read cell by cell under their labels."""
    from gongkai.synth.convert import chain_available, derive

    if not chain_available("blank_zeros>total_first>html2text"):
        import pytest

        pytest.skip("html2text is not installed")
    truth = _report(("granted", "partially_granted"))
    form = derive(render(truth, "html"), "html", "blank_zeros>total_first>html2text")
    text = form.decode("utf-8")
    assert "| 自然人" in text and not any(ln.startswith("|") for ln in text.splitlines() if "予以公开" in ln)
    report = parse_bytes(form, "html2text.md")
    read = 0
    for address, cell in report.cells():
        if address.startswith("requests.") and cell.known:
            assert cell.value == truth.cell(address).value, (address, cell)
            read += cell.status == Status.READ
    nonzero = sum(1 for a, c in truth.cells() if a.startswith("requests.") and c.value)
    assert read >= nonzero  # every printed number of the table, placed under its label


def test_an_empty_first_cell_is_a_blank_where_the_copy_writes_no_fillers() -> None:
    """The same copy with a published total left blank (总计 first, so the row's first cell is
    empty): html2text writes no filler after a merged label (no row prints more than one cell
    per column after its label), so the empty cell is the blank total, and the row is read cell
    by cell; its total is then what the identities force."""
    from gongkai.synth.convert import chain_available, derive

    if not chain_available("blank_zeros>total_first>html2text"):
        import pytest

        pytest.skip("html2text is not installed")
    truth = _report(("granted", "partially_granted"))
    lines = (
        derive(render(truth, "html"), "html", "blank_zeros>total_first>html2text").decode("utf-8").split("\n")
    )
    i = _row_line(lines, "（一）予以公开")
    cells = lines[i].split("|")
    first = next(k for k, c in enumerate(cells) if c.strip() and c.strip().isdigit())
    assert int(cells[first]) == truth.cell("requests.granted.total").value
    cells[first] = " "
    lines[i] = "|".join(cells)
    report = parse_bytes("\n".join(lines).encode("utf-8"), "html2text.md")
    for address, cell in report.cells():
        if address.startswith("requests.granted."):
            want = truth.cell(address).value
            if address.endswith(".total"):
                assert cell.status in (Status.INFERRED, Status.MISSING) and cell.value in (want, None)
            elif want:
                assert (cell.value, cell.status) == (want, Status.READ), (address, cell)


def test_active_table_read_when_the_requests_heading_is_lost() -> None:
    """OCR reads "三、收到和处理…" as "1 收到和处理…": the active-disclosure table then ends where
    the requests table's first row is, not where no heading was found."""
    truth = _report(("granted", "new_received"))
    lines = _text(truth)
    i = _row_line(lines, "三、收到和处理政府信息公开申请情况")
    lines[i] = lines[i].replace("三、收到和处理政府信息公开申请情况", "1 收到和处理政府信息公开申请情况")
    report = parse_bytes("\n".join(lines).encode("utf-8"), "lost-heading.txt")
    active = [(a, c) for a, c in report.cells() if a.startswith("active_disclosure.")]
    assert active and all(c.status == Status.READ and c.value == truth.cell(a).value for a, c in active)
    _stated_as(report, truth, "granted", Status.READ)


def _transposed_requests_page(truth: Report) -> tuple[bytes, list[list[str]]]:
    """The report as a web page whose requests table is printed transposed: the format's rows
    across the top, the applicant columns down the side (each merged cell's text once)."""
    from lxml import etree
    from lxml import html as lxml_html

    from gongkai.synth.convert import grid_of

    doc = lxml_html.document_fromstring(render(truth, "html").decode("utf-8"))
    table = list(doc.iter("table"))[1]
    g = grid_of(table)
    seen: set[int] = set()
    rows = []
    for r in g.cells:
        rows.append([g.texts[i] if i >= 0 and i not in seen else "" for i in r])
        seen.update(r)
    width = max(len(r) for r in rows)
    turned = [[row[c] if c < len(row) else "" for row in rows] for c in range(width)]
    new = etree.Element("table")
    for r in turned:
        tr = etree.SubElement(new, "tr")
        for text in r:
            etree.SubElement(tr, "td").text = text
    table.getparent().replace(table, new)
    return lxml_html.tostring(doc, encoding="utf-8"), turned


def test_requests_table_printed_transposed_is_read_by_its_labels() -> None:
    from gongkai.model.report import TableAt

    truth = _report(("granted", "new_received"))
    page, turned = _transposed_requests_page(truth)
    report = parse_bytes(page, "turned.html")
    for address, cell in report.cells():
        if address.startswith("requests."):
            assert cell.status == Status.READ and cell.value == truth.cell(address).value, (address, cell)
    at = report.cell("requests.granted.total").at
    assert isinstance(at, TableAt)  # where it was printed: the source's row and column
    assert turned[at.row][at.col] == str(truth.cell("requests.granted.total").value)
    # the source is indeed turned: row labels across its first rows, applicants down its side
    assert any("本年新收" in text for row in turned[:4] for text in row)
    assert any(text == "自然人" for row in turned for text in row[:4])


def test_a_row_given_its_neighbours_numbers_by_a_layout_copy_is_not_read() -> None:
    """``pdftotext -layout`` of a table whose labels wrap: a row's last two numbers land on the
    next row's line, and that row's own last two on a line of their own. The next row then holds
    exactly seven numbers that do not add up; beside a short row and a line no row took, they
    are not its own, and are not read."""
    truth = _report(("unavailable_needs_creation", "unavailable_unclear"))
    lines = _text(truth)
    a = _row_line(lines, "2.没有现成信息需要另行制作")
    b = _row_line(lines, "3.补正后申请内容仍不明确")
    cells_a, cells_b = lines[a].split("\t"), lines[b].split("\t")
    lines[a] = "\t".join(cells_a[:-2])
    lines[b] = "\t".join(cells_b[:-2] + cells_a[-2:])
    lines.insert(b + 1, "\t\t\t\t\t\t\t" + "\t".join(cells_b[-2:]))
    report = parse_bytes("\n".join(lines).encode("utf-8"), "layout.txt")
    for address, cell in report.cells():
        if cell.status in (Status.READ, Status.INFERRED):
            assert cell.value == truth.cell(address).value, (address, cell)
    assert report.cell("requests.unavailable_unclear.total").status != Status.READ


def test_a_row_that_does_not_add_up_among_whole_rows_is_kept_as_printed() -> None:
    """A published error (a row whose 总计 is not the sum of its parts) among rows that each
    hold their own seven numbers is read as printed: the checker reports it."""
    truth = _report(("unavailable_needs_creation", "unavailable_unclear"))
    lines = _text(truth)
    b = _row_line(lines, "3.补正后申请内容仍不明确")
    cells = lines[b].split("\t")
    wrong = int(cells[-1]) + 5
    lines[b] = "\t".join([*cells[:-1], str(wrong)])
    report = parse_bytes("\n".join(lines).encode("utf-8"), "error.txt")
    cell = report.cell("requests.unavailable_unclear.total")
    assert (cell.status, cell.value) == (Status.READ, wrong)


def test_a_total_cut_off_at_the_page_edge_is_not_read() -> None:
    """pdftotext or pymupdf4llm on a PDF whose table runs past the page keep the first digits of
    a number crossing the edge (140 for 14069): a printed number whose digits begin the value
    its identity needs is ambiguous between the two, never read as printed."""
    truth = next(
        r
        for seed in range(500)
        if (r := generate_report(random.Random(seed), "2021")).cell("requests.new_received.total").value
        >= 100
    )
    lines = _text(truth)
    i = _row_line(lines, "一、本年新收政府信息公开申请数量")
    cells = lines[i].split("\t")
    whole = int(cells[-1])
    cells[-1] = str(whole)[:-2]  # the last two digits cut off
    lines[i] = "\t".join(cells)
    report = parse_bytes("\n".join(lines).encode("utf-8"), "cut.txt")
    cell = report.cell("requests.new_received.total")
    assert cell.status == Status.AMBIGUOUS and cell.candidates is not None
    assert {int(str(whole)[:-2]), whole} <= set(cell.candidates)
    for address, c in report.cells():
        if c.status in (Status.READ, Status.INFERRED):
            assert c.value == truth.cell(address).value, (address, c)


def test_numbers_after_a_sub_table_header_belong_to_the_next_label() -> None:
    """A PDF converter (markitdown on a Word document exported as PDF, its table drawn without
    rules) prints each number on the line above its label: after 第二十条第（八）项 and its
    header comes the fee, then 行政事业性收费. That number is never the row before's (行政强制):
    a sub-table's header ends the row before it."""
    truth = next(
        r
        for seed in range(500)
        if len(
            {
                (r := generate_report(random.Random(seed), "2021"))
                .cell("active_disclosure.coercion.decisions")
                .value,
                r.cell("active_disclosure.fees.amount").value,
                r.cell("active_disclosure.penalty.decisions").value,
            }
        )
        == 3
    )
    lines = _text(truth)
    a = _row_line(lines, "第二十条第（六）项")
    b = _row_line(lines, "行政事业性收费")

    def v(key: str) -> str:
        return str(truth.cell(f"active_disclosure.{key}").value)

    lines[a : b + 1] = [
        "第二十条第（六）项",
        "信息内容 本年处理决定数量",
        "行政处罚\t" + v("penalty.decisions"),
        "",
        v("coercion.decisions"),
        "行政强制",
        "第二十条第（八）项",
        "信息内容 本年收费金额（单位：万元）",
        v("fees.amount"),
        "行政事业性收费",
    ]
    report = parse_bytes("\n".join(lines).encode("utf-8"), "above.txt")
    for address, cell in report.cells():
        if cell.status in (Status.READ, Status.INFERRED):
            assert cell.value == truth.cell(address).value, (address, cell)
    assert report.cell("active_disclosure.fees.amount").status == Status.READ


_PIECES = [  # an appeals header printed by a PDF converter: labels wrapped in narrow cells
    "行政复议 行政诉讼",
    "结果 结果 其他 尚未 未经复议直接起诉 复议后起诉",
    "总计 维持 纠正 结果 审结 总计 结果 结果 其他 尚未 总计 结果 结果 其他 尚未",
    "维持 纠正 结果 审结 维持 纠正 结果 审结",
]


def _with_appeals(numbers: str) -> Report:
    lines = _text(_report(("granted",)))
    a = _row_line(lines, "四、政府信息公开行政复议")
    b = _row_line(lines, "五、存在的主要问题")
    lines[a + 1 : b] = [*_PIECES, numbers]
    return parse_bytes("\n".join(lines).encode("utf-8"), "appeals.txt")


def test_an_assumed_appeals_order_that_no_group_balances_is_not_read() -> None:
    """The header in pieces does not tell the column order; the official order is assumed.
    When in that order no group's 总计 is the sum of its results (here 总计 was printed first:
    22 = 0 + 9 + 1 + 12), the assumption is contradicted and no appeals cell is read."""
    report = _with_appeals("22 0 9 1 12 26 1 5 16 4 43 17 13 13 0")
    stated = [
        a
        for a, c in report.cells()
        if a.startswith("appeals.") and c.status in (Status.READ, Status.INFERRED)
    ]
    assert stated == []


def test_an_assumed_appeals_order_that_balances_is_read() -> None:
    report = _with_appeals("0 9 1 12 22 1 5 16 4 26 17 13 13 0 43")
    assert report.cell("appeals.reconsideration.total").value == 22
    assert report.cell("appeals.litigation_after_reconsideration.upheld").status == Status.READ


def _no_wrong_cell(report: Report, truth: Report) -> None:
    for address, cell in report.cells():
        if cell.status in (Status.READ, Status.INFERRED):
            assert cell.value == truth.cell(address).value, (address, cell)


def _numbers(line: str) -> str:
    return " ".join(c for c in line.split("\t") if c.strip().isdigit())


def test_a_line_of_numbers_whose_label_was_not_found_goes_to_no_neighbour() -> None:
    """A PDF-to-markdown copy prints some labels in a paragraph away from their numbers: the
    line of 本机关不掌握's numbers stands alone between row 8 (numbers on its line) and
    2.没有现成信息 (label alone, numbers below). It is not 2.没有现成信息's merely because that
    label follows: a row between them has no label found, and the line may be that row's."""
    truth = _report(("unavailable_not_held", "unavailable_needs_creation"))
    lines = [ln.replace("\t", " ") for ln in _text(truth)]
    a = _row_line(lines, "1.本机关不掌握相关政府信息")
    b = _row_line(lines, "2.没有现成信息需要另行制作")
    raw = _text(truth)
    lines[a] = _numbers(raw[a])  # the label lost: its numbers alone on the line
    lines[b : b + 1] = ["2.没有现成信息需要另行制作", _numbers(raw[b])]
    report = parse_bytes("\n".join(lines).encode("utf-8"), "labels-away.txt")
    _no_wrong_cell(report, truth)  # before: 2.没有现成信息 read as 本机关不掌握's numbers
    assert report.cell("requests.unavailable_not_held.total").status != Status.READ


def test_a_row_holding_another_rows_line_of_numbers_is_not_read() -> None:
    """Row 8's label alone, its numbers below it with one lost (six), then 本机关不掌握's
    seven on a line of their own (that label printed elsewhere): thirteen numbers on two lines
    of numbers are two rows', and the seven that add up are not row 8's because they add up."""
    truth = next(
        r
        for seed in range(2000)
        if (r := generate_report(random.Random(seed), "2021"))
        .cell("requests.unavailable_not_held.natural_person")
        .value
        and not r.cell("requests.withheld_administrative_query.total").value
    )
    raw = _text(truth)
    lines = [ln.replace("\t", " ") for ln in raw]
    a = _row_line(lines, "8.属于行政查询事项")
    b = _row_line(lines, "1.本机关不掌握相关政府信息")
    lost = _numbers(raw[a]).split()[:-1]  # its 总计 lost
    lines[b] = _numbers(raw[b])  # the label printed elsewhere
    lines[a : a + 1] = ["8.属于行政查询事项", " ".join(lost)]
    report = parse_bytes("\n".join(lines).encode("utf-8"), "two-rows.txt")
    _no_wrong_cell(report, truth)


def test_an_assumed_request_column_order_that_no_row_balances_is_not_read() -> None:
    """The header lost (not read), so the official column order is assumed; but the rows print
    总计 first, and no row adds up in the assumed order: the columns are not known, nothing is
    read by them, and the finding says so."""
    truth = _report(("new_received", "granted"))
    raw = _text(truth)
    start = _row_line(raw, "一、本年新收政府信息公开申请数量")
    end = _row_line(raw, "四、结转下年度继续办理")
    lines = raw[: start - 3] + raw[start:]  # the header's three lines lost
    for i in range(start - 3, end - 2):
        cells = lines[i].split("\t")
        nums = [k for k, c in enumerate(cells) if c.strip().isdigit()]
        if len(nums) == 7:
            values = [cells[k] for k in nums]
            for k, v in zip(nums, [values[-1], *values[:-1]], strict=True):
                cells[k] = v
            lines[i] = "\t".join(cells)
    report = parse_bytes("\n".join(lines).encode("utf-8"), "total-first.txt")
    _no_wrong_cell(report, truth)
    assert report.cell("requests.new_received.natural_person").status != Status.READ
    assert any(f.rule == "table.columns_unclear" for f in report.findings)


def test_a_line_between_two_labels_may_be_a_row_whose_label_is_elsewhere() -> None:
    """Row 8 with six numbers on its line (one lost), then 本机关不掌握's seven alone (its
    label printed elsewhere), then the labels of 2.没有现成信息 and 3.补正后 on one line and
    their numbers below: the lone line is not 2.没有现成信息's merely because that label comes
    next, nor row 8's; it may be the row between, whose label was not found."""
    truth = next(
        r
        for seed in range(2000)
        if (r := generate_report(random.Random(seed), "2021"))
        .cell("requests.unavailable_not_held.natural_person")
        .value
        and r.cell("requests.unavailable_needs_creation.total").value
        and not r.cell("requests.withheld_administrative_query.total").value
    )
    raw = _text(truth)
    lines = [ln.replace("\t", " ") for ln in raw]
    a = _row_line(lines, "8.属于行政查询事项")
    b = _row_line(lines, "1.本机关不掌握相关政府信息")
    c = _row_line(lines, "2.没有现成信息需要另行制作")
    d = _row_line(lines, "3.补正后申请内容仍不明确")
    assert (a + 1, b + 1, c + 1) == (b, c, d)
    lines[a : d + 1] = [
        "8.属于行政查询事项 " + " ".join(_numbers(raw[a]).split()[:-1]),
        _numbers(raw[b]),
        "2.没有现成信息需要另行制作 3.补正后申请内容仍不明确",
        _numbers(raw[c]),
        _numbers(raw[d]),
    ]
    report = parse_bytes("\n".join(lines).encode("utf-8"), "between.txt")
    _no_wrong_cell(report, truth)


def test_provincial_labels_with_notes_and_an_extra_row_are_read() -> None:
    """A 2019 provincial variant (Hubei's) prints each active-disclosure label with its note in
    brackets, notes in the header cells (with numbers in them: "如-8"), and an extra row
    其他主动公开文件 that is no cell of the format: the rows are found by their labels without
    the notes, and the extra row's numbers go to no row; the same through Taiwan-phrase
    conversion (文件 → 檔案) and traditional characters."""
    truth = generate_report(random.Random(3), "2019")
    text = render(truth, "txt").decode("utf-8")
    notes = {
        "规章\t": "规章(设区的市、自治州人民政府应提供相关数据)\t",
        "规范性文件\t": "规范性文件(行政机关制定发布的决定、公告、通告、意见、通知，一般情况下属于规范性文件)\t",
        "其他对外管理服务事项\t": "其他对外管理服务事项(指行政许可以外的政务服务事项，含行政确认、行政奖励)\t",
        "上一年项目数量\t本年增/减": "上一年项目数量(指2019年事项数)\t本年增/减(减用负值表示，如-8)",
    }
    for plain, noted in notes.items():
        assert plain in text
        text = text.replace(plain, noted)
    i = text.index("第二十条第（五）项")
    text = text[:i] + "其他主动公开文件(含以本单位名义正式签发的文件)\t186\t86\t255\n" + text[i:]
    from opencc import OpenCC  # type: ignore[import-untyped]

    for variant in (text, OpenCC("s2t").convert(text.replace("规范性文件", "规范性档案"))):
        report = parse_bytes(variant.encode("utf-8"), "notes.txt")
        _no_wrong_cell(report, truth)
        for address, cell in truth.cells():
            if address.startswith("active_disclosure.") and cell.value is not None:
                assert report.cell(address).status == Status.READ, address


def _per_group_markdown(truth: Report, moved: bool) -> str:
    """The requests table as a PDF-to-markdown converter writes it: one small table per row
    group under a heading, placeholder column names 数据1 … 数据6, and over the last rows a
    made-up header whose names are row labels. ``moved``: every small table's columns in
    another order, its placeholder names moved with them."""
    text = render(truth, "txt").decode("utf-8")
    head, rest = text.split("三、收到和处理政府信息公开申请情况", 1)
    tail = rest[rest.index("四、政府信息公开行政复议") :]
    order = [5, 0, 3, 1, 2, 4, 6] if moved else list(range(7))  # 总计 stays last
    names = [f"数据{i + 1}" for i in range(6)] + ["总计"]
    out = [head, "## 三、收到和处理政府信息公开申请情况", ""]
    from gongkai.model.keys import REQUESTS_2021

    rows = [r for r in REQUESTS_2021.rows if r.key != "other_handling"]
    for n, row in enumerate(rows):
        if n % 4 == 0:
            header = [names[i] for i in order]
            if n == 20:
                header = [
                    "本年新收件数",
                    "上年结转件数",
                    "予以公开",
                    "部分公开",
                    "不予公开",
                    "结转下年度",
                    "总计",
                ]
            out += ["", f"### 第{n // 4 + 1}组", "| 类别 | " + " | ".join(header) + " |", "|---" * 8 + "|"]
        values = [str(truth.cell(f"requests.{row.key}.{c.key}").value) for c in row.columns]
        out.append(f"| {row.label} | " + " | ".join(values[i] for i in order) + " |")
    return "\n".join(out) + "\n\n" + tail


def test_one_small_table_per_row_group_with_placeholder_names_is_read() -> None:
    truth = _report(("new_received", "granted"))
    report = parse_bytes(_per_group_markdown(truth, moved=False).encode("utf-8"), "groups.md")
    _no_wrong_cell(report, truth)
    for address, _cell in truth.cells():
        if address.startswith("requests."):
            assert report.cell(address).status in (Status.READ, Status.INFERRED), address
    # the same with every small table's columns moved: where the header says nothing else, the
    # placeholders' count says the order is not the official one, and nothing is read by it
    report = parse_bytes(_per_group_markdown(truth, moved=True).encode("utf-8"), "moved.md")
    _no_wrong_cell(report, truth)


def _as_spaced_text(markdown: str, broken: bool = False) -> str:
    """The small tables as a web page's text (html-text, inscriptis): cells parted by spaces.
    ``broken``: as pypdf extracts a printed copy, with a space in each placeholder name and
    the made-up header's names broken in their narrow cells."""
    out = []
    for line in markdown.split("\n"):
        if line.startswith("|"):
            if set(line) <= set("|-: "):
                continue
            line = " ".join(c.strip() for c in line.strip().strip("|").split("|"))
            if broken:
                line = re.sub(r"数据(\d)", r"数据 \1", line)
                if "本年新收件数" in line:
                    line = "项目 本年新收 件数 上年结 转件数 予以 公开 部分 公开 不予 公开 结转下 年度 总 计"
        out.append(line)
    return "\n".join(out)


def test_small_tables_as_spaced_text_are_read() -> None:
    """The per-group tables as text with spaces for cell borders: the made-up header over the
    last rows is one line naming rows, with no ordinal and no number, so no row's label, even
    with its names broken apart; the placeholder names with a space before their digit are
    text."""
    truth = _report(("new_received", "granted"))
    markdown = _per_group_markdown(truth, moved=False)
    for broken in (False, True):
        report = parse_bytes(_as_spaced_text(markdown, broken).encode("utf-8"), "groups.txt")
        _no_wrong_cell(report, truth)
        for address, _cell in truth.cells():
            if address.startswith("requests."):
                assert report.cell(address).status in (Status.READ, Status.INFERRED), (broken, address)


def test_placeholder_column_names_are_text() -> None:
    toks = tokenize(["| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |"])
    assert all(t.kind == "text" for t in toks)
    toks = tokenize(["| 类别 | 数据3 | 数据1 | 数据2 | 总计 |"])
    assert all(t.kind == "text" for t in toks)
    toks = tokenize(["类别 数据 1 数据 2 数据 3 数据 4 总计"])  # pypdf: a space before the digit
    assert all(t.kind == "text" for t in toks)
    # a narrow column wraps some names' digits onto the next line: that line's numbers are
    # exactly the ones the names lack, and are no row's
    toks = tokenize(["数据\t数据", "类别\t数据1 数据3数据4 数据6 总计", "2\t5", "予以公开\t7\t0"])
    assert [t.text for t in toks if t.kind == "num"] == ["7", "0"]
    # numbers that do not complete the names are kept
    toks = tokenize(["类别\t数据1 数据3数据4 数据6 总计", "2\t7"])
    assert [t.text for t in toks if t.kind == "num"] == ["2", "7"]
    # a label glued to its number is still a label and a number
    toks = tokenize(["行政规范性文件77 规章1 其他2"])
    assert [t.kind for t in toks] == ["text", "num", "text", "num", "text", "num"]


def _as_html(markdown: str) -> str:
    """Markdown pipe tables as HTML tables (what a markdown viewer shows); other lines as <p>."""
    out, rows = ["<html><body>"], []
    for line in [*markdown.split("\n"), ""]:
        if line.startswith("|"):
            if not set(line) <= set("|-: "):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            out.append(f"<p>{line.strip()}</p>")
    return "\n".join([*out, "</body></html>"])


def test_placeholder_names_counted_in_order_name_the_grids_columns() -> None:
    """The same small tables as HTML: a grid whose header names only 总计 beside 数据1 … 数据6
    places each number by the count (the columns the labels leave, in the format's order); moved
    placeholders name nothing."""
    truth = _report(("new_received", "granted"))
    page = _as_html(_per_group_markdown(truth, moved=False))
    report = parse_bytes(page.encode("utf-8"), "groups.html")
    _no_wrong_cell(report, truth)
    from gongkai.model.keys import REQUESTS_2021

    under_placeholders = [r for r in REQUESTS_2021.rows if r.key != "other_handling"][:20]
    for row in under_placeholders:  # the rows of the tables headed 数据1 … 数据6, 总计
        for col in row.columns:
            assert report.cell(f"requests.{row.key}.{col.key}").status == Status.READ, (row.key, col.key)
    moved = parse_bytes(_as_html(_per_group_markdown(truth, moved=True)).encode("utf-8"), "moved.html")
    _no_wrong_cell(moved, truth)


def test_appeals_as_three_small_tables_each_with_its_header() -> None:
    """An OCR/markdown copy prints the appeals table as three small tables, one a group, each
    under its group's heading with its own header of the five results: each row is read in its
    own header's order (the second here with 总计 first)."""
    truth = generate_report(random.Random(12), "2021")
    text = render(truth, "txt").decode("utf-8")
    head, rest = text.split("四、政府信息公开行政复议、行政诉讼情况", 1)
    tail = rest[rest.index("五、") :]
    names = {
        "upheld": "结果维持",
        "corrected": "结果纠正",
        "other": "其他结果",
        "pending": "尚未审结",
        "total": "总计",
    }
    orders = [
        ["upheld", "corrected", "other", "pending", "total"],
        ["total", "upheld", "corrected", "other", "pending"],
        ["upheld", "corrected", "other", "pending", "total"],
    ]
    headings = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
    rows = ["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
    parts = ["## 四、政府信息公开行政复议、行政诉讼情况", ""]
    for heading, row, order in zip(headings, rows, orders, strict=True):
        values = [str(truth.cell(f"appeals.{row}.{c}").value) for c in order]
        parts += [
            f"### {heading}",
            "| " + " | ".join(names[c] for c in order) + " |",
            "|---" * 5 + "|",
            "| " + " | ".join(values) + " |",
            "",
        ]
    report = parse_bytes((head + "\n".join(parts) + "\n" + tail).encode("utf-8"), "appeals.md")
    _no_wrong_cell(report, truth)
    for address, _cell in truth.cells():
        if address.startswith("appeals."):
            assert report.cell(address).status == Status.READ, address


def test_prose_naming_rows_before_the_table_is_not_its_first_label() -> None:
    """A sentence under the requests heading that names a row ("其中，予以公开2件。") is found
    first, holds no number, and the table's own labels then come before it in the format's
    order: the table starts at them, and nothing is taken for out of order."""
    truth = _report(("new_received", "granted"))
    text = render(truth, "txt").decode("utf-8")
    heading = "三、收到和处理政府信息公开申请情况\n"
    for prose in ("其中，予以公开2件。", "其中,予以公开2件,部分公开2件,其他1件(申请人自主撤销)。"):
        report = parse_bytes(text.replace(heading, heading + prose + "\n", 1).encode("utf-8"), "prose.txt")
        _no_wrong_cell(report, truth)
        assert not [f for f in report.findings if f.rule == "table.scrambled"], prose
        for address, _cell in truth.cells():
            if address.startswith("requests."):
                assert report.cell(address).status == Status.READ, (prose, address)


def test_a_garbled_sub_row_label_with_numbers_is_not_the_row_befores() -> None:
    """A PDF's text breaks "（三）不予公开 1.属于国家秘密" as "（三）不 1.属于国家" with the numbers, and
    "秘密" on a line of its own: the line starts a sub-row's label (its ordinal, 1.) that is not
    the row before's, so its numbers are never 部分公开's; and 部分公开's own numbers stay its."""
    truth = _report(("partially_granted", "withheld_state_secret"))
    lines = _text(truth)
    partial = next(ln for ln in lines if "部分公开（区分处理" in ln)
    secret = next(ln for ln in lines if "（三）不予公开" in ln)
    # 部分公开's label wrapped in its cell, its numbers on the label's second line
    own = partial.split("不计其他情形）", 1)[1].strip("\t")
    wrapped = f"\t（二）部分公开（区\n分处理的，只计这一\t{own}\n情形，不计其他情形）"
    garbled = "\t（三）不 1.属于国家" + secret.split("1.属于国家秘密", 1)[1] + "\n秘密"
    text = "\n".join(lines).replace(partial, wrapped).replace(secret, garbled)
    report = parse_bytes(text.encode("utf-8"), "garbled.txt")
    _no_wrong_cell(report, truth)
    for col in ("natural_person", "total"):
        assert report.cell(f"requests.partially_granted.{col}").status == Status.READ


def test_one_cell_a_line_with_empty_cells_keeps_their_places() -> None:
    """A crawler flattens a page's table one cell a line, each closed by "|", a row ended by a
    line of separators ("||"), an empty cell a line of "|" alone: the empty cells keep their
    places (the row is read as one separated row), they do not end it."""
    truth = _report(("new_received", "granted"))
    out, inside = [], False
    for line in _text(truth):
        inside = (inside or line.startswith("三、收到和处理")) and not line.startswith(
            "四、政府信息公开行政复议"
        )
        if inside and "\t" in line:
            # the cells a page's table has (a merged label's is printed once, as the crawler
            # does); of a row's numbers, zeros are left empty but for the first column's (an
            # empty one there could be a filler before a row that lost a cell: such a row is
            # not read cell by cell)
            cells = line.split("\t")
            labels = [c for c in cells if c.strip() and not c.strip().isdigit()]
            numbers = cells[len(cells) - 7 :] if labels and cells[-1].strip().isdigit() else []
            out += [f"{c} |" for c in labels]
            out += [f"{n} |" if n.strip() != "0" or k == 0 else "|" for k, n in enumerate(numbers)]
            out.append("||")
        else:
            out.append(line)
    report = parse_bytes("\n".join(out).encode("utf-8"), "cells.txt")
    _no_wrong_cell(report, truth)
    for address, cell in truth.cells():
        if address.startswith("requests.") and cell.value:
            assert report.cell(address).status == Status.READ, address


def test_empty_cell_lines_are_joined_only_inside_a_row() -> None:
    """The lines of a row holding an empty cell ("|" alone, followed by more of its cells) are
    joined on its first line; a "|" alone before a label may end a row (one whose first cell is
    merged over rows ends with one separator fewer) and is left as printed."""
    row = ["一、本年新收政府信息公开申请数量 |", "|", "|", "|", "|", "|", "|", "0 |", "||"]
    tidy = tidy_table_lines("\n".join(["三、收到和处理政府信息公开申请情况", *row])).split("\n")
    assert tidy[1] == "| 一、本年新收政府信息公开申请数量 |  |  |  |  |  |  | 0 |"
    assert tidy[2:8] == [""] * 6 and len(tidy) == 1 + len(row)  # lines keep their places
    ended = [
        "1.属于国家秘密 |",
        *[f"{n} |" for n in "0000000"],
        "|",
        "2.其他法律行政法规禁止公开 |",
        "0 |",
        "||",
    ]
    assert tidy_table_lines("\n".join(ended)).split("\n") == ended


def test_appeals_one_number_a_line_out_of_reading_order_are_not_read() -> None:
    """pdftotext's plain mode prints the appeals cells one a line, by blocks, and the header is
    lost: read in the official order two groups add up in no order the format is printed in,
    so nothing is placed by that order (a published table that does not add up, printed as
    rows, is still read as printed)."""
    for seed in range(200):
        truth = generate_report(random.Random(seed), "2021")
        groups = [
            [
                truth.cell(f"appeals.{r}.{c}").value
                for c in ("upheld", "corrected", "other", "pending", "total")
            ]
            for r in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
        ]
        by_columns = [g[k] for k in range(5) for g in groups]  # the blocks: a column at a time
        shuffled = [by_columns[i : i + 5] for i in range(0, 15, 5)]
        neither = sum(g[4] != sum(g[:4]) and g[0] != sum(g[1:]) for g in shuffled)
        if neither == 2 and any(g[4] == sum(g[:4]) for g in shuffled):  # one group adds up
            break
    text = render(truth, "txt").decode("utf-8")
    head, rest = text.split("四、政府信息公开行政复议、行政诉讼情况", 1)
    tail = rest[rest.index("五、") :]
    block = "\n".join(["行政复议", *(str(v) for v in by_columns)])
    report = parse_bytes(
        f"{head}四、政府信息公开行政复议、行政诉讼情况\n{block}\n{tail}".encode(), "plain.txt"
    )
    _no_wrong_cell(report, truth)
    assert all(
        c.status not in (Status.READ, Status.INFERRED) for a, c in report.cells() if a.startswith("appeals.")
    )


def test_numbers_before_their_labels_one_a_line_are_weighed_both_ways() -> None:
    """pdftotext's plain mode prints a row's cells one a line before its one-line label (the
    numbers vertically centred in a taller cell): numbers alone before the first label say so,
    and up to a row whose numbers share a line with text, each label's numbers may be the ones
    after it or the ones before it; both stories are weighed, never the scan's alone."""
    truth = _report(("new_received", "carried_over", "granted"))
    out = []
    for line in _text(truth):
        cells = [c for c in line.split("\t") if c.strip()]
        first = ("一、本年新收", "二、上年结转")
        if cells and cells[0].startswith(first) and all(c.isdigit() for c in cells[1:]) and len(cells) == 8:
            out += [*cells[1:], cells[0]]  # the numbers one a line, then the label
        else:
            out.append(line)
    report = parse_bytes("\n".join(out).encode("utf-8"), "plain.txt")
    _no_wrong_cell(report, truth)


def test_two_rows_numbers_one_a_line_give_no_reading() -> None:
    """A row label followed by thirteen numbers printed one a line (a converter's text of a PDF:
    this row's, one lost, then another row's whose label stands elsewhere): which seven are the
    row's is not shown, and that seven in a row add up ("4 0 0 0 0 0 4") is no evidence."""
    numbers = ["0"] * 6 + ["4", "0", "0", "0", "0", "0", "4"]
    text = "\n".join(
        ["三、收到和处理政府信息公开申请情况", "（一）予以公开", "0", "8.属于行政查询事项", *numbers]
    )
    report = parse_bytes(text.encode("utf-8"), "one-a-line.txt")
    for col in ("natural_person", "total"):
        cell = report.cell(f"requests.withheld_administrative_query.{col}")
        assert cell.status not in (Status.READ, Status.INFERRED) or cell.value == 0, (col, cell)


def _rows_7_8_not_held(truth: Report) -> tuple[list[str], list[str], tuple[int, int, int]]:
    """The report's text, a copy to edit, and the lines of rows 7, 8 and 本机关不掌握."""
    raw = _text(truth)
    lines = list(raw)
    labels = ("7.属于行政执法案卷", "8.属于行政查询事项", "1.本机关不掌握相关政府信息")
    a, b, c = (_row_line(lines, label) for label in labels)
    return raw, lines, (a, b, c)


def _labels_around_numbers(truth: Report, not_held: list[str]) -> bytes:
    """Rows 7, 8 and 本机关不掌握 as a PDF-to-markdown copy prints tall cells: each label broken
    around its line of numbers, so that no label is found whole; 本机关不掌握's numbers are
    ``not_held``."""
    raw, lines, (a, b, c) = _rows_7_8_not_held(truth)
    lines[a : c + 1] = [
        *("属于行政", "7.", _numbers(raw[a]), "执法案卷"),
        *("属于行政", "8.", _numbers(raw[b]), "查询事项"),
        *("本机关不", "1.", "掌握相关政 " + " ".join(not_held), "府信息"),
    ]
    return "\n".join(lines).encode("utf-8")


def test_an_unread_row_that_contradicts_the_inferred_cells_drops_them() -> None:
    """No label of rows 7, 8 and 本机关不掌握 is found, and the identities force their cells (a
    column's total of 0 forces every cell of it to 0). But the report does not balance: 本机关
    不掌握's printed line, read into no cell, says 法律服务机构 1 (and 总计 one more). That
    whole row, adding up, agrees with none of the rows it can be, so their inferred cells are
    not stated. Printed as balanced, the same line agrees and the inferred cells stand."""
    _drops_contradicted(_labels_around_numbers, "labels-around.md")


def _drops_contradicted(render: Callable[[Report, list[str]], bytes], name: str) -> None:
    """本机关不掌握's row printed (by ``render``) as it is and one more in 法律服务机构 and 总计:
    unbalanced, no cell of it is stated otherwise; balanced, the inferred cells stand."""
    truth = next(
        r
        for seed in range(2000)
        if (r := generate_report(random.Random(seed), "2021"))
        .cell("requests.total_processed.legal_service_institution")
        .value
        == 0
    )
    printed = _numbers(_text(truth)[_row_line(_text(truth), "1.本机关不掌握相关政府信息")]).split()
    unbalanced = [*printed[:4], str(int(printed[4]) + 1), printed[5], str(int(printed[6]) + 1)]
    report = parse_bytes(render(truth, unbalanced), name)
    for col, value in (("legal_service_institution", 1), ("total", int(unbalanced[6]))):
        cell = report.cell(f"requests.unavailable_not_held.{col}")
        assert cell.status not in (Status.READ, Status.INFERRED) or cell.value == value, (col, cell)
    balanced = parse_bytes(render(truth, printed), name)
    _no_wrong_cell(balanced, truth)
    assert balanced.cell("requests.unavailable_not_held.legal_service_institution").status == Status.INFERRED


def test_digits_run_together_as_many_as_the_cells_are_one_a_cell_or_nothing() -> None:
    """A crawler keeps a row's cells with only some separators: "1 | 0 | 0 | 0 | 0 | 0 | 0"
    as "100 0 0 00". "00" is no one cell, so digits ran together, and seven digits fill the
    seven cells one each. The rows do not add up (a published 总计 of 0 beside 自然人 1), but
    a reading that adds up by taking "10" for 自然人 and a 总计 lost is not taken over that:
    the report not balancing is no evidence of a lost cell."""
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "一、本年新收政府信息公开申请数量100 0 0 00",
            "二、上年结转政府信息公开申请数量0 0 0 0 0 00",
            "（七）总计10 0 0 0 00",
            "四、结转下年度继续办理0 0 0 0 0 00",
        ]
    )
    report = parse_bytes(text.encode("utf-8"), "run-together.txt")
    for row in ("new_received", "total_processed"):
        for col, printed in (("natural_person", 1), ("total", 0)):
            cell = report.cell(f"requests.{row}.{col}")
            assert cell.status not in (Status.READ, Status.INFERRED) or cell.value == printed, (
                row,
                col,
                cell,
            )


def _blocks_by_lower_edge(truth: Report, tie: bool) -> bytes:
    """The requests table as a converter that orders text blocks by their lower edge prints
    it, one cell a line: a wrapped (tall) label after its row's numbers, a one-line label
    before them; with ``tie``, 2.重复申请's first number glued to its label."""
    out = ["三、收到和处理政府信息公开申请情况", "自然人", "总计"]
    for line in _text(truth):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        nums = [c for c in cells if c.isdigit()]
        if len(nums) != len(REQUEST_COLUMNS) or len(cells) <= len(REQUEST_COLUMNS):
            continue  # not a requests row
        label = cells[-8]
        if len(label) > 8:
            out += [*nums, *(label[i : i + 5] for i in range(0, len(label), 5))]
        elif tie and label.startswith("2.重复申请"):
            out += [label + nums[0], *nums[1:]]
        else:
            out += [label, *nums]
    return "\n".join(out).encode("utf-8")


@pytest.mark.parametrize(("seed", "tie"), [(28, True), (32, True), (38, True), (198, False), (199, False)])
def test_numbers_on_either_side_of_their_labels_row_by_row_are_weighed_so(seed: int, tie: bool) -> None:
    """Tall labels after their numbers, one-line labels before them: a label holds two rows'
    numbers and its neighbour none. Neither "every label's numbers after it" nor "every
    label's before it" is the story, so neither is taken: each row is weighed on its own."""
    truth = generate_report(random.Random(seed), "2021")
    report = parse_bytes(_blocks_by_lower_edge(truth, tie), "blocks.txt")
    _no_wrong_cell(report, truth)


def test_an_active_row_holding_more_numbers_than_cells_is_not_guessed() -> None:
    """A PDF's text dumped column by column gives 行政规范性文件 four numbers for its three
    cells ("0 0 0 18": 规章's and its own mixed). Every window of three agrees that 本年制发 is 0,
    but no identity weighs the active table, so that agreement is no evidence: the row is not
    read, unless strays (a page number) account for the extra number."""
    text = "\n".join(
        [
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
            "规章\t0\t0\t0",
            "行政规范性文件\t0\t0\t0\t18",
        ]
    )
    report = parse_bytes(text.encode("utf-8"), "dump.txt")
    for col in ("issued", "repealed", "in_force"):
        assert not report.cell(f"active_disclosure.normative_documents.{col}").known, col
    assert report.cell("active_disclosure.rules.in_force").status == Status.READ


def _labels_then_dump(truth: Report, not_held: list[str]) -> bytes:
    """Rows 7, 8 and 本机关不掌握 as a converter that dumps a table's cells prints them: the
    labels broken into pieces (none found whole), then the three rows' numbers one a line;
    本机关不掌握's numbers are ``not_held``."""
    raw, lines, (a, b, c) = _rows_7_8_not_held(truth)
    lines[a : c + 1] = [
        *(
            "属于行政",
            "7.",
            "执法案卷",
            "属于行政",
            "8.",
            "查询事项",
            "本机关不",
            "1.",
            "掌握相关政",
            "府信息",
        ),
        *_numbers(raw[a]).split(),
        *_numbers(raw[b]).split(),
        *not_held,
    ]
    return "\n".join(lines).encode("utf-8")


def test_an_unread_dump_of_rows_that_contradicts_the_inferred_cells_drops_them() -> None:
    """The same contradiction printed as a dump: the three rows' 21 numbers one a line, read
    into no cell. Cut into rows of seven from the dump's first line, 本机关不掌握's adds up and
    agrees with none of the rows it can be, so their inferred cells are not stated; printed as
    balanced, the inferred cells stand."""
    _drops_contradicted(_labels_then_dump, "dump.txt")


# --- a table printed by blocks (pdftotext's plain mode) -----------------------------------------

_WRAPPED = ("granted", "partially_granted")  # labels in a block of their own, printed late


def _by_blocks(truth: Report, *, before: bool = False, short: str | None = None) -> bytes:
    """The report with its requests table as pdftotext's plain mode prints a table: a header
    piece a line, then each row's label alone on a line and its numbers one a line, blank lines
    between; the rows of ``_WRAPPED`` (long labels that wrap in their cell) have their numbers
    dumped after the row before them and their labels printed after the table's last row. With
    ``before``, every row's numbers stand before its label; ``short`` loses that row's last
    number."""
    lines = _text(truth)
    start = _row_line(lines, "（本列数据的勾稽关系")
    end = _row_line(lines, "四、结转下年度继续办理")
    out = [c for ln in lines[start : start + 3] for c in ln.split("\t") if c.strip()]
    late: list[str] = []
    for ln in lines[start + 3 : end + 1]:
        cells = [c for c in ln.split("\t") if c.strip()]
        label, nums = cells[-8], cells[-7:]
        row = next(r.key for r in _REQUEST_ROWS_2021 if r.label == label or r.label in label)
        if row == short:
            nums = nums[:-1]
        if row in _WRAPPED:
            late.append(label)
            out += nums
        elif before:
            out += [*nums, label]
        else:
            out += [label, *nums]
    out += late
    text = "\n\n".join(out)
    return "\n".join([*lines[:start], text, *lines[end + 1 :]]).encode("utf-8")


_REQUEST_ROWS_2021 = edition("2021").table("requests").rows


def _blocks_truth() -> Report:
    for seed in range(500):
        r = generate_report(random.Random(seed), "2021")
        if all(
            r.cell(f"requests.{row}.total").value for row in (*_WRAPPED, "new_received", "carried_forward")
        ):
            return r
    raise AssertionError("no generated report fits")


def test_rows_tied_to_their_labels_in_a_table_printed_by_blocks_are_read() -> None:
    """The labels are out of order (予以公开 and 部分公开 after the last row), so the table is
    scrambled; but a row whose label stands alone on its line, followed by exactly its seven
    numbers one a line and nothing else, is tied to its label and read. The row before the
    wrapped rows holds their numbers too (21 in all): it is not read, and the identities infer
    it from the others."""
    truth = _blocks_truth()
    report = parse_bytes(_by_blocks(truth), "plain.txt")
    _no_wrong_cell(report, truth)
    assert any(f.rule == "table.scrambled" for f in report.findings)
    for row in (
        "new_received",
        "withheld_state_secret",
        "rejected_duplicate",
        "total_processed",
        "carried_forward",
    ):
        _stated_as(report, truth, row, Status.READ)
    for col in ("natural_person", "total"):
        assert report.cell(f"requests.carried_over.{col}").status == Status.INFERRED
        assert report.cell(f"requests.granted.{col}").status not in (Status.READ, Status.INFERRED)


@pytest.mark.parametrize("damage", ["before", "short"])
def test_a_table_printed_by_blocks_whose_rows_are_not_whole_is_not_read(damage: str) -> None:
    """Numbers printed before their labels (a lead before the first), or one label followed by
    part of a row: which numbers are whose is not shown, and no row of the table is read."""
    truth = _blocks_truth()
    data = _by_blocks(
        truth, before=damage == "before", short="withheld_third_party_rights" if damage == "short" else None
    )
    report = parse_bytes(data, "plain.txt")
    for address, cell in report.cells():
        if address.startswith("requests."):
            assert cell.status not in (Status.READ, Status.INFERRED), (address, cell)
