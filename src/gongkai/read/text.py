"""The text reader: a report as plain text (copied from a PDF or web page) to a :class:`Report`."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache

from gongkai.errors import NotAReportError
from gongkai.model.identities import Identity, identities
from gongkai.model.keys import (
    ACTIVE_GROUP_HEADERS,
    APPLICANT_COLUMNS,
    OTHER_ROWS_2021,
    REQUEST_COLUMN_KEYS,
    REQUEST_GROUP_HEADERS,
    REQUEST_HEADER_MARKS,
    SECTIONS,
    Edition,
    EditionKey,
    Table,
    edition,
    edition_for_year,
)
from gongkai.model.report import At, Cell, Finding, Meta, Report, Severity, Source, Status, TextAt, trusted
from gongkai.read.columns import header_words, place_function
from gongkai.read.meta import agency_from_prose, agency_from_title, find_title, region_of, year_of
from gongkai.read.placing import Placer, appeal_by_cells, appeal_by_place
from gongkai.read.sections import find_headings, read_sections
from gongkai.read.solve import Result, solve, violated
from gongkai.read.tables import (
    APPEAL_ADDRESSES,
    Rows,
    active_segments,
    appeal_segments,
    displaced_rows,
    doubtful_association,
    edition_votes,
    label_spans,
    own_numbers_first,
    printed_columns,
    request_segments,
    scan_active,
    scan_requests,
    shifted_association,
    this_years_table,
    tied_rows,
    without_cut_numbers,
)
from gongkai.read.tokens import Token, tokenize
from gongkai.read.unfold import tidy_table_lines, unfold
from gongkai.read.unread import drop_contradicted

TABLE_SECTIONS = {"active_disclosure", "requests", "appeals"}
_REQUESTS_HEADING_WORDS = next(s.signatures for s in SECTIONS if s.key == "requests")


Locate = Callable[[int, int], At | None]
"""Where a printed cell was, from its line and cell index (cells are tab-separated)."""


def read_text(
    text: str, source: Source | None = None, *, locate: Locate | None = None, places: Locate | None = None
) -> Report:
    """Read a report given as text. Raises :class:`NotAReportError` when there is none in it.

    Other formats (HTML, PDF, DOCX, XLSX) turn their tables into lines of tab-separated cells
    and pass ``locate`` so that every cell's ``at`` names the page and box, or table cell, it
    came from; without it ``at`` is ``{"line": N}``. ``places`` locates cells in the grid the
    reader lines numbers up by, where that differs from the source (a table turned back).
    """
    source = source or Source(name="-", sha256="", format="text")
    placeless = locate is None and places is None  # plain text: no grid or page places
    text = tidy_table_lines(text)
    unfolded = unfold(text.lstrip("\ufeff"))
    if unfolded is not None:  # the report run together on a line: broken at headings and labels
        text, origin = unfolded
        locate = _unfolded_locate(origin, locate)
        places = _unfolded_locate(origin, places) if places is not None else None
    lines = text.lstrip("\ufeff").splitlines()
    headings = find_headings(lines)
    at_line = {h.key: h.line for h in headings}
    after_tables = min((at_line[k] for k in ("problems", "other_matters") if k in at_line), default=None)
    # only the lines that can hold the tables are tokenised: prose sections are skipped
    first = at_line.get("active_disclosure") or at_line.get("requests") or 1
    last = after_tables if after_tables is not None and after_tables > first else len(lines)
    tokens = _without_page_numbers(tokenize(lines, first, last), lines)
    title, _ = find_title(lines)
    year = year_of(title, text)

    token_lines = [t.line for t in tokens]  # rising: tokens are in the order of their lines

    def index_of(line: int | None, default: int) -> int:
        """The index of the first token after ``line``."""
        if line is None:
            return default
        return bisect.bisect_right(token_lines, line)

    n = len(tokens)
    req_start = index_of(at_line.get("requests") or at_line.get("active_disclosure"), 0)
    req_end = index_of(at_line.get("appeals") or after_tables, n)
    repeated = False
    twice = this_years_table(tokens, req_start, req_end, year)
    if twice is not None:  # the requests table printed twice (this year's and last year's)
        repeated = twice == (0, 0)
        req_start, req_end = twice if not repeated else (req_start, req_end)
    requests = scan_requests(tokens, req_start, req_end)

    act_start = index_of(at_line.get("active_disclosure"), 0)
    # without the requests heading (its ordinal lost or misread: "1 收到和处理…"), the active
    # table ends at the line that still carries the heading's words, or else where the requests
    # table's first row is
    first_request = min(requests.label_line.values(), default=None)
    act_end = index_of(at_line.get("requests"), n)
    if "requests" not in at_line and first_request is not None:
        act_end = index_of(first_request - 1, n)
        for i in range(act_start, act_end):
            if tokens[i].kind == "text" and any(w in tokens[i].text for w in _REQUESTS_HEADING_WORDS):
                act_end = index_of(tokens[i].line - 1, n)
                break
    if not requests.found and "requests" not in at_line:
        act_end = req_end
    ed = _edition(tokens, act_start, act_end, requests, year)
    active = scan_active(tokens, act_start, act_end, ed)

    app_start = index_of(at_line.get("appeals"), requests.end if requests.found else req_end)
    app_end = index_of(after_tables, n)
    place = place_function(places or locate)  # a grid's places, where they differ from ``at``
    appeal_segs = appeal_segments(tokens, app_start, app_end, lines, place)

    if (
        not headings
        and not requests.found
        and not active.found
        and appeal_segs is not None
        and not appeal_segs
    ):
        raise NotAReportError(
            "未在文件中找到政府信息公开工作年度报告的章节标题或统计表格，它可能不是一份年度报告。",
            source=source.name,
        )

    spec = edition(ed)
    results: dict[str, Result] = {}
    by_line: dict[int, list[Token]] = {}
    for t in tokens:
        by_line.setdefault(t.line, []).append(t)

    def line_of(i: int) -> int:
        return tokens[i].line if i < n else len(lines) + 1

    req_placer = Placer(
        "requests",
        by_line,
        line_of(req_start),
        place,
        ignore=REQUEST_GROUP_HEADERS,
        group=REQUEST_GROUP_HEADERS[0],
        group_members=APPLICANT_COLUMNS[1:],
        row_lines=set(requests.label_line.values()),
        lines=lines,
    )
    act_placer = Placer(
        "active_disclosure",
        by_line,
        line_of(act_start),
        place,
        ignore=ACTIVE_GROUP_HEADERS,
        row_lines=set(active.label_line.values()),
        lines=lines,
    )
    scrambled = [
        t
        for t, bad in (("active_disclosure", active.scrambled(3)), ("requests", requests.scrambled()))
        if bad
    ] + (["appeals"] if appeal_segs is None else [])
    req_header = _texts_between(by_line, line_of(req_start) - 1, min(requests.label_line.values(), default=0))
    spans = label_spans(requests, by_line)  # the rows' label lines (own_numbers_first keeps them)
    requests = without_cut_numbers(own_numbers_first(requests, by_line, spans, lines), by_line)
    req_segs, extra, virtual = request_segments(requests, ed, req_placer, req_header)
    if not req_placer.placed:
        edition_rows = _row_keys(ed, "requests")
        req_segs = doubtful_association(req_segs, requests, by_line, spans, lines, edition_rows)
        row_ids = [i for i in identities(ed) if i.rule == "requests.row_total"]
        req_segs = displaced_rows(req_segs, requests, by_line, row_ids)
        req_segs = shifted_association(req_segs, requests, by_line)
    tied = (
        tied_rows(requests, len(REQUEST_COLUMN_KEYS), by_line)
        if "requests" in scrambled and not repeated
        else None
    )
    if repeated:  # which of the two tables is this year's is not shown: neither is read
        req_segs, extra, virtual = [], [], []
    elif "requests" in scrambled:
        req_segs, extra, virtual = (
            request_segments(tied, ed, req_placer, req_header) if tied else ([], [], [])
        )
        if violated(req_segs, [*identities(ed), *extra]):  # a row tied to another's label
            req_segs, extra, virtual, tied = [], [], [], None
    req_addresses = list(_table_addresses(ed, "requests"))
    req_results = _only(solve(req_segs, [*identities(ed), *extra], [*req_addresses, *virtual]), req_addresses)
    columns = printed_columns(req_segs)
    if columns is not None:
        rows_in_order = [r.key for r in spec.table("requests").rows]
        drop_contradicted(req_results, "requests", rows_in_order, columns, tokens[req_start : requests.end])
    results.update(req_results)
    app_ids = [i for i in identities(ed) if i.rule.startswith("appeals.")]
    placed = appeal_by_place(tokens[app_start:app_end], by_line, line_of(app_start), place, req_placer.width)
    if not placed and placeless:  # a separated copy: its cells may line up
        placed = appeal_by_cells(lines, [t for t in tokens[app_start:app_end] if t.kind != "text"])
    if placed:
        appeal_segs = placed
    results.update(solve(appeal_segs or [], app_ids, APPEAL_ADDRESSES))
    act_addresses = list(_table_addresses(ed, "active_disclosure"))
    act_headers = _row_header_texts(by_line, line_of(act_start), active, spec.table("active_disclosure"))
    act_segs = (
        []
        if "active_disclosure" in scrambled
        else active_segments(without_cut_numbers(active, by_line), ed, act_placer, act_headers)
    )
    results.update(solve(act_segs, [], act_addresses))
    results = _cut_off(results, identities(ed))

    tables = _tables(ed, results, locate or _line_at)
    agency = agency_from_title(title) if title else None
    agency = agency or agency_from_prose(text)
    sections, section_findings = read_sections(lines, headings, TABLE_SECTIONS, spec)
    meta = Meta(title=title, agency=agency, region=region_of(agency), year=year, edition=ed)
    findings = [_repeated_finding(spec)] if repeated else []
    findings += _shape_findings(requests, ed) + [
        _scrambled_finding(spec, t, tied if t == "requests" else None) for t in scrambled
    ]
    findings += section_findings
    findings += [
        _columns_finding(spec, p.table, sorted(p.refused)) for p in (act_placer, req_placer) if p.refused
    ]
    return Report(source=source, meta=meta, sections=sections, tables=tables, findings=findings)


_TABLE_NAMES = {
    "active_disclosure": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "appeals": "行政复议、行政诉讼情况",
}


def _repeated_finding(spec: Edition) -> Finding:
    return Finding(
        rule="table.repeated",
        severity=Severity.WARNING,
        cells=[a for a in spec.addresses if a.startswith("requests.")],
        message=(
            "「收到和处理政府信息公开申请情况」表出现了两次（如本年度与上年度对比），表题中的年份无法确定"
            "哪一张是本报告年度的，为避免读错，本表未读取。请在每张表的表题中写明年份，或只保留本年度的表。"
        ),
    )


def _scrambled_finding(spec: Edition, table: str, tied: Rows | None = None) -> Finding:
    """The table's text is out of reading order; with ``tied``, the rows read all the same."""
    kept = tied.numbers if tied is not None else {}
    done = "本表只读取了行标题后紧跟一整行数字的行，其余的行未读取" if kept else "本表未读取"
    return Finding(
        rule="table.scrambled",
        severity=Severity.WARNING,
        cells=[a for a in spec.addresses if a.startswith(table + ".") and a.split(".")[1] not in kept],
        message=(
            f"「{_TABLE_NAMES[table]}」表的文字顺序是乱的（行标题与数字没有按表格的阅读顺序排列，"
            f"常见于用某些工具从 PDF 直接提取的文字），无法可靠地对应数字和单元格，{done}。"
            "请改用原始 PDF、Word 或网页文件，或复制时保留版面（如 pdftotext -layout）。"
        ),
    )


def _columns_finding(spec: Edition, table: str, rows: list[str]) -> Finding:
    return Finding(
        rule="table.columns_unclear",
        severity=Severity.WARNING,
        cells=[a for a in spec.addresses if a.split(".")[0] == table and a.split(".")[1] in rows],
        message=(
            f"「{_TABLE_NAMES[table]}」表的栏目顺序与规定格式不同，而表头无法完整辨认，"
            "无法可靠地确定每个数字属于哪一栏，相关行未读取。请核对原件的表头。"
        ),
    )


def _texts_between(by_line: dict[int, list[Token]], after: int, before: int) -> list[Token]:
    """The text tokens of the lines strictly between ``after`` and ``before``: a header."""
    return [t for ln in range(after + 1, before) for t in by_line.get(ln, ()) if t.kind == "text"]


def _row_header_texts(
    by_line: dict[int, list[Token]], first_line: int, rows: Rows, table: Table
) -> dict[str, list[Token]]:
    """For each row of a table with sub-headers (主动公开), the header text printed nearest above
    it: the text between the previous row's last line and its label; a row with no header
    words above it keeps the previous row's."""
    out: dict[str, list[Token]] = {}
    prev_end = first_line - 1
    current: list[Token] = []
    for key in (r.key for r in table.rows if r.key in rows.label_line):
        line = rows.label_line[key]
        between = _texts_between(by_line, prev_end, line)
        if any(col for _, _, col in header_words(between, table.row(key).columns)):
            current = between
        out[key] = current
        nums = rows.numbers.get(key) or []
        prev_end = max([line, *(t.line for t in nums)])
    return out


def _shape_findings(requests: Rows, ed: EditionKey) -> list[Finding]:
    """Rows printed in the other edition's shape: the reader alone can see it."""
    if (
        ed == "2021"
        and requests.numbers.get("other_handling")
        and not any(requests.numbers.get(r) for r in OTHER_ROWS_2021)  # the group's label, over its rows
    ):
        rule, row, cell_rows = "requests.other_handling_merged", "other_handling", OTHER_ROWS_2021
        msg = (
            "按2021年版格式，「（六）其他处理」应分三项填报，本报告只填了一行合计"
            f"（第{requests.label_line[row]}行）。合计为0的列已推定三项均为0，其余各项无法拆分，请按三项分别填报。"
        )
    elif ed == "2019" and any(requests.numbers.get(r) for r in OTHER_ROWS_2021):
        rule, cell_rows = "requests.other_handling_split", ("other_handling",)
        row = next(r for r in OTHER_ROWS_2021 if requests.numbers.get(r))
        msg = (
            "本报告按2019年版格式填报，但「（六）其他处理」分成了2021年版的三项"
            f"（第{requests.label_line[row]}行起），已按三项之和读作「（六）其他处理」。"
        )
    else:
        return []
    cells = [f"requests.{r}.{c}" for r in cell_rows for c in REQUEST_COLUMN_KEYS]
    at = TextAt(line=requests.label_line[row])
    return [Finding(rule=rule, severity=Severity.WARNING, cells=cells, message=msg, at=at)]


_CELL_MARKS = re.compile(r"[\s|｜¦]+")  # blanks and cell separators: "12 |" holds only 12


def _without_page_numbers(tokens: list[Token], lines: list[str]) -> list[Token]:
    """The tokens without a page number left between the pages of a table: a line holding one
    number alone (beside cell separators, as a one-cell-a-line copy writes it: "12 |"), followed
    by the table's header printed again (a line with a word of
    ``REQUEST_HEADER_MARKS`` seen on an earlier line: the header repeated at the top of the
    next page)."""
    seen: set[str] = set()
    before: set[int] = set()  # the last non-empty line before each header printed again
    for i, text in enumerate(lines, start=1):
        words = {w for w in REQUEST_HEADER_MARKS if w in text}
        if words & seen:
            j = i - 1
            while j >= 1 and not lines[j - 1].strip():
                j -= 1
            before.add(j)
        seen |= words
    if not before:
        return tokens
    by_line: dict[int, list[Token]] = {}
    for t in tokens:
        if t.line in before:
            by_line.setdefault(t.line, []).append(t)
    drop = {
        j
        for j, toks in by_line.items()
        if len(toks) == 1 and toks[0].kind == "num" and _CELL_MARKS.sub("", lines[j - 1]) == toks[0].raw
    }
    return [t for t in tokens if t.line not in drop] if drop else tokens


def _cut_off(results: dict[str, Result], ids: tuple[Identity, ...]) -> dict[str, Result]:
    """Printed numbers that may have lost their last digits are not ``read``.

    A converter that crops a page (pdftotext, pymupdf4llm on a table wider than the page) keeps
    the first digits of a number crossing the edge: 140 for 14069. Where an identity whose
    cells were all read does not add up, the last number of its line (the one at the edge)
    whose digits begin the value that would make it add up is doubtful: ``ambiguous``, with the
    printed and that value as its candidates (neither is chosen)."""
    last: dict[int, int] = {}  # line -> cell index of the last number read on it
    for res in results.values():
        if res.obs is not None and res.obs.line is not None:
            last[res.obs.line] = max(last.get(res.obs.line, -1), res.obs.cell)
    read = {a: r.value for a, r in results.items() if r.status == Status.READ and isinstance(r.value, int)}
    out = results
    for ident in ids:
        residual = ident.residual(read)
        if not residual:
            continue  # a cell not read (or not a count), or the identity holds
        for address, c in ident.terms:
            r, v = results[address], read[address]
            whole = v - c * residual
            printed, needed = str(v), str(whole)
            at_edge = r.obs is not None and r.obs.line is not None and last[r.obs.line] == r.obs.cell
            if at_edge and v > 0 and len(needed) > len(printed) and needed.startswith(printed):
                if out is results:
                    out = dict(results)
                out[address] = Result(None, Status.AMBIGUOUS, r.obs, [v, int(whole)])
    return out


@cache
def _table_addresses(ed: EditionKey, table: str) -> tuple[str, ...]:
    """An edition's addresses in one table, in order."""
    return tuple(a for a in edition(ed).addresses if a.startswith(table + "."))


@cache
def _row_keys(ed: EditionKey, table: str) -> frozenset[str]:
    """The keys of an edition's rows in one table (as its addresses name them)."""
    return frozenset(a.split(".")[1] for a in _table_addresses(ed, table))


def _only(results: dict[str, Result], keep: list[str]) -> dict[str, Result]:
    return {a: results[a] for a in keep}


def _edition(tokens: list[Token], start: int, end: int, requests: Rows, year: int | None) -> EditionKey:
    """The edition by the tables' shape; the year decides only when the shape does not.

    The active-disclosure table's columns differ wholly between editions and weigh most; a
    single (六)其他处理 row is weak evidence (2021 reports printed in a hurry keep it).
    """
    v21, v19 = edition_votes(tokens, start, end)
    v21, v19 = 3 * v21, 3 * v19
    if any(requests.numbers.get(r) for r in ("other_overdue_correction", "other_overdue_fee")):
        v21 += 2
    elif requests.numbers.get("other_handling"):
        v19 += 1
    if year is not None:
        v21 += year >= 2021
        v19 += year <= 2020
    if v21 != v19:
        return "2021" if v21 > v19 else "2019"
    return edition_for_year(year)


def _unfolded_locate(origin: list[int], locate: Locate | None) -> Locate:
    """A locator for unfolded text: where its line came from in the original."""

    def at(line: int, cell: int) -> At | None:
        if not 1 <= line <= len(origin):
            return None
        if locate is None:
            return _line_at(origin[line - 1], cell)
        return locate(origin[line - 1], 0)

    return at


def _line_at(line: int, cell: int) -> At:
    return trusted(TextAt, {"line": line})


def _tables(
    ed: EditionKey, results: dict[str, Result], locate: Locate
) -> dict[str, dict[str, dict[str, Cell]]]:
    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    unread = Result()  # only read here
    for t_key, table_rows in _cell_layout(ed):
        rows: dict[str, dict[str, Cell]] = {}
        for r_key, row_cols in table_rows:
            cols: dict[str, Cell] = {}
            for c_key, address, amount in row_cols:
                res = results.get(address) or unread
                obs = res.obs
                cols[c_key] = trusted(
                    Cell,
                    {
                        "value": _as(res.value, amount),
                        "status": res.status,
                        "raw": obs.raw if obs else "",
                        "at": locate(obs.line, obs.cell) if obs and obs.line else None,
                        "candidates": [_as(v, amount) for v in res.candidates] if res.candidates else None,
                    },
                )
            rows[r_key] = cols
        tables[t_key] = rows
    return tables


@cache
def _cell_layout(
    ed: EditionKey,
) -> tuple[tuple[str, tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...]], ...]:
    """An edition's tables, rows and columns in order: each column's key, address and whether
    it holds an amount."""
    return tuple(
        (
            t.key,
            tuple(
                (r.key, tuple((c.key, f"{t.key}.{r.key}.{c.key}", c.kind == "amount") for c in r.columns))
                for r in t.rows
            ),
        )
        for t in edition(ed).tables
    )


def _as(value: int | Decimal | None, amount: bool) -> int | Decimal | None:
    if value is None or not amount or isinstance(value, Decimal):
        return value
    return Decimal(value)


__all__ = ["Locate", "read_text"]
