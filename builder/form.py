"""The chart builder's form, read and checked: what a clerk chose → one board tile, with every problem as a message.

Every value comes from the page and is only a request. Names must be fields of the chosen source as the actor sees
it (builder/source.py: personal-data columns are not there at all), aggregations must fit the field's type,
dates and numbers must parse; a problem names the part of the form and says how to fix it, and never echoes what
was sent. Nothing here reads data: callbacks/builder.py runs the tile through the one door.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder.source import (
    AUTO,
    MEASURE_SLOTS,
    ROWS,
    Source,
    aggs_for,
    dimension_options,
    filter_kind,
    measure_fields,
    time_fields,
)
from i18n import t
from indicators.charting import CATEGORY_ROLES, choose_chart
from indicators.spec import Agg
from layouts.builder_form import CHART_TYPES, FILTER_SLOTS, NONE

MAX_VALUES = 50
MAX_TEXT = 200
ADDITIVE = (Agg.SUM, Agg.COUNT)


@dataclass(frozen=True)
class Measure:
    field: str  # ROWS or a field name
    agg: Agg
    alias: str


@dataclass(frozen=True)
class Condition:
    column: str
    kind: str  # "values" | "range" | "dates"
    values: tuple[Any, ...] = ()
    low: Any = None
    high: Any = None
    n: int = 0  # the filter's number on the form


@dataclass(frozen=True)
class Chart:
    """The checked form: everything a tile needs."""

    source: Source
    measures: tuple[Measure, ...]
    dimensions: tuple[str, ...]
    time_column: str | None
    grain: str | None
    start: str | None
    end: str | None
    filters: tuple[Condition, ...]
    chart: str


@dataclass(frozen=True)
class Problem:
    """A message for the user: the part of the form (an i18n key with its number) and what to do."""

    key: str
    where: str = ""
    n: int = 0

    def message(self, lang: str) -> str:
        return t(self.key, lang, where=t(self.where, lang, n=self.n) if self.where else "")


# -- reading the form ------------------------------------------------------------------------------
def _choice(value: Any) -> str | None:
    """A chosen option's value: "" when nothing is chosen, None when it is not even text."""
    if value is None or value == NONE:
        return ""
    return value if isinstance(value, str) and len(value) <= MAX_TEXT else None


def _date(value: Any) -> tuple[str | None, bool]:
    """(ISO date or None, ok)."""
    if value in (None, ""):
        return None, True
    if not isinstance(value, str) or len(value) > 40:
        return None, False
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None, False
    return (day.isoformat(), True) if 1900 <= day.year <= 2999 else (None, False)


def _number(value: Any) -> tuple[float | int | None, bool]:
    if value in (None, ""):
        return None, True
    if isinstance(value, bool) or not isinstance(value, (int, float, str)) or (isinstance(value, str) and len(value) > 40):
        return None, False
    try:
        number = float(value) if isinstance(value, str) else value
        if not math.isfinite(number):
            return None, False
    except (ValueError, OverflowError):
        return None, False
    return int(number) if float(number).is_integer() else float(number), True


def _alias(measure: str, agg: str, taken: set[str]) -> str:
    base = "row_count" if measure == ROWS else f"{agg}_{measure}"[:60]
    alias = base if base not in taken else f"{base[:58]}_2"
    taken.add(alias)
    return alias


def _measures(source: Source, form: Mapping[str, Any], problems: list[Problem]) -> tuple[Measure, ...]:
    if source.kind == "indicator":
        return ()
    offered = {ROWS} | {f.name for f in measure_fields(source)}
    out: list[Measure] = []
    taken: set[str] = set()
    for n in MEASURE_SLOTS:
        name, agg = _choice(form.get(f"measure_{n}")), _choice(form.get(f"agg_{n}"))
        if name == "":
            if n == 1:
                problems.append(Problem("builder.err.need_measure", "builder.where.measure", n))
            continue
        if name is None or name not in offered:
            problems.append(Problem("builder.err.field", "builder.where.measure", n))
            continue
        if agg not in {a.value for a in aggs_for(source, name)}:
            problems.append(Problem("builder.err.agg", "builder.where.measure", n))
            continue
        out.append(Measure(name, Agg(str(agg)), _alias(name, str(agg), taken)))
    return tuple(out)


def _dimensions(source: Source, form: Mapping[str, Any], problems: list[Problem]) -> tuple[str, ...]:
    offered = {value for value, _, _ in dimension_options(source)}
    out: list[str] = []
    for n in (1, 2):
        name = _choice(form.get(f"dimension_{n}"))
        if name == "":
            continue
        if name is None or name not in offered:
            problems.append(Problem("builder.err.field", "builder.where.dimension", n))
        elif name in out:
            problems.append(Problem("builder.err.same_dimension", "builder.where.dimension", n))
        else:
            out.append(name)
    return tuple(out)


def _time(source: Source, form: Mapping[str, Any], problems: list[Problem]) -> tuple[str | None, str | None, str | None, str | None]:
    column = _choice(form.get("time_column"))
    if source.kind == "indicator":
        column = source.time_column or ""
    if column is None or (column and column not in {f.name for f in time_fields(source)}):
        problems.append(Problem("builder.err.field", "builder.where.time"))
        return None, None, None, None
    grain = _choice(form.get("grain"))
    if grain is None or (grain and grain not in source.grains):
        problems.append(Problem("builder.err.grain", "builder.where.time"))
        grain = ""
    start, start_ok = _date(form.get("from"))
    end, end_ok = _date(form.get("to"))
    if not (start_ok and end_ok):
        problems.append(Problem("builder.err.date", "builder.where.range"))
    elif start and end and start > end:
        problems.append(Problem("builder.err.date_order", "builder.where.range"))
    if not column and source.kind == "dataset":
        return None, None, None, None
    return column or None, grain or None, start, end  # an indicator without a time column of its own still has periods


def _condition(source: Source, column: str, slot: Mapping[str, Any], n: int, problems: list[Problem]) -> Condition | None:
    kind = filter_kind(source, column)
    if kind == "values":
        values = slot.get("values")
        if values in (None, []):
            return None
        ok = isinstance(values, list) and len(values) <= MAX_VALUES
        ok = ok and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) and len(str(v)) <= MAX_TEXT for v in values)
        if not ok:
            problems.append(Problem("builder.err.values", "builder.where.filter", n))
            return None
        return Condition(column, kind, tuple(dict.fromkeys(values)), n=n)
    dates = kind == "dates"
    (low, low_ok), (high, high_ok) = (_date(slot.get(k)) if dates else _number(slot.get(k)) for k in ("low", "high"))
    if not (low_ok and high_ok):
        problems.append(Problem("builder.err.date" if dates else "builder.err.number", "builder.where.filter", n))
        return None
    if low is None and high is None:
        return None
    if low is not None and high is not None and _after(low, high):
        problems.append(Problem("builder.err.date_order" if dates else "builder.err.number_order", "builder.where.filter", n))
        return None
    return Condition(column, kind, (), low, high, n)


def _after(low: str | float, high: str | float) -> bool:
    """Both ISO dates or both numbers (never mixed: one parser read both)."""
    return str(low) > str(high) if isinstance(low, str) or isinstance(high, str) else low > high


def _filters(source: Source, slots: Mapping[int, Mapping[str, Any]], problems: list[Problem]) -> tuple[Condition, ...]:
    out = []
    for n in FILTER_SLOTS:
        slot = slots.get(n) or {}
        column = _choice(slot.get("column"))
        if column == "":
            continue
        if column is None or not filter_kind(source, column):
            problems.append(Problem("builder.err.field", "builder.where.filter", n + 1))
            continue
        found = _condition(source, column, slot, n + 1, problems)
        if found is not None:
            out.append(found)
    return tuple(out)


def read(source: Source, form: Mapping[str, Any], slots: Mapping[int, Mapping[str, Any]]) -> tuple[Chart | None, list[Problem]]:
    """The form as a Chart, or every problem in it (the chart is None when there is any)."""
    problems: list[Problem] = []
    measures = _measures(source, form, problems)
    dimensions = _dimensions(source, form, problems)
    column, grain, start, end = _time(source, form, problems)
    filters = _filters(source, slots, problems)
    chart = _choice(form.get("chart")) or AUTO
    if chart != AUTO and chart not in CHART_TYPES:
        problems.append(Problem("builder.err.chart"))
    if problems:
        return None, problems
    return Chart(source, measures, dimensions, column, grain, start, end, filters, chart), []


# -- the chart it makes ----------------------------------------------------------------------------
def roles(chart: Chart) -> list[str]:
    """The role of each grouping, as indicators.charting reads them ("time_part" for `<col>.hour` and the like)."""
    options = {value: (field, part) for value, field, part in dimension_options(chart.source)}
    return [
        "time_part" if options[d][1] else (options[d][0].role if options[d][0].role in CATEGORY_ROLES else "dimension")
        for d in chart.dimensions
    ]


def _weekday_by_hour(chart: Chart) -> bool:
    parts = sorted(d.rpartition(".") for d in chart.dimensions)
    return len(parts) == 2 and parts[0][0] == parts[1][0] and [p[2] for p in parts] == ["dow", "hour"]


def suitable(chart: Chart, kind: str) -> bool:
    """Whether a chart type can draw these fields truthfully (the tile figures' own rules; parts only of sums and counts)."""
    dims, grain, measures = len(chart.dimensions), chart.grain is not None, max(1, len(chart.measures))
    if kind == "table":
        return True
    if measures > 1:
        return kind in ("line", "area") and grain and dims == 0
    rules = {
        "kpi": dims == 0,
        "line": grain and dims <= 1,
        "area": grain and dims <= 1,
        "bar": dims == 1 or (dims == 0 and grain),
        "stacked": additive(chart) and (dims == 2 or (dims == 1 and grain)),  # stacked averages add up to nothing
        "donut": additive(chart) and dims == 1,  # parts of a whole
        "heatmap": chart.source.kind == "dataset" and not grain and _weekday_by_hour(chart),
    }
    return rules.get(kind, False)


def additive(chart: Chart) -> bool:
    if chart.source.kind == "indicator":
        return chart.source.additive
    return all(m.agg in ADDITIVE for m in chart.measures)


def recommend(chart: Chart, distinct_parts: int | None) -> str:
    """The chart the field roles call for (indicators/charting.py); a table when no figure can draw them."""
    kind = choose_chart(roles(chart), max(1, len(chart.measures)), chart.grain is not None, distinct_parts, additive(chart))
    if kind == "heatmap" and not suitable(chart, kind):  # the heatmap figure draws weekday × hour only
        kind = "stacked"
    if kind == "stacked" and not additive(chart):  # stacked averages add up to nothing: one line per member instead
        kind = "line" if chart.grain is not None and len(chart.dimensions) == 1 else "table"
    return kind if suitable(chart, kind) else "table"


def effective(chart: Chart, recommended: str) -> str:
    """The user's choice when it fits the fields, else the recommendation."""
    return chart.chart if chart.chart != AUTO and suitable(chart, chart.chart) else recommended


# -- the tile ----------------------------------------------------------------------------------------
def _query(chart: Chart) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "dataset": chart.source.id,
        "dimensions": list(chart.dimensions),
        "measures": [{"expr": "1" if m.field == ROWS else m.field, "agg": m.agg.value, "as": m.alias} for m in chart.measures],
    }
    if chart.time_column:
        time = {"column": chart.time_column, "grain": chart.grain, "from": chart.start, "to": chart.end}
        payload["time"] = {k: v for k, v in time.items() if v}
    filters: list[dict[str, Any]] = []
    for cond in chart.filters:
        if cond.kind == "values":
            filters.append({"column": cond.column, "op": "in", "value": list(cond.values)})
            continue
        if cond.low is not None:
            filters.append({"column": cond.column, "op": ">=", "value": cond.low})
        if cond.high is not None and cond.kind == "dates":
            day_after = dt.date.fromisoformat(str(cond.high)) + dt.timedelta(days=1)
            filters.append({"column": cond.column, "op": "<", "value": day_after.isoformat()})
        elif cond.high is not None:
            filters.append({"column": cond.column, "op": "<=", "value": cond.high})
    payload["filters"] = filters
    return payload


def _options(chart: Chart) -> dict[str, str]:
    options = {"grain": chart.grain or "all"}
    if chart.dimensions:
        options["by"] = ",".join(chart.dimensions)
    if chart.start:
        options["from"] = chart.start
    if chart.end:
        options["to"] = chart.end
    for cond in chart.filters:
        values = ",".join(str(v) for v in cond.values if "," not in str(v))
        if values and cond.column not in options and cond.column != "compare":
            options[cond.column] = values
    return options


def source(chart: Chart) -> dict[str, Any]:
    """The tile's source: the indicator, or the self-service query (the payload of POST /api/v1/query)."""
    return {"indicator": chart.source.id} if chart.source.kind == "indicator" else {"query": _query(chart)}


def tile(chart: Chart, kind: str, titles: Mapping[str, str]) -> dict[str, Any]:
    """The board tile (boards/spec.Tile as a dict) that shows this chart as `kind`."""
    shown = {"type": kind, "title": dict(titles), "source": source(chart)}
    return shown | {"options": _options(chart)} if chart.source.kind == "indicator" else shown
