# ruff: noqa: F811  (the fixtures world and world_template come from test_serve_support)
"""Security of the web application, as tests: sessions, scopes, CSRF, escaping, rate limit,
cookies, uploads. Routes are enumerated from the application's routers, so a new route is
covered without a new test."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from test_serve_support import (
    PASSWORD,
    PUBLIC,
    World,
    client_for,
    csrf_of,
    filed,
    fill,
    form_from,
    login,
    routes,
    world,  # noqa: F401
    world_template,  # noqa: F401
)

ALL_ROUTES = routes()


def _ids(w: World, fid: int, rid: int) -> dict[str, object]:
    return {
        "filing_id": fid,
        "report_id": rid,
        "agency_id": w.agency_a,
        "number": 1,
        "username": "clerk_a",
        "fingerprint": "0" * 64,
        "fmt": "xlsx",
    }


def _send(client, method: str, url: str, **kw):  # type: ignore[no-untyped-def]
    return client.request(method, url, **kw)


def test_routes_are_enumerated() -> None:
    paths = {p for _, p in ALL_ROUTES}
    assert {"/filing/{filing_id}", "/review/{filing_id}", "/dashboard", "/api/filings"} <= paths
    assert len(ALL_ROUTES) > 40


def test_every_private_route_refuses_without_session(world: World) -> None:
    fid, rid = filed(world)
    ids = _ids(world, fid, rid)
    c = client_for(world)
    checked = 0
    for method, path in ALL_ROUTES:
        if (method, path) in PUBLIC:
            continue
        r = _send(c, method, fill(path, ids))
        checked += 1
        if r.status_code == 303:
            assert r.headers["location"] == "/login", (method, path)
        else:
            assert r.status_code == 401, (method, path, r.status_code, r.text[:200])
        assert "江州市财政局" not in r.text, (method, path)
    assert checked > 35


def test_public_routes_show_only_published(world: World) -> None:
    _, rid = filed(world)  # submitted, not published
    c = client_for(world)
    assert c.get("/public").status_code == 200
    for url in (f"/public/report/{rid}", f"/public/report/{rid}.html", f"/api/public/reports/{rid}"):
        assert c.get(url).status_code == 404, url
    assert all(r["report_id"] != rid for r in c.get("/api/public/reports").json())
    published = c.get("/api/public/reports").json()
    assert published, "the bundled samples are published"
    assert c.get(f"/public/report/{published[0]['report_id']}").status_code == 200
    docx = c.get(f"/public/report/{published[0]['report_id']}.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment" in docx.headers["content-disposition"]
    assert c.get("/static/app.css").status_code == 200


@pytest.mark.parametrize("intruder", ["clerk_b", "rev_b"])
def test_every_route_refuses_other_agency_ids(world: World, intruder: str) -> None:
    fid, rid = filed(world)  # agency A, region 江州市
    ids = _ids(world, fid, rid)
    c = client_for(world)
    csrf = login(c, intruder)
    checked = 0
    for method, path in ALL_ROUTES:
        if (
            not any(k in path for k in ("{filing_id}", "{agency_id}", "{report_id"))
            or (method, path) in PUBLIC
        ):
            continue
        kw = {"data": {"csrf": csrf}} if method in ("POST", "PUT") else {}
        r = _send(c, method, fill(path, ids), headers={"X-CSRF-Token": csrf}, **kw)
        checked += 1
        assert r.status_code in (403, 404), (intruder, method, path, r.status_code, r.text[:300])
        assert "江州市财政局" not in r.text, (method, path)
    assert checked >= 15
    # lists are filtered on the server too
    assert "江州市财政局" not in c.get("/api/filings").text
    page = c.get("/dashboard?year=2023") if intruder == "rev_b" else c.get("/filing")
    assert "江州市财政局" not in page.text


def test_reviewer_in_scope_is_allowed(world: World) -> None:
    fid, _ = filed(world)
    c = client_for(world)
    login(c, "rev_a")
    assert c.get(f"/review/{fid}").status_code == 200
    assert c.get(f"/api/filings/{fid}/review").status_code == 200


def test_every_form_refuses_without_csrf(world: World) -> None:
    fid, rid = filed(world)
    ids = _ids(world, fid, rid)
    c = client_for(world)
    login(c, "admin1")
    checked = 0
    for method, path in ALL_ROUTES:
        if method not in ("POST", "PUT", "PATCH", "DELETE") or path in ("/login", "/api/login"):
            continue
        r = _send(c, method, fill(path, ids), data={"comment": "x"})
        checked += 1
        assert r.status_code == 403 and "CSRF" in r.text, (method, path, r.status_code, r.text[:200])
    assert checked > 20
    # a wrong token is refused as well; the login form has its own token
    r = c.post(f"/review/{fid}/return", data={"comment": "x", "csrf": "forged"})
    assert r.status_code == 403
    r = client_for(world).post("/login", data={"username": "admin1", "password": PASSWORD})
    assert r.status_code == 403 and "gk_session" not in r.headers.get("set-cookie", "")


def test_bearer_clients_need_no_csrf_and_cookie_clients_do(world: World) -> None:
    c = client_for(world)
    token = c.post("/api/login", json={"username": "clerk_a", "password": PASSWORD}).json()["token"]
    r = c.post("/api/filings", json={"year": 2022}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    assert r.json()["agency"] == "江州市财政局"
    c2 = client_for(world)
    csrf = login(c2, "clerk_a")
    assert c2.post("/api/filings", json={"year": 2021}).status_code == 403
    assert c2.post("/api/filings", json={"year": 2021}, headers={"X-CSRF-Token": csrf}).status_code == 201


def test_login_rate_limited_and_cookie_flags(world: World) -> None:
    c = client_for(world)
    for _ in range(5):
        page = c.get("/login")
        r = c.post(
            "/login", data={"username": "clerk_a", "password": "wrong-password", "csrf": csrf_of(page.text)}
        )
        assert r.status_code == 401 and "用户名或密码不正确" in r.text
    page = c.get("/login")
    r = c.post("/login", data={"username": "clerk_a", "password": PASSWORD, "csrf": csrf_of(page.text)})
    assert r.status_code == 429 and "次数过多" in r.text
    assert c.post("/api/login", json={"username": "clerk_a", "password": PASSWORD}).status_code == 429
    # a colleague behind the same address is not locked out by it; the session cookie is
    # HttpOnly and SameSite
    page = c.get("/login")
    r = c.post("/login", data={"username": "rev_a", "password": PASSWORD, "csrf": csrf_of(page.text)})
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "gk_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    # guessing many names from one address is limited too
    from gongkai.serve.security import RateLimiter

    limiter = RateLimiter(limit=5, address_limit=8)
    for k in range(8):
        limiter.fail(f"user:u{k}", "ip:1.2.3.4")
    assert limiter.blocked("user:new", "ip:1.2.3.4") and not limiter.blocked("user:new", "ip:5.6.7.8")


def test_passwords_hashed_with_argon2(world: World) -> None:
    import sqlalchemy as sa

    from gongkai.serve import tables as t

    with world.db.engine.connect() as conn:
        hashes = conn.execute(sa.select(t.users.c.password_hash)).scalars().all()
        tokens = conn.execute(sa.select(t.sessions.c.token_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)
    c = client_for(world)
    login(c, "clerk_a")
    with world.db.engine.connect() as conn:
        stored = conn.execute(sa.select(t.sessions.c.token_hash)).scalars().all()
    assert len(stored) == len(tokens) + 1
    assert c.cookies.get("gk_session") not in stored  # only the hash is kept


SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'


def test_script_and_formula_payloads_inert(world: World) -> None:
    from gongkai.serve import accounts

    evil = f"{SCRIPT}江州市{FORMULA}局"
    accounts.create_user(world.db, "evil", "clerk", agency=evil, password=PASSWORD)
    w = world
    w.users["evil"] = accounts.find_user(w.db, "evil")  # type: ignore[assignment]
    fid, rid = filed(w, "evil", overview=f"总体情况{SCRIPT}<img src=x onerror=alert(2)>\n{FORMULA}")
    c = client_for(w)
    csrf = login(c, "admin1")
    pages = [
        c.get(f"/filing/{fid}"),
        c.get(f"/review/{fid}"),
        c.get("/review"),
        c.get("/dashboard?year=2023"),
    ]
    for r in pages:
        assert r.status_code == 200, r.text[:300]
        assert "<script>alert" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1].text
    assert "script-src 'self'" in pages[1].headers["content-security-policy"]
    # published: the public page, the HTML download and the API
    c.post(f"/review/{fid}/approve", data={"csrf": csrf})
    for f in c.get(f"/api/filings/{fid}/review").json()["findings"]:
        c.post(
            f"/review/{fid}/finding",
            data={"csrf": csrf, "fingerprint": f["fingerprint"], "decision": "dismissed", "comment": "测试"},
        )
    c.post(f"/review/{fid}/approve", data={"csrf": csrf})
    assert c.post(f"/review/{fid}/publish", data={"csrf": csrf}).status_code == 303
    anon = client_for(w)
    for url in ("/public", f"/public/report/{rid}", f"/public/report/{rid}.html"):
        r = anon.get(url)
        assert r.status_code == 200, url
        assert "<script>alert" not in r.text and "<img src=x" not in r.text, url
    # exports: no formula cell in the workbook, formula-looking texts quoted in the CSV
    wb = load_workbook(io.BytesIO(c.get("/dashboard/export.xlsx?year=2023").content))
    texts = [
        cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert not [t for t in texts if t.startswith("=")]
    assert any("HYPERLINK" in t for t in texts)
    csv_text = c.get("/dashboard/export.csv?year=2023").content.decode("utf-8-sig")
    for line in csv_text.splitlines():
        for field in line.split(","):
            assert not field.lstrip('"').startswith("="), field


def test_uploads_go_through_the_reader_guards(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from gongkai.serve import workflow as wf
    from gongkai.serve.render import STATIC

    before = {p.name for p in STATIC.iterdir()}
    c = client_for(world)
    csrf = login(c, "clerk_a")
    fid = int(
        c.post("/filing/new", data={"year": "2023", "csrf": csrf}).headers["location"].rsplit("/", 1)[-1]
    )
    bad = [
        ("binary.pdf", b"\x00\x01\x02" * 1000),
        ("bomb.docx", _zip_bomb()),
        ("notes.txt", "这不是年度报告。".encode()),
    ]
    for name, data in bad:
        r = c.post(f"/filing/{fid}/upload", data={"csrf": csrf}, files={"file": (name, data)})
        assert r.status_code == 400, (name, r.status_code)
        assert "Traceback" not in r.text and 'role="alert"' in r.text
    assert {p.name for p in STATIC.iterdir()} == before  # nothing lands in a served folder
    assert wf.upload_bytes(world.db, fid) == (None, None)


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<a>" + b"0" * (80 * 1024 * 1024) + b"</a>")
    return buf.getvalue()


def test_security_headers_and_no_cdn(world: World) -> None:
    from gongkai.serve.render import STATIC, TEMPLATES

    c = client_for(world)
    r = c.get("/login")
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    for folder in (STATIC, TEMPLATES):
        for p in folder.iterdir():
            text = p.read_text(encoding="utf-8")
            assert "http://" not in text and "https://" not in text, p.name


def test_viewer_reads_but_cannot_act_and_admin_manages_users(world: World) -> None:
    fid, _ = filed(world)
    viewer = client_for(world)
    csrf = login(viewer, "viewer")
    assert viewer.get(f"/review/{fid}").status_code == 200
    assert viewer.get("/dashboard?year=2023").status_code == 200
    for action in ("approve", "return", "publish"):
        r = viewer.post(f"/review/{fid}/{action}", data={"csrf": csrf, "comment": "x"})
        assert r.status_code == 403, action
    assert (
        viewer.post("/dashboard/batch", data={"csrf": csrf}, files={"file": ("a.zip", b"x")}).status_code
        == 403
    )
    assert viewer.get("/admin/users").status_code == 403
    assert viewer.get("/filing").status_code == 403
    admin = client_for(world)
    acsrf = login(admin, "admin1")
    r = admin.post(
        "/admin/users",
        data={
            "csrf": acsrf,
            "username": "wang",
            "role": "clerk",
            "agency": "江州市财政局",
            "display_name": "王五",
        },
    )
    assert r.status_code == 200 and "初始密码" in r.text
    password = re.search(r'<code class="secret">([^<]+)</code>', r.text)
    assert password is not None
    fresh = client_for(world)
    page = fresh.get("/login")
    r = fresh.post(
        "/login", data={"username": "wang", "password": password.group(1), "csrf": csrf_of(page.text)}
    )
    assert r.headers["location"] == "/account/password"
    r = admin.post("/admin/users/wang/active", data={"csrf": acsrf, "active": "0"})
    assert r.status_code == 200 and "已停用" in r.text
    from gongkai.serve import accounts

    assert accounts.authenticate(world.db, "wang", password.group(1)) is None  # disabled: no sign-in


def test_payloads_in_an_uploaded_file_are_inert(world: World) -> None:
    from gongkai.serve import workflow as wf
    from gongkai.write import write_report
    from test_serve_support import sample_report, scope_of, submit_confirmed

    html = write_report(sample_report(), "html").decode("utf-8")
    evil = "<p>&lt;script&gt;alert(4)&lt;/script&gt;=HYPERLINK(&quot;http://x&quot;)</p>"
    html = html.replace("</section>", evil + "</section>", 1)
    user, scope = world.users["clerk_a"], scope_of(world, "clerk_a")
    fid = wf.start_filing(world.db, scope, user, world.agency_a, 2023)
    report = wf.upload(world.db, scope, user, fid, "evil.html", html.encode("utf-8"))
    assert "<script>alert(4)</script>" in (report.sections.get("overview") or "")
    c = client_for(world)
    login(c, "clerk_a")
    page = c.get(f"/filing/{fid}").text
    assert "<script>alert(4)" not in page and "&lt;script&gt;alert(4)&lt;/script&gt;" in page
    submit_confirmed(world, "clerk_a", fid, form_from(wf.draft_report(world.db, fid)), "核实")
    rev = client_for(world)
    login(rev, "rev_a")
    review = rev.get(f"/review/{fid}").text  # the HTML source is shown as lines of text
    assert "<script>alert(4)" not in review and "&lt;script&gt;alert(4)&lt;/script&gt;" in review
