"""The metadata store on SQLite and PostgreSQL: migrations round-trip, concurrent saves never fail."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select, text

from access.departments import create_area, create_department
from access.models import Department, User
from access.users import create_user
from store import migrate
from store.engine import Store


def populate(store: Store) -> None:
    with store.transaction() as session:
        create_department(session, "traffic", "交通运输局", "Transport")
        create_area(session, "city", "示范市", "Demo City", "city")
        create_area(session, "dongcheng", "东城区", "Dongcheng", "district", "city")
        create_user(session, "wang", "pass-word-1", "staff", "traffic", "东城区", "王科员")


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.read() as session:
        return {
            "departments": [(d.code, d.name_zh) for d in session.scalars(select(Department).order_by(Department.code))],
            "users": [
                (u.username, u.role, u.department.code, u.area.name_zh if u.area else None, u.password_hash.startswith("scrypt$"))
                for u in session.scalars(select(User).order_by(User.username))
            ],
        }


def test_migrations_round_trip_on_a_populated_store(store_url: str) -> None:
    migrate.upgrade(store_url)
    store = Store(store_url)
    populate(store)
    before = snapshot(store)
    tables = set(inspect(store.engine).get_table_names())
    assert {"departments", "areas", "users", "api_tokens", "datasets", "dataset_versions", "dataset_columns"} <= tables
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    store.dispose()
    migrate.downgrade(store_url, "base")
    store = Store(store_url)
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    store.dispose()
    migrate.upgrade(store_url)
    store = Store(store_url)
    populate(store)
    assert (
        snapshot(store) == before == {"departments": [("traffic", "交通运输局")], "users": [("wang", "staff", "traffic", "东城区", True)]}
    )
    store.dispose()


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.dispose()


def test_concurrent_saves_never_fail(store_url: str) -> None:
    """Eight threads creating departments at once: no 'database is locked', every row saved."""
    migrate.upgrade(store_url)
    store = Store(store_url)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                with store.transaction() as session:
                    create_department(session, f"d{n}_{i}", f"部门{n}-{i}")
                    session.execute(select(Department).where(Department.code.like("d%"))).all()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.read() as session:
        assert len(session.scalars(select(Department)).all()) == 8 * 15
    store.dispose()


def test_a_failed_transaction_leaves_nothing(store_url: str) -> None:
    migrate.upgrade(store_url)
    store = Store(store_url)
    try:
        with store.transaction() as session:
            create_department(session, "traffic", "交通运输局")
            raise RuntimeError("crash mid-save")
    except RuntimeError:
        pass
    with store.read() as session:
        assert session.scalars(select(Department)).all() == []
    store.dispose()
