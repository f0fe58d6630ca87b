"""The PDF reader against files it must refuse or survive: too large, truncated, corrupt, broken
xref tables, encrypted, scanned, without a Unicode mapping, thousands of pages, zip bombs,
endless parsing, and random mutations of valid files (hypothesis). Only a ``Report`` or a
``GongkaiError`` (with a Chinese message, exit code 2) may come out, within bounded time.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import random
import re
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.errors import GongkaiError, InputError
from gongkai.model.report import Report, Source
from gongkai.read import pdf as pdf_reader
from gongkai.read.pdf import SCANNED, read_pdf
from gongkai.read.pdf_guard import (
    MemoryLimit,
    Timeout,
    TooLarge,
    _ascii85,
    _run_length,
    check_streams,
    deadline,
    rss,
    watchdog,
)
from gongkai.read.pdf_layout import Glyph, Rule, page_lines
from gongkai.synth.compare import compare
from gongkai.synth.generate import generate_report
from pdfmake import MiniPdf, render_report


def source(data: bytes | bytearray, name: str = "hostile.pdf") -> Source:
    return Source(name=name, sha256=hashlib.sha256(data[:4096]).hexdigest(), format="pdf")


def refused(data: bytes, pattern: str, seconds: float = 10.0) -> InputError:
    """Reading ``data`` raises an InputError whose message matches ``pattern``, quickly."""
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        read_pdf(data, source(data))
    assert time.monotonic() - started < seconds
    err = info.value
    assert re.search(pattern, err.message), err.message
    assert err.exit_code == 2 and err.source == "hostile.pdf"
    return err


def small_pdf(**kw: object) -> MiniPdf:
    pdf = MiniPdf(**kw).page()  # type: ignore[arg-type]
    pdf.text(100, 60, "某某局2023年政府信息公开工作年度报告", 16)
    pdf.text(60, 100, "一、总体情况", 12).text(60, 120, "本年度共收到政府信息公开申请5件，均已按期答复。", 12)
    return pdf


@pytest.fixture(scope="module")
def report_pdf() -> tuple[Report, bytes]:
    truth = generate_report(random.Random("hostile-pdf"), "2021", "medium")
    return truth, render_report(truth)


def assert_reads(truth: Report, data: bytes) -> None:
    c = compare(truth, read_pdf(data, source(data)))
    assert not c.wrong and c.known == c.cells, [w.as_dict() for w in c.wrong]


# --- size, truncation, corruption ------------------------------------------------------------------


def test_500_mb_refused_before_parsing() -> None:
    data = bytes(500 * 1024 * 1024)  # calloc'd: no memory is touched
    started = time.monotonic()
    with pytest.raises(InputError, match="过大"):
        read_pdf(data, source(b"%PDF"))
    assert time.monotonic() - started < 1.0


def test_size_limit(monkeypatch: pytest.MonkeyPatch, report_pdf: tuple[Report, bytes]) -> None:
    _, data = report_pdf
    monkeypatch.setattr(pdf_reader, "MAX_BYTES", len(data) - 1)
    refused(data, "PDF 文件过大")


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.999])
def test_truncated(report_pdf: tuple[Report, bytes], cut: float) -> None:
    _, data = report_pdf
    refused(data[: int(len(data) * cut)], "不完整")


@pytest.fixture(scope="module")
def peer_pdf(shared_dir: Path) -> bytes:
    path = shared_dir / "corpus" / "peer" / "kgc-hongze-2023.pdf"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path.read_bytes()


def test_truncated_real_report(peer_pdf: bytes) -> None:
    data = peer_pdf
    refused(data[: len(data) // 2], "不完整")
    refused(data[: len(data) // 2] + b"\n%%EOF\n", "损坏")  # cut, then "repaired" by appending a marker


@pytest.mark.parametrize("seed", range(3))
def test_random_bytes_after_the_header(seed: int) -> None:
    noise = random.Random(seed).randbytes(20_000)
    refused(b"%PDF-1.7\n" + noise + b"\n%%EOF\n", "损坏")


def test_no_pdf_at_all() -> None:
    refused(b"%PDF-1.4\n%%EOF\n", "损坏")


def test_broken_xref_is_rebuilt(report_pdf: tuple[Report, bytes]) -> None:
    """Wrong offsets in the xref table: the objects are found by scanning the file."""
    truth, data = report_pdf
    x = data.rindex(b"xref\n")
    assert_reads(truth, data[:x] + re.sub(rb"\d{10} 00000 n", b"0000000123 00000 n", data[x:]))
    assert_reads(truth, data[:x] + b"trailer\n<< /Root 1 0 R >>\nstartxref\n999999\n%%EOF\n")


def test_broken_xref_stream_is_rebuilt(peer_pdf: bytes) -> None:
    """A real PDF 1.7 with an xref stream and a wrong startxref still reads."""
    data = peer_pdf
    good = read_pdf(data, source(data))
    at = data.rindex(b"startxref")
    bad = data[:at] + b"startxref\n12345\n%%EOF\n"
    assert read_pdf(bad, source(bad)).values() == good.values()


# --- encryption, scans, unreadable text ---------------------------------------------------------------


def test_encrypted_with_a_password() -> None:
    refused(small_pdf().build(password="secret"), "已加密，需要密码")


def test_encrypted_report_with_a_password(report_pdf: tuple[Report, bytes]) -> None:
    truth, _ = report_pdf
    refused(render_report(truth, password="123456"), "已加密")


def test_encrypted_without_user_password_reads(report_pdf: tuple[Report, bytes]) -> None:
    """Permissions only (an empty user password): any PDF viewer opens it, so do we."""
    truth, _ = report_pdf
    data = render_report(truth, password="", compress=True)
    assert b"/Encrypt" in data
    assert_reads(truth, data)


def test_scanned() -> None:
    err = refused(MiniPdf().page().scan().page().scan().build(), "扫描件")
    assert err.message == SCANNED


def test_scanned_with_a_page_number() -> None:
    pdf = MiniPdf().page().scan().text(290, 800, "- 1 -", 10).page().scan().text(290, 800, "- 2 -", 10)
    refused(pdf.build(), "扫描件")


def test_no_text_at_all() -> None:
    refused(MiniPdf().page().hline(60, 500, 100).build(), "几乎没有文字")


def test_text_without_unicode_mapping() -> None:
    refused(small_pdf(tounicode=False).build(), "无法识别")


def test_not_chinese() -> None:
    pdf = MiniPdf().page()
    for i in range(40):
        pdf.text(60, 60 + 15 * i, "The quick brown fox jumps over the lazy dog again.", 10)
    refused(pdf.build(), "几乎都不是汉字")


# --- resources ---------------------------------------------------------------------------------------


def test_2000_pages_refused_quickly() -> None:
    pdf = small_pdf()
    for _ in range(1999):
        pdf.page()
    refused(pdf.build(shared_content=True), "超过 300 页", seconds=5.0)


def test_page_limit(monkeypatch: pytest.MonkeyPatch, report_pdf: tuple[Report, bytes]) -> None:
    _, data = report_pdf
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2)
    refused(data, "超过 2 页")


def bomb(size: int) -> bytes:
    """A valid small PDF with an extra stream that inflates to ``size`` bytes (a few KB)."""
    z = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(z.compress(chunk) for _ in range(size >> 20)) + z.flush()
    data = small_pdf().build()
    extra = b"99 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\n" % (
        len(body),
        body,
    )
    head = data.index(b"1 0 obj")
    return data[:head] + extra + data[head:]


def test_zip_bomb_refused() -> None:
    started = time.monotonic()
    refused(bomb(pdf_reader.MAX_STREAM + (1 << 20)), "解压后过大")
    assert time.monotonic() - started < 10


def test_many_small_streams_add_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_INFLATED", 3 << 20)
    refused(bomb(4 << 20), "解压后过大")


def test_check_streams_counts_inflated_bytes() -> None:
    data = b"1 0 obj\n<< >>\nstream\n" + zlib.compress(b"x" * 100_000) + b"\nendstream\n"
    assert check_streams(data, 1 << 20, 1 << 20) == 100_000
    assert check_streams(b"stream\n\xff\xd8 not zlib", 10, 10) == 0


def test_timeout(monkeypatch: pytest.MonkeyPatch, report_pdf: tuple[Report, bytes]) -> None:
    truth, data = report_pdf
    monkeypatch.setattr(pdf_reader, "MAX_SECONDS", 0.01)
    refused(data, "超时")
    monkeypatch.setattr(pdf_reader, "MAX_SECONDS", 60.0)
    assert_reads(truth, data)  # nothing left over from the timeout
    time.sleep(0.05)


def test_deadline_interrupts_pure_python_loops() -> None:
    started = time.monotonic()
    with pytest.raises(Timeout), deadline(0.05):
        while True:
            pass
    assert time.monotonic() - started < 2
    with deadline(5):
        total = sum(range(1000))
    assert total == 499500
    # a deadline that has not fired leaves nothing behind
    end = time.monotonic() + 0.2
    while time.monotonic() < end:
        pass


def test_timeout_is_not_swallowed_by_except_exception() -> None:
    with pytest.raises(Timeout), deadline(0.05):
        while True:
            with contextlib.suppress(Exception):  # pdfminer catches Exception everywhere
                sum(range(10_000))


def glyph_flood(n: int) -> bytes:
    """A page drawing ``n`` glyphs (pdfminer makes an object of each)."""
    pdf = small_pdf(compress=True)
    pdf.raw("BT /F1 1 Tf 100 100 Td " + "<4E00> Tj " * n + "ET")
    return pdf.build()


def _read_with_memory_limit(data: bytes, limit: int) -> tuple[float, str, int]:
    """In a fresh process: read ``data`` with ``MAX_MEMORY = limit``; (seconds, message, exit code)."""
    pdf_reader.MAX_MEMORY = limit
    started = time.monotonic()
    try:
        read_pdf(data, source(data))
    except InputError as e:
        return time.monotonic() - started, e.message, e.exit_code
    return time.monotonic() - started, "", 0


@pytest.mark.skipif(rss() is None, reason="the resident set size cannot be read here")
def test_memory_limit() -> None:
    """Run in a fresh process: the watchdog measures the growth of the resident set, which a
    test worker that freed memory earlier would absorb without growing."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        seconds, message, code = pool.submit(
            _read_with_memory_limit, glyph_flood(1_000_000), 40 * 1024 * 1024
        ).result(timeout=300)
    assert "内存超过上限" in message and code == 2
    assert seconds < 30


@pytest.mark.skipif(rss() is None, reason="the resident set size cannot be read here")
def test_watchdog_memory() -> None:
    hoard = []
    with pytest.raises(MemoryLimit), watchdog(30, memory=20 * 1024 * 1024):
        while True:
            hoard.append(bytearray(1024 * 1024))
    assert len(hoard) < 2000


def test_glyph_limits(monkeypatch: pytest.MonkeyPatch, report_pdf: tuple[Report, bytes]) -> None:
    _, data = report_pdf
    monkeypatch.setattr(pdf_reader, "MAX_GLYPHS", 100)
    refused(data, "第 1 页的文字多得异常")
    monkeypatch.setattr(pdf_reader, "MAX_GLYPHS", 200_000)
    monkeypatch.setattr(pdf_reader, "MAX_TOTAL_GLYPHS", 1000)
    refused(data, "文字多得异常")


def test_many_rules_bounded() -> None:
    """Thousands of rules on a page: the grid is skipped, not built in quadratic time."""
    rules = [Rule(0, float(y), 500, float(y)) for y in range(0, 3000)] + [
        Rule(float(x) / 6, 0, float(x) / 6, 3000) for x in range(0, 3000)
    ]
    started = time.monotonic()
    lines = page_lines(1, [Glyph("字", 10, 10, 20, 20)], rules)
    assert time.monotonic() - started < 10 and [ln.text for ln in lines] == ["字"]


def test_absurd_coordinates() -> None:
    pdf = small_pdf()
    pdf.raw("BT /F1 10 Tf 99999999999999999999999999999 -9999999999999999999999 Td <4E00> Tj ET")
    pdf.raw("0 G 1 w 1e5 1e5 m 99999999999999999999999999 5 l S")
    started = time.monotonic()
    read_or_refuse(pdf.build())
    assert time.monotonic() - started < 10


# --- fuzzing --------------------------------------------------------------------------------------------


def _small_report_pdf(compress: bool) -> bytes:
    pdf = small_pdf(compress=compress)
    xs, ys = [60.0, 250.0, 320.0, 390.0], [200.0, 220.0, 240.0]
    pdf.grid(xs, ys)
    pdf.text(62, 204, "二、主动公开政府信息情况", 9).text(62, 224, "规章", 9).text(252, 224, "3", 9)
    pdf.text(322, 224, "0", 9).text(392, 224, "12", 9)
    return pdf.build()


SEEDS = [_small_report_pdf(False), _small_report_pdf(True)]


def mutate(data: bytes, ops: list[tuple[int, int, int, bytes]]) -> bytes:
    buf = bytearray(data)
    for kind, pos, length, junk in ops:
        if not buf:
            break
        pos %= len(buf)
        if kind == 0:  # overwrite
            buf[pos : pos + len(junk)] = junk
        elif kind == 1:  # delete
            del buf[pos : pos + length]
        elif kind == 2:  # insert
            buf[pos:pos] = junk
        elif kind == 3:  # duplicate a range
            buf[pos:pos] = buf[pos : pos + length]
        else:  # flip a byte
            buf[pos] ^= 0xFF
    return bytes(buf)


OPS = st.lists(
    st.tuples(
        st.integers(0, 4), st.integers(0, 1 << 20), st.integers(1, 200), st.binary(min_size=1, max_size=24)
    ),
    min_size=1,
    max_size=6,
)


def read_or_refuse(data: bytes) -> None:
    try:
        report = read_pdf(data, source(data))
    except GongkaiError as e:
        assert e.message and e.exit_code == 2
    else:
        assert isinstance(report, Report)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(seed=st.sampled_from(SEEDS), ops=OPS)
def test_fuzz_mutations(seed: bytes, ops: list[tuple[int, int, int, bytes]]) -> None:
    read_or_refuse(mutate(seed, ops))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(
    seed=st.sampled_from(SEEDS),
    keep=st.floats(0.0, 1.0),
    tail=st.sampled_from([b"", b"\n%%EOF\n", b"startxref\n0\n%%EOF"]),
)
def test_fuzz_truncations(seed: bytes, keep: float, tail: bytes) -> None:
    read_or_refuse(seed[: int(len(seed) * keep)] + tail)


# Mutations that once crashed the reader or pdfminer under it, kept as regression tests.
# (pdfplumber's PDF.close() walks the pages again and raised MalformedPDFException / TypeError.)
CRASHERS: list[tuple[int, list[tuple[int, int, int, bytes]]]] = [
    (
        1,
        [
            (2, 710832, 121, b"\xe8L\xffJ\xfe\x06"),
            (2, 36979, 140, b"\x0f\xad\xdb\x9c\xefI\xa3\x91\xd4\x81\xea\x05\x03T\x9ck\xf8\xbe\x0f\x8a\xd3"),
            (3, 50968, 159, b"l\xa3\xc7\xdb1\xfdp\xd72\xa3\x9ccB_0\x1b\x1f"),
            (4, 34566, 99, b"Q\xd1\x7f"),
        ],
    ),
    (
        0,
        [
            (3, 185327, 41, b"\xf2+n'K\xd0>Z\x7f\xbeH\xe5\x81% O"),
            (1, 84319, 178, b"\x13O\x06v\x07\xce<[\xce\xc9HX\x9b\xe3\xe6X"),
            (4, 456522, 140, b"\x81l\xcf=j"),
            (0, 503113, 66, b"\xd9c\xf8\x88'\xc0\x82\xe6\xb8v"),
            (2, 928691, 5, b"\xc7\xa5\x0f\xb4\xf9M\xe7|\xb5\xe8\xe9\xf2o\xbb\xf7!"),
            (0, 891437, 100, b"\x01()I\x86\x8f"),
        ],
    ),
]


@pytest.mark.parametrize(("seed", "ops"), CRASHERS)
def test_crashers(seed: int, ops: list[tuple[int, int, int, bytes]]) -> None:
    read_or_refuse(mutate(SEEDS[seed], ops))


# --- filter chains (issue 11, item 5) ---------------------------------------------------------------


def bomb_behind(filters: bytes, encode: Callable[[bytes], bytes], size: int) -> bytes:
    """:func:`bomb` with the zlib data encoded again and the filter chain ``filters``."""
    z = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = encode(b"".join(z.compress(chunk) for _ in range(size >> 20)) + z.flush())
    data = small_pdf().build()
    extra = b"99 0 obj\n<< /Length %d /Filter %s >>\nstream\n%s\nendstream\nendobj\n" % (
        len(body),
        filters,
        body,
    )
    head = data.index(b"1 0 obj")
    return data[:head] + extra + data[head:]


@pytest.mark.parametrize(
    ("filters", "encode"),
    [
        (b"[/ASCIIHexDecode /FlateDecode]", lambda b: binascii.hexlify(b) + b">"),
        (b"[/AHx /Fl]", lambda b: binascii.hexlify(b) + b">"),
        (b"[/ASCII85Decode /FlateDecode]", lambda b: base64.a85encode(b) + b"~>"),
        (b"[/ASCIIHex#44ecode /FlateDecode]", lambda b: binascii.hexlify(b) + b">"),
    ],
    ids=["hex", "hex-abbreviated", "ascii85", "hex-escaped-name"],
)
def test_zip_bomb_behind_another_filter_refused(
    monkeypatch: pytest.MonkeyPatch, filters: bytes, encode: Callable[[bytes], bytes]
) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_STREAM", 4 << 20)  # the limit, not the size, is tested
    refused(bomb_behind(filters, encode, 5 << 20), "解压后过大")


def test_filter_chain_by_reference_counted() -> None:
    payload = zlib.compress(b"x" * 300_000)
    data = (
        b"5 0 obj\n[/AHx /Fl]\nendobj\n1 0 obj\n<< /Filter 5 0 R >>\nstream\n"
        + binascii.hexlify(payload)
        + b">\nendstream\nendobj\n"
    )
    assert check_streams(data, 1 << 20, 1 << 20) == 300_000
    with pytest.raises(TooLarge):
        check_streams(data, 200_000, 1 << 20)


def test_stream_decoders_agree_with_pdfminer() -> None:
    from pdfminer.ascii85 import ascii85decode
    from pdfminer.runlength import rldecode

    rng = random.Random(5)
    for _ in range(20):
        raw = bytes(rng.choice(b"aab \x00\xff") for _ in range(rng.randint(0, 2000)))
        a85 = base64.a85encode(raw) + b"~>"
        assert b"".join(_ascii85(iter([a85[i : i + 7] for i in range(0, len(a85), 7)]))) == ascii85decode(a85)
        runs = b"".join(bytes([257 - len(r), r[0]]) for r in re.findall(rb"a+|b+|.", raw, re.S) if len(r) > 1)
        runs += b"\x00x\x80"
        assert b"".join(_run_length(iter([runs[i : i + 3] for i in range(0, len(runs), 3)]))) == rldecode(
            runs
        )
