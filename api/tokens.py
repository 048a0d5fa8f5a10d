"""The caller's own API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from flask import Response, jsonify, request

import runtime
from access.audit import record
from access.roles import Permission
from access.users import issue_token, list_tokens, revoke_token
from api.auth import actor, endpoint
from api.blueprint import bp


@bp.get("/tokens")
@endpoint(Permission.VIEW)
def my_tokens() -> Response:
    with runtime.current().store.read() as db:
        return jsonify({"tokens": list_tokens(db, actor().user_id)})


@bp.post("/tokens")
@endpoint(Permission.VIEW)
def new_token() -> Response:
    body = request.get_json(silent=True) or {}
    name = str(body.get("name", ""))[:200] if isinstance(body, dict) else ""
    who = actor()
    with runtime.current().store.transaction() as db:
        token = issue_token(db, who.username, name)
        record(db, who.username, "token.create", "user", who.username, {"name": name}, request.remote_addr or "")
    response = jsonify({"token": token, "name": name, "note": "Shown once; only its hash is stored."})
    response.status_code = 201
    return response


@bp.delete("/tokens/<int:token_id>")
@endpoint(Permission.VIEW)
def drop_token(token_id: int) -> Response:
    who = actor()
    with runtime.current().store.transaction() as db:
        revoke_token(db, who.user_id, token_id)
        record(db, who.username, "token.revoke", "user", who.username, {"token_id": token_id}, request.remote_addr or "")
    return jsonify({"revoked": token_id})
