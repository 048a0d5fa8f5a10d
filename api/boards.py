"""Boards: list, open, create, save with the version read (409 when stale), delete, versions, restore, tile data."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, stream_with_context

import runtime
from access.roles import Permission
from api.auth import actor, endpoint
from api.blueprint import bp
from api.body import json_object
from api.shapes import boards as shapes
from api.shapes.common import parse, wire
from boards import catalog, commands, views
from boards.exports import ExportSlot, check_board_filters, check_filters, content_disposition, csv_chunks, table_of, xlsx_bytes
from boards.sheet import sheet_for
from boards.snapshot import snapshot
from boards.spec import Filters
from boards.tiles import tile_data
from errors import InvalidInput, Issue, NotFound
from i18n import request_lang
from web.login import end_session, session_cookie_for


def _version(body: dict[str, Any]) -> int:
    """The `version` a save was read at: missing or not an integer is the caller's mistake (422), not a conflict."""
    version = body.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        issue = Issue(
            "board.version",
            "保存看板须带上读取时的版本号 version（整数，例如 3）：请先读取看板再保存。",
            "A board save carries the `version` it was read at, an integer such as 3: read the board, then save.",
            column="version",
        )
        raise InvalidInput("看板版本号缺失或不是整数。", "The board's `version` is missing or not an integer.", [issue])
    return version


@bp.get("/boards")
@endpoint(Permission.VIEW)
def list_boards() -> Response:
    with runtime.current().store.read() as db:
        return jsonify(wire(shapes.BoardList, {"boards": [b.summary() for b in catalog.list_boards(db, actor())]}))


@bp.post("/boards")
@endpoint(Permission.VIEW)
def create_board() -> Response:
    body = json_object()
    department = body.pop("department", None)
    board = commands.create_board(runtime.current().store, actor(), body, department if isinstance(department, str) else None)
    response = jsonify(wire(shapes.Board, board.to_dict()))
    response.status_code = 201
    return response


@bp.get("/boards/<board_id>")
@endpoint(Permission.VIEW)
def get_board(board_id: str) -> Response:
    with runtime.current().store.read() as db:
        return jsonify(wire(shapes.Board, catalog.get_board(db, actor(), board_id).to_dict()))


@bp.put("/boards/<board_id>")
@endpoint(Permission.VIEW)
def save_board(board_id: str) -> Response:
    """Save with the `version` that was read; a stale version is 409 and nothing changes.
    Server-owned fields (id, department, owner, updated_*) in the body are ignored."""
    body = json_object()
    version = _version(body)
    for key in ("id", "department", "owner", "updated_at", "updated_by", "can_edit"):
        body.pop(key, None)
    return jsonify(wire(shapes.Board, commands.save_board(runtime.current().store, actor(), board_id, body, version).to_dict()))


@bp.delete("/boards/<board_id>")
@endpoint(Permission.VIEW)
def delete_board(board_id: str) -> Response:
    commands.delete_board(runtime.current().store, actor(), board_id)
    return jsonify(wire(shapes.Deleted, {"deleted": board_id}))


@bp.post("/boards/<board_id>/undelete")
@endpoint(Permission.VIEW)
def undelete_board(board_id: str) -> Response:
    return jsonify(wire(shapes.Board, commands.undelete_board(runtime.current().store, actor(), board_id).to_dict()))


@bp.post("/boards/<board_id>/tiles")
@endpoint(Permission.VIEW)
def add_board_tile(board_id: str) -> Response:
    """Add a tile {tile, version}; `mine` is the caller's private "my charts" board (created on demand, no version needed)."""
    asked = parse(shapes.NewTile, json_object())
    who = actor()
    target = catalog.my_board_id(who) if board_id == "mine" else board_id
    saved = commands.add_tile(runtime.current().store, who, target, asked.tile, None if board_id == "mine" else asked.version)
    response = jsonify(wire(shapes.Board, saved.to_dict()))
    response.status_code = 201
    return response


@bp.get("/boards/<board_id>/view")
@endpoint(Permission.VIEW)
def my_board_view(board_id: str) -> Response:
    """The caller's arrangement of the board: their personal view, or the board's own layout."""
    with runtime.current().store.read() as db:
        return jsonify(wire(shapes.Arrangement, views.view_of(db, actor(), board_id)))


@bp.put("/boards/<board_id>/view")
@endpoint(Permission.VIEW)
def save_my_board_view(board_id: str) -> Response:
    """Save {layout: [{i, x, y, w, h}]} as the caller's own arrangement (not for the board's editors: 403)."""
    asked = parse(shapes.ArrangementSave, json_object())
    commands.save_view(runtime.current().store, actor(), board_id, asked.layout)
    with runtime.current().store.read() as db:
        return jsonify(wire(shapes.Arrangement, views.view_of(db, actor(), board_id)))


@bp.delete("/boards/<board_id>/view")
@endpoint(Permission.VIEW)
def reset_my_board_view(board_id: str) -> Response:
    """Back to the department's layout: the caller's personal view is deleted."""
    commands.reset_view(runtime.current().store, actor(), board_id)
    with runtime.current().store.read() as db:
        return jsonify(wire(shapes.Arrangement, views.view_of(db, actor(), board_id)))


@bp.get("/boards/<board_id>/versions")
@endpoint(Permission.VIEW)
def board_versions(board_id: str) -> Response:
    with runtime.current().store.read() as db:
        return jsonify(wire(shapes.BoardHistory, {"versions": catalog.versions(db, actor(), board_id)}))


@bp.post("/boards/<board_id>/restore")
@endpoint(Permission.VIEW)
def restore_board(board_id: str) -> Response:
    asked = parse(shapes.Restore, json_object())
    return jsonify(
        wire(shapes.Board, commands.restore_board(runtime.current().store, actor(), board_id, asked.version, asked.current).to_dict())
    )


def _tile_and_filters(board_id: str, tile_id: str) -> tuple[Any, Filters]:
    with runtime.current().store.read() as db:
        board = catalog.get_board(db, actor(), board_id)
    tile = next((t for t in board.spec.tiles if t.id == tile_id), None)
    if tile is None:
        raise NotFound("图块", "tile")
    args = request.args.to_dict()
    base = board.spec.filters
    filters = Filters.model_validate(
        {
            "from": args.pop("from", base.start),
            "to": args.pop("to", base.end),
            "grain": args.pop("grain", base.grain),
            "dimensions": {**base.dimensions, **{k: v for k, v in args.items() if k != "lang"}},
        }
    )
    check_filters(runtime.current().door, actor(), tile, filters)  # outside the caller's scope: 403, never dropped
    return tile, filters


@bp.get("/boards/<board_id>/export.<kind>")
@endpoint(Permission.VIEW)
def export_board(board_id: str, kind: str) -> Response:
    """The whole board as PDF or PNG, rendered as the caller sees it; audited; concurrency-capped."""
    if kind not in ("pdf", "png"):
        raise NotFound("导出格式", "export format")
    with runtime.current().store.read() as db:
        board = catalog.get_board(db, actor(), board_id)  # NotFound before any rendering
    lang = request_lang("zh")
    filters = {k: v for k, v in request.args.items() if k in ("from", "to", "grain", "district") and len(v) <= 64}
    check_board_filters(runtime.current().door, actor(), filters)  # a district outside the caller's scope: 403 before anything is drawn
    with ExportSlot():
        name, value, sid = session_cookie_for(actor())
        try:
            settings = runtime.current().settings
            body = snapshot(settings.self_url or request.host_url, board.id, filters, (name, value), kind, lang, settings.chromium)
        finally:
            end_session(sid)
        commands.record_export(runtime.current().store, actor(), kind, board_id, {"filters": filters}, request.remote_addr or "")
    response = Response(body, mimetype="application/pdf" if kind == "pdf" else "image/png")
    response.headers["Content-Disposition"] = content_disposition(f"{board.spec.title.get(lang) or board.id}.{kind}")
    return response


@bp.get("/boards/<board_id>/tiles/<tile_id>/export.<kind>")
@endpoint(Permission.VIEW)
def export_tile(board_id: str, tile_id: str, kind: str) -> Response:
    """A tile's data as CSV (streamed) or Excel, exactly the rows the caller sees; audited."""
    if kind not in ("csv", "xlsx"):
        raise NotFound("导出格式", "export format")
    tile, filters = _tile_and_filters(board_id, tile_id)
    with ExportSlot():
        data = tile_data(runtime.current().door, actor(), tile, filters, request_lang("en"), max_rows=runtime.current().settings.row_cap)
        if data["state"] in ("no_access", "not_certified"):  # another's draft exports nothing, like a source one may not read
            raise NotFound("图块", "tile")
        lang = request_lang("zh")
        head: list[list[Any]] = []
        if data.get("kind") in ("indicator", "query"):  # names, units and the header block (boards/sheet.py)
            sheet = sheet_for(runtime.current().door, actor(), tile, filters, data, lang)
            head, columns, rows = sheet.head, sheet.columns, sheet.rows
        else:
            columns, rows = table_of(data)
        detail = {"tile": tile_id, "rows": len(rows)}
        commands.record_export(runtime.current().store, actor(), kind, board_id, detail, request.remote_addr or "")
        name = f"{tile.title.get(lang) or tile.id}.{kind}"
        if kind == "csv":
            response = Response(stream_with_context(csv_chunks(columns, rows, head)), mimetype="text/csv; charset=utf-8")
        else:
            body, truncated = xlsx_bytes(columns, rows, tile.title.get(lang) or tile.id, head)
            response = Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response.headers["X-Truncated"] = "true" if truncated else "false"
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


@bp.get("/boards/<board_id>/tiles/<tile_id>/data")
@endpoint(Permission.VIEW)
def board_tile_data(board_id: str, tile_id: str) -> Response:
    """One tile's data for the caller; query parameters from/to/grain/<dimension> override the board's filters."""
    tile, filters = _tile_and_filters(board_id, tile_id)
    return jsonify(wire(shapes.TileData, tile_data(runtime.current().door, actor(), tile, filters, request_lang("en"))))
