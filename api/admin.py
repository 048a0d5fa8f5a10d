"""Administration (admins only): users, departments, areas, grants, row policies, audit log, view as a user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, jsonify, request

import runtime
from access import commands, grants, rowpolicies, users
from access.audit import events
from access.roles import Permission
from api.auth import actor, endpoint
from api.blueprint import bp
from api.shapes import admin as shapes
from api.shapes.common import Removed, wire
from api.shapes.datasets import ViewAsDatasets
from api.shapes.indicators import Values
from api.shapes.meta import Area, Department
from boards.usage import refuse_area_delete, refuse_department_delete
from errors import BadRequest, InvalidInput, Issue
from indicators.policies import check_row_policy
from query.evaluate import values


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("请求体必须是 JSON 对象。", "The body must be a JSON object.")
    return body


def _text(body: dict[str, Any], key: str, limit: int = 200) -> str:
    value = body.get(key, "")
    if not isinstance(value, str):
        raise InvalidInput(
            "字段类型有误。", f"`{key}` must be text.", [Issue("field.type", f"{key} 须为文本。", f"`{key}` must be text.", column=key)]
        )
    return value.strip()[:limit]


def _secret(body: dict[str, Any], key: str) -> str:
    """A password exactly as sent (not trimmed: spaces are part of it)."""
    value = body.get(key, "")
    if not isinstance(value, str):
        raise InvalidInput(
            "字段类型有误。", f"`{key}` must be text.", [Issue("field.type", f"{key} 须为文本。", f"`{key}` must be text.", column=key)]
        )
    return value[:512]


def _address() -> str:
    return request.remote_addr or ""


def _created(payload: dict[str, Any]) -> Response:
    response = jsonify(payload)
    response.status_code = 201
    return response


@bp.get("/admin/users")
@endpoint(Permission.ADMIN)
def admin_users() -> Response:
    with runtime.current().store.read() as db:
        return jsonify(wire(shapes.UserList, {"users": users.list_users(db)}))


@bp.post("/admin/users")
@endpoint(Permission.ADMIN)
def admin_create_user() -> Response:
    body = _body()
    created = commands.create_user(
        runtime.current().store,
        actor(),
        username=_text(body, "username", 64),
        password=_secret(body, "password"),
        role=_text(body, "role", 16),
        department=_text(body, "department", 64),
        district=_text(body, "district", 64) or None,
        display_name=_text(body, "display_name"),
        address=_address(),
    )
    return _created(wire(shapes.User, created.to_dict()))


@bp.patch("/admin/users/<username>")
@endpoint(Permission.ADMIN)
def admin_update_user(username: str) -> Response:
    body = _body()
    fields: dict[str, Any] = {k: _text(body, k, 512) for k in ("role", "department", "district", "display_name") if k in body}
    if "password" in body:
        fields["password"] = _secret(body, "password")
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            raise BadRequest("enabled 须为 true 或 false。", "`enabled` must be true or false.")
        fields["enabled"] = body["enabled"]
    return jsonify(
        wire(shapes.User, commands.update_user(runtime.current().store, actor(), username, fields, address=_address()).to_dict())
    )


@bp.delete("/admin/users/<username>")
@endpoint(Permission.ADMIN)
def admin_delete_user(username: str) -> Response:
    gone = commands.delete_user(runtime.current().store, actor(), username, address=_address())
    return jsonify(wire(shapes.Deleted, {"deleted": gone.id, "object_type": gone.object_type}))


@bp.post("/admin/departments")
@endpoint(Permission.ADMIN)
def admin_create_department() -> Response:
    body = _body()
    dept = commands.create_department(
        runtime.current().store, actor(), _text(body, "code", 64), _text(body, "name_zh"), _text(body, "name_en"), address=_address()
    )
    return _created(wire(Department, {"code": dept.code, "name_zh": dept.name_zh, "name_en": dept.name_en}))


@bp.post("/admin/areas")
@endpoint(Permission.ADMIN)
def admin_create_area() -> Response:
    body = _body()
    area = commands.create_area(
        runtime.current().store,
        actor(),
        _text(body, "code", 64),
        _text(body, "name_zh"),
        _text(body, "name_en"),
        _text(body, "level", 16),
        _text(body, "parent", 64) or None,
        address=_address(),
    )
    return _created(wire(Area, {"code": area.code, "name_zh": area.name_zh, "level": area.level}))


@bp.delete("/admin/departments/<code>")
@endpoint(Permission.ADMIN)
def admin_delete_department(code: str) -> Response:
    gone = commands.delete_department(runtime.current().store, actor(), code, refuse_department_delete, address=_address())
    return jsonify(wire(shapes.Deleted, {"deleted": gone.id, "object_type": gone.object_type}))


@bp.delete("/admin/areas/<code>")
@endpoint(Permission.ADMIN)
def admin_delete_area(code: str) -> Response:
    gone = commands.delete_area(runtime.current().store, actor(), code, refuse_area_delete, address=_address())
    return jsonify(wire(shapes.Deleted, {"deleted": gone.id, "object_type": gone.object_type}))


@bp.get("/admin/grants")
@endpoint(Permission.ADMIN)
def admin_grants() -> Response:
    with runtime.current().store.read() as db:
        return jsonify(
            wire(shapes.GrantList, {"grants": grants.list_grants(db, request.args.get("object_type"), request.args.get("object_id"))})
        )


@bp.post("/admin/grants")
@endpoint(Permission.ADMIN)
def admin_add_grant() -> Response:
    body = _body()
    added = commands.add_grant(
        runtime.current().store,
        actor(),
        _text(body, "object_type", 16),
        _text(body, "object_id", 120),
        _text(body, "grantee_type", 16),
        _text(body, "grantee", 64),
        _text(body, "level", 16),
    )
    return _created(wire(shapes.Grant, added.to_dict()))


@bp.delete("/admin/grants/<int:grant_id>")
@endpoint(Permission.ADMIN)
def admin_remove_grant(grant_id: int) -> Response:
    return jsonify(wire(Removed, {"removed": commands.remove_grant(runtime.current().store, actor(), grant_id).id}))


@bp.get("/admin/row-policies")
@endpoint(Permission.ADMIN)
def admin_row_policies() -> Response:
    with runtime.current().store.read() as db:
        return jsonify(wire(shapes.PolicyList, {"policies": rowpolicies.list_policies(db, request.args.get("dataset"))}))


@bp.post("/admin/row-policies")
@endpoint(Permission.ADMIN)
def admin_add_row_policy() -> Response:
    body = _body()
    dataset_id, kind = _text(body, "dataset", 64), _text(body, "kind", 16)
    column, template = _text(body, "column", 128), _text(body, "template", 1000)
    added = commands.add_row_policy(runtime.current().store, actor(), dataset_id, kind, column, template, check_row_policy)
    runtime.current().door.forget_results()  # scoped results are keyed by the policy anyway; this frees memory
    return _created(wire(shapes.Policy, added.to_dict()))


@bp.delete("/admin/row-policies/<int:policy_id>")
@endpoint(Permission.ADMIN)
def admin_remove_row_policy(policy_id: int) -> Response:
    return jsonify(wire(Removed, {"removed": commands.remove_row_policy(runtime.current().store, actor(), policy_id).id}))


def _date(name: str) -> dt.datetime | None:
    text = request.args.get(name)
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest("日期格式有误。", f"`{name}` must be an ISO date.") from None


@bp.get("/admin/audit")
@endpoint(Permission.ADMIN)
def admin_audit() -> Response:
    limit = request.args.get("limit", "200")
    with runtime.current().store.read() as db:
        found = events(
            db,
            request.args.get("actor"),
            request.args.get("action"),
            request.args.get("object"),
            _date("from"),
            _date("to"),
            int(limit) if limit.isdigit() else 200,
        )
    return jsonify(wire(shapes.EventList, {"events": found}))


@bp.get("/admin/view-as/<username>/datasets")
@endpoint(Permission.ADMIN)
def view_as_datasets(username: str) -> Response:
    """Exactly the datasets (and row counts) the user would see."""
    target = commands.view_as(runtime.current().store, actor(), username, "user", username, {"what": "datasets"}, address=_address()).target
    return jsonify(
        wire(ViewAsDatasets, {"user": username, "datasets": [seen.summary() for seen in runtime.current().door.datasets(target)]})
    )


@bp.get("/admin/view-as/<username>/indicators/<indicator_id>/values")
@endpoint(Permission.ADMIN)
def view_as_values(username: str, indicator_id: str) -> Response:
    """Exactly the values the user would get for this request."""
    seen = commands.view_as(runtime.current().store, actor(), username, "indicator", indicator_id, {"user": username}, address=_address())
    target = seen.target
    return jsonify(wire(Values, values(runtime.current().door, target, indicator_id, request.args.to_dict())))
