"""The upload page in a real chromium: new datasets, replacements, refused files, permissions, stored XSS."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Live, Watch, sign_in

pytestmark = pytest.mark.browser

UPLOAD_API = re.compile(r"/api/v1/datasets\?")
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(2)</script>"


def suffix() -> str:
    return uuid.uuid4().hex[:6]


def choose_file(page: Page, path: Path) -> None:
    page.locator("#upload-file input[type=file]").set_input_files(str(path))
    expect(page.locator("#upload-file-name")).to_have_text(path.name)


def confirm(page: Page) -> None:
    """The upload shows a preview first; nothing is published until it is confirmed."""
    expect(page.locator("#upload-preview-summary")).to_be_visible()
    page.click("#upload-confirm")


def dataset_names(page: Page) -> list[str]:
    response = page.request.get("/api/v1/datasets")
    assert response.status == 200
    body: dict[str, Any] = response.json()
    return [d["name_zh"] for d in body["datasets"]]


def test_gb18030_csv_imports_and_the_link_opens_the_dataset(page: Page, live: Live, tmp_path: Path) -> None:
    name = f"交通事故统计 {suffix()}"
    path = tmp_path / "事故.csv"
    path.write_bytes(
        "日期,区县,事故数,备注\n2024-01-01,东城区,3,路口拥堵\n2024-01-02,西城区,4,雨天路滑\n2024-01-03,朝阳区,5,施工占道\n".encode(
            "gb18030"
        )
    )
    sign_in(page, live.url, "traffic_staff", "/upload")
    choose_file(page, path)
    page.fill("#upload-name", name)
    page.fill("#upload-name-en", "Traffic accidents")
    expect(page.locator("#upload-department")).to_have_value("traffic")

    held: list[Route] = []
    page.route(UPLOAD_API, lambda route: held.append(route))  # hold the request to see the progress bar while it is in flight
    page.click("#upload-button")
    expect(page.locator("#upload-progress")).to_be_visible()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the upload request never left the browser"
    assert held[0].request.method == "POST"
    assert held[0].request.headers.get("x-csrftoken")
    held[0].continue_()
    confirm(page)

    success = page.locator("#upload-success")
    expect(success).to_contain_text("导入完成：3 行，4 列，版本 1。")
    expect(page.locator("#upload-progress")).to_be_hidden()
    expect(page.locator("#upload-error")).to_have_count(0)
    expect(page.locator("#upload-report table tbody tr")).to_have_count(4)
    expect(page.locator("#upload-report table tbody")).to_contain_text("区县")
    success.get_by_role("link", name="打开数据集").click()
    expect(page).to_have_url(re.compile(r"/datasets/[^/]+$"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("#dataset-rows")).to_have_text("3")
    labels = page.locator("#dict-grid .ag-center-cols-container .ag-row [col-id='label']")
    expect(labels).to_have_text(["日期", "区县", "事故数", "备注"])
    assert name in dataset_names(page)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "日期,区县,事故数\n2024-01-01,东城区,3\n2024-01-02,西城区\n2024-01-03,东城区,5,9\n2024-01-04,东城区,6\n",
            ["第 3 行字段过少", "第 4 行字段过多"],
        ),
        ("日期,区县,事故数\n", ["文件只有表头，没有数据行"]),
    ],
    ids=["ragged-rows", "header-only"],
)
def test_bad_file_lists_every_issue_and_creates_nothing(
    page: Page, live: Live, watch: Watch, tmp_path: Path, content: str, expected: list[str]
) -> None:
    watch.allow_console(r"status of 422 \(UNPROCESSABLE ENTITY\) @ .*/api/v1/datasets\?preview=1&lang=zh&progress=\w+$")
    name = f"坏文件 {suffix()}"
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    sign_in(page, live.url, "traffic_staff", "/upload")
    before = dataset_names(page)
    choose_file(page, path)
    page.fill("#upload-name", name)
    page.click("#upload-button")
    error = page.locator("#upload-error")
    expect(error).to_contain_text("导入失败，未导入任何数据")
    expect(error.locator("li")).to_have_count(len(expected))
    for text in expected:
        expect(error).to_contain_text(text)
    expect(page.locator("#upload-success")).to_have_count(0)
    assert dataset_names(page) == before
    page.goto("/")
    expect(page.locator("#home-grid .ag-center-cols-container .ag-row").first).to_be_visible()
    expect(page.locator("#home-grid")).not_to_contain_text(name)


def test_replace_bumps_the_version(page: Page, live: Live, tmp_path: Path) -> None:
    from access.actor import SYSTEM
    from datasets.importer import ImportRequest

    first = tmp_path / "v1.csv"
    first.write_text("日期,区县,拥堵指数\n2024-01-01,东城区,1.5\n2024-01-02,西城区,2.5\n2024-01-03,东城区,3.5\n", encoding="utf-8")
    name = f"拥堵指数 {suffix()}"
    dataset_id = live.rt.importer.import_file(SYSTEM, first, first.name, ImportRequest(name=name, department="traffic")).dataset_id
    second = tmp_path / "v2.csv"
    second.write_text("日期,区县,拥堵指数\n2024-02-01,东城区,4.5\n2024-02-02,西城区,5.5\n", encoding="utf-8")

    sign_in(page, live.url, "traffic_staff", "/upload")
    expect(page.locator("#upload-dataset-row")).to_be_hidden()
    page.get_by_label("替换已有数据集").check()
    expect(page.locator("#upload-dataset-row")).to_be_visible()
    page.select_option("#upload-dataset", dataset_id)
    choose_file(page, second)
    page.click("#upload-button")
    confirm(page)
    success = page.locator("#upload-success")
    expect(success).to_contain_text("导入完成：2 行，3 列，版本 2。")
    success.get_by_role("link", name="打开数据集").click()
    expect(page).to_have_url(f"{live.url}/datasets/{dataset_id}")
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".stat").nth(1)).to_have_text("2")  # the version tile
    expect(page.locator("#dataset-rows")).to_have_text("2")
    page.locator("#dataset-tabs .nav-link", has_text="版本历史").click()
    history = page.locator(".tab-pane.active table tbody tr")
    expect(history).to_have_count(2)
    expect(history.locator("td:first-child")).to_have_text(["2", "1"])


def test_leader_may_not_import(page: Page, live: Live) -> None:
    sign_in(page, live.url, "leader", "/upload")
    expect(page.locator("main")).to_contain_text("没有权限。")
    expect(page.locator("#upload-file")).to_have_count(0)
    expect(page.locator("#upload-button")).to_have_count(0)


def test_markup_in_names_headers_and_cells_is_shown_as_text(page: Page, live: Live, watch: Watch, tmp_path: Path) -> None:
    """SECURITY.md C5: stored XSS through an uploaded file renders literally, runs nothing."""
    name = f"{XSS_IMG} 数据 {suffix()}"
    path = tmp_path / "xss.csv"
    path.write_text(f'名称,{XSS_IMG},{XSS_SCRIPT}\n"{XSS_IMG}",1,{XSS_SCRIPT}\nok,2,b\n', encoding="utf-8")
    sign_in(page, live.url, "traffic_staff", "/upload")
    choose_file(page, path)
    page.fill("#upload-name", name)
    page.click("#upload-button")
    expect(page.locator("#upload-first-rows")).to_contain_text(XSS_IMG)
    no_markup_ran(page)
    confirm(page)
    success = page.locator("#upload-success")
    expect(success).to_contain_text("导入完成：2 行，3 列，版本 1。")
    report = page.locator("#upload-report table tbody")
    expect(report).to_contain_text(XSS_IMG)
    expect(report).to_contain_text(XSS_SCRIPT)
    no_markup_ran(page)

    success.get_by_role("link", name="打开数据集").click()
    expect(page.locator("h1")).to_have_text(name)
    labels = page.locator("#dict-grid .ag-center-cols-container .ag-row [col-id='label']")
    expect(labels).to_have_text(["名称", XSS_IMG, XSS_SCRIPT])
    no_markup_ran(page)

    page.locator("#dataset-tabs .nav-link", has_text="数据预览").click()
    headers = page.locator("#preview-grid .ag-header-cell-text")
    expect(headers).to_have_text(["名称", XSS_IMG, XSS_SCRIPT])
    first = page.locator("#preview-grid .ag-center-cols-container .ag-row[row-index='0'] .ag-cell")
    expect(first).to_have_text([XSS_IMG, "1", XSS_SCRIPT])
    no_markup_ran(page)

    page.goto("/")
    expect(page.locator("#home-grid a", has_text=name)).to_have_text(name)
    no_markup_ran(page)
    assert watch.dialogs == []


def no_markup_ran(page: Page) -> None:
    """No element was built from the payloads and no script carries them."""
    expect(page.locator("img[src='x']")).to_have_count(0)
    assert not page.evaluate("() => [...document.scripts].some(s => s.textContent.includes('alert('))")
