"""Plausible agency names, titles and years for generated reports.

Place names are built from common syllables, so they read like real counties and districts
without naming any particular one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gongkai.model.keys import EditionKey, edition_for_year

_PROVINCES = (
    "河南省",
    "湖南省",
    "江苏省",
    "浙江省",
    "四川省",
    "山东省",
    "安徽省",
    "江西省",
    "广东省",
    "湖北省",
)
_STEMS = (
    "清河",
    "青山",
    "南平",
    "东阳",
    "西城",
    "临江",
    "安宁",
    "永和",
    "长乐",
    "新丰",
    "宁远",
    "凤台",
    "平遥",
    "桃源",
    "广德",
    "石门",
    "文昌",
    "兴隆",
    "云溪",
    "白水",
    "金川",
    "太和",
    "宜阳",
    "丰城",
    "泰宁",
    "龙泉",
    "华容",
    "双峰",
    "柳林",
    "梅江",
    "高邑",
    "汝南",
    "武陵",
    "建安",
    "上林",
    "罗山",
    "商南",
    "嘉禾",
    "宝丰",
    "沙河",
)
_CITY_STEMS = ("江州", "南阳", "临川", "宁州", "云中", "海陵", "北原", "东平", "武林", "淮川", "湘中", "汉东")
_BUREAUS = (
    "生态环境局",
    "自然资源和规划局",
    "住房和城乡建设局",
    "教育局",
    "卫生健康委员会",
    "市场监督管理局",
    "财政局",
    "人力资源和社会保障局",
    "交通运输局",
    "农业农村局",
    "水利局",
    "民政局",
    "司法局",
    "审计局",
    "统计局",
    "应急管理局",
    "文化广电和旅游局",
    "医疗保障局",
    "政务服务和大数据管理局",
    "发展和改革委员会",
    "退役军人事务局",
    "林业局",
    "商务局",
    "工业和信息化局",
    "城市管理局",
    "行政审批服务局",
)
_TOWN_STEMS = ("城关", "河口", "新集", "马庄", "白塔", "双桥", "柳河", "石桥", "东关", "李集", "黄岗", "杨湖")


@dataclass(frozen=True)
class Agency:
    name: str  # as in the title, e.g. "清河县生态环境局"
    short: str  # as the prose names it, e.g. "县生态环境局" or "我局"
    region: str  # the place part, e.g. "清河县"
    kind: str  # "government", "office", "bureau", "town"


def random_place(rng: random.Random) -> tuple[str, str]:
    """A place and its level character: ("清河县", "县")."""
    level = rng.choice("县县县区区市")
    stem = rng.choice(_CITY_STEMS if level == "市" else _STEMS)
    return stem + level, level


def random_agency(rng: random.Random) -> Agency:
    place, level = random_place(rng)
    prefix = ""
    if rng.random() < 0.15:  # some titles name the city or province first
        prefix = rng.choice(_PROVINCES) if level == "市" else rng.choice(_CITY_STEMS) + "市"
    region = prefix + place
    roll = rng.random()
    if roll < 0.2:
        return Agency(f"{region}人民政府", f"{level}政府", region, "government")
    if roll < 0.4:
        return Agency(f"{region}人民政府办公室", f"{level}政府办", region, "office")
    if roll < 0.55:
        town = rng.choice(_TOWN_STEMS) + rng.choice(("镇", "乡", "街道办事处"))
        name = town if town.endswith("办事处") else town + "人民政府"
        return Agency(f"{region}{name}", "我" + ("街道" if "街道" in town else town[-1]), region, "town")
    bureau = rng.choice(_BUREAUS)
    return Agency(f"{region}{bureau}", level + bureau, region, "bureau")


def random_year(rng: random.Random, edition_key: EditionKey | None = None) -> int:
    """A report year, consistent with the edition when one is given."""
    if edition_key == "2019":
        return rng.choice((2019, 2020))
    if edition_key == "2021":
        return rng.randint(2021, 2025)
    year = rng.randint(2019, 2025)
    assert edition_for_year(year) in ("2019", "2021")
    return year


def title_for(rng: random.Random, agency: Agency, year: int) -> str:
    forms = (
        "{a}{y}年政府信息公开工作年度报告",
        "{a}{y}年政府信息公开工作年度报告",
        "{a}{y}年度政府信息公开工作年度报告",
        "{a}关于{y}年度政府信息公开工作的年度报告",
        "{y}年{a}政府信息公开工作年度报告",
    )
    return rng.choice(forms).format(a=agency.name, y=year)
