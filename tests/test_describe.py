"""indicators/describe.py: definitions as sentences, filters in words, version differences, latest periods, search."""

from __future__ import annotations

from typing import Any

import pytest

from indicators import describe
from indicators.registry import load_catalog
from indicators.spec import Indicator, parse_indicator

BASE: dict[str, Any] = {"department": "traffic", "owner": "traffic_analyst"}
CONGESTION: dict[str, Any] = {
    **BASE,
    "id": "traffic.congestion_index",
    "name": {"zh": "拥堵指数", "en": "Congestion index"},
    "type": "simple",
    "dataset": "traffic_segment_speeds",
    "measure": {"expr": "free_flow_speed_kmh / speed_kmh", "agg": "avg"},
    "filters": ["road_class in ('arterial', 'expressway')"],
    "time": {"column": "observed_at"},
    "dimensions": ["district", "road_class"],
    "baseline": {"from": "2024-01-01", "to": "2024-12-31"},
}


def indicator(data: dict[str, Any]) -> Indicator:
    parsed, issues = parse_indicator(data)
    assert parsed is not None, issues
    return parsed


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("road_class in ('arterial', 'expressway')", "road_class 为 arterial 或 expressway", "road_class is arterial or expressway"),
        ("channel in ('app', 'web', 'hall')", "channel 为 app、web 或 hall", "channel is app, web or hall"),
        ("decided_at is not null", "decided_at 不为空", "decided_at is present"),
        ("not (decided_at is null)", "decided_at 不为空", "decided_at is present"),
        ("closed_at is null", "closed_at 为空", "closed_at is missing"),
        ("is_complaint", "is_complaint 为真", "is_complaint is true"),
        ("not is_repeat", "is_repeat 为假", "is_repeat is false"),
        ("hour(observed_at) in (7, 8, 17, 18)", "observed_at 的小时 为 7、8、17 或 18", "the hour of observed_at is 7, 8, 17 or 18"),
        ("score >= 4", "score 不小于 4", "score is at least 4"),
        ("score < 3", "score 小于 3", "score is less than 3"),
        ("district <> '东城区'", "district 不为 东城区", "district is not 东城区"),
        ("channel not in ('app', 'web')", "channel 不为 app 或 web", "channel is neither app nor web"),
        ("channel not in ('app', 'web', 'hall')", "channel 不为 app、web 或 hall", "channel is none of app, web, hall"),
        ("speed_kmh between 10 and 20", "speed_kmh 介于 10 与 20 之间", "speed_kmh is between 10 and 20"),
        ("a = 1 and (b = 2 or c = 3)", "a 为 1，且（b 为 2，或 c 为 3）", "a is 1 and (b is 2 or c is 3)"),
        (
            "date_diff('hour', submitted_at, decided_at) <= 72",
            "submitted_at 至 decided_at 的小时数 不大于 72",
            "the hours from submitted_at to decided_at is at most 72",
        ),
        ("street like '%路'", "street 匹配 %路", "street matches %路"),
        ("speed_kmh * 2 > limit_kmh", "speed_kmh * 2 大于 limit_kmh", "speed_kmh * 2 is greater than limit_kmh"),
        ("((", "((", "(("),
    ],
)
def test_filter_in_words(text: str, zh: str, en: str) -> None:
    assert (describe.filter_text(text, "zh"), describe.filter_text(text, "en")) == (zh, en)


RATIO = {
    **BASE,
    "id": "services.on_time_rate",
    "name": {"zh": "按时办结率", "en": "On-time rate"},
    "type": "ratio",
    "dataset": "apps",
    "numerator": {"expr": "case when date_diff('hour', submitted_at, decided_at) <= 72 then 1 else 0 end", "agg": "sum"},
    "denominator": {"expr": "1", "agg": "sum"},
    "scale": 100,
    "filters": ["decided_at is not null"],
    "time": {"column": "submitted_at"},
}
DAYS = {
    **BASE,
    "id": "services.avg_days",
    "name": {"zh": "平均办理时长", "en": "Average approval time"},
    "type": "ratio",
    "dataset": "apps",
    "numerator": {"expr": "date_diff('second', submitted_at, decided_at)", "agg": "sum"},
    "denominator": {"expr": "decided_at", "agg": "count"},
    "scale": 1 / 86400,
    "time": {"column": "submitted_at"},
}
DERIVED = {
    **BASE,
    "id": "traffic.congestion_reduction",
    "name": {"zh": "拥堵指数下降率", "en": "Congestion reduction"},
    "type": "derived",
    "expr": "(base - cur) / base * 100",
    "inputs": [{"ref": "traffic.congestion_index", "as": "cur"}, {"ref": "traffic.congestion_index", "as": "base", "baseline": True}],
}
PER_CAPITA = {
    **BASE,
    "id": "hotline.rate",
    "name": {"zh": "万人投诉率", "en": "Complaints per 10k"},
    "type": "derived",
    "expr": "complaints / population * 10000",
    "inputs": [{"ref": "hotline.complaints", "as": "complaints"}, {"ref": "statistics.population", "as": "population", "grain": "year"}],
}
YTD = {
    **BASE,
    "id": "traffic.volume_ytd",
    "name": {"zh": "年累计车流量", "en": "Volume year to date"},
    "type": "cumulative",
    "input": "traffic.volume",
    "window": {"grain_to_date": "year"},
}
ROLLING = {**YTD, "id": "traffic.volume_7", "name": {"zh": "七日车流量", "en": "Seven-day volume"}, "window": {"periods": 7}}
SNAPSHOT = {
    **BASE,
    "id": "urban.parked",
    "name": {"zh": "在停车辆数", "en": "Parked vehicles"},
    "type": "snapshot",
    "dataset": "parking",
    "measure": {"expr": "occupied", "agg": "sum"},
    "snapshot": {"choose": "last"},
    "time": {"column": "observed_at"},
}
COUNTED = {
    **BASE,
    "id": "hotline.complaints",
    "name": {"zh": "投诉量", "en": "Complaints"},
    "type": "simple",
    "dataset": "tickets",
    "measure": {"expr": "ticket_id", "agg": "count"},
    "filters": ["is_complaint", "closed_at is not null"],
    "time": {"column": "created_at"},
}
NAMES = {
    "zh": {"traffic.congestion_index": "拥堵指数", "traffic.volume": "通行车流量"},
    "en": {"traffic.congestion_index": "Congestion index", "traffic.volume": "Traffic volume"},
}


@pytest.mark.parametrize(
    ("data", "zh", "en"),
    [
        (
            CONGESTION,
            "拥堵指数 = 在 road_class 为 arterial 或 expressway 的记录中，free_flow_speed_kmh / speed_kmh 的平均值，按 observed_at 统计",
            "Congestion index = the average of free_flow_speed_kmh / speed_kmh where road_class is arterial or expressway, over observed_at",
        ),
        (
            RATIO,
            "按时办结率 = 在 decided_at 不为空 的记录中，满足“submitted_at 至 decided_at 的小时数 不大于 72”的记录数 ÷ 记录数 × 100，按 submitted_at 统计",
            "On-time rate = the number of records where the hours from submitted_at to decided_at is at most 72 ÷ the number of records × 100"
            " where decided_at is present, over submitted_at",
        ),
        (
            DAYS,
            "平均办理时长 = submitted_at 至 decided_at 的秒数 的合计 ÷ decided_at 非空的记录数 ÷ 86400，按 submitted_at 统计",
            "Average approval time = the sum of the seconds from submitted_at to decided_at ÷ the number of records with decided_at ÷ 86400, over submitted_at",
        ),
        (
            DERIVED,
            "拥堵指数下降率 = (base - cur) / base * 100，其中 cur 是 拥堵指数 (traffic.congestion_index)；base 是 拥堵指数 (traffic.congestion_index) 的基线值",
            "Congestion reduction = (base - cur) / base * 100, where cur is Congestion index (traffic.congestion_index); "
            "base is the baseline value of Congestion index (traffic.congestion_index)",
        ),
        (
            PER_CAPITA,
            "万人投诉率 = complaints / population * 10000，其中 complaints 是 hotline.complaints；population 是按年计的 statistics.population",
            "Complaints per 10k = complaints / population * 10000, where complaints is hotline.complaints; population is statistics.population by year",
        ),
        (
            YTD,
            "年累计车流量 = 通行车流量 (traffic.volume) 自每年初起的累计值",
            "Volume year to date = the running total of Traffic volume (traffic.volume) since the start of each year",
        ),
        (
            ROLLING,
            "七日车流量 = 通行车流量 (traffic.volume) 最近 7 个周期的滚动合计",
            "Seven-day volume = the total of Traffic volume (traffic.volume) over the last 7 periods",
        ),
        (
            SNAPSHOT,
            "在停车辆数 = 每个周期最后一个时点的 occupied 的合计，按 observed_at 统计",
            "Parked vehicles = the sum of occupied at the last point in time of each period, over observed_at",
        ),
        (
            COUNTED,
            "投诉量 = 在 is_complaint 为真，且 closed_at 不为空 的记录中，ticket_id 非空的记录数，按 created_at 统计",
            "Complaints = the number of records with ticket_id where is_complaint is true and closed_at is present, over created_at",
        ),
    ],
)
def test_sentence(data: dict[str, Any], zh: str, en: str) -> None:
    ind = indicator(data)
    assert describe.sentence(ind, "zh", NAMES["zh"]) == zh
    assert describe.sentence(ind, "en", NAMES["en"]) == en


def test_every_catalog_indicator_reads_as_a_sentence_without_raw_sql() -> None:
    indicators, issues = load_catalog()
    assert not issues and len(indicators) >= 30
    for ind in indicators:
        for lang in ("zh", "en"):
            text = describe.sentence(ind, lang)
            assert text.startswith(f"{ind.name.get(lang)} = "), text
            assert "DATE_DIFF" not in text and "CASE WHEN" not in text.upper(), text


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (CONGESTION, CONGESTION, []),
        (
            CONGESTION,
            {**CONGESTION, "measure": {"expr": "travel_time_index", "agg": "avg"}},
            [("measure.expr", "free_flow_speed_kmh / speed_kmh", "travel_time_index")],
        ),
        (
            CONGESTION,
            {**CONGESTION, "filters": ["road_class in ('arterial', 'expressway')", "speed_kmh > 0"]},
            [("filters", "road_class in ('arterial', 'expressway')", "road_class in ('arterial', 'expressway'), speed_kmh > 0")],
        ),
        (
            CONGESTION,
            {**CONGESTION, "name": {"zh": "道路拥堵指数", "en": "Congestion index"}, "decimals": 2, "unit": "ratio"},
            [("name.zh", "拥堵指数", "道路拥堵指数"), ("unit", "", "ratio"), ("decimals", "", "2")],
        ),
        (
            {k: v for k, v in CONGESTION.items() if k != "baseline"},
            CONGESTION,
            [("baseline.from", "", "2024-01-01"), ("baseline.to", "", "2024-12-31")],
        ),
        (
            {**CONGESTION, "targets": []},
            {**CONGESTION, "targets": [{"period": "2025", "value": 1.28}]},
            [("targets", "", '[{"period": "2025", "value": 1.28}]')],
        ),
        ({**CONGESTION, "synonyms": []}, CONGESTION, []),
        (CONGESTION, {**CONGESTION, "dimensions": ["district"]}, [("dimensions", "district, road_class", "district")]),
    ],
)
def test_diff(old: dict[str, Any], new: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    assert describe.diff(old, new) == expected


def test_diff_of_stored_definitions_follows_the_model_order() -> None:
    old = indicator(CONGESTION).to_dict()
    new = indicator({**CONGESTION, "owner": "someone", "measure": {"expr": "x", "agg": "median"}, "direction": "lower_is_better"}).to_dict()
    assert describe.diff(old, new) == [
        ("owner", "traffic_analyst", "someone"),
        ("measure.expr", "free_flow_speed_kmh / speed_kmh", "x"),
        ("measure.agg", "avg", "median"),
        ("direction", "", "lower_is_better"),
    ]


def monthly(to: str, *values: float | None) -> dict[str, Any]:
    return {"to": to, "rows": [{"period": f"2025-{i + 1:02d}", "value": v} for i, v in enumerate(values)]}


@pytest.mark.parametrize(
    ("result", "through", "snapshot", "expected"),
    [
        (monthly("2025-12-31", *[1.0] * 11, 2.0), None, False, "2025-12"),
        (monthly("2025-12-31", *[1.0] * 11, 2.0), "2025-12-15", False, "2025-11"),
        (monthly("2025-12-31", *[1.0] * 11, 2.0), "2025-12-31", False, "2025-12"),
        (monthly("2025-12-31", *[1.0] * 11, 2.0), "2025-12-15", True, "2025-12"),
        (monthly("2025-12-31", 1.0, 2.0, None), None, False, "2025-02"),
        (monthly("2025-01-31", 1.0), "2025-01-10", False, None),
        ({"to": "2025-12-31", "rows": []}, None, False, None),
        ({"to": "2025-12-31", "rows": [{"period": "2025-01-01..2025-12-31", "value": 3.0}]}, None, False, "2025-01-01..2025-12-31"),
        (
            {"to": "2025-12-31", "rows": [{"period": "2025-12-31 22:00", "value": 3.0}, {"period": "2025-12-31 23:00", "value": 4.0}]},
            None,
            False,
            "2025-12-31 23:00",
        ),
        (monthly("not a date", 1.0, 2.0), None, False, "2025-02"),
    ],
)
def test_latest_complete(result: dict[str, Any], through: str | None, snapshot: bool, expected: str | None) -> None:
    row = describe.latest_complete(result, through, snapshot)
    assert (row or {}).get("period") == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("拥堵", True),
        ("congestion", True),
        ("CONGESTION INDEX", True),
        ("traffic jam", True),
        ("traffic.congestion", True),
        ("行程时间", True),
        ("拥堵 index", True),
        ("", True),
        ("投诉", False),
        ("congestion speed", False),
    ],
)
def test_matches(query: str, expected: bool) -> None:
    ind = indicator({**CONGESTION, "synonyms": ["堵车", "traffic jam", "行程时间指数"]})
    assert describe.matches(ind, query) is expected


@pytest.mark.parametrize(
    ("data", "columns", "inputs"),
    [
        (CONGESTION, ["free_flow_speed_kmh", "speed_kmh", "road_class", "observed_at", "district"], []),
        (RATIO, ["submitted_at", "decided_at"], []),
        (DERIVED, [], ["traffic.congestion_index"]),
        (YTD, [], ["traffic.volume"]),
    ],
)
def test_lineage_columns_and_inputs(data: dict[str, Any], columns: list[str], inputs: list[str]) -> None:
    ind = indicator(data)
    assert (describe.columns_used(ind) if ind.dataset else [], describe.input_refs(ind)) == (columns, inputs)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2024-01", True),
        ("2024-12", True),
        ("2025-01", False),
        ("2024", True),
        ("2024-Q4", True),
        ("2023-12", False),
        ("2024-W01", True),
        ("2024-12-31", True),
        ("2024-01-01..2024-12-31", False),
    ],
)
def test_within_the_baseline(label: str, expected: bool) -> None:
    assert describe.within(label, "2024-01-01", "2024-12-31") is expected
