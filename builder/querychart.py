"""A saved query's result in the shape the tile figures draw (layouts/tiles.py reads indicator values' shape).

A query tile's data arrives as columns and rows of lists (`period`, the dimensions, then one column per measure);
the figures read records with `period`, the dimensions and `value`, and `by` naming the dimensions. Several
measures become one more dimension, `measure`, so a line chart draws one line per measure. Tables and
weekday × hour heatmaps read the query's own columns and are left as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from indicators.periods import label
from indicators.spec import Grain

KEEP = ("table", "heatmap", "text")
COUNTS = ("count", "count_distinct")


def _period(value: Any, grain: Grain | None) -> Any:
    if grain is None or not isinstance(value, str):
        return value
    try:
        return label(grain, dt.datetime.fromisoformat(value))
    except ValueError:
        return value


def chart_data(result: Mapping[str, Any], query: Mapping[str, Any] | None, kind: str) -> tuple[dict[str, Any], str | None]:
    """(data for the figure of `kind`, the latest period with a value — what one-period charts and KPI cards show)."""
    if result.get("kind") != "query" or kind in KEEP or not isinstance(query, Mapping):
        return dict(result), None
    columns = [str(c) for c in result.get("columns") or []]
    measures = [m for m in query.get("measures") or [] if isinstance(m, Mapping)]
    count = min(max(1, len(measures)), len(columns))
    heads, values = columns[: len(columns) - count], columns[len(columns) - count :]
    dims = [c for c in heads if c != "period"]
    time = query.get("time")
    wanted = time.get("grain") if isinstance(time, Mapping) else None
    grain = Grain(wanted) if "period" in heads and wanted in {g.value for g in Grain} else None
    records: list[dict[str, Any]] = []
    for row in result.get("rows") or []:
        cells = dict(zip(columns, row, strict=False))
        base = {"period": _period(cells.get("period"), grain)} if "period" in heads else {}
        base |= {d: cells.get(d) for d in dims}
        if count == 1:
            records.append({**base, "value": cells.get(values[0])})
        else:
            records.extend({**base, "measure": name, "value": cells.get(name)} for name in values)
    aggs = [str(m.get("agg")) for m in measures] or ["count"]
    periods = [r["period"] for r in records if "period" in r and r.get("value") is not None]
    data = {
        **result,
        "rows": records,
        "by": dims + (["measure"] if count > 1 else []),
        "decimals": 0 if all(a in COUNTS for a in aggs) else 2,
        "unit": "",
        "direction": None,
    }
    return data, (str(max(periods)) if periods else None)
