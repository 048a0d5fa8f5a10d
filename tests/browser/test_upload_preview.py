"""Upload → preview (types, judgement calls, first rows) → change a type → confirm; and cancel leaves nothing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Live, sign_in

pytestmark = pytest.mark.browser

CELLS = ["12", "未知", "30", "—", "45", "暂无", "18", "21"]


def write_file(tmp_path: Path) -> Path:
    path = tmp_path / "工单.csv"
    dates = ["2025/1/5", "2025-01-05", "2025年1月7日", "2025.1.5"] * 2
    lines = ["区县,处理量,受理日期"] + [f"{('东城区', '西城区')[i % 2]},{c},{dates[i]}" for i, c in enumerate(CELLS)]
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    return path


def datasets(page: Page) -> list[dict[str, Any]]:
    response = page.request.get("/api/v1/datasets")
    assert response.status == 200
    found: list[dict[str, Any]] = response.json()["datasets"]
    return found


def staged(live: Live) -> list[Path]:
    folder = live.rt.settings.data_dir / "staged"
    return sorted(folder.iterdir()) if folder.exists() else []


def upload(page: Page, live: Live, path: Path, name: str) -> None:
    sign_in(page, live.url, "traffic_staff", "/upload")
    page.locator("#upload-file input[type=file]").set_input_files(str(path))
    expect(page.locator("#upload-file-name")).to_have_text(path.name)
    page.fill("#upload-name", name)
    page.click("#upload-button")
    expect(page.locator("#upload-preview-summary")).to_contain_text(f"预览：{len(CELLS)} 行，3 列")


def test_preview_then_change_a_type_then_confirm(page: Page, live: Live, tmp_path: Path) -> None:
    name = f"工单预览 {uuid.uuid4().hex[:6]}"
    upload(page, live, write_file(tmp_path), name)
    assert name not in [d["name_zh"] for d in datasets(page)], "published before confirm"
    # The judgement call is listed with its reason, and the column offers a type drop-down.
    expect(page.locator("#upload-judgements")).to_contain_text("1 列的类型是判断的结果")
    call = page.locator("#upload-columns tr.judgement-call")
    expect(call).to_have_count(1)
    expect(call).to_contain_text("处理量")
    expect(call).to_contain_text("未知")
    amount = call.locator("select")
    expect(amount).to_have_value("integer")
    date_row = page.locator("#upload-columns tbody tr", has_text="受理日期")
    expect(date_row.locator("select")).to_have_value("date")
    expect(page.locator("#upload-first-rows tbody tr")).to_have_count(len(CELLS))
    expect(page.locator("#upload-first-rows tbody tr").first).to_contain_text("2025-01-05")
    # Keep the amounts as written: text.
    amount.select_option("text")
    page.click("#upload-confirm")
    success = page.locator("#upload-success")
    expect(success).to_contain_text(f"导入完成：{len(CELLS)} 行，3 列，版本 1。")
    types = page.locator("#upload-report table tbody tr td:nth-child(3)")
    expect(types).to_have_text(["文本", "文本", "日期"])
    [found] = [d for d in datasets(page) if d["name_zh"] == name]
    rows = page.request.get(f"/api/v1/datasets/{found['id']}/rows").json()["rows"]
    assert [r[1] for r in rows] == [None if c == "—" else c for c in CELLS]  # "—" is empty in every type
    assert staged(live) == []


def test_cancel_publishes_nothing_and_removes_the_file(page: Page, live: Live, tmp_path: Path) -> None:
    name = f"取消的上传 {uuid.uuid4().hex[:6]}"
    upload(page, live, write_file(tmp_path), name)
    assert staged(live), "the preview staged no file"
    page.click("#upload-cancel")
    expect(page.locator("#upload-cancelled")).to_contain_text("已取消")
    assert name not in [d["name_zh"] for d in datasets(page)]
    assert staged(live) == []


def test_a_large_file_shows_upload_progress_and_the_servers_phases(page: Page, live: Live, tmp_path: Path) -> None:
    """The phases come from the server while it works (polled at /api/v1/uploads/progress/<key>), not from a timer."""
    path = tmp_path / "大文件.csv"
    lines = ["区县,处理量,受理日期"] + [f"{('东城区', '西城区')[i % 2]},{i % 997},2025/{1 + i % 12}/{1 + i % 28}" for i in range(300_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    phases: list[str] = []

    def seen(response: Any) -> None:
        if "/api/v1/uploads/progress/" in response.url and response.status == 200:
            phase = response.json().get("phase")
            if phase:
                phases.append(phase)

    page.on("response", seen)
    sign_in(page, live.url, "traffic_staff", "/upload")
    page.locator("#upload-file input[type=file]").set_input_files(str(path))
    expect(page.locator("#upload-file-name")).to_have_text(path.name)
    page.fill("#upload-name", f"大文件 {uuid.uuid4().hex[:6]}")
    page.click("#upload-button")
    expect(page.locator("#upload-progress")).to_be_visible()
    # The phase words show only while the server is still in that phase: on a quiet machine it may finish between two
    # polls, so what the test holds to is what the polls answered (below), not which word happened to be on screen.
    expect(page.locator("#upload-preview-summary")).to_contain_text("预览：300,000 行，3 列", timeout=60_000)
    expect(page.locator("#upload-progress")).to_be_hidden()
    assert set(phases) <= {"reading", "inferring", "done"} and phases, phases
    page.click("#upload-cancel")
    expect(page.locator("#upload-cancelled")).to_be_visible()
