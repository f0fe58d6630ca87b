"""The checker: every rule fires when it should and stays quiet when it should not."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gongkai.check import RULES, check_report
from gongkai.check.numerals import parse_int
from gongkai.check.prose import Statement, extract
from gongkai.check.rules import finding, sort_findings
from gongkai.model.keys import APPLICANT_COLUMNS, SECTION_KEYS, edition, outcome_rows
from gongkai.model.report import Cell, Finding, Meta, Report, Severity, Source, Status, empty_tables

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
ARITHMETIC = {"requests.row_total", "requests.outcomes_total", "requests.balance", "appeals.row_total"}
Value = int | Decimal

# --- building reports ----------------------------------------------------------------------


def make_report(
    ed: str = "2021",
    values: dict[str, Value] | None = None,
    *,
    year: int | None = 2021,
    agency: str | None = "某县某局",
    sections: dict[str, str | None] | None = None,
) -> Report:
    """Every cell of the edition read as 0, then ``values`` on top; all six sections present."""
    tables = empty_tables(ed)
    for rows in tables.values():
        for cols in rows.values():
            for key in cols:
                cols[key] = Cell(value=0, status=Status.READ, raw="0")
    report = Report(
        source=Source(name="test.txt", sha256="", format="text"),
        meta=Meta(title="某县某局年度报告", agency=agency, year=year, edition=ed),  # type: ignore[arg-type]
        sections=sections if sections is not None else dict.fromkeys(SECTION_KEYS, "无。"),
        tables=tables,
    )
    for address, value in (values or {}).items():
        put(report, address, value)
    return report


def put(
    report: Report, address: str, value: Value | None, status: Status = Status.READ, raw: str | None = None
) -> None:
    t, r, c = address.split(".")
    report.tables[t][r][c] = Cell(value=value, status=status, raw=str(value) if raw is None else raw)


def with_totals(values: dict[str, Value], ed: str = "2021") -> dict[str, Value]:
    """Fill every row total of ``requests`` and ``appeals`` from its parts."""
    out = dict(values)
    for row in edition(ed).table("requests").row_keys:
        out[f"requests.{row}.total"] = sum(out.get(f"requests.{row}.{c}", 0) for c in APPLICANT_COLUMNS)
    for row in edition(ed).table("appeals").row_keys:
        parts = ("upheld", "corrected", "other", "pending")
        out[f"appeals.{row}.total"] = sum(out.get(f"appeals.{row}.{c}", 0) for c in parts)
    return out


# Seed 004's requests table: 16 received, 13 granted, 1 enforcement file, 2 not held.
SEED_004 = with_totals(
    {
        "requests.new_received.natural_person": 16,
        "requests.granted.natural_person": 13,
        "requests.withheld_enforcement_file.natural_person": 1,
        "requests.unavailable_not_held.natural_person": 2,
        "requests.total_processed.natural_person": 16,
        "appeals.litigation_direct.upheld": 3,
        "appeals.litigation_direct.corrected": 2,
    }
)


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


# --- a balanced random report --------------------------------------------------------------

SMALL = st.integers(min_value=0, max_value=40)


@st.composite
def balanced(draw: st.DrawFn, ed: str) -> dict[str, Value]:
    """Values for every cell of an edition that satisfy identities 1–4."""
    values: dict[str, Value] = {}
    for c in APPLICANT_COLUMNS:
        processed = 0
        for r in outcome_rows(ed):
            values[f"requests.{r}.{c}"] = v = draw(SMALL)
            processed += v
        forward = draw(SMALL)
        carried = draw(st.integers(min_value=0, max_value=processed + forward))
        values[f"requests.total_processed.{c}"] = processed
        values[f"requests.carried_forward.{c}"] = forward
        values[f"requests.carried_over.{c}"] = carried
        values[f"requests.new_received.{c}"] = processed + forward - carried
    for row in edition(ed).table("appeals").row_keys:
        for c in ("upheld", "corrected", "other", "pending"):
            values[f"appeals.{row}.{c}"] = draw(SMALL)
    for row in edition(ed).table("active_disclosure").rows:
        for col in row.columns:
            address = f"active_disclosure.{row.key}.{col.key}"
            if col.kind == "amount":
                values[address] = Decimal(draw(st.integers(0, 10**8))).scaleb(-4)
            elif col.kind == "signed":
                values[address] = draw(st.integers(-40, 40))
            else:
                values[address] = draw(SMALL)
    return with_totals(values, ed)


def expected_identities(address: str, ed: str) -> set[tuple[str, str]]:
    """(rule, row or column) of every identity a cell takes part in, written out by hand."""
    t, r, c = address.split(".")
    if t == "appeals":
        return {("appeals.row_total", r)}
    out = {("requests.row_total", r)}
    if r in outcome_rows(ed) or r == "total_processed":
        out.add(("requests.outcomes_total", c))
    if r in ("new_received", "carried_over", "total_processed", "carried_forward"):
        out.add(("requests.balance", c))
    return out


def subject(f: Finding) -> str:
    """The row (row-wise identities) or column (column-wise) a finding is about."""
    _, r, c = f.cells[0].split(".")
    return r if f.rule in ("requests.row_total", "appeals.row_total") else c


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_balanced_report_has_no_findings(data: st.DataObject) -> None:
    ed = data.draw(st.sampled_from(["2021", "2019"]))
    year = 2021 if ed == "2021" else 2020
    report = make_report(ed, data.draw(balanced(ed)), year=year)
    assert check_report(report) == []


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_perturbed_cell_fires_the_identities_it_is_in(data: st.DataObject) -> None:
    ed = data.draw(st.sampled_from(["2021", "2019"]))
    values = data.draw(balanced(ed))
    address = data.draw(st.sampled_from(sorted(a for a in values if not a.startswith("active_disclosure."))))
    k = data.draw(st.integers(-30, 30).filter(lambda x: x != 0))
    assume(values[address] + k >= 0)
    values[address] += k
    found = check_report(make_report(ed, values, year=2021 if ed == "2021" else 2020))

    assert all(f.rule in ARITHMETIC and f.severity == Severity.ERROR for f in found)
    assert {(f.rule, subject(f)) for f in found} == expected_identities(address, ed)
    for f in found:
        assert address in f.cells
        assert re.search(rf"[多少] {abs(k)}(?!\d)", f.message), f.message


# --- arithmetic, one rule at a time --------------------------------------------------------


def test_seed_004_balances() -> None:
    assert check_report(make_report("2021", SEED_004)) == []


def test_row_total_names_the_row_the_numbers_and_the_difference() -> None:
    report = make_report("2021", {**SEED_004, "requests.granted.total": 14})
    [f] = only(check_report(report), "requests.row_total")
    assert f.severity == Severity.ERROR
    assert "requests.granted.total" in f.cells and "requests.granted.natural_person" in f.cells
    assert "「（一）予以公开」行" in f.message
    assert "自然人 13" in f.message and "= 13" in f.message
    assert "「总计」为 14" in f.message and "多 1" in f.message


def test_outcomes_total_lists_the_nonzero_outcomes() -> None:
    report = make_report("2021", {**SEED_004, "requests.total_processed.natural_person": 17})
    [f] = only(check_report(report), "requests.outcomes_total")
    assert "「自然人」列" in f.message
    assert "「（一）予以公开」13" in f.message
    assert "（三）不予公开7.属于行政执法案卷" in f.message
    assert "「（七）总计」为 17" in f.message and "多 1" in f.message
    assert f.cells[0] == "requests.total_processed.natural_person"


def test_balance_states_both_sides() -> None:
    report = make_report("2021", {**SEED_004, "requests.carried_forward.total": 2})
    [f] = only(check_report(report), "requests.balance")
    assert "「总计」列" in f.message
    assert "= 16" in f.message and "= 18" in f.message
    assert "第一项加第二项之和比第三项加第四项之和少 2" in f.message
    assert set(f.cells) == {
        "requests.new_received.total",
        "requests.carried_over.total",
        "requests.total_processed.total",
        "requests.carried_forward.total",
    }


def test_appeals_row_total() -> None:
    report = make_report("2021", {**SEED_004, "appeals.litigation_direct.total": 4})
    [f] = only(check_report(report), "appeals.row_total")
    assert "行政诉讼（未经复议直接起诉）" in f.message
    assert "结果维持 3 + 结果纠正 2" in f.message and "总计比各项之和少 1" in f.message
    assert not only(check_report(make_report("2021", SEED_004)), "appeals.row_total")


def test_identity_with_an_unknown_cell_is_not_evaluated() -> None:
    report = make_report("2021", {**SEED_004, "requests.granted.total": 99})
    assert only(check_report(report), "requests.row_total")
    put(report, "requests.granted.natural_person", None, Status.MISSING, "/")
    found = check_report(report)
    assert not only(found, "requests.row_total")
    assert only(found, "cell.blank")


def test_ambiguous_cells_are_unknown_to_the_arithmetic() -> None:
    report = make_report("2021", {**SEED_004, "appeals.litigation_direct.total": 9})
    put(report, "appeals.litigation_direct.upheld", None, Status.AMBIGUOUS, "3 2")
    assert not only(check_report(report), "appeals.row_total")


# --- cells ---------------------------------------------------------------------------------


def test_blank_cells_are_grouped_by_row() -> None:
    report = make_report("2021", SEED_004)
    put(report, "requests.rejected_duplicate.natural_person", None, Status.MISSING, "/")
    put(report, "requests.rejected_duplicate.research_institution", None, Status.MISSING, "/")
    put(report, "requests.rejected_publication.total", None, Status.MISSING, "")
    blanks = only(check_report(report), "cell.blank")
    assert len(blanks) == 2
    first, second = blanks
    assert first.severity == Severity.WARNING
    assert first.cells == [
        "requests.rejected_duplicate.natural_person",
        "requests.rejected_duplicate.research_institution",
    ]
    assert "「（五）不予处理2.重复申请」行" in first.message
    assert "「自然人」「科研机构」印为“/”" in first.message
    assert "「总计」留空或没有找到数字" in second.message
    assert "没有发生的填0" in first.message


def test_whole_blank_row_is_called_a_row() -> None:
    report = make_report("2021")
    for c in (*APPLICANT_COLUMNS, "total"):
        put(report, f"requests.rejected_excessive.{c}", 0, Status.INFERRED, "—")
    [f] = only(check_report(report), "cell.blank")
    assert "整行印为“—”（按勾稽关系应为0）" in f.message
    assert len(f.cells) == 7
    assert not only(check_report(report), "cell.inferred")  # reported once, as blank


def test_many_blank_rows_make_one_finding() -> None:
    report = make_report("2021")
    rows = edition("2021").table("requests").row_keys[4:12]
    for r in rows:
        put(report, f"requests.{r}.natural_person", 0, Status.INFERRED, "/")
    [f] = only(check_report(report), "cell.blank")
    assert len(f.cells) == len(rows)
    assert "有 8 个单元格留空或没有找到数字（印为“/”）" in f.message and "共8行" in f.message


def test_no_blank_finding_when_everything_is_printed() -> None:
    assert not only(check_report(make_report("2021", SEED_004)), "cell.blank")


def test_ambiguous_lists_the_candidates() -> None:
    report = make_report("2021", SEED_004)
    report.tables["requests"]["granted"]["natural_person"] = Cell(
        status=Status.AMBIGUOUS, raw="13 0", candidates=[13, 130]
    )
    [f] = only(check_report(report), "cell.ambiguous")
    assert f.cells == ["requests.granted.natural_person"]
    assert "「（一）予以公开」行「自然人」列" in f.message
    assert "13、130" in f.message and "“13 0”" in f.message
    assert not only(check_report(make_report("2021", SEED_004)), "cell.ambiguous")


def test_inferred_cells_are_summarised_once() -> None:
    report = make_report("2021", SEED_004)
    for c in APPLICANT_COLUMNS[1:]:
        put(report, f"requests.granted.{c}", 0, Status.INFERRED, "")
        put(report, f"requests.partially_granted.{c}", 0, Status.INFERRED, "")
    [f] = only(check_report(report), "cell.inferred")
    assert f.severity == Severity.INFO
    assert len(f.cells) == 10
    assert "共有 10 个单元格" in f.message and "推定为0" in f.message
    assert "「（一）予以公开」5格" in f.message
    assert not only(check_report(make_report("2021", SEED_004)), "cell.inferred")


def test_negative_count() -> None:
    report = make_report("2021", {"active_disclosure.penalty.decisions": -2})
    [f] = only(check_report(report), "cell.negative")
    assert f.cells == ["active_disclosure.penalty.decisions"]
    assert "「行政处罚」行" in f.message and "-2" in f.message


def test_signed_change_may_be_negative() -> None:
    report = make_report("2019", {"active_disclosure.licensing.items_change": -3}, year=2020)
    assert not only(check_report(report), "cell.negative")
    report = make_report("2019", {"active_disclosure.licensing.items_last_year": -3}, year=2020)
    assert only(check_report(report), "cell.negative")


def test_not_integer() -> None:
    report = make_report("2021", {"active_disclosure.licensing.decisions": Decimal("12.5")})
    [f] = only(check_report(report), "cell.not_integer")
    assert "12.5" in f.message and "整数" in f.message
    report = make_report("2021", {"active_disclosure.licensing.decisions": Decimal("12")})
    assert not only(check_report(report), "cell.not_integer")


def test_fee_amount_precision() -> None:
    report = make_report("2021", {"active_disclosure.fees.amount": Decimal("539.16257")})
    [f] = only(check_report(report), "cell.amount_precision")
    assert "5 位小数" in f.message and "539.1626" in f.message
    for fine in ("539.16", "0.1234", "1.50000"):
        report = make_report("2021", {"active_disclosure.fees.amount": Decimal(fine)})
        assert not only(check_report(report), "cell.amount_precision"), fine


# --- edition, tables, sections, meta -------------------------------------------------------


@pytest.mark.parametrize(
    ("ed", "year", "rule"),
    [
        ("2019", 2022, "edition.outdated"),
        ("2019", 2021, "edition.outdated"),
        ("2021", 2020, "edition.too_new"),
    ],
)
def test_edition_mismatch(ed: str, year: int, rule: str) -> None:
    found = check_report(make_report(ed, year=year))
    [f] = only(found, rule)
    assert str(year) in f.message
    assert f.severity == RULES[rule].severity


@pytest.mark.parametrize(("ed", "year"), [("2019", 2019), ("2019", 2020), ("2021", 2021), ("2021", None)])
def test_edition_matches(ed: str, year: int | None) -> None:
    found = rules_of(check_report(make_report(ed, year=year)))
    assert "edition.outdated" not in found and "edition.too_new" not in found


def test_missing_table_is_one_finding() -> None:
    report = make_report("2021", SEED_004)
    for row in report.tables["appeals"].values():
        for c in row:
            row[c] = Cell()
    found = check_report(report)
    [f] = only(found, "table.missing")
    assert "行政复议、行政诉讼情况表" in f.message
    assert not any(a.startswith("appeals.") for g in only(found, "cell.blank") for a in g.cells)
    assert not only(check_report(make_report("2021", SEED_004)), "table.missing")


def test_table_with_only_ambiguous_cells_is_not_missing() -> None:
    report = make_report("2021")
    for row in report.tables["appeals"].values():
        for c in row:
            row[c] = Cell()
    report.tables["appeals"]["reconsideration"]["total"] = Cell(status=Status.AMBIGUOUS, candidates=[1, 11])
    assert not only(check_report(report), "table.missing")


def test_missing_section_names_the_heading() -> None:
    sections = dict.fromkeys(SECTION_KEYS, "无。")
    sections["problems"] = None
    [f] = only(check_report(make_report(sections=sections)), "section.missing")
    assert "五、存在的主要问题及改进情况" in f.message
    sections["problems"] = ""  # a heading with nothing under it is not missing
    assert not only(check_report(make_report(sections=sections)), "section.missing")


def test_section_order() -> None:
    keys = ["overview", "active_disclosure", "appeals", "requests", "problems", "other_matters"]
    [f] = only(check_report(make_report(sections=dict.fromkeys(keys, "无。"))), "section.order")
    assert (
        "「三、收到和处理政府信息公开申请情况」出现在「四、政府信息公开行政复议、行政诉讼情况」之后"
        in f.message
    )
    # sections not found are stored last by the reader; that is not an order problem
    keys = ["overview", "requests", "appeals", "problems", "other_matters", "active_disclosure"]
    sections: dict[str, str | None] = dict.fromkeys(keys, "无。")
    sections["active_disclosure"] = None
    assert not only(check_report(make_report(sections=sections)), "section.order")


def test_meta_missing() -> None:
    found = rules_of(check_report(make_report(year=None, agency="  ")))
    assert "meta.year_missing" in found and "meta.agency_missing" in found
    found = rules_of(check_report(make_report()))
    assert "meta.year_missing" not in found and "meta.agency_missing" not in found


# --- order and registry --------------------------------------------------------------------


def test_findings_are_sorted_by_severity() -> None:
    report = make_report("2021", {**SEED_004, "requests.granted.total": 14}, agency=None)
    put(report, "requests.granted.commercial_enterprise", 0, Status.INFERRED, "")
    put(report, "requests.rejected_duplicate.natural_person", None, Status.MISSING, "/")
    found = check_report(report)
    severities = [f.severity for f in found]
    assert Severity.ERROR in severities and Severity.WARNING in severities and Severity.INFO in severities
    assert found == sort_findings(found)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    assert [order[s] for s in severities] == sorted(order[s] for s in severities)


def test_sort_keeps_order_within_a_severity() -> None:
    a = finding("cell.blank", "a")
    b = finding("requests.balance", "b")
    c = finding("meta.year_missing", "c")
    assert [f.message for f in sort_findings([a, b, c])] == ["b", "a", "c"]


def test_cross_year_rules_are_implemented() -> None:
    assert not RULES["requests.carry_over"].reserved and RULES["requests.carry_over"].identity == 5
    assert not RULES["active_disclosure.in_force_trend"].reserved
    assert RULES["active_disclosure.in_force_trend"].identity == 6
    assert finding("requests.carry_over", "x").severity == "error"


def test_reserved_rules_cannot_be_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    reserved = replace(RULES["requests.carry_over"], id="future.rule", reserved=True)
    monkeypatch.setitem(RULES, "future.rule", reserved)
    with pytest.raises(ValueError):
        finding("future.rule", "x")


def test_every_identity_rule_is_registered() -> None:
    from gongkai.model.identities import identities

    for ed in ("2021", "2019"):
        for ident in identities(ed):
            assert RULES[ident.rule].identity == ident.number


def test_docs_list_exactly_the_registered_rules() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_.]+)` \| (error|warning|info)", text, flags=re.MULTILINE)
    ids = [r for r, _ in rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(RULES)
    assert {r: s for r, s in rows} == {r.id: r.severity.value for r in RULES.values()}


# --- prose ---------------------------------------------------------------------------------


def facts(text: str, year: int | None = 2021) -> list[tuple[str, int]]:
    return [(s.fact, s.value) for s in extract(text, year)]


@pytest.mark.parametrize(
    ("sentence", "year", "expected"),
    [
        # seed 003, 004, 001
        ("2021年共受理政府信息公开申请15件,已全部办结。", 2021, [("received", 15), ("all_processed", 0)]),
        (
            "2021共收到政府信息公开申请16件，其中邮件申请11件，当面申请5件，全部按时办结。",
            2021,
            [("received", 16), ("all_processed", 0)],
        ),
        ("2022年,我局未收到信息公开的申请。", 2022, [("received", 0)]),
        ("本机关没有收到政府信息公开申请。", 2021, [("received", 0)]),
        ("我单位2021年度无政府信息公开申请。", 2021, [("received", 0)]),
        ("共收到15件政府信息公开申请。", 2021, [("received", 15)]),
        ("全年共收到政府信息公开申请十五件，办结13件。", 2021, [("received", 15), ("processed", 13)]),
        ("受理公民、法人和其他组织提出的政府信息公开申请８件。", 2021, [("received", 8)]),
        ("本年度被申请行政复议两起，被提起行政诉讼一起。", 2021, [("reconsideration", 2), ("litigation", 1)]),
        (
            "因政府信息公开被申请行政复议1起、被提起行政诉讼2起。",
            2021,
            [("reconsideration", 1), ("litigation", 2)],
        ),
        (
            "全年未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
            2021,
            [("reconsideration", 0), ("litigation", 0)],
        ),
        ("行政复议和行政诉讼各1起。", 2021, [("reconsideration", 1), ("litigation", 1)]),
        ("行政复议、行政诉讼均为0。", 2021, [("reconsideration", 0), ("litigation", 0)]),
        ("发生1起行政复议案件，结果维持。", 2021, [("reconsideration", 1)]),
    ],
)
def test_prose_statements(sentence: str, year: int, expected: list[tuple[str, int]]) -> None:
    assert facts(sentence, year) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # unrelated numbers in real reports (seeds 000 and 003)
        "2021年,区长信箱共受理各类信件156件,办结156件,办结率100%,平均办理时间5天。",
        "全区12345热线有效工单5962件,办结5762件,满意率99.7%。",
        "截止至2021年12月31日，热线共接到群众来电36836个，受理工单24687个，其中，通过电话受理22328件",
        "2021年度,我区通过政府网站作为第一平台主动公开政府信息,共发布政府信息7518条。",
        "新增了大祥区基层政务公开、“一件事一次办”跨域通办等专题专栏。",
        # parts, other years, cumulative totals, subsets, outcomes
        "其中邮件申请11件，当面申请5件。",
        "其中网上受理政府信息公开申请10件。",
        "2020年共收到政府信息公开申请10件。",
        "自2019年以来共收到政府信息公开申请100件。",
        "未经行政复议直接提起行政诉讼2起。",
        "行政复议结果维持1起。",
        "未发生泄密事件和行政复议纠正情况。",
        "这是第一次行政复议。",
        # a request mentioned without a count
        "本机关收到政府信息公开申请后，依法答复。",
        "对无正当理由大量反复提出的政府信息公开申请不予处理。",
        "对未受理的政府信息公开申请说明理由。",
        "共有政务公开栏目15个。",
        "共办理政府信息公开申请12件。",
    ],
)
def test_prose_ignores_unclear_or_unrelated_numbers(sentence: str) -> None:
    assert facts(sentence) == []


def test_prose_other_year_only_skips_that_clause() -> None:
    text = "2020年共收到政府信息公开申请10件，2021年共收到政府信息公开申请12件。"
    assert facts(text, 2021) == [("received", 12)]


def test_prose_carried_over_is_noticed() -> None:
    [st_] = extract("全年共收到政府信息公开申请17件（含上年结转2件）。", 2021)
    assert st_ == Statement(
        "received", 17, "全年共收到政府信息公开申请17件(含上年结转2件)", with_carried=True
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("15", 15),
        ("十五", 15),
        ("两", 2),
        ("一", 1),
        ("二十", 20),
        ("一百零五", 105),
        ("零", 0),
        ("一二", None),
    ],
)
def test_chinese_numerals(text: str, value: int | None) -> None:
    assert parse_int(text) == value


def prose_report(text: str, values: dict[str, Value], *, year: int = 2021) -> Report:
    sections = dict.fromkeys(SECTION_KEYS, "无。")
    sections["overview"] = text
    return make_report("2021", values, year=year, sections=sections)


def test_prose_received_matches_table() -> None:
    report = prose_report(
        "2021共收到政府信息公开申请16件，其中邮件申请11件，当面申请5件，全部按时办结。", SEED_004
    )
    assert check_report(report) == []


def test_prose_received_mismatch_quotes_both_places() -> None:
    report = prose_report("2021年共受理政府信息公开申请15件,已全部办结。", SEED_004)
    [f] = only(check_report(report), "prose.mismatch")
    assert f.severity == Severity.WARNING
    assert f.cells == ["requests.new_received.total"]
    assert "“2021年共受理政府信息公开申请15件”" in f.message
    assert "「一、总体情况」" in f.message
    assert "「一、本年新收政府信息公开申请数量」行「总计」列为 16" in f.message
    assert "相差 1" in f.message


def test_prose_no_requests_against_table() -> None:
    text = "2022年,我局未收到信息公开的申请。"
    assert not only(check_report(prose_report(text, {}, year=2022)), "prose.mismatch")
    [f] = only(check_report(prose_report(text, SEED_004, year=2022)), "prose.mismatch")
    assert "（即0件）" in f.message and "为 16" in f.message


def test_prose_count_including_carried_over() -> None:
    values = with_totals(
        {
            "requests.new_received.natural_person": 15,
            "requests.carried_over.natural_person": 2,
            "requests.granted.natural_person": 17,
            "requests.total_processed.natural_person": 17,
        }
    )
    said = "共收到政府信息公开申请17件（含上年结转2件）。"
    assert not only(check_report(prose_report(said, values)), "prose.mismatch")
    [f] = only(check_report(prose_report("共收到政府信息公开申请17件。", values)), "prose.mismatch")
    assert "上年结转" in f.message and "requests.carried_over.total" in f.cells


def test_prose_all_processed_against_carried_forward() -> None:
    values = with_totals(
        {
            "requests.new_received.natural_person": 16,
            "requests.granted.natural_person": 14,
            "requests.total_processed.natural_person": 14,
            "requests.carried_forward.natural_person": 2,
        }
    )
    [f] = only(
        check_report(prose_report("共收到政府信息公开申请16件，全部按时办结。", values)), "prose.mismatch"
    )
    assert f.cells == ["requests.carried_forward.total"]
    assert "全部按时办结" in f.message and "为 2" in f.message
    assert not only(
        check_report(prose_report("共收到政府信息公开申请16件，办结14件。", values)), "prose.mismatch"
    )
    [f] = only(check_report(prose_report("共收到政府信息公开申请16件，办结16件。", values)), "prose.mismatch")
    assert f.cells == ["requests.total_processed.total"]


def test_prose_appeals_against_table() -> None:
    # SEED_004 has 5 direct lawsuits and no reconsideration
    ok = "本年度未发生行政复议案件，被提起行政诉讼五起。"
    assert not only(check_report(prose_report(ok, SEED_004)), "prose.mismatch")
    found = only(
        check_report(prose_report("被申请行政复议1起，被提起行政诉讼3起。", SEED_004)), "prose.mismatch"
    )
    assert [f.cells for f in found] == [
        ["appeals.reconsideration.total"],
        ["appeals.litigation_direct.total", "appeals.litigation_after_reconsideration.total"],
    ]
    assert "合计 5" in found[1].message and "相差 2" in found[1].message


def test_prose_unknown_cell_is_not_compared() -> None:
    report = prose_report("2021年共受理政府信息公开申请15件。", SEED_004)
    put(report, "requests.new_received.total", None, Status.AMBIGUOUS, "16 0")
    assert not only(check_report(report), "prose.mismatch")


def test_prose_same_statement_in_two_sections_is_reported_once() -> None:
    report = prose_report("2021年共受理政府信息公开申请15件。", SEED_004)
    report.sections["requests"] = "2021年共受理政府信息公开申请15件。"
    assert len(only(check_report(report), "prose.mismatch")) == 1


# --- real reports --------------------------------------------------------------------------

SEED_FACTS = {
    "000_799e350f12905737.txt": [],
    "001_6d0a1a9addcd5e29.txt": [("received", 0)],
    "002_1dbce3fa83be57ad.txt": [],
    "003_1d4dd3ae0346d0fe.txt": [("received", 15), ("all_processed", 0)],
    "004_4acd06de1ff316ff.txt": [("received", 16), ("all_processed", 0)],
}


@pytest.mark.shared
@pytest.mark.parametrize(("name", "expected"), sorted(SEED_FACTS.items()))
def test_prose_statements_in_seed_reports(name: str, expected: list[tuple[str, int]]) -> None:
    path = SEEDS / name
    if not path.exists():
        pytest.skip("../shared/seeds not available")
    text = path.read_text(encoding="utf-8")
    year = int(re.search(r"(20\d\d)年", text).group(1))  # type: ignore[union-attr]
    assert facts(text, year) == expected
