"""Accounts and sessions on the store: shared by the web pages, the JSON API and ``gongkai users``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from gongkai.errors import GongkaiError
from gongkai.serve import security
from gongkai.serve import tables as t
from gongkai.store.agencies import Directory, agency_key, now, split_name
from gongkai.store.db import Database

ROLE_NAMES = {"admin": "管理员", "reviewer": "公开办审核人", "clerk": "填报单位", "viewer": "只读用户"}
SESSION_HOURS = 12
ADMIN_NAME = "admin"


class AccountError(GongkaiError):
    """A user-management request that cannot be done (message in Chinese)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    region_id: int | None
    agency_id: int | None
    active: bool
    must_change_password: bool

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    @property
    def label(self) -> str:
        """How the history names this user."""
        return f"{self.display_name}（{self.username}）"


def _user(row: sa.Row) -> User:
    return User(
        row.id,
        row.username,
        row.display_name,
        row.role,
        row.region_id,
        row.agency_id,
        bool(row.active),
        bool(row.must_change_password),
    )


def region_by_name(conn: sa.Connection, name: str, create: bool = True) -> int:
    """A region from its name (``淮安市``, ``江苏省淮安市``), created from the name if unknown."""
    d = Directory.load(conn)
    places, _ = split_name(agency_key(name.strip() + "人民政府"))
    if not places:
        raise AccountError(
            f"无法识别地区名称「{name}」：请写出完整的行政区划名称，如“淮安市”或“江苏省淮安市”。"
        )
    hits = d.regions_by_name.get(places[-1].name, [])
    if len(places) == 1 and len(hits) == 1:
        return hits[0]
    if not create:
        raise AccountError(f"地区「{name}」不存在。")
    rid = d.region_for(conn, places)
    assert rid is not None
    return rid


def agency_by_name(conn: sa.Connection, name: str) -> int:
    """An agency from its name or any known spelling, created when new (as ingest does)."""
    if not name.strip():
        raise AccountError("请填写填报单位（机关）名称。")
    return Directory.load(conn).resolve(conn, name.strip())


def _check_password(password: str) -> None:
    if len(password) < security.MIN_PASSWORD:
        raise AccountError(f"密码至少 {security.MIN_PASSWORD} 个字符。")


def create_user(
    db: Database,
    username: str,
    role: str,
    *,
    display_name: str | None = None,
    password: str | None = None,
    region: str | None = None,
    agency: str | None = None,
) -> tuple[User, str]:
    """A new account; returns it and its password (a one-time password when none was given:
    the user must change it at first sign-in)."""
    username = username.strip()
    if not username or len(username) > 64 or any(ch.isspace() for ch in username):
        raise AccountError("用户名不能为空、不能含空格，最长 64 个字符。")
    if role not in ROLE_NAMES:
        raise AccountError(f"角色须为 {', '.join(ROLE_NAMES)} 之一（{'、'.join(ROLE_NAMES.values())}）。")
    if role == "reviewer" and not region:
        raise AccountError("公开办审核人须指定所辖地区（--region）。")
    if role == "clerk" and not agency:
        raise AccountError("填报单位用户须指定所属机关（--agency）。")
    one_time = password is None
    if password is None:
        password = security.new_password()
    _check_password(password)
    with db.engine.begin() as conn:
        if conn.execute(sa.select(t.users.c.id).where(t.users.c.username == username)).first():
            raise AccountError(f"用户名「{username}」已存在。")
        region_id = region_by_name(conn, region) if region and role in ("reviewer", "viewer") else None
        agency_id = agency_by_name(conn, agency) if agency and role == "clerk" else None
        uid = conn.execute(
            sa.insert(t.users)
            .values(
                username=username,
                display_name=(display_name or username).strip()[:128] or username,
                password_hash=security.hash_password(password),
                role=role,
                region_id=region_id,
                agency_id=agency_id,
                active=True,
                must_change_password=one_time,
                created_at=now(),
            )
            .returning(t.users.c.id)
        ).scalar_one()
    user = get_user(db, uid)
    assert user is not None
    return user, password


def ensure_admin(db: Database) -> str | None:
    """On first start (no account at all): an administrator ``admin`` with a one-time password,
    returned so that it is printed once; ``None`` when accounts exist."""
    with db.engine.connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(t.users)).scalar():
            return None
    _, password = create_user(db, ADMIN_NAME, "admin", display_name="管理员")
    return password


def get_user(db: Database, user_id: int) -> User | None:
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.id == user_id)).first()
    return _user(row) if row else None


def find_user(db: Database, username: str) -> User | None:
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.username == username.strip())).first()
    return _user(row) if row else None


def list_users(db: Database) -> list[User]:
    with db.engine.connect() as conn:
        return [_user(r) for r in conn.execute(sa.select(t.users).order_by(t.users.c.username))]


def set_password(db: Database, username: str, password: str | None = None, *, one_time: bool = True) -> str:
    """A new password (one-time unless given by the user themself); ends the user's sessions."""
    user = find_user(db, username)
    if user is None:
        raise AccountError(f"用户「{username}」不存在。")
    if password is None:
        password = security.new_password()
    _check_password(password)
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(t.users)
            .where(t.users.c.id == user.id)
            .values(password_hash=security.hash_password(password), must_change_password=one_time)
        )
        conn.execute(sa.delete(t.sessions).where(t.sessions.c.user_id == user.id))
    return password


def set_active(db: Database, username: str, active: bool) -> None:
    user = find_user(db, username)
    if user is None:
        raise AccountError(f"用户「{username}」不存在。")
    with db.engine.begin() as conn:
        conn.execute(sa.update(t.users).where(t.users.c.id == user.id).values(active=active))
        if not active:
            conn.execute(sa.delete(t.sessions).where(t.sessions.c.user_id == user.id))


def authenticate(db: Database, username: str, password: str) -> User | None:
    """The active user with this name and password; ``None`` otherwise (same cost either way)."""
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.username == username.strip())).first()
    if row is None:
        security.verify_password(_DUMMY_HASH, password)  # no timing hint that the name is unknown
        return None
    if not security.verify_password(row.password_hash, password) or not row.active:
        return None
    return _user(row)


_DUMMY_HASH = security.hash_password("not-a-password-of-anyone")


def open_session(db: Database, user: User, hours: int = SESSION_HOURS) -> tuple[str, str]:
    """A new session: (token for the cookie or bearer header, CSRF token)."""
    token, csrf = security.new_token(), security.new_token()
    stamp = now()
    with db.engine.begin() as conn:
        conn.execute(sa.delete(t.sessions).where(t.sessions.c.expires_at < stamp))
        conn.execute(
            sa.insert(t.sessions).values(
                token_hash=security.token_hash(token),
                user_id=user.id,
                csrf=csrf,
                created_at=stamp,
                expires_at=stamp + timedelta(hours=hours),
            )
        )
    return token, csrf


def session_user(db: Database, token: str | None) -> tuple[User, str] | None:
    """The user and CSRF token of a live session, or ``None``."""
    if not token or len(token) > 128:
        return None
    s, u = t.sessions.c, t.users.c
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.users, s.csrf, s.expires_at)
            .join(t.sessions, s.user_id == u.id)
            .where(s.token_hash == security.token_hash(token))
        ).first()
    if row is None or not row.active or _aware(row.expires_at) < now():
        return None
    return _user(row), row.csrf


def _aware(stamp: datetime) -> datetime:
    from datetime import UTC

    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def close_session(db: Database, token: str | None) -> None:
    if token:
        with db.engine.begin() as conn:
            conn.execute(sa.delete(t.sessions).where(t.sessions.c.token_hash == security.token_hash(token)))


def change_own_password(db: Database, user: User, old: str, new: str) -> None:
    if authenticate(db, user.username, old) is None:
        raise AccountError("原密码不正确。")
    if old == new:
        raise AccountError("新密码不能与原密码相同。")
    set_password(db, user.username, new, one_time=False)
