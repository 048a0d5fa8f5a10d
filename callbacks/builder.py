"""The chart builder page (called by callbacks/pages.py) and its callbacks. Being built: see issue 6."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import html

from access.actor import Actor
from i18n import t


def builder_view(who: Actor, lang: str, query: Mapping[str, Any]) -> html.Div:
    return html.Div(html.H2(t("nav.builder", lang)), className="builder-page")
