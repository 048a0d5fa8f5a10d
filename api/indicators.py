"""Indicators: list, definition, create draft, new version, certify, deprecate, values, explain; self-service query."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

import runtime
from access.roles import Permission
from api.auth import actor, endpoint
from api.blueprint import bp
from api.shapes import indicators as shapes
from api.shapes.common import wire
from api.shapes.query import QueryAnswer
from datasets.cells import jsonable
from errors import BadRequest, InvalidInput
from indicators import commands
from indicators.spec import Indicator
from query.evaluate import parse_request, values, values_for
from query.selfservice import parse_query


def summary(ind: Indicator) -> dict[str, Any]:
    return {
        "id": ind.id,
        "name": ind.name.model_dump(),
        "department": ind.department,
        "type": ind.type.value,
        "status": ind.status.value,
        "version": ind.version,
        "unit": ind.unit,
        "direction": ind.direction.value if ind.direction else None,
        "owner": ind.owner,
    }


def _json_body() -> Any:
    body = request.get_json(silent=True)
    if body is None:
        raise BadRequest("请求体必须是 JSON。", "The body must be JSON.")
    return body


@bp.get("/indicators")
@endpoint(Permission.VIEW)
def list_indicators() -> Response:
    rt = runtime.current()
    return jsonify(wire(shapes.IndicatorList, {"indicators": [summary(i) for i in rt.registry.visible(actor())]}))


@bp.get("/indicators/<indicator_id>")
@endpoint(Permission.VIEW)
def get_indicator(indicator_id: str) -> Response:
    version = request.args.get("version")
    number = int(version) if version and version.isdigit() else None
    return jsonify(runtime.current().registry.get(actor(), indicator_id, number).to_dict())


@bp.get("/indicators/<indicator_id>/versions")
@endpoint(Permission.VIEW)
def indicator_versions(indicator_id: str) -> Response:
    return jsonify(wire(shapes.DefinitionHistory, {"versions": runtime.current().registry.history(actor(), indicator_id)}))


@bp.post("/indicators")
@endpoint(Permission.AUTHOR_INDICATORS)
def create_indicator() -> Response:
    rt = runtime.current()
    who = actor()
    created = commands.create_draft(rt.registry, who, _json_body(), rt.door.rule_context(who, frozenset(rt.registry.all())))
    response = jsonify(created.to_dict())
    response.status_code = 201
    return response


@bp.put("/indicators/<indicator_id>")
@endpoint(Permission.AUTHOR_INDICATORS)
def update_indicator(indicator_id: str) -> Response:
    rt = runtime.current()
    who = actor()
    return jsonify(commands.update_draft(rt.registry, who, indicator_id, _json_body(), rt.door.rule_context(who)).to_dict())


@bp.post("/indicators/validate")
@endpoint(Permission.AUTHOR_INDICATORS)
def validate_indicator() -> Response:
    """Check a definition as the author types: every issue with its location, nothing saved."""
    rt = runtime.current()
    who = actor()
    body = _json_body()
    taken = frozenset(rt.registry.all()) - ({body.get("id")} if isinstance(body, dict) and body.get("existing") else set())
    data = {k: v for k, v in body.items() if k != "existing"} if isinstance(body, dict) else body
    _, issues = rt.registry.check(who, data, rt.door.rule_context(who, taken))
    return jsonify(wire(shapes.Checked, {"valid": not issues, "issues": [i.to_dict(request.args.get("lang", "en")) for i in issues]}))


@bp.post("/indicators/preview")
@endpoint(Permission.AUTHOR_INDICATORS)
def preview_indicator() -> Response:
    """Values of an unsaved definition against its targets, with the author's policies: {definition, grain, from, to, by, compare}."""
    rt = runtime.current()
    who = actor()
    body = _json_body()
    if not isinstance(body, dict):
        raise BadRequest("请求体必须是 JSON 对象。", "The body must be a JSON object {definition, grain, from, to, by, compare}.")
    indicator, issues = rt.registry.check(who, body.get("definition"), rt.door.rule_context(who))
    if indicator is None or issues:
        raise InvalidInput("指标定义有误，无法预览。", "The definition has problems; fix them to preview.", issues)
    args = {k: str(v) for k, v in body.items() if k in ("grain", "from", "to", "by", "compare") and v}
    return jsonify(wire(shapes.Values, values_for(rt.door, who, indicator, args)))


@bp.post("/indicators/<indicator_id>/submit")
@endpoint(Permission.AUTHOR_INDICATORS)
def submit_indicator(indicator_id: str) -> Response:
    return jsonify(wire(shapes.Submitted, commands.submit(runtime.current().registry, actor(), indicator_id)))


@bp.post("/indicators/<indicator_id>/certify")
@endpoint(Permission.VIEW)
def certify_indicator(indicator_id: str) -> Response:
    return jsonify(commands.certify(runtime.current().registry, actor(), indicator_id).to_dict())


@bp.post("/indicators/<indicator_id>/deprecate")
@endpoint(Permission.VIEW)
def deprecate_indicator(indicator_id: str) -> Response:
    return jsonify(commands.deprecate(runtime.current().registry, actor(), indicator_id).to_dict())


@bp.get("/indicators/<indicator_id>/values")
@endpoint(Permission.VIEW)
def indicator_values(indicator_id: str) -> Response:
    return jsonify(wire(shapes.Values, values(runtime.current().door, actor(), indicator_id, request.args.to_dict())))


@bp.get("/indicators/<indicator_id>/explain")
@endpoint(Permission.VIEW)
def explain_indicator(indicator_id: str) -> Response:
    rt = runtime.current()
    who = actor()
    ind = rt.registry.get(who, indicator_id)
    return jsonify(
        wire(shapes.Explained, rt.door.compile_indicator(who, ind, parse_request(rt.door, who, ind, request.args.to_dict())).explain())
    )


@bp.post("/query")
@endpoint(Permission.VIEW)
def self_service_query() -> Response:
    rt = runtime.current()
    spec = parse_query(_json_body(), rt.settings.row_cap)
    result = rt.door.query(actor(), spec, row_cap=spec.limit)
    rows = [[jsonable(v) for v in row] for row in result.rows]
    return jsonify(wire(QueryAnswer, {"columns": result.columns, "rows": rows, "truncated": result.truncated}))


@bp.post("/query/explain")
@endpoint(Permission.VIEW)
def explain_query() -> Response:
    rt = runtime.current()
    return jsonify(wire(shapes.Explained, rt.door.compile(actor(), parse_query(_json_body(), rt.settings.row_cap)).explain()))
