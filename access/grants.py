"""Grants: access to one dataset, indicator or board for a department or a user (view, edit, unmask)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access.actor import Actor
from access.audit import record
from access.departments import department_by_code
from access.models import Grant, User
from errors import InvalidInput, Issue, NotFound

OBJECT_TYPES = ("dataset", "indicator", "board")
GRANTEE_TYPES = ("department", "user")
LEVELS = ("view", "edit", "unmask")


def grants_of(session: Session, username: str, department: str) -> frozenset[tuple[str, str, str]]:
    """(object type, object id, level) granted to the user or to their department."""
    rows = session.scalars(
        select(Grant).where(
            or_(
                (Grant.grantee_type == "user") & (Grant.grantee == username),
                (Grant.grantee_type == "department") & (Grant.grantee == department),
            )
        )
    )
    return frozenset((g.object_type, g.object_id, g.level) for g in rows)


def add_grant(session: Session, by: Actor, object_type: str, object_id: str, grantee_type: str, grantee: str, level: str) -> dict[str, Any]:
    issues = []
    if object_type not in OBJECT_TYPES:
        issues.append(
            Issue("grant.object_type", "对象类型须为 dataset、indicator 或 board。", "object_type must be dataset, indicator or board.")
        )
    if grantee_type not in GRANTEE_TYPES:
        issues.append(Issue("grant.grantee_type", "授权对象须为 department 或 user。", "grantee_type must be department or user."))
    if level not in LEVELS or (level == "unmask" and object_type != "dataset"):
        issues.append(
            Issue("grant.level", "权限须为 view、edit，或（仅数据集）unmask。", "level must be view or edit, or unmask for datasets.")
        )
    if grantee_type == "department" and department_by_code(session, grantee) is None:
        issues.append(Issue("grant.grantee", f"部门“{grantee}”不存在。", f"Department {grantee!r} does not exist."))
    if grantee_type == "user" and session.scalar(select(User).where(User.username == grantee)) is None:
        issues.append(Issue("grant.grantee", f"用户“{grantee}”不存在。", f"User {grantee!r} does not exist."))
    if not object_id:
        issues.append(Issue("grant.object_id", "缺少对象编号。", "object_id is required."))
    if issues:
        raise InvalidInput("授权有误。", "The grant is invalid.", issues)
    grant = Grant(
        object_type=object_type, object_id=object_id, grantee_type=grantee_type, grantee=grantee, level=level, created_by=by.username
    )
    session.add(grant)
    session.flush()
    record(session, by.username, "grant.add", object_type, object_id, {"grantee_type": grantee_type, "grantee": grantee, "level": level})
    return grant_dict(grant)


def remove_grant(session: Session, by: Actor, grant_id: int) -> None:
    grant = session.get(Grant, grant_id)
    if grant is None:
        raise NotFound("授权", "grant")
    record(session, by.username, "grant.remove", grant.object_type, grant.object_id, grant_dict(grant))
    session.delete(grant)


def list_grants(session: Session, object_type: str | None = None, object_id: str | None = None) -> list[dict[str, Any]]:
    query = select(Grant).order_by(Grant.id)
    if object_type:
        query = query.where(Grant.object_type == object_type)
    if object_id:
        query = query.where(Grant.object_id == object_id)
    return [grant_dict(g) for g in session.scalars(query)]


def grant_dict(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.id,
        "object_type": grant.object_type,
        "object_id": grant.object_id,
        "grantee_type": grant.grantee_type,
        "grantee": grant.grantee,
        "level": grant.level,
        "created_by": grant.created_by,
    }
