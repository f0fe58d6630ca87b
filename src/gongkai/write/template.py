"""The 填报 workbook: an Excel file an agency fills in, from which ``gongkai write`` makes the report.

Sheets (positions in :mod:`gongkai.write.layout`, shared with the reader):

0. 填报说明: how to fill it in and what happens next.
1. 基本信息: agency, year, title (a formula until typed over), the edition, the introduction
   (引言, the text before 一、总体情况) and the prose of the six sections.
2–4. The three tables laid out as printed (merged headers, group labels). Light-yellow cells are
   the parts the agency fills in, with data validation (whole numbers ≥ 0; the fee a decimal
   ≥ 0; the 2019 edition's 本年增/减 any whole number); grey cells are formulas for every total
   (row totals, the （七）总计 column sums, the appeals totals), locked by sheet protection
   without a password. Under the requests table a 勾稽核对 row shows 平衡/不平衡 per column.

Every sheet prints on A4, fitted to the page width, with the header rows repeated.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.model.keys import EditionKey, edition, edition_for_year
from gongkai.model.report import PREAMBLE, Report
from gongkai.write.cellsafe import protect_cell
from gongkai.write.layout import (
    BALANCE_BAD,
    BALANCE_LABEL,
    BALANCE_OK,
    DEFAULT_TITLE,
    INSTRUCTIONS_TITLE,
    META_FIELDS,
    META_LABEL_COL,
    META_VALUE_COL,
    PREAMBLE_LABEL,
    PREAMBLE_ROW,
    SECTIONS_TOP,
    TABLE_LEFT,
    TABLE_TOP,
    TEMPLATE_META_SHEET,
    TEMPLATE_SHEETS,
    TEMPLATE_TABLE_SHEETS,
    Grid,
    balance_row,
    grids,
    paragraphs,
    totals,
    value_of,
)

FONT = "宋体"
HEAD_FONT = "黑体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FILL_INPUT = PatternFill("solid", fgColor="FFF7D6")  # light yellow: fill in
FILL_FORMULA = PatternFill("solid", fgColor="E7E6E6")  # grey: computed
FILL_HEADER = PatternFill("solid", fgColor="EAF0F8")
FILL_GROUP = PatternFill("solid", fgColor="DCE6F2")
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)
FEE_FORMAT = "0.00##"
MAX_VALUE = 999_999_999

# column widths (Excel character units) of each table's grid
_WIDTHS: dict[str, list[float]] = {
    "active_disclosure": [26, 17, 17, 17],
    "requests": [5.0, 14.0, 30.0] + [10.0] * 7,
    "appeals": [8.5] * 15,
}
_LANDSCAPE = {"appeals"}
_EDITION_NAMES = {"2021": "2021年版", "2019": "2019年版"}


def _ref(row: int, col: int, absolute: bool = False) -> str:
    """A1 reference of a 0-based position."""
    if absolute:
        return f"${get_column_letter(col + 1)}${row + 1}"
    return f"{get_column_letter(col + 1)}{row + 1}"


def _sum(positions: Iterable[tuple[int, int]]) -> str:
    """``=SUM(D7:I7)`` for contiguous cells of a row or column, else ``=SUM(D7,F7,…)``."""
    cells = sorted(positions)
    rows = {r for r, _ in cells}
    cols = {c for _, c in cells}
    if len(rows) == 1 and max(cols) - min(cols) + 1 == len(cells):
        r = cells[0][0]
        return f"=SUM({_ref(r, min(cols))}:{_ref(r, max(cols))})"
    if len(cols) == 1 and max(rows) - min(rows) + 1 == len(cells):
        c = cells[0][1]
        return f"=SUM({_ref(min(rows), c)}:{_ref(max(rows), c)})"
    return "=SUM(" + ",".join(_ref(r, c) for r, c in cells) + ")"


def sheet_position(g: Grid, address: str) -> tuple[int, int]:
    r, c = g.positions[address]
    return TABLE_TOP + r, TABLE_LEFT + c


def formulas(edition_key: str) -> dict[str, str]:
    """Total cell address → its ``=SUM(...)`` formula in the template."""
    by_table = {g.key: g for g in grids(edition_key)}
    out: dict[str, str] = {}
    for total, parts in totals(edition_key).items():
        g = by_table[total.split(".")[0]]
        out[total] = _sum(sheet_position(g, p) for p in parts)
    return out


# --- sheets ------------------------------------------------------------------------------------


def _font(size: float = 11, bold: bool = False, head: bool = False, color: str = "000000") -> Font:
    return Font(name=HEAD_FONT if head else FONT, size=size, bold=bold, color=color)


def _title_rows(ws: Worksheet, title: str, note: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    a = ws.cell(1, 1, title)
    a.font = _font(14, head=True)
    a.alignment = Alignment(horizontal="left", vertical="center")
    b = ws.cell(2, 1, note)
    b.font = _font(10, color="404040")
    b.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 24
    ws.row_dimensions[2].height = 32


def _print_setup(ws: Worksheet, landscape: bool = False, title_rows: str | None = None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"  # type: ignore[union-attr]
    ws.oddFooter.center.size = 9  # type: ignore[union-attr]
    if title_rows:
        ws.print_title_rows = title_rows


def _protect(ws: Worksheet) -> None:
    """Protect the sheet without a password: formulas and labels locked, inputs free."""
    p = ws.protection
    p.sheet = True
    p.formatCells = False
    p.formatColumns = False
    p.formatRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def _lines(text: str, width_chars: float) -> int:
    """Lines a text needs in a cell ``width_chars`` wide (a Chinese character counts two)."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, math.ceil(units / max(1.0, width_chars * 0.95 - 1)))


def _validations(ws: Worksheet) -> dict[str, DataValidation]:
    count = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2=str(MAX_VALUE),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="只能填写整数",
        error="请填写 0 或正整数（没有发生的填 0，不要填“/”“—”或文字）。",
        showInputMessage=True,
        promptTitle="填写数量",
        prompt="填写 0 或正整数；没有发生的填 0。",
    )
    signed = DataValidation(
        type="whole",
        operator="between",
        formula1=str(-MAX_VALUE),
        formula2=str(MAX_VALUE),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="只能填写整数",
        error="请填写整数：增加填正数，减少填负数（如 -2），没有变化填 0。",
        showInputMessage=True,
        promptTitle="填写增减",
        prompt="增加填正数，减少填负数，没有变化填 0。",
    )
    amount = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2=str(MAX_VALUE),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="只能填写数字",
        error="请填写 0 或正数，可带小数（最多 4 位）。",
        showInputMessage=True,
        promptTitle="填写金额",
        prompt="单位见表头；可带小数（最多 4 位），没有的填 0。",
    )
    out = {"count": count, "signed": signed, "amount": amount}
    for dv in out.values():
        ws.add_data_validation(dv)
    return out


def _row_heights(ws: Worksheet, g: Grid, widths: list[float], value_lines: int = 1) -> None:
    for r in range(g.n_rows):
        need = value_lines
        for c in g.row_cells(r):
            if c.rowspan > 1 or not c.text:
                continue
            width = sum(widths[c.col : c.col + c.colspan])
            need = max(need, _lines(c.text, width))
        ws.row_dimensions[TABLE_TOP + r + 1].height = 15 * need + 3


def _table_sheet(ws: Worksheet, g: Grid, edition_key: str, report: Report | None) -> None:
    widths = _WIDTHS[g.key]
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(TABLE_LEFT + i + 1)].width = w
    note = "请在浅黄色单元格填写数字（没有发生的也要填写，不要留空）；灰色单元格是自动计算的合计，不用填写。"
    if g.key == "active_disclosure":
        note = "请在浅黄色单元格填写数字（没有发生的也要填写，不要留空）；收费金额单位为万元，可带小数。"
    _title_rows(ws, g.heading, note, g.n_cols)
    spec = edition(edition_key)
    sums = formulas(edition_key)
    value = value_of(report) if report is not None else None
    checks = _validations(ws)
    for c in g.cells:
        row, col = TABLE_TOP + c.row + 1, TABLE_LEFT + c.col + 1
        if c.merged:
            ws.merge_cells(
                start_row=row, start_column=col, end_row=row + c.rowspan - 1, end_column=col + c.colspan - 1
            )
            for rr in range(row, row + c.rowspan):
                for cc in range(col, col + c.colspan):
                    ws.cell(rr, cc).border = BORDER
        cell = ws.cell(row, col)
        cell.border = BORDER
        cell.font = _font(10.5 if c.kind != "note" else 9)
        if c.kind != "value":
            cell.value = c.text
            cell.protection = LOCKED
            horizontal = "left" if c.kind in ("label", "note") else "center"
            cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
            if c.kind in ("header", "note"):
                cell.fill = FILL_HEADER
            elif c.kind == "group":
                cell.fill = FILL_GROUP if g.key == "active_disclosure" else FILL_HEADER
            continue
        assert c.address is not None
        cell.alignment = Alignment(horizontal="right", vertical="center")
        if c.address in sums:
            cell.value = sums[c.address]
            cell.fill = FILL_FORMULA
            cell.protection = LOCKED
            cell.number_format = "0"
            continue
        kind = spec.column(c.address).kind
        cell.fill = FILL_INPUT
        cell.protection = UNLOCKED
        cell.number_format = FEE_FORMAT if kind == "amount" else "0"
        checks[kind].add(cell)
        if value is not None:
            text = value(c.address)
            if text:
                cell.value = _number(text)
    for dv in list(checks.values()):
        if not dv.sqref:
            ws.data_validations.dataValidation.remove(dv)
    _row_heights(ws, g, widths)
    if g.key == "requests":
        _balance(ws, g, edition_key)
        ws.freeze_panes = ws.cell(TABLE_TOP + g.header_rows + 1, TABLE_LEFT + g.label_cols + 1)  # type: ignore[assignment]
    title_rows = f"{TABLE_TOP + 1}:{TABLE_TOP + g.header_rows}" if g.header_rows else None
    _print_setup(ws, landscape=g.key in _LANDSCAPE, title_rows=title_rows)
    ws.print_area = f"A1:{_ref(TABLE_TOP + g.n_rows + (2 if g.key == 'requests' else 0) - 1, g.n_cols - 1)}"
    _protect(ws)


def _number(text: str) -> int | float:
    """A cell value for a printed number: amounts go in as typed text would (shortest float)."""
    if "." in text:
        return float(text)
    return int(text)


def _balance(ws: Worksheet, g: Grid, edition_key: str) -> None:
    """Per column: 一 + 二 = 三（七）总计 + 四, shown as 平衡 / 不平衡."""
    row = balance_row(g) + 1
    ws.merge_cells(
        start_row=row, start_column=TABLE_LEFT + 1, end_row=row, end_column=TABLE_LEFT + g.label_cols
    )
    label = ws.cell(row, TABLE_LEFT + 1, BALANCE_LABEL)
    label.font = _font(10.5, bold=True)
    label.alignment = Alignment(horizontal="left", vertical="center")
    for cc in range(TABLE_LEFT + 1, TABLE_LEFT + g.label_cols + 1):
        ws.cell(row, cc).border = BORDER
    spec = edition(edition_key).table("requests")
    for col in spec.rows[0].columns:

        def at(row_key: str, col_key: str = col.key) -> str:
            r, c = sheet_position(g, f"requests.{row_key}.{col_key}")
            return _ref(r, c)

        _, c = sheet_position(g, f"requests.new_received.{col.key}")
        cell = ws.cell(row, c + 1)
        cell.value = (
            f"=IF({at('new_received')}+{at('carried_over')}={at('total_processed')}+{at('carried_forward')},"
            f'"{BALANCE_OK}","{BALANCE_BAD}")'
        )
        cell.font = _font(10.5)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = BORDER
        cell.fill = FILL_FORMULA
        cell.protection = LOCKED
    first = _ref(row - 1, TABLE_LEFT + g.label_cols)
    last = _ref(row - 1, TABLE_LEFT + g.n_cols - 1)
    ws.conditional_formatting.add(
        f"{first}:{last}",
        CellIsRule(
            operator="equal",
            formula=[f'"{BALANCE_BAD}"'],
            font=Font(name=FONT, color="C00000", bold=True),
            fill=PatternFill("solid", fgColor="FFD9D9"),
        ),
    )
    note = ws.cell(row + 1, TABLE_LEFT + 1)
    ws.merge_cells(
        start_row=row + 1, start_column=TABLE_LEFT + 1, end_row=row + 1, end_column=TABLE_LEFT + g.n_cols
    )
    note.value = (
        "勾稽核对：每一列的“一、本年新收”加“二、上年结转”，应等于“（七）总计”加“四、结转下年度继续办理”。"
    )
    note.font = _font(9, color="404040")
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row + 1].height = 28


def _meta_sheet(
    ws: Worksheet, edition_key: str, year: int | None, agency: str | None, report: Report | None
) -> None:
    width = 8
    ws.column_dimensions["A"].width = 34
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14
    _title_rows(
        ws,
        "基本信息与正文",
        "填写发布机关和报告年度；引言（如有）和六个部分的正文可从 Word 复制后粘贴到右侧单元格（双击单元格再粘贴，可保留分段）。"
        "二、三、四部分的表格在后面三张工作表中填写，这里只填表格以外的文字（可不填）。",
        width,
    )
    labels = {f: (label, row) for f, label, row in META_FIELDS}
    values: dict[str, str | int | None] = {
        "agency": agency or (report.meta.agency if report else None),
        "year": year or (report.meta.year if report else None),
        "title": report.meta.title if report and report.meta.title else None,
        "edition": f"{_EDITION_NAMES[edition_key]}（{edition(edition_key).document}）",
    }
    for field, (label, row) in labels.items():
        r = row + 1
        ws.merge_cells(start_row=r, start_column=META_VALUE_COL + 1, end_row=r, end_column=width)
        head = ws.cell(r, META_LABEL_COL + 1, label)
        head.font = _font(11, bold=True)
        head.fill = FILL_HEADER
        head.alignment = Alignment(vertical="center")
        head.protection = LOCKED
        cell = ws.cell(r, META_VALUE_COL + 1)
        for cc in range(1, width + 1):
            ws.cell(r, cc).border = BORDER
        cell.font = _font(11)
        cell.alignment = Alignment(horizontal="left", vertical="center")
        value = values[field]
        if field == "edition":
            cell.value = value
            cell.fill = FILL_FORMULA
            cell.protection = LOCKED
        elif field == "title" and value is None:
            a = _ref(labels["agency"][1], META_VALUE_COL)
            y = _ref(labels["year"][1], META_VALUE_COL)
            cell.value = f'=IF({a}="","",{a}&IF({y}="","",{y}&"年")&"{DEFAULT_TITLE}")'
            cell.fill = FILL_INPUT
            cell.protection = UNLOCKED
        else:
            cell.value = value
            protect_cell(cell)  # an agency name beginning with = stays text
            cell.fill = FILL_INPUT
            cell.protection = UNLOCKED
        if field == "year":
            dv = DataValidation(
                type="whole",
                operator="between",
                formula1="2008",
                formula2="2100",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="年度不对",
                error="请填写四位数的年度，如 2024。",
            )
            ws.add_data_validation(dv)
            dv.add(cell)
            cell.number_format = "0"
        ws.row_dimensions[r].height = 20
    ws.cell(SECTIONS_TOP - 1, META_LABEL_COL + 1, "正文各部分").font = _font(11, head=True)
    hint = ws.cell(SECTIONS_TOP - 1, META_VALUE_COL + 1, "内容（没有内容的部分可留空，生成报告时写作“无。”）")
    hint.font = _font(10, color="404040")
    ed = edition(edition_key)
    rows = [(PREAMBLE_ROW, PREAMBLE, PREAMBLE_LABEL)]
    rows += [(SECTIONS_TOP + i, s.key, s.heading) for i, s in enumerate(ed.sections)]
    for row, key, label in rows:
        r = row + 1
        ws.merge_cells(start_row=r, start_column=META_VALUE_COL + 1, end_row=r, end_column=width)
        head = ws.cell(r, META_LABEL_COL + 1, label)
        head.font = _font(11, bold=True)
        head.fill = FILL_HEADER
        head.alignment = Alignment(vertical="top", wrap_text=True)
        cell = ws.cell(r, META_VALUE_COL + 1)
        for cc in range(1, width + 1):
            ws.cell(r, cc).border = BORDER
        text = "\n".join(paragraphs(report.sections.get(key))) if report is not None else ""
        cell.value = text or None
        protect_cell(cell)
        cell.font = _font(11)
        cell.fill = FILL_INPUT
        cell.protection = UNLOCKED
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 150 if key not in TEMPLATE_TABLE_SHEETS else 60
    _print_setup(ws)
    _protect(ws)


def _instructions(ws: Worksheet, edition_key: str) -> None:
    ed = edition(edition_key)
    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 100
    title = ws.cell(1, 1, f"{INSTRUCTIONS_TITLE}（{_EDITION_NAMES[edition_key]}格式）")
    title.font = _font(16, head=True)
    ws.row_dimensions[1].height = 30
    steps = [
        f"本工作簿按《政府信息公开工作年度报告格式》（{ed.document}）制作，包括“基本信息”和三张统计表："
        "“二、主动公开”“三、依申请公开”“四、复议诉讼”，表格样式与规定格式相同。",
        "先在“基本信息”中填写发布机关和报告年度，把六个部分的正文粘贴到对应单元格；没有内容的部分可留空，生成报告时写作“无。”。",
        "统计表中浅黄色单元格由您填写：填 0 或正整数；收费金额可带小数（单位：万元）。没有发生的请填 0，"
        "不要留空，也不要填“/”“—”或文字。留空的单元格在生成的报告中为空，检查时会提示。",
        "灰色单元格是公式：各行的“总计”、各列的“（七）总计”、行政复议和行政诉讼的“总计”，会自动计算，不需要填写。",
        "“三、依申请公开”表下方的“勾稽核对”行逐列检查：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理。"
        "显示“不平衡”（红色）时，请核对该列数字。",
        "填好后保存，用命令生成报告（Word、PDF、网页等）：gongkai write 本文件.xlsx --to docx -o 报告.docx"
        "（也可 --to pdf、html、md、txt）。数字不平衡时不会生成，程序会列出问题；确需照样生成可加 --force。",
        "各工作表已设保护（没有密码），只为防止误改公式和表头；确需修改，可在“审阅”中撤销工作表保护。"
        "请不要插入或删除行、列，否则程序无法按位置读取（会改按表格中的文字识别）。",
    ]
    for i, text in enumerate(steps):
        r = 3 + i
        ws.cell(r, 1, f"{i + 1}.").font = _font(11)
        cell = ws.cell(r, 2, text)
        cell.font = _font(11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 1).alignment = Alignment(vertical="top")
        ws.row_dimensions[r].height = 15 * _lines(text, 100) + 6
    legend = 3 + len(steps) + 1
    for j, (fill, text) in enumerate(
        (
            (FILL_INPUT, "浅黄色：由您填写"),
            (FILL_FORMULA, "灰色：自动计算，不用填写"),
            (FILL_HEADER, "浅蓝色：表头"),
        )
    ):
        ws.cell(legend + j, 1).fill = fill
        ws.cell(legend + j, 1).border = BORDER
        ws.cell(legend + j, 2, text).font = _font(11)
    _print_setup(ws)
    _protect(ws)


def build_template(
    edition_key: EditionKey | None = None,
    *,
    year: int | None = None,
    agency: str | None = None,
    report: Report | None = None,
) -> Workbook:
    """The 填报 workbook for an edition (default: the year's, else 2021).

    With ``report``, its meta, prose and the parts of its tables (not the totals, which stay
    formulas) are filled in, as an agency would have typed them.
    """
    key: EditionKey = edition_key or (report.meta.edition if report is not None else edition_for_year(year))
    wb = Workbook()
    sheets = [wb.active, *(wb.create_sheet() for _ in TEMPLATE_SHEETS[1:])]
    for ws, name in zip(sheets, TEMPLATE_SHEETS, strict=True):
        ws.title = name
    _instructions(sheets[0], key)
    _meta_sheet(sheets[TEMPLATE_META_SHEET], key, year, agency, report)
    for g in grids(key):
        _table_sheet(sheets[TEMPLATE_TABLE_SHEETS[g.key]], g, key, report)
    wb.active = TEMPLATE_META_SHEET
    wb.defined_names["gongkai_template"] = DefinedName("gongkai_template", attr_text=f'"{key}"')
    props = wb.properties
    props.title = "政府信息公开工作年度报告填报表"
    props.creator = "gongkai"
    props.subject = f"{_EDITION_NAMES[key]}（{edition(key).document}）"
    props.language = "zh-CN"
    wb.calculation.fullCalcOnLoad = True  # Excel and LibreOffice compute the formulas on opening
    return wb


def write_template(
    edition_key: EditionKey | None = None,
    *,
    year: int | None = None,
    agency: str | None = None,
    report: Report | None = None,
) -> bytes:
    """The 填报 workbook as XLSX bytes."""
    buf = io.BytesIO()
    build_template(edition_key, year=year, agency=agency, report=report).save(buf)
    return buf.getvalue()


__all__ = ["build_template", "formulas", "sheet_position", "write_template"]
