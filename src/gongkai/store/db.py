"""Opening the database: URL or path, engine settings, and migrations applied on open."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from gongkai.errors import GongkaiError

DEFAULT_DB = "gongkai.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(GongkaiError):
    """The database cannot be opened or a stored object cannot be found (message in Chinese)."""


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def database_url(url_or_path: str | Path | None = None) -> str:
    """A SQLAlchemy URL for ``--db``: a path (default ``gongkai.db``) is a SQLite file.

    ``postgresql://…`` and ``postgres://…`` are mapped to the psycopg (3) driver.
    """
    spec = str(url_or_path) if url_or_path is not None else DEFAULT_DB
    for prefix in ("postgresql://", "postgres://"):
        if spec.startswith(prefix):
            return "postgresql+psycopg://" + spec[len(prefix) :]
    if "://" in spec:
        return spec
    return "sqlite:///" + str(Path(spec).expanduser().resolve())


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: a killed process loses no commit
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str) -> Engine:
    u = make_url(url)
    kwargs: dict[str, Any] = {"json_serializer": _dumps, "future": True}
    if u.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> Any:
    """The Alembic configuration of the store, without an alembic.ini."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: sa.Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (no-op when it is there already)."""
    from alembic import command

    head = head_revision()
    with engine.connect() as conn:
        if current_revision(conn) == head:
            return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # two processes opening a new database at once
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(741852)"))
        if current_revision(conn) == head:
            return
        command.upgrade(alembic_config(conn), "head")


@dataclass
class Database:
    """An open store: an engine whose schema is at the newest migration."""

    engine: Engine
    url: str

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> str:
        """The URL without the password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)


def open_db(url_or_path: str | Path | Database | None = None, *, upgrade: bool = True) -> Database:
    """Open (and create or upgrade) the store.

    ``url_or_path``: a file path for SQLite (default ``gongkai.db`` in the current directory), or
    a URL such as ``postgresql://user:pass@host/db``. Migrations run automatically.
    """
    if isinstance(url_or_path, Database):
        return url_or_path
    url = database_url(url_or_path)
    try:
        u = make_url(url)
    except sa.exc.ArgumentError as e:
        raise StoreError(f"数据库地址无法识别：{url_or_path}。") from e
    if u.get_backend_name() == "sqlite" and u.database:
        parent = Path(u.database).parent
        if not parent.is_dir():
            raise StoreError(f"数据库文件所在的目录不存在：{parent}。")
    engine = make_engine(url)
    try:
        if upgrade:
            migrate(engine)
        else:
            with engine.connect():
                pass
    except sa.exc.OperationalError as e:
        engine.dispose()
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(e.orig).strip().splitlines()[0] if e.orig else str(e)
        raise StoreError(f"无法打开数据库 {shown}：{reason}") from e
    return Database(engine=engine, url=url)


@contextmanager
def using(url_or_path: str | Path | Database | None) -> Iterator[Database]:
    """An open store for one call: the caller's :class:`Database` as it is, or one opened from
    a URL or path and closed afterwards."""
    if isinstance(url_or_path, Database):
        yield url_or_path
        return
    db = open_db(url_or_path)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def scratch_database(server_url: str, prefix: str = "gongkai_scratch") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``server_url`` (its role needs
    CREATEDB), dropped when the block ends: for tests and benchmarks."""
    import os
    import uuid

    base = make_url(database_url(server_url))
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
