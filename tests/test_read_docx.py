"""The DOCX and DOC readers: generated reports as Word documents (written by gongkai.write.docx
with merged cells, then changed: a layout table around everything, a table nested in a cell,
tracked changes, a table in a text box, content controls, Strict OOXML), the seeds as Word
documents, merged-cell semantics one by one, and DOC/WPS through LibreOffice.

Every generated document must read with every cell equal to the truth, ``read``, and ``at``
naming the right table, row and column.
"""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from gongkai.api import read_bytes
from gongkai.errors import InputError
from gongkai.model.report import Source, TableAt
from gongkai.read import doc as doc_reader
from gongkai.read.doc import NO_LIBREOFFICE, ole_kind, read_doc
from gongkai.read.docx import docx_lines, read_docx
from gongkai.synth.generate import generate_report
from gongkai.write.docx import write_docx
from office_docs import (
    Rendered,
    assert_exact,
    assert_seed_truth,
    docx_document,
    make_report,
    replace_part,
    table_positions,
)

SEED_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def source(data: bytes, name: str = "report.docx", fmt: str = "docx") -> Source:
    return Source(name=name, sha256=hashlib.sha256(data).hexdigest(), format=fmt)


VARIANTS = {
    "written": {},
    "layout-table": {"wrap": True},
    "nested-in-cell": {"nested_header": True},
    "tracked-changes": {"tracked": True},
    "text-box": {"textbox": True},
    "content-controls": {"sdt": True},
    "strict": {"strict": True},
}


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("variant", VARIANTS)
def test_generated_document(seed: int, variant: str) -> None:
    truth = make_report(seed, edition_key="2019" if seed % 2 else "2021")
    r = docx_document(truth, **VARIANTS[variant])  # type: ignore[arg-type]
    assert_exact(truth, read_docx(r.data, source(r.data)), r)


def test_many_written_documents() -> None:
    """8 random reports as written by gongkai.write.docx: every cell right, at its table cell."""
    right = total = 0
    for seed in range(8):
        truth = generate_report(random.Random(seed))
        r = docx_document(truth)
        a, b = assert_exact(truth, read_docx(r.data, source(r.data)), r, title=False)
        right, total = right + a, total + b
    assert right == total


def test_read_bytes_dispatches_docx() -> None:
    truth = make_report(21)
    r = docx_document(truth)
    got = read_bytes(r.data, "report.docx")
    assert got.source.format == "docx"
    assert_exact(truth, got, r)


def test_merged_cells_and_breaks() -> None:
    """cell.merge over rows and columns, w:gridBefore, a soft break and a tab in a cell."""
    d = docx.Document()
    d.add_paragraph("某某局2023年政府信息公开工作年度报告")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "甲"
    t.cell(0, 1).merge(t.cell(0, 3)).text = "乙"
    for c, text in ((1, "1"), (2, "2"), (3, "3")):
        t.cell(1, c).text = text
    run = t.cell(2, 1).paragraphs[0].add_run("三、本年度")
    run.add_break()
    run.add_text("办理\t结果|")
    trpr = t.rows[2]._tr.get_or_add_trPr()
    grid_before = trpr.makeelement(trpr.tag.replace("trPr", "gridBefore"), {})
    grid_before.set(trpr.tag.replace("trPr", "val"), "1")
    trpr.append(grid_before)
    t.rows[2]._tr.remove(t.rows[2]._tr.tc_lst[0])  # the first grid column of row 2 is skipped
    buf = io.BytesIO()
    d.save(buf)
    out = docx_lines(buf.getvalue())
    assert out.lines == [
        "某某局2023年政府信息公开工作年度报告",
        "甲\t乙\t\t",  # a row keeps its empty cells
        "\t1\t2\t3",
        "\t三、本年度 办理 结果\t\t",
    ]
    assert out.locate(3, 2) == TableAt(table=0, row=1, col=2)
    assert out.locate(4, 1) == TableAt(table=0, row=2, col=1)


def test_headers_and_footers_are_not_read() -> None:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "三、收到和处理政府信息公开申请情况 1 2 3"
    d.sections[0].footer.paragraphs[0].text = "— 1 —"
    d.add_paragraph("正文")
    buf = io.BytesIO()
    d.save(buf)
    assert docx_lines(buf.getvalue()).lines == ["正文"]


def test_title_broken_over_two_lines_is_one() -> None:
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("某某县人民政府2023年").add_break()
    p.add_run("政府信息公开工作年度报告")
    q = d.add_paragraph()
    q.add_run("一、总体情况").add_break()
    q.add_run("本年度……")
    buf = io.BytesIO()
    d.save(buf)
    assert docx_lines(buf.getvalue()).lines == [
        "某某县人民政府2023年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度……",
    ]


def test_not_a_word_document() -> None:
    data = write_docx(make_report(22))
    with pytest.raises(InputError, match=r"word/document\.xml"):
        read_docx(replace_part(data, "word/document.xml", None), source(b""))
    with pytest.raises(InputError, match="正文"):
        read_docx(replace_part(data, "word/document.xml", b"<x/>"), source(b""))


# --- the seeds as Word documents --------------------------------------------------------------


def seed_document(text: str) -> bytes:
    """A seed's text as a document: runs of tab-separated lines become tables, other lines paragraphs."""
    d = docx.Document()
    run: list[list[str]] = []

    def flush() -> None:
        if run:
            t = d.add_table(rows=len(run), cols=max(len(r) for r in run))
            for row, cells in zip(t.rows, run, strict=True):
                for cell, text in zip(row.cells, cells, strict=False):
                    cell.text = text
            run.clear()

    for line in text.splitlines():
        if "\t" in line:
            run.append(line.split("\t"))
        else:
            flush()
            d.add_paragraph(line)
    flush()
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(p.stem for p in SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else [])
def test_seed_as_document(name: str) -> None:
    text = (SEED_DIR / f"{name}.txt").read_text(encoding="utf-8")
    data = seed_document(text)
    got = read_docx(data, source(data, name + ".docx"))
    assert_seed_truth(got, SEED_DIR / "truth" / f"{name}.json")


# --- DOC and WPS through LibreOffice ------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_doc_via_libreoffice(tmp_path: Path) -> None:
    truth = make_report(23)
    path = tmp_path / "report.docx"
    path.write_bytes(write_docx(truth))
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (tmp_path / "report.doc").read_bytes()
    assert ole_kind(data) == "doc"
    got = read_bytes(data, "report.doc")  # dispatched as OLE, converted back to DOCX, read
    assert got.source.format == "ole"
    assert_exact(truth, got, Rendered(data, at=table_positions(truth)), col=False)
    # WPS (.wps) files are DOC files by content: the same path
    assert read_doc(data, source(data, "report.wps", "ole")).values() == got.values()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_rtf_and_odt_via_libreoffice(tmp_path: Path) -> None:
    """RTF (also when a site names it ".doc") and OpenDocument text are read by their content
    through LibreOffice, like DOC."""
    truth = make_report(29)
    path = tmp_path / "report.docx"
    path.write_bytes(write_docx(truth))
    for fmt in ("rtf", "odt"):
        subprocess.run(
            [str(SOFFICE), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
             "--convert-to", fmt, "--outdir", str(tmp_path), str(path)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        data = (tmp_path / f"report.{fmt}").read_bytes()
        for name in (f"report.{fmt}", "report.doc"):
            got = read_bytes(data, name)
            assert got.source.format == fmt
            assert got.values() == read_bytes(path.read_bytes(), "report.docx").values()


def test_an_empty_opendocument_zip_is_not_a_report() -> None:
    """An OpenDocument spreadsheet is no Word document: a zip read as nothing known."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(InputError, match="ZIP"):
        read_bytes(buf.getvalue(), "table.ods")


def ole(*streams: str) -> bytes:
    """An OLE header and a directory naming ``streams`` (enough for :func:`ole_kind`)."""
    names = b"".join(s.encode("utf-16-le") + b"\x00\x00" for s in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + names + b"\x00" * 512


def test_doc_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc_reader, "find_soffice", lambda: None)
    data = ole("Root Entry", "WordDocument", "1Table")
    with pytest.raises(InputError) as e:
        read_bytes(data, "report.doc")
    assert e.value.message == NO_LIBREOFFICE and "LibreOffice" in e.value.message


@pytest.mark.parametrize(
    ("streams", "match"),
    [
        (("Root Entry", "Workbook"), "Excel"),
        (("Root Entry", "Book"), "Excel"),
        (("Root Entry", "PowerPoint Document"), "PowerPoint"),
        (("Root Entry", "EncryptedInfo", "EncryptedPackage"), "加密"),
    ],
)
def test_ole_that_is_not_word(streams: tuple[str, ...], match: str) -> None:
    with pytest.raises(InputError, match=match):
        read_bytes(ole(*streams), "report.doc")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_doc_that_libreoffice_cannot_convert() -> None:
    with pytest.raises(InputError, match="LibreOffice"):
        read_bytes(ole("Root Entry", "WordDocument"), "broken.doc")


def test_convert_timeout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A converter that hangs is killed after the timeout (a stand-in script, not LibreOffice)."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(doc_reader, "find_soffice", lambda: str(fake))
    with pytest.raises(InputError, match="超时"):
        doc_reader.convert_to_docx(b"x", "slow.doc", timeout=1)


def test_zip_is_checked_before_anything() -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("word/document.xml", b"not xml")
    with pytest.raises(InputError, match="XML"):
        read_docx(data.getvalue(), source(b""))
