"""The board grid's answers as sent: encoded to JSON once, and kept for the process (boards/rendered.py decides reuse).

Dash encodes a callback's answer with plotly's JSON encoder, whose "auto" engine is orjson when it is installed
(plotly/io/_json.py `to_json_plotly`: a component tree first fails orjson's fast path, is walked in Python by
`clean_to_json_compatible`, then dumped). A stored answer is that JSON text already: wrapped in an
`orjson.Fragment`, Dash's orjson pass copies it into the response without walking or re-encoding anything.
Where plotly's engine is not orjson the answer is kept as plain JSON data (lists and dicts), which the json
engine encodes without the component walk.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import current_app
from plotly.io import json as plotly_json

from boards.rendered import RenderedBoards

EXTENSION = "city_rendered_boards"


def rendered_boards() -> RenderedBoards:
    """The rendered-board store of this app's process."""
    found: RenderedBoards = current_app.extensions.setdefault(EXTENSION, RenderedBoards())
    return found


def canonical(value: Any) -> str:
    """A request part as one stable text (sorted keys), for the store's key."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def encoded(children: list[Any]) -> tuple[Any, int]:
    """The grid's children in the form Dash sends fastest, and their size in bytes."""
    text: str = plotly_json.to_json_plotly(children)
    if plotly_json.config.default_engine in ("auto", "orjson"):
        return orjson.Fragment(text), len(text)
    return json.loads(text), len(text)
