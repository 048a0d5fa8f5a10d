"""Indicator values for the API, boards and the CLI: every value with target, attainment, status, comparison."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from access.actor import Actor
from citytime import show
from errors import InvalidInput, Issue, Severity
from indicators.changes import change_unit
from indicators.compiler import Compare, IndicatorRequest, whole_periods
from indicators.periods import Period, label, parse_date, shift, truncate
from indicators.spec import WHOLE, Grain, Indicator, IndicatorType, timeless
from indicators.targets import assess
from query.door import Door
from query.scope import indicator_scopes, raise_for_scope

WHOLE_START, WHOLE_END = dt.datetime(1900, 1, 1), dt.datetime(3000, 1, 1)  # a timeless request's range: it reads every row
RESERVED = frozenset({"grain", "from", "to", "by", "compare", "lang", "version"})
MAX_FILTER_VALUES = 100


def _bad(code: str, zh: str, en: str) -> Issue:
    return Issue(code, zh, en)


def _first_dataset(door: Door, actor: Actor, ind: Indicator, depth: int = 0) -> str | None:
    if ind.dataset or depth > 8:
        return ind.dataset
    refs = [i.ref for i in ind.inputs if not i.baseline] + ([ind.input] if ind.input else [])
    for ref in refs:
        found = _first_dataset(door, actor, door.indicator(actor, ref), depth + 1)
        if found:
            return found
    return None


def _time_column(door: Door, actor: Actor, ind: Indicator, depth: int = 0) -> str | None:
    if ind.time is not None or depth > 8:
        return ind.time.column if ind.time else None
    refs = [i.ref for i in ind.inputs if not i.baseline] + ([ind.input] if ind.input else [])
    return next((c for r in refs if (c := _time_column(door, actor, door.indicator(actor, r), depth + 1))), None)


def default_range(door: Door, actor: Actor, ind: Indicator) -> tuple[dt.datetime, dt.datetime]:
    """From the start of the year before the latest data to the end of the latest data's day."""
    dataset, column = _first_dataset(door, actor, ind), _time_column(door, actor, ind)
    latest = None
    if dataset and column:
        latest = door.latest(actor, dataset, column)
    end = dt.datetime.fromisoformat(str(latest)) if latest else dt.datetime.now()
    return truncate(Grain.YEAR, end).replace(year=end.year - 1), truncate(Grain.DAY, end) + dt.timedelta(days=1)


def is_timeless(door: Door, actor: Actor, ind: Indicator) -> bool:
    """No time axis: one value over all the rows the actor may read (see `spec.timeless`)."""
    return timeless(ind, lambda ref: door.indicator(actor, ref))


def _note(code: str, zh: str, en: str) -> Issue:
    return Issue(code, zh, en, Severity.WARNING)


def timeless_notes(ind: Indicator, args: Mapping[str, str]) -> list[Issue]:
    """Why the grain, range or comparison asked for a timeless indicator was left out, in words a user reads."""
    name_zh, name_en = ind.name.get("zh"), ind.name.get("en")
    notes = []
    if args.get("grain") and args["grain"] not in ("all", "total", "none"):
        notes.append(
            _note(
                "values.timeless_grain",
                f"“{name_zh}”没有时间列，只有一个值（全部数据），不能按{args['grain']}分期。",
                f"{name_en} has no time column: it has one value (all data), not one per {args['grain']}.",
            )
        )
    if args.get("from") or args.get("to"):
        notes.append(
            _note(
                "values.timeless_range",
                f"“{name_zh}”没有时间列：所选日期范围不适用，数值覆盖全部数据。",
                f"{name_en} has no time column: the date range does not apply; the value covers all data.",
            )
        )
    if args.get("compare"):
        notes.append(
            _note(
                "values.timeless_compare",
                f"未作对比：“{name_zh}”没有时间列，只有一个期间（全部数据），没有上期、去年同期或基线可比。",
                f"No comparison: {name_en} has no time column, so it has one period (all data) and no previous period, "
                "year ago or baseline to compare with.",
            )
        )
    return notes


def constant_notes(door: Door, actor: Actor, ind: Indicator) -> list[Issue]:
    """A timed derived indicator's timeless inputs hold one value for every period: said, not hidden."""
    notes = []
    for item in ind.inputs:
        source = door.indicator(actor, item.ref)
        if not item.baseline and timeless(source, lambda ref: door.indicator(actor, ref)):
            notes.append(
                _note(
                    "values.constant_input",
                    f"输入“{source.name.get('zh')}”没有时间列，每个期间都使用它的同一个值（全部数据）。",
                    f"The input {source.name.get('en')} has no time column: every period uses its one value (all data).",
                )
            )
    return notes


def as_of(door: Door, actor: Actor, ind: Indicator) -> str | None:
    """When the data behind a timeless value was loaded, on the city's clock: the moment its one value describes."""
    dataset = _first_dataset(door, actor, ind)
    if not dataset:
        return None
    return show(door.loaded_at(actor, dataset)) or None


def parse_request(door: Door, actor: Actor, ind: Indicator, args: Mapping[str, str]) -> IndicatorRequest:
    """API query parameters → request; every problem reported at once. A timeless indicator's request asks for its
    one value: a well-formed grain, range or comparison is left out (`timeless_notes` says so), a malformed one refused."""
    issues: list[Issue] = []
    grain: Grain | None = ind.time.default_grain if ind.time else Grain.MONTH
    raw_grain = args.get("grain")
    if raw_grain in ("all", "total", "none"):
        grain = None
    elif raw_grain:
        try:
            grain = Grain(raw_grain)
        except ValueError:
            issues.append(_bad("request.grain", "粒度无效。", f"`grain` must be one of {', '.join(g.value for g in Grain)} or all."))
    start, end = default_range(door, actor, ind) if not (args.get("from") and args.get("to")) else (dt.datetime.min, dt.datetime.max)
    if args.get("from"):
        parsed = parse_date(args["from"])
        if parsed is None:
            issues.append(_bad("request.from", "from 须为日期，例如 2025-01-01。", "`from` must be a date such as 2025-01-01."))
        else:
            start = parsed
    if args.get("to"):
        parsed = parse_date(args["to"])
        if parsed is None:
            issues.append(_bad("request.to", "to 须为日期，例如 2025-12-31。", "`to` must be a date such as 2025-12-31."))
        else:
            end = parsed + dt.timedelta(days=1) if len(args["to"]) <= 10 else parsed
    if start >= end:
        issues.append(_bad("request.range", "开始日期须早于结束日期。", "`from` must be before `to`."))
    by = tuple(b.strip() for b in args.get("by", "").split(",") if b.strip())
    filters = tuple(
        (key, tuple(v for v in value.split(",") if v)[:MAX_FILTER_VALUES]) for key, value in args.items() if key not in RESERVED
    )
    compare = None
    if args.get("compare"):
        try:
            compare = Compare(args["compare"])
        except ValueError:
            issues.append(
                _bad(
                    "request.compare", "compare 须为 baseline、previous 或 year_ago。", "`compare` must be baseline, previous or year_ago."
                )
            )
    if grain is not None and ind.time is not None and grain not in ind.time.grains:
        issues.append(
            _bad(
                "request.grain",
                f"该指标只支持这些粒度：{', '.join(g.value for g in ind.time.grains)}。",
                f"This indicator supports only these grains: {', '.join(g.value for g in ind.time.grains)}.",
            )
        )
    if ind.type is IndicatorType.CUMULATIVE and grain is None:
        issues.append(_bad("request.grain", "累计指标需要时间粒度。", "A cumulative indicator needs a time grain."))
    if issues:
        raise InvalidInput("请求参数有误。", "The request parameters are invalid.", issues)
    if filters and not actor.city_wide:  # a value outside the row scope is refused, never dropped (issue 18.2)
        raise_for_scope(indicator_scopes(door, actor, ind), filters, door)
    if is_timeless(door, actor, ind):
        return IndicatorRequest(None, WHOLE_START, WHOLE_END, by, filters)
    return IndicatorRequest(grain, start, end, by, filters, compare)


def _number(value: Any, decimals: int) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else round(number, decimals)


def values(door: Door, actor: Actor, indicator_id: str, args: Mapping[str, str]) -> dict[str, Any]:
    """The API shape of GET /api/v1/indicators/{id}/values."""
    return values_for(door, actor, door.indicator(actor, indicator_id), args)


def values_for(door: Door, actor: Actor, ind: Indicator, args: Mapping[str, str]) -> dict[str, Any]:
    """Values of a definition (saved or not), compiled with the actor's policies."""
    request = parse_request(door, actor, ind, args)
    if is_timeless(door, actor, ind):
        return _timeless_values(door, actor, ind, request, args)
    start, end = whole_periods(request)
    request = IndicatorRequest(request.grain, start, end, request.by, request.filters, request.compare)
    result = door.query_indicator(actor, ind, request)
    single = {name: vals[0] for name, vals in request.filters if len(vals) == 1}
    rows = []
    for record in result.records():
        period_start = record["period"]
        if request.grain is not None and period_start is not None:
            period = Period(request.grain, period_start, shift(request.grain, period_start, 1))
            period_label = label(request.grain, period_start)
        else:
            period = Period(Grain.DAY, request.start, request.end)
            period_label = f"{request.start.date()}..{(request.end - dt.timedelta(days=1)).date()}"
        dims = {d: record[d] for d in request.by}
        value = _number(record["value"], ind.decimals)
        judged = assess(ind, value, period, {**single, **{k: str(v) for k, v in dims.items()}})
        row: dict[str, Any] = {
            "period": period_label,
            **dims,
            "value": value,
            "target": judged.target,
            "attainment": _number(judged.attainment, 4),
            "status": judged.status.value if judged.status else None,
        }
        if request.compare:
            before = _number(record.get("compare_value"), ind.decimals)
            row["compare_value"] = before
            row["change"] = None if value is None or before is None else round(value - before, ind.decimals)
            row["change_pct"] = None if value is None or not before else round((value - before) / abs(before) * 100, 2)
        rows.append(row)
    notes = constant_notes(door, actor, ind) if ind.type is IndicatorType.DERIVED else []
    return {
        "indicator": ind.id,
        "name": ind.name.model_dump(),
        "unit": ind.unit,
        "direction": ind.direction.value if ind.direction else None,
        "decimals": ind.decimals,
        "grain": request.grain.value if request.grain else "all",
        "from": request.start.date().isoformat(),
        "to": (request.end - dt.timedelta(days=1)).date().isoformat(),
        "by": list(request.by),
        "compare": request.compare.value if request.compare else None,
        "change_unit": change_unit(ind),  # pp: a percent indicator's change is in percentage points; %: of the earlier value
        "rows": rows,
        "timeless": False,
        "notes": [n.to_dict(args.get("lang") or "en") for n in notes],
    }


def _timeless_values(door: Door, actor: Actor, ind: Indicator, request: IndicatorRequest, args: Mapping[str, str]) -> dict[str, Any]:
    """One period, `all`: the value over every row the actor may read, judged against the `all` target; no comparison."""
    result = door.query_indicator(actor, ind, request)
    single = {name: vals[0] for name, vals in request.filters if len(vals) == 1}
    rows = []
    for record in result.records():
        dims = {d: record[d] for d in request.by}
        value = _number(record["value"], ind.decimals)
        judged = assess(ind, value, None, {**single, **{k: str(v) for k, v in dims.items()}})
        rows.append(
            {
                "period": WHOLE,
                **dims,
                "value": value,
                "target": judged.target,
                "attainment": _number(judged.attainment, 4),
                "status": judged.status.value if judged.status else None,
            }
        )
    lang = args.get("lang") or "en"
    return {
        "indicator": ind.id,
        "name": ind.name.model_dump(),
        "unit": ind.unit,
        "direction": ind.direction.value if ind.direction else None,
        "decimals": ind.decimals,
        "grain": WHOLE,
        "from": None,
        "to": None,
        "by": list(request.by),
        "compare": None,
        "rows": rows,
        "timeless": True,
        "as_of": as_of(door, actor, ind),
        "notes": [n.to_dict(lang) for n in timeless_notes(ind, args)],
    }
