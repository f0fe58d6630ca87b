"""The register's pages: scope and roles through the ASGI client, and a clerk in Chromium
registering, pausing, extending and answering a request, then the overdue list.

The browser test needs Debian's /usr/bin/chromium and the playwright package; it is skipped
when either is absent."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient  # noqa: E402

from gongkai.register import service  # noqa: E402
from gongkai.register.clock import Event  # noqa: E402
from gongkai.serve import accounts  # noqa: E402
from gongkai.serve.app import create_app  # noqa: E402
from gongkai.store.db import Database, open_db  # noqa: E402

PASSWORD = "correct-horse-1"
AGENCY_A = "江苏省淮安市洪泽区人民政府"
AGENCY_B = "江苏省淮安市淮阴区人民政府"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated, with the accounts (password hashing is slow on purpose): copied for each test."""
    path = tmp_path_factory.mktemp("register_web") / "template.db"
    db = open_db(path)
    accounts.create_user(db, "clerk_a", "clerk", password=PASSWORD, agency=AGENCY_A)
    accounts.create_user(db, "clerk_b", "clerk", password=PASSWORD, agency=AGENCY_B)
    accounts.create_user(db, "viewer", "viewer", password=PASSWORD)
    db.close()
    return path


@pytest.fixture
def world(tmp_path: Path, template_db: Path) -> Iterator[Database]:
    shutil.copyfile(template_db, tmp_path / "web.db")
    db = open_db(tmp_path / "web.db")
    yield db
    db.close()


def login(client: TestClient, username: str) -> str:
    page = client.get("/login")
    csrf = _CSRF.search(page.text)
    assert csrf
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf": csrf.group(1)})
    assert r.status_code == 303, r.text[:300]
    home = client.get("/register")
    assert home.status_code == 200, home.text[:300]
    found = _CSRF.search(home.text)
    assert found
    return found.group(1)


def test_pages_respect_roles_and_scope(world: Database) -> None:
    a = TestClient(create_app(world), raise_server_exceptions=False, follow_redirects=False)
    csrf = login(a, "clerk_a")
    r = a.post(
        "/register/new",
        data={
            "csrf": csrf,
            "received_on": "2026-03-02",
            "channel": "邮寄",
            "applicant": "张三",
            "applicant_type": "natural_person",
            "content": "某项目批复",
            "handler": "李四",
        },
    )
    assert r.status_code == 303, r.text[:500]
    url = r.headers["location"]
    page = a.get(url)
    assert "2026-03-30" in page.text and "签收之日" in page.text
    bad = a.post(
        url + "/event",
        data={"csrf": csrf, "kind": "extension", "on": "2026-03-05", "days": "30", "approved_by": "王"},
    )
    assert bad.status_code == 400 and "1 至 20" in bad.text
    assert (
        a.post(url + "/event", data={"kind": "extension", "on": "2026-03-05", "days": "3"}).status_code == 403
    )  # no CSRF

    b = TestClient(create_app(world), raise_server_exceptions=False, follow_redirects=False)
    login(b, "clerk_b")
    assert b.get(url).status_code == 404  # another agency's request
    assert "张三" not in b.get("/register").text

    r = a.post(
        url + "/event", data={"csrf": csrf, "kind": "answer", "on": "2026-03-20", "outcome": "granted"}
    )
    assert r.status_code == 303
    page = a.get(url)
    assert "已办结" in page.text and "/letter?kind=答复" in page.text
    assert (
        a.post(
            url + "/appeal", data={"csrf": csrf, "kind": "reconsideration", "filed_on": "2026-04-01"}
        ).status_code
        == 303
    )
    appeal_id = service.get_request(world, int(url.rsplit("/", 1)[-1])).appeals[0].id
    r = a.post(
        f"{url}/appeal/{appeal_id}", data={"csrf": csrf, "result": "corrected", "decided_on": "2026-05-20"}
    )
    assert r.status_code == 303
    assert "纠正（2026-05-20 审结）" in a.get(url).text
    letter = a.get(url + "/letter", params={"kind": "答复"})
    assert letter.status_code == 200 and letter.content[:2] == b"PK"
    tables = a.get("/register/tables", params={"year": "2026"})
    assert tables.status_code == 200 and "按期答复率 100.0%" in tables.text and "纠错率 100.0%" in tables.text
    doc = a.get("/register/tables.json", params={"year": "2026"}).json()
    assert doc["tables"]["requests"]["granted"]["natural_person"]["value"] == 1
    assert doc["meta"]["agency"] == AGENCY_A and doc["meta"]["edition"] == "2021"
    assert (
        b.get("/register/tables.json", params={"year": "2026"}).json()["tables"]["requests"]["granted"][
            "total"
        ]["value"]
        == 0
    )  # clerk B counts only B's register

    v = TestClient(create_app(world), raise_server_exceptions=False, follow_redirects=False)
    vcsrf = login(v, "viewer")
    assert v.get(url).status_code == 200 and "延期答复" not in v.get(url).text  # read-only
    r = v.post(
        url + "/event", data={"csrf": vcsrf, "kind": "answer", "on": "2026-03-10", "outcome": "granted"}
    )
    assert r.status_code == 403


# --- the browser ----------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
ARGS = [  # as the web application's browser tests launch it: offline, no background traffic
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(world: Database) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    port = _free_port()
    config = uvicorn.Config(create_app(world), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium is absent")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(locale="zh-CN")
        page.set_default_timeout(15000)
        yield page
        browser.close()


def test_a_clerk_registers_pauses_extends_and_answers(
    server: str, browser_page: Any, world: Database
) -> None:
    page = browser_page
    page.goto(server + "/login")
    page.fill("input[name=username]", "clerk_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(server + "/register")

    form = page.locator("#new-request")
    form.locator("input[name=received_on]").fill("2026-03-02")
    form.locator("select[name=channel]").select_option("当面")
    form.locator("input[name=applicant]").fill("某律师事务所")
    form.locator("select[name=applicant_type]").select_option("legal_service_institution")
    form.locator("input[name=handler]").fill("李四")
    form.locator("input[name=content]").fill("2025年度征地补偿资金拨付情况")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/register/\d+$"))
    detail = page.url
    assert page.locator("#due").inner_text() == "2026-03-30"

    def event(form_id: str, **fields: str) -> None:
        f = page.locator(form_id)
        for name, value in fields.items():
            target = f.locator(f"[name={name}]")
            if name in ("kind", "outcome"):
                target.select_option(value)
            else:
                target.fill(value)
        f.locator("button[type=submit]").click()
        page.wait_for_load_state()

    # pause: third party consulted 3/5, answered 3/9 → 3/5, 3/6, 3/9 do not count → due 4/2
    event("#pause-form", kind="third_party", on="2026-03-05")
    assert "暂停" in page.locator("#timeline").inner_text()
    event("#pause-form", kind="third_party_answer", on="2026-03-09")
    assert page.locator("#due").inner_text() == "2026-04-02"
    # a second extension would be refused; the first: +10 working days over 清明 (4/4–4/6) → 4/17
    event("#extend-form", on="2026-03-31", days="10", approved_by="王主任")
    assert page.locator("#due").inner_text() == "2026-04-17"
    event("#extend-form", on="2026-04-01", days="5", approved_by="王主任")
    assert "只能延长一次" in page.locator("#error").inner_text()
    page.goto(detail)
    event("#answer-form", on="2026-04-16", outcome="granted")
    status = page.locator("#status").inner_text()
    assert "已办结" in status and "予以公开" in status
    timeline = page.locator("#timeline").inner_text()
    assert "经 王主任 同意延长答复期限 10 个工作日" in timeline and "（期限内）" in timeline

    # the overdue list: a request received 2026-01-05 and never answered is overdue on 2026-03-02
    service.add_request(
        world,
        service.NewRequest(
            AGENCY_A, "网络", date(2026, 1, 5), "natural_person", "王五", "某文件", handler="赵六"
        ),
    )
    late = service.add_request(
        world,
        service.NewRequest(
            AGENCY_A, "当面", date(2026, 2, 24), "natural_person", "钱七", "另一文件", handler="赵六"
        ),
    )
    service.add_event(world, late.id, Event("agency_consult", date(2026, 2, 26)))
    page.goto(server + "/register/overdue?as_of=2026-03-02&within=5")
    rows = page.locator("#due tbody tr")
    text = page.locator("#due").inner_text()
    assert rows.count() == 2
    assert "2026-02-02" in text and "已逾期" in text  # 1/5 + 20 working days, past
    assert "期限暂停中" in text  # the paused one has no date
    page.locator("#due a").first.click()
    page.wait_for_url(re.compile(r"/register/\d+$"))
    assert "已逾期" in page.locator("#status").inner_text()
