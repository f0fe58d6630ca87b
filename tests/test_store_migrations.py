"""Migrations: an empty database is upgraded to the newest revision on open, and the schema it
gets is exactly the one ``gongkai.store.schema`` declares (no pending autogenerate diff)."""

# ruff: noqa: F811  (the fixtures db_url, sqlite_url and pg_database come from test_store_support)

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from gongkai.store import open_db
from gongkai.store.db import alembic_config, current_revision, head_revision
from gongkai.store.schema import Base
from test_store_support import db_url, pg_database  # noqa: F401

TABLES = {"regions", "agencies", "agency_aliases", "reports", "originals", "cells", "findings", "corrections"}


def test_one_linear_history() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert head_revision() == script.get_current_head()


def test_upgrade_from_empty_and_no_pending_diff(db_url: str) -> None:
    db = open_db(db_url)
    with db.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        assert set(sa.inspect(conn).get_table_names()) >= TABLES
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == [], diff
    db.close()
    open_db(db_url).close()  # opening again is a no-op


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    db = open_db(db_url)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with db.engine.connect() as conn:
        assert not TABLES & set(sa.inspect(conn).get_table_names())
        assert current_revision(conn) is None
    db.close()
    db = open_db(db_url)
    with db.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    db.close()
