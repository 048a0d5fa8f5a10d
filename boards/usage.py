"""What still uses a department, an area or a dataset: the things a delete must refuse over, each named.

Lives in boards/, the top service package, because the users of a thing span every noun (users, datasets,
indicators, boards, grants); the delete commands below it (access.commands, datasets.commands) take these
finders as arguments, as add_row_policy takes its column check, so no package imports one above it.
Each finder answers what uses the thing; each `refuse_*_delete` raises the 409 naming them (the first
SHOWN_USES, then how many more) in Chinese and English, with the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import Area, Department, Grant, User
from boards.models import BoardRecord
from datasets.models import Dataset
from errors import Conflict, Issue
from indicators.models import IndicatorRecord, IndicatorVersion

SHOWN_USES = 20

KINDS = {
    "user": ("用户", "user"),
    "dataset": ("数据集", "dataset"),
    "indicator": ("指标", "indicator"),
    "board": ("看板", "board"),
    "area": ("下级区域", "child area"),
    "grant": ("授权", "grant"),
}


@dataclass(frozen=True)
class Use:
    kind: str  # a key of KINDS
    id: str

    def words(self) -> tuple[str, str]:
        zh, en = KINDS[self.kind]
        return f"{zh} {self.id}", f"{en} {self.id}"


def department_uses(session: Session, code: str) -> list[Use]:
    """Users, live datasets, indicators, boards and grants of the department (by its code)."""
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        return []
    found = [Use("user", u) for u in session.scalars(select(User.username).where(User.department_id == dept.id))]
    found += [
        Use("dataset", d) for d in session.scalars(select(Dataset.id).where(Dataset.department_id == dept.id, Dataset.deleted_at.is_(None)))
    ]
    found += [
        Use("indicator", i)
        for i in session.scalars(select(IndicatorRecord.id).where(IndicatorRecord.department == code, IndicatorRecord.deleted_at.is_(None)))
    ]
    found += [
        Use("board", b)
        for b in session.scalars(select(BoardRecord.id).where(BoardRecord.department == code, BoardRecord.deleted_at.is_(None)))
    ]
    grants = select(Grant).where(Grant.grantee_type == "department", Grant.grantee == code)
    found += [Use("grant", f"#{g.id} {g.object_type} {g.object_id}") for g in session.scalars(grants)]
    return found


def area_uses(session: Session, code: str) -> list[Use]:
    """Users placed in the area and its child areas."""
    area = session.scalar(select(Area).where(Area.code == code))
    if area is None:
        return []
    found = [Use("user", u) for u in session.scalars(select(User.username).where(User.area_id == area.id))]
    return found + [Use("area", a) for a in session.scalars(select(Area.code).where(Area.parent_id == area.id))]


def dataset_uses(session: Session, dataset_id: str) -> list[Use]:
    """Indicators with any version (draft, certified or old) reading the dataset, and live boards whose query
    tiles read it."""
    versions = session.execute(
        select(IndicatorVersion.indicator_id, IndicatorVersion.definition)
        .join(IndicatorRecord, IndicatorRecord.id == IndicatorVersion.indicator_id)
        .where(IndicatorRecord.deleted_at.is_(None))
    )
    indicators = sorted({i for i, definition in versions if isinstance(definition, dict) and definition.get("dataset") == dataset_id})
    boards = session.execute(select(BoardRecord.id, BoardRecord.spec).where(BoardRecord.deleted_at.is_(None)))
    reading = sorted({b for b, spec in boards if dataset_id in _query_datasets(spec)})
    return [Use("indicator", i) for i in indicators] + [Use("board", b) for b in reading]


def _query_datasets(spec: Any) -> set[str]:
    tiles: Iterable[Any] = spec.get("tiles", ()) if isinstance(spec, dict) else ()
    found: set[str] = set()
    for tile in tiles:
        source = tile.get("source") if isinstance(tile, dict) else None
        query = source.get("query") if isinstance(source, dict) else None
        if isinstance(query, dict) and isinstance(query.get("dataset"), str):
            found.add(query["dataset"])
    return found


def refuse_in_use(what_zh: str, what_en: str, uses: Sequence[Use]) -> None:
    """409 naming what still uses the thing; nothing when nothing does."""
    if not uses:
        return
    named = [u.words() for u in uses[:SHOWN_USES]]
    more = len(uses) - len(named)
    zh = "、".join(w[0] for w in named) + (f" 等另外 {more} 项" if more else "")
    en = ", ".join(w[1] for w in named) + (f" and {more} more" if more else "")
    raise Conflict(
        f"{what_zh}仍在使用中，不能删除：{zh}。请先移走或删除这些对象。",
        f"{what_en} is still in use and cannot be deleted: {en}. Move or delete these first.",
        [Issue("delete.in_use", f"{what_zh}被{w[0]}使用。", f"{what_en} is used by {w[1]}.") for w in named],
    )


def refuse_department_delete(session: Session, code: str) -> None:
    refuse_in_use(f"部门“{code}”", f"Department {code!r}", department_uses(session, code))


def refuse_area_delete(session: Session, code: str) -> None:
    refuse_in_use(f"区域“{code}”", f"Area {code!r}", area_uses(session, code))


def refuse_dataset_delete(session: Session, dataset_id: str) -> None:
    refuse_in_use(f"数据集“{dataset_id}”", f"Dataset {dataset_id!r}", dataset_uses(session, dataset_id))
