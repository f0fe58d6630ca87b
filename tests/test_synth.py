"""The generator, layouts and damage themselves: valid truth, faithful text, recorded damage."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal

import pytest

from gongkai.model.identities import identities
from gongkai.model.keys import edition, edition_for_year
from gongkai.model.report import Report, Status
from gongkai.read.decode import decode_text
from gongkai.synth.case import Case, make_case
from gongkai.synth.damage import DAMAGE_KINDS, LOSSLESS_KINDS, LOSSY_KINDS, is_lossless
from gongkai.synth.generate import PROFILES, generate_report
from gongkai.synth.layouts import LAYOUT_NAMES, render
from gongkai.synth.make_samples import SAMPLES_DIR, all_files
from gongkai.synth.printed import Document, print_report

SEEDS = range(60)


def _values(report: Report) -> dict[str, int | Decimal]:
    return {a: c.value for a, c in report.cells() if c.value is not None}


@pytest.mark.parametrize("edition_key", ["2021", "2019"])
@pytest.mark.parametrize("profile", PROFILES)
def test_generated_reports_satisfy_identities(edition_key: str, profile: str) -> None:
    for seed in SEEDS:
        report = generate_report(random.Random(seed), edition_key, profile)  # type: ignore[arg-type]
        values = _values(report)
        for ident in identities(edition_key):
            assert ident.residual(values) == 0, (seed, ident.rule, ident.subject)


@pytest.mark.parametrize("edition_key", ["2021", "2019"])
def test_every_cell_present_and_read(edition_key: str) -> None:
    spec = edition(edition_key)
    for seed in SEEDS:
        report = generate_report(random.Random(seed), edition_key)  # type: ignore[arg-type]
        assert [a for a, _ in report.cells()] == list(spec.addresses)
        for address, cell in report.cells():
            assert cell.status is Status.READ
            assert cell.value is not None
            kind = spec.column(address).kind
            if kind == "amount":
                assert isinstance(cell.value, Decimal)
                assert cell.value >= 0
                assert -cell.value.as_tuple().exponent <= 4  # type: ignore[operator]
            else:
                assert isinstance(cell.value, int)
                assert kind == "signed" or cell.value >= 0
                assert abs(cell.value) <= 999_999


def test_meta_consistent_with_edition() -> None:
    for seed in range(200):
        report = generate_report(random.Random(seed))
        year = report.meta.year
        assert year is not None and 2019 <= year <= 2025
        assert report.meta.edition == edition_for_year(year)
        assert report.meta.title and str(year) in report.meta.title
        assert report.meta.agency and report.meta.agency in report.meta.title
        assert set(report.sections) == {s.key for s in edition(report.meta.edition).sections}
        assert all(report.sections[k] for k in ("overview", "problems", "other_matters"))


def test_profiles_are_mixed() -> None:
    """All-zero reports are common, and some cells reach six digits."""
    zero = big = negative = 0
    for seed in range(300):
        values = _values(generate_report(random.Random(seed)))
        if all(v == 0 for a, v in values.items() if a.startswith("requests.")):
            zero += 1
        if any(v >= 100_000 for v in values.values()):
            big += 1
        if any(v < 0 for v in values.values()):
            negative += 1
    assert 60 <= zero <= 160
    assert big >= 10
    assert negative >= 3  # 2019 items_change


def test_prose_states_requests_consistently() -> None:
    stated = 0
    for seed in range(200):
        report = generate_report(random.Random(seed))
        total = report.tables["requests"]["new_received"]["total"].value
        for m in re.finditer(r"共(?:收到|受理)政府信息公开申请(\d+)件", report.sections["overview"] or ""):
            assert int(m.group(1)) == total
            stated += 1
    assert stated >= 50


def test_same_seed_same_case() -> None:
    for layout in LAYOUT_NAMES:
        a = make_case(7, layout, ("drop_number", "fullwidth"))
        b = make_case(7, layout, ("drop_number", "fullwidth"))
        assert a.data == b.data
        assert a.damage == b.damage
    # the truth does not depend on layout or damage
    assert make_case(7, "tab").truth == make_case(7, "spaces", ("gb18030",)).truth


def _printed_numbers(text: str) -> list[str]:
    return re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", text)


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_layouts_print_every_number_in_order(layout: str) -> None:
    """Without damage, the numbers of the requests table appear in reading order."""
    for seed in range(10):
        case = make_case(seed, layout)
        truth = case.truth.tables["requests"]
        expected = [c.raw for row in truth.values() for c in row.values()]
        start = case.text.index("申请人情况")
        end = case.text.index("行政复议", start)
        body = re.sub(r"\(.*?\)|（.*?）|第[一二三四]项", "", case.text[start:end])
        body = re.sub(r"[一二三四五六七八九十]、|\d\.(?=\D)", "", body)  # row ordinals
        assert _printed_numbers(body) == expected, (seed, layout)


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_layout_shapes(layout: str) -> None:
    case = make_case(3, layout, edition="2021")
    text = case.text
    if layout in ("tab", "markdown_tab"):
        assert "\t" in text
    if layout == "markdown_tab":
        assert re.search(r"^#{1,3} ", text, re.M)
    if layout == "pipe_lines":
        assert re.search(r"^\|{2,}$", text, re.M) and " |\n" in text
    if layout == "markdown_pipe":
        assert re.search(r"^\| .* \|$", text, re.M) and "|---|" in text
    if layout == "label_line":
        assert re.search(r"^一、本年新收政府信息公开申请数量\n[\d ]+", text, re.M) or "\t" in text
    if layout == "wrapped":
        assert "本年新收政府信息公开申请数量" not in text.replace("\n", "") or "结果" in text


def test_render_rejects_unknown_layout() -> None:
    report = generate_report(random.Random(1))
    with pytest.raises(ValueError):
        render(print_report(report, random.Random(1)), "nope", random.Random(1))


# --- damage ----------------------------------------------------------------------------------


def test_damage_kinds_partition() -> None:
    assert set(LOSSY_KINDS) | set(LOSSLESS_KINDS) == set(DAMAGE_KINDS)
    assert not set(LOSSY_KINDS) & set(LOSSLESS_KINDS)
    assert is_lossless(()) and is_lossless(("bom", "crlf")) and not is_lossless(("bom", "drop_number"))


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_damage_is_recorded(kind: str) -> None:
    spec_addresses = set(edition("2021").addresses) | set(edition("2019").addresses)
    recorded = 0
    for seed in range(20):
        case = make_case(seed, "tab", (kind,))
        assert all(d.kind == kind for d in case.damage)
        assert case.touched <= spec_addresses
        recorded += len(case.damage)
        if kind in (
            "drop_number",
            "blank_cells",
            "total_only",
            "empty_rows",
            "glued_digits",
            "other_rows_shape",
            "labels_apart",
        ):
            assert all(d.addresses for d in case.damage)
    assert recorded > 0


def test_drop_number_prints_one_number_fewer() -> None:
    for seed in range(20):
        clean = make_case(seed, "spaces")
        hurt = make_case(seed, "spaces", ("drop_number",))
        assert len(_printed_numbers(hurt.text)) == len(_printed_numbers(clean.text)) - 1


def test_glued_digits_run_together() -> None:
    for seed in range(20):
        case = make_case(seed, "tab", ("glued_digits",))
        for d in case.damage:
            if "run together" in d.detail:
                assert len(d.addresses) >= 2
                digits = "".join(case.truth.cell(a).raw for a in d.addresses)
                assert digits in case.text


def _numbers_outside_ordinals(text: str) -> list[str]:
    return _printed_numbers(re.sub(r"\d\.(?=\D)", "", text))


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_labels_apart_moves_labels_not_numbers(layout: str) -> None:
    """Long labels printed as text lines between the rows; every number stays where it was."""
    moved = 0
    for seed in range(15):
        clean = make_case(seed, layout)
        hurt = make_case(seed, layout, ("labels_apart",))
        assert hurt.damage and all(d.kind == "labels_apart" and d.addresses for d in hurt.damage)
        before = {r.key: r for r in print_shape(clean).data_rows("requests")}
        after = {r.key: r for r in print_shape(hurt).data_rows("requests")}
        assert list(before) == list(after)
        assert all(after[k].cells == before[k].cells for k in before)
        gone = {k for k in before if after[k].label != before[k].label}
        assert gone
        assert all(len(before[k].label) >= 8 for k in gone)
        assert hurt.touched == {a for k in gone for t in after[k].addresses for a in t}
        lines = [r.label for r in print_shape(hurt).table("requests").rows if r.kind == "text"]
        assert lines and set(lines) <= set(hurt.text.splitlines())
        assert _numbers_outside_ordinals(hurt.text) == _numbers_outside_ordinals(clean.text)
        moved += len(gone)
    assert moved >= 15


@pytest.mark.parametrize("kind", ["total_only", "empty_rows", "extra_zeros"])
def test_zero_row_damage_only_on_zero_rows(kind: str) -> None:
    for seed in range(40):
        case = make_case(seed, "tab", (kind,))
        for d in case.damage:
            row = d.detail.split(":")[0].split(".")[1]
            assert all(c.value == 0 for c in case.truth.tables["requests"][row].values())


@pytest.mark.parametrize("kind", ["appeals_rows", "appeals_transposed"])
def test_appeals_shapes_keep_every_number(kind: str) -> None:
    for seed in range(10):
        case = make_case(seed, "spaces", (kind,))
        printed = [a for r in print_shape(case).data_rows("appeals") for t in r.addresses for a in t]
        assert sorted(printed) == sorted(a for a, _ in case.truth.cells() if a.startswith("appeals."))


def print_shape(case: Case) -> Document:
    assert case.doc is not None
    return case.doc


@pytest.mark.parametrize("edition_key", ["2021", "2019"])
def test_other_rows_shape_adds_up(edition_key: str) -> None:
    for seed in range(10):
        case = make_case(seed, "tab", ("other_rows_shape",), edition=edition_key)  # type: ignore[arg-type]
        rows = {r.key.split(".")[1]: r for r in print_shape(case).data_rows("requests")}
        req = case.truth.tables["requests"]
        if edition_key == "2021":
            assert not {"other_overdue_correction", "other_overdue_fee", "other_reasons"} & set(rows)
            sums = [
                sum(
                    req[r][c].value
                    for r in ("other_overdue_correction", "other_overdue_fee", "other_reasons")
                )
                for c in req["granted"]
            ]
            assert [int(x) for x in rows["other_handling"].cells] == sums
        else:
            assert "other_handling" not in rows
            parts = [
                rows[r].cells for r in ("other_overdue_correction", "other_overdue_fee", "other_reasons")
            ]
            assert [sum(int(p[i]) for p in parts) for i in range(7)] == [
                c.value for c in req["other_handling"].values()
            ]


def test_table_notes_around_requests_table() -> None:
    case = make_case(4, "tab", ("table_notes",))
    assert re.search(r"^（?单位[:：]件）?$", case.text, re.M)
    assert "注：" in case.text


def test_encodings() -> None:
    case = make_case(5, "tab", ("gb18030", "crlf"))
    assert b"\r\n" in case.data
    with pytest.raises(UnicodeDecodeError):
        case.data.decode("utf-8")
    assert decode_text(case.data)[0].replace("\r\n", "\n") == case.text
    bom = make_case(5, "tab", ("bom",))
    assert bom.data.startswith(b"\xef\xbb\xbf")
    assert bom.data[3:].decode("utf-8") == bom.text


def test_fullwidth_digits() -> None:
    case = make_case(5, "tab", ("fullwidth",))
    assert re.search("[０-９]", case.text)


# --- bundled samples -------------------------------------------------------------------------


def test_committed_samples_match_generator() -> None:
    """``python -m gongkai.synth.make_samples`` regenerates the bundled samples byte for byte."""
    files = all_files()
    assert files
    for name, data in files.items():
        path = SAMPLES_DIR / name
        assert path.is_file(), f"{name} missing: run python -m gongkai.synth.make_samples"
        assert path.read_bytes() == data, f"{name} differs: run python -m gongkai.synth.make_samples"


def test_samples_are_balanced_and_non_trivial() -> None:
    for name, data in all_files().items():
        if not name.endswith(".truth.json"):
            continue
        report = Report.from_json_dict(json.loads(data))
        values = _values(report)
        for ident in identities(report.meta.edition):
            assert ident.residual(values) == 0
        assert report.tables["requests"]["new_received"]["total"].value
        assert sum(1 for row in report.tables["requests"].values() if row["total"].value) >= 6
