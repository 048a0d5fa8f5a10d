"""One language per screen, as a browser shows it: the chart text Plotly draws, the cross-filter chip the browser
writes, the grid's own words and the tab's title, on the demo city's cockpit in English and in Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from demo.city import DISTRICTS
from tests.browser.conftest import Live
from tests.browser.democity import demo_city, sign_in

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = {d.name_en for d in DISTRICTS}
CHINESE = {d.name_zh for d in DISTRICTS}
SVG_TEXT = "() => Array.from(document.querySelectorAll('#tile-pm25_rank svg text')).map(e => e.textContent)"


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with demo_city("language") as found:
        yield found


def settled(page: Page) -> None:
    expect(page.locator("#board-grid-wrap .board-tile").first).to_be_visible()
    expect(page.locator(".tile-state-loading")).to_have_count(0)
    expect(page.locator(".board-grid-wrap.is-loading")).to_have_count(0)
    expect(page.locator("#tile-pm25_rank .bars .point")).to_have_count(8)


def click_first_bar(page: Page) -> None:
    """Plotly takes clicks on its drag layer, over the bar: click where the bar is."""
    found = page.locator("#tile-pm25_rank .bars .point path").first.bounding_box()
    assert found is not None
    page.mouse.click(found["x"] + found["width"] / 2, found["y"] + found["height"] / 2)


def test_the_cockpit_reads_in_english_and_in_chinese(page: Page, live: Live) -> None:
    page.set_viewport_size({"width": 1400, "height": 1600})
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live.url}])
    sign_in(page, live, "leader", "/boards/city_cockpit")
    settled(page)
    expect(page).to_have_title("Board")
    drawn = set(page.evaluate(SVG_TEXT))
    assert drawn & ENGLISH and not drawn & CHINESE, drawn  # the ranking names districts in English
    click_first_bar(page)
    chip = page.locator("#board-cross-text")
    expect(chip).to_have_text(re.compile(r"^\w+ District$"))  # the browser writes the member as the reader reads it
    assert chip.inner_text() in ENGLISH
    settled(page)
    assert not CJK.search(page.locator("#board-grid-wrap").inner_text().replace("市领导", ""))

    page.context.add_cookies([{"name": "lang", "value": "zh", "url": live.url}])
    page.goto(f"{live.url}/boards/city_cockpit")
    settled(page)
    expect(page).to_have_title("看板")
    drawn = set(page.evaluate(SVG_TEXT))
    assert drawn & CHINESE and not drawn & ENGLISH, drawn
    click_first_bar(page)
    expect(page.locator("#board-cross-text")).to_have_text(re.compile(r"^.+区$"))


def test_a_grid_speaks_chinese_on_a_chinese_page(page: Page, live: Live) -> None:
    page.context.add_cookies([{"name": "lang", "value": "zh", "url": live.url}])
    sign_in(page, live, "traffic_analyst", "/indicators/traffic.congestion_index?by=district")
    grid = page.locator("#ind-grid")
    expect(grid.locator(".ag-paging-panel")).to_be_visible()
    expect(grid.locator(".ag-paging-panel")).to_contain_text("每页行数")
    assert not re.search(r"\b(Page|of|to)\b", grid.locator(".ag-paging-panel").inner_text())
