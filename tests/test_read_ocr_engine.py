"""OCR reader end to end on one small drawn page (recognition is slow: few pages here; the
scanned corpus and its degradations are in bench/bench_ocr.py)."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from PIL import Image

from gongkai import api
from gongkai.model.report import ImageAt, Report, Status
from gongkai.read.ocr import ocr_settings
from gongkai.schema import load_schema
from gongkai.synth.scan import cjk_font_path, degrade, draw_table, images_to_pdf

pytestmark = pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font (fonts-noto-cjk)")

ROWS = [
    ["第二十条第（一）项"],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "4", "/", "1"],
    ["行政规范性文件", "41", "5", "44"],
    ["第二十条第（五）项"],
    ["信息内容", "本年处理决定数量"],
    ["行政许可", "120"],
    ["第二十条第（六）项"],
    ["信息内容", "本年处理决定数量"],
    ["行政处罚", "21"],
    ["行政强制", "l"],
    ["第二十条第（八）项"],
    ["信息内容", "本年收费金额（单位：万元）"],
    ["行政事业性收费", "239.42"],
]
SPANS = {(r, 0): 4 for r in (0, 4, 7, 11)} | {(r, 1): 3 for r in (5, 6, 8, 9, 10, 12, 13)}
TRUTH: dict[str, Any] = {
    "active_disclosure.rules.issued": 4,
    "active_disclosure.normative_documents.issued": 41,
    "active_disclosure.normative_documents.repealed": 5,
    "active_disclosure.normative_documents.in_force": 44,
    "active_disclosure.licensing.decisions": 120,
    "active_disclosure.penalty.decisions": 21,
    "active_disclosure.fees.amount": Decimal("239.42"),
}
LOOK_ALIKES = (
    "active_disclosure.rules.repealed",
    "active_disclosure.rules.in_force",
    "active_disclosure.coercion.decisions",
)


def page() -> Image.Image:
    return draw_table(
        ROWS, [300, 220, 220, 220], heading="二、主动公开政府信息情况", spans=SPANS, size=26, row_height=50
    )


def png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    """No socket may connect while OCR runs: a model fetched at run time fails the tests."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during OCR")

    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", refuse)
    mp.setattr(socket.socket, "connect_ex", refuse)
    mp.setattr(socket, "create_connection", refuse)
    yield
    mp.undo()


@pytest.fixture(scope="module")
def clean(offline: None) -> Report:
    return api.parse_bytes(png(page()), "表.png")


def assert_never_wrong(report: Report) -> int:
    """No stated cell differs from the truth; look-alikes are never read. Returns how many of the
    truth's cells were stated."""
    stated = 0
    for address, cell in report.cells():
        if address in LOOK_ALIKES:
            assert cell.status != Status.READ, address
            assert cell.status != Status.INFERRED or cell.value in (0, 1)
        if cell.known:
            assert address in TRUTH and cell.value == TRUTH[address], (address, cell)
            stated += 1
    return stated


def test_clean_page(clean: Report) -> None:
    assert clean.source.format == "image"
    assert assert_never_wrong(clean) == len(TRUTH)
    for address in LOOK_ALIKES:
        c = clean.cell(address)
        assert c.status == Status.AMBIGUOUS and c.candidates == [0, 1], (address, c)
    w, h = page().size
    for address in TRUTH:
        at = clean.cell(address).at
        assert isinstance(at, ImageAt) and at.page == 1 and 0.9 <= at.score <= 1.0
        x0, y0, x1, y1 = at.bbox
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
    # the licensing cell spans three columns: its box is the merged cell
    x0, _, x1, _ = clean.cell("active_disclosure.licensing.decisions").at.bbox  # type: ignore[union-attr]
    assert x1 - x0 > 600


def test_json_carries_the_score(clean: Report) -> None:
    data = clean.to_json_dict()
    jsonschema.validate(data, load_schema())
    at = data["tables"]["active_disclosure"]["rules"]["issued"]["at"]
    assert set(at) == {"page", "bbox", "score"}
    assert (
        Report.from_json_dict(data).cell("active_disclosure.rules.issued").at
        == clean.cell("active_disclosure.rules.issued").at
    )


@pytest.mark.parametrize("kind", ["turn180", "stamp"])
def test_degraded_page_is_never_wrong(offline: None, kind: str) -> None:
    report = api.read_bytes(png(degrade(page(), kind, seed=2)), f"{kind}.png")
    assert assert_never_wrong(report) >= len(TRUTH) - 2


def test_scanned_pdf_with_progress_in_parallel(offline: None) -> None:
    pdf = images_to_pdf([page(), Image.new("RGB", page().size, "white")], dpi=150)
    seen: list[tuple[int, int]] = []
    with ocr_settings(enabled=True, jobs=2, progress=lambda d, n: seen.append((d, n))):
        report = api.read_bytes(pdf, "扫描件.pdf")
    assert seen == [(1, 2), (2, 2)]
    assert report.source.format == "pdf"
    assert assert_never_wrong(report) == len(TRUTH)


def word_file_with_a_table_picture(path: Path) -> Path:
    import docx
    from docx.shared import Cm

    (path.parent / "t.png").write_bytes(png(page()))
    d = docx.Document()
    for text in (
        "江州市交通运输局2023年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度依法做好政府信息公开工作。",
    ):
        d.add_paragraph(text)
    d.add_picture(str(path.parent / "t.png"), width=Cm(15))
    d.save(str(path))
    return path


def test_word_file_whose_table_is_a_picture(offline: None, tmp_path: Path) -> None:
    data = word_file_with_a_table_picture(tmp_path / "m.docx").read_bytes()
    assert not any(c.known for _, c in api.read_bytes(data, "m.docx").cells())  # OCR off: nothing
    with ocr_settings(enabled=True):
        report = api.read_bytes(data, "m.docx")
    assert report.meta.agency == "江州市交通运输局" and report.source.format == "docx"
    assert assert_never_wrong(report) == len(TRUTH)
    at = report.cell("active_disclosure.rules.issued").at
    assert isinstance(at, ImageAt) and at.page == 1  # the first picture


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_pdf_whose_table_is_a_picture_beside_text(offline: None, tmp_path: Path) -> None:
    docx_path = word_file_with_a_table_picture(tmp_path / "m.docx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (tmp_path / "m.pdf").read_bytes()
    assert not any(c.known for _, c in api.read_bytes(data, "m.pdf").cells())  # OCR off: nothing
    with ocr_settings(enabled=True):
        report = api.read_bytes(data, "m.pdf")
    assert report.meta.agency == "江州市交通运输局"
    assert assert_never_wrong(report) == len(TRUTH)


def web_page_with_a_table_picture(folder: Path, src: str) -> Path:
    """A page saved by a browser ("save page as"): the text in the HTML, the table a picture in
    the page's _files folder, in its place between two headings."""
    (folder / "报告_files").mkdir()
    (folder / "报告_files" / "image001.png").write_bytes(png(page()))
    html = (
        "<html><head><meta charset='utf-8'><title>江州市交通运输局2023年政府信息公开工作年度报告</title></head>"
        "<body><div class='nav'><img src='报告_files/logo.png'></div>"
        "<h1>江州市交通运输局2023年政府信息公开工作年度报告</h1><p>一、总体情况</p>"
        "<p>本年度依法做好政府信息公开工作。</p><p>二、主动公开政府信息情况</p>"
        f'<p><img src="{src}" width=600></p><p>三、收到和处理政府信息公开申请情况</p><p>见下表。</p>'
        "</body></html>"
    )
    path = folder / "报告.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_web_page_whose_table_is_a_picture_saved_beside_it(offline: None, tmp_path: Path) -> None:
    path = web_page_with_a_table_picture(tmp_path, "%E6%8A%A5%E5%91%8A_files/image001.png")
    with ocr_settings(enabled=True):
        alone = api.read_bytes(path.read_bytes(), path.name)  # the bytes alone: no folder, no picture
        report = api.parse_path(path)
    assert not any(c.known for _, c in alone.cells())
    assert report.meta.agency == "江州市交通运输局" and report.source.format == "html"
    # the picture is read in its place under 二 (after the page's text, under 三, its table
    # would not be found) and the logo in the navigation bar is passed over
    assert assert_never_wrong(report) == len(TRUTH)
    at = report.cell("active_disclosure.rules.issued").at
    assert isinstance(at, ImageAt) and at.page == 1
    assert not any(c.known for _, c in api.parse_path(path).cells())  # OCR not switched on


def test_web_page_with_an_inline_picture(offline: None) -> None:
    import base64

    src = "data:image/png;base64," + base64.b64encode(png(page())).decode()
    html = (
        "<html><body><p>江州市交通运输局2023年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p>"
        f"<img src='{src}'></body></html>"
    ).encode()
    with ocr_settings(enabled=True):
        report = api.read_bytes(html, "inline.html")
    assert assert_never_wrong(report) == len(TRUTH)


def test_table_across_two_scanned_pages(offline: None) -> None:
    """The table breaks after 第二十条第（五）项; the second page goes on with no heading and no
    header row. Both halves are read as one table, each cell with its own page."""
    widths = [300, 220, 220, 220]
    first = draw_table(
        ROWS[:7], widths, heading="二、主动公开政府信息情况", spans=SPANS, size=26, row_height=50
    )
    rest = {(r - 7, c): n for (r, c), n in SPANS.items() if r >= 7}
    second = draw_table(ROWS[7:], widths, spans=rest, size=26, row_height=50)
    with ocr_settings(enabled=True):
        report = api.read_bytes(images_to_pdf([first, second], dpi=150), "跨页.pdf")
    assert assert_never_wrong(report) == len(TRUTH)
    pages = {a: report.cell(a).at.page for a in TRUTH}  # type: ignore[union-attr]
    assert pages["active_disclosure.licensing.decisions"] == 1
    assert pages["active_disclosure.penalty.decisions"] == pages["active_disclosure.fees.amount"] == 2
