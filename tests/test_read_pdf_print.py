"""What a browser's print-to-PDF does to a report's tables, read by the PDF reader's geometry.

- Borders of a table with ``border="1"`` are printed as thin filled trapezoids (3-D outset and
  inset edges), one per side of every cell, not as stroked lines or rectangles.
- In a table whose blank cells stay blank, the appeals numbers are placed by the spans of the
  ruled group cells above them (行政复议 over five columns, 未经复议直接起诉 over five), also
  a narrow 总计 column at a group's edge.
- A tall header row broken by a page break: the ends of wrapped labels ("企业", "机构") stand at
  the top of the next page, above the first row; the header is the two pages' pieces together.

The tables here are drawn by the test's own PDF writer, or given to the text reader as lines with
the boxes a PDF gives them, so that each rule is tested alone.
"""

from __future__ import annotations

import itertools

from gongkai.model.keys import REQUEST_COLUMN_KEYS, edition
from gongkai.model.report import At, PdfAt, Status
from gongkai.read.columns import Place, group_at
from gongkai.read.pdf import extract_pages
from gongkai.read.pdf_layout import cells_from_rules
from gongkai.read.text import Locate, read_text
from pdfmake import MiniPdf


def _trapezoid(pdf: MiniPdf, pts: list[tuple[float, float]], grey: float = 0.5) -> None:
    """A filled four-sided path in top-left coordinates (what Chromium prints for an edge)."""
    h = pdf.size[1]
    path = " ".join(f"{x:.2f} {h - y:.2f} {'m' if i == 0 else 'l'}" for i, (x, y) in enumerate(pts))
    pdf.raw(f"{grey:.2f} g {path} h f 0 g")


def test_borders_printed_as_filled_trapezoids_are_rules() -> None:
    pdf = MiniPdf().page()
    xs, ys, w = [100.0, 200.0, 300.0], [100.0, 120.0, 140.0], 0.6
    for x0, x1 in itertools.pairwise(xs):
        for y0, y1 in itertools.pairwise(ys):
            _trapezoid(pdf, [(x0, y0), (x1, y0), (x1 - w, y0 + w), (x0 + w, y0 + w)])  # top edge
            _trapezoid(pdf, [(x0, y1), (x1, y1), (x1 - w, y1 - w), (x0 + w, y1 - w)])  # bottom
            _trapezoid(pdf, [(x0, y0), (x0, y1), (x0 + w, y1 - w), (x0 + w, y0 + w)])  # left
            _trapezoid(pdf, [(x1, y0), (x1, y1), (x1 - w, y1 - w), (x1 - w, y0 + w)])  # right
    pdf.text(110, 105, "规章", 10)
    rules = extract_pages(pdf.build())[0].rules
    cells = cells_from_rules(rules)
    assert len(cells) == 4
    assert {round(c[0]) for c in cells} == {100, 200} and {round(c[1]) for c in cells} == {100, 120}


def test_a_white_trapezoid_is_no_rule() -> None:
    pdf = MiniPdf().page()
    _trapezoid(pdf, [(100, 100), (300, 100), (299, 100.6), (101, 100.6)], grey=1.0)
    _trapezoid(pdf, [(100, 100), (100, 200), (100.6, 199), (100.6, 101)], grey=1.0)
    assert extract_pages(pdf.build())[0].rules == []


def _pdf(x0: float, x1: float) -> Place:
    return Place(("pdf",), x0, x1, False)


def test_a_number_inside_a_ruled_group_cell_belongs_to_that_group() -> None:
    """Measured places: 未经复议直接起诉's 总计 is the last, narrow column of its group; its centre
    is nearly as near to the next group's label centre, but its box lies inside its group's cell."""
    groups: list[tuple[str | None, Place]] = [
        ("reconsideration", _pdf(64, 225)),
        ("litigation_direct", _pdf(225, 387)),
        ("litigation_after_reconsideration", _pdf(387, 546)),
    ]
    assert group_at(groups, _pdf(370.3, 387.2)) == "litigation_direct"
    assert group_at(groups, _pdf(206.3, 225.4)) == "reconsideration"
    assert group_at(groups, _pdf(387.5, 422.0)) == "litigation_after_reconsideration"
    # printed glyph boxes (no ruled cells): the nearest label centre decides, or nothing
    narrow = [("reconsideration", _pdf(120, 150)), ("litigation_direct", _pdf(290, 340))]
    assert group_at(narrow, _pdf(130, 140)) == "reconsideration"
    assert group_at(narrow, _pdf(215, 225)) is None


# --- a requests header broken by a page break ----------------------------------------------------

COLUMNS = {  # x extents of the columns, 总计 printed first
    "label": (40.0, 280.0),
    "total": (280.0, 320.0),
    "natural_person": (320.0, 360.0),
    "commercial_enterprise": (360.0, 400.0),
    "research_institution": (400.0, 440.0),
    "social_organization": (440.0, 480.0),
    "legal_service_institution": (480.0, 520.0),
    "other_organization": (520.0, 560.0),
}
VALUES = {  # (总计, 自然人, 商业企业); the other columns blank; every identity holds
    "new_received": (10, 8, 2),
    "carried_over": (2, 2, 0),
    "granted": (5, 4, 1),
    "partially_granted": (1, 1, 0),
    "unavailable_not_held": (3, 2, 1),
    "total_processed": (9, 7, 2),
    "carried_forward": (3, 3, 0),
}
PRINTED = ("total", "natural_person", "commercial_enterprise")


def _report_lines() -> tuple[list[str], dict[int, list[tuple[float, float]]], dict[int, int]]:
    """Lines of tab-separated cells, each cell's x extent, and each line's page."""
    lines: list[str] = []
    boxes: dict[int, list[tuple[float, float]]] = {}
    pages: dict[int, int] = {}

    def add(page: int, *cells: tuple[str, str]) -> None:
        lines.append("\t".join(text for text, _ in cells))
        boxes[len(lines)] = [COLUMNS.get(col, (40.0, 560.0)) for _, col in cells]
        pages[len(lines)] = page

    add(1, ("某县某局2023年政府信息公开工作年度报告", "free"))
    add(1, ("一、总体情况", "free"))
    add(1, ("本局依法做好政府信息公开工作。", "free"))
    add(1, ("三、收到和处理政府信息公开申请情况", "free"))
    add(1, ("（本列数据的勾稽关系为：第一项加第二项之", "label"), ("申请人情况", "total"))
    add(1, ("和，等于第三项加第四项之和）", "label"), ("总", "total"), ("自", "natural_person"),
        ("法人或其他组织", "commercial_enterprise"))  # fmt: skip
    add(1, ("计", "total"), ("然人", "natural_person"), ("商业", "commercial_enterprise"),
        ("科研", "research_institution"), ("社会公益组织", "social_organization"),
        ("法律服务机构", "legal_service_institution"), ("其他", "other_organization"))  # fmt: skip
    add(2, ("企业", "commercial_enterprise"), ("机构", "research_institution"))  # the page break
    for row in edition("2021").table("requests").rows:
        values = VALUES.get(row.key, (0, 0, 0))
        add(
            2,
            (row.label, "label"),
            *((str(v), col) for v, col in zip(values, PRINTED, strict=True) if v or col != PRINTED[2]),
        )
    add(2, ("四、政府信息公开行政复议、行政诉讼情况", "free"))
    add(2, ("五、存在的主要问题及改进情况", "free"))
    add(2, ("无。", "free"))
    return lines, boxes, pages


def _locator(boxes: dict[int, list[tuple[float, float]]], pages: dict[int, int]) -> Locate:
    """Each cell's box on its page, as the PDF reader's locator gives it."""

    def locate(line: int, cell: int) -> At | None:
        extents = boxes.get(line)
        if extents is None or not 0 <= cell < len(extents):
            return None
        x0, x1 = extents[cell]
        return PdfAt(page=pages[line], bbox=(x0, 10.0 * line, x1, 10.0 * line + 8))

    return locate


def test_a_header_broken_by_a_page_break_is_read_with_both_pieces() -> None:
    lines, boxes, pages = _report_lines()

    report = read_text("\n".join(lines), locate=_locator(boxes, pages))
    for row in edition("2021").table("requests").rows:
        values = VALUES.get(row.key, (0, 0, 0))
        for v, col in zip(values, PRINTED, strict=True):
            cell = report.cell(f"requests.{row.key}.{col}")
            if v or col != PRINTED[2]:
                assert (cell.status, cell.value) == (Status.READ, v), (row.key, col, cell)
            else:
                assert cell.status in (Status.INFERRED, Status.MISSING) and cell.value in (0, None), (
                    row.key,
                    cell,
                )
        for col in ("research_institution", "social_organization"):
            cell = report.cell(f"requests.{row.key}.{col}")
            assert cell.status in (Status.INFERRED, Status.MISSING) and cell.value in (0, None), (
                row.key,
                cell,
            )


# --- a table wider than the page -----------------------------------------------------------------


def test_a_number_crossing_the_right_edge_is_read_whole() -> None:
    """Word, WPS and LibreOffice export a table wider than the page as is: its last column runs
    past the edge. The text there is in the file; a number that crosses the edge is read whole,
    never as the digits left on the page."""
    pdf = MiniPdf().page()
    for k in range(4):  # prose above the table: a page with a text layer
        pdf.text(60, 40 + 12 * k, "本年度报告中所列数据统计期限自1月1日起至12月31日止。", 10)
    xs, ys = [300.0, 500.0, 560.0, 640.0], [100.0, 120.0, 140.0]
    pdf.grid(xs, ys)
    pdf.text(305, 104, "自然人", 10).text(505, 104, "其他", 10).text(565, 104, "总计", 10)
    pdf.text(305, 124, "13612", 10).text(505, 124, "32", 10).text(588, 124, "14069", 10)
    from gongkai.read.pdf import pdf_lines

    rows = [ln.text.split("\t") for ln in pdf_lines(pdf.build())]
    assert ["13612", "32", "14069"] in rows
    assert not any("140" in cells and "14069" not in cells for cells in rows)


def test_a_number_beside_the_first_header_label_is_not_its() -> None:
    """Measured places (a PDF): the header found names 商业企业 first; a number in the ruled cell
    to its left (自然人, whose label was not found) touches it but is not under it."""
    from gongkai.read.columns import Field, Header

    header = Header(
        ("pdf",),
        False,
        [Field("commercial_enterprise", _pdf(401, 453)), Field("research_institution", _pdf(453, 506))],
        (1,),
    )
    assert header.column_at(_pdf(360, 401)) is None
    assert header.column_at(_pdf(401, 453)) == "commercial_enterprise"
    assert header.column_at(_pdf(470, 480)) == "research_institution"
    assert header.column_at(_pdf(506, 560)) is None
    # printed glyphs under a label (an unruled table): overlapping the label is under it
    assert header.column_at(_pdf(420, 432)) == "commercial_enterprise"


def test_rows_of_a_second_table_drawn_with_other_columns_are_not_placed_by_the_first_header() -> None:
    """A requests table split in two (the second part without the 三、本年度办理结果 column, so
    every column sits further left) under the first part's header: its numbers cross the
    header's label boxes, so their places say nothing, and no number is read by place."""
    from gongkai.read.columns import Field, Header

    header = Header(
        ("pdf",),
        False,
        [
            Field(None, _pdf(80, 279)),
            Field("natural_person", _pdf(279, 313)),
            Field("commercial_enterprise", _pdf(313, 348)),
        ],
        (1,),
    )
    assert header.straddles(_pdf(257, 300))  # a cell of the second table
    assert not header.straddles(_pdf(279, 313))  # a cell of the first
    assert not header.straddles(_pdf(290, 300))  # printed glyphs under one label

    lines, boxes, pages = _report_lines()
    shift = {COLUMNS[c]: (COLUMNS[c][0] - 60, COLUMNS[c][1] - 60) for c in COLUMNS if c != "label"}
    start = next(i for i, ln in enumerate(lines, 1) if ln.startswith("1.本机关不掌握"))
    for ln in range(start, len(lines) + 1):  # the second table: the same columns, drawn further left
        boxes[ln] = [shift.get(b, b) for b in boxes[ln]]

    report = read_text("\n".join(lines), locate=_locator(boxes, pages))
    for row in edition("2021").table("requests").rows:
        values = dict(zip(PRINTED, VALUES.get(row.key, (0, 0, 0)), strict=True))
        for col in REQUEST_COLUMN_KEYS:
            cell = report.cell(f"requests.{row.key}.{col}")
            if cell.status in (Status.READ, Status.INFERRED):
                assert cell.value == values.get(col, 0), (row.key, col, cell)


def _borderless_requests(rows: list[tuple[str, dict[int, int]]]) -> bytes:
    """A requests table printed without rules, as a browser prints a page whose table has no
    borders: 自然人 and 总计 far apart, the organisations' narrow labels run together in one
    line ("商业企业科研机构社会公益组织法律服务机构其他", 1 em a character), numbers centred under
    their labels, blank cells blank. ``rows``: label and {column index: number}."""
    pdf = MiniPdf().page()
    pdf.text(60, 60, "某某局2023年政府信息公开工作年度报告", 14)
    pdf.text(40, 100, "三、收到和处理政府信息公开申请情况", 12)
    pdf.text(400, 130, "申请人情况", 10)
    pdf.text(405, 145, "法人或其他组织", 10)
    pdf.text(300, 160, "自然人", 10)
    pdf.text(560, 160, "总计", 10)
    pdf.text(330, 175, "商业企业科研机构社会公益组织法律服务机构其他", 10)
    centres = [315.0, 350.0, 390.0, 440.0, 500.0, 540.0, 570.0]  # under each label's characters
    top = 200.0
    for label, cells in rows:
        pdf.text(40, top, label, 10)
        for col, value in cells.items():
            text = str(value)
            pdf.text(centres[col] - 5 * len(text) / 2, top, text, 10)
        top += 25
    pdf.text(40, top + 20, "五、存在的主要问题及改进情况", 12)
    return pdf.build()


def test_labels_run_together_in_a_table_without_rules_place_their_numbers() -> None:
    """Each label of the run takes the share of the run's box its characters fill; 自然人 and
    总计, far apart on one line, are two labels (a gap of four ems splits a line of text). So a
    row with blank cells is read by place: its numbers under their labels, and the blanks the
    row's identity forces to zero are inferred."""
    from gongkai.api import parse_bytes

    data = _borderless_requests(
        [
            ("一、本年新收政府信息公开申请数量", {0: 3, 4: 2, 5: 1, 6: 6}),
            ("二、上年结转政府信息公开申请数量", {0: 4, 1: 5, 6: 9}),
        ]
    )
    report = parse_bytes(data, "borderless.pdf")
    keys = REQUEST_COLUMN_KEYS
    got = {c: report.cell(f"requests.new_received.{c}") for c in keys}
    assert {c: (cell.value, cell.status) for c, cell in got.items()} == {
        "natural_person": (3, Status.READ),
        "commercial_enterprise": (0, Status.INFERRED),
        "research_institution": (0, Status.INFERRED),
        "social_organization": (0, Status.INFERRED),
        "legal_service_institution": (2, Status.READ),
        "other_organization": (1, Status.READ),
        "total": (6, Status.READ),
    }
    assert report.cell("requests.carried_over.commercial_enterprise").value == 5
    assert report.cell("requests.carried_over.commercial_enterprise").status == Status.READ


def test_a_run_is_cut_into_labels_only_one_way() -> None:
    from gongkai.model.keys import REQUEST_COLUMNS, REQUEST_GROUP_HEADERS
    from gongkai.read.columns import run_together

    run = "商业企业科研机构社会公益组织法律服务机构其他"
    cut = run_together(run, run, REQUEST_COLUMNS, REQUEST_GROUP_HEADERS)
    assert cut == [
        (0, 4, "商业企业"),
        (4, 8, "科研机构"),
        (8, 14, "社会公益组织"),
        (14, 20, "法律服务机构"),
        (20, 22, "其他"),
    ]
    assert run_together("商业企业", "商业企业", REQUEST_COLUMNS, ()) is None  # one label: not a run
    assert run_together("商业企业科研", "商业企业科研", REQUEST_COLUMNS, ()) is None  # not all labels
    assert (
        run_together("商业企业 科研机构", "商业企业科研机构", REQUEST_COLUMNS, ()) is None
    )  # a space: no share
