"""Board tiles: every tile of a board computed for the viewer in one batch, and the callback that draws them.

The page's tile list, filters and cross-filter click are requests: viewers get the saved tiles only, editors
their unsaved arrangement parsed afresh; dates, grains and districts are checked against what the viewer may
see; each tile is computed through the one door (`board_data`), so a tile whose source the viewer may not
see carries no data.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from dash import Input, Output, State, ctx, set_props
from pydantic import ValidationError

import citytime
import runtime
from access.actor import Actor
from access.roles import Permission
from boards.catalog import BoardInfo, department_boards
from boards.render import board_data
from boards.rendered import Rendered, marks, request_key
from boards.spec import MAX_TILES, Filters, Tile, TileType
from boards.tiles import freshness
from builder.querychart import chart_data
from callbacks.boardanswers import canonical, encoded, rendered_boards
from callbacks.boards import date_text, districts, filter_deps, open_board, ui_layout, when
from callbacks.guard import actor, callback, user_lang
from datasets.dictionary import Places, value_labels
from errors import NotFound
from i18n import t
from indicators import describe
from indicators.batch import batch
from indicators.spec import Grain, Indicator
from layouts import ids
from layouts import tiles as tile_layout
from layouts.board import in_layout_order
from layouts.boardparts import GRAINS, board_href, scope_note
from layouts.indicators import indicator_href

FINER = {"year": "month", "quarter": "month", "month": "week", "week": "day", "day": "day", "hour": "hour"}
DIMENSION = re.compile(r"^[A-Za-z_][\w.]{0,63}$")
TILE_ID = re.compile(r"^[a-z0-9_-]{1,40}$")


def requested_tiles(board: BoardInfo, tileset: Any) -> list[tuple[str, Tile | None, str]]:
    """(tile id, tile, problem) in the order the page asks for. Viewers get the saved tiles only (an id the board
    does not have is "not found"); editors may show their unsaved arrangement, each tile parsed afresh."""
    saved = {tile.id: tile for tile in board.spec.tiles}
    asked = tileset.get("tiles") if isinstance(tileset, Mapping) else None
    if not isinstance(asked, list):
        return [(tile.id, tile, "") for tile in board.spec.tiles]
    out: list[tuple[str, Tile | None, str]] = []
    seen: set[str] = set()
    for item in asked[:MAX_TILES]:
        tile_id = item.get("id") if isinstance(item, Mapping) else None
        if not isinstance(tile_id, str) or not TILE_ID.match(tile_id) or tile_id in seen:
            continue
        seen.add(tile_id)
        if not board.can_edit:
            out.append((tile_id, saved.get(tile_id), ""))
            continue
        try:
            out.append((tile_id, Tile.model_validate(item), ""))
        except ValidationError:
            out.append((tile_id, None, "invalid"))
    return out


def board_filters(base: Filters, raw: Mapping[str, Any], allowed: Sequence[str]) -> Filters:
    """The filter bar's values, each checked: dates as dates, a known grain, a district the viewer may see (another
    is not applied, and the filter bar says so: `filter_scope_note`)."""
    dimensions = {k: v for k, v in base.dimensions.items() if k != "district"}
    district = raw.get("district")
    if isinstance(district, str) and district in allowed:
        dimensions["district"] = district
    grain = raw.get("grain") if raw.get("grain") in GRAINS else None
    return Filters.model_validate(
        {"from": date_text(raw.get("from")) or None, "to": date_text(raw.get("to")) or None, "grain": grain, "dimensions": dimensions}
    )


def cross_filter(cross: Any, allowed: Sequence[str]) -> dict[str, str] | None:
    """{tile, dimension, value} from a click, checked; a district outside the viewer's is not applied (the filter bar
    says so: `filter_scope_note`)."""
    if not isinstance(cross, Mapping):
        return None
    tile, dimension, value = cross.get("tile"), cross.get("dimension"), cross.get("value")
    if not (
        isinstance(tile, str)
        and isinstance(dimension, str)
        and DIMENSION.match(dimension)
        and isinstance(value, str)
        and 0 < len(value) <= 200
    ):
        return None
    if dimension == "district" and value not in allowed:
        return None
    return {"tile": tile, "dimension": dimension, "value": value}


def filter_scope_note(who: Actor, district: Any, cross: Any, lang: str) -> str:
    """What the filter bar says when the district filter or a cross-filter click names a district outside a scoped
    viewer's (你只能查看东城区的数据；以下为东城区的数据。): the tiles then show all the viewer may see."""
    if who.city_wide or not who.area:
        return ""
    clicked = cross.get("value") if isinstance(cross, Mapping) and cross.get("dimension") == "district" else None
    return scope_note([district, clicked], districts(who, lang), lang)


def _with(filters: Filters, extra: Mapping[str, str]) -> Filters:
    return filters.model_copy(update={"dimensions": {**filters.dimensions, **extra}})


def _query(filters: Filters) -> dict[str, str]:
    return {"from": filters.start or "", "to": filters.end or "", "grain": filters.grain or "", **filters.dimensions}


def _extras(tiles: Sequence[Tile], meta: Mapping[str, Indicator]) -> dict[str, Tile]:
    """Hidden companions of KPI cards: a finer series for the sparkline, and the change against the baseline."""
    extra: dict[str, Tile] = {}
    for tile in tiles:
        indicator = meta.get(tile.source.indicator or "")
        if tile.type is not TileType.KPI or indicator is None:
            continue
        grain = tile.options.get("grain") or (indicator.time.default_grain.value if indicator.time else Grain.MONTH.value)
        finer = FINER.get(grain, "month")
        if indicator.time is None or Grain(finer) in indicator.time.grains:
            options = tile.options.model_copy(update={"compare": None, "grain": finer})
            extra[f"~spark~{tile.id}"] = tile.model_copy(update={"id": f"~spark~{tile.id}", "options": options})
        if indicator.baseline is not None and tile.options.get("compare") != "baseline":
            extra[f"~base~{tile.id}"] = tile.model_copy(
                update={"id": f"~base~{tile.id}", "options": tile.options.model_copy(update={"compare": "baseline"})}
            )
    return extra


def _compute(who: Actor, board: BoardInfo, tiles: Sequence[Tile], filters: Filters, lang: str) -> dict[str, dict[str, Any]]:
    if not tiles:
        return {}
    spec = board.spec.model_copy(update={"tiles": tuple(tiles), "layout": ()})
    return board_data(runtime.current().door, who, dataclasses.replace(board, spec=spec), filters, lang)


def _drill(
    who: Actor, board: BoardInfo, indicator: Indicator | None, query: Mapping[str, str], targets: dict[str, str | None]
) -> str | None:
    """A KPI leads to its department's board when the viewer may open it (not the board it is on), else to the indicator page."""
    if indicator is None:
        return None
    wanted = {k: query[k] for k in ("from", "to", "district") if query.get(k)}
    if indicator.department not in targets:
        targets[indicator.department] = department_boards(runtime.current().store, who).get(indicator.department)
    target = targets[indicator.department]
    if target is not None and target != board.id:
        return board_href(target, wanted)
    return indicator_href(indicator.id) + (f"?{urlencode(wanted)}" if wanted else "")


def tile_views(who: Actor, board_id: Any, tileset: Any, raw: Mapping[str, Any], cross: Any, lang: str) -> list[dict[str, Any]] | None:
    """Every requested tile's view for `who`, computed in one batch (None when the board cannot be opened)."""
    rt = runtime.current()
    try:
        board = open_board(who, board_id)
    except NotFound:
        return None
    allowed = [d for d, _ in districts(who, lang)]
    filters = board_filters(board.spec.filters, raw, allowed)
    chosen = cross_filter(cross, allowed)
    requested = requested_tiles(board, tileset)
    tiles = [tile for _, tile, _ in requested if tile is not None]
    meta: dict[str, Indicator] = {}
    for ref in {tile.source.indicator for tile in tiles if tile.source.indicator}:
        try:
            meta[str(ref)] = rt.registry.get(who, str(ref))
        except NotFound:
            continue
    extras = _extras(tiles, meta)
    source = chosen["tile"] if chosen else None
    crossed = _with(filters, {chosen["dimension"]: chosen["value"]}) if chosen else filters
    kept = [tile for tile in tiles if tile.id == source] + [x for key, x in extras.items() if key.endswith(f"~{source}")]
    data = _compute(
        who, board, [tile for tile in tiles if tile.id != source] + [x for x in extras.values() if x not in kept], crossed, lang
    )
    data |= _compute(who, board, kept, filters, lang)
    saved = {tile.id: tile for tile in board.spec.tiles}
    opened: dict[str, str | None] = {}
    views = []
    for tile_id, tile, problem in requested:
        if tile is None:
            views.append(
                {
                    "id": tile_id,
                    "type": "missing",
                    "title": "",
                    "state": "error" if problem else "not_found",
                    "message": t("board.tile_invalid", lang),
                }
            )
            continue
        views.append(
            _tile_view(
                who,
                board,
                tile,
                data[tile.id],
                data,
                meta,
                crossed if tile.id != source else filters,
                chosen,
                saved.get(tile.id) == tile,
                opened,
                lang,
            )
        )
    names = rt.door.place_names()
    return [with_labels(view, lang, names) for view in views]


def _tile_view(
    who: Actor,
    board: BoardInfo,
    tile: Tile,
    result: dict[str, Any],
    data: Mapping[str, dict[str, Any]],
    meta: Mapping[str, Indicator],
    filters: Filters,
    chosen: Mapping[str, str] | None,
    saved: bool,
    opened: dict[str, str | None],
    lang: str,
) -> dict[str, Any]:
    state = result["state"]
    shown = state in ("ok", "empty")
    indicator = meta.get(tile.source.indicator or "") if shown else None
    name: Mapping[str, Any] = result["name"] if shown and isinstance(result.get("name"), Mapping) else {}
    query = _query(filters)
    latest = describe.latest_complete(result, filters.end) if shown and result.get("kind") == "indicator" else None
    asked = tile.source.query.to_dict() if tile.source.query else None
    drawn, last_query_period = chart_data(result, asked, tile.type.value) if shown else (None, None)
    view: dict[str, Any] = {
        "id": tile.id,
        "type": tile.type.value,
        "title": tile.title.get(lang) or (name.get("en") or name.get("zh") if lang == "en" else name.get("zh") or name.get("en")) or "",
        "state": state,
        "message": result.get("message"),
        "data": drawn,  # a saved query's columns and rows reshaped as the figures read them
        "text": tile.text_en if lang == "en" and tile.text_en else tile.text,
        "period": latest["period"] if latest else last_query_period,
        "editable": board.can_edit,
        "selected": chosen if chosen and chosen["tile"] == tile.id else None,
        "draft": shown and bool(result.get("draft")),  # the viewer reads a draft: its values are marked as such
    }
    if shown and saved and tile.type is not TileType.TEXT:
        base = f"/api/v1/boards/{quote(board.id, safe='')}/tiles/{quote(tile.id, safe='')}/export"
        wanted = urlencode({k: v for k, v in query.items() if v})
        view["exports"] = {kind: f"{base}.{kind}" + (f"?{wanted}" if wanted else "") for kind in ("csv", "xlsx")}
    if indicator is not None and indicator.baseline is not None:
        view["baseline_periods"] = [
            str(r["period"])
            for r in result.get("rows") or []
            if describe.within(str(r["period"]), indicator.baseline.from_, indicator.baseline.to)
        ]
    if tile.type is TileType.KPI and state == "ok":
        spark = data.get(f"~spark~{tile.id}") or {}
        view["spark"] = [r for r in spark.get("rows") or [] if r.get("value") is not None] if spark.get("state") == "ok" else []
        base_row = describe.latest_complete(data.get(f"~base~{tile.id}") or {}, filters.end)
        view["baseline"] = {"change": base_row.get("change"), "change_pct": base_row.get("change_pct")} if base_row else None
        view["freshness"] = when(freshness(runtime.current().door, who, tile))
        view["drill"] = _drill(who, board, indicator, query, opened)
    return view


@callback(
    Permission.VIEW,
    Output(ids.board.GRID, "children"),
    Input(ids.board.TILESET, "data"),
    *filter_deps(Input),
    Input(ids.board.CROSS, "data"),
    Input(ids.board.RELOAD, "n_clicks"),
    State(ids.board.ID, "data"),
)
def load_tiles(tileset: Any, start: Any, end: Any, grain: Any, district: Any, cross: Any, _reload: Any, board_id: Any) -> list[Any]:
    """All tiles in one round trip, each computed for the viewer (or the answer a viewer of the same scope had from
    the same data); the grid takes the tiles' places when they changed."""
    lang = user_lang()
    raw = {"from": start, "to": end, "grain": grain, "district": district}
    with batch():  # one consistent read of definitions and datasets for the whole board
        answer = rendered_answer(actor(), board_id, tileset, raw, cross, lang)
    if answer is None:
        return [tile_layout.missing(lang)]
    said = filter_scope_note(actor(), district, cross, lang)  # a district outside the viewer's is said, not dropped
    if said or ctx.triggered_id in (ids.board.DISTRICT, ids.board.CROSS):
        set_props(ids.board.SCOPE_NOTE, {"children": said})
    if ctx.triggered_id == ids.board.TILESET and answer.layout is not None:
        set_props(ids.board.GRID, {"layout": answer.layout})
    return answer.body  # type: ignore[no-any-return]


def rendered_answer(who: Actor, board_id: Any, tileset: Any, raw: Mapping[str, Any], cross: Any, lang: str) -> Rendered | None:
    """The grid's answer for `who` (None when the board cannot be opened): stored under the request and the
    viewer's scope, used only while everything it was computed from resolves the same for `who` (boards/rendered.py)."""
    rt = runtime.current()
    try:
        board = open_board(who, board_id)
    except NotFound:
        return None
    asked = (canonical(tileset), canonical(raw), canonical(cross), lang, citytime.today_city().isoformat())
    key = request_key(board, who, asked)
    now = marks(rt.door, who, [tile for _, tile, _ in requested_tiles(board, tileset) if tile is not None], rt.store)
    kept = rendered_boards().get(key, now)
    if kept is not None:
        return kept
    views = tile_views(who, board_id, tileset, raw, cross, lang)
    if views is None:
        return None
    places = tileset.get("layout") if isinstance(tileset, Mapping) else None
    layout = ui_layout([{"id": v["id"], "type": v["type"]} for v in views], places) if isinstance(places, list) else None
    frames = [tile_layout.frame(view, lang) for view in in_layout_order(views, places)]  # a phone stacks them in this order
    body, size = encoded(frames)
    return rendered_boards().put(key, Rendered(now, body, layout, size))


def with_labels(view: dict[str, Any], lang: str, names: Places) -> dict[str, Any]:
    """The view with the labels its members read in (district names, road classes); values stay as stored, so
    cross-filters and drill-downs still name them."""
    data = view.get("data")
    if not isinstance(data, Mapping) or not data.get("by"):
        return view
    return {**view, "data": {**data, "labels": value_labels(data.get("rows") or [], [str(d) for d in data["by"]], lang, names)}}
