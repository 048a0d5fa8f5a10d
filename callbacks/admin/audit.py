"""Audit log tab: events filtered by actor, action prefix and date range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import Input, Output, State

import callbacks.admin.shared as shared
import layouts.admin.audit as audit_layout
import runtime
from access.audit import events
from access.roles import Permission
from callbacks.guard import callback
from layouts import ids


def _day(value: Any, after: int = 0) -> dt.datetime | None:
    """A date field as the start of that day (`after` days later), or None."""
    try:
        day = dt.date.fromisoformat(shared.text(value, 10))
    except ValueError:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=after), dt.time())


@callback(
    Permission.ADMIN,
    Output(ids.admin.AUDIT_GRID, "rowData"),
    Input(ids.admin.AUDIT_FORM, "n_submit"),
    State(ids.admin.AUDIT_ACTOR, "value"),
    State(ids.admin.AUDIT_ACTION, "value"),
    State(ids.admin.AUDIT_FROM, "value"),
    State(ids.admin.AUDIT_TO, "value"),
    prevent_initial_call=True,
)
def audit_log(_submit: Any, who: Any, action: Any, start: Any, end: Any) -> list[dict[str, Any]]:
    """Events newest first: an actor, an action prefix (`login` finds every login event), a date range (both days included)."""
    with runtime.current().store.read() as db:
        found = events(
            db, shared.text(who, 64) or None, shared.text(action, 64) or None, None, _day(start), _day(end, after=1), shared.AUDIT_LIMIT
        )
    return audit_layout.audit_rows(found)
