"""The OpenAPI 3.1 document of /api/v1, generated from the route table and the shapes it names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.shapes.common import Error
from api.shapes.routes import ROUTES, Route

REF = "#/components/schemas/{model}"
ERRORS = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Missing or not visible",
    409: "Conflict",
    413: "Too large",
    422: "Invalid input",
    429: "Too many requests",
}
Mode = Literal["validation", "serialization"]


def _shapes() -> list[tuple[type[BaseModel], Mode]]:
    """Every shape, in validation mode: an answer's shape reads as the JSON it is (a tile's options, which are
    written back in their request form, say so themselves)."""
    found: dict[tuple[type[BaseModel], Mode], None] = {(Error, "validation"): None}
    for route in ROUTES:
        if route.answer is not None:
            found[(route.answer, "validation")] = None
        if route.body is not None:
            found[(route.body, "validation")] = None
    return list(found)


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _parameters(route: Route) -> list[dict[str, Any]]:
    out = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in re.findall(r"\{(\w+)\}", route.path)]
    if route.params is not None:
        schema = route.params.model_json_schema(mode="validation")
        for name, field in schema.get("properties", {}).items():
            described = {k: v for k, v in field.items() if k not in ("description", "title", "default")}
            out.append({"name": name, "in": "query", "required": False, "schema": described, "description": field.get("description", "")})
    return out


def _operation(route: Route, refs: Mapping[Any, dict[str, Any]]) -> dict[str, Any]:
    error = refs[(Error, "validation")]
    if route.answer is not None:
        ok = _json(refs[(route.answer, "validation")], (route.answer.__doc__ or "OK").strip().splitlines()[0])
    else:
        ok = {"description": "The file" if route.status == 200 else "Done"}
    codes = route.errors if route.public else (401, *route.errors)
    op: dict[str, Any] = {
        "summary": route.summary,
        "responses": {str(route.status): ok, **{str(c): _json(error, ERRORS[c]) for c in sorted(codes)}},
    }
    if route.public:
        op["security"] = []
    if parameters := _parameters(route):
        op["parameters"] = parameters
    if route.body is not None:
        media = "multipart/form-data" if route.form else "application/json"
        op["requestBody"] = {"required": True, "content": {media: {"schema": refs[(route.body, "validation")]}}}
    return op


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        return {node["$ref"].rsplit("/", 1)[-1]} if "$ref" in node else set().union(*map(_refs, node.values()))
    if isinstance(node, list):
        return set().union(*map(_refs, node))
    return set()


def _reachable(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """The schemas the paths use, directly or through other schemas (a type documented otherwise is left out)."""
    seen: set[str] = set()
    todo = _refs(paths)
    while todo:
        name = todo.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            todo |= _refs(schemas[name])
    return {name: schemas[name] for name in sorted(seen)}


@cache
def document() -> dict[str, Any]:
    refs, top = models_json_schema(_shapes(), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "City Indicator Center API", "version": "1"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": _reachable(paths, top.get("$defs", {})),
        },
    }
