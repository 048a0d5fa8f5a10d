"""The caller's own API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from flask import Response, jsonify, request

import runtime
from access import commands
from access.roles import Permission
from access.users import list_tokens
from api.auth import actor, endpoint
from api.blueprint import bp
from api.shapes import tokens as shapes
from api.shapes.common import wire


@bp.get("/tokens")
@endpoint(Permission.VIEW)
def my_tokens() -> Response:
    with runtime.current().store.read() as db:
        return jsonify(wire(shapes.TokenList, {"tokens": list_tokens(db, actor().user_id)}))


@bp.post("/tokens")
@endpoint(Permission.VIEW)
def new_token() -> Response:
    body = request.get_json(silent=True) or {}
    name = str(body.get("name", ""))[:200] if isinstance(body, dict) else ""
    issued = commands.create_token(runtime.current().store, actor(), name, address=request.remote_addr or "")
    response = jsonify(wire(shapes.Issued, {"token": issued.token, "name": issued.name, "note": "Shown once; only its hash is stored."}))
    response.status_code = 201
    return response


@bp.delete("/tokens/<int:token_id>")
@endpoint(Permission.VIEW)
def drop_token(token_id: int) -> Response:
    revoked = commands.revoke_token(runtime.current().store, actor(), token_id, address=request.remote_addr or "")
    return jsonify(wire(shapes.Revoked, {"revoked": revoked.id}))
