# ruff: noqa: F811  (the fixtures world and world_template come from test_serve_support)
"""Oversight, batch upload, exports, the JSON API and the command line of the web application."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import sqlalchemy as sa
from openpyxl import load_workbook
from typer.testing import CliRunner

from gongkai.serve import oversight as ov
from gongkai.serve import tables as t
from test_serve_support import (
    PASSWORD,
    World,
    client_for,
    filed,
    login,
    sample_bytes,
    world,  # noqa: F401
    world_template,  # noqa: F401
)


def test_dashboard_submitted_late_counts_and_repeated_prose(world: World) -> None:
    prose = "本机关认真贯彻落实政府信息公开条例，持续深化政务公开工作，不断提升公开质量和实效。"
    filed(world, year=2022, overview=prose + "全年主动公开信息一千条。")
    fid, _ = filed(world, year=2023, overview=prose + "全年主动公开信息两千条。")
    with world.db.engine.begin() as conn:  # submitted after the deadline of 31 January
        conn.execute(
            sa.update(t.filings)
            .where(t.filings.c.id == fid)
            .values(submitted_at=datetime(2024, 2, 3, 2, tzinfo=UTC))
        )
    c = client_for(world)
    login(c, "rev_a")
    page = c.get("/dashboard?year=2023")
    assert page.status_code == 200
    assert "江州市财政局" in page.text and "逾期" in page.text and "雷同" in page.text
    assert "<svg" in page.text and "公开率" in page.text
    board = c.get("/api/dashboard?year=2023").json()
    mine = next(a for a in board["agencies"] if a["agency"] == "江州市财政局")
    assert mine["late"] and mine["state"] == "submitted"
    assert mine["repeated"] is not None and mine["repeated"] >= ov.REPEAT_FLAG
    assert board["years"] == sorted(board["years"]) and 2023 in board["years"]
    assert board["indicators"]["granted"][board["years"].index(2023)] is not None
    # 湖滨市财政局 has a clerk but nothing filed: listed (in its own region) as not started, late
    other_board = client_for(world)
    login(other_board, "rev_b")
    hubin = next(
        a
        for a in other_board.get("/api/dashboard?year=2023").json()["agencies"]
        if a["agency"] == "湖滨市财政局"
    )
    assert hubin["state"] is None and hubin["late"]
    # an administrator narrows the dashboard to one region; a reviewer cannot widen it
    import sqlalchemy as sa2

    from gongkai.store import schema as s

    with world.db.engine.connect() as conn:
        hubin_region = conn.execute(
            sa2.select(s.regions.c.id).where(s.regions.c.name == "湖滨市")
        ).scalar_one()
    admin = client_for(world)
    login(admin, "admin1")
    narrowed = admin.get(f"/dashboard?year=2023&region={hubin_region}").text
    assert "湖滨市财政局" in narrowed and "江州市财政局" not in narrowed
    assert "江州市财政局" in admin.get("/dashboard?year=2023").text
    assert "湖滨市财政局" not in c.get(f"/dashboard?year=2023&region={hubin_region}").text
    card = c.get(f"/dashboard/agency/{world.agency_a}")
    assert card.status_code == 200 and "报告卡" in card.text and "2022" in card.text
    # the other region's reviewer sees nothing of it
    other = client_for(world)
    login(other, "rev_b")
    assert "江州市财政局" not in other.get("/dashboard?year=2023").text
    assert other.get(f"/dashboard/agency/{world.agency_a}").status_code == 404


def test_repeated_share_by_sentences() -> None:
    last = {"overview": "第一句话写得很长很长。第二句话也写得很长。"}
    same = ov.repeated_share(last, last)
    assert same == 1.0
    half = ov.repeated_share({"overview": "第一句话写得很长很长。全新的一句话写得很长。"}, last)
    assert half is not None and 0.4 < half < 0.6
    assert ov.repeated_share({"overview": None}, last) is None
    assert ov.due_date(2023).isoformat() == "2024-01-31"


def test_exports_in_scope(world: World) -> None:
    filed(world)
    filed(world, clerk="clerk_b")
    c = client_for(world)
    login(c, "rev_a")
    wb = load_workbook(io.BytesIO(c.get("/dashboard/export.xlsx?year=2023").content))
    names = {cell.value for ws in wb.worksheets for row in ws.iter_rows() for cell in row}
    assert "江州市财政局" in names and "湖滨市财政局" not in names
    csv_text = c.get("/dashboard/export.csv").content.decode("utf-8-sig")
    assert "江州市财政局" in csv_text and "湖滨市财政局" not in csv_text
    parquet = c.get("/dashboard/export.parquet?year=2023")
    assert parquet.status_code == 200 and parquet.content[:4] == b"PAR1"
    assert c.get("/dashboard/export.exe").status_code == 404


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_batch_upload_ingests_publishes_and_summarises(world: World) -> None:
    text = sample_bytes().decode("utf-8").replace("江州市人民政府", "江州市交通运输局")
    foreign = sample_bytes().decode("utf-8").replace("江州市人民政府", "湖滨市交通运输局")
    data = _zip(
        {"a/交通.txt": text.encode(), "外地.txt": foreign.encode(), "坏文件.txt": "不是报告".encode()}
    )
    c = client_for(world)
    csrf = login(c, "rev_a")
    r = c.post(
        "/dashboard/batch", data={"csrf": csrf}, files={"file": ("batch.zip", data, "application/zip")}
    )
    assert r.status_code == 200, r.text[:400]
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["a/交通.txt"][3] == "已导入并公开"
    assert rows["外地.txt"][3] == "未导入" and "管辖范围" in str(rows["外地.txt"][6])
    assert rows["坏文件.txt"][3] == "未导入"
    public = client_for(world).get("/api/public/reports").json()
    assert any(p["agency"] == "江州市交通运输局" for p in public)
    assert not any(p["agency"] == "湖滨市交通运输局" for p in public)
    # the same zip again: already stored
    r = c.post(
        "/dashboard/batch", data={"csrf": csrf}, files={"file": ("batch.zip", data, "application/zip")}
    )
    again = {
        row[0]: row
        for row in load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(min_row=2, values_only=True)
    }
    assert again["a/交通.txt"][3] == "已存在，跳过"
    # an agency's year in the filing workflow is not overwritten by a batch
    fid, rid = filed(world)
    mine = _zip(
        {"财政.txt": sample_bytes().decode("utf-8").replace("江州市人民政府", "江州市财政局").encode()}
    )
    r = c.post("/dashboard/batch", data={"csrf": csrf}, files={"file": ("b.zip", mine, "application/zip")})
    row = next(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert row[3] == "未导入" and "填报审核中" in str(row[6])
    from gongkai.serve import workflow as wf
    from test_serve_support import scope_of

    assert wf.get_filing(world.db, scope_of(world, "rev_a"), fid).report_id == rid
    # a clerk may not batch upload
    clerk = client_for(world)
    ccsrf = login(clerk, "clerk_a")
    assert (
        clerk.post("/dashboard/batch", data={"csrf": ccsrf}, files={"file": ("b.zip", data)}).status_code
        == 403
    )


def test_api_journey_with_bearer_token(world: World) -> None:
    from test_serve_support import form_from, sample_report

    c = client_for(world)
    token = c.post("/api/login", json={"username": "clerk_a", "password": PASSWORD}).json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/me", headers=h).json()["role"] == "clerk"
    fid = c.post("/api/filings", json={"year": 2023}, headers=h).json()["id"]
    form = form_from(sample_report())
    cells = {k[5:]: v for k, v in form.items() if k.startswith("cell:")}
    sections = {k[8:]: v for k, v in form.items() if k.startswith("section:")}
    draft = c.put(f"/api/filings/{fid}/draft", json={"cells": cells, "sections": sections}, headers=h).json()
    assert draft["state"] == "draft" and not [f for f in draft["findings"] if f["severity"] == "error"]
    reasons = {f["fingerprint"]: "核实" for f in draft["findings"] if f["severity"] == "warning"}
    r = c.post(
        f"/api/filings/{fid}/submit",
        json={"cells": cells, "sections": sections, "reasons": reasons},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["state"] == "submitted", r.text
    rt = c.post("/api/login", json={"username": "rev_a", "password": PASSWORD}).json()["token"]
    hr = {"Authorization": f"Bearer {rt}"}
    assert c.post(f"/api/filings/{fid}/approve", json={}, headers=hr).json()["state"] == "approved"
    assert (
        c.post(f"/api/filings/{fid}/publish", json={"comment": "同意公开"}, headers=hr).json()["state"]
        == "published"
    )
    history = c.get(f"/api/filings/{fid}/history", headers=hr).json()
    assert [e["action"] for e in history][-2:] == ["approve", "publish"]
    rid = c.get(f"/api/filings/{fid}", headers=hr).json()["report_id"]
    doc = c.get(f"/api/public/reports/{rid}").json()
    assert doc["schema"] == "gongkai.report/1" and doc["meta"]["agency"] == "江州市财政局"
    # uploads go through the API too (multipart, same guards)
    fid2 = c.post("/api/filings", json={"year": 2022}, headers=h).json()["id"]
    text = sample_bytes().decode("utf-8").replace("2023", "2022").encode("utf-8")
    up = c.post(f"/api/filings/{fid2}/upload", files={"file": ("2022.txt", text)}, headers=h)
    assert up.status_code == 200 and up.json()["draft"]["meta"]["year"] == 2022, up.text[:300]
    bad = c.post(f"/api/filings/{fid2}/upload", files={"file": ("x.txt", b"\x00\x01" * 99)}, headers=h)
    assert bad.status_code == 400 and "error" in bad.json()
    # the clerk may not approve; the OpenAPI description needs a session and lists the routes
    assert c.post(f"/api/filings/{fid}/approve", json={}, headers=h).status_code == 403
    assert c.get("/api/openapi.json").status_code == 401
    spec = c.get("/api/openapi.json", headers=hr).json()
    assert "/api/filings/{filing_id}/submit" in spec["paths"] and spec["openapi"].startswith("3.")
    assert c.post("/api/logout", headers=hr).status_code == 200
    assert c.get("/api/me", headers=hr).status_code == 401


def test_first_start_admin_password_and_users_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from gongkai.cli.main import app
    from gongkai.serve import accounts
    from gongkai.store.db import open_db

    db_path = tmp_path / "cli.db"
    db = open_db(db_path)
    password = accounts.ensure_admin(db)
    assert password and len(password) == 16
    assert accounts.ensure_admin(db) is None  # printed once: a second start creates nothing
    admin = accounts.authenticate(db, "admin", password)
    assert admin is not None and admin.must_change_password
    # the one-time password leads to the password page first
    c = client_for(type("W", (), {"db": db})())  # type: ignore[arg-type]
    page = c.get("/login")
    from test_serve_support import csrf_of

    r = c.post("/login", data={"username": "admin", "password": password, "csrf": csrf_of(page.text)})
    assert r.headers["location"] == "/account/password"
    assert c.get("/review").status_code == 303 and c.get("/review").headers["location"] == "/account/password"
    csrf = csrf_of(c.get("/account/password").text)
    r = c.post(
        "/account/password",
        data={"csrf": csrf, "old": password, "new": "new-secret-9", "again": "new-secret-9"},
    )
    assert r.status_code == 303 and c.get("/review").status_code == 200
    db.close()
    runner = CliRunner()
    r = runner.invoke(
        app, ["users", "add", "zhang", "--role", "reviewer", "--region", "淮安市", "--db", str(db_path)]
    )
    assert r.exit_code == 0 and "初始密码" in r.output, r.output
    r = runner.invoke(app, ["users", "add", "li", "--role", "clerk", "--db", str(db_path)])
    assert r.exit_code == 2 and "--agency" in r.output
    r = runner.invoke(app, ["users", "list", "--db", str(db_path)])
    assert "zhang" in r.output and "淮安市" in r.output
    assert runner.invoke(app, ["users", "disable", "zhang", "--db", str(db_path)]).exit_code == 0
    assert runner.invoke(app, ["users", "passwd", "nobody", "--db", str(db_path)]).exit_code == 2
    db = open_db(db_path)
    assert not accounts.find_user(db, "zhang").active  # type: ignore[union-attr]
    db.close()


def test_gongkai_serve_starts_on_a_random_local_port(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The command itself: first start prints the one-time password once, --sample publishes."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp_path / "demo.db"
    cmd = [sys.executable, "-m", "gongkai.cli", "serve", "--sample", "--db", str(db), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = ""
        for _ in range(300):  # bounded: at most 30 s
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/public", timeout=2) as r:
                    body = r.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        assert "江州市人民政府" in body
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "初始密码（只显示这一次）" in out and "已导入示例报告并公开：2 份" in out
