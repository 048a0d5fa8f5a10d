"""The page frame's callbacks: the language switch returns to the page being shown (assets/city.js)."""

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
