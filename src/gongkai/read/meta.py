"""Title, agency, region and year of a report, from its title or, failing that, its prose.

Matching runs on the text with traditional characters converted to simplified
(:func:`gongkai.read.normalize.to_simplified`, which keeps positions), and what is returned is cut
from the text as printed.

* **Title**: an early short line that says it is a yearly report (政府信息公开工作年度报告, or
  政府信息公开工作报告 without 年度 as ministries and townships print it). A crawler's header
  block (``标题：``, ``发布时间：``, ``原文链接：``, ``单位：``, ``来源：``, ``采集时间：``) gives
  no prefix to the title, and a site name after the title (``…年度报告-某某局``) is cut off.
* **Year**: from the title; otherwise from the report's own period (统计期限 2021年1月1日…) or
  the year it calls its own (``2021年度``, ``2021年，我局…``) when one year clearly leads; never
  from a document's edition (``2021年版格式``). Unknown otherwise.
* **Agency**: from the title; otherwise from the body: ``本报告由××编制``, the report named in
  prose (``××2023年政府信息公开工作年度报告``), the signature above the date at the end, or a
  place that speaks of itself (``我区`` … ``大祥区``). Never a place name merely mentioned most.
"""

from __future__ import annotations

import re
from collections import Counter

from gongkai.read.normalize import normalize_line, to_simplified

_TITLE_WORDS = ("年度报告", "工作报告", "年报")
_YEAR = re.compile(r"(20\d{2})\s*年(?!\s*版)")
_CN_YEAR = re.compile(r"([二〇零一三四五六七八九]{4})\s*年(?!\s*版)")
_CN_DIGIT = str.maketrans("〇零一二三四五六七八九", "00123456789")
_PERIOD = re.compile(r"(20\d{2})\s*年\s*1\s*月\s*1\s*日")
_OWN_YEAR = re.compile(r"(20\d{2})\s*年度(?!报告格式)|(?:^|[。；\n])\s*(20\d{2})\s*年\s*[，,以来]")
# the report named in its opening prose, with its year (the agency is read from it too)
_NAMED_YEAR = re.compile(r"(20\d{2})\s*年度?(?:政府)?信息公开工作(?:年度)?报告")
NAMED_YEAR_HEAD = 1500  # characters of the body's start where the report names itself
_REPORT_SUFFIX = re.compile(
    r"(?:关于)?(?:本?年度)?(?:政府)?信息公开(?:工作)?(?:情况)?(?:的)?(?:年度)?(?:报告|年报).*$"
)
_REPORT_END = re.compile(r"(?:报告|年报)(?:\(.{0,12}\))?$")
_PLACE = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,8}?(?:自治区|自治州|自治县|特别行政区|省|市|州|盟|地区|县|区|旗))+)"
)
# A crawler's header block: the field names are not part of the report.
CRAWLER_FIELDS = (
    "标题",
    "题目",
    "文章标题",
    "名称",
    "发布时间",
    "发布日期",
    "原文链接",
    "链接",
    "网址",
    "单位",
    "发布单位",
    "发布机构",
    "来源",
    "信息来源",
    "采集时间",
    "抓取时间",
    "作者",
    "索引号",
    "文号",
    "发文字号",
    "栏目",
    "所属栏目",
)
_CRAWLER_LINE = re.compile(rf"^\s*(?:{'|'.join(CRAWLER_FIELDS)})\s*[:：]\s*")
_TITLE_FIELD = re.compile(r"^\s*(?:标题|题目|文章标题|名称|title)\s*[:：]\s*", re.IGNORECASE)
_SITE_SUFFIX = re.compile(r"((?:年度报告|工作报告|年报))\s*(?:[-_|｜—–]+|\s-\s).*$")
_NOT_TITLE = ("格式", "通知", "如下", "根据", "依据", "。", ",", ";", "附件")  # after NFKC: ，→, ；→;
# a page's breadcrumb ("当前位置: 首页 > 政务公开 > … > 政府信息公开年报"): where the page sits
_BREADCRUMB = re.compile(r"^(?:当前|您的|你的|您现在的|你现在的|所在)位置")

_AGENCY_END = re.compile(r"(?:局|办公室|政府|委员会|委|厅|院|署|办|中心|所|站|队|部|会|处|镇|乡|街道|公司)$")
_DATE = re.compile(r"(?:20\d{2}|[二〇零一三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月")


def _simple(line: str) -> str:
    return to_simplified(normalize_line(line))


def _clean_title(line: str) -> str:
    # a markdown heading's marks, a list item's bullet ("  * 政府信息公开年报" from inscriptis)
    # (a bullet drawn from a symbol font is a private-use character: U+F0B7 from Word's lists)
    t = re.sub(r"^\s*(?:#+|[*•·+-](?=\s)|[\ue000-\uf8ff●▪■◆])\s*", "", normalize_line(line)).strip()
    field = _TITLE_FIELD.match(to_simplified(t))
    if field:
        t = t[field.end() :]
    s = to_simplified(t)
    m = _SITE_SUFFIX.search(s)
    if m:
        t = t[: m.end(1)]
    return t.strip()


def is_title(line: str) -> bool:
    """Whether a line reads as a report's title."""
    t = to_simplified(_clean_title(line))
    return (
        bool(t)
        and len(t) <= 80
        and "信息公开" in t
        and (any(w in t for w in _TITLE_WORDS) or bool(_REPORT_END.search(t)))
        and not any(w in t for w in _NOT_TITLE)
        and not _BREADCRUMB.match(t)
        and sum(len(w) >= 2 for w in t.split()) < MENU_WORDS
    )


MENU_WORDS = 6  # a line of this many words parted by spaces is a site's menu, not a title


def find_title(lines: list[str]) -> tuple[str | None, int | None]:
    """The report's title: an early short line that says it is a yearly report. A title printed
    over two lines (the agency on the first) is joined. Returns (title, 1-based line).

    Early: in the first ``TITLE_LINES`` lines, or, where a page's navigation fills those, in
    the lines before the body's first section (一、…), up to ``TITLE_LINES_MAX``."""
    head = lines[:TITLE_LINES]
    found = _title_in(head)
    if found != (None, None) or len(lines) <= TITLE_LINES:
        return found
    for n, raw in enumerate(lines[:TITLE_LINES_MAX]):
        if _FIRST_SECTION.match(normalize_line(raw)):
            return _title_in(lines[:n]) if n > TITLE_LINES else (None, None)
    return None, None


TITLE_LINES = 40
TITLE_LINES_MAX = 300
_FIRST_SECTION = re.compile(r"^\s*[#*]*\s*一\s*[、.,，．]")


def _title_in(head: list[str]) -> tuple[str | None, int | None]:
    previous = ""
    last = ""  # the last line with text before this one
    generic: tuple[str, int] | None = None  # a title naming neither agency nor year
    for i, raw in enumerate(head, start=1):
        found: str | None = None
        if is_title(raw):
            found = _clean_title(raw)
            if previous and re.match(r"^(?:20\d{2}|[二〇零一三四五六七八九]{4})\s*年", found):
                found = previous + found
        else:
            following = head[i].strip() if i < len(head) else ""
            if "信息公开" in _simple(raw) and 0 < len(following) <= 12 and is_title(raw.rstrip() + following):
                found = _clean_title(raw.rstrip() + following)  # 年度 / 报告 wrapped onto a line of its own
        if found is not None and found.startswith("年") and re.fullmatch(r"20\d{2}", last):
            found = last + found  # the year's digits placed apart ("2025" over "年上海市…报告")
        if found is not None:
            if _YEAR.search(_simple(found)) or _CN_YEAR.search(_simple(found)) or agency_from_title(found):
                return found, i
            # "政府信息公开年报": a site's column or breadcrumb; the report's own title may follow
            generic = generic or (found, i)
            continue
        t = normalize_line(raw).strip()
        last = t or last
        if t and not _CRAWLER_LINE.match(t):
            previous = (
                t if len(t) <= 30 and _AGENCY_END.search(_simple(t)) and not re.search(r"\d", t) else ""
            )
    return generic if generic is not None else (None, None)


def year_of(title: str | None, text: str) -> int | None:
    """The report's year: from its title, else its period or the year it clearly calls its own."""
    if title:
        s = _simple(title)
        m = _YEAR.search(s)
        if m:
            return int(m.group(1))
        m = _CN_YEAR.search(s)
        if m:
            return int(m.group(1).translate(_CN_DIGIT))
    head = _simple(text[:20000])
    m = _PERIOD.search(head)  # 统计期限从2021年1月1日到12月31日
    if m:
        return int(m.group(1))
    m = _NAMED_YEAR.search(head[:NAMED_YEAR_HEAD])  # 现公布区统计局2023年政府信息公开工作年度报告
    if m:
        return int(m.group(1))
    years = Counter(int(m.group(1) or m.group(2)) for m in _OWN_YEAR.finditer(head))
    if years:
        ranked = years.most_common(2)
        year, n = ranked[0]
        if n >= 2 and (len(ranked) == 1 or ranked[1][1] * 2 <= n):
            return year
    return None


def agency_from_title(title: str) -> str | None:
    t = re.sub(r"\s+", "", _clean_title(title))
    t = re.sub(r"^[《<]|[》>]$", "", t)
    s = to_simplified(t)
    m = re.search(r"(20\d{2}|[二〇零一三四五六七八九]{4})\s*年(?:度)?", s)
    if m:
        before, after = (t[: m.start()], s[: m.start()]), (t[m.end() :], s[m.end() :])
        name, simple = before if before[0] else after
    else:
        name, simple = t, s
    cut = _REPORT_SUFFIX.search(simple)
    if cut:
        name = name[: cut.start()]
    name = name.strip("-—_:：,，()（） ")
    name = re.sub(r"关于$", "", name)  # "××办公室关于2019年度政府信息公开工作的年度报告"
    # a notice or repost wrapping the report's title: "关于公布××2020年…年度报告的通知", "转发：××…"
    name = _WRAPPER.sub("", name)
    return name or None


_WRAPPER = re.compile(r"^(?:关于(?:公布|印发|发布|公开|转发)?|转发|印发|公布)[:：]?")


# --- the agency from the body --------------------------------------------------------------------

_NAME = r"[\u4e00-\u9fff（）()]{2,30}?"
_COMPILED_BY = re.compile(rf"本(?:年度)?报告由({_NAME})(?:负责|组织|牵头)?(?:编制|编写|起草|发布|汇总)")
_NAMED_REPORT = re.compile(
    r"(?:20\d{2}|[二〇零一三四五六七八九]{4})\s*年度?(?:政府)?信息公开工作(?:年度)?报告|"
    + r"\s*".join("政府信息公开工作年度报告")  # a title broken over lines, run into the text
)
_LEAD_WORDS = re.compile(
    r"^(?:现将|特将|现就|现|特|将|根据|按照|依据|是|为|由|经|对|向社会公布|公布|发布|编制|关于|转发[:：]?|印发)+"
)
_SELF = re.compile(r"我(区|县|市|旗|州|盟|镇|乡|街道|局|委|办|厅|院|署|中心|单位|部|会)")
_PLACE_SUFFIX = ("区", "县", "市", "旗", "州", "盟", "镇", "乡", "街道")


def _agency_like(name: str) -> bool:
    return 3 <= len(name) <= 30 and bool(_AGENCY_END.search(name)) and not re.search(r"\d", name)


def _compiled_by(text: str, simple: str) -> str | None:
    m = _COMPILED_BY.search(simple)
    if m and _agency_like(m.group(1)):
        return text[m.start(1) : m.end(1)]
    return None


def _named_report(text: str, simple: str) -> str | None:
    """``现将××局2023年政府信息公开工作年度报告公布如下``: the name before the report's name."""
    for m in _NAMED_REPORT.finditer(simple):
        start = m.start()
        j = start
        while j > 0 and j > start - 30 and re.match(r"[\u4e00-\u9fff（）()]", simple[j - 1]):
            j -= 1
        lead = _LEAD_WORDS.match(simple[j:start])
        if lead:
            j += lead.end()
        year = re.match(r"年度?", simple[j:start]) if simple[:j].rstrip()[-1:].isdigit() else None
        if year:  # "2024年上海市科委政府信息公开工作年度报告": the year's 年 is no part of the name
            j += year.end()
        name = text[j:start]
        if _agency_like(simple[j:start]):
            return name
    return None


def _signature(lines: list[str]) -> str | None:
    """The agency signed above (or beside) the date at the end of the report."""
    tail = [normalize_line(x).strip() for x in lines if x.strip()][-8:]
    for i, line in enumerate(tail):
        m = _DATE.search(line)
        if m is None or len(line) > 40:
            continue
        for cand in (line[: m.start()], tail[i - 1] if i and m.start() == 0 else ""):
            name = re.sub(r"\s+", "", cand)
            if name and not _DATE.search(name) and _agency_like(to_simplified(name)):
                return name
    return None


def _self_place(simple: str, text: str) -> str | None:
    """A place that speaks of itself (``我区`` …), named at its longest most frequent spelling."""
    selves = Counter(m.group(1) for m in _SELF.finditer(simple))
    if not selves:
        return None
    suffix, n = selves.most_common(1)[0]
    if suffix not in _PLACE_SUFFIX or n < 2:
        return None
    spelled: dict[str, Counter[tuple[int, int]]] = {}
    for m in re.finditer(rf"[\u4e00-\u9fff]{{2,5}}{suffix}", simple):
        s = m.group(0)
        for i in range(len(s) - len(suffix) - 1):  # every ending with two characters before the suffix
            spelled.setdefault(s[i:], Counter())[(m.start() + i, m.end())] += 1
    best = [
        (sum(c.values()), len(k), k, c) for k, c in spelled.items() if not k.startswith(("我", "本", "全"))
    ]
    if not best:
        return None
    most = max(b[0] for b in best)
    if most < 2:
        return None
    _, _, _, where = max((b for b in best if b[0] == most), key=lambda b: b[1])
    a, b = next(iter(where))
    return text[a:b]


def agency_from_prose(text: str) -> str | None:
    """The agency from the body of a report whose title does not name it (see the module doc)."""
    text = normalize_line(text)
    simple = to_simplified(text)  # same length: a match in ``simple`` is cut from ``text``
    lines = text.splitlines()
    return (
        _compiled_by(text, simple)
        or _named_report(text, simple)
        or _signature(lines)
        or _self_place(simple, text)
    )


def region_of(agency: str | None) -> str | None:
    if not agency:
        return None
    m = _PLACE.match(to_simplified(agency))
    return agency[: m.end(1)] if m else None
