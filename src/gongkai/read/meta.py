"""Title, agency, region and year of a report, from its title or, failing that, its prose."""

from __future__ import annotations

import re
from collections import Counter

from gongkai.read.normalize import normalize_line

_TITLE_WORDS = ("年度报告", "工作报告", "年报")
_YEAR = re.compile(r"(20\d{2})\s*年")
_CN_YEAR = re.compile(r"([二〇零一三四五六七八九]{4})\s*年")
_CN_DIGIT = str.maketrans("〇零一二三四五六七八九", "00123456789")
_PERIOD = re.compile(r"(20\d{2})\s*年\s*1\s*月\s*1\s*日")
_REPORT_SUFFIX = re.compile(r"(?:关于)?(?:本?年度)?(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报).*$")
_PLACE = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,8}?(?:自治区|自治州|自治县|特别行政区|省|市|州|盟|地区|县|区|旗))+)"
)


_AGENCY_END = re.compile(r"(?:局|办公室|政府|委员会|委|厅|院|署|办|中心|所|站|队|部|会|处|镇|乡|街道|公司)$")


def find_title(lines: list[str]) -> tuple[str | None, int | None]:
    """The report's title: an early short line that says it is a yearly report. A title printed
    over two lines (the agency on the first) is joined."""
    previous = ""
    for i, raw in enumerate(lines[:15], start=1):
        t = re.sub(r"^\s*#+\s*", "", normalize_line(raw)).strip()
        if t and len(t) <= 80 and any(w in t for w in _TITLE_WORDS) and "信息公开" in t:
            if previous and re.match(r"^(?:20\d{2}|[二〇零一三四五六七八九]{4})\s*年", t):
                return previous + t, i
            return t, i
        if t:
            previous = t if len(t) <= 30 and _AGENCY_END.search(t) and not re.search(r"\d", t) else ""
    return None, None


def year_of(title: str | None, text: str) -> int | None:
    if title:
        m = _YEAR.search(title)
        if m:
            return int(m.group(1))
        m = _CN_YEAR.search(title)
        if m:
            return int(m.group(1).translate(_CN_DIGIT))
    m = _PERIOD.search(text)  # 统计期限从2021年1月1日到12月31日
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(text[:4000]))
    if years:
        year, n = years.most_common(1)[0]
        if n >= 2:
            return year
    return None


def agency_from_title(title: str) -> str | None:
    t = re.sub(r"\s+", "", title)
    t = re.sub(r"^[《<]|[》>]$", "", t)
    m = re.search(r"(20\d{2}|[二〇零一三四五六七八九]{4})\s*年(?:度)?", t)
    if m:
        before, after = t[: m.start()], t[m.end() :]
        name = before or after
    else:
        name = t
    name = _REPORT_SUFFIX.sub("", name).strip("-—_:：,，()（） ")
    name = re.sub(r"关于$", "", name)  # "××办公室关于2019年度政府信息公开工作的年度报告"
    return name or None


def agency_from_prose(text: str) -> str | None:
    """The most often named district, county or city, at its longest spelling that occurs as often."""
    counts: Counter[str] = Counter()
    for m in re.finditer(r"[\u4e00-\u9fff]{2,5}(?:区|县|市|旗)", text):
        s = m.group(0)
        for i in range(len(s) - 2):  # every ending with at least two characters before 区/县/市
            counts[s[i:]] += 1
    if not counts:
        return None
    most = max(counts.values())
    if most < 2:
        return None
    return max((name for name, n in counts.items() if n == most), key=len)


def region_of(agency: str | None) -> str | None:
    if not agency:
        return None
    m = _PLACE.match(agency)
    return m.group(1) if m else None
