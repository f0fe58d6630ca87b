"""Agencies in the administrative divisions: placing them by hand, listing those not placed, and
the region queries analyses use (a region's subtree by name or GB/T 2260 code, levels).

Ingest places an agency automatically when its name (with its report's title) names exactly one
division (``gongkai.model.divisions.locate``); an agency it cannot place (a name shared by
counties of several provinces, a contradictory chain such as 宿迁市洪泽区) is never guessed: it
is listed by :func:`unplaced` (``gongkai agencies unplaced``) for a person to place with
:func:`place_agency` (``gongkai agencies place 机关 代码``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from gongkai.model.divisions import candidates, describe, divisions
from gongkai.store import schema as s
from gongkai.store.agencies import Directory, agency_key, chains_compatible, place_chain, split_name
from gongkai.store.db import Database, StoreError, run_writing, using

LEVEL_DEPTH = {"省": 1, "市": 2, "县区": 3, "乡镇": 4}


@dataclass
class Unplaced:
    agency_id: int
    name: str
    reports: int
    years: list[int]
    candidates: list[str] = field(default_factory=list)  # "江苏省 淮安市 洪泽区（320813）", …


def unplaced(db: Database | str | Path | None) -> list[Unplaced]:
    """Agencies not placed in a division, with the units their names could mean."""
    a, r = s.agencies.c, s.reports.c
    with using(db) as store, store.engine.connect() as conn:
        rows = conn.execute(sa.select(a.id, a.name).where(a.placed.is_(None)).order_by(a.name)).all()
        stats: dict[int, list[int]] = {}
        titles: dict[int, list[str]] = {}
        for aid, year, title in conn.execute(sa.select(r.agency_id, r.year, r.title)):
            stats.setdefault(aid, []).append(year)
            if title:
                titles.setdefault(aid, []).append(title)
    out = []
    for row in rows:
        chains = [place_chain(row.name), *(place_chain(t) for t in titles.get(row.id, [])[:3])]
        found = candidates(chains)
        years = stats.get(row.id, [])
        out.append(
            Unplaced(row.id, row.name, len(years), sorted(set(years)), [describe(d.code) for d in found])
        )
    return out


@dataclass
class Placed:
    agency: str
    division: str  # described


def place_agency(db: Database | str | Path | None, agency: str, code: str) -> Placed:
    """Place an agency (id, name or any spelling) in the division ``code`` by hand; later
    ingests never move it."""
    code = code.strip()
    if divisions().get(code) is None:
        raise StoreError(
            f"「{code}」不是已知的行政区划代码（GB/T 2260，6 位数字，如 320813 为江苏省淮安市洪泽区）。"
        )
    with using(db) as store:

        def work(conn: sa.Connection) -> Placed:
            d = Directory.load(conn)
            aid = d.agency_id_of(agency)
            if aid is None:
                raise StoreError(f"数据库中没有机关「{agency}」；可用 gongkai agencies list 查看已有机关。")
            d.set_division(conn, aid, code, "user")
            return Placed(d.agency_names[aid], describe(code))

        return run_writing(store.engine, work)


# --- queries for analyses --------------------------------------------------------------------


def region_ids(directory: Directory, spec: str) -> set[int]:
    """The regions a filter names, with everything below them. ``spec`` is a GB/T 2260 code
    (``320800``), or a name or chain of names (``江苏省``, ``淮安市洪泽区``); a name matches the
    coded division and any region of that name known only from agency names."""
    spec = spec.strip()
    d = directory
    if spec.isdigit():
        hits = {rid for rid, code in d.region_codes.items() if code == spec}
    else:
        places, body = split_name(agency_key(spec))
        chain = [p.name for p in places] + ([body] if body else [])
        if not chain:
            return set()
        hits = {
            rid
            for rid, (name, _, _) in d.regions.items()
            if name == chain[-1] and chains_compatible(chain, d.region_path(rid))
        }
    children: dict[int | None, list[int]] = {}
    for rid, (_, _, parent) in d.regions.items():
        children.setdefault(parent, []).append(rid)
    out: set[int] = set()
    todo = list(hits)
    while todo:
        rid = todo.pop()
        if rid in out:
            continue
        out.add(rid)
        todo.extend(children.get(rid, []))
    return out


@dataclass(frozen=True)
class AgencyPlace:
    """Where an agency sits: for ``--region``, ``--level``, stats and charts."""

    agency_id: int
    placed: str | None  # auto / user; None: not placed in a division (path from its name only)
    code: str | None  # GB/T 2260 code of its unit when placed
    path: tuple[str, ...]  # 江苏省, 淮安市, 洪泽区
    codes: tuple[str | None, ...]  # the code of each level of the path
    level: str | None  # 省 / 市 / 县区 of its unit
    government: bool  # the unit's 人民政府 (or its office) rather than a department


def agency_places(db: Database | str | Path | None) -> dict[int, AgencyPlace]:
    """Every agency's place, by agency id."""
    a = s.agencies.c
    with using(db) as store, store.engine.connect() as conn:
        d = Directory.load(conn)
        rows = conn.execute(sa.select(a.id, a.name, a.region_id, a.placed)).all()
    out = {}
    for row in rows:
        ids: list[int] = []
        rid = row.region_id
        while rid is not None and rid in d.regions and rid not in ids:
            ids.append(rid)
            rid = d.regions[rid][2]
        ids.reverse()
        _, body = split_name(agency_key(row.name))
        out[row.id] = AgencyPlace(
            row.id,
            row.placed,
            d.region_codes.get(row.region_id) if row.placed and row.region_id else None,
            tuple(d.regions[i][0] for i in ids),
            tuple(d.region_codes.get(i) for i in ids),
            d.regions[row.region_id][1] if row.region_id in d.regions else None,
            body.startswith("人民政府"),
        )
    return out


def place_known(db: Database | str | Path | None) -> list[Placed]:
    """Place every agency not yet placed whose name, with its reports' titles, names exactly one
    division (a database from before the divisions existed, or new evidence); the others stay
    for a person."""
    a, r = s.agencies.c, s.reports.c
    with using(db) as store:

        def work(conn: sa.Connection) -> list[Placed]:
            d = Directory.load(conn)
            evidence: dict[int, list[tuple[str | None, int]]] = {}
            for aid, title, year in conn.execute(
                sa.select(r.agency_id, r.title, r.year)
                .join(s.agencies, a.id == r.agency_id)
                .where(a.placed.is_(None))
            ):
                evidence.setdefault(aid, []).append((title, year))
            done = []
            for aid, name in sorted(d.agency_names.items()):
                if d.placed.get(aid):
                    continue
                seen = evidence.get(aid, [])
                chains = [place_chain(name), *(place_chain(t) for t, _ in seen if t)]
                year = max((y for _, y in seen), default=None)
                if d.place(conn, aid, chains, year):
                    code = d.region_codes.get(d.agency_regions[aid] or -1)
                    done.append(Placed(name, describe(code or "")))
            return done

        return run_writing(store.engine, work)
