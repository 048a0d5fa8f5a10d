"""Signing in, the gate, CSRF on callbacks, and the dataset API on a real app."""

from __future__ import annotations

from tests.conftest import REAL_DATA, Web, csrf_header, real_file


def test_login_then_home_and_api(web: Web) -> None:
    client = web.client("traffic_staff")
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/datasets").json == {"datasets": []}


def test_wrong_password_and_unknown_user_get_the_same_answer(web: Web) -> None:
    from tests.conftest import login

    wrong = login(web.client(), "traffic_staff", "nope-nope-nope")
    unknown = login(web.client(), "nobody", "nope-nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.text and "用户名或密码错误" in unknown.text


def test_callback_without_csrf_header_is_refused(web: Web) -> None:
    client = web.client("traffic_staff")
    body = {
        "output": "home-grid.dashGridOptions",
        "outputs": {"id": "home-grid", "property": "dashGridOptions"},
        "inputs": [{"id": "home-search", "property": "value", "value": "x"}],
        "state": [{"id": "home-grid", "property": "dashGridOptions", "value": {}}],
        "changedPropIds": ["home-search.value"],
    }
    assert client.post("/_dash-update-component", json=body).status_code == 400
    ok = client.post("/_dash-update-component", json=body, headers=csrf_header(client))
    assert ok.status_code == 200, ok.text
    assert ok.json["response"]["home-grid"]["dashGridOptions"] == {"quickFilterText": "x"}


def test_upload_via_api_and_visibility(web: Web) -> None:
    path = real_file("somerville_happiness_survey_2015.csv")
    token = web.token("traffic_staff")
    with path.open("rb") as fh:
        created = web.client().post(
            "/api/v1/datasets",
            headers={"Authorization": f"Bearer {token}"},
            data={"file": (fh, path.name), "name": "幸福感调查", "department": "traffic"},
        )
    assert created.status_code == 201, created.text
    dataset_id = created.json["id"]
    assert created.json["rows"] == 143
    own = web.client("traffic_staff").get(f"/api/v1/datasets/{dataset_id}")
    other = web.client("hotline_staff").get(f"/api/v1/datasets/{dataset_id}")
    missing = web.client("hotline_staff").get("/api/v1/datasets/no_such_dataset")
    assert own.status_code == 200 and [c["name"] for c in own.json["columns"]] == ["d", "x1", "x2", "x3", "x4", "x5", "x6"]
    assert other.status_code == 404 and other.json == missing.json
    assert REAL_DATA.exists()
