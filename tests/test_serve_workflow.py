# ruff: noqa: F811  (the fixtures world and world_template come from test_serve_support)
"""The filing and review workflow through the pages: live check, errors block, warnings need a
reason, submission freezes a version, review with source beside, corrections beside what was
filed, dismissals that survive re-checks, send back, resubmit, approve, publish, history."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from gongkai.serve import tables as t
from gongkai.serve import workflow as wf
from gongkai.store import schema as s
from test_serve_support import (
    World,
    client_for,
    filed,
    form_from,
    login,
    sample_bytes,
    sample_report,
    scope_of,
    start_filing,
    submit_confirmed,
    world,  # noqa: F401
    world_template,  # noqa: F401
)

CELL = "requests.new_received.natural_person"


def cell_data(html: str) -> dict:  # type: ignore[type-arg]
    m = re.search(r'<script type="application/json" id="cell-data">(.*?)</script>', html, re.S)
    assert m, "no cell data on the review page"
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def _check(c, fid: int, csrf: str, form: dict[str, str]) -> dict:  # type: ignore[no-untyped-def]
    r = c.post(f"/filing/{fid}/check", data=form, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text[:300]
    return r.json()


def test_clerk_fills_fixes_an_error_and_submits(world: World) -> None:
    c = client_for(world)
    csrf = login(c, "clerk_a")
    fid = start_filing(c, csrf)
    page = c.get(f"/filing/{fid}")
    assert page.status_code == 200 and 'name="cell:requests.new_received.total"' in page.text
    report = sample_report()
    form = form_from(report, csrf=csrf)
    # totals are computed live from their parts
    partial = {k: v for k, v in form.items() if not k.endswith(".total")}
    live = _check(c, fid, csrf, partial)
    assert live["totals"]["requests.new_received.total"] == str(
        report.cell("requests.new_received.total").value
    )
    # one wrong number: an error beside its cell, and submission is blocked
    wrong = dict(form, **{f"cell:{CELL}": str(int(form[f"cell:{CELL}"]) + 7)})
    live = _check(c, fid, csrf, wrong)
    errors = [f for f in live["findings"] if f["severity"] == "error"]
    assert errors and any(CELL in f["cells"] for f in errors)
    r = c.post(f"/filing/{fid}/submit", data=wrong)
    assert r.status_code == 400 and "不能提交" in r.text
    assert wf.get_filing(world.db, scope_of(world, "clerk_a"), fid).state == "draft"
    # a value that is no number is refused with the cell named
    live = _check(c, fid, csrf, dict(form, **{f"cell:{CELL}": "十二"}))
    assert CELL in live["invalid"]
    # fixed: saved as a draft, then submitted
    r = c.post(f"/filing/{fid}/save", data=form)
    assert r.status_code == 200 and "草稿已保存" in r.text
    live = _check(c, fid, csrf, form)
    assert not [f for f in live["findings"] if f["severity"] == "error"]
    for f in live["findings"]:
        if f["severity"] == "warning":
            form[f"reason:{f['fingerprint']}"] = "已与业务科室核实"
    r = c.post(f"/filing/{fid}/submit", data=form)
    assert r.status_code == 303, r.text[:500]
    info = wf.get_filing(world.db, scope_of(world, "clerk_a"), fid)
    assert info.state == "submitted" and info.report_id and info.submissions == 1
    # frozen: the draft can no longer be changed, the stored version is the one submitted
    r = c.post(f"/filing/{fid}/save", data=wrong)
    assert r.status_code == 409
    with world.db.engine.connect() as conn:
        value = conn.execute(
            sa.select(s.cells.c.value).where(s.cells.c.report_id == info.report_id, s.cells.c.address == CELL)
        ).scalar()
    assert value == form[f"cell:{CELL}"]


def test_warnings_need_a_reason(world: World) -> None:
    user, scope = world.users["clerk_a"], scope_of(world, "clerk_a")
    fid = wf.start_filing(world.db, scope, user, world.agency_a, 2023)
    form = form_from(sample_report())
    # prose that disagrees with the table is a warning (identity 7)
    form["section:overview"] = "本年共新收政府信息公开申请9999件。"
    result = wf.apply_form(wf.draft_report(world.db, fid), form)
    warnings = [f for f in result.findings if f.severity.value == "warning"]
    assert warnings, [f.rule for f in result.findings]
    try:
        wf.submit(world.db, scope, user, fid, form, {})
        raise AssertionError("submitted without reasons")
    except wf.WorkflowError as e:
        assert "警告需要填写说明" in e.message
    values = wf.report_values(result.report)
    reasons = {wf.fingerprint(f.rule, f.cells, values): "口径不同" for f in warnings}
    rid = wf.submit(world.db, scope, user, fid, form, reasons)
    events = wf.history(world.db, fid)
    assert events[-1].action == "submit" and set(events[-1].details["warning_reasons"]) == set(reasons)
    assert rid


def test_upload_reads_cell_by_cell_and_last_year_prefills(world: World) -> None:
    c = client_for(world)
    csrf = login(c, "clerk_a")
    fid = start_filing(c, csrf, 2023)
    r = c.post(f"/filing/{fid}/upload", data={"csrf": csrf}, files={"file": ("江州.txt", sample_bytes())})
    assert r.status_code == 200 and "已读取" in r.text
    draft = wf.draft_report(world.db, fid)
    assert draft.meta.agency == "江州市财政局" and draft.meta.year == 2023
    assert draft.cell("requests.new_received.total").at is not None  # read from the upload, located
    assert (
        draft.cell("requests.new_received.total").value
        == sample_report().cell("requests.new_received.total").value
    )
    # submit the upload; then the 2024 filing starts from it
    form = form_from(draft, csrf=csrf)
    live = _check(c, fid, csrf, form)
    for f in live["findings"]:
        if f["severity"] == "warning":
            form[f"reason:{f['fingerprint']}"] = "核实无误"
    assert c.post(f"/filing/{fid}/submit", data=form).status_code == 303
    fid2 = start_filing(c, csrf, 2024)
    nxt = wf.draft_report(world.db, fid2)
    for col in ("natural_person", "total"):
        cell = nxt.cell(f"requests.carried_over.{col}")
        assert cell.status.value == "inferred" and cell.raw == wf.PREVIOUS
        assert cell.value == draft.cell(f"requests.carried_forward.{col}").value
    assert c.get(f"/filing/{fid2}").status_code == 200


def test_review_send_back_resubmit_approve_publish(world: World) -> None:
    fid, rid = filed(world)
    clerk = client_for(world)
    ccsrf = login(clerk, "clerk_a")
    rev = client_for(world)
    rcsrf = login(rev, "rev_a")
    q = rev.get("/review")
    assert f"/review/{fid}" in q.text
    page = rev.get(f"/review/{fid}")
    assert page.status_code == 200
    data = cell_data(page.text)
    assert data["cells"][CELL]["label"]
    assert "原件" in page.text and "办理记录" in page.text
    # send back with a comment; the clerk sees it and resubmits: a second frozen version
    r = rev.post(f"/review/{fid}/return", data={"csrf": rcsrf, "comment": "请核对自然人申请数"})
    assert r.status_code == 303
    assert "请核对自然人申请数" in clerk.get(f"/filing/{fid}").text
    form = form_from(wf.draft_report(world.db, fid), csrf=ccsrf)
    for cell in (CELL, "requests.carried_forward.natural_person"):  # one more request, still pending
        form[f"cell:{cell}"] = str(int(form[f"cell:{cell}"]) + 1)
    live = clerk.post(f"/filing/{fid}/check", data=form, headers={"X-CSRF-Token": ccsrf}).json()
    for f in live["findings"]:
        if f["severity"] == "warning":
            form[f"reason:{f['fingerprint']}"] = "已核对"
    r = clerk.post(f"/filing/{fid}/submit", data=form)
    assert r.status_code == 303, re.findall(r'role="status"[^>]*>([^<]*)', r.text)
    info = wf.get_filing(world.db, scope_of(world, "rev_a"), fid)
    assert info.submissions == 2 and info.report_id != rid
    with world.db.engine.connect() as conn:
        versions = (
            conn.execute(sa.select(s.reports.c.version).where(s.reports.c.id.in_([rid, info.report_id])))
            .scalars()
            .all()
        )
    assert sorted(versions) == [1, 2]
    # a correction with a reason: kept beside what was filed, re-checked
    old = int(wf.draft_report(world.db, fid).cell(CELL).value or 0)
    r = rev.post(
        f"/review/{fid}/correct",
        data={"csrf": rcsrf, "address": CELL, "value": str(old + 1), "reason": "与申请登记簿核对"},
    )
    assert r.status_code == 303
    with world.db.engine.connect() as conn:
        filed_value = conn.execute(
            sa.select(s.cells.c.value).where(s.cells.c.report_id == info.report_id, s.cells.c.address == CELL)
        ).scalar()
        fix = conn.execute(sa.select(s.corrections).where(s.corrections.c.report_id == info.report_id)).one()
    assert filed_value == str(old) and fix.new_value == str(old + 1) and fix.why == "与申请登记簿核对"
    assert "rev_a" in fix.who
    # the correction broke a sum: approval is blocked until the error is dismissed (or fixed)
    findings = rev.get(f"/api/filings/{fid}/review").json()["findings"]
    errors = [f for f in findings if f["severity"] == "error"]
    assert errors
    r = rev.post(f"/review/{fid}/approve", data={"csrf": rcsrf})
    assert r.status_code == 409 and "错误" in r.text
    for f in errors:
        r = rev.post(
            f"/review/{fid}/finding",
            data={
                "csrf": rcsrf,
                "fingerprint": f["fingerprint"],
                "decision": "dismissed",
                "comment": "登记簿为准",
            },
        )
        assert r.status_code == 303
    assert rev.post(f"/review/{fid}/approve", data={"csrf": rcsrf}).status_code == 303
    assert rev.post(f"/review/{fid}/publish", data={"csrf": rcsrf}).status_code == 303
    # public: listed and shown with the corrected value; the history tells the whole story
    anon = client_for(world)
    assert f"/public/report/{info.report_id}" in anon.get("/public").text
    public = anon.get(f"/public/report/{info.report_id}")
    assert f'data-address="{CELL}">{old + 1}<' in public.text
    actions = [e.action for e in wf.history(world.db, fid)]
    assert actions[:2] == ["create", "submit"] or actions[0] == "create"
    for a in ("return", "submit", "correct", "dismiss", "approve", "publish"):
        assert a in actions, actions
    final = rev.get(f"/review/{fid}").text
    assert "登记簿为准" in final and "请核对自然人申请数" in final


def test_dismissal_survives_recheck_and_is_keyed_by_values(world: World) -> None:
    fid, rid = filed(world, overview="本年共新收政府信息公开申请9999件。")
    rev = client_for(world)
    rcsrf = login(rev, "rev_a")
    findings = rev.get(f"/api/filings/{fid}/review").json()["findings"]
    warning = next(f for f in findings if f["severity"] == "warning")
    rev.post(
        f"/review/{fid}/finding",
        data={
            "csrf": rcsrf,
            "fingerprint": warning["fingerprint"],
            "decision": "dismissed",
            "comment": "正文口径不同",
        },
    )
    # a correction elsewhere re-checks the report: the same finding keeps its fingerprint and decision
    rev.post(
        f"/review/{fid}/correct",
        data={"csrf": rcsrf, "address": "appeals.reconsideration.other", "value": "0", "reason": "核对"},
    )
    after = rev.get(f"/api/filings/{fid}/review").json()["findings"]
    same = [f for f in after if f["fingerprint"] == warning["fingerprint"]]
    assert same and same[0]["decision"] == "dismissed"
    # the fingerprint depends on rule, cells and values
    a = wf.fingerprint("r", ["x.y.z"], {"x.y.z": 1})
    assert a == wf.fingerprint("r", ["x.y.z"], {"x.y.z": 1, "other": 5})
    assert a != wf.fingerprint("r", ["x.y.z"], {"x.y.z": 2}) and a != wf.fingerprint(
        "q", ["x.y.z"], {"x.y.z": 1}
    )
    with world.db.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(t.finding_reviews)).scalar()
    assert n == 1 and rid


def test_review_shows_pdf_page_with_cell_box(world: World) -> None:
    from pdfmake import render_report

    pdf = render_report(sample_report())
    c = client_for(world)
    csrf = login(c, "clerk_a")
    fid = start_filing(c, csrf)
    r = c.post(
        f"/filing/{fid}/upload", data={"csrf": csrf}, files={"file": ("报告.pdf", pdf, "application/pdf")}
    )
    assert r.status_code == 200, r.text[:400]
    draft = wf.draft_report(world.db, fid)
    form = form_from(draft, csrf=csrf)
    live = c.post(f"/filing/{fid}/check", data=form, headers={"X-CSRF-Token": csrf}).json()
    for f in live["findings"]:
        if f["severity"] == "warning":
            form[f"reason:{f['fingerprint']}"] = "核实"
    assert c.post(f"/filing/{fid}/submit", data=form).status_code == 303
    rev = client_for(world)
    login(rev, "rev_a")
    page = rev.get(f"/review/{fid}")
    assert 'id="pdf-page"' in page.text
    data = cell_data(page.text)
    assert data["pages"] and data["pages"][0][0] > 500
    at = data["cells"]["requests.new_received.total"]["at"]
    assert at["page"] >= 1 and len(at["bbox"]) == 4
    png = rev.get(f"/review/{fid}/page/{at['page']}.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert rev.get(f"/review/{fid}/page/99.png").status_code == 404


def test_text_source_lines_and_cross_year(world: World) -> None:
    user, scope = world.users["clerk_a"], scope_of(world, "clerk_a")
    filed(world, year=2022)
    fid = wf.start_filing(world.db, scope, user, world.agency_a, 2023)
    wf.upload(world.db, scope, user, fid, "江州.txt", sample_bytes())
    submit_confirmed(world, "clerk_a", fid, form_from(wf.draft_report(world.db, fid)), "核实")
    rev = client_for(world)
    login(rev, "rev_a")
    page = rev.get(f"/review/{fid}").text
    data = cell_data(page)
    line = data["cells"]["requests.new_received.total"]["at"]["line"]
    assert f'data-line="{line}"' in page  # the text source is shown, the cell's line can be marked
    assert "跨年度核对" in page and "上年结转" in page
    assert "一、本年新收政府信息公开申请数量" in page.split("跨年度核对")[1]  # figures side by side
    prev = wf.list_filings(world.db, scope_of(world, "rev_a"), year=2022)[0]
    assert f'<a href="/review/{prev.id}">查看</a>' in page


def test_source_view_of_html_and_word_marks_table_rows() -> None:
    from gongkai.serve.source import source_view
    from gongkai.write import write_report

    report = sample_report()
    for fmt in ("html", "docx"):
        view = source_view(fmt, write_report(report, fmt))
        assert view.kind == "lines", (fmt, view.note)
        located = [w for _, _, w in view.lines if w]
        assert located and all(re.fullmatch(r"\d+-\d+", w) for w in located)
    assert source_view("web", b"{}").kind == "none"


def test_workflow_on_postgresql() -> None:
    """Filing, review, dashboard, export and public pages on PostgreSQL (skipped without it)."""

    from gongkai.cli.serve import load_samples
    from gongkai.serve import accounts
    from gongkai.store.db import open_db
    from test_serve_support import PASSWORD, USERS
    from test_store_support import pg_scratch

    with pg_scratch("gongkai_serve") as url:
        db = open_db(url)
        try:
            load_samples(db)
            users = {
                n: accounts.create_user(db, n, r, password=PASSWORD, **kw)[0] for n, (r, kw) in USERS.items()
            }
            w = World(db, None, users, users["clerk_a"].agency_id or 0, users["clerk_b"].agency_id or 0)  # type: ignore[arg-type]
            fid, _ = filed(w)
            c = client_for(w)
            csrf = login(c, "rev_a")
            assert c.get(f"/review/{fid}").status_code == 200
            assert c.get("/dashboard?year=2023").status_code == 200
            assert c.get("/dashboard/export.xlsx?year=2023").status_code == 200
            assert (
                c.post(f"/review/{fid}/return", data={"csrf": csrf, "comment": "请核对"}).status_code == 303
            )
            assert client_for(w).get("/public").status_code == 200
        finally:
            db.close()
