"""Boards in a real chromium: a department's analyst (an editor) arranges its board (drag, resize, add, remove, undo) and it is
kept across reloads; two sessions editing one board get a conflict that keeps the second one's work; a leader
cross-filters the cockpit and drills into a department board; another department sees only "not found";
hostile titles and markdown render as text. The fixtures fail a test on any console error or dialog.

The boards run on a small demo city (this module's own `live`), so every tile has real data; each test edits
its own copy of a seeded board.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import TIMEOUT_MS, Live, Watch
from tests.browser.democity import demo_city, sign_in

pytestmark = pytest.mark.browser

SAVED = ".board-saved"


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    """This module's app: the demo city at a small scale (users, datasets, indicators and the seven boards)."""
    with demo_city("boards") as found:
        yield found


# -- helpers --------------------------------------------------------------------------------------------
def copy_board(live: Live, source: str, **changes: Any) -> str:
    """A fresh board of the source's department with the source's tiles (owned by the system)."""
    from access.actor import SYSTEM
    from boards.catalog import create_board, get_board

    board_id = f"t_{uuid.uuid4().hex[:10]}"
    with live.rt.store.transaction() as db:
        original = get_board(db, SYSTEM, source)
        create_board(db, SYSTEM, original.spec.to_dict() | changes, department=original.department, board_id=board_id)
    return board_id


def stored(live: Live, board_id: str) -> Any:
    from access.actor import SYSTEM
    from boards.catalog import get_board

    with live.rt.store.read() as db:
        return get_board(db, SYSTEM, board_id)


def place(live: Live, board_id: str, tile_id: str) -> dict[str, int]:
    found = next(p for p in stored(live, board_id).spec.layout if p.i == tile_id)
    return {"x": found.x, "y": found.y, "w": found.w, "h": found.h}


def settled(page: Page) -> None:
    """Every tile has its data (no loading state, no reload in flight)."""
    expect(page.locator("#board-grid-wrap .board-tile").first).to_be_visible()
    expect(page.locator(".tile-state-loading")).to_have_count(0)
    expect(page.locator(".board-grid-wrap.is-loading")).to_have_count(0)


def tile(page: Page, tile_id: str) -> Locator:
    return page.locator(f"#tile-{tile_id}")


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return found


def resting(page: Page, locator: Locator) -> dict[str, float]:
    """A tile's box in the grid (the edit toolbar moves the whole grid) once it stopped moving (react-grid-layout
    animates tiles into place)."""

    def measure() -> dict[str, float]:
        found, grid = box(locator), box(page.locator("#board-grid-wrap"))
        return {**found, "x": found["x"] - grid["x"], "y": found["y"] - grid["y"]}

    last = measure()
    for _ in range(20):
        page.wait_for_timeout(100)
        now = measure()
        if all(abs(now[k] - last[k]) < 0.5 for k in now):
            return now
        last = now
    return last


def click_bar(page: Page, bar: Locator) -> None:
    """Plotly takes clicks on its drag layer, over the bar: click where the bar is."""
    found = box(bar)
    page.mouse.click(found["x"] + found["width"] / 2, found["y"] + found["height"] / 2)


def drag(page: Page, source: Locator, target_x: float, target_y: float) -> None:
    """A real pointer drag (react-grid-layout needs intermediate moves)."""
    start = box(source)
    page.mouse.move(start["x"] + 30, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(target_x, target_y, steps=15)
    page.mouse.up()


def edit_mode(page: Page) -> None:
    page.click(".board-edit-switch input")
    expect(page.locator(".board-page.board-editing")).to_be_visible()


def saved_version(page: Page, version: int) -> None:
    expect(page.locator("#board-status .board-version")).to_have_text(f"版本 {version}")
    expect(page.locator(f"#board-status {SAVED}")).to_be_visible()


def quiet_version(page: Page) -> int:
    """The saved version once no save has happened for a second (the grid's own follow-up layout saves included)."""
    badge = page.locator("#board-status .board-version")
    expect(page.locator(f"#board-status {SAVED}")).to_be_visible()
    seen = badge.inner_text()
    for _ in range(100):
        page.wait_for_timeout(1000)
        now = badge.inner_text()
        if now == seen:
            break
        seen = now
    return int(re.sub(r"\D", "", seen))


@contextlib.contextmanager
def second_page(browser: Browser, live: Live) -> Iterator[Page]:
    """Another browser context (its own cookies: a second session), held to the same no-console-error rule."""
    context = browser.new_context(base_url=live.url, locale="zh-CN", viewport={"width": 1400, "height": 1600})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = Watch()
    page.on("console", lambda m: watch.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not watch.unexpected(), watch.unexpected()


# -- tests ----------------------------------------------------------------------------------------------
def test_an_editor_moves_and_resizes_a_tile_and_it_stays_after_reload(page: Page, live: Live) -> None:
    board_id = copy_board(live, "traffic_board", title={"zh": "拖放测试看板", "en": "Drag test"})
    page.set_viewport_size({"width": 1400, "height": 1600})
    sign_in(page, live, "traffic_analyst", "/boards")  # staff arrange a personal view instead (test_board_views.py)
    expect(page.locator("#boards-list")).to_contain_text("城市运行驾驶舱")
    expect(page.locator("#boards-list")).not_to_contain_text("12345 热线看板")
    page.get_by_role("link", name="拖放测试看板").click()
    settled(page)
    assert place(live, board_id, "note") != {"x": 0, "y": 0, "w": 4, "h": 6}

    edit_mode(page)
    corner = box(tile(page, "k_congestion"))
    drag(page, tile(page, "note").locator(".tile-head"), corner["x"] + 30, corner["y"] + 15)
    saved_version(page, 2)
    assert place(live, board_id, "note") == {"x": 0, "y": 0, "w": 4, "h": 6}
    moved = resting(page, tile(page, "note"))

    page.reload()
    settled(page)
    after = resting(page, tile(page, "note"))
    assert abs(after["x"] - moved["x"]) < 3 and abs(after["y"] - moved["y"]) < 3, (moved, after)

    edit_mode(page)
    handle = tile(page, "note").locator("xpath=..").locator(".react-resizable-handle")
    grip = box(handle)
    page.mouse.move(grip["x"] + 8, grip["y"] + 8)
    page.mouse.down()
    page.mouse.move(grip["x"] + 300, grip["y"] + 80, steps=15)
    page.mouse.up()
    saved_version(page, 3)
    resized = place(live, board_id, "note")
    assert resized["x"] == 0 and resized["w"] > 4 and resized["h"] > 6, resized
    grown = resting(page, tile(page, "note"))
    page.reload()
    settled(page)
    kept = resting(page, tile(page, "note"))
    assert abs(kept["width"] - grown["width"]) < 3 and abs(kept["height"] - grown["height"]) < 3 and grown["width"] > after["width"] + 200


def test_an_editor_adds_removes_and_undoes_tiles(page: Page, live: Live) -> None:
    board_id = copy_board(live, "traffic_board")
    page.set_viewport_size({"width": 1400, "height": 1600})
    sign_in(page, live, "traffic_analyst", f"/boards/{board_id}")
    settled(page)
    edit_mode(page)

    page.click(".board-palette")
    expect(page.get_by_role("searchbox", name="Search")).to_be_focused()  # typing before it opens would be lost
    page.keyboard.type("平均车速")
    page.locator(".dash-dropdown-option", has_text="traffic.avg_speed").click()
    expect(page.locator(".board-palette")).to_contain_text("平均车速")
    page.select_option(".board-tile-type", "bar")
    page.fill(".board-tile-title", "各区平均车速")
    page.get_by_role("button", name="添加图块").click()
    saved_version(page, 2)
    added = tile(page, "bar_1")
    expect(added.locator(".tile-title")).to_have_text("各区平均车速")
    expect(added.locator(".tile-graph .main-svg").first).to_be_visible()
    settled(page)
    spec = stored(live, board_id).spec
    assert [(t.id, t.type.value, t.source.indicator, t.options.get("by")) for t in spec.tiles][-1] == (
        "bar_1",
        "bar",
        "traffic.avg_speed",
        "district",
    )

    tile(page, "note").locator(".tile-remove").click()
    # Version 3 is the removal; the grid closing the gap may save version 4 before the badge is read.
    expect(page.locator("#board-status .board-version")).to_have_text(re.compile("^版本 [34]$"))
    expect(tile(page, "note")).to_have_count(0)
    assert "note" not in {t.id for t in stored(live, board_id).spec.tiles}
    # The grid may close the gap the removed tile left, which is a layout change of its own and saves too.
    removed = quiet_version(page)

    page.get_by_role("button", name="撤销").click()
    expect(tile(page, "note").locator(".tile-text")).to_contain_text("智慧信号项目")
    restored = quiet_version(page)
    assert restored > removed
    after = stored(live, board_id)
    assert after.version == restored and "note" in {t.id for t in after.spec.tiles}


def test_two_sessions_edit_one_board_and_the_second_keeps_its_work(page: Page, live: Live, browser: Browser) -> None:
    board_id = copy_board(live, "traffic_board", title={"zh": "冲突测试看板", "en": "Conflict test"})
    page.set_viewport_size({"width": 1400, "height": 1600})
    sign_in(page, live, "traffic_analyst", f"/boards/{board_id}")
    settled(page)
    with second_page(browser, live) as other:  # the same editor in a second session
        sign_in(other, live, "traffic_analyst", f"/boards/{board_id}")
        settled(other)
        edit_mode(page)
        edit_mode(other)

        corner = box(tile(page, "k_congestion"))
        drag(page, tile(page, "note").locator(".tile-head"), corner["x"] + 30, corner["y"] + 15)
        saved_version(page, 2)

        target = box(tile(other, "k_congestion"))
        drag(other, tile(other, "rank").locator(".tile-head"), target["x"] + 30, target["y"] + 15)
        conflict = other.locator(".board-conflict")
        expect(conflict).to_be_visible()
        expect(conflict.locator(".board-conflict-message")).to_contain_text("traffic_analyst")
        expect(conflict.locator(".board-conflict-message")).to_contain_text("当前版本 2")
        assert resting(other, tile(other, "rank"))["x"] < 5  # their arrangement is on screen
        assert place(live, board_id, "note")["x"] == 0 and place(live, board_id, "rank")["x"] == 8  # and not saved
        assert stored(live, board_id).version == 2

        other.get_by_role("button", name="另存为副本").click()
        other.wait_for_url(lambda url: "/boards/" in url and board_id not in url)
        settled(other)
        expect(other.locator(".board-title")).to_have_text("冲突测试看板（副本）")
        copy_id = other.url.rsplit("/", 1)[1].split("?")[0]
        copy = stored(live, copy_id)
        assert copy.department == "traffic" and copy.owner == "traffic_analyst" and copy.version == 1
        assert next(p for p in copy.spec.layout if p.i == "rank").x == 0
        assert stored(live, board_id).version == 2


def test_a_leader_cross_filters_the_cockpit_and_drills_into_a_department_board(page: Page, live: Live) -> None:
    page.set_viewport_size({"width": 1400, "height": 1600})
    sign_in(page, live, "leader", "/boards/city_cockpit")
    settled(page)
    expect(page.locator(".board-edit-switch")).to_have_count(0)
    expect(tile(page, "k_congestion").locator(".kpi-number")).to_be_visible()

    ranking = tile(page, "pm25_rank")
    bar = ranking.locator(".bars .point path").first
    click_bar(page, bar)
    chip = page.locator(".cross-chip")
    expect(chip).to_be_visible()
    district = page.locator("#board-cross-text").inner_text()
    assert re.fullmatch(r".+区", district), district
    settled(page)
    expect(tile(page, "complaints_rank").locator(".bars .point")).to_have_count(1)  # the other ranking follows the click
    expect(ranking.locator(".bars .point")).to_have_count(8)  # the clicked one keeps every district, its pick highlighted

    page.click("#board-cross-clear")
    expect(chip).to_be_hidden()
    settled(page)
    expect(tile(page, "complaints_rank").locator(".bars .point")).to_have_count(8)

    click_bar(page, bar)
    expect(chip).to_be_visible()
    drill = tile(page, "k_congestion").locator(".kpi-drill")
    expect(drill).to_have_attribute("href", re.compile(f"^/boards/traffic_board\\?.*district={quote(district)}"))
    drill.click()
    page.wait_for_url(re.compile(r"/boards/traffic_board\?"))
    assert "from=2025-01-01" in page.url and "to=2025-12-31" in page.url and f"district={quote(district)}" in page.url
    expect(page.locator(".board-title")).to_have_text("交通运行看板")
    settled(page)
    expect(page.locator(".board-filter-district")).to_contain_text(district)
    expect(tile(page, "rank").locator(".bars .point")).to_have_count(1)

    # The bar marks the section being shown, and the language switch comes back to this very page.
    expect(page.locator(".navbar .nav-link.active")).to_have_text(["看板"])
    page.click("#nav-lang")
    page.wait_for_url(re.compile(r"/boards/traffic_board\?.*district="))
    expect(page.locator(".board-title")).to_have_text("Traffic board")
    expect(page.locator(".navbar .nav-link.active")).to_have_text(["Boards"])
    page.click("#nav-lang")  # back to Chinese for the other tests of this session
    expect(page.locator(".board-title")).to_have_text("交通运行看板")


def test_another_department_cannot_open_the_board(page: Page, live: Live) -> None:
    sign_in(page, live, "hotline_staff", "/boards")
    expect(page.locator("#boards-list")).to_contain_text("12345 热线看板")
    expect(page.locator("#boards-list")).not_to_contain_text("交通运行看板")
    page.goto(f"{live.url}/boards/traffic_board")
    missing = page.locator(".empty-state")
    expect(missing).to_have_text(re.compile("看板不存在或您无权访问。"))
    foreign = page.locator(".page").inner_text()
    page.goto(f"{live.url}/boards/no_such_board")
    expect(missing).to_be_visible()
    assert page.locator(".page").inner_text() == foreign
    assert "交通" not in foreign and "拥堵" not in foreign


def test_hostile_titles_and_markdown_render_as_text(page: Page, live: Live) -> None:
    hostile = "<img src=x onerror=alert(1)>看板"
    markdown = "<script>alert(1)</script>\n\n[点我](javascript:alert(1)) [官网](https://example.org) <img src=x onerror=alert(2)>"
    tiles = [{"id": "note", "type": "text", "title": {"zh": "<b>说明</b>", "en": ""}, "text": markdown}]
    board_id = copy_board(
        live, "traffic_board", title={"zh": hostile, "en": hostile}, tiles=tiles, layout=[{"i": "note", "x": 0, "y": 0, "w": 6, "h": 4}]
    )
    sign_in(page, live, "traffic_staff", f"/boards/{board_id}")
    settled(page)
    expect(page.locator(".board-title")).to_have_text(hostile)
    note = tile(page, "note")
    expect(note.locator(".tile-title")).to_have_text("<b>说明</b>")
    expect(note.locator(".tile-text")).to_contain_text("<script>alert(1)</script>")
    expect(note.locator(".tile-text")).to_contain_text("<img src=x onerror=alert(2)>")
    expect(note.locator(".tile-text a")).to_have_count(1)
    expect(note.locator(".tile-text a")).to_have_attribute("href", "https://example.org")
    expect(note.locator(".tile-text")).to_contain_text("点我")
    expect(page.locator(".board-page script, .board-page img[src='x']")).to_have_count(0)
