"""Alembic environment of the store: run by ``gongkai.store.db.migrate`` without an alembic.ini.

The caller passes an open connection in ``config.attributes["connection"]``; for hand use
(``alembic.command.revision(gongkai.store.db.alembic_config(url=...), autogenerate=True)``)
a URL in the ``sqlalchemy.url`` option is used instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from gongkai.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from gongkai.store.db import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
