"""Alembic migrations of the store (applied by :func:`gongkai.store.open_db`)."""
