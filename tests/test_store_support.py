"""Fixtures and helpers shared by the store tests (no tests of its own).

``db_url``: a fresh empty store for each test, on SQLite always and on PostgreSQL when
``GONGKAI_TEST_POSTGRES_URL`` is set (one database created per test session and dropped after;
each test starts from an empty schema). ``series``: one agency's reports over several years, as
the text a user would ingest.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from gongkai.api import parse_bytes
from gongkai.model.keys import APPLICANT_COLUMNS, edition, edition_for_year
from gongkai.model.report import Meta, Report, Source
from gongkai.store.db import scratch_database
from gongkai.synth.generate import generate_values, tables_from_values
from gongkai.synth.layouts import render
from gongkai.synth.names import Agency
from gongkai.synth.printed import print_report
from gongkai.synth.prose import Facts, sections_for

PG_ENV = "GONGKAI_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def pg_scratch(name: str) -> Iterator[str]:
    """A database of its own on the test server, dropped after; the test is skipped without a
    server (``GONGKAI_TEST_POSTGRES_URL``)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    with scratch_database(base, name) as url:
        yield url


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of its own on the test server for this session, dropped at the end."""
    with pg_scratch("gongkai_store") as url:
        yield url


def empty_pg(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store: a SQLite file, or an empty schema in the session's PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "gongkai.db")
    return empty_pg(request.getfixturevalue("pg_database"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "gongkai.db")


# --- reports -------------------------------------------------------------------------------


def report_bytes(
    agency: Agency, year: int, values: dict[str, int | Decimal], seed: int, layout: str = "tab"
) -> bytes:
    """The text of a report with exactly these values (checked by reading it back)."""
    rng = random.Random(f"{seed}:{year}")
    ed = edition_for_year(year)
    title = f"{agency.name}{year}年政府信息公开工作年度报告"
    report = Report(
        source=Source(name=f"{year}.txt", sha256="", format="synth"),
        meta=Meta(title=title, agency=agency.name, region=agency.region, year=year, edition=ed),
        sections=sections_for(rng, Facts(agency=agency, year=year, edition=ed, values=values)),
        tables=tables_from_values(ed, values),
    )
    data = render(print_report(report, rng), layout, rng).encode("utf-8")
    got = parse_bytes(data, f"{year}.txt")
    assert got.values() == report.values(), "the reader must read the generated report exactly"
    assert got.meta.year == year
    return data


def _totals(values: dict[str, int | Decimal], rows: tuple[str, ...]) -> None:
    for r in rows:
        values[f"requests.{r}.total"] = sum(int(values[f"requests.{r}.{c}"]) for c in APPLICANT_COLUMNS)


def series_values(
    years: range | list[int],
    seed: int,
    plant_carry_over: int | None = None,
    plant_in_force: int | None = None,
) -> dict[int, dict[str, int | Decimal]]:
    """Values of consecutive years of one agency: carried_over(N) = carried_forward(N-1) and
    in_force(N) = in_force(N-1) + issued(N) - repealed(N) (2021 edition years), except that
    ``plant_carry_over`` adds 1 to carried_over.natural_person of that year and
    ``plant_in_force`` adds 1 to rules.in_force of that year (within-report identities hold)."""
    rng = random.Random(seed)
    out: dict[int, dict[str, int | Decimal]] = {}
    prev: dict[str, int | Decimal] | None = None
    for y in sorted(years):
        ed = edition_for_year(y)
        v = generate_values(rng, ed, "medium")
        for c in APPLICANT_COLUMNS:
            over = (
                int(prev[f"requests.carried_forward.{c}"])
                if prev is not None
                else int(v[f"requests.carried_over.{c}"])
            )
            if y == plant_carry_over and c == "natural_person":
                over += 1
            processed = int(v[f"requests.total_processed.{c}"])
            forward = int(v[f"requests.carried_forward.{c}"])
            new = processed + forward - over
            if new < 0:
                forward -= new
                new = 0
            v[f"requests.carried_over.{c}"] = over
            v[f"requests.carried_forward.{c}"] = forward
            v[f"requests.new_received.{c}"] = new
        _totals(v, ("carried_over", "carried_forward", "new_received"))
        if ed == "2021" and prev is not None and "active_disclosure.rules.in_force" in prev:
            for r in ("rules", "normative_documents"):
                last = int(prev[f"active_disclosure.{r}.in_force"])
                issued = int(v[f"active_disclosure.{r}.issued"])
                repealed = min(int(v[f"active_disclosure.{r}.repealed"]), last + issued)
                v[f"active_disclosure.{r}.repealed"] = repealed
                v[f"active_disclosure.{r}.in_force"] = last + issued - repealed
        if y == plant_in_force:
            v["active_disclosure.rules.in_force"] = int(v["active_disclosure.rules.in_force"]) + 1
        assert set(v) == set(edition(ed).addresses)
        assert all(int(x) >= 0 for a, x in v.items() if a.startswith("requests."))
        out[y] = v
        prev = v
    return out


def agency(name: str, region: str = "洪泽区") -> Agency:
    return Agency(name=name, short="本机关", region=region, kind="office")
