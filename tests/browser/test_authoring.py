"""Indicator authoring in a real chromium: an analyst starts a definition from the template of a type, types in the
YAML editor and sees every issue with its line and column after a pause, jumps to one, fixes them, sets a target in
the form (which rewrites the YAML, and the YAML fills the form), previews the values against the target, saves a
draft, submits it, and as its owner certifies it. Staff get a no-permission state; another department's indicator
reads like a missing one. The fixtures fail a test on any console error or dialog.

The page runs on a small demo city (this module's own `live`), so previews have real data.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Live
from tests.browser.democity import demo_city, sign_in
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

EDITOR = "#auth-yaml"
ISSUE = "#auth-issues .auth-issue"
VALID = "#auth-issues .auth-valid"


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    """This module's app: the demo city at a small scale (users, datasets, indicators and boards)."""
    with demo_city("authoring") as found:
        yield found


def containing(text: str) -> re.Pattern[str]:
    """A value or class containing `text` (expect's to_have_value and to_have_class take a pattern)."""
    return re.compile(re.escape(text))


def field(page: Page, key: str) -> Locator:
    """A form field by its dotted path (the DOM id of a pattern-matching component)."""
    dom_id = json.dumps({"key": key, "type": "auth-field"}, sort_keys=True, separators=(",", ":"))
    return page.locator(f"[id='{dom_id}']")


def stored(live: Live, indicator_id: str) -> list[dict[str, object]]:
    from access.actor import SYSTEM

    return live.rt.registry.history(SYSTEM, indicator_id)  # type: ignore[no-any-return]


def test_an_analyst_writes_checks_previews_saves_submits_and_certifies(page: Page, live: Live) -> None:
    sign_in(page, live, "gov_analyst", "/indicators")
    page.locator("#auth-new-link").click()
    page.wait_for_url(f"{live.url}/authoring")
    editor = page.locator(EDITOR)
    expect(page.locator(VALID)).to_be_visible()

    # A type starts from its template: the YAML and the form follow the choice.
    page.get_by_label("比率指标").check()
    expect(editor).to_have_value(containing("type: ratio"))
    expect(field(page, "numerator.expr")).to_be_visible()
    expect(field(page, "measure.expr")).to_be_hidden()
    expect(page.locator(VALID)).to_be_visible()
    template = editor.input_value()
    assert "id: services.new_ratio" in template and "owner: gov_analyst" in template and "department: gov_services" in template

    # Typing in the YAML: the issues come after a pause, each with its line and column.
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("colour: red\n")
    typed_at = time.monotonic()
    assert page.locator(VALID).is_visible(), "no check while typing"
    expect(page.locator(ISSUE)).to_have_count(1)
    assert time.monotonic() - typed_at >= 0.6, "the check waits for a pause in typing"
    lines = editor.input_value().splitlines()
    colour_line = lines.index("colour: red") + 1
    expect(page.locator(ISSUE)).to_contain_text(f"第 {colour_line} 行，第 1 列")
    expect(page.locator(ISSUE)).to_contain_text("字段“colour”无法识别")
    editor.fill(
        editor.input_value().replace("colour: red\n", "").replace("column: submitted_at", "column: submited_at").replace("unit: '%'\n", "")
    )
    expect(page.locator(ISSUE)).to_have_count(2)
    expect(page.locator("#auth-issues")).to_contain_text("时间列“submited_at”不存在。是否想写“submitted_at”？")
    expect(page.locator("#auth-issues")).to_contain_text("缺少单位")
    expect(field(page, "time.column")).to_have_class(containing("is-invalid"))
    expect(page.locator("#auth-preview-note")).to_contain_text("定义还有 2 个问题")

    # An issue takes the cursor to its place in the text (mouse or keyboard).
    time_line = next(i for i, line in enumerate(editor.input_value().splitlines(), 1) if "submited_at" in line)
    issue = page.locator(ISSUE, has_text="submited_at")
    issue.focus()
    page.keyboard.press("Enter")
    expect(editor).to_be_focused()
    expect(page.locator("#auth-caret")).to_contain_text(f"第 {time_line} 行")

    # Fix them: one in the YAML, one in the form (which rewrites the YAML).
    editor.fill(editor.input_value().replace("submited_at", "submitted_at"))
    expect(page.locator(ISSUE)).to_have_count(1)
    expect(field(page, "time.column")).to_have_value("submitted_at")
    field(page, "unit").fill("%")
    expect(page.locator(VALID)).to_be_visible()
    expect(editor).to_have_value(containing("unit: '%'"))

    # The YAML fills the form: a new name typed in the YAML shows in the form.
    editor.fill(editor.input_value().replace("新建比率指标", "按时办结率（测试）"))
    expect(field(page, "name.zh")).to_have_value("按时办结率（测试）")

    # A target in the form: the YAML gets it and the preview shows the values against it.
    field(page, "targets.0.period").fill("2025")
    field(page, "targets.0.value").fill("95")
    expect(editor).to_have_value(containing("- {period: '2025', value: 95}"))
    expect(page.locator("#auth-preview .auth-kpi-target")).to_have_text("95.0%")
    expect(page.locator("#auth-preview .auth-kpi-value")).to_contain_text("%")
    expect(page.locator("#auth-preview .auth-preview-table tbody tr").first).to_contain_text("95.0%")
    expect(page.locator("#auth-preview .main-svg").first).to_be_visible()
    expect(page.locator("#auth-sentence")).to_contain_text("按时办结率（测试） =")

    # A typo names the column it meant, in place; the last preview stays, marked as such (the docs' screenshot).
    good = editor.input_value()
    editor.fill(good.replace("statutory_limit_days is not null", "statutory_limit_day is not null"))
    expect(page.locator(ISSUE)).to_contain_text("列“statutory_limit_day”不存在或无权使用。是否想写“statutory_limit_days”？")
    expect(page.locator("#auth-preview-note")).to_contain_text("定义还有 1 个问题")
    expect(page.locator("#auth-preview .auth-kpi-target")).to_have_text("95.0%")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ROOT / "docs" / "authoring.png"), full_page=True)
    editor.fill(good)
    expect(page.locator(VALID)).to_be_visible()

    # Save the draft with the keyboard, then submit it.
    editor.click()
    page.keyboard.press("Control+s")
    expect(page.locator("#auth-status")).to_contain_text("已保存为草稿（版本 1）")
    expect(page.locator("#auth-header")).to_contain_text("草稿")
    expect(field(page, "id")).to_be_disabled()
    page.locator("#auth-submit").click()
    expect(page.locator("#auth-status")).to_contain_text("已提交认证，等待负责人 gov_analyst 认证")
    expect(page.locator("#auth-header .auth-submitted")).to_contain_text("gov_analyst 于")
    assert stored(live, "services.new_ratio")[0]["submitted_by"] == "gov_analyst"

    # The owner certifies.
    page.locator("#auth-certify").click()
    expect(page.locator("#auth-review-status")).to_contain_text("版本 1 已认证")
    expect(page.locator("#auth-header")).to_contain_text("已认证")
    expect(page.locator("#auth-certify")).to_be_disabled()
    expect(page.locator("#auth-history")).to_contain_text("首个版本")
    latest = stored(live, "services.new_ratio")[0]
    assert (latest["version"], latest["status"], latest["certified_by"]) == (1, "certified", "gov_analyst")

    # A change is a new draft version; the history shows what changed.
    field(page, "targets.0.value").fill("96")
    expect(editor).to_have_value(containing("value: 96}"))
    page.locator("#auth-save").click()
    expect(page.locator("#auth-status")).to_contain_text("已保存为草稿（版本 2）")
    rows = page.locator("#auth-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("targets")
    expect(rows.first).to_contain_text('"value": 96')
    expect(rows.nth(1)).to_contain_text("已认证")
    expect(page.locator("#auth-lineage")).to_contain_text("政务服务办件")


def test_staff_have_no_permission_and_other_departments_read_as_missing(page: Page, live: Live) -> None:
    sign_in(page, live, "traffic_staff", "/indicators")
    expect(page.locator("#ind-list")).to_contain_text("拥堵指数")
    expect(page.locator("#auth-new-link")).to_have_count(0)
    page.goto(f"{live.url}/authoring")
    expect(page.locator(".empty-state")).to_contain_text("您没有编写指标的权限")
    expect(page.locator(EDITOR)).to_have_count(0)

    page.context.clear_cookies()
    sign_in(page, live, "traffic_analyst", "/authoring/services.avg_approval_days")
    expect(page.locator(".empty-state")).to_contain_text("指标不存在或您无权访问")
    forged = page.locator(".authoring-page, .empty-state").first.inner_text()
    page.goto(f"{live.url}/authoring/services.no_such_indicator")
    expect(page.locator(".empty-state")).to_contain_text("指标不存在或您无权访问")
    assert page.locator(".authoring-page, .empty-state").first.inner_text() == forged


def test_in_english_a_derived_template_then_a_simple_one_previewed_by_district(page: Page, live: Live) -> None:
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live.url}])
    sign_in(page, live, "traffic_analyst", "/authoring?type=derived")
    editor = page.locator(EDITOR)
    expect(page.locator(VALID)).to_contain_text("The definition is valid")
    expect(field(page, "inputs")).to_have_value("traffic.avg_speed as cur\ntraffic.avg_speed as base baseline")
    expect(page.locator("#auth-preview .auth-kpi-value")).not_to_be_empty()
    expect(page.locator("#auth-lineage")).to_contain_text("Average speed")

    # Back to a simple indicator with a target, previewed by district.
    page.get_by_label("Simple").check()
    expect(editor).to_have_value(containing("type: simple"))
    editor.fill(
        editor.input_value().replace(
            "direction: higher_is_better\n", "direction: higher_is_better\ntargets:\n- {period: '2025', value: 5600}\n"
        )
    )
    expect(page.locator("#auth-preview .auth-kpi-target")).to_contain_text("5,600")
    page.select_option("#auth-preview-by", "district")
    expect(page.locator("#auth-preview .auth-preview-table thead")).to_contain_text("district")

    # A typo: the issue names the field with its place; the last preview stays, marked as such.
    editor.fill(editor.input_value().replace("column: observed_at", "column: observed_time"))
    expect(page.locator(ISSUE)).to_contain_text("the time column 'observed_time' does not exist. Did you mean 'observed_at'?")
    expect(page.locator(ISSUE)).to_contain_text("line ")
    expect(page.locator("#auth-preview-note")).to_contain_text("The definition has 1 problem(s)")
    expect(page.locator("#auth-preview .auth-kpi-target")).to_contain_text("5,600")
