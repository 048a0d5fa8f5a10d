"""JSON errors for the API and Dash, an HTML page for browsers; internal errors get a reference id."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, make_response, request
from werkzeug.exceptions import HTTPException

from api.body import BoundedJSON
from errors import CALLBACK_ENTERED, UserError, new_reference
from i18n import request_lang, t

log = logging.getLogger("city.errors")


def _lang() -> str:
    return "zh" if request.args.get("lang") == "zh" else request_lang("en") if request.path.startswith("/api/") else request_lang()


def _json(status: int, code: str, message: str, issues: list[dict[str, object]] | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "issues": issues or []}})
    response.status_code = status
    return response


def _html(status: int, message: str) -> Response:
    body = (
        "<!doctype html><html><head><meta charset='utf-8'><link rel='stylesheet' href='/assets/vendor/bootstrap.min.css'>"
        f"</head><body class='p-5'><div class='alert alert-secondary'>{_escape(message)}</div>"
        "<a href='/'>&larr;</a></body></html>"
    )
    return make_response(body, status)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _is_json_path() -> bool:
    return request.path.startswith(("/api/", "/_dash-"))


def user_error(exc: UserError) -> Response:
    lang = "en" if request.path.startswith("/api/") and request.args.get("lang") != "zh" else request_lang()
    if _is_json_path():
        payload = exc.to_dict(lang)
        return _json(exc.status, payload["code"], payload["message"], payload["issues"])
    return _html(exc.status, exc.message(lang))


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if _is_json_path():
        codes = {
            400: "bad_request",
            401: "unauthenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            413: "too_large",
            415: "unsupported_media_type",
            422: "invalid",
            429: "rate_limited",
        }
        return _json(status, codes.get(status, "error"), exc.name)
    if status == 404:
        return _html(404, t("error.not_found", request_lang()))
    return _html(status, exc.name)


def internal_error(exc: Exception) -> Response:
    """Log the traceback under a reference; the client sees only the reference. A Dash request that failed before
    reaching any of our callbacks was malformed (missing inputs, wrong shapes): the caller's mistake, a 400."""
    if request.path == "/_dash-update-component" and not g.get(CALLBACK_ENTERED):
        log.warning("malformed callback request: %s: %s", type(exc).__name__, exc)
        return _json(400, "bad_request", t("error.bad_callback", request_lang()))
    ref = new_reference()
    log.exception("internal error ref=%s path=%s", ref, request.path)
    message = t("error.generic", _lang(), ref=ref)
    response = _json(500, "internal", message) if _is_json_path() else _html(500, message)
    response.headers["X-Error-Reference"] = ref
    return response


def init_errors(server: Flask) -> None:
    """Error handlers, and the JSON provider that refuses bodies nested too deep before parsing them (a 400)."""
    server.json = BoundedJSON(server)
    server.register_error_handler(UserError, user_error)
    server.register_error_handler(HTTPException, http_error)
    server.register_error_handler(Exception, internal_error)
