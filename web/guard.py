"""The request guard: sign-in gate on every route, CSRF on every state change, size caps, headers.

Public: the login page, static assets, the language switch and the health check. Everything
else — pages, `/_dash-*`, the API — needs a signed-in user: browsers are sent to the login page,
`/_dash-*` and API calls get 401 with no data in the body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from urllib.parse import quote

from flask import Flask, Response, jsonify, redirect, request
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from web.login import authenticated_by_token, current_actor
from web.transport import cache_control, init_transport, is_immutable

log = logging.getLogger(__name__)
PUBLIC_PREFIXES = ("/assets/", "/lang/", "/api/v1/health", "/_favicon.ico", "/favicon.ico")
PUBLIC_PATHS = frozenset({"/login"})
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_COOKIE = "_csrf_token"
UPLOAD_PATH = "/api/v1/datasets"
DASH_CATCH_ALL = "/<path:path>"
csrf = CSRFProtect()


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def wants_json(path: str) -> bool:
    return path.startswith(("/_dash-", "/api/")) or request.accept_mimetypes.best == "application/json"


def _error(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "issues": []}})
    response.status_code = status
    return response


def _size_cap(max_upload: int, max_callback: int) -> Response | None:
    """Refuse oversize bodies from Content-Length, before anything reads them."""
    length = request.content_length
    if length is None:
        return None
    limit = max_upload if request.path == UPLOAD_PATH and request.method == "POST" else max_callback
    if length > limit:
        return _error(413, "too_large", f"The request body is larger than {limit // 1024} KB.")
    return None


def gate(max_upload: int, max_callback: int) -> Response | None:
    """before_request: sign-in, CSRF and body size, in that order."""
    path = request.path
    if request.method in STATE_CHANGING:
        capped = _size_cap(max_upload, max_callback)
        if capped is not None:
            return capped
    if is_public(path):
        if path == "/login" and request.method == "POST":
            csrf.protect()
        return None
    if current_actor() is None:
        if wants_json(path):
            return _error(401, "unauthenticated", "Sign in first.")
        target = request.full_path.rstrip("?") if request.query_string else path
        return redirect(f"/login?next={quote(target, safe='/')}")  # type: ignore[return-value]
    if request.method in STATE_CHANGING and not authenticated_by_token():
        csrf.protect()
    return _machine_request_problem(path)


def _machine_request_problem(path: str) -> Response | None:
    """API and `/_dash-*` paths that only Dash's page catch-all matched are JSON 404s, not the app
    page; malformed callback bodies are 400 rather than an error inside Dash's dispatcher."""
    if path.startswith(("/api/", "/_dash-")) and request.url_rule is not None and request.url_rule.rule == DASH_CATCH_ALL:
        return _error(404, "not_found", "No such endpoint.")
    if path == "/_dash-update-component" and request.method == "POST":
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("output"), str) or not isinstance(body.get("inputs"), list):
            return _error(400, "bad_request", "The callback request is malformed.")
    return None


def content_security_policy(script_hashes: Sequence[str]) -> str:
    scripts = " ".join(["'self'", *script_hashes])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",  # Dash and Plotly set inline styles on elements
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def headers(response: Response, csp: Callable[[], str], secure: bool) -> Response:
    """after_request: security headers, and the CSRF cookie Dash copies into X-CSRFToken."""
    response.headers.setdefault("Content-Security-Policy", csp())
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    policy = cache_control(request, response)
    if policy is not None:
        response.headers["Cache-Control"] = policy
    if is_immutable(response):
        return response  # kept by every cache for a year: no cookie rides along
    if current_actor() is not None and not authenticated_by_token():
        response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Lax", secure=secure, httponly=False)
    return response


def _csrf_failed(_error_obj: CSRFError) -> Response:
    if request.path == "/login":
        return redirect("/login?expired=1")  # type: ignore[return-value]
    return _error(400, "csrf", "The security token is missing or expired; reload the page.")


def init_guard(server: Flask, csp: Callable[[], str], max_upload: int, max_callback: int, secure: bool) -> None:
    """`csp` is called per response: Dash adds inline scripts (e.g. for Pages) at its first request."""
    server.config["MAX_CONTENT_LENGTH"] = max_upload  # also caps bodies sent without Content-Length
    server.config["WTF_CSRF_CHECK_DEFAULT"] = False
    server.config["WTF_CSRF_TIME_LIMIT"] = None  # bound to the session instead of a clock
    server.config["WTF_CSRF_SSL_STRICT"] = secure
    csrf.init_app(server)
    server.register_error_handler(CSRFError, _csrf_failed)
    server.before_request(lambda: gate(max_upload, max_callback))
    server.after_request(lambda response: headers(response, csp, secure))
    init_transport(server)  # compression and asset_url
