"""PDFs for the PDF reader's tests, made without a PDF library.

- :class:`MiniPdf`: a small PDF writer. Text is drawn with a CID font (Identity-H, code =
  Unicode code point, a ToUnicode map, no embedded glyphs: the text layer is exact, the
  rendering is not our concern), ruling lines and filled rectangles as vector graphics, an
  optional grey image (a "scan"), optional RC4 encryption with a user password (the standard
  security handler, revision 2) and optional zlib compression.
- :func:`report_html`: a report as an HTML page in the official table layout (merged cells,
  narrow group columns so that group labels wrap), for LibreOffice to render into a real PDF.
- :func:`soffice_to_pdf`: HTML files to PDF with LibreOffice in one run.
"""

from __future__ import annotations

import hashlib
import html
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from gongkai.model.keys import edition
from gongkai.model.report import Report

# --- a small PDF writer ------------------------------------------------------------------------

A4 = (595.0, 842.0)
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


@dataclass
class _Page:
    ops: list[str] = field(default_factory=list)
    image: bool = False


@dataclass
class MiniPdf:
    """Pages of text, lines and boxes in top-left coordinates (as pdfplumber reports them)."""

    size: tuple[float, float] = A4
    pages: list[_Page] = field(default_factory=list)
    compress: bool = False
    tounicode: bool = True  # False: no ToUnicode map, the text layer cannot be decoded

    def page(self) -> MiniPdf:
        self.pages.append(_Page())
        return self

    def _y(self, top: float) -> float:
        return self.size[1] - top

    def text(self, x: float, top: float, text: str, size: float = 10.0, spacing: float = 0.0) -> MiniPdf:
        """``text`` with its top at ``top`` (ascent 0.88 em, like the font descriptor says)."""
        codes = "".join(f"{ord(ch):04X}" for ch in text)
        baseline = self._y(top + 0.88 * size)
        tc = f"{spacing:.2f} Tc " if spacing else ""
        self.pages[-1].ops.append(f"BT /F1 {size:.2f} Tf {tc}{x:.2f} {baseline:.2f} Td <{codes}> Tj ET")
        return self

    def hline(self, x0: float, x1: float, y: float, width: float = 0.5, grey: float = 0.0) -> MiniPdf:
        self.pages[-1].ops.append(
            f"{grey:.2f} G {width:.2f} w {x0:.2f} {self._y(y):.2f} m {x1:.2f} {self._y(y):.2f} l S"
        )
        return self

    def vline(self, x: float, y0: float, y1: float, width: float = 0.5, grey: float = 0.0) -> MiniPdf:
        self.pages[-1].ops.append(
            f"{grey:.2f} G {width:.2f} w {x:.2f} {self._y(y0):.2f} m {x:.2f} {self._y(y1):.2f} l S"
        )
        return self

    def fill(self, x0: float, top: float, x1: float, bottom: float, grey: float = 0.0) -> MiniPdf:
        """A filled rectangle (``grey`` 1.0 is white: invisible on paper)."""
        self.pages[-1].ops.append(
            f"{grey:.2f} g {x0:.2f} {self._y(bottom):.2f} {x1 - x0:.2f} {bottom - top:.2f} re f 0 g"
        )
        return self

    def grid(self, xs: list[float], ys: list[float]) -> MiniPdf:
        """Every horizontal and vertical rule of a plain grid."""
        for y in ys:
            self.hline(xs[0], xs[-1], y)
        for x in xs:
            self.vline(x, ys[0], ys[-1])
        return self

    def scan(self) -> MiniPdf:
        """A full-page grey image and no text: what a scanner produces."""
        self.pages[-1].image = True
        return self

    def raw(self, op: str) -> MiniPdf:
        self.pages[-1].ops.append(op)
        return self

    def build(self, password: str | None = None, *, shared_content: bool = False) -> bytes:
        """The PDF file. ``password``: encrypt (RC4, 40 bits) so that it is needed to open it.
        ``shared_content``: all pages share the first page's content stream (huge page counts)."""
        file_id = hashlib.md5(repr(self.pages).encode()).digest()
        key = None
        o_entry = u_entry = b""
        perms = -4
        if password is not None:
            user = (password.encode("latin-1") + _PAD)[:32]
            owner_key = hashlib.md5(user).digest()[:5]
            o_entry = _rc4(owner_key, user)
            key = hashlib.md5(user + o_entry + perms.to_bytes(4, "little", signed=True) + file_id).digest()[
                :5
            ]
            u_entry = _rc4(key, _PAD)

        objs: dict[int, bytes] = {}
        streams: dict[int, bytes] = {}
        n_pages = len(self.pages)
        catalog, pages_id, font_id, cid_id, desc_id, tounicode_id, image_id = 1, 2, 3, 4, 5, 6, 7
        first_page = 8
        chars = sorted({ord(ch) for p in self.pages for op in p.ops for ch in _decoded(op)} | {0x20})
        objs[catalog] = b"<< /Type /Catalog /Pages 2 0 R >>"
        kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
        objs[pages_id] = f"<< /Type /Pages /Count {n_pages} /Kids [{kids}] >>".encode()
        objs[font_id] = (
            b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
            b"/DescendantFonts [4 0 R]" + (b" /ToUnicode 6 0 R" if self.tounicode else b"") + b" >>"
        )
        widths = " ".join(f"{c} [{500 if c < 0x2E80 else 1000}]" for c in chars)
        objs[cid_id] = (
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/FontDescriptor 5 0 R /DW 1000 /W [" + widths.encode() + b"] >>"
        )
        objs[desc_id] = (
            b"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [0 -120 1000 880] "
            b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
        )
        cmap = _tounicode(chars)
        streams[tounicode_id] = cmap
        streams[image_id] = bytes([200]) * (64 * 64)
        for i, p in enumerate(self.pages):
            page_id, content_id = first_page + 2 * i, first_page + 2 * i + 1
            if shared_content and i:
                content_id = first_page + 1
            res = "/Font << /F1 3 0 R >>" + (" /XObject << /Im1 7 0 R >>" if p.image else "")
            objs[page_id] = (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {self.size[0]:.0f} {self.size[1]:.0f}] "
                f"/Resources << {res} >> /Contents {content_id} 0 R >>"
            ).encode()
            if shared_content and i:
                continue
            ops = list(p.ops)
            if p.image:
                ops.insert(0, f"q {self.size[0]:.0f} 0 0 {self.size[1]:.0f} 0 0 cm /Im1 Do Q")
            streams[content_id] = "\n".join(ops).encode()

        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets: dict[int, int] = {}
        top = max([*objs, *streams])
        for num in range(1, top + 1):
            if num not in objs and num not in streams:
                continue
            offsets[num] = len(out)
            out += f"{num} 0 obj\n".encode()
            if num in streams:
                data = streams[num]
                extra = b""
                if num == image_id:
                    extra = b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 "
                if self.compress:
                    data = zlib.compress(data)
                    extra += b"/Filter /FlateDecode "
                if key is not None:
                    data = _rc4(_object_key(key, num), data)
                out += b"<< " + extra + f"/Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
            else:
                out += objs[num]
            out += b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {top + 1}\n0000000000 65535 f \n".encode()
        for num in range(1, top + 1):
            if num in offsets:
                out += f"{offsets[num]:010d} 00000 n \n".encode()
            else:
                out += b"0000000000 65535 f \n"
        enc = ""
        if key is not None:
            enc = (
                f"/Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /P {perms} "
                f"/O <{o_entry.hex()}> /U <{u_entry.hex()}> >> "
            )
        out += (
            f"trailer\n<< /Size {top + 1} /Root 1 0 R {enc}/ID [<{file_id.hex()}> <{file_id.hex()}>] >>\n"
            f"startxref\n{xref}\n%%EOF\n"
        ).encode()
        return bytes(out)


def _object_key(key: bytes, num: int, gen: int = 0) -> bytes:
    return hashlib.md5(key + num.to_bytes(3, "little") + gen.to_bytes(2, "little")).digest()[: len(key) + 5]


def _decoded(op: str) -> str:
    if "<" not in op or "Tj" not in op:
        return ""
    codes = op[op.index("<") + 1 : op.index(">")]
    return "".join(chr(int(codes[i : i + 4], 16)) for i in range(0, len(codes), 4))


def _tounicode(chars: list[int]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for i in range(0, len(chars), 100):
        chunk = chars[i : i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{c:04X}> <{c:04X}>" for c in chunk]
        lines.append("endbfchar")
    lines += ["endcmap CMapName currentdict /CMap defineresource pop end end"]
    return "\n".join(lines).encode()


# --- the official tables as grids ---------------------------------------------------------------


@dataclass
class TCell:
    text: str
    cols: int = 1
    rows: int = 1
    number: bool = False


TRow = list[TCell]
REQUEST_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPEAL_HEADS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def _v(report: Report, address: str) -> TCell:
    cell = report.cell(address)
    if cell.raw:
        return TCell(cell.raw, number=True)
    v = cell.value
    return TCell(format(v, "f") if isinstance(v, Decimal) else ("" if v is None else str(v)), number=True)


def active_grid(report: Report) -> list[TRow]:
    """第二十条 sub-tables: a group row, a header row and data rows; 4 grid columns."""
    spec = edition(report.meta.edition).table("active_disclosure")
    rows: list[TRow] = []
    done: set[str] = set()
    for row in spec.rows:
        if row.group not in done:
            done.add(row.group)
            rows.append([TCell(row.group, cols=4)])
            heads = [c.label for c in row.columns]
            rows.append(
                [TCell("信息内容"), *[TCell(h) for h in heads[:-1]], TCell(heads[-1], cols=4 - len(heads))]
            )
        vals = [_v(report, f"active_disclosure.{row.key}.{c.key}") for c in row.columns]
        vals[-1].cols = 4 - len(vals)
        rows.append([TCell(row.label), *vals])
    return rows


def requests_grid(report: Report) -> list[TRow]:
    """The requests table: 3 label columns (outcome, group, item) and 7 number columns."""
    spec = edition(report.meta.edition).table("requests")
    cols = [c.key for c in spec.rows[0].columns]
    rows: list[TRow] = [
        [TCell(REQUEST_NOTE, rows=3, cols=3), TCell("申请人情况", cols=7)],
        [TCell("自然人", rows=2), TCell("法人或其他组织", cols=5), TCell("总计", rows=2)],
        [TCell(h) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    inside = [r for r in spec.rows if r.group or r.key in ("total_processed", "other_handling")]
    groups: dict[str, int] = {}
    for r in spec.rows:
        if r.group and r.group != "三、本年度办理结果":
            groups[r.group] = groups.get(r.group, 0) + 1
    seen: set[str] = set()
    for r in spec.rows:
        tds: TRow = []
        if r not in inside:
            tds.append(TCell(r.label, cols=3))
        else:
            if r.key == "granted":
                tds.append(TCell("三、本年度办理结果", rows=len(inside)))
            if r.group and r.group != "三、本年度办理结果":
                if r.group not in seen:
                    seen.add(r.group)
                    tds.append(TCell(r.group, rows=groups[r.group]))
                tds.append(TCell(r.label))
            else:
                tds.append(TCell(r.label, cols=2))
        tds += [_v(report, f"requests.{r.key}.{c}") for c in cols]
        rows.append(tds)
    return rows


def appeals_grid(report: Report) -> list[TRow]:
    spec = edition(report.meta.edition).table("appeals")
    return [
        [TCell("行政复议", cols=5), TCell("行政诉讼", cols=10)],
        [
            *[TCell(h, rows=2) for h in APPEAL_HEADS],
            TCell("未经复议直接起诉", cols=5),
            TCell("复议后起诉", cols=5),
        ],
        [TCell(h) for h in APPEAL_HEADS * 2],
        [_v(report, f"appeals.{r.key}.{c.key}") for r in spec.rows for c in r.columns],
    ]


GRIDS = {"active_disclosure": active_grid, "requests": requests_grid, "appeals": appeals_grid}
HEADER_ROWS = {"active_disclosure": 0, "requests": 3, "appeals": 3}


# --- a report as HTML, for LibreOffice ---------------------------------------------------------


def _html_rows(rows: list[TRow]) -> str:
    out = []
    for row in rows:
        tds = []
        for c in row:
            attrs = (f' rowspan="{c.rows}"' if c.rows > 1 else "") + (
                f' colspan="{c.cols}"' if c.cols > 1 else ""
            )
            tds.append(f"<td{attrs}>{html.escape(c.text)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    return "\n".join(out)


def report_html(report: Report, *, ruled: bool = True, narrow: bool = False, font_pt: float = 10.5) -> str:
    """``report`` as a web page in the official layout; ``ruled``: tables with borders;
    ``narrow``: narrow group-label columns, so that group labels wrap over several lines."""
    spec = edition(report.meta.edition)
    border = (
        ' border="1" cellspacing="0" cellpadding="3"'
        if ruled
        else ' border="0" cellspacing="0" cellpadding="4"'
    )
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8">',
        f"<style>body{{font-family:'Noto Serif CJK SC';font-size:{font_pt}pt}} td{{font-size:{font_pt - 1.5}pt}}</style>",
        # LibreOffice 7.4's HTML import starts with a blank page and loses the body's first
        # paragraph: give it an empty one
        f'</head><body><p>&nbsp;</p><p style="font-size:16pt"><b>{html.escape(report.meta.title or "")}</b></p>',
    ]
    for s in spec.sections:
        parts.append(f"<h2>{html.escape(s.heading)}</h2>")
        if s.key in GRIDS:
            cols = ""
            if s.key == "requests":
                w1, w2 = (4, 7) if narrow else (8, 14)
                cols = "".join(f'<col width="{w}%">' for w in (w1, w2, 51 - w1 - w2, *[7] * 7))
            parts.append(f'<table width="100%"{border}>{cols}\n{_html_rows(GRIDS[s.key](report))}\n</table>')
        else:
            for para in (report.sections.get(s.key) or "").splitlines():
                if para.strip():
                    parts.append(f"<p>{html.escape(para)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_to_pdf(files: dict[str, str], out_dir: Path, timeout: float = 240) -> dict[str, bytes]:
    """Render ``{name: html}`` to PDF with LibreOffice in one run; ``{name: pdf bytes}``."""
    exe = soffice()
    assert exe, "LibreOffice is not installed"
    src = out_dir / "html"
    src.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        p = src / f"{name}.html"
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf:writer_web_pdf_Export",
                "--outdir",
                str(out_dir),
                *paths,
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    return {name: (out_dir / f"{name}.pdf").read_bytes() for name in files}


# --- a report laid out by MiniPdf (fast, no LibreOffice) ----------------------------------------


@dataclass
class Look:
    """How :func:`render_report` lays a report out."""

    ruled: bool = True  # tables with ruling lines
    narrow: bool = False  # narrow group-label columns: group labels wrap, one or two characters a line
    repeat_header: bool = False  # a table continued on a new page repeats its header rows
    open_break: bool = False  # a table cut by a page break has no rule at the cut (as WPS prints)
    font: float = 9.0  # table text
    body: float = 12.0  # prose
    page_height: float = 842.0  # shorter pages: more page breaks
    white_boxes: bool = True  # invisible white rectangles behind prose lines (WPS does this)
    page_numbers: bool = True  # "- N -" at the foot of every page
    number_width: float = 0.0  # width of the requests table's number columns (0: 32, 38 unruled)
    watermark: bool = False  # a big grey "内部资料" turned 45° across every page


LEFT, WIDTH, TOP_MARGIN, BOTTOM_MARGIN = 60.0, 475.0, 60.0, 60.0
PAD = 3.0


def _widths(key: str, look: Look) -> list[float]:
    if key == "active_disclosure":
        return [130.0, 115.0, 115.0, 115.0]
    if key == "requests":
        first = [14.0, 26.0] if look.narrow else [40.0, 70.0]
        number = look.number_width or (32.0 if look.ruled else 38.0)
        return [*first, WIDTH - sum(first) - 7 * number, *[number] * 7]
    return [WIDTH / 15] * 15


def char_width(ch: str, size: float) -> float:
    return size * (0.5 if ord(ch) < 0x2E80 else 1.0)


def wrap(text: str, width: float, size: float) -> list[str]:
    lines, line, w = [], "", 0.0
    for ch in text:
        cw = char_width(ch, size)
        if line and w + cw > width:
            lines.append(line)
            line, w = "", 0.0
        line += ch
        w += cw
    if line:
        lines.append(line)
    return lines or [""]


@dataclass
class _Placed:
    cell: TCell
    row: int
    col: int


def _place(rows: list[TRow]) -> list[_Placed]:
    """Cells at their grid positions, by the HTML table model."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append(_Placed(cell, r, c))
            for dr in range(cell.rows):
                for dc in range(cell.cols):
                    taken.add((r + dr, c + dc))
            c += cell.cols
    return out


class _Writer:
    def __init__(self, look: Look) -> None:
        self.look = look
        self.pdf = MiniPdf(size=(595.0, look.page_height))
        self.y = 0.0
        self.new_page()

    @property
    def bottom(self) -> float:
        return self.look.page_height - BOTTOM_MARGIN

    def new_page(self) -> None:
        self.pdf.page()
        n = len(self.pdf.pages)
        if self.look.watermark:
            codes = "".join(f"{ord(ch):04X}" for ch in "内部资料")
            self.pdf.raw(f"0.8 g BT /F1 60 Tf 0.7071 0.7071 -0.7071 0.7071 150 250 Tm <{codes}> Tj ET 0 g")
        if self.look.page_numbers:
            label = f"- {n} -"
            self.pdf.text(297.0 - len(label) * 2.5, self.look.page_height - 40.0, label, 10.0)
        self.y = TOP_MARGIN

    def lines(self, text: str, size: float, indent: float = 0.0) -> None:
        lh = size * 1.5
        for ln in wrap(text, WIDTH - indent, size):
            if self.y + lh > self.bottom:
                self.new_page()
            if self.look.white_boxes:
                self.pdf.fill(LEFT - 1, self.y - 2, LEFT + WIDTH + 1, self.y + lh - 2, grey=1.0)
            self.pdf.text(LEFT + indent, self.y, ln, size)
            self.y += lh

    def table(self, key: str, rows: list[TRow]) -> None:
        look, size = self.look, self.look.font
        lh = size * 1.3
        widths = _widths(key, look)
        xs = [LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        placed = _place(rows)
        text_lines = {
            id(p): wrap(p.cell.text, xs[p.col + p.cell.cols] - xs[p.col] - 2 * PAD, size) for p in placed
        }
        heights = [lh + 2 * PAD] * len(rows)
        for p in placed:
            if p.cell.rows == 1:
                heights[p.row] = max(heights[p.row], len(text_lines[id(p)]) * lh + 2 * PAD)
        for p in placed:
            if p.cell.rows > 1:
                need = len(text_lines[id(p)]) * lh + 2 * PAD
                have = sum(heights[p.row : p.row + p.cell.rows])
                if need > have:
                    heights[p.row + p.cell.rows - 1] += need - have
        # paginate: (page, top) of every row, header rows repeated after a break
        header = HEADER_ROWS[key] if look.repeat_header else 0
        slots: list[tuple[int, int, float]] = []  # (row, page, top); a row repeated has several
        self.y += 4
        r = 0
        while r < len(rows):
            if self.y + heights[r] > self.bottom and slots and slots[-1][1] == len(self.pdf.pages):
                self.new_page()
                for h in range(header if r >= header else 0):
                    slots.append((h, len(self.pdf.pages), self.y))
                    self.y += heights[h]
            slots.append((r, len(self.pdf.pages), self.y))
            self.y += heights[r]
            r += 1
        self.y += 8
        first_slot: dict[int, int] = {}
        for i, (row, _, _) in enumerate(slots):
            first_slot.setdefault(row, i)
        # cell parts: consecutive slots of the cell's rows on one page
        for p in placed:
            idx = [
                i
                for i, (row, _, _) in enumerate(slots)
                if p.row <= row < p.row + p.cell.rows and (i >= first_slot[p.row] or p.row < header)
            ]
            if p.row < header:  # header cells: every copy of the header is drawn
                idx = [i for i, (row, _, _) in enumerate(slots) if p.row <= row < p.row + p.cell.rows]
            parts: list[list[int]] = []
            for i in idx:
                if parts and parts[-1][-1] == i - 1 and slots[i][1] == slots[i - 1][1]:
                    parts[-1].append(i)
                else:
                    parts.append([i])
            todo = list(text_lines[id(p)])
            for part in parts:
                page = slots[part[0]][1]
                top = slots[part[0]][2]
                bottom = slots[part[-1]][2] + heights[slots[part[-1]][0]]
                x0, x1 = xs[p.col], xs[p.col + p.cell.cols]
                room = max(1, int((bottom - top - 2 * PAD) / lh + 1e-6))
                if p.row < header and part is not parts[0]:
                    shown = list(text_lines[id(p)])
                else:
                    shown, todo = todo[:room], todo[room:]
                self._cell(page, x0, top, x1, bottom, shown, p.cell.number, slots, part)

    def _cell(
        self,
        page: int,
        x0: float,
        top: float,
        x1: float,
        bottom: float,
        lines: list[str],
        number: bool,
        slots: list[tuple[int, int, float]],
        part: list[int],
    ) -> None:
        look, size = self.look, self.look.font
        lh = size * 1.3
        pdf_page = self.pdf.pages[page - 1]
        saved = self.pdf.pages
        self.pdf.pages = [*saved[: page - 1], pdf_page]  # draw on that page
        try:
            if look.ruled:
                cut_above = part[0] > 0 and slots[part[0] - 1][1] != page
                cut_below = part[-1] + 1 < len(slots) and slots[part[-1] + 1][1] != page
                if not (look.open_break and cut_above):
                    self.pdf.hline(x0, x1, top)
                if not (look.open_break and cut_below):
                    self.pdf.hline(x0, x1, bottom)
                self.pdf.vline(x0, top, bottom)
                self.pdf.vline(x1, top, bottom)
            block = len(lines) * lh
            y = top + max(PAD, (bottom - top - block) / 2)
            for ln in lines:
                if not ln:
                    continue
                w = sum(char_width(ch, size) for ch in ln)
                x = x0 + (x1 - x0 - w) / 2 if number else x0 + PAD
                self.pdf.text(x, y, ln, size)
                y += lh
        finally:
            self.pdf.pages = saved


def render_report(
    report: Report, look: Look | None = None, *, password: str | None = None, compress: bool = False
) -> bytes:
    """``report`` as a PDF drawn by :class:`MiniPdf` in the official layout (``password``:
    encrypted, see :meth:`MiniPdf.build`)."""
    look = look or Look()
    w = _Writer(look)
    spec = edition(report.meta.edition)
    w.lines(report.meta.title or "", 16.0, indent=40.0)
    w.y += 10
    for s in spec.sections:
        w.lines(s.heading, look.body)
        if s.key in GRIDS:
            w.table(s.key, GRIDS[s.key](report))
        else:
            for para in (report.sections.get(s.key) or "").splitlines():
                if para.strip():
                    w.lines(para, look.body, indent=0.0)
    w.pdf.compress = compress
    return w.pdf.build(password)
