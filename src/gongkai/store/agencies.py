"""Agencies across years and spellings: name normalisation, aliases and the region hierarchy.

A name is reduced to a *key* (:func:`agency_key`): full-width characters and spaces folded,
common short forms spelt out (政府办 → 人民政府办公室, 区政府 → 区人民政府, 卫健委 → 卫生健康委员会).
The key is split into its places and its body (:func:`split_name`):
``淮安市洪泽区人民政府`` → (淮安市, 洪泽区) + 人民政府. Two spellings name the same agency when
their keys are equal, when one is a user's alias of the other, or when their bodies and most
specific places are equal and one chain of places is contained in the other
(``洪泽区人民政府`` and ``江苏省淮安市洪泽区人民政府``) and no other agency fits as well.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from gongkai.model.divisions import divisions, locate
from gongkai.store import schema as s
from gongkai.store.db import StoreError

# --- names ---------------------------------------------------------------------------------

_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_EDGE = re.compile(
    r"^[《<\"'“”‘’「」\[\]【】()（）:：,，.。、\-—_·]+|[《》<>\"'“”‘’「」\[\]【】:：,，.。、\-—_·]+$"
)

_ABOUT = re.compile(r"^关于|关于$")  # 某局关于2023年度…报告: the title's 关于 is no part of the name

# Short forms, applied in order to the whole (NFKC-folded, space-free) name.
SHORT_FORMS: tuple[tuple[str, str], ...] = (
    (r"(?<!人民)政府", "人民政府"),
    (r"人民政府办(?!公室|事)", "人民政府办公室"),
    (r"街道(?:办事处|办)?$", "街道办事处"),
    (r"发展改革", "发展和改革"),
    (r"发改委$", "发展和改革委员会"),
    (r"发改局$", "发展和改革局"),
    (r"卫健委$", "卫生健康委员会"),
    (r"卫健局$", "卫生健康局"),
    (r"人社局$", "人力资源和社会保障局"),
    (r"住建局$", "住房和城乡建设局"),
    (r"市监局$", "市场监督管理局"),
    (r"市场监管局$", "市场监督管理局"),
    (r"应急局$", "应急管理局"),
    (r"医保局$", "医疗保障局"),
    (r"退役军人局$", "退役军人事务局"),
    (r"城管局$", "城市管理局"),
    (r"(?<=[^员])委$", "委员会"),  # 卫生健康委 → 卫生健康委员会
)
_SHORT = tuple((re.compile(p), r) for p, r in SHORT_FORMS)

# Place suffixes, longest first; 街道/镇/乡 only before a government body (see split_name).
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "街道",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "镇",
    "乡",
)
_TOWN_SUFFIXES = ("街道", "镇", "乡")
_TOWN_BODIES = ("人民政府", "办事处", "党委", "人大", "")
_NOT_IN_PLACE = set("局委会厅部院办和的所站队处与及、,，()（）")
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
MAX_STEM = 8


def fold(text: str) -> str:
    """NFKC (full-width → half-width), no spaces, no quotes or brackets around the name."""
    t = unicodedata.normalize("NFKC", text or "")
    t = _SPACE.sub("", t)
    t = _EDGE.sub("", t)
    return _EDGE.sub("", _ABOUT.sub("", t))


def agency_key(name: str) -> str:
    """The normalised spelling two names of one agency share."""
    t = fold(name)
    for pattern, repl in _SHORT:
        t = pattern.sub(repl, t)
    return t


@dataclass(frozen=True)
class Place:
    name: str  # "洪泽区"
    level: str  # 省 / 市 / 县区 / 乡镇


def _one_place(t: str) -> tuple[str, str] | None:
    """The first place at the start of ``t``: (name, suffix), the shortest that fits."""
    for n in range(1, min(MAX_STEM, len(t) - 1) + 1):
        if t[n - 1] in _NOT_IN_PLACE:
            return None
        rest = t[n:]
        for suf in _SUFFIXES:
            if not rest.startswith(suf):
                continue
            if n == 1 and suf not in ("县", "旗"):
                continue  # 沛县 yes; 杭州 (杭 + 州) no
            after = rest[len(suf) :]
            if suf == "州" and after[:1] in ("市", "区", "县", "省", "盟"):
                continue  # 杭州市: 州 is part of the name
            if suf in _TOWN_SUFFIXES and not any(after.startswith(b) for b in _TOWN_BODIES if b) and after:
                continue  # 城乡建设局 is no township
            return t[: n + len(suf)], suf
    return None


def split_name(key: str) -> tuple[tuple[Place, ...], str]:
    """``淮安市洪泽区人民政府`` → ((淮安市, 市), (洪泽区, 县区)), "人民政府"."""
    places: list[Place] = []
    t = key
    while t:
        found = _one_place(t)
        if not found:
            break
        name, suf = found
        places.append(Place(name, _level(name, suf, places)))
        t = t[len(name) :]
    if not t and places and places[-1].level != "乡镇":  # the name is only a place: keep it as the body
        t = places.pop().name
    return tuple(places), t


def _level(name: str, suffix: str, before: list[Place]) -> str:
    if suffix in ("省", "自治区", "特别行政区") or (not before and name in _MUNICIPALITIES):
        return "省"
    if suffix in ("州", "自治州", "盟", "地区"):
        return "市"
    if suffix == "市":
        return "县区" if before and before[-1].level == "市" else "市"
    if suffix in _TOWN_SUFFIXES:
        return "乡镇"
    return "县区"


def tail_of(key: str) -> str:
    """The most specific place and the body: ``洪泽区人民政府``; the key when there is no place."""
    places, body = split_name(key)
    return (places[-1].name if places else "") + body


def chains_compatible(a: Iterable[str], b: Iterable[str]) -> bool:
    """One chain of place names is contained (in order) in the other, and they end alike."""
    x, y = list(a), list(b)
    if len(x) > len(y):
        x, y = y, x
    if x and y and x[-1] != y[-1]:
        return False
    it = iter(y)
    return all(p in it for p in x)


# --- the database --------------------------------------------------------------------------


def now() -> datetime:
    return datetime.now(UTC)


_INSERT_ALIAS = sa.insert(s.agency_aliases)
_INSERT_REGION = sa.insert(s.regions).returning(s.regions.c.id)
_TITLE_YEAR = re.compile(r"^(?:关于)?(?:19|20)\d{2}\s*年度?")


def place_chain(text: str) -> tuple[str, ...]:
    """The place names at the start of a name or title (``淮安市洪泽区人民政府办公室2023年…`` →
    淮安市, 洪泽区; ``江州市`` → 江州市)."""
    places, body = split_name(agency_key(_TITLE_YEAR.sub("", fold(text))))
    names = tuple(p.name for p in places)
    return (*names, body) if body and divisions().named(body) else names


def _names_a_division(chains: Iterable[tuple[str, ...]]) -> bool:
    data = divisions()
    return any(data.named(p) for chain in chains for p in chain)


_INSERT_AGENCY = sa.insert(s.agencies).returning(s.agencies.c.id)
_SET_REGION = (
    sa.update(s.agencies)
    .where(s.agencies.c.id == sa.bindparam("id_"))
    .values(region_id=sa.bindparam("region_"))
)


_BUMP = (
    sa.update(s.directory_state)
    .where(s.directory_state.c.id == 1)
    .values(version=s.directory_state.c.version + 1)
    .returning(s.directory_state.c.version)
)
_VERSION = sa.select(s.directory_state.c.version).where(s.directory_state.c.id == 1)


class StaleDirectory(StoreError):
    """Another writer changed agencies, aliases or regions since this one read them: run the
    transaction again with a fresh :class:`Directory`."""

    def __init__(self) -> None:
        super().__init__("机关目录正被另一个程序修改，请重试。")


@dataclass
class _Alias:
    key: str
    agency_id: int
    chain: tuple[str, ...]


@dataclass
class Directory:
    """Aliases and regions held in memory by the single writer, read once from the database.

    After a failed transaction call :meth:`reload`, since its changes were rolled back.
    """

    by_key: dict[str, _Alias] = field(default_factory=dict)
    by_tail: dict[str, list[_Alias]] = field(default_factory=dict)
    regions: dict[int, tuple[str, str, int | None]] = field(default_factory=dict)  # id → name, level, parent
    agency_names: dict[int, str] = field(default_factory=dict)
    agency_by_name: dict[str, int] = field(default_factory=dict)
    regions_by_name: dict[str, list[int]] = field(default_factory=dict)
    agency_regions: dict[int, int | None] = field(default_factory=dict)
    named_by_user: dict[int, bool] = field(default_factory=dict)
    placed: dict[int, str | None] = field(default_factory=dict)  # agency → auto / user / None
    region_codes: dict[int, str | None] = field(default_factory=dict)  # region → GB/T 2260 code
    region_by_code: dict[str, int] = field(default_factory=dict)
    version: int | None = None  # of directory_state when read
    _claimed: object = None  # the transaction that holds directory_state

    @classmethod
    def load(cls, conn: sa.Connection) -> Directory:
        d = cls()
        d.reload(conn)
        return d

    def sync(self, conn: sa.Connection) -> None:
        """Reload when another writer changed the directory since it was read."""
        if conn.execute(_VERSION).scalar() != self.version:
            self.reload(conn)

    def lock(self, conn: sa.Connection) -> None:
        """Take the directory's lock first and read it afresh under the lock: the transaction
        then cannot be beaten by another writer (for a retry after :class:`StaleDirectory`)."""
        conn.execute(_BUMP)
        self.reload(conn)
        self._claimed = conn.get_transaction()

    def _claim(self, conn: sa.Connection) -> None:
        """Before the first change in a transaction: take the directory's lock, or raise
        :class:`StaleDirectory` when another writer changed it meanwhile."""
        tx = conn.get_transaction()
        if tx is not None and tx is self._claimed:
            return
        got = conn.execute(_BUMP).scalar()
        if got is None or self.version is None or got != self.version + 1:
            self.version = None
            raise StaleDirectory()
        self.version = got
        self._claimed = tx

    def reload(self, conn: sa.Connection) -> None:
        self.version = conn.execute(_VERSION).scalar()
        self._claimed = None
        self.by_key.clear()
        self.by_tail.clear()
        rows = conn.execute(
            sa.select(
                s.regions.c.id, s.regions.c.name, s.regions.c.level, s.regions.c.parent_id, s.regions.c.code
            )
        ).all()
        self.regions = {r.id: (r.name, r.level, r.parent_id) for r in rows}
        self.region_codes = {r.id: r.code for r in rows}
        self.region_by_code = {r.code: r.id for r in rows if r.code}
        self.regions_by_name = {}
        for rid, (name, _, _) in self.regions.items():
            self.regions_by_name.setdefault(name, []).append(rid)
        self.agency_names = {}
        self.agency_by_name = {}
        self.named_by_user = {}
        self.agency_regions = {}
        a_ = s.agencies.c
        self.placed = {}
        for a in conn.execute(sa.select(a_.id, a_.name, a_.named_by_user, a_.region_id, a_.placed)):
            self.placed[a.id] = a.placed
            self._name(a.id, a.name)
            self.named_by_user[a.id] = bool(a.named_by_user)
            self.agency_regions[a.id] = a.region_id
        for row in conn.execute(
            sa.select(s.agency_aliases.c.key, s.agency_aliases.c.tail, s.agency_aliases.c.agency_id)
        ):
            self._remember(row.key, row.tail, row.agency_id)

    def _remember(self, key: str, tail: str, agency_id: int) -> None:
        places, _ = split_name(key)
        a = _Alias(key, agency_id, tuple(p.name for p in places))
        old = self.by_key.get(key)
        if old is not None:
            self.by_tail[tail] = [x for x in self.by_tail.get(tail, []) if x.key != key]
        self.by_key[key] = a
        self.by_tail.setdefault(tail, []).append(a)

    def _forget(self, key: str) -> None:
        a = self.by_key.pop(key, None)
        if a is not None:
            t = tail_of(key)
            self.by_tail[t] = [x for x in self.by_tail.get(t, []) if x.key != key]

    # -- lookup ------------------------------------------------------------------------------
    def find(self, name: str) -> int | None:
        """The agency a spelling names, by key, then by places and body; None when unknown or
        when several agencies fit equally well."""
        key = agency_key(name)
        if not key:
            return None
        hit = self.by_key.get(key)
        if hit is not None:
            return hit.agency_id
        places, _ = split_name(key)
        if not places:
            return None
        chain = tuple(p.name for p in places)
        found = {
            a.agency_id
            for a in self.by_tail.get(tail_of(key), [])
            if chains_compatible(chain, a.chain)
            and chains_compatible(chain, self.region_path(self.agency_regions.get(a.agency_id)))
        }
        return found.pop() if len(found) == 1 else None

    def region_code_path(self, region_id: int | None) -> tuple[str | None, ...]:
        """The GB/T 2260 codes along :meth:`region_path` (None where a region has none)."""
        ids: list[int] = []
        while region_id is not None and region_id in self.regions and region_id not in ids:
            ids.append(region_id)
            region_id = self.regions[region_id][2]
        return tuple(self.region_codes.get(i) for i in reversed(ids))

    def region_path(self, region_id: int | None) -> tuple[str, ...]:
        path: list[str] = []
        seen: set[int] = set()
        while region_id is not None and region_id in self.regions and region_id not in seen:
            seen.add(region_id)
            name, _, parent = self.regions[region_id]
            path.append(name)
            region_id = parent
        return tuple(reversed(path))

    # -- writing (inside the caller's transaction) -------------------------------------------
    def add_alias(self, conn: sa.Connection, alias: str, agency_id: int, source: str) -> None:
        """Point ``alias`` at an agency (insert, or move an existing alias of that key)."""
        key = agency_key(alias)
        if not key:
            return
        tail = tail_of(key)
        existing = self.by_key.get(key)
        if existing is not None and existing.agency_id == agency_id and source != "user":
            return
        self._claim(conn)
        if existing is not None:
            conn.execute(
                sa.update(s.agency_aliases)
                .where(s.agency_aliases.c.key == key)
                .values(agency_id=agency_id, alias=alias, source=source)
            )
        else:
            conn.execute(
                _INSERT_ALIAS,
                {
                    "alias": alias,
                    "key": key,
                    "tail": tail,
                    "agency_id": agency_id,
                    "source": source,
                    "created_at": now(),
                },
            )
        self._remember(key, tail, agency_id)

    def remove_alias(self, conn: sa.Connection, alias: str) -> int | None:
        key = agency_key(alias)
        hit = self.by_key.get(key)
        if hit is None:
            return None
        self._claim(conn)
        conn.execute(sa.delete(s.agency_aliases).where(s.agency_aliases.c.key == key))
        self._forget(key)
        return hit.agency_id

    def region_for(self, conn: sa.Connection, places: tuple[Place, ...]) -> int | None:
        """The region of the most specific place, creating the chain as needed.

        A place already known without a parent is attached under the parent a longer
        spelling names (洪泽区 seen first, then 淮安市洪泽区: 洪泽区 goes under 淮安市).
        """
        parent: int | None = None
        for i, p in enumerate(places):
            same = list(self.regions_by_name.get(p.name, ()))
            if i == 0:
                pick = self._pick_top(same, places)
            else:
                children = [rid for rid in same if self.regions[rid][2] == parent]
                orphans = [
                    rid
                    for rid in same
                    if self.regions[rid][2] is None and rid != parent and self.region_codes.get(rid) is None
                ]
                if children:
                    pick = children[0]
                elif len(orphans) == 1 and not self._is_ancestor(orphans[0], parent):
                    pick = orphans[0]
                    self._claim(conn)
                    conn.execute(sa.update(s.regions).where(s.regions.c.id == pick).values(parent_id=parent))
                    n, lvl, _ = self.regions[pick]
                    self.regions[pick] = (n, lvl, parent)
                else:
                    pick = None
            if pick is None:
                self._claim(conn)
                pick = conn.execute(
                    _INSERT_REGION, {"name": p.name, "level": p.level, "parent_id": parent}
                ).scalar_one()
                self.regions[pick] = (p.name, p.level, parent)
                self.regions_by_name.setdefault(p.name, []).append(pick)
            parent = pick
        return parent

    def _pick_top(self, same: list[int], places: tuple[Place, ...]) -> int | None:
        if not same:
            return None
        if len(same) == 1:
            return same[0]
        if len(places) > 1:  # the one that already has the next place below it
            nxt = places[1].name
            below = {self.regions[x][2] for x in self.regions_by_name.get(nxt, ())}
            for rid in same:
                if rid in below:
                    return rid
        roots = [rid for rid in same if self.regions[rid][2] is None]
        return roots[0] if roots else min(same)

    def _is_ancestor(self, rid: int, of: int | None) -> bool:
        seen: set[int] = set()
        while of is not None and of not in seen:
            if of == rid:
                return True
            seen.add(of)
            of = self.regions.get(of, ("", "", None))[2]
        return False

    def resolve(
        self, conn: sa.Connection, name: str, evidence: Iterable[str | None] = (), year: int | None = None
    ) -> int:
        """The agency of a printed name: found (and the spelling remembered) or created, and
        placed in the administrative divisions when its name, with the ``evidence`` (the
        report's title, its region as read), names exactly one unit (see :meth:`place`)."""
        key = agency_key(name)
        places, _ = split_name(key)
        agency_id = self.find(name)
        chains = [tuple(p.name for p in places), *(place_chain(e) for e in evidence if e)]
        if agency_id is None:
            shown = fold(name)
            if shown in self.agency_by_name:  # a different key, the same text: impossible
                shown = key
            self._claim(conn)
            agency_id = conn.execute(
                _INSERT_AGENCY,
                {"name": shown, "region_id": None, "named_by_user": False, "created_at": now()},
            ).scalar_one()
            self._name(agency_id, shown)
            self.named_by_user[agency_id] = False
            self.agency_regions[agency_id] = None
            self.add_alias(conn, shown, agency_id, "name")
            self.placed[agency_id] = None
            if not self.place(conn, agency_id, chains, year):
                self._set_region(conn, agency_id, places)  # places no data set knows: as printed
            return agency_id
        if key not in self.by_key:
            self.add_alias(conn, fold(name), agency_id, "auto")
            self._maybe_fuller(conn, agency_id, fold(name), places)
        if not self.placed.get(agency_id):
            self.place(conn, agency_id, chains, year)
        return agency_id

    # -- the administrative divisions (gongkai.model.divisions) -------------------------------
    def place(
        self, conn: sa.Connection, agency_id: int, chains: Iterable[tuple[str, ...]], year: int | None
    ) -> bool:
        """Put an agency not yet placed in the one division its chains of place names name;
        False (and nothing changed) when none or several fit: a person places it."""
        if self.placed.get(agency_id):
            return True
        unit = locate(list(chains), year)
        if unit is None:
            return False
        self.set_division(conn, agency_id, unit.code, "auto")
        return True

    def set_division(self, conn: sa.Connection, agency_id: int, code: str, how: str) -> None:
        """Place an agency in the division ``code`` (``how``: auto, or user for a person)."""
        region = self.region_for_division(conn, code)
        self._claim(conn)
        conn.execute(
            sa.update(s.agencies).where(s.agencies.c.id == agency_id).values(region_id=region, placed=how)
        )
        self.agency_regions[agency_id] = region
        self.placed[agency_id] = how

    def region_for_division(self, conn: sa.Connection, code: str) -> int:
        """The region of a division, with its province and prefecture (created as needed)."""
        path = divisions().path(code)
        if not path:
            raise StoreError(f"「{code}」不是行政区划代码（GB/T 2260，6 位数字，如 320813）。")
        parent: int | None = None
        for unit in path:
            rid = self.region_by_code.get(unit.code)
            if rid is None:
                self._claim(conn)
                rid = conn.execute(
                    _INSERT_REGION,
                    {"name": unit.name, "level": unit.level, "parent_id": parent, "code": unit.code},
                ).scalar_one()
                self.regions[rid] = (unit.name, unit.level, parent)
                self.regions_by_name.setdefault(unit.name, []).append(rid)
                self.region_codes[rid] = unit.code
                self.region_by_code[unit.code] = rid
            parent = rid
        assert parent is not None
        return parent

    def _set_region(self, conn: sa.Connection, agency_id: int, places: tuple[Place, ...]) -> None:
        """A region from the name's places as printed: only for an agency not placed in the
        divisions whose places are no division at all (a real but ambiguous or contradictory
        name waits for a person: never a half-right region)."""
        if (
            places
            and not self.placed.get(agency_id)
            and not _names_a_division([tuple(p.name for p in places)])
        ):
            region = self.region_for(conn, places)
            self._claim(conn)
            conn.execute(_SET_REGION, {"id_": agency_id, "region_": region})
            self.agency_regions[agency_id] = region

    def _maybe_fuller(
        self, conn: sa.Connection, agency_id: int, name: str, places: tuple[Place, ...]
    ) -> None:
        """A spelling with more places than the agency's name: it becomes the name (unless a
        user named the agency) and its places fill the region hierarchy."""
        current = self.agency_names[agency_id]
        old_places, _ = split_name(agency_key(current))
        if len(places) <= len(old_places):
            return
        self._set_region(conn, agency_id, places)
        if not self.named_by_user.get(agency_id) and name not in self.agency_by_name:
            self._claim(conn)
            conn.execute(sa.update(s.agencies).where(s.agencies.c.id == agency_id).values(name=name))
            self._name(agency_id, name)

    def agency_id_of(self, spec: str) -> int | None:
        """An agency by id (``12``), canonical name or any spelling."""
        t = spec.strip().lstrip("#")
        if t.isdigit() and int(t) in self.agency_names:
            return int(t)
        if spec.strip() in self.agency_by_name:
            return self.agency_by_name[spec.strip()]
        return self.find(spec)

    def _name(self, agency_id: int, name: str) -> None:
        old = self.agency_names.get(agency_id)
        if old is not None:
            self.agency_by_name.pop(old, None)
        self.agency_names[agency_id] = name
        self.agency_by_name[name] = agency_id
