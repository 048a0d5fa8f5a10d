"""The smaller things seen when the product was tried (issue 11, point 10), in a real chromium: a removed tile
leaves no hole in the saved layout; the authoring form shows each issue under its field, one per line; a new
indicator, once saved, is at its own address; the builder names fields by their dictionary labels. The
fixtures fail a test on any console error.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Live
from tests.browser.democity import demo_city, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with demo_city("small-things") as found:
        yield found


def settled(page: Page) -> None:
    expect(page.locator("#board-grid-wrap .board-tile").first).to_be_visible()
    expect(page.locator(".tile-state-loading")).to_have_count(0)
    expect(page.locator(".board-grid-wrap.is-loading")).to_have_count(0)


def by_key(page: Page, kind: str, key: str) -> Locator:
    """A pattern-matching component of the authoring form by its dotted key."""
    dom_id = json.dumps({"key": key, "type": kind}, sort_keys=True, separators=(",", ":"))
    return page.locator(f"[id='{dom_id}']")


# -- a removed tile leaves no hole ------------------------------------------------------------------------------
def holes(layout: Sequence[Mapping[str, Any]]) -> list[str]:
    """Places that could move up: below the top, and nothing ends right above them in any of their columns."""

    def rests_on(place: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
        side_by_side = place["x"] < other["x"] + other["w"] and other["x"] < place["x"] + place["w"]
        return bool(side_by_side and other["y"] + other["h"] == place["y"])

    return [p["i"] for p in layout if p["y"] > 0 and not any(rests_on(p, o) for o in layout if o is not p)]


def test_removing_a_tile_leaves_no_hole_in_the_saved_layout(page: Page, live: Live) -> None:
    from access.actor import SYSTEM
    from boards.catalog import create_board, get_board

    board_id = f"t_{uuid.uuid4().hex[:10]}"
    with live.rt.store.transaction() as db:
        original = get_board(db, SYSTEM, "traffic_board")
        create_board(db, SYSTEM, original.spec.to_dict(), department=original.department, board_id=board_id)
    before = {p.i: p for p in original.spec.layout}

    def freed(gone: Any, place: Any) -> bool:
        """`place` sits right under `gone`, within its columns, and nothing else is above it in those rows."""
        inside = gone.x <= place.x and place.x + place.w <= gone.x + gone.w and place.y == gone.y + gone.h
        others = [o for o in before.values() if o.i not in (gone.i, place.i)]
        return inside and not any(o.x < place.x + place.w and place.x < o.x + o.w and o.y < place.y < o.y + o.h + 1 for o in others)

    top_left, below = next(
        (g, [p.i for p in before.values() if freed(g, p)]) for g in before.values() if any(freed(g, p) for p in before.values())
    )

    page.set_viewport_size({"width": 1400, "height": 1600})
    sign_in(page, live, "traffic_analyst", f"/boards/{board_id}")  # an editor of the shared layout
    settled(page)
    page.click(".board-edit-switch input")
    page.locator(f"#tile-{top_left.i} .tile-remove").click()
    expect(page.locator("#board-status .board-saved")).to_be_visible()
    expect(page.locator(f"#tile-{top_left.i}")).to_have_count(0)

    with live.rt.store.read() as db:
        saved = get_board(db, SYSTEM, board_id)
    layout = [p.model_dump() for p in saved.spec.layout]
    assert top_left.i not in {p["i"] for p in layout}
    assert holes(layout) == [], layout
    moved_up = {p["i"]: p["y"] for p in layout if p["i"] in below}
    assert all(moved_up[i] < before[i].y for i in below), (moved_up, {i: before[i].y for i in below})


# -- the authoring form: each issue under its field, one per line ---------------------------------------------
def test_each_issue_shows_under_its_field_one_per_line(page: Page, live: Live) -> None:
    sign_in(page, live, "traffic_analyst", "/authoring")
    expect(page.locator("#auth-issues .auth-valid")).to_be_visible()
    by_key(page, "auth-field", "id").fill("Bad Id")
    by_key(page, "auth-field", "measure.expr").fill("speed_kmh +* nope")
    expect(page.locator("#auth-issues .auth-issue")).to_have_count(3)

    id_issues = by_key(page, "auth-field-issues", "id")
    expect(id_issues).to_be_visible()
    expect(id_issues.locator(".auth-field-issue")).to_have_count(1)
    expect(id_issues).to_contain_text("编号须为“领域.名称”形式")
    expr_field, expr_issues = by_key(page, "auth-field", "measure.expr"), by_key(page, "auth-field-issues", "measure.expr")
    lines = expr_issues.locator(".auth-field-issue")
    expect(lines).to_have_count(2)
    first, second, widget = lines.nth(0).bounding_box(), lines.nth(1).bounding_box(), expr_field.bounding_box()
    assert first and second and widget
    assert second["y"] >= first["y"] + first["height"] - 1  # one per line, not run together
    assert 0 <= first["y"] - (widget["y"] + widget["height"]) < 30  # right under its field
    expect(by_key(page, "auth-field-issues", "unit")).to_be_hidden()  # a field without issues shows none

    by_key(page, "auth-field", "id").fill("traffic.fine_id")
    expect(id_issues).to_be_hidden()


# -- a saved new indicator is at its own address --------------------------------------------------------------
def test_a_new_indicator_once_saved_is_at_its_own_address(page: Page, live: Live) -> None:
    indicator_id = f"traffic.saved_{uuid.uuid4().hex[:6]}"
    sign_in(page, live, "traffic_analyst", "/authoring")
    expect(page.locator("#auth-issues .auth-valid")).to_be_visible()
    by_key(page, "auth-field", "id").fill(indicator_id)
    by_key(page, "auth-field", "name.zh").fill("保存后地址测试")
    expect(page.locator("#auth-yaml")).to_have_value(re.compile(re.escape(f"id: {indicator_id}")))
    expect(page.locator("#auth-yaml")).to_have_value(re.compile("保存后地址测试"))  # the form reached the text it saves
    expect(page.locator("#auth-issues .auth-valid")).to_be_visible()
    page.locator("#auth-save").click()
    expect(page.locator("#auth-status")).to_contain_text("已保存为草稿（版本 1）")
    page.wait_for_url(f"{live.url}/authoring/{indicator_id}")
    expect(page.locator("#auth-status")).to_contain_text("已保存为草稿")  # the page stayed as it was
    expect(page.locator("#nav-lang")).to_have_attribute("href", re.compile(re.escape(f"next=%2Fauthoring%2F{indicator_id}")))

    page.reload()
    expect(page.locator("#auth-header")).to_contain_text(indicator_id)
    expect(page.locator("#auth-header")).to_contain_text("草稿")
    expect(by_key(page, "auth-field", "name.zh")).to_have_value("保存后地址测试")
    page.go_back()
    expect(page).not_to_have_url(f"{live.url}/authoring")  # the blank form is not in the history any more


# -- the builder reads the dictionary's labels, and keeps the names as values ---------------------------------
def test_the_builder_names_fields_by_their_dictionary_labels(page: Page, live: Live) -> None:
    from demo.dictionary import LABELS

    labels = LABELS["traffic_segment_speeds"]
    sign_in(page, live, "traffic_staff", "/builder?dataset=traffic_segment_speeds")
    for select in ("#bld-measure-field-1", "#bld-dimension-1", "#bld-time-column"):
        expect(page.locator(select)).to_be_visible()
        options = page.locator(f"{select} option").evaluate_all("els => els.map(o => [o.value, o.textContent])")
        named = [(value, text) for value, text in options if value in labels]
        assert named, select
        assert all(text == labels[value] for value, text in named), (select, named)
        assert not any(text in labels for _, text in options), (select, options)  # no raw column name shown
    expect(page.locator(".builder-fields")).to_contain_text(labels["speed_kmh"])
    page.select_option("#bld-measure-field-1", "speed_kmh")  # the name is still the value
    expect(page.locator("#bld-preview .board-tile .tile-title")).to_have_text(f"{labels['speed_kmh']} 平均值")
