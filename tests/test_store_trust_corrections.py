"""Corrections survive new versions (issue 11, item 2): carried forward when the new version
still prints the value corrected, noted when it prints the corrected value, flagged for review
when it prints something else, never dropped silently; the same report in another file (other
line endings, another format) is that report, not a new version."""

# ruff: noqa: F811  (the fixtures db_url and pg_database come from test_store_support)

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from gongkai.api import parse_path
from gongkai.store import open_db
from gongkai.store import schema as s
from gongkai.store.corrections import correct, followups
from gongkai.store.ingest import ingest
from gongkai.store.query import load_reports
from gongkai.write import write_report
from test_store_support import db_url, pg_database  # noqa: F401

FEES = "active_disclosure.fees.amount"  # line 46 of the sample: 239.4224 (no identity uses it)
RECEIVED = "requests.new_received.total"  # line 53: 30


def variant(
    sample: Path, folder: Path, name: str, *, fees: str | None = None, received: str | None = None
) -> Path:
    lines = sample.read_text(encoding="utf-8").split("\n")
    assert lines[45].startswith("行政事业性收费\t239.4224") and lines[52].endswith("\t30")
    if fees is not None:
        lines[45] = lines[45].replace("239.4224", fees)
    if received is not None:
        lines[52] = lines[52][: -len("30")] + received
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def current(db: str) -> tuple[int, dict[str, object], list[str]]:
    [rec] = load_reports(db)
    values = rec.report.values()
    return rec.report_id, {a: values[a] for a in (FEES, RECEIVED)}, sorted(rec.corrected)


def test_corrections_follow_new_versions(db_url: str, tmp_path: Path, sample_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    first = ingest(db_url, [sample_path], jobs=1).added[0]
    correct(db_url, first, FEES, "240", reason="核对原件", by="张三")
    correct(db_url, first, RECEIVED, "29", reason="核对登记簿", by="李四")

    # The same report re-saved with CRLF line endings, and as a web page: the same report.
    crlf = folder / "crlf.txt"
    crlf.write_bytes(sample_path.read_bytes().replace(b"\n", b"\r\n"))
    html = folder / "same.html"
    html.write_bytes(write_report(parse_path(sample_path), "html"))
    got = ingest(db_url, [crlf, html], jobs=1)
    assert got.added == [] and [p for p, _ in got.copies] == [str(crlf), str(html)]
    assert {rid for _, rid in got.copies} == {first}
    assert current(db_url) == (first, {FEES: Decimal("240"), RECEIVED: 29}, [FEES, RECEIVED])
    again = ingest(db_url, [crlf], jobs=1)  # a copy is remembered by its hash
    assert again.duplicates == [str(crlf)] and again.copies == []

    # A new version: the fees still printed 239.4224 (carried), the count now printed 31 (review).
    second = ingest(db_url, [variant(sample_path, folder, "v2.txt", received="31")], jobs=1)
    assert second.versions == 1
    outcomes = {f.address: f.outcome for _, f in second.followups}
    assert outcomes == {FEES: "carried", RECEIVED: "review"}
    said = {f.address: f.describe() for _, f in second.followups}
    assert "沿用更正值 240" in said[FEES] and "请人工核对" in said[RECEIVED] and "31" in said[RECEIVED]
    rid2, values, corrected = current(db_url)
    assert rid2 != first and values == {FEES: Decimal("240"), RECEIVED: 31} and corrected == [FEES]
    [open_] = followups(db_url, open_only=True)
    assert open_.address == RECEIVED and open_.now_printed == "31" and open_.corrected == "29"

    db = open_db(db_url)
    with db.engine.connect() as conn:  # the carried correction keeps its person and reason
        c = s.corrections.c
        carried = conn.execute(sa.select(s.corrections).where(c.report_id == rid2)).one()
    db.close()
    assert (carried.who, carried.why, carried.new_value, carried.old_value) == (
        "张三",
        "核对原件",
        "240",
        "239.4224",
    )
    assert carried.carried_from_id is not None

    # A person corrects the flagged cell on the new version: no longer open.
    correct(db_url, rid2, RECEIVED, "30", reason="再次核对", by="李四")
    assert followups(db_url, open_only=True) == []

    # The publisher fixes the fees: the new version prints the corrected value.
    third = ingest(db_url, [variant(sample_path, folder, "v3.txt", fees="240", received="31")], jobs=1)
    outcomes = {f.address: f.outcome for _, f in third.followups}
    assert outcomes == {FEES: "printed", RECEIVED: "carried"}  # 31 printed again: the 30 carried
    rid3, values, corrected = current(db_url)
    assert values == {FEES: Decimal("240"), RECEIVED: 30} and corrected == [RECEIVED]
    assert len(followups(db_url, report_id=rid3)) == 2
