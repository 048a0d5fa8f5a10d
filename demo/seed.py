"""Seed the demo city into an empty instance: departments, the area tree, users and datasets."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from access.actor import SYSTEM
from access.departments import create_area, create_department
from access.grants import add_grant
from access.models import Department
from access.users import create_user
from boards.catalog import create_board
from datasets.importer import ImportRequest
from datasets.models import DatasetColumn
from demo import city
from demo.boards import BOARDS
from demo.dictionary import LABELS
from runtime import Runtime

DEMO_PASSWORD = "demo-pass-2025"  # noqa: S105 - printed demo login; production refuses demo users
CITY_DEPARTMENT = ("city", "市政府办公厅", "City Government Office")
CITY_AREA = ("demo_city", "示范市", "Demo City")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    department: str
    district: str | None
    display_name: str


DEMO_USERS = (
    DemoUser("admin", "admin", "city", None, "系统管理员"),
    DemoUser("data_admin", "admin", "statistics", None, "统计局管理员"),
    DemoUser("leader", "leader", "city", None, "市领导"),
    DemoUser("gov_leader", "leader", "gov_services", None, "政务服务局局长"),
    DemoUser("traffic_analyst", "analyst", "traffic", None, "交通分析师"),
    DemoUser("traffic_staff", "staff", "traffic", "东城区", "东城交通科员"),
    DemoUser("traffic_staff_gx", "staff", "traffic", "高新区", "高新交通科员"),
    DemoUser("gov_analyst", "analyst", "gov_services", None, "政务分析师"),
    DemoUser("gov_staff", "staff", "gov_services", "高新区", "高新政务科员"),
    DemoUser("hotline_analyst", "analyst", "hotline", None, "热线分析师"),
    DemoUser("hotline_staff", "staff", "hotline", "西城区", "西城热线科员"),
    DemoUser("env_staff", "staff", "environment", None, "环境科员"),
    DemoUser("urban_staff", "staff", "urban_management", None, "城管科员"),
    DemoUser("emergency_staff", "staff", "emergency", None, "应急科员"),
)


# The hotline's complaints per 10k residents divides by the statistics bureau's population: the bureau shares
# that indicator and its dataset with the hotline, as an admin would on the grants screen.
DEMO_GRANTS = (
    ("indicator", "statistics.population", "department", "hotline", "view"),
    ("dataset", "district_population", "department", "hotline", "view"),
)


def _seed_directory(rt: Runtime) -> None:
    with rt.store.transaction() as session:
        create_department(session, *CITY_DEPARTMENT)
        for dept in city.DEPARTMENTS:
            create_department(session, dept.code, dept.name_zh, dept.name_en)
        create_area(session, *CITY_AREA, "city")
        for district in city.DISTRICTS:
            create_area(session, district.code, district.name_zh, district.name_en, "district", CITY_AREA[0])
            for street in district.streets:
                create_area(session, street.code, street.name_zh, street.name_en, "street", district.code)
        for user in DEMO_USERS:
            create_user(session, user.username, DEMO_PASSWORD, user.role, user.department, user.district, user.display_name, is_demo=True)
        for grant in DEMO_GRANTS:
            add_grant(session, SYSTEM, *grant)


def _label_columns(rt: Runtime) -> None:
    """The demo's data dictionary: every column gets its label (demo/dictionary.py), as a steward would give it."""
    with rt.store.transaction() as session:
        for column in session.scalars(select(DatasetColumn).where(DatasetColumn.dataset_id.in_(list(LABELS)))):
            column.label = LABELS[column.dataset_id].get(column.name, column.label)


def seed_if_empty(rt: Runtime, scale: float | None = None, echo: Callable[[str], None] = print) -> bool:
    """Seed when the store has no departments yet; returns whether it seeded."""
    with rt.store.read() as session:
        if session.scalar(select(Department.id).limit(1)) is not None:
            return False
    started = time.perf_counter()
    _seed_directory(rt)
    tables = city.generate(scale=rt.settings.demo_scale if scale is None else scale)
    for spec in city.DATASETS:
        report = rt.importer.import_arrow(
            SYSTEM,
            tables[spec.id],
            ImportRequest(
                name=spec.name_zh,
                name_en=spec.name_en,
                department=spec.department,
                dataset_id=spec.id,
                description=spec.description_zh,
                description_en=spec.description_en,
                source="demo: 示范市 generator",
            ),
        )
        echo(f"  {spec.id:<28} {report.rows:>10,} rows  {report.seconds:5.1f}s")
    _label_columns(rt)
    with rt.store.transaction() as session:
        for item in BOARDS:
            create_board(session, SYSTEM, item["spec"], department=item["department"], board_id=item["id"])
    echo(f"  {len(BOARDS)} boards (the city cockpit and one per department)")
    echo(f"Demo city seeded in {time.perf_counter() - started:.0f}s.")
    return True


def print_logins(echo: Callable[[str], None] = print) -> None:
    echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for user in DEMO_USERS:
        scope = f", {user.district}" if user.district else ""
        echo(f"  {user.username:<18} {user.role:<8} {user.department}{scope}")
