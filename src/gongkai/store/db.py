"""Opening the database: URL or path, engine settings, and migrations applied on open."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from gongkai.errors import GongkaiError
from gongkai.store.revisions import script_head
from gongkai.store.revisions import stored_revision as _stored_revision

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


def stored_revision(conn: sa.Connection) -> str | None:
    """The schema's revision by one plain query on ``alembic_version`` (no Alembic import)."""
    if conn.dialect.name not in ("sqlite", "postgresql"):
        return current_revision(conn)
    return _stored_revision(conn.connection.cursor(), conn.dialect.name)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (no-op when it is there already).

    Whether one is due is decided by one plain query and the migration files' names; Alembic is
    imported only when a migration runs. The SQL views of ``gongkai.store.figures`` are dropped
    before and made again after, so that no migration meets a view on a table it rebuilds."""
    head = script_head()
    if head is not None:
        with engine.connect() as conn:
            if stored_revision(conn) == head:
                return
    from alembic import command

    from gongkai.store.figures import create_views, drop_views

    head = head_revision()
    with engine.connect() as conn:
        if current_revision(conn) == head:
            return
    with engine.begin() as conn:  # two processes opening a new database at once: one migrates
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(741852)"))
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        if current_revision(conn) == head:
            return
        drop_views(conn)
        command.upgrade(alembic_config(conn), "head")
        create_views(conn)


# --- writers ----------------------------------------------------------------------------------

T = TypeVar("T")

# SQLite: another writer holds the lock (after busy_timeout); PostgreSQL: serialization failure,
# deadlock, lock not available. The transaction can simply be run again.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_TRANSIENT_SQLITE = ("database is locked", "database is busy", "database table is locked")
RETRIES = 12


def is_transient(error: BaseException) -> bool:
    """A failure that running the same transaction again may not meet."""
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    orig = error.orig
    if getattr(orig, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    return isinstance(error, sa.exc.OperationalError) and any(
        m in str(orig).lower() for m in _TRANSIENT_SQLITE
    )


@contextmanager
def write_transaction(engine: Engine) -> Iterator[sa.Connection]:
    """A transaction that will write. On SQLite it takes the write lock at once (``BEGIN
    IMMEDIATE``, waiting up to ``busy_timeout``): what it reads cannot be changed by another
    writer before it writes, and it never fails half-way on a stale snapshot."""
    with engine.connect() as conn, conn.begin():
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


def run_writing(
    engine: Engine,
    work: Callable[[sa.Connection], T],
    *,
    retry_on: Callable[[BaseException], bool] = is_transient,
    before_retry: Callable[[], None] | None = None,
    attempts: int = RETRIES,
) -> T:
    """Run ``work`` in a :func:`write_transaction`, again (after a short random pause and
    ``before_retry``) when it fails with an error ``retry_on`` accepts: another writer got
    there first. The last failure is raised."""
    for attempt in range(attempts):
        try:
            with write_transaction(engine) as conn:
                return work(conn)
        except Exception as e:
            if attempt == attempts - 1 or not retry_on(e):
                raise
        if before_retry is not None:
            before_retry()
        time.sleep(min(1.0, 0.01 * 2**attempt) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


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
