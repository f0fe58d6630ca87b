"""Fixtures and helpers shared by the web application tests (no tests of its own).

``world``: a store with the bundled samples published, two agencies in two regions, and one
account of every role (passwords set, no one-time password); ``client_for(world)`` an ASGI
test client on it. ``login(client, user)`` signs in through the login form and returns the
session's CSRF token.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")

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


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Built once per test process; each test gets a copy of its database file."""
    w = make_world(tmp_path_factory.mktemp("serve-world"))
    w.db.close()
    return w


@pytest.fixture
def world(tmp_path: Path, world_template: World) -> Iterator[World]:
    import shutil

    path = tmp_path / "web.db"
    shutil.copyfile(world_template.path, path)
    w = World(
        open_db(path), path, dict(world_template.users), world_template.agency_a, world_template.agency_b
    )
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


def scope_of(w: World, name: str) -> Any:
    from gongkai.serve.auth import scope_of as scope

    return scope(w.db, w.users[name])


def filed(w: World, clerk: str = "clerk_a", year: int = 2023, **sections: str) -> tuple[int, int]:
    """A filing of ``clerk``'s agency made from the bundled sample and submitted: (filing, report)."""
    from gongkai.serve import workflow as wf

    user, scope = w.users[clerk], scope_of(w, clerk)
    assert user.agency_id is not None
    fid = wf.start_filing(w.db, scope, user, user.agency_id, year)
    form = form_from(sample_report())
    form.update({f"section:{k}": v for k, v in sections.items()})
    return fid, submit_confirmed(w, clerk, fid, form, "已核实")


def submit_confirmed(w: World, clerk: str, fid: int, form: dict[str, str], reason: str) -> int:
    """Submit filing ``fid`` with ``form``, every warning confirmed with ``reason``: the report."""
    from gongkai.serve import workflow as wf

    result = wf.apply_form(wf.draft_report(w.db, fid), form)
    values = wf.report_values(result.report)
    reasons = {
        wf.fingerprint(f.rule, f.cells, values): reason
        for f in result.findings
        if f.severity.value == "warning"
    }
    return wf.submit(w.db, scope_of(w, clerk), w.users[clerk], fid, form, reasons)


def routes() -> list[tuple[str, str]]:
    """(method, path) of every route of the application's routers."""
    import importlib

    from gongkai.serve.app import ROUTERS

    out = []
    for path in ROUTERS:
        for r in importlib.import_module(path).router.routes:
            for m in sorted(getattr(r, "methods", ()) or ()):
                if m != "HEAD":
                    out.append((m, r.path))
    return out


PUBLIC = {
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/public"),
    ("GET", "/public/report/{report_id:int}"),
    ("GET", "/public/report/{report_id:int}.{fmt}"),
    ("POST", "/api/login"),
    ("GET", "/api/public/reports"),
    ("GET", "/api/public/reports/{report_id}"),
}


def fill(path: str, values: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values.get(m.group(1), 1)), path)
