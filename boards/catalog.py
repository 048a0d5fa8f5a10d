"""Boards: list, open, create, save with a version check, soft delete, restore any version."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.actor import Actor
from access.audit import record
from access.policy import BoardFacts, can_edit_board, can_view_board, raise_for_board
from boards.edits import placed
from boards.models import BoardRecord, BoardVersion
from boards.spec import BoardSpec, parse_spec, read_stored
from errors import Conflict, Forbidden, InvalidInput, NotFound
from indicators.batch import remembered
from store.base import utcnow
from store.engine import Store


@dataclass(frozen=True)
class BoardInfo:
    id: str
    department: str
    owner: str
    version: int
    spec: BoardSpec
    updated_at: dt.datetime
    updated_by: str
    can_edit: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "department": self.department,
            "owner": self.owner,
            "version": self.version,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
            "can_edit": self.can_edit,
            **self.spec.to_dict(),
        }

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.spec.title.model_dump(),
            "department": self.department,
            "owner": self.owner,
            "visibility": self.spec.visibility.value,
            "version": self.version,
            "tiles": len(self.spec.tiles),
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
        }


def facts(row: BoardRecord) -> BoardFacts:
    shared = tuple((s.get("type", ""), s.get("name", "")) for s in row.spec.get("shared_with", []))
    return BoardFacts(row.id, row.department, row.owner, row.visibility, shared)


def _info(actor: Actor, row: BoardRecord) -> BoardInfo:
    spec = read_stored(row.spec)  # a board saved before tiles held typed requests opens too
    return BoardInfo(
        row.id, row.department, row.owner, row.version, spec, row.updated_at, row.updated_by, can_edit_board(actor, facts(row))
    )


def _row(session: Session, board_id: str, lock: bool = False) -> BoardRecord | None:
    row = session.get(BoardRecord, board_id, with_for_update=lock) if isinstance(board_id, str) and len(board_id) <= 64 else None
    return None if row is None or row.deleted_at is not None else row


def list_boards(session: Session, actor: Actor) -> list[BoardInfo]:
    rows = session.scalars(select(BoardRecord).where(BoardRecord.deleted_at.is_(None)).order_by(BoardRecord.department, BoardRecord.id))
    return [_info(actor, r) for r in rows if can_view_board(actor, facts(r))]


def department_boards(store: Store, actor: Actor) -> dict[str, str]:
    """department → the board a drill-down into it opens for `actor`: its first-created board they may open
    (private ones aside). One read per batch, however many KPIs ask."""
    return remembered(("department boards", actor), lambda: _department_boards(store, actor))


def _department_boards(store: Store, actor: Actor) -> dict[str, str]:
    with store.read() as session:
        rows = session.scalars(select(BoardRecord).where(BoardRecord.deleted_at.is_(None)).order_by(BoardRecord.created_at, BoardRecord.id))
        found: dict[str, str] = {}
        for r in rows:
            if r.department not in found and r.spec.get("visibility") != "private" and can_view_board(actor, facts(r)):
                found[r.department] = r.id
    return found


def get_board(session: Session, actor: Actor, board_id: str) -> BoardInfo:
    row = _row(session, board_id)
    raise_for_board(actor, facts(row) if row else None)
    assert row is not None
    return _info(actor, row)


def _parsed(data: object) -> BoardSpec:
    spec, issues = parse_spec(data)
    if spec is None:
        raise InvalidInput("看板内容有误。", "The board is invalid.", issues)
    return spec


def _keep(session: Session, row: BoardRecord, actor: Actor, note: str) -> None:
    session.add(BoardVersion(board_id=row.id, version=row.version, spec=row.spec, saved_by=actor.username, note=note[:200]))


def create_board(session: Session, actor: Actor, data: object, department: str | None = None, board_id: str | None = None) -> BoardInfo:
    """A new board of the actor's department (admins may choose another); version 1 is kept."""
    spec = _parsed(data)
    dept = department or actor.department
    if dept != actor.department and not actor.is_admin:
        raise Forbidden("只能为本部门创建看板。", "You may create boards only for your own department.")
    if not actor.is_admin and not actor.has_any_write():
        raise Forbidden("领导账号只能查看看板。", "Leader accounts read boards; they cannot create them.")
    row = BoardRecord(
        id=board_id or f"b{uuid.uuid4().hex[:11]}",
        department=dept,
        owner=actor.username,
        visibility=spec.visibility.value,
        version=1,
        spec=spec.to_dict(),
        updated_by=actor.username,
    )
    session.add(row)
    session.flush()
    _keep(session, row, actor, "created")
    record(session, actor.username, "board.create", "board", row.id)
    return _info(actor, row)


def save_board(session: Session, actor: Actor, board_id: str, data: object, version: object) -> BoardInfo:
    """Save over `version`; if someone saved since, 409 with who and when, and nothing changes."""
    row = _row(session, board_id, lock=True)
    raise_for_board(actor, facts(row) if row else None)
    assert row is not None
    if not can_edit_board(actor, facts(row)):
        raise Forbidden("没有编辑该看板的权限。", "You may not edit this board.")
    spec = _parsed(data)
    if not isinstance(version, int) or isinstance(version, bool) or version != row.version:
        raise Conflict(
            f"看板已被 {row.updated_by} 于 {row.updated_at:%Y-%m-%d %H:%M} 修改（当前版本 {row.version}）。请重新加载，或另存为副本。",
            f"{row.updated_by} changed this board at {row.updated_at:%Y-%m-%d %H:%M} (now version {row.version}). Reload it, or save yours as a copy.",
        )
    row.spec, row.visibility = spec.to_dict(), spec.visibility.value
    row.version += 1
    row.updated_by, row.updated_at = actor.username, utcnow()
    _keep(session, row, actor, "saved")
    record(session, actor.username, "board.save", "board", row.id, {"version": row.version})
    return _info(actor, row)


def delete_board(session: Session, actor: Actor, board_id: str) -> None:
    row = _row(session, board_id, lock=True)
    raise_for_board(actor, facts(row) if row else None)
    assert row is not None
    if not can_edit_board(actor, facts(row)):
        raise Forbidden("没有删除该看板的权限。", "You may not delete this board.")
    row.deleted_at = utcnow()
    record(session, actor.username, "board.delete", "board", row.id, {"version": row.version})


def undelete_board(session: Session, actor: Actor, board_id: str) -> BoardInfo:
    row = session.get(BoardRecord, board_id)
    if row is None or row.deleted_at is None or not (actor.is_admin or row.owner == actor.username):
        raise NotFound("看板", "board")
    row.deleted_at = None
    record(session, actor.username, "board.undelete", "board", row.id)
    return _info(actor, row)


def my_board_id(actor: Actor) -> str:
    return f"my_{actor.user_id}"


def add_tile(session: Session, actor: Actor, board_id: str, tile: dict[str, Any], version: object | None = None) -> BoardInfo:
    """Append a tile (placed below the others) and save; `version` None means the personal board, created on demand."""
    if board_id == my_board_id(actor) and session.get(BoardRecord, board_id) is None:
        create_board(session, actor, {"title": {"zh": "我的图表", "en": "My charts"}, "visibility": "private"}, board_id=board_id)
    board = get_board(session, actor, board_id)
    spec = board.spec.to_dict()
    taken = {t["id"] for t in spec["tiles"]}
    tile = {**tile, "id": tile.get("id") if tile.get("id") not in taken and tile.get("id") else f"t{len(taken) + 1}_{uuid.uuid4().hex[:4]}"}
    return save_board(session, actor, board_id, placed(spec, tile), board.version if version is None else version)


def versions(session: Session, actor: Actor, board_id: str) -> list[dict[str, Any]]:
    get_board(session, actor, board_id)
    rows = session.scalars(select(BoardVersion).where(BoardVersion.board_id == board_id).order_by(BoardVersion.version.desc()))
    return [{"version": v.version, "saved_by": v.saved_by, "saved_at": v.saved_at.isoformat(), "note": v.note} for v in rows]


def restore_board(session: Session, actor: Actor, board_id: str, version: int, current: object) -> BoardInfo:
    """Restore an old version as a new one (nothing is lost; the version check applies as for a save)."""
    get_board(session, actor, board_id)
    old = session.scalar(select(BoardVersion).where(BoardVersion.board_id == board_id, BoardVersion.version == version))
    if old is None:
        raise NotFound("看板版本", "board version")
    return save_board(session, actor, board_id, read_stored(old.spec).to_dict(), current)
