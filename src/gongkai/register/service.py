"""The register in the store: requests, their events and appeals, lists of what is due.

Every change runs in one transaction and replays the request's whole timeline through
:func:`gongkai.register.clock.run_clock` first, so a timeline the rules do not allow is never
stored. Functions take a :class:`~gongkai.store.db.Database`, a URL or a path (as the store's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa

from gongkai.register import calendar_store
from gongkai.register import schema as rs
from gongkai.register.calendar import CalendarGapError, WorkCalendar
from gongkai.register.clock import Clock, Event, run_clock
from gongkai.register.rules import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    APPLICANT_TYPES,
    CHANNELS,
    EVENTS,
    RegisterError,
)
from gongkai.store import schema as s
from gongkai.store.agencies import Directory
from gongkai.store.db import Database, using

DbArg = Database | str | Path | None


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Appeal:
    id: int
    request_id: int
    kind: str
    filed_on: date
    result: str
    decided_on: date | None
    note: str


@dataclass
class RequestView:
    id: int
    agency_id: int
    agency: str
    number: str
    channel: str
    submitted_on: date | None
    received_on: date
    applicant_type: str
    applicant: str
    contact: str | None
    content: str
    handler: str | None
    outcome: str | None
    closed_on: date | None
    events: list[Event] = field(default_factory=list)
    appeals: list[Appeal] = field(default_factory=list)
    clock: Clock | None = None
    clock_error: str | None = None  # e.g. the calendar does not cover the year yet

    @property
    def applicant_label(self) -> str:
        return APPLICANT_TYPES.get(self.applicant_type, self.applicant_type)


@dataclass
class NewRequest:
    agency: str
    channel: str
    received_on: date
    applicant_type: str
    applicant: str
    content: str
    handler: str | None = None
    number: str | None = None
    submitted_on: date | None = None
    contact: str | None = None


# --- agencies and scope ------------------------------------------------------------------------


def agency_for(conn: sa.Connection, name: str, *, create: bool) -> int:
    d = Directory.load(conn)
    found = d.agency_id_of(name)
    if found is not None:
        return found
    if not create:
        raise RegisterError(f"找不到机关「{name}」。")
    if not name.strip():
        raise RegisterError("请填写机关名称。")
    return d.resolve(conn, name)


def agency_scope(
    conn: sa.Connection, agency: str | int | None, region: str | None
) -> tuple[list[int] | None, str]:
    """Agency ids for an agency or a region subtree (None = all) and a label for titles."""
    d = Directory.load(conn)
    if agency is not None:
        aid = d.agency_id_of(str(agency))
        if aid is None:
            raise RegisterError(f"找不到机关「{agency}」。")
        return [aid], d.agency_names[aid]
    if region is not None:
        hits = set(d.regions_by_name.get(region.strip(), []))
        if not hits:
            raise RegisterError(f"找不到地区「{region}」。")
        children: dict[int | None, list[int]] = {}
        for rid, (_, _, parent) in d.regions.items():
            children.setdefault(parent, []).append(rid)
        todo, seen = list(hits), set()
        while todo:
            r = todo.pop()
            if r not in seen:
                seen.add(r)
                todo.extend(children.get(r, []))
        ids = sorted(a for a, r in d.agency_regions.items() if r in seen)
        return ids, region.strip()
    return None, "全部机关"


# --- rows ↔ objects ----------------------------------------------------------------------------


def _event(row: Any) -> Event:
    return Event(
        kind=row.kind,
        on=row.on,
        until=row.until,
        days=row.days,
        amount=Decimal(row.amount) if row.amount is not None else None,
        approved_by=row.approved_by,
        outcome=row.outcome,
        detail=row.detail or "",
        id=row.id,
    )


T = TypeVar("T")


def _by_request(
    conn: sa.Connection, table: sa.Table, ids: list[int], order: tuple[str, str], make: Callable[[Any], T]
) -> dict[int, list[T]]:
    """The rows of ``table`` that belong to the requests ``ids`` (500 ids a query), grouped by request,
    in ``order`` within each request."""
    out: dict[int, list[T]] = {i: [] for i in ids}
    if not ids:
        return out
    c = table.c
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for row in conn.execute(
            sa.select(table).where(c.request_id.in_(part)).order_by(*(c[name] for name in order))
        ):
            out[row.request_id].append(make(row))
    return out


def _events(conn: sa.Connection, ids: list[int]) -> dict[int, list[Event]]:
    return _by_request(conn, rs.register_events, ids, ("on", "id"), _event)


def _appeals(conn: sa.Connection, ids: list[int]) -> dict[int, list[Appeal]]:
    return _by_request(
        conn,
        rs.register_appeals,
        ids,
        ("filed_on", "id"),
        lambda r: Appeal(r.id, r.request_id, r.kind, r.filed_on, r.result, r.decided_on, r.note),
    )


def receipt_note(channel: str) -> str:
    rule = CHANNELS.get(channel)
    return rule[1] + "。" if rule else ""


def clock_of(cal: WorkCalendar, view: RequestView, as_of: date | None) -> None:
    try:
        view.clock = run_clock(
            cal, view.received_on, view.events, as_of=as_of, receipt_note=receipt_note(view.channel)
        )
    except (CalendarGapError, RegisterError) as e:
        view.clock = None
        view.clock_error = e.message


def _views(conn: sa.Connection, rows: list[Any], cal: WorkCalendar, as_of: date | None) -> list[RequestView]:
    ids = [r.id for r in rows]
    evs = _events(conn, ids)
    aps = _appeals(conn, ids)
    names = dict(conn.execute(sa.select(s.agencies.c.id, s.agencies.c.name)).all())
    out = []
    for r in rows:
        v = RequestView(
            id=r.id,
            agency_id=r.agency_id,
            agency=names.get(r.agency_id, str(r.agency_id)),
            number=r.number,
            channel=r.channel,
            submitted_on=r.submitted_on,
            received_on=r.received_on,
            applicant_type=r.applicant_type,
            applicant=r.applicant,
            contact=r.contact,
            content=r.content,
            handler=r.handler,
            outcome=r.outcome,
            closed_on=r.closed_on,
            events=evs[r.id],
            appeals=aps[r.id],
        )
        clock_of(cal, v, as_of)
        out.append(v)
    return out


# --- requests ----------------------------------------------------------------------------------


def _next_number(conn: sa.Connection, agency_id: int, year: int) -> str:
    c = rs.register_requests.c
    prefix = f"{year}-"
    taken = conn.execute(
        sa.select(c.number).where(c.agency_id == agency_id, c.number.like(prefix + "%"))
    ).scalars()
    n = 0
    for t in taken:
        tail = t[len(prefix) :]
        if tail.isdigit():
            n = max(n, int(tail))
    return f"{prefix}{n + 1:04d}"


def insert_request(conn: sa.Connection, new: NewRequest, *, by: str) -> int:
    if new.channel not in CHANNELS:
        raise RegisterError(f"无法识别的申请渠道「{new.channel}」；可用：{'、'.join(CHANNELS)}。")
    if new.applicant_type not in APPLICANT_TYPES:
        raise RegisterError(f"无法识别的申请人类型「{new.applicant_type}」。")
    if not new.applicant.strip():
        raise RegisterError("请填写申请人。")
    if not new.content.strip():
        raise RegisterError("请填写申请内容。")
    if new.submitted_on and new.submitted_on > new.received_on:
        raise RegisterError(f"提交日期 {new.submitted_on} 晚于收到申请之日 {new.received_on}。")
    agency_id = agency_for(conn, new.agency, create=True)
    number = (new.number or "").strip() or _next_number(conn, agency_id, new.received_on.year)
    c = rs.register_requests.c
    if conn.execute(sa.select(c.id).where(c.agency_id == agency_id, c.number == number)).first():
        raise RegisterError(f"登记编号「{number}」在本机关已经使用。")
    return int(
        conn.execute(
            sa.insert(rs.register_requests).returning(c.id),
            {
                "agency_id": agency_id,
                "number": number,
                "channel": new.channel,
                "submitted_on": new.submitted_on,
                "received_on": new.received_on,
                "applicant_type": new.applicant_type,
                "applicant": new.applicant.strip(),
                "contact": (new.contact or "").strip() or None,
                "content": new.content.strip(),
                "handler": (new.handler or "").strip() or None,
                "outcome": None,
                "closed_on": None,
                "created_at": _now(),
                "created_by": by,
            },
        ).scalar_one()
    )


def add_request(db: DbArg, new: NewRequest, *, by: str = "cli") -> RequestView:
    with using(db) as store:
        with store.engine.begin() as conn:
            rid = insert_request(conn, new, by=by)
        return get_request(store, rid)


def find_request_id(conn: sa.Connection, spec: str | int, agency_ids: list[int] | None = None) -> int:
    """A request by id (``12``, ``#12``) or by its number (``2026-0003``)."""
    c = rs.register_requests.c
    t = str(spec).strip()
    q = sa.select(c.id)
    if agency_ids is not None:
        q = q.where(c.agency_id.in_(agency_ids))
    if t.lstrip("#").isdigit():
        hit = conn.execute(q.where(c.id == int(t.lstrip("#")))).scalar_one_or_none()
        if hit is not None:
            return int(hit)
    hits = list(conn.execute(q.where(c.number == t)).scalars())
    if len(hits) == 1:
        return int(hits[0])
    if len(hits) > 1:
        raise RegisterError(f"登记编号「{t}」在多个机关中使用，请用申请编号（#id）或加 --agency。")
    raise RegisterError(f"找不到申请「{t}」。")


def get_request(
    db: DbArg, spec: str | int, *, as_of: date | None = None, agency_ids: list[int] | None = None
) -> RequestView:
    with using(db) as store, store.engine.begin() as conn:
        rid = find_request_id(conn, spec, agency_ids)
        cal = calendar_store.load(conn)
        row = conn.execute(sa.select(rs.register_requests).where(rs.register_requests.c.id == rid)).one()
        return _views(conn, [row], cal, as_of or date.today())[0]


def insert_event(
    conn: sa.Connection, request_id: int, ev: Event, *, by: str, validate: bool = True
) -> Clock | None:
    row = conn.execute(
        sa.select(rs.register_requests).where(rs.register_requests.c.id == request_id)
    ).one_or_none()
    if row is None:
        raise RegisterError(f"找不到申请 #{request_id}。")
    if ev.kind not in EVENTS:
        raise RegisterError(f"未知的事件类型「{ev.kind}」。")
    clock = None
    if validate:
        events = _events(conn, [request_id])[request_id]
        cal = calendar_store.load(conn)
        clock = run_clock(cal, row.received_on, [*events, ev], receipt_note=receipt_note(row.channel))
    elif ev.on < row.received_on:
        raise RegisterError(f"{EVENTS[ev.kind]}的日期 {ev.on} 早于收到申请之日 {row.received_on}。")
    conn.execute(
        sa.insert(rs.register_events),
        {
            "request_id": request_id,
            "kind": ev.kind,
            "on": ev.on,
            "until": ev.until,
            "days": ev.days,
            "amount": ev.amount,
            "approved_by": (ev.approved_by or "").strip() or None,
            "outcome": ev.outcome,
            "detail": ev.detail or "",
            "recorded_at": _now(),
            "recorded_by": by,
        },
    )
    if ev.kind == "answer":
        conn.execute(
            sa.update(rs.register_requests)
            .where(rs.register_requests.c.id == request_id)
            .values(outcome=ev.outcome, closed_on=ev.on)
        )
    return clock


def add_event(
    db: DbArg, spec: str | int, ev: Event, *, by: str = "cli", agency_ids: list[int] | None = None
) -> RequestView:
    with using(db) as store:
        with store.engine.begin() as conn:
            rid = find_request_id(conn, spec, agency_ids)
            insert_event(conn, rid, ev, by=by)
        return get_request(store, rid)


def insert_appeal(
    conn: sa.Connection,
    request_id: int,
    kind: str,
    filed_on: date,
    result: str = "pending",
    decided_on: date | None = None,
    note: str = "",
) -> int:
    if kind not in APPEAL_KINDS:
        raise RegisterError(f"未知的复议诉讼类型「{kind}」。")
    if result not in APPEAL_RESULTS:
        raise RegisterError(f"未知的复议诉讼结果「{result}」。")
    if (result == "pending") != (decided_on is None):
        raise RegisterError("已审结的复议诉讼须填写审结日期；尚未审结的不填。")
    row = conn.execute(
        sa.select(rs.register_requests).where(rs.register_requests.c.id == request_id)
    ).one_or_none()
    if row is None:
        raise RegisterError(f"找不到申请 #{request_id}。")
    if filed_on < row.received_on:
        raise RegisterError(f"复议诉讼日期 {filed_on} 早于收到申请之日 {row.received_on}。")
    if decided_on is not None and decided_on < filed_on:
        raise RegisterError("审结日期早于提起日期。")
    if kind == "litigation_after_reconsideration":
        prior = conn.execute(
            sa.select(rs.register_appeals.c.id).where(
                rs.register_appeals.c.request_id == request_id,
                rs.register_appeals.c.kind == "reconsideration",
            )
        ).first()
        if prior is None:
            raise RegisterError("“复议后起诉”须先登记该申请的行政复议。")
    return int(
        conn.execute(
            sa.insert(rs.register_appeals).returning(rs.register_appeals.c.id),
            {
                "request_id": request_id,
                "kind": kind,
                "filed_on": filed_on,
                "result": result,
                "decided_on": decided_on,
                "note": note,
                "recorded_at": _now(),
            },
        ).scalar_one()
    )


def add_appeal(
    db: DbArg,
    spec: str | int,
    kind: str,
    filed_on: date,
    result: str = "pending",
    decided_on: date | None = None,
    note: str = "",
) -> RequestView:
    with using(db) as store:
        with store.engine.begin() as conn:
            rid = find_request_id(conn, spec)
            insert_appeal(conn, rid, kind, filed_on, result, decided_on, note)
        return get_request(store, rid)


def decide_appeal(db: DbArg, appeal_id: int, result: str, decided_on: date) -> None:
    if result not in APPEAL_RESULTS or result == "pending":
        raise RegisterError("审结结果应为维持、纠正或其他。")
    with using(db) as store, store.engine.begin() as conn:
        a = rs.register_appeals.c
        row = conn.execute(sa.select(rs.register_appeals).where(a.id == appeal_id)).one_or_none()
        if row is None:
            raise RegisterError(f"找不到复议诉讼 #{appeal_id}。")
        if decided_on < row.filed_on:
            raise RegisterError("审结日期早于提起日期。")
        conn.execute(
            sa.update(rs.register_appeals)
            .where(a.id == appeal_id)
            .values(result=result, decided_on=decided_on)
        )


# --- lists -------------------------------------------------------------------------------------


def list_requests(
    db: DbArg,
    *,
    agency: str | int | None = None,
    region: str | None = None,
    agency_ids: Iterable[int] | None = None,
    year: int | None = None,
    handler: str | None = None,
    open_only: bool = False,
    as_of: date | None = None,
) -> list[RequestView]:
    with using(db) as store, store.engine.begin() as conn:
        ids, _ = agency_scope(conn, agency, region)
        if agency_ids is not None:
            allowed = set(agency_ids)
            ids = sorted(allowed if ids is None else allowed & set(ids))
        c = rs.register_requests.c
        q = sa.select(rs.register_requests)
        if ids is not None:
            q = q.where(c.agency_id.in_(ids))
        if year is not None:
            q = q.where(c.received_on >= date(year, 1, 1), c.received_on <= date(year, 12, 31))
        if handler:
            q = q.where(c.handler == handler)
        if open_only:
            q = q.where(c.closed_on.is_(None))
        rows = list(conn.execute(q.order_by(c.received_on, c.id)).all())
        cal = calendar_store.load(conn)
        return _views(conn, rows, cal, as_of or date.today())


@dataclass
class DueItem:
    view: RequestView
    kind: str  # 答复, 补正, 缴费, 第三方意见
    due: date | None
    overdue: bool
    left: int  # working days left (0 when due today or past)
    note: str = ""


def due_items(views: list[RequestView], cal: WorkCalendar, as_of: date, within: int) -> list[DueItem]:
    """What falls due within ``within`` working days of ``as_of`` or is overdue, for open requests."""
    try:
        horizon = cal.add_working_days(as_of, within) if within > 0 else as_of
    except CalendarGapError:
        horizon = date(as_of.year, 12, 31)
    out: list[DueItem] = []
    for v in views:
        if v.closed_on is not None:
            continue
        if v.clock is None:
            out.append(DueItem(v, "答复", None, False, 0, v.clock_error or ""))
            continue
        ck = v.clock
        cands: list[tuple[str, date | None, str]] = []
        if ck.status == "待补正":
            cands.append(("补正", ck.correction_until, "补正期限届满仍未补正的，可按“逾期不补正”办结"))
        elif ck.status == "待缴费":
            cands.append(("缴费", ck.fee_until, "缴费期限届满仍未缴费的，可按“逾期不缴费”办结"))
        else:
            cands.append(("答复", ck.due, ""))
        for kind, due, note in cands:
            if due is None:
                out.append(DueItem(v, kind, None, False, ck.remaining, "期限暂停中"))
                continue
            over = due < as_of
            if over or due <= horizon:
                left = 0 if due <= as_of else cal.working_days_between(as_of, due)
                out.append(DueItem(v, kind, due, over, left, note))
    out.sort(key=lambda x: (x.due or date.max, x.view.id))
    return out


def due_list(
    db: DbArg,
    *,
    as_of: date | None = None,
    within: int = 5,
    agency: str | int | None = None,
    region: str | None = None,
    handler: str | None = None,
    overdue_only: bool = False,
    agency_ids: Iterable[int] | None = None,
) -> list[DueItem]:
    today = as_of or date.today()
    views = list_requests(
        db, agency=agency, region=region, handler=handler, open_only=True, as_of=today, agency_ids=agency_ids
    )
    with using(db) as store, store.engine.begin() as conn:
        cal = calendar_store.load(conn)
    items = due_items(views, cal, today, within)
    if overdue_only:
        items = [i for i in items if i.overdue]
    return items
