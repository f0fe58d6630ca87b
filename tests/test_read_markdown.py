"""Markdown tables as HTML converters write them (markitdown): blank cells kept as empty cells,
a label merged over several columns followed by empty filler cells, the cells of a label merged
over several rows left out. The numbers are read cell by cell where the rows keep their blanks;
a row whose numbers alone could sit in several columns is never guessed."""

from __future__ import annotations

from gongkai.api import parse_bytes
from gongkai.model.keys import edition
from gongkai.model.report import Report, Status

VALUES = {"new_received": 26, "granted": 20, "partially_granted": 2, "unavailable_not_held": 4}
VALUES["total_processed"] = VALUES["granted"] + VALUES["partially_granted"] + VALUES["unavailable_not_held"]
FILLERS = {"new_received": 2, "carried_over": 2, "carried_forward": 2, "granted": 1, "total_processed": 1}


def _requests_rows(natural_only: bool = True) -> list[str]:
    out = []
    for row in edition("2021").table("requests").rows:
        v = VALUES.get(row.key, 0)
        fillers = " | " * FILLERS.get(row.key, 0)
        blanks = "|  " * 5 if natural_only else "".join(f"| {0} " for _ in range(5))
        out.append(f"| {row.label} {fillers}| {v} {blanks}| {v} |")
    return out


def _report(requests: list[str], appeals: list[str]) -> str:
    return "\n".join(
        [
            "某县某局2023年政府信息公开工作年度报告",
            "",
            "一、总体情况",
            "",
            "本局依法做好政府信息公开工作。",
            "",
            "三、收到和处理政府信息公开申请情况",
            "",
            "|  |  |  |  |  |  |  |  |  |  |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | | | 申请人情况 | | | | | | |",
            "| 自然人 | 法人或其他组织 | | | | | 总计 |",
            "| 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |",
            *requests,
            "",
            "四、政府信息公开行政复议、行政诉讼情况",
            "",
            "| " + " | ".join([""] * 15) + " |",
            "| " + " | ".join(["---"] * 15) + " |",
            "| 行政复议 | | | | | 行政诉讼 | | | | | | | | | |",
            "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | | | | | 复议后起诉 | | | | |",
            "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
            *appeals,
            "",
            "五、存在的主要问题及改进情况",
            "",
            "无。",
        ]
    )


def _read(text: str) -> Report:
    return parse_bytes(text.encode("utf-8"), "report.md")


def test_blank_cells_after_label_fillers_are_read_cell_by_cell() -> None:
    report = _read(_report(_requests_rows(), ["| 5 |  |  | 2 | 7 | 8 |  |  | 1 | 9 |  |  |  |  |  |"]))
    for row in edition("2021").table("requests").rows:
        v = VALUES.get(row.key, 0)
        for col in ("natural_person", "total"):
            cell = report.cell(f"requests.{row.key}.{col}")
            assert (cell.status, cell.value) == (Status.READ, v), (row.key, col, cell)
        cell = report.cell(f"requests.{row.key}.commercial_enterprise")
        assert cell.status in (Status.INFERRED, Status.MISSING) and cell.value in (0, None), (row.key, cell)


def test_the_appeals_row_with_its_blank_cells_is_read_cell_by_cell() -> None:
    report = _read(_report(_requests_rows(), ["| 5 |  |  | 2 | 7 | 8 |  |  | 1 | 9 |  |  |  |  |  |"]))
    printed = {
        "reconsideration.upheld": 5,
        "reconsideration.pending": 2,
        "reconsideration.total": 7,
        "litigation_direct.upheld": 8,
        "litigation_direct.pending": 1,
        "litigation_direct.total": 9,
    }
    for address, v in printed.items():
        cell = report.cell(f"appeals.{address}")
        assert (cell.status, cell.value) == (Status.READ, v), (address, cell)
    for address in ("reconsideration.corrected", "litigation_after_reconsideration.total"):
        assert report.cell(f"appeals.{address}").status != Status.READ


def test_an_appeals_row_that_lost_its_blank_cells_is_not_read_cell_by_cell() -> None:
    """Six numbers for fifteen columns, the blanks gone: which column each belongs to is not
    kept, and no cell is read as if it were."""
    report = _read(_report(_requests_rows(), ["| 5 | 2 | 7 | 8 | 1 | 9 |"]))
    for address, cell in report.cells():
        if address.startswith("appeals.") and cell.status == Status.READ:
            raise AssertionError((address, cell))


def test_an_extra_column_the_header_does_not_name_stops_filler_trimming() -> None:
    """A row with one cell more than the columns is read by trimming leading fillers only when
    the header names every column and nothing else: with a 备注 column, the last seven cells
    are not the seven columns."""
    rows = [ln[: ln.rindex("|")] + "|  |" for ln in _requests_rows()]  # an empty 备注 cell
    text = _report(rows, []).replace("| 总计 |", "| 总计 | 备注 |")
    report = _read(text)
    for address, cell in report.cells():
        if address.startswith("requests.") and cell.status in (Status.READ, Status.INFERRED):
            row, col = address.split(".")[1:]
            v = VALUES.get(row, 0)
            assert cell.value == (v if col in ("natural_person", "total") else 0), (address, cell)


def test_a_row_that_lost_a_cell_after_a_filler_is_not_read_shifted() -> None:
    """``| （一）予以公开 | | 20 |  |  |  |  | 20 |``: a filler and six value cells (one deleted)
    look like seven value cells whose first is blank; the row is not read cell by cell, and
    20 is never read as 商业企业."""
    rows = _requests_rows()
    i = next(k for k, ln in enumerate(rows) if "（一）予以公开" in ln)
    rows[i] = rows[i].replace(" |  |", " |", 1)  # one blank cell deleted
    report = _read(_report(rows, []))
    for address, cell in report.cells():
        if address.startswith("requests.granted.") and cell.status in (Status.READ, Status.INFERRED):
            col = address.split(".")[2]
            assert cell.value == (VALUES["granted"] if col in ("natural_person", "total") else 0), (
                address,
                cell,
            )


def _mupdf_appeals(numbers: list[int]) -> list[str]:
    """The appeals table as PDF-to-markdown converters that find tables by ruling lines write it
    (pymupdf): every row as wide as the grid found, a merged header cell repeated over the
    columns it covers or its other columns named Col2, Col3 …; here the grid split 结果维持 of
    行政复议 into two columns and lost the last two."""
    width = 13
    return [
        "|行政复议|"
        + "|".join(f"Col{i}" for i in range(2, 7))
        + "|行政诉讼|"
        + "|".join(f"Col{i}" for i in range(8, width + 1))
        + "|",
        "|" + "---|" * width,
        "|结果<br>维持|结果<br>维持|结果<br>纠正|其他<br>结果|尚未<br>审结|总计|"
        + "未经复议直接起诉|" * 5
        + "复议后起诉|" * 2,
        "|结果<br>维持|结果<br>维持|结果<br>纠正|其他<br>结果|尚未<br>审结|总计|"
        + "结果维持|结果纠正|其他结果|尚未审结|总计|结果维持|结果纠正|",
        "|" + "|".join(map(str, numbers)) + "|",
    ]


def test_appeals_cells_are_placed_by_the_header_cells_above_them() -> None:
    """A separated copy whose header rows are as wide as its number row keeps every cell's
    column: each number is placed by the labels above its own cell, the two numbers under one
    merged label agree, and the columns the grid lost are not stated (read in order, the row's
    13 numbers balance only as 15 cells that lost both totals: a story, not what was printed)."""
    text = _report(_requests_rows(), []).replace(
        "| " + " | ".join([""] * 15) + " |",
        "\n".join(_mupdf_appeals([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0])),
    )
    lines = text.splitlines()
    start = lines.index("| " + " | ".join(["---"] * 15) + " |")
    text = "\n".join(lines[:start] + lines[start + 4 :])  # the markitdown header replaced
    report = _read(text)
    expected = {
        "reconsideration": (0, 0, 0, 1, 1),
        "litigation_direct": (0, 0, 0, 0, 0),
        "litigation_after_reconsideration": (0, 0, None, None, None),
    }
    for row, values in expected.items():
        for col, v in zip(("upheld", "corrected", "other", "pending", "total"), values, strict=True):
            cell = report.cell(f"appeals.{row}.{col}")
            if v is None:
                assert cell.value is None, (row, col, cell)
            else:
                assert (cell.status, cell.value) == (Status.READ, v), (row, col, cell)


def test_a_table_whose_cells_hold_two_numbers_is_not_read_cell_by_cell() -> None:
    """A PDF-to-markdown copy that drew the grid with other columns than the table's: some cells
    hold two numbers ("| 4 1 |"), so an empty cell is no printed blank and a number's cell no
    column; rows are not read by their cells (a lone 8 in the fourth cell is 自然人's, not
    科研机构's)."""
    rows = [
        "| 一、本年新收政府信息公开申请数量 | | | 301 34 | 4 | 13 | 4 | 1 357 |",
        "| 二、上年结转政府信息公开申请数量 | | | 57 1 | | 1 | | 59 |",
        "| 1.属于国家秘密 | | | 4 1 | | | | 5 |",
        "| 2.其他法律行政法规禁止公开 | | | 8 | | | | 8 |",
        "| 3.危及“三安全一稳定” | | | 4 | | | | 4 |",
    ]
    text = "\n".join(
        [
            "某县某局2020年政府信息公开工作年度报告",
            "三、收到和处理政府信息公开申请情况",
            "| 申请人情况 | | | | | | | |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            "| | | | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 总计 |",
            *rows,
            "四、政府信息公开行政复议、行政诉讼情况",
            "无。",
        ]
    )
    report = _read(text)
    for row in ("withheld_prohibited_by_law", "withheld_security_stability"):
        for col in ("research_institution", "commercial_enterprise", "social_organization"):
            cell = report.cell(f"requests.{row}.{col}")
            assert cell.status not in (Status.READ, Status.INFERRED) or cell.value == 0, (row, col, cell)
