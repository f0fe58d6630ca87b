"""Pages of the request register in the web application (``/register``).

A clerk registers requests of the own agency, records pauses (consultations, fee notices),
resumptions, the extension and the answer, and sees what falls due; reviewers and viewers see
the requests of their scope read-only. Mounted by ``gongkai.serve.app.ROUTERS``; uses the
dependencies of :mod:`gongkai.serve.auth` (session, role, scope, CSRF). Templates extend the web
application's ``base.html`` and live here as strings (no package data to install).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader

from gongkai.register import schema as rs
from gongkai.register import service
from gongkai.register.clock import Event
from gongkai.register.rules import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    APPLICANT_TYPES,
    CHANNELS,
    EVENTS,
    OUTCOME_SHORT,
    OUTCOMES,
    RegisterError,
)
from gongkai.serve.accounts import User
from gongkai.serve.auth import (
    NotFound,
    Scope,
    csrf_guard,
    current_scope,
    current_user,
    get_db,
    optional_auth,
    require_role,
)
from gongkai.serve.render import ENV as SERVE_ENV
from gongkai.serve.render import TEMPLATES as SERVE_TEMPLATES

router = APIRouter(prefix="/register", dependencies=[Depends(csrf_guard)])
CLERK = require_role("clerk", "admin")

_NAV = (
    '<nav class="tabs"><a href="/register">台账</a> · <a href="/register/overdue">到期与逾期</a>'
    ' · <a href="/register/tables">年度统计</a></nav>'
)

PAGES = {
    "register_list.html": """{% extends "base.html" %}
{% block title %}依申请公开台账{% endblock %}
{% block content %}
<style>@media print { header.top, nav.tabs, section.card, footer, .act, p.hint { display: none; } }</style>
<h1>依申请公开台账</h1>
"""
    + _NAV
    + """
<p class="hint">本页可直接打印（打印时不含表单和链接列）。</p>
{% if error %}<p class="flash error" role="alert">{{ error }}</p>{% endif %}
<table class="list" id="requests">
<thead><tr><th>编号</th><th>机关</th><th>收到</th><th>渠道</th><th>申请人</th><th>承办人</th><th>答复期限</th><th>状态</th><th class="act"></th></tr></thead>
<tbody>
{% for v in items %}
<tr{% if v.clock and v.clock.overdue %} class="overdue"{% endif %}>
  <td>{{ v.number }}</td><td>{{ v.agency }}</td><td>{{ v.received_on }}</td><td>{{ v.channel }}</td>
  <td>{{ v.applicant }}（{{ v.applicant_label }}）</td><td>{{ v.handler or "" }}</td>
  <td>{% if v.clock and v.clock.due %}{{ v.clock.due }}{% elif v.clock %}待定{% else %}无法计算{% endif %}</td>
  <td>{% if v.outcome %}{{ OUTCOME_SHORT[v.outcome] }}{% elif v.clock %}{{ v.clock.status }}{% if v.clock.overdue %}（已逾期）{% endif %}{% endif %}</td>
  <td class="act"><a href="/register/{{ v.id }}">办理</a></td>
</tr>
{% else %}
<tr><td colspan="9">台账中还没有申请。</td></tr>
{% endfor %}
</tbody>
</table>
{% if can_edit %}
<section class="card">
<h2>登记新申请</h2>
<form method="post" action="/register/new" class="grid-form" id="new-request">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  {% if user.role == "admin" %}<label>受理机关 <input name="agency" required></label>{% endif %}
  <label>收到申请之日 <input name="received_on" type="date" required></label>
  <label>渠道 <select name="channel">{% for c in CHANNELS %}<option>{{ c }}</option>{% endfor %}</select></label>
  <label>申请人 <input name="applicant" required></label>
  <label>申请人类型 <select name="applicant_type">{% for k, label in APPLICANT_TYPES.items() %}<option value="{{ k }}">{{ label }}</option>{% endfor %}</select></label>
  <label>承办人 <input name="handler"></label>
  <label>联系方式 <input name="contact"></label>
  <label class="wide">申请内容 <input name="content" required></label>
  <button type="submit" class="primary">登记</button>
</form>
<p class="hint">收到申请之日：当面提交为提交之日；邮寄为签收之日；平信、网络、传真为双方确认之日（条例第三十一条）。</p>
</section>
{% endif %}
{% endblock %}
""",
    "register_request.html": """{% extends "base.html" %}
{% block title %}申请 {{ v.number }}{% endblock %}
{% block content %}
<h1>申请 {{ v.number }} · {{ v.agency }}</h1>
"""
    + _NAV
    + """
{% if error %}<p class="flash error" role="alert" id="error">{{ error }}</p>{% endif %}
<p>收到 {{ v.received_on }}（{{ v.channel }}） · 申请人 {{ v.applicant }}（{{ v.applicant_label }}） · 承办人 {{ v.handler or "—" }}</p>
<p>申请内容：{{ v.content }}</p>
{% if v.clock %}
<p id="status"><strong>状态：{{ "已办结" if v.outcome else v.clock.status }}</strong>
{% if v.outcome %} · 办理结果：{{ OUTCOMES[v.outcome] }}{% if v.clock.late_days %} · 逾期 {{ v.clock.late_days }} 个工作日{% endif %}
{% else %} · 答复期限：<span id="due">{{ v.clock.due or "待定" }}</span> · 已计 {{ v.clock.used }} 个工作日，尚余 {{ v.clock.remaining }} 个{% if v.clock.overdue %} · <strong class="err">已逾期</strong>{% endif %}{% endif %}</p>
{% if not v.outcome and v.clock.status == "待补正" %}<p>补正期限：{{ v.clock.correction_until }}</p>{% endif %}
{% if not v.outcome and v.clock.status == "待缴费" %}<p>缴费期限：{{ v.clock.fee_until }}</p>{% endif %}
{% for g in v.clock.gaps %}<p class="flash">{{ g }}</p>{% endfor %}
<ol class="timeline" id="timeline">
{% for s in v.clock.steps %}<li><time>{{ s.on }}</time> {{ s.text }}</li>{% endfor %}
</ol>
{% for w in v.clock.warnings %}<p class="flash">注意：{{ w }}</p>{% endfor %}
{% if v.clock.suggested_outcome %}<p class="flash">期限已过：可按“{{ OUTCOMES[v.clock.suggested_outcome] }}”办结。</p>{% endif %}
{% else %}
<p class="flash">{{ v.clock_error }}</p>
{% endif %}
{% if letters %}<p id="letters">起草告知书（Word）：{% for kind in letters %}<a href="/register/{{ v.id }}/letter?kind={{ kind }}">{{ kind }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</p>{% endif %}
{% if v.appeals or (can_edit and v.outcome) %}
<section class="card" id="appeals"><h2>行政复议、行政诉讼</h2>
<ul>{% for a in v.appeals %}<li>{{ APPEAL_KINDS[a.kind] }}：{{ a.filed_on }} 提起，{{ APPEAL_RESULTS[a.result] }}{% if a.decided_on %}（{{ a.decided_on }} 审结）{% endif %}
{% if can_edit and a.result == "pending" %}<form method="post" action="/register/{{ v.id }}/appeal/{{ a.id }}" class="inline">
<input type="hidden" name="csrf" value="{{ csrf }}">
<select name="result">{% for k, label in APPEAL_RESULTS.items() if k != "pending" %}<option value="{{ k }}">{{ label }}</option>{% endfor %}</select>
<input name="decided_on" type="date" required> <button type="submit" class="small">登记审结</button></form>{% endif %}</li>{% endfor %}</ul>
{% if can_edit %}<form method="post" action="/register/{{ v.id }}/appeal" class="grid-form" id="appeal-form">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <label>类型 <select name="kind">{% for k, label in APPEAL_KINDS.items() %}<option value="{{ k }}">{{ label }}</option>{% endfor %}</select></label>
  <label>提起日期 <input name="filed_on" type="date" required></label>
  <button type="submit">登记复议诉讼</button>
</form>{% endif %}
</section>
{% endif %}
{% if can_edit and not v.outcome %}
<section class="card"><h2>暂停与恢复</h2>
<form method="post" action="/register/{{ v.id }}/event" class="grid-form" id="pause-form">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <label>事件 <select name="kind">
    <option value="third_party">征求第三方意见（暂停）</option>
    <option value="third_party_answer">第三方答复（恢复）</option>
    <option value="agency_consult">征求其他机关意见（暂停）</option>
    <option value="agency_answer">其他机关答复（恢复）</option>
    <option value="fee_notice">收费通知（暂停）</option>
    <option value="fee_paid">缴费（恢复）</option>
    <option value="correction_notice">补正通知（重新计算）</option>
    <option value="correction_received">收到补正（重新计算）</option>
  </select></label>
  <label>日期 <input name="on" type="date" required></label>
  <label>补正期限 / 缴费截止 <input name="until" type="date"></label>
  <label>收费金额（元） <input name="amount"></label>
  <label>说明 <input name="detail"></label>
  <button type="submit">登记</button>
</form></section>
<section class="card"><h2>延期答复</h2>
<form method="post" action="/register/{{ v.id }}/event" class="grid-form" id="extend-form">
  <input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="kind" value="extension">
  <label>日期 <input name="on" type="date" required></label>
  <label>延长工作日数 <input name="days" type="number" min="1" max="20" required></label>
  <label>批准人 <input name="approved_by" required></label>
  <button type="submit">延期</button>
</form></section>
<section class="card"><h2>答复办结</h2>
<form method="post" action="/register/{{ v.id }}/event" class="grid-form" id="answer-form">
  <input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="kind" value="answer">
  <label>答复日期 <input name="on" type="date" required></label>
  <label>办理结果 <select name="outcome">{% for k, label in OUTCOME_SHORT.items() %}<option value="{{ k }}">{{ label }}</option>{% endfor %}</select></label>
  <button type="submit" class="primary">办结</button>
</form></section>
{% endif %}
{% endblock %}
""",
    "register_tables.html": """{% extends "base.html" %}
{% block title %}年度统计{% endblock %}
{% block content %}
<h1>{{ label }} {{ year }} 年依申请公开统计（由台账计算，{{ report.meta.edition }} 年版表格）</h1>
"""
    + _NAV
    + """
<form method="get" action="/register/tables" class="grid-form">
  <label>年度 <input name="year" type="number" min="2008" max="2100" value="{{ year }}"></label>
  <button type="submit">统计</button>
  <a href="/register/tables.json?year={{ year }}">下载 JSON（供填报）</a>
</form>
<h2>三、收到和处理政府信息公开申请情况</h2>
<table class="official" id="table3">
<colgroup><col style="width:32%"></colgroup>
<thead><tr><th class="label">申请人情况</th>{% for c in columns %}<th>{{ c.label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for r in rows %}<tr><th class="label">{{ r.group }}{{ r.label }}</th>{% for c in columns %}<td class="num">{{ report.tables.requests[r.key][c.key].value }}</td>{% endfor %}</tr>{% endfor %}
</tbody>
</table>
<h2>四、政府信息公开行政复议、行政诉讼情况</h2>
<table class="official" id="table4">
<colgroup><col style="width:32%"></colgroup>
<thead><tr><th class="label"></th>{% for c in appeal_columns %}<th>{{ c.label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for r in appeal_rows %}<tr><th class="label">{{ r.group }}{{ r.label }}</th>{% for c in appeal_columns %}<td class="num">{{ report.tables.appeals[r.key][c.key].value }}</td>{% endfor %}</tr>{% endfor %}
</tbody>
</table>
<p id="supervision">本年答复 {{ sv.answered }} 件：按期 {{ sv.on_time }} 件，逾期 {{ sv.late | length }} 件，按期答复率 {{ sv.on_time_rate | percent }}。
本年审结复议诉讼 {{ sv.appeals_decided }} 件，其中纠正 {{ sv.appeals_corrected }} 件，纠错率 {{ sv.correction_rate | percent }}。</p>
{% if sv.late %}<table class="list"><thead><tr><th>编号</th><th>机关</th><th>承办人</th><th>答复期限</th><th>答复日期</th><th>逾期工作日</th></tr></thead><tbody>
{% for x in sv.late %}<tr><td><a href="/register/{{ x.request_id }}">{{ x.number }}</a></td><td>{{ x.agency }}</td><td>{{ x.handler or "" }}</td><td>{{ x.due }}</td><td>{{ x.answered }}</td><td>{{ x.late_days }}</td></tr>{% endfor %}
</tbody></table>{% endif %}
{% endblock %}
""",
    "register_due.html": """{% extends "base.html" %}
{% block title %}到期与逾期{% endblock %}
{% block content %}
<h1>到期与逾期（{{ as_of }}）</h1>
"""
    + _NAV
    + """
<form method="get" action="/register/overdue" class="grid-form">
  <label>以哪一天为准 <input name="as_of" type="date" value="{{ as_of }}"></label>
  <label>几个工作日内到期 <input name="within" type="number" min="0" max="60" value="{{ within }}"></label>
  <label>承办人 <input name="handler" value="{{ handler or '' }}"></label>
  <button type="submit">查看</button>
</form>
<table class="list" id="due">
<thead><tr><th>编号</th><th>机关</th><th>承办人</th><th>事项</th><th>期限</th><th>剩余工作日</th><th>说明</th></tr></thead>
<tbody>
{% for i in items %}
<tr{% if i.overdue %} class="overdue"{% endif %}>
  <td><a href="/register/{{ i.view.id }}">{{ i.view.number }}</a></td><td>{{ i.view.agency }}</td><td>{{ i.view.handler or "" }}</td>
  <td>{{ i.kind }}</td><td>{{ i.due or "—" }}</td><td>{% if i.overdue %}<strong class="err">已逾期</strong>{% else %}{{ i.left }}{% endif %}</td><td>{{ i.note }}</td>
</tr>
{% else %}
<tr><td colspan="7">没有到期或逾期的申请。</td></tr>
{% endfor %}
</tbody>
</table>
{% endblock %}
""",
}


def _environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([DictLoader(PAGES), FileSystemLoader(str(SERVE_TEMPLATES))]),
        autoescape=True,
        auto_reload=False,
    )
    env.filters.update(SERVE_ENV.filters)
    env.globals.update(SERVE_ENV.globals)
    env.globals.update(
        OUTCOMES=OUTCOMES,
        OUTCOME_SHORT=OUTCOME_SHORT,
        APPLICANT_TYPES=APPLICANT_TYPES,
        CHANNELS=CHANNELS,
        APPEAL_KINDS=APPEAL_KINDS,
        APPEAL_RESULTS=APPEAL_RESULTS,
    )
    return env


ENV = _environment()


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    auth = optional_auth(request)
    html = ENV.get_template(template).render(
        request=request, user=auth.user if auth else None, csrf=auth.csrf if auth else "", **context
    )
    return HTMLResponse(html, status_code=status)


def _ids(scope: Scope) -> list[int] | None:
    return None if scope.everything else sorted(scope.agency_ids)


def _can_edit(user: User) -> bool:
    return user.role in ("clerk", "admin")


def _date(text: Any, what: str) -> date | None:
    t = str(text or "").strip()
    if not t:
        return None
    try:
        return date.fromisoformat(t)
    except ValueError:
        raise RegisterError(f"{what}「{t}」无法识别，格式应为 2026-01-30。") from None


def _list(
    request: Request, user: User, scope: Scope, error: str | None = None, status: int = 200
) -> HTMLResponse:
    items = service.list_requests(get_db(request), agency_ids=_ids(scope))
    items.sort(key=lambda v: (v.outcome is not None, v.received_on), reverse=False)
    return _page(request, "register_list.html", status, items=items, can_edit=_can_edit(user), error=error)


@router.get("")
def index(
    request: Request, user: User = Depends(current_user), scope: Scope = Depends(current_scope)
) -> Response:
    return _list(request, user, scope)


@router.post("/new")
async def create(
    request: Request,
    user: User = Depends(CLERK),
    scope: Scope = Depends(current_scope),
) -> Response:
    form = await request.form()
    f = {k: str(v) for k, v in form.items()}
    try:
        if user.role == "clerk":
            if user.agency_id is None:
                raise RegisterError("您的账号没有所属机关，不能登记申请。")
            agency = str(user.agency_id)
        else:
            agency = f.get("agency", "").strip()
            if not agency:
                raise RegisterError("请填写受理机关。")
        received = _date(f.get("received_on"), "收到申请之日")
        if received is None:
            raise RegisterError("请填写收到申请之日。")
        new = service.NewRequest(
            agency=agency,
            channel=f.get("channel", "当面"),
            received_on=received,
            applicant_type=f.get("applicant_type", "natural_person"),
            applicant=f.get("applicant", ""),
            content=f.get("content", ""),
            handler=f.get("handler") or None,
            contact=f.get("contact") or None,
        )
        db = get_db(request)
        with db.engine.begin() as conn:
            rid = service.insert_request(conn, new, by=user.username)
            agency_id = conn.execute(
                sa.select(rs.register_requests.c.agency_id).where(rs.register_requests.c.id == rid)
            ).scalar_one()
            scope.check_agency(agency_id)  # an admin's new agency is in scope; anything else rolls back
    except RegisterError as e:
        return _list(request, user, scope, error=e.message, status=400)
    return RedirectResponse(f"/register/{rid}", status_code=303)


def _view(request: Request, request_id: int, scope: Scope) -> service.RequestView:
    try:
        v = service.get_request(get_db(request), int(request_id), agency_ids=_ids(scope))
    except RegisterError:
        raise NotFound("没有找到该记录，或它不在您的权限范围内。") from None
    scope.check_agency(v.agency_id)
    return v


@router.get("/overdue")
def overdue(
    request: Request,
    as_of: str | None = None,
    within: int = 5,
    handler: str | None = None,
    user: User = Depends(current_user),
    scope: Scope = Depends(current_scope),
) -> Response:
    day = _date(as_of, "日期") or date.today()
    items = service.due_list(
        get_db(request),
        as_of=day,
        within=max(0, min(within, 60)),
        handler=handler or None,
        agency_ids=_ids(scope),
    )
    return _page(request, "register_due.html", items=items, as_of=day, within=within, handler=handler)


def _year_report(request: Request, scope: Scope, year: int) -> tuple[Any, Any, str]:
    from gongkai.register.tables import supervision, year_report

    if not 2008 <= year <= 2100:
        raise RegisterError("年度应在 2008 至 2100 之间。")
    views = service.list_requests(get_db(request), agency_ids=_ids(scope), as_of=date(year, 12, 31))
    agencies = sorted({v.agency for v in views})
    label = agencies[0] if len(agencies) == 1 else "权限范围内各机关"
    report = year_report(
        views, year, label=label, agency=agencies[0] if len(agencies) == 1 else None, region=None
    )
    return report, supervision(views, year), label


@router.get("/tables")
def tables_page(
    request: Request,
    year: int | None = None,
    user: User = Depends(current_user),
    scope: Scope = Depends(current_scope),
) -> Response:
    from gongkai.model.keys import edition

    y = year or date.today().year
    report, sv, label = _year_report(request, scope, y)
    ed = edition(report.meta.edition)
    rq, ap = ed.table("requests"), ed.table("appeals")
    return _page(
        request,
        "register_tables.html",
        report=report,
        sv=sv,
        label=label,
        year=y,
        rows=rq.rows,
        columns=rq.rows[0].columns,
        appeal_rows=ap.rows,
        appeal_columns=ap.rows[0].columns,
    )


@router.get("/tables.json")
def tables_json(
    request: Request, year: int, user: User = Depends(current_user), scope: Scope = Depends(current_scope)
) -> Response:
    """Tables 3 and 4 as the JSON of ``gongkai parse --json`` (for the 填报 form and ``gongkai write``)."""
    report, _, _ = _year_report(request, scope, year)
    return Response(
        report.to_json(indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="register-{year}.json"'},
    )


@router.get("/{request_id}/letter")
def letter(
    request_id: int,
    request: Request,
    kind: str = "答复",
    user: User = Depends(current_user),
    scope: Scope = Depends(current_scope),
) -> Response:
    from gongkai.register.letters import draft_letter

    v = _view(request, request_id, scope)
    data = draft_letter(v, kind)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="letter-{v.id}.docx"'},
    )


def _letters(v: service.RequestView) -> list[str]:
    kinds = {e.kind for e in v.events}
    out = ["答复"] if v.outcome else []
    for kind, name in (
        ("correction_notice", "补正"),
        ("extension", "延期"),
        ("fee_notice", "收费"),
        ("third_party", "征求意见"),
    ):
        if kind in kinds and v.clock is not None:
            out.append(name)
    return out


def _refused(request: Request, v: service.RequestView, e: RegisterError) -> HTMLResponse:
    """The request's page again, with why the clerk's entry was refused (400)."""
    return _page(
        request, "register_request.html", 400, v=v, can_edit=True, error=e.message, letters=_letters(v)
    )


@router.get("/{request_id}")
def detail(
    request_id: int,
    request: Request,
    user: User = Depends(current_user),
    scope: Scope = Depends(current_scope),
) -> Response:
    v = _view(request, request_id, scope)
    return _page(request, "register_request.html", v=v, can_edit=_can_edit(user), letters=_letters(v))


@router.post("/{request_id}/event")
async def add_event(
    request_id: int,
    request: Request,
    user: User = Depends(CLERK),
    scope: Scope = Depends(current_scope),
) -> Response:
    v = _view(request, request_id, scope)
    form = await request.form()
    f = {k: str(val) for k, val in form.items()}
    try:
        kind = f.get("kind", "")
        if kind not in EVENTS:
            raise RegisterError("未知的事件类型。")
        on = _date(f.get("on"), "日期")
        if on is None:
            raise RegisterError("请填写日期。")
        amount = None
        if f.get("amount", "").strip():
            try:
                amount = Decimal(f["amount"].strip())
            except InvalidOperation:
                raise RegisterError(f"金额「{f['amount']}」无法识别。") from None
        days = int(f["days"]) if f.get("days", "").strip().isdigit() else None
        ev = Event(
            kind=kind,
            on=on,
            until=_date(f.get("until"), "期限"),
            days=days,
            amount=amount,
            approved_by=f.get("approved_by") or None,
            outcome=f.get("outcome") if kind == "answer" else None,
            detail=f.get("detail", ""),
        )
        with get_db(request).engine.begin() as conn:
            service.insert_event(conn, v.id, ev, by=user.username)
    except RegisterError as e:
        return _refused(request, v, e)
    return RedirectResponse(f"/register/{v.id}", status_code=303)


@router.post("/{request_id}/appeal")
async def add_appeal(
    request_id: int, request: Request, user: User = Depends(CLERK), scope: Scope = Depends(current_scope)
) -> Response:
    v = _view(request, request_id, scope)
    form = await request.form()
    f = {k: str(val) for k, val in form.items()}
    try:
        filed = _date(f.get("filed_on"), "提起日期")
        if filed is None:
            raise RegisterError("请填写提起日期。")
        with get_db(request).engine.begin() as conn:
            service.insert_appeal(conn, v.id, f.get("kind", ""), filed)
    except RegisterError as e:
        return _refused(request, v, e)
    return RedirectResponse(f"/register/{v.id}", status_code=303)


@router.post("/{request_id}/appeal/{appeal_id}")
async def decide_appeal(
    request_id: int,
    appeal_id: int,
    request: Request,
    user: User = Depends(CLERK),
    scope: Scope = Depends(current_scope),
) -> Response:
    v = _view(request, request_id, scope)
    if appeal_id not in {a.id for a in v.appeals}:
        raise NotFound("没有找到该记录，或它不在您的权限范围内。")
    form = await request.form()
    f = {k: str(val) for k, val in form.items()}
    try:
        decided = _date(f.get("decided_on"), "审结日期")
        if decided is None:
            raise RegisterError("请填写审结日期。")
        service.decide_appeal(get_db(request), appeal_id, f.get("result", ""), decided)
    except RegisterError as e:
        return _refused(request, v, e)
    return RedirectResponse(f"/register/{v.id}", status_code=303)


__all__ = ["router"]
