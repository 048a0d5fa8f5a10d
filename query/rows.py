"""Row-level reads (the dataset preview and table tiles) through the door: scope applied, personal data masked.

Masked columns are computed in SQL from the raw value, so the raw value never leaves the engine;
the total is counted under the same scope, so paging never reveals how many rows are hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from access.actor import Actor
from datasets.engine import Result
from datasets.masking import masked_expr
from errors import InvalidInput, Issue
from indicators.compiled import compiled
from indicators.sqlparts import Params, col, scope_conditions
from query.door import Door

MAX_PAGE = 1000
MAX_OFFSET = 10**12


@dataclass(frozen=True)
class Sort:
    column: str
    descending: bool = False


@dataclass(frozen=True)
class Page:
    columns: list[str]
    rows: list[tuple[object, ...]]
    total: int


def _bad_page() -> InvalidInput:
    return InvalidInput(
        "分页参数无效。",
        "The page request is invalid.",
        [
            Issue(
                "page.range",
                f"offset 须在 0 到 {MAX_OFFSET} 之间，limit 须在 1 到 {MAX_PAGE} 之间。",
                f"offset must be 0-{MAX_OFFSET} and limit 1-{MAX_PAGE}.",
            )
        ],
    )


def preview(door: Door, actor: Actor, dataset_id: str, offset: int = 0, limit: int = 100, sort: list[Sort] | None = None) -> Page:
    """One page of the rows the actor may see, in their masked form."""
    if not isinstance(offset, int) or not isinstance(limit, int) or not 0 <= offset <= MAX_OFFSET or not 0 < limit <= MAX_PAGE:
        raise _bad_page()
    source = door.source(actor, dataset_id)  # NotFound for datasets the actor may not use
    info = door.dataset(actor, dataset_id).info
    masked = dict(source.policy.masked)
    params = Params()
    projection: list[exp.Expr] = []
    for column in info.columns:
        if column.name in masked:
            projection.append(
                exp.alias_(exp.maybe_parse(masked_expr(column.name, masked[column.name]), dialect="duckdb"), column.name, quoted=True)
            )
        elif column.name in source.columns:
            projection.append(col(column.name))
    scoped = exp.select(*projection).from_(source.table())
    count = exp.select(exp.Count(this=exp.Star())).from_(source.table())
    for condition in scope_conditions(source, params):
        scoped = scoped.where(condition)
        count = count.where(condition.copy())
    order = []
    for item in (sort or [])[:3]:
        if item.column not in source.columns or item.column in masked:
            raise InvalidInput(
                "无法按该列排序。",
                "This column cannot be sorted.",
                [
                    Issue(
                        "sort.column",
                        "只能按数据集中的非个人信息列排序。",
                        "Sort only by columns of the dataset that hold no personal data.",
                    )
                ],
            )
        order.append(exp.Ordered(this=col(item.column), desc=item.descending, nulls_first=False))
    if order:
        scoped = scoped.order_by(*order)
    scope_params = dict(params.values)
    scoped = scoped.limit(params.add(limit)).offset(params.add(offset))
    page = door._run(compiled(scoped, params.values, [source], [c.name for c in info.columns]), row_cap=limit)
    total: Result = door._run(compiled(count, scope_params, [source], ["count"]))
    return Page(page.columns, page.rows, int(total.rows[0][0]))


MAX_VALUES = 500


def distinct_values(door: Door, actor: Actor, dataset_id: str, column: str, limit: int = 200) -> list[Any]:
    """The values of a column the actor may filter on (their rows only; personal-data columns refused)."""
    from query.selfservice import parse_query

    query = parse_query(
        {
            "dataset": dataset_id,
            "dimensions": [column],
            "measures": [{"expr": "1", "agg": "count", "as": "n"}],
            "order_by": ["-n"],
            "limit": max(1, min(limit, MAX_VALUES)),
        },
        MAX_VALUES,
    )
    return [row[0] for row in door.query(actor, query, row_cap=query.limit).rows if row[0] is not None]
