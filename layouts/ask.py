"""The question box on every board: a question in Chinese or English, the understood query as a sentence, a chart
chosen as the builder would, and "save to board". Pure functions of view data (callbacks/ask.py computes it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t
from layouts import ids
from layouts import tiles as tile_layout

MAX_QUESTION = 300


def save_button(target: str) -> dict[str, str]:
    """Pattern ids: the buttons exist only once there is an answer, so the callback reads them with ALL."""
    return {"type": ids.ask.SAVE, "target": target}


def hint_button(n: int) -> dict[str, Any]:
    return {"type": ids.ask.HINT, "n": n}


def ask_box(lang: str) -> html.Div:
    """The input (Enter asks), the answer area and the saved-to line."""
    label = t("ask.label", lang)
    live: dict[str, Any] = {"aria-live": "polite"}
    return html.Div(
        [
            dcc.Store(id=ids.ask.ASKED),
            html.Label(label, htmlFor=ids.ask.INPUT, className="visually-hidden"),
            dbc.InputGroup(
                [
                    dbc.InputGroupText("?", className="ask-mark"),
                    dbc.Input(
                        id=ids.ask.INPUT,
                        type="search",
                        placeholder=t("ask.placeholder", lang),
                        maxLength=MAX_QUESTION,
                        autoComplete="off",
                    ),
                    dbc.Button(t("ask.submit", lang), id=ids.ask.SUBMIT, color="primary", outline=True),
                ],
                size="sm",
            ),
            dcc.Loading(html.Div(id=ids.ask.ANSWER, className="ask-answer"), type="dot", delay_show=300),
            html.Div(id=ids.ask.SAVED, className="ask-saved small", role="status", **live),
        ],
        className="ask-box no-print",
    )


def answer(view: Mapping[str, Any], lang: str) -> html.Div:
    """The understood query, the chart (rendered as the tile it would save as) and where it can be saved."""
    targets: Sequence[str] = view["targets"]
    buttons = [
        dbc.Button(t(f"ask.save_{target}", lang), id=save_button(target), color="secondary", outline=True, size="sm", className="me-2")
        for target in targets
    ]
    return html.Div(
        [
            html.P(view.get("answer") or "", className="ask-reply fw-semibold mb-1", lang=_html_lang(view.get("answer_lang") or lang)),
            html.Div(
                [html.Span(t("ask.understood", lang), className="text-muted me-1"), html.Span(view["sentence"], className="ask-sentence")],
                className="mb-2 small",
            ),
            *[html.Div(note, className="ask-note small text-muted mb-1") for note in view.get("notes") or []],
            html.Div(tile_layout.body(view["tile"], lang), className=f"ask-chart board-tile tile-{view['tile']['type']}"),
            html.Div(buttons, className="mt-2"),
        ],
        className="ask-result",
    )


def _html_lang(lang: str) -> str:
    """The answer's own language for screen readers (an English answer on a Chinese screen)."""
    return "en" if lang == "en" else "zh-CN"


def refused(message: str, hints: Sequence[str], lang: str) -> html.Div:
    """Not understood or not allowed: the reason, and indicator names to try instead (clicking one asks for it)."""
    chips = [
        html.Button(hint, id=hint_button(n), className="btn btn-sm btn-outline-primary me-1 mb-1 ask-hint", type="button")
        for n, hint in enumerate(hints)
    ]
    return html.Div(
        [
            html.Div(message, className="ask-problem"),
            html.Div([html.Span(t("ask.did_you_mean", lang), className="text-muted me-1"), *chips], className="mt-1") if chips else None,
        ],
        className="ask-refused alert alert-warning py-2 mb-0",
    )


def saved(board_href: str, board_title: str, lang: str) -> html.Span:
    return html.Span([t("ask.saved", lang), " ", dcc.Link(board_title, href=board_href, className="ask-saved-link")])


def save_failed(message: str) -> html.Span:
    return html.Span(message, className="text-danger")
