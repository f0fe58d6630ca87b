"""A report as printed: headings, paragraphs and the three tables as grids of cells.

This is the layout-neutral middle step between a generated :class:`Report` and its text:
the tables are laid out the way the official forms print them (group labels in merged
cells, the three-line header of the requests table, the appeals table as one row of 15
numbers, active disclosure as the four or five 第二十条 sub-tables), and every printed number
keeps the cell addresses it shows, so that damage applied to it is known exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from gongkai.model.keys import edition
from gongkai.model.report import Report

# A label slot with no text of its own: the continuation of a cell merged over rows (``CONT``)
# or over columns (``SPAN``). Layouts print them as empty cells or leave them out.
CONT = "\x00cont"
SPAN = "\x00span"

# "text": a line of text printed between the rows of a table (labels a PDF converter moved out
# of their rows); its one label slot holds the line, printed as is by every layout.
RowKind = Literal["data", "header", "group", "stray", "text"]


@dataclass
class PRow:
    labels: list[str]  # label cells, left to right; may hold CONT / SPAN placeholders
    cells: list[str] = field(default_factory=list)  # printed value cells ("" = a blank cell)
    # The addresses each printed cell shows: one for a plain cell, several for digits run
    # together, none for a stray or repeated number.
    addresses: list[tuple[str, ...]] = field(default_factory=list)
    kind: RowKind = "data"
    key: str = ""  # "table.row" for data rows
    # A cell was lost in extraction (damage): the row prints fewer cells, and a layout that
    # pads rows to the table's width (a grid copy, where no cell can be lost) does not pad it.
    lost: bool = False

    @property
    def label(self) -> str:
        """The row's own label: the last label slot with text."""
        for s in reversed(self.labels):
            if s not in (CONT, SPAN) and s:
                return s
        return ""


@dataclass
class PTable:
    key: str  # "active_disclosure", "requests" or "appeals"
    rows: list[PRow]
    width: int  # columns of the printed grid


@dataclass
class Heading:
    level: int  # 0 title, 1 section (一、总体情况), 2 sub-heading ((一)…)
    text: str


@dataclass
class Para:
    text: str


Block = Heading | Para | PTable


@dataclass
class Document:
    blocks: list[Block]
    edition: str
    year: int | None = None

    def tables(self) -> list[PTable]:
        return [b for b in self.blocks if isinstance(b, PTable)]

    def table(self, key: str) -> PTable:
        for t in self.tables():
            if t.key == key:
                return t
        raise KeyError(key)

    def data_rows(self, table: str | None = None) -> list[PRow]:
        return [r for t in self.tables() if table in (None, t.key) for r in t.rows if r.kind == "data"]


# --- labels --------------------------------------------------------------------------------

SECTION_HEADINGS = {
    "overview": ("一、总体情况",),
    "active_disclosure": (
        "二、主动公开政府信息情况",
        "二、主动公开政府信息情况",
        "二、行政机关主动公开政府信息情况",
    ),
    "requests": ("三、收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开申请情况"),
    "appeals": (
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    ),
    "problems": ("五、存在的主要问题及改进情况", "五、存在的主要问题及改进情况"),
    "other_matters": ("六、其他需要报告的事项",),
}


@dataclass(frozen=True)
class LabelStyle:
    """How a document writes its labels: full- or half-width brackets and commas, spaces after them."""

    open: str = "（"
    close: str = "）"
    space: str = ""
    comma: str = "，"
    colon: str = "："

    def fix(self, label: str) -> str:
        out = label.replace("（", self.open).replace("）", self.close)
        if out.startswith(self.open) and self.space:  # "(一) 予以公开"
            end = out.index(self.close) + 1
            out = out[:end] + self.space + out[end:]
        return out.replace("，", self.comma).replace("：", self.colon).strip()


def random_style(rng: random.Random) -> LabelStyle:
    o, c = rng.choice((("（", "）"), ("(", ")"), ("(", ")")))
    comma, colon = rng.choice((("，", "："), ("，", "："), (",", ":"), (", ", ": ")))
    return LabelStyle(o, c, rng.choice(("", "", " ")), comma, colon)


REQUEST_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _requests_table(report: Report, style: LabelStyle) -> PTable:
    spec = edition(report.meta.edition).table("requests")
    cols = [c.key for c in spec.rows[0].columns]
    rows: list[PRow] = [
        PRow([style.fix(REQUEST_NOTE), "申请人情况", "", "", "", "", "", "", ""], kind="header"),
        PRow(["", "自然人", "法人或其他组织", "", "", "", "", "总计"], kind="header"),
        PRow(["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""], kind="header"),
    ]
    seen_groups: set[str] = set()
    for row in spec.rows:
        if row.key in ("new_received", "carried_over", "carried_forward"):
            labels = [row.label, SPAN, SPAN]
        else:
            a = "三、本年度办理结果" if row.key == "granted" else CONT
            if row.group and row.group != "三、本年度办理结果":
                b = CONT if row.group in seen_groups else style.fix(row.group)
                seen_groups.add(row.group)
                labels = [a, b, style.fix(row.label)]
            else:
                labels = [a, style.fix(row.label), SPAN]
        values = [report.tables["requests"][row.key][c] for c in cols]
        rows.append(
            PRow(
                labels,
                [v.raw for v in values],
                [(f"requests.{row.key}.{c}",) for c in cols],
                key=f"requests.{row.key}",
            )
        )
    return PTable("requests", rows, 10)


APPEAL_HEADS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def _appeals_table(report: Report) -> PTable:
    spec = edition(report.meta.edition).table("appeals")
    blank5 = ["", "", "", ""]
    rows = [
        PRow(["行政复议", *blank5, "行政诉讼", *blank5, *blank5, ""], kind="header"),
        PRow([*APPEAL_HEADS, "未经复议直接起诉", *blank5, "复议后起诉", *blank5], kind="header"),
        PRow(["", *blank5, *APPEAL_HEADS, *APPEAL_HEADS], kind="header"),
    ]
    cells: list[str] = []
    addresses: list[tuple[str, ...]] = []
    for row in spec.rows:
        for col in row.columns:
            cells.append(report.tables["appeals"][row.key][col.key].raw)
            addresses.append((f"appeals.{row.key}.{col.key}",))
    rows.append(PRow([], cells, addresses, key="appeals"))
    return PTable("appeals", rows, 15)


_ACTIVE_HEADS = {
    "2021": {
        "第二十条第（一）项": ("本年制发件数", "本年废止件数", "现行有效件数"),
        "第二十条第（五）项": ("本年处理决定数量",),
        "第二十条第（六）项": ("本年处理决定数量",),
        "第二十条第（八）项": ("本年收费金额（单位：万元，保留4位小数）",),
    },
    "2019": {
        "第二十条第（一）项": ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
        "第二十条第（五）项": ("上一年项目数量", "本年增/减", "处理决定数量"),
        "第二十条第（六）项": ("上一年项目数量", "本年增/减", "处理决定数量"),
        "第二十条第（八）项": ("上一年项目数量", "本年增/减"),
        "第二十条第（九）项": ("采购项目数量", "采购总金额"),
    },
}


def _active_table(report: Report, style: LabelStyle, rng: random.Random) -> PTable:
    ed = report.meta.edition
    spec = edition(ed).table("active_disclosure")
    heads = dict(_ACTIVE_HEADS[ed])
    if ed == "2021" and rng.random() < 0.4:
        heads["第二十条第（八）项"] = ("本年收费金额（单位：万元）",)
    rows: list[PRow] = []
    done: set[str] = set()
    for row in spec.rows:
        if row.group not in done:
            done.add(row.group)
            rows.append(PRow([style.fix(row.group), "", "", ""], kind="group"))
            h = [style.fix(x) for x in heads[row.group]]
            rows.append(PRow(["信息内容", *h, *[""] * (3 - len(h))], kind="header"))
        vals = [report.tables["active_disclosure"][row.key][c.key].raw for c in row.columns]
        rows.append(
            PRow(
                [row.label],
                vals,
                [(f"active_disclosure.{row.key}.{c.key}",) for c in row.columns],
                key=f"active_disclosure.{row.key}",
            )
        )
    return PTable("active_disclosure", rows, 4)


def _prose_blocks(text: str | None) -> list[Block]:
    out: list[Block] = []
    for line in (text or "").splitlines():
        if line.startswith("（") and len(line) < 20:
            out.append(Heading(2, line))
        elif line:
            out.append(Para(line))
    return out


_PREAMBLE = (
    "本报告根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发"
    "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{doc}）要求编制。本报告中所列数据的统计期限"
    "自{y}年1月1日起至{y}年12月31日止。如对本报告有疑问，请与{a}联系。"
)


def print_report(report: Report, rng: random.Random) -> Document:
    """The printed form of a report, with the cosmetic choices a real one makes drawn from ``rng``."""
    style = random_style(rng)
    ed = edition(report.meta.edition)
    blocks: list[Block] = [Heading(0, report.meta.title or "")]
    if rng.random() < 0.5:
        blocks.append(Para(_PREAMBLE.format(doc=ed.document, y=report.meta.year, a=report.meta.agency)))
    for section in ed.sections:
        blocks.append(Heading(1, rng.choice(SECTION_HEADINGS[section.key])))
        if section.key == "active_disclosure":
            blocks.append(_active_table(report, style, rng))
        elif section.key == "requests":
            blocks.append(_requests_table(report, style))
        elif section.key == "appeals":
            blocks.append(_appeals_table(report))
        else:
            blocks.extend(_prose_blocks(report.sections.get(section.key)))
    return Document(blocks, report.meta.edition, report.meta.year)
