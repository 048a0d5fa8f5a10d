"""The indicator API and the one door: policies, cache isolation, invalidation, masked columns, limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from demo.seed import DEMO_PASSWORD, seed_if_empty
from tests.conftest import Web, csrf_header, login, make_settings


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("indicator-api") / "instance", row_cap=500))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.05, echo=lambda _m: None)
    yield Web(app, rt)
    rt.close()


def as_user(web: Web, username: str) -> Any:
    client = web.app.server.test_client()
    assert login(client, username, DEMO_PASSWORD).status_code == 302
    return client


def values(client: Any, indicator: str, **args: str) -> Any:
    return client.get(f"/api/v1/indicators/{indicator}/values", query_string=args)


def test_list_and_definition_follow_departments(city: Web) -> None:
    leader = {i["id"] for i in as_user(city, "leader").get("/api/v1/indicators").json["indicators"]}
    traffic = {i["id"] for i in as_user(city, "traffic_staff").get("/api/v1/indicators").json["indicators"]}
    assert len(leader) == 32 and traffic == {i for i in leader if i.startswith("traffic.")}  # the demo catalog, all certified
    definition = as_user(city, "traffic_staff").get("/api/v1/indicators/traffic.congestion_index").json
    assert (definition["type"], definition["measure"], definition["baseline"]) == (
        "simple",
        {"expr": "free_flow_speed_kmh / speed_kmh", "agg": "avg"},
        {"from": "2024-01-01", "to": "2024-12-31"},
    )
    assert as_user(city, "hotline_staff").get("/api/v1/indicators/traffic.congestion_index").status_code == 404


def test_district_scope_applies_and_users_never_share_cached_rows(city: Web) -> None:
    args = {"grain": "year", "from": "2025-01-01", "to": "2025-12-31", "by": "district"}
    everyone = values(as_user(city, "leader"), "traffic.congestion_index", **args).json["rows"]
    scoped = values(as_user(city, "traffic_staff"), "traffic.congestion_index", **args).json["rows"]  # same inputs, right after
    again = values(as_user(city, "leader"), "traffic.congestion_index", **args).json["rows"]
    assert len({r["district"] for r in everyone}) == 8 and again == everyone
    assert [r["district"] for r in scoped] == ["东城区"]
    assert scoped[0]["value"] == next(r["value"] for r in everyone if r["district"] == "东城区")
    forged = values(as_user(city, "traffic_staff"), "traffic.congestion_index", **args, district="西城区,东城区")
    assert forged.status_code == 403 and forged.json["error"]["code"] == "outside_scope"  # never widened, never silently narrowed


def test_a_reimport_invalidates_cached_values_at_once(city: Web, tmp_path: Any) -> None:
    from access.actor import SYSTEM
    from datasets.importer import ImportRequest

    client = as_user(city, "leader")
    args = {"grain": "all", "from": "2024-01-01", "to": "2025-12-31"}
    before = values(client, "statistics.population", **args).json["rows"][0]["value"]
    path = tmp_path / "population.csv"
    path.write_text("year,as_of,district,population\n2025,2025-01-01,东城区,1000\n", encoding="utf-8")
    city.rt.importer.import_file(
        SYSTEM, path, path.name, ImportRequest(name="常住人口", department="statistics", dataset_id="district_population")
    )
    after = values(client, "statistics.population", **args).json["rows"][0]["value"]
    assert before > 1_000_000 and after == 1000


def test_personal_data_columns_do_not_exist_for_staff(city: Web) -> None:
    client = as_user(city, "gov_staff")
    headers = csrf_header(client)
    for measure in ({"expr": "applicant_id_card", "agg": "count_distinct"}, {"expr": "applicant_phone", "agg": "count"}):
        answer = client.post("/api/v1/query", json={"dataset": "gov_service_applications", "measures": [measure]}, headers=headers)
        assert answer.status_code == 422
        text = str(answer.json)
        assert "does not exist or is not available to you" in text and "11010" not in text
    grouped = client.post(
        "/api/v1/query",
        json={"dataset": "gov_service_applications", "dimensions": ["applicant_name"], "measures": [{"expr": "1", "agg": "sum"}]},
        headers=headers,
    )
    filtered = client.post(
        "/api/v1/query",
        json={
            "dataset": "gov_service_applications",
            "measures": [{"expr": "1", "agg": "sum"}],
            "filters": [{"column": "applicant_phone", "op": "like", "value": "138"}],
        },
        headers=headers,
    )
    assert grouped.status_code == filtered.status_code == 422
    admin = as_user(city, "admin")
    allowed = admin.post(
        "/api/v1/query",
        json={"dataset": "gov_service_applications", "measures": [{"expr": "applicant_id_card", "agg": "count_distinct"}]},
        headers=csrf_header(admin),
    )
    assert allowed.status_code == 200 and allowed.json["rows"][0][0] > 0


def test_self_service_query_row_cap_and_truncation(city: Web) -> None:
    client = as_user(city, "leader")
    answer = client.post(
        "/api/v1/query",
        json={
            "dataset": "hotline_tickets",
            "dimensions": ["ticket_id"],
            "measures": [{"expr": "1", "agg": "sum", "as": "n"}],
            "limit": 500,
        },
        headers=csrf_header(client),
    )
    assert answer.status_code == 200 and len(answer.json["rows"]) == 500 and answer.json["columns"] == ["ticket_id", "n"]
    too_many = client.post("/api/v1/query", json={"dataset": "hotline_tickets", "measures": [], "limit": 501}, headers=csrf_header(client))
    assert too_many.status_code == 422


def test_the_watchdog_interrupts_a_runaway_query_and_the_engine_survives(city: Web) -> None:
    import time

    from datasets.engine import Engine
    from errors import QueryTimeout

    # the runtime's engine belongs to its door; the watchdog is the engine's own, so an engine of the test's
    engine = Engine(city.rt.warehouse, city.rt.engine.memory_limit, city.rt.engine.threads, 0.3, city.rt.engine.row_cap)
    run = engine.claim()
    try:
        started = time.perf_counter()
        with pytest.raises(QueryTimeout):
            run({}, "SELECT count(*) FROM range(100000000000) a")
        assert time.perf_counter() - started < 10
        assert run({}, "SELECT 42").rows == [(42,)]
    finally:
        engine.close()


def test_query_timeout_is_a_clear_message(city: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    """The API's answer to a timeout (the watchdog itself is proven above on a genuinely long query)."""
    from errors import QueryTimeout

    def runaway(*_args: Any, **_kwargs: Any) -> Any:
        raise QueryTimeout("查询超时。", "The query was stopped after 30 seconds: narrow the date range or use fewer dimensions and retry.")

    client = as_user(city, "leader")
    monkeypatch.setattr(city.rt.door, "_execute", runaway)  # the engine's run, as the door holds it
    answer = client.post(
        "/api/v1/query",
        json={
            "dataset": "traffic_segment_speeds",
            "dimensions": ["segment_id"],
            "measures": [{"expr": "speed_kmh", "agg": "p95"}],
            "limit": 500,
        },
        headers=csrf_header(client),
    )
    monkeypatch.undo()
    assert answer.status_code == 422 and answer.json["error"]["code"] == "query_timeout"
    assert "narrow the date range" in answer.json["error"]["message"]
    assert values(client, "traffic.avg_speed", grain="year").status_code == 200  # the worker survived


def test_grains_are_enforced_and_periods_are_whole(city: Web) -> None:
    client = as_user(city, "leader")
    refused = values(client, "statistics.population", grain="month")
    assert refused.status_code == 422 and "only these grains: year" in str(refused.json)
    body = values(client, "hotline.tickets", grain="month", **{"from": "2025-03-15", "to": "2025-04-10"}).json
    assert (body["from"], body["to"], [r["period"] for r in body["rows"]]) == ("2025-03-01", "2025-04-30", ["2025-03", "2025-04"])
    total = values(client, "hotline.tickets", grain="all", **{"from": "2025-03-01", "to": "2025-04-30"}).json["rows"][0]["value"]
    assert total == sum(r["value"] for r in body["rows"])


def test_authoring_needs_the_right_role_and_reports_every_issue(city: Web) -> None:
    staff = as_user(city, "traffic_staff")
    assert staff.post("/api/v1/indicators", json={}, headers=csrf_header(staff)).status_code == 403
    analyst = as_user(city, "traffic_analyst")
    bad = {
        "id": "traffic.draft_speed",
        "name": {"zh": "测试"},
        "department": "traffic",
        "owner": "traffic_analyst",
        "type": "ratio",
        "dataset": "traffic_segment_speds",
        "numerator": {"expr": "speed_kmh +", "agg": "sum"},
        "time": {"column": "observed_at"},
        "unit": "",
    }
    answer = analyst.post("/api/v1/indicators", json=bad, headers=csrf_header(analyst))
    assert answer.status_code == 422
    codes = [i["code"] for i in answer.json["error"]["issues"]]
    assert codes == ["rule.names", "rule.unit", "rule.direction", "rule.denominator", "rule.dataset"]
    foreign = {**bad, "department": "hotline"}
    assert analyst.post("/api/v1/indicators", json=foreign, headers=csrf_header(analyst)).status_code in (403, 422)


def test_versions_keep_every_definition(city: Web) -> None:
    analyst = as_user(city, "traffic_analyst")
    current = analyst.get("/api/v1/indicators/traffic.avg_speed").json
    changed = {**current, "targets": [{"period": "2025", "value": 40.0}]}
    saved = analyst.put("/api/v1/indicators/traffic.avg_speed", json=changed, headers=csrf_header(analyst))
    assert saved.status_code == 200 and (saved.json["version"], saved.json["status"]) == (current["version"] + 1, "draft")
    history = analyst.get("/api/v1/indicators/traffic.avg_speed/versions").json["versions"]
    assert [v["version"] for v in history] == [current["version"] + 1, current["version"]]
    old = analyst.get(f"/api/v1/indicators/traffic.avg_speed?version={current['version']}").json
    assert old["targets"] == current["targets"] and old["status"] == "certified"
    explained = analyst.get("/api/v1/indicators/traffic.avg_speed/explain?grain=year").json
    assert (
        explained["sql"].startswith("WITH base_0 AS NOT MATERIALIZED (SELECT")
        and explained["datasets"][0]["id"] == "traffic_segment_speeds"
    )


def test_rolling_window_sums_the_last_n_periods(city: Web) -> None:
    analyst = as_user(city, "gov_analyst")
    rolling = {
        "id": "services.applications_rolling3",
        "name": {"zh": "近三月办件量", "en": "Applications, last 3 months"},
        "department": "gov_services",
        "owner": "gov_analyst",
        "type": "cumulative",
        "input": "services.applications",
        "window": {"periods": 3},
        "dimensions": ["district"],
        "unit": "count",
        "direction": "higher_is_better",
        "decimals": 0,
    }
    assert analyst.post("/api/v1/indicators", json=rolling, headers=csrf_header(analyst)).status_code == 201
    monthly = values(analyst, "services.applications", grain="month", **{"from": "2024-11-01", "to": "2025-06-30"}).json["rows"]
    windowed = values(analyst, "services.applications_rolling3", grain="month", **{"from": "2025-01-01", "to": "2025-06-30"}).json["rows"]
    by_period = [r["value"] or 0 for r in monthly]
    assert [r["value"] for r in windowed] == [sum(by_period[i : i + 3]) for i in range(6)]


def test_counts_and_profile_never_describe_rows_outside_the_scope(city: Web) -> None:
    scoped = as_user(city, "gov_staff")  # 高新区 only
    full = as_user(city, "gov_leader")
    mine = scoped.get("/api/v1/datasets/gov_service_applications").json
    everything = full.get("/api/v1/datasets/gov_service_applications").json
    query = {"dataset": "gov_service_applications", "measures": [{"expr": "1", "agg": "sum", "as": "n"}]}
    counted = scoped.post("/api/v1/query", json=query, headers=csrf_header(scoped)).json["rows"][0][0]
    assert mine["rows"] == counted < everything["rows"]
    assert (mine["profile"], mine["profile_hidden"], mine["import_report"]) == ({}, True, {})
    assert everything["profile_hidden"] is False and everything["profile"]["rows"] == everything["rows"]
    listed = {d["id"]: d["rows"] for d in scoped.get("/api/v1/datasets").json["datasets"]}
    page = scoped.get("/api/v1/datasets/gov_service_applications/rows?limit=1000").json
    assert listed["gov_service_applications"] == page["total"] == counted
    assert {row[page["columns"].index("district")] for row in page["rows"]} == {"高新区"}


@pytest.mark.parametrize("bound", ["9999-12-31", "0001-01-01", "2025-01-01T00:00:00+08:00", "1899-12-31"])
def test_request_bounds_outside_the_calendar_are_a_clear_422(city: Web, bound: str) -> None:
    client = as_user(city, "leader")
    query = {
        "dataset": "traffic_segment_speeds",
        "measures": [{"expr": "1", "agg": "count"}],
        "time": {"column": "observed_at", "to": bound},
    }
    answer = client.post("/api/v1/query", json=query, headers=csrf_header(client))
    assert answer.status_code == 422 and answer.json["error"]["issues"][0]["column"] == "time.to", answer.json
    for key in ("from", "to"):
        response = values(client, "traffic.congestion_index", **{key: bound})
        assert response.status_code == 422, (key, response.json)
