"""The indicator authoring page (called by callbacks/pages.py) and its callbacks. Being built: see issue 6."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import html

from access.actor import Actor


def authoring_view(who: Actor, indicator_id: str, lang: str, query: Mapping[str, Any]) -> html.Div:
    return html.Div(html.H2(indicator_id or "new"), className="authoring-page")
