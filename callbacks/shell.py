"""The page frame's callbacks: the language switch returns to the page being shown (assets/city.js); the menu
button opens the navigation on narrow screens (assets/screens.js)."""

from __future__ import annotations

from dash import Input, Output, State

from callbacks.guard import clientside
from layouts import ids

clientside(
    "languageHref",
    Output(ids.NAV_LANG, "href"),
    Input(ids.URL, "pathname"),
    Input(ids.URL, "search"),
    State(ids.NAV_LANG, "href"),
)
clientside(
    "navToggle",
    Output(ids.NAV_COLLAPSE, "is_open"),
    Input(ids.NAV_TOGGLE, "n_clicks"),
    State(ids.NAV_COLLAPSE, "is_open"),
    prevent_initial_call=True,
)
