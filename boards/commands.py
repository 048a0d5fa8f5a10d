"""Board commands: every change to a board or a personal view, written once for the API and the screens.

Each command opens its own transaction, checks who may do it and what is valid (through boards/catalog.py
and boards/views.py, which work inside a caller's session and write the audit record with the change), and
returns a typed result or raises the project's errors (errors.py). api/ and callbacks/ change boards only
through these functions; tests/test_commands.py fails when an adapter writes to the store itself.
"""

from __future__ import annotations

from typing import Any

from access.actor import Actor
from access.audit import record
from boards import catalog, views
from boards.catalog import BoardInfo
from store.engine import Store


def create_board(store: Store, actor: Actor, data: object, department: str | None = None) -> BoardInfo:
    """A new board of the actor's department (admins may name another); version 1 kept; audited `board.create`."""
    with store.transaction() as db:
        return catalog.create_board(db, actor, data, department)


def save_board(store: Store, actor: Actor, board_id: str, data: object, version: object) -> BoardInfo:
    """Save over `version` (409 when someone saved since); audited `board.save`."""
    with store.transaction() as db:
        return catalog.save_board(db, actor, board_id, data, version)


def share_board(store: Store, actor: Actor, board_id: str, data: object, version: object) -> BoardInfo:
    """Save a board whose visibility or sharing changed; audited `board.save` and `board.share` (who may now read it)."""
    with store.transaction() as db:
        saved = catalog.save_board(db, actor, board_id, data, version)
        shared = [f"{s.type}:{s.name}" for s in saved.spec.shared_with]
        detail = {"version": saved.version, "visibility": saved.spec.visibility.value, "shared_with": shared}
        record(db, actor.username, "board.share", "board", saved.id, detail)
        return saved


def add_tile(store: Store, actor: Actor, board_id: str, tile: dict[str, Any], version: object | None = None) -> BoardInfo:
    """Append a tile below the others and save (the personal board `my_<user id>` is created on demand); audited `board.save`."""
    with store.transaction() as db:
        return catalog.add_tile(db, actor, board_id, tile, version)


def delete_board(store: Store, actor: Actor, board_id: str) -> None:
    """Soft delete (its editors); audited `board.delete`; the owner or an admin may undelete it."""
    with store.transaction() as db:
        catalog.delete_board(db, actor, board_id)


def undelete_board(store: Store, actor: Actor, board_id: str) -> BoardInfo:
    """Bring a deleted board back (its owner or an admin); audited `board.undelete`."""
    with store.transaction() as db:
        return catalog.undelete_board(db, actor, board_id)


def restore_board(store: Store, actor: Actor, board_id: str, version: int, current: object) -> BoardInfo:
    """Restore an old version as a new one, over `current` (the version check of a save); audited `board.save`."""
    with store.transaction() as db:
        return catalog.restore_board(db, actor, board_id, version, current)


def save_view(store: Store, actor: Actor, board_id: str, places: Any) -> bool:
    """Keep a viewer's own arrangement of a board they may not edit; True when it changed; audited `board.view.save`."""
    with store.transaction() as db:
        return views.save_view(db, actor, board_id, places)


def reset_view(store: Store, actor: Actor, board_id: str) -> bool:
    """Back to the department's layout; True when there was a personal view; audited `board.view.reset`."""
    with store.transaction() as db:
        return views.reset_view(db, actor, board_id)


def record_export(store: Store, actor: Actor, kind: str, board_id: str, detail: dict[str, Any], address: str = "") -> None:
    """Note that `actor` took a board (pdf, png) or a tile's rows (csv, xlsx) out of the product; audited `export.<kind>`."""
    with store.transaction() as db:
        record(db, actor.username, f"export.{kind}", "board", board_id, detail, address)
