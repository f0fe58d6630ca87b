"""How a deadline was counted, day by day, in runs a person can check against a calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from gongkai.register.calendar import WorkCalendar
from gongkai.register.clock import Pause

ONE = timedelta(days=1)
WEEKDAYS = "一二三四五六日"


@dataclass
class Run:
    first: date
    last: date
    counted: tuple[int, int] | None  # first and last working-day number, when counted
    reason: str  # why not counted (周末, 春节假期, 暂停), or "工作日" / "调休上班"

    def text(self) -> str:
        span = _span(self.first, self.last)
        if self.counted:
            a, b = self.counted
            n = f"第 {a} 个工作日" if a == b else f"第 {a}–{b} 个工作日"
            extra = f"（{self.reason}）" if "调休" in self.reason else ""
            return f"{span}  {n}{extra}"
        return f"{span}  不计：{self.reason}"


def _span(a: date, b: date) -> str:
    wa = f"{a.isoformat()}（周{WEEKDAYS[a.weekday()]}）"
    if a == b:
        return wa
    return f"{wa} 至 {b.isoformat()}（周{WEEKDAYS[b.weekday()]}）"


def count_runs(cal: WorkCalendar, start: date, until: date, pauses: list[Pause] = ()) -> list[Run]:  # type: ignore[assignment]
    """Every day in ``(start, until]``: counted working days numbered, the others with a reason."""
    runs: list[Run] = []
    n = 0
    d = start + ONE
    while d <= until:
        paused = any(p.start <= d and (p.end is None or d <= p.end) for p in pauses)
        work = cal.is_workday(d)
        if work and not paused:
            n += 1
            why = cal.why(d)
            reason = "调休上班" if "调休" in why else "工作日"
            last = runs[-1] if runs else None
            if (
                last
                and last.counted
                and last.last == d - ONE
                and (reason == "工作日") == (last.reason == "工作日")
            ):
                last.last = d
                last.counted = (last.counted[0], n)
                if reason != "工作日":
                    last.reason = why
            else:
                runs.append(Run(d, d, (n, n), why if reason != "工作日" else "工作日"))
        else:
            reason = "期限暂停" if paused else ("周末" if cal.why(d) in ("周六", "周日") else cal.why(d))
            last = runs[-1] if runs else None
            if last and not last.counted and last.reason == reason and last.last == d - ONE:
                last.last = d
            else:
                runs.append(Run(d, d, None, reason))
        d += ONE
    return runs
