"""A chart from the builder's form, for one actor: the form checked against what they may use, drop-down filter
values narrowed to what they may see, the chart run as a board tile through the one door (boards/tiles.tile_data,
the path of POST /api/v1/query with their policies), and the chart type chosen."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

import runtime
from access.actor import Actor
from boards.spec import Filters, Tile
from boards.tiles import tile_data
from builder import form as chartform
from builder import querychart
from builder import sources as found
from builder import words as chartwords
from builder.form import Chart
from builder.source import AUTO
from i18n import t
from indicators import describe

PREVIEW = "preview"


@dataclasses.dataclass
class Built:
    """The form as a chart for one actor: the tile, its data, and what to tell the user."""

    problems: list[str]
    chart: Chart | None = None
    tile: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    recommended: str = "table"
    notes: list[str] = dataclasses.field(default_factory=list)


def narrowed(who: Actor, chart: Chart, lang: str) -> tuple[Chart, list[str]]:
    """Drop-down filter values outside what `who` may see are left out, and said so: the door would show none of
    those rows anyway, but the sentence must not claim a filter that cannot apply."""
    kept, notes = [], []
    for cond in chart.filters:
        if cond.kind != "values":
            kept.append(cond)
            continue
        allowed = {str(v): v for v in found.allowed_values(who, chart.source, cond.column)}
        values = tuple(allowed[str(v)] for v in cond.values if str(v) in allowed)
        if len(values) < len(cond.values):
            notes.append(t("builder.dropped", lang, where=t("builder.where.filter", lang, n=cond.n)))
        if values:
            kept.append(dataclasses.replace(cond, values=values))
    return dataclasses.replace(chart, filters=tuple(kept)), notes


def shown(chart: Chart, result: Mapping[str, Any], kind: str) -> tuple[dict[str, Any], str | None]:
    """The result as the figure of `kind` reads it, and the period that one-period charts show."""
    if result.get("kind") == "query":
        return querychart.chart_data(result, chartform.source(chart).get("query"), kind)
    latest = describe.latest_complete(result, result.get("to")) if result.get("kind") == "indicator" else None
    return dict(result), (str(latest["period"]) if latest else None)


def parts(chart: Chart, result: Mapping[str, Any]) -> int | None:
    """How many members a single grouping has in the period shown (a few parts of a whole make a donut)."""
    if len(chart.dimensions) != 1 or result.get("state") != "ok":
        return None
    data, period = shown(chart, result, "bar")
    rows = [r for r in data.get("rows") or [] if isinstance(r, Mapping) and r.get("value") is not None]
    return len({str(r.get(chart.dimensions[0])) for r in rows if period is None or r.get("period") == period})


def build(who: Actor, source_key: Any, form: Mapping[str, Any], slots: Mapping[int, Mapping[str, Any]], lang: str, name: str = "") -> Built:
    """Check the form for `who`, run it as a tile through the door, and choose the chart."""
    source = found.resolve(who, source_key)
    if source is None:
        return Built([t("builder.err.source", lang)])
    chart, problems = chartform.read(source, form, slots)
    if chart is None:
        return Built([p.message(lang) for p in problems])
    chart, notes = narrowed(who, chart, lang)
    titles = chartwords.titles(chart, name)
    try:
        model = Tile.model_validate({**chartform.tile(chart, "table", titles), "id": PREVIEW})
    except ValidationError:
        return Built([t("builder.err.too_long", lang)], chart)
    result = tile_data(runtime.current().door, who, model, Filters(), lang)
    recommended = chartform.recommend(chart, parts(chart, result))
    kind = chartform.effective(chart, recommended)
    if chart.chart not in (AUTO, kind):
        notes.append(t("builder.fallback", lang, chosen=t(f"tile.type.{chart.chart}", lang), used=t(f"tile.type.{kind}", lang)))
    if result.get("truncated"):
        notes.append(t("builder.truncated", lang, n=len(result.get("rows") or [])))
    return Built([], chart, chartform.tile(chart, kind, titles), result, recommended, notes)
