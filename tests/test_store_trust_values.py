"""Bounds of counts and amounts (issue 11, item 3) and ingest's size limits before reading
(item 4)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.model import bounds
from gongkai.model.bounds import MAX_AMOUNT, MAX_COUNT, OutOfBounds, parse_number
from gongkai.store import StoreError
from gongkai.store.corrections import correct
from gongkai.store.ingest import ingest


@pytest.mark.parametrize(
    ("text", "kind", "says"),
    [
        ("1e309", "count", "科学记数法"),
        ("1e3", "amount", "科学记数法"),
        ("12345678901234567890123", "count", "超出上限"),
        ("1000000000", "count", "超出上限"),
        ("-1000000000", "signed", "超出上限"),
        ("1000000000", "amount", "超出上限"),
        ("١٢٣", "count", "非阿拉伯数字"),  # Arabic-Indic
        ("१२३", "count", "非阿拉伯数字"),  # Devanagari
        ("๑๒", "amount", "非阿拉伯数字"),  # Thai
        ("NaN", "amount", "不是数字"),
        ("Infinity", "count", "不是数字"),
        ("0x10", "count", "不是数字"),
        ("1_000", "count", "不是数字"),
        ("1,2", "count", "千位分隔符"),
        ("1.5", "count", "应为整数"),
        ("-1", "count", "不能为负数"),
        ("-0.5", "amount", "不能为负数"),
        ("0.00001", "amount", "小数位"),
        ("", "count", "没有填写"),
    ],
)
def test_bad_numbers_are_refused(text: str, kind: str, says: str) -> None:
    with pytest.raises(OutOfBounds, match=says):
        parse_number(text, kind)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("15", "count", 15),
        ("１５", "count", 15),  # full-width digits, as typed with a Chinese input method
        ("12,345", "count", 12345),
        ("12，345", "count", 12345),
        ("999999999", "count", MAX_COUNT),
        ("-3", "signed", -3),
        ("539.16", "amount", Decimal("539.16")),
        ("999999999.9999", "amount", MAX_AMOUNT),
        ("7.0", "count", 7),
    ],
)
def test_good_numbers_are_read(text: str, kind: str, value: object) -> None:
    got = parse_number(text, kind)
    assert got == value and type(got) is type(value)


@given(st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from(["count", "signed", "amount"]))
def test_parse_agrees_with_check(n: int, kind: str) -> None:
    """Typed text and a value in memory obey the same bounds."""
    try:
        got = parse_number(str(n), kind)
    except OutOfBounds:
        assert not bounds.within(Decimal(n) if kind == "amount" else n, kind)
    else:
        assert bounds.within(got, kind) and got == n


def test_correct_refuses_out_of_bounds(tmp_path: Path, sample_path: Path) -> None:
    db = str(tmp_path / "g.db")
    rid = ingest(db, [sample_path], jobs=1).added[0]
    for bad in ("1e309", "12345678901234567890123", "١٢"):
        with pytest.raises(StoreError, match="无法把"):
            correct(db, rid, "requests.granted.total", bad, reason="核对")
    assert correct(db, rid, "requests.granted.total", "１２", reason="核对").new_value == "12"


def test_ingest_refuses_a_huge_file_before_reading_it(tmp_path: Path, sample_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    big = folder / "big.txt"
    with open(big, "wb") as f:  # 2.5 GB that take no disk: refused by its size, never read
        f.truncate(2_500 * 1024 * 1024)
    (folder / "ok.txt").write_bytes(sample_path.read_bytes())
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)  # opening it would block: refused as not a regular file
    summary = ingest(str(tmp_path / "g.db"), [folder], jobs=1)
    reasons = dict(summary.refused)
    assert "文件过大" in reasons[str(big)] and "MB" in reasons[str(big)]
    assert "不是普通文件" in reasons[str(fifo)]
    assert len(summary.added) == 1 and summary.exit_code == 2


def test_ingest_bounded_read(tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same limit as ``parse`` (gongkai.api.MAX_INPUT_BYTES), read with a bound."""
    import gongkai.api

    monkeypatch.setattr(gongkai.api, "MAX_INPUT_BYTES", 1000)
    summary = ingest(str(tmp_path / "g.db"), [sample_path], jobs=1)
    assert summary.added == [] and "上限为 0 MB" in summary.refused[0][1]
