"""The store: a database of reports by agency and year (SQLite by default, or PostgreSQL).

``open_db(url_or_path)`` opens it (migrations applied on open); ``ingest`` adds files;
``correct`` records a correction; ``query.load_reports`` gives reports to analyses. See
docs/store.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gongkai.store.db import DEFAULT_DB, Database, StoreError, database_url, open_db
    from gongkai.store.records import ReportRecord

__all__ = ["DEFAULT_DB", "Database", "ReportRecord", "StoreError", "database_url", "open_db"]

# Imported when first used: a command that reads the figures stored for analysis
# (gongkai.store.figures) needs neither SQLAlchemy nor the report model.
_LAZY = {"ReportRecord": "gongkai.store.records"} | dict.fromkeys(
    ("DEFAULT_DB", "Database", "StoreError", "database_url", "open_db"), "gongkai.store.db"
)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
