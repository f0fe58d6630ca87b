"""The register in the store: requests and events, year-end tables that balance by
construction (property tests), carry-over between years, Excel import and export, letters,
due lists and the command line."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from gongkai.check import check_report
from gongkai.cli.main import app
from gongkai.model.keys import APPLICANT_COLUMNS, OUTCOME_ROWS_2021
from gongkai.register import service
from gongkai.register.clock import Event
from gongkai.register.excel import export_workbook, import_rows, read_sheet
from gongkai.register.letters import draft_letter
from gongkai.register.rules import RegisterError
from gongkai.register.service import Appeal, NewRequest, RequestView
from gongkai.register.tables import (
    agency_year_report,
    count_appeals,
    count_requests,
    supervision,
    year_report,
)
from gongkai.store import open_db

D = date
runner = CliRunner()
AGENCY = "江苏省淮安市洪泽区人民政府"


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database per module; each test gets a copy (migrating takes a second)."""
    path = tmp_path_factory.mktemp("register") / "empty.db"
    open_db(path).close()
    return path


@pytest.fixture
def db(tmp_path: Path, empty_db: Path) -> Any:
    shutil.copyfile(empty_db, tmp_path / "r.db")
    store = open_db(tmp_path / "r.db")
    yield store
    store.close()


def new(received: date, **kw: Any) -> NewRequest:
    base = dict(
        agency=AGENCY,
        channel="当面",
        received_on=received,
        applicant_type="natural_person",
        applicant="张三",
        content="某项目的审批文件",
    )
    base.update(kw)
    return NewRequest(**base)  # type: ignore[arg-type]


# --- requests and events in the store -------------------------------------------------------------


def test_register_a_request_and_its_timeline(db: Any) -> None:
    v = service.add_request(db, new(D(2026, 1, 30), handler="李四"))
    assert v.number == "2026-0001" and v.clock is not None and v.clock.due == D(2026, 3, 5)
    v = service.add_event(db, v.id, Event("extension", D(2026, 3, 2), days=5, approved_by="王主任"))
    assert v.clock is not None and v.clock.due == D(2026, 3, 12)
    with pytest.raises(RegisterError, match="只能延长一次"):
        service.add_event(db, v.number, Event("extension", D(2026, 3, 3), days=5, approved_by="王主任"))
    v = service.add_event(db, "2026-0001", Event("answer", D(2026, 3, 13), outcome="granted"))
    assert v.outcome == "granted" and v.closed_on == D(2026, 3, 13)
    assert v.clock is not None and v.clock.late_days == 1
    assert len(v.events) == 2  # the refused extension was not stored
    second = service.add_request(db, new(D(2026, 2, 2), applicant_type="legal_service_institution"))
    assert second.number == "2026-0002"
    with pytest.raises(RegisterError, match="已经使用"):
        service.add_request(db, new(D(2026, 2, 2), number="2026-0002"))


def test_year_tables_from_the_store_balance_and_validate(db: Any, validator: Any) -> None:
    a = service.add_request(db, new(D(2025, 12, 22)))
    service.add_event(db, a.id, Event("answer", D(2026, 1, 10), outcome="withheld_process_information"))
    b = service.add_request(db, new(D(2026, 3, 2), applicant_type="commercial_enterprise"))
    service.add_event(db, b.id, Event("correction_notice", D(2026, 3, 6), until=D(2026, 3, 20)))
    service.add_event(db, b.id, Event("answer", D(2026, 3, 23), outcome="other_overdue_correction"))
    c = service.add_request(db, new(D(2026, 12, 28)))  # open on 31 December
    service.add_appeal(db, a.id, "reconsideration", D(2026, 2, 1), "corrected", D(2026, 4, 1))
    service.add_appeal(db, a.id, "litigation_after_reconsideration", D(2026, 5, 1))
    views = service.list_requests(db, agency=AGENCY)
    report = year_report(views, 2026, label=AGENCY, agency=AGENCY, region=None)
    validator.validate(report.to_json_dict())
    rq = report.tables["requests"]
    assert rq["new_received"]["total"].value == 2 and rq["carried_over"]["natural_person"].value == 1
    assert rq["withheld_process_information"]["natural_person"].value == 1
    assert rq["other_overdue_correction"]["commercial_enterprise"].value == 1
    assert rq["carried_forward"]["total"].value == 1 and c.closed_on is None
    ap = report.tables["appeals"]
    assert ap["reconsideration"]["corrected"].value == 1
    assert ap["litigation_after_reconsideration"]["pending"].value == 1
    assert report.findings == []
    sv = supervision(views, 2026)
    assert sv.correction_rate == 1.0 and sv.answered == 1 and sv.by_applicant["commercial_enterprise"] == 1
    assert agency_year_report(db, a.agency_id, 2026) == report
    assert agency_year_report(db, a.agency_id, 2020) is None
    last = year_report(views, 2025, label=AGENCY, agency=AGENCY, region=None)
    assert last.tables["requests"]["carried_forward"]["total"].value == rq["carried_over"]["total"].value == 1


def test_region_scope_and_the_2019_edition(db: Any) -> None:
    service.add_request(db, new(D(2020, 5, 6)))
    other = service.add_request(db, new(D(2020, 5, 7), agency="江苏省淮安市淮阴区人民政府"))
    service.add_event(db, other.id, Event("fee_notice", D(2020, 5, 8)))
    service.add_event(db, other.id, Event("answer", D(2020, 7, 1), outcome="other_overdue_fee"))
    views = service.list_requests(db, region="淮安市")
    assert {v.agency for v in views} == {AGENCY, "江苏省淮安市淮阴区人民政府"}
    report = year_report(views, 2020, label="淮安市", agency=None, region="淮安市")
    assert report.meta.edition == "2019"
    assert report.tables["requests"]["other_handling"]["total"].value == 1
    assert report.findings == []
    with pytest.raises(RegisterError, match="找不到地区"):
        service.list_requests(db, region="火星市")


def test_due_and_overdue_lists(db: Any) -> None:
    a = service.add_request(db, new(D(2026, 1, 30), handler="甲"))  # due 2026-03-05
    b = service.add_request(db, new(D(2026, 2, 24), handler="乙"))  # due 2026-03-24
    c = service.add_request(db, new(D(2026, 2, 2), handler="乙"))
    service.add_event(db, c.id, Event("fee_notice", D(2026, 2, 3)))  # pay by 2026-03-09
    items = service.due_list(db, as_of=D(2026, 3, 2), within=5)
    kinds = {(i.view.id, i.kind, i.due, i.overdue) for i in items}
    assert (a.id, "答复", D(2026, 3, 5), False) in kinds
    assert (c.id, "缴费", D(2026, 3, 9), False) in kinds  # 3/9 is the 5th working day after 3/2
    assert all(i.view.id != b.id for i in items)
    late = service.due_list(db, as_of=D(2026, 3, 10), within=0, overdue_only=True)
    assert {(i.view.id, i.kind) for i in late} == {(a.id, "答复"), (c.id, "缴费")}
    assert next(i for i in late if i.view.id == c.id).view.clock.suggested_outcome == "other_overdue_fee"  # type: ignore[union-attr]
    mine = service.due_list(db, as_of=D(2026, 3, 10), within=0, overdue_only=True, handler="甲")
    assert [i.view.id for i in mine] == [a.id]


# --- tables balance by construction (property) -----------------------------------------------------


@st.composite
def registers(draw: st.DrawFn) -> list[RequestView]:
    views = []
    for i in range(draw(st.integers(0, 40))):
        received = D(2024, 1, 1) + timedelta(days=draw(st.integers(0, 3 * 365)))
        closed = None
        outcome = None
        if draw(st.booleans()):
            closed = received + timedelta(days=draw(st.integers(0, 400)))
            outcome = draw(st.sampled_from(OUTCOME_ROWS_2021))
        appeals = []
        if closed and draw(st.integers(0, 4)) == 0:
            filed = closed + timedelta(days=draw(st.integers(0, 200)))
            decided = filed + timedelta(days=draw(st.integers(0, 200))) if draw(st.booleans()) else None
            result = draw(st.sampled_from(["upheld", "corrected", "other"])) if decided else "pending"
            kind = draw(
                st.sampled_from(["reconsideration", "litigation_direct", "litigation_after_reconsideration"])
            )
            appeals.append(Appeal(i, i, kind, filed, result, decided, ""))
        views.append(
            RequestView(
                id=i,
                agency_id=1,
                agency="甲",
                number=str(i),
                channel="当面",
                submitted_on=None,
                received_on=received,
                applicant_type=draw(st.sampled_from(APPLICANT_COLUMNS)),
                applicant="某",
                contact=None,
                content="x",
                handler=None,
                outcome=outcome,
                closed_on=closed,
                appeals=appeals,
            )
        )
    return views


@settings(max_examples=30, deadline=None)
@given(registers(), st.integers(2024, 2027))
def test_year_tables_always_balance_and_carry_over(views: list[RequestView], year: int) -> None:
    report = year_report(views, year, label="甲", agency="甲", region=None)
    assert report.findings == []  # identities 1–4 hold on tables 3 and 4
    assert not [f for f in check_report(report) if f.rule.startswith("identity")]
    this = count_requests(views, year)
    nxt = count_requests(views, year + 1)
    for col in (*APPLICANT_COLUMNS, "total"):
        assert nxt["carried_over"][col] == this["carried_forward"][col]  # identity 5
        assert this["new_received"][col] + this["carried_over"][col] == (
            this["total_processed"][col] + this["carried_forward"][col]
        )
    first, last = D(year, 1, 1), D(year, 12, 31)
    assert this["new_received"]["total"] == sum(first <= v.received_on <= last for v in views)
    ap = count_appeals(views, year)
    assert sum(r["total"] for r in ap.values()) == sum(
        first <= a.filed_on <= last for v in views for a in v.appeals
    )


# --- Excel -------------------------------------------------------------------------------------------


def _xlsx(rows: list[list[Any]], title: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append(title)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEAD = [
    "序号",
    "来件日期",
    "申请方式",
    "申请人",
    "申请人性质",
    "申请公开内容",
    "经办人",
    "答复结果",
    "办结日期",
]


def test_import_previews_then_commits_and_export_round_trips(db: Any, tmp_path: Path, empty_db: Path) -> None:
    data = _xlsx(
        [
            HEAD,
            [1, "2026年3月2日", "网上", "张三", "个人", "A 项目环评", "甲", "予以公开", D(2026, 3, 20)],
            [2, D(2026, 3, 3), "信函", "某公司", "企业", "B 项目批复", "乙", None, None],
            [None] * 9,
            [3, "2026/3/4", "当面", "某律所", "律师事务所", "C 案卷", "乙", "不掌握", "2026-03-30"],
        ],
        title=["某某区人民政府依申请公开台账"],
    )
    plan = read_sheet(data, name="t.xlsx")
    assert plan.header_row == 2 and plan.mapping["来件日期"] == "received" and plan.mapping["序号"] is None
    assert len(plan.rows) == 3
    preview = import_rows(db, plan, agency=AGENCY, commit=False)
    assert preview.imported == 3 and not preview.errors
    assert service.list_requests(db) == []  # a preview writes nothing
    done = import_rows(db, plan, agency=AGENCY, commit=True)
    assert done.imported == 3
    views = service.list_requests(db, as_of=D(2026, 4, 1))
    assert [(v.channel, v.applicant_type, v.outcome) for v in views] == [
        ("网络", "natural_person", "granted"),
        ("邮寄", "commercial_enterprise", None),
        ("当面", "legal_service_institution", "unavailable_not_held"),
    ]
    service.add_request(db, new(D(2026, 3, 5), content='=HYPERLINK("http://x","C")'))  # typed by a user
    views = service.list_requests(db, as_of=D(2026, 4, 1))
    out = export_workbook(views)
    ws = load_workbook(io.BytesIO(out)).active
    assert ws is not None and ws["A1"].value == "登记编号" and ws.max_row == 5
    assert ws["G5"].value == '=HYPERLINK("http://x","C")' and ws["G5"].data_type == "s"  # text, not a formula
    shutil.copyfile(empty_db, tmp_path / "fresh.db")
    fresh = open_db(tmp_path / "fresh.db")
    again = import_rows(fresh, read_sheet(out, name="x.xlsx"), agency=AGENCY, commit=True)
    assert again.imported == 4 and not again.errors
    t1 = year_report(views, 2026, label="a", agency=None, region=None).tables
    t2 = year_report(service.list_requests(fresh), 2026, label="a", agency=None, region=None).tables
    assert t1 == t2
    fresh.close()


def test_import_reports_every_bad_row_and_imports_none(db: Any) -> None:
    data = _xlsx(
        [
            HEAD,
            [1, "2026-03-02", "当面", "张三", "自然人", "A", "甲", None, None],
            [2, "三月二日", "当面", "李四", "自然人", "B", "甲", None, None],
            [3, "2026-03-02", "飞鸽", "王五", "自然人", "C", "甲", None, None],
            [4, "2026-03-02", "当面", "", "自然人", "D", "甲", None, None],
            [5, "2026-03-02", "当面", "赵六", "自然人", "E", "甲", "差不多公开", "2026-03-10"],
            [6, "2026-03-02", "当面", "钱七", "自然人", "F", "甲", "予以公开", "2026-03-01"],
            [7, "2026-03-02", "当面", "孙八", "自然人", "G", "甲", "予以公开", None],
        ]
    )
    result = import_rows(db, read_sheet(data), agency=AGENCY, commit=True)
    reasons = dict(result.errors)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "三月二日" in reasons[3] and "飞鸽" in reasons[4] and "申请人" in reasons[5]
    assert "差不多公开" in reasons[6] and "早于" in reasons[7] and "同时填写" in reasons[8]
    assert service.list_requests(db) == []  # nothing half-imported


def test_import_mapping_overrides_and_missing_columns(db: Any) -> None:
    data = _xlsx([["来信时间", "申请人", "申请内容", "备注"], ["2026-03-02", "张三", "A", "x"]])
    with pytest.raises(Exception, match="收到申请日期"):
        read_sheet(data)
    plan = read_sheet(data, overrides=["来信时间=received"])
    assert plan.mapping["来信时间"] == "received"
    assert import_rows(db, plan, agency=AGENCY, commit=True).imported == 1


# --- letters and the command line ---------------------------------------------------------------------


def test_letters_are_drafted_per_outcome(db: Any) -> None:
    from docx import Document

    v = service.add_request(db, new(D(2026, 3, 2), applicant="张三"))
    with pytest.raises(RegisterError, match="尚未办结"):
        draft_letter(v)
    v = service.add_event(db, v.id, Event("extension", D(2026, 3, 20), days=10, approved_by="王主任"))
    ext = "\n".join(p.text for p in Document(io.BytesIO(draft_letter(v, "延期"))).paragraphs)
    assert "延期答复告知书" in ext and "延长10个工作日" in ext and "2026年4月14日" in ext
    v = service.add_event(db, v.id, Event("answer", D(2026, 4, 1), outcome="withheld_third_party_rights"))
    text = "\n".join(p.text for p in Document(io.BytesIO(draft_letter(v))).paragraphs)
    assert "张三：" in text and "第十五条" in text and "2026年3月2日" in text and AGENCY in text


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_cli_deadline_calendar_and_tables(tmp_path: Path, validator: Any, empty_db: Path) -> None:
    r = invoke("register", "--help")
    assert r.exit_code == 0 and "deadline" in r.output and "依申请公开台账" in r.output
    assert "register" in invoke("--help").output
    r = invoke("register", "deadline", "--received", "2026-01-30", "--channel", "邮寄")
    assert r.exit_code == 0, r.output
    assert "答复期限：2026-03-05" in r.output and "签收之日" in r.output and "春节假期" in r.output
    r = invoke("register", "deadline", "--received", "2026-12-20")
    assert (
        r.exit_code == 2
        and "2027 年的法定节假日和调休安排尚未录入" in r.output
        and "Traceback" not in r.output
    )
    shutil.copyfile(empty_db, tmp_path / "c.db")
    dbp = str(tmp_path / "c.db")
    r = invoke(
        "register",
        "calendar",
        "add-year",
        "2027",
        "--holidays",
        "2027-01-01:元旦",
        "--workdays",
        "2027-01-04:元旦",
        "--db",
        dbp,
    )
    assert r.exit_code == 2 and "周一至周五" in r.output
    r = invoke(
        "register", "calendar", "add-year", "2027", "--holidays", "2027-01-01..2027-01-03:元旦", "--db", dbp
    )
    assert r.exit_code == 0, r.output
    r = invoke("register", "deadline", "--received", "2026-12-20", "--db", dbp)
    # 12/21–12/31 (9), 1/1–1/3 元旦 (as entered), 1/4–1/15 (19), 1/18 (20)
    assert r.exit_code == 0 and "答复期限：2027-01-18" in r.output, r.output
    r = invoke(
        "register",
        "add",
        "--agency",
        AGENCY,
        "--received",
        "2026-03-02",
        "--applicant",
        "张三",
        "--content",
        "A",
        "--type",
        "科研机构",
        "--db",
        dbp,
    )
    assert r.exit_code == 0 and "2026-03-30" in r.output, r.output
    r = invoke(
        "register", "event", "1", "答复办结", "--on", "2026-03-10", "--outcome", "予以公开", "--db", dbp
    )
    assert r.exit_code == 0 and "期限内" in r.output, r.output
    r = invoke("register", "event", "1", "延期答复", "--on", "2026-03-11", "--days", "3", "--db", dbp)
    assert r.exit_code == 2 and "已于 2026-03-10 办结" in r.output
    r = invoke("register", "tables", "--agency", AGENCY, "--year", "2026", "--json", "--db", dbp)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    validator.validate(doc)
    assert doc["tables"]["requests"]["granted"]["research_institution"]["value"] == 1
    (tmp_path / "t.json").write_text(r.output, encoding="utf-8")
    w = invoke("write", str(tmp_path / "t.json"), "-o", str(tmp_path / "t.docx"), "--force")
    assert w.exit_code == 0 and (tmp_path / "t.docx").stat().st_size > 0, w.output  # the writer takes it
    r = invoke("register", "tables", "--agency", AGENCY, "--year", "2026", "--db", dbp)
    assert r.exit_code == 0 and "按期答复率 100.0%" in r.output
    r = invoke("register", "overdue", "--as-of", "2026-04-01", "--db", dbp)
    assert r.exit_code == 0 and "已逾期（0 件）" in r.output


# --- PostgreSQL --------------------------------------------------------------------------------------


def test_register_on_postgresql() -> None:
    from test_store_support import pg_scratch

    with pg_scratch("gongkai_register") as url:
        pg = open_db(url)
        try:
            v = service.add_request(pg, new(D(2025, 12, 22)))
            service.add_event(pg, v.id, Event("third_party", D(2026, 1, 5)))
            service.add_event(pg, v.id, Event("third_party_answer", D(2026, 1, 9)))
            service.add_event(pg, v.id, Event("fee_notice", D(2026, 1, 12), amount=Decimal("200.50")))
            service.add_event(pg, v.id, Event("fee_paid", D(2026, 1, 14)))
            v = service.add_event(pg, v.id, Event("answer", D(2026, 1, 20), outcome="granted"))
            assert v.events[2].amount == Decimal("200.50")
            service.add_appeal(pg, v.id, "litigation_direct", D(2026, 2, 1), "upheld", D(2026, 6, 1))
            data = _xlsx([HEAD, [1, "2026-03-02", "当面", "张三", "自然人", "A", "甲", None, None]])
            assert import_rows(pg, read_sheet(data), agency=AGENCY, commit=True).imported == 1
            views = service.list_requests(pg, agency=AGENCY)
            report = year_report(views, 2026, label=AGENCY, agency=AGENCY, region=None)
            assert report.findings == []
            assert report.tables["requests"]["carried_over"]["total"].value == 1
            assert report.tables["requests"]["carried_forward"]["total"].value == 1
            assert report.tables["appeals"]["litigation_direct"]["upheld"].value == 1
        finally:
            pg.close()
