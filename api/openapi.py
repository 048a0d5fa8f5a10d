"""The OpenAPI 3.1 document of /api/v1, kept next to the routes it describes (a test compares them)."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    names = {
        400: "Bad request",
        401: "Not signed in",
        403: "Forbidden",
        404: "Missing or not visible",
        409: "Conflict",
        413: "Too large",
        422: "Invalid input",
        429: "Too many requests",
    }
    return {str(c): _json(ERROR, names[c]) for c in codes}


def _op(summary: str, ok: dict[str, Any], *codes: int, status: str = "200", **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {status: ok, **_errors(401, *codes)}, **extra}


def _path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _query_param(name: str, kind: str = "string", description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}, "description": description}


COLUMN = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "identifier used in expressions"},
        "label": {"type": "string", "description": "the original header"},
        "type": {"enum": ["integer", "float", "decimal", "text", "boolean", "date", "timestamp"]},
        "role": {"enum": ["time", "dimension", "measure", "geo", "id"]},
        "nullable": {"type": "boolean"},
        "pii": {"type": "boolean"},
        "pii_kind": {"type": ["string", "null"]},
        "description_zh": {"type": "string"},
        "description_en": {"type": "string"},
    },
}
DATASET_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "name_zh": {"type": "string"},
        "name_en": {"type": "string"},
        "department": {"type": "string"},
        "rows": {"type": "integer"},
        "data_version": {"type": "integer"},
        "loaded_at": {"type": ["string", "null"], "format": "date-time"},
        "columns": {"type": "integer"},
    },
}
DATASET = {
    "allOf": [
        DATASET_SUMMARY,
        {
            "type": "object",
            "properties": {
                "columns": {"type": "array", "items": COLUMN},
                "profile": {"type": "object"},
                "import_report": {"type": "object"},
            },
        },
    ]
}

PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/health": {
        "get": {
            "summary": "Liveness check (public)",
            "security": [],
            "responses": {"200": _json({"type": "object", "properties": {"status": {"const": "ok"}}})},
        }
    },
    "/api/v1/departments": {
        "get": _op(
            "Departments and the area tree",
            _json(
                {
                    "type": "object",
                    "properties": {
                        "departments": {"type": "array", "items": {"type": "object"}},
                        "areas": {"type": "array", "items": {"type": "object"}},
                    },
                }
            ),
        )
    },
    "/api/v1/openapi.json": {"get": _op("This document", _json({"type": "object"}))},
    "/api/v1/datasets": {
        "get": _op(
            "Datasets the caller may use",
            _json({"type": "object", "properties": {"datasets": {"type": "array", "items": DATASET_SUMMARY}}}),
        ),
        "post": _op(
            "Import a file as a new dataset or a new version of one; with preview=1 only stage it and describe the result",
            _json(
                DATASET,
                "Imported (import_report lists issues and judgement_calls); with preview=1, "
                "{upload_id, preview: {rows, columns [{name, label, type, options, judgement}], judgement_calls, first_rows, issues, "
                "derived_time: {name, label, sample} (a timestamp built from year/month/day/hour columns) or null}} "
                "and nothing is published until POST /api/v1/uploads/{id}/publish",
            ),
            400,
            403,
            404,
            413,
            422,
            status="201",
            parameters=[
                _query_param("preview", description="1: stage the upload and answer with a preview; publish or cancel it later"),
                _query_param("progress", description="a client key (8-64 letters, digits, - or _) to poll the server-side phases with"),
                _query_param("lang", description="zh or en: the language of messages"),
            ],
            requestBody={
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file", "name", "department"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "name": {"type": "string"},
                                "name_en": {"type": "string"},
                                "department": {"type": "string"},
                                "dataset": {"type": "string", "description": "existing dataset id"},
                                "mode": {"enum": ["replace", "append"]},
                                "description": {"type": "string"},
                            },
                        }
                    }
                },
            },
        ),
    },
    "/api/v1/uploads/{id}/publish": {
        "post": _op(
            "Publish a staged upload with the types the uploader chose; the answer is the one POST /api/v1/datasets gives",
            _json(DATASET, "Imported"),
            400,
            403,
            404,
            422,
            status="201",
            parameters=[_path_param("id"), _query_param("progress"), _query_param("lang")],
            requestBody={
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "types": {
                                    "type": "object",
                                    "description": "column name -> text, integer, float, date, timestamp or boolean; "
                                    "cells the chosen type cannot read become empty and are counted in the report; "
                                    "the preview's derived_time column -> none declines it (it is added otherwise)",
                                    "additionalProperties": {"enum": ["text", "integer", "float", "date", "timestamp", "boolean", "none"]},
                                }
                            },
                        }
                    }
                }
            },
        )
    },
    "/api/v1/uploads/{id}": {
        "delete": {
            "summary": "Cancel a staged upload: its file is deleted and nothing is published",
            "responses": {"204": {"description": "Cancelled"}, **_errors(401, 403, 404)},
            "parameters": [_path_param("id")],
        }
    },
    "/api/v1/uploads/progress/{key}": {
        "get": _op(
            "The server-side phase of the caller's import in flight: reading, inferring, converting, profiling, publishing",
            _json({"type": "object", "properties": {"phase": {"type": ["string", "null"]}, "fraction": {"type": ["number", "null"]}}}),
            403,
            parameters=[_path_param("key")],
        )
    },
    "/api/v1/datasets/{id}": {
        "get": _op("A dataset with its dictionary and quality profile", _json(DATASET), 404, parameters=[_path_param("id")])
    },
    "/api/v1/datasets/{id}/rows": {
        "get": _op(
            "A page of rows, personal data masked",
            _json({"type": "object"}),
            400,
            404,
            422,
            parameters=[
                _path_param("id"),
                _query_param("offset", "integer"),
                _query_param("limit", "integer"),
                _query_param("sort", description="comma-separated columns, '-' for descending"),
            ],
        )
    },
    "/api/v1/datasets/{id}/versions": {"get": _op("Load history", _json({"type": "object"}), 404, parameters=[_path_param("id")])},
    "/api/v1/datasets/{id}/columns/{name}": {
        "patch": _op(
            "Edit a data-dictionary entry",
            _json(COLUMN),
            400,
            403,
            404,
            422,
            parameters=[_path_param("id"), _path_param("name")],
            requestBody={
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "description_zh": {"type": "string"},
                                "description_en": {"type": "string"},
                                "role": {"type": "string"},
                                "pii": {"type": "boolean"},
                            },
                        }
                    }
                }
            },
        )
    },
}

INDICATOR = {
    "type": "object",
    "description": "The definition (DESIGN.md §3): id, name {zh, en}, department, owner, status, version, type, "
    "dataset, measure/numerator/denominator {expr, agg}, scale, expr + inputs, input + window, snapshot, filters, time, "
    "dimensions, unit, decimals, direction, baseline {from, to}, targets [{period, scope, value, split: none|prorate}], thresholds, refresh, lineage, sensitivity",
}
VALUE_ROW = {
    "type": "object",
    "properties": {
        "period": {"type": "string", "description": "2025, 2025-Q1, 2025-03, 2025-W10, 2025-03-01, or from..to for grain=all"},
        "value": {"type": ["number", "null"]},
        "target": {"type": ["number", "null"]},
        "attainment": {"type": ["number", "null"]},
        "status": {"enum": ["green", "amber", "red", None]},
        "compare_value": {"type": ["number", "null"]},
        "change": {"type": ["number", "null"]},
        "change_pct": {"type": ["number", "null"]},
    },
    "additionalProperties": {"description": "one property per `by` dimension"},
}
VALUES = {
    "type": "object",
    "properties": {
        "indicator": {"type": "string"},
        "unit": {"type": "string"},
        "direction": {"type": "string"},
        "grain": {"type": "string", "description": "all for one value over the range, and always for a timeless indicator"},
        "from": {"type": ["string", "null"], "description": "null for a timeless indicator"},
        "to": {"type": ["string", "null"]},
        "timeless": {"type": "boolean", "description": "no time column: one row per breakdown with period all, over all the data"},
        "as_of": {"type": "string", "description": "timeless only: when its data was loaded, on the city's clock"},
        "notes": {
            "type": "array",
            "items": {"type": "object"},
            "description": "what was left out and why (a grain, dates or comparison asked of a timeless indicator; "
            "a timeless input held constant), each {code, severity, message, message_zh, message_en}",
        },
        "change_unit": {
            "enum": ["pp", "%"],
            "description": "how a change reads: pp (percentage points, `change`) for percent indicators, else % (`change_pct`)",
        },
        "rows": {"type": "array", "items": VALUE_ROW},
    },
}
QUERY = {
    "type": "object",
    "required": ["dataset"],
    "properties": {
        "dataset": {"type": "string"},
        "measures": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "expr": {"type": "string"},
                    "agg": {"enum": ["sum", "avg", "count", "count_distinct", "min", "max", "median", "p90", "p95"]},
                    "as": {"type": "string"},
                },
            },
        },
        "dimensions": {"type": "array", "items": {"type": "string"}},
        "time": {
            "type": "object",
            "properties": {"column": {"type": "string"}, "grain": {"type": "string"}, "from": {"type": "string"}, "to": {"type": "string"}},
        },
        "filters": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "column": {"type": "string"},
                    "op": {"enum": ["=", "!=", "<", "<=", ">", ">=", "in", "not_in", "between", "like", "is_null", "not_null"]},
                    "value": {},
                },
            },
        },
        "order_by": {"type": "array"},
        "limit": {"type": "integer"},
    },
}
JSON_BODY = {"required": True, "content": {"application/json": {"schema": INDICATOR}}}
VALUE_PARAMS = [
    _path_param("id"),
    _query_param("grain", description="hour, day, week, month, quarter, year or all"),
    _query_param("from", description="first day, YYYY-MM-DD"),
    _query_param("to", description="last day, YYYY-MM-DD"),
    _query_param("by", description="comma-separated dimensions"),
    _query_param("compare", description="baseline, previous or year_ago"),
]
PATHS.update(
    {
        "/api/v1/indicators": {
            "get": _op(
                "Indicators the caller may see",
                _json({"type": "object", "properties": {"indicators": {"type": "array", "items": {"type": "object"}}}}),
            ),
            "post": _op(
                "Create a draft (analysts, admins); 422 lists every validation issue",
                _json(INDICATOR, "Created"),
                400,
                403,
                409,
                422,
                status="201",
                requestBody=JSON_BODY,
            ),
        },
        "/api/v1/indicators/{id}": {
            "get": _op(
                "The definition (current, or ?version=N)",
                _json(INDICATOR),
                404,
                parameters=[_path_param("id"), _query_param("version", "integer")],
            ),
            "put": _op(
                "Save a changed definition as a new draft version",
                _json(INDICATOR),
                400,
                403,
                404,
                422,
                parameters=[_path_param("id")],
                requestBody=JSON_BODY,
            ),
        },
        "/api/v1/indicators/{id}/versions": {
            "get": _op("Every version with its definition", _json({"type": "object"}), 404, parameters=[_path_param("id")])
        },
        "/api/v1/indicators/{id}/certify": {
            "post": _op("Certify the current version (owner or admin)", _json(INDICATOR), 403, 404, parameters=[_path_param("id")])
        },
        "/api/v1/indicators/{id}/deprecate": {
            "post": _op("Deprecate (owner or admin)", _json(INDICATOR), 403, 404, parameters=[_path_param("id")])
        },
        "/api/v1/indicators/{id}/values": {
            "get": _op(
                "Values with target, attainment, status and comparison; any dimension=value filters",
                _json(VALUES),
                404,
                422,
                parameters=VALUE_PARAMS,
            )
        },
        "/api/v1/indicators/{id}/explain": {
            "get": _op(
                "The compiled SQL and parameters of a values request, without running it",
                _json({"type": "object"}),
                404,
                422,
                parameters=VALUE_PARAMS,
            )
        },
        "/api/v1/query": {
            "post": _op(
                "Self-service query with the caller's policies",
                _json(
                    {
                        "type": "object",
                        "properties": {"columns": {"type": "array"}, "rows": {"type": "array"}, "truncated": {"type": "boolean"}},
                    }
                ),
                400,
                404,
                422,
                requestBody={"required": True, "content": {"application/json": {"schema": QUERY}}},
            )
        },
        "/api/v1/query/explain": {
            "post": _op(
                "The compiled SQL of a self-service query",
                _json({"type": "object"}),
                400,
                404,
                422,
                requestBody={"required": True, "content": {"application/json": {"schema": QUERY}}},
            )
        },
    }
)

OBJ = {"type": "object"}
BODY = {"required": True, "content": {"application/json": {"schema": OBJ}}}
ADMIN = "Administrators only. "
PATHS.update(
    {
        "/api/v1/tokens": {
            "get": _op("The caller's API tokens (never the tokens themselves)", _json(OBJ)),
            "post": _op("Create a token; returned once, stored hashed", _json(OBJ, "Created"), 400, status="201", requestBody=BODY),
        },
        "/api/v1/tokens/{id}": {"delete": _op("Revoke one of the caller's tokens", _json(OBJ), 404, parameters=[_path_param("id")])},
        "/api/v1/admin/users": {
            "get": _op(ADMIN + "Users", _json(OBJ), 403),
            "post": _op(ADMIN + "Create a user", _json(OBJ, "Created"), 403, 409, 422, status="201", requestBody=BODY),
        },
        "/api/v1/admin/users/{username}": {
            "patch": _op(
                ADMIN + "Change role, department, district, enabled, display name or password; rights changes end the user's sessions",
                _json(OBJ),
                403,
                404,
                422,
                parameters=[_path_param("username")],
                requestBody=BODY,
            )
        },
        "/api/v1/admin/departments": {
            "post": _op(ADMIN + "Create a department", _json(OBJ, "Created"), 403, 409, 422, status="201", requestBody=BODY)
        },
        "/api/v1/admin/areas": {
            "post": _op(ADMIN + "Create an area (city, district, street)", _json(OBJ, "Created"), 403, 422, status="201", requestBody=BODY)
        },
        "/api/v1/admin/grants": {
            "get": _op(ADMIN + "Grants, optionally of one object", _json(OBJ), 403),
            "post": _op(
                ADMIN + "Grant view, edit or unmask to a department or user",
                _json(OBJ, "Created"),
                403,
                422,
                status="201",
                requestBody=BODY,
            ),
        },
        "/api/v1/admin/grants/{id}": {"delete": _op(ADMIN + "Remove a grant", _json(OBJ), 403, 404, parameters=[_path_param("id")])},
        "/api/v1/admin/row-policies": {
            "get": _op(ADMIN + "Row policies, optionally of one dataset", _json(OBJ), 403),
            "post": _op(
                ADMIN + "Add a row policy: {dataset, kind: area, column} or {dataset, kind: predicate, template}",
                _json(OBJ, "Created"),
                403,
                404,
                422,
                status="201",
                requestBody=BODY,
            ),
        },
        "/api/v1/admin/row-policies/{id}": {
            "delete": _op(ADMIN + "Remove a row policy", _json(OBJ), 403, 404, parameters=[_path_param("id")])
        },
        "/api/v1/admin/audit": {
            "get": _op(ADMIN + "Audit events, newest first: actor, action (prefix), object, from, to, limit", _json(OBJ), 400, 403)
        },
        "/api/v1/admin/view-as/{username}/datasets": {
            "get": _op(ADMIN + "The datasets the user would see", _json(OBJ), 403, 404, parameters=[_path_param("username")])
        },
        "/api/v1/admin/view-as/{username}/indicators/{id}/values": {
            "get": _op(
                ADMIN + "The values the user would get", _json(VALUES), 403, 404, 422, parameters=[_path_param("username"), *VALUE_PARAMS]
            )
        },
    }
)

BOARD = {
    "type": "object",
    "description": "id, department, owner, version, updated_at, updated_by, can_edit, title {zh, en}, visibility "
    "(department|shared|city), shared_with [{type, name}], filters {from, to, grain, dimensions}, tiles [{id, type, title, source "
    "{indicator}|{query}, options, text, text_en}], layout [{i, x, y, w, h}]",
}
BID = [_path_param("id")]
PATHS.update(
    {
        "/api/v1/indicators/validate": {
            "post": _op("Validate a definition without saving: {valid, issues}", _json(OBJ), 400, 403, requestBody=BODY)
        },
        "/api/v1/indicators/preview": {
            "post": _op(
                "Values of an unsaved definition {definition, grain, from, to, by, compare}", _json(VALUES), 400, 403, 422, requestBody=BODY
            )
        },
        "/api/v1/indicators/{id}/submit": {
            "post": _op("Submit the current draft for certification (author or admin)", _json(OBJ), 403, 404, 409, parameters=BID)
        },
        "/api/v1/datasets/{id}/values/{column}": {
            "get": _op(
                "Values of a column the caller may filter on (their rows only)",
                _json(OBJ),
                404,
                422,
                parameters=[*BID, _path_param("column")],
            )
        },
        "/api/v1/boards/{id}/tiles": {
            "post": _op(
                "Add a tile {tile, version}; `mine` is the caller's private board",
                _json(BOARD, "Created"),
                400,
                403,
                404,
                409,
                422,
                status="201",
                requestBody=BODY,
                parameters=BID,
            )
        },
        "/api/v1/ask": {
            "post": _op(
                "A question in Chinese or English -> {query, sentence, answer, lang, data_end, chart, columns, rows} with the "
                "caller's policies, or 422 with suggestions; `answer` is in the question's language",
                _json(OBJ),
                400,
                422,
                requestBody=BODY,
            )
        },
        "/api/v1/boards": {
            "get": _op("Boards the caller may open", _json(OBJ)),
            "post": _op(
                "Create a board for the caller's department", _json(BOARD, "Created"), 400, 403, 422, status="201", requestBody=BODY
            ),
        },
        "/api/v1/boards/{id}": {
            "get": _op("A board", _json(BOARD), 404, parameters=BID),
            "put": _op(
                "Save with the `version` read; a stale version is 409 and nothing changes",
                _json(BOARD),
                400,
                403,
                404,
                409,
                422,
                parameters=BID,
                requestBody=BODY,
            ),
            "delete": _op("Soft-delete (restorable)", _json(OBJ), 403, 404, parameters=BID),
        },
        "/api/v1/boards/{id}/undelete": {"post": _op("Restore a deleted board (owner or admin)", _json(BOARD), 404, parameters=BID)},
        "/api/v1/boards/{id}/versions": {"get": _op("Every saved version", _json(OBJ), 404, parameters=BID)},
        "/api/v1/boards/{id}/view": {
            "get": _op("The caller's arrangement: {board, version, personal, based_on, layout}", _json(OBJ), 404, parameters=BID),
            "put": _op(
                "Save {layout} as the caller's own arrangement (personal view; the board's editors get 403)",
                _json(OBJ),
                400,
                403,
                404,
                parameters=BID,
                requestBody=BODY,
            ),
            "delete": _op("Back to the department's layout (the personal view is deleted)", _json(OBJ), 404, parameters=BID),
        },
        "/api/v1/boards/{id}/restore": {
            "post": _op(
                "Restore {version} as a new version, checking {current}", _json(BOARD), 400, 403, 404, 409, parameters=BID, requestBody=BODY
            )
        },
        "/api/v1/boards/{id}/export.{kind}": {
            "get": _op(
                "The whole board as PDF or PNG, rendered by the system chromium as the caller sees it "
                "(filters: from, to, grain, district); audited",
                {"description": "The file"},
                404,
                429,
                parameters=[*BID, _path_param("kind")],
            )
        },
        "/api/v1/boards/{id}/tiles/{tile_id}/export.{kind}": {
            "get": _op(
                "A tile's rows as CSV (streamed, UTF-8 BOM) or Excel; formula-like text "
                "neutralised; RFC 5987 file name; audited; 429 when too many exports run",
                {"description": "The file"},
                404,
                parameters=[*BID, _path_param("tile_id"), _path_param("kind")],
            )
        },
        "/api/v1/boards/{id}/tiles/{tile_id}/data": {
            "get": _op(
                "One tile's data for the caller (state ok|empty|no_access|error); from/to/grain/<dimension> override the board's filters",
                _json(OBJ),
                404,
                parameters=[*BID, _path_param("tile_id")],
            )
        },
    }
)


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "City Indicator Center API", "version": "1"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message", "issues"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "issues": {"type": "array", "items": {"type": "object"}},
                            },
                        }
                    },
                }
            },
        },
    }
