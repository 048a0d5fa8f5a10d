"""Self-service queries (POST /api/v1/query): measures, dimensions, time grain, filters, order, limit.

The payload is checked as a whole (every problem reported at once) against the columns the actor
may use, then compiled with the same building blocks as indicators: policy-applied base, allowlisted
expressions, bound filter values.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from errors import InvalidInput, Issue
from indicators import expressions, exprtypes
from indicators.compiled import Compiled, compiled
from indicators.compiler import aggregate, guarded
from indicators.periods import parse_date
from indicators.spec import Agg, Grain
from indicators.sqlparts import Params, Source, base, col, filter_condition

ALIAS_RE = re.compile(r"^[^\W\d][\w]{0,62}$", re.UNICODE)
MAX_MEASURES = 10
MAX_DIMENSIONS = 5
MAX_FILTERS = 20
DEFAULT_LIMIT = 1000
TEMPORAL = ("date", "timestamp")


@dataclass(frozen=True)
class MeasureSpec:
    expr: str
    agg: Agg
    alias: str


@dataclass(frozen=True)
class FilterSpec:
    column: str
    op: str
    value: Any


@dataclass(frozen=True)
class DatasetQuery:
    dataset: str
    measures: tuple[MeasureSpec, ...]
    dimensions: tuple[str, ...] = ()
    time_column: str | None = None
    grain: Grain | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None  # exclusive
    filters: tuple[FilterSpec, ...] = ()
    order_by: tuple[tuple[str, bool], ...] = ()
    limit: int = DEFAULT_LIMIT


def _bad(code: str, zh: str, en: str, where: str | None = None) -> Issue:
    return Issue(code, zh, en, column=where)


def parse_query(payload: object, max_limit: int) -> DatasetQuery:
    """A DatasetQuery from JSON, or InvalidInput listing every problem (with its field)."""
    if not isinstance(payload, dict):
        raise InvalidInput("查询必须是 JSON 对象。", "The query must be a JSON object.")
    issues: list[Issue] = []
    dataset = payload.get("dataset")
    if not isinstance(dataset, str) or not dataset:
        issues.append(_bad("query.dataset", "缺少数据集。", "`dataset` is required.", "dataset"))
    measures = _measures(payload.get("measures", []), issues)
    dims = payload.get("dimensions", [])
    if not isinstance(dims, list) or len(dims) > MAX_DIMENSIONS or not all(isinstance(d, str) for d in dims):
        issues.append(
            _bad(
                "query.dimensions",
                f"维度须为不超过 {MAX_DIMENSIONS} 个列名的列表。",
                f"`dimensions` must be a list of at most {MAX_DIMENSIONS} column names.",
                "dimensions",
            )
        )
        dims = []
    time_column, grain, start, end = _time(payload.get("time"), issues)
    filters = _filters(payload.get("filters", []), issues)
    order = _order(payload.get("order_by", []), issues)
    limit = payload.get("limit", min(DEFAULT_LIMIT, max_limit))
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= max_limit:
        issues.append(
            _bad("query.limit", f"limit 须为 1 到 {max_limit} 的整数。", f"`limit` must be an integer from 1 to {max_limit}.", "limit")
        )
        limit = DEFAULT_LIMIT
    if issues:
        raise InvalidInput(f"查询有 {len(issues)} 个问题。", f"The query has {len(issues)} problems.", issues)
    return DatasetQuery(str(dataset), measures, tuple(dims), time_column, grain, start, end, filters, order, limit)


def _measures(raw: object, issues: list[Issue]) -> tuple[MeasureSpec, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_MEASURES:
        issues.append(
            _bad(
                "query.measures",
                f"measures 须为不超过 {MAX_MEASURES} 项的列表。",
                f"`measures` must be a list of at most {MAX_MEASURES} items.",
                "measures",
            )
        )
        return ()
    out, seen = [], set()
    for i, item in enumerate(raw):
        where = f"measures[{i}]"
        if not isinstance(item, dict):
            issues.append(
                _bad("query.measure", "每个度量须为 {expr, agg, as} 对象。", "each measure must be an object {expr, agg, as}.", where)
            )
            continue
        try:
            agg = Agg(str(item.get("agg")))
        except ValueError:
            issues.append(_bad("query.agg", "聚合方式无效。", f"`agg` must be one of {', '.join(a.value for a in Agg)}.", where))
            continue
        alias = item.get("as") or f"{agg.value}_{i + 1}"
        if not isinstance(alias, str) or not ALIAS_RE.match(alias) or alias in seen:
            issues.append(
                _bad(
                    "query.alias",
                    "度量名称（as）须为不重复的标识符。",
                    "`as` must be a unique identifier (letters, digits, underscores).",
                    where,
                )
            )
            continue
        seen.add(alias)
        out.append(MeasureSpec(str(item.get("expr", "")), agg, alias))
    return tuple(out)


def _time(raw: object, issues: list[Issue]) -> tuple[str | None, Grain | None, dt.datetime | None, dt.datetime | None]:
    if raw is None:
        return None, None, None, None
    if not isinstance(raw, dict) or not isinstance(raw.get("column"), str):
        issues.append(
            _bad("query.time", "time 须为 {column, grain, from, to} 对象。", "`time` must be an object {column, grain, from, to}.", "time")
        )
        return None, None, None, None
    grain = None
    if raw.get("grain") is not None:
        try:
            grain = Grain(raw["grain"])
        except ValueError:
            issues.append(
                _bad("query.grain", "时间粒度无效。", f"`time.grain` must be one of {', '.join(g.value for g in Grain)}.", "time.grain")
            )
    start = end = None
    for key in ("from", "to"):
        if raw.get(key) is None:
            continue
        moment = parse_date(str(raw[key])) if isinstance(raw[key], str) else None
        if moment is None:
            issues.append(
                _bad(
                    "query.date",
                    f"time.{key} 须为日期，例如 2025-01-31。",
                    f"`time.{key}` must be a date such as 2025-01-31.",
                    f"time.{key}",
                )
            )
        elif key == "from":
            start = moment
        else:
            end = moment + dt.timedelta(days=1) if len(str(raw[key])) <= 10 else moment
    return str(raw["column"]), grain, start, end


def _filters(raw: object, issues: list[Issue]) -> tuple[FilterSpec, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_FILTERS:
        issues.append(
            _bad(
                "query.filters",
                f"filters 须为不超过 {MAX_FILTERS} 项的列表。",
                f"`filters` must be a list of at most {MAX_FILTERS} items.",
                "filters",
            )
        )
        return ()
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("column"), str) or not isinstance(item.get("op"), str):
            issues.append(
                _bad(
                    "query.filter",
                    "每个筛选须为 {column, op, value} 对象。",
                    "each filter must be an object {column, op, value}.",
                    f"filters[{i}]",
                )
            )
            continue
        out.append(FilterSpec(item["column"], item["op"], item.get("value")))
    return tuple(out)


def _order(raw: object, issues: list[Issue]) -> tuple[tuple[str, bool], ...]:
    if not isinstance(raw, list):
        issues.append(_bad("query.order", "order_by 须为列表。", "`order_by` must be a list.", "order_by"))
        return ()
    out = []
    for item in raw[:5]:
        if isinstance(item, str):
            out.append((item.lstrip("-"), item.startswith("-")))
        elif isinstance(item, dict) and isinstance(item.get("column"), str):
            out.append((item["column"], bool(item.get("desc"))))
        else:
            issues.append(
                _bad("query.order", "排序项须为列名或 {column, desc}。", "each order_by item is a name or {column, desc}.", "order_by")
            )
    return tuple(out)


TIME_PARTS = ("year", "quarter", "month", "week", "day", "dow", "hour")


def _dimension(name: str, source: Source) -> exp.Expr | None:
    """A column, or a part of a date/time column written `<column>.<part>` (e.g. created_at.hour)."""
    if name in source.columns:
        return col(name)
    column, _, part = name.rpartition(".")
    if part in TIME_PARTS and source.columns.get(column) in TEMPORAL:
        return exp.Anonymous(this="date_part", expressions=[exp.Literal.string(part), col(column)])
    return None


def compile_dataset_query(query: DatasetQuery, source: Source) -> Compiled:
    """One SELECT over the policy-applied base; raises InvalidInput with every problem."""
    params = Params()
    issues: list[Issue] = []
    base_select = base(source, params)
    projections: list[exp.Expr] = []
    groups: list[exp.Expr] = []
    where: list[exp.Expr] = []
    outputs: list[str] = []
    if query.time_column is not None:
        kind = source.columns.get(query.time_column)
        if kind not in TEMPORAL:
            issues.append(
                _bad(
                    "query.time_column",
                    "时间列不存在、无权使用或不是日期时间类型。",
                    "the time column does not exist, is not available to you, or is not a date/time.",
                    "time.column",
                )
            )
        else:
            t = col(query.time_column)
            if query.grain:
                period = exp.cast(exp.Anonymous(this="date_trunc", expressions=[exp.Literal.string(query.grain.value), t]), "TIMESTAMP")
                projections.append(period.as_("period"))
                groups.append(period)
                outputs.append("period")
            if query.start:
                where.append(exp.GTE(this=t, expression=params.add(query.start)))
            if query.end:
                where.append(exp.LT(this=t, expression=params.add(query.end)))
    for name in query.dimensions:
        dimension = _dimension(name, source)
        if dimension is None:
            issues.append(
                _bad(
                    "query.dimension",
                    f"维度“{name[:64]}”不存在或无权使用。",
                    f"the dimension {name[:64]!r} does not exist or is not available to you (time parts: <column>.{'|'.join(TIME_PARTS)}).",
                    "dimensions",
                )
            )
            continue
        projections.append(dimension if name in source.columns else exp.alias_(dimension, name, quoted=True))
        groups.append(dimension)
        outputs.append(name)
    for measure in query.measures or (MeasureSpec("1", Agg.COUNT, "count"),):
        place = f"measure {measure.alias}"
        checked, found = expressions.check(measure.expr, source.columns, place)
        if checked is not None:  # types only for a tree that passed the allowlist, against the visible columns' types
            found = exprtypes.measure_issues(checked.tree, measure.agg, source.columns, place, measure.expr)
        issues += found
        if checked is not None and not found:
            projections.append(exp.cast(aggregate(measure.agg, guarded(expressions.qualify(checked))), "DOUBLE").as_(measure.alias))
            outputs.append(measure.alias)
    for spec in query.filters:
        condition, found = filter_condition(spec.column, spec.op, spec.value, source.columns, params, "filter")
        issues += found
        if condition is not None:
            where.append(condition)
    order = []
    for name, desc in query.order_by:
        if name not in outputs:
            issues.append(
                _bad(
                    "query.order",
                    f"只能按输出列排序：{', '.join(outputs)}。",
                    f"order only by output columns: {', '.join(outputs)}.",
                    "order_by",
                )
            )
        else:
            order.append(exp.Ordered(this=exp.column(name, quoted=True), desc=desc))
    if issues:
        raise InvalidInput(f"查询有 {len(issues)} 个问题。", f"The query has {len(issues)} problems.", issues)
    select = exp.select(*projections).from_("base").with_("base", as_=base_select)
    if where:
        select = select.where(*where)
    if groups:
        select = select.group_by(*groups)
    order = order or [exp.Ordered(this=exp.column(c, quoted=True)) for c in outputs if c in ("period", *query.dimensions)]
    if order:
        select = select.order_by(*order)
    select = select.limit(params.add(query.limit + 1))  # one more than asked, so a cut result says `truncated`
    return compiled(select, params.values, [source], outputs)
