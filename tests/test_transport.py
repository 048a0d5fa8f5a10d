"""How answers travel (issue 24.4): compressed where the client accepts it, `immutable` on fingerprinted bundles
and assets, `no-store` on HTML, the API, Dash's data answers and exports — on the real app."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

import brotli
import pytest
from flask import request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import Web, csrf_header
from web.transport import IMMUTABLE, BundleCache, bundle_key

GZIP = {"Accept-Encoding": "gzip"}
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
PLOTLY = "/assets/vendor/plotly.js-cartesian-dist-min@4.1.1/plotly-cartesian.min.js"


def plain(response: TestResponse) -> bytes:
    """The body as the browser reads it after undoing Content-Encoding."""
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "br":
        return bytes(brotli.decompress(data))
    assert encoding is None, encoding
    return data


def page_call(client: FlaskClient, path: str, headers: dict[str, str]) -> TestResponse:
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }
    return client.post("/_dash-update-component", json=body, headers={**csrf_header(client), **headers})


def scripts(html: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', html)


@pytest.fixture
def leader(web: Web) -> FlaskClient:
    return web.client("leader")


def test_the_page_is_compressed_and_never_stored(leader: FlaskClient) -> None:
    for headers, encoding in ((GZIP, "gzip"), (BROWSER, "br")):
        page = leader.get("/boards", headers=headers)
        assert page.status_code == 200
        assert page.headers["Content-Encoding"] == encoding
        assert page.headers["Cache-Control"] == "no-store"
        assert "Accept-Encoding" in page.headers["Vary"]
        assert b'id="react-entry-point"' in plain(page)
        assert len(page.get_data()) < len(plain(page))


def test_without_accept_encoding_the_answer_is_plain(leader: FlaskClient) -> None:
    page = leader.get("/boards")
    assert "Content-Encoding" not in page.headers
    assert page.get_data().startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize("path", ["/_dash-layout", "/_dash-dependencies"])
def test_dash_json_is_compressed_and_never_stored(leader: FlaskClient, path: str) -> None:
    answer = leader.get(path, headers=GZIP)
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["Cache-Control"] == "no-store"
    json.loads(plain(answer))


def test_callback_answers_are_compressed_and_never_stored(leader: FlaskClient) -> None:
    answer = page_call(leader, "/boards", BROWSER)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Encoding"] == "br"
    assert answer.headers["Cache-Control"] == "no-store"
    assert "_pages_content" in json.loads(plain(answer))["response"]


def test_api_answers_and_exports_are_never_stored(web: Web, leader: FlaskClient) -> None:
    listing = leader.get("/api/v1/indicators", headers=GZIP)
    assert listing.status_code == 200
    assert listing.headers["Cache-Control"] == "no-store"
    assert listing.headers["Content-Encoding"] == "gzip"
    assert json.loads(plain(listing))
    boards = json.loads(plain(leader.get("/api/v1/boards", headers=GZIP)))
    board = boards["items"][0]["id"] if boards.get("items") else "city_cockpit"
    export = leader.get(f"/api/v1/boards/{board}/export.csv", headers=GZIP)
    assert export.headers["Cache-Control"] == "no-store", export.status_code


def test_fingerprinted_bundles_are_immutable_and_compressed(leader: FlaskClient) -> None:
    bundles = [src for src in scripts(leader.get("/boards").text) if src.startswith("/_dash-component-suites/")]
    assert len(bundles) >= 5, bundles
    for src in bundles:
        assert re.search(r"\.v[\w-]+m[0-9a-f]+\.", src), f"{src} is not fingerprinted"
        answer = leader.get(src, headers=GZIP)
        assert answer.status_code == 200, src
        assert answer.headers["Cache-Control"] == IMMUTABLE, src
        assert "Set-Cookie" not in answer.headers, src  # a year in every cache: no cookie rides along
        assert "cookie" not in answer.headers["Vary"].lower(), src  # the CSRF cookie changes per page: no refetch
        if len(plain(answer)) > 500:
            assert answer.headers["Content-Encoding"] == "gzip", src
    unmarked = re.sub(r"\.v[\w-]+m[0-9a-f]+\.", ".", bundles[0])
    answer = leader.get(unmarked)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-cache"  # revalidated by ETag, never kept blindly


def test_our_assets_are_fingerprinted_immutable_and_compressed(leader: FlaskClient) -> None:
    html = leader.get("/boards").text
    css = re.findall(r'<link rel="stylesheet" href="(/assets/[^"]+)"', html)
    ours = [src for src in scripts(html) if src.startswith("/assets/")] + css
    assert any("board.js" in src for src in ours) and any("bootstrap.min.css" in src for src in ours), ours
    for src in ours:
        assert "?m=" in src, src
        answer = leader.get(src, headers=BROWSER)
        assert answer.headers["Cache-Control"] == IMMUTABLE, src
        assert answer.headers.get("Content-Encoding") == "br", src
        assert "Set-Cookie" not in answer.headers
    assert leader.get(src.split("?")[0]).headers["Cache-Control"] == "no-cache"


def test_the_plotly_bundle_is_addressed_by_version_and_immutable(leader: FlaskClient) -> None:
    page = scripts(leader.get("/boards").text)
    assert not any("plotly-cartesian" in src for src in page), "plotly.js loads with the first chart, not with every page"
    loader = leader.get(next(s for s in page if "plotly_bundle.js" in s)).text
    assert PLOTLY.removeprefix("/assets/") in loader
    answer = leader.get(PLOTLY, headers=BROWSER)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == IMMUTABLE
    assert answer.headers["Content-Encoding"] == "br"
    body = plain(answer)
    assert b"plotly.js (cartesian - minified) v4.1.1" in body[:200]
    assert len(answer.get_data()) * 2 < len(body)


def test_the_login_page_links_assets_by_fingerprint(web: Web) -> None:
    anonymous = web.client()
    page = anonymous.get("/login", headers=GZIP)
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Content-Encoding"] == "gzip"
    links = re.findall(r'href="(/assets/[^"]+)"', plain(page).decode())
    assert len(links) == 2 and all("?m=" in link for link in links), links
    for link in links:
        answer = anonymous.get(link, headers=BROWSER)
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == IMMUTABLE


def test_anonymous_callers_of_bundles_still_get_no_bundle(web: Web, leader: FlaskClient) -> None:
    bundle = next(s for s in scripts(leader.get("/boards").text) if s.startswith("/_dash-component-suites/"))
    answer: Any = web.client().get(bundle)
    assert answer.status_code == 401 and "immutable" not in answer.headers.get("Cache-Control", "")


def test_only_fingerprinted_bundles_are_kept_compressed(web: Web, leader: FlaskClient) -> None:
    bundle = next(s for s in scripts(leader.get("/boards").text) if s.startswith("/_dash-component-suites/"))
    server = web.app.server
    with server.test_request_context(bundle):
        assert bundle_key(request) == bundle
    for address in ("/_dash-layout", "/boards", "/api/v1/indicators", re.sub(r"\.v[\w-]+m[0-9a-f]+\.", ".", bundle)):
        with server.test_request_context(address):
            assert bundle_key(request) == "", address
    cache = BundleCache()
    cache.set("br;", b"an answer with data")
    cache.set(f"br;{bundle}", b"bytes")
    assert cache.get("br;") is None and cache.get(f"br;{bundle}") == b"bytes"
    first, second = (leader.get(bundle, headers=BROWSER) for _ in range(2))
    assert first.get_data() == second.get_data() and first.headers["Content-Encoding"] == "br"
