"""The main journeys in a real Chromium (Debian's, driven by playwright; skipped without it).

A clerk fills and submits, fixing one error on the way; a reviewer sends it back with a
comment; the clerk corrects and resubmits; the reviewer approves and publishes; the public page
and the dashboard show it. Every step is saved as a screenshot under the test's temporary
folder, or under ``$GONGKAI_SCREENSHOTS`` when set (how docs/images was made).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_serve_support import PASSWORD, World, make_world, sample_report

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CELL = "requests.new_received.natural_person"
PENDING = "requests.carried_forward.natural_person"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, World]]:
    import uvicorn

    from gongkai.serve.app import create_app

    world = make_world(tmp_path)
    port = _free_port()
    config = uvicorn.Config(create_app(world.db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):  # bounded: at most 20 s
        if srv.started:
            break
        time.sleep(0.1)
    assert srv.started, "server did not start"
    yield f"http://127.0.0.1:{port}", world
    srv.should_exit = True
    thread.join(timeout=10)
    world.db.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GONGKAI_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_clerk_reviewer_public_journey(server: tuple[str, World], shots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)  # a loaded machine: waits are bounded, never sleeps
    base, _ = server
    report = sample_report()
    values = {a: str(c.value) for a, c in report.cells() if c.known and not a.endswith(".total")}
    sections = {k: v or "" for k, v in report.sections.items()}

    def login(page, user: str) -> None:  # type: ignore[no-untyped-def]
        page.goto(base + "/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            clerk = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
            clerk.set_default_timeout(20_000)
            login(clerk, "clerk_a")
            expect(clerk.locator("h1")).to_contain_text("江州市财政局")
            clerk.screenshot(path=str(shots / "01-clerk-filings.png"))
            clerk.fill("input[name=year]", "2023")
            clerk.click("text=开始填报")
            expect(clerk.locator("#findings-panel")).to_be_visible()
            # fill the form as a clerk would paste it, then type one number wrong
            clerk.evaluate(
                """([values, sections]) => {
                    for (const [a, v] of Object.entries(values)) {
                        const i = document.querySelector(`input[name="cell:${a}"]`); if (i) i.value = v; }
                    for (const [k, v] of Object.entries(sections)) {
                        const t = document.querySelector(`textarea[name="section:${k}"]`); if (t) t.value = v; }
                }""",
                [values, sections],
            )
            wrong = clerk.locator(f'input[name="cell:{CELL}"]')
            wrong.fill(str(int(values[CELL]) + 5))
            with clerk.expect_response(lambda r: r.url.endswith("/check")):
                wrong.dispatch_event("input")
            expect(clerk.locator("#findings li.error").first).to_be_visible()
            expect(clerk.locator(f'td[data-address="{CELL}"].has-error')).to_have_count(1)
            expect(clerk.locator(f'td[data-address="{CELL}"]')).to_have_attribute(
                "title", re.compile("错误：")
            )
            clerk.locator(f'td[data-address="{CELL}"]').evaluate("e => e.scrollIntoView({block: 'center'})")
            clerk.screenshot(path=str(shots / "02-clerk-error-live.png"))
            wrong.fill(values[CELL])
            with clerk.expect_response(lambda r: r.url.endswith("/check")):
                wrong.dispatch_event("input")
            expect(clerk.locator("#check-state")).to_have_text("（无错误）")
            expect(clerk.locator('input[name="cell:requests.new_received.total"]')).to_have_value(
                str(report.cell("requests.new_received.total").value)
            )
            for box in clerk.locator("#findings textarea").all():
                box.fill("已与业务科室核实")
            clerk.screenshot(path=str(shots / "03-clerk-fixed.png"))
            clerk.click("#submit-btn")
            expect(clerk.locator("h1 .badge")).to_have_text("已提交待审")
            clerk.screenshot(path=str(shots / "04-clerk-submitted.png"))
            filing_url = clerk.url

            reviewer = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
            reviewer.set_default_timeout(20_000)
            login(reviewer, "rev_a")
            expect(reviewer.locator("text=江州市财政局")).to_be_visible()
            reviewer.screenshot(path=str(shots / "05-review-queue.png"))
            reviewer.click("text=审核")
            reviewer.locator("table.list a", has_text="审核").first.click()
            reviewer.locator(f'#review-tables td[data-address="{CELL}"]').click()
            expect(reviewer.locator("#cell-info")).to_contain_text("自然人")
            expect(reviewer.locator(f'#review-tables td[data-address="{CELL}"].selected')).to_have_count(1)
            reviewer.screenshot(path=str(shots / "06-review-page.png"), full_page=False)
            reviewer.fill("textarea[name=comment]", "请核对自然人新收申请数，与登记簿不一致。")
            reviewer.click("text=退回修改")
            expect(reviewer.locator(".flash")).to_contain_text("已退回")
            reviewer.screenshot(path=str(shots / "07-review-sent-back.png"))

            clerk.goto(filing_url)
            expect(clerk.locator(".history")).to_contain_text("请核对自然人新收申请数")
            for address in (CELL, PENDING):
                box = clerk.locator(f'input[name="cell:{address}"]')
                box.fill(str(int(box.input_value()) + 1))
            with clerk.expect_response(lambda r: r.url.endswith("/check")):
                box.dispatch_event("input")
            expect(clerk.locator("#check-state")).to_have_text("（无错误）")
            for box in clerk.locator("#findings textarea").all():
                box.fill("已按登记簿更正")
            clerk.screenshot(path=str(shots / "08-clerk-corrected.png"))
            clerk.click("#submit-btn")
            expect(clerk.locator("h1 .badge")).to_have_text("已提交待审")

            reviewer.reload()
            expect(reviewer.locator("h1 .badge")).to_have_text("已提交待审")
            reviewer.click("button:has-text('审核通过')")
            expect(reviewer.locator("h1 .badge")).to_have_text("已审核通过")
            reviewer.click("button:has-text('公开发布')")
            expect(reviewer.locator("h1 .badge")).to_have_text("已公开")
            reviewer.screenshot(path=str(shots / "09-review-published.png"))

            public = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            public.goto(base + "/public")
            public.click("text=江州市财政局")
            expect(public.locator(f'td[data-address="{CELL}"]')).to_have_text(str(int(values[CELL]) + 1))
            public.screenshot(path=str(shots / "10-public-report.png"))

            reviewer.goto(base + "/dashboard?year=2023")
            expect(reviewer.locator("#status-table")).to_contain_text("江州市财政局")
            expect(reviewer.locator("#status-table")).to_contain_text("已公开")
            reviewer.screenshot(path=str(shots / "11-dashboard.png"), full_page=True)
        finally:
            browser.close()
    assert len(list(shots.glob("*.png"))) >= 11


def test_review_marks_the_cell_on_the_pdf_page(server: tuple[str, World], shots: Path) -> None:
    """A clerk uploads a PDF; the reviewer clicks a cell and sees its box on the page image."""
    from playwright.sync_api import expect, sync_playwright

    from gongkai.serve import workflow as wf
    from pdfmake import render_report
    from test_serve_support import form_from, scope_of, submit_confirmed

    expect.set_options(timeout=20_000)
    base, world = server
    pdf = render_report(sample_report())
    user, scope = world.users["clerk_a"], scope_of(world, "clerk_a")
    fid = wf.start_filing(world.db, scope, user, world.agency_a, 2023)
    wf.upload(world.db, scope, user, fid, "江州市财政局2023年报.pdf", pdf)
    submit_confirmed(world, "clerk_a", fid, form_from(wf.draft_report(world.db, fid)), "核实")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(20_000)
            page.goto(base + "/login")
            page.fill("input[name=username]", "rev_a")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{base}/review/{fid}")
            page.locator('#review-tables td[data-address="requests.new_received.total"]').click()
            box = page.locator("#pdf-box")
            expect(box).to_be_visible()
            expect(page.locator("#pdf-page")).to_have_js_property("complete", True)
            size = box.bounding_box()
            assert size is not None and 5 < size["width"] < 200 and 3 < size["height"] < 80
            page.screenshot(path=str(shots / "12-review-pdf-box.png"))
        finally:
            browser.close()
