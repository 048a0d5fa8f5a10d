"""Building blocks of compiled queries: bound parameters, the policy-applied base, typed filters.

Everything is built as sqlglot trees. Identifiers are quoted nodes, values are named parameters
(`$p0` …); no user text is ever spliced into SQL.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from access.policy import DataPolicy, RowScope
from errors import Issue
from indicators import expressions

MAX_LIST = 500
MAX_TEXT = 500


class Op(enum.StrEnum):
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "in"
    NOT_IN = "not_in"
    BETWEEN = "between"
    LIKE = "like"
    IS_NULL = "is_null"
    NOT_NULL = "not_null"


@dataclass
class Params:
    """Named bound parameters of one query, in the order they were added."""

    values: dict[str, Any] = field(default_factory=dict)

    def add(self, value: Any) -> exp.Placeholder:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return exp.Placeholder(this=name)


@dataclass(frozen=True)
class Source:
    """A dataset as one query sees it: where it is attached and the columns the actor may use."""

    dataset_id: str
    alias: str
    file: str
    data_version: int
    columns: dict[str, str]  # name -> type, hidden columns already removed
    policy: DataPolicy

    def table(self) -> exp.Table:
        return exp.table_("data", db=self.alias, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def scope_conditions(source: Source, params: Params) -> list[exp.Expr]:
    """The row scopes of the actor's policy as conditions; attribute values are bound parameters."""
    conditions: list[exp.Expr] = []
    for scope in source.policy.rows:
        if isinstance(scope, RowScope):
            values = [params.add(v) for v in scope.values]
            conditions.append(exp.In(this=col(scope.column), expressions=values) if values else exp.false())
            continue
        bindings = dict(scope.bindings)
        known = [*source.columns, *source.policy.hidden, *bindings]
        checked, _issues = expressions.check(scope.template, known, "row policy")
        if checked is None:
            conditions.append(exp.false())  # a broken policy shows nothing rather than everything
            continue
        tree = checked.tree.copy()
        for column in list(tree.find_all(exp.Column)):
            replacement: exp.Expr = params.add(bindings[column.name]) if column.name in bindings else col(column.name)
            if column is tree:
                tree = replacement
            else:
                column.replace(replacement)
        conditions.append(exp.paren(tree))
    return conditions


def base(source: Source, params: Params) -> exp.Select:
    """SELECT <visible columns> FROM the version file WHERE <row scopes>: the actor's schema."""
    select = exp.select(*[col(name) for name in source.columns]).from_(source.table())
    for condition in scope_conditions(source, params):
        select = select.where(condition)
    return select


def _typed(value: Any, kind: str) -> Any:
    """A filter value converted to the column's type, or ValueError."""
    if value is None:
        raise ValueError("null")
    if kind in ("integer",):
        if isinstance(value, bool):
            raise ValueError("bool")
        number = int(value)
        if not -(2**63) <= number < 2**63:  # past BIGINT DuckDB cannot bind it (was a 500 on 1e308)
            raise ValueError("range")
        return number
    if kind in ("float", "decimal"):
        if isinstance(value, bool):
            raise ValueError("bool")
        return float(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "1", "yes", "是"):
            return True
        if str(value).lower() in ("false", "0", "no", "否"):
            return False
        raise ValueError("bool")
    if kind == "date":
        return dt.date.fromisoformat(str(value)[:10])
    if kind == "timestamp":
        return dt.datetime.fromisoformat(str(value))
    text = str(value)
    if len(text) > MAX_TEXT:
        raise ValueError("long")
    return text


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_condition(
    column: str, op: str, value: Any, columns: dict[str, str], params: Params, where: str
) -> tuple[exp.Expr | None, list[Issue]]:
    """One `{column, op, value}` filter as a condition with bound values; problems as issues."""
    if column not in columns:
        return None, [
            Issue(
                "filter.column",
                f"{where}：筛选列“{column}”不存在或无权使用。",
                f"{where}: the filter column {column!r} does not exist or is not available to you.",
                column=str(column)[:64],
            )
        ]
    try:
        operator = Op(op)
    except ValueError:
        return None, [
            Issue(
                "filter.op",
                f"{where}：不支持的筛选运算符。",
                f"{where}: unknown filter operator; use one of {', '.join(o.value for o in Op)}.",
                column=column,
            )
        ]
    kind = columns[column]
    target = col(column)
    try:
        return _condition(target, operator, value, kind, params), []
    except (ValueError, TypeError, OverflowError):
        return None, [
            Issue(
                "filter.value",
                f"{where}：列“{column}”的筛选值与其类型（{kind}）不符。",
                f"{where}: the filter value for {column!r} does not fit its type ({kind}).",
                column=column,
            )
        ]


def _condition(target: exp.Column, op: Op, value: Any, kind: str, params: Params) -> exp.Expr:
    if op is Op.IS_NULL:
        return exp.Is(this=target, expression=exp.Null())
    if op is Op.NOT_NULL:
        return exp.Not(this=exp.Is(this=target, expression=exp.Null()))
    if op in (Op.IN, Op.NOT_IN):
        if not isinstance(value, list) or not 0 < len(value) <= MAX_LIST:
            raise ValueError("list")
        node: exp.Expr = exp.In(this=target, expressions=[params.add(_typed(v, kind)) for v in value])
        return exp.Not(this=node) if op is Op.NOT_IN else node
    if op is Op.BETWEEN:
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError("between")
        return exp.Between(this=target, low=params.add(_typed(value[0], kind)), high=params.add(_typed(value[1], kind)))
    if op is Op.LIKE:
        if not isinstance(value, str):
            raise ValueError("like")
        pattern = params.add(f"%{escape_like(str(_typed(value, 'text')))}%")
        return exp.Escape(this=exp.Like(this=exp.cast(target, "VARCHAR"), expression=pattern), expression=exp.Literal.string("\\"))
    if isinstance(value, list):
        raise ValueError("scalar")
    placeholder = params.add(_typed(value, kind))
    comparisons: dict[Op, type[exp.Binary]] = {Op.EQ: exp.EQ, Op.NE: exp.NEQ, Op.LT: exp.LT, Op.LE: exp.LTE, Op.GT: exp.GT, Op.GE: exp.GTE}
    return comparisons[op](this=target, expression=placeholder)


def and_all(conditions: Sequence[exp.Expr]) -> exp.Expr | None:
    return exp.and_(*conditions) if conditions else None
