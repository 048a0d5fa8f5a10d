"""Health, departments with the area tree, and the OpenAPI document."""

from __future__ import annotations

from flask import Response, jsonify

import runtime
from access.departments import area_tree, list_departments
from access.roles import Permission
from api.auth import endpoint
from api.blueprint import bp
from api.shapes import meta as shapes
from api.shapes.document import document


@bp.get("/health")
@endpoint(Permission.PUBLIC)
def health() -> Response:
    return jsonify(shapes.Health(status="ok").wire())


@bp.get("/departments")
@endpoint(Permission.VIEW)
def departments() -> Response:
    with runtime.current().store.read() as db:
        depts = [shapes.Department(code=d.code, name_zh=d.name_zh, name_en=d.name_en) for d in list_departments(db)]
        areas = [shapes.Area(code=a.code, name_zh=a.name_zh, name_en=a.name_en, level=a.level, parent=a.parent) for a in area_tree(db)]
    return jsonify(shapes.Directory(departments=depts, areas=areas).wire())


@bp.get("/openapi.json")
@endpoint(Permission.VIEW)
def openapi() -> Response:
    return jsonify(document())
