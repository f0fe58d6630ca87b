"""Identity 7: numbers stated in the prose against the tables.

Extraction is deliberately narrow. A statement is taken only from a clause whose meaning is
plain: a verb of receiving next to "政府信息公开申请" and a count (共收到政府信息公开申请15件), a
denial of any request (未收到信息公开的申请), "行政复议N起" / "行政诉讼N起" or a denial of
either, and, in a sentence that states the requests received, "办结N件" or "已全部办结".
A clause about letters, hotlines or previous years, or a part of a total (其中…), is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal, cast

from gongkai.check.labels import cell_label, fmt, row_of
from gongkai.check.numerals import PATTERN as NUM_PATTERN
from gongkai.check.numerals import parse_int
from gongkai.check.rules import finding
from gongkai.model.keys import SECTIONS
from gongkai.model.report import Finding, Report

Fact = Literal["received", "processed", "all_processed", "reconsideration", "litigation"]
Value = int | Decimal

NUM = rf"(?P<n>{NUM_PATTERN})"
UNIT = r"(?:件|个|条|份|宗|次|项|例)"
CASE_UNIT = r"(?:起|件|个|宗|次|例|项)"
FILL = r"(?:共计|总共|合计|总计|累计|共|了|各类|总数|数量|为|达|是|计)*"
CASE_FILL = r"(?:共计|总共|合计|总计|累计|共|了|为|计)*"
GAP = r"[^\d,，因]{0,16}?"  # a few words between a verb and its object, no number, no cause

# A request for disclosure: "政府信息公开申请", "信息公开的申请", "依申请公开(事项)".
REQUEST = r"(?:(?:政府信息公开|信息公开|政务公开)的?申请|依申请公开(?:政府信息)?的?(?:申请|事项)?)"
RECEIVE = r"(?:收到|受理|接收|接到|新收|收悉|共有|登记)"
RECEIVED = (
    re.compile(RECEIVE + GAP + REQUEST + r"(?:件|书|数|数量|总数)?" + FILL + NUM + UNIT),
    re.compile(RECEIVE + FILL + NUM + UNIT + r"的?" + GAP + REQUEST),
)
CLAUSE_END = r"(?:的?情况|事项)?$"  # a denial is the whole point of its clause
RECEIVED_NONE = (
    re.compile(r"(?:未|没有|尚未)(?:收到|受理|接到|接收|有)过?(?:任何)?" + GAP + REQUEST + CLAUSE_END),
    re.compile(r"无(?:任何)?" + REQUEST + CLAUSE_END),
)
PROCESSED = re.compile(r"(?:办结|答复|办理完毕)" + FILL + NUM + r"件")
ALL_PROCESSED = re.compile(
    r"(?:全部|均已|均|已全部|全部已|都已)(?:按时|按期|依法|如期|及时)?(?:办结|答复|办理完毕|完成答复|予以答复)"
)

RECON, LITIG = "行政复议", "行政诉讼"
AND = r"(?:和|、|及|与|或|以及)"
BOTH_EACH = re.compile(
    rf"(?:{RECON}{AND}{LITIG}|{LITIG}{AND}{RECON})(?:案件)?(?:均|都|皆|各)为?{NUM}{CASE_UNIT}?"
)
BOTH_TOTAL = re.compile(rf"(?:{RECON}{AND}{LITIG}|{LITIG}{AND}{RECON})(?:案件)?{CASE_FILL}{NUM}{CASE_UNIT}")
NEGATION = (
    r"(?:未发生|没有发生|未出现|没有出现|未收到|没有收到|未被|没有被|未有|未因|没有因|未产生|未涉及|不存在"
    r"|无(?!论|需|法))"
)


def _count(keyword: str) -> tuple[re.Pattern[str], ...]:
    return (
        re.compile(keyword + r"(?:案件|申请|案)?" + CASE_FILL + NUM + CASE_UNIT),
        re.compile(r"(?<!第)" + NUM + CASE_UNIT + r"(?:政府信息公开)?的?" + keyword + r"(?!后)"),
    )


COUNTS: dict[Fact, tuple[re.Pattern[str], ...]] = {
    "reconsideration": _count(RECON),
    "litigation": _count(LITIG),
}
NONE: dict[Fact, re.Pattern[str]] = {
    "reconsideration": re.compile(NEGATION + r"[^\d,，]{0,24}?" + RECON),
    "litigation": re.compile(NEGATION + r"[^\d,，]{0,24}?" + LITIG),
}

SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
CLAUSE = re.compile(r"[^,，]+")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
OTHER_SUBJECT = re.compile(r"信件|工单|热线|来电|信箱|留言|12345|咨询|投诉举报")
NOT_THIS_TOTAL = re.compile(r"其中|去年|同比|上年同期|往年|以来")
CARRIED = re.compile(r"上一?年度?结转|结转上年|含结转|包括结转")
OUTCOME_WORDS = re.compile(r"纠正|纠错|维持|败诉|撤销|结果|审结")
SUBSET_OF_LITIGATION = re.compile(r"直接|复议后|经复议|经行政复议")
ANY_COUNT = re.compile(rf"(?:{NUM_PATTERN}){CASE_UNIT}")


@dataclass(frozen=True)
class Statement:
    fact: Fact
    value: int
    quote: str  # the words as printed (normalised), to quote back to the clerk
    with_carried: bool = False  # the count says it includes requests carried over
    denied: bool = False  # "未收到…", "未发生…": zero in words


_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Full-width digits and punctuation to ASCII; no whitespace."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Clause:
    """A clause (between commas) of a normalised sentence."""

    sentence: str
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def quote(self) -> str:
        """The clause with what leads up to it in its sentence (for "2022年,我局…"), when short."""
        lead = self.sentence[: self.end]
        return lead if len(lead) <= MAX_QUOTE else self.text

    def other_year(self, m: re.Match[str], year: int | None) -> bool:
        """The last year named before the match is not the report's year."""
        if year is None:
            return False
        named = YEAR.findall(self.sentence[: self.start + m.start()])
        return bool(named) and int(named[-1]) != year

    def skip(self, m: re.Match[str], year: int | None) -> bool:
        """About something else, a part of a total, or another year."""
        head = self.text[: m.end()]
        return bool(OTHER_SUBJECT.search(self.text) or NOT_THIS_TOTAL.search(head)) or self.other_year(
            m, year
        )


MAX_QUOTE = 50


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    for p in patterns:
        m = p.search(text)
        if m:
            return m
    return None


def _value(m: re.Match[str]) -> int | None:
    return parse_int(m.group("n"))


def extract(text: str, year: int | None = None) -> list[Statement]:
    """Statements in a piece of prose that can be compared with the tables."""
    out: list[Statement] = []
    for raw in SENTENCE_END.split(text):
        out.extend(_statements(raw, year))
    return out


@lru_cache(maxsize=2048)
def _statements(raw: str, year: int | None) -> tuple[Statement, ...]:
    """The statements of one sentence as printed: the same for every sentence printed the same
    (reports repeat their template's sentences)."""
    sentence = normalize(raw)
    return tuple(_sentence(sentence, year)) if sentence else ()


def _sentence(sentence: str, year: int | None) -> Iterator[Statement]:
    received: Clause | None = None  # the clause that states the requests received
    for m in CLAUSE.finditer(sentence):
        clause = Clause(sentence, m.start(), m.group())
        if OTHER_SUBJECT.search(clause.text):
            continue
        got = _received(clause, year)
        if got:
            received = received or clause
            yield got
            continue
        if received is not None:
            yield from _processed(clause, received)
        yield from _appeals(clause, year)


def _received(clause: Clause, year: int | None) -> Statement | None:
    if "复议" in clause.text or "诉讼" in clause.text:
        return None
    if "申请" not in clause.text:  # every pattern below names a request (REQUEST)
        return None
    m = _first(RECEIVED, clause.text)
    value = _value(m) if m else None
    denied = m is None
    if denied:
        m = _first(RECEIVED_NONE, clause.text)
        value = 0
    if m is None or value is None or clause.skip(m, year):
        return None
    return Statement("received", value, clause.quote, bool(CARRIED.search(clause.sentence)), denied)


def _processed(clause: Clause, received: Clause) -> Iterator[Statement]:
    text = clause.text
    if NOT_THIS_TOTAL.search(text) or "复议" in text or "诉讼" in text:
        return
    m = PROCESSED.search(text)
    if m and (value := _value(m)) is not None:
        yield Statement("processed", value, clause.quote)
    elif ALL_PROCESSED.search(text):
        lead = clause.sentence[: clause.end]
        quote = lead if len(lead) <= 2 * MAX_QUOTE else f"{received.text}……{text}"
        yield Statement("all_processed", 0, quote)


def _appeals(clause: Clause, year: int | None) -> Iterator[Statement]:
    if RECON not in clause.text and LITIG not in clause.text:
        return
    both = BOTH_EACH.search(clause.text) or BOTH_TOTAL.search(clause.text)
    if both:
        value = _value(both)
        each = both.re is BOTH_EACH
        if value is not None and (each or value == 0) and not clause.skip(both, year):
            yield Statement("reconsideration", value, clause.quote)
            yield Statement("litigation", value, clause.quote)
        return
    facts: tuple[Fact, ...] = ("reconsideration", "litigation")
    for fact in facts:
        got = _appeal(clause, fact, year)
        if got:
            yield got


def _appeal(clause: Clause, fact: Fact, year: int | None) -> Statement | None:
    text = clause.text
    if fact == "litigation" and SUBSET_OF_LITIGATION.search(text):
        return None
    m = _first(COUNTS[fact], text)
    value = _value(m) if m else None
    denied = m is None
    if denied:
        m = NONE[fact].search(text)
        if m is None or ANY_COUNT.search(text) or OUTCOME_WORDS.search(text):
            return None
        value = 0
    if value is None or m is None or clause.skip(m, year):  # m: found above in both branches
        return None
    return Statement(fact, value, clause.quote, denied=denied)


# --- against the tables ----------------------------------------------------------------------

RECEIVED_CELL = "requests.new_received.total"
CARRIED_CELL = "requests.carried_over.total"
PROCESSED_CELL = "requests.total_processed.total"
FORWARD_CELL = "requests.carried_forward.total"
RECON_CELL = "appeals.reconsideration.total"
LITIGATION_CELLS = ("appeals.litigation_direct.total", "appeals.litigation_after_reconsideration.total")
HEADINGS = {s.key: s.heading for s in SECTIONS}


def check_prose(report: Report) -> list[Finding]:
    values: dict[str, Value] | None = None  # the tables' values, taken when a statement needs them
    ed = report.meta.edition
    seen: set[Statement] = set()
    out: list[Finding] = []
    for key, text in report.sections.items():
        if not text:
            continue
        for st in extract(text, report.meta.year):
            if st in seen:
                continue
            seen.add(st)
            if values is None:
                values = {a: v for a, v in report.values().items() if v is not None}
            got = _compare(st, values, ed, HEADINGS.get(key, key))
            if got:
                out.append(got)
    return out


def _said(st: Statement, where: str) -> str:
    zero = "（即0件）" if st.denied else ""
    return f"正文「{where}」部分写“{st.quote}”{zero}"


def _diff(a: Value, b: Value) -> str:
    return f"相差 {fmt(cast(Value, abs(a - b)))}"


def _compare(st: Statement, values: dict[str, Value], ed: str, where: str) -> Finding | None:
    said = _said(st, where)
    ask = "请核对正文和统计表，改正写错的一处。"
    if st.fact == "received":
        return _received_finding(st, values, ed, said, ask)
    if st.fact == "all_processed":
        forward = values.get(FORWARD_CELL)
        if forward is None or forward == 0:
            return None
        message = f"{said}，而{cell_label(ed, FORWARD_CELL)}为 {fmt(forward)}，即仍有申请未办结。{ask}"
        return finding("prose.mismatch", message, [FORWARD_CELL])
    cells = {"processed": (PROCESSED_CELL,), "reconsideration": (RECON_CELL,), "litigation": LITIGATION_CELLS}
    addresses = cells[st.fact]
    if any(values.get(a) is None for a in addresses):
        return None
    table = sum((values[a] for a in addresses), start=0)
    if table == st.value:
        return None
    parts = "，".join(f"{cell_label(ed, a)}为 {fmt(values[a])}" for a in addresses)
    total = f"，合计 {fmt(table)}" if len(addresses) > 1 else ""
    message = f"{said}，而{parts}{total}，{_diff(table, st.value)}。{ask}"
    return finding("prose.mismatch", message, list(addresses))


def _received_finding(
    st: Statement, values: dict[str, Value], ed: str, said: str, ask: str
) -> Finding | None:
    new = values.get(RECEIVED_CELL)
    if new is None or new == st.value:
        return None
    carried = values.get(CARRIED_CELL)
    if st.with_carried and carried is not None and new + carried == st.value:
        return None
    message = f"{said}，而{cell_label(ed, RECEIVED_CELL)}为 {fmt(new)}，{_diff(new, st.value)}。"
    cells = [RECEIVED_CELL]
    if carried and new + carried == st.value:
        row = row_of(ed, "requests", "carried_over")
        message += f"正文的数字等于本年新收加「{row}」{fmt(carried)}，如已含上年结转，请在正文中写明。"
        cells.append(CARRIED_CELL)
    return finding("prose.mismatch", message + ask, cells)
