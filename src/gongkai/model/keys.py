"""The keys of ../shared/spec/keys.md as data: editions, sections, tables, rows and columns.

Every number in a report has an address ``table.row.column``. This module is the single place
where those keys, their official Chinese labels and the label variants seen in published
reports are written down; the readers, the checker, the writers and the database all use it.

``signatures`` are short normalised fragments (see :func:`gongkai.read.normalize.label_key`)
that identify a row label even when it is truncated, wrapped or printed with variant wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Literal

EditionKey = Literal["2021", "2019"]
EDITIONS: tuple[EditionKey, ...] = ("2021", "2019")
ValueKind = Literal["count", "amount", "signed"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ValueKind = "count"
    variants: tuple[str, ...] = ()
    # Label keys (see :func:`gongkai.read.normalize.label_key`) that name this column in a table
    # header: equal to the header cell's key, or (for keys of three or more characters) contained
    # in a header cell only a little longer. The longest match wins; a tie names no column.
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    columns: tuple[Column, ...]
    signatures: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    group: str = ""  # the printed group label, e.g. "(三)不予公开"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    rows: tuple[Row, ...]

    def row(self, key: str) -> Row:
        r = self._rows.get(key)
        if r is None:
            raise KeyError(key)
        return r

    @cached_property
    def _rows(self) -> dict[str, Row]:
        out: dict[str, Row] = {}
        for r in self.rows:
            out.setdefault(r.key, r)  # the first of a key, as a scan in order would find
        return out

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    signatures: tuple[str, ...]


@dataclass(frozen=True)
class Edition:
    key: EditionKey
    document: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    addresses: tuple[str, ...] = field(default=())

    def table(self, key: str) -> Table:
        t = self._tables.get(key)
        if t is None:
            raise KeyError(key)
        return t

    def column(self, address: str) -> Column:
        col = self._columns.get(address)
        if col is not None:
            return col
        t, r, c = address.split(".")  # not an address of the edition: fail as a scan would
        for col in self.table(t).row(r).columns:
            if col.key == c:
                return col
        raise KeyError(address)

    @cached_property
    def _tables(self) -> dict[str, Table]:
        out: dict[str, Table] = {}
        for t in self.tables:
            out.setdefault(t.key, t)
        return out

    @cached_property
    def _columns(self) -> dict[str, Column]:
        out: dict[str, Column] = {}
        for t in self._tables.values():
            for r in t._rows.values():
                for c in r.columns:
                    out.setdefault(f"{t.key}.{r.key}.{c.key}", c)
        return out


SECTIONS: tuple[Section, ...] = (
    Section("overview", "一、总体情况", ("总体情况",)),
    Section("active_disclosure", "二、主动公开政府信息情况", ("主动公开政府信息情况", "主动公开政府信息")),
    Section(
        "requests",
        "三、收到和处理政府信息公开申请情况",
        ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请", "政府信息公开申请情况"),
    ),
    Section(
        "appeals",
        "四、政府信息公开行政复议、行政诉讼情况",
        ("行政复议行政诉讼情况", "行政复议行政诉讼", "行政复议和行政诉讼", "被申请行政复议"),
    ),
    Section(
        "problems", "五、存在的主要问题及改进情况", ("存在的主要问题", "主要问题及改进", "存在问题及改进")
    ),
    Section("other_matters", "六、其他需要报告的事项", ("其他需要报告的事项", "其他需要报告")),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)

# --- requests ------------------------------------------------------------------------------

REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人", headers=("自然人",)),
    Column("commercial_enterprise", "商业企业", headers=("商业企业",)),
    Column("research_institution", "科研机构", headers=("科研机构",)),
    Column(
        "social_organization",
        "社会公益组织",
        variants=("社会组织",),
        headers=("社会公益组织", "社会组织", "公益组织"),
    ),
    Column("legal_service_institution", "法律服务机构", headers=("法律服务机构", "法律服务")),
    Column("other_organization", "其他", headers=("其他",)),
    Column("total", "总计", headers=("总计", "合计")),
)
# Header cells that group request columns and name none themselves.
REQUEST_GROUP_HEADERS = ("法人或其他组织", "申请人情况", "申请人")
# Words only the requests table's header prints (its group label and the note in its corner):
# seen again further down, the header was printed again at the top of a new page.
REQUEST_HEADER_MARKS = ("申请人情况", "勾稽关系")
APPLICANT_COLUMNS = tuple(c.key for c in REQUEST_COLUMNS[:-1])
REQUEST_COLUMN_KEYS = tuple(c.key for c in REQUEST_COLUMNS)


def _rq(key: str, label: str, sigs: tuple[str, ...], group: str = "", variants: tuple[str, ...] = ()) -> Row:
    return Row(key, label, REQUEST_COLUMNS, sigs, variants, group)


_REQ_HEAD = (
    _rq("new_received", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    _rq("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    _rq("granted", "（一）予以公开", ("予以公开",), "三、本年度办理结果"),
    _rq(
        "partially_granted",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ("部分公开",),
        "三、本年度办理结果",
    ),
    _rq("withheld_state_secret", "1.属于国家秘密", ("国家秘密",), "（三）不予公开"),
    _rq(
        "withheld_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        ("禁止公开", "其他法律", "法规禁止"),
        "（三）不予公开",
        ("2.其他法律法规禁止公开",),
    ),
    _rq(
        "withheld_security_stability",
        "3.危及“三安全一稳定”",
        ("三安全一稳定", "危及三安全", "三安全"),
        "（三）不予公开",
    ),
    _rq(
        "withheld_third_party_rights",
        "4.保护第三方合法权益",
        ("第三方合法权益", "保护第三方"),
        "（三）不予公开",
    ),
    _rq("withheld_internal_affairs", "5.属于三类内部事务信息", ("内部事务",), "（三）不予公开"),
    _rq("withheld_process_information", "6.属于四类过程性信息", ("过程性信息", "四类过程"), "（三）不予公开"),
    _rq("withheld_enforcement_file", "7.属于行政执法案卷", ("执法案卷",), "（三）不予公开"),
    _rq("withheld_administrative_query", "8.属于行政查询事项", ("行政查询",), "（三）不予公开"),
    _rq("unavailable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",), "（四）无法提供"),
    _rq(
        "unavailable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"), "（四）无法提供"
    ),
    _rq("unavailable_unclear", "3.补正后申请内容仍不明确", ("仍不明确", "补正后申请"), "（四）无法提供"),
    _rq("rejected_petition", "1.信访举报投诉类申请", ("信访举报", "举报投诉"), "（五）不予处理"),
    _rq("rejected_duplicate", "2.重复申请", ("重复申请",), "（五）不予处理"),
    _rq("rejected_publication", "3.要求提供公开出版物", ("公开出版物",), "（五）不予处理"),
    _rq("rejected_excessive", "4.无正当理由大量反复申请", ("大量反复",), "（五）不予处理"),
    _rq(
        "rejected_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        ("重新出具", "确认或重新"),
        "（五）不予处理",
    ),
)
_REQ_OTHER_2021 = (
    _rq(
        "other_overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正",),
        "（六）其他处理",
    ),
    _rq(
        "other_overdue_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("收费通知", "缴纳费用", "逾期未按"),
        "（六）其他处理",
    ),
    _rq("other_reasons", "3.其他", ("3其他",), "（六）其他处理"),
)
_REQ_OTHER_2019 = (_rq("other_handling", "（六）其他处理", ("其他处理",)),)
_REQ_TAIL = (
    _rq("total_processed", "（七）总计", ("七总计",), variants=("总计",)),
    _rq(
        "carried_forward",
        "四、结转下年度继续办理",
        ("结转下年度", "下年度继续"),
    ),
)

REQUESTS_2021 = Table("requests", "收到和处理政府信息公开申请情况", _REQ_HEAD + _REQ_OTHER_2021 + _REQ_TAIL)
REQUESTS_2019 = Table("requests", "收到和处理政府信息公开申请情况", _REQ_HEAD + _REQ_OTHER_2019 + _REQ_TAIL)

OUTCOME_ROWS_2021 = tuple(r.key for r in REQUESTS_2021.rows[2:-2])
OUTCOME_ROWS_2019 = tuple(r.key for r in REQUESTS_2019.rows[2:-2])
OTHER_ROWS_2021 = tuple(r.key for r in _REQ_OTHER_2021)

# --- appeals -------------------------------------------------------------------------------

APPEAL_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持", headers=("结果维持", "维持")),
    Column("corrected", "结果纠正", headers=("结果纠正", "纠正")),
    Column("other", "其他结果", headers=("其他结果", "其他")),
    Column("pending", "尚未审结", headers=("尚未审结", "未审结")),
    Column("total", "总计", headers=("总计", "合计")),
)
APPEALS = Table(
    "appeals",
    "行政复议、行政诉讼",
    (
        Row("reconsideration", "行政复议", APPEAL_COLUMNS, ("行政复议",)),
        Row(
            "litigation_direct",
            "未经复议直接起诉",
            APPEAL_COLUMNS,
            ("未经复议", "直接起诉"),
            group="行政诉讼",
        ),
        Row(
            "litigation_after_reconsideration",
            "复议后起诉",
            APPEAL_COLUMNS,
            ("复议后起诉",),
            group="行政诉讼",
        ),
    ),
)

# --- active disclosure ---------------------------------------------------------------------

# Header cells of the active-disclosure sub-tables that name no column.
ACTIVE_GROUP_HEADERS = ("信息内容", "第二十条")
# Rows some variants add to the active-disclosure table that are no cell of the format (a
# provincial 2019 variant's 其他主动公开文件; "档案" is what Taiwan-phrase conversion, OpenCC
# s2twp, makes of 文件): their numbers belong to no row.
ACTIVE_EXTRA_ROWS = ("其他主动公开文件", "其他主动公开档案")

_DOCS_2021 = (
    Column("issued", "本年制发件数", headers=("本年制发件数", "本年制发", "制发件数", "本年新制发")),
    Column("repealed", "本年废止件数", headers=("本年废止件数", "本年废止", "废止件数")),
    Column("in_force", "现行有效件数", headers=("现行有效件数", "现行有效")),
)
_DECISIONS = (
    Column(
        "decisions",
        "本年处理决定数量",
        headers=("本年处理决定数量", "处理决定数量", "处理决定数", "本年处理决定"),
    ),
)

ACTIVE_2021 = Table(
    "active_disclosure",
    "主动公开政府信息情况",
    (
        Row("rules", "规章", _DOCS_2021, ("规章",), group="第二十条第（一）项"),
        Row("normative_documents", "行政规范性文件", _DOCS_2021, ("规范性文件",), group="第二十条第（一）项"),
        Row("licensing", "行政许可", _DECISIONS, ("行政许可",), group="第二十条第（五）项"),
        Row("penalty", "行政处罚", _DECISIONS, ("行政处罚",), group="第二十条第（六）项"),
        Row("coercion", "行政强制", _DECISIONS, ("行政强制",), group="第二十条第（六）项"),
        Row(
            "fees",
            "行政事业性收费",
            (Column("amount", "本年收费金额（单位：万元）", "amount", headers=("本年收费金额", "收费金额")),),
            ("事业性收费",),
            group="第二十条第（八）项",
        ),
    ),
)

_DOCS_2019 = (
    Column("made", "本年新制作数量", headers=("本年新制作数量", "新制作数量", "本年新制作")),
    Column(
        "published", "本年新公开数量", headers=("本年新公开数量", "新公开数量", "本年新公开", "本年公开数量")
    ),
    Column("total_published", "对外公开总数量", headers=("对外公开总数量", "公开总数量", "公开总数")),
)
_ITEMS_2019 = (
    Column("items_last_year", "上一年项目数量", headers=("上一年项目数量", "上一年项目", "上年项目数量")),
    Column("items_change", "本年增/减", "signed", headers=("本年增减", "增减")),
    Column("decisions", "处理决定数量", headers=("处理决定数量", "本年处理决定数量", "处理决定数")),
)
ACTIVE_2019 = Table(
    "active_disclosure",
    "主动公开政府信息情况",
    (
        Row("rules", "规章", _DOCS_2019, ("规章",), group="第二十条第（一）项"),
        Row("normative_documents", "规范性文件", _DOCS_2019, ("规范性文件",), group="第二十条第（一）项"),
        Row("licensing", "行政许可", _ITEMS_2019, ("行政许可",), group="第二十条第（五）项"),
        Row(
            "other_services",
            "其他对外管理服务事项",
            _ITEMS_2019,
            ("对外管理服务",),
            group="第二十条第（五）项",
        ),
        Row("penalty", "行政处罚", _ITEMS_2019, ("行政处罚",), group="第二十条第（六）项"),
        Row("coercion", "行政强制", _ITEMS_2019, ("行政强制",), group="第二十条第（六）项"),
        Row("fees", "行政事业性收费", _ITEMS_2019[:2], ("事业性收费",), group="第二十条第（八）项"),
        Row(
            "procurement",
            "政府集中采购",
            (
                Column("projects", "采购项目数量", headers=("采购项目数量", "采购项目数")),
                Column("amount", "采购总金额", "amount", headers=("采购总金额", "采购金额")),
            ),
            ("集中采购",),
            group="第二十条第（九）项",
        ),
    ),
)


def _addresses(tables: tuple[Table, ...]) -> tuple[str, ...]:
    return tuple(f"{t.key}.{r.key}.{c.key}" for t in tables for r in t.rows for c in r.columns)


_T2021 = (ACTIVE_2021, REQUESTS_2021, APPEALS)
_T2019 = (ACTIVE_2019, REQUESTS_2019, APPEALS)
EDITION_2021 = Edition("2021", "国办公开办函〔2021〕30号", SECTIONS, _T2021, _addresses(_T2021))
EDITION_2019 = Edition("2019", "国办公开办函〔2019〕60号", SECTIONS, _T2019, _addresses(_T2019))


@cache
def edition(key: str) -> Edition:
    """The edition spec for ``"2021"`` or ``"2019"``."""
    if key == "2021":
        return EDITION_2021
    if key == "2019":
        return EDITION_2019
    raise KeyError(f"unknown edition {key!r}")


def edition_for_year(year: int | None) -> EditionKey:
    """The edition an agency must use for a report on ``year``."""
    return "2019" if year is not None and year <= 2020 else "2021"


def outcome_rows(edition_key: str) -> tuple[str, ...]:
    return OUTCOME_ROWS_2019 if edition_key == "2019" else OUTCOME_ROWS_2021


# --- how printed row labels are recognised ----------------------------------------------------
#
# The readers find a table's rows by their printed labels, in official order. Each row has a
# rule; one matcher (gongkai.read.tables) interprets them all. Strings are label keys: the
# printed label normalised, without spaces and punctuation ("（三）不予公开" → "三不予公开").


@dataclass(frozen=True)
class LabelRule:
    """How a row's printed label is recognised in a label key ``k``."""

    contains: tuple[str, ...] = ()  # k contains one of these …
    excludes: tuple[str, ...] = ()  # … and none of these
    ends: tuple[str, ...] = ()  # or k ends with one of these
    starts: tuple[str, ...] = ()  # or k, without its ordinal, starts with one of these
    slack: int = 4  # … and is at most this much longer
    max_len: int = 0  # k is at most this long (0: any length)
    # A label too plain to trust anywhere (其他, 总计) is accepted, as exactly one of these keys,
    # only within two rows of the last row found (and, with ``weak_before_number``, only when a
    # number follows it).
    weak: tuple[str, ...] = ()
    weak_before_number: bool = False
    group: bool = False  # a group label doubling as a row (2019's （六）其他处理)

    @property
    def needles(self) -> tuple[str, ...]:
        """Fragments one of which every label this rule accepts contains (a cheap pre-test)."""
        return self.contains + self.ends + self.starts


def _contains(row: Row) -> LabelRule:
    return LabelRule(contains=row.signatures)


# Requests rows of both editions in official order; ``other_handling`` (2019) sits before the
# three 2021 ``other_*`` rows so either shape is recognised.
REQUEST_LABELS: tuple[tuple[str, LabelRule], ...] = (
    *((r.key, _contains(r)) for r in REQUESTS_2021.rows[:-5]),
    # "(六)其他处理 1.申请人无正当…" is the 2021 group label with its first sub-row, not the 2019 row
    ("other_handling", LabelRule(contains=("其他处理",), excludes=("其他处理1", "申请人"), group=True)),
    (
        "other_overdue_correction",
        LabelRule(contains=("逾期不补正", "无正当理由逾期", "其他处理1", "1申请人无正当")),
    ),
    ("other_overdue_fee", LabelRule(contains=("收费通知", "缴纳费用", "逾期未按"))),
    ("other_reasons", LabelRule(ends=("3其他",), weak=("其他",))),
    (
        "total_processed",
        LabelRule(contains=("七总计", "七合计"), weak=("总计", "合计"), weak_before_number=True),
    ),
    ("carried_forward", LabelRule(contains=("结转下年度", "下年度继续"))),
)


def _active_labels(table: Table) -> tuple[tuple[str, LabelRule], ...]:
    special = {
        # 规范性档案: 规范性文件 through Taiwan-phrase conversion (OpenCC s2twp: 文件 → 檔案)
        "normative_documents": LabelRule(contains=("规范性文件", "规范性档案"), max_len=12),
        "fees": LabelRule(contains=("事业性收费",), max_len=14),
        "other_services": LabelRule(contains=("对外管理",), max_len=16),
        "procurement": LabelRule(contains=("集中采购",), max_len=12),
    }
    return tuple((r.key, special.get(r.key) or LabelRule(starts=(r.label,))) for r in table.rows)


ACTIVE_LABELS: dict[str, tuple[tuple[str, LabelRule], ...]] = {
    "2021": _active_labels(ACTIVE_2021),
    "2019": _active_labels(ACTIVE_2019),
}
# Appeals rows, tried in this order (复议后起诉 before 行政复议, which it ends with).
APPEAL_LABELS: tuple[tuple[str, LabelRule], ...] = (
    ("litigation_after_reconsideration", LabelRule(contains=("复议后起诉",))),
    ("litigation_direct", LabelRule(contains=("未经复议", "直接起诉"))),
    ("reconsideration", LabelRule(ends=("行政复议",))),
)
# Words that distinguish the active-disclosure tables of the two editions (edition by shape).
EDITION_WORDS: dict[str, tuple[str, ...]] = {
    "2021": ("本年制发", "本年废止", "现行有效"),
    "2019": ("本年新制作", "本年新公开", "对外公开总数", "集中采购", "对外管理服务", "上一年项目"),
}
