"""Every callback and endpoint declares its permission (SECURITY.md B2), and the checks hold (B2, B3)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD, Web, csrf_header, real_file

PAGES_ROUTING = {".._pages_content.children..._pages_store.data..", "_pages_dummy.children"}
# Dash's own routes: they serve the shell, bundles and the callback dispatcher; the gate covers them and
# the dispatcher runs each callback's own declared check.
DASH_ROUTES = {
    "/",
    "/<path:path>",
    "/_dash-layout",
    "/_dash-dependencies",
    "/_dash-update-component",
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
    "/_reload-hash",
    "/_favicon.ico",
    "/assets/<path:filename>",
}
DASH_ROUTE_PREFIXES = ("/_alive_", "/_dash-")  # dev-tools heartbeat and any further /_dash-* Dash adds
LOGIN_ENDPOINTS = {"login.login", "login.logout", "login.switch_language"}
SURVEY = "somerville_happiness_survey_2015.csv"


def permission_of(func: Any) -> Any:
    from access.roles import Permission

    declared = getattr(func, "city_permission", None)
    return declared if isinstance(declared, Permission) else None


def routed_app(web: Web) -> None:
    """Dash Pages adds its routing callbacks on the first request."""
    web.client("admin").get("/")


def test_every_callback_declares_a_permission(web: Web) -> None:
    from access.roles import Permission

    routed_app(web)
    declared = web.app.server.config["CITY_DECLARED_CALLBACKS"]
    undeclared, exempt = [], set()
    for key, entry in web.app.callback_map.items():
        func = entry.get("callback")
        if key in PAGES_ROUTING:
            exempt.add(key)
            continue
        if func is not None:
            permission = permission_of(func)
            if permission is None:
                undeclared.append(f"{key}: server callback {getattr(func, '__qualname__', func)} has no city_permission")
            elif declared.get(key) != permission:
                undeclared.append(f"{key}: declared {declared.get(key)!r} but checks {permission!r}")
        elif declared.get(key) != "client-only":
            undeclared.append(f"{key}: clientside callback not declared client-only")
    assert not undeclared, "callbacks without a declared permission:\n" + "\n".join(undeclared)
    assert exempt == PAGES_ROUTING, f"Dash Pages routing callbacks changed: {exempt}"
    # Nothing is declared client-only that is really a server callback, and nothing declared is missing.
    for key, permission in declared.items():
        assert key in web.app.callback_map, f"declared but not registered: {key}"
        entry = web.app.callback_map[key]
        if permission == "client-only":
            assert "callback" not in entry, f"{key} claims client-only but runs on the server"
        else:
            assert isinstance(permission, Permission)
    # Public is never a callback's permission: every callback needs at least a signed-in viewer.
    assert Permission.PUBLIC not in declared.values()


def test_pages_routing_only_calls_page_functions_that_read_the_actor(web: Web) -> None:
    import inspect

    import dash

    from callbacks import pages

    routed_app(web)
    layouts = {p["path_template"] or p["path"]: p["layout"] for p in dash.page_registry.values()}
    assert set(layouts) == {
        "/",
        "/datasets/<dataset_id>",
        "/upload",
        "/indicators",
        "/indicators/<indicator_id>",
        "/admin",
        "/tokens",
        "/boards",
        "/boards/<board_id>",
        "/builder",
        "/authoring",
        "/authoring/<indicator_id>",
    }, layouts
    for path, layout in layouts.items():
        assert getattr(layout, "__module__", None) == pages.__name__, f"{path} is served by {layout!r}"
        assert "current_actor()" in inspect.getsource(layout), f"{path}: the page function does not read the actor"


def test_every_view_declares_a_permission(web: Web) -> None:
    server = web.app.server
    undeclared = []
    api_rules = 0
    for rule in server.url_map.iter_rules():
        func = server.view_functions[rule.endpoint]
        if rule.rule.startswith("/api/"):
            api_rules += 1
            if permission_of(func) is None:
                undeclared.append(f"{rule.rule} ({rule.endpoint}) has no city_permission")
            continue
        if rule.endpoint == "static" or rule.rule in DASH_ROUTES or rule.rule.startswith(DASH_ROUTE_PREFIXES):
            continue
        if rule.endpoint in LOGIN_ENDPOINTS:
            continue
        if permission_of(func) is None:
            undeclared.append(f"{rule.rule} ({rule.endpoint}) has no city_permission")
    assert not undeclared, "views without a declared permission:\n" + "\n".join(undeclared)
    assert api_rules >= 9
    # The exemptions are all real routes (the list stays honest as Dash changes).
    rules = {r.rule for r in server.url_map.iter_rules()}
    assert rules >= DASH_ROUTES, DASH_ROUTES - rules
    assert {r.endpoint for r in server.url_map.iter_rules()} >= LOGIN_ENDPOINTS


def test_only_health_is_public_in_the_api(web: Web) -> None:
    from access.roles import Permission

    server = web.app.server
    public = sorted(
        r.rule
        for r in server.url_map.iter_rules()
        if r.rule.startswith("/api/") and permission_of(server.view_functions[r.endpoint]) is Permission.PUBLIC
    )
    assert public == ["/api/v1/health"]


def error_of(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code} {response.get_data(as_text=True)[:300]}"
    body = response.json
    assert isinstance(body, dict) and set(body) == {"error"} and set(body["error"]) == {"code", "message", "issues"}, body
    assert body["error"]["code"] == code, body
    return body  # type: ignore[no-any-return]


@pytest.fixture
def dataset(web: Web) -> str:
    path = real_file(SURVEY)
    with path.open("rb") as fh:
        created = web.client().post(
            "/api/v1/datasets",
            headers={"Authorization": f"Bearer {web.token('traffic_analyst')}"},
            data={"file": (fh, path.name), "name": "交通满意度机密样本", "department": "traffic"},
        )
    assert created.status_code == 201, created.text
    return str(created.json["id"])


def dash_call(output: str, inputs: list[dict[str, Any]], state: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    component, prop = output.rsplit(".", 1)
    return {
        "output": output,
        "outputs": {"id": component, "property": prop},
        "inputs": inputs,
        "state": state or [],
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }


def column(web: Web, dataset_id: str, name: str) -> dict[str, Any]:
    info = web.client("admin").get(f"/api/v1/datasets/{dataset_id}").json
    return next(c for c in info["columns"] if c["name"] == name)


def test_leader_cannot_run_the_import_callback(web: Web, dataset: str) -> None:
    client = web.client("leader")
    body = dash_call(
        "upload-report.children",
        [
            {
                "id": "upload-result",
                "property": "data",
                "value": {"id": dataset, "name": "交通满意度机密样本", "rows": 143, "columns": [{"name": "x1"}]},
            }
        ],
    )
    refused = client.post("/_dash-update-component", json=body, headers=csrf_header(client))
    payload = error_of(refused, 403, "forbidden")
    assert payload["error"]["issues"] == []
    assert "交通满意度机密样本" not in refused.text and dataset not in refused.text and "response" not in refused.json
    # The same call by an importer renders the report (the check is the permission, not the shape).
    staff = web.client("traffic_staff")
    allowed = staff.post("/_dash-update-component", json=body, headers=csrf_header(staff))
    assert allowed.status_code == 200 and "upload-report" in allowed.json["response"]


def test_leader_cannot_edit_the_dictionary_by_callback(web: Web, dataset: str) -> None:
    client = web.client("leader")
    body = dash_call(
        "dict-status.children",
        [
            {
                "id": "dict-grid",
                "property": "cellValueChanged",
                "value": [{"colId": "description_en", "data": {"name": "x1", "description_en": "changed by leader"}}],
            }
        ],
        [{"id": "dataset-id", "property": "data", "value": dataset}],
    )
    error_of(client.post("/_dash-update-component", json=body, headers=csrf_header(client)), 403, "forbidden")
    assert column(web, dataset, "x1")["description_en"] == ""


def test_leader_cannot_patch_a_column(web: Web, dataset: str) -> None:
    url = f"/api/v1/datasets/{dataset}/columns/x1"
    session = web.client("leader")
    error_of(session.patch(url, json={"description_en": "by leader", "pii": True}, headers=csrf_header(session)), 403, "forbidden")
    token = web.token("leader")
    refused = web.client().patch(url, json={"description_en": "by leader"}, headers={"Authorization": f"Bearer {token}"})
    error_of(refused, 403, "forbidden")
    assert "x1" not in refused.text and "交通满意度机密样本" not in refused.text
    after = column(web, dataset, "x1")
    assert after["description_en"] == "" and after["pii"] is False


def test_other_department_gets_the_missing_answer(web: Web, dataset: str) -> None:
    from access.users import create_user

    with web.rt.store.transaction() as db:
        create_user(db, "hotline_analyst", PASSWORD, "analyst", "hotline", "西城区")
    owner = web.client("traffic_staff")
    assert owner.get(f"/api/v1/datasets/{dataset}").json["rows"] == 143
    for username in ("hotline_staff", "hotline_analyst"):
        client = web.client(username)
        for suffix in ("", "/rows", "/rows?limit=5&sort=x1", "/versions"):
            other = client.get(f"/api/v1/datasets/{dataset}{suffix}")
            missing = client.get(f"/api/v1/datasets/no_such_dataset{suffix}")
            assert other.status_code == missing.status_code == 404, f"{username} {suffix}: {other.status_code}"
            assert other.get_data() == missing.get_data(), f"{username} {suffix}: {other.text} != {missing.text}"
            assert "交通满意度机密样本" not in other.text and "x1" not in other.text
        assert client.get("/api/v1/datasets").json == {"datasets": []}
    analyst = web.client("hotline_analyst")
    headers = csrf_header(analyst)
    other = analyst.patch(f"/api/v1/datasets/{dataset}/columns/x1", json={"description_en": "foreign"}, headers=headers)
    missing = analyst.patch("/api/v1/datasets/no_such_dataset/columns/x1", json={"description_en": "foreign"}, headers=headers)
    assert other.status_code == missing.status_code == 404 and other.get_data() == missing.get_data(), other.text
    assert column(web, dataset, "x1")["description_en"] == ""


def test_other_department_preview_callback_gets_the_missing_answer(web: Web, dataset: str) -> None:
    client = web.client("hotline_staff")
    headers = csrf_header(client)

    def preview(dataset_id: str) -> TestResponse:
        body = dash_call(
            "preview-grid.getRowsResponse",
            [{"id": "preview-grid", "property": "getRowsRequest", "value": {"startRow": 0, "endRow": 10}}],
            [{"id": "dataset-id", "property": "data", "value": dataset_id}],
        )
        return client.post("/_dash-update-component", json=body, headers=headers)

    other, missing = preview(dataset), preview("no_such_dataset")
    assert other.status_code == missing.status_code == 404 and other.get_data() == missing.get_data(), other.text
    assert "rowData" not in other.text


def page_call(client: Any, path: str) -> TestResponse:
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))  # type: ignore[no-any-return]


def test_dataset_page_by_routing_callback(web: Web, dataset: str) -> None:
    """The Pages routing callback is exempt from declaring, so its page function must check: other
    departments see exactly the "missing" page; the owner sees the dataset."""
    other = page_call(web.client("hotline_staff"), f"/datasets/{dataset}")
    missing = page_call(web.client("hotline_staff"), "/datasets/no_such_dataset")
    assert other.status_code == missing.status_code == 200
    assert other.json == missing.json
    assert "交通满意度机密样本" not in other.text and '"x1"' not in other.text
    owner = page_call(web.client("traffic_staff"), f"/datasets/{dataset}")
    assert owner.status_code == 200, owner.text
    assert "交通满意度机密样本" in json.dumps(owner.json["response"]["_pages_content"], ensure_ascii=False)


def test_upload_page_is_empty_for_the_leader(web: Web, dataset: str) -> None:
    page = page_call(web.client("leader"), "/upload")
    assert page.status_code == 200
    assert "upload-button" not in page.text and "upload-file" not in page.text and dataset not in page.text
