"""Error bodies (SECURITY.md G1, API.md "Errors"): a JSON envelope, never a traceback, SQL, path or
exception class; internal errors carry only a reference id that ties them to the server log."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import ROOT, Web, csrf_header, make_settings, real_file, seed_directory

SECRET = "secret /etc/passwd SELECT"
CODES = {
    400: {"bad_request", "csrf"},
    401: {"unauthenticated"},
    403: {"forbidden"},
    404: {"not_found"},
    405: {"method_not_allowed"},
    409: {"conflict"},
    413: {"too_large"},
    422: {"invalid"},
    500: {"internal"},
}
LEAKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("traceback", re.compile(r"Traceback|most recent call last|File \"|line \d+, in ")),
    ("python source", re.compile(r"\.py\b|site-packages|\.venv")),
    (
        "SQL",
        re.compile(
            r"\b(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ATTACH|PRAGMA|COPY)\b[^\"\n]{0,300}?\b(FROM|INTO|TABLE|SET|AS|DATABASE)\b|"
            r"\bLIMIT \?|\bOFFSET \?|\bLINE \d+:|\bread_csv|\bsqlite_master|\"ds\"\."
        ),
    ),
    (
        "exception class",
        re.compile(r"\b[A-Z]\w*(Error|Exception|Interrupt|Exit)\b|\b(?i:duckdb|sqlalchemy|psycopg|werkzeug|pyarrow|openpyxl)\b"),
    ),
    ("file path", re.compile(r"(/(etc|tmp|work|home|usr|var|root|proc)/)|instance/|\.duckdb\b|\.sqlite3?\b|\.parquet\b|uploads/")),
    ("secret", re.compile(re.escape(SECRET) + r"|/etc/passwd")),
)
# Words in our own friendly messages that the patterns above must not mistake for leaks.
ALLOWED_WORDS = re.compile(r"\"code\":\s*\"[a-z_.]+\"")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_clean(response: TestResponse, where: str, extra: tuple[str, ...] = ()) -> None:
    text = response.get_data(as_text=True)
    scanned = (
        ALLOWED_WORDS.sub("", text) + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items() if k != "Content-Security-Policy")
    )
    for what, pattern in LEAKS:
        match = pattern.search(scanned)
        assert match is None, f"{where}: the error carries {what} ({match.group(0)!r}): {text[:600]}"
    for value in extra:
        assert value not in text, f"{where}: the error echoes {value!r}: {text[:600]}"


def assert_envelope(response: TestResponse, status: int | tuple[int, ...], where: str) -> dict[str, Any]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, f"{where}: {response.status_code} (wanted {statuses}) {response.get_data(as_text=True)[:400]}"
    assert response.mimetype == "application/json", f"{where}: {response.mimetype} {response.get_data(as_text=True)[:200]}"
    body = response.json
    assert isinstance(body, dict) and set(body) == {"error"}, f"{where}: {body}"
    error = body["error"]
    assert set(error) == {"code", "message", "issues"}, f"{where}: {error}"
    assert error["code"] in CODES[response.status_code], f"{where}: code {error['code']} for {response.status_code}"
    assert isinstance(error["message"], str) and error["message"].strip(), f"{where}: {error}"
    assert isinstance(error["issues"], list), f"{where}: {error}"
    for issue in error["issues"]:
        assert {"code", "message", "severity"} <= set(issue), f"{where}: {issue}"
    if response.status_code != 500:
        assert "X-Error-Reference" not in response.headers
    return error  # type: ignore[no-any-return]


@pytest.fixture
def dataset(web: Web) -> str:
    path = real_file("somerville_happiness_survey_2015.csv")
    with path.open("rb") as fh:
        created = web.client().post(
            "/api/v1/datasets",
            headers=bearer(web.token("admin")),
            data={"file": (fh, path.name), "name": "错误测试", "department": "traffic"},
        )
    assert created.status_code == 201, created.text
    return str(created.json["id"])


def uploads_left(web: Web) -> list[Path]:
    folder = web.rt.settings.uploads_dir
    return sorted(folder.iterdir()) if folder.exists() else []


def upload_file(content: bytes, filename: str, department: str = "traffic") -> dict[str, Any]:
    return {"data": {"file": (io.BytesIO(content), filename), "name": "坏文件", "department": department}}


CASES: list[tuple[str, str, str, Callable[[str], dict[str, Any]], int | tuple[int, ...]]] = [
    # (label, method, path with {id}, request kwargs, expected status)
    (
        "PATCH bad JSON",
        "PATCH",
        "/api/v1/datasets/{id}/columns/x1",
        lambda _: {"data": b'{"description_en": "x", ', "content_type": "application/json"},
        400,
    ),
    ("PATCH JSON array", "PATCH", "/api/v1/datasets/{id}/columns/x1", lambda _: {"json": ["description_en"]}, 400),
    ("PATCH wrong types", "PATCH", "/api/v1/datasets/{id}/columns/x1", lambda _: {"json": {"role": 5, "pii": "yes"}}, 400),
    ("PATCH bad role", "PATCH", "/api/v1/datasets/{id}/columns/x1", lambda _: {"json": {"role": "'; DROP TABLE users; --"}}, 422),
    ("PATCH unknown column", "PATCH", "/api/v1/datasets/{id}/columns/no_such_column", lambda _: {"json": {"description_en": "x"}}, 404),
    ("PATCH unknown dataset", "PATCH", "/api/v1/datasets/no_such_dataset/columns/x1", lambda _: {"json": {"description_en": "x"}}, 404),
    ("GET unknown dataset", "GET", "/api/v1/datasets/no_such_dataset", lambda _: {}, 404),
    ("GET unknown dataset rows", "GET", "/api/v1/datasets/no_such_dataset/rows", lambda _: {}, 404),
    ("GET unknown dataset versions", "GET", "/api/v1/datasets/no_such_dataset/versions", lambda _: {}, 404),
    ("GET hostile dataset id", "GET", "/api/v1/datasets/..%2F..%2Fetc%2Fpasswd", lambda _: {}, 404),
    ("GET SQL dataset id", "GET", "/api/v1/datasets/x' OR '1'='1/rows", lambda _: {}, 404),
    ("GET unknown endpoint", "GET", "/api/v1/no_such_endpoint", lambda _: {}, 404),
    ("GET unknown nested endpoint", "GET", "/api/v1/datasets/{id}/no_such_thing", lambda _: {}, 404),
    ("DELETE collection", "DELETE", "/api/v1/datasets", lambda _: {}, 405),
    ("PUT dataset", "PUT", "/api/v1/datasets/{id}", lambda _: {"json": {"name": "x"}}, 405),
    ("POST departments", "POST", "/api/v1/departments", lambda _: {"json": {}}, 405),
    ("DELETE rows", "DELETE", "/api/v1/datasets/{id}/rows", lambda _: {}, 405),
    ("offset text", "GET", "/api/v1/datasets/{id}/rows?offset=abc", lambda _: {}, 400),
    ("offset float", "GET", "/api/v1/datasets/{id}/rows?offset=1.5", lambda _: {}, 400),
    ("offset negative", "GET", "/api/v1/datasets/{id}/rows?offset=-1", lambda _: {}, (400, 422)),
    ("offset beyond int64", "GET", "/api/v1/datasets/{id}/rows?offset=9223372036854775808", lambda _: {}, (400, 422)),
    ("offset huge", "GET", "/api/v1/datasets/{id}/rows?offset=99999999999999999999999", lambda _: {}, (400, 422)),
    ("limit zero", "GET", "/api/v1/datasets/{id}/rows?limit=0", lambda _: {}, (400, 422)),
    ("limit huge", "GET", "/api/v1/datasets/{id}/rows?limit=99999999999999999999999", lambda _: {}, (400, 422)),
    ("sort unknown", "GET", "/api/v1/datasets/{id}/rows?sort=no_such_column", lambda _: {}, (400, 422)),
    ("sort injection", "GET", "/api/v1/datasets/{id}/rows?sort=x1%20DESC%3B%20DROP%20TABLE%20data", lambda _: {}, (400, 422)),
    ("multipart without file", "POST", "/api/v1/datasets", lambda _: {"data": {"name": "x", "department": "traffic"}}, 422),
    (
        "multipart garbage",
        "POST",
        "/api/v1/datasets",
        lambda _: {
            "data": b'--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nab',
            "content_type": "multipart/form-data; boundary=zzz",
        },
        (400, 422),
    ),
    (
        "multipart without boundary",
        "POST",
        "/api/v1/datasets",
        lambda _: {"data": b"garbage", "content_type": "multipart/form-data"},
        (400, 422),
    ),
    ("JSON instead of multipart", "POST", "/api/v1/datasets", lambda _: {"json": {"file": "a.csv"}}, (400, 415, 422)),
    (
        "undecodable CSV",
        "POST",
        "/api/v1/datasets",
        lambda _: upload_file(b"a,b\n1,2\n3,4\n\xff\xfe\x81\x30,5\n" + b"\x80\xff" * 40, "bad.csv"),
        422,
    ),
    ("binary file named csv", "POST", "/api/v1/datasets", lambda _: upload_file(bytes(range(256)) * 64, "binary.csv"), 422),
    ("corrupt xlsx", "POST", "/api/v1/datasets", lambda _: upload_file(b"PK\x03\x04" + b"\x00" * 64, "bad.xlsx"), 422),
    ("empty file", "POST", "/api/v1/datasets", lambda _: upload_file(b"", "empty.csv"), 422),
    ("unsupported type", "POST", "/api/v1/datasets", lambda _: upload_file(b"MZ\x90\x00", "tool.exe"), 422),
    (
        "path in file name",
        "POST",
        "/api/v1/datasets",
        lambda _: upload_file(b"a,b\n1,2\n", "../../etc/passwd.csv", "no_such_department"),
        422,
    ),
    (
        "mode invalid",
        "POST",
        "/api/v1/datasets",
        lambda _: {"data": {"file": (io.BytesIO(b"a,b\n1,2\n"), "a.csv"), "name": "x", "department": "traffic", "mode": "drop"}},
        422,
    ),
    (
        "append to missing",
        "POST",
        "/api/v1/datasets",
        lambda _: {
            "data": {
                "file": (io.BytesIO(b"a,b\n1,2\n"), "a.csv"),
                "name": "x",
                "department": "traffic",
                "mode": "append",
                "dataset": "no_such_dataset",
            }
        },
        (404, 422),
    ),
    (
        "append wrong columns",
        "POST",
        "/api/v1/datasets",
        lambda ds: {
            "data": {"file": (io.BytesIO(b"zz,yy\n1,2\n"), "a.csv"), "name": "x", "department": "traffic", "mode": "append", "dataset": ds}
        },
        422,
    ),
]


@pytest.mark.parametrize(("label", "method", "path", "kwargs", "status"), CASES, ids=[c[0] for c in CASES])
def test_api_errors_are_clean(
    web: Web, dataset: str, label: str, method: str, path: str, kwargs: Callable[[str], dict[str, Any]], status: int | tuple[int, ...]
) -> None:
    client = web.client()
    response = client.open(path.format(id=dataset), method=method, headers=bearer(web.token("admin")), **kwargs(dataset))
    assert_clean(response, label, extra=(str(web.rt.settings.data_dir), str(ROOT)))
    assert_envelope(response, status, label)
    assert uploads_left(web) == [], f"{label}: upload temp files left behind"


def test_session_errors_are_clean_too(web: Web, dataset: str) -> None:
    """The same envelope through a browser session: CSRF refusal, 404 and 403."""
    staff = web.client("hotline_staff")
    assert_envelope(staff.patch(f"/api/v1/datasets/{dataset}/columns/x1", json={}), 400, "no CSRF")
    foreign = staff.get(f"/api/v1/datasets/{dataset}/rows?offset=abc")
    missing = staff.get("/api/v1/datasets/no_such_dataset/rows?offset=abc")
    assert_clean(foreign, "foreign rows")
    assert_envelope(foreign, (400, 404), "foreign dataset rows with a bad offset")
    assert foreign.status_code == missing.status_code and foreign.get_data() == missing.get_data()  # nothing tells them apart
    foreign, missing = staff.get(f"/api/v1/datasets/{dataset}/rows?offset=-1"), staff.get("/api/v1/datasets/no_such_dataset/rows?offset=-1")
    assert_envelope(foreign, (404, 422), "foreign dataset rows with a negative offset")  # checked before the dataset: no difference
    assert foreign.get_data() == missing.get_data()
    forbidden = staff.patch(f"/api/v1/datasets/{dataset}/columns/x1", json={"role": "id"}, headers=csrf_header(staff))
    assert_clean(forbidden, "forbidden")
    assert_envelope(forbidden, 403, "staff may not edit the dictionary")


def test_oversize_is_a_clean_413(web: Web) -> None:
    client = web.client("admin")
    body = b'{"x": "' + b"a" * ((web.rt.settings.max_callback_kb << 10) + 1) + b'"}'
    response = client.post("/_dash-update-component", data=body, content_type="application/json", headers=csrf_header(client))
    assert_clean(response, "413 callback")
    assert_envelope(response, 413, "413 callback")


@pytest.fixture
def small_web(tmp_path: Path) -> Iterator[Web]:
    from app import create_app

    app = create_app(make_settings(tmp_path / "small", max_upload_mb=1))
    rt = app.server.extensions["city"]
    seed_directory(rt)
    yield Web(app, rt)
    rt.close()


def test_oversize_upload_is_a_clean_413(small_web: Web) -> None:
    response = small_web.client().post(
        "/api/v1/datasets",
        headers=bearer(small_web.token("admin")),
        data={"file": (io.BytesIO(b"a,b\n" + b"1,2\n" * (1 << 19)), "big.csv"), "name": "大", "department": "traffic"},
    )
    assert_clean(response, "413 upload")
    assert_envelope(response, 413, "413 upload")
    assert uploads_left(small_web) == []


def test_malformed_callback_bodies_are_clean(web: Web) -> None:
    client = web.client("admin")
    headers = csrf_header(client)
    bodies: list[bytes] = [
        b"{bad",
        b"[]",
        b'{"foo": 1}',
        b'"text"',
        b'{"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": [], "changedPropIds": []}',
        b'{"output": "preview-grid.getRowsResponse", "outputs": {"id": "preview-grid", "property": "getRowsResponse"}, '
        b'"inputs": [{"id": "preview-grid", "property": "getRowsRequest", "value": {"startRow": 0, "endRow": 5, '
        b'"sortModel": [{"colId": "x1; DROP TABLE data", "sort": "asc"}]}}], '
        b'"state": [{"id": "dataset-id", "property": "data", "value": "no_such_dataset"}], "changedPropIds": ["preview-grid.getRowsRequest"]}',
    ]
    for body in bodies:
        response = client.post("/_dash-update-component", data=body, content_type="application/json", headers=headers)
        where = f"callback body {body[:40]!r}"
        assert_clean(response, where)
        assert response.status_code >= 400, where
        assert_envelope(response, response.status_code, where)


def test_a_callback_request_missing_its_inputs_is_a_400_not_an_internal_error(web: Web) -> None:
    client = web.client("admin")
    body = {
        "output": "board-grid.children",
        "outputs": {"id": "board-grid", "property": "children"},
        "inputs": [{"id": "board-tileset", "property": "data", "value": None}],  # the callback declares seven
        "state": [],
        "changedPropIds": ["board-tileset.data"],
    }
    response = client.post("/_dash-update-component", json=body, headers=csrf_header(client))
    assert_clean(response, "short callback body")
    assert_envelope(response, 400, "short callback body")
    assert "X-Error-Reference" not in response.headers


@pytest.fixture
def boom_web(web: Web) -> Web:
    """Temporary routes that raise, registered before the app serves its first request."""

    def boom() -> Any:
        raise RuntimeError(SECRET)

    server = web.app.server
    server.add_url_rule("/api/v1/_test_boom", "test_boom_api", boom, methods=["GET", "POST"])
    server.add_url_rule("/_dash-test-boom", "test_boom_dash", boom)
    server.add_url_rule("/reports/test-boom", "test_boom_page", boom)
    return web


def reference_of(response: TestResponse, where: str) -> str:
    ref = response.headers.get("X-Error-Reference")
    assert ref, f"{where}: no X-Error-Reference header: {dict(response.headers)}"
    assert re.fullmatch(r"[0-9a-f]{8,32}", ref), f"{where}: {ref!r}"
    assert ref in response.get_data(as_text=True), f"{where}: the body does not show the reference {ref}"
    return ref


@pytest.mark.parametrize("path", ["/api/v1/_test_boom", "/api/v1/_test_boom?lang=zh", "/_dash-test-boom"])
def test_internal_error_json(boom_web: Web, path: str, caplog: pytest.LogCaptureFixture) -> None:
    client = boom_web.client("admin")
    with caplog.at_level(logging.ERROR):
        response = client.get(path)
    assert_clean(response, path)
    error = assert_envelope(response, 500, path)
    assert error["code"] == "internal" and error["issues"] == []
    ref = reference_of(response, path)
    assert ref in error["message"]
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert logged, "the reference is not in the server log"
    assert any(r.exc_info and SECRET in str(r.exc_info[1]) for r in logged), "the server log lacks the exception details"


def test_internal_error_by_token_and_post(boom_web: Web) -> None:
    token = boom_web.token("admin")
    response = boom_web.client().post("/api/v1/_test_boom", headers=bearer(token), json={"a": 1})
    assert_clean(response, "POST by token")
    assert assert_envelope(response, 500, "POST by token")["code"] == "internal"
    reference_of(response, "POST by token")


def test_two_internal_errors_get_two_references(boom_web: Web) -> None:
    client = boom_web.client("admin")
    first, second = client.get("/api/v1/_test_boom"), client.get("/api/v1/_test_boom")
    assert reference_of(first, "first") != reference_of(second, "second")


def test_internal_error_html_page(boom_web: Web, caplog: pytest.LogCaptureFixture) -> None:
    client: FlaskClient = boom_web.client("admin")
    with caplog.at_level(logging.ERROR):
        response = client.get("/reports/test-boom", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert response.mimetype == "text/html", response.mimetype
    assert_clean(response, "HTML 500")
    assert "<script" not in response.text.lower()
    ref = reference_of(response, "HTML 500")
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)


def test_internal_error_without_sign_in_never_runs(boom_web: Web) -> None:
    """The gate answers first: an anonymous caller cannot even reach a failing view."""
    api = boom_web.client().get("/api/v1/_test_boom")
    assert_envelope(api, 401, "anonymous API")
    page = boom_web.client().get("/reports/test-boom", headers={"Accept": "text/html"})
    assert page.status_code == 302
