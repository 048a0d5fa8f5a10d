"""SECURITY C5 for indicators: hostile names, descriptions and synonyms render as text on the catalog and
indicator pages (the page fixture fails the test on any dialog or console error)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from indicators import commands
from tests.browser.conftest import Live, sign_in

pytestmark = pytest.mark.browser

NAME = "<img src=x onerror=alert(1)>投诉"
DESCRIPTION = "<script>alert(2)</script> 说明 ![x](javascript:alert(3))"


@pytest.fixture(scope="module")
def probe(live: Live) -> str:
    from access.actor import SYSTEM

    definition = {
        "id": "hotline.xss_probe",
        "name": {"zh": NAME, "en": NAME},
        "description": {"zh": DESCRIPTION, "en": DESCRIPTION},
        "department": "hotline",
        "owner": "admin",
        "type": "simple",
        "dataset": live.hotline,
        "measure": {"expr": "srnumber", "agg": "count"},
        "time": {"column": "createddate"},
        "dimensions": ["requesttype"],
        "unit": "<b>件</b>",
        "direction": "lower_is_better",
        "synonyms": ["<svg onload=alert(4)>"],
    }
    rt = live.rt
    existing = rt.registry.all()
    if "hotline.xss_probe" not in existing:
        commands.create_draft(rt.registry, SYSTEM, definition, rt.door.rule_context(SYSTEM, frozenset(existing)))
    return "hotline.xss_probe"


def test_hostile_indicator_text_is_shown_literally(page: Page, live: Live, probe: str) -> None:
    sign_in(page, live.url, "admin", "/indicators")
    search = page.locator("#ind-search")
    search.fill("投诉")
    expect(page.get_by_text(NAME).first).to_be_visible()
    page.goto(f"{live.url}/indicators/{probe}")
    expect(page.get_by_text(NAME).first).to_be_visible()
    expect(page.get_by_text(DESCRIPTION).first).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("svg[onload]").count() == 0
    assert all("alert(" not in (s or "") for s in page.locator("script").evaluate_all("els => els.map(e => e.textContent)"))
