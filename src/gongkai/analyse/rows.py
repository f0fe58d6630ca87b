"""What every analysis needs of a stored report, whichever form it comes in.

Analyses take :class:`~gongkai.store.records.ReportRecord` (a whole report, for tests and the
library) or :class:`~gongkai.store.figures.FigureRow` (what the commands read: the figures and
cells stored for analysis). Both have ``report_id``, ``agency_id``, ``agency``, ``region``,
``region_path``, ``year``, ``edition`` and ``version``. This module imports neither.
"""

from __future__ import annotations

from typing import Any


def sort_key(rec: Any) -> tuple[Any, ...]:
    """Region (by its path), agency, year; then version and id, so that the order is total."""
    region = "/".join(rec.region_path) if rec.region_path else (rec.region or "")
    return (not region, region, rec.agency, rec.year, rec.version, rec.report_id)
