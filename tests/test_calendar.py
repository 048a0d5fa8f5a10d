"""Calendar correctness: ISO weeks across the year boundary (2025/2026, and 2020/2021 where 2020 has 53 weeks),
year-to-date at week grain, a year ago at week grain, and changes of percent indicators in percentage points.

Two small datasets of daily counts are imported through the real importer; indicators over them are defined
through the API and read through GET /api/v1/indicators/{id}/values. Every expectation is an independent DuckDB
query over the same CSV with the ISO week bounds written out by hand (2026-W01 is 2025-12-29 … 2026-01-04,
2020-W53 is 2020-12-28 … 2021-01-03, 2020-W01 is 2019-12-30 … 2020-01-05).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import Web, csrf_header, make_settings, seed_directory

DISTRICTS = ("东城区", "西城区")


def write_counts(path: Path, first: dt.date, last: dt.date) -> Path:
    """One row per day and district; the count varies with the day so that every window sums differently."""
    lines = ["day,district,n"]
    day = first
    while day <= last:
        for k, district in enumerate(DISTRICTS):
            lines.append(f"{day.isoformat()},{district},{(day.toordinal() * 7 + k * 13) % 97 + 1}")
        day += dt.timedelta(days=1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def definitions(dataset: str) -> list[dict[str, Any]]:
    common = {"department": "traffic", "owner": "traffic_analyst", "dimensions": ["district"], "unit": "count", "decimals": 0}
    return [
        {
            "id": f"traffic.{dataset}_n",
            "name": {"zh": f"{dataset} 计数", "en": f"{dataset} count"},
            "type": "simple",
            "dataset": dataset,
            "measure": {"expr": "n", "agg": "sum"},
            "time": {"column": "day", "grains": ["day", "week", "month", "quarter", "year"]},
            "direction": "higher_is_better",
            "targets": [{"period": "2020", "value": 50}, {"period": "2021", "value": 60}, {"period": "2025", "value": 100}],
            **common,
        },
        {
            "id": f"traffic.{dataset}_busy_share",
            "name": {"zh": f"{dataset} 繁忙日占比", "en": f"{dataset} busy-day share"},
            "type": "ratio",
            "dataset": dataset,
            "numerator": {"expr": "case when n > 50 then 1 else 0 end", "agg": "sum"},
            "denominator": {"expr": "1", "agg": "sum"},
            "scale": 100,
            "time": {"column": "day", "grains": ["day", "week", "month", "quarter", "year"]},
            "direction": "higher_is_better",
            **{**common, "unit": "%", "decimals": 1},
        },
        {
            "id": f"traffic.{dataset}_ytd",
            "name": {"zh": f"{dataset} 年累计", "en": f"{dataset} year to date"},
            "type": "cumulative",
            "input": f"traffic.{dataset}_n",
            "window": {"grain_to_date": "year"},
            "direction": "higher_is_better",
            **common,
        },
    ]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("calendar-data")
    return {
        # data that ends on 31 December 2025, a Wednesday of ISO week 2026-W01: "today" for the city
        "upto2025": write_counts(folder / "upto2025.csv", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        # December 2019 to mid-January 2021: ISO year 2020 has 53 weeks
        "span2020": write_counts(folder / "span2020.csv", dt.date(2019, 12, 1), dt.date(2021, 1, 17)),
    }


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, files: dict[str, Path]) -> Iterator[Web]:
    from access.actor import SYSTEM
    from app import create_app
    from datasets.importer import ImportRequest

    app = create_app(make_settings(tmp_path_factory.mktemp("calendar") / "instance"))
    rt = app.server.extensions["city"]
    seed_directory(rt)
    for key, path in files.items():
        rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name=key, department="traffic", dataset_id=key))
    yield Web(app, rt)
    rt.close()


@pytest.fixture(scope="module")
def analyst(web: Web) -> Any:
    client = web.client("traffic_analyst")
    headers = csrf_header(client)
    for dataset in ("upto2025", "span2020"):
        for data in definitions(dataset):
            created = client.post("/api/v1/indicators", json=data, headers=headers)
            assert created.status_code == 201, created.json
    return client


def truth(path: Path, sql: str) -> Any:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE f AS SELECT CAST(day AS DATE) AS day, district, CAST(n AS BIGINT) AS n FROM read_csv('{path}', header=true)")
    return con.execute(sql).fetchone()[0]  # type: ignore[index]


def rows(client: Any, ident: str, **args: str) -> dict[str, dict[str, Any]]:
    response = client.get(f"/api/v1/indicators/traffic.{ident}/values", query_string=args)
    assert response.status_code == 200, response.json
    return {r["period"]: r for r in response.json["rows"]}


def total(path: Path, first: str, last: str) -> float:
    """The sum over [first, last] of what the analyst may see: the district column follows their area, 东城区."""
    return float(truth(path, f"SELECT sum(n) FROM f WHERE district = '东城区' AND day BETWEEN DATE '{first}' AND DATE '{last}'"))


def test_the_week_that_opens_2026_keeps_the_2025_total_when_the_data_ends_on_31_december(analyst: Any, files: dict[str, Path]) -> None:
    got = rows(analyst, "upto2025_ytd", grain="week", **{"from": "2025-12-01", "to": "2025-12-31"})
    assert list(got) == ["2025-W49", "2025-W50", "2025-W51", "2025-W52", "2026-W01"]
    year = total(files["upto2025"], "2025-01-01", "2025-12-31")
    assert got["2026-W01"]["value"] == year, "year to date on 31 December is the whole year, not the three days of ISO 2026"
    assert got["2025-W52"]["value"] == total(files["upto2025"], "2025-01-01", "2025-12-28")
    assert got["2026-W01"]["value"] > got["2025-W52"]["value"]


def test_year_to_date_at_week_grain_follows_the_calendar_year_of_each_weeks_last_day(analyst: Any, files: dict[str, Path]) -> None:
    got = rows(analyst, "span2020_ytd", grain="week", **{"from": "2019-12-23", "to": "2021-01-17"})
    path = files["span2020"]
    assert "2020-W53" in got and "2021-W01" in got and "2020-W01" in got
    assert got["2020-W01"]["value"] == total(path, "2020-01-01", "2020-01-05"), "2020-W01 starts on 30 December 2019"
    assert got["2020-W52"]["value"] == total(path, "2020-01-01", "2020-12-27")
    assert got["2020-W53"]["value"] == total(path, "2021-01-01", "2021-01-03"), "2020-W53 ends on Sunday 3 January 2021"
    assert got["2021-W01"]["value"] == total(path, "2021-01-01", "2021-01-10")
    by_month = rows(analyst, "span2020_ytd", grain="month", **{"from": "2020-12-01", "to": "2020-12-31"})
    assert by_month["2020-12"]["value"] == total(path, "2020-01-01", "2020-12-31")


def test_a_year_ago_at_week_grain_is_the_same_iso_week_of_the_previous_year(analyst: Any, files: dict[str, Path]) -> None:
    got = rows(analyst, "span2020_n", grain="week", compare="year_ago", **{"from": "2020-12-21", "to": "2021-01-17"})
    path = files["span2020"]
    assert list(got) == ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]
    assert got["2021-W01"]["value"] == total(path, "2021-01-04", "2021-01-10")
    assert got["2021-W01"]["compare_value"] == total(path, "2019-12-30", "2020-01-05"), "2021-W01 compares with 2020-W01, not 2020-W02"
    assert got["2021-W02"]["compare_value"] == total(path, "2020-01-06", "2020-01-12")
    assert got["2020-W52"]["compare_value"] == total(path, "2019-12-23", "2019-12-29")
    assert got["2020-W53"]["compare_value"] is None, "2019 has no week 53"
    assert got["2020-W53"]["value"] == total(path, "2020-12-28", "2021-01-03")
    alone = rows(analyst, "span2020_n", grain="week", compare="year_ago", **{"from": "2020-12-28", "to": "2021-01-03"})
    assert alone == {"2020-W53": {**alone["2020-W53"], "compare_value": None, "change": None, "change_pct": None}}


def test_a_year_ago_at_day_grain_is_the_same_date_across_a_leap_year(analyst: Any, files: dict[str, Path]) -> None:
    got = rows(analyst, "span2020_n", grain="day", compare="year_ago", **{"from": "2021-01-08", "to": "2021-01-10"})
    path = files["span2020"]
    assert got["2021-01-10"]["compare_value"] == total(path, "2020-01-10", "2020-01-10"), "not 365 days back, which is 2020-01-11"
    assert got["2021-01-08"]["compare_value"] == total(path, "2020-01-08", "2020-01-08")


def test_a_percent_indicator_changes_in_percentage_points_and_other_units_in_percent(analyst: Any, files: dict[str, Path]) -> None:
    from layouts import indicator as page
    from layouts import tiles
    from tests.dashcalls import text

    path = files["span2020"]
    share = "SELECT 100.0 * count(*) FILTER (WHERE n > 50) / count(*) FROM f WHERE district = '东城区' AND strftime(day, '%Y-%m') = '{m}'"
    now, before = truth(path, share.format(m="2021-01")), truth(path, share.format(m="2020-01"))
    points = round(round(now, 1) - round(before, 1), 1)
    assert points != 0
    args = {"grain": "month", "compare": "year_ago", "from": "2021-01-01", "to": "2021-01-31"}
    body = analyst.get("/api/v1/indicators/traffic.span2020_busy_share/values", query_string=args).json
    assert body["change_unit"] == "pp" and body["rows"][0]["change"] == points
    arrow = "▲" if points > 0 else "▼"
    view = {"data": body, "period": "2021-01", "type": "kpi"}
    assert f"{arrow}{abs(points):.1f} 个百分点" in text(tiles.kpi(view, "zh"))
    assert f"{arrow}{abs(points):.1f} pp" in text(tiles.kpi(view, "en"))
    assert "个百分点" in text(page.kpi_cards(body, body["rows"][0], "zh"))
    assert "%)" not in text(tiles.kpi(view, "zh")), "no percent of a percent"

    counts = analyst.get("/api/v1/indicators/traffic.span2020_n/values", query_string=args).json
    then, later = total(path, "2020-01-01", "2020-01-31"), total(path, "2021-01-01", "2021-01-31")
    relative = (later - then) / then * 100
    assert counts["change_unit"] == "%"
    shown = f"{'▲' if relative > 0 else '▼'}{abs(relative):.1f}%"
    assert shown in text(tiles.kpi({"data": counts, "period": "2021-01", "type": "kpi"}, "zh"))
    assert "百分点" not in text(tiles.kpi({"data": counts, "period": "2021-01", "type": "kpi"}, "zh"))


@pytest.fixture
def zone() -> Iterator[None]:
    import citytime

    yield
    citytime.configure(citytime.DEFAULT_ZONE)


def test_stored_utc_times_are_shown_on_the_citys_clock(zone: None) -> None:
    import citytime
    from callbacks.boards import when
    from layouts.admin.audit import audit_rows
    from layouts.dataset import history_table
    from layouts.home import dataset_rows
    from tests.dashcalls import text

    stored = dt.datetime(2025, 12, 31, 17, 30, 5)  # UTC: half past one in the morning of 1 January 2026 in Shanghai
    assert when(stored) == "2026-01-01 01:30"
    assert (
        audit_rows(
            [
                {
                    "id": 1,
                    "at": stored.isoformat(),
                    "actor": "a",
                    "action": "x",
                    "object_type": "",
                    "object_id": "",
                    "address": "",
                    "detail": {},
                }
            ]
        )[0]["at"]
        == "2026-01-01 01:30:05"
    )
    listed = {"id": "d", "name_zh": "d", "name_en": "d", "department_label": "", "rows": 1, "columns": 1, "data_version": 1}
    assert dataset_rows([{**listed, "loaded_at": stored.isoformat()}], "zh")[0]["loaded"] == "2026-01-01 01:30"
    history = {"version": 1, "rows": 1, "mode": "replace", "source": "a.csv", "created_at": stored.isoformat()}
    assert "2026-01-01 01:30:05" in text(history_table([history], "zh"))
    citytime.configure("Europe/London")  # CITY_TIMEZONE decides, not the server's clock
    assert when(stored) == "2025-12-31 17:30"


def test_a_week_takes_the_target_of_the_year_its_thursday_is_in(analyst: Any) -> None:
    late = rows(analyst, "upto2025_n", grain="week", **{"from": "2025-01-01", "to": "2025-12-31"})
    assert late["2025-W01"]["target"] == 100, "2025-W01 starts on Monday 30 December 2024; its Thursday is 2 January 2025"
    assert late["2026-W01"]["target"] is None, "2026-W01's Thursday is 1 January 2026: no 2026 target"
    early = rows(analyst, "span2020_n", grain="week", **{"from": "2019-12-30", "to": "2021-01-10"})
    assert early["2020-W01"]["target"] == 50 and early["2020-W53"]["target"] == 50, "2020-W53's Thursday is 31 December 2020"
    assert early["2021-W01"]["target"] == 60
    assert early["2020-W53"]["status"] in ("green", "amber", "red")


@pytest.mark.parametrize(
    ("label", "expected"),
    [("2020-W01", True), ("2020-W53", True), ("2021-W01", False), ("2019-W52", False), ("2020-12", True), ("2021-01-01", False)],
)
def test_a_week_is_in_the_baseline_year_of_its_thursday(label: str, expected: bool) -> None:
    from indicators import describe

    assert describe.within(label, "2020-01-01", "2020-12-31") is expected  # the board shades its baseline band by this
