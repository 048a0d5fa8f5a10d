"""The catalog as users see it: datasets they may use, their dictionary, profile and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.actor import Actor
from access.audit import record
from access.models import Department
from access.policy import RowPolicyFacts, can_edit_dataset, can_view_dataset, raise_for_dataset, raise_for_permission
from access.roles import Permission
from datasets.models import Dataset, DatasetColumn, DatasetVersion
from datasets.types import ColumnRole, ColumnType
from errors import InvalidInput, Issue, NotFound

MAX_DESCRIPTION = 2000


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    label: str
    type: str
    role: str
    nullable: bool
    pii: bool
    pii_kind: str | None
    description_zh: str
    description_en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "role": self.role,
            "nullable": self.nullable,
            "pii": self.pii,
            "pii_kind": self.pii_kind,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
        }


@dataclass(frozen=True)
class DatasetInfo:
    id: str
    name_zh: str
    name_en: str
    department: str
    department_zh: str
    department_en: str
    owner: str | None
    source: str
    description_zh: str
    description_en: str
    rows: int
    data_version: int
    loaded_at: dt.datetime | None
    file: str | None
    columns: tuple[ColumnInfo, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def column(self, name: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.name == name), None)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name_zh,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "department": self.department,
            "rows": self.rows,
            "data_version": self.data_version,
            "loaded_at": self.loaded_at.isoformat() if self.loaded_at else None,
            "columns": len(self.columns),
        }


def _info(session: Session, ds: Dataset) -> DatasetInfo:
    dept = session.get(Department, ds.department_id)
    owner = None
    if ds.owner_id:
        from access.models import User

        user = session.get(User, ds.owner_id)
        owner = user.username if user else None
    columns = tuple(
        ColumnInfo(c.name, c.label, c.type, c.role, c.nullable, c.pii, c.pii_kind, c.description_zh, c.description_en) for c in ds.columns
    )
    return DatasetInfo(
        ds.id,
        ds.name_zh,
        ds.name_en,
        dept.code if dept else "",
        dept.name_zh if dept else "",
        dept.name_en if dept else "",
        owner,
        ds.source,
        ds.description_zh,
        ds.description_en,
        ds.rows,
        ds.data_version,
        ds.loaded_at,
        ds.current_file,
        columns,
    )


def list_datasets(session: Session, actor: Actor) -> list[DatasetInfo]:
    """Datasets the actor may use, newest load first."""
    rows = session.scalars(
        select(Dataset)
        .where(Dataset.deleted_at.is_(None), Dataset.current_file.is_not(None))
        .order_by(Dataset.loaded_at.desc(), Dataset.id)
    )
    infos = [_info(session, ds) for ds in rows]
    return [i for i in infos if can_view_dataset(actor, i.department, i.id)]


def get_dataset(session: Session, actor: Actor, dataset_id: str) -> DatasetInfo:
    """The dataset if the actor may use it; otherwise NotFound, exactly as if it did not exist."""
    ds = session.get(Dataset, dataset_id) if isinstance(dataset_id, str) and len(dataset_id) <= 64 else None
    if ds is None or ds.deleted_at is not None or ds.current_file is None:
        raise NotFound("数据集", "dataset")
    info = _info(session, ds)
    raise_for_dataset(actor, info.department, info.id)
    return info


@dataclass(frozen=True)
class DatasetFacts:
    """One dataset as every actor's render needs it, resolved once per metadata generation: its catalog info, its
    row policies and each date/timestamp column's [min, max] in the current version. Who may see it is decided per
    actor (`seen_by`), never kept."""

    info: DatasetInfo
    policies: tuple[RowPolicyFacts, ...]
    time_ranges: dict[str, tuple[Any, Any]]

    def seen_by(self, actor: Actor) -> DatasetInfo:
        """The info if `actor` may use the dataset; otherwise NotFound, exactly as if it did not exist."""
        raise_for_dataset(actor, self.info.department, self.info.id)
        return self.info


def dataset_facts(session: Session, dataset_id: str, policies_for: Callable[[Session, str], Sequence[RowPolicyFacts]]) -> DatasetFacts:
    """The dataset's facts for any actor, its row policies read by `policies_for` (access owns them); NotFound
    when it is missing or deleted."""
    ds = session.get(Dataset, dataset_id) if isinstance(dataset_id, str) and len(dataset_id) <= 64 else None
    if ds is None or ds.deleted_at is not None or ds.current_file is None:
        raise NotFound("数据集", "dataset")
    info = _info(session, ds)
    stored = session.execute(
        select(DatasetVersion.time_ranges, DatasetVersion.id).where(
            DatasetVersion.dataset_id == info.id, DatasetVersion.version == info.data_version
        )
    ).first()
    ranges = stored[0] if stored is not None else {}
    if ranges is None and stored is not None:  # a version row written without them: read once from its profile
        ranges = _profiled_ranges(session, stored[1], info)
    return DatasetFacts(info, tuple(policies_for(session, info.id)), {k: (v[0], v[1]) for k, v in (ranges or {}).items()})


def _profiled_ranges(session: Session, version_id: int, info: DatasetInfo) -> dict[str, list[Any]]:
    profile = session.scalar(select(DatasetVersion.profile).where(DatasetVersion.id == version_id)) or {}
    stats = profile.get("columns", {})
    temporal = {c.name for c in info.columns if ColumnType(c.type).temporal}
    return {name: [s.get("min"), s.get("max")] for name, s in stats.items() if name in temporal}


def current_version(session: Session, actor: Actor, dataset_id: str) -> DatasetVersion:
    """The version row (report and profile) of the current data."""
    info = get_dataset(session, actor, dataset_id)
    version = session.scalar(
        select(DatasetVersion).where(DatasetVersion.dataset_id == info.id, DatasetVersion.version == info.data_version)
    )
    if version is None:
        raise NotFound("数据集", "dataset")
    return version


def history(session: Session, actor: Actor, dataset_id: str) -> list[dict[str, Any]]:
    info = get_dataset(session, actor, dataset_id)
    versions = session.scalars(select(DatasetVersion).where(DatasetVersion.dataset_id == info.id).order_by(DatasetVersion.version.desc()))
    return [
        {
            "version": v.version,
            "rows": v.rows,
            "mode": v.mode,
            "source": v.source,
            "created_at": v.created_at.isoformat(),
            "available": v.collected_at is None,
        }
        for v in versions
    ]


def update_column(
    session: Session,
    actor: Actor,
    dataset_id: str,
    name: str,
    *,
    description_zh: str | None = None,
    description_en: str | None = None,
    role: str | None = None,
    pii: bool | None = None,
) -> ColumnInfo:
    """Edit one data-dictionary entry (analysts and admins of the owning department)."""
    raise_for_permission(actor, Permission.EDIT_DICTIONARY)
    info = get_dataset(session, actor, dataset_id)
    if not can_edit_dataset(actor, info.department, info.id):
        raise NotFound("数据集", "dataset")
    column = session.scalar(select(DatasetColumn).where(DatasetColumn.dataset_id == info.id, DatasetColumn.name == name))
    if column is None:
        raise NotFound("列", "column")
    issues = []
    for text in (description_zh, description_en):
        if text is not None and len(text) > MAX_DESCRIPTION:
            issues.append(
                Issue(
                    "column.description",
                    f"说明不能超过 {MAX_DESCRIPTION} 个字符。",
                    f"A description may have at most {MAX_DESCRIPTION} characters.",
                    column=name,
                )
            )
    if role is not None and role not in {r.value for r in ColumnRole}:
        issues.append(
            Issue(
                "column.role",
                "角色无效：可选 time、dimension、measure、geo、id。",
                "The role must be one of time, dimension, measure, geo, id.",
                column=name,
            )
        )
    if pii is False and not actor.is_admin:
        issues.append(
            Issue("column.pii", "只有管理员可以取消个人信息标记。", "Only an administrator may clear the personal-data flag.", column=name)
        )
    if issues:
        raise InvalidInput("数据字典修改有误。", "The data-dictionary change is invalid.", issues)
    if description_zh is not None:
        column.description_zh = description_zh.strip()
    if description_en is not None:
        column.description_en = description_en.strip()
    if role is not None:
        column.role = role
    if pii is not None:
        column.pii = pii
    changed = {
        k: v
        for k, v in {"description_zh": description_zh, "description_en": description_en, "role": role, "pii": pii}.items()
        if v is not None
    }
    record(session, actor.username, "dictionary.edit", "dataset", info.id, {"column": name, **changed})
    session.flush()
    return ColumnInfo(
        column.name,
        column.label,
        column.type,
        column.role,
        column.nullable,
        column.pii,
        column.pii_kind,
        column.description_zh,
        column.description_en,
    )
