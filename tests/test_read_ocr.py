"""OCR reader, the parts that need no recognition: look-alike judgement, ruled tables, page
preparation (stamp, skew, rotation), format sniffing, bundled models, --no-ocr."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gongkai import api
from gongkai.errors import InputError
from gongkai.model.report import ImageAt, Report, Source, Status
from gongkai.read.ocr import engine, ocr_settings, read_image
from gongkai.read.ocr.confusable import judge, look_alikes
from gongkai.read.ocr.prepare import denoised, noisy, prepare, remove_stamp, sideways, skew_angle, turn
from gongkai.read.ocr.ruling import find_rules, find_tables
from gongkai.read.pdf import SCANNED, read_pdf
from gongkai.synth.scan import cjk_font_path, degrade, draw_table, images_to_pdf

needs_font = pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font (fonts-noto-cjk)")


# --- look-alikes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["/", "1", "l", "|", "I", "丨"])
def test_one_like_characters_are_doubtful(text: str) -> None:
    j = judge(text, 0.999)
    assert j.doubtful and j.candidates == (0, 1) and j.text == "/"


@pytest.mark.parametrize("text", ["—", "一", "-", "——"])
def test_dashes_are_blanks_never_counts(text: str) -> None:
    j = judge(text, 0.999)
    assert not j.doubtful and j.text == "—" and j.candidates == ()


def test_numbers_by_score() -> None:
    assert judge("41", 0.99) == judge("41", 0.99) and judge("41", 0.99).text == "41"
    assert not judge("41", 0.99).doubtful
    low = judge("41", 0.5)
    assert low.doubtful and low.text == "/" and low.candidates[0] == 41 and len(low.candidates) >= 2
    assert judge("1O", 0.99).doubtful  # a letter for a digit: never read
    assert judge("239.42", 0.99).text == "239.42"
    assert not judge("行政许可", 0.2).doubtful  # labels are not judged


def test_look_alikes() -> None:
    assert look_alikes("8")[0] == 8 and {3, 0, 6, 9} <= set(look_alikes("8"))
    assert all(v >= 10 for v in look_alikes("18"))  # no leading zero
    assert look_alikes("2.5") == ()


# --- ruled tables ---------------------------------------------------------------------------------

ROWS = [
    ["第二十条第（一）项"],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "1", "|", "11"],
    ["行政规范性文件", "41", "/", "44"],
]
SPANS = {(0, 0): 4}


@needs_font
def test_ruled_grid_with_merged_cells() -> None:
    im = draw_table(ROWS, [300, 220, 220, 220], spans=SPANS)
    gray = np.asarray(im.convert("L"))
    tables = find_tables(find_rules(gray))
    assert len(tables) == 1
    t = tables[0]
    assert len(t.cols) == 5 and len(t.rows) == 5  # "1" and "|" in cells are not rules
    assert [(c.row, c.col, c.colspan) for c in t.cells][:2] == [(0, 0, 4), (1, 0, 1)]
    assert len(t.cells) == 1 + 4 * 3


@needs_font
def test_two_tables_on_one_page() -> None:
    a = np.asarray(draw_table(ROWS, [300, 220, 220, 220], spans=SPANS).convert("L"))
    page = np.vstack([a, np.full((80, a.shape[1]), 255, np.uint8), a])
    assert len(find_tables(find_rules(page))) == 2


@needs_font
def test_table_cut_at_the_page_foot_keeps_its_last_row() -> None:
    # printed without its closing rule: the column rules run on below the last horizontal rule
    im = draw_table(ROWS, [300, 220, 220, 220], spans=SPANS, margin=40)
    gray = np.asarray(im.convert("L")).copy()
    foot = 40 + 56 * len(ROWS)
    gray[foot - 3 : foot + 3, :] = 255
    t = find_tables(find_rules(gray))[0]
    assert len(t.rows) == 5 and abs(t.rows[-1] - foot) <= 6
    assert [c.col for c in t.cells if c.row == 3] == [0, 1, 2, 3]  # 行政规范性文件 | 41 | / | 44
    # a rule that only overshoots its last row a little adds nothing
    gray = np.asarray(im.convert("L")).copy()
    gray[foot + 1 : foot + 8, 40:45] = 0
    gray[foot + 1 : foot + 8, 520:522] = 0
    assert len(find_tables(find_rules(gray))[0].rows) == 5


# --- preparation ----------------------------------------------------------------------------------


@needs_font
@pytest.mark.parametrize("angle", [-1.6, 0.7])
def test_skew_is_measured(angle: float) -> None:
    im = draw_table(ROWS, [300, 220, 220, 220], spans=SPANS)
    tilted = np.asarray(im.rotate(angle, expand=True, fillcolor="white").convert("L"))
    assert abs(skew_angle(tilted) + angle) <= 0.25


@needs_font
def test_sideways_page_is_turned() -> None:
    im = draw_table(ROWS * 3, [300, 220, 220, 220], heading="二、主动公开政府信息情况")
    gray = np.asarray(im.convert("L"))
    assert not sideways(gray)
    assert sideways(np.rot90(gray).copy())
    assert prepare(np.asarray(im.transpose(Image.Transpose.ROTATE_90))).rotation == 90


def _requests_page() -> Image.Image:
    """A table of counts in columns on an A4 page at 150 dpi, ruled one pixel thin as an office
    suite prints it: most of the page is paper, where a scan's noise shows most."""
    rows = [["申请人情况", "自然人", "商业企业", "科研机构", "总计"]]
    rows += [[f"{i}.属于行政查询事项", "0", "0", "2", "2"] for i in range(1, 9)]
    table = draw_table(rows, [360, 150, 150, 150, 150], row_height=44, size=22, rule=1)
    page = Image.new("RGB", (1240, 1754), "white")
    page.paste(table, (60, 100))
    return page


@needs_font
@pytest.mark.parametrize(("kind", "angle"), [("noise", 0.0), ("clean", -1.0)])
def test_noisy_or_tilted_page_is_not_taken_for_one_on_its_side(kind: str, angle: float) -> None:
    # a noisy page's specks smeared make strips both ways; a tilted page's rules stay behind as
    # stair steps that join a column's numbers into strips
    tilted = _requests_page().rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    page = degrade(tilted, kind, seed=1)
    gray = np.asarray(page.convert("L"))
    speckled, skew = noisy(gray), skew_angle(gray)
    assert speckled == (kind == "noise")
    assert not sideways(gray, speckled, skew)
    assert sideways(np.rot90(gray).copy(), speckled, skew)


def test_denoise_keeps_one_pixel_strokes_and_drops_specks() -> None:
    gray = np.full((20, 40), 230, np.uint8)
    gray[5, 5:30] = 20  # a stroke of "二", one pixel thick
    gray[8:18, 34] = 20  # a stroke of "1"
    gray[14, 10] = 0  # a speck
    out = denoised(gray)
    assert (out[5, 6:29] < 100).all() and (out[9:17, 34] < 100).all()
    assert out[14, 10] > 200


def test_turn_maps_points_back() -> None:
    gray = np.zeros((30, 50), np.uint8)
    gray[5, 40] = 255
    turned, m = turn(gray, 90)
    x, y, _ = m @ np.array([40.0, 5.0, 1.0])
    assert turned[round(y), round(x)] == 255


@needs_font
def test_red_stamp_goes_ink_under_it_stays() -> None:
    im = draw_table(ROWS, [300, 220, 220, 220], spans=SPANS)
    stamped = np.asarray(degrade(im, "stamp", seed=1))
    gray = remove_stamp(stamped)
    plain = np.asarray(im.convert("L"))
    redness = stamped[:, :, 0].astype(np.int16) - np.maximum(stamped[:, :, 1], stamped[:, :, 2])
    # the stamp over paper, its anti-aliased edges too, turns white (no ghost of its text)
    paper = (redness > 12) & (plain > 250)
    assert paper.sum() > 500 and gray[paper].min() > 240
    # black print under the stamp stays dark
    under = (redness > 40) & (plain < 60)
    assert under.sum() > 50 and np.median(gray[under]) < 120


# --- formats and switches -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_images_are_sniffed(fmt: str) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buf, fmt)
    assert api.sniff_format(buf.getvalue()) == "image"


def test_no_ocr_refuses_an_image() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buf, "PNG")
    with ocr_settings(enabled=False), pytest.raises(InputError, match="--no-ocr"):
        read_image(buf.getvalue(), Source(name="a.png", sha256="", format="image"))


def test_scanned_pdf_is_refused_unless_ocr_is_on() -> None:
    pdf = images_to_pdf([Image.new("RGB", (400, 560), "white")])
    with pytest.raises(InputError) as e:
        read_pdf(pdf, Source(name="scan.pdf", sha256="", format="pdf"))
    assert e.value.message == SCANNED and "--ocr" in SCANNED


def test_cli_no_ocr(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gongkai.cli.main import app

    p = tmp_path / "报告.png"
    Image.new("RGB", (20, 20), "white").save(p)
    r = CliRunner().invoke(app, ["parse", "--no-ocr", str(p)])
    assert r.exit_code == 2 and "--no-ocr" in r.output


def test_damaged_image() -> None:
    with pytest.raises(InputError, match="图片"):
        read_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, Source(name="x.png", sha256="", format="image"))


# --- bundled models -------------------------------------------------------------------------------


def test_models_ship_inside_the_installed_package() -> None:
    import rapidocr

    site = Path(rapidocr.__file__).resolve().parent
    paths = engine.model_paths()
    assert set(paths) == {"det", "rec", "cls"}
    for p in paths.values():
        assert p.is_file() and p.stat().st_size > 100_000
        assert site in p.parents  # inside the wheel's package, not a download cache


def test_missing_model_is_refused_never_fetched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(engine, "model_dir", lambda: tmp_path)
    with pytest.raises(engine.OcrUnavailable, match="不会联网下载"):
        engine.model_paths()


def test_long_work_is_announced_and_pages_run_in_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from gongkai.read.ocr import reader
    from gongkai.read.ocr.page import PageResult

    threads: set[int] = set()
    barrier = threading.Barrier(3, timeout=10)

    def fake(rgb: np.ndarray, page: int) -> PageResult:
        threads.add(threading.get_ident())
        barrier.wait()  # three pages at once, or this times out
        return PageResult(page, [], 0, 0.0, False, 0)

    monkeypatch.setattr(reader, "ocr_page", fake)
    notices: list[str] = []
    progress: list[tuple[int, int]] = []
    with ocr_settings(jobs=3, notice=notices.append, progress=lambda d, n: progress.append((d, n))):
        results = reader.ocr_pages(6, lambda i: np.zeros((2, 2), np.uint8), "报告.pdf")
    assert [r.page for r in results] == [1, 2, 3, 4, 5, 6]
    assert progress == [(d, 6) for d in range(1, 7)]
    assert len(notices) == 1 and "共 6 页" in notices[0]
    assert len(threads) == 3


# --- the reader's gate, on hand-made OCR lines (no recognition) ------------------------------------

APPEALS_HEAD = [
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政复议\t行政诉讼",
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉",
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
]


def ocr_report(numbers: list[str], scores: list[float] | None = None) -> Report:
    from gongkai.read.ocr.page import Field, PageLine, PageResult
    from gongkai.read.ocr.reader import read_pages

    lines = []
    for n, text in enumerate(APPEALS_HEAD):
        box = (10.0, 40.0 * n, 900.0, 40.0 * n + 30)
        lines.append(PageLine(1, box[1], [Field(c, box, 0.99, c) for c in text.split("\t")], ruled=n > 0))
    fields = []
    for i, t in enumerate(numbers):
        score = scores[i] if scores else 0.999
        j = judge(t, score)
        fields.append(Field(j.text, (10.0 + 60 * i, 200.0, 70.0 + 60 * i, 240.0), score, t, j))
    lines.append(PageLine(1, 200.0, fields, ruled=True))
    return read_pages(
        [PageResult(1, lines, 0, 0.0, False, 1)], Source(name="x.png", sha256="", format="image")
    )


def test_balanced_row_is_read_with_scores() -> None:
    r = ocr_report(["0"] * 13 + ["5", "5"])
    c = r.cell("appeals.litigation_after_reconsideration.total")
    assert c.status == Status.READ and c.value == 5
    assert isinstance(c.at, ImageAt) and c.at.score == 0.999 and c.at.page == 1


def test_a_row_that_does_not_balance_is_held_back() -> None:
    r = ocr_report(["0"] * 13 + ["5", "6"])  # 6 is misread (or misprinted): OCR cannot tell
    for a in (
        "appeals.litigation_after_reconsideration.pending",
        "appeals.litigation_after_reconsideration.total",
    ):
        c = r.cell(a)
        assert c.status == Status.AMBIGUOUS and c.value is None and c.candidates and len(c.candidates) >= 2
    assert r.cell("appeals.reconsideration.total").status == Status.READ  # a balanced part stays


def test_look_alike_is_inferred_only_when_identities_force_it() -> None:
    # "1" beside a 3 in a row whose total says 4: the identities single it out
    r = ocr_report(["0"] * 10 + ["0", "0", "1", "3", "4"])
    c = r.cell("appeals.litigation_after_reconsideration.other")
    assert c.status == Status.INFERRED and c.value == 1 and c.raw == "1"
    # a "/" printed as a blank, recognised as "1", with every other cell of its row blank too
    r = ocr_report(["0"] * 10 + ["/", "/", "/", "/", "/"])
    assert all(
        r.cell(f"appeals.litigation_after_reconsideration.{k}").status != Status.READ
        for k in ("upheld", "total")
    )
    # a low score is never read
    r = ocr_report(["0"] * 13 + ["5", "5"], scores=[0.999] * 13 + [0.5, 0.999])
    c = r.cell("appeals.litigation_after_reconsideration.pending")
    assert c.status in (Status.INFERRED, Status.AMBIGUOUS)
    assert c.status != Status.INFERRED or c.value == 5


@needs_font
def test_points_and_commas_are_counted_on_the_ink() -> None:
    """A number whose point the recogniser lost ("773028" for "7730.28") is caught by the ink."""
    from gongkai.read.ocr.page import _crops

    im = draw_table([["行政事业性收费", "7730.28", "1,234", "12", "0"]], [300, 220, 220, 220, 220])
    gray = np.asarray(im.convert("L"))
    rules = find_rules(gray)
    tables = find_tables(rules)
    _, marks = _crops(gray, rules, tables)
    assert [marks[(0, c)] for c in range(1, 5)] == [(1, False), (1, False), (0, False), (0, False)]
    im = draw_table([["本年增/减", "-2", "3"]], [300, 220, 220])
    gray = np.asarray(im.convert("L"))
    rules = find_rules(gray)
    _, marks = _crops(gray, rules, find_tables(rules))
    assert marks[(0, 1)] == (0, True) and marks[(0, 2)] == (0, False)
    assert judge("-2", 0.99).text == "-2" and judge("-2", 0.5).doubtful


def test_look_alikes_singled_out_together() -> None:
    # appeals, litigation after reconsideration: corrected "1", total "1", and the litigation
    # total row... each "1" alone is 0 or 1; together with the zeros the row balances both ways
    r = ocr_report(["0"] * 10 + ["0", "1", "0", "0", "1"])
    for k in ("corrected", "total"):
        c = r.cell(f"appeals.litigation_after_reconsideration.{k}")
        assert c.status == Status.AMBIGUOUS and c.candidates == [0, 1]  # (0, 0) and (1, 1) both hold
    # with a 2 printed as the total, the only reading is corrected = 1 … and the "1" of "other"
    r = ocr_report(["0"] * 10 + ["0", "1", "1", "0", "2"])
    for k in ("corrected", "other"):
        c = r.cell(f"appeals.litigation_after_reconsideration.{k}")
        assert c.status == Status.INFERRED and c.value == 1, (k, c)
