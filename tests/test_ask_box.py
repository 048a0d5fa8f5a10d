"""The question box on boards, through its callbacks: the understood sentence, the chart the answer saves as,
suggestions for unknown words, the asker's policies, and saving to the board or to one's own charts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import actor_of, make_settings
from tests.dashcalls import call, client, nodes, prop, prop_id, signed_in, words


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("ask-box")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    yield app
    rt.close()


HINTS = {"type": "ask-hint", "n": "ALL"}


def ask(
    found: FlaskClient, question: Any, board_id: Any = "traffic_board", hints: list[str] | None = None, click: int | None = None
) -> TestResponse:
    """Press Enter on `question`, or click suggestion number `click` among `hints`."""
    shown = hints or []
    clicks = [prop({"type": "ask-hint", "n": n}, "n_clicks", 1 if n == click else None) for n in range(len(shown))]
    texts = [prop({"type": "ask-hint", "n": n}, "children", text) for n, text in enumerate(shown)]
    changed = prop_id({"type": "ask-hint", "n": click}, "n_clicks") if click is not None else prop_id("ask-input", "n_submit")
    return call(
        found,
        "ask-answer.children",
        [prop("ask-submit", "n_clicks", None), prop("ask-input", "n_submit", 1), clicks],
        [prop("ask-input", "value", question), texts, prop("board-id", "data", board_id)],
        changed,
    )


def answer_of(response: TestResponse) -> Any:
    assert response.status_code == 200, response.text[:300]
    return response.json["response"]["ask-answer"]["children"]


def side_effects(response: TestResponse) -> dict[str, Any]:
    """What the callback set with set_props: component id → props."""
    return dict(response.json.get("sideUpdate") or {})


def _save(found: FlaskClient, target: str, asked: Any, board_id: Any, pending: Any) -> TestResponse:
    trigger = {"type": "ask-save", "target": target}
    return call(
        found,
        "ask-saved.children",
        [[prop(trigger, "n_clicks", 1)]],
        [prop("ask-asked", "data", asked), prop("board-id", "data", board_id), prop("board-pending", "data", pending)],
        prop_id(trigger, "n_clicks"),
    )


def board_of(demo: Any, board_id: str) -> Any:
    from access.actor import SYSTEM
    from boards.catalog import get_board

    with demo.server.extensions["city"].store.read() as db:
        return get_board(db, SYSTEM, board_id)


def test_every_board_page_has_the_question_box(demo: Any) -> None:
    from callbacks import pages

    for username, board_id in (("traffic_staff", "traffic_board"), ("leader", "city_cockpit")):
        with signed_in(demo, username):
            page = words(pages.board(board_id))
        assert "ask-input" in page and "ask-answer" in page


def test_the_answer_shows_the_sentence_and_the_chart_it_saves_as(demo: Any) -> None:
    tree = answer_of(ask(client(demo, "traffic_analyst"), "今年各区拥堵指数"))
    sentence = next(n for n in nodes(tree) if "ask-sentence" in str(n["props"].get("className")))
    assert sentence["props"]["children"].startswith("拥堵指数，2025，按区")
    graph = next(n for n in nodes(tree) if n["type"] == "Graph")
    assert graph["props"]["id"] == "ask-graph"  # its own id: clicking it does not cross-filter the board
    assert len(graph["props"]["figure"]["data"][0]["y"]) == 8  # a ranking of the eight districts
    saves = {n["props"]["id"]["target"] for n in nodes(tree) if isinstance(n["props"].get("id"), dict)}
    assert saves == {"board", "mine"}


def test_the_answer_follows_the_askers_policies(demo: Any) -> None:
    staff = answer_of(ask(client(demo, "traffic_staff"), "今年各区拥堵指数"))
    graph = next(n for n in nodes(staff) if n["type"] == "Graph")
    assert set(graph["props"]["figure"]["data"][0]["y"]) == {"东城区"}
    refused = answer_of(ask(client(demo, "traffic_staff"), "今年的平均办理时长"))  # another department's indicator
    text = words(refused)
    assert "ask-refused" in text and "平均办理时长" not in text and "Graph" not in text


def test_top_n_shows_only_the_members_kept(demo: Any) -> None:
    tree = answer_of(ask(client(demo, "leader"), "今年拥堵指数最高的前3个区", "city_cockpit"))
    graph = next(n for n in nodes(tree) if n["type"] == "Graph")
    assert len(graph["props"]["figure"]["data"][0]["y"]) == 3
    assert not [n for n in nodes(tree) if isinstance(n["props"].get("id"), dict)]  # leaders read: nothing to save to


def test_unknown_words_get_suggestions_that_ask_when_clicked(demo: Any) -> None:
    found = client(demo, "urban_staff")
    tree = answer_of(ask(found, "停车占用情况怎么样", "urban_board"))
    hints = [
        n["props"]["children"] for n in nodes(tree) if isinstance(n["props"].get("id"), dict) and n["props"]["id"]["type"] == "ask-hint"
    ]
    assert "停车场占用率" in hints
    clicked = ask(found, "停车占用情况怎么样", "urban_board", hints, hints.index("停车场占用率"))
    assert side_effects(clicked)["ask-input"]["value"] == "停车场占用率"
    assert "停车场占用率，" in words(answer_of(clicked)) and "kpi-number" in words(answer_of(clicked))


def test_hostile_payloads_get_a_clear_answer_and_no_data(demo: Any) -> None:
    found = client(demo, "traffic_staff")
    for question in (None, ["今年的拥堵指数"], {"q": 1}, "", "   "):
        response = ask(found, question)
        assert response.status_code in (200, 204)
        assert "Graph" not in response.text
    long = answer_of(ask(found, "拥堵指数" + "啊" * 5000))
    assert "ask-result" in words(long) or "ask-refused" in words(long)
    forged_board = answer_of(ask(found, "今年各区拥堵指数", "hotline_board"))  # a board they may not open: no save to it
    assert {n["props"]["id"]["target"] for n in nodes(forged_board) if isinstance(n["props"].get("id"), dict)} == {"mine"}


def test_saving_to_the_board_appends_the_tile_and_hands_the_page_the_new_version(demo: Any) -> None:
    from tests.test_board_pages import new_board, pending_of

    board_id = new_board(demo, "traffic", [])
    found = client(demo, "traffic_analyst")  # an editor of the department's boards
    response = _save(found, "board", "今年每月的拥堵指数", board_id, pending_of(demo, board_id))
    assert response.status_code == 200, response.text[:300]
    assert "已保存到" in words(response.json["response"]["ask-saved"]["children"])
    info = board_of(demo, board_id)
    tile = info.spec.tiles[-1]
    assert info.version == 2 and tile.type.value == "line" and tile.source.indicator == "traffic.congestion_index"
    assert tile.title.zh.startswith("拥堵指数")
    updates = side_effects(response)
    assert updates["board-pending"]["data"]["version"] == 2 and updates["board-tileset"]["data"]["tiles"][-1]["id"] == tile.id
    conflicted = {**pending_of(demo, board_id), "status": "conflict"}
    refused = _save(found, "board", "今年每月的拥堵指数", board_id, conflicted)
    assert "冲突" in words(refused.json) and board_of(demo, board_id).version == 2


def test_saving_elsewhere_is_checked_on_the_server(demo: Any) -> None:
    from boards.catalog import my_board_id

    hotline = client(demo, "hotline_staff")
    forged = _save(hotline, "board", "今年的市民满意度", "traffic_board", None)
    assert "您不能编辑此看板" in words(forged.json) and board_of(demo, "traffic_board").version == 1
    mine = _save(hotline, "mine", "今年的市民满意度", "traffic_board", None)
    assert "已保存到" in words(mine.json)
    actor = actor_of(demo.server.extensions["city"], "hotline_staff")
    assert board_of(demo, my_board_id(actor)).spec.tiles[-1].source.indicator == "hotline.citizen_satisfaction"
    nothing = _save(hotline, "mine", None, "traffic_board", None)
    assert "请先提问" in words(nothing.json)
    leader = _save(client(demo, "leader"), "mine", "今年的拥堵指数", "city_cockpit", None)
    assert "领导账号只能查看看板" in words(leader.json)
