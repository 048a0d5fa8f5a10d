"""What the administration callbacks share: form values read as text, the clicked row, failure and
success alerts, the access vocabulary, and the choices an administrator picks from (read from the store).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import no_update
from flask import request
from sqlalchemy.orm import Session

import layouts.admin.parts as parts
import runtime
from access import commands, rowpolicies
from access.actor import Actor
from access.departments import AREA_LEVELS, area_tree, list_departments
from access.grants import GRANTEE_TYPES, LEVELS, OBJECT_TYPES
from access.policy import USER_ATTRIBUTES
from access.roles import Role
from callbacks.guard import actor, user_lang
from datasets import catalog
from errors import UserError
from i18n import t

AUDIT_LIMIT = 500

WORDS = parts.Vocabulary(
    roles=tuple(r.value for r in Role),
    area_levels=AREA_LEVELS,
    object_types=OBJECT_TYPES,
    grantee_types=GRANTEE_TYPES,
    grant_levels=LEVELS,
    policy_kinds=rowpolicies.KINDS,
    user_attributes=USER_ATTRIBUTES,
)


def text(value: Any, limit: int = 200) -> str:
    """A form value as trimmed text; anything that is not text counts as empty."""
    return value.strip()[:limit] if isinstance(value, str) else ""


def secret(value: Any) -> str:
    """A password exactly as typed (not trimmed)."""
    return value[:512] if isinstance(value, str) else ""


def clicked() -> Any:
    """The id of the button that ran this callback; None when a button was only (re-)rendered."""
    triggered = dash.ctx.triggered
    if not triggered or not triggered[0].get("value"):
        return None
    return dash.ctx.triggered_id


def clicked_row(kind: str) -> int | None:
    """The row id of a clicked per-row button ({"type": kind, "index": id})."""
    button = clicked()
    if isinstance(button, dict) and button.get("type") == kind and isinstance(button.get("index"), int):
        return int(button["index"])
    return None


def remove_clicked(button: str, remove: commands.RemoveCommand, done: str) -> Any:
    """Remove the row whose `button` was clicked with the command `remove` (which checks and audits)."""
    lang, row_id = user_lang(), clicked_row(button)
    if row_id is None:
        return no_update
    try:
        remove(runtime.current().store, actor(), row_id)
    except UserError as exc:
        return failed(exc, lang)
    return parts.done_alert(t(done, lang, id=row_id))


def failed(exc: UserError, lang: str) -> dbc.Alert:
    return parts.error_alert(exc.message(lang), [i.to_dict(lang) for i in exc.issues], lang)


def address() -> str:
    return request.remote_addr or ""


# -- what the administrator picks from ----------------------------------------------------------------
def department_labels(db: Session, lang: str) -> dict[str, str]:
    return {d.code: (d.name_en if lang == "en" else d.name_zh) or d.code for d in list_departments(db)}


def departments(db: Session, lang: str) -> tuple[parts.Option, ...]:
    return tuple((code, f"{label} ({code})") for code, label in department_labels(db, lang).items())


def areas(db: Session) -> list[dict[str, Any]]:
    return [dataclasses.asdict(node) for node in area_tree(db)]


def user_options(listed: list[dict[str, Any]]) -> tuple[parts.Option, ...]:
    return tuple((str(u["username"]), f"{u['display_name']} ({u['username']})") for u in listed)


def datasets(db: Session, who: Actor, lang: str) -> tuple[parts.Option, ...]:
    return tuple((i.id, i.name(lang)) for i in catalog.list_datasets(db, who))


def indicators(who: Actor, lang: str) -> tuple[parts.Option, ...]:
    return tuple((i.id, i.name.get(lang)) for i in runtime.current().registry.visible(who))


def object_names(who: Actor, lang: str) -> dict[tuple[str, str], str]:
    with runtime.current().store.read() as db:
        names = {("dataset", key): label for key, label in datasets(db, who, lang)}
    return names | {("indicator", key): label for key, label in indicators(who, lang)}
