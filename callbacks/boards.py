"""Boards: the list and board pages (called by callbacks/pages.py) and their editing callbacks (tiles: boardtiles.py).

Identity is always the session's actor. The board id, tiles, arrangement and filters in the page are only
requests: the catalog re-checks the board on every call (missing and forbidden read the same), `board_data`
computes every tile for the viewer through the one door (a tile whose source they may not see carries no
data), and `save_board` checks edit rights and the version read. Edits reach the server one at a time
(assets/board.js queues them), so a quick second drag never conflicts with the user's own first one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from dash import ALL, Input, Output, State, html, no_update, set_props

import citytime
import runtime
from access.actor import Actor
from access.departments import list_departments
from access.roles import Permission
from boards import caption, commands, views
from boards import snapshot as snapshots
from boards.catalog import BoardInfo, get_board, list_boards, my_board_id
from boards.edits import CHART, MAX_UNDO, NEW_TILE_TYPES, SIZES, VISIBILITIES, apply, clamp
from boards.spec import Filters, TileType, parse_spec
from callbacks.guard import actor, callback, clientside, user_lang
from errors import Conflict, InvalidInput, NotFound, UserError
from i18n import t, who_name
from indicators.spec import Indicator
from layouts import board as board_layout
from layouts import ids
from layouts import tiles as tile_layout
from layouts.boardparts import GRAINS, board_href, scope_note

PRESENT_REFRESH_S = 60
PRESENT_ROTATE_S = 20
PRESENT_MIN_S = 5
PRESENT_MAX_S = 3600


def when(value: dt.datetime | None) -> str:
    """A stored (UTC) time on the city's clock: the board's "saved at", a tile's "updated"."""
    return citytime.show(value)


def date_text(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat() if value else ""
    except ValueError:
        return ""


def _departments(lang: str) -> dict[str, str]:
    with runtime.current().store.read() as db:
        return {d.code: (d.name_en if lang == "en" else d.name_zh) or d.code for d in list_departments(db)}


def districts(who: Actor, lang: str) -> list[tuple[str, str]]:
    """(value, label) of the districts the viewer may filter by: a district-scoped viewer only their own."""
    areas = runtime.current().door.areas()  # kept per metadata generation: no store read per render
    every = [(a.name_zh, a.name_en if lang == "en" else a.name_zh) for a in areas if a.level == "district"]
    if who.city_wide or not who.area:
        return every
    scope = {who.area, *who.scope_areas}
    return [d for d in every if d[0] in scope] or [(who.area, who.area)]


def open_board(who: Actor, board_id: Any) -> BoardInfo:
    with runtime.current().store.read() as db:
        return get_board(db, who, board_id if isinstance(board_id, str) else "")


def filter_deps(kind: type[Input] | type[State]) -> list[Any]:
    """The filter bar's four values (from, to, grain, district) as inputs or states, in that order."""
    return [
        kind(ids.board.RANGE, "start_date"),
        kind(ids.board.RANGE, "end_date"),
        kind(ids.board.GRAIN, "value"),
        kind(ids.board.DISTRICT, "value"),
    ]


# -- the pages ------------------------------------------------------------------------------------------
def boards_view(who: Actor, lang: str) -> html.Div:
    """Every board `who` may open; leaders read boards, everyone else may also create one."""
    with runtime.current().store.read() as db:
        infos = list_boards(db, who)
    names = _departments(lang)
    rows = [
        {
            "id": b.id,
            "title": b.spec.title.get(lang),
            "department_label": names.get(b.department, b.department),
            "visibility": b.spec.visibility.value,
            "tiles": len(b.spec.tiles),
            "updated_by": who_name(b.updated_by, lang),
            "updated_at": when(b.updated_at),
        }
        for b in infos
    ]
    return board_layout.boards_page(rows, lang, who.has_any_write())


def page_filters(query: Mapping[str, Any], base: Filters, allowed: Sequence[str]) -> dict[str, str]:
    """The page's opening filters: the URL's (a share or drill-down link) over the board's own; a district
    outside what the viewer may see is dropped."""
    grain = query.get("grain") if query.get("grain") in GRAINS else base.grain if base.grain in GRAINS else ""
    district = next((d for d in (query.get("district"), base.dimensions.get("district")) if isinstance(d, str) and d in allowed), "")
    return {
        "from": date_text(query.get("from")) or date_text(base.start),
        "to": date_text(query.get("to")) or date_text(base.end),
        "grain": grain or "",
        "district": district,
    }


def ui_layout(tiles: Sequence[Mapping[str, Any]], places: Any) -> list[dict[str, Any]]:
    """Grid places (child ids prefixed) for every tile, clamped to the grid; a tile without a place goes below the others."""
    known = {p["i"]: p for p in places if isinstance(p, Mapping) and isinstance(p.get("i"), str)} if isinstance(places, list) else {}
    out: list[dict[str, Any]] = []
    for tile in tiles:
        place = known.get(tile["id"])
        if place is None:
            w, h = SIZES.get(str(tile.get("type")), (4, 4))
            place = {"x": 0, "y": max((p["y"] + p["h"] for p in out), default=0), "w": w, "h": h}
        w = clamp(place.get("w"), 1, 12)
        out.append(
            {
                "x": clamp(place.get("x"), 0, 12 - w),
                "y": clamp(place.get("y"), 0, 1000),
                "w": w,
                "h": clamp(place.get("h"), 1, 40),
                "id": tile["id"],
            }
        )
    return [{"i": tile_layout.dom_id(p.pop("id")), **p} for p in out]


def saved_charts(who: Actor) -> dict[str, dict[str, Any]]:
    """The user's saved charts: the tiles of their personal board (none until they save one)."""
    try:
        mine = open_board(who, my_board_id(who))
    except NotFound:
        return {}
    return {tile.id: tile.model_dump(mode="json", by_alias=True) for tile in mine.spec.tiles if tile.type is not TileType.TEXT}


def palette(who: Actor, lang: str) -> list[tuple[str, str]]:
    """(value, label) of what an editor may add: the indicators they may use, then their saved charts."""
    indicators = [(i.id, f"{i.name.get(lang)} · {i.id}") for i in runtime.current().registry.visible(who) if i.status.value != "deprecated"]
    charts = [
        (f"{CHART}{tile_id}", f"{t('board.saved_chart', lang)} · {tile['title'].get(lang) or tile['title'].get('zh') or tile_id}")
        for tile_id, tile in saved_charts(who).items()
    ]
    return indicators + charts


def presentation(query: Mapping[str, Any]) -> dict[str, int] | None:
    """`?present=1` opens the board as a big screen (大屏); `refresh=` and `rotate=` set its timers in seconds."""
    if str(query.get("present") or "") not in ("1", "true"):
        return None

    def seconds(name: str, default: int) -> int:
        raw = str(query.get(name) or "")
        return clamp(int(raw), PRESENT_MIN_S, PRESENT_MAX_S) if raw.isdigit() else default

    return {"refresh_s": seconds("refresh", PRESENT_REFRESH_S), "rotate_s": seconds("rotate", PRESENT_ROTATE_S)}


def board_view(who: Actor, board_id: str, lang: str, query: Mapping[str, Any]) -> html.Div:
    """The board page for `who`: the same "not found" for a missing board and one they may not open. A big
    screen shows the board read-only, even to its editors."""
    try:
        board = open_board(who, board_id)
    except NotFound:
        return board_layout.not_found(lang)
    present = presentation(query)
    if present is not None:
        board = dataclasses.replace(board, can_edit=False)
    names = _departments(lang)
    choices = districts(who, lang)
    filters = page_filters(query, board.spec.filters, [d for d, _ in choices])
    printed = print_caption(who, filters, lang) if str(query.get("print") or "") == "1" else None
    if printed is not None:  # the board only, as it is sent (PDF/PNG exports render this)
        board = dataclasses.replace(board, can_edit=False)
    spec = board.spec.to_dict()
    with runtime.current().store.read() as db:
        mine = views.personal(db, who, board)  # a viewer's own arrangement (never an editor's)
    places = views.arranged(board.spec, mine)
    chromium = runtime.current().settings.chromium
    view = {
        "id": board.id,
        "title": board.spec.title.get(lang) or board.id,
        "department_label": names.get(board.department, board.department),
        "visibility": board.spec.visibility.value,
        "version": board.version,
        "updated_by": who_name(board.updated_by, lang),
        "updated_at": when(board.updated_at),
        "can_edit": board.can_edit,
        "filters": filters,
        "districts": choices,
        # a link's or the board's own district outside a scoped viewer's is not applied: the filter bar says so
        "scope_note": ""
        if who.city_wide or not who.area
        else scope_note([query.get("district") or board.spec.filters.dimensions.get("district")], choices, lang),
        "palette": palette(who, lang) if board.can_edit else [],
        "tile_types": NEW_TILE_TYPES,
        "departments": sorted(names.items(), key=lambda kv: kv[0]) if board.can_edit else [],
        "visibilities": [v for v in VISIBILITIES if v != "private" or board.owner == who.username],
        "shared_users": [s.name for s in board.spec.shared_with if s.type == "user"],
        "shared_departments": [s.name for s in board.spec.shared_with if s.type == "department"],
        "share_link": board_href(board.id, filters),
        "pending": {"board": board.id, "version": board.version, "spec": spec, "undo": [], "status": "", "ack": 0}
        if board.can_edit
        else None,
        "tileset": {"tiles": spec["tiles"], "layout": places},
        "layout": ui_layout(spec["tiles"], places),
        "arrange": not board.can_edit and present is None and printed is None,  # may arrange a personal view
        "personal": mine is not None,
        "tiles": [{"id": tile.id, "type": tile.type.value, "title": tile.title.get(lang)} for tile in board.spec.tiles],
        "present": present,
        "snapshots_missing": "" if snapshots.available(chromium) else snapshots.missing(chromium).message(lang),
        "print": printed,
    }
    return board_layout.board_page(view, lang)


def print_caption(who: Actor, filters: Mapping[str, str], lang: str) -> dict[str, str]:
    """The words a sent board carries under its title: scope, period, filters, when it was generated."""
    district = filters.get("district") or ""
    chosen = Filters.model_validate(
        {
            "from": filters.get("from") or None,
            "to": filters.get("to") or None,
            "grain": filters.get("grain") or None,
            "dimensions": {"district": district} if district else {},
        }
    )
    with runtime.current().store.read() as db:
        areas = caption.area_names(db, lang)
    return {
        "scope": caption.scope_line(who, areas, lang),
        "period": caption.period_line(chosen, lang),
        "filters": caption.filter_sentence(chosen, areas, lang),
        "generated": caption.generated(lang),
    }


# -- editing --------------------------------------------------------------------------------------------


def _canonical(data: Any) -> dict[str, Any] | None:
    spec, _ = parse_spec(data)
    return spec.to_dict() if spec is not None else None


def _pending(value: Any) -> dict[str, Any] | None:
    """The page's arrangement as a well-formed spec (it is only a request: the save checks everything again)."""
    if not isinstance(value, Mapping) or not isinstance(value.get("board"), str):
        return None
    spec = _canonical(value.get("spec"))
    if spec is None:
        return None
    history: list[Any] = value["undo"] if isinstance(value.get("undo"), list) else []
    undo = [u for u in (_canonical(item) for item in history[-MAX_UNDO:]) if u is not None]
    return {"board": value["board"], "version": value.get("version"), "spec": spec, "undo": undo}


@callback(
    Permission.VIEW,
    Output(ids.board.PENDING, "data"),
    Input(ids.board.COMMAND, "data"),
    State(ids.board.PENDING, "data"),
    prevent_initial_call=True,
)
def edit_board(command: Any, pending: Any) -> dict[str, Any]:
    """Apply one edit and save it over the version the page read: saved, or a conflict that keeps the arrangement
    (the version stays old, so later edits keep it too), or the service's refusal. The answer always changes the
    store, so the page's edit queue moves on."""
    lang, who = user_lang(), actor()
    state = _pending(pending)
    ack = command.get("seq") if isinstance(command, Mapping) else None
    if state is None or not isinstance(command, Mapping):
        return {"status": "missing", "ack": ack}
    registry = runtime.current().registry

    def lookup(indicator_id: str) -> Indicator | None:
        try:
            return registry.get(who, indicator_id)
        except NotFound:
            return None

    before = state["spec"]
    charts = saved_charts(who) if str(command.get("indicator") or "").startswith(CHART) else {}
    after, undo, problem = apply(before, state["undo"], command, lookup, charts, lang)
    result = {**state, "op": command.get("op"), "ack": ack}
    if problem:
        return result | {"status": "invalid", "message": problem}
    if after == before:
        return result | {"status": ""}
    try:
        save = commands.share_board if command.get("op") == "share" else commands.save_board
        info = save(runtime.current().store, who, state["board"], after, state["version"])
    except Conflict as exc:
        result |= {"spec": after, "undo": undo, "status": "conflict", "message": exc.message(lang)}
    except NotFound:
        return result | {"status": "missing"}
    except InvalidInput as exc:
        return result | {"status": "invalid", "message": " ".join([exc.message(lang), *(i.message(lang) for i in exc.issues)])}
    except UserError as exc:
        return result | {"status": "refused", "message": exc.message(lang)}
    else:
        result |= {
            "spec": info.spec.to_dict(),
            "version": info.version,
            "undo": undo,
            "status": "saved",
            "updated_at": when(info.updated_at),
        }
    if command.get("op") in ("add", "remove", "undo"):
        set_props(ids.board.TILESET, {"data": {"tiles": result["spec"]["tiles"], "layout": result["spec"]["layout"]}})
    return result


@callback(
    Permission.VIEW,
    Output(ids.board.STATUS, "children"),
    Input(ids.board.PENDING, "data"),
    *filter_deps(State),
    prevent_initial_call=True,
)
def edit_status(pending: Any, start: Any, end: Any, grain: Any, district: Any) -> Any:
    """What the last edit did, as text (the store is the user's own request; nothing here is trusted)."""
    if not isinstance(pending, Mapping) or not pending.get("status"):
        return no_update
    board_id = str(pending["board"]) if isinstance(pending.get("board"), str) else ""
    query = {
        "from": date_text(start),
        "to": date_text(end),
        "grain": grain if grain in GRAINS else "",
        "district": district if isinstance(district, str) else "",
    }
    return board_layout.save_status(pending, board_href(board_id, query), user_lang())


@callback(Permission.VIEW, Output(ids.board.SHARE_STATUS, "children"), Input(ids.board.PENDING, "data"), prevent_initial_call=True)
def share_status(pending: Any) -> Any:
    return board_layout.share_status(pending if isinstance(pending, Mapping) else {}, user_lang())


def _copy_spec(spec: Mapping[str, Any], lang: str) -> dict[str, Any]:
    title: Mapping[str, Any] = spec["title"] if isinstance(spec.get("title"), Mapping) else {}
    names = {code: t("board.copy_title", code, title=str(title.get(code) or title.get("zh") or ""))[:200] for code in ("zh", "en")}
    return {**spec, "title": names, "visibility": "department", "shared_with": []}


@callback(
    Permission.VIEW,
    Output(ids.board.COPY_RESULT, "children"),
    Input(ids.board.COPY, "n_clicks"),
    State(ids.board.PENDING, "data"),
    prevent_initial_call=True,
)
def save_copy(clicks: Any, pending: Any) -> Any:
    """After a conflict: the user's arrangement as a new board of their department (the catalog checks who may create)."""
    lang = user_lang()
    state = _pending(pending)
    if not clicks or state is None:
        return no_update
    try:
        info = commands.create_board(runtime.current().store, actor(), _copy_spec(state["spec"], lang))
    except UserError as exc:
        return board_layout.copy_result(None, exc.message(lang), lang)
    return board_layout.copy_result(info.id, "", lang)


@callback(
    Permission.VIEW,
    Output(ids.boards.NEW_RESULT, "children"),
    Input(ids.boards.NEW, "n_clicks"),
    State(ids.boards.NEW_TITLE, "value"),
    prevent_initial_call=True,
)
def new_board(clicks: Any, title: Any) -> Any:
    """An empty board of the user's department, then open it (leaders are refused by the catalog)."""
    lang = user_lang()
    name = title.strip()[:200] if isinstance(title, str) else ""
    if not clicks:
        return no_update
    if not name:
        return board_layout.created(None, t("boards.need_title", lang), lang)
    try:
        info = commands.create_board(runtime.current().store, actor(), {"title": {"zh": name, "en": name}, "visibility": "department"})
    except UserError as exc:
        return board_layout.created(None, exc.message(lang), lang)
    return board_layout.created(info.id, "", lang)


# -- in the browser (assets/board.js) ------------------------------------------------------------------
def every(kind: str) -> dict[str, Any]:
    """All edit controls of a kind (layouts/board.editor): none on a viewer's page, so no missing-component error."""
    return {"type": kind, "board": ALL}


clientside(
    "boardCommand",
    Output(ids.board.COMMAND, "data"),
    Input(ids.board.GRID, "layout"),
    Input(every(ids.board.ADD), "n_clicks"),
    Input({"type": ids.board.REMOVE, "tile": ALL}, "n_clicks"),
    Input(every(ids.board.UNDO), "n_clicks"),
    Input(every(ids.board.SHARE_SAVE), "n_clicks"),
    Input(ids.board.TICK, "data"),
    State(ids.board.PENDING, "data"),
    State(every(ids.board.EDIT), "value"),
    State(every(ids.board.PALETTE), "value"),
    State(every(ids.board.TILE_TYPE), "value"),
    State(every(ids.board.TILE_TITLE), "value"),
    State(every(ids.board.TILE_TEXT), "value"),
    State(every(ids.board.SHARE_VISIBILITY), "value"),
    State(every(ids.board.SHARE_USERS), "value"),
    State(every(ids.board.SHARE_DEPARTMENTS), "value"),
    prevent_initial_call=True,
)
clientside("boardEditMode", Output(ids.board.PAGE, "className"), Input(every(ids.board.EDIT), "value"))
clientside(
    "boardBusy",
    Output(ids.board.GRID_WRAP, "className"),
    Input(ids.board.TILESET, "data"),
    *filter_deps(Input),
    Input(ids.board.CROSS, "data"),
    Input(ids.board.RELOAD, "n_clicks"),
    Input(ids.board.GRID, "children"),
    prevent_initial_call=True,
)
clientside(
    "boardCross",
    Output(ids.board.CROSS, "data"),
    Input({"type": ids.board.GRAPH, "tile": ALL}, "clickData"),
    Input(ids.board.CROSS_CLEAR, "n_clicks"),
    State(ids.board.CROSS, "data"),
    prevent_initial_call=True,
)
clientside("boardCrossText", Output(ids.board.CROSS_TEXT, "children"), Input(ids.board.CROSS, "data"))
for _target, _function in ((ids.board.EXPORT_PDF, "boardPdfHref"), (ids.board.EXPORT_PNG, "boardPngHref")):
    clientside(
        _function,
        Output(_target, "href"),
        *filter_deps(Input),
        Input(ids.board.CROSS, "data"),
        State(ids.board.ID, "data"),
        prevent_initial_call=True,
    )
clientside(
    "boardShareLink",
    Output(ids.board.SHARE_LINK, "value"),
    *filter_deps(Input),
    Input(ids.board.CROSS, "data"),
    State(ids.board.ID, "data"),
)
clientside(
    "boardShareDialog",
    Output(ids.board.SHARE_MODAL, "is_open"),
    Input(ids.board.SHARE_OPEN, "n_clicks"),
    Input(ids.board.SHARE_CLOSE, "n_clicks"),
    State(ids.board.SHARE_MODAL, "is_open"),
    prevent_initial_call=True,
)
# Phone and big screen (assets/screens.js): the filter drawer, the presentation link, refresh and page rotation.
clientside(
    "boardFilterDrawer",
    Output(ids.board.FILTERS, "className"),
    Input(ids.board.FILTERS_OPEN, "n_clicks"),
    Input(ids.board.FILTERS_CLOSE, "n_clicks"),
    State(ids.board.FILTERS, "className"),
    prevent_initial_call=True,
)
clientside(
    "boardPresentHref", Output(ids.board.PRESENT, "href"), *filter_deps(Input), State(ids.board.ID, "data"), prevent_initial_call=True
)
clientside(
    "boardRefresh",
    Output(ids.board.RELOAD, "n_clicks"),
    Input(ids.board.REFRESH, "n_intervals"),
    State(ids.board.RELOAD, "n_clicks"),
    prevent_initial_call=True,
)
clientside("boardRotate", Output(ids.board.PAGE_NO, "children"), Input(ids.board.ROTATE, "n_intervals"), Input(ids.board.GRID, "children"))
clientside("boardFullscreen", Output(ids.board.FULLSCREEN, "title"), Input(ids.board.FULLSCREEN, "n_clicks"), prevent_initial_call=True)
