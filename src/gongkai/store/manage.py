"""Managing agencies: list them, add and remove aliases (merging agencies), rename."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from gongkai.store import crossyear
from gongkai.store import schema as s
from gongkai.store.agencies import Directory, agency_key, fold
from gongkai.store.db import Database, StoreError, using


@dataclass
class AgencyInfo:
    id: int
    name: str
    region_path: tuple[str, ...]
    years: list[int]
    reports: int
    aliases: list[tuple[str, str]] = field(default_factory=list)  # alias as written, source


def list_agencies(db: Database | str | Path | None, *, contains: str | None = None) -> list[AgencyInfo]:
    r, a, al = s.reports.c, s.agencies.c, s.agency_aliases.c
    with using(db) as store, store.engine.connect() as conn:
        d = Directory.load(conn)
        rows = conn.execute(sa.select(a.id, a.name, a.region_id).order_by(a.name)).all()
        years: dict[int, set[int]] = {}
        counts: dict[int, int] = {}
        for aid, year, n in conn.execute(
            sa.select(r.agency_id, r.year, sa.func.count()).group_by(r.agency_id, r.year)
        ):
            years.setdefault(aid, set()).add(year)
            counts[aid] = counts.get(aid, 0) + n
        aliases: dict[int, list[tuple[str, str]]] = {}
        for x in conn.execute(sa.select(al.agency_id, al.alias, al.source).order_by(al.id)):
            aliases.setdefault(x.agency_id, []).append((x.alias, x.source))
    out = []
    needle = agency_key(contains) if contains else None
    for row in rows:
        names = [row.name, *(x for x, _ in aliases.get(row.id, []))]
        if needle and not any(needle in agency_key(n) for n in names):
            continue
        out.append(
            AgencyInfo(
                row.id,
                row.name,
                d.region_path(row.region_id),
                sorted(years.get(row.id, ())),
                counts.get(row.id, 0),
                [x for x in aliases.get(row.id, []) if x[0] != row.name],
            )
        )
    return out


def renumber(conn: sa.Connection, agency_id: int, years: Iterable[int]) -> None:
    """Versions 1..n by order of ingest; the last ingested is current."""
    r = s.reports.c
    for year in sorted(set(years)):
        ids = list(
            conn.execute(
                sa.select(r.id).where(r.agency_id == agency_id, r.year == year).order_by(r.ingested_at, r.id)
            ).scalars()
        )
        if not ids:
            continue
        conn.execute(sa.update(s.reports).where(r.id.in_(ids)).values(version=-r.id, is_current=False))
        for i, rid in enumerate(ids, start=1):
            conn.execute(sa.update(s.reports).where(r.id == rid).values(version=i, is_current=i == len(ids)))


@dataclass
class AliasResult:
    agency_id: int
    agency: str
    created: bool  # the canonical agency did not exist and was created
    merged_from: str | None  # an agency whose reports moved here
    moved_reports: int


def add_alias(db: Database | str | Path | None, alias: str, canonical: str) -> AliasResult:
    """Make ``alias`` a spelling of ``canonical`` (an id, a name or a spelling; created when
    unknown). Reports filed under another agency by that spelling move over; when the spelling
    is that agency's own name, the two agencies are merged. Versions and cross-year findings
    are recomputed."""
    key = agency_key(alias)
    if not key:
        raise StoreError("别名不能为空。")
    r, a = s.reports.c, s.agencies.c
    with using(db) as store, store.engine.begin() as conn:
        d = Directory.load(conn)
        target = d.agency_id_of(canonical)
        created = False
        if target is None:
            if not agency_key(canonical):
                raise StoreError("机关名称不能为空。")
            target = d.resolve(conn, canonical)
            created = True
        if agency_key(d.agency_names[target]) == key:
            raise StoreError(f"「{alias}」就是「{d.agency_names[target]}」的名称，无需设为别名。")
        hit = d.by_key.get(key)
        source = hit.agency_id if hit is not None else None
        d.add_alias(conn, fold(alias), target, "user")
        moved: list[tuple[int, int]] = []  # id, year
        merged_from = None
        if source is not None and source != target:
            merged_from = d.agency_names[source]
            whole = agency_key(d.agency_names[source]) == key
            rows = conn.execute(sa.select(r.id, r.year, r.printed_agency).where(r.agency_id == source)).all()
            moved = [(x.id, x.year) for x in rows if whole or agency_key(x.printed_agency or "") == key]
            if moved:
                conn.execute(
                    sa.update(s.reports)
                    .where(r.id.in_([i for i, _ in moved]))
                    .values(agency_id=target, version=-r.id, is_current=False)
                )
            if whole:
                al = s.agency_aliases.c
                conn.execute(
                    sa.update(s.agency_aliases).where(al.agency_id == source).values(agency_id=target)
                )
                conn.execute(sa.delete(s.agencies).where(a.id == source))
            years = {y for _, y in moved}
            renumber(conn, target, years)
            crossyear.refresh_agency(conn, target)
            if not whole:
                renumber(conn, source, years)
                crossyear.refresh_agency(conn, source)
        name = d.agency_names[target]
    return AliasResult(target, name, created, merged_from, len(moved))


def remove_alias(db: Database | str | Path | None, alias: str) -> str:
    """Forget a spelling (reports already filed stay where they are). Returns the agency."""
    with using(db) as store, store.engine.begin() as conn:
        d = Directory.load(conn)
        hit = d.by_key.get(agency_key(alias))
        if hit is None:
            raise StoreError(f"没有别名「{alias}」。")
        name = d.agency_names[hit.agency_id]
        if agency_key(name) == hit.key:
            raise StoreError(
                f"「{alias}」是机关「{name}」的规范名称，不能删除；可用 gongkai agencies rename 改名。"
            )
        d.remove_alias(conn, alias)
    return name


def rename_agency(db: Database | str | Path | None, agency: str, new_name: str) -> tuple[str, str]:
    """Give an agency a new canonical name (the old one stays an alias)."""
    new = fold(new_name)
    if not new:
        raise StoreError("新名称不能为空。")
    a = s.agencies.c
    with using(db) as store, store.engine.begin() as conn:
        d = Directory.load(conn)
        aid = d.agency_id_of(agency)
        if aid is None:
            raise StoreError(f"数据库中没有机关「{agency}」；可用 gongkai agencies list 查看已有机关。")
        other = d.find(new)
        if other is not None and other != aid:
            raise StoreError(
                f"「{new}」已是另一机关「{d.agency_names[other]}」的名称或别名；"
                f"如是同一机关，请用 gongkai agencies alias 合并。"
            )
        if new in d.agency_names.values() and d.agency_names[aid] != new:
            raise StoreError(f"已有机关名为「{new}」。")
        old = d.agency_names[aid]
        conn.execute(sa.update(s.agencies).where(a.id == aid).values(name=new, named_by_user=True))
        d.add_alias(conn, new, aid, "user")
    return old, new
