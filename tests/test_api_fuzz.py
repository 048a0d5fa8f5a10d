"""The whole API fuzzed from its own OpenAPI document (issue 18.1): schemathesis generates requests for every
operation — valid ones and, in a second pass, ones that break the schema — and calls the Flask app over WSGI
(no network), signed in as an administrator and as a district staff member by API token. No generated request
may get a 5xx, and every answer must fit the schema the document gives for its status.

The examples per operation are bounded (FUZZ_EXAMPLES, default 8) so both passes of both actors stay within
about two minutes on a CI machine. PDF/PNG exports run without a browser (CITY_CHROMIUM points where none is
installed): their documented 503 "unavailable" is the one 5xx allowed, as it tells an operator what to install.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from demo.seed import seed_if_empty
from tests.conftest import Web, make_settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
ACTORS = ("admin", "traffic_staff")
UNAVAILABLE = frozenset({"/api/v1/boards/{id}/export.{kind}"})  # the browser is missing here on purpose


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    from app import create_app

    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(make_settings(folder / "instance", chromium=str(folder / "no-browser" / "chromium")))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.02, echo=lambda _m: None)
    yield Web(app, rt)
    rt.close()


def bearer(web: Web, username: str) -> dict[str, str]:
    """An API token's header; answers uncompressed (the WSGI client does not decode gzip or brotli)."""
    return {"Authorization": f"Bearer {web.token(username)}", "Accept-Encoding": "identity"}


def allowed_unavailable(case: Any, response: Any) -> bool:
    """The export's 503 when no browser is installed: documented, and says what to install."""
    if response.status_code != 503 or case.operation.path not in UNAVAILABLE:
        return False
    return bool(response.json()["error"]["code"] == "unavailable")


def fuzz(web: Web, username: str, mode: GenerationMode) -> list[str]:
    """Every operation of the served document, EXAMPLES generated requests each; the problems found, as text."""
    headers = bearer(web, username)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", web.app.server, headers=headers)
    problems: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy(generation_mode=mode)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            if allowed_unavailable(case, response):
                return
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except (AssertionError, BaseExceptionGroup) as failure:  # a Failure, or a FailureGroup of several
                problems.append(f"{case.operation.label} {response.status_code}: {str(failure)[:400]}")

        try:
            run()
        except Unsatisfiable:  # nothing in this operation can be made invalid (a GET without parameters)
            assert mode is GenerationMode.NEGATIVE, operation.label
    return problems


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("username", ACTORS)
def test_no_generated_request_gets_a_5xx_and_every_answer_fits_its_schema(city: Web, username: str, mode: GenerationMode) -> None:
    problems = fuzz(city, username, mode)
    assert problems == [], "\n".join(sorted(set(problems))[:40])
