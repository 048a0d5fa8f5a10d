"""The OpenAPI document lists exactly the API routes the server has, with their methods."""

from __future__ import annotations

import re

from tests.conftest import Web


def test_openapi_matches_the_url_map(web: Web) -> None:
    served: set[tuple[str, str]] = set()
    for rule in web.app.server.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and "_rest" not in rule.rule:  # the JSON-404 catch-all is not an endpoint
            path = re.sub(r"\{(?!tile_id)\w+_id\}", "{id}", re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule))
            served |= {(path, m.lower()) for m in rule.methods or () if m not in ("HEAD", "OPTIONS")}
    document = web.client("traffic_staff").get("/api/v1/openapi.json").json
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == served
    assert document["openapi"].startswith("3.") and "Error" in document["components"]["schemas"]
