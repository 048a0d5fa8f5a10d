"""The chart builder page (called by callbacks/pages.py) and its callbacks.

Identity is always the session's actor and every value of the form is only a request: the source is resolved for
the actor on every call (builder/sources.py: one they may not use reads exactly like a missing one),
builder/form.py checks each choice against the fields they may use, drop-down filter values are narrowed to
the values they may see, and the chart runs as a board tile through the one door (boards/tiles.tile_data: the path
of POST /api/v1/query, with their policies). Saving reads the whole form again and goes through the board catalog,
which checks edit rights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import ALL, Input, Output, State, ctx, html, no_update, set_props

import runtime
from access.actor import Actor
from access.departments import place_names
from access.roles import Permission
from boards import commands
from builder import chart as chart_build
from builder import form as chartform
from builder import source as chartsource
from builder import sources as found
from builder import words as chartwords
from builder.form import Chart
from builder.source import ROWS, Field, Source
from callbacks.boardtiles import with_labels
from callbacks.guard import actor, callback, user_lang
from datasets.dictionary import value_label
from errors import NotFound, UserError
from i18n import t
from indicators.spec import Agg
from layouts import builder as layout
from layouts import builder_form as form_layout
from layouts import ids
from layouts.indicators import unit_label

FORM_INPUTS = (
    ("measure_1", ids.builder.MEASURE_FIELD_1, "value"),
    ("agg_1", ids.builder.MEASURE_AGG_1, "value"),
    ("measure_2", ids.builder.MEASURE_FIELD_2, "value"),
    ("agg_2", ids.builder.MEASURE_AGG_2, "value"),
    ("dimension_1", ids.builder.DIMENSION_1, "value"),
    ("dimension_2", ids.builder.DIMENSION_2, "value"),
    ("time_column", ids.builder.TIME_COLUMN, "value"),
    ("grain", ids.builder.GRAIN, "value"),
    ("from", ids.builder.RANGE, "start_date"),
    ("to", ids.builder.RANGE, "end_date"),
    ("chart", ids.builder.CHART, "value"),
)
SLOT_INPUTS = (
    ("values", ids.builder.FILTER_VALUES, "value"),
    ("low", ids.builder.FILTER_MIN, "value"),
    ("high", ids.builder.FILTER_MAX, "value"),
    ("low", ids.builder.FILTER_RANGE, "start_date"),
    ("high", ids.builder.FILTER_RANGE, "end_date"),
)


def _named(fields: list[Field], lang: str) -> list[tuple[str, str]]:
    """(value, label) options: the column's name is the value, its dictionary label what the user reads (the name
    is added only where two fields would read the same)."""
    shown = [f.shown(lang) for f in fields]
    return [(f.name, s if shown.count(s) == 1 else f"{s}（{f.name}）") for f, s in zip(fields, shown, strict=True)]


# -- the page ----------------------------------------------------------------------------------------
def _fields_view(source: Source | None, search: Any, lang: str) -> html.Div:
    if source is None:
        return layout.field_list([], 0, False, lang)
    return layout.field_list(found.field_rows(source, search, lang), len(source.fields), source.hidden_fields, lang)


def _aggs(source: Source, measure: str, lang: str) -> list[tuple[str, str, bool]]:
    allowed = chartsource.aggs_for(source, measure)
    label = {Agg.COUNT.value: t("builder.row_count", lang)} if measure == ROWS else {}
    return [(a.value, label.get(a.value) or t(f"builder.agg.{a.value}", lang), a in allowed) for a in Agg]


def form_view(source: Source, lang: str) -> dict[str, Any]:
    """What steps 2–5 offer for `source`, with the defaults that give a first chart at once."""
    values = chartsource.defaults(source)
    measures = [(ROWS, t("builder.row_count", lang)), *_named(chartsource.measure_fields(source), lang)]
    indicator = source.kind == "indicator"
    first, _ = chartform.read(source, values, {})
    return {
        "kind": source.kind,
        "values": values,
        "recommended": chartform.recommend(first, None) if first else "table",
        "fitting": [k for k in form_layout.CHART_TYPES if first and chartform.suitable(first, k)],
        "measure_fields": measures,
        "aggs": {n: _aggs(source, values[f"measure_{n}"] or ROWS, lang) for n in chartsource.MEASURE_SLOTS},
        "dimensions": [(value, chartwords.dimension_label(source, value, lang)) for value, _, _ in chartsource.dimension_options(source)],
        "times": _named(chartsource.time_fields(source), lang),
        "grains": [(g, t(f"grain.{g}", lang)) for g in source.grains],
        "filter_fields": _named(chartsource.filter_fields(source), lang),
        "indicator_note": t("builder.indicator_measure", lang, name=source.name(lang), unit=unit_label(source.unit, lang) or "—")
        if indicator
        else "",
        "filter_note": t("builder.filter_indicator", lang) if indicator else "",
    }


def builder_view(who: Actor, lang: str, query: Mapping[str, Any]) -> html.Div:
    """The builder for `who`; `?dataset=<id>` or `?indicator=<id>` preselects a source they may use."""
    wanted = next((f"{kind}:{query[kind]}" for kind in ("dataset", "indicator") if isinstance(query.get(kind), str)), "")
    source = found.resolve(who, wanted) if wanted else None
    view = {
        "sources": found.sources(who, lang),
        "source": source.key if source else "",
        "notice": t("builder.source_missing", lang) if wanted and source is None else "",
        "form": form_layout.form(form_view(source, lang), lang) if source else form_layout.empty_form(lang),
        "fields": _fields_view(source, "", lang),
        "targets": found.targets(who, lang),
        "can_save": who.has_any_write(),
    }
    return layout.page(view, lang)


# -- the chart -----------------------------------------------------------------------------------------


def _form() -> tuple[Any, dict[str, Any], dict[int, dict[str, Any]]]:
    """(source key, form values, filter slots) from the callback's inputs and states, pattern-matched ones by slot."""
    source: Any = None
    form: dict[str, Any] = {}
    slots: dict[int, dict[str, Any]] = {}
    simple = {(i, p): name for name, i, p in FORM_INPUTS}
    patterned = {(i, p): name for name, i, p in SLOT_INPUTS} | {(ids.builder.FILTER_COLUMN, "value"): "column"}
    for item in [*ctx.inputs_list, *ctx.states_list]:
        for entry in item if isinstance(item, list) else [item]:
            if not isinstance(entry, Mapping):
                continue
            cid, prop, value = entry.get("id"), str(entry.get("property")), entry.get("value")
            if cid == ids.builder.SOURCE:
                source = value
            elif isinstance(cid, str) and (cid, prop) in simple:
                form[simple[(cid, prop)]] = value
            elif isinstance(cid, Mapping) and (str(cid.get("type")), prop) in patterned and cid.get("slot") in form_layout.FILTER_SLOTS:
                slots.setdefault(int(cid["slot"]), {})[patterned[(str(cid["type"]), prop)]] = value
    return source, form, slots


def _scope(who: Actor, chart: Chart) -> str:
    """The viewer's area when a row policy narrows this source for them (said in the filter sentence)."""
    if not who.area or chart.source.dataset is None:
        return ""
    try:
        return who.area if runtime.current().door.dataset(who, chart.source.dataset).scoped else ""
    except NotFound:
        return ""


def preview_view(who: Actor, built: chart_build.Built, lang: str) -> dict[str, Any]:
    """The tile view layouts/tiles.py draws (as boards do), the filter sentence, notes and problems."""
    if built.chart is None or built.tile is None or built.result is None:
        return {"problems": built.problems}
    result, kind = built.result, str(built.tile["type"])
    shown = result["state"] in ("ok", "empty")
    data, period = chart_build.shown(built.chart, result, kind) if shown else ({}, None)
    tile = {
        "id": chart_build.PREVIEW,
        "type": kind,
        "title": built.tile["title"]["en" if lang == "en" else "zh"],
        "state": result["state"],
        "message": result.get("message"),
        "data": data if shown else None,
        "period": period,
        "graph_id": ids.builder.GRAPH,
    }
    with runtime.current().store.read() as db:  # members and the viewer's area in their language
        names = place_names(db)
    scope = value_label("", _scope(who, built.chart), lang, names)
    return {"tile": with_labels(tile, lang, names), "sentence": chartwords.sentence(built.chart, lang, scope, names), "notes": built.notes}


@callback(
    Permission.VIEW,
    Output(ids.builder.PREVIEW, "children"),
    *[Input(i, p) for _, i, p in FORM_INPUTS],
    *[Input({"type": i, "slot": ALL}, p) for _, i, p in SLOT_INPUTS],
    State(ids.builder.SOURCE, "value"),
    State({"type": ids.builder.FILTER_COLUMN, "slot": ALL}, "value"),
)
def preview(*_values: Any) -> Any:
    """The live preview: every change of the form draws the chart again, for the signed-in user."""
    lang, who = user_lang(), actor()
    source_key, form, slots = _form()
    if not source_key:
        return layout.preview({"idle": True}, lang)
    built = chart_build.build(who, source_key, form, slots, lang)
    if built.chart is not None:
        fitting = [k for k in form_layout.CHART_TYPES if chartform.suitable(built.chart, k)]
        set_props(ids.builder.CHART, {"options": form_layout.chart_options(built.recommended, fitting, lang)})
        if who.has_any_write():
            set_props(ids.builder.TITLE, {"placeholder": chartwords.title(built.chart, lang)})
    return layout.preview(preview_view(who, built, lang), lang)


@callback(
    Permission.VIEW,
    Output(ids.builder.SAVE_RESULT, "children"),
    Input(ids.builder.SAVE, "n_clicks"),
    *[State(i, p) for _, i, p in FORM_INPUTS],
    *[State({"type": i, "slot": ALL}, p) for _, i, p in SLOT_INPUTS],
    State(ids.builder.SOURCE, "value"),
    State({"type": ids.builder.FILTER_COLUMN, "slot": ALL}, "value"),
    State(ids.builder.TITLE, "value"),
    State(ids.builder.TARGET, "value"),
    prevent_initial_call=True,
)
def save(clicks: Any, *values: Any) -> Any:
    """Save the chart as the form has it: to the user's own charts, or as a tile of a board they may edit."""
    lang, who = user_lang(), actor()
    if not clicks:
        return no_update
    if not who.has_any_write():
        return layout.refused(t("builder.save_readonly", lang))
    name, board = values[-2], values[-1]
    source_key, form, slots = _form()
    built = chart_build.build(who, source_key, form, slots, lang, name if isinstance(name, str) else "")
    if built.tile is None or built.result is None or built.result["state"] not in ("ok", "empty"):
        return layout.refused(" ".join([t("builder.save_invalid", lang), *built.problems]))
    target = found.target(who, board)
    if target is None:
        return layout.refused(t("builder.save_refused", lang))
    try:
        info = commands.add_tile(runtime.current().store, who, target, built.tile)
    except NotFound:
        return layout.refused(t("builder.save_refused", lang))
    except UserError as exc:
        return layout.refused(exc.message(lang))
    return layout.saved(info.spec.title.get(lang), info.id, lang)


# -- the form follows the source, the measure and the filter fields ----------------------------------
@callback(Permission.VIEW, Output(ids.builder.FORM, "children"), Input(ids.builder.SOURCE, "value"), prevent_initial_call=True)
def choose_source(source_key: Any) -> Any:
    """A new source: its controls, with defaults that draw a first chart at once."""
    lang = user_lang()
    source = found.resolve(actor(), source_key)
    return form_layout.form(form_view(source, lang), lang) if source else form_layout.empty_form(lang)


@callback(
    Permission.VIEW,
    Output(ids.builder.FIELD_LIST, "children"),
    Input(ids.builder.SOURCE, "value"),
    Input(ids.builder.FIELD_SEARCH, "value"),
    prevent_initial_call=True,
)
def list_fields(source_key: Any, search: Any) -> Any:
    """The source's fields from the data dictionary, searched in either language."""
    return _fields_view(found.resolve(actor(), source_key), search, user_lang())


def _measure_callback(n: int) -> None:
    agg = getattr(ids.builder, f"MEASURE_AGG_{n}")

    @callback(
        Permission.VIEW,
        Output(agg, "value"),
        Input(getattr(ids.builder, f"MEASURE_FIELD_{n}"), "value"),
        State(ids.builder.SOURCE, "value"),
        prevent_initial_call=True,
    )
    def choose_measure(measure: Any, source_key: Any) -> Any:
        """A new measure field: the summaries that fit its type, and the one a clerk most likely means."""
        lang = user_lang()
        source = found.resolve(actor(), source_key)
        chosen = ROWS if measure == form_layout.NONE else measure
        if source is None or not isinstance(chosen, str) or (chosen != ROWS and source.field(chosen) is None):
            return no_update
        set_props(agg, {"options": form_layout.agg_options(_aggs(source, chosen, lang))})
        return chartsource.default_agg(source, chosen)


def _filter_callback(slot: int) -> None:
    @callback(
        Permission.VIEW,
        Output(form_layout.filter_box(slot), "children"),
        Input({"type": ids.builder.FILTER_COLUMN, "slot": slot}, "value"),
        State(ids.builder.SOURCE, "value"),
        prevent_initial_call=True,
    )
    def choose_filter(column: Any, source_key: Any) -> Any:
        """A new filter field: the input that fits its type; a drop-down holds only values the user may see."""
        lang, who = user_lang(), actor()
        source = found.resolve(who, source_key)
        kind = chartsource.filter_kind(source, column) if source is not None and isinstance(column, str) else ""
        values: list[tuple[Any, str]] = []
        if source is not None and kind == "values":
            labels = {"true": t("builder.yes", lang), "false": t("builder.no", lang)}
            with runtime.current().store.read() as db:  # values stay as stored; their labels read in the viewer's language
                names = place_names(db)
            values = [(v, labels.get(str(v)) or value_label(column, v, lang, names)) for v in found.allowed_values(who, source, column)]
        capped = found.VALUE_LIMIT if len(values) >= found.VALUE_LIMIT else 0
        return form_layout.filter_control(slot, kind, values, capped, lang)


for _n in chartsource.MEASURE_SLOTS:
    _measure_callback(_n)
for _slot in form_layout.FILTER_SLOTS:
    _filter_callback(_slot)
