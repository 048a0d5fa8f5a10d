"""Issue 11, point 10 where the logic is plain: a removed tile leaves no hole in the saved layout."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from boards.edits import apply, compact
from demo.boards import BOARDS


def holes(layout: Sequence[Mapping[str, Any]]) -> list[str]:
    """Places that could move up: not at the top and resting on no other place (nothing directly above them in
    any of their columns)."""

    def touches(place: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
        side_by_side = place["x"] < other["x"] + other["w"] and other["x"] < place["x"] + place["w"]
        return side_by_side and other["y"] + other["h"] == place["y"]

    return [p["i"] for p in layout if p["y"] > 0 and not any(touches(p, o) for o in layout if o is not p)]


def place(i: str, x: int, y: int, w: int, h: int) -> dict[str, Any]:
    return {"i": i, "x": x, "y": y, "w": w, "h": h}


TWO_BY_TWO = [place("a", 0, 0, 6, 3), place("b", 6, 0, 6, 3), place("c", 0, 3, 6, 4), place("d", 6, 3, 6, 2)]


@pytest.mark.parametrize(
    ("removed", "expected"),
    [
        ("a", [place("b", 6, 0, 6, 3), place("c", 0, 0, 6, 4), place("d", 6, 3, 6, 2)]),
        ("b", [place("a", 0, 0, 6, 3), place("c", 0, 3, 6, 4), place("d", 6, 0, 6, 2)]),
        ("c", [place("a", 0, 0, 6, 3), place("b", 6, 0, 6, 3), place("d", 6, 3, 6, 2)]),
    ],
)
def test_removing_a_tile_moves_the_tiles_below_it_up(removed: str, expected: list[dict[str, Any]]) -> None:
    spec = {"tiles": [{"id": p["i"]} for p in TWO_BY_TWO], "layout": TWO_BY_TWO}
    after, undo, problem = apply(spec, [], {"op": "remove", "tile": removed}, lambda _id: None)
    assert (after["layout"], problem) == (expected, "")
    assert [t["id"] for t in after["tiles"]] == [p["i"] for p in expected]
    assert undo == [spec]  # undo brings the tile back where it was


@pytest.mark.parametrize("board", BOARDS, ids=[b["id"] for b in BOARDS])
def test_removing_any_tile_of_a_demo_board_leaves_no_hole(board: dict[str, Any]) -> None:
    spec = board["spec"]
    for tile in spec["tiles"]:
        after, _, _ = apply(spec, [], {"op": "remove", "tile": tile["id"]}, lambda _id: None)
        assert holes(after["layout"]) == [], (tile["id"], after["layout"])
        assert len(after["layout"]) == len(spec["layout"]) - 1


def test_compacting_a_compacted_layout_changes_nothing() -> None:
    for board in BOARDS:
        once = compact(board["spec"]["layout"])
        assert holes(once) == [] and compact(once) == once
        assert [p["i"] for p in once] == [p["i"] for p in board["spec"]["layout"]]
