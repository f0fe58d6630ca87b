"""The register at a year's scale: deadlines and year-end tables for many requests.

Generates ``--n`` random request timelines (consultations, fee waits, an extension, answers),
then in the same run:

* baseline: the deadline of each timeline by walking day by day with ``chinese_calendar``
  (what a careful spreadsheet formula does);
* gongkai: ``run_clock`` on the database-shaped calendar (bisect over working days), which also
  writes the explanation of every step;
* tables: tables 3 and 4 of the year counted from all the requests.

Prints requests per second of each and the ratio; checks that every deadline agrees.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

import chinese_calendar

from gongkai.register.calendar import library_calendar
from gongkai.register.clock import Event, run_clock
from gongkai.register.service import RequestView
from gongkai.register.tables import year_report

ONE = timedelta(days=1)


def walk(start: date, n: int, spans: list[tuple[date, date]]) -> date:
    d, k = start, 0
    while True:
        d += ONE
        if chinese_calendar.is_workday(d) and not any(a <= d <= b for a, b in spans):
            k += 1
            if k == n:
                return d


def timeline(rng: random.Random) -> tuple[date, list[Event], list[tuple[date, date]], int]:
    received = date(2025, 1, 1) + timedelta(days=rng.randrange(330))
    events: list[Event] = []
    spans: list[tuple[date, date]] = []
    day = received
    for _ in range(rng.randrange(3)):
        day += timedelta(days=rng.randrange(6))
        answer = day + timedelta(days=rng.randrange(10))
        kind = rng.choice(["agency_consult", "fee_notice"])
        events += [
            Event(kind, day),
            Event("agency_answer" if kind == "agency_consult" else "fee_paid", answer),
        ]
        spans.append((day, answer))
        day = answer + ONE
    return received, events, spans, 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    cases = [timeline(rng) for _ in range(args.n)]
    cal = library_calendar()

    t0 = time.perf_counter()
    ref = [walk(r, 20, spans) for r, _, spans, _ in cases]
    t1 = time.perf_counter()
    clocks = [run_clock(cal, r, evs) for r, evs, _, _ in cases]
    t2 = time.perf_counter()
    assert [c.due for c in clocks] == ref, "deadlines disagree"
    views = [
        RequestView(
            i,
            1,
            "甲",
            str(i),
            "当面",
            None,
            r,
            "natural_person",
            "某",
            None,
            "x",
            None,
            "granted" if c.due and c.due.year == 2025 else None,
            c.due if c.due and c.due.year == 2025 else None,
        )
        for i, ((r, _, _, _), c) in enumerate(zip(cases, clocks, strict=True))
    ]
    t3 = time.perf_counter()
    report = year_report(views, 2025, label="甲", agency="甲", region=None)
    t4 = time.perf_counter()
    assert not report.findings
    n = args.n
    print(f"requests: {n}")
    print(f"baseline day-by-day walk: {n / (t1 - t0):10.0f} requests/s")
    print(f"gongkai run_clock:        {n / (t2 - t1):10.0f} requests/s  (with explanations)")
    print(f"gongkai is {(t1 - t0) / (t2 - t1):.1f}x the baseline's speed")
    print(f"tables 3 and 4 of {n} requests: {(t4 - t3) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
