"""Which chart fits a query, from the roles of its fields (the builder and questions choose alike)."""

from __future__ import annotations

from collections.abc import Sequence

from boards.spec import TileType

DONUT_MAX_PARTS = 6


def recommend(dimension_roles: Sequence[str], measures: int, has_time_grain: bool, distinct_parts: int | None = None) -> TileType:
    """time + measure → line; category + measure → (sorted) bar; two categories → stacked bar, or a heatmap for
    time parts; one value → KPI; few parts of a whole → donut."""
    categories = [r for r in dimension_roles if r in ("dimension", "id", "geo")]
    parts = [r for r in dimension_roles if r == "time_part"]
    if has_time_grain and not categories:
        return TileType.LINE
    if len(parts) == 2 or (parts and categories):
        return TileType.HEATMAP
    if len(categories) >= 2 or (has_time_grain and categories):
        return TileType.STACKED
    if len(categories) == 1:
        if measures == 1 and distinct_parts is not None and distinct_parts <= DONUT_MAX_PARTS:
            return TileType.DONUT
        return TileType.BAR
    if not dimension_roles and not has_time_grain:
        return TileType.KPI
    return TileType.TABLE
