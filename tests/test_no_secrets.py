"""SECURITY G2: no secret and no raw personal data in Dash's layout, dependencies, page stores, previews or logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from demo.seed import DEMO_PASSWORD, seed_if_empty
from tests.conftest import Web, csrf_header, login, make_settings
from tests.warehouse import read_stored

SECRET = "g2-secret-" + "k" * 40


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("g2") / "instance", secret_key=SECRET))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.02, echo=lambda _m: None)
    yield Web(app, rt)
    rt.close()


def raw_personal_values(web: Web) -> set[str]:
    """Every stored ID number and phone, read directly (as an administrator would)."""
    from access.actor import SYSTEM
    from datasets.catalog import get_dataset

    with web.rt.store.read() as session:
        info = get_dataset(session, SYSTEM, "gov_service_applications")
    rows = read_stored(web.rt, {"d": info.file}, "SELECT applicant_id_card, applicant_phone FROM d.data", row_cap=1_000_000).rows
    return {v for row in rows for v in row if v}


def page(client: Any, path: str) -> str:
    body = {
        "output": "..\u005fpages_content.children...\u005fpages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    answer = client.post("/_dash-update-component", json=body, headers=csrf_header(client))
    assert answer.status_code == 200, answer.text
    return answer.text


def test_dash_endpoints_and_pages_carry_no_secret_and_no_raw_personal_data(city: Web) -> None:
    secrets = {SECRET, DEMO_PASSWORD}
    personal = raw_personal_values(city)
    assert len(personal) > 100
    client = city.app.server.test_client()
    assert login(client, "gov_staff", DEMO_PASSWORD).status_code == 302
    preview = {
        "output": "preview-grid.getRowsResponse",
        "outputs": {"id": "preview-grid", "property": "getRowsResponse"},
        "inputs": [{"id": "preview-grid", "property": "getRowsRequest", "value": {"startRow": 0, "endRow": 500, "sortModel": []}}],
        "state": [{"id": "dataset-id", "property": "data", "value": "gov_service_applications"}],
        "changedPropIds": ["preview-grid.getRowsRequest"],
    }
    bodies = {
        "layout": client.get("/_dash-layout").text,
        "dependencies": client.get("/_dash-dependencies").text,
        "index": client.get("/").text,
        "dataset page": page(client, "/datasets/gov_service_applications"),
        "preview": client.post("/_dash-update-component", json=preview, headers=csrf_header(client)).text,
        "rows api": client.get("/api/v1/datasets/gov_service_applications/rows?limit=1000").text,
        "dataset api": client.get("/api/v1/datasets/gov_service_applications").text,
    }
    assert "applicant_id_card" in bodies["preview"]  # the column is there, masked
    for name, body in bodies.items():
        assert not [s for s in secrets if s in body], name
        leaked = [v for v in personal if v in body]
        assert leaked == [], f"{name} carries raw personal data, e.g. {leaked[:1]}"


def test_logs_carry_no_raw_personal_data(city: Web, caplog: pytest.LogCaptureFixture) -> None:
    personal = raw_personal_values(city)
    client = city.app.server.test_client()
    with caplog.at_level(logging.DEBUG):
        login(client, "gov_staff", DEMO_PASSWORD)
        headers = csrf_header(client)
        client.post(
            "/api/v1/query",
            json={"dataset": "gov_service_applications", "measures": [{"expr": "applicant_phone", "agg": "count"}]},
            headers=headers,
        )
        client.post(
            "/api/v1/query",
            json={
                "dataset": "gov_service_applications",
                "measures": [{"expr": "1", "agg": "sum"}],
                "filters": [{"column": "visits", "op": "=", "value": next(iter(personal))}],
            },
            headers=headers,
        )
        client.get("/api/v1/datasets/gov_service_applications/rows?limit=1000")
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert [v for v in personal if v in text] == []
    assert SECRET not in text
