"""Who may use what, in one place: `can_*` answers, `raise_for_*` raises NotFound/Forbidden."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

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


def can_view_indicator(actor: Actor, department: str) -> bool:
    """Indicators follow their department like datasets; city-wide roles see every department's."""
    return actor.city_wide or actor.department == department


def raise_for_indicator(actor: Actor, department: str | None) -> None:
    if department is None or not can_view_indicator(actor, department):
        raise NotFound("指标", "indicator")


def can_author_for(actor: Actor, department: str) -> bool:
    return actor.has(Permission.AUTHOR_INDICATORS) and (actor.is_admin or actor.department == department)


def can_import_into(actor: Actor, department: str) -> bool:
    return actor.has(Permission.IMPORT) and (actor.is_admin or actor.department == department)


def raise_for_import(actor: Actor, department: str) -> None:
    if not can_import_into(actor, department):
        raise Forbidden("没有向该部门导入数据的权限。", "You may not import data for this department.")


def raise_for_permission(actor: Actor, permission: Permission) -> None:
    if not actor.has(permission):
        raise Forbidden()


@dataclass(frozen=True)
class RowScope:
    """Rows are limited to `column IN values` (values are bound parameters, never SQL)."""

    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ColumnFacts:
    name: str
    pii: bool
    pii_kind: str | None = None


@dataclass(frozen=True)
class DataPolicy:
    """What one actor may read of one dataset: row scopes, and columns absent from their schema."""

    rows: tuple[RowScope, ...] = ()
    hidden: frozenset[str] = frozenset()
    masked: tuple[tuple[str, str], ...] = ()

    @property
    def fingerprint(self) -> str:
        text = repr((sorted((r.column, r.values) for r in self.rows), sorted(self.hidden), self.masked))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


SCOPE_COLUMN = "district"


def can_unmask(actor: Actor) -> bool:
    """Only administrators read raw personal data (the policy issue adds per-user unmask grants)."""
    return actor.is_admin


def data_policy(actor: Actor, columns: Sequence[ColumnFacts]) -> DataPolicy:
    """The actor's policy on a dataset: a district scope for district-scoped users where the dataset
    has a district column; raw personal-data columns hidden from anyone who may not unmask them."""
    names = {c.name for c in columns}
    rows: tuple[RowScope, ...] = ()
    if actor.area and not actor.city_wide and SCOPE_COLUMN in names:
        rows = (RowScope(SCOPE_COLUMN, (actor.area,)),)
    unmask = can_unmask(actor)
    hidden = frozenset(c.name for c in columns if c.pii and not unmask)
    masked = tuple((c.name, c.pii_kind or "") for c in columns if c.pii and not unmask)
    return DataPolicy(rows, hidden, masked)
