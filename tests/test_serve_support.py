"""Fixtures and helpers shared by the web application tests (no tests of its own).

``world``: a store with the bundled samples published, two agencies in two regions, and one
account of every role (passwords set, no one-time password); ``client_for(world)`` an ASGI
test client on it. ``login(client, user)`` signs in through the login form and returns the
session's CSRF token.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient  # noqa: E402

from gongkai.api import read_bytes  # noqa: E402
from gongkai.model.report import Report  # noqa: E402
from gongkai.serve import accounts  # noqa: E402
from gongkai.serve.app import create_app  # noqa: E402
from gongkai.store.db import Database, open_db  # noqa: E402

PASSWORD = "correct-horse-1"
AGENCY_A = "江州市财政局"
AGENCY_B = "湖滨市财政局"
USERS = {
    "admin1": ("admin", {}),
    "clerk_a": ("clerk", {"agency": AGENCY_A}),
    "clerk_b": ("clerk", {"agency": AGENCY_B}),
    "rev_a": ("reviewer", {"region": "江州市"}),
    "rev_b": ("reviewer", {"region": "湖滨市"}),
    "viewer": ("viewer", {}),
}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class World:
    db: Database
    path: Path
    users: dict[str, accounts.User]
    agency_a: int
    agency_b: int


def sample_bytes(name: str = "sample-2023.txt") -> bytes:
    return Path(str(resources.files("gongkai").joinpath("samples", name))).read_bytes()


def sample_report() -> Report:
    return read_bytes(sample_bytes(), "sample-2023.txt")


def form_from(report: Report, **extra: str) -> dict[str, str]:
    """The filing form's fields for every known cell and section of ``report``."""
    form = {f"cell:{a}": str(c.value) for a, c in report.cells() if c.known}
    form.update({f"section:{k}": v or "" for k, v in report.sections.items()})
    form.update(extra)
    return form


def make_world(tmp: Path) -> World:
    from gongkai.cli.serve import load_samples

    path = tmp / "web.db"
    db = open_db(path)
    load_samples(db)
    users = {}
    for name, (role, kw) in USERS.items():
        users[name], _ = accounts.create_user(db, name, role, password=PASSWORD, **kw)
    return World(db, path, users, users["clerk_a"].agency_id or 0, users["clerk_b"].agency_id or 0)


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path)
    yield w
    w.db.close()


def client_for(w: World, **kw: Any) -> TestClient:
    return TestClient(create_app(w.db, **kw), raise_server_exceptions=False, follow_redirects=False)


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    page = client.get("/login")
    r = client.post("/login", data={"username": username, "password": password, "csrf": csrf_of(page.text)})
    assert r.status_code == 303, r.text[:500]
    home = client.get(r.headers["location"])
    assert home.status_code == 200, home.text[:500]
    return csrf_of(home.text)


def start_filing(client: TestClient, csrf: str, year: int = 2023) -> int:
    r = client.post("/filing/new", data={"year": str(year), "csrf": csrf})
    assert r.status_code == 303, r.text[:500]
    return int(r.headers["location"].rsplit("/", 1)[-1])
