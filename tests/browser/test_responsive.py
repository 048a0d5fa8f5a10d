"""Phone and big screen in a real chromium (issue 11, point 3).

At 390 px the cockpit and every board fit the screen (no horizontal scroll), tiles stack in one column in their
layout order, the navbar folds behind a menu button and the filters sit in a drawer that still filters. At
1920×1080, `?present=1` is the 大屏: no navbar or editing chrome, a dark page, tiles reloaded on a timer and paged
when they do not fit. The fixtures fail a test on any console error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import FloatRect, Page, ViewportSize, expect

from tests.browser.conftest import Live
from tests.browser.democity import demo_city, sign_in

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
BIG: ViewportSize = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with demo_city("responsive") as found:
        yield found


def settled(page: Page) -> None:
    expect(page.locator("#board-grid-wrap .board-tile").first).to_be_visible()
    expect(page.locator(".tile-state-loading")).to_have_count(0)
    expect(page.locator(".board-grid-wrap.is-loading")).to_have_count(0)


def no_sideways_scroll(page: Page) -> None:
    wide, screen = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert wide <= screen, f"{page.url}: the page is {wide} px wide on a {screen} px screen"


def boards_of(live: Live, username: str) -> list[Any]:
    from access.users import to_actor, user_by_name
    from boards.catalog import list_boards

    with live.rt.store.read() as db:
        who = to_actor(user_by_name(db, username), db)
        return list(list_boards(db, who))


def layout_order(board: Any) -> list[str]:
    """The board's tile ids top to bottom, left to right, from its saved layout."""
    return [p.i for p in sorted(board.spec.layout, key=lambda p: (p.y, p.x))]


def tile_boxes(page: Page) -> dict[str, FloatRect]:
    out = {}
    for element in page.locator("#board-grid-wrap .board-tile").all():
        found = element.bounding_box()
        assert found is not None
        out[str(element.get_attribute("id")).removeprefix("tile-")] = found
    return out


# -- phone ----------------------------------------------------------------------------------------------------
def test_the_cockpit_on_a_phone_is_one_column_in_layout_order(page: Page, live: Live) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live, "leader", "/boards/city_cockpit")
    settled(page)
    no_sideways_scroll(page)
    cockpit = next(b for b in boards_of(live, "leader") if b.id == "city_cockpit")
    boxes = tile_boxes(page)
    order = layout_order(cockpit)
    assert list(boxes) == order  # the page holds them in layout order (screen readers and keyboards follow it)
    assert len({round(boxes[i]["x"]) for i in order}) == 1, {i: boxes[i]["x"] for i in order}
    tops = [boxes[i]["y"] for i in order]
    assert all(a + boxes[i]["height"] <= b + 1 for a, b, i in zip(tops, tops[1:], order, strict=False)), tops
    assert all(b["width"] > PHONE["width"] * 0.85 for b in boxes.values())

    # The navbar folds behind its menu button, which opens it.
    boards_link = page.locator(".city-navbar .nav-link", has_text="看板")
    expect(boards_link).to_be_hidden()
    page.get_by_role("button", name="打开或收起菜单").click()
    expect(boards_link).to_be_visible()
    no_sideways_scroll(page)


def test_every_board_and_page_fits_a_phone(page: Page, live: Live) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live, "leader", "/boards")
    no_sideways_scroll(page)
    found = boards_of(live, "leader")
    assert len(found) >= 2
    for board in found:
        page.goto(f"{live.url}/boards/{board.id}")
        settled(page)
        no_sideways_scroll(page)
        xs = {round(b["x"]) for b in tile_boxes(page).values()}
        assert len(xs) == 1, (board.id, xs)
    for path in ("/", "/indicators", "/indicators/traffic.congestion_index", "/boards"):
        page.goto(f"{live.url}{path}")
        expect(page.locator("main.page h1").first).to_be_visible()
        no_sideways_scroll(page)


def test_a_clerk_filters_a_board_from_the_drawer_on_a_phone(page: Page, live: Live) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live, "leader", "/boards/city_cockpit")
    settled(page)
    drawer = page.locator("#board-filters")
    district = page.locator("#board-district")
    expect(district).to_be_hidden()  # folded away: the tiles get the screen
    number = page.locator("#tile-k_congestion .kpi-number")
    city_wide = number.inner_text()

    page.get_by_role("button", name="筛选", exact=True).click()
    expect(drawer).to_have_class(re.compile(r"\bshow\b"))
    expect(district).to_be_visible()
    no_sideways_scroll(page)
    district.click()
    page.locator(".dash-dropdown-option", has_text="高新区").click()
    page.get_by_role("button", name="完成").click()
    expect(district).to_be_hidden()
    settled(page)
    expect(number).not_to_have_text(city_wide)
    expect(page.locator("#board-present")).to_have_attribute("href", re.compile(r"district=%E9%AB%98%E6%96%B0%E5%8C%BA"))
    no_sideways_scroll(page)


def test_on_a_wide_screen_the_filters_stay_in_the_page(page: Page, live: Live) -> None:
    sign_in(page, live, "leader", "/boards/city_cockpit")
    settled(page)
    expect(page.locator("#board-district")).to_be_visible()
    expect(page.locator("#board-filters-open")).to_be_hidden()
    expect(page.locator(".city-navbar .nav-link", has_text="看板")).to_be_visible()
    xs = {round(b["x"]) for b in tile_boxes(page).values()}
    assert len(xs) > 1  # the grid, not a column


# -- big screen -----------------------------------------------------------------------------------------------
def luminance(css_color: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_the_big_screen_is_dark_without_chrome_refreshes_and_pages(page: Page, live: Live) -> None:
    page.set_viewport_size(BIG)
    sign_in(page, live, "leader", "/boards/city_cockpit")
    settled(page)
    page.locator("#board-present").click()
    page.wait_for_url(re.compile(r"present=1"))
    settled(page)
    expect(page.locator(".city-navbar")).to_be_hidden()
    for chrome in ("#board-reload", "#board-share-open", "#board-export-pdf", "#board-district", ".ask-box"):
        expect(page.locator(chrome)).to_be_hidden()
    assert luminance(page.evaluate("getComputedStyle(document.body).backgroundColor")) < 0.15
    assert luminance(page.evaluate("getComputedStyle(document.querySelector('.board-tile')).backgroundColor")) < 0.2
    no_sideways_scroll(page)

    # The cockpit is taller than one screen: its tiles come in pages that rotate, none shown cut off.
    page.goto(f"{live.url}/boards/city_cockpit?present=1&refresh=5&rotate=5")
    settled(page)
    counter = page.locator("#board-page-no")
    expect(counter).to_have_text(re.compile(r"^1 / [2-9]$"))
    first = visible_tiles(page)
    with page.expect_request(
        lambda r: "_dash-update-component" in r.url and "board-reload.n_clicks" in (r.post_data or ""), timeout=12_000
    ):
        pass  # the board asks the server again on its own
    expect(counter).to_have_text(re.compile(r"^2 / [2-9]$"), timeout=12_000)
    second = visible_tiles(page)
    assert first and second and not first & second, (first, second)
    height = page.locator(".board-grid-wrap").bounding_box()
    assert height is not None and height["y"] + height["height"] <= BIG["height"] + 1


def visible_tiles(page: Page) -> set[str]:
    """Tiles wholly on the screen now (the others are hidden until their page comes)."""
    wrap = page.locator(".board-grid-wrap").bounding_box()
    assert wrap is not None
    shown = set()
    for tile_id, found in tile_boxes(page).items():
        item = page.locator(f"#tile-{tile_id}")
        if item.evaluate("el => getComputedStyle(el.closest('.react-grid-item')).visibility") != "visible":
            continue
        assert found["y"] >= wrap["y"] - 1 and found["y"] + found["height"] <= wrap["y"] + wrap["height"] + 1, tile_id
        shown.add(tile_id)
    return shown
