"""Questions in Chinese or English: POST /api/v1/ask {question, lang[, today]} → the understood query and the answer."""

from __future__ import annotations

import datetime as dt

from flask import Response, jsonify, request

import runtime
from access.departments import place_names
from access.roles import Permission
from api.auth import actor, endpoint
from api.blueprint import bp
from api.shapes.ask import Reply
from api.shapes.common import wire
from errors import BadRequest
from query.questions import ask


@bp.post("/ask")
@endpoint(Permission.VIEW)
def ask_question() -> Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("请求体必须是 JSON 对象。", "The body must be a JSON object {question, lang}.")
    lang = "en" if body.get("lang") == "en" else "zh"
    today = None
    if body.get("today"):
        try:
            today = dt.date.fromisoformat(str(body["today"]))
        except ValueError:
            raise BadRequest("today 须为日期。", "`today` must be a date such as 2025-12-31.") from None
    with runtime.current().store.read() as db:  # the answer names registered areas in its own language
        places = place_names(db)
    return jsonify(wire(Reply, ask(runtime.current().door, actor(), body.get("question"), lang, today, places)))
