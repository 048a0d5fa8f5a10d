"""Answers a person can act on, through POST /api/v1/ask and the question box on a board.

The demo city is seeded at a small scale; every expected number is an independent DuckDB query over the very
Arrow tables the demo was seeded from (`demo.city.generate` is deterministic), never the product's compiler.
The city-wide leader sees every district. The demo's data ends on 31 December 2025.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from flask.testing import FlaskClient

from demo.city import DISTRICTS
from tests.conftest import csrf_header, make_settings
from tests.dashcalls import call, client, prop, prop_id, words

SCALE = 0.05
CLOSED = "100.0 * count(closed_at) / count(*)"
ON_TIME = "100.0 * count(*) FILTER (WHERE closed_at IS NOT NULL AND epoch(closed_at) - epoch(created_at) <= sla_hours * 3600) / count(*)"
HOURS = "sum(epoch(closed_at) - epoch(created_at)) / 3600.0 / count(closed_at)"


@dataclass(frozen=True)
class City:
    app: Any
    con: duckdb.DuckDBPyConnection

    def ask(self, question: str, lang: str = "zh", today: str | None = None, username: str = "leader") -> dict[str, Any]:
        found = client(self.app, username, lang)
        body = {"question": question, "lang": lang, **({"today": today} if today else {})}
        response = found.post("/api/v1/ask", json=body, headers=csrf_header(found))
        assert response.status_code == 200, response.json
        answer: dict[str, Any] = response.json
        return answer

    def by_district(self, value: str, first: str, last: str, where: str = "TRUE") -> dict[str, float]:
        sql = (
            f"SELECT district, {value} FROM hotline_tickets WHERE created_at >= DATE '{first}'"
            f" AND created_at < DATE '{last}' + INTERVAL 1 DAY AND {where} GROUP BY district"
        )
        return {d: float(v) for d, v in self.con.execute(sql).fetchall()}

    def one(self, sql: str) -> Any:
        return self.con.execute(sql).fetchone()[0]  # type: ignore[index]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    from app import create_app
    from demo import city as demo_city
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("answers")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, SCALE, echo=lambda _line: None)
    con = duckdb.connect()
    for name, table in demo_city.generate(scale=SCALE).items():
        con.register(name, table)
    yield City(app, con)
    con.close()
    rt.close()


def shown(value: float, decimals: int, unit: str = "") -> str:
    return f"{value:,.{decimals}f}{unit}"


def extremes(truth: dict[str, float], decimals: int) -> tuple[tuple[set[str], float], tuple[set[str], float]]:
    """((members with the highest value, that value), (lowest, value)) at the shown decimals: ties are named together."""
    rounded = {d: round(v, decimals) for d, v in truth.items()}
    high, low = max(rounded.values()), min(rounded.values())
    return ({d for d, v in rounded.items() if v == high}, high), ({d for d, v in rounded.items() if v == low}, low)


def in_english(districts: set[str]) -> set[str]:
    """The demo's districts as an English answer names them (their registered English names)."""
    english = {d.name_zh: d.name_en for d in DISTRICTS}
    return {english[d] for d in districts}


def named(answer: str, pattern: str) -> tuple[set[str], str]:
    """The members and the value an answer names, e.g. `：(.+?)最好（(.+?)）` → ({'高新区'}, '93.1%')."""
    found = re.search(pattern, answer)
    assert found, f"{pattern!r} not in {answer!r}"
    return set(re.split("、| and ", found.group(1))), found.group(2)


def test_the_data_ends_on_31_december_2025(city: City) -> None:
    assert str(city.one("SELECT max(created_at)::DATE FROM hotline_tickets")) == "2025-12-31"


def test_closure_rate_ranking_maps_to_the_closure_indicator_and_names_the_best_and_the_worst(city: City) -> None:
    answer = city.ask("各区12345工单办结率排名", lang="en")  # typed on an English screen: answered in Chinese
    assert answer["query"]["indicator"] == "hotline.closure_rate"
    assert answer["query"]["by"] == ["district"] and answer["query"]["rank"] == {"order": "top", "n": 0}
    assert answer["lang"] == "zh" and answer["data_end"] == "2025-12-31"
    truth = city.by_district(CLOSED, "2025-01-01", "2025-12-31")
    assert [row[2] for row in answer["rows"]] == sorted((round(v, 1) for v in truth.values()), reverse=True), "best first"
    assert all(row[2] == round(truth[row[1]], 1) for row in answer["rows"]) and len(answer["rows"]) == 8
    (best, high), (worst, low) = extremes(truth, 1)
    assert named(answer["answer"], r"各区工单办结率：(.+?)最好（(.+?)）") == (best, shown(high, 1, "%"))
    assert named(answer["answer"], r"），(.+?)最差（(.+?)）") == (worst, shown(low, 1, "%"))
    assert "2025" in answer["answer"] and "共 8 个区" in answer["answer"]


def test_the_closure_and_on_time_closure_indicators_equal_duckdb(city: City) -> None:
    found = client(city.app, "leader")
    for ident, value in (("hotline.closure_rate", CLOSED), ("hotline.sla_closure_rate", ON_TIME)):
        got = found.get(
            f"/api/v1/indicators/{ident}/values", query_string={"grain": "year", "by": "district", "from": "2025-01-01", "to": "2025-12-31"}
        )
        assert got.status_code == 200, got.json
        truth = city.by_district(value, "2025-01-01", "2025-12-31")
        assert {r["district"]: r["value"] for r in got.json["rows"]} == {d: round(v, 1) for d, v in truth.items()}, ident
    assert city.ask("各区12345按时办结率")["query"]["indicator"] == "hotline.sla_closure_rate"
    assert city.ask("on-time closure rate by district", lang="zh")["query"]["indicator"] == "hotline.sla_closure_rate"


def test_best_follows_the_direction_lower_closure_time_is_better(city: City) -> None:
    answer = city.ask("Which district has the best average closure time this year?", lang="zh", today="2025-12-31")
    assert answer["lang"] == "en" and answer["query"]["indicator"] == "hotline.avg_closure_hours"
    truth = city.by_district(HOURS, "2025-01-01", "2025-12-31", "closed_at IS NOT NULL")
    (slowest, high), (fastest, low) = extremes(truth, 1)
    assert answer["rows"][0][1] in fastest and answer["rows"][0][2] == low, "the best of a lower-is-better indicator is the lowest"
    assert named(answer["answer"], r": best (.+?) \((.+?)\)") == (in_english(fastest), shown(low, 1, " hours"))
    assert named(answer["answer"], r", worst (.+?) \((.+?)\)") == (in_english(slowest), shown(high, 1, " hours"))
    assert answer["answer"].startswith("Average closure time by district, 2025")
    assert "Data up to" not in answer["answer"], "the data covers the asked year"


def test_this_month_after_the_data_ends_says_what_it_meant(city: City) -> None:
    tickets = city.one("SELECT count(*) FROM hotline_tickets WHERE created_at >= DATE '2025-12-01' AND created_at < DATE '2026-01-01'")
    zh = city.ask("本月工单量", today="2026-02-10")
    assert (zh["query"]["from"], zh["query"]["to"]) == ("2025-12-01", "2025-12-31")
    assert zh["answer"] == f"“本月”按数据的最后时段 2025-12 回答（数据截至 2025-12-31）。工单量 2025-12 为 {tickets:,} 件。"
    en = city.ask("hotline tickets this month", lang="zh", today="2026-02-10")
    assert en["lang"] == "en"
    assert en["answer"] == (
        f"'this month' is read as 2025-12, the latest period with data (data up to 2025-12-31). Hotline tickets, 2025-12: {tickets:,} count."
    )
    today = city.ask("今天工单量", today="2026-01-15")
    day = city.one("SELECT count(*) FROM hotline_tickets WHERE created_at::DATE = DATE '2025-12-31'")
    assert today["answer"] == f"“今天”按数据的最后时段 2025-12-31 回答（数据截至 2025-12-31）。工单量 2025-12-31 为 {day:,} 件。"
    partly = city.ask("最近7天工单量", today="2026-01-03")  # 2025-12-28 … 2026-01-03: the data stops on the way
    assert (partly["query"]["from"], partly["query"]["to"]) == ("2025-12-28", "2026-01-03")
    assert partly["answer"] == f"数据截至 2025-12-31。工单量 2025-12-31 为 {day:,} 件。"
    inside = city.ask("本月工单量", today="2025-12-31")
    assert inside["answer"] == f"工单量 2025-12 为 {tickets:,} 件。", "nothing to explain when the data covers the month"


def test_a_comparison_in_the_answer_uses_percentage_points_for_a_rate(city: City) -> None:
    answer = city.ask("上个月12345工单办结率同比", today="2026-01-05")
    assert answer["query"]["indicator"] == "hotline.closure_rate" and answer["query"]["compare"] == "year_ago"
    rate = "SELECT " + CLOSED + " FROM hotline_tickets WHERE strftime(created_at, '%Y-%m') = '{m}'"
    now, before = round(city.one(rate.format(m="2025-12")), 1), round(city.one(rate.format(m="2024-12")), 1)
    points = round(now - before, 1)
    moved = "持平" if points == 0 else f"{'上升' if points > 0 else '下降'} {abs(points):.1f} 个百分点"
    assert answer["answer"].startswith(f"工单办结率 2025-12 为 {now:.1f}%，较去年同期{moved}")
    assert "数据截至" not in answer["answer"]


ASK_INPUTS = [prop("ask-submit", "n_clicks", None), prop("ask-input", "n_submit", 1), []]


def ask_box(found: FlaskClient, question: str, board_id: str = "hotline_board") -> Any:
    response = call(
        found,
        "ask-answer.children",
        ASK_INPUTS,
        [prop("ask-input", "value", question), [], prop("board-id", "data", board_id)],
        prop_id("ask-input", "n_submit"),
    )
    assert response.status_code == 200, response.text[:300]
    return response.json["response"]["ask-answer"]["children"]


def test_the_question_box_shows_the_answer_in_the_questions_language(city: City) -> None:
    truth = city.by_district(CLOSED, "2025-01-01", "2025-12-31")
    (best, high), _ = extremes(truth, 1)
    english_screen = words(ask_box(client(city.app, "leader", "en"), "各区12345工单办结率排名"))
    assert named(english_screen, r"各区工单办结率：(.+?)最好（(.+?)）") == (best, shown(high, 1, "%"))
    assert "数据截至 2025-12-31" in english_screen
    chinese_screen = words(ask_box(client(city.app, "leader", "zh"), "ticket closure rate ranking by district"))
    assert named(chinese_screen, r": best (.+?) \((.+?)\)") == (in_english(best), shown(high, 1, "%"))
    assert "data up to 2025-12-31" in chinese_screen


def test_each_comparison_has_its_own_words_on_tiles_and_in_exports(city: City) -> None:
    from callbacks.boardtiles import tile_views
    from layouts import tiles
    from tests.dashcalls import signed_in, text

    with signed_in(city.app, "leader") as who:
        views = {v["id"]: v for v in tile_views(who, "city_cockpit", None, {}, None, "zh") or []}
    sla = text(tiles.kpi(views["k_sla"], "zh"))  # 时限内办结率, a percent: its changes are in percentage points
    rate = f"SELECT {ON_TIME} FROM hotline_tickets WHERE year(created_at) = {{y}}"
    points = round(round(city.one(rate.format(y=2025)), 1) - round(city.one(rate.format(y=2024)), 1), 1)
    assert f"较去年同期 {'▲' if points > 0 else '▼'}{abs(points):.1f} 个百分点" in sla
    assert "较基线" in sla and "%)" not in sla
    found = client(city.app, "traffic_analyst")
    against_baseline = found.get("/api/v1/boards/traffic_board/tiles/trend/export.csv").get_data(as_text=True)
    against_last_year = found.get("/api/v1/boards/traffic_board/tiles/k_congestion/export.csv").get_data(as_text=True)
    assert "基线值" in against_baseline and "较基线变化" in against_baseline and "去年同期" not in against_baseline
    assert "去年同期值" in against_last_year and "较去年同期变化" in against_last_year and "基线值" not in against_last_year


def test_a_refusal_is_in_the_questions_language_too(city: City) -> None:
    on_chinese_screen = words(ask_box(client(city.app, "leader", "zh"), "how many zorblax widgets"))
    assert "No indicator name was recognised" in on_chinese_screen and "没有识别出" not in on_chinese_screen
    on_english_screen = words(ask_box(client(city.app, "leader", "en"), "某某东西有多少"))
    assert "没有识别出指标名称" in on_english_screen and "No indicator" not in on_english_screen
