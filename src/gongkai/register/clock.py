"""The clock of one request: its answer deadline from the day of receipt and its events.

Rules (条例 2019 revision; 国办函〔2020〕109号):

- Counting starts the day after the day of receipt (第三十一条 fixes that day per channel) and
  runs 20 working days (第三十三条第一款).
- One extension of at most 20 working days, approved by the head of the disclosure office and
  recorded before the deadline passes (第三十三条第一款).
- 补正 (第三十条): one notice, due within 7 working days of receipt, with a time limit for the
  correction. The clock is replaced: it restarts from the day the corrected request is received.
  No correction in time ends the request as 其他处理/逾期不补正.
- A consultation of a third party (第三十二条, 15 working days to answer) or of another agency
  pauses the clock (第三十三条第二款); so does a fee notice, from the day it is sent until the day
  the fee is paid (109号文). Pauses are inclusive of both ends: a working day from the day a
  pause starts to the day it ends does not count. A third party that does not answer ends its
  pause on its 15th working day. The applicant has 20 working days from the day after the fee
  notice is received to pay; unpaid in time ends the request as 其他处理/逾期不缴纳收费.

:func:`run_clock` replays the events in order and returns a :class:`Clock`: the deadline,
the status as of a day, and one :class:`Step` per event explaining what it did to the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from gongkai.register.calendar import CalendarGapError, WorkCalendar
from gongkai.register.rules import (
    ANSWER_DAYS,
    CORRECTION_NOTICE_DAYS,
    EVENTS,
    EXTENSION_MAX_DAYS,
    FEE_PAYMENT_DAYS,
    OUTCOMES,
    THIRD_PARTY_DAYS,
    RegisterError,
)

ONE = timedelta(days=1)


@dataclass
class Event:
    kind: str
    on: date
    until: date | None = None  # 补正期限; 缴费截止日 when the notice arrived later than sent
    days: int | None = None  # extension length
    amount: Decimal | None = None  # fee
    approved_by: str | None = None  # extension approval
    outcome: str | None = None  # answer
    detail: str = ""
    id: int | None = None


@dataclass
class Pause:
    kind: str  # third_party, agency_consult, fee_notice
    start: date
    end: date | None  # inclusive; None while open
    limit: date | None = None  # third party: the last day to answer; fee: the last day to pay
    answered: bool = False  # consultations: the answer (or for fees, the payment) is recorded


@dataclass
class Step:
    on: date
    kind: str
    text: str
    due: date | None = None  # the answer deadline after this step (None while undetermined)


@dataclass
class Clock:
    received: date
    start: date  # counting starts the day after this (receipt, or receipt of the correction)
    limit: int  # 20, or 20 + extension
    pauses: list[Pause]
    steps: list[Step]
    due: date | None  # the answer deadline as the events stand; None while undetermined
    status: str  # 办理中, 暂停中, 待补正, 待缴费, 已办结
    closed_on: date | None = None
    outcome: str | None = None
    late_days: int = 0  # working days after the deadline the answer was given
    warnings: list[str] = field(default_factory=list)
    correction_notice_by: date | None = None
    correction_until: date | None = None
    fee_until: date | None = None
    third_party_until: date | None = None
    suggested_outcome: str | None = None  # when a correction or a fee is overdue
    used: int = 0  # working days counted up to ``as_of``
    extension_days: int = 0
    gaps: list[str] = field(default_factory=list)  # calendar years missing: deadlines not computed

    as_of: date | None = None

    @property
    def overdue(self) -> bool:
        """Open, and the answer deadline passed before ``as_of``."""
        return (
            self.closed_on is None
            and self.due is not None
            and self.as_of is not None
            and self.as_of > self.due
        )

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def closed(self) -> bool:
        return self.closed_on is not None


def _effective(pauses: list[Pause], after: date) -> list[tuple[date, date | None]]:
    """Merged pause intervals (inclusive, open end = None) that reach past ``after``."""
    items = sorted(
        ((p.start, p.end) for p in pauses if p.end is None or p.end > after),
        key=lambda x: x[0],
    )
    merged: list[tuple[date, date | None]] = []
    for s, e in items:
        if merged:
            ps, pe = merged[-1]
            if pe is None or s <= pe + ONE:
                merged[-1] = (ps, None if pe is None or e is None else max(pe, e))
                continue
        merged.append((s, e))
    return merged


def deadline(cal: WorkCalendar, start: date, limit: int, pauses: list[Pause]) -> date | None:
    """The ``limit``-th working day after ``start`` that no pause covers; None when an open
    pause is reached before it."""
    pos = start
    remaining = limit
    for s, e in _effective(pauses, start):
        seg_end = s - ONE
        if seg_end > pos:
            n = cal.working_days_between(pos, seg_end)
            if n >= remaining:
                found = cal.nth_working_day_in(pos, seg_end, remaining)
                assert found is not None
                return found
            remaining -= n
        if e is None:
            return None
        pos = max(pos, e)
    return cal.add_working_days(pos, remaining)


def counted(cal: WorkCalendar, start: date, until: date, pauses: list[Pause]) -> int:
    """Working days in ``(start, until]`` that no pause covers."""
    if until <= start:
        return 0
    n = cal.working_days_between(start, until)
    for s, e in _effective(pauses, start):
        lo = max(s - ONE, start)
        hi = min(e if e is not None else until, until)
        if hi > lo:
            n -= cal.working_days_between(lo, hi)
    return n


def _d(x: date | None) -> str:
    return x.isoformat() if x else "待定"


def run_clock(
    cal: WorkCalendar,
    received: date,
    events: list[Event],
    *,
    as_of: date | None = None,
    receipt_note: str = "",
) -> Clock:
    """Replay ``events`` (in date order; same-day events in the given order). Raises
    :class:`RegisterError` for a timeline the rules do not allow."""
    gaps: list[str] = []

    def g(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except CalendarGapError as e:
            if e.message not in gaps:
                gaps.append(e.message)
            return None

    start = received
    limit = ANSWER_DAYS
    pauses: list[Pause] = []
    steps: list[Step] = []
    warnings: list[str] = []
    extension = 0
    notice: Event | None = None
    corrected: date | None = None
    closed: Event | None = None
    late_days = 0
    notice_by: date | None = g(cal.add_working_days, received, CORRECTION_NOTICE_DAYS)

    def due_now() -> date | None:
        if notice is not None and corrected is None:
            return None
        return g(deadline, cal, start, limit, pauses)  # type: ignore[no-any-return]

    first = due_now()
    head = f"收到申请。{receipt_note}" if receipt_note else "收到申请。"
    steps.append(
        Step(
            received,
            "received",
            f"{head}答复期限自次日起计算 {ANSWER_DAYS} 个工作日（条例第三十三条第一款），至 {_d(first)}。",
            first,
        )
    )

    for ev in sorted(events, key=lambda e: e.on):
        name = EVENTS.get(ev.kind, ev.kind)
        if ev.kind not in EVENTS:
            raise RegisterError(f"未知的事件类型「{ev.kind}」。")
        if ev.on < received:
            raise RegisterError(f"{name}的日期 {ev.on} 早于收到申请之日 {received}。")
        if closed is not None and ev.kind != "note":
            raise RegisterError(f"申请已于 {closed.on} 办结，不能再登记“{name}”。")
        text = ""
        if ev.kind == "correction_notice":
            if notice is not None:
                raise RegisterError(
                    "补正只能通知一次：条例第三十条要求“一次性告知”申请人需要补正的全部事项。"
                )
            if ev.until is None or ev.until <= ev.on:
                raise RegisterError("补正通知须写明晚于通知日期的补正期限。")
            notice = ev
            late = notice_by is not None and ev.on > notice_by
            if late:
                warnings.append(
                    f"补正通知于 {ev.on} 发出，晚于收到申请之日起第 {CORRECTION_NOTICE_DAYS} 个工作日（{notice_by}，条例第三十条）。"
                )
            text = (
                f"发出补正通知（应不晚于 {_d(notice_by)}{'，已逾期' if late else ''}），补正期限至 {ev.until}。"
                "答复期限不再按原申请计算，自收到补正后的申请之日起重新计算（条例第三十条）。"
            )
        elif ev.kind == "correction_received":
            if notice is None:
                raise RegisterError("没有补正通知，不能登记“收到补正”。")
            if corrected is not None:
                raise RegisterError("已经登记过收到补正。")
            assert notice.until is not None
            if ev.on > notice.until:
                warnings.append(f"补正于 {ev.on} 收到，晚于补正期限 {notice.until}。")
            corrected = ev.on
            start = ev.on
            pauses = [p for p in pauses if p.end is None or p.end > start]
            text = f"收到补正后的申请：答复期限重新计算，自次日起 {limit} 个工作日"
        elif ev.kind in ("third_party", "agency_consult"):
            if any(p.kind == ev.kind and not p.answered for p in pauses):
                raise RegisterError(f"已有一项{name}尚未答复；请先登记答复。")
            if ev.kind == "third_party":
                until = g(cal.add_working_days, ev.on, THIRD_PARTY_DAYS)
                pauses.append(Pause(ev.kind, ev.on, until, until))
                text = (
                    f"书面征求第三方意见，答复期限暂停（条例第三十三条第二款）。第三方应在 {_d(until)} 前提出意见"
                    f"（自收到征求意见书之日起 {THIRD_PARTY_DAYS} 个工作日，条例第三十二条）；逾期未提出的，自次日起恢复计算"
                )
            else:
                pauses.append(Pause(ev.kind, ev.on, None))
                text = "征求其他机关意见，答复期限暂停，至收到其他机关意见之日止（条例第三十三条第二款）"
        elif ev.kind in ("third_party_answer", "agency_answer"):
            want = "third_party" if ev.kind == "third_party_answer" else "agency_consult"
            open_ = [p for p in pauses if p.kind == want and not p.answered and p.start <= ev.on]
            if not open_:
                raise RegisterError(f"没有尚未答复的{EVENTS[want]}，不能登记“{name}”。")
            p = open_[-1]
            p.answered = True
            if p.limit is not None and ev.on > p.limit:
                text = f"第三方逾期提出意见（应在 {p.limit} 前），答复期限已自 {p.limit + ONE} 起恢复计算"
            else:
                p.end = ev.on
                who = "第三方" if want == "third_party" else "其他机关"
                text = f"收到{who}意见，暂停结束（{p.start} 至 {ev.on}），自次日起恢复计算"
        elif ev.kind == "fee_notice":
            if any(p.kind == "fee_notice" and p.end is None for p in pauses):
                raise RegisterError("已有一份收费通知尚未缴费。")
            now_due = due_now()
            if now_due is not None and ev.on > now_due:
                warnings.append(f"收费通知于 {ev.on} 发出，晚于答复期限 {now_due}（应在答复期限内发出）。")
            pay_by = g(cal.add_working_days, ev.on, FEE_PAYMENT_DAYS)
            if ev.until is not None and (pay_by is None or ev.until > pay_by):
                pay_by = ev.until  # the notice reached the applicant later than it was sent
            pauses.append(Pause("fee_notice", ev.on, None, pay_by))
            amount = f"金额 {ev.amount} 元，" if ev.amount is not None else ""
            text = (
                f"发出收费通知，{amount}申请人应在 {_d(pay_by)} 前缴费（收到通知次日起 {FEE_PAYMENT_DAYS} 个工作日，"
                "国办函〔2020〕109号）；自通知送出之日至缴费之日，答复期限暂停"
            )
        elif ev.kind == "fee_paid":
            open_fee = [p for p in pauses if p.kind == "fee_notice" and p.end is None]
            if not open_fee:
                raise RegisterError("没有待缴费的收费通知，不能登记“缴费”。")
            p = open_fee[-1]
            if p.limit is not None and ev.on > p.limit:
                warnings.append(f"申请人于 {ev.on} 缴费，晚于缴费期限 {p.limit}。")
            p.end = ev.on
            p.answered = True
            text = f"申请人缴费，暂停结束（{p.start} 至 {ev.on}），自次日起恢复计算"
        elif ev.kind == "extension":
            if extension:
                raise RegisterError("答复期限只能延长一次（条例第三十三条第一款）。")
            if ev.days is None or not 1 <= ev.days <= EXTENSION_MAX_DAYS:
                raise RegisterError(f"延长的期限应为 1 至 {EXTENSION_MAX_DAYS} 个工作日。")
            if not (ev.approved_by or "").strip():
                raise RegisterError("延期须经政府信息公开工作机构负责人同意：请填写批准人。")
            now_due = due_now()
            if now_due is not None and ev.on > now_due:
                raise RegisterError(f"答复期限已于 {now_due} 届满，不能再延期。")
            extension = ev.days
            limit += ev.days
            text = (
                f"经 {ev.approved_by} 同意延长答复期限 {ev.days} 个工作日并告知申请人（条例第三十三条第一款）"
            )
        elif ev.kind == "answer":
            if ev.outcome not in OUTCOMES:
                raise RegisterError("答复办结须选择办理结果（依申请公开情况表的办理结果之一）。")
            _check_outcome(ev, notice, corrected, pauses)
            now_due = due_now()
            closed = ev
            if ev.outcome in ("other_overdue_correction", "other_overdue_fee"):
                text = f"办结：{OUTCOMES[ev.outcome]}"
            elif now_due is None:
                why = "日历缺少年度，答复期限未能计算" if gaps else "答复期限暂停中"
                text = f"答复办结：{OUTCOMES[ev.outcome]}（{why}）"
            elif ev.on > now_due:
                late_days = g(cal.working_days_between, now_due, ev.on) or 0
                text = f"答复办结：{OUTCOMES[ev.outcome]}。晚于答复期限 {now_due}，逾期 {late_days} 个工作日"
            else:
                text = f"答复办结：{OUTCOMES[ev.outcome]}（期限内）"
            steps.append(Step(ev.on, ev.kind, text + "。", now_due))
            continue
        else:  # note
            steps.append(Step(ev.on, ev.kind, ev.detail or "备注。", None))
            continue
        if ev.detail:
            text += f"（{ev.detail}）"
        d = due_now()
        if ev.kind == "correction_notice":
            steps.append(Step(ev.on, ev.kind, text, None))
        elif d is None:
            used = g(counted, cal, start, ev.on, pauses) or 0
            text += f"；已计 {used} 个工作日，尚余 {max(limit - used, 0)} 个，恢复计算后确定答复期限。"
            steps.append(Step(ev.on, ev.kind, text, None))
        else:
            steps.append(Step(ev.on, ev.kind, text + f"；答复期限至 {d}。", d))

    clock = Clock(
        received=received,
        start=start,
        limit=limit,
        pauses=pauses,
        steps=steps,
        due=None,
        status="办理中",
        warnings=warnings,
        correction_notice_by=notice_by,
        extension_days=extension,
        late_days=late_days,
    )
    if notice is not None:
        clock.correction_until = notice.until
    for p in pauses:
        if p.kind == "third_party":
            clock.third_party_until = p.limit or clock.third_party_until
        if p.kind == "fee_notice" and p.end is None:
            clock.fee_until = p.limit
    awaiting_correction = notice is not None and corrected is None
    clock.due = None if awaiting_correction else due_now()
    clock.gaps = gaps
    today = as_of or (closed.on if closed else None)
    clock.as_of = today
    if closed is not None:
        clock.closed_on = closed.on
        clock.outcome = closed.outcome
        clock.status = "已办结"
    elif awaiting_correction:
        clock.status = "待补正"
        if today and notice and notice.until and today > notice.until:
            clock.suggested_outcome = "other_overdue_correction"
    elif any(p.kind == "fee_notice" and p.end is None for p in pauses):
        clock.status = "待缴费"
        if today and clock.fee_until and today > clock.fee_until:
            clock.suggested_outcome = "other_overdue_fee"
    elif today and any(p.start <= today and (p.end is None or p.end >= today) for p in pauses):
        clock.status = "暂停中"
    if today is not None and not awaiting_correction:
        until = today if clock.due is None else min(today, clock.due)
        clock.used = g(counted, cal, start, until, pauses) or 0
        clock.gaps = gaps
    return clock


def _check_outcome(ev: Event, notice: Event | None, corrected: date | None, pauses: list[Pause]) -> None:
    if ev.outcome == "other_overdue_correction":
        if notice is None or corrected is not None:
            raise RegisterError("“逾期不补正”只适用于发出补正通知而申请人未补正的申请。")
        assert notice.until is not None
        if ev.on <= notice.until:
            raise RegisterError(f"补正期限 {notice.until} 尚未届满，不能按逾期不补正办结。")
    if ev.outcome == "other_overdue_fee":
        fee = [p for p in pauses if p.kind == "fee_notice" and p.end is None]
        if not fee:
            raise RegisterError("“逾期不缴费”只适用于发出收费通知而申请人未缴费的申请。")
        if fee[-1].limit is not None and ev.on <= fee[-1].limit:
            raise RegisterError(f"缴费期限 {fee[-1].limit} 尚未届满，不能按逾期不缴费办结。")
    if ev.outcome == "unavailable_unclear" and corrected is None:
        raise RegisterError("“补正后申请内容仍不明确”只适用于已收到补正的申请。")
    if notice is not None and corrected is None and ev.outcome != "other_overdue_correction":
        raise RegisterError("申请尚待补正：收到补正后才能答复，或在补正期限届满后按逾期不补正办结。")


__all__ = ["Clock", "Event", "Pause", "Step", "counted", "deadline", "run_clock"]
