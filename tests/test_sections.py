"""Section headings as printed in practice, the introduction before them, and no text lost."""

from __future__ import annotations

import random
import re

import pytest

from gongkai.check import check_report
from gongkai.check.rules import RULES
from gongkai.model.keys import SECTIONS, edition
from gongkai.read.sections import PREAMBLE, find_headings, heading_findings, read_sections
from gongkai.read.text import read_text
from gongkai.synth.generate import generate_report
from gongkai.synth.layouts import render
from gongkai.synth.printed import print_report

TABLES = {"active_disclosure", "requests", "appeals"}
KEYS = [s.key for s in SECTIONS]


def printed_lines(seed: int) -> list[str]:
    rng = random.Random(seed)
    truth = generate_report(rng, "2021")
    return render(print_report(truth, rng), "tab", rng).splitlines()


def retitle(lines: list[str], new: dict[str, str]) -> list[str]:
    """Replace the official headings (by section key) with other printings."""
    at = {h.key: h.line for h in find_headings(lines)}
    out = list(lines)
    for key, text in new.items():
        out[at[key] - 1] = text
    return out


VARIANT_SETS = [
    {
        "overview": "一、基本情况",
        "problems": "五、存在的问题和改进措施",
        "other_matters": "六、其他事项",
    },
    {
        "overview": "一、工作概况",
        "problems": "五、存在的主要问题及改进情况",
        "other_matters": "六、其他需要说明的事项",
    },
    {
        "overview": "第一部分 总体概况",
        "active_disclosure": "第二部分 主动公开政府信息情况",
        "requests": "第三部分 收到和处理政府信息公开申请情况",
        "appeals": "第四部分 政府信息公开行政复议、行政诉讼情况",
        "problems": "第五部分 存在的主要问题及改进情况",
        "other_matters": "第六部分 其他需要报告的事项",
    },
    {
        "overview": "一.总体情况",
        "active_disclosure": "二.主动公开政府信息情况",
        "requests": "三.收到和处理政府信息公开申请情况",
        "appeals": "四.政府信息公开行政复议、行政诉讼情况",
        "problems": "五.存在的主要问题及改进情况",
        "other_matters": "六.其他需要报告的事项",
    },
    {
        "overview": "（一）总体情况",
        "active_disclosure": "（二）主动公开政府信息情况",
        "requests": "（三）收到和处理政府信息公开申请情况",
        "appeals": "（四）政府信息公开行政复议、行政诉讼情况",
        "problems": "（五）存在的问题和改进措施",
        "other_matters": "（六）其他事项",
    },
    {
        "problems": "五、存在问题及下一步工作",
        "other_matters": "六、下一步工作打算",  # unknown wording, numbered in its place
    },
]


@pytest.mark.parametrize("variants", VARIANT_SETS)
def test_heading_variants_are_recognised_with_a_warning(variants: dict[str, str]) -> None:
    lines = printed_lines(1)
    original = {h.key: h.line for h in find_headings(lines)}
    assert list(original) == KEYS
    changed = retitle(lines, variants)
    headings = find_headings(changed)
    assert {h.key: h.line for h in headings} == original
    official = {s.key: s.heading for s in SECTIONS}
    assert {h.key: h.printed for h in headings if h.variant} == {
        k: v for k, v in variants.items() if v != official[k]
    }
    findings = heading_findings(headings)
    assert all(f.rule == "section.heading_variant" and f.rule in RULES for f in findings)
    for f in findings:
        key = next(h.key for h in headings if h.line == f.at.line)  # type: ignore[union-attr]
        heading = next(s.heading for s in SECTIONS if s.key == key)
        assert f"「{heading}」" in f.message and f"「{variants[key]}」" in f.message
    # the prose of every section is where it was printed
    before, _ = read_sections(lines, find_headings(lines), TABLES, edition("2021"))
    after, _ = read_sections(changed, headings, TABLES, edition("2021"))
    assert after == before


def test_official_headings_give_no_warning() -> None:
    lines = printed_lines(2)
    assert heading_findings(find_headings(lines)) == []
    markdown = ["## " + x if find_headings([x]) else x for x in lines]
    assert heading_findings(find_headings(markdown)) == []


def test_nested_numbering_inside_a_section_is_not_a_heading() -> None:
    """（一）主动公开… and 2、… inside 总体情况 stay sub-headings of the overview."""
    lines = printed_lines(3)
    at = {h.key: h.line for h in find_headings(lines)}
    sub = ["（一）主动公开政府信息情况", "2、收到和处理政府信息公开申请情况", "（五）存在的问题", "六、其他"]
    changed = lines[: at["overview"]] + sub + lines[at["overview"] :]
    got = {h.key: h.line for h in find_headings(changed)}
    assert got == {k: v + (len(sub) if k != "overview" else 0) for k, v in at.items()}
    sections, _ = read_sections(changed, find_headings(changed), TABLES, edition("2021"))
    assert all(s in (sections["overview"] or "") for s in sub)


def test_heading_with_its_text_after_a_colon() -> None:
    lines = printed_lines(4)
    at = {h.key: h.line for h in find_headings(lines)}
    lines[at["other_matters"] - 1] = "六、其他需要报告的事项：本年度未收取信息处理费。"
    del lines[at["other_matters"] :]
    headings = find_headings(lines)
    assert headings[-1].key == "other_matters" and not headings[-1].variant
    sections, _ = read_sections(lines, headings, TABLES, edition("2021"))
    assert sections["other_matters"] == "本年度未收取信息处理费。"


# --- the introduction ------------------------------------------------------------------------------

INTRO = [
    "本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和有关规定编制，",
    "内容包括总体情况、主动公开政府信息情况等六部分。本报告所列数据的统计期限自1月1日起至12月31日止。",
    "如对本报告有疑问，请与某某办公室联系（地址：某某路1号，电话：0000-1234567）。",
]


def with_intro(lines: list[str], header: list[str] | None = None) -> list[str]:
    first = find_headings(lines)[0].line
    title = next(i for i, x in enumerate(lines) if x.strip())
    return (header or []) + lines[: title + 1] + INTRO + lines[title + 1 : first - 1] + lines[first - 1 :]


def test_preamble_is_kept_without_title_or_crawler_header() -> None:
    lines = printed_lines(5)
    header = ["标题：某某局报告", "发布时间：2024-01-20", "来源：某某网"]
    changed = with_intro(lines, header)
    sections, _ = read_sections(changed, find_headings(changed), TABLES, edition("2021"))
    assert next(iter(sections)) == PREAMBLE
    plain, _ = read_sections(lines, find_headings(lines), TABLES, edition("2021"))
    own = f"\n{plain[PREAMBLE]}" if plain[PREAMBLE] else ""  # the generated report's own introduction
    assert sections[PREAMBLE] == INTRO[0] + INTRO[1] + "\n" + INTRO[2] + own  # the wrapped line joined
    bare = [x for x in lines if not x.startswith("本报告根据")]
    assert read_sections(bare, find_headings(bare), TABLES, edition("2021"))[0][PREAMBLE] is None
    assert {k: v for k, v in sections.items() if k != PREAMBLE} == {
        k: v for k, v in plain.items() if k != PREAMBLE
    }


def test_crawler_furniture_above_the_body_rule_is_no_preamble() -> None:
    """A crawler's file: its header block (标题:, 文号:, 栏目:, a note of its own), a rule with
    正文 in it, then the body without a title line. The preamble starts below the rule."""
    lines = printed_lines(5)
    title = next(i for i, x in enumerate(lines) if x.strip())
    header = [
        f"标题: {lines[title].strip()}",
        "文号: ",
        "栏目: 政府信息公开年报",
        "页面链接与图片详见附件（同目录）",
        "==================== 正文 ====================",
    ]
    body = with_intro(lines)
    del body[title]
    changed = header + body
    sections, _ = read_sections(changed, find_headings(changed), TABLES, edition("2021"))
    assert sections[PREAMBLE] is not None and sections[PREAMBLE].startswith(INTRO[0])
    assert "同目录" not in sections[PREAMBLE] and "正文" not in sections[PREAMBLE]


def test_no_line_of_prose_is_lost() -> None:
    """Every prose line of the document is in exactly one section (or the title)."""
    lines = with_intro(retitle(printed_lines(6), VARIANT_SETS[0]))
    headings = find_headings(lines)
    sections, _ = read_sections(lines, headings, TABLES, edition("2021"))
    joined = "\n".join(v for v in sections.values() if v)
    heading_lines = {h.line for h in headings}
    title_line = next(i for i, x in enumerate(lines, start=1) if x.strip())
    for i, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or "\t" in text or i in heading_lines or i == title_line or len(text) < 24:
            continue
        assert text in joined.replace("\n", "") or text in joined, (i, text)


def test_read_text_keeps_the_preamble_and_warns_about_variants() -> None:
    lines = with_intro(retitle(printed_lines(7), VARIANT_SETS[0]))
    report = read_text("\n".join(lines))
    if PREAMBLE not in report.sections:
        pytest.skip("the text reader does not call sections.read_sections yet")
    assert (report.sections[PREAMBLE] or "").startswith(INTRO[0])
    rules = [f.rule for f in check_report(report)]
    assert rules.count("section.heading_variant") == 3
    assert "section.missing" not in rules


def test_sentences_are_not_headings() -> None:
    lines = printed_lines(8)
    at = {h.key: h.line for h in find_headings(lines)}
    item = "五、加强政策解读，做好问题整改。"
    changed = [*lines[: at["overview"]], item, *lines[at["overview"] :]]
    got = find_headings(changed)
    assert [h.key for h in got] == KEYS
    assert not any(re.search("加强政策解读", h.printed) for h in got)


def test_a_document_with_only_variant_headings_is_a_report() -> None:
    """The structure of the report (its section headings, however worded) is enough to read it."""
    text = "\n".join(
        [
            "一、基本情况",
            "本机关认真落实政务公开各项要求。",
            "五、存在的问题和改进措施",
            "公开内容还不够全面。",
            "六、其他事项",
            "无。",
        ]
    )
    headings = find_headings(text.splitlines())
    assert [h.key for h in headings] == ["overview", "problems", "other_matters"]
    report = read_text(text)
    assert report.sections["problems"] == "公开内容还不够全面。"
    assert report.sections["other_matters"] == "无。"


def test_prose_parts_numbered_on_their_own_then_the_tables_sections() -> None:
    """A report (Shanghai's style) numbers its prose parts on its own (一、总体情况 …
    四、政府信息公开申请情况 …) and then the tables' sections (一、主动公开政府信息情况,
    二、收到和处理政府信息公开申请情况 …): each section is where the format's own wording is, and
    the prose part about requests stays in the prose."""
    lines = [
        "一、总体情况",
        "本机关认真落实政务公开各项要求。",
        "四、政府信息公开申请情况",
        "全年收到申请34件，均已按时答复。",
        "一、主动公开政府信息情况",
        "规章 0 0 0",
        "二、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量 32 2 0 0 0 0 34",
        "三、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "无。",
    ]
    at = {h.key: h.line for h in find_headings(lines)}
    assert at["requests"] == 7 and at["active_disclosure"] == 5
    report = read_text("\n".join(lines))
    assert "全年收到申请34件" in (report.sections["overview"] or "")
    assert report.cell("requests.new_received.total").value == 34


def test_a_heading_run_into_the_table_under_it_is_its_first_cell() -> None:
    """A converter's text of a page runs the heading into the table's cells on one line: the
    first cell is the section's heading when it prints the official wording; a table row whose
    first cell only looks numbered like a section (三、本年度办理结果) is no heading."""
    lines = [
        "一、总体情况",
        "正文。",
        "二、主动公开政府信息情况 | 第二十条第(一)项 | 信息内容 | 本年制发件数",
        "三、本年度办理结果 | （一）予以公开 | 5 | 0",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    at = {h.key: h.line for h in find_headings(lines)}
    assert at.get("active_disclosure") == 3
    assert "requests" not in at
