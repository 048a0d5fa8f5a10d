"""Tile data, computed for the viewer through the one door with the board's filters applied.

A tile whose source the viewer may not see answers `no_access` and carries no data, one on an indicator that
has no certified version yet and whose draft the viewer may not read answers `not_certified`; other errors
answer `error` with a message the viewer may read. Board filters override tile options (date
range, grain) and add dimension filters where the source has that dimension.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from access.actor import Actor
from boards.spec import Filters, Tile, TileType
from datasets.cells import jsonable
from errors import NotCertified, NotFound, UserError
from indicators.spec import Status
from query.door import Door
from query.evaluate import values
from query.selfservice import parse_query

CHART_POINTS = 5000


def _indicator_args(tile: Tile, filters: Filters, dimensions: tuple[str, ...]) -> dict[str, str]:
    args = tile.options.args()
    if filters.start:
        args["from"] = filters.start
    if filters.end:
        args["to"] = filters.end
    if filters.grain and tile.type is not TileType.KPI:
        args["grain"] = filters.grain
    for name, value in filters.dimensions.items():
        if name in dimensions and value:
            args[name] = value
    return args


def _query_payload(tile: Tile, filters: Filters, columns: set[str]) -> dict[str, Any]:
    payload = tile.source.query.to_dict() if tile.source.query else {}
    time = dict(payload.get("time") or {})
    if time.get("column"):
        if filters.start:
            time["from"] = filters.start
        if filters.end:
            time["to"] = filters.end
        if filters.grain and "grain" in time:
            time["grain"] = filters.grain
        payload["time"] = time
    extra = [{"column": name, "op": "=", "value": value} for name, value in filters.dimensions.items() if value and name in columns]
    payload["filters"] = list(payload.get("filters") or []) + extra
    return payload


def tile_data(door: Door, actor: Actor, tile: Tile, filters: Filters, lang: str = "zh", max_rows: int = 1000) -> dict[str, Any]:
    """{state: ok|no_access|error|empty, kind: indicator|query|text, ...data}."""
    if tile.type is TileType.TEXT:
        return {"state": "ok", "kind": "text"}
    try:
        if tile.source.indicator:
            indicator = door.indicator(actor, tile.source.indicator)
            result = values(door, actor, indicator.id, _indicator_args(tile, filters, indicator.dimensions))
            state = "ok" if any(r["value"] is not None for r in result["rows"]) else "empty"
            return {"state": state, "kind": "indicator", "draft": indicator.status is Status.DRAFT, **result}
        dataset = tile.source.query.dataset if tile.source.query else ""
        payload = _query_payload(tile, filters, set(door.columns(actor, dataset)))
        query = parse_query(payload, max_rows)
        answer = door.query(actor, query, row_cap=min(query.limit, CHART_POINTS))
        rows = [[jsonable(v) for v in row] for row in answer.rows]
        return {"state": "ok" if rows else "empty", "kind": "query", "columns": answer.columns, "rows": rows, "truncated": answer.truncated}
    except NotCertified:  # readable once certified: the board already names it, so "not yet certified", nothing more
        return {"state": "not_certified", "kind": "none"}
    except NotFound:
        return {"state": "no_access", "kind": "none"}
    except UserError as exc:
        return {"state": "error", "kind": "none", "message": exc.message(lang)}


def freshness(door: Door, actor: Actor, tile: Tile) -> dt.datetime | None:
    """When the data behind a tile was last loaded (for the KPI card's "updated" line)."""
    dataset = tile.source.query.dataset if tile.source.query else None
    if tile.source.indicator:
        try:
            dataset = door.indicator(actor, tile.source.indicator).dataset
        except NotFound:
            return None
    if not dataset:
        return None
    try:
        return door.loaded_at(actor, str(dataset))
    except NotFound:
        return None
