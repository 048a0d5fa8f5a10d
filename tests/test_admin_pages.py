"""The administration pages and My API tokens: page functions and callbacks on a real app.

Page functions and most callbacks are called as plain functions inside a Flask test request of a signed-in
actor; the security-relevant paths go through Dash's real `/_dash-update-component` endpoint with a real
session, where the guard decides (403 for non-administrators) and the store shows what changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import Web, actor_of, csrf_header, make_settings
from tests.dashcalls import by_id, signed_in, text, walk

SAMPLE_CSV = """zone,owner,amount
东城区,traffic_analyst,1
东城区,someone,2
东城区,someone,3
西城区,traffic_analyst,4
西城区,someone,5
西城区,someone,6
"""
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


# -- helpers ----------------------------------------------------------------------------------------


def alert_lines(alert: Any) -> list[str]:
    """An alert as its message and then each listed issue."""
    assert type(alert).__name__ == "Alert", alert
    if isinstance(alert.children, str):
        return [alert.children]
    return [text(alert.children[0]), *(text(li) for li in walk(alert) if type(li).__name__ == "Li")]


def as_json(tree: Any) -> str:
    return json.dumps(tree, default=lambda o: o.to_plotly_json(), ensure_ascii=False, sort_keys=True)


def table_rows(tree: Any) -> list[list[str]]:
    """The body rows of every table in a tree, each as its cells' text."""
    rows = [n for n in walk(tree) if type(n).__name__ == "Tr" and not any(type(c).__name__ == "Th" for c in n.children)]
    return [[" ".join(text(cell).split()) for cell in row.children] for row in rows]


def json_rows(tree: Any) -> list[list[str]]:
    """`table_rows` for a component tree as the endpoint returns it (JSON)."""

    def words(node: Any) -> list[str]:
        if isinstance(node, list):
            return [w for n in node for w in words(n)]
        if isinstance(node, dict):
            return words(node.get("props", {}).get("children"))
        return [] if node is None else [str(node)]

    found: list[list[str]] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                visit(n)
        elif isinstance(node, dict):
            children = node.get("props", {}).get("children")
            if node.get("type") == "Tr" and all(isinstance(c, dict) and c.get("type") == "Td" for c in children):
                found.append([" ".join(" ".join(words(c)).split()) for c in children])
            visit(children)

    visit(tree)
    return found


def dash_post(client: FlaskClient, output: str, inputs: list[Any], state: list[Any] | None = None) -> TestResponse:
    """One callback through Dash's dispatcher. `inputs`/`state` are (id, property, value), or for an ALL
    pattern a list of them; the first input is the one that changed."""

    def spec(entry: Any) -> Any:
        if isinstance(entry, list):
            return [spec(e) for e in entry]
        component, prop, value = entry
        return {"id": component, "property": prop, "value": value}

    first = inputs[0][0] if isinstance(inputs[0], list) else inputs[0]
    changed = json.dumps(first[0], sort_keys=True, separators=(",", ":")) if isinstance(first[0], dict) else first[0]
    component, prop = output.rsplit(".", 1)
    body = {
        "output": output,
        "outputs": {"id": component, "property": prop},
        "inputs": [spec(i) for i in inputs],
        "state": [spec(s) for s in state or []],
        "changedPropIds": [f"{changed}.{first[1]}"],
    }
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))  # type: ignore[no-any-return]


def said(response: TestResponse, output: str) -> str:
    """The text of a status the callback answered with."""
    component, prop = output.rsplit(".", 1)
    assert response.status_code == 200, f"{response.status_code} {response.get_data(as_text=True)[:300]}"
    return " ".join(json_text(response.json["response"][component][prop]).split())


def json_text(node: Any) -> str:
    if isinstance(node, list):
        return " ".join(json_text(n) for n in node)
    if isinstance(node, dict):
        return json_text(node.get("props", {}).get("children"))
    return "" if node is None else str(node)


def forbidden(response: TestResponse) -> None:
    assert response.status_code == 403, f"{response.status_code} {response.get_data(as_text=True)[:300]}"
    assert response.json == {"error": {"code": "forbidden", "issues": [], "message": "Forbidden"}}, response.json


def answer(response: TestResponse, component: str, prop: str) -> Any:
    assert response.status_code == 200, f"{response.status_code} {response.get_data(as_text=True)[:300]}"
    return response.json["response"][component][prop]


def import_sample(web: Web, tmp_path: Path, name: str = "区域样本") -> str:
    """A small traffic dataset without a `district` column (so no default row scope applies)."""
    from access.actor import SYSTEM
    from datasets.importer import ImportRequest

    path = tmp_path / "sample.csv"
    path.write_text(SAMPLE_CSV, encoding="utf-8")
    report = web.rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name=name, name_en="Zone sample", department="traffic"))
    return str(report.dataset_id)


def store_snapshot(web: Web) -> dict[str, Any]:
    from access import grants, rowpolicies, users
    from access.audit import events
    from access.departments import area_tree, list_departments

    with web.rt.store.read() as db:
        return {
            "users": users.list_users(db),
            "departments": [d.code for d in list_departments(db)],
            "areas": area_tree(db),
            "grants": grants.list_grants(db),
            "policies": rowpolicies.list_policies(db),
            "events": events(db, limit=1000),
        }


def audit_of(web: Web, action: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    from access.audit import events

    with web.rt.store.read() as db:
        return [(e["actor"], e["object_type"], e["object_id"], e["detail"]) for e in events(db, action=action)]


def dataset_ids(client: FlaskClient) -> list[str]:
    listed = client.get("/api/v1/datasets")
    assert listed.status_code == 200, listed.text
    return [d["id"] for d in listed.json["datasets"]]


NEW_USER = [
    ("adm-new-username", "value", "mole"),
    ("adm-new-display", "value", "Mole"),
    ("adm-new-password", "value", "mole-pass-123"),
    ("adm-new-role", "value", "staff"),
    ("adm-new-department", "value", "traffic"),
    ("adm-new-district", "value", "东城区"),
]


def edit_user(username: str, trigger: str, **values: Any) -> tuple[str, list[Any], list[Any]]:
    """The user editor's call: `trigger` is the clicked button; `values` override the editor's fields."""
    buttons = ("adm-edit-save", "adm-edit-reset", "adm-edit-toggle")
    fields = {"role": "staff", "department": "traffic", "district": "dongcheng", "password": None} | values
    return (
        "adm-edit-status.children",
        [(trigger, "n_clicks", 1)] + [(b, "n_clicks", None) for b in buttons if b != trigger],
        [("adm-edit-user", "data", {"username": username, "enabled": True})] + [(f"adm-edit-{k}", "value", v) for k, v in fields.items()],
    )


def admin_calls(caller: str, grant_id: int, policy_id: int, dataset: str) -> list[tuple[str, list[Any], list[Any]]]:
    """One call of every administration callback: create an admin, promote the caller, grant, remove, read."""
    return [
        ("adm-new-status.children", [("adm-new-form", "n_submit", 1)], [*NEW_USER[:3], ("adm-new-role", "value", "admin"), *NEW_USER[4:]]),
        edit_user(caller, "adm-edit-save", role="admin", department="city", district=""),
        (
            "adm-grant-status.children",
            [("adm-grant-form", "n_submit", 1)],
            [
                ("adm-grant-object-type", "value", "dataset"),
                ("adm-grant-object-id", "value", dataset),
                ("adm-grant-grantee-type", "value", "user"),
                ("adm-grant-grantee", "value", "hotline_staff"),
                ("adm-grant-level", "value", "unmask"),
            ],
        ),
        ("adm-grant-remove-status.children", [[({"type": "adm-grant-remove", "index": grant_id}, "n_clicks", 1)]], []),
        (
            "adm-policy-status.children",
            [("adm-policy-form", "n_submit", 1)],
            [
                ("adm-policy-dataset", "value", dataset),
                ("adm-policy-kind", "value", "predicate"),
                ("adm-policy-column", "value", ""),
                ("adm-policy-template", "value", "1 = 0"),
            ],
        ),
        ("adm-policy-remove-status.children", [[({"type": "adm-policy-remove", "index": policy_id}, "n_clicks", 1)]], []),
        (
            "adm-dept-status.children",
            [("adm-dept-form", "n_submit", 1)],
            [("adm-dept-code", "value", "shadow"), ("adm-dept-name-zh", "value", "影子部门"), ("adm-dept-name-en", "value", "")],
        ),
        (
            "adm-area-status.children",
            [("adm-area-form", "n_submit", 1)],
            [
                ("adm-area-code", "value", "shadow_area"),
                ("adm-area-name-zh", "value", "影子区"),
                ("adm-area-name-en", "value", ""),
                ("adm-area-level", "value", "district"),
                ("adm-area-parent", "value", ""),
            ],
        ),
        ("adm-view-result.children", [("adm-view-user", "value", "hotline_staff")], []),
        ("adm-view-values.children", [("adm-view-indicator", "value", "traffic.volume")], [("adm-view-user", "value", "traffic_staff")]),
        (
            "adm-audit-grid.rowData",
            [("adm-audit-form", "n_submit", 1)],
            [
                ("adm-audit-actor", "value", ""),
                ("adm-audit-action", "value", ""),
                ("adm-audit-from", "value", ""),
                ("adm-audit-to", "value", ""),
            ],
        ),
        ("adm-user-grid.rowData", [("adm-new-status", "children", "x"), ("adm-edit-status", "children", None)], []),
        ("adm-edit-pick.options", [("adm-new-status", "children", "x")], []),
        ("adm-view-user.options", [("adm-new-status", "children", "x")], []),
        ("adm-new-password.value", [("adm-new-status", "children", "x")], []),
        ("adm-edit-pick.value", [("adm-user-grid", "selectedRows", [{"username": "admin"}])], [("adm-edit-pick", "value", None)]),
        ("adm-edit-panel.children", [("adm-edit-pick", "value", "hotline_staff"), ("adm-edit-status", "children", None)], []),
        ("adm-dept-table.children", [("adm-dept-status", "children", "x")], []),
        ("adm-new-department.options", [("adm-dept-status", "children", "x")], []),
        ("adm-area-tree.children", [("adm-area-status", "children", "x")], []),
        ("adm-area-parent.options", [("adm-area-status", "children", "x")], []),
        ("adm-new-district.options", [("adm-area-status", "children", "x")], []),
        ("adm-grant-objects.children", [("adm-grant-object-type", "value", "dataset")], []),
        (
            "adm-grant-grantees.children",
            [("adm-grant-grantee-type", "value", "user"), ("adm-new-status", "children", None), ("adm-dept-status", "children", None)],
            [],
        ),
        (
            "adm-grant-table.children",
            [
                ("adm-grant-filter-type", "value", ""),
                ("adm-grant-filter-id", "value", ""),
                ("adm-grant-status", "children", None),
                ("adm-grant-remove-status", "children", None),
            ],
            [],
        ),
        ("adm-policy-column.options", [("adm-policy-dataset", "value", dataset)], []),
        (
            "adm-policy-table.children",
            [
                ("adm-policy-dataset", "value", dataset),
                ("adm-policy-status", "children", None),
                ("adm-policy-remove-status", "children", None),
            ],
            [],
        ),
    ]


# -- the page ---------------------------------------------------------------------------------------
def test_the_admin_page_lists_the_users(web: Web) -> None:
    from callbacks import pages
    from layouts import ids

    with signed_in(web.app, "admin"):
        page = pages.admin()
    assert by_id(page, ids.admin.TABS).active_tab == "users"
    assert by_id(page, ids.admin.USER_GRID).rowData == [
        {"username": "admin", "display_name": "admin", "role": "管理员", "department": "市政府办公厅", "district": "", "enabled": "启用"},
        {
            "username": "hotline_staff",
            "display_name": "hotline_staff",
            "role": "业务人员",
            "department": "12345热线中心",
            "district": "西城区",
            "enabled": "启用",
        },
        {"username": "leader", "display_name": "leader", "role": "领导", "department": "市政府办公厅", "district": "", "enabled": "启用"},
        {
            "username": "traffic_analyst",
            "display_name": "traffic_analyst",
            "role": "数据分析师",
            "department": "交通运输局",
            "district": "东城区",
            "enabled": "启用",
        },
        {
            "username": "traffic_staff",
            "display_name": "traffic_staff",
            "role": "业务人员",
            "department": "交通运输局",
            "district": "东城区",
            "enabled": "启用",
        },
    ]
    assert [o["value"] for o in by_id(page, ids.admin.NEW_DEPARTMENT).options] == ["", "city", "hotline", "traffic"]
    # The area tree: city, with its districts indented under it.
    tree = by_id(page, ids.admin.AREA_TREE)
    city = next(n for n in walk(tree) if type(n).__name__ == "Li" and "area-city" in n.className)
    districts = [n for n in walk(city.children[-1]) if type(n).__name__ == "Li"]
    assert [d.children[0].children for d in districts] == ["东城区", "西城区"]
    assert [o["label"] for o in by_id(page, ids.admin.NEW_DISTRICT).options] == ["无（不限区域）", "示范市", "\u3000东城区", "\u3000西城区"]
    with signed_in(web.app, "admin", "en"):
        english = pages.admin(tab="audit")
    assert by_id(english, ids.admin.TABS).active_tab == "audit"
    assert "Administration" in text(english) and "Row policies" in as_json(english) and "Grants" in as_json(english)


@pytest.mark.parametrize("username", ["leader", "traffic_analyst", "traffic_staff", "hotline_staff"])
def test_non_admins_get_the_no_permission_state_and_nothing_else(web: Web, username: str) -> None:
    from callbacks import pages

    with signed_in(web.app, username):
        page = pages.admin(tab="users")
    assert type(page).__name__ == "Div" and "empty-state" in page.className
    assert text(page).split() == ["没有权限访问管理功能。", "如需帮助，请联系系统管理员。"]
    assert "adm-" not in as_json(page) and "admin" not in text(page)


def test_the_nav_link_is_for_administrators_only(web: Web) -> None:
    admin_page = web.client("admin").get("/_dash-layout")
    leader_page = web.client("leader").get("/_dash-layout")
    assert '"href": "/admin"' in json.dumps(admin_page.json) and "管理" in json.dumps(admin_page.json, ensure_ascii=False)
    assert "/admin" not in leader_page.text


# -- users ------------------------------------------------------------------------------------------
def test_creating_a_user_shows_every_problem_at_once(web: Web) -> None:
    from callbacks.admin.users import create_user

    before = store_snapshot(web)
    with signed_in(web.app, "admin"):
        status = create_user(1, "x", "", "short", "boss", "nowhere", "火星区")
    assert status.color == "danger"
    assert alert_lines(status) == [
        "用户信息有误。",
        "用户名须为 2–64 位字母、数字、点、下划线或连字符。",
        "密码至少 8 位。",
        "角色“boss”无效：可选 admin、analyst、staff、leader。",
        "部门“nowhere”不存在：请先创建该部门。",
        "区域“火星区”不存在。",
    ]
    with signed_in(web.app, "admin", "en"):
        english = create_user(1, "ok_name", "", "long-enough-1", "staff", None, "")
    assert alert_lines(english) == ["The user is invalid.", "Department '' does not exist: create it first."]
    assert store_snapshot(web) == before


def test_creating_a_user_adds_and_audits_it(web: Web) -> None:
    from access.users import list_users
    from callbacks.admin.users import clear_new_password, create_user, edit_panel, edit_picks, users_grid_rows, view_picks
    from layouts import ids

    with signed_in(web.app, "admin"):
        status = create_user(1, " clerk ", "<b>小王</b>", "clerk-pass-1", "staff", "traffic", "dongcheng")
        assert alert_lines(status) == ["已创建用户 clerk。"] and clear_new_password(status) == ""
        rows, picks, other_picks = users_grid_rows(status, None), edit_picks(status), view_picks(status)
        panel = edit_panel("clerk", None)
    assert rows[1] == {
        "username": "clerk",
        "display_name": "<b>小王</b>",
        "role": "业务人员",
        "department": "交通运输局",
        "district": "东城区",
        "enabled": "启用",
    }
    assert picks == other_picks and {"label": "<b>小王</b> (clerk)", "value": "clerk"} in picks
    assert by_id(panel, ids.admin.EDIT_USER).data == {"username": "clerk", "enabled": True}
    assert (
        by_id(panel, ids.admin.EDIT_ROLE).value,
        by_id(panel, ids.admin.EDIT_DEPARTMENT).value,
        by_id(panel, ids.admin.EDIT_DISTRICT).value,
    ) == (
        "staff",
        "traffic",
        "dongcheng",
    )
    with web.rt.store.read() as db:
        assert {"username": "clerk", "district": "东城区", "enabled": True, "role": "staff"}.items() <= next(
            u for u in list_users(db) if u["username"] == "clerk"
        ).items()
    assert audit_of(web, "user.create") == [
        (
            "admin",
            "user",
            "clerk",
            {
                "username": "clerk",
                "display_name": "<b>小王</b>",
                "role": "staff",
                "department": "traffic",
                "district": "东城区",
                "enabled": True,
            },
        )
    ]


def test_an_admin_creates_then_disables_a_user_over_http(web: Web) -> None:
    from tests.conftest import login

    admin = web.client("admin")
    created = dash_post(admin, "adm-new-status.children", [("adm-new-form", "n_submit", 1)], NEW_USER)
    assert said(created, "adm-new-status.children") == "已创建用户 mole。"
    mole = web.client()
    assert login(mole, "mole", "mole-pass-123").status_code == 302
    assert mole.get("/api/v1/datasets").status_code == 200 and mole.get("/_dash-layout").status_code == 200

    disabled = dash_post(admin, *edit_user("mole", "adm-edit-toggle"))
    assert said(disabled, "adm-edit-status.children") == "已停用 mole，其会话已结束。"
    # The disabled user's existing session is refused on its next request.
    assert mole.get("/api/v1/datasets").status_code == 401
    assert mole.get("/_dash-layout").status_code == 401
    page = mole.get("/", headers=BROWSER)
    assert page.status_code == 302 and urlsplit(page.headers["Location"]).path == "/login"
    assert login(web.client(), "mole", "mole-pass-123").status_code == 401
    assert audit_of(web, "user.") == [
        ("admin", "user", "mole", {"enabled": False}),
        (
            "admin",
            "user",
            "mole",
            {"username": "mole", "display_name": "Mole", "role": "staff", "department": "traffic", "district": "东城区", "enabled": True},
        ),
    ]


def test_role_and_password_changes_end_sessions_and_report_problems(web: Web) -> None:
    from tests.conftest import login

    admin, staff = web.client("admin"), web.client("traffic_staff")
    assert staff.get("/api/v1/datasets").status_code == 200
    status = "adm-edit-status.children"
    short = said(dash_post(admin, *edit_user("traffic_staff", "adm-edit-reset", password="short")), status)
    assert short == "用户信息有误。 密码至少 8 位。"
    assert staff.get("/api/v1/datasets").status_code == 200  # nothing changed, the session lives
    bad = said(dash_post(admin, *edit_user("traffic_staff", "adm-edit-save", role="king", department="nowhere")), status)
    assert bad == "用户信息有误。 角色“king”无效。 部门“nowhere”不存在。"
    saved = said(dash_post(admin, *edit_user("traffic_staff", "adm-edit-save", role="analyst", district="")), status)
    assert saved == "已保存 traffic_staff 的更改。"
    assert staff.get("/api/v1/datasets").status_code == 401
    assert actor_of(web.rt, "traffic_staff").role.value == "analyst" and actor_of(web.rt, "traffic_staff").area is None
    reset = said(dash_post(admin, *edit_user("traffic_staff", "adm-edit-reset", password="brand-new-pass-1")), status)
    assert reset == "已为 traffic_staff 设置新密码。"
    assert login(web.client(), "traffic_staff").status_code == 401
    assert login(web.client(), "traffic_staff", "brand-new-pass-1").status_code == 302
    assert audit_of(web, "user.update") == [
        ("admin", "user", "traffic_staff", {"password": "***"}),
        ("admin", "user", "traffic_staff", {"role": "analyst", "department": "traffic", "district": ""}),
    ]
    # A re-rendered editor (its buttons not clicked) changes nothing.
    output, inputs, state = edit_user("traffic_staff", "adm-edit-save")
    rendered = dash_post(admin, output, [(button, prop, None) for button, prop, _ in inputs], state)
    assert rendered.status_code == 200 and rendered.json == {"multi": True, "response": {}}


# -- the guard --------------------------------------------------------------------------------------
@pytest.mark.parametrize("username", ["leader", "traffic_staff"])
def test_non_admins_calling_admin_callbacks_get_403_and_nothing_changes(web: Web, tmp_path: Path, username: str) -> None:
    from access import grants, rowpolicies
    from access.actor import SYSTEM

    dataset = import_sample(web, tmp_path)
    with web.rt.store.transaction() as db:
        grant = grants.add_grant(db, SYSTEM, "dataset", dataset, "user", "traffic_staff", "view")
        policy = rowpolicies.add_policy(db, SYSTEM, dataset, "area", "zone")
    client = web.client(username)
    csrf_header(client)
    before = store_snapshot(web)
    calls = admin_calls(username, grant["id"], policy["id"], dataset)
    declared = web.app.server.config["CITY_DECLARED_CALLBACKS"]
    assert {output for output, _, _ in calls} == {k for k, v in declared.items() if v == "admin"}  # every admin callback is tried
    for output, inputs, state in calls:
        refused = dash_post(client, output, inputs, state)
        forbidden(refused)
        assert dataset not in refused.text and "hotline_staff" not in refused.text and "traffic_analyst" not in refused.text
    assert store_snapshot(web) == before
    # The same calls by an administrator are answered (the refusal is the permission, not the shape of the call).
    admin = web.client("admin")
    for output, inputs, state in admin_calls("admin", grant["id"], policy["id"], dataset):
        assert dash_post(admin, output, inputs, state).status_code == 200, output


# -- departments and areas ----------------------------------------------------------------------------
def test_departments_and_areas_are_created_validated_and_audited(web: Web) -> None:
    from callbacks.admin.areas import add_area, add_department, area_list, department_picks, department_table, district_picks, parent_picks

    with signed_in(web.app, "admin"):
        bad = add_department(1, "Water Affairs", "", "")
        good = add_department(1, "water", "水务局", "Water Authority")
        table, picks = department_table(good), department_picks(good)
        dup = add_department(1, "water", "水务局", "")
        area_bad = add_area(1, "", "", "", "street", "")
        area_dup = add_area(1, "dongcheng", "东城", "", "district", "demo_city")
        area_orphan = add_area(1, "moon_st", "月亮街道", "", "street", "no_such_parent")
        area_ok = add_area(1, "dongcheng_donghua", "东华门街道", "Donghuamen", "street", "dongcheng")
        tree, parents, districts = area_list(area_ok), parent_picks(area_ok), district_picks(area_ok)
    assert alert_lines(bad) == [
        "部门信息有误。",
        "部门代码“Water Affairs”无效：请使用小写字母开头的字母、数字或下划线（2–64 位）。",
        "部门名称不能为空。",
    ]
    assert alert_lines(good) == ["已创建部门 water。"]
    assert table_rows(table) == [
        ["city", "市政府办公厅", "City Government"],
        ["hotline", "12345热线中心", "12345 Hotline"],
        ["traffic", "交通运输局", "Transport"],
        ["water", "水务局", "Water Authority"],
    ]
    assert picks[-1] == {"label": "水务局 (water)", "value": "water"}
    assert alert_lines(dup) == ["部门“water”已存在。"]
    assert alert_lines(area_bad) == [
        "区域信息有误。",
        "区域代码须为 2–64 位小写字母、数字或下划线，并以字母开头。",
        "区域名称不能为空。",
    ]
    assert alert_lines(area_dup) == ["区域“dongcheng”已存在。"] and alert_lines(area_orphan) == ["上级区域“no_such_parent”不存在。"]
    assert alert_lines(area_ok) == ["已创建区域 dongcheng_donghua。"]
    street = next(n for n in walk(tree) if type(n).__name__ == "Li" and "area-street" in n.className)
    assert street.children[0].children == "东华门街道"
    district = next(n for n in walk(tree) if type(n).__name__ == "Li" and n.children[-1] is not None and street in n.children[-1].children)
    assert district.children[0].children == "东城区"
    assert [o["label"] for o in districts] == ["无（不限区域）", "示范市", "\u3000东城区", "\u3000\u3000东华门街道", "\u3000西城区"]
    assert parents[0]["label"] == "无（顶级）" and parents[1:] == districts[1:]
    assert audit_of(web, "department.create") == [("admin", "department", "water", {})]
    assert audit_of(web, "area.create") == [("admin", "area", "dongcheng_donghua", {})]


# -- grants -------------------------------------------------------------------------------------------
def test_grants_change_what_the_grantee_sees(web: Web, tmp_path: Path) -> None:
    from access.grants import list_grants

    dataset = import_sample(web, tmp_path)
    admin, hotline = web.client("admin"), web.client("hotline_staff")
    assert dataset_ids(hotline) == []
    form = [
        ("adm-grant-object-type", "value", "dataset"),
        ("adm-grant-object-id", "value", dataset),
        ("adm-grant-grantee-type", "value", "user"),
        ("adm-grant-grantee", "value", "hotline_staff"),
        ("adm-grant-level", "value", "view"),
    ]
    added = dash_post(admin, "adm-grant-status.children", [("adm-grant-form", "n_submit", 1)], form)
    assert said(added, "adm-grant-status.children") == f"已授权 hotline_staff 访问 {dataset}。"
    assert dataset_ids(hotline) == [dataset]
    listed = dash_post(
        admin,
        "adm-grant-table.children",
        [
            ("adm-grant-filter-type", "value", "dataset"),
            ("adm-grant-filter-id", "value", dataset),
            ("adm-grant-status", "children", None),
            ("adm-grant-remove-status", "children", None),
        ],
    )
    rows = json_rows(listed.json["response"]["adm-grant-table"]["children"])
    assert rows == [["数据集", f"区域样本 {dataset}", "用户", "hotline_staff", "查看", "admin", "移除"]]
    with web.rt.store.read() as db:
        (grant,) = list_grants(db)
    remove = "adm-grant-remove-status.children"
    removed = dash_post(admin, remove, [[({"type": "adm-grant-remove", "index": grant["id"]}, "n_clicks", 1)]])
    assert said(removed, remove) == f"已移除授权 #{grant['id']}。"
    assert dataset_ids(hotline) == []
    again = dash_post(admin, remove, [[({"type": "adm-grant-remove", "index": grant["id"]}, "n_clicks", 1)]])
    assert said(again, remove) == "授权不存在或无权访问。"
    # A re-rendered button (not clicked) does nothing.
    rendered = dash_post(admin, remove, [[({"type": "adm-grant-remove", "index": 99}, "n_clicks", None)]])
    assert rendered.status_code == 200 and rendered.json == {"multi": True, "response": {}}
    assert [a[:3] for a in audit_of(web, "grant.")] == [("admin", "dataset", dataset), ("admin", "dataset", dataset)]


def test_invalid_grants_show_every_issue(web: Web) -> None:
    from callbacks.admin.grants import add_grant, grant_list

    with signed_in(web.app, "admin", "en"):
        status = add_grant(1, "indicator", "", "team", "ghost", "unmask")
        table = grant_list("", "", None, None)
    assert alert_lines(status) == [
        "The grant is invalid.",
        "grantee_type must be department or user.",
        "level must be view or edit, or unmask for datasets.",
        "object_id is required.",
    ]
    assert text(table) == "No grants match."


# -- row policies and view as -------------------------------------------------------------------------
def test_row_policies_reduce_what_view_as_shows(web: Web, tmp_path: Path) -> None:
    dataset = import_sample(web, tmp_path)
    admin = web.client("admin")

    def view_as(username: str) -> list[list[str]]:
        response = dash_post(admin, "adm-view-result.children", [("adm-view-user", "value", username)])
        return [r for r in json_rows(answer(response, "adm-view-result", "children")) if r[0].startswith("区域样本")]

    def add(kind: str, column: str = "", template: str = "") -> TestResponse:
        return dash_post(
            admin,
            "adm-policy-status.children",
            [("adm-policy-form", "n_submit", 1)],
            [
                ("adm-policy-dataset", "value", dataset),
                ("adm-policy-kind", "value", kind),
                ("adm-policy-column", "value", column),
                ("adm-policy-template", "value", template),
            ],
        )

    assert view_as("traffic_analyst") == [[f"区域样本 {dataset}", "交通运输局", "6", "6", ""]]
    area = add("area", column="zone")
    assert said(area, "adm-policy-status.children") == f"已为数据集 {dataset} 添加行级策略。"
    assert view_as("traffic_analyst") == [[f"区域样本 {dataset}", "交通运输局", "3", "6", "受行级限制"]]
    assert view_as("leader") == [[f"区域样本 {dataset}", "交通运输局", "6", "6", ""]]  # city-wide roles are not row-scoped
    predicate = add("predicate", template="owner = user_name")
    assert said(predicate, "adm-policy-status.children") == f"已为数据集 {dataset} 添加行级策略。"
    assert view_as("traffic_analyst") == [[f"区域样本 {dataset}", "交通运输局", "1", "6", "受行级限制"]]
    # The same rows the user gets from the API with their own session.
    analyst = web.client("traffic_analyst")
    assert analyst.get(f"/api/v1/datasets/{dataset}/rows?limit=10").json["total"] == 1

    listed = dash_post(
        admin,
        "adm-policy-table.children",
        [("adm-policy-dataset", "value", dataset), ("adm-policy-status", "children", None), ("adm-policy-remove-status", "children", None)],
    )
    rows = json_rows(answer(listed, "adm-policy-table", "children"))
    assert [r[1:] for r in rows] == [["按区域", "zone", "admin", "移除"], ["按条件", "owner = user_name", "admin", "移除"]]
    from access.rowpolicies import list_policies

    with web.rt.store.read() as db:
        first = list_policies(db, dataset)[0]["id"]
    removed = dash_post(admin, "adm-policy-remove-status.children", [[({"type": "adm-policy-remove", "index": first}, "n_clicks", 1)]])
    assert said(removed, "adm-policy-remove-status.children") == f"已移除行级策略 #{first}。"
    assert view_as("traffic_analyst") == [[f"区域样本 {dataset}", "交通运输局", "2", "6", "受行级限制"]]
    assert [a[1:3] for a in audit_of(web, "policy.")] == [("dataset", dataset)] * 3
    viewed = ["traffic_analyst", "traffic_analyst", "leader", "traffic_analyst", "traffic_analyst"]
    assert audit_of(web, "admin.view_as") == [("admin", "user", name, {"what": "datasets"}) for name in viewed]


def test_row_policy_problems_are_shown(web: Web, tmp_path: Path) -> None:
    from callbacks.admin.policies import add_policy, policy_columns

    dataset = import_sample(web, tmp_path)
    with signed_in(web.app, "admin"):
        columns = policy_columns(dataset)
        nothing = add_policy(1, "", "area", "zone", "")
        missing = add_policy(1, dataset, "area", "district", "")
        syntax = add_policy(1, dataset, "predicate", "", "owner = = user_name")
        unknown = add_policy(1, dataset, "predicate", "", "department = user_department")
    assert [o["value"] for o in columns] == ["", "zone", "owner", "amount"]
    assert text(nothing) == "请先选择数据集。"
    assert " ".join(text(missing).split()) == "行策略有误。 列“district”不在数据集中。"
    assert " ".join(text(syntax).split()) == "行策略有误。 template：表达式有语法错误，请检查括号、引号和运算符。（第 1 行第 9 列）"
    assert "列“department”不存在或无权使用" in text(unknown)
    assert audit_of(web, "policy.") == []


def test_view_as_builds_the_actor_on_the_server(web: Web, tmp_path: Path) -> None:
    from callbacks.admin.viewas import view_as, view_as_values
    from layouts import ids

    dataset = import_sample(web, tmp_path)
    with signed_in(web.app, "admin", "en"):
        result = view_as("hotline_staff")
        ghost = view_as("ghost")
        nothing = view_as_values("traffic.volume", "hotline_staff")
    assert alert_lines(result.children[0]) == ["This is what hotline_staff (hotline_staff, Department staff, 12345 Hotline, 西城区) sees."]
    assert "Datasets (0)" in text(result) and dataset not in as_json(result)  # another department's dataset is not theirs
    visible = [i.id for i in web.rt.registry.visible(actor_of(web.rt, "hotline_staff"))]
    assert visible and [o["value"] for o in by_id(result, ids.admin.VIEW_INDICATOR).options] == ["", *visible]
    assert [r[0] for r in table_rows(result)] == visible
    assert alert_lines(ghost) == ["The user does not exist or you may not open it."]
    assert alert_lines(nothing) == ["The indicator does not exist or you may not open it."]
    assert audit_of(web, "admin.view_as") == [
        ("admin", "indicator", "traffic.volume", {"user": "hotline_staff"}),
        ("admin", "user", "hotline_staff", {"what": "datasets"}),
    ]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app over a small demo city (every catalog indicator has data for 2024-2025)."""
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("admin-pages")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    yield app
    rt.close()


def test_view_as_shows_the_values_the_user_gets(demo: Any) -> None:
    """The district-scoped staff member sees fewer rows and smaller values than the city-wide leader."""
    from callbacks.admin.viewas import view_as, view_as_values
    from query.evaluate import values

    rt = demo.server.extensions["city"]
    with signed_in(demo, "admin"):
        staff_view = view_as("traffic_staff")
        leader_view = view_as("leader")
        staff_values = view_as_values("traffic.volume", "traffic_staff")
        leader_values = view_as_values("traffic.volume", "leader")
    assert "traffic.volume" in {o["value"] for o in by_id(staff_view, "adm-view-indicator").options}
    staff_rows = {r[0]: r[1:] for r in table_rows(staff_view) if len(r) == 5}
    leader_rows = {r[0]: r[1:] for r in table_rows(leader_view) if len(r) == 5}
    assert staff_rows and set(staff_rows) < set(leader_rows)
    for name, (department, seen, total, badge) in staff_rows.items():
        assert department == "交通运输局" and leader_rows[name] == [department, total, total, ""], name
        assert badge == "受行级限制" and int(seen.replace(",", "")) < int(total.replace(",", "")), name
    expected = values(rt.door, actor_of(rt, "traffic_staff"), "traffic.volume", {"grain": "year"})["rows"]
    assert [r[:2] for r in table_rows(staff_values)] == [
        [str(r["period"]), f"{r['value']:,.0f} 辆"] for r in reversed(expected)
    ]  # the Chinese page says 辆 for vehicles
    assert [r[0] for r in table_rows(staff_values)] == [r[0] for r in table_rows(leader_values)]
    assert table_rows(staff_values) != table_rows(leader_values)


# -- audit log ----------------------------------------------------------------------------------------
def test_the_audit_log_filters(web: Web) -> None:
    import datetime as dt

    from callbacks.admin.audit import audit_log
    from callbacks.admin.users import create_user

    with signed_in(web.app, "admin"):
        create_user(1, "one", "", "one-pass-123", "staff", "traffic", "")
        create_user(1, "two", "", "two-pass-123", "staff", "traffic", "")
        created = audit_log(1, "admin", "user.", "", "")
        logins = audit_log(1, None, "login", None, None)
        today = dt.datetime.now(dt.UTC).date()
        yesterday = audit_log(1, "", "", "", (today - dt.timedelta(days=1)).isoformat())
        this_day = audit_log(1, "admin", "", today.isoformat(), today.isoformat())
    assert [(r["actor"], r["action"], r["object_id"]) for r in created] == [
        ("admin", "user.create", "two"),
        ("admin", "user.create", "one"),
    ]
    assert json.loads(created[0]["detail"])["username"] == "two" and created[0]["at"][:10] == today.isoformat()
    assert logins == [] and yesterday == []
    assert this_day == created


# -- my API tokens ------------------------------------------------------------------------------------
def test_tokens_are_created_once_listed_and_revoked(web: Web) -> None:
    from callbacks import pages
    from callbacks.admin.tokens import create_token, token_list
    from layouts import ids

    with signed_in(web.app, "traffic_staff"):
        empty = pages.tokens()
        box = create_token(1, "  日报脚本 ")
        listed = token_list(box, None)
    assert text(by_id(empty, ids.tokens.TABLE)) == "您还没有令牌。"
    token = by_id(box, ids.tokens.VALUE).children
    assert token.startswith("cic_") and "令牌“日报脚本”已创建。请立即复制保存：它只显示这一次。" in text(box)
    assert [r[:2] + r[-1:] for r in table_rows(listed)] == [["日报脚本", f"{token[:8]}…", "撤销"]] and token not in as_json(listed)
    assert web.client().get("/api/v1/datasets", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    from access.users import list_tokens

    with web.rt.store.read() as db:
        (row,) = list_tokens(db, actor_of(web.rt, "traffic_staff").user_id)
    revoke = "tok-status.children"
    other = dash_post(web.client("hotline_staff"), revoke, [[({"type": "tok-revoke", "index": row["id"]}, "n_clicks", 1)]])
    assert said(other, revoke) == "令牌不存在或无权访问。"
    assert web.client().get("/api/v1/datasets", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    own = dash_post(web.client("traffic_staff"), revoke, [[({"type": "tok-revoke", "index": row["id"]}, "n_clicks", 1)]])
    assert said(own, revoke) == "令牌已撤销，之后使用它的请求都会被拒绝。"
    assert web.client().get("/api/v1/datasets", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert [a[:3] for a in audit_of(web, "token.")] == [("traffic_staff", "user", "traffic_staff")] * 2
    # The leader has no admin rights but has their own tokens page.
    leader = dash_post(
        web.client("leader"),
        "tok-created-box.children",
        [("tok-form", "n_submit", 1)],
        [("tok-name", "value", "x")],
    )
    assert leader.status_code == 200 and "cic_" in leader.text


def test_pages_are_registered_and_read_the_actor(web: Web) -> None:
    import inspect

    import dash

    from callbacks import pages

    web.client("admin").get("/")
    layouts = {p["path"]: p["layout"] for p in dash.page_registry.values()}
    assert layouts["/admin"] is pages.admin and layouts["/tokens"] is pages.tokens
    for layout in (pages.admin, pages.tokens):
        assert "current_actor()" in inspect.getsource(layout)
    for username in ("leader", "admin"):
        client = web.client(username)
        assert client.get("/admin", headers=BROWSER).status_code == 200  # the shell; the page itself decides


def test_the_grid_reporting_the_same_selection_again_does_not_redraw_the_editor() -> None:
    from dash import no_update

    from callbacks.admin.users import pick_user

    assert pick_user([{"username": "clerk"}], None) == "clerk"
    assert pick_user([{"username": "clerk"}], "clerk") is no_update  # the rows were refreshed after a change
    assert pick_user([{"username": "other"}], "clerk") == "other"
    assert pick_user("forged", "clerk") is no_update
