"""Personal views in a real chromium: a district clerk drags a tile on the department's shared board, which
changes only their own view (saved for them, kept across reloads); another clerk of the department still
sees the shared layout, and the board's version does not move; "reset to the department's layout" brings the
shared one back. The fixtures fail a test on any console error or dialog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import Live
from tests.browser.democity import demo_city, sign_in
from tests.browser.test_boards import box, copy_board, drag, resting, second_page, settled, stored, tile

pytestmark = pytest.mark.browser

VIEWPORT: ViewportSize = {"width": 1400, "height": 1600}  # second_page's size, so both sessions lay the grid out alike


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with demo_city("views") as found:
        yield found


def views_of(live: Live, board_id: str) -> list[tuple[str, list[dict[str, Any]]]]:
    from sqlalchemy import select

    from boards.models import BoardView

    with live.rt.store.read() as db:
        return [(v.username, list(v.layout)) for v in db.scalars(select(BoardView).where(BoardView.board_id == board_id))]


def near(a: dict[str, float], b: dict[str, float]) -> bool:
    return abs(a["x"] - b["x"]) < 3 and abs(a["y"] - b["y"]) < 3


def test_a_clerk_drags_a_tile_for_themselves_and_resets_to_the_departments_layout(page: Page, live: Live, browser: Browser) -> None:
    board_id = copy_board(live, "traffic_board", title={"zh": "个人布局测试看板", "en": "Personal view test"})
    before = stored(live, board_id)
    page.set_viewport_size(VIEWPORT)
    sign_in(page, live, "traffic_staff", f"/boards/{board_id}")
    settled(page)
    expect(page.locator(".board-edit-switch")).to_have_count(0)  # staff are no editors of the shared board
    shared_note, corner = resting(page, tile(page, "note")), box(tile(page, "k_congestion"))

    page.click(".board-arrange-switch input")
    expect(page.locator(".board-page.board-editing")).to_be_visible()
    drag(page, tile(page, "note").locator(".tile-head"), corner["x"] + 30, corner["y"] + 15)
    expect(page.locator("#board-view-status .board-view-saved")).to_be_visible()
    mine = resting(page, tile(page, "note"))
    assert not near(mine, shared_note), (mine, shared_note)
    saved = views_of(live, board_id)
    assert [name for name, _ in saved] == ["traffic_staff"]
    assert next(p for p in saved[0][1] if p["i"] == "note")["y"] == 0  # dragged to the top
    after = stored(live, board_id)
    assert (after.version, after.spec) == (before.version, before.spec)  # the shared board did not change

    page.reload()
    settled(page)
    expect(page.locator("#board-view-status .board-view-personal")).to_be_visible()
    assert near(resting(page, tile(page, "note")), mine)  # their own view, kept

    with second_page(browser, live) as other:
        sign_in(other, live, "traffic_staff_gx", f"/boards/{board_id}")  # another clerk of the department
        settled(other)
        assert near(resting(other, tile(other, "note")), shared_note)
        expect(other.locator("#board-view-status .board-view-personal")).to_have_count(0)

    page.get_by_role("button", name="恢复部门布局").click()
    expect(page.locator("#board-view-status .board-view-reset-done")).to_be_visible()
    expect(page.locator(".board-page.board-editing")).to_have_count(0)
    assert views_of(live, board_id) == []
    assert near(resting(page, tile(page, "note")), shared_note)
    page.reload()
    settled(page)
    assert near(resting(page, tile(page, "note")), shared_note)
    assert stored(live, board_id).version == before.version
