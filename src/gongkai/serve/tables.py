"""Tables of the web application (issue 8): users, sessions, filings and their history.

Declared on the store's ``Base`` so that the Alembic check in ``tests/test_store_migrations.py``
sees them; created by migration ``0004_serve``. This module is imported by
``gongkai.store.schema`` and must import nothing but SQLAlchemy and the store schema.

* ``users``: accounts. ``role`` is one of :data:`ROLES`; a reviewer (and optionally a viewer)
  is scoped to ``region_id`` and everything below it, a clerk to ``agency_id``.
* ``sessions``: one row per signed-in browser or API client; ``token_hash`` is the sha256 of
  the cookie or bearer token (the token itself is never stored).
* ``filings``: one report of one agency for one year going through the workflow
  (:data:`FILING_STATES`); ``draft`` is the report JSON being edited, ``report_id`` the stored
  report of the last submission (frozen: a resubmission stores a new version).
* ``filing_events``: the history, who did what when and why.
* ``finding_reviews``: a reviewer's decision on a finding, keyed by agency, year and the
  finding's fingerprint (rule + cells + values), so it survives re-checks and new versions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gongkai.store.schema import Base

ROLES = ("admin", "reviewer", "clerk", "viewer")
FILING_STATES = ("draft", "submitted", "returned", "approved", "published")
DECISIONS = ("confirmed", "dismissed")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(128))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id", ondelete="SET NULL"))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(sa.Boolean)
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.CheckConstraint("role IN ('admin', 'reviewer', 'clerk', 'viewer')", name="role"),)


class WebSession(Base):
    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Filing(Base):
    __tablename__ = "filings"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[str] = mapped_column(sa.String(16))
    draft: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    upload_name: Mapped[str | None] = mapped_column(sa.Text)
    upload: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reports.id", ondelete="SET NULL"))
    submissions: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.UniqueConstraint("agency_id", "year"),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'returned', 'approved', 'published')", name="state"
        ),
    )


class FilingEvent(Base):
    __tablename__ = "filing_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(sa.ForeignKey("filings.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reports.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    who: Mapped[str] = mapped_column(sa.String(128))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    action: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


class FindingReview(Base):
    __tablename__ = "finding_reviews"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(sa.Integer)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    rule: Mapped[str] = mapped_column(sa.String(64))
    decision: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text)
    who: Mapped[str] = mapped_column(sa.String(128))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.UniqueConstraint("agency_id", "year", "fingerprint"),
        sa.CheckConstraint("decision IN ('confirmed', 'dismissed')", name="decision"),
    )


users: sa.Table = User.__table__  # type: ignore[assignment]
sessions: sa.Table = WebSession.__table__  # type: ignore[assignment]
filings: sa.Table = Filing.__table__  # type: ignore[assignment]
filing_events: sa.Table = FilingEvent.__table__  # type: ignore[assignment]
finding_reviews: sa.Table = FindingReview.__table__  # type: ignore[assignment]
