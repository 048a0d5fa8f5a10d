"""Sign-in, sign-out and revocation (SECURITY.md A3, A5): sessions and API tokens on a real app."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD, Web, csrf_from, csrf_header, real_file

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SURVEY = "somerville_happiness_survey_2015.csv"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error_of(response: TestResponse, status: int, code: str) -> None:
    assert response.status_code == status, f"{response.status_code} {response.get_data(as_text=True)[:300]}"
    body = response.json
    assert isinstance(body, dict) and set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "issues"} and body["error"]["code"] == code, body
    assert body["error"]["issues"] == [] and body["error"]["message"], body


def signed_out(client: FlaskClient) -> None:
    """Both doors closed: the page sends the browser to the login page, the API answers 401."""
    page = client.get("/", headers=BROWSER)
    assert page.status_code == 302 and urlsplit(page.headers["Location"]).path == "/login", page.headers
    error_of(client.get("/api/v1/datasets"), 401, "unauthenticated")
    error_of(client.get("/_dash-layout"), 401, "unauthenticated")


def signed_in(client: FlaskClient, expected_datasets: list[str] | None = None) -> None:
    assert client.get("/", headers=BROWSER).status_code == 200
    listed = client.get("/api/v1/datasets")
    assert listed.status_code == 200, listed.text
    if expected_datasets is not None:
        assert [d["id"] for d in listed.json["datasets"]] == expected_datasets


def upload(client: FlaskClient, headers: dict[str, str], name: str = "幸福感调查", department: str = "traffic") -> TestResponse:
    path = real_file(SURVEY)
    with path.open("rb") as fh:
        return client.post("/api/v1/datasets", headers=headers, data={"file": (fh, path.name), "name": name, "department": department})


def edit_user(web: Web, username: str, change: Callable[[Any], None]) -> None:
    from access.users import user_by_name

    with web.rt.store.transaction() as db:
        change(user_by_name(db, username))


def test_a_session_works(web: Web) -> None:
    client = web.client("traffic_staff")
    signed_in(client, [])
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200 and "traffic_staff" in layout.text


@pytest.mark.parametrize("how", ["form", "header"])
def test_logout_ends_the_session(web: Web, how: str) -> None:
    client = web.client("traffic_staff")
    token = csrf_header(client)["X-CSRFToken"]
    if how == "form":
        response = client.post("/logout", data={"csrf_token": token})
    else:
        response = client.post("/logout", headers={"X-CSRFToken": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    signed_out(client)


def test_a_session_cookie_replayed_after_logout_is_dead(web: Web) -> None:
    """A3: logout applies on the very next request, including one that replays the old cookie."""
    client = web.client("traffic_staff")
    token = csrf_header(client)["X-CSRFToken"]
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = web.client()
    replay.set_cookie("session", cookie.value)
    signed_out(replay)


def test_logout_without_csrf_is_refused_and_the_session_survives(web: Web) -> None:
    client = web.client("traffic_staff")
    error_of(client.post("/logout"), 400, "csrf")
    error_of(client.post("/logout", data={"csrf_token": "forged"}), 400, "csrf")
    error_of(client.post("/logout", headers={"X-CSRFToken": "forged"}), 400, "csrf")
    other = web.client("hotline_staff")
    error_of(client.post("/logout", headers=csrf_header(other)), 400, "csrf")  # another session's token
    signed_in(client, [])


def test_disabling_the_user_applies_on_the_next_request(web: Web) -> None:
    client = web.client("traffic_staff")
    token = web.token("traffic_staff")
    signed_in(client)
    edit_user(web, "traffic_staff", lambda u: setattr(u, "enabled", False))
    signed_out(client)
    error_of(web.client().get("/api/v1/datasets", headers=bearer(token)), 401, "unauthenticated")
    # Nor can the account sign in again.
    again = web.client()
    page = again.get("/login")
    refused = again.post(
        "/login", data={"username": "traffic_staff", "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": "/"}
    )
    assert refused.status_code == 401
    signed_out(again)


def test_bumping_the_session_epoch_ends_every_session(web: Web) -> None:
    first, second = web.client("traffic_staff"), web.client("traffic_staff")
    signed_in(first)
    signed_in(second)
    edit_user(web, "traffic_staff", lambda u: setattr(u, "session_epoch", u.session_epoch + 1))
    signed_out(first)
    signed_out(second)
    fresh = web.client("traffic_staff")  # a new sign-in carries the new epoch
    signed_in(fresh)


def test_role_change_applies_on_the_next_request(web: Web) -> None:
    created = upload(web.client(), bearer(web.token("traffic_analyst")))
    assert created.status_code == 201, created.text
    dataset_id = created.json["id"]
    client = web.client("traffic_analyst")
    url = f"/api/v1/datasets/{dataset_id}/columns/x1"
    before = client.patch(url, json={"description_en": "first"}, headers=csrf_header(client))
    assert before.status_code == 200 and before.json["description_en"] == "first"
    edit_user(web, "traffic_analyst", lambda u: setattr(u, "role", "staff"))  # staff may not edit the dictionary
    after = client.patch(url, json={"description_en": "second"}, headers=csrf_header(client))
    assert after.status_code in (401, 403), after.text
    assert after.json["error"]["code"] in ("unauthenticated", "forbidden")
    column = next(c for c in web.client("admin").get(f"/api/v1/datasets/{dataset_id}").json["columns"] if c["name"] == "x1")
    assert column["description_en"] == "first"


def test_department_change_applies_on_the_next_request(web: Web) -> None:
    from access.departments import department_by_code

    created = upload(web.client(), bearer(web.token("traffic_staff")))
    dataset_id = created.json["id"]
    client = web.client("traffic_staff")
    assert client.get(f"/api/v1/datasets/{dataset_id}").status_code == 200
    with web.rt.store.transaction() as db:
        hotline = department_by_code(db, "hotline")
        assert hotline is not None
        hotline_id = hotline.id
    edit_user(web, "traffic_staff", lambda u: setattr(u, "department_id", hotline_id))
    moved = client.get(f"/api/v1/datasets/{dataset_id}")
    missing = client.get("/api/v1/datasets/no_such_dataset")
    assert moved.status_code in (401, 404)
    if moved.status_code == 404:
        assert moved.json == missing.json
        assert client.get("/api/v1/datasets").json == {"datasets": []}


def test_login_form_without_csrf_does_not_sign_in(web: Web) -> None:
    client = web.client()
    client.get("/login")
    response = client.post("/login", data={"username": "traffic_staff", "password": PASSWORD, "next": "/"})
    assert response.status_code in (302, 400)
    assert "/login" in response.headers.get("Location", "/login")
    signed_out(client)
    forged = client.post("/login", data={"username": "traffic_staff", "password": PASSWORD, "next": "/", "csrf_token": "forged"})
    assert forged.status_code in (302, 400)
    signed_out(client)
    # A valid token of another browser's session does not sign this one in either.
    donor = web.client()
    token = csrf_from(donor.get("/login").text)
    stranger = web.client()
    stranger.get("/login")
    borrowed = stranger.post("/login", data={"username": "traffic_staff", "password": PASSWORD, "next": "/", "csrf_token": token})
    assert borrowed.status_code in (302, 400) and borrowed.headers.get("Location", "/login") != "/"
    signed_out(stranger)


def test_login_replaces_the_session(web: Web) -> None:
    """No session fixation: the cookie issued before sign-in is not the signed-in one."""
    client = web.client()
    client.get("/login")
    before = client.get_cookie("session")
    page = client.get("/login")
    client.post("/login", data={"username": "traffic_staff", "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": "/"})
    after = client.get_cookie("session")
    assert after is not None and (before is None or before.value != after.value)
    if before is not None:
        victim = web.client()
        victim.set_cookie("session", before.value)
        signed_out(victim)


def test_bearer_tokens_work_on_the_api_only(web: Web) -> None:
    created = upload(web.client(), bearer(web.token("traffic_staff")))
    dataset_id = created.json["id"]
    headers = bearer(web.token("traffic_staff"))
    client = web.client()
    listed = client.get("/api/v1/datasets", headers=headers)
    assert listed.status_code == 200 and [d["id"] for d in listed.json["datasets"]] == [dataset_id]
    rows = client.get(f"/api/v1/datasets/{dataset_id}/rows?limit=2", headers=headers)
    assert rows.status_code == 200 and rows.json["total"] == 143 and len(rows.json["rows"]) == 2
    for path in ("/", "/upload", f"/datasets/{dataset_id}"):
        page = client.get(path, headers={**headers, **BROWSER})
        assert page.status_code == 302 and urlsplit(page.headers["Location"]).path == "/login", f"{path}: {page.status_code}"
    for path in ("/_dash-layout", "/_dash-dependencies"):
        error_of(client.get(path, headers=headers), 401, "unauthenticated")
    error_of(client.post("/_dash-update-component", headers=headers, json={}), 401, "unauthenticated")
    # The token never turns into a session.
    assert client.get_cookie("session") is None or client.get("/api/v1/datasets").status_code == 401
    error_of(client.get("/api/v1/datasets"), 401, "unauthenticated")


@pytest.mark.parametrize("header", ["Bearer wrong-token", "Bearer ", "Bearer", "Basic dHJhZmZpY19zdGFmZjp0ZXN0LXBhc3MtMTIz", "token x"])
def test_wrong_tokens_are_401(web: Web, header: str) -> None:
    error_of(web.client().get("/api/v1/datasets", headers={"Authorization": header}), 401, "unauthenticated")


def test_tokens_of_disabled_users_and_revoked_tokens_are_401(web: Web) -> None:
    from sqlalchemy import select

    from access.models import ApiToken
    from store.base import utcnow

    staff, analyst = web.token("traffic_staff"), web.token("traffic_analyst")
    for token in (staff, analyst):
        assert web.client().get("/api/v1/datasets", headers=bearer(token)).status_code == 200
    edit_user(web, "traffic_staff", lambda u: setattr(u, "enabled", False))
    error_of(web.client().get("/api/v1/datasets", headers=bearer(staff)), 401, "unauthenticated")
    with web.rt.store.transaction() as db:
        for row in db.scalars(select(ApiToken)):
            row.revoked_at = utcnow()
    error_of(web.client().get("/api/v1/datasets", headers=bearer(analyst)), 401, "unauthenticated")


def test_state_changes_with_a_token_need_no_csrf_but_sessions_do(web: Web) -> None:
    token = web.token("traffic_analyst")
    created = upload(web.client(), bearer(token), name="令牌上传")
    assert created.status_code == 201, created.text
    dataset_id = created.json["id"]
    patched = web.client().patch(f"/api/v1/datasets/{dataset_id}/columns/x1", headers=bearer(token), json={"description_en": "via token"})
    assert patched.status_code == 200 and patched.json["description_en"] == "via token"

    session = web.client("traffic_analyst")
    error_of(upload(session, {}, name="无令牌上传"), 400, "csrf")
    error_of(session.patch(f"/api/v1/datasets/{dataset_id}/columns/x1", json={"description_en": "no csrf"}), 400, "csrf")
    # A session with a made-up Bearer header is still a session: CSRF still applies.
    error_of(upload(session, bearer("made-up"), name="伪造令牌上传"), 400, "csrf")
    error_of(upload(session, bearer(token), name="借用令牌上传"), 400, "csrf")
    listed = web.client().get("/api/v1/datasets", headers=bearer(token)).json["datasets"]
    assert [d["id"] for d in listed] == [dataset_id]
    column = next(c for c in web.client().get(f"/api/v1/datasets/{dataset_id}", headers=bearer(token)).json["columns"] if c["name"] == "x1")
    assert column["description_en"] == "via token"

    with_csrf = upload(session, csrf_header(session), name="会话上传")
    assert with_csrf.status_code == 201, with_csrf.text
    assert with_csrf.json["rows"] == 143


def test_callbacks_need_csrf_from_the_same_session(web: Web) -> None:
    body = {
        "output": "home-grid.dashGridOptions",
        "outputs": {"id": "home-grid", "property": "dashGridOptions"},
        "inputs": [{"id": "home-search", "property": "value", "value": "x"}],
        "state": [{"id": "home-grid", "property": "dashGridOptions", "value": {}}],
        "changedPropIds": ["home-search.value"],
    }
    client, other = web.client("traffic_staff"), web.client("hotline_staff")
    error_of(client.post("/_dash-update-component", json=body), 400, "csrf")
    error_of(client.post("/_dash-update-component", json=body, headers=csrf_header(other)), 400, "csrf")
    ok = client.post("/_dash-update-component", json=body, headers=csrf_header(client))
    assert ok.status_code == 200 and ok.json["response"]["home-grid"]["dashGridOptions"] == {"quickFilterText": "x"}


def test_multipart_body_is_not_a_way_round_csrf(web: Web) -> None:
    session = web.client("traffic_staff")
    response = session.post(
        "/api/v1/datasets",
        data={"file": (io.BytesIO(b"a,b\n1,2\n"), "a.csv"), "name": "绕过", "department": "traffic", "csrf_token": "forged"},
    )
    error_of(response, 400, "csrf")
