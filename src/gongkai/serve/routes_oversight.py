"""监督: the region dashboard, report cards, batch upload of published reports, exports in scope."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from gongkai.errors import GongkaiError
from gongkai.serve import oversight as ov
from gongkai.serve import tables as t
from gongkai.serve.accounts import User
from gongkai.serve.auth import Forbidden, Scope, WebError, csrf_guard, current_scope, get_db, require_role
from gongkai.serve.render import page
from gongkai.serve.svg import bar_chart, line_chart
from gongkai.store import schema as s
from gongkai.store.agencies import agency_key, split_name
from gongkai.store.db import Database
from gongkai.store.ingest import ADDED, COPY, DUPLICATE, VERSION, Writer, prepare

router = APIRouter(prefix="/dashboard", dependencies=[Depends(csrf_guard)], include_in_schema=False)
reader = require_role("reviewer", "admin", "viewer")
reviewer = require_role("reviewer", "admin")
EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
MAX_ZIP = 50 * 1024 * 1024
log = logging.getLogger("gongkai.serve")


def _default_year() -> int:
    return ov.today().year - 1


@router.get("")
def dashboard(
    request: Request,
    year: int | None = None,
    region: str = "",
    user: User = Depends(reader),
    scope: Scope = Depends(current_scope),
) -> Response:
    y = year or _default_year()
    db = get_db(request)
    choices = ov.region_choices(db, scope)
    region_id = int(region) if region.isdigit() and int(region) in dict(choices) else None
    view = ov.narrow(db, scope, region_id) if region_id is not None else scope
    board = ov.dashboard(db, view, y)
    labels = [str(x) for x in board.years]
    chart = line_chart("主要指标", labels, {ov.INDICATORS[k]: v for k, v in board.indicators.items()})
    received = bar_chart("本年新收申请", labels, board.received)
    return page(
        request,
        "dashboard.html",
        board=board,
        chart=chart,
        received=received,
        flag=ov.REPEAT_FLAG,
        indicator_names=ov.INDICATORS,
        regions=choices,
        region=region_id,
    )


@router.get("/agency/{agency_id}")
def card(
    request: Request, agency_id: int, user: User = Depends(reader), scope: Scope = Depends(current_scope)
) -> Response:
    name, years = ov.report_card(get_db(request), scope, agency_id)
    labels = [str(c.year) for c in years]
    chart = line_chart(
        "主要指标", labels, {ov.INDICATORS[k]: [c.shares[k] for c in years] for k in ov.INDICATORS}
    )
    return page(
        request,
        "card.html",
        name=name,
        years=years,
        chart=chart,
        flag=ov.REPEAT_FLAG,
        indicator_names=ov.INDICATORS,
    )


def export_bytes(db: Database, scope: Scope, fmt: str, year: int | None) -> bytes:
    from gongkai.analyse.export import ExportInfo, export_records

    rows = ov.figure_rows(db, scope, year=year, cells=True, findings=True)
    if not rows:
        raise WebError("范围内没有可导出的报告。", 404)
    with tempfile.TemporaryDirectory(prefix="gongkai-export-") as tmp:
        out = Path(tmp) / f"export.{fmt}"
        kind: Any = fmt  # one of EXPORTS, checked by the route
        export_records(rows, out, kind, headers="zh", info=ExportInfo(filters={"year": year} if year else {}))
        data = out.read_bytes()
    if fmt == "csv":
        data = _inert_csv(data)
    elif fmt == "xlsx":
        data = _inert_xlsx(data)
    return data


def _inert_xlsx(data: bytes) -> bytes:
    """A workbook whose texts starting with ``=`` (stored as formulas by openpyxl) become plain
    texts: an agency name or a message is never run by the spreadsheet program."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    changed = False
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    cell.value = ov.inert(str(cell.value))
                    cell.data_type = "s"
                    changed = True
    if not changed:
        return data
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _inert_csv(data: bytes) -> bytes:
    """Neutralise formula-looking fields of a CSV (agency names, messages) before download."""
    import csv
    import io

    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        w.writerow([ov.inert(c) if not _number(c) else c for c in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@router.get("/export.{fmt}")
def export(
    request: Request,
    fmt: str,
    year: int | None = None,
    user: User = Depends(reader),
    scope: Scope = Depends(current_scope),
) -> Response:
    if fmt not in EXPORTS:
        raise WebError("导出格式须为 xlsx、csv 或 parquet。", 404)
    try:
        data = export_bytes(get_db(request), scope, fmt, year)
    except GongkaiError as e:
        raise WebError(e.message) from e
    name = quote(f"年报数据{year or ''}.{fmt}")
    return Response(
        data, media_type=EXPORTS[fmt], headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )


def batch_ingest(db: Database, scope: Scope, user: User, name: str, data: bytes) -> list[dict[str, Any]]:
    """A zip of published reports: each read (through the reader's guards), checked, stored and
    listed as published when its agency is in the user's scope. One summary row per file; one
    bad file never stops the others."""
    from gongkai.read.safety import open_zip, read_member

    zf = open_zip(data, name)
    members = [
        i
        for i in zf.infolist()
        if not i.is_dir() and not Path(i.filename).name.startswith(".") and "__MACOSX" not in i.filename
    ]
    if len(members) > ov.MAX_BATCH_FILES:
        raise WebError(f"压缩包中的文件过多（{len(members)} 个），每次最多 {ov.MAX_BATCH_FILES} 个。")
    writer = Writer(db)
    region_names = _scope_region_names(db, scope)
    rows: list[dict[str, Any]] = []
    for info in members:
        row: dict[str, Any] = {
            "file": info.filename,
            "agency": "",
            "year": "",
            "outcome": "未导入",
            "errors": 0,
        }
        row["warnings"] = 0
        try:
            _batch_one(
                db,
                scope,
                user,
                writer,
                region_names,
                info.filename,
                read_member(zf, info.filename, name),
                row,
            )
        except GongkaiError as e:
            row["outcome"], row["problems"] = "未导入", e.message
        except Exception as e:  # a reader's bug: reported in the summary, the other files go on
            log.exception("batch ingest of %s", info.filename)
            row["outcome"], row["problems"] = (
                "未导入",
                f"内部错误（{type(e).__name__}），请把该文件报告给开发者。",
            )
        rows.append(row)
    return rows


def _batch_one(
    db: Database,
    scope: Scope,
    user: User,
    writer: Writer,
    region_names: set[str],
    fname: str,
    body: bytes,
    row: dict[str, Any],
) -> None:
    from gongkai.api import read_bytes
    from gongkai.check import check_report
    from gongkai.serve.workflow import WorkflowError, mark_published

    report = read_bytes(body, Path(fname).name)
    if not report.meta.agency or not report.meta.year:
        raise WebError("未能确定发布机关或年度。")
    row["agency"], row["year"] = report.meta.agency, report.meta.year
    aid = writer.directory.find(report.meta.agency)
    if not scope.everything:
        if aid is not None:
            allowed = scope.allows(aid)
        else:
            places, _ = split_name(agency_key(report.meta.agency))
            allowed = any(p.name in region_names for p in places)
        if not allowed:
            raise Forbidden("该机关不在您的管辖范围内，未导入。")
    if aid is not None:
        f = t.filings.c
        with db.engine.connect() as conn:
            state = conn.execute(
                sa.select(f.state).where(f.agency_id == aid, f.year == report.meta.year)
            ).scalar()
        if state is not None and state != "published":
            raise WorkflowError("该机关该年度的报告正在网上填报审核中，未导入。")
    report.findings = check_report(report)
    row["errors"] = sum(1 for f in report.findings if f.severity.value == "error")
    row["warnings"] = sum(1 for f in report.findings if f.severity.value == "warning")
    row["problems"] = "；".join(f.message for f in report.findings if f.severity.value != "info")[:2000]
    written = writer.write(prepare(report, fname, body))
    if written.outcome == DUPLICATE:
        row["outcome"] = "已存在，跳过"
    elif written.outcome == COPY:
        row["outcome"] = "同一报告的另一文件，已记录"
    elif written.outcome in (ADDED, VERSION) and written.report_id:
        with db.engine.connect() as conn:
            stored_agency = conn.execute(
                sa.select(s.reports.c.agency_id).where(s.reports.c.id == written.report_id)
            ).scalar_one()
        mark_published(db, user, stored_agency, int(report.meta.year), written.report_id)
        row["outcome"] = "已导入并公开"
    else:
        row["outcome"] = "无法读取"
        row["problems"] = written.message or ""


async def read_zip(file: UploadFile) -> bytes:
    """The uploaded zip, read no further than one byte past the limit (413 beyond it)."""
    data = await file.read(MAX_ZIP + 1)
    if len(data) > MAX_ZIP:
        raise WebError(f"压缩包过大，上限为 {MAX_ZIP // (1024 * 1024)} MB。", 413)
    return data


def _scope_region_names(db: Database, scope: Scope) -> set[str]:
    if scope.everything or not scope.region_ids:
        return set()
    with db.engine.connect() as conn:
        return set(
            conn.execute(
                sa.select(s.regions.c.name).where(s.regions.c.id.in_(sorted(scope.region_ids)))
            ).scalars()
        )


@router.post("/batch")
async def batch(
    request: Request,
    file: UploadFile = File(...),
    user: User = Depends(reviewer),
    scope: Scope = Depends(current_scope),
) -> Response:
    rows = batch_ingest(get_db(request), scope, user, file.filename or "batch.zip", await read_zip(file))
    return Response(
        ov.summary_xlsx(rows),
        media_type=EXPORTS["xlsx"],
        headers={"Content-Disposition": "attachment; filename*=UTF-8''" + quote("批量导入结果.xlsx")},
    )
