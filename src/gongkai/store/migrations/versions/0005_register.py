"""Request register: requests, events, appeals, calendar (issue 9).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "register_calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f("ck_register_calendar_days_kind")),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_register_calendar_days")),
    )
    op.create_table(
        "register_calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("added_at", _TZ, nullable=False),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_register_calendar_years")),
    )
    op.create_table(
        "register_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("applicant_type", sa.String(length=32), nullable=False),
        sa.Column("applicant", sa.String(length=255), nullable=False),
        sa.Column("contact", sa.String(length=255), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("handler", sa.String(length=128), nullable=True),
        sa.Column("outcome", sa.String(length=48), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_register_requests_agency_id_agencies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_requests")),
        sa.UniqueConstraint("agency_id", "number", name=op.f("uq_register_requests_agency_id_number")),
    )
    for col in ("agency_id", "closed_on", "handler", "received_on"):
        op.create_index(op.f(f"ix_register_requests_{col}"), "register_requests", [col], unique=False)
    op.create_table(
        "register_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", _TZ, nullable=False),
        sa.CheckConstraint(
            "kind IN ('reconsideration', 'litigation_direct', 'litigation_after_reconsideration')",
            name=op.f("ck_register_appeals_kind"),
        ),
        sa.CheckConstraint(
            "result IN ('upheld', 'corrected', 'other', 'pending')", name=op.f("ck_register_appeals_result")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["register_requests.id"],
            name=op.f("fk_register_appeals_request_id_register_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_appeals")),
    )
    op.create_index(op.f("ix_register_appeals_request_id"), "register_appeals", ["request_id"], unique=False)
    op.create_table(
        "register_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("approved_by", sa.String(length=128), nullable=True),
        sa.Column("outcome", sa.String(length=48), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("recorded_at", _TZ, nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["register_requests.id"],
            name=op.f("fk_register_events_request_id_register_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_events")),
    )
    op.create_index(op.f("ix_register_events_request_id"), "register_events", ["request_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_register_events_request_id"), table_name="register_events")
    op.drop_table("register_events")
    op.drop_index(op.f("ix_register_appeals_request_id"), table_name="register_appeals")
    op.drop_table("register_appeals")
    for col in ("received_on", "handler", "closed_on", "agency_id"):
        op.drop_index(op.f(f"ix_register_requests_{col}"), table_name="register_requests")
    op.drop_table("register_requests")
    op.drop_table("register_calendar_years")
    op.drop_table("register_calendar_days")
