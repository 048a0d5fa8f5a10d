"""Every endpoint declares the permission it needs; the declaration is checked on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from access.actor import Actor
from access.policy import raise_for_permission
from access.roles import Permission
from errors import UserError
from web.login import current_actor

F = TypeVar("F", bound=Callable[..., Any])
PERMISSION_ATTR = "city_permission"


class Unauthenticated(UserError):
    status = 401
    code = "unauthenticated"

    def __init__(self) -> None:
        super().__init__("请先登录。", "Sign in first.")


def endpoint(permission: Permission) -> Callable[[F], F]:
    """Declare and enforce the permission of a Flask view."""

    def wrap(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if permission is not Permission.PUBLIC:
                actor = current_actor()
                if actor is None:
                    raise Unauthenticated()
                raise_for_permission(actor, permission)
            return view(*args, **kwargs)

        setattr(checked, PERMISSION_ATTR, permission)
        return checked  # type: ignore[return-value]

    return wrap


def actor() -> Actor:
    found = current_actor()
    if found is None:
        raise Unauthenticated()
    return found
