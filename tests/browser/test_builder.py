"""The chart builder in a real chromium: a staff member picks a dataset, a measure, a grouping and a filter, reads
the filter sentence under the live chart, changes the chart type and saves it to their own charts, where the board
palette offers it; much of it with the keyboard only. A hostile title stays text; a leader previews but cannot save.
The fixtures fail a test on any console error or dialog.

The builder runs on a small demo city (this module's own `live`), so every chart has real data.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Live
from tests.browser.democity import demo_city, sign_in
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CHART = "#bld-preview .board-tile"
FILTER_COLUMN = '[id=\'{"slot":0,"type":"bld-filter-column"}\']'
FILTER_VALUES = '[id=\'{"slot":0,"type":"bld-filter-values"}\']'


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    """This module's app: the demo city at a small scale (users, datasets, indicators and boards)."""
    with demo_city("builder") as found:
        yield found


def chart(page: Page, kind: str) -> Locator:
    """The preview once it shows a drawn chart of `kind`."""
    found = page.locator(f"{CHART}.tile-{kind}.tile-is-ok")
    expect(found).to_be_visible()
    if kind not in ("kpi", "table"):
        expect(found.locator(".main-svg").first).to_be_visible()
    return found


def choose_source(page: Page, words: str) -> None:
    """Pick a source with the keyboard: focus the drop-down, type part of its name, Enter."""
    page.locator("#bld-source").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("searchbox", name="Search")).to_be_focused()  # typing before it opens would be lost
    page.keyboard.type(words)
    page.locator(".dash-dropdown-option", has_text=words).first.wait_for()
    page.keyboard.press("Enter")


def test_staff_builds_a_chart_and_saves_it_to_their_charts(page: Page, live: Live) -> None:
    sign_in(page, live, "traffic_staff", "/builder")
    expect(page.locator("#bld-preview")).to_contain_text("先选择一个数据集或指标")

    choose_source(page, "路段小时车速")
    first = chart(page, "line")  # the number of records by month, at once
    expect(first.locator(".tile-title")).to_have_text("记录数")
    expect(page.locator("#bld-field-list")).to_contain_text("speed_kmh")
    expect(page.locator("#bld-sentence")).to_have_text("筛选：无（显示您有权查看的全部数据）。数据范围：东城区（按您的权限）")

    page.fill("#bld-field-search", "整数")  # the type, in Chinese
    expect(page.locator("#bld-field-list .builder-field")).to_have_count(1)
    expect(page.locator("#bld-field-list .builder-field")).to_have_attribute("data-field", "volume")
    page.fill("#bld-field-search", "SPEED")
    expect(page.locator("#bld-field-list .builder-field")).to_have_count(2)

    page.select_option("#bld-measure-field-1", "speed_kmh")
    expect(page.locator("#bld-measure-agg-1")).to_have_value("avg")  # the summary a clerk most likely means
    expect(page.locator(f"{CHART} .tile-title")).to_have_text("车速（公里/小时） 平均值")

    # grouping and time by keyboard: type-ahead on the focused selects
    page.locator("#bld-dimension-1").focus()
    page.keyboard.press("ArrowDown")  # the first grouping after "none": 所在区 (district)
    expect(page.locator("#bld-dimension-1")).to_have_value("district")
    page.keyboard.press("Tab")  # then by
    page.keyboard.press("Tab")  # time field
    page.keyboard.press("Tab")  # time grain
    page.keyboard.press("Home")  # its first option: the whole range
    expect(page.locator("#bld-grain")).to_have_value("~")
    ranking = chart(page, "bar")
    expect(ranking.locator(".tile-title")).to_have_text("车速（公里/小时） 平均值（按 所在区）")

    # a filter whose drop-down holds only the staff member's own district
    page.locator(FILTER_COLUMN).focus()
    page.keyboard.press("ArrowDown")  # 观测时间 (observed_at)
    page.keyboard.press("ArrowDown")  # 所在区 (district)
    expect(page.locator(FILTER_COLUMN)).to_have_value("district")
    values = page.locator(FILTER_VALUES)
    values.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".dash-dropdown-option")).to_have_count(1)
    expect(page.locator(".dash-dropdown-option")).to_have_text("东城区")
    expect(page.locator(".dash-dropdown-search")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".dash-dropdown-option input")).to_be_focused()
    page.keyboard.press("Enter")
    expect(values).to_contain_text("东城区")
    page.keyboard.press("Escape")
    expect(page.locator("#bld-sentence")).to_have_text("筛选：所在区 为 东城区。数据范围：东城区（按您的权限）")
    chart(page, "bar")

    # another chart type; those that cannot draw these fields truthfully are disabled (no donut of averages)
    expect(page.locator("#bld-chart input[value='line']")).to_be_disabled()
    expect(page.locator("#bld-chart input[value='donut']")).to_be_disabled()
    page.locator("#bld-chart input[value='table']").check()
    table = chart(page, "table")
    expect(table.locator(".ag-header-cell-text")).to_have_text(["district", "avg_speed_kmh"])
    expect(table.locator(".ag-cell").first).to_have_text("东城区")
    expect(page.locator("#bld-sentence")).to_contain_text("所在区 为 东城区")

    # save by keyboard: the title, then Enter on the button
    page.locator("#bld-title").fill("东城区车速")
    page.locator("#bld-save").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".builder-saved")).to_have_text("已保存到“我的图表”。")
    link = page.locator(".builder-open-board")
    expect(link).to_have_attribute("href", f"/boards/my_{_user_id(live, 'traffic_staff')}")

    # the saved chart is offered on every board the staff member edits (one of their own: a department's
    # shared boards are its analysts' to edit)
    page.goto(f"{live.url}/boards/{own_board(live, 'traffic_staff')}")
    page.click(".board-edit-switch input")
    page.click(".board-palette")
    expect(page.get_by_role("searchbox", name="Search")).to_be_focused()  # typing before it opens would be lost
    page.keyboard.type("东城区车速")
    expect(page.locator(".dash-dropdown-option", has_text="我的图表 · 东城区车速")).to_be_visible()


def own_board(live: Live, username: str) -> str:
    """A new board of the user's department that they own (so they edit it)."""
    from boards.catalog import create_board
    from tests.conftest import actor_of

    with live.rt.store.transaction() as db:
        return create_board(db, actor_of(live.rt, username), {"title": {"zh": "我的看板", "en": "Mine"}}).id


def _user_id(live: Live, username: str) -> int:
    from tests.conftest import actor_of

    return int(actor_of(live.rt, username).user_id)


def test_an_analyst_charts_every_district_then_switches_to_an_indicator(page: Page, live: Live) -> None:
    """A city-wide analyst sees every district; the screenshot for the docs is taken here."""
    sign_in(page, live, "traffic_analyst", "/builder?dataset=traffic_segment_speeds")
    chart(page, "line")
    page.select_option("#bld-measure-field-1", "speed_kmh")
    page.select_option("#bld-dimension-1", "district")
    page.select_option("#bld-grain", "~")
    page.locator(FILTER_COLUMN).select_option("road_class")
    page.locator(FILTER_VALUES).click()
    page.locator(".dash-dropdown-option", has_text="主干道").click()  # the stored arterial, labelled
    page.keyboard.press("Escape")
    expect(page.locator("#bld-sentence")).to_have_text("筛选：道路等级 为 主干道")
    ranking = chart(page, "bar")
    expect(ranking.locator(".main-svg .ytick")).to_have_count(8)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ROOT / "docs" / "builder.png"), full_page=True)

    page.click("#bld-source")
    page.fill(".dash-dropdown-search", "Average speed")  # an English name finds the source on a Chinese page
    page.locator(".dash-dropdown-option", has_text="平均车速").click()
    indicator = chart(page, "line")
    expect(indicator.locator(".tile-title")).to_have_text("平均车速")
    expect(page.locator(".builder-indicator-note")).to_contain_text("按指标“平均车速”的口径计算")


def test_a_hostile_title_stays_text_and_a_leader_cannot_save(page: Page, live: Live) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    sign_in(page, live, "traffic_staff", "/builder?dataset=traffic_segment_speeds")
    chart(page, "line")
    page.locator("#bld-title").fill(hostile)
    page.click("#bld-save")
    expect(page.locator(".builder-saved")).to_be_visible()
    page.goto(f"{live.url}/boards/{own_board(live, 'traffic_staff')}")
    page.click(".board-edit-switch input")
    page.click(".board-palette")
    expect(page.get_by_role("searchbox", name="Search")).to_be_focused()  # typing before it opens would be lost
    page.keyboard.type("onerror")
    expect(page.locator(".dash-dropdown-option", has_text=f"我的图表 · {hostile}")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live, "leader", "/builder?dataset=traffic_segment_speeds")
    chart(page, "line")
    expect(page.locator("#bld-save")).to_have_count(0)
    expect(page.get_by_text("领导账号可以预览图表，但不能保存。")).to_be_visible()
