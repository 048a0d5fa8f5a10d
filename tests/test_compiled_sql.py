"""Snapshots of compiled SQL: every indicator type and comparison, and a self-service query.

Run with UPDATE_SNAPSHOTS=1 to rewrite the files after an intended change; review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import pytest

from access.policy import DataPolicy, RowScope
from indicators.compiler import Compare, IndicatorCompiler, IndicatorRequest
from indicators.registry import load_catalog
from indicators.spec import Grain
from indicators.sqlparts import Source
from query.selfservice import compile_dataset_query, parse_query
from tests.conftest import ROOT

SNAPSHOTS = ROOT / "tests" / "snapshots"
CATALOG = {i.id: i for i in load_catalog()[0]}
COLUMNS = {
    "traffic_segment_speeds": [
        "observed_at",
        "district",
        "segment_id",
        "road_name",
        "road_class",
        "speed_kmh",
        "free_flow_speed_kmh",
        "travel_time_index",
        "volume",
    ],
    "gov_service_applications": [
        "application_id",
        "submitted_at",
        "decided_at",
        "district",
        "item",
        "channel",
        "statutory_limit_days",
        "visits",
        "status",
    ],
    "hotline_tickets": [
        "ticket_id",
        "created_at",
        "closed_at",
        "district",
        "street",
        "category",
        "is_complaint",
        "is_repeat",
        "sla_hours",
        "satisfaction",
    ],
    "district_population": ["year", "as_of", "district", "population"],
    "parking_occupancy": ["observed_at", "garage", "district", "capacity", "occupied"],
}
SCOPE = DataPolicy((RowScope("district", ("东城区",)),))


def source(dataset: str) -> Source:
    return Source(dataset, "ds", f"{dataset}/v1.duckdb", 1, {c: "text" for c in COLUMNS[dataset]}, SCOPE)


Y2025 = (dt.datetime(2025, 1, 1), dt.datetime(2026, 1, 1))
CASES: list[tuple[str, str, IndicatorRequest]] = [
    ("simple_month_by_district", "traffic.congestion_index", IndicatorRequest(Grain.MONTH, *Y2025, ("district",))),
    (
        "simple_filtered_compare_year_ago",
        "traffic.congestion_index",
        IndicatorRequest(Grain.QUARTER, *Y2025, (), (("road_class", ("arterial",)),), Compare.YEAR_AGO),
    ),
    (
        "ratio_by_channel_compare_previous",
        "services.on_time_rate",
        IndicatorRequest(Grain.MONTH, *Y2025, ("channel",), (), Compare.PREVIOUS),
    ),
    ("ratio_total_compare_baseline", "services.avg_approval_days", IndicatorRequest(None, *Y2025, (), (), Compare.BASELINE)),
    ("snapshot_day", "urban.parked_vehicles", IndicatorRequest(Grain.DAY, dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 8), ("garage",))),
    (
        "cumulative_year_to_date",
        "services.applications_ytd",
        IndicatorRequest(Grain.MONTH, dt.datetime(2025, 4, 1), dt.datetime(2025, 7, 1)),
    ),
    ("derived_against_baseline", "traffic.congestion_reduction", IndicatorRequest(Grain.QUARTER, *Y2025, ("district",))),
    ("derived_with_yearly_input", "hotline.complaint_rate_per_10k", IndicatorRequest(Grain.MONTH, *Y2025, ("district",))),
]


def check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}.sql"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(text, encoding="utf-8")
        if os.environ.get("CI", "").lower() == "true" and os.environ.get("UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"snapshot {path.name} was missing; it has been written, commit it")
    assert text == path.read_text(encoding="utf-8"), f"compiled SQL of {name} changed; if intended, run with UPDATE_SNAPSHOTS=1"


def render(sql: str, params: dict[str, Any]) -> str:
    shown = {
        k: v.isoformat() if hasattr(v, "isoformat") else ([x.isoformat() for x in v] if isinstance(v, list) else v)
        for k, v in params.items()
    }
    return sql.replace(" WITH ", "\nWITH ").replace("), ", "),\n") + "\n-- params: " + json.dumps(shown, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(("name", "indicator", "request_"), CASES, ids=[c[0] for c in CASES])
def test_indicator_sql(name: str, indicator: str, request_: IndicatorRequest) -> None:
    compiled = IndicatorCompiler(indicator=CATALOG.__getitem__, source=source).compile(CATALOG[indicator], request_)
    check_snapshot(name, render(compiled.sql, compiled.params))


def test_self_service_sql() -> None:
    query = parse_query(
        {
            "dataset": "hotline_tickets",
            "measures": [{"expr": "date_diff('hour', created_at, closed_at)", "agg": "p90", "as": "p90_hours"}],
            "dimensions": ["category"],
            "time": {"column": "created_at", "grain": "week", "from": "2025-01-01", "to": "2025-03-31"},
            "filters": [{"column": "street", "op": "like", "value": "东华_%"}, {"column": "category", "op": "not_in", "value": ["其他"]}],
            "order_by": ["-p90_hours"],
            "limit": 50,
        },
        1000,
    )
    src = Source(
        "hotline_tickets",
        "ds",
        "h/v1.duckdb",
        1,
        {**{c: "text" for c in COLUMNS["hotline_tickets"]}, "created_at": "timestamp", "closed_at": "timestamp"},
        SCOPE,
    )
    compiled = compile_dataset_query(query, src)
    check_snapshot("self_service_week_like_not_in", render(compiled.sql, compiled.params))
