"""Cells as JSON for previews and exports (the row reads themselves go through query.rows)."""

from __future__ import annotations

from typing import Any


def jsonable(value: Any) -> Any:
    """A cell as JSON: dates as ISO text, NaN as null, bytes dropped."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (bytes, bytearray)):
        return None
    return value
