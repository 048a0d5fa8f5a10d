"""The chart builder on a small demo city (real DuckDB, real metadata store), driven through Dash's real
`/_dash-update-component` endpoint with signed-in sessions, asserting on the response bodies.

Fields come from the data dictionary minus what the viewer's policy hides; filter inputs fit the column's type and
hold only values the viewer may see; the chart runs through the path of POST /api/v1/query (same numbers); hostile
payloads get a clear message and no data; charts save to the personal board or a board the user may edit, and
nowhere else. The recommendation rules are a table of pure cases.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from flask.testing import FlaskClient

from demo.city import DISTRICTS as DEMO_DISTRICTS
from tests.conftest import actor_of, csrf_header, make_settings
from tests.dashcalls import call, client, nodes, prop, prop_id, signed_in

DEMO_PASSWORD = "demo-pass-2025"
SPEEDS = "dataset:traffic_segment_speeds"
NONE = "~"
DEFAULT_FORM = {
    "measure_1": "*",
    "agg_1": "count",
    "measure_2": NONE,
    "agg_2": "count",
    "dimension_1": NONE,
    "dimension_2": NONE,
    "time_column": "observed_at",
    "grain": "month",
    "from": None,
    "to": None,
    "chart": "auto",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The demo city, a dictionary description on speed_kmh, and a traffic dataset with Chinese headers."""
    from access.actor import SYSTEM
    from app import create_app
    from datasets.catalog import update_column
    from datasets.importer import ImportRequest
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("builder-pages")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    with rt.store.transaction() as db:
        update_column(
            db,
            actor_of(rt, "traffic_analyst"),
            "traffic_segment_speeds",
            "speed_kmh",
            description_zh="路段平均车速",
            description_en="Mean speed",
        )
    table = pa.table(
        {"区县": ["东城区", "西城区", "东城区"], "平均车速 (km/h)": [31.5, 28.0, 33.5], "日期": ["2025-01-01", "2025-01-02", "2025-02-01"]}
    )
    report = rt.importer.import_arrow(SYSTEM, table, ImportRequest(name="车速样本", name_en="Speed sample", department="traffic"))
    app.server.config["TEST_SAMPLE"] = report.dataset_id
    yield app
    rt.close()


# -- calling the builder as the renderer does --------------------------------------------------------------
def controls(source: Any, form: dict[str, Any] | None, filters: list[dict[str, Any]] | None) -> tuple[list[Any], list[Any]]:
    """The builder's form in the renderer's shape: plain inputs, then one list per pattern-matched filter control."""
    from callbacks.builder import FORM_INPUTS, SLOT_INPUTS

    values = {**DEFAULT_FORM, **(form or {})}
    slots = list(filters or [])
    plain = [prop(i, p, values[name]) for name, i, p in FORM_INPUTS]
    patterned = []
    for name, kind, p in SLOT_INPUTS:
        wanted = {"bld-filter-values": "values", "bld-filter-min": "min", "bld-filter-max": "max"}.get(kind)
        if kind == "bld-filter-range":
            wanted = "from" if p == "start_date" else "to"
        patterned.append([prop({"type": kind, "slot": s}, p, f[wanted]) for s, f in enumerate(slots) if wanted in f])
        del name
    columns = [prop({"type": "bld-filter-column", "slot": s}, "value", slots[s]["column"] if s < len(slots) else NONE) for s in range(3)]
    return plain + patterned, [prop("bld-source", "value", source), columns]


def post(found: FlaskClient, output: str, inputs: list[Any], state: list[Any]) -> dict[str, Any]:
    first = inputs[0][0] if isinstance(inputs[0], list) and inputs[0] else inputs[0]
    answer = call(found, output, inputs, state, prop_id(first["id"], first["property"]))
    assert answer.status_code == 200, answer.text[:300]
    return answer.json  # type: ignore[no-any-return]


def preview(
    found: FlaskClient, source: Any, form: dict[str, Any] | None = None, filters: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    inputs, state = controls(source, form, filters)
    return post(found, "bld-preview.children", inputs, state)


def save(found: FlaskClient, target: Any, title: str = "", form: dict[str, Any] | None = None, source: Any = SPEEDS) -> dict[str, Any]:
    inputs, state = controls(source, form, [])
    return post(
        found,
        "bld-save-result.children",
        [prop("bld-save", "n_clicks", 1)],
        inputs + state + [prop("bld-title", "value", title), prop("bld-target", "value", target)],
    )


def text_of(tree: Any) -> str:
    """Every text child of a tree, in order."""
    out: list[str] = []
    for node in nodes(tree):
        children = node["props"].get("children")
        for child in children if isinstance(children, list) else [children]:
            if isinstance(child, (str, int, float)) and not isinstance(child, bool):
                out.append(str(child))
    return " ".join(out)


def shown(answer: dict[str, Any]) -> dict[str, Any]:
    """What the preview shows: the tile's type and state, the figure, the sentence, notes and problems."""
    tree = answer["response"]["bld-preview"]["children"]
    frame = next((n for n in nodes(tree) if "board-tile" in str(n["props"].get("className", ""))), None)
    classes = str(frame["props"]["className"]).split() if frame else []
    graph = next((n for n in nodes(tree) if n["type"] == "Graph"), None)
    return {
        "type": next((c.removeprefix("tile-") for c in classes if c.startswith("tile-") and not c.startswith("tile-is-")), None),
        "state": next((c.removeprefix("tile-is-") for c in classes if c.startswith("tile-is-")), None),
        "figure": graph["props"]["figure"] if graph else None,
        "sentence": next((text_of(n) for n in nodes(tree) if n["props"].get("id") == "bld-sentence"), None),
        "notes": [text_of(n) for n in nodes(tree) if "builder-note" in str(n["props"].get("className", ""))],
        "problems": [text_of(n) for n in nodes(tree) if n["type"] == "Li"],
        "title": next((text_of(n) for n in nodes(tree) if n["props"].get("className") == "tile-title"), None),
        "kpi": next((text_of(n) for n in nodes(tree) if n["props"].get("className") == "kpi-number"), None),
        "options": (answer.get("sideUpdate") or {}).get("bld-chart", {}).get("options"),
    }


def bars(figure: dict[str, Any]) -> dict[str, float]:
    trace = figure["data"][0]
    return dict(zip(trace["y"], trace["x"], strict=True))


def api_query(found: FlaskClient, payload: dict[str, Any]) -> dict[str, Any]:
    answer = found.post("/api/v1/query", json=payload, headers=csrf_header(found))
    assert answer.status_code == 200, answer.text
    return answer.json  # type: ignore[no-any-return]


def fields(found: FlaskClient, source: str, search: str = "") -> dict[str, Any]:
    answer = post(found, "bld-field-list.children", [prop("bld-source", "value", source), prop("bld-field-search", "value", search)], [])
    tree = answer["response"]["bld-field-list"]["children"]
    rows = [n for n in nodes(tree) if n["type"] == "Tr" and n["props"].get("data-field")]
    return {
        "rows": [(r["props"]["data-field"], *[text_of(c) for c in r["props"]["children"][1:3]]) for r in rows],
        "text": json.dumps(tree, ensure_ascii=False),
    }


# -- fields -------------------------------------------------------------------------------------------------
def test_fields_come_from_the_dictionary_with_type_and_role_and_hide_personal_data(demo: Any) -> None:
    staff = fields(client(demo, "hotline_staff"), "dataset:hotline_tickets")
    assert staff["rows"] == [
        ("ticket_id", "文本", "编号"),
        ("created_at", "日期时间", "时间"),
        ("closed_at", "日期时间", "时间"),
        ("district", "文本", "分类"),
        ("street", "文本", "分类"),
        ("category", "文本", "分类"),
        ("is_complaint", "是/否", "分类"),
        ("is_repeat", "是/否", "分类"),
        ("sla_hours", "整数", "度量"),
        ("satisfaction", "整数", "分类"),
    ]
    assert "caller_phone" not in staff["text"] and "含个人信息的字段按您的权限不显示。" in staff["text"]
    english = fields(client(demo, "traffic_staff", "en"), SPEEDS)
    assert english["rows"][:2] == [("observed_at", "Date and time", "Time"), ("district", "Text", "Category")]
    assert ("speed_kmh", "Decimal number", "Measure") in english["rows"] and "Mean speed" in english["text"]
    # a dataset of another department reads exactly like one that does not exist: no field list at all
    assert fields(client(demo, "traffic_staff"), "dataset:hotline_tickets") == fields(client(demo, "traffic_staff"), "dataset:nope")
    assert fields(client(demo, "traffic_staff"), "dataset:hotline_tickets")["rows"] == []


def test_the_preview_cannot_use_a_hidden_personal_data_column(demo: Any) -> None:
    staff, tickets = client(demo, "hotline_staff"), {"time_column": "created_at"}
    assert shown(preview(staff, "dataset:hotline_tickets", tickets))["type"] == "line"
    for form in (
        {"measure_1": "caller_phone", "agg_1": "count_distinct"},
        {"dimension_1": "caller_phone"},
    ):
        seen = shown(preview(staff, "dataset:hotline_tickets", tickets | form))
        assert seen["figure"] is None and seen["problems"] and "caller_phone" not in json.dumps(seen, ensure_ascii=False)
    refused = shown(preview(staff, "dataset:hotline_tickets", tickets, [{"column": "caller_phone", "values": ["13800000000"]}]))
    assert refused["problems"] == ["筛选 1：字段不存在，或您无权使用。请从列表中重新选择。"] and refused["figure"] is None


@pytest.mark.parametrize(
    ("source", "search", "lang", "expected"),
    [
        ("sample", "车速", "zh", ["平均车速_km_h"]),  # the Chinese header kept as the label
        ("sample", "(km/h)", "zh", ["平均车速_km_h"]),  # only in the label (the name reads km_h)
        ("sample", "区县", "en", ["区县"]),
        ("speeds", "speed", "zh", ["speed_kmh", "free_flow_speed_kmh"]),  # English names
        ("speeds", "路段平均", "zh", ["speed_kmh"]),  # a Chinese description
        ("speeds", "MEAN", "en", ["speed_kmh"]),  # an English description, any case
        ("speeds", "时间", "zh", ["observed_at", "travel_time_index"]),  # the role in Chinese, and the labels 观测时间, 行程时间指数
        ("speeds", "time", "zh", ["observed_at", "travel_time_index"]),  # the role in English, and a name
        ("speeds", "整数", "zh", ["volume"]),  # the type, in Chinese
        ("speeds", "nothing-like-this", "zh", []),
    ],
)
def test_field_search_matches_chinese_labels_and_english_names(demo: Any, source: str, search: str, lang: str, expected: list[str]) -> None:
    key = SPEEDS if source == "speeds" else f"dataset:{demo.server.config['TEST_SAMPLE']}"
    found = fields(client(demo, "traffic_staff", lang), key, search)
    assert [r[0] for r in found["rows"]] == expected
    if not expected:
        assert "没有匹配的字段。" in found["text"]


def test_a_new_source_brings_its_own_form_and_a_measure_its_summaries(demo: Any) -> None:
    staff = client(demo, "traffic_staff")

    def form_for(source: Any) -> str:
        answer = post(staff, "bld-form.children", [prop("bld-source", "value", source)], [])
        return json.dumps(answer["response"]["bld-form"]["children"], ensure_ascii=False)

    speeds = form_for(SPEEDS)
    for wanted in ('"value": "speed_kmh"', '"value": "observed_at.hour"', '"label": "观测时间 的星期"', '"value": "volume"'):
        assert wanted in speeds
    assert form_for("dataset:hotline_tickets") == form_for("dataset:nope") == form_for(None)
    assert "caller_phone" not in form_for("dataset:hotline_tickets") and "builder-form-idle" in form_for("dataset:nope")

    def agg_for(measure: Any) -> Any:
        answer = staff.post(
            "/_dash-update-component",
            json={
                "output": "bld-measure-agg-1.value",
                "outputs": {"id": "bld-measure-agg-1", "property": "value"},
                "inputs": [prop("bld-measure-field-1", "value", measure)],
                "state": [prop("bld-source", "value", SPEEDS)],
                "changedPropIds": ["bld-measure-field-1.value"],
            },
            headers=csrf_header(staff),
        )
        body = answer.json
        if not body["response"]:  # no_update: the form stays as it is
            return None
        allowed = [o["value"] for o in body["sideUpdate"]["bld-measure-agg-1"]["options"] if not o["disabled"]]
        return body["response"]["bld-measure-agg-1"]["value"], allowed

    assert agg_for("speed_kmh") == ("avg", ["sum", "avg", "count", "count_distinct", "min", "max", "median", "p90", "p95"])
    assert agg_for("volume")[0] == "sum"
    assert agg_for("district") == ("count_distinct", ["count", "count_distinct"])
    assert agg_for("*") == ("count", ["count"])
    assert agg_for("speed_kmh; drop table x") is None and agg_for(["speed_kmh"]) is None


def test_without_a_source_the_preview_says_what_to_do(demo: Any) -> None:
    answer = preview(client(demo, "traffic_staff"), None)
    assert (
        text_of(answer["response"]["bld-preview"]["children"])
        == "先选择一个数据集或指标 选好后会自动统计记录数并按月显示，第一张图马上出现。"
    )


# -- the chart ----------------------------------------------------------------------------------------------
def test_picking_a_dataset_draws_the_number_of_records_by_month_at_once(demo: Any) -> None:
    with signed_in(demo, "traffic_staff") as who:
        from callbacks.builder import builder_view

        page = json.dumps(
            builder_view(who, "zh", {"dataset": "traffic_segment_speeds"}).to_plotly_json(), default=lambda o: o.to_plotly_json()
        )
    for wanted in ('"value": "*"', '"value": "observed_at"', '"value": "month"', '"value": "dataset:traffic_segment_speeds"'):
        assert wanted in page
    staff = client(demo, "traffic_staff")
    seen = shown(preview(staff, SPEEDS))
    assert (seen["type"], seen["state"], seen["title"]) == ("line", "ok", "记录数")
    trace = seen["figure"]["data"][0]
    assert trace["x"][:3] == ["2024-01", "2024-02", "2024-03"] and len(trace["x"]) == 24
    counts = api_query(
        staff,
        {
            "dataset": "traffic_segment_speeds",
            "time": {"column": "observed_at", "grain": "month"},
            "measures": [{"expr": "1", "agg": "count", "as": "n"}],
        },
    )
    assert trace["y"] == [row[1] for row in counts["rows"]]
    assert seen["sentence"] == "筛选：无（显示您有权查看的全部数据）。数据范围：东城区（按您的权限）"


def test_the_preview_shows_what_post_api_v1_query_returns_for_the_viewer(demo: Any) -> None:
    analyst = client(demo, "traffic_analyst")
    form = {"measure_1": "speed_kmh", "agg_1": "avg", "dimension_1": "district", "grain": NONE}
    seen = shown(preview(analyst, SPEEDS, form))
    assert seen["type"] == "bar" and seen["title"] == "车速（公里/小时） 平均值（按 所在区）"
    api = api_query(
        analyst, {"dataset": "traffic_segment_speeds", "dimensions": ["district"], "measures": [{"expr": "speed_kmh", "agg": "avg"}]}
    )
    assert bars(seen["figure"]) == pytest.approx({district: value for district, value in api["rows"]}, rel=1e-12)  # parallel sums
    assert len(api["rows"]) == 8
    scoped = shown(preview(client(demo, "traffic_staff"), SPEEDS, form))
    assert list(bars(scoped["figure"])) == ["东城区"]  # the same form, the staff member's own district only


def test_two_measures_over_time_draw_one_line_each(demo: Any) -> None:
    seen = shown(preview(client(demo, "traffic_staff"), SPEEDS, {"measure_2": "volume", "agg_2": "sum", "grain": "quarter"}))
    assert seen["type"] == "line" and [t["name"] for t in seen["figure"]["data"]] == ["row_count", "sum_volume"]
    assert seen["figure"]["data"][0]["x"] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


def test_too_many_rows_and_no_rows_are_said_plainly(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    hourly = shown(preview(staff, SPEEDS, {"grain": "hour"}))
    assert hourly["type"] == "line" and len(hourly["figure"]["data"][0]["x"]) == 1000
    assert hourly["notes"] == ["结果超过 1000 行，只显示前 1000 行。可以加筛选，或改用更粗的时间粒度。"]
    nothing = shown(preview(staff, SPEEDS, {}, [{"column": "speed_kmh", "min": 1000}]))
    assert (nothing["type"], nothing["state"], nothing["figure"]) == ("line", "empty", None)
    assert nothing["sentence"] == "筛选：车速（公里/小时） 不小于 1000。数据范围：东城区（按您的权限）"


def test_one_value_is_a_kpi_card_and_weekday_by_hour_a_heatmap(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    kpi = shown(preview(staff, SPEEDS, {"grain": NONE}))
    total = api_query(staff, {"dataset": "traffic_segment_speeds", "measures": [{"expr": "1", "agg": "count", "as": "n"}]})["rows"][0][0]
    assert kpi["type"] == "kpi" and kpi["kpi"] == f"{total:,.0f}"
    heat = shown(preview(staff, SPEEDS, {"grain": NONE, "dimension_1": "observed_at.dow", "dimension_2": "observed_at.hour"}))
    assert heat["type"] == "heatmap" and len(heat["figure"]["data"][0]["z"]) == 7 and len(heat["figure"]["data"][0]["z"][0]) == 24


def test_the_chart_type_can_be_changed_and_types_that_cannot_draw_the_fields_fall_back(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    area = shown(preview(staff, SPEEDS, {"chart": "area"}))
    assert area["type"] == "area" and area["figure"]["data"][0]["fill"] == "tozeroy" and area["notes"] == []
    table = shown(preview(staff, SPEEDS, {"chart": "table"}))
    assert table["type"] == "table" and table["figure"] is None
    donut = shown(preview(staff, SPEEDS, {"chart": "donut"}))  # a donut needs one grouping
    assert donut["type"] == "line" and donut["notes"] == ["“环形图”画不出这些字段，已改用“折线图”。"]
    options = {o["value"]: o.get("disabled", False) for o in donut["options"]}
    assert options == {
        "auto": False,
        "kpi": False,  # the latest month's value
        "line": False,
        "area": False,
        "bar": False,
        "stacked": True,
        "donut": True,
        "heatmap": True,
        "table": False,
    }
    assert donut["options"][0]["label"] == "自动（推荐：折线图）"
    averaged = shown(preview(staff, SPEEDS, {**AVG, "dimension_1": "district", "grain": NONE, "chart": "donut"}))
    assert averaged["type"] == "bar" and averaged["notes"] == ["“环形图”画不出这些字段，已改用“条形排名”。"]  # no donut of averages
    counted = shown(preview(staff, SPEEDS, {"dimension_1": "district", "grain": NONE, "chart": "donut"}))
    assert counted["type"] == "donut" and counted["notes"] == [] and counted["figure"]["data"][0]["labels"] == ["东城区"]


def source_for_cases() -> Any:
    from builder.source import Field, Source

    return Source(
        "dataset",
        "speeds",
        "车速",
        "Speeds",
        (
            Field("observed_at", "observed_at", "timestamp", "time"),
            Field("district", "district", "text", "dimension"),
            Field("road_class", "road_class", "text", "dimension"),
            Field("speed_kmh", "speed_kmh", "float", "measure"),
            Field("volume", "volume", "integer", "measure"),
        ),
        dataset="speeds",
    )


AVG = {"measure_1": "speed_kmh", "agg_1": "avg"}
TOTAL = {"grain": NONE}


@pytest.mark.parametrize(
    ("form", "parts", "expected"),
    [
        ({}, None, "line"),  # time + measure
        (TOTAL, None, "kpi"),  # one value
        ({**TOTAL, "dimension_1": "district"}, 8, "bar"),  # category + measure: a sorted bar
        ({**TOTAL, "dimension_1": "road_class"}, 3, "donut"),  # a few parts of a whole
        ({**TOTAL, **AVG, "dimension_1": "road_class"}, 3, "bar"),  # averages are not parts of a whole
        ({**TOTAL, "dimension_1": "district", "dimension_2": "road_class"}, None, "stacked"),  # two categories
        ({**TOTAL, **AVG, "dimension_1": "district", "dimension_2": "road_class"}, None, "table"),  # stacked averages mean nothing
        ({"dimension_1": "district"}, None, "stacked"),  # time + category, counted
        ({**AVG, "dimension_1": "district"}, None, "line"),  # time + category, averaged: a line per member
        ({**TOTAL, "dimension_1": "observed_at.dow", "dimension_2": "observed_at.hour"}, None, "heatmap"),
        ({**TOTAL, "dimension_1": "observed_at.hour", "dimension_2": "district"}, None, "stacked"),
        ({"dimension_1": "observed_at.dow", "dimension_2": "observed_at.hour"}, None, "stacked"),  # with a grain: the latest period
        ({**TOTAL, "dimension_1": "observed_at.hour"}, 24, "bar"),
        ({"measure_2": "volume", "agg_2": "sum"}, None, "line"),  # two measures over time
        ({**TOTAL, "measure_2": "volume", "agg_2": "sum", "dimension_1": "district"}, None, "table"),
    ],
)
def test_the_recommended_chart_for_each_combination_of_field_roles(form: dict[str, Any], parts: int | None, expected: str) -> None:
    from builder import form as chartform

    chart, problems = chartform.read(source_for_cases(), {**DEFAULT_FORM, **form}, {})
    assert problems == [] and chart is not None
    assert chartform.recommend(chart, parts) == expected
    assert chartform.effective(chart, expected) == expected


# -- filters ------------------------------------------------------------------------------------------------
def filter_box(found: FlaskClient, source: str, column: str, slot: int = 0) -> list[dict[str, Any]]:
    answer = post(
        found,
        f"bld-filter-box-{slot}.children",
        [prop({"type": "bld-filter-column", "slot": slot}, "value", column)],
        [prop("bld-source", "value", source)],
    )
    return [
        n for n in nodes(answer["response"][f"bld-filter-box-{slot}"]["children"]) if n["type"] in ("Dropdown", "Input", "DatePickerRange")
    ]


def test_filter_inputs_fit_the_column_type_and_offer_only_values_the_user_may_see(demo: Any) -> None:
    staff, analyst = client(demo, "traffic_staff"), client(demo, "traffic_analyst")
    [scoped] = filter_box(staff, SPEEDS, "district")
    assert scoped["type"] == "Dropdown" and scoped["props"]["multi"] is True
    assert scoped["props"]["options"] == [{"label": "东城区", "value": "东城区"}]
    [city] = filter_box(analyst, SPEEDS, "district", 2)
    assert {o["value"] for o in city["props"]["options"]} == {
        "东城区",
        "西城区",
        "南湖区",
        "北苑区",
        "江滨区",
        "高新区",
        "临港区",
        "青山区",
    }
    assert city["props"]["id"] == {"type": "bld-filter-values", "slot": 2}
    low, high = filter_box(staff, SPEEDS, "speed_kmh", 1)
    assert (low["type"], low["props"]["type"], low["props"]["id"]["type"], high["props"]["id"]["type"]) == (
        "Input",
        "number",
        "bld-filter-min",
        "bld-filter-max",
    )
    [dates] = filter_box(staff, SPEEDS, "observed_at")
    assert dates["type"] == "DatePickerRange" and dates["props"]["id"] == {"type": "bld-filter-range", "slot": 0}
    [flags] = filter_box(client(demo, "hotline_staff"), "dataset:hotline_tickets", "is_complaint")
    assert sorted(o["label"] for o in flags["props"]["options"]) == ["否", "是"]
    # a forged column, a hidden column and another department's dataset: no input at all
    assert filter_box(staff, SPEEDS, "district; drop table x") == []
    assert filter_box(client(demo, "hotline_staff"), "dataset:hotline_tickets", "caller_phone") == []
    assert filter_box(staff, "dataset:hotline_tickets", "district") == []


def test_an_indicator_offers_its_dimensions_and_scoped_values(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    [values] = filter_box(staff, "indicator:traffic.avg_speed", "district")
    assert values["props"]["options"] == [{"label": "东城区", "value": "东城区"}]
    assert filter_box(staff, "indicator:traffic.avg_speed", "speed_kmh") == []  # not one of its dimensions
    seen = shown(preview(staff, "indicator:traffic.avg_speed", {"time_column": NONE, "measure_1": NONE}))
    assert (seen["type"], seen["state"]) == ("line", "ok") and seen["title"] == "平均车速"
    by = shown(preview(client(demo, "traffic_analyst"), "indicator:traffic.avg_speed", {"dimension_1": "district", "grain": NONE}))
    assert by["type"] == "bar" and len(by["figure"]["data"][0]["y"]) == 8 and by["title"] == "平均车速（按 所在区）"
    yearly = shown(preview(client(demo, "traffic_analyst"), "indicator:traffic.avg_speed", {"dimension_1": "district", "grain": "year"}))
    assert yearly["type"] == "line" and len(yearly["figure"]["data"]) == 8  # averages over time: a line per district
    two = [{"column": "district", "values": ["西城区", "东城区"]}]
    filtered = shown(
        preview(client(demo, "traffic_analyst"), "indicator:traffic.avg_speed", {"dimension_1": "district", "grain": NONE}, two)
    )
    assert set(bars(filtered["figure"])) == {"西城区", "东城区"} and filtered["sentence"] == "筛选：所在区 为 西城区 或 东城区"
    assert bars(filtered["figure"]) == pytest.approx({k: v for k, v in bars(by["figure"]).items() if k in ("西城区", "东城区")}, abs=0.011)


def test_the_filter_sentence_in_chinese_and_english(demo: Any) -> None:
    filters = [
        {"column": "district", "values": ["东城区"]},
        {"column": "speed_kmh", "min": 20, "max": 60},
        {"column": "road_class", "values": ["arterial"]},
    ]
    form = {"from": "2025-01-01", "to": "2025-06-30"}
    zh = shown(preview(client(demo, "traffic_analyst"), SPEEDS, form, filters))
    assert (  # the stored arterial reads as a road class, in each language; the district by its registered name
        zh["sentence"]
        == "筛选：观测时间 自 2025-01-01 至 2025-06-30；所在区 为 东城区；车速（公里/小时） 介于 20 与 60 之间；道路等级 为 主干道"
    )
    en = shown(preview(client(demo, "traffic_analyst", "en"), SPEEDS, form, filters))
    dongcheng = next(d.name_en for d in DEMO_DISTRICTS if d.name_zh == "东城区")
    assert (
        en["sentence"] == "Filters: Observed at from 2025-01-01 to 2025-06-30; "  # Chinese labels read as the names spelled out
        f"District is {dongcheng}; Speed kmh is between 20 and 60; Road class is Arterial road"
    )
    assert zh["figure"]["data"][0]["x"] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    filtered = api_query(
        client(demo, "traffic_analyst"),
        {
            "dataset": "traffic_segment_speeds",
            "time": {"column": "observed_at", "grain": "month", "from": "2025-01-01", "to": "2025-06-30"},
            "measures": [{"expr": "1", "agg": "count"}],
            "filters": [
                {"column": "district", "op": "in", "value": ["东城区"]},
                {"column": "speed_kmh", "op": ">=", "value": 20},
                {"column": "speed_kmh", "op": "<=", "value": 60},
                {"column": "road_class", "op": "in", "value": ["arterial"]},
            ],
        },
    )
    assert zh["figure"]["data"][0]["y"] == [row[1] for row in filtered["rows"]]
    one_sided = shown(
        preview(
            client(demo, "traffic_staff", "en"),
            SPEEDS,
            {},
            [{"column": "speed_kmh", "min": 45}, {"column": "observed_at", "to": "2024-03-31"}],
        )
    )
    dongcheng = next(d.name_en for d in DEMO_DISTRICTS if d.name_zh == "东城区")  # the viewer's area, named in English
    assert (
        one_sided["sentence"] == f"Filters: Speed kmh is at least 45; Observed at up to 2024-03-31. Data scope: {dongcheng} (your access)"
    )


def test_forged_filter_values_are_left_out_and_the_scope_still_applies(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    seen = shown(
        preview(
            staff,
            SPEEDS,
            {"grain": NONE, "dimension_1": "district"},
            [{"column": "district", "values": ["西城区", "东城区", "*", "' OR 1=1 --"]}],
        )
    )
    assert list(bars(seen["figure"])) == ["东城区"]
    assert seen["notes"] == ["筛选 1：已略去不存在或您无权查看的值。"]
    assert seen["sentence"] == "筛选：所在区 为 东城区。数据范围：东城区（按您的权限）"
    only = shown(preview(staff, SPEEDS, {"grain": NONE, "dimension_1": "district"}, [{"column": "district", "values": ["西城区"]}]))
    assert list(bars(only["figure"])) == ["东城区"] and "西城区" not in json.dumps(only["figure"], ensure_ascii=False)


# -- hostile payloads ---------------------------------------------------------------------------------------
NO_SOURCE = "数据来源不存在，或您无权使用。请从列表中重新选择。"


@pytest.mark.parametrize(
    ("source", "form", "filters", "problems"),
    [
        ("dataset:nope", {}, [], [NO_SOURCE]),
        ("dataset:hotline_tickets", {}, [], [NO_SOURCE]),  # another department's: exactly like a missing one
        ("dataset:traffic_segment_speeds' or '1'='1", {}, [], [NO_SOURCE]),
        ({"dataset": "traffic_segment_speeds"}, {}, [], [NO_SOURCE]),
        ("indicator:hotline.tickets", {}, [], [NO_SOURCE]),
        (SPEEDS, {"measure_1": "speed_kmh; drop table users"}, [], ["度量 1：字段不存在，或您无权使用。请从列表中重新选择。"]),
        (SPEEDS, {"measure_1": "sum(speed_kmh)", "agg_1": "sum"}, [], ["度量 1：字段不存在，或您无权使用。请从列表中重新选择。"]),
        (SPEEDS, {"measure_1": "read_csv('/etc/passwd')"}, [], ["度量 1：字段不存在，或您无权使用。请从列表中重新选择。"]),
        (SPEEDS, {"measure_1": "district", "agg_1": "avg"}, [], ["度量 1：这种汇总方式不适用于该字段。请从列表中重新选择。"]),
        (SPEEDS, {"measure_1": "speed_kmh", "agg_1": "sum(1); --"}, [], ["度量 1：这种汇总方式不适用于该字段。请从列表中重新选择。"]),
        (SPEEDS, {"measure_1": {"expr": "1"}}, [], ["度量 1：字段不存在，或您无权使用。请从列表中重新选择。"]),
        (SPEEDS, {"measure_1": NONE}, [], ["度量 1：请选择要统计的度量。"]),
        (SPEEDS, {"dimension_1": "district OR 1=1"}, [], ["分组 1：字段不存在，或您无权使用。请从列表中重新选择。"]),
        (SPEEDS, {"dimension_1": "district", "dimension_2": "district"}, [], ["分组 2：与分组 1 相同。请选择另一个字段。"]),
        (SPEEDS, {"time_column": "speed_kmh"}, [], ["时间：字段不存在，或您无权使用。请从列表中重新选择。"]),
        (SPEEDS, {"grain": ["month"]}, [], ["时间：时间粒度无效。请从列表中选择。"]),
        (SPEEDS, {"grain": "decade"}, [], ["时间：时间粒度无效。请从列表中选择。"]),
        (SPEEDS, {"from": 12345}, [], ["时间范围：日期无效。请用日历选择，例如 2025-01-31。"]),
        (SPEEDS, {"to": "9999-12-31"}, [], ["时间范围：日期无效。请用日历选择，例如 2025-01-31。"]),
        (SPEEDS, {"from": "2025-06-01", "to": "2025-01-01"}, [], ["时间范围：开始日期晚于结束日期。请调换。"]),
        (SPEEDS, {"chart": "<script>alert(1)</script>"}, [], ["图表类型无效。请从列表中选择。"]),
        (SPEEDS, {}, [{"column": "district", "values": "东城区"}], ["筛选 1：筛选值无效。请从列表中选择（最多 50 个）。"]),
        (SPEEDS, {}, [{"column": "district", "values": [{"$ne": 1}]}], ["筛选 1：筛选值无效。请从列表中选择（最多 50 个）。"]),
        (SPEEDS, {}, [{"column": "district", "values": ["东城区"] * 51}], ["筛选 1：筛选值无效。请从列表中选择（最多 50 个）。"]),
        (SPEEDS, {}, [{"column": "speed_kmh", "min": "abc"}], ["筛选 1：请输入数字。"]),
        (SPEEDS, {}, [{"column": "speed_kmh", "min": float("inf")}], ["筛选 1：请输入数字。"]),
        (SPEEDS, {}, [{"column": "speed_kmh", "min": True}], ["筛选 1：请输入数字。"]),
        (SPEEDS, {}, [{"column": "speed_kmh", "max": 10**400}], ["筛选 1：请输入数字。"]),
        (SPEEDS, {}, [{"column": "speed_kmh", "min": 60, "max": 20}], ["筛选 1：最小值大于最大值。请调换。"]),
        (SPEEDS, {}, [{"column": "observed_at", "from": "yesterday"}], ["筛选 1：日期无效。请用日历选择，例如 2025-01-31。"]),
        (SPEEDS, {}, [{"column": "1=1", "values": ["x"]}], ["筛选 1：字段不存在，或您无权使用。请从列表中重新选择。"]),
        (
            SPEEDS,
            {"measure_1": "x", "dimension_1": "y", "grain": "z"},
            [{"column": "speed_kmh", "min": "a"}],
            [
                "度量 1：字段不存在，或您无权使用。请从列表中重新选择。",
                "分组 1：字段不存在，或您无权使用。请从列表中重新选择。",
                "时间：时间粒度无效。请从列表中选择。",
                "筛选 1：请输入数字。",
            ],
        ),
    ],
)
def test_hostile_payloads_get_a_clear_message_and_no_data(
    demo: Any, source: Any, form: dict[str, Any], filters: list[dict[str, Any]], problems: list[str]
) -> None:
    answer = preview(client(demo, "traffic_staff"), source, form, filters)
    seen = shown(answer)
    assert seen["problems"] == problems
    assert seen["figure"] is None and seen["type"] is None and seen["sentence"] is None
    body = json.dumps(answer, ensure_ascii=False)
    assert "Traceback" not in body and "SELECT" not in body.upper().replace("SELECTED", "")
    assert "东城区" not in body and "hotline" not in body.replace("hotline_tickets", "")  # no row, no name of what they may not see


def test_hostile_payloads_in_english(demo: Any) -> None:
    seen = shown(
        preview(
            client(demo, "traffic_staff", "en"), SPEEDS, {"measure_1": "district", "agg_1": "p95"}, [{"column": "speed_kmh", "max": "lots"}]
        )
    )
    assert seen["problems"] == [
        "Measure 1: this field cannot be summarised that way. Choose a way from the list.",
        "Filter 1: enter a number.",
    ]


# -- the page -----------------------------------------------------------------------------------------------
def page_of(demo: Any, username: str, query: dict[str, str]) -> str:
    from callbacks.builder import builder_view

    with signed_in(demo, username) as who:
        tree = builder_view(who, "zh", query)
    return json.dumps(tree.to_plotly_json(), ensure_ascii=False, default=lambda o: o.to_plotly_json())


def test_the_link_preselects_a_source_and_a_forbidden_one_reads_like_a_missing_one(demo: Any) -> None:
    page = page_of(demo, "traffic_staff", {"indicator": "traffic.avg_speed"})
    assert '"value": "indicator:traffic.avg_speed"' in page and "按指标“平均车速”的口径计算" in page
    forbidden = page_of(demo, "traffic_staff", {"dataset": "gov_service_applications"})
    missing = page_of(demo, "traffic_staff", {"dataset": "no_such_dataset"})
    assert "链接中的数据来源不存在，或您无权使用。" in forbidden
    assert forbidden.replace("gov_service_applications", "X") == missing.replace("no_such_dataset", "X")
    assert "政务服务办件" not in forbidden and "applicant" not in forbidden


def test_the_sources_offered_are_the_users_own(demo: Any) -> None:
    from builder.sources import sources

    with signed_in(demo, "traffic_staff") as who:
        offered = {key: (label, words) for key, label, words in sources(who, "zh")}
    assert offered[SPEEDS] == ("数据集 · 路段小时车速", "数据集 · 路段小时车速 Hourly road-segment speeds traffic_segment_speeds")
    assert offered["indicator:traffic.avg_speed"][0] == "指标 · 平均车速"  # one language on the screen; both find it
    assert not [k for k in offered if "hotline" in k or "gov_service" in k or k.startswith("indicator:services.")]


# -- saving -------------------------------------------------------------------------------------------------
def stored(demo: Any, board_id: str) -> Any:
    from access.actor import SYSTEM
    from boards.catalog import get_board

    with demo.server.extensions["city"].store.read() as db:
        return get_board(db, SYSTEM, board_id)


def result_of(answer: dict[str, Any]) -> dict[str, Any]:
    tree = answer["response"]["bld-save-result"]["children"]
    link = next((n["props"]["href"] for n in nodes(tree) if n["type"] == "Link"), None)
    return {"text": text_of(tree), "link": link}


def test_saving_to_my_charts_and_to_a_board_the_user_may_edit(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    who = actor_of(demo.server.extensions["city"], "traffic_staff")
    form = {"measure_1": "speed_kmh", "agg_1": "avg", "dimension_1": "road_class", "chart": "table"}
    mine = result_of(save(staff, "mine", "  东城车速  ", form))
    assert mine["link"] == f"/boards/my_{who.user_id}" and mine["text"].startswith("已保存到“我的图表”。")
    tile = stored(demo, f"my_{who.user_id}").spec.tiles[-1].model_dump(mode="json", by_alias=True)
    assert {k: tile[k] for k in ("type", "title", "source")} == {
        "type": "table",
        "title": {"zh": "东城车速", "en": "东城车速"},
        "source": {
            "indicator": None,
            "query": {
                "dataset": "traffic_segment_speeds",
                "dimensions": ["road_class"],
                "measures": [{"expr": "speed_kmh", "agg": "avg", "as": "avg_speed_kmh"}],
                "time": {"column": "observed_at", "grain": "month"},
                "filters": [],
            },
        },
    }
    before = stored(demo, "traffic_board")  # a department board is edited by its analysts (staff arrange only their own view)
    board = result_of(save(client(demo, "traffic_analyst"), "traffic_board", "", {"grain": NONE}))
    assert board["link"] == "/boards/traffic_board"
    after = stored(demo, "traffic_board")
    added = after.spec.tiles[-1]
    assert after.version == before.version + 1 and len(after.spec.tiles) == len(before.spec.tiles) + 1
    assert (added.type.value, added.title.zh, added.title.en) == ("kpi", "记录数", "Number of records")
    assert added.source.query is not None and added.source.query.to_dict()["measures"] == [{"expr": "1", "agg": "count", "as": "row_count"}]
    with signed_in(demo, "traffic_staff") as me:
        from callbacks.boards import palette

        assert dict(palette(me, "zh"))[f"chart:{stored(demo, f'my_{who.user_id}').spec.tiles[-1].id}"] == "我的图表 · 东城车速"


def test_a_board_the_user_may_not_edit_is_not_offered_and_is_refused(demo: Any) -> None:
    from builder.sources import targets

    with signed_in(demo, "traffic_staff") as who:
        assert [v for v, _ in targets(who, "zh")] == ["mine"]
    assert "city_cockpit" not in page_of(demo, "traffic_staff", {"dataset": "traffic_segment_speeds"})
    staff = client(demo, "traffic_staff")
    cockpit, hotline, traffic = stored(demo, "city_cockpit"), stored(demo, "hotline_board"), stored(demo, "traffic_board")
    for target in ("city_cockpit", "hotline_board", "traffic_board", "no_such_board", ["traffic_board"], None, "my_1"):
        refused = result_of(save(staff, target))
        assert refused == {"text": "没有保存：该看板不存在，或您无权编辑。", "link": None}, target
    assert [stored(demo, b).version for b in ("city_cockpit", "hotline_board", "traffic_board")] == [
        cockpit.version,
        hotline.version,
        traffic.version,
    ]
    invalid = result_of(save(staff, "mine", form={"measure_1": "caller_phone"}))
    assert invalid["text"] == "没有保存：请先修正图表中的问题。 度量 1：字段不存在，或您无权使用。请从列表中重新选择。"
    leader = client(demo, "leader")
    assert result_of(save(leader, "mine"))["text"] == "领导账号可以预览图表，但不能保存。"
    with signed_in(demo, "leader") as who:
        assert targets(who, "zh") == []
    assert "bld-save" not in page_of(demo, "leader", {"dataset": "traffic_segment_speeds"})
    assert shown(preview(leader, SPEEDS))["type"] == "line"  # leaders may still build and look
