"""The indicator catalog and indicator page: page functions and callbacks called as plain functions on a demo city.

Each call runs inside a Flask test request of a real app (real DuckDB, real metadata store) with a signed-in
actor, and the assertions are on the component trees the user would receive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dash.development.base_component import Component

from indicators import commands
from tests.conftest import actor_of, csrf_header, make_settings
from tests.dashcalls import by_id, signed_in, text, walk

CONGESTION = "traffic.congestion_index"
DEMO_PASSWORD = "demo-pass-2025"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app over a small demo city (every catalog indicator has data for 2024-2025)."""
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("indicator-pages")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    yield app
    rt.close()


def links(tree: Any) -> list[str]:
    return [
        n.href for n in walk(tree) if isinstance(n, Component) and type(n).__name__ == "Link" and str(n.href).startswith("/indicators/")
    ]


def ids_of(tree: Any) -> set[str]:
    return {href.removeprefix("/indicators/") for href in links(tree)}


def as_json(tree: Any) -> str:
    return json.dumps(tree.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False, sort_keys=True)


# -- catalog --------------------------------------------------------------------------------------
def test_catalog_lists_what_each_actor_may_see(demo: Any) -> None:
    from callbacks import pages

    rt = demo.server.extensions["city"]
    with signed_in(demo, "leader"):
        everything = pages.indicators_page()
        expected = {i.id for i in rt.registry.visible(actor_of(rt, "leader"))}
    assert ids_of(everything) == expected and len(expected) >= 30
    assert f"{len(expected)} 个指标" in text(everything) and "拥堵指数" in text(everything) and "已认证" in text(everything)
    with signed_in(demo, "traffic_staff", "en"):
        own = pages.indicators_page()
    assert ids_of(own) == {i for i in expected if i.startswith("traffic.")}
    assert "Congestion index" in text(own) and "Transport" in text(own)
    assert "Complaints" not in text(own) and "hotline" not in as_json(own)


@pytest.mark.parametrize(
    ("search", "department", "status", "expected"),
    [
        ("拥堵", None, None, {"traffic.congestion_index", "traffic.congestion_reduction", "traffic.peak_congestion_index"}),
        ("Congestion", None, None, {"traffic.congestion_index", "traffic.congestion_reduction", "traffic.peak_congestion_index"}),
        ("traffic jam", None, None, {"traffic.congestion_index"}),
        ("hotline.ticket", None, None, {"hotline.tickets", "hotline.ticket_satisfaction"}),
        (
            "",
            "traffic",
            None,
            {
                "traffic.congestion_index",
                "traffic.congestion_reduction",
                "traffic.peak_congestion_index",
                "traffic.avg_speed",
                "traffic.volume",
                "traffic.volume_ytd",
            },
        ),
        ("拥堵", "hotline", None, set()),
        ("", None, "draft", set()),
    ],
)
def test_search_and_filters(demo: Any, search: str, department: str | None, status: str | None, expected: set[str]) -> None:
    from callbacks.indicators import filter_catalog

    with signed_in(demo, "leader"):
        shown = filter_catalog(search, department, status, None)
    assert ids_of(shown) == expected
    if not expected:
        assert text(shown).strip().startswith("没有符合条件的指标。")


def test_search_never_widens_what_an_actor_sees(demo: Any) -> None:
    from callbacks.indicators import filter_catalog

    with signed_in(demo, "traffic_staff"):
        assert ids_of(filter_catalog("", "hotline", None, None)) == set()
        assert ids_of(filter_catalog("投诉", None, None, None)) == set()


def test_latest_values_for_visible_indicators_only(demo: Any) -> None:
    from callbacks.indicators import filter_catalog, latest_values

    with signed_in(demo, "traffic_staff"):
        latest = latest_values([CONGESTION, "hotline.tickets", "no.such"])
        assert set(latest) == {CONGESTION}
        assert latest[CONGESTION]["period"] == "2025-12" and latest[CONGESTION]["status"] in ("green", "amber", "red")
        assert isinstance(latest[CONGESTION]["value"], float)
        shown = filter_catalog("congestion index", None, None, latest)
    dots = [n for n in walk(shown) if isinstance(n, Component) and "light-dot" in str(getattr(n, "className", ""))]
    assert len(dots) == 1 and dots[0].className == f"light-dot light-{latest[CONGESTION]['status']}"
    assert f"{latest[CONGESTION]['value']:,.3f}" in text(shown) and "2025-12" in text(shown)


# -- indicator page -------------------------------------------------------------------------------
def test_indicator_page_header_sentence_lineage_history(demo: Any) -> None:
    from callbacks import pages
    from layouts import ids

    with signed_in(demo, "leader", "en"):
        page = pages.indicator_page(CONGESTION)
    assert by_id(page, ids.indicator.ID).data == CONGESTION
    assert by_id(page, ids.indicator.SENTENCE).children == (
        "Congestion index = the average of free_flow_speed_kmh / speed_kmh where road_class is arterial or expressway, over observed_at"
    )
    header = text(page)
    for expected in ("Congestion index", "Certified", "Version 1", "traffic_analyst", "Transport", "Lower is better"):
        assert expected in header, expected
    lineage = by_id(page, ids.indicator.LINEAGE)
    assert [n.href for n in walk(lineage) if type(n).__name__ == "Link"] == ["/datasets/traffic_segment_speeds"]
    assert text(lineage).split() == [
        "Source",
        "systems",
        "交警卡口",
        "浮动车GPS",
        "→",
        "Dataset",
        "Hourly",
        "road-segment",
        "speeds",
        "→",
        "Columns",
        "used",
        "free_flow_speed_kmh",
        "speed_kmh",
        "road_class",
        "observed_at",
        "district",
        "segment_id",
        "→",
        "This",
        "indicator",
        "Congestion",
        "index",
    ]
    history = by_id(page, ids.indicator.HISTORY)
    assert "First version" in text(history) and "catalog" in text(history)
    assert by_id(page, ids.indicator.GRAIN).value == "month" and by_id(page, ids.indicator.BY).value == "none"
    assert by_id(page, ids.indicator.RANGE).start_date == "2024-01-01" and by_id(page, ids.indicator.RANGE).end_date == "2025-12-31"
    assert [o["value"] for o in by_id(page, ids.indicator.COMPARE).options] == ["none", "previous", "year_ago", "baseline"]


def test_query_parameters_preset_the_controls_and_bad_ones_are_ignored(demo: Any) -> None:
    from callbacks import pages
    from layouts import ids

    with signed_in(demo, "leader"):
        page = pages.indicator_page(CONGESTION, grain="week", by="district", compare="baseline", **{"from": "2025-01-01"})
        odd = pages.indicator_page(CONGESTION, grain="decade", by="driver_id_card", compare="tomorrow", **{"from": "2025-13-45"})
    assert (by_id(page, ids.indicator.GRAIN).value, by_id(page, ids.indicator.BY).value, by_id(page, ids.indicator.COMPARE).value) == (
        "week",
        "district",
        "baseline",
    )
    assert by_id(page, ids.indicator.RANGE).start_date == "2025-01-01"
    assert (by_id(odd, ids.indicator.GRAIN).value, by_id(odd, ids.indicator.BY).value, by_id(odd, ids.indicator.COMPARE).value) == (
        "month",
        "none",
        "none",
    )
    assert by_id(odd, ids.indicator.RANGE).start_date == "2024-01-01"


def test_derived_indicator_links_its_inputs(demo: Any) -> None:
    from callbacks import pages
    from layouts import ids

    with signed_in(demo, "leader"):
        page = pages.indicator_page("traffic.congestion_reduction")
    assert "base 是 拥堵指数 (traffic.congestion_index) 的基线值" in by_id(page, ids.indicator.SENTENCE).children
    assert links(by_id(page, ids.indicator.LINEAGE)) == [f"/indicators/{CONGESTION}"]
    assert [o["value"] for o in by_id(page, ids.indicator.COMPARE).options] == ["none", "previous", "year_ago"]


def test_missing_and_forbidden_indicators_look_the_same(demo: Any) -> None:
    from callbacks import pages
    from callbacks.indicators import indicator_values

    with signed_in(demo, "hotline_staff"):
        forbidden, missing = pages.indicator_page(CONGESTION), pages.indicator_page("traffic.no_such_indicator")
        values_forbidden = indicator_values("month", None, None, "district", "baseline", CONGESTION)
        values_missing = indicator_values("month", None, None, "district", "baseline", "traffic.no_such_indicator")
    assert as_json(forbidden) == as_json(missing) and as_json(values_forbidden) == as_json(values_missing)
    assert text(forbidden).strip() == "指标不存在或您无权访问。"
    for tree in (forbidden, values_forbidden):
        assert "拥堵" not in as_json(tree) and "traffic_segment_speeds" not in as_json(tree)


def graph(tree: Any, component_id: str) -> dict[str, Any]:
    figure = by_id(tree, component_id).figure
    return figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else dict(figure)


def test_values_by_district_against_the_baseline(demo: Any) -> None:
    from callbacks.indicators import indicator_values
    from layouts import ids

    with signed_in(demo, "leader"):
        result = indicator_values("month", None, None, "district", "baseline", CONGESTION)
    chart = graph(result, ids.indicator.CHART)
    traces = {trace["name"]: trace for trace in chart["data"]}
    assert {"合计", "目标"} <= set(traces) and len(traces) == 2 + 8  # the city, its target and eight districts
    target = traces["目标"]
    assert target["line"]["dash"] == "dash" and target["line"]["shape"] == "hv"
    assert list(target["y"][:12]) == [None] * 12 and set(target["y"][12:]) == {1.28}  # targets exist for 2025 only
    total = traces["合计"]
    assert total["x"][0] == "2024-01" and total["x"][-1] == "2025-12" and len(total["x"]) == 24
    assert set(total["marker"]["color"][:12]) == {"#6c7a89"} and set(total["marker"]["color"][12:]) <= {"#2e9d4d", "#e8a200", "#d64541"}
    layout = chart["layout"]
    baseline = [s for s in layout["shapes"] if s.get("type") == "line"]
    band = [s for s in layout["shapes"] if s.get("type") == "rect"]
    assert len(baseline) == 1 and baseline[0]["line"]["dash"] == "dot"
    assert len(band) == 1 and (band[0]["x0"], band[0]["x1"]) == (-0.5, 11.5)  # the twelve months of 2024
    assert any(a["text"].startswith("基线 ") for a in layout["annotations"])
    ranking = graph(result, ids.indicator.BREAKDOWN)["data"][0]
    assert ranking["orientation"] == "h" and len(ranking["y"]) == 8
    assert list(ranking["x"]) == sorted(ranking["x"])  # lower is better: the best district on top
    kpis = text(by_id(result, ids.indicator.KPIS))
    assert "最新值（2025-12）" in kpis and "较基线" in kpis and "1.280" in kpis and "%" in kpis
    assert any(word in kpis for word in ("达标", "接近目标", "未达标"))
    grid = by_id(result, ids.indicator.GRID)
    assert len(grid.rowData) == 24 * 8 and {"period", "district", "value", "target", "compare_value", "change_pct"} <= set(grid.rowData[0])
    assert [c["field"] for c in grid.columnDefs][:3] == ["period", "district", "value"]


def test_values_without_breakdown_show_a_hint_and_the_baseline_line(demo: Any) -> None:
    from callbacks.indicators import indicator_values
    from layouts import ids

    with signed_in(demo, "leader", "en"):
        result = indicator_values("quarter", "2025-01-01", "2025-12-31", "none", "none", CONGESTION)
    chart = graph(result, ids.indicator.CHART)
    assert [t["name"] for t in chart["data"]] == ["Value", "Target"]
    assert list(chart["data"][0]["x"]) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert [s["type"] for s in chart["layout"]["shapes"]] == ["line"]  # the baseline value, no 2024 band in 2025
    assert "Choose a breakdown dimension to see the ranking." in text(result)
    assert "Choose a comparison to see the change." in text(by_id(result, ids.indicator.KPIS))
    assert len(by_id(result, ids.indicator.GRID).rowData) == 4


def test_service_errors_become_a_translated_alert(demo: Any) -> None:
    from callbacks.indicators import indicator_values

    with signed_in(demo, "leader", "en"):
        reversed_range = indicator_values("month", "2025-12-01", "2025-01-01", "none", "none", CONGESTION)
    assert type(reversed_range).__name__ == "Alert"
    assert text(reversed_range).split("  ")[0].startswith("The request parameters are invalid.")
    assert "`from` must be before `to`." in text(reversed_range)
    with signed_in(demo, "leader"):
        bad_dimension = indicator_values("month", None, None, "driver_phone", "none", CONGESTION)
    assert type(bad_dimension).__name__ == "Alert" and "没有可用的维度“driver_phone”" in text(bad_dimension)
    assert "Traceback" not in as_json(bad_dimension) and "SELECT" not in as_json(bad_dimension)


def test_hourly_values_are_limited_to_the_last_days(demo: Any) -> None:
    from callbacks.indicators import indicator_values
    from layouts import ids

    with signed_in(demo, "leader"):
        result = indicator_values("hour", "2024-01-01", "2025-12-31", "none", "none", CONGESTION)
    assert "按小时显示时最多 31 天" in text(result)
    x = graph(result, ids.indicator.CHART)["data"][0]["x"]
    assert (x[0], x[-1], len(x)) == ("2025-12-01 00:00", "2025-12-31 23:00", 31 * 24)


def test_version_history_shows_the_differences(demo: Any) -> None:
    from callbacks import pages
    from layouts import ids

    rt = demo.server.extensions["city"]
    analyst = actor_of(rt, "traffic_analyst")
    current = rt.registry.get(analyst, "traffic.avg_speed").to_dict()
    changed = {**current, "decimals": 2, "filters": ["speed_kmh > 0"]}
    commands.update_draft(rt.registry, analyst, "traffic.avg_speed", changed, rt.door.rule_context(analyst))
    with signed_in(demo, "leader", "en"):  # a draft is private to its circle (issue 11.1): the leader reads v1 only
        others = by_id(pages.indicator_page("traffic.avg_speed"), ids.indicator.HISTORY)
    assert [text(r.children[0]) for r in [n for n in walk(others) if type(n).__name__ == "Tr"][1:]] == ["1"]
    with signed_in(demo, "traffic_analyst", "en"):
        page = pages.indicator_page("traffic.avg_speed")
    history = by_id(page, ids.indicator.HISTORY)
    rows = [n for n in walk(history) if type(n).__name__ == "Tr"][1:]
    assert [text(r.children[0]) for r in rows] == ["2", "1"]
    assert "Draft" in text(rows[0]) and "traffic_analyst" in text(rows[0]) and "First version" in text(rows[1])
    changes = " ".join(text(rows[0]).split())
    assert "filters : ∅ → speed_kmh > 0" in changes and "decimals : 1 → 2" in changes
    assert "where speed_kmh is greater than 0" in by_id(page, ids.indicator.SENTENCE).children


def test_the_callbacks_refuse_other_departments_over_http(demo: Any) -> None:
    """Through Dash's dispatcher with the session of another department: the same answer as a missing id."""
    from tests.conftest import csrf_from

    client = demo.server.test_client()
    page = client.get("/login")
    client.post("/login", data={"username": "hotline_staff", "password": DEMO_PASSWORD, "csrf_token": csrf_from(page.text), "next": "/"})

    def call(indicator_id: str) -> Any:
        inputs = [
            {"id": "ind-grain", "property": "value", "value": "month"},
            {"id": "ind-range", "property": "start_date", "value": None},
            {"id": "ind-range", "property": "end_date", "value": None},
            {"id": "ind-by", "property": "value", "value": "district"},
            {"id": "ind-compare", "property": "value", "value": "none"},
        ]
        body = {
            "output": "ind-result.children",
            "outputs": {"id": "ind-result", "property": "children"},
            "inputs": inputs,
            "state": [{"id": "ind-id", "property": "data", "value": indicator_id}],
            "changedPropIds": ["ind-grain.value"],
        }
        return client.post("/_dash-update-component", json=body, headers=csrf_header(client))

    other, missing = call(CONGESTION), call("traffic.no_such_indicator")
    assert other.status_code == missing.status_code == 200
    assert other.json == missing.json and "拥堵" not in other.text and "rowData" not in other.text
    latest = client.post(
        "/_dash-update-component",
        headers=csrf_header(client),
        json={
            "output": "ind-latest.data",
            "outputs": {"id": "ind-latest", "property": "data"},
            "inputs": [{"id": "ind-list-ids", "property": "data", "value": [CONGESTION, "hotline.tickets"]}],
            "state": [],
            "changedPropIds": ["ind-list-ids.data"],
        },
    )
    assert latest.status_code == 200 and set(latest.json["response"]["ind-latest"]["data"]) == {"hotline.tickets"}


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "lang", "shown"),
    [
        (-0.0004, 1, "%", "zh", "0.0%"),  # rounds to zero: no minus sign
        (-0.06, 1, "%", "zh", "-0.1%"),
        (2445, 0, "vehicles", "zh", "2,445 辆"),
        (2445, 0, "vehicles", "en", "2,445 vehicles"),
        (2.5, 2, "days", "zh", "2.50 天"),
        (38, 1, "km/h", "zh", "38.0 km/h"),
        (1.25, 3, "ratio", "zh", "1.250"),
        (8.2, 2, "per 10k residents", "zh", "8.20 件/万人"),
        (None, 2, "days", "zh", "—"),
    ],
)
def test_values_read_with_their_unit_in_the_viewers_language(value: Any, decimals: int, unit: str, lang: str, shown: str) -> None:
    from layouts.indicators import fmt_value, unit_label

    assert fmt_value(value, decimals, unit_label(unit, lang)) == shown
