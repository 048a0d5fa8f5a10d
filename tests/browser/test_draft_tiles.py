"""A board tile on another's draft, as the real browser draws it and as the board PDF/PNG export renders it
(`/boards/<id>?print=1`, the page boards/snapshot.py prints): "尚未认证" with neither the draft's name nor its
values for a leader; the draft's values with a "草稿 · 未认证" badge for its author (issue 11, point 1)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Live
from tests.browser.democity import DEMO_PASSWORD, demo_city, sign_in
from tests.conftest import csrf_header, login

pytestmark = pytest.mark.browser

DRAFT = "hotline.zqx_pending"
NAMES = ("待认证工单ZQX", "Pending tickets ZQX")
BOARD, TILE = "hotline_board", "zqx_tile"


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    """The demo city, where hotline_analyst has drafted an indicator (submitted, not certified) and put a KPI
    tile on it on the hotline board, all through the API."""
    with demo_city("drafts") as found:
        author = found.app.server.test_client()
        assert login(author, "hotline_analyst", DEMO_PASSWORD).status_code == 302
        headers = csrf_header(author)
        definition = {
            "id": DRAFT,
            "name": {"zh": NAMES[0], "en": NAMES[1]},
            "department": "hotline",
            "owner": "hotline_analyst",
            "type": "simple",
            "dataset": "hotline_tickets",
            "measure": {"expr": "ticket_id", "agg": "count"},
            "time": {"column": "created_at"},
            "dimensions": ["district"],
            "unit": "count",
            "decimals": 0,
            "direction": "lower_is_better",
        }
        assert author.post("/api/v1/indicators", json=definition, headers=headers).status_code == 201
        assert author.post(f"/api/v1/indicators/{DRAFT}/submit", headers=headers).status_code == 200
        version = author.get(f"/api/v1/boards/{BOARD}").get_json()["version"]
        tile = {"id": TILE, "type": "kpi", "source": {"indicator": DRAFT}, "options": {}}
        assert author.post(f"/api/v1/boards/{BOARD}/tiles", json={"tile": tile, "version": version}, headers=headers).status_code == 201
        found.rt.settings = dataclasses.replace(found.rt.settings, self_url=found.url)  # where exports render the board
        yield found


def printed(page: Page, live: Live, username: str) -> None:
    """The board as its PDF/PNG export renders it for `username`, every tile settled."""
    sign_in(page, live, username, f"/boards/{BOARD}?print=1")
    expect(page.locator(f"#tile-{TILE}")).to_be_visible()
    expect(page.locator(".tile-state-loading")).to_have_count(0)


def test_a_leader_sees_not_yet_certified_and_nothing_of_the_draft(page: Page, live: Live) -> None:
    printed(page, live, "leader")
    tile = page.locator(f"#tile-{TILE}")
    expect(tile.locator(".tile-state-not-certified")).to_contain_text("尚未认证")
    expect(tile.locator(".kpi-number")).to_have_count(0)
    content = page.content()
    assert not any(name in content for name in NAMES)


def test_its_author_sees_the_drafts_value_marked_as_draft(page: Page, live: Live) -> None:
    printed(page, live, "hotline_analyst")
    tile = page.locator(f"#tile-{TILE}")
    expect(tile.locator(".tile-draft")).to_have_text("草稿 · 未认证")
    expect(tile.locator(".kpi-number")).to_be_visible()
    expect(tile.locator(".tile-state-not-certified")).to_have_count(0)


def test_the_leaders_pdf_export_of_the_board_renders(live: Live) -> None:
    """The export renders the page above for the requesting user (boards/snapshot.py): it completes for a board
    that carries a tile on another's draft."""
    leader = live.app.server.test_client()
    assert login(leader, "leader", DEMO_PASSWORD).status_code == 302
    pdf = leader.get(f"/api/v1/boards/{BOARD}/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), pdf.data[:200]
