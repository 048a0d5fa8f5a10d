"""The rendered-board cache (issue 24.3) through Dash's real callback endpoint on a small demo city.

A second viewer with the same scope gets the stored answer without computing anything (no board batch, no door
run); a viewer of another district never gets it and sees their own numbers; a re-import, a row-policy change
and an editor's unsaved tile list each behave as if nothing were stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import actor_of, make_settings
from tests.dashcalls import client, nodes, post

BOARD = "traffic_board"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
SECOND_DONGCHENG = "traffic_staff_dc2"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app over a small demo city, with a second traffic staff member in 东城区."""
    from access.users import create_user
    from app import create_app
    from demo.seed import DEMO_PASSWORD, seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("board-cache")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    with rt.store.transaction() as db:
        create_user(db, SECOND_DONGCHENG, DEMO_PASSWORD, "staff", "traffic", "东城区", "第二位东城区交通职员")
    yield app
    rt.close()


@pytest.fixture
def counted(demo: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many board batches were computed and how many reads went through the door (cached results included)."""
    import callbacks.boardtiles as boardtiles
    from query.door import Door

    counts = {"boards": 0, "door": 0}
    board_data, run = boardtiles.board_data, Door._run

    def counting_board(*args: Any, **kwargs: Any) -> Any:
        counts["boards"] += 1
        return board_data(*args, **kwargs)

    def counting_run(self: Door, *args: Any, **kwargs: Any) -> Any:
        counts["door"] += 1
        return run(self, *args, **kwargs)

    monkeypatch.setattr(boardtiles, "board_data", counting_board)
    monkeypatch.setattr(Door, "_run", counting_run)
    return counts


def stored(demo: Any) -> Any:
    from callbacks.boardanswers import rendered_boards

    with demo.server.app_context():
        return rendered_boards()


def load(found: FlaskClient, tileset: Any = None) -> TestResponse:
    return post(
        found,
        "board-grid.children",
        [
            ("board-tileset", "data", tileset),
            ("board-range", "start_date", YEAR["from"]),
            ("board-range", "end_date", YEAR["to"]),
            ("board-grain", "value", "month"),
            ("board-district", "value", ""),
            ("board-cross", "data", None),
            ("board-reload", "n_clicks", None),
        ],
        [("board-id", "data", BOARD)],
    )


def grid(response: TestResponse) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text[:300]
    children: list[dict[str, Any]] = response.json["response"]["board-grid"]["children"]
    return children


def ranked(children: list[dict[str, Any]]) -> set[str]:
    """The districts the "congestion index by district" bar chart shows."""
    frame = next(c for c in children if c["props"]["id"] == "tile-rank")
    graph = next(n for n in nodes(frame) if n["type"] == "Graph" and isinstance(n["props"].get("id"), dict))
    return set(graph["props"]["figure"]["data"][0]["y"])


def fresh(demo: Any, username: str) -> list[dict[str, Any]]:
    """What `username` is shown with nothing stored: computed for them alone."""
    stored(demo).clear()
    return grid(load(client(demo, username)))


def test_staff_of_two_districts_never_share_an_answer(demo: Any, counted: dict[str, int]) -> None:
    dongcheng, gaoxin = fresh(demo, "traffic_staff"), fresh(demo, "traffic_staff_gx")
    assert ranked(dongcheng) == {"东城区"} and ranked(gaoxin) == {"高新区"}
    stored(demo).clear()
    assert grid(load(client(demo, "traffic_staff"))) == dongcheng
    counted["boards"] = counted["door"] = 0
    second = grid(load(client(demo, "traffic_staff_gx")))  # the 东城区 answer is stored: 高新区 still computes its own
    assert second == gaoxin and second != dongcheng
    assert counted["boards"] == 1 and counted["door"] > 0
    assert len(stored(demo)) == 2


def test_staff_of_the_same_district_share_and_the_second_computes_nothing(demo: Any, counted: dict[str, int]) -> None:
    first = fresh(demo, "traffic_staff")
    hits = stored(demo).hits
    counted["boards"] = counted["door"] = 0
    second = load(client(demo, SECOND_DONGCHENG))
    assert grid(second) == first
    assert counted == {"boards": 0, "door": 0}  # no board batch, not one read through the door
    assert stored(demo).hits == hits + 1 and len(stored(demo)) == 1


def test_a_leader_never_gets_a_district_answer(demo: Any) -> None:
    staff = fresh(demo, "traffic_staff")
    city = grid(load(client(demo, "leader")))
    assert ranked(staff) == {"东城区"} and len(ranked(city)) == 8


def test_an_editors_unsaved_tiles_never_reach_a_viewer(demo: Any) -> None:
    from access.actor import SYSTEM
    from boards.catalog import get_board

    with demo.server.extensions["city"].store.read() as db:
        spec = get_board(db, SYSTEM, BOARD).spec.to_dict()
    unsaved = {"id": "unsaved", "type": "text", "title": {"zh": "未保存", "en": "Unsaved"}, "text": "草稿里的秘密 draft-secret"}
    tileset = {"tiles": [*spec["tiles"], unsaved], "layout": []}
    stored(demo).clear()
    editor = json.dumps(grid(load(client(demo, "traffic_analyst"), tileset)), ensure_ascii=False)
    assert "draft-secret" in editor
    viewer = json.dumps(grid(load(client(demo, "traffic_staff"), tileset)), ensure_ascii=False)
    assert "draft-secret" not in viewer  # a viewer's page may only ask for the saved tiles, whatever it sends
    assert len(stored(demo)) == 2


def test_a_row_policy_change_drops_the_answer(demo: Any, counted: dict[str, int]) -> None:
    from access import commands
    from access.actor import SYSTEM
    from indicators.policies import check_row_policy

    rt = demo.server.extensions["city"]
    before = fresh(demo, "traffic_staff")
    added = commands.add_row_policy(
        rt.store, SYSTEM, "traffic_segment_speeds", "predicate", "", "road_class = 'arterial'", check_row_policy
    )
    try:
        counted["boards"] = counted["door"] = 0
        after = grid(load(client(demo, SECOND_DONGCHENG)))
        assert counted["boards"] == 1 and counted["door"] > 0
        assert after != before and len(ranked(after)) == 8  # the predicate replaced the district default: all districts, arterials only
    finally:
        commands.remove_row_policy(rt.store, SYSTEM, added.id)
    counted["boards"] = 0
    assert grid(load(client(demo, "traffic_staff"))) == before and counted["boards"] == 1  # computed again, as before


def test_a_reimport_drops_the_answer(demo: Any, counted: dict[str, int]) -> None:
    from access.actor import SYSTEM
    from datasets.importer import ImportRequest
    from demo import city

    rt = demo.server.extensions["city"]
    before = fresh(demo, "traffic_staff")
    table = city.generate(scale=0.05)["traffic_segment_speeds"]
    doubled = table.set_column(table.schema.get_field_index("volume"), "volume", pc.multiply(table["volume"], 2))
    rt.importer.import_arrow(SYSTEM, doubled, ImportRequest(name="路段车速", department="traffic", dataset_id="traffic_segment_speeds"))
    counted["boards"] = counted["door"] = 0
    after = grid(load(client(demo, SECOND_DONGCHENG)))
    assert counted["boards"] == 1 and counted["door"] > 0
    assert after != before and ranked(after) == {"东城区"}
    assert after == fresh(demo, SECOND_DONGCHENG)


def test_the_stored_answers_are_bounded_by_bytes_and_entries() -> None:
    from boards.rendered import Rendered, RenderedBoards

    kept = RenderedBoards(max_entries=3, max_bytes=100)
    for key in "abcd":
        kept.put(key, Rendered((), key, None, 10))
    assert len(kept) == 3 and kept.get("a", ()) is None and kept.get("d", ()) is not None
    kept.put("big", Rendered((), "big", None, 80))  # 110 bytes: the least recently used goes
    assert kept.size == 100 and kept.get("b", ()) is None and kept.get("big", ()) is not None and len(kept) == 3
    kept.put("huge", Rendered((), "huge", None, 101))
    assert kept.get("huge", ()) is None and kept.get("big", ()) is not None
    assert kept.get("big", (("dataset", "x", "other"),)) is None  # marks resolved differently: not used


def test_actor_of_second_staff_has_the_same_scope(demo: Any) -> None:
    rt = demo.server.extensions["city"]
    one, two = (actor_of(rt, name) for name in ("traffic_staff", SECOND_DONGCHENG))
    assert (one.role, one.department, one.area, one.scope_areas, one.grants) == (
        two.role,
        two.department,
        two.area,
        two.scope_areas,
        two.grants,
    )
