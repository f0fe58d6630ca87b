"""Figures stored for analysis: one row per report of indicator values (issue 12).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = (
    "received",
    "carried_over",
    "processed",
    "granted",
    "partially_granted",
    "withheld",
    "unavailable",
    "rejected",
    "other",
    "carried_forward",
    "reconsideration",
    "litigation",
    "appeals_upheld",
    "appeals_corrected",
    "appeals_other",
    "appeals_pending",
    "appeals_concluded",
)


def upgrade() -> None:
    op.create_table(
        "report_figures",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("edition", sa.String(length=8), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=True) for name in FIGURES),
        sa.Column("cell_values", sa.Text(), nullable=False),
        sa.Column("cell_status", sa.Text(), nullable=False),
        sa.Column("correction_count", sa.Integer(), nullable=False),
        sa.Column("last_correction_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_figures_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report_figures")),
    )
    op.create_index(op.f("ix_report_figures_year"), "report_figures", ["year"], unique=False)
    # reports stored before this revision: their figures, from their cells and corrections
    from gongkai.store.figures import rebuild_figures

    rebuild_figures(op.get_bind())


def downgrade() -> None:
    from gongkai.store.figures import drop_views

    drop_views(op.get_bind())
    op.drop_index(op.f("ix_report_figures_year"), table_name="report_figures")
    op.drop_table("report_figures")
