"""The store: a database of reports by agency and year (SQLite by default, or PostgreSQL).

``open_db(url_or_path)`` opens it (migrations applied on open); ``ingest`` adds files;
``correct`` records a correction; ``query.load_reports`` gives reports to analyses. See
docs/store.md.
"""

from __future__ import annotations

from gongkai.store.db import DEFAULT_DB, Database, StoreError, database_url, open_db
from gongkai.store.records import ReportRecord

__all__ = ["DEFAULT_DB", "Database", "ReportRecord", "StoreError", "database_url", "open_db"]
