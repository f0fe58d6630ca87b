"""The database schema: one set of tables for SQLite and PostgreSQL (SQLAlchemy 2 typed ORM).

The schema is created and changed only by the Alembic migrations in
``gongkai/store/migrations/versions``; ``tests/test_store_migrations.py`` fails when these
classes and the migrations disagree. See docs/store.md for what every column means.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A surrogate key that is SQLite's rowid there (INTEGER PRIMARY KEY) and a bigint elsewhere.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

REGION_LEVELS = ("省", "市", "县区", "乡镇")
CELL_STATUSES = ("read", "inferred", "ambiguous", "missing")
SEVERITIES = ("error", "warning", "info")
FINDING_ORIGINS = ("check", "cross")  # within one report; across years (identities 5, 6)
ALIAS_SOURCES = ("name", "auto", "user")  # an agency's own name; matched by the rules; set by a user


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


class Region(Base):
    """A place: 江苏省 > 淮安市 > 洪泽区 > 高良涧街道, filled from agency names."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), index=True)
    level: Mapped[str] = mapped_column(sa.String(8))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("regions.id", ondelete="SET NULL"), index=True
    )
    # GB/T 2260 code of an official division (gongkai.model.divisions); NULL for a place known
    # only from a name that the divisions data could not place.
    code: Mapped[str | None] = mapped_column(sa.String(12), unique=True)

    __table_args__ = (sa.CheckConstraint("level IN ('省', '市', '县区', '乡镇')", name="level"),)


class Agency(Base):
    """One publishing agency, whatever spelling its reports used (see ``agency_aliases``)."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255), unique=True)  # the canonical name
    region_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("regions.id", ondelete="SET NULL"), index=True
    )
    named_by_user: Mapped[bool] = mapped_column(sa.Boolean)  # else a fuller spelling may replace the name
    placed: Mapped[str | None] = mapped_column(sa.String(8))  # auto / user; NULL: not placed in a division
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class AgencyAlias(Base):
    """A spelling of an agency's name. ``key`` is the normalised spelling and is unique.

    ``tail`` is the key's most specific place plus the agency body (``洪泽区人民政府``), used to
    find the same agency spelt with more or fewer region prefixes.
    """

    __tablename__ = "agency_aliases"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(sa.String(255))  # as written
    key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    tail: Mapped[str] = mapped_column(sa.String(255), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.CheckConstraint("source IN ('name', 'auto', 'user')", name="source"),)


class StoredReport(Base):
    """One ingested file. Versions of the same agency and year: the last ingested is current.

    ``parsed`` is the JSON ``gongkai parse --json`` prints, without ``tables``: the cells are
    the rows of ``cells`` (``gongkai.store.query.parsed_json`` puts the two back together).
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(sa.Integer)
    edition: Mapped[str] = mapped_column(sa.String(8))
    version: Mapped[int] = mapped_column(sa.Integer)
    is_current: Mapped[bool] = mapped_column(sa.Boolean)
    source_name: Mapped[str] = mapped_column(sa.Text)
    source_format: Mapped[str] = mapped_column(sa.String(16))
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    size: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str | None] = mapped_column(sa.Text)
    printed_agency: Mapped[str | None] = mapped_column(sa.Text)  # meta.agency as read
    parsed: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    ingested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.UniqueConstraint("agency_id", "year", "version"),
        sa.Index(
            "uq_reports_current",
            "agency_id",
            "year",
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        ),
    )


class Original(Base):
    """The bytes of the ingested file, exactly as read (sha256 in ``reports``)."""

    __tablename__ = "originals"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class StoredCell(Base):
    """One cell of one report as parsed. Corrections never change it (see ``corrections``).

    ``value`` is the exact decimal text ("15", "539.16"), NULL when not known. ``at`` and
    ``candidates`` are compact JSON text (as in the parse JSON), NULL when absent: written in
    bulk, they skip the per-value JSON binding of the JSON type.
    """

    __tablename__ = "cells"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(96), primary_key=True)
    table_key: Mapped[str] = mapped_column(sa.String(32))
    row_key: Mapped[str] = mapped_column(sa.String(48))
    column_key: Mapped[str] = mapped_column(sa.String(48))
    value: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(10))
    raw: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[str | None] = mapped_column(sa.Text)  # JSON text: {"line": 12}, {"page": 2, "bbox": […]}, …
    candidates: Mapped[str | None] = mapped_column(sa.Text)  # JSON text: [12, 1] for ambiguous cells

    __table_args__ = ({"sqlite_with_rowid": False},)


class StoredFinding(Base):
    """A finding on a report's current values: within-report checks and cross-year identities."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(sa.String(64))
    severity: Mapped[str] = mapped_column(sa.String(8))
    cells: Mapped[list[str]] = mapped_column(sa.JSON)
    message: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    origin: Mapped[str] = mapped_column(sa.String(8))
    other_report_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )


class Correction(Base):
    """A value a person set for one cell; the last correction of a cell is in force."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(sa.String(96))
    old_value: Mapped[str | None] = mapped_column(sa.String(40))
    new_value: Mapped[str | None] = mapped_column(sa.String(40))
    who: Mapped[str] = mapped_column(sa.String(128))
    corrected_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    why: Mapped[str] = mapped_column(sa.Text)
    # carried forward to a new version of the report from this earlier correction
    carried_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("corrections.id", ondelete="SET NULL"), index=True
    )


# --- issue 11: concurrent writers, kept corrections, copies of a report ------------------------


class DirectoryState(Base):
    """One row: a counter bumped by every change of agencies, aliases or regions, so that a
    writer holding them in memory knows when another writer changed them (store/agencies.py)."""

    __tablename__ = "directory_state"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger)


class CorrectionFollowup(Base):
    """What became of a correction when a new version of its report was ingested: ``carried``
    (the new version prints the value corrected; the correction was carried forward),
    ``printed`` (the new version prints the corrected value itself), ``review`` (it prints
    another value: a person must decide)."""

    __tablename__ = "correction_followups"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    correction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("corrections.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(sa.String(96))
    printed_value: Mapped[str | None] = mapped_column(sa.String(40))  # in the new version
    outcome: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.CheckConstraint("outcome IN ('carried', 'printed', 'review')", name="outcome"),)


class ReportCopy(Base):
    """A file holding a report already stored (same agency, year and cell values), e.g. the
    same report as PDF and as a web page, or re-saved with other line endings."""

    __tablename__ = "report_copies"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    source_name: Mapped[str] = mapped_column(sa.Text)
    source_format: Mapped[str] = mapped_column(sa.String(16))
    size: Mapped[int] = mapped_column(sa.Integer)
    ingested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


regions: sa.Table = Region.__table__  # type: ignore[assignment]
agencies: sa.Table = Agency.__table__  # type: ignore[assignment]
agency_aliases: sa.Table = AgencyAlias.__table__  # type: ignore[assignment]
reports: sa.Table = StoredReport.__table__  # type: ignore[assignment]
originals: sa.Table = Original.__table__  # type: ignore[assignment]
cells: sa.Table = StoredCell.__table__  # type: ignore[assignment]
findings: sa.Table = StoredFinding.__table__  # type: ignore[assignment]
corrections: sa.Table = Correction.__table__  # type: ignore[assignment]
directory_state: sa.Table = DirectoryState.__table__  # type: ignore[assignment]
correction_followups: sa.Table = CorrectionFollowup.__table__  # type: ignore[assignment]
report_copies: sa.Table = ReportCopy.__table__  # type: ignore[assignment]

from gongkai.register import schema as _register_tables  # noqa: E402, F401  (request register, issue 9)
from gongkai.serve import tables as _serve_tables  # noqa: E402, F401  (web application tables, issue 8)

# --- figures stored for analysis (issue 12; kept up to date by gongkai.store.figures) ---------


class ReportFigures(Base):
    """One row per report: what statistics, charts and exports read, corrections applied.

    The 17 figures are sums of ``total`` cells (``gongkai.store.figures.FIGURES``), NULL when a
    cell they need is unknown. ``cell_values`` holds every cell of the report's edition in the
    edition's address order, comma-separated exact decimal text, empty when unknown;
    ``cell_status`` one letter per cell (r read, i inferred, a ambiguous, m missing; upper case
    when a correction set the value). ``correction_count``/``last_correction_id`` say which
    corrections the row reflects, so that a reader can tell a stale row.
    """

    __tablename__ = "report_figures"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, index=True)
    edition: Mapped[str] = mapped_column(sa.String(8))
    received: Mapped[int | None] = mapped_column(sa.BigInteger)
    carried_over: Mapped[int | None] = mapped_column(sa.BigInteger)
    processed: Mapped[int | None] = mapped_column(sa.BigInteger)
    granted: Mapped[int | None] = mapped_column(sa.BigInteger)
    partially_granted: Mapped[int | None] = mapped_column(sa.BigInteger)
    withheld: Mapped[int | None] = mapped_column(sa.BigInteger)
    unavailable: Mapped[int | None] = mapped_column(sa.BigInteger)
    rejected: Mapped[int | None] = mapped_column(sa.BigInteger)
    other: Mapped[int | None] = mapped_column(sa.BigInteger)
    carried_forward: Mapped[int | None] = mapped_column(sa.BigInteger)
    reconsideration: Mapped[int | None] = mapped_column(sa.BigInteger)
    litigation: Mapped[int | None] = mapped_column(sa.BigInteger)
    appeals_upheld: Mapped[int | None] = mapped_column(sa.BigInteger)
    appeals_corrected: Mapped[int | None] = mapped_column(sa.BigInteger)
    appeals_other: Mapped[int | None] = mapped_column(sa.BigInteger)
    appeals_pending: Mapped[int | None] = mapped_column(sa.BigInteger)
    appeals_concluded: Mapped[int | None] = mapped_column(sa.BigInteger)
    cell_values: Mapped[str] = mapped_column(sa.Text)
    cell_status: Mapped[str] = mapped_column(sa.Text)
    correction_count: Mapped[int] = mapped_column(sa.Integer)
    last_correction_id: Mapped[int | None] = mapped_column(sa.Integer)


report_figures: sa.Table = ReportFigures.__table__  # type: ignore[assignment]
