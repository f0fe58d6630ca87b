"""Oversight data for a reviewer's region: who has filed, who is late, counts, indicators over
years, report cards, repeated prose (内容雷同), and the batch ingest of published reports."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from gongkai.serve import tables as t
from gongkai.serve.auth import Scope
from gongkai.store import schema as s
from gongkai.store.db import Database

CHINA = timedelta(hours=8)
REPEAT_FLAG = 0.5  # share of this year's prose found word for word in last year's
MAX_BATCH_FILES = 500
INDICATORS = {  # share → Chinese name, for the chart and the report card
    "granted": "公开率",
    "withheld": "不予公开占比",
    "unavailable": "无法提供占比",
    "corrected": "复议诉讼纠错率",
}


def due_date(year: int) -> date:
    """A year's report is due by 31 January of the next year (条例 第五十条)."""
    return date(year + 1, 1, 31)


def china_date(stamp: datetime) -> date:
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return (stamp.astimezone(UTC) + CHINA).date()


def today() -> date:
    return china_date(datetime.now(UTC))


@dataclass
class AgencyStatus:
    agency_id: int
    agency: str
    state: str | None
    filing_id: int | None
    report_id: int | None
    submitted_at: datetime | None
    late: bool
    errors: int = 0
    warnings: int = 0
    repeated: float | None = None  # share of prose repeated from last year


@dataclass
class Dashboard:
    year: int
    due: date
    agencies: list[AgencyStatus]
    years: list[int]
    indicators: dict[str, list[float | None]] = field(default_factory=dict)
    received: list[int | None] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return sum(
            1
            for a in self.agencies
            if a.state in ("submitted", "approved", "published") or (a.state is None and a.report_id)
        )

    @property
    def late(self) -> int:
        return sum(1 for a in self.agencies if a.late)

    @property
    def errors(self) -> int:
        return sum(a.errors for a in self.agencies)

    @property
    def warnings(self) -> int:
        return sum(a.warnings for a in self.agencies)

    @property
    def repeated(self) -> int:
        return sum(1 for a in self.agencies if a.repeated is not None and a.repeated >= REPEAT_FLAG)


def region_choices(
    db: Database, scope: Scope, levels: tuple[str, ...] = ("省", "市", "县区")
) -> list[tuple[int, str]]:
    """Regions a user may narrow the dashboard to: in scope, at most county level, with paths."""
    r = s.regions.c
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(r.id, r.name, r.level, r.parent_id)).all()
    parent = {x.id: x.parent_id for x in rows}
    names = {x.id: x.name for x in rows}

    def path(rid: int) -> str:
        out: list[str] = []
        cur: int | None = rid
        while cur is not None and len(out) < 8:
            out.append(names[cur])
            cur = parent.get(cur)
        return "".join(reversed(out))

    allowed = {x.id for x in rows} if scope.everything else set(scope.region_ids)
    return sorted(
        ((x.id, path(x.id)) for x in rows if x.id in allowed and x.level in levels), key=lambda c: c[1]
    )


def narrow(db: Database, scope: Scope, region_id: int) -> Scope:
    """The part of ``scope`` in a region and below it."""
    from gongkai.serve.auth import region_subtree

    a = s.agencies.c
    with db.engine.connect() as conn:
        sub = region_subtree(conn, region_id)
        ids = conn.execute(sa.select(a.id).where(a.region_id.in_(sorted(sub)))).scalars().all()
    regions = frozenset(sub) if scope.everything else frozenset(sub) & scope.region_ids
    return Scope(False, frozenset(i for i in ids if scope.allows(i)), regions)


def _agencies(conn: sa.Connection, scope: Scope) -> dict[int, str]:
    a = s.agencies.c
    return dict(conn.execute(sa.select(a.id, a.name).where(scope.agency_filter(a.id)).order_by(a.name)).all())


def figure_rows(
    db: Database,
    scope: Scope,
    year: int | Iterable[int] | None = None,
    *,
    agency_id: int | None = None,
    cells: bool = False,
    findings: bool = False,
) -> list[Any]:
    """Stored figures (``gongkai.store.figures``) of the current reports in scope, selected in
    SQL by agency or region ids (the name filters of ``load_figures`` would load the whole
    directory of agencies on every page)."""
    from gongkai.store.figures import _load, _reader

    agency_ids: list[int] | None = None
    region_ids: list[int] | None = None
    if agency_id is not None:
        agency_ids = [agency_id]
    elif not scope.everything:
        if scope.region_ids:
            region_ids = sorted(scope.region_ids)
        else:
            agency_ids = sorted(scope.agency_ids)
    if agency_ids == [] or region_ids == []:
        return []
    with _reader(db) as (cur, _dialect):
        rows = _load(cur, year, agency_ids, region_ids, True, cells, findings)
    return [r for r in rows if scope.allows(r.agency_id)]


def dashboard(db: Database, scope: Scope, year: int) -> Dashboard:
    with db.engine.connect() as conn:
        names = _agencies(conn, scope)
        f = t.filings.c
        filings = {
            r.agency_id: r
            for r in conn.execute(
                sa.select(f.id, f.agency_id, f.state, f.report_id, f.submitted_at).where(
                    f.year == year, scope.agency_filter(f.agency_id)
                )
            )
        }
        u = t.users.c
        clerks = set(
            conn.execute(
                sa.select(u.agency_id).where(u.role == "clerk", u.active, scope.agency_filter(u.agency_id))
            ).scalars()
        )
    rows, groups = scope_figures(db, scope)
    this_year = {r.agency_id: r for r in rows if r.year == year}
    # expected to file: agencies with a filing or a report this year, a report last year, or a clerk
    expected = set(filings) | set(this_year) | {r.agency_id for r in rows if r.year == year - 1} | clerks
    due = due_date(year)
    late_now = today() > due
    repeated = repeated_shares(db, [(r.agency_id, r.report_id) for r in this_year.values()], year)
    out = []
    for aid, name in names.items():
        fl = filings.get(aid)
        rec = this_year.get(aid)
        if aid not in expected:
            continue
        submitted = fl.submitted_at if fl is not None else None
        state = fl.state if fl is not None else None
        filed = state in ("submitted", "approved", "published") or (state is None and rec is not None)
        late = (submitted is not None and china_date(submitted) > due) or (not filed and late_now)
        out.append(
            AgencyStatus(
                aid,
                name,
                state,
                fl.id if fl is not None else None,
                rec.report_id if rec is not None else None,
                submitted,
                late,
                rec.errors if rec is not None else 0,
                rec.warnings if rec is not None else 0,
                repeated.get(aid),
            )
        )
    board = Dashboard(year, due, out, [y for y, _ in groups])
    for share in INDICATORS:
        board.indicators[share] = [g.shares.get(share) for _, g in groups]
    board.received = [g.totals.get("received") for _, g in groups]
    return board


_FIGURES_CACHE: dict[tuple[Any, ...], tuple[list[Any], list[tuple[int, Any]]]] = {}


def store_version(db: Database) -> tuple[Any, ...]:
    """Changes whenever figures or findings can have changed: a report stored, a correction made."""
    with db.engine.connect() as conn:
        reports = conn.execute(sa.select(sa.func.count(), sa.func.max(s.reports.c.id))).one()
        fixes = conn.execute(sa.select(sa.func.count(), sa.func.max(s.corrections.c.id))).one()
    return (*reports, *fixes)


def scope_figures(db: Database, scope: Scope) -> tuple[list[Any], list[tuple[int, Any]]]:
    """The figure rows of the current reports in scope and their indicators per year, kept
    until a report or a correction is stored (the dashboard reads them on every request)."""
    key = (db.url, scope.everything, scope.agency_ids, scope.region_ids, store_version(db))
    hit = _FIGURES_CACHE.get(key)
    if hit is None:
        rows = figure_rows(db, scope)
        hit = (rows, by_year(rows))
        if len(_FIGURES_CACHE) >= 32:
            _FIGURES_CACHE.clear()
        _FIGURES_CACHE[key] = hit
    return hit


def by_year(rows: Iterable[Any]) -> list[tuple[int, Any]]:
    """Totals and shares per year (``gongkai.analyse.stats.aggregate``), in year order."""
    from gongkai.analyse.stats import aggregate, report_figures

    figures: dict[int, list[Any]] = {}
    for r in rows:
        figures.setdefault(r.year, []).append(report_figures(r))
    return [(y, aggregate({"year": y}, f"{y}年", figs, 0)) for y, figs in sorted(figures.items())]


# --- 内容雷同 -------------------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_SPACE = re.compile(r"\s+")


def sentences(text: str) -> list[str]:
    return [x for x in (_SPACE.sub("", m.group(0)) for m in _SENTENCE.finditer(text)) if len(x) >= 8]


def repeated_share(this: dict[str, Any], last: dict[str, Any]) -> float | None:
    """Share (by characters) of this year's prose made of sentences found word for word in last
    year's; ``None`` when this year has no prose."""
    mine = [x for text in this.values() if text for x in sentences(text)]
    if not mine:
        return None
    before = {x for text in last.values() if text for x in sentences(text)}
    total = sum(len(x) for x in mine)
    same = sum(len(x) for x in mine if x in before)
    return same / total


_SHARES: dict[tuple[str, int, int], float | None] = {}  # stored reports never change: cache by ids


def pair_shares(db: Database, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], float | None]:
    """(report, last year's report) → repeated share, computed once per pair."""
    r = s.reports.c
    todo = [p for p in pairs if (db.url, *p) not in _SHARES]
    for i in range(0, len(todo), 200):
        chunk = todo[i : i + 200]
        ids = sorted({x for p in chunk for x in p})
        with db.engine.connect() as conn:
            docs = dict(conn.execute(sa.select(r.id, r.parsed).where(r.id.in_(ids))).all())
        if len(_SHARES) > 50_000:
            _SHARES.clear()
        for a, b in chunk:
            this, last = (docs.get(a) or {}).get("sections") or {}, (docs.get(b) or {}).get("sections") or {}
            _SHARES[(db.url, a, b)] = repeated_share(this, last)
    return {p: _SHARES[(db.url, *p)] for p in pairs}


def repeated_shares(db: Database, pairs: list[tuple[int, int]], year: int) -> dict[int, float | None]:
    """Agency → repeated share of its report of ``year`` against its current report of the year before."""
    if not pairs:
        return {}
    r = s.reports.c
    agency_ids = [a for a, _ in pairs]
    prev: dict[int, int] = {}
    with db.engine.connect() as conn:
        for i in range(0, len(agency_ids), 500):
            chunk = agency_ids[i : i + 500]
            q = sa.select(r.agency_id, r.id).where(r.is_current, r.year == year - 1, r.agency_id.in_(chunk))
            prev.update(dict(conn.execute(q).all()))
    shares = pair_shares(db, [(rid, prev[a]) for a, rid in pairs if a in prev])
    return {a: shares[(rid, prev[a])] for a, rid in pairs if a in prev}


# --- the report card -------------------------------------------------------------------------------


@dataclass
class CardYear:
    year: int
    report_id: int
    errors: int
    warnings: int
    received: int | None
    shares: dict[str, float | None]
    repeated: float | None
    state: str | None


def report_card(db: Database, scope: Scope, agency_id: int) -> tuple[str, list[CardYear]]:
    from gongkai.analyse.stats import compute_stats
    from gongkai.serve.workflow import agency_name

    scope.check_agency(agency_id)
    name = agency_name(db, agency_id)
    rows = figure_rows(db, scope, agency_id=agency_id)
    with db.engine.connect() as conn:
        f = t.filings.c
        states = dict(conn.execute(sa.select(f.year, f.state).where(f.agency_id == agency_id)).all())
    out = []
    by_year = {r.year: r for r in rows}
    for y, rec in sorted(by_year.items()):
        g = compute_stats([rec]).overall
        prev = by_year.get(y - 1)
        share = (
            pair_shares(db, [(rec.report_id, prev.report_id)])[(rec.report_id, prev.report_id)]
            if prev
            else None
        )
        out.append(
            CardYear(
                y,
                rec.report_id,
                rec.errors,
                rec.warnings,
                g.totals.get("received"),
                {k: g.shares.get(k) for k in INDICATORS},
                share,
                states.get(y),
            )
        )
    return name, out


# --- spreadsheets out ------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def inert(value: Any) -> Any:
    """A text that a spreadsheet will not run as a formula (OWASP CSV injection): prefixed with
    an apostrophe when it starts with a formula character. Numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def summary_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """The batch summary: one row per file with its outcome and findings."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers = ("文件", "机关", "年度", "结果", "错误", "警告", "主要问题")
    keys = ("file", "agency", "year", "outcome", "errors", "warnings", "problems")
    wb = Workbook()
    ws = wb.create_sheet("导入结果", 0)
    del wb[wb.sheetnames[1]]
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([inert(r.get(k)) for k in keys])
    for col, width in zip("ABCDEFG", (30, 30, 8, 14, 8, 8, 80), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
