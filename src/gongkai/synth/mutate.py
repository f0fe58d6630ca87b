"""Mutations of a report that keep track of what the mutated source still determines.

A :class:`Case` names a base document (a generated report, or a real file of ../shared), the
format it is written in, and two lists of operations:

* **model operations**, applied to the truth before it is written (generated reports only, every
  format): ``change`` (a digit of one cell changed: the tables no longer add up, and the printed
  value is the truth), ``swap`` (the values of two rows of a table exchanged: printed, so the truth
  follows), ``blank`` (a cell printed empty: only the identities can give it back, and the only value
  they can give is the original one). A ``blank`` is skipped in a table a ``change`` or ``swap``
  touched, so that what the identities determine stays the original value.
* **source operations**, applied to the written text or page: rows merged, split, swapped, a number
  deleted (text: lines and number tokens; HTML: ``<tr>`` and ``<td>``; DOCX: ``w:tr`` and ``w:tc``).
  They move or remove printed numbers but never change one: every number still belongs to the cell
  it was printed for. A removing one (a number or cell deleted or blanked) is skipped when a ``change`` or ``swap`` made
  the tables inconsistent: the identities would then determine another value than the one deleted.

:func:`build` returns the mutated bytes and the expectation: for every cell, the values a reader
may state (``read`` or ``inferred``); a cell not in the expectation must not be ``read``.
:func:`check` reads the bytes with gongkai and returns the cells stated against the expectation.

Operations are tuples of small integers resolved modulo the targets available when they are
applied, so that any integers make a valid case and Hypothesis shrinks them toward simple ones.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from gongkai.model.report import Cell, Report, Status
from gongkai.synth.convert import _html_text, data_rows, decode, grid_of

Value = int | str  # amounts as decimal strings
Expect = dict[str, tuple[Value, ...]]  # address → the values a reader may state; () = none
Op = tuple[str, int, int]

MODEL_OPS = ("change", "swap", "blank")
TEXT_OPS = ("merge", "split", "swap_lines", "delete")
HTML_OPS = ("tr_merge", "tr_split", "tr_swap", "td_delete", "td_blank")
REMOVING_OPS = ("delete", "td_delete", "td_blank")  # not applied together with change or swap
GEN_FORMATS = ("txt", "md", "html", "docx", "xlsx", "pdf")


@dataclass(frozen=True)
class Case:
    base: str  # "gen" (``report`` holds the truth), "seed:<file>", "real:<file>", "peer:<file>"
    fmt: str  # gen: one of GEN_FORMATS; real: "as-is" or a convert chain ("pdftotext_layout")
    model_ops: tuple[Op, ...] = ()
    source_ops: tuple[Op, ...] = ()
    report: str = ""  # gen: the base report as JSON (stable against changes of the generator)

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "fmt": self.fmt,
            "model_ops": [list(o) for o in self.model_ops],
            "source_ops": [list(o) for o in self.source_ops],
            "report": json.loads(self.report) if self.report else None,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Case:
        return cls(
            base=d["base"],
            fmt=d["fmt"],
            model_ops=tuple((str(o[0]), int(o[1]), int(o[2])) for o in d.get("model_ops", [])),
            source_ops=tuple((str(o[0]), int(o[1]), int(o[2])) for o in d.get("source_ops", [])),
            report=json.dumps(d["report"], ensure_ascii=False) if d.get("report") else "",
        )

    def describe(self) -> str:
        ops = [
            *(f"{k}({a},{b})" for k, a, b in self.model_ops),
            *(f"{k}({a},{b})" for k, a, b in self.source_ops),
        ]
        return f"{self.base} as {self.fmt}: {', '.join(ops) or 'unchanged'}"


def gen_case(seed: int, fmt: str, model_ops: tuple[Op, ...] = (), source_ops: tuple[Op, ...] = ()) -> Case:
    from gongkai.synth.generate import generate_report

    report = generate_report(random.Random(seed))
    return Case("gen", fmt, model_ops, source_ops, report.model_dump_json())


# -- model operations -------------------------------------------------------------------------


def _value(v: int | Decimal | None) -> Value | None:
    if v is None:
        return None
    return format(v, "f") if isinstance(v, Decimal) else v


def _changed(v: int | Decimal, k: int) -> int | Decimal:
    """``v`` with one digit raised (position and step from ``k``): a different, non-negative value."""
    text = format(v, "f") if isinstance(v, Decimal) else str(v)
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    pos = positions[k % len(positions)]
    digit = int(text[pos])
    new = str((digit + 1 + (k // len(positions)) % 9) % 10)
    if new == "0" and pos == positions[0] and len(positions) > 1 and not isinstance(v, Decimal):
        new = "1" if digit != 1 else "2"
    out = text[:pos] + new + text[pos + 1 :]
    return Decimal(out) if isinstance(v, Decimal) else int(out)


def apply_model_ops(report: Report, ops: tuple[Op, ...]) -> tuple[Report, Expect]:
    """The mutated report (cells blanked are ``missing``) and what its printed form determines."""
    report = report.model_copy(deep=True)
    cells = [(t, r, c) for t, rows in report.tables.items() for r, cols in rows.items() for c in cols]
    touched: set[str] = set()
    blanks: list[tuple[str, str, str]] = []
    for kind, a, b in ops:
        if kind == "change":
            t, r, c = cells[a % len(cells)]
            cell = report.tables[t][r][c]
            if cell.value is None:
                continue
            report.tables[t][r][c] = Cell(value=_changed(cell.value, b), status=Status.READ, raw="")
            touched.add(t)
        elif kind == "swap":
            pairs = [
                (t, rows_[i], rows_[i + 1])
                for t, rows in report.tables.items()
                for rows_ in [list(rows)]
                for i in range(len(rows_) - 1)
                if set(rows[rows_[i]]) == set(rows[rows_[i + 1]])
            ]
            if not pairs:
                continue
            t, r1, r2 = pairs[a % len(pairs)]
            report.tables[t][r1], report.tables[t][r2] = report.tables[t][r2], report.tables[t][r1]
            touched.add(t)
        elif kind == "blank":
            blanks.append(cells[a % len(cells)])
        else:
            raise ValueError(f"unknown model operation {kind!r}")
    expect: Expect = {}
    for t, r, c in cells:
        v = _value(report.tables[t][r][c].value)
        expect[f"{t}.{r}.{c}"] = () if v is None else (v,)
    for t, r, c in blanks:
        if t in touched:
            continue
        report.tables[t][r][c] = Cell(value=None, status=Status.MISSING, raw="")
    return report, expect


# -- text operations --------------------------------------------------------------------------

TOKEN = re.compile(r"(?<![^\s|｜])-?\d+(?:\.\d+)?(?![^\s|｜])")
CJK = re.compile(r"[\u4e00-\u9fff]")
GAP = re.compile(r"(?<=\S)[ \t\u3000]+(?=\S)")


def apply_text_ops(text: str, ops: tuple[Op, ...]) -> str:
    lines = text.split("\n")
    for kind, a, b in ops:
        if kind == "merge":
            idx = [i for i in range(len(lines) - 1) if TOKEN.search(lines[i]) or TOKEN.search(lines[i + 1])]
            if idx:
                i = idx[a % len(idx)]
                lines[i : i + 2] = [lines[i].rstrip() + " " + lines[i + 1].lstrip()]
        elif kind == "split":
            idx = [i for i, line in enumerate(lines) if TOKEN.search(line) and GAP.search(line)]
            if idx:
                i = idx[a % len(idx)]
                gaps = list(GAP.finditer(lines[i]))
                g = gaps[b % len(gaps)]
                lines[i : i + 1] = [lines[i][: g.start()], lines[i][g.end() :]]
        elif kind == "swap_lines":
            labelled = [bool(CJK.search(x) and TOKEN.search(x)) for x in lines]
            idx = [i for i in range(len(lines) - 1) if labelled[i] and labelled[i + 1]]
            if idx:
                i = idx[a % len(idx)]
                lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif kind == "delete":
            idx = [i for i, line in enumerate(lines) if TOKEN.search(line)]
            if idx:
                i = idx[a % len(idx)]
                tokens = list(TOKEN.finditer(lines[i]))
                m = tokens[b % len(tokens)]
                lines[i] = lines[i][: m.start()] + lines[i][m.end() :]
        else:
            raise ValueError(f"unknown text operation {kind!r}")
    return "\n".join(lines)


# -- HTML operations --------------------------------------------------------------------------

NUM = re.compile(r"^-?\d+(?:\.\d+)?$")


def _data_trs(doc: etree._Element) -> list[tuple[etree._Element, list[etree._Element]]]:
    """(table, its rows) for every table that holds numbers and no other table."""
    out = []
    for table in doc.iter("table"):
        if table.find(".//table") is not None:
            continue
        rows = [tr for tr in table.iter("tr") if _table_of(tr) is table]
        if rows and data_rows(grid_of(table)):
            out.append((table, rows))
    return out


def _table_of(el: etree._Element) -> etree._Element | None:
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _cells(tr: etree._Element) -> list[etree._Element]:
    return [td for td in tr if td.tag in ("td", "th")]


def _is_num(td: etree._Element) -> bool:
    return bool(NUM.match(" ".join("".join(str(x) for x in td.itertext()).split()).replace(",", "")))


def _self_contained(table: etree._Element, rows: list[etree._Element], i: int) -> bool:
    """Row ``i`` covers its grid row alone: no cell of it spans rows and none from above reaches it."""
    if any(_span(td, "rowspan") > 1 for td in _cells(rows[i])):
        return False
    g = grid_of(table)
    first = sum(len(_cells(rows[j])) for j in range(i))
    own = range(first, first + len(_cells(rows[i])))
    return i < len(g.cells) and all(x in own for x in g.cells[i] if x >= 0)


def _span(td: etree._Element, attr: str) -> int:
    try:
        return int(str(td.get(attr, "1")).strip() or 1)
    except ValueError:
        return 1


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def apply_html_ops(data: bytes, ops: tuple[Op, ...]) -> bytes:
    doc = lxml_html.document_fromstring(_html_text(data))
    for kind, a, b in ops:
        tables = _data_trs(doc)
        rows = [
            (t, trs, i)
            for t, trs in tables
            for i, tr in enumerate(trs)
            if any(_is_num(td) for td in _cells(tr))
        ]
        if not rows:
            break
        table, trs, i = rows[a % len(rows)]
        tr = trs[i]
        if kind == "tr_merge":
            if i + 1 < len(trs):
                nxt = trs[i + 1]
                for td in _cells(nxt):
                    tr.append(td)
                _remove(nxt)
        elif kind == "tr_split":
            cells = _cells(tr)
            if len(cells) >= 2:
                at = 1 + b % (len(cells) - 1)
                new = etree.Element("tr")
                for td in cells[at:]:
                    new.append(td)
                tr.addnext(new)
        elif kind == "tr_swap":
            pairs = [
                j
                for j in range(len(trs) - 1)
                if _self_contained(table, trs, j)
                and _self_contained(table, trs, j + 1)
                and len(_cells(trs[j])) == len(_cells(trs[j + 1]))
                and any(_is_num(td) for td in _cells(trs[j]))
                and any(_is_num(td) for td in _cells(trs[j + 1]))
            ]
            if pairs:
                j = pairs[b % len(pairs)]
                first, second = trs[j], trs[j + 1]
                _remove(second)
                first.addprevious(second)
        elif kind in ("td_delete", "td_blank"):
            nums = [td for td in _cells(tr) if _is_num(td)]
            td = nums[b % len(nums)]
            if kind == "td_delete":
                _remove(td)
            else:
                for child in list(td):
                    td.remove(child)
                td.text = ""
        else:
            raise ValueError(f"unknown HTML operation {kind!r}")
    return lxml_html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>").encode("utf-8")


# -- DOCX operations (the same kinds, on the tables of word/document.xml) ----------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _tc_text(tc: etree._Element) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{W}t")).strip()


def _tcs(tr: etree._Element) -> list[etree._Element]:
    return [tc for tc in tr if tc.tag == f"{W}tc"]


def _tc_num(tc: etree._Element) -> bool:
    return bool(NUM.match(_tc_text(tc).replace(",", "")))


def _merged_vertically(tr: etree._Element) -> bool:
    return any(tc.find(f"{W}tcPr/{W}vMerge") is not None for tc in _tcs(tr))


def apply_docx_ops(data: bytes, ops: tuple[Op, ...]) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    for kind, a, b in ops:
        rows = [
            (trs, i)
            for tbl in root.iter(f"{W}tbl")
            for trs in [[tr for tr in tbl if tr.tag == f"{W}tr"]]
            for i, tr in enumerate(trs)
            if any(_tc_num(tc) for tc in _tcs(tr))
        ]
        if not rows:
            break
        trs, i = rows[a % len(rows)]
        tr = trs[i]
        if kind == "tr_merge":
            if i + 1 < len(trs):
                for tc in _tcs(trs[i + 1]):
                    tr.append(tc)
                _remove(trs[i + 1])
        elif kind == "tr_split":
            cells = _tcs(tr)
            if len(cells) >= 2:
                new = etree.Element(f"{W}tr")
                for tc in cells[1 + b % (len(cells) - 1) :]:
                    new.append(tc)
                tr.addnext(new)
        elif kind == "tr_swap":
            pairs = [
                j
                for j in range(len(trs) - 1)
                if not _merged_vertically(trs[j])
                and not _merged_vertically(trs[j + 1])
                and len(_tcs(trs[j])) == len(_tcs(trs[j + 1]))
                and any(_tc_num(tc) for tc in _tcs(trs[j]))
                and any(_tc_num(tc) for tc in _tcs(trs[j + 1]))
            ]
            if pairs:
                j = pairs[b % len(pairs)]
                second = trs[j + 1]
                _remove(second)
                trs[j].addprevious(second)
        elif kind in ("td_delete", "td_blank"):
            nums = [tc for tc in _tcs(tr) if _tc_num(tc)]
            tc = nums[b % len(nums)]
            if kind == "td_delete":
                _remove(tc)
            else:
                for run in list(tc.iter(f"{W}r")):
                    _remove(run)
        else:
            raise ValueError(f"unknown DOCX operation {kind!r}")
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return out.getvalue()


# -- cases ------------------------------------------------------------------------------------


def _real(case: Case, shared: Path) -> tuple[bytes, str, Expect]:
    origin, name = case.base.split(":", 1)
    folder, truth_dir = {
        "seed": (shared / "seeds", shared / "seeds" / "truth"),
        "real": (shared / "corpus" / "real", shared / "corpus" / "truth"),
        "peer": (shared / "corpus" / "peer", shared / "corpus" / "truth"),
    }[origin]
    path = folder / name
    truth = json.loads((truth_dir / f"{path.stem}.json").read_text(encoding="utf-8"))["cells"]
    expect: Expect = {k: () if v is None else (v,) for k, v in truth.items()}
    data = path.read_bytes()
    kind = {".html": "html", ".htm": "html", ".pdf": "pdf"}.get(path.suffix.lower(), "txt")
    if case.fmt != "as-is":
        from gongkai.synth.convert import chain_kind, derive

        data, kind = derive(data, kind, case.fmt), chain_kind(kind, case.fmt)
    return data, kind, expect


def build(case: Case, shared: Path | None = None) -> tuple[bytes, Expect]:
    """The mutated source and what it determines (see the module's docstring)."""
    if case.base == "gen":
        from gongkai.synth.corpus import render

        report = Report.model_validate_json(case.report)
        ops = case.model_ops
        if case.fmt == "xlsx":  # a blank input of the template is 0 to its formulas: not a lost cell
            ops = tuple(op for op in ops if op[0] != "blank")
        report, expect = apply_model_ops(report, ops)
        if case.fmt == "xlsx":
            expect = _formula_totals(report, expect)
        data = render(report, case.fmt)
        kind = {"html": "html", "txt": "txt", "md": "txt"}.get(case.fmt, case.fmt)
    else:
        if case.model_ops:
            raise ValueError("model operations need a generated report")
        if shared is None:
            raise ValueError("a real base needs ../shared")
        data, kind, expect = _real(case, shared)
    source_ops = case.source_ops
    if any(k in ("change", "swap") for k, _, _ in case.model_ops):
        # A number deleted from a table that no longer adds up: its identity would give another
        # value than the one printed before, and that value is what the source then determines.
        source_ops = tuple(op for op in source_ops if op[0] not in REMOVING_OPS)
    if source_ops:
        if kind == "html":
            data = apply_html_ops(data, source_ops)
        elif kind == "txt":
            data = apply_text_ops(decode(data), source_ops).encode("utf-8")
        elif kind == "docx":
            data = apply_docx_ops(data, source_ops)
        else:
            raise ValueError(f"no source operations on {kind}")
    return data, expect


def _formula_totals(report: Report, expect: Expect) -> Expect:
    """The template writes every total as a ``=SUM`` of its parts and no cached value: what the
    workbook determines of a total is the sum of its (mutated) parts."""
    from gongkai.write.layout import totals

    sums = totals(report.meta.edition or "2021")
    expect = dict(expect)
    for _ in range(len(sums)):  # totals of totals: repeat until nothing changes
        changed = False
        for total, parts in sums.items():
            values = [expect.get(p, ()) for p in parts]
            if not all(len(v) == 1 for v in values):
                continue
            parts_v = [v[0] for v in values]
            total_v = sum(Decimal(str(v)) for v in parts_v)
            new = (int(total_v),) if all(isinstance(v, int) for v in parts_v) else (format(total_v, "f"),)
            if expect.get(total) != new:
                expect[total], changed = new, True
        if not changed:
            break
    return expect


@dataclass
class Outcome:
    refused: bool = False
    stated: int = 0
    wrong: list[tuple[str, str, str, str]] = field(default_factory=list)  # key, expected, stated, status


def check_report(report: Report | None, expect: Expect) -> Outcome:
    out = Outcome(refused=report is None)
    if report is None:
        return out
    for t, rows in report.tables.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                if not cell.known:
                    continue
                key, got = f"{t}.{r}.{c}", _value(cell.value)
                if key not in expect:
                    if cell.status == Status.READ:
                        out.wrong.append((key, "<absent>", str(got), str(cell.status)))
                    continue
                if any(_same(got, v) for v in expect[key]):
                    out.stated += 1
                else:
                    out.wrong.append(
                        (key, "|".join(map(str, expect[key])) or "<none>", str(got), str(cell.status))
                    )
    return out


def _same(a: Value | None, b: Value) -> bool:
    if a is None or isinstance(a, bool):
        return False
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return False


def check(case: Case, shared: Path | None = None) -> Outcome:
    """Build ``case``, read it with gongkai (refusal states nothing), compare with what it determines."""
    from gongkai.api import parse_bytes
    from gongkai.errors import GongkaiError

    data, expect = build(case, shared)
    try:
        report: Report | None = parse_bytes(data, "mutated")
    except GongkaiError:
        report = None
    return check_report(report, expect)


def shrink(case: Case, fails: Any) -> Case:
    """A smaller case that still ``fails`` (a predicate): operations dropped one at a time, then
    their integers lowered."""
    best = case
    changed = True
    while changed:
        changed = False
        for attr in ("model_ops", "source_ops"):
            ops = getattr(best, attr)
            for i in range(len(ops)):
                trial = _with(best, attr, ops[:i] + ops[i + 1 :])
                if fails(trial):
                    best, changed = trial, True
                    break
            if changed:
                break
        if changed:
            continue
        for attr in ("model_ops", "source_ops"):
            ops = getattr(best, attr)
            for i, (k, a, b) in enumerate(ops):
                for na, nb in ((0, b), (a, 0), (a // 2, b), (a, b // 2)):
                    if (na, nb) != (a, b):
                        trial = _with(best, attr, (*ops[:i], (k, na, nb), *ops[i + 1 :]))
                        if fails(trial):
                            best, changed = trial, True
                            break
                if changed:
                    break
            if changed:
                break
    return best


def _with(case: Case, attr: str, ops: tuple[Op, ...]) -> Case:
    return Case(
        case.base,
        case.fmt,
        ops if attr == "model_ops" else case.model_ops,
        ops if attr == "source_ops" else case.source_ops,
        case.report,
    )
