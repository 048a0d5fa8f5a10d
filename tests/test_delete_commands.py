"""Issue 17.1: deleting a user, a department, an area or a dataset, through the API on the demo city.

A user is soft-deleted (the row stays for the audit trail; disabled, sessions and tokens ended, the password
replaced; oneself refused). A department or an area is deleted only when nothing uses it, otherwise a 409 names
what does, in Chinese and English, and nothing changes. A dataset is soft-deleted when no indicator or board
query reads it; afterwards it is missing everywhere. Every delete leaves its audit record.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import login, make_settings

CSV = "district,day,complaints\n东城区,2025-01-01,3\n西城区,2025-01-01,5\n东城区,2025-01-02,4\n"
PASSWORD = "a long passphrase 42"


class Caller:
    """A client that signs every request with the user's API token."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client, self.token = client, token

    def __call__(self, method: str, path: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return getattr(self.client, method)(path, headers=headers, **kw)


class City(dict[str, Caller]):
    """The demo city's callers by user name, its runtime and its app."""

    rt: Any
    app: Any

    def sign(self, name: str) -> Caller:
        from access.users import issue_token

        with self.rt.store.transaction() as session:
            self[name] = Caller(self.app.server.test_client(), issue_token(session, name))
        return self[name]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("deletes")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    callers = City()
    callers.rt, callers.app = rt, app
    for name in ("admin", "traffic_analyst", "traffic_staff", "hotline_analyst"):
        callers.sign(name)
    yield callers
    rt.close()


def audited(city: City, action: str, object_id: str) -> list[str]:
    """Who left `action` on `object_id`."""
    from access.models import AuditEvent

    with city.rt.store.read() as db:
        return list(db.scalars(select(AuditEvent.actor).where(AuditEvent.action == action, AuditEvent.object_id == object_id)))


def new_user(city: City, name: str, department: str = "traffic", district: str = "") -> None:
    body = {"username": name, "password": PASSWORD, "role": "analyst", "department": department, "district": district}
    assert city["admin"]("post", "/api/v1/admin/users", json=body).status_code == 201


def refusal(city: City, who: str, path: str) -> tuple[str, str]:
    """The 409 of a delete, in English and in Chinese."""
    en, zh = city[who]("delete", path), city[who]("delete", path + "?lang=zh")
    assert en.status_code == zh.status_code == 409, en.get_data(as_text=True)
    return en.get_json()["error"]["message"], zh.get_json()["error"]["message"]


def departments(city: City) -> set[str]:
    return {d["code"] for d in city["traffic_staff"]("get", "/api/v1/departments").get_json()["departments"]}


def areas(city: City) -> set[str]:
    def walk(nodes: list[dict[str, Any]]) -> Iterator[str]:
        for node in nodes:
            yield node["code"]
            yield from walk(node.get("children", []))

    return set(walk(city["traffic_staff"]("get", "/api/v1/departments").get_json()["areas"]))


# users ------------------------------------------------------------------------------------------------
def test_a_deleted_user_keeps_their_row_but_can_no_longer_sign_in_or_use_a_token(city: City) -> None:
    from access.users import authenticate

    new_user(city, "leaving_clerk")
    clerk = city.sign("leaving_clerk")
    assert clerk("get", "/api/v1/datasets").status_code == 200
    browser = city.app.server.test_client()  # a signed-in browser session, by cookie
    assert login(browser, "leaving_clerk", PASSWORD).status_code == 302
    assert browser.get("/api/v1/datasets").status_code == 200
    answer = city["admin"]("delete", "/api/v1/admin/users/leaving_clerk")
    assert answer.status_code == 200 and answer.get_json() == {"deleted": "leaving_clerk", "object_type": "user"}
    assert clerk("get", "/api/v1/datasets").status_code == 401
    assert browser.get("/api/v1/datasets").status_code == 401
    assert login(browser, "leaving_clerk", PASSWORD).status_code != 302
    listed = {u["username"]: u for u in city["admin"]("get", "/api/v1/admin/users").get_json()["users"]}
    assert listed["leaving_clerk"]["enabled"] is False
    # even re-enabled, the old password no longer opens the account: an administrator must set a new one
    assert city["admin"]("patch", "/api/v1/admin/users/leaving_clerk", json={"enabled": True}).status_code == 200
    with city.rt.store.read() as db:
        assert authenticate(db, "leaving_clerk", PASSWORD) is None
    assert audited(city, "user.delete", "leaving_clerk") == ["admin"]


def test_an_administrator_cannot_delete_themself_and_others_cannot_delete_at_all(city: City) -> None:
    en, zh = refusal(city, "admin", "/api/v1/admin/users/admin")
    assert "own account" in en and "自己" in zh
    assert city["admin"]("get", "/api/v1/datasets").status_code == 200
    for path in ("/api/v1/admin/users/traffic_staff", "/api/v1/admin/departments/traffic", "/api/v1/admin/areas/dongcheng"):
        assert city["traffic_analyst"]("delete", path).status_code == 403
    assert city["admin"]("delete", "/api/v1/admin/users/nobody_here").status_code == 404
    assert city["traffic_staff"]("get", "/api/v1/datasets").status_code == 200
    assert audited(city, "user.delete", "admin") == [] and audited(city, "user.delete", "traffic_staff") == []


# departments ------------------------------------------------------------------------------------------
def test_a_department_in_use_is_refused_naming_what_uses_it_then_deleted_once_unused(city: City) -> None:
    admin = city["admin"]
    body = {"code": "probe_bureau", "name_zh": "探针局", "name_en": "Probe bureau"}
    assert admin("post", "/api/v1/admin/departments", json=body).status_code == 201
    new_user(city, "probe_clerk", "probe_bureau")
    grant = {"object_type": "dataset", "object_id": "traffic_segment_speeds", "grantee_type": "department", "grantee": "probe_bureau"}
    grant_id = admin("post", "/api/v1/admin/grants", json=grant | {"level": "view"}).get_json()["id"]

    en, zh = refusal(city, "admin", "/api/v1/admin/departments/probe_bureau")
    assert "probe_bureau" in en and "user probe_clerk" in en and f"grant #{grant_id}" in en
    assert "用户 probe_clerk" in zh and f"授权 #{grant_id}" in zh and "不能删除" in zh
    assert "probe_bureau" in departments(city)  # nothing changed

    assert admin("patch", "/api/v1/admin/users/probe_clerk", json={"department": "traffic"}).status_code == 200
    en, _ = refusal(city, "admin", "/api/v1/admin/departments/probe_bureau")
    assert "probe_clerk" not in en and f"grant #{grant_id}" in en
    assert admin("delete", f"/api/v1/admin/grants/{grant_id}").status_code == 200
    answer = admin("delete", "/api/v1/admin/departments/probe_bureau")
    assert answer.status_code == 200 and answer.get_json() == {"deleted": "probe_bureau", "object_type": "department"}
    assert "probe_bureau" not in departments(city)
    assert audited(city, "department.delete", "probe_bureau") == ["admin"]
    assert admin("delete", "/api/v1/admin/departments/probe_bureau").status_code == 404


def test_a_demo_department_names_its_users_datasets_and_indicators(city: City) -> None:
    en, zh = refusal(city, "admin", "/api/v1/admin/departments/traffic")
    assert "user traffic_staff" in en and "用户 traffic_staff" in zh
    assert "traffic" in departments(city)
    assert audited(city, "department.delete", "traffic") == []


# areas ------------------------------------------------------------------------------------------------
def test_an_area_with_children_or_users_is_refused_then_deleted_once_unused(city: City) -> None:
    admin = city["admin"]
    district = {"code": "probe_district", "name_zh": "探针区", "name_en": "Probe district", "level": "district", "parent": "city"}
    city_code = next(iter(a["code"] for a in admin("get", "/api/v1/departments").get_json()["areas"]))
    assert admin("post", "/api/v1/admin/areas", json=district | {"parent": city_code}).status_code == 201
    street = {"code": "probe_street", "name_zh": "探针街道", "name_en": "Probe street", "level": "street", "parent": "probe_district"}
    assert admin("post", "/api/v1/admin/areas", json=street).status_code == 201
    new_user(city, "probe_street_clerk", "traffic", "probe_street")

    en, zh = refusal(city, "admin", "/api/v1/admin/areas/probe_district")
    assert "child area probe_street" in en and "下级区域 probe_street" in zh
    en, zh = refusal(city, "admin", "/api/v1/admin/areas/probe_street")
    assert "user probe_street_clerk" in en and "用户 probe_street_clerk" in zh
    assert {"probe_district", "probe_street"} <= areas(city)

    assert admin("patch", "/api/v1/admin/users/probe_street_clerk", json={"district": ""}).status_code == 200
    assert admin("delete", "/api/v1/admin/areas/probe_street").get_json() == {"deleted": "probe_street", "object_type": "area"}
    assert admin("delete", "/api/v1/admin/areas/probe_district").status_code == 200
    assert not {"probe_district", "probe_street"} & areas(city)
    assert audited(city, "area.delete", "probe_street") == ["admin"] == audited(city, "area.delete", "probe_district")


# datasets ---------------------------------------------------------------------------------------------
def upload(city: City, name: str) -> str:
    form = {"file": (io.BytesIO(CSV.encode()), f"{name}.csv"), "name": name, "department": "traffic"}
    answer = city["traffic_analyst"]("post", "/api/v1/datasets", data=form, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return str(answer.get_json()["id"])


def test_a_dataset_an_indicator_reads_is_refused_naming_it(city: City) -> None:
    definition = city["admin"]("get", "/api/v1/indicators/traffic.avg_speed").get_json()
    dataset = definition["dataset"]
    before = city["admin"]("get", f"/api/v1/datasets/{dataset}").get_json()
    en, zh = refusal(city, "admin", f"/api/v1/datasets/{dataset}")
    assert "indicator traffic.avg_speed" in en and "指标 traffic.avg_speed" in zh
    assert city["admin"]("get", f"/api/v1/datasets/{dataset}").get_json() == before
    assert audited(city, "dataset.delete", dataset) == []


def test_a_dataset_a_board_query_reads_is_refused_then_deleted_and_missing_everywhere(city: City) -> None:
    analyst = city["traffic_analyst"]
    dataset = upload(city, "probe_complaints")
    query = {"dataset": dataset, "measures": [{"expr": "complaints", "agg": "sum", "as": "n"}], "dimensions": ["district"]}
    assert analyst("post", "/api/v1/query", json=query).status_code == 200
    tile = {"id": "n", "type": "bar", "source": {"query": query}}
    board = {"title": {"zh": "探针看板", "en": "Probe board"}, "tiles": [tile], "layout": []}
    made = analyst("post", "/api/v1/boards", json=board)
    assert made.status_code == 201, made.get_data(as_text=True)
    board_id = made.get_json()["id"]

    en, zh = refusal(city, "traffic_analyst", f"/api/v1/datasets/{dataset}")
    assert f"board {board_id}" in en and f"看板 {board_id}" in zh
    assert analyst("get", f"/api/v1/datasets/{dataset}").status_code == 200

    # who may: not a clerk without import rights, not another department's analyst (it does not see it)
    assert city["traffic_staff"]("delete", f"/api/v1/datasets/{dataset}").status_code == 403
    assert city["hotline_analyst"]("delete", f"/api/v1/datasets/{dataset}").status_code == 404

    assert analyst("delete", f"/api/v1/boards/{board_id}").status_code in (200, 204)
    answer = analyst("delete", f"/api/v1/datasets/{dataset}")
    assert answer.status_code == 200 and answer.get_json() == {"deleted": dataset, "object_type": "dataset"}
    for path in ("", "/rows", "/versions", "/values/district"):
        assert analyst("get", f"/api/v1/datasets/{dataset}{path}").status_code == 404, path
    assert analyst("post", "/api/v1/query", json=query).status_code == 404
    assert dataset not in {d["id"] for d in city["admin"]("get", "/api/v1/datasets").get_json()["datasets"]}
    assert analyst("delete", f"/api/v1/datasets/{dataset}").status_code == 404
    assert audited(city, "dataset.delete", dataset) == ["traffic_analyst"]
    # loading a file under the deleted id makes a new dataset: the deleted one is not brought back
    form = {"file": (io.BytesIO(CSV.encode()), "again.csv"), "name": "probe again", "department": "traffic", "dataset": dataset}
    again = analyst("post", "/api/v1/datasets", data=form, content_type="multipart/form-data")
    assert again.status_code == 201 and again.get_json()["id"] != dataset
    assert analyst("get", f"/api/v1/datasets/{dataset}").status_code == 404
