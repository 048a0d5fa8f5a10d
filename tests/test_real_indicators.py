"""Indicators defined through the API over real city data, each equal to an independent DuckDB computation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from tests.conftest import REAL_DATA, Web, make_settings, need, seed_directory

FILES = {
    "la311": "la_myla311_service_requests_2017_subset.csv",
    "permits": "sf_building_permits_extract.csv",
    "nyc": "nyc_automated_traffic_volume_counts_2024_extract.csv",
    "air": "beijing_multisite_air_quality_2013_2017.csv",
    "parking": "aarhus_parking_garages_2014.csv",
}
US = "'%m/%d/%Y %I:%M:%S %p'"


def definition(
    ident: str, zh: str, en: str, dataset: str, time: str, dims: list[str], unit: str, direction: str, **fields: Any
) -> dict[str, Any]:
    return {
        "id": f"traffic.{ident}",
        "name": {"zh": zh, "en": en},
        "department": "traffic",
        "owner": "traffic_analyst",
        "dataset": dataset,
        "time": {"column": time, "grains": ["day", "week", "month", "quarter", "year"]},
        "dimensions": dims,
        "unit": unit,
        "direction": direction,
        "decimals": 4,
        **fields,
    }


DEFINITIONS = [
    definition(
        "la311_closure_hours_median",
        "311 办结时长中位数",
        "311 median closure hours",
        "la311",
        "createddate",
        ["requestsource", "requesttype"],
        "hours",
        "lower_is_better",
        type="simple",
        measure={"expr": "date_diff('second', createddate, closeddate) / 3600.0", "agg": "median"},
        filters=["closeddate is not null", "closeddate >= createddate"],
    ),
    definition(
        "la311_within_72h",
        "311 三日内办结率",
        "311 closed within 72 hours",
        "la311",
        "createddate",
        ["requesttype"],
        "%",
        "higher_is_better",
        type="ratio",
        numerator={
            "expr": "case when closeddate is not null and date_diff('second', createddate, closeddate) <= 72 * 3600 then 1 else 0 end",
            "agg": "sum",
        },
        denominator={"expr": "1", "agg": "sum"},
        scale=100,
    ),
    definition(
        "permit_issue_days_median",
        "许可发放天数中位数",
        "Median days to issue a permit",
        "permits",
        "filed_date",
        ["permit_type_definition"],
        "days",
        "lower_is_better",
        type="simple",
        measure={"expr": "date_diff('day', filed_date, issued_date)", "agg": "median"},
        filters=["issued_date is not null", "issued_date >= filed_date"],
    ),
    definition(
        "nyc_northbound_share",
        "北向车流占比",
        "Northbound share of volume",
        "nyc",
        "observed_at",
        ["boro"],
        "%",
        "higher_is_better",
        type="ratio",
        numerator={"expr": "case when direction = 'NB' then vol else 0 end", "agg": "sum"},
        denominator={"expr": "vol", "agg": "sum"},
        scale=100,
    ),
    definition(
        "beijing_pm25",
        "北京 PM2.5",
        "Beijing PM2.5",
        "air",
        "observed_at",
        ["station"],
        "µg/m³",
        "lower_is_better",
        type="simple",
        measure={"expr": "pm2_5", "agg": "avg"},
    ),
    definition(
        "aarhus_occupancy",
        "奥胡斯停车占用率",
        "Aarhus parking occupancy",
        "parking",
        "updatetime",
        ["garagecode"],
        "%",
        "higher_is_better",
        type="ratio",
        numerator={"expr": "vehiclecount", "agg": "sum"},
        denominator={"expr": "totalspaces", "agg": "sum"},
        scale=100,
    ),
    definition(
        "aarhus_parked_last",
        "奥胡斯日末在停车辆",
        "Aarhus vehicles parked at day's last reading",
        "parking",
        "updatetime",
        ["garagecode"],
        "vehicles",
        "higher_is_better",
        type="snapshot",
        measure={"expr": "vehiclecount", "agg": "sum"},
        snapshot={"choose": "last"},
    ),
]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    need(all((REAL_DATA / f).exists() for f in FILES.values()), "real datasets missing")
    from access.actor import SYSTEM
    from app import create_app
    from datasets.importer import ImportRequest

    app = create_app(make_settings(tmp_path_factory.mktemp("real-indicators") / "instance"))
    rt = app.server.extensions["city"]
    seed_directory(rt)
    for key, name in FILES.items():
        rt.importer.import_file(SYSTEM, REAL_DATA / name, name, ImportRequest(name=key, department="traffic", dataset_id=key))
    yield Web(app, rt)
    rt.close()


@pytest.fixture(scope="module")
def analyst(web: Web) -> Any:
    client = web.client("traffic_analyst")
    from tests.conftest import csrf_header

    headers = csrf_header(client)
    for data in DEFINITIONS:
        created = client.post("/api/v1/indicators", json=data, headers=headers)
        assert created.status_code == 201, created.json
        assert created.json["status"] == "draft" and created.json["version"] == 1
    return client


def raw(key: str, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE f AS SELECT * FROM read_csv('{REAL_DATA / FILES[key]}', all_varchar=true, header=true)")
    return con.execute(sql).fetchall()


def api_rows(client: Any, ident: str, **args: str) -> list[tuple[Any, ...]]:
    response = client.get(f"/api/v1/indicators/traffic.{ident}/values", query_string=args)
    assert response.status_code == 200, response.json
    body = response.json
    return [(r["period"], *[r[d] for d in body["by"]], r["value"]) for r in body["rows"]]


def rounded(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(*r[:-1], None if r[-1] is None else round(float(r[-1]), 4)) for r in rows]


def test_duration_median_by_source_per_day(analyst: Any) -> None:
    expected = raw(
        "la311",
        f"""
        SELECT strftime(CAST(strptime(CreatedDate, {US}) AS DATE), '%Y-%m-%d') AS d, RequestSource,
               median(epoch(strptime(ClosedDate, {US}) - strptime(CreatedDate, {US})) / 3600.0)
        FROM f WHERE ClosedDate IS NOT NULL AND strptime(ClosedDate, {US}) >= strptime(CreatedDate, {US})
          AND strptime(CreatedDate, {US}) >= DATE '2017-12-27' AND strptime(CreatedDate, {US}) < DATE '2018-01-01'
        GROUP BY ALL ORDER BY 1, 2""",
    )
    got = api_rows(analyst, "la311_closure_hours_median", grain="day", **{"from": "2017-12-27", "to": "2017-12-31"}, by="requestsource")
    assert [r for r in got if r[-1] is not None] == rounded(expected)
    # the time spine: every day for every source present in the range; a day without requests is null, not dropped
    sources = {r[1] for r in expected}
    assert len(got) == 5 * len(sources) and len(expected) > 20


def test_within_sla_share_by_type_for_the_whole_range(analyst: Any) -> None:
    expected = raw(
        "la311",
        f"""
        SELECT '2017-12-27..2017-12-31', RequestType,
               100.0 * sum(CASE WHEN ClosedDate IS NOT NULL AND epoch(strptime(ClosedDate, {US}) - strptime(CreatedDate, {US})) <= 72 * 3600 THEN 1 ELSE 0 END) / count(*)
        FROM f GROUP BY ALL ORDER BY 2""",
    )
    assert api_rows(analyst, "la311_within_72h", grain="all", **{"from": "2017-12-27", "to": "2017-12-31"}, by="requesttype") == rounded(
        expected
    )


def test_permit_issue_days_median_by_year(analyst: Any) -> None:
    fmt = "'%m/%d/%Y %I:%M:%S %p'"
    expected = raw(
        "permits",
        f"""
        SELECT CAST(year(strptime("Filed Date", {fmt})) AS VARCHAR), median(date_diff('day', strptime("Filed Date", {fmt}), strptime("Issued Date", {fmt})))
        FROM f WHERE "Issued Date" IS NOT NULL AND strptime("Issued Date", {fmt}) >= strptime("Filed Date", {fmt})
          AND strptime("Filed Date", {fmt}) >= DATE '2015-01-01' AND strptime("Filed Date", {fmt}) < DATE '2019-01-01'
        GROUP BY 1 ORDER BY 1""",
    )
    assert api_rows(analyst, "permit_issue_days_median", grain="year", **{"from": "2015-01-01", "to": "2018-12-31"}) == rounded(expected)


def test_ratio_across_a_dimension_on_date_parts(analyst: Any) -> None:
    expected = raw(
        "nyc",
        """
        SELECT strftime(make_date(CAST(Yr AS INT), CAST(M AS INT), 1), '%Y-%m'), Boro,
               100.0 * sum(CASE WHEN Direction = 'NB' THEN CAST(replace(Vol, ',', '') AS BIGINT) ELSE 0 END) / sum(CAST(replace(Vol, ',', '') AS BIGINT))
        FROM f GROUP BY ALL ORDER BY 1, 2""",
    )
    got = api_rows(analyst, "nyc_northbound_share", grain="month", **{"from": "2024-01-01", "to": "2024-12-31"}, by="boro")
    assert [r for r in got if r[-1] is not None] == rounded(expected)


def test_air_quality_mean_by_station_and_month(analyst: Any) -> None:
    expected = raw(
        "air",
        """
        SELECT strftime(make_date(CAST(year AS INT), CAST(month AS INT), 1), '%Y-%m'), station, avg(TRY_CAST(NULLIF("PM2.5", 'NA') AS DOUBLE))
        FROM f WHERE CAST(year AS INT) = 2016 AND CAST(month AS INT) <= 3 GROUP BY ALL ORDER BY 1, 2""",
    )
    assert api_rows(analyst, "beijing_pm25", grain="month", **{"from": "2016-01-01", "to": "2016-03-31"}, by="station") == rounded(expected)


def test_occupancy_ratio_is_aggregated_part_by_part(analyst: Any) -> None:
    expected = raw(
        "parking",
        """
        SELECT strftime(CAST(updatetime AS TIMESTAMP), '%Y-%m'), garagecode, 100.0 * sum(CAST(vehiclecount AS INT)) / sum(CAST(totalspaces AS INT))
        FROM f WHERE CAST(updatetime AS TIMESTAMP) >= DATE '2014-06-01' AND CAST(updatetime AS TIMESTAMP) < DATE '2014-09-01' GROUP BY ALL ORDER BY 1, 2""",
    )
    assert api_rows(analyst, "aarhus_occupancy", grain="month", **{"from": "2014-06-01", "to": "2014-08-31"}, by="garagecode") == rounded(
        expected
    )


def test_snapshot_takes_the_last_reading_of_each_day(analyst: Any) -> None:
    expected = raw(
        "parking",
        """
        WITH t AS (SELECT CAST(updatetime AS TIMESTAMP) ts, garagecode g, sum(CAST(vehiclecount AS INT)) v FROM f GROUP BY ALL)
        SELECT strftime(CAST(ts AS DATE), '%Y-%m-%d'), g, arg_max(v, ts) FROM t
        WHERE ts >= DATE '2014-07-01' AND ts < DATE '2014-07-08' GROUP BY ALL ORDER BY 1, 2""",
    )
    got = api_rows(analyst, "aarhus_parked_last", grain="day", **{"from": "2014-07-01", "to": "2014-07-07"}, by="garagecode")
    assert got == rounded(expected) and len(got) == 7 * 8


def test_drafts_are_certified_by_their_owner_only(web: Web, analyst: Any) -> None:
    from tests.conftest import csrf_header

    staff = web.client("traffic_staff")
    refused = staff.post("/api/v1/indicators/traffic.beijing_pm25/certify", headers=csrf_header(staff))
    assert refused.status_code == 404  # department staff do not even read a draft (issue 11.1)
    certified = analyst.post("/api/v1/indicators/traffic.beijing_pm25/certify", headers=csrf_header(analyst))
    assert (certified.status_code, certified.json["status"]) == (200, "certified")
    other = web.client("hotline_staff").get("/api/v1/indicators/traffic.beijing_pm25")
    assert other.status_code == 404
