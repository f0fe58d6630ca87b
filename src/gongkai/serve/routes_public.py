"""公开: published reports, without a session: lists by region, agency and year, one report with
its tables, and downloads in the official layout (DOCX, PDF, HTML) through :mod:`gongkai.write`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gongkai.errors import GongkaiError
from gongkai.model.report import Report
from gongkai.serve import tables as t
from gongkai.serve.auth import NotFound, WebError, csrf_guard, get_db, region_subtree
from gongkai.serve.grids import tables
from gongkai.serve.render import page
from gongkai.store import schema as s
from gongkai.store.db import Database
from gongkai.write.layout import format_value, parts, title_of

router = APIRouter(prefix="/public", dependencies=[Depends(csrf_guard)], include_in_schema=False)
DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def published_rows(
    db: Database, *, region_id: int | None = None, year: int | None = None, agency: str | None = None
) -> list[sa.Row]:
    f, a = t.filings.c, s.agencies.c
    q = (
        sa.select(
            f.report_id, f.year, f.published_at, a.id.label("agency_id"), a.name.label("agency"), a.region_id
        )
        .join(s.agencies, a.id == f.agency_id)
        .where(f.state == "published", f.report_id.is_not(None))
    )
    if year is not None:
        q = q.where(f.year == year)
    if agency:
        q = q.where(a.name.contains(agency.strip()[:100], autoescape=True))
    with db.engine.connect() as conn:
        if region_id is not None:
            q = q.where(a.region_id.in_(sorted(region_subtree(conn, region_id))))
        return list(conn.execute(q.order_by(f.year.desc(), a.name).limit(2000)))


@dataclass
class Published:
    report_id: int
    agency: str
    year: int
    edition: str
    report: Report  # the reviewers' corrections applied, the prose as filed


def published_record(db: Database, report_id: int) -> Published:
    """A published report; 404 for anything else."""
    from gongkai.serve.workflow import stored

    f, a = t.filings.c, s.agencies.c
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(f.draft, a.name)
            .join(s.agencies, a.id == f.agency_id)
            .where(f.report_id == report_id, f.state == "published")
        ).first()
    if row is None:
        raise NotFound("没有找到该公开报告。")
    st = stored(db, report_id)
    if row.draft:  # the prose as filed (a resubmission may change prose only)
        st.report.sections.update(row.draft.get("sections") or {})
        st.report.meta.title = (row.draft.get("meta") or {}).get("title") or st.report.meta.title
    return Published(report_id, row.name, st.year, st.edition, st.report)


def _regions(db: Database) -> list[tuple[int, str]]:
    r, a, f = s.regions.c, s.agencies.c, t.filings.c
    with db.engine.connect() as conn:
        used = set(
            conn.execute(
                sa.select(a.region_id).join(t.filings, f.agency_id == a.id).where(f.state == "published")
            ).scalars()
        )
        rows = conn.execute(sa.select(r.id, r.name, r.parent_id)).all()
    parent = {x.id: x.parent_id for x in rows}
    names = {x.id: x.name for x in rows}
    keep: set[int] = set()
    for rid in used:
        while rid is not None and rid not in keep:
            keep.add(rid)
            rid = parent.get(rid)

    def path(rid: int) -> str:
        out = []
        cur: int | None = rid
        while cur is not None:
            out.append(names[cur])
            cur = parent.get(cur)
        return "".join(reversed(out))

    return sorted(((rid, path(rid)) for rid in keep), key=lambda x: x[1])


@router.get("")
def index(request: Request, region: str = "", year: str = "", agency: str = "") -> Response:
    db = get_db(request)
    region_id = int(region) if region.isdigit() else None
    year_n = int(year) if year.isdigit() else None
    rows = published_rows(db, region_id=region_id, year=year_n, agency=agency or None)
    years = sorted({r.year for r in published_rows(db)}, reverse=True)
    return page(
        request,
        "public_index.html",
        rows=rows,
        regions=_regions(db),
        years=years,
        region=region_id,
        year=year_n,
        agency=agency,
    )


def public_cells(rec: Published) -> dict[str, dict[str, str]]:
    return {a: {"value": format_value(c.value) if c.known else ""} for a, c in rec.report.cells()}


@router.get("/report/{report_id:int}")
def report_page(request: Request, report_id: int) -> Response:
    rec = published_record(get_db(request), report_id)
    by_key = {v.key: v for v in tables(rec.edition)}
    sections: list[dict[str, Any]] = [
        {"heading": p.heading, "paragraphs": p.paragraphs, "table": by_key.get(p.key)}
        for p in parts(rec.report)
    ]
    return page(
        request,
        "public_report.html",
        rec=rec,
        title=title_of(rec.report),
        sections=sections,
        cells=public_cells(rec),
    )


@router.get("/report/{report_id:int}.{fmt}")
def download(request: Request, report_id: int, fmt: str) -> Response:
    from gongkai.write import write_report

    if fmt not in DOWNLOADS:
        raise NotFound("不支持该下载格式。")
    rec = published_record(get_db(request), report_id)
    try:
        data = write_report(rec.report, fmt)
    except GongkaiError as e:
        raise WebError(e.message, 503) from e
    name = quote(f"{title_of(rec.report)}.{fmt}")
    return Response(
        data,
        media_type=DOWNLOADS[fmt],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )
