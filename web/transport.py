"""How answers travel: compressed when the client accepts it, and cached only where the bytes can never change.

- Compression: flask-compress (zstd, br, gzip, deflate — what the client accepts, in that order) on HTML, JSON
  (Dash's `_dash-layout`, `_dash-dependencies`, `_dash-update-component` answers and the API), CSS and JS.
- `Cache-Control: public, max-age=31536000, immutable` on bytes whose address changes when they do: Dash's
  fingerprinted bundles (`/_dash-component-suites/<pkg>/<name>.v<version>m<mtime>.js`), our assets under the
  `?m=<mtime>` address Dash (and `asset_url` for the login page) gives them, and vendored files kept in a folder
  named for their npm package and version (`vendor/<package>@1.2.3/`).
- `no-store` on HTML, the API and Dash's data answers (SECURITY.md: data never sits in a cache).
- `no-cache` on everything else static: the browser revalidates by ETag / Last-Modified (a 304, no body).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from dash.fingerprint import check_fingerprint
from flask import Flask, Request, Response
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_compress import Compress

IMMUTABLE = "public, max-age=31536000, immutable"
NO_STORE = "no-store"
REVALIDATE = "no-cache"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"  # app.py's Dash assets_folder
SUITES = "/_dash-component-suites/"
ASSETS = "/assets/"
VERSIONED_DIR = re.compile(r"/[^/]+@\d+(\.\d+)+/")  # vendor/plotly.js-cartesian-dist-min@4.1.1/plotly-cartesian.min.js
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
]


def is_fingerprinted(path: str, query: dict[str, str]) -> bool:
    """True when the address names one exact version of the bytes, so they may be kept for a year."""
    if path.startswith(SUITES):
        return bool(check_fingerprint(path)[1])
    if path.startswith(ASSETS):
        return bool(query.get("m")) or VERSIONED_DIR.search(path) is not None
    return path == "/_favicon.ico" and bool(query.get("v"))


def cache_control(request: Request, response: Response) -> str | None:
    """The Cache-Control this answer gets; None leaves it as it is (redirects, errors of static paths)."""
    path = request.path
    if response.mimetype == "text/html" or (path.startswith(("/api/", "/_dash-")) and not path.startswith(SUITES)):
        return NO_STORE
    if response.status_code not in (200, 304):
        return None
    if path.startswith((SUITES, ASSETS)) or path == "/_favicon.ico":
        return IMMUTABLE if is_fingerprinted(path, request.args.to_dict()) else REVALIDATE
    return None


def is_immutable(response: Response) -> bool:
    return response.headers.get("Cache-Control") == IMMUTABLE


def asset_url(assets: Path, name: str) -> str:
    """`/assets/<name>?m=<mtime>`, the address Dash gives assets, for pages Dash does not render (login)."""
    return f"{ASSETS}{name}?m={int((assets / name).stat().st_mtime)}"


class BundleCache:
    """flask-compress's cache backend, keeping only compressed fingerprinted bundles (a fixed, finite set: the
    installed packages' and our assets' files). Compressing plotly.js costs ~100 ms of CPU; it is done once per
    process and encoding instead of on every first visit. Every other answer's key is empty and never kept."""

    def __init__(self) -> None:
        self._items: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            with self._lock:
                self._items[key] = value


def bundle_key(request: Request) -> str:
    """The cache key of an answer: its full address when the bytes behind it never change, else empty."""
    return request.full_path.rstrip("?") if is_fingerprinted(request.path, request.args.to_dict()) else ""


def buffer_files(response: Response) -> Response:
    """Static files come as a stream, which flask-compress would only encode chunk by chunk and never cache:
    read them into memory (the largest is 1.5 MB) so they take the cached path above."""
    if response.direct_passthrough and response.status_code == 200 and response.mimetype in COMPRESSED_TYPES:
        response.direct_passthrough = False
        response.set_data(response.get_data())
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that an immutable answer does not `Vary: Cookie`: the sign-in gate
    reads the session before serving a bundle, but the bytes are the same for everyone, and the CSRF cookie
    changes on every page, so with `Vary: Cookie` browsers fetched every bundle again on each visit."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        super().save_session(app, session, response)
        if is_immutable(response):
            response.vary.discard("cookie")  # lower case: HeaderSet.discard compares lowered names


def init_transport(server: Flask, assets: Path = ASSETS_DIR) -> None:
    """Compression on every answer worth it; `asset_url` for the Jinja templates (web/guard.py calls this)."""
    server.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_ALGORITHM=["zstd", "br", "gzip", "deflate"],  # zstd 3 and br 4: gzip 6's size, 2-5x less CPU
        COMPRESS_BR_LEVEL=4,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_CACHE_BACKEND=BundleCache,
        COMPRESS_CACHE_KEY=bundle_key,
    )
    Compress(server)
    server.session_interface = SessionInterface()
    server.after_request(buffer_files)  # registered last, so it runs before the compression
    server.jinja_env.globals["asset_url"] = lambda name: asset_url(assets, name)
