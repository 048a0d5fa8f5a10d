"""Access commands (issue 17.1): one function per write of the access noun, shared by the API and the admin
screens — each refuses a caller who may not act, writes its audit record with the change, and both front
ends answer alike where they used to drift (area checks, passwords)."""

from __future__ import annotations

from typing import Any

import pytest

from access import commands
from access.actor import SYSTEM, Actor
from access.audit import events
from access.users import list_tokens
from errors import Conflict, Forbidden
from indicators.policies import check_row_policy
from tests.conftest import Web, actor_of, csrf_header, login
from tests.dashcalls import signed_in


def audit_of(web: Web, action: str) -> list[dict[str, Any]]:
    with web.rt.store.read() as db:
        return events(db, action=action, limit=50)


def post(web: Web, path: str, body: dict[str, Any]) -> Any:
    admin = web.client("admin")
    return admin.post(path, json=body, headers=csrf_header(admin))


def test_every_command_writes_its_audit_record(web: Web) -> None:
    """Each command leaves exactly one audit record of its action, by its actor, naming its object."""
    store, admin = web.rt.store, actor_of(web.rt, "admin")
    before = {e["id"] for e in audit_of(web, "")}
    made = [
        ("department.create", "water", commands.create_department(store, admin, "water", "水务局", "Water").code),
        ("area.create", "riverside", commands.create_area(store, admin, "riverside", "滨河区", "Riverside", "district", "demo_city").code),
        (
            "user.create",
            "clerk",
            commands.create_user(
                store, admin, username="clerk", password="clerk-pass-123", role="staff", department="water", district="riverside"
            ).username,
        ),
        ("user.update", "clerk", commands.update_user(store, admin, "clerk", {"role": "analyst", "password": "new-pass-4567"}).username),
        ("admin.view_as", "clerk", commands.view_as(store, admin, "clerk", "user", "clerk", {"what": "datasets"}).user.username),
    ]
    grant = commands.add_grant(store, admin, "indicator", "traffic.congestion_index", "user", "clerk", "view")
    assert commands.remove_grant(store, admin, grant.id).id == grant.id
    clerk = actor_of(web.rt, "clerk")
    issued = commands.create_token(store, clerk, "report script")
    with store.read() as db:
        token_id = int(str(list_tokens(db, clerk.user_id)[0]["id"]))
    assert commands.revoke_token(store, clerk, token_id).id == token_id and issued.name == "report script"
    fresh = [e for e in audit_of(web, "") if e["id"] not in before]
    actions = sorted(e["action"] for e in fresh)
    assert actions == sorted(
        [
            "department.create",
            "area.create",
            "user.create",
            "user.update",
            "admin.view_as",
            "grant.add",
            "grant.remove",
            "token.create",
            "token.revoke",
        ]
    )
    for action, object_id, returned in made:
        (event,) = [e for e in fresh if e["action"] == action]
        assert event["actor"] == "admin" and event["object_id"] == object_id == returned
    update = next(e for e in fresh if e["action"] == "user.update")
    assert update["detail"] == {"role": "analyst", "password": "***"}
    assert {e["actor"] for e in fresh if e["action"].startswith("token.")} == {"clerk"}


def test_row_policy_commands_check_the_dataset_and_audit(web: Web, tmp_path: Any) -> None:
    from datasets.importer import ImportRequest

    path = tmp_path / "tickets.csv"
    path.write_text("district,n\n东城区,1\n西城区,2\n", encoding="utf-8")
    web.rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name="工单", department="hotline", dataset_id="tickets"))
    store, admin = web.rt.store, actor_of(web.rt, "admin")
    from errors import InvalidInput

    with pytest.raises(InvalidInput):  # the dataset has no such column: nothing is stored, nothing audited
        commands.add_row_policy(store, admin, "tickets", "area", "street", "", check_row_policy)
    assert audit_of(web, "policy.") == []
    added = commands.add_row_policy(store, admin, "tickets", "area", "district", "", check_row_policy)
    commands.remove_row_policy(store, admin, added.id)
    assert [e["action"] for e in audit_of(web, "policy.")] == ["policy.remove", "policy.add"]


def test_a_command_refuses_a_caller_who_may_not_act(web: Web) -> None:
    """The commands do not rely on their callers' guards: a non-admin actor is refused and nothing is written."""
    store, staff = web.rt.store, actor_of(web.rt, "traffic_staff")
    with pytest.raises(Forbidden):
        commands.create_user(store, staff, username="mole", password="mole-pass-123", role="admin", department="traffic")
    with pytest.raises(Forbidden):
        commands.update_user(store, staff, "traffic_staff", {"role": "admin"})
    with pytest.raises(Forbidden):
        commands.add_grant(store, staff, "indicator", "traffic.congestion_index", "user", "traffic_staff", "edit")
    with pytest.raises(Forbidden):
        commands.view_as(store, staff, "admin", "user", "admin", {})
    with pytest.raises(Forbidden):
        commands.create_token(store, Actor(user_id=0, username="", role=staff.role, department=""), "x")
    assert audit_of(web, "user.") == [] and audit_of(web, "grant.") == [] and audit_of(web, "admin.view_as") == []
    assert actor_of(web.rt, "traffic_staff").role == staff.role


def test_api_and_screen_refuse_the_same_area_code(web: Web) -> None:
    """A code that reads as an existing area's name is taken, whichever front end is used (the screen refused it,
    the API used to accept it); both say so in the same words."""
    from callbacks.admin.areas import add_area

    assert (
        post(web, "/api/v1/admin/areas", {"code": "oldtown", "name_zh": "老城区", "name_en": "oldtown", "level": "district"}).status_code
        == 201
    )
    api = post(web, "/api/v1/admin/areas", {"code": "oldtown_x", "name_zh": "老城区", "level": "district"})
    by_name = post(web, "/api/v1/admin/areas", {"code": "oldtown", "name_zh": "新城区", "level": "district"})
    with pytest.raises(Conflict):
        commands.create_area(web.rt.store, actor_of(web.rt, "admin"), "oldtown", "另一区", "", "district")
    assert api.status_code == 409 and "老城区" in api.json["error"]["message"] and "already used" in api.json["error"]["message"]
    assert by_name.status_code == 409 and by_name.json["error"]["message"] == "Area 'oldtown' already exists."
    with signed_in(web.app, "admin"):
        screen = add_area(1, "oldtown", "新城区", "", "district", "")
    assert "区域“oldtown”已存在。" in str(screen.children)
    # a code equal to another area's English name (not its code) is refused too
    named = post(web, "/api/v1/admin/areas", {"code": "lakeside", "name_zh": "湖畔区", "name_en": "lakeside", "level": "district"})
    assert named.status_code == 201
    taken = post(web, "/api/v1/admin/areas", {"code": "lake_two", "name_zh": "湖二区", "name_en": "lakeside2", "level": "district"})
    assert taken.status_code == 201
    en_name = post(web, "/api/v1/admin/areas", {"code": "lakeside2", "name_zh": "湖三区", "level": "district"})
    assert en_name.status_code == 409, en_name.json
    assert len(audit_of(web, "area.create")) == 3


def test_an_api_password_is_kept_exactly_as_sent(web: Web) -> None:
    """The screen keeps a typed password as typed; the API trimmed it, so the user could not sign in with the
    password they were given. Now both keep it: the exact password signs in, the trimmed one does not."""
    padded = "  padded pass 123  "
    created = post(web, "/api/v1/admin/users", {"username": "padded", "password": padded, "role": "staff", "department": "traffic"})
    assert created.status_code == 201
    assert login(web.app.server.test_client(), "padded", padded).status_code == 302
    assert login(web.app.server.test_client(), "padded", padded.strip()).status_code == 401
    (event,) = audit_of(web, "user.create")
    assert event["object_id"] == "padded" and "password" not in event["detail"]
