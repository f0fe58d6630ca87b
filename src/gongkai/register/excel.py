"""台账 spreadsheets both ways: import with a column mapping and a preview, export.

Import reads the first sheet (or a named one), finds the header row by the column names agencies
use, maps each column to a field (overridable), and checks every row before anything is written:
a row with a problem is reported with its reason, and then no row is imported. Without
``commit`` the rows are checked and nothing is written (the preview).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from gongkai.errors import InputError
from gongkai.register import calendar_store
from gongkai.register import schema as rs
from gongkai.register.calendar import CalendarGapError
from gongkai.register.clock import Event, run_clock
from gongkai.register.rules import (
    OUTCOME_SHORT,
    OUTCOMES,
    RegisterError,
    applicant_type_of,
    channel_of,
    outcome_of,
)
from gongkai.register.service import DbArg, NewRequest, RequestView, agency_for, insert_event, insert_request
from gongkai.store.db import using

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000

# field: (label, names seen in agencies' 台账)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "number": ("登记编号", ("登记编号", "编号", "登记号", "申请编号", "受理编号", "流水号")),
    "agency": ("受理机关", ("受理机关", "机关", "机关名称", "受理单位", "单位")),
    "received": (
        "收到申请日期",
        ("收到申请日期", "收到日期", "收件日期", "受理日期", "来件日期", "收到时间", "申请日期", "登记日期"),
    ),
    "channel": ("申请渠道", ("申请渠道", "渠道", "申请方式", "提交方式", "来件方式", "申请途径")),
    "applicant": ("申请人", ("申请人", "申请人姓名", "申请人名称", "姓名/名称")),
    "applicant_type": ("申请人类型", ("申请人类型", "申请人性质", "申请人类别", "类型")),
    "content": ("申请内容", ("申请内容", "申请公开内容", "申请公开的内容", "申请事项", "内容", "所需信息")),
    "handler": ("承办人", ("承办人", "经办人", "办理人", "承办科室", "承办处室")),
    "contact": ("联系方式", ("联系方式", "联系电话", "电话", "地址")),
    "submitted": ("提交日期", ("提交日期", "寄出日期", "邮寄日期")),
    "outcome": ("办理结果", ("办理结果", "答复结果", "处理结果", "答复类型", "结果")),
    "answered": ("答复日期", ("答复日期", "办结日期", "答复时间", "办结时间", "回复日期")),
}
REQUIRED = ("received", "applicant", "content")
EXPORT_EXTRA = ("答复期限", "状态", "逾期工作日", "说明")


def _norm(text: Any) -> str:
    return "".join(str(text or "").split()).replace("（", "(").replace("）", ")")


def field_of(name: str) -> str | None:
    t = _norm(name)
    if not t:
        return None
    for key, (label, names) in FIELDS.items():
        if t == key or t == _norm(label) or t in (_norm(n) for n in names):
            return key
    return None


@dataclass
class Plan:
    sheet: str
    header_row: int
    columns: list[str]  # header text per column index
    mapping: dict[str, str | None]  # header text → field
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (sheet row number, field → value)


def read_sheet(data: bytes, *, name: str = "-", sheet: str | None = None, overrides: list[str] = ()) -> Plan:  # type: ignore[assignment]
    if len(data) > MAX_BYTES:
        raise InputError("文件过大，上限为 20 MB。", source=name)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError("无法作为 Excel（.xlsx）文件读取。", source=name) from e
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputError(f"没有名为「{sheet}」的工作表；有：{'、'.join(wb.sheetnames)}。", source=name)
        ws = wb[sheet] if sheet else wb.worksheets[0]
        grid: list[list[Any]] = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i > MAX_ROWS:
                raise InputError(f"行数超过 {MAX_ROWS}。", source=name)
            grid.append(list(row))
        title = ws.title
    finally:
        wb.close()
    header = None
    for i, head in enumerate(grid[:15]):
        if sum(field_of(str(c)) is not None for c in head if c is not None) >= 2:
            header = i
            break
    if header is None:
        raise InputError(
            "找不到表头行：前 15 行中没有一行含有至少 2 个可识别的列名（如 收到日期、申请人、申请内容）。",
            source=name,
        )
    columns = [str(c).strip() if c is not None else "" for c in grid[header]]
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for col in columns:
        if not col:
            continue
        f = field_of(col)
        mapping[col] = f if f not in taken else None
        if f:
            taken.add(f)
    for o in overrides:
        if "=" not in o:
            raise InputError(f"--map 的格式应为 列名=字段，收到「{o}」。")
        col, target = (x.strip() for x in o.split("=", 1))
        if col not in mapping:
            raise InputError(f"表中没有名为「{col}」的列。")
        if not target:
            mapping[col] = None
            continue
        f = field_of(target)
        if f is None:
            raise InputError(
                f"未知字段「{target}」；可用：{'、'.join(label for label, _ in FIELDS.values())}。"
            )
        for other, g in mapping.items():
            if g == f and other != col:
                mapping[other] = None
        mapping[col] = f
    missing = [FIELDS[f][0] for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise InputError(f"缺少必需的列：{'、'.join(missing)}；可用 --map 指定，如 --map 来信时间=received。")
    rows = []
    for i, line in enumerate(grid[header + 1 :], start=header + 2):
        if all(c is None or str(c).strip() == "" for c in line):
            continue
        values = {
            f: line[j]
            for j, col in enumerate(columns)
            if j < len(line) and col and (f := mapping.get(col)) is not None
        }
        rows.append((i, values))
    return Plan(title, header + 1, columns, mapping, rows)


def parse_date(v: Any) -> date | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, int | float) and 20000 < v < 80000:  # an Excel serial day number
        return date(1899, 12, 30) + timedelta(days=int(v))
    t = str(v).strip().split(" ")[0].split("T")[0]
    for a, b in (("年", "-"), ("月", "-"), ("日", ""), ("/", "-"), (".", "-")):
        t = t.replace(a, b)
    try:
        y, m, d = (int(x) for x in t.split("-"))
        return date(y, m, d)
    except ValueError:
        raise RegisterError(f"日期「{v}」无法识别") from None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


@dataclass
class ImportResult:
    imported: int
    errors: list[tuple[int, str]]


def _row(values: dict[str, Any], agency: str) -> tuple[NewRequest, Event | None]:
    received = parse_date(values.get("received"))
    if received is None:
        raise RegisterError("缺少收到申请日期")
    applicant = _text(values.get("applicant"))
    if not applicant:
        raise RegisterError("缺少申请人")
    content = _text(values.get("content"))
    if not content:
        raise RegisterError("缺少申请内容")
    channel = channel_of(_text(values.get("channel")) or "当面")
    atype = applicant_type_of(_text(values.get("applicant_type")) or "自然人")
    new = NewRequest(
        agency=_text(values.get("agency")) or agency,
        channel=channel,
        received_on=received,
        applicant_type=atype,
        applicant=applicant,
        content=content,
        handler=_text(values.get("handler")) or None,
        number=_text(values.get("number")) or None,
        submitted_on=parse_date(values.get("submitted")),
        contact=_text(values.get("contact")) or None,
    )
    outcome_text = _text(values.get("outcome"))
    answered = parse_date(values.get("answered"))
    if bool(outcome_text) != (answered is not None):
        raise RegisterError("办理结果和答复日期应同时填写（未办结的都不填）")
    answer = None
    if outcome_text and answered is not None:
        answer = Event("answer", answered, outcome=outcome_of(outcome_text))
    return new, answer


def import_rows(db: DbArg, plan: Plan, *, agency: str, commit: bool) -> ImportResult:
    """Check every row; when all are good and ``commit``, insert them in one transaction."""
    errors: list[tuple[int, str]] = []
    good: list[tuple[int, NewRequest, Event | None]] = []
    seen: dict[tuple[str, str], int] = {}
    with using(db) as store:
        with store.engine.begin() as conn:
            cal = calendar_store.load(conn)
            c = rs.register_requests.c
            for line, values in plan.rows:
                try:
                    new, answer = _row(values, agency)
                    if new.submitted_on and new.submitted_on > new.received_on:
                        raise RegisterError(f"提交日期 {new.submitted_on} 晚于收到申请之日 {new.received_on}")
                    if answer is not None:
                        try:
                            run_clock(cal, new.received_on, [answer])
                        except CalendarGapError:
                            if answer.on < new.received_on:
                                raise RegisterError(
                                    f"答复日期 {answer.on} 早于收到申请之日 {new.received_on}"
                                ) from None
                    if new.number:
                        key = (new.agency, new.number)
                        if key in seen:
                            raise RegisterError(f"登记编号「{new.number}」与第 {seen[key]} 行重复")
                        seen[key] = line
                        try:
                            aid = agency_for(conn, new.agency, create=False)
                        except RegisterError:
                            aid = None
                        if (
                            aid is not None
                            and conn.execute(
                                sa.select(c.id).where(c.agency_id == aid, c.number == new.number)
                            ).first()
                        ):
                            raise RegisterError(f"登记编号「{new.number}」已在台账中")
                except RegisterError as e:
                    errors.append((line, e.message.rstrip("。")))
                    continue
                good.append((line, new, answer))
        if errors or not commit:
            return ImportResult(len(good), errors)
        with store.engine.begin() as conn:  # one transaction: all rows or none
            for _line, new, answer in good:
                rid = insert_request(conn, new, by="import")
                if answer is not None:
                    insert_event(conn, rid, answer, by="import", validate=False)
    return ImportResult(len(good), [])


def export_workbook(views: list[RequestView]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "依申请公开台账"
    keys = list(FIELDS)
    header = [FIELDS[k][0] for k in keys] + list(EXPORT_EXTRA)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for v in views:
        ck = v.clock
        values = {
            "number": v.number,
            "agency": v.agency,
            "received": v.received_on,
            "channel": v.channel,
            "applicant": v.applicant,
            "applicant_type": v.applicant_label,
            "content": v.content,
            "handler": v.handler,
            "contact": v.contact,
            "submitted": v.submitted_on,
            "outcome": OUTCOME_SHORT.get(v.outcome or "", None),
            "answered": v.closed_on,
        }
        due = ck.due if ck else None
        status = ("已办结" if v.closed_on else ck.status) if ck else "期限无法计算"
        late = ck.late_days if ck and ck.late_days else None
        note = (v.clock_error or "") if ck is None else "；".join(ck.warnings)
        ws.append([values[k] for k in keys] + [due, status, late, note])
    for i, _ in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 40 if header[i - 1] in ("申请内容", "说明") else 14
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif cell.data_type == "f":  # text a user typed that starts with "=": text, never a formula
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["FIELDS", "OUTCOMES", "ImportResult", "Plan", "export_workbook", "import_rows", "read_sheet"]
