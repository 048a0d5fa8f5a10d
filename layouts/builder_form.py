"""The chart builder's form for one source: what to count, grouping and time, filters, chart type (steps 2–5).

Every control is always on the page (those that do not apply to the chosen source are hidden or disabled), so the
preview callback always finds its inputs; a filter's value control is drawn into its box when its column is chosen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t
from layouts import ids

Options = Sequence[tuple[str, str]]
NONE = "~"  # the value of "(none)" options: a select's empty value would show as its placeholder instead
FILTER_SLOTS = (0, 1, 2)
CHART_TYPES = ("kpi", "line", "area", "bar", "stacked", "donut", "heatmap", "table")


def filter_box(slot: int) -> str:
    """The id of the box that holds filter `slot`'s value control (the control changes with the column's type)."""
    return f"{ids.builder.FILTER_BOX}-{slot}"


def options(pairs: Options, empty: str | None = None) -> list[dict[str, Any]]:
    head = [{"label": empty, "value": NONE}] if empty is not None else []
    return head + [{"label": label, "value": value} for value, label in pairs]


def labelled(label: str, control: Any, target: str | None = None, class_name: str = "") -> html.Div:
    return html.Div([dbc.Label(label, html_for=target, className="small text-muted mb-1"), control], className=f"mb-2 {class_name}")


def step(title: str, *children: Any, class_name: str = "") -> html.Section:
    return html.Section([html.H2(title, className="h6 builder-step-title"), *children], className=f"builder-step {class_name}")


# -- the form of one source --------------------------------------------------------------------------
def select(component_id: Any, choices: list[dict[str, Any]], value: Any, disabled: bool = False) -> dbc.Select:
    return dbc.Select(id=component_id, options=choices, value=value or NONE, size="sm", disabled=disabled)


def agg_options(aggs: Sequence[tuple[str, str, bool]]) -> list[dict[str, Any]]:
    return [{"label": label, "value": value, "disabled": not allowed} for value, label, allowed in aggs]


def _measures(form: Mapping[str, Any], lang: str) -> html.Section:
    values, indicator = form["values"], form["kind"] == "indicator"
    rows = []
    for n in (1, 2):
        fields = options(form["measure_fields"], None if n == 1 else t("builder.none", lang))
        rows.append(
            dbc.Row(
                [
                    dbc.Col(
                        labelled(
                            t(f"builder.measure_{n}", lang),
                            select(getattr(ids.builder, f"MEASURE_FIELD_{n}"), fields, values[f"measure_{n}"]),
                            getattr(ids.builder, f"MEASURE_FIELD_{n}"),
                        ),
                        sm=7,
                    ),
                    dbc.Col(
                        labelled(
                            t("builder.agg", lang),
                            select(getattr(ids.builder, f"MEASURE_AGG_{n}"), agg_options(form["aggs"][n]), values[f"agg_{n}"]),
                            getattr(ids.builder, f"MEASURE_AGG_{n}"),
                        ),
                        sm=5,
                    ),
                ],
                className="g-2",
            )
        )
    note = html.P(form["indicator_note"], className="small mb-0 builder-indicator-note") if indicator else None
    return step(t("builder.step_measure", lang), html.Div(rows, className="d-none" if indicator else ""), note)


def _grouping(form: Mapping[str, Any], lang: str) -> html.Section:
    values = form["values"]
    dims = [
        labelled(
            t(f"builder.dimension_{n}", lang),
            select(
                getattr(ids.builder, f"DIMENSION_{n}"),
                options(form["dimensions"], t("builder.no_grouping", lang)),
                values[f"dimension_{n}"],
            ),
            getattr(ids.builder, f"DIMENSION_{n}"),
        )
        for n in (1, 2)
    ]
    indicator = form["kind"] == "indicator"
    times = options(form["times"], None if indicator else t("builder.no_time", lang))
    return step(
        t("builder.step_group", lang),
        dbc.Row([dbc.Col(d, sm=6) for d in dims], className="g-2"),
        dbc.Row(
            [
                dbc.Col(
                    labelled(
                        t("builder.time_column", lang),
                        select(ids.builder.TIME_COLUMN, times, values["time_column"], disabled=indicator),
                        ids.builder.TIME_COLUMN,
                    ),
                    sm=6,
                ),
                dbc.Col(
                    labelled(
                        t("builder.grain", lang),
                        select(ids.builder.GRAIN, options(form["grains"], t("builder.grain_all", lang)), values["grain"]),
                        ids.builder.GRAIN,
                    ),
                    sm=6,
                ),
            ],
            className="g-2",
        ),
        labelled(
            t("builder.range", lang),
            dcc.DatePickerRange(
                id=ids.builder.RANGE,
                display_format="YYYY-MM-DD",
                start_date_placeholder_text=t("builder.start", lang),
                end_date_placeholder_text=t("builder.end", lang),
                first_day_of_week=1,
                minimum_nights=0,
                clearable=True,
                className="builder-range",
            ),
        ),
    )


def _filters(form: Mapping[str, Any], lang: str) -> html.Section:
    slots = [
        dbc.Row(
            [
                dbc.Col(
                    labelled(
                        t("builder.filter_column", lang, n=slot + 1),
                        select(
                            {"type": ids.builder.FILTER_COLUMN, "slot": slot},
                            options(form["filter_fields"], t("builder.no_filter", lang)),
                            "",
                        ),
                    ),
                    sm=5,
                ),
                dbc.Col(html.Div(id=filter_box(slot), className="builder-filter-box"), sm=7),
            ],
            className="g-2 align-items-end builder-filter",
        )
        for slot in FILTER_SLOTS
    ]
    note = html.P(form["filter_note"], className="small text-muted mb-1") if form.get("filter_note") else None
    return step(t("builder.step_filter", lang), note, *slots)


def filter_control(slot: int, kind: str, values: Sequence[tuple[Any, str]], capped: int, lang: str) -> Any:
    """The input that fits the filter column: a drop-down of the values the user may see, a numeric range, or dates."""
    if kind == "values":
        return html.Div(
            [
                dcc.Dropdown(
                    id={"type": ids.builder.FILTER_VALUES, "slot": slot},
                    options=[{"label": label, "value": value} for value, label in values],
                    multi=True,
                    placeholder=t("builder.filter_values", lang),
                    className="builder-filter-values",
                ),
                html.Div(
                    t("builder.filter_capped", lang, n=capped) if capped else "" if values else t("builder.filter_no_values", lang),
                    className="small text-muted",
                ),
            ]
        )
    if kind == "range":
        return dbc.InputGroup(
            [
                dbc.Input(
                    id={"type": ids.builder.FILTER_MIN, "slot": slot},
                    type="number",
                    placeholder=t("builder.filter_min", lang),
                    debounce=True,
                ),
                dbc.InputGroupText("–"),
                dbc.Input(
                    id={"type": ids.builder.FILTER_MAX, "slot": slot},
                    type="number",
                    placeholder=t("builder.filter_max", lang),
                    debounce=True,
                ),
            ],
            size="sm",
            className="mb-2",
        )
    if kind == "dates":
        return html.Div(
            dcc.DatePickerRange(
                id={"type": ids.builder.FILTER_RANGE, "slot": slot},
                display_format="YYYY-MM-DD",
                start_date_placeholder_text=t("builder.start", lang),
                end_date_placeholder_text=t("builder.end", lang),
                first_day_of_week=1,
                minimum_nights=0,
                clearable=True,
            ),
            className="mb-2",
        )
    return html.Div()


def chart_options(recommended: str, fitting: Sequence[str], lang: str) -> list[dict[str, Any]]:
    """The chart types, "automatic (recommended: …)" first; those that cannot draw the fields are disabled."""
    auto = {"label": t("builder.chart_auto", lang, type=t(f"tile.type.{recommended}", lang)), "value": "auto"}
    return [auto] + [{"label": t(f"tile.type.{k}", lang), "value": k, "disabled": k not in fitting} for k in CHART_TYPES]


def form(view: Mapping[str, Any], lang: str) -> html.Div:
    """Steps 2–5 for the chosen source (`view["kind"]` "" before one is chosen: the same controls, disabled)."""
    chart = dbc.RadioItems(
        id=ids.builder.CHART,
        options=chart_options(view.get("recommended") or "table", view.get("fitting") or CHART_TYPES, lang),
        value=view["values"]["chart"],
        className="builder-chart-types",
    )
    parts = [_measures(view, lang), _grouping(view, lang), _filters(view, lang), step(t("builder.step_chart", lang), chart)]
    return html.Div(parts, className="builder-form" + ("" if view["kind"] else " builder-form-idle"))


def empty_form(lang: str) -> html.Div:
    blank = {
        "measure_1": "",
        "agg_1": "count",
        "measure_2": "",
        "agg_2": "count",
        "dimension_1": "",
        "dimension_2": "",
        "time_column": "",
        "grain": "",
        "chart": "auto",
    }
    view = {
        "kind": "",
        "measure_fields": [],
        "aggs": {1: [], 2: []},
        "values": blank,
        "dimensions": [],
        "times": [],
        "grains": [],
        "filter_fields": [],
    }
    return form(view, lang)
