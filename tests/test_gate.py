"""The request gate (SECURITY.md A2, A5, A6, E3, G3): the unauthenticated sweep, open redirects,
security headers, cookies and body-size caps, on a real app with a real imported dataset."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD, USERS, Web, csrf_from, csrf_header, make_settings, real_file, seed_directory

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON_CLIENT = {"Accept": "application/json"}
DATASET_NAME = "绝密热线工单台账"  # distinctive: must never reach an anonymous caller
DATASET_FILE = "la_myla311_service_requests_2017_subset.csv"
EVIL_NEXT = (
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "http:/evil",
    "/\t/evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "///evil.example",
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Loaded:
    """The app with one imported dataset, and every string an anonymous caller must never see."""

    web: Web
    dataset_id: str
    columns: list[str]
    secrets: list[str]


@pytest.fixture
def loaded(web: Web) -> Loaded:
    path = real_file(DATASET_FILE)
    with path.open("rb") as fh:
        created = web.client().post(
            "/api/v1/datasets",
            headers=bearer(web.token("traffic_staff")),
            data={"file": (fh, path.name), "name": DATASET_NAME, "department": "traffic"},
        )
    assert created.status_code == 201, created.text
    dataset_id = created.json["id"]
    assert DATASET_NAME not in dataset_id
    columns = [c["name"] for c in created.json["columns"]]
    # Compound names and labels (SRNumber, PolicePrecinct, ...) are distinctive; plain words are not.
    distinctive = [c for c in created.json["columns"] if len(c["name"]) >= 8 and sum(ch.isupper() for ch in c["label"]) >= 2]
    assert len(distinctive) >= 5, distinctive
    row = web.client().get(f"/api/v1/datasets/{dataset_id}/rows?limit=1", headers=bearer(web.token("admin"))).json["rows"][0]
    values = [v for v in row if isinstance(v, str) and len(v) >= 10 and not re.fullmatch(r"[\d\-:T. ]+", v)]
    assert values, row
    users = [u for u, *_ in USERS if "_" in u]  # admin/leader are ordinary words
    leak = [
        DATASET_NAME,
        *[c["name"] for c in distinctive],
        *[c["label"] for c in distinctive],
        *values,
        *users,
        "交通运输局",
        "12345热线中心",
        "东城区",
        "西城区",
    ]
    return Loaded(web, dataset_id, columns, leak)


def forms_of(text: str) -> set[str]:
    """A secret as it may appear in a body: raw, JSON-escaped, URL-quoted."""
    return {text.lower(), json.dumps(text)[1:-1].lower(), quote(text).lower(), quote(text, safe="").lower()}


def assert_no_leak(response: TestResponse, leak: list[str], where: str) -> None:
    body = response.get_data(as_text=True).lower() + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items()).lower()
    found = [s for s in leak if any(form in body for form in forms_of(s))]
    assert not found, f"{where}: body/headers carry {found}: {response.get_data(as_text=True)[:500]}"


def assert_unauthenticated(response: TestResponse, where: str) -> None:
    assert response.status_code == 401, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    assert response.mimetype == "application/json", where
    body = response.json
    assert isinstance(body, dict) and set(body) == {"error"}, f"{where}: {body}"
    assert set(body["error"]) == {"code", "message", "issues"}, f"{where}: {body}"
    assert body["error"]["code"] == "unauthenticated" and body["error"]["issues"] == [], f"{where}: {body}"
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], where


def assert_to_login(response: TestResponse, target: str, where: str) -> None:
    assert response.status_code == 302, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("", "", "/login"), f"{where}: {response.headers['Location']}"
    assert parse_qs(location.query) == {"next": [target]}, f"{where}: {response.headers['Location']}"


def fill(rule: str, value: str = "x") -> str:
    return re.sub(r"<[^>]+>", value, rule)


def is_json_path(path: str) -> bool:
    return path.startswith(("/_dash-", "/api/"))


PUBLIC_RULES = {
    "/login",
    "/lang/<code>",
    "/assets/<path:filename>",
    "/api/v1/health",
    "/_favicon.ico",
}  # the favicon is a static asset Dash serves from its own route


def component_suite_path(web: Web) -> str | None:
    index = web.client("admin").get("/", headers=BROWSER).get_data(as_text=True)
    paths = re.findall(r'src="(/_dash-component-suites/[^"?]+)', index)
    return paths[0] if paths else None


def sweep_targets(loaded: Loaded) -> list[tuple[str, str]]:
    """(method, path) for every protected route, filled with a dummy and with the real dataset id."""
    server = loaded.web.app.server
    targets: set[tuple[str, str]] = set()
    for rule in server.url_map.iter_rules():
        if rule.rule in PUBLIC_RULES:
            continue
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        for value in ("x", loaded.dataset_id):
            path = fill(rule.rule, value)
            if "<name>" in rule.rule:
                path = fill(rule.rule.replace("<name>", loaded.columns[0]), value)
            for method in methods | {"GET", "POST"}:
                targets.add((method, path))
    extra = [
        "/",
        "/upload",
        "/datasets/x",
        f"/datasets/{loaded.dataset_id}",
        "/_dash-layout",
        "/_dash-dependencies",
        "/_dash-update-component",
        "/_reload-hash",
        "/static/x",
        "/logout",
        "/no-such-page",
        "/api/v1/no-such-endpoint",
        "/api/v1/datasets",
        f"/api/v1/datasets/{loaded.dataset_id}",
        f"/api/v1/datasets/{loaded.dataset_id}/rows",
        f"/api/v1/datasets/{loaded.dataset_id}/versions",
        "/api/v1/departments",
        "/api/v1/openapi.json",
    ]
    suite = component_suite_path(loaded.web)
    if suite:
        extra.append(suite)
    for path in extra:
        targets.add(("GET", path))
        targets.add(("POST", path))
    return sorted(targets)


def anonymous(client: FlaskClient, method: str, path: str, headers: dict[str, str], loaded: Loaded) -> TestResponse:
    body: dict[str, Any] = {}
    if path == "/_dash-update-component" and method == "POST":
        body["json"] = {
            "output": "preview-grid.getRowsResponse",
            "outputs": {"id": "preview-grid", "property": "getRowsResponse"},
            "inputs": [{"id": "preview-grid", "property": "getRowsRequest", "value": {"startRow": 0, "endRow": 10}}],
            "state": [{"id": "dataset-id", "property": "data", "value": loaded.dataset_id}],
            "changedPropIds": ["preview-grid.getRowsRequest"],
        }
    elif method in ("PATCH", "PUT"):
        body["json"] = {"description_en": "anonymous edit"}
    return client.open(path, method=method, headers=headers, **body)


def test_unauthenticated_sweep(loaded: Loaded) -> None:
    """Every route except the public ones: browsers to the login page, /_dash-* and API 401, no data."""
    targets = sweep_targets(loaded)
    rules = {r.rule for r in loaded.web.app.server.url_map.iter_rules()}
    assert len(rules - PUBLIC_RULES) >= 15, rules
    assert any(p.startswith("/_dash-component-suites/") and "/x/" not in p for _, p in targets), (
        "no real component-suite path found in the served index"
    )
    client = loaded.web.client()
    seen_401: set[str] = set()
    for method, path in targets:
        for accept in (BROWSER, JSON_CLIENT, {}):
            where = f"anonymous {method} {path} Accept={accept.get('Accept', '-')[:9]}"
            response = anonymous(client, method, path, accept, loaded)
            assert_no_leak(response, loaded.secrets, where)
            assert "Access-Control-Allow-Origin" not in response.headers, where
            if is_json_path(path) or accept is JSON_CLIENT:
                assert_unauthenticated(response, where)
                seen_401.add(response.get_data(as_text=True))
            else:
                assert_to_login(response, path, where)
    assert len(seen_401) == 1, f"401 bodies differ between routes: {seen_401}"
    # Unchanged: the anonymous PATCH/POSTs did nothing.
    info = loaded.web.client().get(f"/api/v1/datasets/{loaded.dataset_id}", headers=bearer(loaded.web.token("admin"))).json
    assert all(c["description_en"] == "" for c in info["columns"])
    listed = loaded.web.client().get("/api/v1/datasets", headers=bearer(loaded.web.token("admin"))).json["datasets"]
    assert [d["id"] for d in listed] == [loaded.dataset_id]


def test_query_string_is_kept_in_next(loaded: Loaded) -> None:
    client = loaded.web.client()
    response = client.get("/datasets/x?y=1&z=%E4%B8%AD", headers=BROWSER)
    assert_to_login(response, "/datasets/x?y=1&z=%E4%B8%AD", "query string")
    assert_no_leak(response, loaded.secrets, "query string")


def test_component_suite_is_real_and_gated(loaded: Loaded) -> None:
    suite = component_suite_path(loaded.web)
    if suite is None:
        pytest.skip("the served index names no component-suite path")
    assert loaded.web.client("admin").get(suite).status_code == 200
    for accept in (BROWSER, JSON_CLIENT):
        response = loaded.web.client().get(suite, headers=accept)
        assert_unauthenticated(response, f"anonymous {suite}")


def test_public_routes_answer_without_data(loaded: Loaded) -> None:
    client = loaded.web.client()
    login_page = client.get("/login", headers=BROWSER)
    assert login_page.status_code == 200 and 'name="csrf_token"' in login_page.text and 'name="password"' in login_page.text
    health = client.get("/api/v1/health")
    assert health.status_code == 200 and health.json == {"status": "ok"}
    css = client.get("/assets/city.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    favicon = client.get("/_favicon.ico")
    assert favicon.status_code == 200
    lang = client.get("/lang/en", headers=BROWSER)
    assert lang.status_code == 302 and lang.headers["Location"] == "/"
    back = client.get("/lang/zh?next=/login", headers=BROWSER)
    assert back.status_code == 302 and back.headers["Location"] == "/login"
    for response, where in ((login_page, "/login"), (health, "health"), (lang, "/lang/en"), (back, "/lang/zh")):
        assert_no_leak(response, loaded.secrets, where)


@pytest.mark.parametrize("path", ["/assets/../app.py", "/assets/%2e%2e/app.py", "/assets/..%2fapp.py", "/assets/../settings.py"])
def test_assets_do_not_serve_source(web: Web, path: str) -> None:
    response = web.client().get(path)
    assert response.status_code in (302, 401, 404), f"{path}: {response.status_code}"
    assert "create_app" not in response.text and "CITY_SECRET_KEY" not in response.text


def post_login(client: FlaskClient, username: str, next_value: str, get_next: str | None = None) -> TestResponse:
    page = client.get("/login", query_string={"next": get_next if get_next is not None else next_value})
    return client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": next_value})


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_open_redirect_after_login_goes_home(web: Web, target: str) -> None:
    client = web.client()
    page = client.get("/login", query_string={"next": target})
    hidden = re.search(r'name="next" value="([^"]*)"', page.text)
    assert hidden and hidden.group(1) == "/", f"login page keeps next={target!r} as {hidden and hidden.group(1)!r}"
    response = post_login(client, "traffic_staff", target)
    assert response.status_code == 302 and response.headers["Location"] == "/", f"{target!r} -> {response.headers.get('Location')}"
    assert client.get("/api/v1/datasets").status_code == 200  # the sign-in itself worked
    lang = web.client().get(f"/lang/en?next={quote(target, safe='')}")
    assert lang.status_code == 302 and lang.headers["Location"] == "/", f"/lang next={target!r} -> {lang.headers.get('Location')}"


def test_same_origin_next_is_honoured(web: Web) -> None:
    client = web.client()
    response = post_login(client, "traffic_staff", "/datasets/x?y=1")
    assert response.status_code == 302 and response.headers["Location"] == "/datasets/x?y=1"
    # The whole round trip: the gate's redirect, the login page's hidden field, the POST.
    client = web.client()
    gate = client.get("/datasets/x?y=1", headers=BROWSER)
    next_value = parse_qs(urlsplit(gate.headers["Location"]).query)["next"][0]
    page = client.get(gate.headers["Location"])
    hidden = re.search(r'name="next" value="([^"]*)"', page.text)
    assert hidden and hidden.group(1) == next_value == "/datasets/x?y=1"
    signed_in = client.post(
        "/login", data={"username": "traffic_staff", "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": hidden.group(1)}
    )
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/datasets/x?y=1"


def csp_directives(header: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def assert_security_headers(response: TestResponse, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{where}: no CSP"
    directives = csp_directives(csp)
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {csp}"
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, f"{where}: {csp}"
    for bad in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:", "blob:"):
        assert bad not in scripts, f"{where}: script-src allows {bad}: {csp}"
    assert directives.get("object-src") == ["'none'"], f"{where}: {csp}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin"), (
        where
    )
    assert "Access-Control-Allow-Origin" not in response.headers, where


def test_security_headers(web: Web) -> None:
    client = web.client("traffic_staff")
    home = client.get("/", headers=BROWSER)
    assert home.status_code == 200 and home.mimetype == "text/html"
    assert_security_headers(home, "/")
    api = client.get("/api/v1/datasets")
    assert api.status_code == 200 and api.json == {"datasets": []}
    assert_security_headers(api, "/api/v1/datasets")
    assert_security_headers(web.client().get("/login"), "/login")
    assert_security_headers(web.client().get("/api/v1/datasets"), "anonymous 401")
    assert_security_headers(client.post("/_dash-update-component", json={}), "callback refused for CSRF")
    for response in (home, api):
        assert "no-store" in response.headers.get("Cache-Control", "")


def test_inline_scripts_of_the_index_are_hashed_in_the_csp(web: Web) -> None:
    """G3: no inline script runs unless its hash is in script-src (JSON data blocks do not run)."""
    home = web.client("traffic_staff").get("/", headers=BROWSER)
    scripts = csp_directives(home.headers["Content-Security-Policy"])["script-src"]
    html = re.sub(r"<!--.*?-->", "", home.text, flags=re.S)  # Dash's IE notice sits in a conditional comment
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, flags=re.S)
    executable = [(attrs, body) for attrs, body in inline if "application/json" not in attrs and body.strip()]
    assert executable, "expected Dash's renderer bootstrap as an inline script"
    for _attrs, body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts, f"inline script not allowed by CSP hash: {body[:80]!r}"


def set_cookie_headers(response: TestResponse, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]


def test_cookie_flags(web: Web) -> None:
    client = web.client()
    page = client.get("/login")
    signed_in = client.post(
        "/login", data={"username": "traffic_staff", "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": "/"}
    )
    assert signed_in.status_code == 302
    sessions = set_cookie_headers(signed_in, "session")
    assert sessions, signed_in.headers
    for header in sessions:
        assert "HttpOnly" in header and "SameSite=Lax" in header, header
        assert "Secure" not in header  # development over http
    home = client.get("/", headers=BROWSER)
    csrf = set_cookie_headers(home, "_csrf_token")
    assert csrf, f"no _csrf_token cookie for a signed-in user: {home.headers}"
    for header in csrf:
        assert "HttpOnly" not in header and "SameSite=Lax" in header, header
    assert client.get_cookie("_csrf_token") is not None
    # An anonymous caller gets no CSRF cookie from a protected route.
    anon = web.client().get("/", headers=BROWSER)
    assert not set_cookie_headers(anon, "_csrf_token")


def test_cookies_are_secure_in_production(tmp_path: Path) -> None:
    from app import create_app

    settings = make_settings(
        tmp_path / "prod", env="production", allow_sqlite_in_production=True, secret_key=secrets.token_urlsafe(48), dash_debug=False
    )
    app = create_app(settings)
    rt = app.server.extensions["city"]
    try:
        seed_directory(rt)
        client = app.server.test_client()
        page = client.get("/login", base_url="https://localhost")
        signed_in = client.post(
            "/login",
            base_url="https://localhost",
            headers={"Referer": "https://localhost/login"},
            data={"username": "traffic_staff", "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": "/"},
        )
        assert signed_in.status_code == 302, signed_in.text
        for header in set_cookie_headers(signed_in, "session"):
            assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header, header
        home = client.get("/", base_url="https://localhost")
        for header in set_cookie_headers(home, "_csrf_token"):
            assert "Secure" in header, header
    finally:
        rt.close()


def too_large(response: TestResponse, where: str) -> None:
    assert response.status_code == 413, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    body = response.json
    assert isinstance(body, dict) and set(body) == {"error"} and set(body["error"]) == {"code", "message", "issues"}, where
    assert body["error"]["code"] == "too_large" and body["error"]["issues"] == [], where


def test_oversize_callback_body_is_refused_before_auth(web: Web) -> None:
    limit = web.rt.settings.max_callback_kb << 10
    payload = b'{"output": "home-grid.dashGridOptions", "pad": "' + b"a" * limit + b'"}'
    signed_in = web.client("traffic_staff")
    cases = [("anonymous", web.client(), {}), ("signed in, no CSRF", signed_in, {}), ("signed in, CSRF", signed_in, csrf_header(signed_in))]
    for where, client, headers in cases:
        response = client.post("/_dash-update-component", data=payload, content_type="application/json", headers=headers)
        too_large(response, where)
    # Just under the cap is not refused for size.
    small = signed_in.post("/_dash-update-component", data=b"{}", content_type="application/json", headers=csrf_header(signed_in))
    assert small.status_code != 413


@pytest.fixture
def small_web(tmp_path: Path) -> Iterator[Web]:
    """An app whose upload cap is 1 MB."""
    from app import create_app

    app = create_app(make_settings(tmp_path / "small", max_upload_mb=1))
    rt = app.server.extensions["city"]
    seed_directory(rt)
    yield Web(app, rt)
    rt.close()


def csv_bytes(size: int) -> bytes:
    line = b"district,amount,note\n"
    row = "东城区,12345,padding text for the size cap\n".encode()
    return line + row * (size // len(row) + 1)


def test_oversize_upload_is_refused(small_web: Web) -> None:
    token = small_web.token("traffic_staff")
    big = csv_bytes(3 << 19)  # 1.5 MB
    signed_in = small_web.client("traffic_staff")
    cases = [
        ("bearer", small_web.client(), bearer(token)),
        ("anonymous", small_web.client(), {}),
        ("session without CSRF", signed_in, {}),
        ("session with CSRF", signed_in, csrf_header(signed_in)),
    ]
    for where, client, headers in cases:
        response = client.post(
            "/api/v1/datasets", headers=headers, data={"file": (io.BytesIO(big), "big.csv"), "name": "大文件", "department": "traffic"}
        )
        too_large(response, where)
    listed = small_web.client().get("/api/v1/datasets", headers=bearer(token))
    assert listed.json == {"datasets": []}
    uploads = small_web.rt.settings.uploads_dir
    assert not uploads.exists() or not any(uploads.iterdir())
    # Under the cap the same file goes through.
    ok = small_web.client().post(
        "/api/v1/datasets",
        headers=bearer(token),
        data={"file": (io.BytesIO(csv_bytes(600 << 10)), "ok.csv"), "name": "小文件", "department": "traffic"},
    )
    assert ok.status_code == 201, ok.text
    assert ok.json["rows"] > 10000 and [c["name"] for c in ok.json["columns"]] == ["district", "amount", "note"]
