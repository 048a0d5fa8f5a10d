"""Data whose time is kept as parts: the upload page offers the timestamp built from them, in a real chromium."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Live, sign_in
from tests.conftest import real_file

pytestmark = pytest.mark.browser

COUNTS = "nyc_automated_traffic_volume_counts_2024_extract.csv"


def _preview(page: Page, live: Live, name: str) -> None:
    sign_in(page, live.url, "traffic_staff", "/upload")
    path = real_file(COUNTS)
    page.locator("#upload-file input[type=file]").set_input_files(str(path))
    expect(page.locator("#upload-file-name")).to_have_text(path.name)
    page.fill("#upload-name", name)
    page.click("#upload-button")
    expect(page.locator("#upload-preview-summary")).to_be_visible(timeout=60_000)


@pytest.mark.parametrize(("choice", "kept"), [("timestamp", True), ("none", False)])
def test_the_upload_offers_the_timestamp_built_from_date_parts(page: Page, live: Live, choice: str, kept: bool) -> None:
    _preview(page, live, f"路段车流量 {uuid.uuid4().hex[:6]}")
    derived = page.locator("#upload-derived-time")
    expect(derived).to_contain_text("合成时间列（Yr+M+D+HH）")
    expect(derived).to_contain_text("observed_at")
    expect(derived).to_contain_text("示例：2024-")
    derived.locator("select").select_option(choice)
    page.click("#upload-confirm")
    expect(page.locator("#upload-success")).to_be_visible(timeout=60_000)
    names = page.locator("#upload-report table tbody tr td:first-child")
    expect(names.filter(has_text="observed_at")).to_have_count(1 if kept else 0)
