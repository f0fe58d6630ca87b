"""Synthetic corpora of :class:`ReportRecord` for tests, benchmarks and trying the commands.

Agencies sit in a three-level region hierarchy (province / city / county) and report for several
years, with the edition their year requires. Some records carry corrections, error findings or
unknown (missing, ambiguous) cells, as a real corpus does.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from decimal import Decimal

from gongkai.model.keys import edition, edition_for_year
from gongkai.model.report import Cell, Finding, Meta, Report, Severity, Source, Status, empty_tables
from gongkai.store.records import ReportRecord
from gongkai.synth.generate import generate_values, pick_profile, tables_from_values

PROVINCES = ("江苏省", "浙江省", "河南省")
CITIES = ("江州市", "南阳市", "临川市", "宁州市", "云中市", "海陵市")
COUNTIES = (
    "清河县",
    "青山区",
    "南平县",
    "东阳区",
    "临江县",
    "安宁县",
    "永和区",
    "长乐县",
    "新丰县",
    "宁远县",
)
BUREAUS = (
    "人民政府办公室",
    "生态环境局",
    "自然资源和规划局",
    "教育局",
    "市场监督管理局",
    "财政局",
    "公安局",
    "交通运输局",
    "农业农村局",
    "卫生健康委员会",
)


def regions() -> list[tuple[str, ...]]:
    """Every region path of the synthetic hierarchy: provinces, their cities, their counties."""
    out: list[tuple[str, ...]] = []
    for p in PROVINCES:
        out.append((p,))
        for c in CITIES:
            out.append((p, c))
            out.extend((p, c, k) for k in COUNTIES)
    return out


def agencies(seed: int = 0) -> list[tuple[tuple[str, ...], str]]:
    """Every (region path, agency name), in an order shuffled by ``seed``."""
    out = [(path, "".join(path) + bureau) for path in regions() for bureau in BUREAUS]
    random.Random(seed).shuffle(out)
    return out


def synthetic_records(
    n: int,
    seed: int = 0,
    years: Sequence[int] = (2019, 2020, 2021, 2022, 2023),
    *,
    p_corrected: float = 0.1,
    p_error: float = 0.1,
    p_unknown: float = 0.05,
) -> list[ReportRecord]:
    """``n`` records: agencies in turn, each reporting for every year in ``years``."""
    return list(
        iter_synthetic_records(n, seed, years, p_corrected=p_corrected, p_error=p_error, p_unknown=p_unknown)
    )


def iter_synthetic_records(
    n: int,
    seed: int = 0,
    years: Sequence[int] = (2019, 2020, 2021, 2022, 2023),
    *,
    p_corrected: float = 0.1,
    p_error: float = 0.1,
    p_unknown: float = 0.05,
) -> Iterator[ReportRecord]:
    """The records of :func:`synthetic_records`, one at a time (a corpus larger than memory)."""
    rng = random.Random(seed)
    names = agencies(seed)
    made = 0
    agency_id = 0
    while made < n:
        path, name = names[agency_id % len(names)]
        if agency_id >= len(names):  # more agencies than names: number the repeats
            name += f"（{agency_id // len(names) + 1}）"
        agency_id += 1
        profile = pick_profile(rng)
        for year in years:
            if made >= n:
                break
            made += 1
            yield make_record(
                rng,
                report_id=made,
                agency_id=agency_id,
                agency=name,
                region_path=path,
                year=year,
                profile=profile,
                p_corrected=p_corrected,
                p_error=p_error,
                p_unknown=p_unknown,
            )


def make_record(
    rng: random.Random,
    *,
    report_id: int,
    agency_id: int,
    agency: str,
    region_path: tuple[str, ...],
    year: int,
    profile: str | None = None,
    p_corrected: float = 0.0,
    p_error: float = 0.0,
    p_unknown: float = 0.0,
) -> ReportRecord:
    ed = edition_for_year(year)
    values = generate_values(rng, ed, profile or pick_profile(rng))  # type: ignore[arg-type]
    report = Report(
        source=Source(name=f"synth-{report_id}.txt", sha256="", format="synth"),
        meta=Meta(agency=agency, region="".join(region_path) or None, year=year, edition=ed),
        tables=tables_from_values(ed, values),
    )
    addresses = edition(ed).addresses
    corrected: frozenset[str] = frozenset()
    if rng.random() < p_corrected:
        corrected = frozenset(rng.sample(addresses, k=rng.randint(1, 3)))
    findings: list[Finding] = []
    if rng.random() < p_error:
        findings.append(
            Finding(
                rule="requests.balance",
                severity=Severity.ERROR,
                cells=["requests.new_received.total", "requests.total_processed.total"],
                message="第一项加第二项之和不等于第三项加第四项之和。",
            )
        )
    if rng.random() < p_unknown:
        for address in rng.sample(addresses, k=rng.randint(1, 4)):
            t, r, c = address.split(".")
            report.tables[t][r][c] = Cell(status=rng.choice((Status.MISSING, Status.AMBIGUOUS)))
        findings.append(
            Finding(rule="cell.blank", severity=Severity.WARNING, cells=[], message="有单元格缺失。")
        )
    return ReportRecord(
        report_id=report_id,
        agency_id=agency_id,
        agency=agency,
        region="".join(region_path) or None,
        region_path=region_path,
        year=year,
        edition=ed,
        report=report,
        findings=findings,
        corrected=corrected,
    )


def record_with(
    values: dict[str, int | Decimal],
    *,
    report_id: int,
    agency: str,
    region_path: tuple[str, ...],
    year: int,
    agency_id: int | None = None,
    unknown: Sequence[str] = (),
    findings: Sequence[Finding] = (),
    corrected: Sequence[str] = (),
) -> ReportRecord:
    """A record whose cells are all read as 0 except ``values``; ``unknown`` cells are missing.

    For hand-computed expectations: the identities need not hold.
    """
    ed = edition_for_year(year)
    spec = edition(ed)
    tables = empty_tables(ed)
    for address in spec.addresses:
        t, r, c = address.split(".")
        v: int | Decimal = values.get(address, 0)
        if spec.column(address).kind == "amount":
            v = Decimal(v)
        tables[t][r][c] = Cell(value=v, status=Status.READ, raw=str(v))
    for address in values:
        if address not in spec.addresses:
            raise KeyError(f"{address} is not a cell of edition {ed}")
    for address in unknown:
        t, r, c = address.split(".")
        tables[t][r][c] = Cell(status=Status.MISSING)
    region = "".join(region_path) or None
    report = Report(
        source=Source(name=f"hand-{report_id}.txt", sha256="", format="synth"),
        meta=Meta(agency=agency, region=region, year=year, edition=ed),
        tables=tables,
    )
    return ReportRecord(
        report_id=report_id,
        agency_id=agency_id if agency_id is not None else report_id,
        agency=agency,
        region=region,
        region_path=region_path,
        year=year,
        edition=ed,
        report=report,
        findings=list(findings),
        corrected=frozenset(corrected),
    )
