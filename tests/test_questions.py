"""Questions in Chinese and English → the structured query each must produce; refusals; policies on answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from errors import UserError
from indicators.registry import load_catalog
from query.questions import understand

CATALOG = load_catalog()[0]
TODAY = dt.date(2025, 12, 31)
DISTRICTS = ["东城区", "西城区", "南湖区", "北苑区", "江滨区", "高新区", "临港区", "青山区"]
VALUES = {
    "district": DISTRICTS,
    "channel": ["窗口", "网上办", "掌上办", "自助终端"],
    "incident_type": ["火灾", "医疗急救", "交通事故", "其他"],
    "category": ["交通出行", "噪音扰民", "其他"],
    "station": ["东城站", "高新站"],
}
Y2025 = ("2025-01-01", "2025-12-31")


def q(
    indicator: str,
    grain: str,
    span: tuple[str, str],
    by: list[str] | None = None,
    filters: dict[str, list[str]] | None = None,
    compare: str | None = None,
    vs_target: bool = False,
    rank: tuple[str, int] | None = None,
) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "grain": grain,
        "from": span[0],
        "to": span[1],
        "by": by or [],
        "filters": filters or {},
        "compare": compare,
        "vs_target": vs_target,
        "rank": {"order": rank[0], "n": rank[1]} if rank else None,
    }


CASES: list[tuple[str, str, dict[str, Any]]] = [
    # Chinese
    (
        "上个月高新区的拥堵指数同比",
        "zh",
        q("traffic.congestion_index", "month", ("2025-11-01", "2025-11-30"), filters={"district": ["高新区"]}, compare="year_ago"),
    ),
    ("今年各区平均办理时长", "zh", q("services.avg_approval_days", "year", Y2025, by=["district"])),
    (
        "2025年第三季度万人投诉率最高的前3个区",
        "zh",
        q("hotline.complaint_rate_per_10k", "all", ("2025-07-01", "2025-09-30"), by=["district"], rank=("top", 3)),
    ),
    ("最近7天PM2.5", "zh", q("environment.pm25", "day", ("2025-12-25", "2025-12-31"))),
    ("去年按月的工单量", "zh", q("hotline.tickets", "month", ("2024-01-01", "2024-12-31"))),
    ("应急响应时间中位数环比", "zh", q("emergency.response_median", "year", Y2025, compare="previous")),
    ("哪个区的拥堵指数最好", "zh", q("traffic.congestion_index", "all", Y2025, by=["district"], rank=("bottom", 1))),
    ("本季度按渠道的办件量", "zh", q("services.applications", "quarter", ("2025-10-01", "2025-12-31"), by=["channel"])),
    (
        "2025年3月西城区的工单满意度",
        "zh",
        q("hotline.ticket_satisfaction", "month", ("2025-03-01", "2025-03-31"), filters={"district": ["西城区"]}),
    ),
    ("今年东城区和高新区的停车场占用率", "zh", q("urban.parking_occupancy", "year", Y2025, filters={"district": ["东城区", "高新区"]})),
    ("近3个月的PM2.5与基线相比", "zh", q("environment.pm25", "month", ("2025-10-01", "2025-12-31"), compare="baseline")),
    ("第二季度市民满意度与目标相比", "zh", q("hotline.citizen_satisfaction", "quarter", ("2025-04-01", "2025-06-30"), vs_target=True)),
    ("按月统计的按时办结率", "zh", q("services.on_time_rate", "month", Y2025)),
    ("各区最多跑一次比例", "zh", q("services.one_visit_rate", "year", Y2025, by=["district"])),
    ("交通事故的突发事件数", "zh", q("emergency.incidents", "year", Y2025, filters={"incident_type": ["交通事故"]})),
    ("网上办的平均办理时长同比", "zh", q("services.avg_approval_days", "year", Y2025, filters={"channel": ["网上办"]}, compare="year_ago")),
    ("最近两周的空气质量优良天数比例", "zh", q("environment.good_air_day_share", "week", ("2025-12-18", "2025-12-31"))),
    ("高新区的拥堵指数下降率", "zh", q("traffic.congestion_reduction", "year", Y2025, filters={"district": ["高新区"]})),
    ("2024年的通行车流量", "zh", q("traffic.volume", "year", ("2024-01-01", "2024-12-31"))),
    ("第四季度各区应急响应时间P90", "zh", q("emergency.response_p90", "quarter", ("2025-10-01", "2025-12-31"), by=["district"])),
    ("今年哪个区的PM2.5最高", "zh", q("environment.pm25", "all", Y2025, by=["district"], rank=("top", 1))),
    (
        "高新政务的平均办理时长（高新区）最近6个月",
        "zh",
        q("services.avg_approval_days", "month", ("2025-07-01", "2025-12-31"), filters={"district": ["高新区"]}),
    ),
    # English
    (
        "congestion index last month vs last year",
        "en",
        q("traffic.congestion_index", "month", ("2025-11-01", "2025-11-30"), compare="year_ago"),
    ),
    (
        "top 3 districts by complaints per 10k residents in Q3 2025",
        "en",
        q("hotline.complaint_rate_per_10k", "all", ("2025-07-01", "2025-09-30"), by=["district"], rank=("top", 3)),
    ),
    ("average approval time this year by district", "en", q("services.avg_approval_days", "year", Y2025, by=["district"])),
    ("one-visit rate vs target", "en", q("services.one_visit_rate", "year", Y2025, vs_target=True)),
    ("PM2.5 monthly in 2025", "en", q("environment.pm25", "month", Y2025)),
    ("hotline tickets last year by month", "en", q("hotline.tickets", "month", ("2024-01-01", "2024-12-31"))),
    ("response time last quarter", "en", q("emergency.response_median", "quarter", ("2025-07-01", "2025-09-30"))),
    (
        "lowest 5 districts by parking occupancy this year",
        "en",
        q("urban.parking_occupancy", "all", Y2025, by=["district"], rank=("bottom", 5)),
    ),
    (
        "satisfaction in March 2025 for 西城区",
        "en",
        q("hotline.citizen_satisfaction", "month", ("2025-03-01", "2025-03-31"), filters={"district": ["西城区"]}),
    ),
    ("traffic volume year to date by month", "en", q("traffic.volume_ytd", "month", Y2025)),
    (
        "congestion index in 高新区 vs baseline",
        "en",
        q("traffic.congestion_index", "year", Y2025, filters={"district": ["高新区"]}, compare="baseline"),
    ),
    ("applications by channel this quarter", "en", q("services.applications", "quarter", ("2025-10-01", "2025-12-31"), by=["channel"])),
    ("best district for average approval time", "en", q("services.avg_approval_days", "all", Y2025, by=["district"], rank=("bottom", 1))),
    (
        "worst district for PM2.5 last year",
        "en",
        q("environment.pm25", "all", ("2024-01-01", "2024-12-31"), by=["district"], rank=("top", 1)),
    ),
    ("repeat-complaint rate yoy", "en", q("hotline.repeat_complaint_rate", "year", Y2025, compare="year_ago")),
    ("good-air-day share last 7 days", "en", q("environment.good_air_day_share", "day", ("2025-12-25", "2025-12-31"))),
    ("NO2 mean by station this month", "en", q("environment.no2", "month", ("2025-12-01", "2025-12-31"), by=["station"])),
    ("parked vehicles yesterday", "en", q("urban.parked_vehicles", "day", ("2025-12-30", "2025-12-30"))),
    ("on-time approval rate quarterly in 2025", "en", q("services.on_time_rate", "quarter", Y2025)),
    ("median approval time last 6 months", "en", q("services.median_approval_days", "month", ("2025-07-01", "2025-12-31"))),
    ("Emergency response time (median) month over month", "en", q("emergency.response_median", "year", Y2025, compare="previous")),
    ("complaints by category last month", "en", q("hotline.complaints", "month", ("2025-11-01", "2025-11-30"), by=["category"])),
]


def test_the_set_is_half_chinese_half_english() -> None:
    langs = [lang for _, lang, _ in CASES]
    assert len(CASES) >= 40 and langs.count("zh") == langs.count("en")


@pytest.mark.parametrize(("question", "lang", "expected"), CASES, ids=[c[0] for c in CASES])
def test_questions_become_structured_queries(question: str, lang: str, expected: dict[str, Any]) -> None:
    assert understand(question, CATALOG, VALUES, TODAY, lang).to_dict() == expected


@pytest.mark.parametrize(
    "question", ["", "   ", "天气怎么样", "how are the parking garages", "'; drop table data; --", "read_csv('/etc/passwd')"]
)
def test_questions_without_an_indicator_are_refused_with_suggestions(question: str) -> None:
    with pytest.raises(UserError) as caught:
        understand(question, CATALOG, VALUES, TODAY, "en")
    assert caught.value.status == 422
    if "parking" in question:
        assert "Parking occupancy" in caught.value.issues[0].detail["suggestions"]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from app import create_app
    from demo.seed import seed_if_empty
    from tests.conftest import Web, make_settings

    app = create_app(make_settings(tmp_path_factory.mktemp("ask") / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.05, echo=lambda _m: None)
    yield Web(app, rt)
    rt.close()


def ask_as(city: Any, username: str, question: str, lang: str = "zh") -> Any:
    from demo.seed import DEMO_PASSWORD
    from tests.conftest import csrf_header, login

    client = city.app.server.test_client()
    login(client, username, DEMO_PASSWORD)
    return client.post("/api/v1/ask", json={"question": question, "lang": lang, "today": "2025-12-31"}, headers=csrf_header(client))


def test_answers_use_the_askers_policies(city: Any) -> None:
    leader = ask_as(city, "leader", "今年各区拥堵指数").json
    staff = ask_as(city, "traffic_staff", "今年各区拥堵指数").json
    assert len({r[1] for r in leader["rows"]}) == 8 and {r[1] for r in staff["rows"]} == {"东城区"}
    assert staff["sentence"] == "拥堵指数，2025，按区，按年统计" and staff["chart"] == "bar"
    foreign = ask_as(city, "traffic_staff", "西城区今年的拥堵指数").json  # heard, said to be outside the scope, answered for it
    assert {r[0] for r in foreign["rows"]} == {"2025"} and foreign["query"]["filters"] == {"district": ["东城区"]}
    assert foreign["answer"].startswith("你只能查看东城区的数据；以下为东城区的数据。东城区的拥堵指数 2025 为 ")
    assert foreign["rows"][0][1] == staff["rows"][0][2]  # the answer is the scoped value (东城区), never 西城区's
    other_department = ask_as(city, "traffic_staff", "今年的平均办理时长")
    assert other_department.status_code == 422 and "平均办理时长" not in str(other_department.json)


def test_the_answer_equals_what_the_user_could_build_by_hand(city: Any) -> None:
    from demo.seed import DEMO_PASSWORD
    from tests.conftest import login

    answer = ask_as(city, "gov_staff", "本季度按渠道的办件量").json
    client = city.app.server.test_client()
    login(client, "gov_staff", DEMO_PASSWORD)
    by_hand = client.get("/api/v1/indicators/services.applications/values?grain=quarter&from=2025-10-01&to=2025-12-31&by=channel").json[
        "rows"
    ]
    assert [(r[1], r[2]) for r in answer["rows"]] == [(r["channel"], r["value"]) for r in by_hand]


def test_the_chart_is_chosen_as_the_builder_would_and_the_answer_saves_as_a_tile(city: Any) -> None:
    ranking = ask_as(city, "leader", "今年各区拥堵指数").json  # a ratio over eight districts: a ranking
    assert ranking["chart"] == "bar"
    parts = ask_as(city, "gov_analyst", "今年按渠道的申请量").json  # a count over a few channels: parts of a whole
    assert parts["query"]["by"] == ["channel"] and 2 <= len({r[1] for r in parts["rows"]}) <= 6 and parts["chart"] == "donut"
    trend = ask_as(city, "leader", "今年每月的拥堵指数").json
    assert trend["chart"] == "line" and len(trend["rows"]) == 12
    one = ask_as(city, "leader", "今年的拥堵指数").json
    assert one["chart"] == "kpi" and len(one["rows"]) == 1

    from demo.seed import DEMO_PASSWORD
    from tests.conftest import csrf_header, login

    client = city.app.server.test_client()
    login(client, "gov_analyst", DEMO_PASSWORD)
    saved = client.post("/api/v1/boards/mine/tiles", json={"tile": parts["tile"]}, headers=csrf_header(client))
    assert saved.status_code == 201, saved.text
    tile = saved.json["tiles"][-1]
    assert tile["type"] == "donut" and tile["options"]["by"] == "channel" and tile["title"]["zh"] == parts["sentence"]
    data = client.get(f"/api/v1/boards/{saved.json['id']}/tiles/{tile['id']}/data").json
    assert data["state"] == "ok" and sorted(r["value"] for r in data["rows"]) == sorted(r[2] for r in parts["rows"])
