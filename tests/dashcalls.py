"""Calling Dash callbacks and pages over HTTP as the renderer does, and reading the component trees they return."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dash.development.base_component import Component
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import actor_of, csrf_header, login

DEMO_PASSWORD = "demo-pass-2025"


@contextmanager
def signed_in(app: Any, username: str, lang: str = "zh") -> Iterator[Any]:
    """A request context with `username` signed in (for calling page functions directly); yields the actor."""
    from flask_login import login_user

    from web.login import SessionUser

    with app.server.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        who = actor_of(app.server.extensions["city"], username)
        login_user(SessionUser(who, 0))
        yield who


def walk(node: Any) -> Iterator[Any]:
    """Every component and string of a component tree (as page functions return it), depth first."""
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from walk(item)
    elif isinstance(node, Component):
        yield node
        yield from walk(getattr(node, "children", None))
    elif node is not None:
        yield node


def text(node: Any) -> str:
    """The strings of a component tree, joined by spaces."""
    return " ".join(str(n) for n in walk(node) if not isinstance(n, Component))


def by_id(tree: Any, component_id: Any) -> Any:
    """The one component of a tree with this id."""
    found = [n for n in walk(tree) if isinstance(n, Component) and getattr(n, "id", None) == component_id]
    assert len(found) == 1, f"{component_id}: {len(found)} found"
    return found[0]


def client(app: Any, username: str, lang: str = "zh") -> FlaskClient:
    """A test client signed in as a demo user, in `lang`."""
    found = app.server.test_client()
    login(found, username, DEMO_PASSWORD)
    found.set_cookie("lang", lang)
    return found


def prop(component: Any, name: str, value: Any) -> dict[str, Any]:
    """One input or state as the renderer sends it; a pattern-matching ALL input is a list of these."""
    return {"id": component, "property": name, "value": value}


def prop_id(component: Any, name: str) -> str:
    """The renderer's name of a changed property (dict ids as compact JSON with sorted keys)."""
    text = json.dumps(component, sort_keys=True, separators=(",", ":")) if isinstance(component, dict) else str(component)
    return f"{text}.{name}"


def call(found: FlaskClient, output: str, inputs: list[Any], state: list[Any], changed: str) -> TestResponse:
    """One callback call with inputs and state already in the renderer's shape (see `prop`)."""
    component, name = output.rsplit(".", 1)
    body = {"output": output, "outputs": {"id": component, "property": name}, "inputs": inputs, "state": state, "changedPropIds": [changed]}
    return found.post("/_dash-update-component", json=body, headers=csrf_header(found))  # type: ignore[no-any-return]


def post(
    found: FlaskClient, output: str, inputs: list[tuple[Any, str, Any]], state: list[tuple[Any, str, Any]] | None = None
) -> TestResponse:
    """One callback call as the Dash renderer makes it (the first input is the one that changed)."""
    return call(
        found,
        output,
        [prop(i, p, v) for i, p, v in inputs],
        [prop(i, p, v) for i, p, v in state or []],
        prop_id(inputs[0][0], inputs[0][1]),
    )


def nodes(tree: Any) -> Iterator[dict[str, Any]]:
    """Every component of a JSON component tree, depth first."""
    if isinstance(tree, list):
        for item in tree:
            yield from nodes(item)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        for value in tree["props"].values():
            yield from nodes(value)


def words(tree: Any) -> str:
    """A tree (JSON or components) as text, for "contains"/"does not contain" checks."""
    return json.dumps(tree, ensure_ascii=False, default=lambda o: o.to_plotly_json())
