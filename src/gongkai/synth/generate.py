"""Random valid reports: every cell read, identities 1–4 holding exactly.

A report is drawn from a :class:`random.Random` so that a seed reproduces it. Its numbers follow
one of a few *profiles* seen in published reports: all zero (very common for small agencies),
sparse small numbers, medium and large (cells up to six digits). The requests table is built
column by column: the outcomes of each applicant column, the requests carried over and carried
forward, and ``new_received`` derived so that the stated balance holds; the total column is the
row sums. The result is the truth that round-trip tests compare a reader's output with.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Literal

from gongkai.model.keys import (
    APPLICANT_COLUMNS,
    EditionKey,
    edition,
    edition_for_year,
    outcome_rows,
)
from gongkai.model.report import Cell, Meta, Report, Source, Status, Tables
from gongkai.synth.names import random_agency, random_year, title_for
from gongkai.synth.prose import Facts, sections_for

Profile = Literal["zero", "sparse", "medium", "large"]
PROFILES: tuple[Profile, ...] = ("zero", "sparse", "medium", "large")
_PROFILE_WEIGHTS = (35, 30, 20, 15)
MAX_CELL = 999_999  # six digits

Values = dict[str, int | Decimal]


def pick_profile(rng: random.Random) -> Profile:
    return rng.choices(PROFILES, weights=_PROFILE_WEIGHTS)[0]


# --- numbers -------------------------------------------------------------------------------


def _count(rng: random.Random, profile: Profile, p_zero: float, scale: float = 1.0) -> int:
    """One count: zero with probability ``p_zero``, otherwise drawn from the profile's range."""
    if profile == "zero" or rng.random() < p_zero:
        return 0
    if profile == "sparse":
        return rng.randint(1, 5)
    if profile == "medium":
        return max(1, int(10 ** rng.uniform(0, 2.7 * scale)))
    return max(1, int(10 ** rng.uniform(0, 5.9 * scale)))


_TOTAL_RANGE = {  # log10 range of one applicant column's processed requests, by profile
    "sparse": (0.0, 1.1),
    "medium": (0.5, 2.7),
    "large": (3.0, 5.95),
}


def _column_total(rng: random.Random, profile: Profile, natural: bool) -> int:
    """Requests processed in one applicant column: natural persons most, others rarely."""
    if profile == "zero":
        return 0
    if not natural and rng.random() < (0.8 if profile == "sparse" else 0.5):
        return 0
    lo, hi = _TOTAL_RANGE[profile]
    if not natural:
        lo, hi = 0.0, max(0.5, hi - 1.5)
    return max(1, int(10 ** rng.uniform(lo, hi)))


def _split(rng: random.Random, total: int, rows: tuple[str, ...]) -> dict[str, int]:
    """``total`` spread over outcome rows: a few rows take most, the others are mostly zero."""
    if total == 0:
        return dict.fromkeys(rows, 0)
    busy = {"granted", *rng.sample(rows, k=rng.randint(0, 4))}
    weights = {
        r: rng.expovariate(1.0) if r in busy else (rng.uniform(0.001, 0.05) if rng.random() < 0.1 else 0.0)
        for r in rows
    }
    s = sum(weights.values())
    out = {r: int(total * w / s) for r, w in weights.items()}
    top = max(rows, key=lambda r: weights[r])
    out[top] += total - sum(out.values())
    return out


def _requests(rng: random.Random, profile: Profile, edition_key: str) -> Values:
    outcomes = outcome_rows(edition_key)
    row_keys = edition(edition_key).table("requests").row_keys
    values: Values = {}
    for _ in range(100):  # redraw until every row total fits six digits
        values.clear()
        for c in APPLICANT_COLUMNS:
            processed = _column_total(rng, profile, c == "natural_person")
            for r, v in _split(rng, processed, outcomes).items():
                values[f"requests.{r}.{c}"] = v
            forward = 0
            if profile != "zero" and rng.random() < 0.3:
                forward = rng.randint(0, max(1, processed // 5)) if processed else rng.randint(0, 3)
            over = rng.randint(0, (processed + forward) // rng.choice((1, 2, 4))) if rng.random() < 0.3 else 0
            values[f"requests.total_processed.{c}"] = processed
            values[f"requests.carried_forward.{c}"] = forward
            values[f"requests.carried_over.{c}"] = over
            values[f"requests.new_received.{c}"] = processed + forward - over
        for r in row_keys:
            values[f"requests.{r}.total"] = sum(int(values[f"requests.{r}.{c}"]) for c in APPLICANT_COLUMNS)
        if max(int(v) for v in values.values()) <= MAX_CELL:
            return values
    raise RuntimeError("could not draw a requests table within six digits")  # pragma: no cover


def _appeals(rng: random.Random, profile: Profile) -> Values:
    values: Values = {}
    p_any = {"zero": 0.0, "sparse": 0.25, "medium": 0.6, "large": 0.9}[profile]
    sub: Profile = "medium" if profile == "large" else ("sparse" if profile == "medium" else profile)
    for row in edition("2021").table("appeals").rows:
        any_row = rng.random() < p_any
        parts = [_count(rng, sub, 0.5 if any_row else 1.0, 0.5) for _ in row.columns[:-1]]
        for col, v in zip(row.columns[:-1], parts, strict=True):
            values[f"appeals.{row.key}.{col.key}"] = v
        values[f"appeals.{row.key}.total"] = sum(parts)
    return values


def _amount(rng: random.Random, profile: Profile, p_zero: float, top: float) -> Decimal:
    if profile == "zero" or rng.random() < p_zero:
        return Decimal(0)
    places = rng.choice((0, 1, 2, 2, 2, 4, 4, 3))
    raw = Decimal(str(round(10 ** rng.uniform(-1, top), places)))
    q = Decimal(1).scaleb(-places)
    return max(raw.quantize(q), q)


def _active(rng: random.Random, profile: Profile, edition_key: str) -> Values:
    values: Values = {}
    table = edition(edition_key).table("active_disclosure")
    # Agencies with no requests still publish documents and decide on licences.
    sub: Profile = "sparse" if profile == "zero" and rng.random() < 0.5 else profile
    for row in table.rows:
        for col in row.columns:
            a = f"active_disclosure.{row.key}.{col.key}"
            if col.kind == "amount":
                values[a] = _amount(rng, sub, 0.5, 4.5 if row.key == "procurement" else 3.5)
            elif col.kind == "signed":
                change = _count(rng, "sparse" if sub != "zero" else "zero", 0.5)
                values[a] = -change if rng.random() < 0.4 else change
            elif row.key == "rules":
                values[a] = _count(rng, "sparse" if sub != "zero" else "zero", 0.8)
            elif row.key == "normative_documents":
                docs: Profile = "medium" if sub == "large" else sub
                values[a] = _count(rng, docs, 0.3, 1.0 if col.key in ("in_force", "total_published") else 0.7)
            elif col.key == "items_last_year":
                values[a] = _count(rng, sub, 0.3, 0.6)
            else:
                values[a] = _count(rng, sub, 0.4, 0.9)
    if edition_key == "2019":  # a decrease cannot exceed last year's items
        for row in table.rows:
            if any(c.key == "items_change" for c in row.columns):
                last = int(values[f"active_disclosure.{row.key}.items_last_year"])
                change = int(values[f"active_disclosure.{row.key}.items_change"])
                values[f"active_disclosure.{row.key}.items_change"] = max(change, -last)
    # documents in force (published in all) include this year's
    new, whole = ("issued", "in_force") if edition_key == "2021" else ("published", "total_published")
    for r in ("rules", "normative_documents"):
        this_year = int(values[f"active_disclosure.{r}.{new}"])
        if int(values[f"active_disclosure.{r}.{whole}"]) < this_year:
            values[f"active_disclosure.{r}.{whole}"] = this_year + int(
                values[f"active_disclosure.{r}.{whole}"]
            )
    return values


def generate_values(rng: random.Random, edition_key: str, profile: Profile) -> Values:
    """Every cell of the edition, satisfying identities 1–4."""
    values: Values = {}
    values.update(_active(rng, profile, edition_key))
    values.update(_requests(rng, profile, edition_key))
    values.update(_appeals(rng, profile))
    return values


# --- the report ----------------------------------------------------------------------------


def tables_from_values(edition_key: str, values: Values) -> Tables:
    ed = edition(edition_key)
    tables: Tables = {}
    for t in ed.tables:
        tables[t.key] = {}
        for r in t.rows:
            tables[t.key][r.key] = {}
            for c in r.columns:
                v = values[f"{t.key}.{r.key}.{c.key}"]
                v = Decimal(v) if c.kind == "amount" else int(v)
                tables[t.key][r.key][c.key] = Cell(value=v, status=Status.READ, raw=format_number(v))
    return tables


def format_number(v: int | Decimal) -> str:
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def generate_report(
    rng: random.Random,
    edition_key: EditionKey | None = None,
    profile: Profile | None = None,
    year: int | None = None,
) -> Report:
    """A random valid report (the truth): meta, six sections of prose, every cell read."""
    if year is None:
        year = random_year(rng, edition_key)
    edition_key = edition_key or edition_for_year(year)
    profile = profile or pick_profile(rng)
    agency = random_agency(rng)
    values = generate_values(rng, edition_key, profile)
    title = title_for(rng, agency, year)
    facts = Facts(agency=agency, year=year, edition=edition_key, values=values)
    meta = Meta(title=title, agency=agency.name, region=agency.region, year=year, edition=edition_key)
    source = Source(name=f"synth-{year}.txt", sha256="", format="synth")
    return Report(
        source=source,
        meta=meta,
        sections=sections_for(rng, facts),
        tables=tables_from_values(edition_key, values),
    )


def report_for_seed(
    seed: int, edition_key: EditionKey | None = None, profile: Profile | None = None
) -> Report:
    return generate_report(random.Random(seed), edition_key, profile)
