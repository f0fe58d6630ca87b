"""The working-day calendar: weekends, public holidays and make-up workdays (调休).

A :class:`WorkCalendar` knows the years whose arrangement has been published (``years``) and,
inside them, the days that differ from the Monday–Friday rule: holidays on weekdays and
make-up workdays on weekends. A date outside the known years is never guessed: asking about
it raises :class:`CalendarGapError` with a Chinese message.

The arrangement is kept in the database (``register_calendar_years`` / ``register_calendar_days``,
see :mod:`gongkai.register.calendar_store`); :func:`library_calendar` builds the same object
from the ``chinese_calendar`` package, which seeds the database.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from gongkai.errors import GongkaiError

HOLIDAY = "holiday"
WORKDAY = "workday"

# chinese_calendar's holiday names in English → the official Chinese names.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarGapError(GongkaiError):
    """A date falls in a year whose holiday arrangement is not in the calendar."""


def years_text(years: Iterable[int]) -> str:
    ys = sorted(set(years))
    if not ys:
        return "无"
    parts: list[str] = []
    start = prev = ys[0]
    for y in [*ys[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(f"{start}–{prev}" if prev > start else str(start))
        if y is not None:
            start = prev = y
    return "、".join(parts)


@dataclass(frozen=True)
class DayOff:
    day: date
    kind: str  # HOLIDAY or WORKDAY
    name: str  # 春节, 国庆节 …


@dataclass
class WorkCalendar:
    """Working days of the covered years. Build with :meth:`build`."""

    years: frozenset[int]
    special: Mapping[date, DayOff] = field(default_factory=dict)
    _ordinals: list[int] = field(default_factory=list, repr=False)  # working days, sorted

    @classmethod
    def build(cls, years: Iterable[int], special: Iterable[DayOff]) -> WorkCalendar:
        ys = frozenset(years)
        sp = {d.day: d for d in special if d.day.year in ys}
        cal = cls(ys, sp)
        ords: list[int] = []
        for y in sorted(ys):
            d = date(y, 1, 1)
            end = date(y, 12, 31)
            while d <= end:
                if cal._working(d):
                    ords.append(d.toordinal())
                d += timedelta(days=1)
        cal._ordinals = ords
        return cal

    # -- single days -------------------------------------------------------------------------
    def _working(self, d: date) -> bool:
        s = self.special.get(d)
        if s is not None:
            return s.kind == WORKDAY
        return d.weekday() < 5

    def covers(self, d: date) -> bool:
        return d.year in self.years

    def check(self, d: date) -> None:
        """Raise :class:`CalendarGapError` unless ``d`` is in a covered year."""
        if d.year not in self.years:
            raise CalendarGapError(
                f"{d.year} 年的法定节假日和调休安排尚未录入日历（已录入：{years_text(self.years)} 年），"
                f"无法按工作日计算涉及 {d.isoformat()} 的期限。国务院办公厅公布该年安排后，"
                f"请管理员运行 gongkai register calendar add-year {d.year} 录入。"
            )

    def is_workday(self, d: date) -> bool:
        self.check(d)
        return self._working(d)

    def why(self, d: date) -> str:
        """Why a day is or is not a working day, in Chinese (周六 / 春节假期 / 春节调休上班 …)."""
        s = self.special.get(d)
        if s is not None:
            return f"{s.name}假期" if s.kind == HOLIDAY else f"{s.name}调休上班"
        return "周六" if d.weekday() == 5 else "周日" if d.weekday() == 6 else "工作日"

    # -- counting ----------------------------------------------------------------------------
    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself not counted), n ≥ 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        self.check(start + timedelta(days=1))
        i = bisect_right(self._ordinals, start.toordinal()) + n - 1
        if i >= len(self._ordinals):
            self._gap_after(start)
        d = date.fromordinal(self._ordinals[i])
        self._contiguous(start, d)
        return d

    def working_days_between(self, after: date, until: date) -> int:
        """How many working days d with ``after < d <= until`` (0 when ``until <= after``)."""
        if until <= after:
            return 0
        self._contiguous(after, until)
        return bisect_right(self._ordinals, until.toordinal()) - bisect_right(
            self._ordinals, after.toordinal()
        )

    def nth_working_day_in(self, after: date, until: date, n: int) -> date | None:
        """The n-th working day d with ``after < d <= until``, or None when there are fewer."""
        i = bisect_right(self._ordinals, after.toordinal()) + n - 1
        if i < len(self._ordinals) and self._ordinals[i] <= until.toordinal():
            self._contiguous(after, date.fromordinal(self._ordinals[i]))
            return date.fromordinal(self._ordinals[i])
        return None

    def working_days_in(self, after: date, until: date) -> list[date]:
        if until <= after:
            return []
        self._contiguous(after, until)
        lo = bisect_right(self._ordinals, after.toordinal())
        hi = bisect_right(self._ordinals, until.toordinal())
        return [date.fromordinal(o) for o in self._ordinals[lo:hi]]

    def _contiguous(self, a: date, b: date) -> None:
        for y in range(min(a, b).year, max(a, b).year + 1):
            if y not in self.years:
                self.check(date(y, 1, 1))

    def _gap_after(self, start: date) -> None:
        y = start.year
        while y in self.years:
            y += 1
        self.check(date(y, 1, 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def days_off(self, after: date, until: date) -> list[DayOff]:
        """Holidays and make-up workdays in ``(after, until]``, by date."""
        return [s for day, s in sorted(self.special.items()) if after < day <= until]


@cache
def library_calendar() -> WorkCalendar:
    """The arrangement shipped with the ``chinese_calendar`` package (2004–2026 in 1.11)."""
    return WorkCalendar.build(library_years(), library_days())


def library_years() -> list[int]:
    from chinese_calendar import constants

    return sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})


def library_days() -> list[DayOff]:
    from chinese_calendar import constants

    out = [
        DayOff(d, HOLIDAY, HOLIDAY_NAMES.get(str(h.value if hasattr(h, "value") else h), str(h)))
        for d, h in constants.holidays.items()
    ]
    out += [
        DayOff(d, WORKDAY, HOLIDAY_NAMES.get(str(h.value if hasattr(h, "value") else h), str(h)))
        for d, h in constants.workdays.items()
    ]
    return sorted(out, key=lambda x: x.day)


__all__ = [
    "HOLIDAY",
    "HOLIDAY_NAMES",
    "WORKDAY",
    "CalendarGapError",
    "DayOff",
    "WorkCalendar",
    "library_calendar",
    "library_days",
    "library_years",
    "years_text",
]
