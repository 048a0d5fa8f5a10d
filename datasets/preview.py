"""Paged row preview of a dataset, read through the locked engine with personal data masked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from access.actor import Actor
from access.policy import can_unmask
from datasets.catalog import DatasetInfo, get_dataset
from datasets.engine import Engine, Result
from datasets.masking import masked_expr
from datasets.sql import q
from datasets.warehouse import TABLE
from errors import InvalidInput, Issue
from store.engine import Store

MAX_PAGE = 1000
MAX_OFFSET = 10**12
ALIAS = "ds"


@dataclass(frozen=True)
class Sort:
    column: str
    descending: bool = False


def projection(info: DatasetInfo, actor: Actor) -> list[str]:
    """Every column, personal-data columns masked for actors who may not unmask them."""
    unmask = can_unmask(actor)
    return [f"{masked_expr(c.name, c.pii_kind) if c.pii and not unmask else q(c.name)} AS {q(c.name)}" for c in info.columns]


def _order(info: DatasetInfo, actor: Actor, sort: list[Sort]) -> str:
    parts = []
    for s in sort[:3]:
        column = info.column(s.column)
        if column is None or (column.pii and not can_unmask(actor)):
            raise InvalidInput("无法按该列排序。", "This column cannot be sorted.", [
                Issue("sort.column", "只能按数据集中的非个人信息列排序。", "Sort only by columns of the dataset that hold no personal data.")])
        parts.append(f"{q(column.name)} {'DESC' if s.descending else 'ASC'} NULLS LAST")
    return f" ORDER BY {', '.join(parts)}" if parts else ""


def preview(store: Store, engine: Engine, actor: Actor, dataset_id: str, offset: int = 0, limit: int = 100,
            sort: list[Sort] | None = None) -> tuple[DatasetInfo, Result]:
    """One page of rows the actor may see; raises NotFound for datasets they may not use."""
    with store.read() as session:
        info = get_dataset(session, actor, dataset_id)
    if not isinstance(offset, int) or not isinstance(limit, int) or not 0 <= offset <= MAX_OFFSET or not 0 < limit <= MAX_PAGE:
        raise InvalidInput("分页参数无效。", "The page request is invalid.")
    assert info.file is not None
    sql = f"SELECT {', '.join(projection(info, actor))} FROM {q(ALIAS)}.{TABLE}{_order(info, actor, sort or [])} LIMIT ? OFFSET ?"
    result = engine.run({ALIAS: info.file}, sql, [limit, offset], row_cap=limit)
    return info, result


def jsonable(value: Any) -> Any:
    """A cell as JSON: dates as ISO text, NaN as null."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (bytes, bytearray)):
        return None
    return value
