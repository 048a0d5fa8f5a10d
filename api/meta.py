"""Health, departments with the area tree, and the OpenAPI document."""

from __future__ import annotations

from flask import Response, jsonify

import runtime
from access.departments import area_tree, list_departments
from access.roles import Permission
from api.auth import endpoint
from api.blueprint import bp
from api.shapes.document import document


@bp.get("/health")
@endpoint(Permission.PUBLIC)
def health() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/departments")
@endpoint(Permission.VIEW)
def departments() -> Response:
    with runtime.current().store.read() as db:
        depts = [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en} for d in list_departments(db)]
        areas = [{"code": a.code, "name_zh": a.name_zh, "name_en": a.name_en, "level": a.level, "parent": a.parent} for a in area_tree(db)]
    return jsonify({"departments": depts, "areas": areas})


@bp.get("/openapi.json")
@endpoint(Permission.VIEW)
def openapi() -> Response:
    return jsonify(document())
