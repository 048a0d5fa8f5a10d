"""The question box on every board (layouts/ask.py) and its callbacks.

Questions are answered by `query.questions.ask` through the one door with the asker's policies, and the
chart is the tile the answer would save as, computed like every board tile. Saving asks the question again on
the server: nothing from the page (the shown answer, the board's arrangement) is trusted, and the board is
saved by the catalog, which checks edit rights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update, set_props

import runtime
from access.actor import Actor
from access.departments import place_names
from access.roles import Permission
from boards import commands
from boards.catalog import BoardInfo, get_board, my_board_id
from boards.spec import Filters, Tile
from boards.tiles import tile_data
from callbacks.boardtiles import with_labels
from callbacks.guard import actor, callback, user_lang
from datasets.dictionary import Places
from errors import NotFound, UserError
from i18n import t
from indicators import describe
from layouts import ask as ask_layout
from layouts import ids
from layouts.boardparts import board_href
from query.answers import question_lang
from query.questions import ask

ANSWER_TILE = "ask"


def _question(value: Any) -> str:
    return value.strip()[: ask_layout.MAX_QUESTION] if isinstance(value, str) else ""


def _board(who: Actor, board_id: Any) -> BoardInfo | None:
    try:
        with runtime.current().store.read() as db:
            return get_board(db, who, board_id if isinstance(board_id, str) else "")
    except NotFound:
        return None


def _answer_tile(who: Actor, question: str, lang: str, places: Places | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the answer, its tile dict): raises UserError when the question is not understood or not allowed."""
    answer = ask(runtime.current().door, who, question, lang, places=places)
    return answer, dict(answer["tile"])


def _ranked(data: dict[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """A "top/bottom N" question shows only the members the answer kept."""
    by = answer["query"]["by"]
    if not answer["query"].get("rank") or not by:
        return data
    members = {row[1] for row in answer["rows"]}
    return {**data, "rows": [r for r in data.get("rows") or [] if r.get(by[0]) in members]}


def answer_view(who: Actor, board: BoardInfo | None, question: str, lang: str) -> dict[str, Any]:
    """What the answer shows: the sentence, the chart as the tile it saves as, and where the asker may save it."""
    with runtime.current().store.read() as db:  # areas named in the reader's language, in the sentence and the chart
        places = place_names(db)
    answer, spec = _answer_tile(who, question, lang, places)
    tile = Tile.model_validate({**spec, "id": ANSWER_TILE})
    data = _ranked(tile_data(runtime.current().door, who, tile, Filters(), lang), answer)
    shown = data["state"] in ("ok", "empty")
    latest = describe.latest_complete(data) if shown and data.get("kind") == "indicator" else None
    targets = (["board"] if board is not None and board.can_edit else []) + (["mine"] if who.has_any_write() else [])
    chart = {
        "id": ANSWER_TILE,
        "type": tile.type.value,
        "title": answer["sentence"],
        "state": data["state"],
        "message": data.get("message"),
        "data": data if shown else None,
        "period": latest["period"] if latest else None,
        "graph_id": ids.ask.GRAPH,
    }
    return {
        "sentence": answer["sentence"],
        "answer": answer["answer"],  # in the question's language: the number, its period, the best and the worst
        "answer_lang": answer["lang"],
        "tile": with_labels(chart, answer["lang"], places),  # members named in the answer's language
        "targets": targets,
        "notes": list(answer.get("notes") or []),  # e.g. why a timeless indicator's answer has no period or comparison
    }


def _refusal(exc: UserError, lang: str) -> Any:
    hints = [str(h) for issue in exc.issues for h in issue.detail.get("suggestions") or []][:5]
    messages = [issue.message(lang) for issue in exc.issues] or [exc.message(lang)]
    return ask_layout.refused(" ".join(dict.fromkeys(messages)), hints, lang)


@callback(
    Permission.VIEW,
    Output(ids.ask.ANSWER, "children"),
    Input(ids.ask.SUBMIT, "n_clicks"),
    Input(ids.ask.INPUT, "n_submit"),
    Input({"type": ids.ask.HINT, "n": ALL}, "n_clicks"),
    State(ids.ask.INPUT, "value"),
    State({"type": ids.ask.HINT, "n": ALL}, "children"),
    State(ids.board.ID, "data"),
    prevent_initial_call=True,
)
def ask_question(_clicks: Any, _submitted: Any, hint_clicks: Any, typed: Any, hints: Any, board_id: Any) -> Any:
    """Answer the typed question, or a suggested indicator name that was clicked (it replaces the question)."""
    lang, who = user_lang(), actor()
    question = _question(typed)
    picked = ctx.triggered_id
    if isinstance(picked, Mapping) and picked.get("type") == ids.ask.HINT:
        index = picked.get("n")
        clicks = hint_clicks if isinstance(hint_clicks, list) else []
        texts = hints if isinstance(hints, list) else []
        if not isinstance(index, int) or not 0 <= index < min(len(clicks), len(texts)) or not clicks[index]:
            return no_update  # a suggestion that was just rendered, not clicked
        question = _question(texts[index])
        set_props(ids.ask.INPUT, {"value": question})
    if not question:
        return no_update
    try:
        view = answer_view(who, _board(who, board_id), question, lang)
    except UserError as exc:
        set_props(ids.ask.ASKED, {"data": None})
        return _refusal(exc, question_lang(question, lang))  # a refusal is an answer too: in the question's language
    set_props(ids.ask.ASKED, {"data": question})
    set_props(ids.ask.SAVED, {"children": None})
    return ask_layout.answer(view, lang)


def _save_to_board(who: Actor, board: BoardInfo, tile: dict[str, Any], pending: Any) -> BoardInfo:
    """Append to the board the page shows, then hand the page the saved board so its later edits carry the
    new version (an editor's unresolved conflict must be settled first: its arrangement is not saved)."""
    if isinstance(pending, Mapping) and pending.get("status") == "conflict":
        raise _ConflictFirst
    info = commands.add_tile(runtime.current().store, who, board.id, tile)
    spec = info.spec.to_dict()
    if isinstance(pending, Mapping) and pending.get("board") == board.id:
        undo = pending.get("undo") if isinstance(pending.get("undo"), list) else []
        set_props(ids.board.PENDING, {"data": {**pending, "version": info.version, "spec": spec, "undo": undo, "status": "", "ack": None}})
    set_props(ids.board.TILESET, {"data": {"tiles": spec["tiles"], "layout": spec["layout"]}})
    return info


class _ConflictFirst(Exception):
    pass


@callback(
    Permission.VIEW,
    Output(ids.ask.SAVED, "children"),
    Input({"type": ids.ask.SAVE, "target": ALL}, "n_clicks"),
    State(ids.ask.ASKED, "data"),
    State(ids.board.ID, "data"),
    State(ids.board.PENDING, "data"),
    prevent_initial_call=True,
)
def save_answer(clicks: Any, asked: Any, board_id: Any, pending: Any) -> Any:
    """Save the answer as a tile of this board (editors) or of the asker's own charts."""
    lang, who = user_lang(), actor()
    target = ctx.triggered_id.get("target") if isinstance(ctx.triggered_id, Mapping) else None
    if not isinstance(clicks, list) or not any(clicks) or target not in ("board", "mine"):
        return no_update
    question = _question(asked)
    if not question:
        return ask_layout.save_failed(t("ask.ask_first", lang))
    try:
        _, tile = _answer_tile(who, question, lang)
        if target == "board":
            board = _board(who, board_id)
            if board is None or not board.can_edit:
                return ask_layout.save_failed(t("ask.cannot_edit", lang))
            info = _save_to_board(who, board, tile, pending)
        else:
            info = commands.add_tile(runtime.current().store, who, my_board_id(who), tile)
    except _ConflictFirst:
        return ask_layout.save_failed(t("ask.conflict_first", lang))
    except UserError as exc:
        return ask_layout.save_failed(exc.message(lang))
    return ask_layout.saved(board_href(info.id), info.spec.title.get(lang) or info.id, lang)
