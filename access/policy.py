"""Who may use what, in one place: `can_*` answers, `raise_for_*` raises NotFound/Forbidden."""

from __future__ import annotations

from access.actor import Actor
from access.roles import Permission
from errors import Forbidden, NotFound


def can_view_dataset(actor: Actor, department: str) -> bool:
    """City-wide roles read every department's datasets; others read their own department's."""
    return actor.city_wide or actor.department == department


def raise_for_dataset(actor: Actor, department: str | None) -> None:
    """Missing and forbidden look the same: both are 404."""
    if department is None or not can_view_dataset(actor, department):
        raise NotFound("数据集", "dataset")


def can_import_into(actor: Actor, department: str) -> bool:
    return actor.has(Permission.IMPORT) and (actor.is_admin or actor.department == department)


def raise_for_import(actor: Actor, department: str) -> None:
    if not can_import_into(actor, department):
        raise Forbidden("没有向该部门导入数据的权限。", "You may not import data for this department.")


def raise_for_permission(actor: Actor, permission: Permission) -> None:
    if not actor.has(permission):
        raise Forbidden()
