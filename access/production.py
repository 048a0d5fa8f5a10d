"""The production guard: with CITY_ENV=production the app refuses to start on unsafe configuration."""

from __future__ import annotations

import sys

from sqlalchemy import select

from access import secretkey
from access.models import User
from settings import Settings
from store.engine import Store


class UnsafeConfiguration(SystemExit):
    """Exits the process with status 2; `guard` has printed every problem on its own line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(2)
        self.problems = problems


def problems(settings: Settings, store: Store) -> list[str]:
    """Every reason the configuration is unsafe for production (empty when it is fine)."""
    found = []
    secret = secretkey.problem(settings.secret_key)
    if secret:
        found.append(secret)
    if settings.dash_debug:
        found.append("CITY_DASH_DEBUG is on: debug mode serves tracebacks and dev tools; set CITY_DASH_DEBUG=0.")
    if store.is_sqlite and not settings.allow_sqlite_in_production:
        found.append(
            "The metadata store is SQLite: set CITY_DATABASE_URL to PostgreSQL, or CITY_ALLOW_SQLITE_IN_PRODUCTION=1 for a single machine."
        )
    with store.read() as session:
        demo = session.scalars(select(User.username).where(User.is_demo.is_(True))).all()
    if demo:
        found.append(f"{len(demo)} demo users exist (e.g. {demo[0]}): remove them or start from an empty data dir.")
    return found


def guard(settings: Settings, store: Store) -> None:
    if settings.production:
        found = problems(settings, store)
        if found:
            sys.stderr.write("Refusing to start with CITY_ENV=production:\n" + "".join(f"  - {p}\n" for p in found))
            sys.stderr.flush()
            raise UnsafeConfiguration(found)
