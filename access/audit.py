"""The audit log: append-only records of who did what; admins read it with filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import AuditEvent

MAX_ROWS = 1000


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, Any] | None = None,
    address: str = "",
) -> None:
    """Add one event in the caller's transaction, so the event and the change commit together."""
    session.add(
        AuditEvent(
            actor=actor[:64],
            action=action[:64],
            object_type=object_type[:32],
            object_id=str(object_id)[:120],
            detail=detail or {},
            address=address[:64],
        )
    )


def events(
    session: Session,
    actor: str | None = None,
    action: str | None = None,
    object_id: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Newest first, filtered; `action` matches a prefix (e.g. `login` finds login.success and login.failure)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(max(1, min(limit, MAX_ROWS)))
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if start:
        query = query.where(AuditEvent.at >= start)
    if end:
        query = query.where(AuditEvent.at < end)
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "address": e.address,
            "detail": e.detail,
        }
        for e in session.scalars(query)
    ]
