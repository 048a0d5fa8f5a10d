"""Personal views: a viewer's own arrangement of a shared board they may not edit.

A district clerk who drags tiles on the department's board changes only what they see: the places are
saved for them alone (`board_views`), and the shared board, its version and its history stay as they are;
only the board's editors change the shared layout (each change a new version, boards/catalog.py). "Reset to
the department's layout" deletes the personal view.

A personal view survives new versions of the board: it keeps places by tile id, so a tile the editors
removed disappears, and a tile they added appears below the viewer's arrangement at its shared position,
width and height (`arranged`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from access.actor import Actor
from access.audit import record
from boards.catalog import BoardInfo, get_board
from boards.edits import SIZES, clamp
from boards.models import BoardView
from boards.spec import BoardSpec
from errors import Forbidden
from store.base import utcnow

Place = dict[str, Any]


def _clean(spec: BoardSpec, places: Any) -> list[Place]:
    """The places of the board's tiles (each once, clamped to the 12-column grid); anything else is dropped."""
    tile_ids = {tile.id for tile in spec.tiles}
    out: dict[str, Place] = {}
    for place in places if isinstance(places, list) else []:
        tile_id = place.get("i") if isinstance(place, Mapping) else None
        if not isinstance(tile_id, str) or tile_id not in tile_ids or tile_id in out:
            continue
        w = clamp(place.get("w"), 1, 12)
        out[tile_id] = {
            "i": tile_id,
            "x": clamp(place.get("x"), 0, 12 - w),
            "y": clamp(place.get("y"), 0, 1000),
            "w": w,
            "h": clamp(place.get("h"), 1, 40),
        }
    return list(out.values())


def shared_places(spec: BoardSpec) -> list[Place]:
    """The board's own layout for every tile (a tile without a place goes below the others, sized for its type)."""
    known = {p.i: p.model_dump() for p in spec.layout}
    out: list[Place] = []
    for tile in spec.tiles:
        place = known.get(tile.id)
        if place is None:
            w, h = SIZES.get(tile.type.value, (4, 4))
            place = {"i": tile.id, "x": 0, "y": max((p["y"] + p["h"] for p in out), default=0), "w": w, "h": h}
        out.append(place)
    return out


def arranged(spec: BoardSpec, personal: Sequence[Mapping[str, Any]] | None) -> list[Place]:
    """The layout a viewer sees: their places for tiles the board still has; tiles added since they arranged it
    below their arrangement, keeping the editors' x, width, height and order; without a personal view, the board's."""
    shared = shared_places(spec)
    if not personal:
        return shared
    mine = {p["i"]: dict(p) for p in _clean(spec, list(personal))}
    kept = [mine[p["i"]] for p in shared if p["i"] in mine]
    added = [p for p in shared if p["i"] not in mine]
    if not added:
        return kept
    bottom = max((p["y"] + p["h"] for p in kept), default=0)
    top = min(p["y"] for p in added)
    return kept + [{**p, "y": bottom + p["y"] - top} for p in added]


def _row(session: Session, board_id: str, username: str) -> BoardView | None:
    return session.scalar(select(BoardView).where(BoardView.board_id == board_id, BoardView.username == username))


def personal(session: Session, actor: Actor, board: BoardInfo) -> list[Place] | None:
    """The actor's own places on `board` (already opened for them), or None when they see the shared layout.
    Editors always see (and change) the shared layout."""
    if board.can_edit:
        return None
    row = _row(session, board.id, actor.username)
    return list(row.layout) if row is not None else None


def view_of(session: Session, actor: Actor, board_id: str) -> dict[str, Any]:
    """{personal, based_on, layout}: what the actor sees of the board's arrangement (NotFound like the board)."""
    board = get_board(session, actor, board_id)
    row = None if board.can_edit else _row(session, board.id, actor.username)
    places = list(row.layout) if row is not None else None
    return {
        "board": board.id,
        "version": board.version,
        "personal": row is not None,
        "based_on": row.based_on if row is not None else None,
        "layout": arranged(board.spec, places),
    }


def save_view(session: Session, actor: Actor, board_id: str, places: Any) -> bool:
    """Keep the actor's arrangement of a board they may open but not edit; True when something changed.

    An arrangement equal to the board's own layout is no personal view (the stored one, if any, is deleted).
    Editors are refused: their arrangement is the board's (a save, a new version)."""
    board = get_board(session, actor, board_id)
    if board.can_edit:
        raise Forbidden(
            "您是该看板的编辑者：拖动会修改部门布局（打开编辑开关）。",
            "You edit this board: arranging it changes the department's layout (switch on editing).",
        )
    layout = arranged(board.spec, _clean(board.spec, places))
    row = _row(session, board.id, actor.username)
    if _same(layout, shared_places(board.spec)):
        if row is None:
            return False
        session.delete(row)
        return True
    if row is not None and _same(layout, arranged(board.spec, list(row.layout))):
        return False
    if row is None:
        row = BoardView(board_id=board.id, username=actor.username, layout=layout, based_on=board.version)
        session.add(row)
    else:
        row.layout, row.based_on, row.updated_at = layout, board.version, utcnow()
    record(session, actor.username, "board.view.save", "board", board.id, {"version": board.version})
    return True


def reset_view(session: Session, actor: Actor, board_id: str) -> bool:
    """Back to the department's layout: the personal view is deleted; True when there was one."""
    board = get_board(session, actor, board_id)
    gone = session.execute(delete(BoardView).where(BoardView.board_id == board.id, BoardView.username == actor.username))
    if not getattr(gone, "rowcount", 0):
        return False
    record(session, actor.username, "board.view.reset", "board", board.id)
    return True


def _same(a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]]) -> bool:
    def key(places: Sequence[Mapping[str, Any]]) -> dict[str, tuple[int, int, int, int]]:
        return {str(p["i"]): (int(p["x"]), int(p["y"]), int(p["w"]), int(p["h"])) for p in places}

    return key(a) == key(b)
