"""Initial schema: regions, agencies, aliases, reports, originals, cells, findings, corrections.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("level IN ('省', '市', '县区', '乡镇')", name=op.f("ck_regions_level")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["regions.id"], name=op.f("fk_regions_parent_id_regions"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
    )
    op.create_index(op.f("ix_regions_name"), "regions", ["name"], unique=False)
    op.create_index(op.f("ix_regions_parent_id"), "regions", ["parent_id"], unique=False)

    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("named_by_user", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_agencies_region_id_regions"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("name", name=op.f("uq_agencies_name")),
    )
    op.create_index(op.f("ix_agencies_region_id"), "agencies", ["region_id"], unique=False)

    op.create_table(
        "agency_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("tail", sa.String(length=255), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('name', 'auto', 'user')", name=op.f("ck_agency_aliases_source")),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_agency_aliases_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_aliases")),
        sa.UniqueConstraint("key", name=op.f("uq_agency_aliases_key")),
    )
    op.create_index(op.f("ix_agency_aliases_agency_id"), "agency_aliases", ["agency_id"], unique=False)
    op.create_index(op.f("ix_agency_aliases_tail"), "agency_aliases", ["tail"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("edition", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("printed_agency", sa.Text(), nullable=True),
        sa.Column("parsed", sa.JSON(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_reports_agency_id_agencies"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("agency_id", "year", "version", name=op.f("uq_reports_agency_id_year_version")),
        sa.UniqueConstraint("sha256", name=op.f("uq_reports_sha256")),
    )
    op.create_index(
        "uq_reports_current",
        "reports",
        ["agency_id", "year"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )

    op.create_table(
        "cells",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=96), nullable=False),
        sa.Column("table_key", sa.String(length=32), nullable=False),
        sa.Column("row_key", sa.String(length=48), nullable=False),
        sa.Column("column_key", sa.String(length=48), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=True),
        sa.Column("candidates", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_cells_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "address", name=op.f("pk_cells")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=96), nullable=False),
        sa.Column("old_value", sa.String(length=40), nullable=True),
        sa.Column("new_value", sa.String(length=40), nullable=True),
        sa.Column("who", sa.String(length=128), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_corrections_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    op.create_index(op.f("ix_corrections_report_id"), "corrections", ["report_id"], unique=False)

    op.create_table(
        "findings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", sa.JSON(), nullable=True),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("other_report_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["other_report_id"],
            ["reports.id"],
            name=op.f("fk_findings_other_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_findings_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index(op.f("ix_findings_other_report_id"), "findings", ["other_report_id"], unique=False)
    op.create_index(op.f("ix_findings_report_id"), "findings", ["report_id"], unique=False)

    op.create_table(
        "originals",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_originals_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_originals")),
    )


def downgrade() -> None:
    for table in (
        "originals",
        "findings",
        "corrections",
        "cells",
        "reports",
        "agency_aliases",
        "agencies",
        "regions",
    ):
        op.drop_table(table)
