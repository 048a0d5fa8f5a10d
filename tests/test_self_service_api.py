"""Self-service services: live validation and preview of drafts, submission, filter values, my charts, chart choice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from boards.spec import TileType
from demo.seed import DEMO_PASSWORD, seed_if_empty
from indicators.charting import choose_chart
from tests.conftest import Web, csrf_header, login, make_settings

DRAFT = {
    "id": "services.weekend_share",
    "name": {"zh": "周末申请占比", "en": "Weekend share"},
    "department": "gov_services",
    "owner": "gov_analyst",
    "type": "ratio",
    "dataset": "gov_service_applications",
    "numerator": {"expr": "case when date_part('dow', submitted_at) in (0, 6) then 1 else 0 end", "agg": "sum"},
    "denominator": {"expr": "1", "agg": "sum"},
    "scale": 100,
    "time": {"column": "submitted_at"},
    "dimensions": ["district", "channel"],
    "unit": "%",
    "direction": "lower_is_better",
    "targets": [{"period": "2025", "value": 5}],
}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("self-service") / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.05, echo=lambda _m: None)
    yield Web(app, rt)
    rt.close()


def user(web: Web, name: str) -> tuple[Any, dict[str, str]]:
    client = web.app.server.test_client()
    assert login(client, name, DEMO_PASSWORD).status_code == 302
    return client, csrf_header(client)


def test_validation_as_you_type_reports_every_issue_with_its_place(city: Web) -> None:
    analyst, headers = user(city, "gov_analyst")
    typing = {
        **DRAFT,
        "numerator": {"expr": "case when date_part('dow', submited_at) in (0, 6) then 1 els 0 end", "agg": "sum"},
        "unit": "",
    }
    answer = analyst.post("/api/v1/indicators/validate", json=typing, headers=headers).json
    assert answer["valid"] is False
    assert [(i["code"], i.get("line"), i.get("col") is not None) for i in answer["issues"]] == [
        ("rule.unit", None, False),
        ("expr.syntax", 1, True),
    ]
    fixed = analyst.post("/api/v1/indicators/validate", json=DRAFT, headers=headers).json
    assert fixed == {"valid": True, "issues": []}
    existing = analyst.post(
        "/api/v1/indicators/validate", json={**DRAFT, "id": "services.one_visit_rate", "existing": True}, headers=headers
    ).json
    assert existing["valid"] is True  # editing an existing indicator is not "id taken"


def test_another_departments_hidden_indicator_reads_like_a_missing_one(city: Web) -> None:
    analyst, headers = user(city, "gov_analyst")
    derived = {
        **{k: v for k, v in DRAFT.items() if k not in ("dataset", "numerator", "denominator", "scale", "time", "dimensions", "targets")},
        "id": "services.mixed",
        "type": "derived",
        "expr": "a * 2",
    }

    def issues(ref: str) -> list[str]:
        answer = analyst.post("/api/v1/indicators/validate", json={**derived, "inputs": [{"ref": ref, "as": "a"}]}, headers=headers).json
        return [i["message"].replace(ref, "<ref>") for i in answer["issues"]]

    hidden, missing = issues("traffic.congestion_index"), issues("traffic.no_such_index")
    assert hidden == missing and hidden and "<ref>" in hidden[0]
    assert issues("services.applications") == []  # their own department's indicator


def test_an_unchanged_save_adds_no_version_and_the_catalog_keeps_app_edits(city: Web) -> None:
    from indicators.registry import load_catalog, sync_catalog

    analyst, headers = user(city, "gov_analyst")
    before = analyst.get("/api/v1/indicators/services.one_visit_rate").json
    definition = {k: v for k, v in before.items() if k not in ("version", "status")}
    same = analyst.put("/api/v1/indicators/services.one_visit_rate", json=definition, headers=headers)
    assert same.status_code == 200 and same.json["version"] == before["version"]
    changed = analyst.put("/api/v1/indicators/services.one_visit_rate", json={**definition, "decimals": 3}, headers=headers)
    assert changed.json["version"] == before["version"] + 1 and changed.json["status"] == "draft"
    catalog, _ = load_catalog()
    assert sync_catalog(city.rt.store, catalog) == 0  # a restart does not put the file's version back on top
    assert analyst.get("/api/v1/indicators/services.one_visit_rate").json["decimals"] == 3
    edited = [i.model_copy(update={"decimals": 4}) if i.id == "services.one_visit_rate" else i for i in catalog]
    assert sync_catalog(city.rt.store, edited) == 1  # the file itself changed: its version becomes current
    assert analyst.get("/api/v1/indicators/services.one_visit_rate").json["decimals"] == 4


def test_preview_of_an_unsaved_draft_equals_the_saved_values(city: Web) -> None:
    analyst, headers = user(city, "gov_analyst")
    args = {"grain": "quarter", "from": "2025-01-01", "to": "2025-12-31", "by": "channel"}
    preview = analyst.post("/api/v1/indicators/preview", json={"definition": DRAFT, **args}, headers=headers)
    assert preview.status_code == 200 and preview.json["rows"] and all(r["target"] == 5 for r in preview.json["rows"])
    assert analyst.post("/api/v1/indicators", json=DRAFT, headers=headers).status_code == 201
    saved = analyst.get("/api/v1/indicators/services.weekend_share/values", query_string=args).json
    assert preview.json["rows"] == saved["rows"]
    broken = analyst.post("/api/v1/indicators/preview", json={"definition": {**DRAFT, "dataset": "nope"}}, headers=headers)
    assert broken.status_code == 422 and broken.json["error"]["issues"][0]["code"] == "rule.dataset"


def test_submission_then_certification_by_the_owner(city: Web) -> None:
    author, headers = user(city, "gov_analyst")
    definition = {**DRAFT, "id": "services.weekend_share_2", "owner": "gov_leader"}
    assert author.post("/api/v1/indicators", json=definition, headers=headers).status_code == 201
    staff, staff_headers = user(city, "gov_staff")
    assert staff.post("/api/v1/indicators/services.weekend_share_2/submit", headers=staff_headers).status_code == 403
    submitted = author.post("/api/v1/indicators/services.weekend_share_2/submit", headers=headers)
    assert submitted.status_code == 200 and submitted.json["owner"] == "gov_leader"
    history = author.get("/api/v1/indicators/services.weekend_share_2/versions").json["versions"]
    assert (history[0]["status"], history[0]["submitted_by"]) == ("draft", "gov_analyst")
    assert author.post("/api/v1/indicators/services.weekend_share_2/certify", headers=headers).status_code == 403  # not the owner
    owner, owner_headers = user(city, "gov_leader")
    certified = owner.post("/api/v1/indicators/services.weekend_share_2/certify", headers=owner_headers)
    assert certified.status_code == 200 and certified.json["status"] == "certified"
    assert author.post("/api/v1/indicators/services.weekend_share_2/submit", headers=headers).status_code == 409
    again = owner.post("/api/v1/indicators/services.weekend_share_2/certify", headers=owner_headers)
    assert again.status_code == 409 and "already certified" in again.json["error"]["message"]
    assert owner.post("/api/v1/indicators/services.weekend_share_2/deprecate", headers=owner_headers).status_code == 200
    revived = owner.post("/api/v1/indicators/services.weekend_share_2/certify", headers=owner_headers)
    assert revived.status_code == 409 and owner.get("/api/v1/indicators/services.weekend_share_2").json["status"] == "deprecated"


def test_filter_values_come_only_from_the_users_rows(city: Web) -> None:
    staff, _ = user(city, "gov_staff")  # 高新区
    districts = staff.get("/api/v1/datasets/gov_service_applications/values/district").json["values"]
    channels = staff.get("/api/v1/datasets/gov_service_applications/values/channel").json["values"]
    assert districts == ["高新区"] and set(channels) <= {"窗口", "网上办", "掌上办", "自助终端"} and channels
    assert staff.get("/api/v1/datasets/gov_service_applications/values/applicant_phone").status_code == 422
    assert staff.get("/api/v1/datasets/traffic_segment_speeds/values/district").status_code == 404
    leader, _ = user(city, "leader")
    assert len(leader.get("/api/v1/datasets/gov_service_applications/values/district").json["values"]) == 8


def test_my_charts_are_private(city: Web) -> None:
    staff, headers = user(city, "traffic_staff")
    tile = {
        "type": "bar",
        "title": {"zh": "各区车速", "en": "Speed"},
        "source": {
            "query": {
                "dataset": "traffic_segment_speeds",
                "dimensions": ["district"],
                "measures": [{"expr": "speed_kmh", "agg": "avg", "as": "speed"}],
            }
        },
    }
    mine = staff.post("/api/v1/boards/mine/tiles", json={"tile": tile}, headers=headers)
    assert mine.status_code == 201 and mine.json["visibility"] == "private" and len(mine.json["tiles"]) == 1
    again = staff.post("/api/v1/boards/mine/tiles", json={"tile": tile}, headers=headers).json
    ids = [t["id"] for t in again["tiles"]]
    assert len(ids) == 2 and ids[0] != ids[1]
    board_id = mine.json["id"]
    data = staff.get(f"/api/v1/boards/{board_id}/tiles/{again['tiles'][0]['id']}/data").json
    assert data["state"] == "ok" and {r[0] for r in data["rows"]} == {"东城区"}
    colleague, _ = user(city, "traffic_analyst")
    assert colleague.get(f"/api/v1/boards/{board_id}").status_code == 404
    assert board_id not in {b["id"] for b in colleague.get("/api/v1/boards").json["boards"]}


@pytest.mark.parametrize(
    ("roles", "measures", "grain", "parts", "additive", "expected"),
    [
        ([], 1, True, None, True, TileType.LINE),
        (["dimension"], 1, False, 12, True, TileType.BAR),
        (["dimension"], 1, False, 4, True, TileType.DONUT),
        (["dimension"], 1, False, 4, False, TileType.BAR),  # averages and ratios are not parts of a whole
        (["dimension"], 1, False, 1, True, TileType.BAR),  # one part is no whole
        (["dimension"], 2, False, 4, True, TileType.BAR),
        (["dimension", "dimension"], 1, False, None, True, TileType.STACKED),
        (["dimension"], 1, True, None, True, TileType.STACKED),
        (["time_part", "time_part"], 1, False, None, True, TileType.HEATMAP),
        (["time_part"], 1, False, 24, True, TileType.BAR),
        ([], 1, False, None, True, TileType.KPI),
    ],
)
def test_the_chart_follows_the_field_roles(
    roles: list[str], measures: int, grain: bool, parts: int | None, additive: bool, expected: TileType
) -> None:
    assert TileType(choose_chart(roles, measures, grain, parts, additive)) is expected
