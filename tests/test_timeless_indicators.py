"""Indicators over data without a time column (a survey, a registry): one period, `all`, everywhere.

The fixture imports the real Somerville happiness survey (143 answers, no date) and the real NYC
traffic counts (date parts Yr, M, D, HH), defines indicators through the API and reads them back
through every path a user takes; expected numbers come from DuckDB over the raw file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from tests.conftest import REAL_DATA, Web, csrf_header, make_settings, need, seed_directory

SURVEY = "somerville_happiness_survey_2015.csv"
COUNTS = "nyc_automated_traffic_volume_counts_2024_extract.csv"
BIKES = "islp_bikeshare_capital_dc_2011_hourly.csv"  # keyed by day of year and hour, no year: no timestamp to build


def definition(ident: str, zh: str, en: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"traffic.{ident}",
        "name": {"zh": zh, "en": en},
        "department": "traffic",
        "owner": "traffic_analyst",
        "unit": "%",
        "direction": "higher_is_better",
        "decimals": 4,
        **fields,
    }


HAPPY_SHARE = definition(
    "survey_happy_share",
    "受访者幸福比例",
    "Share of happy respondents",
    type="ratio",
    dataset="survey",
    numerator={"expr": "d", "agg": "sum"},
    denominator={"expr": "1", "agg": "sum"},
    scale=100,
    targets=[{"period": "all", "value": 60}],
)
SERVICES_MEDIAN = definition(
    "survey_services_median",
    "城市服务评分中位数",
    "Median rating of city services",
    type="simple",
    dataset="survey",
    measure={"expr": "x1", "agg": "median"},
    dimensions=["d"],
    unit="score",
)
VOLUME = definition(
    "nyc_volume",
    "纽约路段车流量",
    "NYC segment volume",
    type="simple",
    dataset="nyc",
    measure={"expr": "vol", "agg": "sum"},
    time={"column": "observed_at", "default_grain": "month", "grains": ["day", "month", "year"]},
    unit="vehicles",
)
VOLUME_PER_HAPPY = definition(
    "volume_per_happy_point",
    "每幸福百分点车流量",
    "Volume per point of happy share",
    type="derived",
    expr="v / h",
    inputs=[{"ref": "traffic.nyc_volume", "as": "v"}, {"ref": "traffic.survey_happy_share", "as": "h"}],
    unit="vehicles",
)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    need(all((REAL_DATA / name).exists() for name in (SURVEY, COUNTS, BIKES)), "real datasets missing")
    from access.actor import SYSTEM
    from app import create_app
    from datasets.importer import ImportRequest

    app = create_app(make_settings(tmp_path_factory.mktemp("timeless") / "instance"))
    rt = app.server.extensions["city"]
    seed_directory(rt)
    for key, name in (("survey", SURVEY), ("nyc", COUNTS), ("bikes", BIKES)):
        rt.importer.import_file(SYSTEM, REAL_DATA / name, name, ImportRequest(name=key, department="traffic", dataset_id=key))
    yield Web(app, rt)
    rt.close()


@pytest.fixture(scope="module")
def analyst(web: Web) -> Any:
    client = web.client("traffic_analyst")
    headers = csrf_header(client)
    for data in (HAPPY_SHARE, SERVICES_MEDIAN, VOLUME, VOLUME_PER_HAPPY):
        created = client.post("/api/v1/indicators", json=data, headers=headers)
        assert created.status_code == 201, created.json
    return client


def raw(name: str, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE f AS SELECT * FROM read_csv('{REAL_DATA / name}', all_varchar=true, header=true)")
    return con.execute(sql).fetchall()


def happy_share() -> float:
    return round(float(raw(SURVEY, "SELECT 100.0 * sum(CAST(D AS INT)) / count(*) FROM f")[0][0]), 4)


# -- definition and validation -----------------------------------------------------------------


def test_a_ratio_without_time_is_a_valid_definition(analyst: Any) -> None:
    body = analyst.get("/api/v1/indicators/traffic.survey_happy_share").json
    assert "time" not in body and body["targets"] == [{"period": "all", "value": 60.0, "scope": {}}]


@pytest.mark.parametrize(
    ("fields", "code", "where"),
    [
        ({"type": "snapshot", "measure": {"expr": "x1", "agg": "sum"}, "snapshot": {"choose": "last"}}, "rule.time", "time"),
        ({"targets": [{"period": "2025", "value": 60}]}, "rule.timeless_target", "targets[0].period"),
        ({"baseline": {"from": "2015-01-01", "to": "2015-12-31"}}, "rule.timeless_baseline", "baseline"),
        (
            {"time": {"column": "observed_at"}, "dataset": "nyc", "targets": [{"period": "all", "value": 1}]},
            "rule.target_all",
            "targets[0].period",
        ),
    ],
)
def test_what_a_timeless_definition_cannot_have_is_said(analyst: Any, fields: dict[str, Any], code: str, where: str) -> None:
    data = {**HAPPY_SHARE, "id": "traffic.survey_check", **fields}
    if fields.get("dataset") == "nyc":
        data |= {"numerator": {"expr": "vol", "agg": "sum"}, "denominator": {"expr": "1", "agg": "sum"}}
    answer = analyst.post("/api/v1/indicators/validate?lang=en", json=data, headers=csrf_header(analyst)).json
    found = [i for i in answer["issues"] if i["code"] == code]
    assert not answer["valid"] and len(found) == 1 and found[0]["column"] == where, answer
    assert found[0]["message_zh"] and found[0]["message_en"]


def test_a_timeless_input_cannot_be_accumulated_or_taken_at_a_grain(analyst: Any) -> None:
    headers = csrf_header(analyst)
    cumulative = {
        **HAPPY_SHARE,
        "id": "traffic.survey_running",
        "type": "cumulative",
        "input": "traffic.survey_happy_share",
        "window": {"grain_to_date": "year"},
        "targets": [],
    }
    for key in ("dataset", "numerator", "denominator", "scale"):
        cumulative.pop(key)
    codes = [i["code"] for i in analyst.post("/api/v1/indicators/validate", json=cumulative, headers=headers).json["issues"]]
    assert codes == ["rule.timeless_cumulative"]
    coarse = {
        **VOLUME_PER_HAPPY,
        "id": "traffic.volume_check",
        "inputs": [VOLUME_PER_HAPPY["inputs"][0], {**VOLUME_PER_HAPPY["inputs"][1], "grain": "year"}],
    }
    codes = [i["code"] for i in analyst.post("/api/v1/indicators/validate", json=coarse, headers=headers).json["issues"]]
    assert codes == ["rule.timeless_input"]


# -- compiler and values API -------------------------------------------------------------------


def test_values_are_one_period_all_over_every_row(analyst: Any) -> None:
    body = analyst.get("/api/v1/indicators/traffic.survey_happy_share/values").json
    value = happy_share()
    attainment = round(value / 60, 4)
    assert body["timeless"] is True and body["grain"] == "all" and body["from"] is None and body["notes"] == []
    assert body["rows"] == [
        {
            "period": "all",
            "value": value,
            "target": 60.0,
            "attainment": attainment,
            "status": "green" if attainment >= 1 else ("amber" if attainment >= 0.9 else "red"),
        }
    ]
    assert body["as_of"]


def test_a_median_by_a_dimension_without_time(analyst: Any) -> None:
    expected = raw(SURVEY, "SELECT CAST(D AS INT), median(CAST(X1 AS INT)) FROM f GROUP BY 1 ORDER BY 1")
    body = analyst.get("/api/v1/indicators/traffic.survey_services_median/values", query_string={"by": "d"}).json
    assert [(r["period"], r["d"], r["value"]) for r in body["rows"]] == [("all", d, float(m)) for d, m in expected]


def test_grain_range_and_comparison_given_are_left_out_with_reasons(analyst: Any) -> None:
    asked = {"grain": "month", "from": "2025-01-01", "to": "2025-06-30", "compare": "year_ago", "lang": "zh"}
    response = analyst.get("/api/v1/indicators/traffic.survey_happy_share/values", query_string=asked)
    assert response.status_code == 200, response.json
    body = response.json
    assert [r["value"] for r in body["rows"]] == [happy_share()] and "compare_value" not in body["rows"][0]
    assert [n["code"] for n in body["notes"]] == ["values.timeless_grain", "values.timeless_range", "values.timeless_compare"]
    assert "没有时间列" in body["notes"][2]["message"] and "no time column" in body["notes"][2]["message_en"]


def test_a_malformed_request_is_still_refused(analyst: Any) -> None:
    response = analyst.get("/api/v1/indicators/traffic.survey_happy_share/values", query_string={"from": "yesterday", "to": "2025-01-01"})
    assert response.status_code == 422 and [i["code"] for i in response.json["error"]["issues"]] == ["request.from"]


def test_explain_reads_every_row(analyst: Any) -> None:
    explained = analyst.get("/api/v1/indicators/traffic.survey_happy_share/explain", query_string={"grain": "month"}).json
    assert "date_trunc" not in explained["sql"].lower() and "unnest" not in explained["sql"].lower()


def test_a_timed_derived_indicator_holds_a_timeless_input_constant(analyst: Any) -> None:
    share = float(raw(SURVEY, "SELECT 100.0 * sum(CAST(D AS INT)) / count(*) FROM f")[0][0])
    volumes = raw(
        COUNTS,
        """SELECT strftime(make_date(CAST(Yr AS INT), CAST(M AS INT), 1), '%Y-%m'), sum(CAST(replace(Vol, ',', '') AS BIGINT))
           FROM f GROUP BY 1 ORDER BY 1""",
    )
    body = analyst.get(
        "/api/v1/indicators/traffic.volume_per_happy_point/values",
        query_string={"grain": "month", "from": "2024-01-01", "to": "2024-12-31", "lang": "en"},
    ).json
    got = [(r["period"], r["value"]) for r in body["rows"] if r["value"] is not None]
    assert got == [(month, round(v / share, 4)) for month, v in volumes]
    assert body["timeless"] is False and [n["code"] for n in body["notes"]] == ["values.constant_input"]
    assert "Share of happy respondents" in body["notes"][0]["message"]


# -- cards, boards, the indicator page, questions, the authoring form -----------------------------------


def _board(analyst: Any, tiles: list[dict[str, Any]]) -> str:
    body = {"title": {"zh": "问卷", "en": "Survey"}, "tiles": tiles}
    created = analyst.post("/api/v1/boards", json=body, headers=csrf_header(analyst))
    assert created.status_code == 201, created.json
    return str(created.json["id"])


def test_a_kpi_card_shows_the_one_value_and_why_it_has_no_comparison(web: Web, analyst: Any) -> None:
    from callbacks.boardtiles import tile_views
    from layouts import tiles as tile_layout
    from tests.dashcalls import signed_in, text

    board_id = _board(
        analyst,
        [
            {"id": "happy", "type": "kpi", "source": {"indicator": HAPPY_SHARE["id"]}, "options": {"compare": "year_ago"}},
            {"id": "volume", "type": "line", "source": {"indicator": VOLUME["id"]}},
        ],
    )
    dates = {"from": "2024-03-01", "to": "2024-05-31", "grain": None, "district": None}
    for lang, reason, subtitle in (
        ("zh", "未作对比：“受访者幸福比例”没有时间列", "全部数据 · 不随日期筛选"),
        ("en", "No comparison: Share of happy respondents has no time column", "All data · not filtered by date"),
    ):
        with signed_in(web.app, "traffic_analyst", lang) as who:
            views = tile_views(who, board_id, None, dates, None, lang)
            assert views is not None
            happy, volume = views
            card = text(tile_layout.frame(happy, lang))
        assert happy["state"] == "ok" and happy["period"] == "all"
        assert f"{happy_share():.4f}%" in card, card
        assert reason in card and subtitle in card and "2024" not in card
        assert volume["state"] == "ok" and [r["period"] for r in volume["data"]["rows"]] == ["2024-03", "2024-04", "2024-05"]


def test_the_indicator_page_says_there_is_one_period(web: Web, analyst: Any) -> None:
    from callbacks import pages
    from callbacks.indicators import indicator_values
    from layouts import ids
    from tests.dashcalls import by_id, signed_in, text

    with signed_in(web.app, "traffic_analyst", "en"):
        page = pages.indicator_page(HAPPY_SHARE["id"], compare="previous")
        shown = indicator_values("month", "2025-01-01", "2025-12-31", "none", "previous", HAPPY_SHARE["id"])
    assert "has no time column: it has one value over all the data" in text(page)
    assert (
        by_id(page, ids.indicator.GRAIN).disabled
        and by_id(page, ids.indicator.RANGE).disabled
        and by_id(page, ids.indicator.COMPARE).disabled
    )
    assert by_id(page, ids.indicator.COMPARE).value == "none" and by_id(page, ids.indicator.GRAIN).value == "all"
    assert (
        by_id(page, ids.indicator.GRAIN).options == [{"label": "All data", "value": "all"}]
        and by_id(page, ids.indicator.RANGE).start_date is None
    )
    cards = text(by_id(shown, ids.indicator.KPIS))
    assert "Latest value (All data)" in cards and f"{happy_share():.4f}%" in cards
    assert "No time column: there is no earlier period to compare with." in cards


def test_a_question_gets_the_one_value_and_the_reason_for_no_comparison(web: Web, analyst: Any) -> None:
    from query.questions import ask
    from tests.conftest import actor_of

    who = actor_of(web.rt, "traffic_analyst")
    answer = ask(web.rt.door, who, "受访者幸福比例去年同期相比", "zh")
    assert answer["query"]["timeless"] is True and answer["query"]["compare"] is None
    assert answer["sentence"].startswith("受访者幸福比例，全部数据")
    assert answer["rows"] == [["all", happy_share(), 60.0, round(happy_share() / 60, 4), answer["rows"][0][-1]]]
    assert len(answer["notes"]) == 1 and answer["notes"][0].startswith("未作对比")
    english = ask(web.rt.door, who, "Median rating of city services by d last month", "en")
    assert english["sentence"].startswith("Median rating of city services, all data")


def test_the_authoring_form_may_leave_the_time_column_empty(web: Web, analyst: Any) -> None:
    from indicators.drafts import apply_form
    from tests.conftest import actor_of

    timed = {**HAPPY_SHARE, "id": "traffic.survey_form", "time": {"column": "observed_at", "default_grain": "month"}, "targets": []}
    cleared = apply_form(timed, {"time.column": ""})
    assert "time" not in cleared
    who = actor_of(web.rt, "traffic_analyst")
    indicator, issues = web.rt.registry.check(who, cleared, web.rt.door.rule_context(who))
    assert indicator is not None and issues == []


# -- date parts: the upload offers the derived timestamp, and an indicator uses it ------------------------------


def _preview_counts(client: Any, name: str) -> dict[str, Any]:
    with (REAL_DATA / COUNTS).open("rb") as handle:
        answer = client.post(
            "/api/v1/datasets?preview=1&lang=en",
            headers=csrf_header(client),
            data={"file": (handle, COUNTS), "name": name, "department": "traffic"},
        )
    assert answer.status_code == 201, answer.text
    return dict(answer.json)


def test_the_upload_preview_offers_the_timestamp_built_from_date_parts(analyst: Any) -> None:
    body = _preview_counts(analyst, "counts_parts")
    first = raw(COUNTS, "SELECT CAST(make_timestamp(Yr::INT, M::INT, D::INT, HH::INT, 0, 0) AS VARCHAR) FROM f LIMIT 3")
    assert body["preview"]["derived_time"] == {"name": "observed_at", "label": "Yr+M+D+HH", "sample": [r[0] for r in first]}
    published = analyst.post(f"/api/v1/uploads/{body['upload_id']}/publish", headers=csrf_header(analyst), json={})
    assert published.status_code == 201, published.text
    columns = {c["name"]: c["type"] for c in published.json["columns"]}
    assert columns["observed_at"] == "timestamp"
    headers = csrf_header(analyst)
    volume = {**VOLUME, "id": "traffic.parts_volume", "dataset": published.json["id"]}
    assert analyst.post("/api/v1/indicators", json=volume, headers=headers).status_code == 201
    got = analyst.get(
        "/api/v1/indicators/traffic.parts_volume/values", query_string={"grain": "year", "from": "2024-01-01", "to": "2024-12-31"}
    )
    total = raw(COUNTS, "SELECT sum(CAST(replace(Vol, ',', '') AS BIGINT)) FROM f")[0][0]
    assert [(r["period"], r["value"]) for r in got.json["rows"]] == [("2024", float(total))]


def test_the_uploader_may_decline_the_derived_timestamp(analyst: Any) -> None:
    body = _preview_counts(analyst, "counts_no_time")
    declined = {"types": {body["preview"]["derived_time"]["name"]: "none"}}
    published = analyst.post(f"/api/v1/uploads/{body['upload_id']}/publish", headers=csrf_header(analyst), json=declined)
    assert published.status_code == 201, published.text
    assert "observed_at" not in {c["name"] for c in published.json["columns"]}
    assert "column.derived_time" not in {i["code"] for i in published.json["import_report"]["issues"]}


def test_the_catalog_sentence_and_authoring_preview_say_all_data(web: Web, analyst: Any) -> None:
    import yaml

    from builder.authoring import preview
    from callbacks.indicators import filter_catalog, latest_values
    from tests.dashcalls import signed_in, text

    with signed_in(web.app, "traffic_analyst", "en") as who:
        latest = latest_values([HAPPY_SHARE["id"]])
        listed = text(filter_catalog("happy", None, None, latest))
        shown, problems = preview(who, yaml.safe_dump({**HAPPY_SHARE, "id": "traffic.survey_preview"}), "week", None, "en")
    assert latest[HAPPY_SHARE["id"]]["period"] == "all" and "All data" in listed
    assert problems == 0 and "has no time column: it has one value over all the data" in text(shown)
    with signed_in(web.app, "traffic_analyst", "zh"):
        from callbacks import pages

        page = text(pages.indicator_page(HAPPY_SHARE["id"]))
    assert "受访者幸福比例 = " in page and "不分期（全部数据，没有时间列）" in page


def test_a_timeless_tile_exports_its_one_value_and_a_ranking_question_ranks_it(web: Web, analyst: Any) -> None:
    from query.questions import ask
    from tests.conftest import actor_of

    board_id = _board(analyst, [{"id": "median", "type": "bar", "source": {"indicator": SERVICES_MEDIAN["id"]}, "options": {"by": "d"}}])
    exported = analyst.get(f"/api/v1/boards/{board_id}/tiles/median/export.csv", query_string={"from": "2025-01-01", "to": "2025-03-31"})
    assert exported.status_code == 200, exported.text[:300]
    medians = raw(SURVEY, "SELECT CAST(D AS INT), median(CAST(X1 AS INT)) FROM f GROUP BY 1 ORDER BY 2 DESC, 1")
    lines = exported.text.splitlines()
    assert "期间,全部数据（该指标没有时间列，不随日期筛选）" in lines
    assert [line.split(",")[:4] for line in lines[lines.index("") + 2 :] if line] == [
        ["全部", str(d), "城市服务评分中位数", str(float(m))] for d, m in sorted(medians)
    ]
    answer = ask(web.rt.door, actor_of(web.rt, "traffic_analyst"), "Median rating of city services highest d", "en")
    assert answer["query"]["timeless"] is True and [row[:3] for row in answer["rows"]] == [["all", medians[0][0], float(medians[0][1])]]


def test_an_hourly_table_keyed_by_hour_of_day_has_a_timeless_indicator(web: Web, analyst: Any) -> None:
    columns = {c["name"]: c["type"] for c in analyst.get("/api/v1/datasets/bikes").json["columns"]}
    assert not any(kind in ("date", "timestamp") for kind in columns.values()), columns  # day of year and hour, no year
    riders = definition(
        "bike_riders_by_hour",
        "每小时骑行人数",
        "Riders per hour",
        type="simple",
        dataset="bikes",
        measure={"expr": "bikers", "agg": "avg"},
        dimensions=["hr"],
        unit="riders",
    )
    assert analyst.post("/api/v1/indicators", json=riders, headers=csrf_header(analyst)).status_code == 201
    body = analyst.get("/api/v1/indicators/traffic.bike_riders_by_hour/values", query_string={"by": "hr", "grain": "day"}).json
    expected = raw(BIKES, "SELECT CAST(hr AS INT), avg(CAST(bikers AS INT)) FROM f GROUP BY 1 ORDER BY 1")
    got = sorted((int(r["hr"]), r["value"]) for r in body["rows"])
    assert body["timeless"] is True and {r["period"] for r in body["rows"]} == {"all"}
    assert got == [(hour, round(float(mean), 4)) for hour, mean in expected]


def test_the_authoring_templates_start_a_timeless_indicator_over_data_without_dates(web: Web, analyst: Any) -> None:
    from datasets import catalog
    from indicators.spec import IndicatorType
    from indicators.templates import Sources, template
    from tests.conftest import actor_of

    who = actor_of(web.rt, "traffic_analyst")
    with web.rt.store.read() as db:
        infos = catalog.list_datasets(db, who)
    sources = Sources(who.department, who.username, infos, web.rt.registry.visible(who), frozenset(web.rt.registry.all()))
    for kind in (IndicatorType.SIMPLE, IndicatorType.RATIO):
        started = template(kind, sources, prefer_dataset="survey")
        assert started["dataset"] == "survey" and "time" not in started
        indicator, issues = web.rt.registry.check(who, started, web.rt.door.rule_context(who))
        assert indicator is not None and issues == [], issues
