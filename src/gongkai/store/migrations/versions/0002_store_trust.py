"""Store trust: race-safe agencies, correction carry-forward, division codes (issue 11).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_state")),
    )
    op.execute("INSERT INTO directory_state (id, version) VALUES (1, 0)")

    with op.batch_alter_table("regions") as batch:
        batch.add_column(sa.Column("code", sa.String(length=12), nullable=True))
        batch.create_unique_constraint(batch.f("uq_regions_code"), ["code"])
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("placed", sa.String(length=8), nullable=True))
    with op.batch_alter_table("corrections") as batch:
        batch.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_corrections_carried_from_id_corrections"),
            "corrections",
            ["carried_from_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(batch.f("ix_corrections_carried_from_id"), ["carried_from_id"], unique=False)

    op.create_table(
        "correction_followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("correction_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=96), nullable=False),
        sa.Column("printed_value", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('carried', 'printed', 'review')", name=op.f("ck_correction_followups_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["corrections.id"],
            name=op.f("fk_correction_followups_correction_id_corrections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_correction_followups_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_followups")),
    )
    op.create_index(
        op.f("ix_correction_followups_correction_id"), "correction_followups", ["correction_id"], unique=False
    )
    op.create_index(
        op.f("ix_correction_followups_report_id"), "correction_followups", ["report_id"], unique=False
    )

    op.create_table(
        "report_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_copies_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_copies")),
        sa.UniqueConstraint("sha256", name=op.f("uq_report_copies_sha256")),
    )
    op.create_index(op.f("ix_report_copies_report_id"), "report_copies", ["report_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_report_copies_report_id"), table_name="report_copies")
    op.drop_table("report_copies")
    op.drop_index(op.f("ix_correction_followups_report_id"), table_name="correction_followups")
    op.drop_index(op.f("ix_correction_followups_correction_id"), table_name="correction_followups")
    op.drop_table("correction_followups")
    with op.batch_alter_table("corrections") as batch:
        batch.drop_index(batch.f("ix_corrections_carried_from_id"))
        batch.drop_constraint(batch.f("fk_corrections_carried_from_id_corrections"), type_="foreignkey")
        batch.drop_column("carried_from_id")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("placed")
    with op.batch_alter_table("regions") as batch:
        batch.drop_constraint(batch.f("uq_regions_code"), type_="unique")
        batch.drop_column("code")
    op.drop_table("directory_state")
