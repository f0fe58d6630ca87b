"""Title, agency and year: crawler headers, titles without 年度, traditional characters, a title
missing or damaged (the agency from the body, never from a place merely named; never a year
from a format's edition)."""

from __future__ import annotations

import random

import pytest

from gongkai.read.meta import agency_from_prose, agency_from_title, find_title, region_of, year_of
from gongkai.read.text import read_text
from gongkai.synth.generate import generate_report
from gongkai.synth.layouts import render
from gongkai.synth.printed import print_report


def printed(seed: int = 3) -> tuple[str, str, int]:
    """A generated report as text, its agency and year."""
    rng = random.Random(seed)
    truth = generate_report(rng, "2021")
    assert truth.meta.agency and truth.meta.year
    return render(print_report(truth, rng), "tab", rng), truth.meta.agency, truth.meta.year


def without_title(text: str) -> list[str]:
    lines = text.splitlines()
    return [x for x in lines if not (x.strip() and find_title([x])[0])]


# --- titles ---------------------------------------------------------------------------------------


def test_crawler_header_does_not_leak_into_title_or_agency() -> None:
    text, agency, year = printed(3)
    header = [
        f"标题：{agency}{year}年政府信息公开工作年度报告-某某网",
        f"发布时间：{year + 1}-01-20 09:30",
        "原文链接：http://www.example.gov.cn/art/1.html",
        "单位：某某办",
        "来源：某某网",
        f"采集时间：{year + 2}-03-01T10:00:00+08:00",
    ]
    lines = header + without_title(text)
    report = read_text("\n".join(lines))
    assert report.meta.title == f"{agency}{year}年政府信息公开工作年度报告"
    assert report.meta.agency == agency and report.meta.year == year


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("国家某某总局政府信息公开工作报告（2022年）", "国家某某总局", 2022),
        ("某某部2023年政府信息公开工作报告", "某某部", 2023),
        ("青石镇政府信息公开工作报告", "青石镇", None),
        ("青石镇人民政府关于2022年度政府信息公开工作的报告", "青石镇人民政府", 2022),
        ("某某街道办事处关于政府信息公开工作情况的报告", "某某街道办事处", None),
        ("## 某某县某某乡人民政府2021年度政府信息公开工作报告", "某某县某某乡人民政府", 2021),
        ("標題：某某市衛生健康委員會2022年政府信息公開工作年度報告", "某某市衛生健康委員會", 2022),
        # Taiwan phrasing (OpenCC s2twp): 資訊 for 信息
        ("某某市生態環境局2022年政府資訊公開工作年度報告", "某某市生態環境局", 2022),
        # a repost wrapping the title: its words are no part of the agency
        ("转发：某某市某某区人民政府2020年政府信息公开工作年度报告", "某某市某某区人民政府", 2020),
    ],
)
def test_title_variants(title: str, agency: str, year: int | None) -> None:
    found, line = find_title(["", title, "一、总体情况"])
    assert found is not None and line == 2
    assert not found.startswith(("#", "標題", "标题"))
    assert agency_from_title(found) == agency
    assert year_of(found, "") == year


@pytest.mark.parametrize(
    "first",
    [
        "关于公布某某市某某区人民政府2020年政府信息公开工作年度报告的通知",
        "关于某某市某某区人民政府2020年政府信息公开工作年度报告的公告",
        "转发：某某市某某区人民政府2020年政府信息公开工作年度报告",
    ],
)
def test_a_notice_wrapping_the_report_gives_no_agency_its_words(first: str) -> None:
    """A notice publishing the report, or a repost, printed as its first line: the agency is the
    one it names, never with 关于公布 / 转发 before it."""
    report = read_text(
        "\n".join([first, "一、总体情况", "本机关依法公开政府信息。", "六、其他需要报告的事项", "无。"])
    )
    assert report.meta.agency in ("某某市某某区人民政府", None)
    assert report.meta.year == 2020


def test_traditional_title_keeps_what_was_printed() -> None:
    title, _ = find_title(["某某縣人民政府2021年政府信息公開工作年度報告"])
    assert title == "某某縣人民政府2021年政府信息公開工作年度報告"
    assert agency_from_title(title) == "某某縣人民政府"
    assert region_of("某某縣人民政府") == "某某縣"


def test_title_wrapped_before_its_last_word() -> None:
    assert find_title(["某某县农业农村局2022年政府信息公开工作年度", "报告", "一、总体情况"]) == (
        "某某县农业农村局2022年政府信息公开工作年度报告",
        1,
    )


def test_sentences_are_not_titles() -> None:
    lines = [
        "按照《政府信息公开工作年度报告格式》要求，现将有关情况报告如下。",
        "根据2021年版格式编制政府信息公开工作年度报告",
    ]
    assert find_title(lines) == (None, None)


# --- a title missing or damaged: the agency from the body -----------------------------------------


@pytest.mark.parametrize(
    ("body", "agency"),
    [
        ("本报告由某某市某某区教育局编制，内容包括总体情况等六部分。", "某某市某某区教育局"),
        ("现将某某县自然资源局2023年政府信息公开工作年度报告公布如下。", "某某县自然资源局"),
        ("一、总体情况\n无。\n六、其他需要报告的事项\n无。\n某某县审计局\n2024年1月18日", "某某县审计局"),
        ("一、总体情况\n无。\n某某县审计局                2024年1月18日", "某某县审计局"),
        ("2021年，我区认真落实条例。石桥区政务公开工作……我区将继续努力。石桥区各部门……", "石桥区"),
        # a title run into the text (whitespace removed): the year's 年 is no part of the name
        ("正文2024年某某市科委政府信息公开工作年度报告根据《条例》的要求，编制本报告。", "某某市科委"),
        ("正文 2024 年某某市科委政府信息公开工作 年度报告 根据《条例》的要求，编制本报告。", "某某市科委"),
    ],
)
def test_agency_from_the_body(body: str, agency: str) -> None:
    assert agency_from_prose(body) == agency


def test_never_an_agency_from_a_place_merely_named() -> None:
    body = "2023年，我局认真贯彻落实沭河县委部署。沭河县政务公开工作……沭河县各单位……沭河县……"
    assert agency_from_prose(body) is None


def test_no_title_reads_the_agency_from_the_body() -> None:
    text, agency, year = printed(5)
    lines = without_title(text)
    lines.insert(
        0, f"本报告由{agency}编制。本年度报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。"
    )
    report = read_text("\n".join(lines))
    assert report.meta.title is None
    assert (report.meta.agency, report.meta.year) == (agency, year)


# --- years -----------------------------------------------------------------------------------------


def test_never_a_year_from_a_format_edition() -> None:
    body = "本报告按照2021年版格式编制。依据国办公开办函〔2021〕30号，2021年版表格……2021年版"
    assert year_of(None, body) is None
    assert year_of("某某局政府信息公开工作年度报告（2021年版格式）", body) is None


def test_year_from_the_body() -> None:
    assert year_of(None, "本年度报告中所列数据统计期限自2022年1月1日起至2022年12月31日止。") == 2022
    assert year_of(None, "2023年度，我局……\n2023年，我局坚持……\n2024年，将继续……") == 2023
    assert year_of(None, "2022年，我局……\n2023年，我局……") is None  # no year clearly leads
    # the report named in its opening prose, as the agency is read from it
    opening = "根据《条例》规定，现公布区统计局2023年政府信息公开工作年度报告。本报告由六部分组成。"
    assert year_of(None, opening + "\n一、总体情况\n2022年，我局……") == 2023


def test_a_sites_menu_and_column_name_are_not_the_title() -> None:
    """A page's text starts with the site's menu (many words parted by spaces, one of them
    政府工作报告) or a breadcrumb's list item naming the column (* 政府信息公开年报): neither is
    the title; the report's own title, naming its agency and year, follows."""
    title = "某某市交通运输局2024年政府信息公开工作年度报告"
    for before in (
        ["首页 政府信息公开 领导之窗 机构职能 要闻动态 政府工作报告 通知公告 政策文件 数据开放 专题专栏"],
        ["  * 首页", "  * 政府信息公开年报"],
        ["\uf0b7 政府信息公开年报"],  # Word's list bullet, a symbol font's private-use character
        ["当前位置: 首页 > 政务公开 > 某某市交通运输局 > 政府信息公开年报"],  # the breadcrumb
    ):
        assert find_title([*before, title, "一、总体情况"]) == (title, len(before) + 1), before
    # a column name alone, with no other title, is still taken
    assert find_title(["  * 政府信息公开年报", "一、总体情况"]) == ("政府信息公开年报", 1)


def test_title_after_a_long_navigation() -> None:
    """A page's text whose navigation fills the first lines: the title is looked for before the
    body's first section, further down."""
    title = "某某区自然资源局2020年政府信息公开年度报告"
    nav = [f"[栏目{i}](https://example.gov.cn/{i}/)" for i in range(60)]
    assert find_title([*nav, title, "一、总体情况", "正文。"]) == (title, 61)
    # past the body's first section nothing is a title
    assert find_title([*nav, "一、总体情况", title]) == (None, None)


def test_title_with_its_years_digits_placed_apart() -> None:
    """pdftohtml places a title's year digits as an element of their own: "2025" over
    "年××政府信息公开工作年度报告". The two are one title; 年 is no part of the agency."""
    lines = ["2025", "年某某市人民政府办公厅政府信息公开工作年度报告", "一、总体情况"]
    title, line = find_title(lines)
    assert (title, line) == ("2025年某某市人民政府办公厅政府信息公开工作年度报告", 2)
    assert agency_from_title(title) == "某某市人民政府办公厅"
