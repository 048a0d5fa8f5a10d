"""An answer never pretends (issue 18.2): a question, a values request, an export or a board filter that names a
district outside the asker's scope is said to be outside it — never answered with the asker's own figure under
words that read like the other district's, never silently dropped.

Questions and the board page answer for the scope and say so (你只能查看东城区的数据；以下为东城区的数据); the values
API, a tile's data and every export refuse with 403 `outside_scope`. Asked as traffic_staff (东城区) and
hotline_staff (西城区), in Chinese and English; the in-scope cases answer as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_header, make_settings
from tests.dashcalls import call, client, nodes, prop, prop_id, signed_in

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
VOLUME = "/api/v1/indicators/traffic.volume/values?grain=year&from=2025-01-01&to=2025-12-31"
TICKETS = "/api/v1/indicators/hotline.tickets/values?grain=year&from=2025-01-01&to=2025-12-31"
ONLY_DONGCHENG = "你只能查看东城区的数据；以下为东城区的数据。"
ONLY_XICHENG = "你只能查看西城区的数据；以下为西城区的数据。"
ENGLISH = {"东城区": "Dongcheng District", "西城区": "Xicheng District"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from access.users import create_user
    from app import create_app
    from demo.seed import DEMO_PASSWORD, seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("out-of-scope")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    with rt.store.transaction() as session:  # scoped to a street: no row of the district column is theirs
        create_user(session, "street_staff", DEMO_PASSWORD, "staff", "traffic", "西长街道")
    yield app
    rt.close()


def ask(found: FlaskClient, question: str, lang: str = "zh") -> TestResponse:
    return found.post("/api/v1/ask", json={"question": question, "lang": lang, "today": "2025-12-31"}, headers=csrf_header(found))


def ok(response: TestResponse) -> Any:
    assert response.status_code == 200, response.text[:400]
    return response.json


def year_value(found: FlaskClient, url: str) -> float:
    rows = ok(found.get(url))["rows"]
    assert len(rows) == 1 and rows[0]["period"] == "2025", rows
    return float(rows[0]["value"])


# -- questions -------------------------------------------------------------------------------------------
def test_a_question_about_another_district_says_so_and_labels_the_figure_with_the_scope(demo: Any) -> None:
    staff, leader = client(demo, "traffic_staff"), client(demo, "leader")
    own = year_value(staff, VOLUME)
    xicheng = year_value(leader, VOLUME + "&district=西城区")
    assert own != xicheng  # the case would prove nothing if the two figures were the same
    answer = ok(ask(staff, "西城区交通流量"))
    assert answer["query"]["filters"] == {"district": ["东城区"]}
    assert answer["sentence"] == "通行车流量，2025，区为东城区，按年统计"
    assert answer["answer"].startswith(ONLY_DONGCHENG + "东城区的通行车流量 2025 为 ")
    assert answer["scope"] == {"message": ONLY_DONGCHENG, "outside": {"district": ["西城区"]}, "shown": {"district": ["东城区"]}}
    assert [row[:2] for row in answer["rows"]] == [["2025", own]]
    assert f"{xicheng:,.0f}" not in answer["answer"] and "西城区" not in answer["answer"] + answer["sentence"]
    assert answer["tile"]["options"]["district"] == "东城区"  # saved as a tile, it says whose figure it is


def test_the_same_in_english(demo: Any) -> None:
    staff = client(demo, "traffic_staff", "en")
    answer = ok(ask(staff, "Xicheng District traffic volume", "en"))
    only = "You may only see Dongcheng District; showing Dongcheng District."
    assert answer["lang"] == "en" and answer["query"]["filters"] == {"district": ["东城区"]}
    assert answer["answer"].startswith(only + " Traffic volume in Dongcheng District, 2025: ")
    assert answer["scope"]["message"] == only and answer["scope"]["outside"] == {"district": ["西城区"]}
    assert ok(ask(staff, "Xicheng traffic volume", "en"))["scope"] == answer["scope"]  # the short name too


def test_another_districts_staff_is_told_their_own_scope(demo: Any) -> None:
    hotline = client(demo, "hotline_staff")
    own = year_value(hotline, TICKETS)
    answer = ok(ask(hotline, "东城区工单量"))
    assert answer["answer"].startswith(ONLY_XICHENG + "西城区的工单量 2025 为 ")
    assert answer["query"]["filters"] == {"district": ["西城区"]} and [row[:2] for row in answer["rows"]] == [["2025", own]]
    english = ok(ask(client(demo, "hotline_staff", "en"), "Dongcheng District hotline tickets", "en"))
    assert english["answer"].startswith("You may only see Xicheng District; showing Xicheng District. Hotline tickets in Xicheng District")


def test_a_question_naming_an_own_and_a_foreign_district_keeps_the_own_one(demo: Any) -> None:
    answer = ok(ask(client(demo, "traffic_staff"), "东城区和西城区的交通流量"))
    assert answer["query"]["filters"] == {"district": ["东城区"]}
    assert answer["scope"]["outside"] == {"district": ["西城区"]} and answer["answer"].startswith(ONLY_DONGCHENG)


def test_no_data_the_asker_may_see_is_said_as_such(demo: Any) -> None:
    answer = ok(ask(client(demo, "street_staff"), "东城区交通流量"))
    assert answer["answer"] == "你只能查看西长街道的数据；以下为西长街道的数据。2025 没有西长街道的通行车流量的数据。"
    assert [row[1] for row in answer["rows"]] in ([], [None])


def test_in_scope_questions_answer_as_before(demo: Any) -> None:
    staff, leader = client(demo, "traffic_staff"), client(demo, "leader")
    own = year_value(staff, VOLUME)
    plain = ok(ask(staff, "交通流量"))
    assert "scope" not in plain and plain["query"]["filters"] == {}
    assert plain["answer"] == f"通行车流量 2025 为 {own:,.0f} 辆。" and plain["sentence"] == "通行车流量，2025，按年统计"
    named = ok(ask(staff, "东城区交通流量"))
    assert "scope" not in named and named["query"]["filters"] == {"district": ["东城区"]} and named["answer"] == plain["answer"]
    xicheng = ok(ask(leader, "西城区交通流量"))  # city-wide: every district is theirs
    assert "scope" not in xicheng and xicheng["query"]["filters"] == {"district": ["西城区"]}
    assert xicheng["rows"][0][1] == year_value(leader, VOLUME + "&district=西城区")
    gaoxin = ok(ask(client(demo, "leader", "en"), "Gaoxin District traffic volume", "en"))  # an English area name is heard
    assert gaoxin["query"]["filters"] == {"district": ["高新区"]} and "scope" not in gaoxin


# -- the values API --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "url", "asked", "home"),
    [
        ("traffic_staff", VOLUME + "&district=西城区", "西城区", "东城区"),
        ("traffic_staff", VOLUME + "&district=东城区,西城区", "西城区", "东城区"),
        ("hotline_staff", TICKETS + "&district=东城区", "东城区", "西城区"),
    ],
)
def test_values_outside_the_scope_are_refused_in_both_languages(demo: Any, username: str, url: str, asked: str, home: str) -> None:
    found = client(demo, username)
    english = found.get(url)
    assert english.status_code == 403
    error = english.json["error"]
    assert (
        error["code"] == "outside_scope"
        and error["message"] == f"You may only see {ENGLISH[home]}: a filter value lies outside your data scope."
    )
    assert error["issues"][0]["column"] == "district" and error["issues"][0]["detail"]["allowed"][0] == home
    chinese = found.get(url + "&lang=zh")
    assert chinese.status_code == 403 and chinese.json["error"]["message"] == f"你只能查看{home}的数据：所请求的筛选值不在你的数据范围内。"
    shown = json.dumps([english.json, chinese.json], ensure_ascii=False)
    assert asked not in shown and '"rows"' not in shown and '"value"' not in shown  # nothing asked is echoed, no figure
    explained = found.get(url.replace("/values?", "/explain?"))
    assert explained.status_code == 403 and explained.json["error"]["code"] == "outside_scope"


def test_values_inside_the_scope_answer_as_before(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    assert ok(staff.get(VOLUME + "&district=东城区"))["rows"] == ok(staff.get(VOLUME))["rows"]
    assert year_value(client(demo, "leader"), VOLUME + "&district=西城区") > 0


# -- exports and tile data -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "path", "asked", "home"),
    [
        ("traffic_staff", "/api/v1/boards/traffic_board/tiles/trend/export.csv", "西城区", "东城区"),
        ("traffic_staff", "/api/v1/boards/traffic_board/tiles/rank/export.xlsx", "西城区", "东城区"),
        ("traffic_staff", "/api/v1/boards/traffic_board/tiles/trend/data", "西城区", "东城区"),
        ("traffic_staff", "/api/v1/boards/traffic_board/export.pdf", "西城区", "东城区"),
        ("hotline_staff", "/api/v1/boards/hotline_board/tiles/hours/export.csv", "东城区", "西城区"),  # a query tile
        ("hotline_staff", "/api/v1/boards/hotline_board/tiles/tickets/export.xlsx", "东城区", "西城区"),
        ("hotline_staff", "/api/v1/boards/hotline_board/export.png", "东城区", "西城区"),
    ],
)
def test_exports_outside_the_scope_are_refused(demo: Any, username: str, path: str, asked: str, home: str) -> None:
    found = client(demo, username)
    refused = found.get(f"{path}?district={asked}")
    assert refused.status_code == 403, refused.text[:300]
    assert refused.json["error"]["message"] == f"You may only see {ENGLISH[home]}: a filter value lies outside your data scope."
    chinese = found.get(f"{path}?district={asked}&lang=zh")
    assert chinese.status_code == 403 and chinese.json["error"]["message"] == f"你只能查看{home}的数据：所请求的筛选值不在你的数据范围内。"


def test_exports_inside_the_scope_work_as_before(demo: Any) -> None:
    def csv(username: str, query: str) -> list[str]:
        response = client(demo, username).get(f"/api/v1/boards/traffic_board/tiles/trend/export.csv{query}")
        assert response.status_code == 200, response.text[:300]
        return response.get_data(as_text=True).splitlines()  # read at once: the body is streamed

    assert csv("traffic_staff", "?district=东城区")[-12:] == csv("traffic_staff", "")[-12:]  # the same months and values
    assert "西城区" in "".join(csv("leader", "?district=西城区"))


# -- the board's filter bar and cross-filter -------------------------------------------------------------
def load(found: FlaskClient, board_id: str, district: Any = "", cross: Any = None, changed: str = "board-district") -> TestResponse:
    """The tile callback as the renderer calls it when `changed` (the district filter, or a click) changed."""
    inputs = [
        prop("board-tileset", "data", None),
        prop("board-range", "start_date", YEAR["from"]),
        prop("board-range", "end_date", YEAR["to"]),
        prop("board-grain", "value", "month"),
        prop("board-district", "value", district),
        prop("board-cross", "data", cross),
        prop("board-reload", "n_clicks", None),
    ]
    field = "data" if changed == "board-cross" else "value"
    return call(found, "board-grid.children", inputs, [prop("board-id", "data", board_id)], prop_id(changed, field))


def note_of(response: TestResponse) -> Any:
    """What the filter bar's scope note was set to (KeyError when the callback left it alone)."""
    assert response.status_code == 200, response.text[:300]
    return response.json["sideUpdate"]["board-scope-note"]["children"]


def members(response: TestResponse, tile: str) -> set[str]:
    frame = next(c for c in response.json["response"]["board-grid"]["children"] if c["props"]["id"] == f"tile-{tile}")
    graph = next(n for n in nodes(frame) if n["type"] == "Graph" and isinstance(n["props"].get("id"), dict))
    return {str(y) for y in graph["props"]["figure"]["data"][0]["y"]}  # a ranking's bars: members along y


@pytest.mark.parametrize(
    ("username", "board", "asked", "lang", "said"),
    [
        ("traffic_staff", "traffic_board", "西城区", "zh", ONLY_DONGCHENG),
        ("traffic_staff", "traffic_board", "西城区", "en", "You may only see Dongcheng District; showing Dongcheng District."),
        ("hotline_staff", "hotline_board", "东城区", "zh", ONLY_XICHENG),
        ("hotline_staff", "hotline_board", "东城区", "en", "You may only see Xicheng District; showing Xicheng District."),
    ],
)
def test_a_district_filter_outside_the_scope_is_reported_in_the_page(
    demo: Any, username: str, board: str, asked: str, lang: str, said: str
) -> None:
    found = client(demo, username, lang)
    assert note_of(load(found, board, district=asked)) == said
    click = {"tile": "rank" if board == "traffic_board" else "rate_rank", "dimension": "district", "value": asked}
    assert note_of(load(found, board, cross=click, changed="board-cross")) == said
    home = "东城区" if board == "traffic_board" else "西城区"
    assert note_of(load(found, board, district=home)) == ""  # back inside the scope: the note goes


def test_the_tiles_under_the_note_are_the_viewers_own(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    assert members(load(staff, "traffic_board", district="西城区"), "rank") == {"东城区"}
    leader = load(client(demo, "leader"), "traffic_board", district="西城区")
    assert note_of(leader) == ""  # city-wide: nothing is outside
    assert members(load(client(demo, "traffic_analyst"), "traffic_board", district="东城区"), "rank") == {"东城区"}


def test_a_link_to_another_district_opens_the_page_with_the_note(demo: Any) -> None:
    from callbacks import pages
    from tests.dashcalls import by_id

    with signed_in(demo, "traffic_staff"):
        page = pages.board("traffic_board", district="高新区")
    assert by_id(page, "board-district").value == "" and by_id(page, "board-scope-note").children == ONLY_DONGCHENG
    with signed_in(demo, "traffic_staff", "en"):
        page = pages.board("traffic_board", district="东城区")
    assert by_id(page, "board-scope-note").children == ""
    with signed_in(demo, "leader"):
        assert by_id(pages.board("traffic_board", district="高新区"), "board-scope-note").children == ""


def test_the_question_box_on_a_board_says_so_too(demo: Any) -> None:
    def reply(username: str, question: str, lang: str) -> tuple[str, str]:
        found = client(demo, username, lang)
        response = call(
            found,
            "ask-answer.children",
            [prop("ask-submit", "n_clicks", None), prop("ask-input", "n_submit", 1), []],
            [prop("ask-input", "value", question), [], prop("board-id", "data", "traffic_board")],
            prop_id("ask-input", "n_submit"),
        )
        tree = ok(response)["response"]["ask-answer"]["children"]
        texts = {
            cls: n["props"]["children"]
            for n in nodes(tree)
            for cls in ("ask-reply", "ask-sentence")
            if cls in str(n["props"].get("className"))
        }
        return texts["ask-reply"], texts["ask-sentence"]

    answer, sentence = reply("traffic_staff", "西城区交通流量", "zh")
    assert answer.startswith(ONLY_DONGCHENG) and "区为东城区" in sentence and "西城区" not in answer + sentence
    answer, sentence = reply("traffic_staff", "Xicheng District traffic volume", "en")
    assert answer.startswith("You may only see Dongcheng District; showing Dongcheng District.") and "district is 东城区" in sentence
    answer, _ = reply("traffic_staff", "东城区交通流量", "zh")
    assert "你只能查看" not in answer
