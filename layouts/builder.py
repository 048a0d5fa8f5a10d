"""The chart builder page: a source, its fields from the data dictionary, the form, a live preview and saving.

Pure functions of view data that callbacks/builder.py computes for the signed-in user; the form's steps are in
layouts/builder_form.py. The preview is a board tile drawn by layouts/tiles.py, so it looks exactly as it will on a
board.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t
from layouts import ids
from layouts import tiles as tile_layout
from layouts.boardparts import board_href
from layouts.builder_form import Options, labelled, options, select, step
from layouts.common import empty_state
from layouts.shell import page_title


# -- source and fields ----------------------------------------------------------------------------------
def source_picker(sources: Sequence[tuple[str, str, str]], chosen: str, notice: str, lang: str) -> html.Section:
    return step(
        t("builder.step_source", lang),
        dbc.Label(t("builder.source", lang), html_for=ids.builder.SOURCE, className="small text-muted mb-1"),
        dcc.Dropdown(
            id=ids.builder.SOURCE,
            options=[{"label": label, "value": key, "search": words} for key, label, words in sources],  # words: both languages
            value=chosen or None,
            placeholder=t("builder.source_placeholder", lang),
            clearable=False,
            className="builder-source",
        ),
        html.Div(notice, className="small text-danger mt-1 builder-notice", role="alert") if notice else None,
    )


def field_list(rows: Sequence[Mapping[str, Any]], total: int, hidden: bool, lang: str) -> html.Div:
    """The dictionary of the chosen source: name (and its label), type, role, description; all as text."""
    if not total:
        return html.Div()
    body = [
        html.Tr(
            [
                html.Td(
                    [
                        html.Div(r["label"], className="fw-semibold"),
                        html.Div(r["name"], className="small text-muted") if r["name"] != r["label"] else None,
                    ]
                ),
                html.Td(dbc.Badge(r["type_label"], color="light", text_color="dark", className="border fw-normal")),
                html.Td(
                    dbc.Badge(r["role_label"], color="info" if r["role"] in ("dimension", "geo") else "secondary", className="fw-normal")
                ),
                html.Td(r["description"], className="small text-muted"),
            ],
            className="builder-field",
            **{"data-field": r["name"]},
        )
        for r in rows
    ]
    head = html.Thead(html.Tr([html.Th(t(f"builder.{k}_col", lang)) for k in ("field", "type", "role")] + [html.Th("")]))
    listing: Any = (
        html.Table([head, html.Tbody(body)], className="table table-sm mb-0 builder-fields")
        if rows
        else html.P(t("builder.fields_none", lang), className="small text-muted mb-0 builder-fields-none")
    )
    notes = [t("builder.fields_count", lang, shown=len(rows), total=total)] + ([t("builder.fields_hidden", lang)] if hidden else [])
    return html.Div([html.Div(listing, className="builder-fields-scroll"), html.Div(" ".join(notes), className="small text-muted mt-1")])


def fields_panel(fields: Any, lang: str) -> html.Details:
    return html.Details(
        [
            html.Summary(t("builder.fields", lang), className="builder-fields-summary"),
            dbc.Input(
                id=ids.builder.FIELD_SEARCH,
                placeholder=t("builder.field_search", lang),
                type="search",
                size="sm",
                debounce=250,
                maxLength=100,
                className="my-2",
            ),
            html.Div(fields, id=ids.builder.FIELD_LIST),
        ],
        open=True,
        className="builder-step builder-fields-panel",
    )


# -- preview and saving -----------------------------------------------------------------------------
def preview(view: Mapping[str, Any], lang: str) -> html.Div:
    """The tile as it will look on a board, the filter sentence under it, then notes and problems."""
    if view.get("idle"):
        return html.Div(empty_state(t("builder.pick_source", lang), t("builder.pick_source_hint", lang)), className="builder-preview-idle")
    problems = view.get("problems") or []
    tile = view.get("tile")
    kind = tile["type"] if tile else "none"
    parts: list[Any] = []
    if tile is not None:
        parts.append(html.Div(tile_layout.frame(tile, lang), className=f"builder-tile builder-tile-{kind}"))
    if view.get("sentence"):
        parts.append(html.P(view["sentence"], id=ids.builder.SENTENCE, className="builder-sentence small mt-2 mb-1"))
    parts += [html.P(note, className="builder-note small text-muted mb-1") for note in view.get("notes") or []]
    if problems:
        parts.append(
            dbc.Alert(
                [html.Div(t("builder.problems", lang), className="fw-semibold"), html.Ul([html.Li(p) for p in problems], className="mb-0")],
                color="danger",
                className="builder-problems mt-2 mb-0",
            )
        )
    return html.Div(parts, className=f"builder-preview-body builder-shows-{kind}")


def save_panel(targets: Options, can_save: bool, lang: str) -> html.Section:
    if not can_save:
        return step(t("builder.step_save", lang), html.P(t("builder.save_readonly", lang), className="small text-muted mb-0"))
    return step(
        t("builder.step_save", lang),
        dbc.Row(
            [
                dbc.Col(
                    labelled(t("builder.save_title", lang), dbc.Input(id=ids.builder.TITLE, maxLength=200, size="sm"), ids.builder.TITLE),
                    md=6,
                ),
                dbc.Col(
                    labelled(
                        t("builder.save_target", lang),
                        select(ids.builder.TARGET, options(targets), targets[0][0] if targets else ""),
                        ids.builder.TARGET,
                    ),
                    md=4,
                ),
                dbc.Col(dbc.Button(t("builder.save", lang), id=ids.builder.SAVE, color="primary", size="sm", className="mb-2 w-100"), md=2),
            ],
            className="g-2 align-items-end",
        ),
        html.Div(id=ids.builder.SAVE_RESULT, className="small", role="status"),
    )


def saved(board_title: str, board_id: str, lang: str) -> html.Div:
    return html.Div(
        [
            html.Span(t("builder.saved", lang, board=board_title), className="text-success fw-semibold me-2 builder-saved"),
            dcc.Link(f"{t('builder.open_board', lang)} →", href=board_href(board_id), className="builder-open-board"),
            html.Div(t("builder.saved_hint", lang), className="text-muted mt-1"),
        ]
    )


def refused(message: str) -> html.Div:
    return html.Div(message, className="text-danger builder-refused")


def page(view: Mapping[str, Any], lang: str) -> html.Div:
    """The whole builder; with nothing to build from, an empty state that says what to do."""
    if not view["sources"]:
        return html.Div(
            [
                page_title(t("nav.builder", lang)),
                empty_state(t("builder.no_sources", lang), t("builder.no_sources_hint", lang), dcc.Link(t("nav.datasets", lang), href="/")),
            ],
            id=ids.builder.PAGE,
        )
    left = [
        source_picker(view["sources"], view["source"], view["notice"], lang),
        fields_panel(view["fields"], lang),
        html.Div(view["form"], id=ids.builder.FORM),
    ]
    right = [
        html.Section(
            [
                html.H2(t("builder.preview", lang), className="h6 builder-step-title"),
                dcc.Loading(html.Div(id=ids.builder.PREVIEW), delay_show=300, type="circle"),
            ],
            className="builder-step builder-preview",
        ),
        save_panel(view["targets"], view["can_save"], lang),
    ]
    return html.Div(
        [
            page_title(t("nav.builder", lang)),
            html.P(t("builder.intro", lang), className="text-muted"),
            dbc.Row([dbc.Col(left, lg=5, xl=4), dbc.Col(right, lg=7, xl=8)], className="g-3"),
        ],
        id=ids.builder.PAGE,
        className="builder-page",
    )
