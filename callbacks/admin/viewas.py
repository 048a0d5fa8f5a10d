"""View-as tab: exactly what a user would see (datasets, row counts, indicators, values), audited."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State

import callbacks.admin.shared as shared
import layouts.admin.viewas as viewas_layout
import runtime
from access import commands
from access.actor import Actor
from access.roles import Permission
from callbacks.guard import actor, callback, user_lang
from errors import UserError
from layouts import ids
from query.evaluate import values

VIEW_AS_ARGS = {"grain": "year"}


def _seen_by(target: Actor, lang: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The datasets (with the rows they may read) and the indicators `target` sees."""
    rt = runtime.current()
    with rt.store.read() as db:
        labels = shared.department_labels(db, lang)
    datasets = []
    for seen in rt.door.datasets(target):
        info, label = seen.info, labels.get(seen.info.department, seen.info.department)
        datasets.append(  # the admin reads both: every row, and the rows the user may see
            {
                "id": info.id,
                "name": info.name(lang),
                "department": label,
                "rows": info.rows,
                "visible_rows": seen.rows,
                "scoped": seen.scoped,
            }
        )
    indicators = [
        {"id": i.id, "name": i.name.get(lang), "department": labels.get(i.department, i.department)} for i in rt.registry.visible(target)
    ]
    return datasets, indicators


@callback(Permission.ADMIN, Output(ids.admin.VIEW_RESULT, "children"), Input(ids.admin.VIEW_USER, "value"), prevent_initial_call=True)
def view_as(username: Any) -> Any:
    """Exactly what the user would see: their datasets with row counts, and their indicators (audited)."""
    lang, name = user_lang(), shared.text(username, 64)
    if not name:
        return None
    try:
        seen = commands.view_as(runtime.current().store, actor(), name, "user", name, {"what": "datasets"}, address=shared.address())
    except UserError as exc:
        return shared.failed(exc, lang)
    person = seen.user.to_dict()
    with runtime.current().store.read() as db:
        person["department"] = shared.department_labels(db, lang).get(seen.user.department, seen.user.department)
    datasets, indicators = _seen_by(seen.target, lang)
    return viewas_layout.view_as_result(person, datasets, indicators, lang)


@callback(
    Permission.ADMIN,
    Output(ids.admin.VIEW_VALUES, "children"),
    Input(ids.admin.VIEW_INDICATOR, "value"),
    State(ids.admin.VIEW_USER, "value"),
    prevent_initial_call=True,
)
def view_as_values(indicator_id: Any, username: Any) -> Any:
    """The yearly values the user would get for one indicator (audited)."""
    lang, name, indicator = user_lang(), shared.text(username, 64), shared.text(indicator_id, 120)
    if not name or not indicator:
        return None
    try:
        seen = commands.view_as(runtime.current().store, actor(), name, "indicator", indicator, {"user": name}, address=shared.address())
        result = values(runtime.current().door, seen.target, indicator, VIEW_AS_ARGS)
    except UserError as exc:
        return shared.failed(exc, lang)
    return viewas_layout.view_as_values(result, lang)
