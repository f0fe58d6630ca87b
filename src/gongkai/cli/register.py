"""``gongkai register``: the request register (依申请公开台账) from the command line.

``register(app)`` adds the group to a typer app (``gongkai.cli.main`` does it). See
docs/register.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gongkai.cli.options import HelpOption, new_app
from gongkai.cli.run import BUG_HINT, EXIT_BUG, EXIT_INPUT, debug_from_env
from gongkai.errors import GongkaiError, InputError

DB_ENV = "GONGKAI_DB"

register_app = new_app("register", "依申请公开台账：登记申请、计算答复期限、到期提醒、年度统计表。")


@register_app.callback()
def _register_root(_help_: HelpOption = False) -> None:
    """依申请公开台账：登记申请、计算答复期限、到期提醒、年度统计表。详见 docs/register.md。"""


DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        metavar="URL",
        help="数据库：SQLite 文件路径（默认当前目录下的 gongkai.db），或 PostgreSQL 地址。",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="以哪一天为“今天”（默认今天），格式 2026-01-30。"),
]
AgencyOption = Annotated[str | None, typer.Option("--agency", metavar="NAME", help="机关名称、别名或编号。")]
RegionOption = Annotated[
    str | None, typer.Option("--region", metavar="NAME", help="地区（含下级地区的全部机关）。")
]


def _out() -> Console:
    return Console(highlight=False)


def _fail(e: BaseException) -> typer.Exit:
    err = Console(stderr=True, highlight=False)
    if isinstance(e, GongkaiError):
        err.print(f"[bold red]错误[/]  {escape(e.message)}", soft_wrap=True)
        return typer.Exit(e.exit_code or EXIT_INPUT)
    err.print(f"[bold red]内部错误[/]  {escape(type(e).__name__)}: {escape(str(e))}", soft_wrap=True)
    if debug_from_env():
        err.print_exception(show_locals=False)
    else:
        err.print(BUG_HINT, style="dim", soft_wrap=True)
    return typer.Exit(EXIT_BUG)


def _date(text: str | None, what: str = "日期") -> date | None:
    if text is None or not text.strip():
        return None
    t = text.strip().replace("/", "-").replace(".", "-")
    for sep in ("年", "月"):
        t = t.replace(sep, "-")
    t = t.rstrip("日")
    try:
        y, m, d = (int(x) for x in t.split("-"))
        return date(y, m, d)
    except ValueError:
        raise InputError(f"{what}「{text}」无法识别，格式应为 2026-01-30。") from None


def _need_date(text: str | None, what: str) -> date:
    d = _date(text, what)
    if d is None:
        raise InputError(f"请给出{what}。")
    return d


# --- deadline ----------------------------------------------------------------------------------


@register_app.command("deadline")
def deadline_cmd(
    received: Annotated[
        str,
        typer.Option(
            "--received",
            metavar="DATE",
            help="收到申请的日期：当面提交为提交日，邮寄为签收日，网络、传真、平信为双方确认日。",
        ),
    ],
    channel: Annotated[
        str, typer.Option("--channel", metavar="渠道", help="当面、邮寄、平信、网络、传真。")
    ] = "当面",
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar=DB_ENV,
            metavar="URL",
            help="用数据库中的日历（含管理员录入的年度）；不给时用自带的日历。",
        ),
    ] = None,
    _help_: HelpOption = False,
) -> None:
    """计算答复期限：自收到申请次日起 20 个工作日（条例第三十三条），逐段列出计入和不计入的日子。"""
    from gongkai.register.calendar import CalendarGapError, library_calendar
    from gongkai.register.clock import run_clock
    from gongkai.register.explain import count_runs
    from gongkai.register.rules import CHANNELS, channel_of

    try:
        ch = channel_of(channel)
        day = _need_date(received, "收到申请的日期")
        if db is not None:
            from gongkai.register import calendar_store
            from gongkai.store.db import using

            with using(db) as store, store.engine.begin() as conn:
                cal = calendar_store.load(conn)
        else:
            cal = library_calendar()
        clock = run_clock(cal, day, [])
        if clock.due is None:
            raise CalendarGapError(clock.gaps[0] if clock.gaps else "答复期限无法计算。")
        runs = count_runs(cal, clock.start, clock.due)
    except Exception as e:
        raise _fail(e) from None
    out = _out()
    out.print(f"[bold]答复期限：{clock.due.isoformat()}[/]（收到申请 {day.isoformat()}，渠道：{ch}）")
    out.print(CHANNELS[ch][1] + "。", soft_wrap=True)
    out.print(
        "自收到申请之日的次日起计算 20 个工作日（条例第三十三条第一款）；周末和法定节假日不计，调休上班的周末计入：",
        soft_wrap=True,
    )
    for r in runs:
        out.print("  " + r.text())
    out.print(
        "[dim]需要延期、补正、征求第三方或其他机关意见、收费的，登记后用 gongkai register show 查看调整后的期限。[/]",
        soft_wrap=True,
    )


@register_app.command("fee")
def fee_cmd(
    pages: Annotated[int | None, typer.Option("--pages", metavar="N", help="按量计收：页数。", min=1)] = None,
    pieces: Annotated[
        int | None, typer.Option("--pieces", metavar="N", help="按件计收：本次件数。", min=1)
    ] = None,
    earlier: Annotated[
        int,
        typer.Option("--earlier", metavar="N", help="按件计收：同一申请人本自然月此前已申请的件数。", min=0),
    ] = 0,
    _help_: HelpOption = False,
) -> None:
    """计算信息处理费（国办函〔2020〕109号）：按件或按量，超额累进，二者只能选一种。"""
    from gongkai.register.fees import fee_by_pages, fee_by_pieces
    from gongkai.register.rules import RegisterError

    try:
        if (pages is None) == (pieces is None):
            raise RegisterError("请给出 --pages（按量）或 --pieces（按件）之一：两种标准不得同时适用。")
        fee = fee_by_pages(pages) if pages is not None else fee_by_pieces(pieces or 0, earlier)
    except Exception as e:
        raise _fail(e) from None
    out = _out()
    out.print(f"[bold]信息处理费：{fee.amount} 元[/]（{'按量' if pages is not None else '按件'}计收）")
    for line in fee.lines:
        out.print("  " + line)


# --- calendar ----------------------------------------------------------------------------------

calendar_app = new_app("calendar", "工作日日历：法定节假日和调休上班日。")


@calendar_app.callback()
def _calendar_root(_help_: HelpOption = False) -> None:
    """工作日日历：法定节假日和调休上班日（国务院办公厅公布后由管理员录入下一年度）。"""


@calendar_app.command("list")
def calendar_list(db: DbOption = "gongkai.db", _help_: HelpOption = False) -> None:
    """列出已录入的年度及来源。"""
    from gongkai.register import calendar_store
    from gongkai.store.db import using

    try:
        with using(db) as store, store.engine.begin() as conn:
            rows = calendar_store.describe(conn)
    except Exception as e:
        raise _fail(e) from None
    t = Table(box=box.SIMPLE_HEAD)
    for head in ("年度", "来源", "录入人", "假日天数", "调休上班天数"):
        t.add_column(head)
    for y, src, by, h, w in rows:
        t.add_row(
            str(y), "chinese_calendar 库" if src == "chinese_calendar" else "管理员录入", by, str(h), str(w)
        )
    _out().print(t)


@calendar_app.command("add-year")
def calendar_add_year(
    year: Annotated[int, typer.Argument(metavar="YEAR", help="年度，如 2027。", min=2000, max=2100)],
    holidays: Annotated[
        str,
        typer.Option(
            "--holidays",
            metavar="DAYS",
            help="放假日期（含周末），逗号分隔，范围用 ..，名称用冒号：2027-01-01..2027-01-03:元旦,2027-02-05..2027-02-11:春节。",
        ),
    ],
    workdays: Annotated[
        str, typer.Option("--workdays", metavar="DAYS", help="调休上班的周末，同上格式：2027-02-14:春节。")
    ] = "",
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="录入人。")] = "admin",
    note: Annotated[str, typer.Option("--note", metavar="TEXT", help="依据，如国务院办公厅通知文号。")] = "",
    replace: Annotated[bool, typer.Option("--replace", help="替换已录入的该年度安排。")] = False,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """录入一个年度的放假和调休安排（国务院办公厅公布后由管理员录入）。"""
    from gongkai.register import calendar_store
    from gongkai.store.db import using

    try:
        hs = calendar_store.parse_days(holidays)
        ws = calendar_store.parse_days(workdays)
        with using(db) as store, store.engine.begin() as conn:
            calendar_store.seed(conn)
            n = calendar_store.add_year(conn, year, hs, ws, by=by, note=note, replace=replace)
    except Exception as e:
        raise _fail(e) from None
    _out().print(f"已录入 {year} 年安排：放假 {len(hs)} 天，调休上班 {len(ws)} 天（共 {n} 条）。")


register_app.add_typer(calendar_app, name="calendar")


# --- add, event, appeal, show ------------------------------------------------------------------


@register_app.command("add")
def add_cmd(
    agency: Annotated[str, typer.Option("--agency", metavar="NAME", help="受理机关。")],
    received: Annotated[
        str, typer.Option("--received", metavar="DATE", help="收到申请之日（条例第三十一条）。")
    ],
    applicant: Annotated[str, typer.Option("--applicant", metavar="NAME", help="申请人姓名或名称。")],
    content: Annotated[str, typer.Option("--content", metavar="TEXT", help="申请公开的内容。")],
    applicant_type: Annotated[
        str,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="申请人类型：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他。",
        ),
    ] = "自然人",
    channel: Annotated[
        str, typer.Option("--channel", metavar="渠道", help="当面、邮寄、平信、网络、传真。")
    ] = "当面",
    handler: Annotated[str | None, typer.Option("--handler", metavar="NAME", help="承办人。")] = None,
    number: Annotated[
        str | None, typer.Option("--number", metavar="NO", help="登记编号（默认按年度顺序编号）。")
    ] = None,
    submitted: Annotated[
        str | None, typer.Option("--submitted", metavar="DATE", help="申请人提交（寄出）日期。")
    ] = None,
    contact: Annotated[str | None, typer.Option("--contact", metavar="TEXT", help="联系方式。")] = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """登记一件政府信息公开申请，并显示答复期限。"""
    from gongkai.register.rules import applicant_type_of, channel_of
    from gongkai.register.service import NewRequest, add_request

    try:
        view = add_request(
            db,
            NewRequest(
                agency=agency,
                channel=channel_of(channel),
                received_on=_need_date(received, "收到申请的日期"),
                applicant_type=applicant_type_of(applicant_type),
                applicant=applicant,
                content=content,
                handler=handler,
                number=number,
                submitted_on=_date(submitted, "提交日期"),
                contact=contact,
            ),
        )
    except Exception as e:
        raise _fail(e) from None
    _show(view)


@register_app.command("event")
def event_cmd(
    request: Annotated[str, typer.Argument(metavar="REQUEST", help="申请编号（#id）或登记编号。")],
    kind: Annotated[
        str,
        typer.Argument(
            metavar="EVENT",
            help="补正通知、收到补正、征求第三方意见、第三方答复、征求其他机关意见、其他机关答复、收费通知、缴费、延期答复、答复办结、备注。",
        ),
    ],
    on: Annotated[str, typer.Option("--on", metavar="DATE", help="事件日期。")],
    until: Annotated[
        str | None,
        typer.Option(
            "--until", metavar="DATE", help="补正通知：补正期限；收费通知：晚于寄出才送达时的缴费截止日。"
        ),
    ] = None,
    days: Annotated[
        int | None, typer.Option("--days", metavar="N", help="延期答复：延长的工作日数（最多 20）。")
    ] = None,
    approved_by: Annotated[
        str | None, typer.Option("--approved-by", metavar="NAME", help="延期答复：批准人。")
    ] = None,
    amount: Annotated[str | None, typer.Option("--amount", metavar="元", help="收费通知：金额。")] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", metavar="结果", help="答复办结：办理结果，如 予以公开。")
    ] = None,
    detail: Annotated[str, typer.Option("--detail", metavar="TEXT", help="说明。")] = "",
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="登记人。")] = "cli",
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """登记申请办理中的一个事件；不符合条例的（如第二次延期、补正通知两次）会被拒绝。"""
    from gongkai.register.clock import Event
    from gongkai.register.rules import RegisterError, event_kind_of, outcome_of
    from gongkai.register.service import add_event

    try:
        money = None
        if amount is not None:
            try:
                money = Decimal(amount)
            except InvalidOperation:
                raise RegisterError(f"金额「{amount}」无法识别。") from None
        ev = Event(
            kind=event_kind_of(kind),
            on=_need_date(on, "事件日期"),
            until=_date(until, "期限"),
            days=days,
            amount=money,
            approved_by=approved_by,
            outcome=outcome_of(outcome) if outcome else None,
            detail=detail,
        )
        view = add_event(db, request, ev, by=by)
    except Exception as e:
        raise _fail(e) from None
    _show(view)


@register_app.command("appeal")
def appeal_cmd(
    request: Annotated[str, typer.Argument(metavar="REQUEST", help="申请编号（#id）或登记编号。")],
    kind: Annotated[str, typer.Option("--kind", metavar="KIND", help="行政复议、直接起诉、复议后起诉。")],
    filed: Annotated[str, typer.Option("--filed", metavar="DATE", help="提起日期。")],
    result: Annotated[
        str, typer.Option("--result", metavar="RESULT", help="维持、纠正、其他、尚未审结。")
    ] = "尚未审结",
    decided: Annotated[str | None, typer.Option("--decided", metavar="DATE", help="审结日期。")] = None,
    note: Annotated[str, typer.Option("--note", metavar="TEXT", help="说明。")] = "",
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """登记与申请相关的行政复议或行政诉讼。"""
    from gongkai.register.rules import appeal_kind_of, appeal_result_of
    from gongkai.register.service import add_appeal

    try:
        view = add_appeal(
            db,
            request,
            appeal_kind_of(kind),
            _need_date(filed, "提起日期"),
            appeal_result_of(result),
            _date(decided, "审结日期"),
            note,
        )
    except Exception as e:
        raise _fail(e) from None
    _show(view)


@register_app.command("show")
def show_cmd(
    request: Annotated[str, typer.Argument(metavar="REQUEST", help="申请编号（#id）或登记编号。")],
    as_of: AsOfOption = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """显示一件申请：基本信息、时间线（每一步对期限的影响）、当前期限和状态。"""
    from gongkai.register.service import get_request

    try:
        view = get_request(db, request, as_of=_date(as_of, "日期"))
    except Exception as e:
        raise _fail(e) from None
    _show(view)


def _show(view: object) -> None:
    from gongkai.register.rules import APPEAL_KINDS, APPEAL_RESULTS, OUTCOMES
    from gongkai.register.service import RequestView

    assert isinstance(view, RequestView)
    out = _out()
    out.print(f"[bold]申请 #{view.id}  登记编号 {escape(view.number)}[/]  {escape(view.agency)}")
    out.print(
        f"收到 {view.received_on}（{view.channel}）  申请人 {escape(view.applicant)}（{view.applicant_label}）"
        f"  承办人 {escape(view.handler or '—')}"
    )
    out.print(f"内容：{escape(view.content)}", soft_wrap=True)
    if view.clock is None:
        out.print(f"[yellow]答复期限无法计算：{escape(view.clock_error or '')}[/]", soft_wrap=True)
        return
    ck = view.clock
    for st in ck.steps:
        out.print(f"  {st.on}  {escape(st.text)}", soft_wrap=True)
    for w in ck.warnings:
        out.print(f"  [yellow]注意：{escape(w)}[/]", soft_wrap=True)
    if ck.closed:
        out.print(
            f"[bold]已办结[/] {ck.closed_on}：{OUTCOMES.get(ck.outcome or '', '')}"
            + (f"，逾期 {ck.late_days} 个工作日" if ck.late_days else "")
        )
    else:
        if ck.due:
            due = ck.due.isoformat()
        elif ck.gaps:
            due = "无法计算（日历缺少年度，见下）"
        elif ck.status == "待补正":
            due = "收到补正后重新计算"
        else:
            due = "暂停中，恢复后计算"
        out.print(
            f"[bold]状态：{ck.status}[/]{'  [bold red]已逾期[/]' if ck.overdue else ''}  答复期限：{due}"
            f"  已计 {ck.used} 个工作日，尚余 {ck.remaining} 个"
        )
        for gap in ck.gaps:
            out.print(f"[yellow]{escape(gap)}[/]", soft_wrap=True)
        if ck.status == "待补正":
            out.print(f"补正期限：{ck.correction_until}")
        if ck.status == "待缴费":
            out.print(f"缴费期限：{ck.fee_until}")
        if ck.suggested_outcome:
            out.print(f"[yellow]期限已过：可按“{OUTCOMES[ck.suggested_outcome]}”办结。[/]", soft_wrap=True)
    for a in view.appeals:
        res = APPEAL_RESULTS[a.result] + (f"（{a.decided_on}）" if a.decided_on else "")
        out.print(f"  复议诉讼 #{a.id}：{APPEAL_KINDS[a.kind]}，{a.filed_on} 提起，{res}")


# --- lists -------------------------------------------------------------------------------------


@register_app.command("list")
def list_cmd(
    agency: AgencyOption = None,
    region: RegionOption = None,
    year: Annotated[int | None, typer.Option("--year", metavar="YEAR", help="收到申请的年度。")] = None,
    handler: Annotated[str | None, typer.Option("--handler", metavar="NAME", help="承办人。")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只列出未办结的。")] = False,
    as_of: AsOfOption = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """列出申请（可打印的台账）。"""
    from gongkai.register.rules import OUTCOME_SHORT
    from gongkai.register.service import list_requests

    try:
        views = list_requests(
            db,
            agency=agency,
            region=region,
            year=year,
            handler=handler,
            open_only=open_only,
            as_of=_date(as_of),
        )
    except Exception as e:
        raise _fail(e) from None
    t = Table(box=box.SIMPLE_HEAD, title=f"依申请公开台账（{len(views)} 件）")
    for h in ("#", "编号", "机关", "收到", "渠道", "申请人", "类型", "承办人", "期限", "状态/结果"):
        t.add_column(h)
    for v in views:
        ck = v.clock
        due = (ck.due.isoformat() if ck and ck.due else "—") if ck else "无法计算"
        state = OUTCOME_SHORT.get(v.outcome or "", "") if v.outcome else (ck.status if ck else "—")
        t.add_row(
            str(v.id),
            v.number,
            v.agency,
            str(v.received_on),
            v.channel,
            v.applicant,
            v.applicant_label,
            v.handler or "",
            due,
            state,
        )
    _out().print(t)


def _due_table(items: list, title: str) -> Table:
    t = Table(box=box.SIMPLE_HEAD, title=title)
    for h in ("#", "编号", "机关", "承办人", "事项", "期限", "剩余工作日", "说明"):
        t.add_column(h)
    for i in items:
        due = i.due.isoformat() if i.due else "—"
        left = "[bold red]已逾期[/]" if i.overdue else str(i.left)
        t.add_row(
            str(i.view.id), i.view.number, i.view.agency, i.view.handler or "", i.kind, due, left, i.note
        )
    return t


@register_app.command("due")
def due_cmd(
    within: Annotated[int, typer.Option("--within", metavar="N", help="未来 N 个工作日内到期。", min=0)] = 5,
    agency: AgencyOption = None,
    region: RegionOption = None,
    handler: Annotated[str | None, typer.Option("--handler", metavar="NAME", help="承办人。")] = None,
    as_of: AsOfOption = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """列出近期到期和已逾期的申请（答复、补正、缴费期限）。"""
    from gongkai.register.service import due_list

    try:
        items = due_list(db, as_of=_date(as_of), within=within, agency=agency, region=region, handler=handler)
    except Exception as e:
        raise _fail(e) from None
    _out().print(_due_table(items, f"{within} 个工作日内到期及已逾期（{len(items)} 件）"))


@register_app.command("overdue")
def overdue_cmd(
    agency: AgencyOption = None,
    region: RegionOption = None,
    handler: Annotated[str | None, typer.Option("--handler", metavar="NAME", help="承办人。")] = None,
    as_of: AsOfOption = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """列出已逾期的申请。有逾期时退出码为 1。"""
    from gongkai.register.service import due_list

    try:
        items = due_list(
            db, as_of=_date(as_of), within=0, agency=agency, region=region, handler=handler, overdue_only=True
        )
    except Exception as e:
        raise _fail(e) from None
    _out().print(_due_table(items, f"已逾期（{len(items)} 件）"))
    raise typer.Exit(1 if items else 0)


# --- year end ----------------------------------------------------------------------------------


@register_app.command("tables")
def tables_cmd(
    year: Annotated[int, typer.Option("--year", metavar="YEAR", help="统计年度。", min=2008, max=2100)],
    agency: AgencyOption = None,
    region: RegionOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="输出 JSON（与 gongkai parse --json 格式相同）。")
    ] = False,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """由台账统计年度报告的表三（依申请公开）和表四（复议诉讼），并给出按时答复率、纠错率等。"""
    from gongkai.register.service import agency_scope, list_requests
    from gongkai.register.tables import supervision, year_report
    from gongkai.store.db import using

    try:
        with using(db) as store:
            with store.engine.begin() as conn:
                _ids, label = agency_scope(conn, agency, region)
            views = list_requests(store, agency=agency, region=region, as_of=date(year, 12, 31))
        report = year_report(views, year, label=label, agency=label if agency else None, region=region)
        sv = supervision(views, year)
    except Exception as e:
        raise _fail(e) from None
    if as_json:
        typer.echo(report.to_json(indent=2))
        return
    from gongkai.display.tables import appeals_table, requests_table

    out = _out()
    out.print(
        f"[bold]{escape(label)} {year} 年依申请公开统计（由台账计算，{report.meta.edition} 年版表格）[/]"
    )
    out.print("三、收到和处理政府信息公开申请情况")
    out.print(requests_table(report))
    out.print("四、政府信息公开行政复议、行政诉讼情况")
    out.print(appeals_table(report))
    if report.findings:
        out.print(f"[bold red]勾稽关系有 {len(report.findings)} 处不符，请报告此程序错误。[/]")
    rate = f"{sv.on_time_rate:.1%}" if sv.on_time_rate is not None else "—"
    cr = f"{sv.correction_rate:.1%}" if sv.correction_rate is not None else "—"
    out.print(f"本年答复 {sv.answered} 件：按期 {sv.on_time} 件，逾期 {len(sv.late)} 件，按期答复率 {rate}。")
    out.print(f"本年审结复议诉讼 {sv.appeals_decided} 件，其中纠正 {sv.appeals_corrected} 件，纠错率 {cr}。")
    from gongkai.register.rules import APPLICANT_TYPES

    kinds = "，".join(f"{APPLICANT_TYPES[k]} {n} 件" for k, n in sv.by_applicant.items())
    out.print(f"本年新收申请按申请人类型：{kinds}。", soft_wrap=True)
    for late in sv.late[:20]:
        out.print(
            f"  逾期：#{late.request_id} {late.number}（{late.handler or '—'}）期限 {late.due}，{late.answered} 答复，逾期 {late.late_days} 个工作日"
        )


# --- excel and letters -------------------------------------------------------------------------


@register_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="台账 Excel 文件（.xlsx）。")],
    agency: Annotated[
        str, typer.Option("--agency", metavar="NAME", help="台账所属机关（表中有“机关”列时以表为准）。")
    ],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map", metavar="列名=字段", help="指定列的含义，如 --map 来件日期=received；可多次给出。"
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", metavar="NAME", help="工作表名称（默认第一个）。")
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="确认导入；不加时只预览列的对应关系和有问题的行。")
    ] = False,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """导入台账 Excel：先预览列对应和问题行，加 --commit 才导入；任何一行有问题则一行都不导入。"""
    from gongkai.register.excel import FIELDS, import_rows, read_sheet

    try:
        plan = read_sheet(file.read_bytes(), name=file.name, sheet=sheet, overrides=mapping or [])
    except OSError as e:
        raise _fail(InputError(f"无法读取文件 {file}：{e.strerror}。")) from None
    except Exception as e:
        raise _fail(e) from None
    out = _out()
    t = Table(
        box=box.SIMPLE_HEAD,
        title=f"列对应（工作表「{plan.sheet}」，表头在第 {plan.header_row} 行，{len(plan.rows)} 行数据）",
    )
    t.add_column("表中列名")
    t.add_column("对应字段")
    for col, fieldname in plan.mapping.items():
        t.add_row(col, FIELDS[fieldname][0] if fieldname else "[dim]（不导入）[/]")
    out.print(t)
    try:
        result = import_rows(db, plan, agency=agency, commit=commit)
    except Exception as e:
        raise _fail(e) from None
    for line, reason in result.errors:
        out.print(f"[red]第 {line} 行[/]：{escape(reason)}", soft_wrap=True)
    if result.errors:
        out.print(f"[bold red]有 {len(result.errors)} 行有问题，未导入任何一行。[/]")
        raise typer.Exit(EXIT_INPUT)
    if commit:
        out.print(f"[bold]已导入 {result.imported} 件申请。[/]")
    else:
        out.print(f"预览：{result.imported} 行都可以导入。确认无误后加 --commit 导入。")


@register_app.command("export")
def export_cmd(
    output: Annotated[Path, typer.Argument(metavar="OUT", help="输出的 Excel 文件（.xlsx）。")],
    agency: AgencyOption = None,
    region: RegionOption = None,
    year: Annotated[int | None, typer.Option("--year", metavar="YEAR", help="收到申请的年度。")] = None,
    as_of: AsOfOption = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """导出台账为 Excel（可再导入），含答复期限、状态和办理结果。"""
    from gongkai.register.excel import export_workbook
    from gongkai.register.service import list_requests

    try:
        views = list_requests(db, agency=agency, region=region, year=year, as_of=_date(as_of))
        output.write_bytes(export_workbook(views))
    except OSError as e:
        raise _fail(InputError(f"无法写入 {output}：{e.strerror}。")) from None
    except Exception as e:
        raise _fail(e) from None
    _out().print(f"已导出 {len(views)} 件申请到 {output}。")


@register_app.command("letter")
def letter_cmd(
    request: Annotated[str, typer.Argument(metavar="REQUEST", help="申请编号（#id）或登记编号。")],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="OUT", help="输出的 Word 文件（.docx）。")
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="告知书种类：答复（按办理结果，默认）、补正、延期、收费、征求意见。",
        ),
    ] = None,
    db: DbOption = "gongkai.db",
    _help_: HelpOption = False,
) -> None:
    """按模板起草告知书（DOCX），内容随办理结果和时间线填写，供承办人修改后印发。"""
    from gongkai.register.letters import draft_letter
    from gongkai.register.service import get_request

    try:
        view = get_request(db, request)
        data = draft_letter(view, kind)
        output.write_bytes(data)
    except OSError as e:
        raise _fail(InputError(f"无法写入 {output}：{e.strerror}。")) from None
    except Exception as e:
        raise _fail(e) from None
    _out().print(f"已起草告知书：{output}")


def register(app: typer.Typer) -> None:
    """Add ``register`` to ``app``."""
    app.add_typer(register_app, name="register")
