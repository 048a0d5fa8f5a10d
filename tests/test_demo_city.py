"""Demo City generator: determinism, exact schemas, data validity and the stories the demo boards tell."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from demo.city import DATASETS, DEPARTMENTS, DISTRICTS, REFORM_DATE, SIGNAL_DISTRICT, SIGNAL_GO_LIVE, generate

DISTRICT_NAMES = {d.name_zh for d in DISTRICTS}
HOURS = (365 + 366) * 24
TS = pa.timestamp("us")
STRING = pa.string()
INT = pa.int64()
FLOAT = pa.float64()
BOOL = pa.bool_()
DATE = pa.date32()


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return generate()


@pytest.fixture(scope="module")
def con(tables: dict[str, pa.Table]) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    for name, table in tables.items():
        connection.register(name, table)
    yield connection
    connection.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> tuple[Any, ...]:
    """The single row a query returns."""
    (row,) = con.execute(sql, params or []).fetchall()
    return tuple(row)


def test_same_seed_and_scale_give_identical_tables(tables: dict[str, pa.Table]) -> None:
    again = generate()
    assert list(again) == list(tables)
    assert {name: again[name].equals(table) for name, table in tables.items()} == dict.fromkeys(tables, True)


def test_another_seed_changes_every_random_dataset() -> None:
    first, second = generate(scale=0.2, seed=1), generate(scale=0.2, seed=2)
    assert {name: first[name].equals(second[name]) for name in first} == {spec.id: spec.id == "district_population" for spec in DATASETS}


def test_half_scale_has_fewer_rows_where_rows_scale(tables: dict[str, pa.Table]) -> None:
    half = generate(scale=0.5)
    fixed = {"air_quality_hourly", "air_quality_daily", "district_population"}
    assert {name: half[name].num_rows < table.num_rows for name, table in tables.items()} == {name: name not in fixed for name in tables}


def test_row_counts_at_scale_one(tables: dict[str, pa.Table]) -> None:
    assert {name: table.num_rows for name, table in tables.items()} == {
        "traffic_segment_speeds": 8 * 4 * HOURS,
        "gov_service_applications": 150_000,
        "hotline_tickets": 250_000,
        "citizen_survey": 40_000,
        "air_quality_hourly": 8 * HOURS,
        "air_quality_daily": 8 * 731,
        "parking_occupancy": 8 * 3 * HOURS,
        "emergency_incidents": 60_000,
        "district_population": 16,
    }


def test_catalogue_is_consistent() -> None:
    assert [d.code for d in DEPARTMENTS] == [
        "traffic",
        "gov_services",
        "hotline",
        "environment",
        "urban_management",
        "emergency",
        "statistics",
    ]
    assert {spec.department for spec in DATASETS} <= {d.code for d in DEPARTMENTS}
    assert [d.name_zh for d in DISTRICTS] == ["东城区", "西城区", "南湖区", "北苑区", "江滨区", "高新区", "临港区", "青山区"]
    assert all(2 <= len(d.streets) <= 3 and 300_000 <= d.population_2024 <= 1_200_000 for d in DISTRICTS)
    assert SIGNAL_DISTRICT in DISTRICT_NAMES


def test_schemas_are_exact(tables: dict[str, pa.Table]) -> None:
    expected = {
        "traffic_segment_speeds": [
            ("observed_at", TS),
            ("district", STRING),
            ("segment_id", STRING),
            ("road_name", STRING),
            ("road_class", STRING),
            ("speed_kmh", FLOAT),
            ("free_flow_speed_kmh", FLOAT),
            ("travel_time_index", FLOAT),
            ("volume", INT),
        ],
        "gov_service_applications": [
            ("application_id", STRING),
            ("submitted_at", TS),
            ("decided_at", TS),
            ("district", STRING),
            ("item", STRING),
            ("channel", STRING),
            ("statutory_limit_days", INT),
            ("visits", INT),
            ("status", STRING),
            ("applicant_name", STRING),
            ("applicant_id_card", STRING),
            ("applicant_phone", STRING),
        ],
        "hotline_tickets": [
            ("ticket_id", STRING),
            ("created_at", TS),
            ("closed_at", TS),
            ("district", STRING),
            ("street", STRING),
            ("category", STRING),
            ("is_complaint", BOOL),
            ("is_repeat", BOOL),
            ("sla_hours", INT),
            ("satisfaction", INT),
            ("caller_phone", STRING),
        ],
        "citizen_survey": [
            ("response_id", STRING),
            ("surveyed_on", DATE),
            ("district", STRING),
            ("age_group", STRING),
            ("topic", STRING),
            ("score", INT),
        ],
        "air_quality_hourly": [
            ("observed_at", TS),
            ("station", STRING),
            ("district", STRING),
            ("pm25", FLOAT),
            ("pm10", FLOAT),
            ("no2", FLOAT),
        ],
        "air_quality_daily": [
            ("observed_on", DATE),
            ("station", STRING),
            ("district", STRING),
            ("pm25_avg", FLOAT),
            ("aqi", INT),
            ("good_day", BOOL),
        ],
        "parking_occupancy": [("observed_at", TS), ("garage", STRING), ("district", STRING), ("capacity", INT), ("occupied", INT)],
        "emergency_incidents": [
            ("incident_id", STRING),
            ("reported_at", TS),
            ("dispatched_at", TS),
            ("arrived_at", TS),
            ("district", STRING),
            ("incident_type", STRING),
            ("priority", INT),
            ("response_minutes", FLOAT),
        ],
        "district_population": [("year", INT), ("as_of", pa.date32()), ("district", STRING), ("population", INT)],
    }
    assert [spec.id for spec in DATASETS] == list(expected)
    assert {name: [(f.name, f.type) for f in table.schema] for name, table in tables.items()} == expected


def test_every_district_column_holds_all_eight_names_and_nothing_else(tables: dict[str, pa.Table]) -> None:
    assert {name: set(table.column("district").unique().to_pylist()) for name, table in tables.items()} == dict.fromkeys(
        tables, DISTRICT_NAMES
    )


def test_time_columns_stay_inside_2024_and_2025(con: duckdb.DuckDBPyConnection) -> None:
    assert one(
        con,
        """
        select min(t), max(t)::date from (
            select observed_at as t from traffic_segment_speeds union all select submitted_at from gov_service_applications
            union all select created_at from hotline_tickets union all select observed_at from air_quality_hourly
            union all select observed_at from parking_occupancy union all select reported_at from emergency_incidents
            union all select surveyed_on from citizen_survey union all select observed_on from air_quality_daily)
    """,
    ) == (datetime.datetime(2024, 1, 1), datetime.date(2025, 12, 31))


@pytest.mark.parametrize(
    ("dataset", "column"),
    [
        ("gov_service_applications", "application_id"),
        ("hotline_tickets", "ticket_id"),
        ("citizen_survey", "response_id"),
        ("emergency_incidents", "incident_id"),
    ],
)
def test_ids_are_unique(con: duckdb.DuckDBPyConnection, dataset: str, column: str) -> None:
    total, distinct = one(con, f"select count(*), count(distinct {column}) from {dataset}")
    assert total == distinct


def test_signal_district_congestion_falls_after_go_live_and_elsewhere_barely_moves(con: duckdb.DuckDBPyConnection) -> None:
    before_from = SIGNAL_GO_LIVE.replace(year=2024)
    rows = con.execute(
        """
        select district,
               avg(travel_time_index) filter (where observed_at >= ? and observed_at < ?)
               / avg(travel_time_index) filter (where observed_at >= ? and observed_at < ?) - 1 as change
        from traffic_segment_speeds group by district
    """,
        [SIGNAL_GO_LIVE, datetime.date(2026, 1, 1), before_from, datetime.date(2025, 1, 1)],
    ).fetchall()
    change = dict(rows)
    assert {d: (c <= -0.12 if d == SIGNAL_DISTRICT else abs(c) < 0.03) for d, c in change.items()} == dict.fromkeys(DISTRICT_NAMES, True)


def test_traffic_has_rush_hours_and_lighter_weekends(con: duckdb.DuckDBPyConnection) -> None:
    night, morning, evening, weekend_evening = one(
        con,
        """
        select avg(travel_time_index) filter (where hour(observed_at) = 3),
               avg(travel_time_index) filter (where hour(observed_at) = 8 and isodow(observed_at) <= 5),
               avg(travel_time_index) filter (where hour(observed_at) = 18 and isodow(observed_at) <= 5),
               avg(travel_time_index) filter (where hour(observed_at) = 18 and isodow(observed_at) >= 6)
        from traffic_segment_speeds
    """,
    )
    assert night < 1.1 < 1.3 < min(morning, evening)
    assert weekend_evening < evening
    assert one(
        con,
        """
        select count(*) from traffic_segment_speeds where abs(travel_time_index - free_flow_speed_kmh / speed_kmh) > 1e-12
    """,
    ) == (0,)


def test_reform_cuts_decision_time_and_visits(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """
        select submitted_at >= ? as after,
               avg(epoch(decided_at - submitted_at)) as seconds,
               avg((epoch(decided_at - submitted_at) <= statutory_limit_days * 86400)::int) as on_time,
               avg((visits = 1)::int) as one_visit
        from gov_service_applications where decided_at is not null group by all order by after
    """,
        [REFORM_DATE],
    ).fetchall()
    (_, before_s, before_on_time, before_one), (_, after_s, after_on_time, after_one) = rows
    assert after_s <= 0.7 * before_s
    assert after_on_time > before_on_time + 0.1
    assert after_one > before_one + 0.1


def test_application_outcomes_are_consistent(con: duckdb.DuckDBPyConnection) -> None:
    bad, pending_share, limits = one(
        con,
        """
        select count(*) filter (where (decided_at is null) <> (status = 'pending') or decided_at <= submitted_at
                                   or visits not between 1 and 4 or statutory_limit_days not between 1 and 20),
               avg((status = 'pending')::int),
               count(distinct item)
        from gov_service_applications
    """,
    )
    assert bad == 0
    assert 0.01 < pending_share < 0.03
    assert limits == 12


def test_id_cards_have_valid_dates_and_check_characters(tables: dict[str, pa.Table]) -> None:
    ids = tables["gov_service_applications"].column("applicant_id_card").to_pylist()
    chars = np.frombuffer("".join(ids).encode("ascii"), dtype=np.uint8).reshape(len(ids), 18)
    digits = chars[:, :17] - ord("0")
    assert ((digits >= 0) & (digits <= 9)).all()
    weights = np.array([2 ** (17 - i) % 11 for i in range(17)])
    expected = np.frombuffer(b"10X98765432", dtype=np.uint8)[(digits * weights).sum(axis=1) % 11]
    assert (chars[:, 17] == expected).all()
    assert (chars[:, 17] == ord("X")).any()
    births = pd.to_datetime(pd.Series([s[6:14] for s in ids]), format="%Y%m%d", errors="raise")
    assert births.between("1900-01-01", "2006-12-31").all()
    assert set(np.unique(digits[:, 0]).tolist()) <= {1, 2, 3, 4, 5, 6}


def test_phones_are_mainland_mobile_numbers(con: duckdb.DuckDBPyConnection) -> None:
    assert one(
        con,
        r"""
        select (select count(*) from gov_service_applications where not regexp_full_match(applicant_phone, '1[3-9]\d{9}')),
               (select count(*) from hotline_tickets where not regexp_full_match(caller_phone, '1[3-9]\d{9}'))
    """,
    ) == (0, 0)


def test_ticket_streets_belong_to_their_district(con: duckdb.DuckDBPyConnection) -> None:
    pairs = pd.DataFrame([(d.name_zh, s.name_zh) for d in DISTRICTS for s in d.streets], columns=["district", "street"])
    con.register("street_pairs", pairs)
    assert one(con, "select count(*) from hotline_tickets t anti join street_pairs p using (district, street)") == (0,)
    assert one(con, "select count(distinct street) from hotline_tickets") == (len(pairs),)


def test_ticket_shares_match_the_brief(con: duckdb.DuckDBPyConnection) -> None:
    complaint, repeat, still_open, unanswered, categories, bad = one(
        con,
        """
        select avg(is_complaint::int), avg(is_repeat::int), avg((closed_at is null)::int), avg((satisfaction is null)::int),
               count(distinct category),
               count(*) filter (where closed_at <= created_at or satisfaction not between 1 and 5 or sla_hours not in (24, 48, 72, 120))
        from hotline_tickets
    """,
    )
    assert (0.35 < complaint < 0.45, 0.08 <= repeat <= 0.12, 0.02 < still_open < 0.04, 0.27 < unanswered < 0.33) == (True,) * 4
    assert (categories, bad) == (10, 0)


def test_denser_districts_call_the_hotline_more(con: duckdb.DuckDBPyConnection) -> None:
    ranked = [row[0] for row in con.execute("select district from hotline_tickets group by all order by count(*) desc").fetchall()]
    assert (ranked[:3], ranked[-1]) == (["南湖区", "东城区", "西城区"], "青山区")


def test_survey_scores_improve(con: duckdb.DuckDBPyConnection) -> None:
    by_year = dict(con.execute("select year(surveyed_on), avg(score) from citizen_survey group by all").fetchall())
    assert 0.05 < by_year[2025] - by_year[2024] < 0.5
    assert one(con, "select min(score), max(score) from citizen_survey") == (1, 5)


def test_daily_air_quality_is_the_aggregate_of_the_hourly_table(con: duckdb.DuckDBPyConnection) -> None:
    mismatches = one(
        con,
        """
        with recomputed as (
            select observed_at::date as observed_on, station, any_value(district) as district, avg(pm25) as pm25_avg
            from air_quality_hourly group by all
        ), iaqi as (
            select *, case
                when pm25_avg <= 35 then pm25_avg * 50 / 35
                when pm25_avg <= 75 then 50 + (pm25_avg - 35) * 50 / 40
                when pm25_avg <= 115 then 100 + (pm25_avg - 75) * 50 / 40
                when pm25_avg <= 150 then 150 + (pm25_avg - 115) * 50 / 35
                when pm25_avg <= 250 then 200 + (pm25_avg - 150)
                when pm25_avg <= 350 then 300 + (pm25_avg - 250)
                when pm25_avg <= 500 then 400 + (pm25_avg - 350) * 100 / 150
                else 500 end as expected_aqi
            from air_quality_daily
        )
        select count(*) filter (where r.observed_on is null or d.observed_on is null or r.district <> d.district
                                   or abs(r.pm25_avg - d.pm25_avg) > 1e-9),
               count(*) filter (where abs(d.aqi - d.expected_aqi) > 0.5 + 1e-9 or d.good_day <> (d.aqi <= 100)),
               count(*)
        from recomputed r full join iaqi d using (observed_on, station)
    """,
    )
    assert mismatches == (0, 0, 8 * 731)


def test_air_quality_is_worse_in_winter_with_about_one_percent_gaps(con: duckdb.DuckDBPyConnection) -> None:
    winter, summer, missing = one(
        con,
        """
        select avg(pm25) filter (where month(observed_at) in (12, 1, 2)), avg(pm25) filter (where month(observed_at) in (6, 7, 8)),
               avg((pm25 is null)::int)
        from air_quality_hourly
    """,
    )
    assert winter > 1.5 * summer
    assert 0.005 < missing < 0.015


def test_parking_stays_within_capacity_except_a_few_dirty_rows(con: duckdb.DuckDBPyConnection) -> None:
    garages, over_share, negative, bad_capacity = one(
        con,
        """
        select count(distinct garage), avg((occupied > capacity)::int), count(*) filter (where occupied < 0),
               count(*) filter (where capacity not between 200 and 1200)
        from parking_occupancy
    """,
    )
    assert (garages, negative, bad_capacity) == (24, 0, 0)
    assert 0.0003 < over_share < 0.003


def test_population_matches_districts(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("select year, district, population from district_population order by year, district").fetchall()
    expected = sorted([(2024, d.name_zh, d.population_2024) for d in DISTRICTS] + [(2025, d.name_zh, d.population_2025) for d in DISTRICTS])
    assert rows == expected


def test_response_minutes_is_arrival_minus_report(con: duckdb.DuckDBPyConnection) -> None:
    bad, median, p90 = one(
        con,
        """
        select count(*) filter (where abs(epoch_us(arrived_at - reported_at) / 60e6 - response_minutes) > 1e-9
                                   or not (reported_at < dispatched_at and dispatched_at < arrived_at)
                                   or priority not between 1 and 3),
               median(response_minutes), quantile_cont(response_minutes, 0.9)
        from emergency_incidents
    """,
    )
    assert bad == 0
    assert (9 < median < 13, 18 < p90 < 26) == (True, True)
