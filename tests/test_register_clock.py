"""The register's clock: worked examples checked date by date, refusals of timelines the 条例
does not allow, the calendar's refusal to guess, and property tests against a slow reference
that walks day by day with ``chinese_calendar`` itself."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.register.calendar import CalendarGapError, DayOff, WorkCalendar, library_calendar
from gongkai.register.clock import Event, Pause, counted, deadline, run_clock
from gongkai.register.explain import count_runs
from gongkai.register.rules import RegisterError

D = date
CAL = library_calendar()
ONE = timedelta(days=1)


# --- the slow reference -------------------------------------------------------------------------


def ref_workday(d: date) -> bool:
    return bool(chinese_calendar.is_workday(d))


def ref_nth_after(start: date, n: int, pauses: list[tuple[date, date]] = ()) -> date:  # type: ignore[assignment]
    """Walk day by day: the n-th working day after ``start`` outside every (inclusive) pause."""
    d, k = start, 0
    while True:
        d += ONE
        if ref_workday(d) and not any(a <= d <= b for a, b in pauses):
            k += 1
            if k == n:
                return d


def ref_count(start: date, until: date, pauses: list[tuple[date, date]]) -> int:
    d, k = start, 0
    while d < until:
        d += ONE
        if ref_workday(d) and not any(a <= d <= b for a, b in pauses):
            k += 1
    return k


def dues(clock_steps: list) -> list[tuple[date, date | None]]:
    return [(s.on, s.due) for s in clock_steps]


# --- worked examples -----------------------------------------------------------------------------


def test_plain_twenty_working_days_over_spring_festival() -> None:
    # 2026-01-30 (Fri): 2/2–2/13 (10), 2/14 Sat make-up day (11), 2/15–2/23 春节, 2/24–2/27 (15),
    # 2/28 Sat make-up day (16), 3/2–3/5 (20).
    clock = run_clock(CAL, D(2026, 1, 30), [])
    assert clock.due == D(2026, 3, 5)
    runs = count_runs(CAL, D(2026, 1, 30), clock.due)
    texts = [r.text() for r in runs]
    assert any("2026-02-14" in t and "第 11 个工作日" in t and "春节调休上班" in t for t in texts)
    assert any("2026-02-15" in t and "2026-02-23" in t and "春节假期" in t for t in texts)
    assert texts[-1].startswith("2026-03-02") and "第 17–20 个工作日" in texts[-1]


def test_extension_two_pauses_and_a_fee_wait_across_new_year_and_spring_festival() -> None:
    events = [
        Event("third_party", D(2026, 1, 5)),
        Event("third_party_answer", D(2026, 1, 9)),
        Event("extension", D(2026, 1, 20), days=10, approved_by="王主任"),
        Event("fee_notice", D(2026, 1, 26)),
        Event("fee_paid", D(2026, 2, 3)),
        Event("answer", D(2026, 3, 2), outcome="granted"),
    ]
    clock = run_clock(CAL, D(2025, 12, 22), events)
    assert dues(clock.steps) == [
        # 12/23–12/31 (7), 1/1–1/3 元旦, 1/4 Sun make-up day (8), 1/5–1/20 (20)
        (D(2025, 12, 22), D(2026, 1, 20)),
        # third party until its 15th working day 1/26 (pause 1/5–1/26): 1/27–2/11 (9–20)
        (D(2026, 1, 5), D(2026, 2, 11)),
        # answered 1/9: pause 1/5–1/9, 1/12–1/27 (9–20)
        (D(2026, 1, 9), D(2026, 1, 27)),
        # +10 working days: 1/28–2/10
        (D(2026, 1, 20), D(2026, 2, 10)),
        # fee notice open: undetermined
        (D(2026, 1, 26), None),
        # paid 2/3: pause 1/26–2/3; 18 counted by 1/23, 2/4–2/13 (26), 2/14 (27), 2/24–2/26 (30)
        (D(2026, 2, 3), D(2026, 2, 26)),
        (D(2026, 3, 2), D(2026, 2, 26)),
    ]
    fee_step = clock.steps[4]
    assert "2026-02-28" in fee_step.text  # pay within 20 working days: 2/28 is a make-up Saturday
    assert "已计 18 个工作日，尚余 12 个" in fee_step.text
    assert clock.third_party_until == D(2026, 1, 26) or clock.third_party_until is None
    assert clock.status == "已办结" and clock.outcome == "granted"
    assert clock.late_days == 3  # 2/27, 2/28 (make-up Saturday), 3/2
    assert clock.extension_days == 10 and clock.limit == 30


def test_correction_restarts_the_clock_then_an_agency_consultation_pauses_it() -> None:
    events = [
        Event("correction_notice", D(2026, 3, 6), until=D(2026, 3, 20)),
        Event("correction_received", D(2026, 3, 18)),
        Event("agency_consult", D(2026, 4, 1)),
        Event("agency_answer", D(2026, 4, 8)),
        Event("answer", D(2026, 4, 22), outcome="granted"),
    ]
    clock = run_clock(CAL, D(2026, 3, 2), events)
    assert clock.correction_notice_by == D(2026, 3, 11)  # 7th working day after 3/2
    assert dues(clock.steps) == [
        (D(2026, 3, 2), D(2026, 3, 30)),
        (D(2026, 3, 6), None),  # awaiting the correction: no answer deadline
        # restart from 3/18: 3/19–4/3 (12), 4/4–4/6 清明, 4/7–4/16 (20)
        (D(2026, 3, 18), D(2026, 4, 16)),
        (D(2026, 4, 1), None),  # another agency consulted: paused, open
        # pause 4/1–4/8: 9 counted by 3/31, 4/9–4/23 (20)
        (D(2026, 4, 8), D(2026, 4, 23)),
        (D(2026, 4, 22), D(2026, 4, 23)),
    ]
    assert clock.late_days == 0 and not clock.warnings
    assert clock.start == D(2026, 3, 18)


def test_no_correction_in_time_ends_as_overdue_correction() -> None:
    notice = Event("correction_notice", D(2026, 3, 6), until=D(2026, 3, 20))
    waiting = run_clock(CAL, D(2026, 3, 2), [notice], as_of=D(2026, 3, 20))
    assert waiting.status == "待补正" and waiting.due is None and waiting.suggested_outcome is None
    late = run_clock(CAL, D(2026, 3, 2), [notice], as_of=D(2026, 3, 21))
    assert late.suggested_outcome == "other_overdue_correction"
    with pytest.raises(RegisterError, match="尚未届满"):
        run_clock(
            CAL, D(2026, 3, 2), [notice, Event("answer", D(2026, 3, 20), outcome="other_overdue_correction")]
        )
    with pytest.raises(RegisterError, match="尚待补正"):
        run_clock(CAL, D(2026, 3, 2), [notice, Event("answer", D(2026, 3, 19), outcome="granted")])
    done = run_clock(
        CAL, D(2026, 3, 2), [notice, Event("answer", D(2026, 3, 23), outcome="other_overdue_correction")]
    )
    assert done.closed_on == D(2026, 3, 23) and done.late_days == 0


def test_unpaid_fee_ends_as_overdue_fee_after_twenty_working_days() -> None:
    notice = Event("fee_notice", D(2026, 6, 10))
    # 6/11–6/18 (6), 6/19 端午, 6/22–7/9 (20)
    waiting = run_clock(CAL, D(2026, 6, 1), [notice], as_of=D(2026, 7, 9))
    assert (
        waiting.status == "待缴费"
        and waiting.fee_until == D(2026, 7, 9)
        and waiting.suggested_outcome is None
    )
    assert (
        run_clock(CAL, D(2026, 6, 1), [notice], as_of=D(2026, 7, 10)).suggested_outcome == "other_overdue_fee"
    )
    with pytest.raises(RegisterError, match="尚未届满"):
        run_clock(CAL, D(2026, 6, 1), [notice, Event("answer", D(2026, 7, 9), outcome="other_overdue_fee")])
    run_clock(CAL, D(2026, 6, 1), [notice, Event("answer", D(2026, 7, 10), outcome="other_overdue_fee")])


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([Event("extension", D(2026, 3, 5), days=21, approved_by="甲")], "1 至 20"),
        ([Event("extension", D(2026, 3, 5), days=5)], "批准人"),
        (
            [
                Event("extension", D(2026, 3, 5), days=5, approved_by="甲"),
                Event("extension", D(2026, 3, 6), days=5, approved_by="甲"),
            ],
            "只能延长一次",
        ),
        ([Event("extension", D(2026, 3, 31), days=5, approved_by="甲")], "已于 2026-03-30 届满"),
        (
            [
                Event("correction_notice", D(2026, 3, 3), until=D(2026, 3, 10)),
                Event("correction_notice", D(2026, 3, 4), until=D(2026, 3, 10)),
            ],
            "一次性告知",
        ),
        ([Event("correction_received", D(2026, 3, 3))], "没有补正通知"),
        ([Event("third_party_answer", D(2026, 3, 3))], "没有尚未答复"),
        ([Event("fee_paid", D(2026, 3, 3))], "没有待缴费"),
        ([Event("answer", D(2026, 3, 1), outcome="granted")], "早于收到申请之日"),
        ([Event("answer", D(2026, 3, 3), outcome="unavailable_unclear")], "已收到补正"),
        (
            [
                Event("answer", D(2026, 3, 3), outcome="granted"),
                Event("extension", D(2026, 3, 4), days=1, approved_by="甲"),
            ],
            "已于 2026-03-03 办结",
        ),
    ],
)
def test_timelines_the_rules_refuse(events: list[Event], message: str) -> None:
    with pytest.raises(RegisterError, match=message):
        run_clock(CAL, D(2026, 3, 2), events)


def test_late_correction_notice_is_recorded_with_a_warning() -> None:
    clock = run_clock(CAL, D(2026, 3, 2), [Event("correction_notice", D(2026, 3, 12), until=D(2026, 3, 20))])
    assert any("晚于收到申请之日起第 7 个工作日（2026-03-11" in w for w in clock.warnings)


def test_third_party_silence_ends_the_pause_on_its_fifteenth_working_day() -> None:
    # sent 2026-05-06: 5/7, 5/8, 5/9 (a make-up Saturday), 5/11–5/22, 5/25, 5/26 → 15th on 5/26.
    clock = run_clock(CAL, D(2026, 5, 6), [Event("third_party", D(2026, 5, 6))], as_of=D(2026, 6, 1))
    assert clock.third_party_until == D(2026, 5, 26)
    assert clock.due == ref_nth_after(D(2026, 5, 6), 20, [(D(2026, 5, 6), D(2026, 5, 26))])
    late = run_clock(
        CAL, D(2026, 5, 6), [Event("third_party", D(2026, 5, 6)), Event("third_party_answer", D(2026, 6, 2))]
    )
    assert late.due == clock.due and "逾期提出意见" in late.steps[-1].text


# --- the calendar never guesses ------------------------------------------------------------------


def test_a_deadline_past_the_covered_years_is_refused_in_chinese() -> None:
    with pytest.raises(CalendarGapError, match="2027 年的法定节假日和调休安排尚未录入"):
        CAL.add_working_days(D(2026, 12, 20), 20)
    clock = run_clock(CAL, D(2026, 12, 20), [])
    assert clock.due is None and clock.gaps and "2027" in clock.gaps[0]
    with pytest.raises(CalendarGapError):
        CAL.is_workday(D(2003, 6, 1))


def test_an_added_year_extends_the_calendar() -> None:
    days = [DayOff(D(2027, 1, 1), "holiday", "元旦"), DayOff(D(2027, 1, 2), "workday", "元旦")]
    cal = WorkCalendar.build([*CAL.years, 2027], [*CAL.special.values(), *days])
    # 12/21–12/31 (9), 1/1 holiday, 1/2 Sat make-up day (10), 1/4–1/15 (20)
    assert cal.add_working_days(D(2026, 12, 20), 20) == D(2027, 1, 15)
    gap = WorkCalendar.build([2026, 2028], [])
    with pytest.raises(CalendarGapError, match="2027"):
        gap.add_working_days(D(2026, 12, 20), 20)


def test_library_calendar_matches_chinese_calendar_on_every_covered_day() -> None:
    d = D(min(CAL.years), 1, 1)
    end = D(max(CAL.years), 12, 31)
    while d <= end:
        assert CAL.is_workday(d) == ref_workday(d), d
        d += ONE


# --- properties ------------------------------------------------------------------------------------

received_days = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 5, 31))


@st.composite
def pause_lists(draw: st.DrawFn, start: date) -> list[tuple[date, date]]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        a = start + timedelta(days=draw(st.integers(0, 40)))
        b = a + timedelta(days=draw(st.integers(0, 20)))
        out.append((a, b))
    return out


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_deadline_agrees_with_a_day_by_day_walk(data: st.DataObject) -> None:
    start = data.draw(received_days)
    limit = data.draw(st.integers(1, 40))
    spans = data.draw(pause_lists(start))
    pauses = [Pause("agency_consult", a, b) for a, b in spans]
    due = deadline(CAL, start, limit, pauses)
    assert due == ref_nth_after(start, limit, spans)
    until = start + timedelta(days=data.draw(st.integers(0, 90)))
    assert counted(CAL, start, until, pauses) == ref_count(start, until, spans)


@st.composite
def timelines(draw: st.DrawFn) -> tuple[date, date, list[Event], list[tuple[date, date]], int]:
    """Random timelines: maybe a 补正 restart first, then consultations, fee waits and an extension,
    placed one after another."""
    received = draw(received_days)
    events: list[Event] = []
    spans: list[tuple[date, date]] = []
    day = received
    start = received  # the clock restarts from the receipt of a corrected request
    ext = 0
    if draw(st.booleans()):
        notice = received + timedelta(days=draw(st.integers(0, 9)))
        until = notice + timedelta(days=draw(st.integers(1, 15)))
        start = notice + timedelta(days=draw(st.integers(0, 14)))
        events += [Event("correction_notice", notice, until=until), Event("correction_received", start)]
        day = start
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["third_party", "agency_consult", "fee_notice", "extension"]))
        day = day + timedelta(days=draw(st.integers(0, 6)))
        if kind == "extension":
            if ext:
                continue
            due = ref_nth_after(start, 20, spans)
            if day > due:
                continue
            ext = draw(st.integers(1, 20))
            events.append(Event("extension", day, days=ext, approved_by="负责人"))
            continue
        length = draw(st.integers(0, 25))
        answer = day + timedelta(days=length)
        if kind == "third_party":
            last = ref_nth_after(day, 15)
            spans.append((day, min(answer, last)))
            events += [Event("third_party", day), Event("third_party_answer", answer)]
        elif kind == "agency_consult":
            spans.append((day, answer))
            events += [Event("agency_consult", day), Event("agency_answer", answer)]
        else:
            spans.append((day, answer))
            events += [Event("fee_notice", day), Event("fee_paid", answer)]
        day = answer + ONE
    return received, start, events, spans, ext


@settings(max_examples=60, deadline=None)
@given(timelines())
def test_run_clock_agrees_with_a_day_by_day_walk(
    t: tuple[date, date, list[Event], list[tuple[date, date]], int],
) -> None:
    received, start, events, spans, ext = t
    clock = run_clock(CAL, received, events)
    assert clock.start == start
    assert clock.due == ref_nth_after(start, 20 + ext, spans)
    assert clock.limit == 20 + ext


# --- fees (国办函〔2020〕109号) ----------------------------------------------------------------------


def test_fees_by_piece_and_by_page() -> None:
    from gongkai.register.fees import fee_by_pages, fee_by_pieces, piece_price

    assert [piece_price(k) for k in (1, 10, 11, 30, 31, 40, 41, 50, 51)] == [
        0,
        0,
        100,
        100,
        200,
        200,
        300,
        300,
        400,
    ]
    fee = fee_by_pieces(5, earlier=28)  # the 29th–33rd of the month
    assert fee.amount == 2 * 100 + 3 * 200
    assert fee.lines == ("第 29–30 件：2 件 × 100 元 = 200 元", "第 31–33 件：3 件 × 200 元 = 600 元")
    assert fee_by_pieces(10).amount == 0
    assert fee_by_pages(30).amount == 0
    assert fee_by_pages(100).amount == 70 * 10
    assert fee_by_pages(250).amount == 70 * 10 + 100 * 20 + 50 * 40
    with pytest.raises(RegisterError):
        fee_by_pages(0)
