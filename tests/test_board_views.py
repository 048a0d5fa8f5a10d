"""Personal views (SQLite and PostgreSQL): staff arrange a shared department board for themselves only, editors
change the shared layout (a new version), a personal view follows new versions (tiles added appear below it,
removed ones disappear), and "reset to the department's layout" deletes it. The HTTP API on the demo city."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select

from access.actor import Actor
from access.departments import create_area, create_department
from access.users import create_user, to_actor, user_by_name
from demo.seed import DEMO_PASSWORD, seed_if_empty
from errors import Forbidden, NotFound
from store import migrate
from store.engine import Store
from tests.conftest import Web, csrf_header, login, make_settings


def text_tile(tile_id: str) -> dict[str, Any]:
    return {"id": tile_id, "type": "text", "title": {"zh": tile_id, "en": tile_id}, "text": f"tile {tile_id}"}


SHARED: dict[str, Any] = {
    "title": {"zh": "交通看板", "en": "Traffic"},
    "visibility": "department",
    "tiles": [text_tile("a"), text_tile("b"), text_tile("c")],
    "layout": [
        {"i": "a", "x": 0, "y": 0, "w": 6, "h": 3},
        {"i": "b", "x": 6, "y": 0, "w": 6, "h": 3},
        {"i": "c", "x": 0, "y": 3, "w": 12, "h": 4},
    ],
}


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated store with a traffic analyst (an editor), two traffic clerks and a hotline clerk, and one
    department board created by the analyst."""
    from boards.catalog import create_board

    migrate.upgrade(store_url)
    found = Store(store_url)
    with found.transaction() as session:
        create_department(session, "traffic", "交通运输局", "Transport")
        create_department(session, "hotline", "12345热线", "Hotline")
        create_area(session, "city", "示范市", "Demo City", "city")
        create_area(session, "dongcheng", "东城区", "Dongcheng", "district", "city")
        create_user(session, "ana", "pass-word-1", "analyst", "traffic")
        create_user(session, "wang", "pass-word-1", "staff", "traffic", "东城区")
        create_user(session, "li", "pass-word-1", "staff", "traffic", "东城区")
        create_user(session, "zhao", "pass-word-1", "staff", "hotline")
    with found.transaction() as session:
        create_board(session, who(found, "ana"), SHARED, board_id="tb")
    yield found
    found.dispose()


def who(store: Store, username: str) -> Actor:
    with store.read() as session:
        return to_actor(user_by_name(session, username), session)


def places(layout: list[dict[str, Any]]) -> dict[str, tuple[int, int, int, int]]:
    return {p["i"]: (p["x"], p["y"], p["w"], p["h"]) for p in layout}


def test_a_clerk_arranges_only_their_own_view_and_the_shared_board_stays(store: Store) -> None:
    from boards.catalog import get_board, save_board, versions
    from boards.views import reset_view, save_view, view_of

    wang, li, ana, zhao = (who(store, n) for n in ("wang", "li", "ana", "zhao"))
    with store.read() as session:
        assert not get_board(session, wang, "tb").can_edit and get_board(session, ana, "tb").can_edit
    swapped = [
        {"i": "b", "x": 0, "y": 0, "w": 6, "h": 3},
        {"i": "a", "x": 6, "y": 0, "w": 6, "h": 5},
        {"i": "c", "x": 0, "y": 5, "w": 12, "h": 4},
    ]
    with store.transaction() as session:
        assert save_view(session, wang, "tb", swapped) is True
    with store.read() as session:
        mine, theirs = view_of(session, wang, "tb"), view_of(session, li, "tb")
        board = get_board(session, li, "tb")
        history = versions(session, ana, "tb")
    assert mine["personal"] and mine["based_on"] == 1 and places(mine["layout"]) == places(swapped)
    assert not theirs["personal"] and places(theirs["layout"]) == places(SHARED["layout"])
    assert board.version == 1 and [p.model_dump() for p in board.spec.layout] == SHARED["layout"] and len(history) == 1
    with store.transaction() as session:
        assert save_view(session, wang, "tb", swapped) is False  # the same arrangement again: nothing to save
    with store.transaction() as session, pytest.raises(Forbidden):
        save_view(session, ana, "tb", swapped)  # an editor's arrangement is the board's: a save, a new version
    with store.transaction() as session, pytest.raises(NotFound):
        save_view(session, zhao, "tb", swapped)  # another department's board reads as missing
    with store.transaction() as session, pytest.raises(Forbidden):
        board = get_board(session, wang, "tb")
        save_board(session, wang, "tb", {**board.spec.to_dict(), "layout": swapped}, board.version)  # clerks are no editors
    with store.transaction() as session:
        assert reset_view(session, wang, "tb") is True
    with store.read() as session:
        back = view_of(session, wang, "tb")
    assert not back["personal"] and places(back["layout"]) == places(SHARED["layout"])
    with store.transaction() as session:
        assert reset_view(session, wang, "tb") is False


def test_an_arrangement_equal_to_the_shared_layout_is_no_personal_view(store: Store) -> None:
    from boards.models import BoardView
    from boards.views import save_view

    wang = who(store, "wang")
    moved = [{**SHARED["layout"][0], "y": 7}, *SHARED["layout"][1:]]
    with store.transaction() as session:
        assert save_view(session, wang, "tb", moved) is True
    with store.transaction() as session:
        assert save_view(session, wang, "tb", SHARED["layout"]) is True  # dragged back: the view is deleted
    with store.read() as session:
        assert session.scalars(select(BoardView)).all() == []


def test_a_personal_view_follows_new_versions_of_the_board(store: Store) -> None:
    from boards.catalog import get_board, save_board
    from boards.views import save_view, view_of

    wang, ana = who(store, "wang"), who(store, "ana")
    mine = [
        {"i": "c", "x": 0, "y": 0, "w": 12, "h": 2},
        {"i": "a", "x": 0, "y": 2, "w": 4, "h": 3},
        {"i": "b", "x": 4, "y": 2, "w": 8, "h": 3},
    ]
    with store.transaction() as session:
        save_view(session, wang, "tb", mine)
    # the editor removes tile c and adds d and e (a new version)
    new_spec = {
        **SHARED,
        "tiles": [text_tile("a"), text_tile("b"), text_tile("d"), text_tile("e")],
        "layout": [*SHARED["layout"][:2], {"i": "d", "x": 3, "y": 3, "w": 6, "h": 2}, {"i": "e", "x": 0, "y": 5, "w": 4, "h": 2}],
    }
    with store.transaction() as session:
        saved = save_board(session, ana, "tb", new_spec, 1)
    assert saved.version == 2
    with store.read() as session:
        seen = view_of(session, wang, "tb")
        shared = view_of(session, ana, "tb")
        tile_ids = [tile.id for tile in get_board(session, wang, "tb").spec.tiles]
    got = places(seen["layout"])
    assert seen["personal"] and seen["version"] == 2 and seen["based_on"] == 1
    assert set(got) == set(tile_ids) == {"a", "b", "d", "e"}  # c is gone, d and e appear
    assert got["a"] == (0, 2, 4, 3) and got["b"] == (4, 2, 8, 3)  # wang's places kept
    bottom = max(y + h for i, (x, y, w, h) in got.items() if i in ("a", "b"))  # 5
    assert got["d"] == (3, bottom, 6, 2) and got["e"] == (0, bottom + 2, 4, 2)  # below, in the editors' order and sizes
    assert places(shared["layout"]) == places(new_spec["layout"]) and not shared["personal"]


def test_the_migration_adds_and_removes_the_board_views_table(store_url: str) -> None:
    migrate.upgrade(store_url)
    engine = Store(store_url)
    assert "board_views" in inspect(engine.engine).get_table_names()
    unique = inspect(engine.engine).get_unique_constraints("board_views")
    assert [sorted(u["column_names"]) for u in unique] == [["board_id", "username"]]
    engine.dispose()
    migrate.downgrade(store_url, "0006")
    engine = Store(store_url)
    assert "board_views" not in inspect(engine.engine).get_table_names() and "boards" in inspect(engine.engine).get_table_names()
    engine.dispose()
    migrate.upgrade(store_url)


# -- the HTTP API on the demo city ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("views") / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.02, echo=lambda _m: None)
    yield Web(app, rt)
    rt.close()


def user(web: Web, name: str) -> Any:
    client = web.app.server.test_client()
    assert login(client, name, DEMO_PASSWORD).status_code == 302
    return client


def test_the_api_saves_reads_and_resets_a_clerks_view(city: Web, tmp_path: Path) -> None:
    staff, analyst, leader = user(city, "traffic_staff"), user(city, "traffic_analyst"), user(city, "leader")
    board = analyst.get("/api/v1/boards/traffic_board").json
    shared = board["layout"]
    first = shared[0]
    moved = [{**first, "y": first["y"] + 40}, *shared[1:]]
    saved = staff.put("/api/v1/boards/traffic_board/view", json={"layout": moved}, headers=csrf_header(staff))
    assert saved.status_code == 200 and saved.json["personal"] is True
    assert places(saved.json["layout"])[first["i"]] == places(moved)[first["i"]]
    after = analyst.get("/api/v1/boards/traffic_board").json
    assert after["version"] == board["version"] and after["layout"] == shared  # the shared board did not move
    assert leader.get("/api/v1/boards/traffic_board/view").json["personal"] is False
    refused = analyst.put("/api/v1/boards/traffic_board/view", json={"layout": moved}, headers=csrf_header(analyst))
    assert refused.status_code == 403  # editors change the shared layout instead
    as_board = staff.put("/api/v1/boards/traffic_board", json={**board, "layout": moved}, headers=csrf_header(staff))
    assert as_board.status_code == 403
    bad = staff.put("/api/v1/boards/traffic_board/view", json={"layout": "x"}, headers=csrf_header(staff))
    assert bad.status_code == 400
    assert user(city, "hotline_staff").get("/api/v1/boards/traffic_board/view").status_code == 404
    reset = staff.delete("/api/v1/boards/traffic_board/view", headers=csrf_header(staff))
    assert reset.status_code == 200 and reset.json["personal"] is False and places(reset.json["layout"]) == places(shared)


def test_the_arrange_callback_saves_only_a_viewers_own_view_and_resets_it(city: Web) -> None:
    from sqlalchemy import select

    from boards.models import BoardView
    from callbacks import pages
    from layouts import ids
    from tests.dashcalls import by_id, call, client, prop, prop_id, signed_in, words

    app = city.app
    shared = user(city, "traffic_analyst").get("/api/v1/boards/traffic_board").json["layout"]
    note = next(p for p in shared if p["i"] == "note")
    moved = [{**p, "i": f"tile-{p['i']}"} for p in shared if p["i"] != "note"]
    moved += [{**note, "i": "tile-note", "y": note["y"] + 30}, {"i": "tile-forged", "x": 0, "y": 0, "w": 2, "h": 2}, {"i": "board-x"}]
    arranger = {"type": ids.board.EDIT, "board": "viewer"}
    reset = {"type": ids.board.VIEW_RESET, "board": "viewer"}

    def arrange(username: str, on: bool, board_id: str = "traffic_board", resetting: bool = False) -> Any:
        inputs = [prop(ids.board.GRID, "layout", moved), [prop(reset, "n_clicks", 1 if resetting else None)]]
        state = [[prop(arranger, "value", on)], prop(ids.board.ID, "data", board_id)]
        changed = prop_id(reset, "n_clicks") if resetting else prop_id(ids.board.GRID, "layout")
        return call(client(app, username), f"{ids.board.VIEW_STATUS}.children", inputs, state, changed)

    def nothing(response: Any) -> bool:
        """The callback changed nothing on the page (Dash answers 204, or 200 with no outputs)."""
        return response.status_code == 204 or (response.status_code == 200 and not response.json["response"])

    def stored_views() -> dict[str, list[dict[str, Any]]]:
        with city.rt.store.read() as db:
            return {v.username: list(v.layout) for v in db.scalars(select(BoardView).where(BoardView.board_id == "traffic_board"))}

    before = stored_views()
    assert nothing(arrange("traffic_staff", on=False))  # the switch is off: a grid's own relayout saves nothing
    assert nothing(arrange("traffic_analyst", on=True))  # an editor's drag is the shared layout's (edit_board)
    assert nothing(arrange("hotline_staff", on=True))  # a board they may not open
    assert stored_views() == before
    saved = arrange("traffic_staff", on=True)
    assert saved.status_code == 200 and "board-view-saved" in words(saved.json)
    kept = stored_views()["traffic_staff"]
    assert {p["i"] for p in kept} == {p["i"] for p in shared}  # the forged tile and the non-tile child are dropped
    assert next(p for p in kept if p["i"] == "note")["y"] == note["y"] + 30
    with signed_in(app, "traffic_staff"):
        page = pages.board("traffic_board")
    grid = by_id(page, ids.board.GRID)
    assert next(p for p in grid.layout if p["i"] == "tile-note")["y"] == note["y"] + 30  # the page opens with their view
    assert "board-view-personal" in words(page)
    with signed_in(app, "traffic_staff_gx"):
        other = by_id(pages.board("traffic_board"), ids.board.GRID)
    assert next(p for p in other.layout if p["i"] == "tile-note")["y"] == note["y"]  # a colleague keeps the shared one
    done = arrange("traffic_staff", on=True, resetting=True)
    assert done.status_code == 200 and "board-view-reset-done" in words(done.json)
    assert "traffic_staff" not in stored_views()
