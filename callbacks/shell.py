"""The page frame's callbacks: the language switch returns to the page being shown (assets/city.js); the menu
button opens the navigation on narrow screens (assets/screens.js)."""

from __future__ import annotations

from dash import Input, Output, State

from callbacks.guard import clientside
from layouts import ids

clientside(
    "languageHref",
    Output(ids.shell.LANG, "href"),
    Input(ids.shell.URL, "pathname"),
    Input(ids.shell.URL, "search"),
    State(ids.shell.LANG, "href"),
)
clientside(
    "navToggle",
    Output(ids.shell.COLLAPSE, "is_open"),
    Input(ids.shell.TOGGLE, "n_clicks"),
    State(ids.shell.COLLAPSE, "is_open"),
    prevent_initial_call=True,
)
