"""A tile's data as a sheet a person can read and send on: names, not codes.

The sheet opens with a header block (label, value per row): the indicator's name, id and definition version,
its unit, the period, the viewer's scope, the filters in words, when it was generated (city clock) and the
percent convention; a blank row; then the table, whose column titles are words in the reader's language.

Percent convention (one for every export): a percent is a number from 0 to 100 with the unit `%` — an
indicator in % is stored that way already, and attainment (a ratio in the API) is multiplied by 100 here;
a change in a percent indicator is in percentage points, a relative change in %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from access.actor import Actor
from boards import caption
from boards.spec import Filters, Tile
from boards.words import say as t
from query.door import Door
from query.questions import dimension_label
from query.selfservice import TIME_PARTS

PERCENT = "%"


@dataclass(frozen=True)
class Sheet:
    head: list[list[Any]]  # (label, value) rows above the table
    columns: list[str]
    rows: list[list[Any]]

    def lines(self) -> list[list[Any]]:
        """Everything, top to bottom: the header block, a blank row, the column titles, the rows."""
        return [*self.head, [], self.columns, *self.rows]


@dataclass(frozen=True)
class Context:
    """What the file says about itself besides the data (boards/caption.py words it)."""

    lang: str
    areas: Mapping[str, str]  # area name as stored → name in `lang`
    scope: str
    period: str
    filters: str
    generated: str
    version: int | None = None  # the indicator definition's version the values come from
    labels: Mapping[str, str] | None = None  # a query's column → its dictionary label


def _title(label: str) -> str:
    """A column title starts with a capital ("district" → "District"); Chinese is unchanged."""
    return label[:1].upper() + label[1:]


def _percent(value: Any) -> Any:
    return round(value * 100, 2) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _with_unit(name: str, unit: str, lang: str) -> str:
    return t("sheet.with_unit", lang, name=name, unit=unit) if unit else name


def _common_head(context: Context) -> list[list[Any]]:
    lang = context.lang
    return [
        [t("sheet.scope", lang), context.scope],
        [t("sheet.period", lang), context.period],
        [t("sheet.filters", lang), context.filters],
        [t("sheet.generated", lang), context.generated],
        [t("sheet.percent_rule", lang), t("sheet.percent_text", lang)],
    ]


def indicator_sheet(data: Mapping[str, Any], context: Context) -> Sheet:
    lang = context.lang
    name_of: Mapping[str, Any] = data.get("name") or {}
    name = str((name_of.get("en") or name_of.get("zh")) if lang == "en" else (name_of.get("zh") or name_of.get("en")) or data["indicator"])
    unit = str(data.get("unit") or "")
    by = list(data.get("by") or [])
    head = [
        [t("sheet.indicator", lang), name],
        [t("sheet.indicator_id", lang), data["indicator"]],
        [t("sheet.version", lang), context.version if context.version is not None else ""],
        [t("sheet.unit", lang), unit],
        *_common_head(context),
    ]
    change_unit = t("sheet.points", lang) if unit == PERCENT else unit
    columns = [
        t("sheet.period", lang),
        *(_title(dimension_label(d, lang)) for d in by),
        t("sheet.indicator", lang),
        t("sheet.value", lang),
        t("sheet.unit", lang),
        t("sheet.target", lang),
        _with_unit(t("sheet.attainment", lang), PERCENT, lang),
        t("sheet.status", lang),
    ]
    compare = str(data.get("compare") or "")
    if compare:
        known = compare in ("year_ago", "previous", "baseline")  # 去年同期值 / 基线值: which comparison, in words
        columns += [
            t(f"sheet.compare_value.{compare}" if known else "sheet.compare_value", lang),
            _with_unit(t(f"sheet.change.{compare}" if known else "sheet.change", lang), change_unit, lang),
            _with_unit(t(f"sheet.change_pct.{compare}" if known else "sheet.change_pct", lang), PERCENT, lang),
        ]
    rows = []
    for row in data.get("rows") or []:
        period = t("sheet.all_periods", lang) if row.get("period") == "all" else row.get("period")
        areas = [context.areas.get(str(row.get(d)), row.get(d)) if d == "district" else row.get(d) for d in by]
        status = t(f"light.{row['status']}", lang) if row.get("status") in ("green", "amber", "red") else ""
        line = [period, *areas, name, row.get("value"), unit, row.get("target"), _percent(row.get("attainment")), status]
        if data.get("compare"):
            line += [row.get("compare_value"), row.get("change"), row.get("change_pct")]
        rows.append(line)
    return Sheet(head, columns, rows)


def column_title(name: str, labels: Mapping[str, str], lang: str) -> str:
    """A query column in words: one the product names (district, …) in the reader's language, a time part as
    "<column label> 的星期" / "Weekday of <column label>", others by their dictionary label (or as named)."""
    base, _, part = name.partition(".")
    if part in TIME_PARTS:
        return t(f"part.{part}", lang, field=column_title(base, labels, lang))
    known = dimension_label(name, lang)
    return _title(known) if known != name else labels.get(name) or name


def query_sheet(data: Mapping[str, Any], dataset: str, context: Context) -> Sheet:
    """A saved query's rows under their dictionary labels; district values in the reader's language."""
    lang = context.lang
    labels = context.labels or {}
    names: Sequence[str] = list(data.get("columns") or [])
    head = [[t("sheet.dataset", lang), dataset], *_common_head(context)]
    columns = [column_title(c, labels, lang) for c in names]
    rows = [
        [context.areas.get(str(v), v) if c == "district" else v for c, v in zip(names, r, strict=False)] for r in data.get("rows") or []
    ]
    return Sheet(head, columns, rows)


def context_for(door: Door, actor: Actor, filters: Filters, lang: str, **extra: Any) -> Context:
    """The words about a file: the viewer's scope, the period, the filters, now on the city's clock."""
    areas = caption.names(door.areas(), lang)
    return Context(
        lang,
        areas,
        caption.scope(actor, areas, lang),
        caption.period(filters, lang),
        caption.filter_words(filters, areas, lang),
        caption.generated_at(lang),
        **extra,
    )


def sheet_for(door: Door, actor: Actor, tile: Tile, filters: Filters, data: Mapping[str, Any], lang: str) -> Sheet:
    """The sheet of one tile's data (already computed for `actor`): an indicator's, or a saved query's."""
    if data.get("kind") == "indicator":
        version = door.indicator(actor, str(data["indicator"])).version
        context = context_for(door, actor, filters, lang, version=version)
        if data.get("timeless"):  # one value over all the data, whatever dates the board asks for
            context = replace(context, period=t("sheet.timeless_period", lang))
        return indicator_sheet(data, context)
    dataset_id = tile.source.query.dataset if tile.source.query else ""
    info = door.dataset(actor, dataset_id).info
    labels = {c.name: c.label for c in info.columns if c.label}
    context = context_for(door, actor, filters, lang, labels=labels)
    named = (info.name_en or info.name_zh) if lang == "en" else (info.name_zh or info.name_en)
    sheet = query_sheet(data, named, context)
    sheet.head.insert(1, [t("sheet.data_version", lang), info.data_version])
    return sheet
