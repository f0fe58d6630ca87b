"""The packaged administrative divisions (GB/T 2260) and placing chains of place names in them."""

from __future__ import annotations

import pytest

from gongkai.model.divisions import candidates, describe, divisions, locate


def test_the_data_set_is_whole() -> None:
    data = divisions()
    provinces = [d for d in data.by_code.values() if d.level == "省" and not d.former]
    assert len(provinces) >= 34  # 31 on the mainland, Hong Kong, Macao, Taiwan
    assert 2800 <= sum(d.level == "县区" and not d.former for d in data.by_code.values()) <= 3300
    for d in data.by_code.values():  # every unit hangs under an existing parent, codes are unique
        assert d.parent is None or d.parent in data.by_code, d
        if not d.former:
            assert d.code.isdigit() and len(d.code) == 6
    assert [x.name for x in data.path("320813")] == ["江苏省", "淮安市", "洪泽区"]


@pytest.mark.parametrize(
    ("chains", "path"),
    [
        ([("洪泽区",)], ("江苏省", "淮安市", "洪泽区")),
        ([("淮安市", "洪泽区")], ("江苏省", "淮安市", "洪泽区")),
        ([("江苏省", "洪泽区")], ("江苏省", "淮安市", "洪泽区")),
        ([("商水县",)], ("河南省", "周口市", "商水县")),
        ([("大祥区",)], ("湖南省", "邵阳市", "大祥区")),
        ([("淮安市",)], ("江苏省", "淮安市")),
        ([("江苏省",)], ("江苏省",)),
        ([("北京市", "朝阳区")], ("北京市", "北京市", "朝阳区")),
        ([("长春市", "朝阳区")], ("吉林省", "长春市", "朝阳区")),
        ([("鼓楼区",), ("南京市", "鼓楼区")], ("江苏省", "南京市", "鼓楼区")),  # the title decides
        ([("安宁区", "柳河乡")], ("甘肃省", "兰州市", "安宁区")),  # a township: its county
        ([("邳州市",)], ("江苏省", "徐州市", "邳州市")),  # a county-level city
    ],
)
def test_placed_when_exactly_one_unit_fits(chains: list[tuple[str, ...]], path: tuple[str, ...]) -> None:
    unit = locate(chains, 2023)
    assert unit is not None and tuple(x.name for x in divisions().path(unit.code)) == path


@pytest.mark.parametrize(
    "chains",
    [
        [("朝阳区",)],  # Beijing and Changchun
        [("鼓楼区",)],  # Nanjing, Xuzhou, Fuzhou, Kaifeng
        [("宿迁市", "洪泽区")],  # 洪泽区 is in 淮安市: contradictory, not guessed
        [("江州市",)],  # no such unit
        [()],
        [("洪泽区",), ("宿迁市",)],  # the title contradicts the name
    ],
)
def test_not_placed_when_none_or_several_fit(chains: list[tuple[str, ...]]) -> None:
    assert locate(chains, 2023) is None


def test_ambiguous_names_list_their_candidates() -> None:
    found = [describe(d.code) for d in candidates([("朝阳区",)])]
    assert found == ["北京市 朝阳区（110105）", "吉林省 长春市 朝阳区（220104）"]


def test_former_units_count_only_while_they_existed() -> None:
    """梅列区 was merged into 三元区 in 2021 (the data keeps its last year)."""
    unit = locate([("三明市", "梅列区")], 2020)
    assert unit is not None and unit.former and unit.until == 2020
    assert "2021年撤销" in describe(unit.code) and "三元区" in describe(unit.code)
    assert locate([("三明市", "梅列区")], 2022) is None
