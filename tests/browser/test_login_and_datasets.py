"""Signing in and out, the home grid, the dataset page and its tabs, in a real chromium."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Live, Watch, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

NOT_FOUND = "页面不存在或您无权访问。"


def grid_rows(page: Page, grid: str) -> Locator:
    """The rendered rows of an AG Grid (the centre container; pinned columns live in another one)."""
    return page.locator(f"#{grid} .ag-center-cols-container .ag-row")


def home_names(page: Page) -> list[str]:
    expect(grid_rows(page, "home-grid").first).to_be_visible()
    return page.locator("#home-grid .ag-center-cols-container .ag-row [col-id='name']").all_inner_texts()


def home_departments(page: Page) -> set[str]:
    return set(page.locator("#home-grid .ag-center-cols-container .ag-row [col-id='department']").all_inner_texts())


def open_tab(page: Page, label: str) -> None:
    page.locator("#dataset-tabs .nav-link", has_text=label).click()


def preview_cell(page: Page, row: int, column: str) -> Locator:
    return page.locator(f"#preview-grid .ag-center-cols-container .ag-row[row-index='{row}'] [col-id='{column}']")


def show_column(page: Page, grid: str, column: str) -> None:
    """Scroll a wide grid horizontally to a column (AG Grid renders only the columns in view)."""
    page.evaluate("([grid, column]) => dash_ag_grid.getApi(grid).ensureColumnVisible(column)", [grid, column])


def test_anonymous_visit_is_sent_to_login(page: Page, live: Live) -> None:
    page.goto("/")
    expect(page).to_have_url(f"{live.url}/login?next=/")
    expect(page.locator("#login-submit")).to_be_visible()
    expect(page.locator("#home-grid")).to_have_count(0)


def test_wrong_password_shows_error_and_no_session(page: Page, live: Live, watch: Watch) -> None:
    watch.allow_console(r"status of 401 \(UNAUTHORIZED\) @ .*/login$")  # the refused login answers 401
    page.goto("/login")
    page.fill("#username", "traffic_staff")
    page.fill("#password", PASSWORD + "-wrong")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_have_text("用户名或密码错误。")
    page.goto("/")
    expect(page).to_have_url(f"{live.url}/login?next=/")


def test_sign_in_returns_to_the_requested_page(page: Page, live: Live) -> None:
    page.goto(f"/datasets/{live.happiness}")
    expect(page).to_have_url(f"{live.url}/login?next=/datasets/{live.happiness}")
    page.fill("#username", "traffic_staff")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    expect(page).to_have_url(f"{live.url}/datasets/{live.happiness}")
    expect(page.locator("h1")).to_have_text("幸福感调查")


@pytest.mark.parametrize(
    ("username", "must_see", "must_not_see", "departments"),
    [
        ("traffic_staff", ["幸福感调查"], ["12345热线工单"], {"交通运输局"}),
        ("hotline_staff", ["12345热线工单"], ["幸福感调查"], {"12345热线中心"}),
        ("admin", ["幸福感调查", "12345热线工单"], [], None),
        ("leader", ["幸福感调查", "12345热线工单"], [], None),
    ],
)
def test_home_lists_only_the_datasets_the_user_may_use(
    page: Page, live: Live, username: str, must_see: list[str], must_not_see: list[str], departments: set[str] | None
) -> None:
    sign_in(page, live.url, username)
    names = home_names(page)
    assert set(must_see) <= set(names), names
    assert not set(must_not_see) & set(names), names
    if departments is not None:
        assert home_departments(page) == departments
    if username == "hotline_staff":  # nobody imports into the hotline department during the run
        assert names == ["12345热线工单"]


def test_search_filters_by_chinese_name(page: Page, live: Live) -> None:
    sign_in(page, live.url, "admin")
    assert len(home_names(page)) >= 2
    page.fill("#home-search", "幸福")
    expect(grid_rows(page, "home-grid")).to_have_count(1)
    expect(grid_rows(page, "home-grid").locator("[col-id='name']")).to_have_text("幸福感调查")
    page.fill("#home-search", "")
    expect(grid_rows(page, "home-grid")).not_to_have_count(1)


@pytest.mark.parametrize(
    ("lang", "query", "shown"),
    [("zh", "Happiness", "幸福感调查"), ("en", "幸福", "Happiness survey")],
    ids=["zh-ui-english-name", "en-ui-chinese-name"],
)
def test_search_filters_by_the_name_in_the_other_language(page: Page, live: Live, lang: str, query: str, shown: str) -> None:
    """The search box promises Chinese or English names; the other language's name is a hidden grid column."""
    sign_in(page, live.url, "admin")
    if lang == "en":
        page.click("#nav-lang")
        expect(page.locator("h1")).to_have_text("Datasets you can use")
    home_names(page)
    page.fill("#home-search", query)
    expect(grid_rows(page, "home-grid")).to_have_count(1)
    expect(grid_rows(page, "home-grid").locator("[col-id='name']")).to_have_text(shown)


def test_name_links_to_the_dataset_page(page: Page, live: Live) -> None:
    sign_in(page, live.url, "traffic_staff")
    home_names(page)
    link = page.locator(f"#home-grid a[href='/datasets/{live.happiness}']")
    expect(link).to_have_text("幸福感调查")
    link.click()
    expect(page).to_have_url(f"{live.url}/datasets/{live.happiness}")
    expect(page.locator("h1")).to_have_text("幸福感调查")
    expect(page.locator("#dataset-rows")).to_have_text("143")
    expect(grid_rows(page, "dict-grid")).to_have_count(7)


def test_dataset_page_shows_stats_and_dictionary(page: Page, live: Live) -> None:
    sign_in(page, live.url, "hotline_staff", f"/datasets/{live.hotline}")
    expect(page.locator("h1")).to_have_text("12345热线工单")
    expect(page.locator("#dataset-rows")).to_have_text("9,999")
    address = page.locator("#dict-grid .ag-center-cols-container .ag-row[row-id='address']")
    expect(address.locator("[col-id='label']")).to_have_text("Address")
    expect(address.locator("[col-id='pii']").get_by_role("checkbox")).to_be_checked()
    srnumber = page.locator("#dict-grid .ag-center-cols-container .ag-row[row-id='srnumber']")
    expect(srnumber.locator("[col-id='pii']").get_by_role("checkbox")).not_to_be_checked()


def test_quality_profile_tab(page: Page, live: Live) -> None:
    sign_in(page, live.url, "hotline_staff", f"/datasets/{live.hotline}")
    open_tab(page, "质量概况")
    expect(page.locator("#profile-checks")).to_be_visible()
    expect(page.locator("#profile-checks > div").first).not_to_be_empty()
    table = page.locator("#profile-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(33)  # one row per column of the LA 311 file
    expect(table.locator("tbody tr").first.locator("td").first).to_have_text("srnumber")


def test_preview_masks_personal_data_and_loads_blocks_on_scroll(page: Page, live: Live) -> None:
    sign_in(page, live.url, "hotline_staff", f"/datasets/{live.hotline}")
    open_tab(page, "数据预览")
    expect(preview_cell(page, 0, "srnumber")).to_have_text(re.compile(r"^1-\d+$"))
    show_column(page, "preview-grid", "address")
    for row in range(5):  # addresses like "2111 W BELLEVUE AVE, 90026" become "2111 W***"
        expect(preview_cell(page, row, "address")).to_have_text(re.compile(r"^.{6}\*\*\*$"))
    # The infinite row model holds 100-row blocks: the last rows come from a later request.
    assert page.locator("#preview-grid .ag-row[row-index='9998']").count() == 0
    page.locator("#preview-grid .ag-body-viewport").evaluate("el => { el.scrollTop = el.scrollHeight; }")
    show_column(page, "preview-grid", "srnumber")
    expect(preview_cell(page, 9998, "srnumber")).to_have_text(re.compile(r"^1-\d+$"))
    show_column(page, "preview-grid", "address")
    expect(preview_cell(page, 9998, "address")).to_have_text(re.compile(r"^.{6}\*\*\*$"))


def test_admin_sees_personal_data_unmasked(page: Page, live: Live) -> None:
    sign_in(page, live.url, "admin", f"/datasets/{live.hotline}")
    open_tab(page, "数据预览")
    expect(preview_cell(page, 0, "srnumber")).to_have_text(re.compile(r"^1-\d+$"))
    show_column(page, "preview-grid", "address")
    expect(preview_cell(page, 0, "address")).to_have_text(re.compile(r"^[^*]+, \d{5}$"))


def test_history_tab(page: Page, live: Live) -> None:
    sign_in(page, live.url, "hotline_staff", f"/datasets/{live.hotline}")
    open_tab(page, "版本历史")
    rows = page.locator(".tab-pane.active table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").nth(0)).to_have_text("1")
    expect(rows.first.locator("td").nth(1)).to_have_text("9,999")


def test_analyst_edits_a_description_and_it_persists(page: Page, live: Live) -> None:
    text = f"满意度评分 {uuid.uuid4().hex[:6]}"
    sign_in(page, live.url, "traffic_analyst", f"/datasets/{live.happiness}")
    cell = page.locator("#dict-grid .ag-center-cols-container .ag-row[row-id='x1'] [col-id='description_zh']")
    cell.click()
    editor = cell.locator("input")
    expect(editor).to_be_focused()
    editor.fill(text)
    page.locator("h1").click()  # leave the cell: the grid stops editing when it loses focus
    expect(page.locator("#dict-status")).to_have_text("已保存。")
    page.reload()
    expect(cell).to_have_text(text)
    detail = page.request.get(f"/api/v1/datasets/{live.happiness}").json()
    assert next(c for c in detail["columns"] if c["name"] == "x1")["description_zh"] == text


def test_staff_cannot_edit_the_dictionary(page: Page, live: Live) -> None:
    sign_in(page, live.url, "traffic_staff", f"/datasets/{live.happiness}")
    cell = page.locator("#dict-grid .ag-center-cols-container .ag-row[row-id='x2'] [col-id='description_zh']")
    expect(cell).to_have_text("")
    cell.click()
    page.keyboard.type("不应保存")
    page.keyboard.press("Enter")
    expect(page.locator("#dict-grid .ag-cell-inline-editing")).to_have_count(0)
    expect(cell).to_have_text("")
    expect(page.locator("#dict-status")).to_have_text("")


def test_dataset_of_another_department_is_not_found(page: Page, live: Live) -> None:
    sign_in(page, live.url, "traffic_staff", f"/datasets/{live.hotline}")
    main = page.locator("main")
    expect(main).to_contain_text(NOT_FOUND)
    foreign = main.inner_text()
    for leaked in ("12345热线工单", "LA 311", "12345热线中心", "Address", "srnumber", "9,999"):
        assert leaked not in foreign
    expect(page.locator("#dict-grid")).to_have_count(0)
    expect(page.locator("#preview-grid")).to_have_count(0)
    page.goto("/datasets/no_such_dataset")
    expect(main).to_contain_text(NOT_FOUND)
    assert main.inner_text() == foreign  # identical to a dataset that does not exist


def test_language_switch_reloads_the_ui_in_english(page: Page, live: Live) -> None:
    sign_in(page, live.url, "traffic_staff")
    home_names(page)
    expect(page.locator("nav")).to_contain_text("数据集")
    page.click("#nav-lang")
    nav = page.locator("nav")
    expect(nav.get_by_role("link", name="Datasets", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Import data", exact=True)).to_be_visible()
    expect(page.locator("#logout-button")).to_have_text("Sign out")
    expect(page.locator("h1")).to_have_text("Datasets you can use")
    assert "Happiness survey" in home_names(page)
    page.goto(f"/datasets/{live.happiness}")
    expect(page.locator("#dataset-tabs .nav-link").first).to_have_text("Data dictionary")


def test_sign_out_ends_the_session(page: Page, live: Live) -> None:
    sign_in(page, live.url, "traffic_staff")
    home_names(page)
    page.click("#logout-button")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/")
    expect(page).to_have_url(f"{live.url}/login?next=/")
    assert page.request.get("/api/v1/datasets").status == 401
