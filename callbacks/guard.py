"""Every Dash callback declares the permission it needs; the declaration is checked on the server.

Any signed-in user can call any callback with any inputs (the callback list is public), so a
callback never trusts that its components were in the caller's page: the wrapper checks the
permission from the session, and the service it calls checks the objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import dash
from flask import abort, g, has_request_context

import runtime
from access.actor import Actor
from access.roles import Permission
from errors import CALLBACK_ENTERED
from i18n import request_lang
from web.login import current_actor

PERMISSION_ATTR = "city_permission"
CLIENT_ONLY = "client-only"


@dataclass(frozen=True)
class Spec:
    """A callback collected at import time, installed on each app by `install`."""

    permission: Permission | str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    func: Callable[..., Any] | None = None
    client_function: str | None = None


SPECS: list[Spec] = []


def actor() -> Actor:
    """The signed-in actor; aborts 401 if there is none (the gate normally stops that earlier)."""
    found = current_actor()
    if found is None:
        abort(401)
    return found


def user_lang() -> str:
    """The language of this request's pages and messages (the user's choice, else the instance default)."""
    return request_lang(runtime.current().settings.default_lang) if has_request_context() else "zh"


def callback(permission: Permission, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a server callback that refuses (403) callers lacking `permission` before its body runs.

    The undecorated function is returned, so tests can call it as a plain function.
    """

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def checked(*inputs: Any) -> Any:
            if not actor().has(permission):
                abort(403)
            setattr(g, CALLBACK_ENTERED, True)
            return func(*inputs)

        setattr(checked, PERMISSION_ATTR, permission)
        SPECS.append(Spec(permission, args, kwargs, func=checked))
        return func

    return register


def clientside(function_name: str, *args: Any, **kwargs: Any) -> None:
    """A clientside callback (assets/city.js); any server work it starts goes through the API's checks."""
    SPECS.append(Spec(CLIENT_ONLY, args, kwargs, client_function=function_name))


def install(app: dash.Dash) -> dict[str, Permission | str]:
    """Register every collected callback on `app`; returns its key in `app.callback_map` (`id.prop`, or Dash's
    `..id.prop...id.prop..` for several outputs) → declared permission."""
    declared: dict[str, Permission | str] = {}
    for spec in SPECS:
        before = set(app.callback_map)
        if spec.client_function:
            app.clientside_callback(
                dash.ClientsideFunction(namespace="city", function_name=spec.client_function), *spec.args, **spec.kwargs
            )
        else:
            assert spec.func is not None
            app.callback(*spec.args, **spec.kwargs)(spec.func)
        for key in set(app.callback_map) - before:
            declared[key] = spec.permission
    return declared
