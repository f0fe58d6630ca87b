"""Analyses of a corpus of stored reports: exports, statistics, charts.

Everything here takes a list of :class:`~gongkai.store.records.ReportRecord` (what
``gongkai.store.query.load_reports`` returns) and gives rows, numbers or files; no function
opens the database. See docs/analyse.md.

* :mod:`~gongkai.analyse.frame`: records → wide rows (one per report) or long rows (one per cell);
* :mod:`~gongkai.analyse.export`: rows → CSV, JSON, Parquet, XLSX;
* :mod:`~gongkai.analyse.stats`: totals, weighted shares and medians by region, year or agency;
  :mod:`~gongkai.analyse.render` draws them as a rich table;
* :mod:`~gongkai.analyse.charts`: trends, agency comparisons, outcome breakdowns as PNG or HTML;
* :mod:`~gongkai.analyse.sample`: synthetic records for tests and benchmarks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gongkai.analyse.charts import build_chart, write_chart
    from gongkai.analyse.export import ExportInfo, export_records
    from gongkai.analyse.frame import Frame, long_frame, select, wide_frame
    from gongkai.analyse.stats import StatsResult, compute_stats

# Imported when first used: ``gongkai stats`` needs neither the report model nor the writers.
_LAZY = {
    "ExportInfo": "export",
    "Frame": "frame",
    "StatsResult": "stats",
    "build_chart": "charts",
    "compute_stats": "stats",
    "export_records": "export",
    "long_frame": "frame",
    "select": "frame",
    "wide_frame": "frame",
    "write_chart": "charts",
}

__all__ = [
    "ExportInfo",
    "Frame",
    "StatsResult",
    "build_chart",
    "compute_stats",
    "export_records",
    "long_frame",
    "select",
    "wide_frame",
    "write_chart",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"gongkai.analyse.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
