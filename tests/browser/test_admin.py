"""The administration area and My API tokens in a real chromium: create a user, see it, change it, view as it;
non-administrators see neither the link nor the page. The fixtures fail a test on any console error or dialog."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Live, sign_in

pytestmark = pytest.mark.browser

XSS_NAME = "<img src=x onerror=alert(1)>王"


def api_status(live: Live, token: str) -> int:
    """GET /api/v1/datasets with only the token (no browser session)."""
    request = urllib.request.Request(f"{live.url}/api/v1/datasets", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_an_admin_creates_a_user_and_views_as_them(page: Page, live: Live) -> None:
    username = f"clerk_{uuid.uuid4().hex[:6]}"
    sign_in(page, live.url, "admin", "/admin")
    expect(page.locator("#nav-admin")).to_have_text("管理")
    expect(page.locator("#adm-user-grid .ag-row[row-id='traffic_staff']")).to_be_visible()

    # Every problem at once, from the service.
    page.click("#adm-new-submit")
    status = page.locator("#adm-new-status")
    expect(status.locator(".alert-danger")).to_contain_text("用户信息有误。")
    expect(status.locator("li")).to_have_text(
        ["用户名须为 2–64 位字母、数字、点、下划线或连字符。", "密码至少 8 位。", "部门“”不存在：请先创建该部门。"]
    )

    # Keyboard only: type, choose, Enter submits.
    page.fill("#adm-new-username", username)
    page.fill("#adm-new-display", XSS_NAME)
    page.fill("#adm-new-password", "clerk-pass-123")
    page.select_option("#adm-new-role", "staff")
    page.select_option("#adm-new-department", "hotline")
    page.select_option("#adm-new-district", "xicheng")
    page.press("#adm-new-password", "Enter")
    expect(status).to_have_text(f"已创建用户 {username}。")
    expect(page.locator("#adm-new-password")).to_have_value("")
    row = page.locator(f"#adm-user-grid .ag-row[row-id='{username}']")
    expect(row.locator("[col-id='display_name']")).to_have_text(XSS_NAME)  # text, not markup
    expect(row.locator("[col-id='department']")).to_have_text("12345热线中心")
    expect(row.locator("[col-id='district']")).to_have_text("西城区")
    expect(row.locator("[col-id='enabled']")).to_have_text("启用")

    # Choose the row, then disable and enable the account from the editor.
    row.locator("[col-id='username']").click()
    expect(page.locator("#adm-edit-pick")).to_have_value(username)
    expect(page.locator("#adm-edit-role")).to_have_value("staff")
    page.click("#adm-edit-toggle")
    expect(page.locator("#adm-edit-status")).to_have_text(f"已停用 {username}，其会话已结束。")
    expect(row.locator("[col-id='enabled']")).to_have_text("已停用")
    expect(page.locator("#adm-edit-toggle")).to_have_text("启用账号")
    page.click("#adm-edit-toggle")
    expect(row.locator("[col-id='enabled']")).to_have_text("启用")

    # View as the new user: the hotline dataset with the rows they see, not the traffic one.
    page.get_by_role("tab", name="以用户身份查看").click()
    page.select_option("#adm-view-user", username)
    result = page.locator("#adm-view-result")
    expect(result.locator(".view-as-who")).to_contain_text(f"{XSS_NAME}（{username}，业务人员，12345热线中心，西城区）")
    expect(result.locator(".view-dataset")).to_have_count(1)
    expect(result.locator(".view-dataset")).to_contain_text("12345热线工单")
    expect(result.locator(".view-dataset .view-rows")).to_have_text(re.compile(r"^[\d,]+$"))
    expect(result).not_to_contain_text("幸福感调查")
    expect(page.locator("#adm-view-indicator")).to_be_visible()

    # The audit log records the view.
    page.get_by_role("tab", name="审计日志").click()
    page.fill("#adm-audit-action", "admin.view_as")
    page.press("#adm-audit-action", "Enter")
    rows = page.locator("#adm-audit-grid .ag-center-cols-container .ag-row")
    expect(rows.locator("[col-id='action']")).to_have_text(["admin.view_as"])
    expect(rows.locator("[col-id='object_id']")).to_have_text([username])
    expect(rows.locator("[col-id='actor']")).to_have_text(["admin"])


@pytest.mark.parametrize("username", ["leader", "traffic_staff"])
def test_non_admins_see_no_link_and_no_page(page: Page, live: Live, username: str) -> None:
    sign_in(page, live.url, username)
    expect(page.locator("nav")).to_contain_text("指标")
    expect(page.locator("#nav-admin")).to_have_count(0)
    page.goto(f"{live.url}/admin")
    expect(page.locator(".empty-state")).to_contain_text("没有权限访问管理功能。")
    expect(page.locator("#adm-tabs")).to_have_count(0)
    expect(page.locator("#adm-user-grid")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("hotline_staff")


def test_my_tokens_are_shown_once_and_revoked(page: Page, live: Live) -> None:
    sign_in(page, live.url, "traffic_staff", "/tokens")
    expect(page.locator("h1")).to_have_text("我的 API 令牌")
    name = f"报表 {uuid.uuid4().hex[:4]}"
    page.fill("#tok-name", name)
    page.press("#tok-name", "Enter")
    token = page.locator("#tok-value")
    expect(token).to_have_text(re.compile(r"^cic_\S+$"))
    secret = token.inner_text()
    row = page.locator("#tok-table .token-row", has_text=name)
    expect(row).to_contain_text(f"{secret[:8]}…")
    assert api_status(live, secret) == 200
    row.get_by_role("button", name=f"撤销令牌 {name}").click()
    expect(page.locator("#tok-status")).to_have_text("令牌已撤销，之后使用它的请求都会被拒绝。")
    expect(row).to_contain_text("已撤销")
    assert api_status(live, secret) == 401
