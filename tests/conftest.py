"""Shared fixtures: a fresh instance (data dir, SQLite or PostgreSQL store), an app, signed-in clients.

With CI=true, PostgreSQL and browser tests must run: a missing server or browser fails the run
instead of skipping it.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent


def _real_data() -> Path:
    """CITY_REAL_DATA, else ../shared/data/real beside the checkout, else the workplace's /work/shared."""
    candidates = [Path(os.environ["CITY_REAL_DATA"])] if os.environ.get("CITY_REAL_DATA") else []
    candidates += [ROOT.parent / "shared" / "data" / "real", Path("/work/shared/data/real")]
    return next((path for path in candidates if path.is_dir()), candidates[0])


REAL_DATA = _real_data()
CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("CITY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "test-pass-123"

# Test actors used across the suite (SECURITY.md): admin, an analyst and a staff member scoped to
# one district, a staff member of another district and department, a city-wide leader.
USERS = (
    ("admin", "admin", "city", None),
    ("leader", "leader", "city", None),
    ("traffic_analyst", "analyst", "traffic", "东城区"),
    ("traffic_staff", "staff", "traffic", "东城区"),
    ("hotline_staff", "staff", "hotline", "西城区"),
)


def need(condition: bool, reason: str) -> None:
    """Skip locally when a real service is missing; fail under CI=true, where nothing may skip."""
    if condition:
        return
    if CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


def real_file(name: str) -> Path:
    path = REAL_DATA / name
    need(path.exists(), f"real dataset {path} is missing")
    return path


@pytest.fixture(scope="session")
def pg_admin() -> str:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            pass
    except psycopg.Error as exc:
        need(False, f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({exc.__class__.__name__})")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_admin: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"city_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = pg_admin.rsplit("/", 1)[0]
    yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Both metadata stores: tests using this run once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'metadata.sqlite3'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def make_settings(data_dir: Path, **overrides: Any) -> Any:
    from settings import Settings

    values: dict[str, Any] = {"data_dir": data_dir, "secret_key": "t" * 40, "demo": False}
    values.update(overrides)
    return Settings.from_env({}, **values)


def seed_directory(rt: Any) -> None:
    """Departments, two districts and the test actors."""
    from access.departments import create_area, create_department
    from access.users import create_user

    with rt.store.transaction() as session:
        for code, zh, en in (
            ("city", "市政府办公厅", "City Government"),
            ("traffic", "交通运输局", "Transport"),
            ("hotline", "12345热线中心", "12345 Hotline"),
        ):
            create_department(session, code, zh, en)
        create_area(session, "demo_city", "示范市", "Demo City", "city")
        create_area(session, "dongcheng", "东城区", "Dongcheng", "district", "demo_city")
        create_area(session, "xicheng", "西城区", "Xicheng", "district", "demo_city")
        for username, role, dept, district in USERS:
            create_user(session, username, PASSWORD, role, dept, district)


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    return make_settings(tmp_path / "instance")


@pytest.fixture
def rt(settings: Any) -> Iterator[Any]:
    """A migrated runtime (store, warehouse, importer, engine) with the test actors."""
    import runtime
    from store import migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.metadata_url)
    runtime_ = runtime.build_runtime(settings)
    seed_directory(runtime_)
    yield runtime_
    runtime_.close()


def actor_of(rt: Any, username: str) -> Any:
    from access.users import to_actor, user_by_name

    with rt.store.read() as session:
        return to_actor(user_by_name(session, username), session)


@dataclass
class Web:
    """An app with its runtime, and signed-in test clients."""

    app: Any
    rt: Any

    def client(self, username: str | None = None) -> FlaskClient:
        client = self.app.server.test_client()
        if username:
            login(client, username)
        return client

    def token(self, username: str) -> str:
        from access.users import issue_token

        with self.rt.store.transaction() as session:
            return issue_token(session, username, "test")


@pytest.fixture
def web(settings: Any) -> Iterator[Web]:
    from app import create_app

    app = create_app(settings)
    rt = app.server.extensions["city"]
    seed_directory(rt)
    yield Web(app, rt)
    rt.close()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "login page has no CSRF field"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_from(page.text), "next": "/"})


def csrf_header(client: FlaskClient) -> dict[str, str]:
    """The header Dash's renderer sends: the `_csrf_token` cookie copied into X-CSRFToken."""
    client.get("/")
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None, "no CSRF cookie after sign-in"
    return {"X-CSRFToken": cookie.value}
