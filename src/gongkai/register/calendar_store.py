"""The calendar in the database: seeded from ``chinese_calendar``, extended by an administrator.

Seeding adds only the library's years that the database does not have yet, so a year an
administrator entered is never overwritten by a later library version.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

import sqlalchemy as sa

from gongkai.register import schema as rs
from gongkai.register.calendar import HOLIDAY, WORKDAY, DayOff, WorkCalendar, library_days, library_years
from gongkai.register.rules import RegisterError

LIBRARY = "chinese_calendar"
ADMIN = "admin"


def _now() -> datetime:
    return datetime.now(UTC)


def seed(conn: sa.Connection) -> list[int]:
    """Add the library's years missing from the database; the years added."""
    have = set(conn.execute(sa.select(rs.calendar_years.c.year)).scalars())
    want = [y for y in library_years() if y not in have]
    if not want:
        return []
    days = [d for d in library_days() if d.day.year in set(want)]
    conn.execute(
        sa.insert(rs.calendar_years),
        [{"year": y, "source": LIBRARY, "added_at": _now(), "added_by": LIBRARY, "note": ""} for y in want],
    )
    if days:
        conn.execute(
            sa.insert(rs.calendar_days), [{"day": d.day, "kind": d.kind, "name": d.name} for d in days]
        )
    return want


_CACHE: dict[tuple[object, ...], WorkCalendar] = {}


def _fingerprint(conn: sa.Connection) -> tuple[object, ...]:
    y, d = rs.calendar_years.c, rs.calendar_days.c
    ys = conn.execute(sa.select(sa.func.count(), sa.func.sum(y.year), sa.func.max(y.added_at))).one()
    ds = conn.execute(sa.select(sa.func.count(), sa.func.min(d.day), sa.func.max(d.day))).one()
    return (str(conn.engine.url), *ys, *ds)


def load(conn: sa.Connection) -> WorkCalendar:
    """The calendar as the database holds it (seeded first when the library has more years).

    Built once per state of the calendar tables (a cheap fingerprint query tells when an
    administrator changed them)."""
    seed(conn)
    key = _fingerprint(conn)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    years = list(conn.execute(sa.select(rs.calendar_years.c.year)).scalars())
    days = [
        DayOff(r.day, r.kind, r.name)
        for r in conn.execute(
            sa.select(rs.calendar_days.c.day, rs.calendar_days.c.kind, rs.calendar_days.c.name)
        )
    ]
    cal = WorkCalendar.build(years, days)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = cal
    return cal


def add_year(
    conn: sa.Connection,
    year: int,
    holidays: Iterable[tuple[date, str]],
    workdays: Iterable[tuple[date, str]],
    *,
    by: str,
    note: str = "",
    replace: bool = False,
) -> int:
    """Record a year's arrangement as published by the State Council; the number of days."""
    hs = list(holidays)
    ws = list(workdays)
    for d, _ in [*hs, *ws]:
        if d.year != year:
            raise RegisterError(f"日期 {d} 不在 {year} 年内。")
    clash = {d for d, _ in hs} & {d for d, _ in ws}
    if clash:
        raise RegisterError(f"{min(clash)} 不能既是假日又是调休上班日。")
    for d, _ in ws:
        if d.weekday() < 5:
            raise RegisterError(f"调休上班日 {d} 是周一至周五，本来就是工作日；请只列出调休上班的周末。")
    if not hs:
        raise RegisterError(f"{year} 年没有列出任何法定节假日；请按国务院办公厅公布的安排录入。")
    exists = conn.execute(
        sa.select(rs.calendar_years.c.source).where(rs.calendar_years.c.year == year)
    ).scalar_one_or_none()
    if exists is not None and not replace:
        raise RegisterError(f"{year} 年的安排已经录入（来源：{exists}）；要更正请加 --replace。")
    c = rs.calendar_days.c
    conn.execute(sa.delete(rs.calendar_days).where(c.day >= date(year, 1, 1), c.day <= date(year, 12, 31)))
    conn.execute(sa.delete(rs.calendar_years).where(rs.calendar_years.c.year == year))
    conn.execute(
        sa.insert(rs.calendar_years),
        {"year": year, "source": ADMIN, "added_at": _now(), "added_by": by, "note": note},
    )
    rows = [{"day": d, "kind": HOLIDAY, "name": n} for d, n in hs] + [
        {"day": d, "kind": WORKDAY, "name": n} for d, n in ws
    ]
    conn.execute(sa.insert(rs.calendar_days), rows)
    return len(rows)


def describe(conn: sa.Connection) -> list[tuple[int, str, str, int, int]]:
    """Year, source, added by, holidays, make-up workdays."""
    load(conn)
    c = rs.calendar_days.c
    counts: dict[tuple[int, str], int] = {}
    for day, kind in conn.execute(sa.select(c.day, c.kind)):
        counts[(day.year, kind)] = counts.get((day.year, kind), 0) + 1
    out = []
    for r in conn.execute(sa.select(rs.calendar_years).order_by(rs.calendar_years.c.year)):
        out.append(
            (r.year, r.source, r.added_by, counts.get((r.year, HOLIDAY), 0), counts.get((r.year, WORKDAY), 0))
        )
    return out


def parse_days(spec: str, default_name: str = "") -> list[tuple[date, str]]:
    """``2027-01-01..2027-01-03:元旦,2027-02-06:春节`` → days with names. A range is inclusive."""
    out: list[tuple[date, str]] = []
    for part in (p.strip() for p in spec.replace("，", ",").split(",")):
        if not part:
            continue
        name = default_name
        if ":" in part or "：" in part:
            part, name = part.replace("：", ":").split(":", 1)
        try:
            if ".." in part:
                a, b = (date.fromisoformat(x.strip()) for x in part.split("..", 1))
            else:
                a = b = date.fromisoformat(part.strip())
        except ValueError as e:
            raise RegisterError(
                f"无法识别的日期「{part}」；格式如 2027-01-01 或 2027-01-01..2027-01-03。"
            ) from e
        if b < a:
            raise RegisterError(f"日期范围 {a}..{b} 的结束早于开始。")
        d = a
        while d <= b:
            out.append((d, name.strip() or "节假日"))
            d = date.fromordinal(d.toordinal() + 1)
    return out
