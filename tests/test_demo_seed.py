"""The demo city seeds through the real importer: departments, areas, users for every role, datasets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from access.actor import SYSTEM
from access.models import Area, User
from datasets import catalog
from demo import city
from demo.seed import DEMO_USERS, seed_if_empty


def test_an_instance_with_departments_is_not_seeded(rt: Any) -> None:
    assert seed_if_empty(rt, 0.05, echo=lambda _m: None) is False


def test_seed_an_empty_instance(tmp_path: Any) -> None:
    import runtime
    from store import migrate
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "instance")
    settings.data_dir.mkdir(parents=True)
    migrate.upgrade(settings.metadata_url)
    rt = runtime.build_runtime(settings)
    lines: list[str] = []
    assert seed_if_empty(rt, 0.05, echo=lines.append) is True
    with rt.store.read() as session:
        datasets = {d.id: d for d in catalog.list_datasets(session, SYSTEM)}
        users = [(u.role, u.department.code, u.area.name_zh if u.area else None, u.is_demo) for u in session.scalars(select(User))]
        districts = [a.name_zh for a in session.scalars(select(Area).where(Area.level == "district"))]
    assert set(datasets) == {spec.id for spec in city.DATASETS}
    assert {d.department for d in datasets.values()} >= {
        "traffic",
        "gov_services",
        "hotline",
        "environment",
        "urban_management",
        "emergency",
    }
    assert sorted(districts) == sorted(d.name_zh for d in city.DISTRICTS) and len(districts) == 8
    roles: dict[str, set[str]] = {}
    for role, department, _area, _demo in users:
        roles.setdefault(role, set()).add(department)
    assert {role: len(depts) >= 2 for role, depts in roles.items()} == {"admin": True, "analyst": True, "staff": True, "leader": True}
    assert len({area for _, _, area, _ in users if area}) >= 2 and all(demo for *_, demo in users)
    assert len(users) == len(DEMO_USERS)
    pii = {c.name: c.pii_kind for c in datasets["gov_service_applications"].columns if c.pii}
    assert pii == {"applicant_name": "name", "applicant_id_card": "id_card", "applicant_phone": "phone"}
    assert seed_if_empty(rt, 0.05) is False  # a second start seeds nothing
    rt.close()
