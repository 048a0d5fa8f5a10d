"""The question box on a board in a real chromium: ask, read the understood sentence and the chart, save the
answer to the board (the grid shows the new tile and later edits save without a conflict), and follow a
suggestion for a word that names no indicator. The fixtures fail a test on any console error."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Live
from tests.browser.democity import demo_city, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with demo_city("ask") as found:
        yield found


def copy_board(live: Live, source: str) -> str:
    from access.actor import SYSTEM
    from boards.catalog import create_board, get_board

    board_id = f"t_{uuid.uuid4().hex[:10]}"
    with live.rt.store.transaction() as db:
        original = get_board(db, SYSTEM, source)
        create_board(db, SYSTEM, original.spec.to_dict(), department=original.department, board_id=board_id)
    return board_id


def stored(live: Live, board_id: str) -> Any:
    from access.actor import SYSTEM
    from boards.catalog import get_board

    with live.rt.store.read() as db:
        return get_board(db, SYSTEM, board_id)


def test_an_editor_asks_a_question_and_saves_the_answer_to_the_board(page: Page, live: Live) -> None:
    board_id = copy_board(live, "traffic_board")
    page.set_viewport_size({"width": 1400, "height": 1600})
    sign_in(page, live, "traffic_analyst", f"/boards/{board_id}")  # the department's analysts edit its boards
    expect(page.locator(".tile-state-loading")).to_have_count(0)

    page.fill("#ask-input", "今年每月的拥堵指数")
    page.press("#ask-input", "Enter")
    expect(page.locator(".ask-sentence")).to_have_text("拥堵指数，2025，按月统计")
    expect(page.locator("#ask-graph .main-svg").first).to_be_visible()

    page.get_by_role("button", name="保存到本看板").click()
    expect(page.locator("#ask-saved")).to_contain_text("已保存到")
    saved = stored(live, board_id)
    added = saved.spec.tiles[-1]
    assert saved.version == 2 and added.type.value == "line" and added.source.indicator == "traffic.congestion_index"
    expect(page.locator(f"#tile-{added.id} .tile-title")).to_have_text("拥堵指数，2025，按月统计")
    expect(page.locator(f"#tile-{added.id} .tile-graph .main-svg").first).to_be_visible()

    # The page carries the new version: the next edit saves instead of meeting its own save as a conflict.
    page.click(".board-edit-switch input")
    page.locator(f"#tile-{added.id} .tile-remove").click()
    expect(page.locator("#board-status .board-version")).to_have_text("版本 3")
    assert added.id not in {t.id for t in stored(live, board_id).spec.tiles}


def test_a_word_that_names_no_indicator_gets_suggestions(page: Page, live: Live) -> None:
    sign_in(page, live, "urban_staff", "/boards/urban_board")
    page.fill("#ask-input", "停车占用情况怎么样")
    page.get_by_role("button", name="提问").click()
    hint = page.locator(".ask-hint", has_text="停车场占用率")
    expect(hint).to_be_visible()
    hint.click()
    expect(page.locator("#ask-input")).to_have_value("停车场占用率")
    expect(page.locator(".ask-sentence")).to_contain_text("停车场占用率")
    expect(page.locator(".ask-chart .kpi-number")).to_be_visible()


def test_a_question_in_english_for_a_leader_has_nothing_to_save(page: Page, live: Live) -> None:
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live.url}])
    sign_in(page, live, "leader", "/boards/city_cockpit")
    page.fill("#ask-input", "top 3 districts by congestion index this year")
    page.press("#ask-input", "Enter")
    expect(page.locator(".ask-sentence")).to_contain_text("Congestion index")
    expect(page.locator("#ask-graph .main-svg").first).to_be_visible()
    expect(page.locator(".ask-result button")).to_have_count(0)
