"""Tables of the request register (issue 9), declared on the store's ``Base``.

Created by migration ``0005_register``; imported by ``gongkai.store.schema`` so that
``tests/test_store_migrations.py`` compares them too. Imports nothing but SQLAlchemy and the
store schema.

* ``register_requests``: one disclosure request (依申请公开) of one agency: how and when it was
  received, who asked (the applicant type is a table 3 column), what, who handles it, and once
  closed its outcome (a table 3 result row) and the closing date.
* ``register_events``: the timeline of a request (补正, consultations, fees, extension, answer).
* ``register_appeals``: 行政复议 and 行政诉讼 about a request (table 4).
* ``register_calendar_years`` / ``register_calendar_days``: the years whose holiday arrangement
  is known, and in them the holidays and make-up workdays (调休) that differ from Monday–Friday.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gongkai.store.schema import Base


class RegisterRequest(Base):
    __tablename__ = "register_requests"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    number: Mapped[str] = mapped_column(sa.String(64))  # 登记编号, unique per agency
    channel: Mapped[str] = mapped_column(sa.String(8))
    submitted_on: Mapped[date | None] = mapped_column(sa.Date)  # as the applicant dated it
    received_on: Mapped[date] = mapped_column(sa.Date, index=True)  # day of receipt, 第三十一条
    applicant_type: Mapped[str] = mapped_column(sa.String(32))
    applicant: Mapped[str] = mapped_column(sa.String(255))
    contact: Mapped[str | None] = mapped_column(sa.String(255))
    content: Mapped[str] = mapped_column(sa.Text)
    handler: Mapped[str | None] = mapped_column(sa.String(128), index=True)
    outcome: Mapped[str | None] = mapped_column(sa.String(48))
    closed_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(sa.String(128))

    __table_args__ = (sa.UniqueConstraint("agency_id", "number"),)


class RegisterEvent(Base):
    __tablename__ = "register_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("register_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(32))
    on: Mapped[date] = mapped_column(sa.Date)
    until: Mapped[date | None] = mapped_column(sa.Date)
    days: Mapped[int | None] = mapped_column(sa.Integer)
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    approved_by: Mapped[str | None] = mapped_column(sa.String(128))
    outcome: Mapped[str | None] = mapped_column(sa.String(48))
    detail: Mapped[str] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(sa.String(128))


class RegisterAppeal(Base):
    __tablename__ = "register_appeals"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("register_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))  # a table 4 row key
    filed_on: Mapped[date] = mapped_column(sa.Date)
    result: Mapped[str] = mapped_column(sa.String(16))  # upheld, corrected, other, pending
    decided_on: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('reconsideration', 'litigation_direct', 'litigation_after_reconsideration')",
            name="kind",
        ),
        sa.CheckConstraint("result IN ('upheld', 'corrected', 'other', 'pending')", name="result"),
    )


class CalendarYear(Base):
    __tablename__ = "register_calendar_years"

    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(32))  # chinese_calendar, admin
    added_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(sa.String(128))
    note: Mapped[str] = mapped_column(sa.Text)


class CalendarDay(Base):
    __tablename__ = "register_calendar_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # holiday, workday
    name: Mapped[str] = mapped_column(sa.String(64))

    __table_args__ = (sa.CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),)


register_requests: sa.Table = RegisterRequest.__table__  # type: ignore[assignment]
register_events: sa.Table = RegisterEvent.__table__  # type: ignore[assignment]
register_appeals: sa.Table = RegisterAppeal.__table__  # type: ignore[assignment]
calendar_years: sa.Table = CalendarYear.__table__  # type: ignore[assignment]
calendar_days: sa.Table = CalendarDay.__table__  # type: ignore[assignment]
