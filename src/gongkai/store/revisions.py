"""Is a migration due? Answered without Alembic or SQLAlchemy (issue 12).

Opening the store must not load the migration machinery when the schema is already at the
newest revision: :func:`script_head` reads the newest revision from the migration files'
``revision``/``down_revision`` lines, :func:`stored_revision` asks the database with one plain
query on ``alembic_version`` through any DB-API cursor (sqlite3, psycopg). When either cannot
tell, the caller lets Alembic decide.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"

_REVISION_LINE = re.compile(r"""^revision(?:\s*:[^=]+)?=\s*["']([^"']+)["']""", re.M)
_DOWN_LINE = re.compile(r"""^down_revision(?:\s*:[^=]+)?=\s*(?:["']([^"']+)["']|None)""", re.M)


@cache
def script_head() -> str | None:
    """The newest revision, from the migration files (None when they do not form one line of
    revisions that this can read: then Alembic decides)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in VERSIONS.glob("[!_]*.py"):
        text = path.read_text(encoding="utf-8")
        rev = _REVISION_LINE.search(text)
        if rev is None:
            return None
        revisions.add(rev.group(1))
        down = _DOWN_LINE.search(text)
        if down is not None and down.group(1):
            downs.add(down.group(1))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def stored_revision(cursor: Any, dialect: str) -> str | None:
    """The revision recorded in the database (``alembic_version``), or None when there is none
    or several. ``dialect``: ``sqlite`` or ``postgresql``."""
    if dialect == "sqlite":
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
    else:
        cursor.execute("SELECT 1 WHERE to_regclass('alembic_version') IS NOT NULL")
    if cursor.fetchone() is None:
        return None
    cursor.execute("SELECT version_num FROM alembic_version")
    rows = cursor.fetchall()
    return str(rows[0][0]) if len(rows) == 1 else None
