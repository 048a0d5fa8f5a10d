"""Which chart fits an answer, from the roles of its fields: the chart builder and questions choose alike.

Returns a tile type's value (boards/spec.TileType), so the semantic layer needs nothing from boards.
"""

from __future__ import annotations

from collections.abc import Sequence

DONUT_MAX_PARTS = 6
CATEGORY_ROLES = ("dimension", "id", "geo")


def choose_chart(
    dimension_roles: Sequence[str], measures: int, has_time_grain: bool, distinct_parts: int | None = None, additive: bool = True
) -> str:
    """time + measure → line; category + measure → (sorted) bar; two categories → stacked bar, or a heatmap for
    time parts; one value → KPI; a few parts of a whole (an additive measure: sums and counts) → donut."""
    categories = [r for r in dimension_roles if r in CATEGORY_ROLES]
    parts = [r for r in dimension_roles if r == "time_part"]
    if has_time_grain and not categories and not parts:
        return "line"
    if len(parts) == 2 or (parts and categories):
        return "heatmap"
    if len(categories) >= 2 or (has_time_grain and categories):
        return "stacked"
    if len(categories) == 1 or len(parts) == 1:
        whole = additive and measures == 1 and distinct_parts is not None and 2 <= distinct_parts <= DONUT_MAX_PARTS
        return "donut" if whole and categories else "bar"
    if not dimension_roles and not has_time_grain:
        return "kpi"
    return "table"
