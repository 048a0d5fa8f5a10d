"""Row policies tab: the chosen dataset's columns, add and remove a row policy, the list."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State

import callbacks.admin.shared as shared
import layouts.admin.parts as parts
import layouts.admin.policies as policies_layout
import runtime
from access import commands, rowpolicies
from access.roles import Permission
from callbacks.guard import actor, callback, user_lang
from datasets import catalog
from errors import NotFound, UserError
from i18n import t
from indicators.policies import check_row_policy
from layouts import ids


@callback(Permission.ADMIN, Output(ids.admin.POLICY_COLUMN, "options"), Input(ids.admin.POLICY_DATASET, "value"), prevent_initial_call=True)
def policy_columns(dataset_id: Any) -> list[dict[str, str]]:
    """The chosen dataset's columns, for area policies."""
    lang = user_lang()
    try:
        with runtime.current().store.read() as db:
            info = catalog.get_dataset(db, actor(), shared.text(dataset_id, 64))
    except NotFound:
        return []
    return parts.options([(c.name, c.name if c.label == c.name else f"{c.name} ({c.label})") for c in info.columns], t("adm.choose", lang))


@callback(
    Permission.ADMIN,
    Output(ids.admin.POLICY_STATUS, "children"),
    Input(ids.admin.POLICY_FORM, "n_submit"),
    State(ids.admin.POLICY_DATASET, "value"),
    State(ids.admin.POLICY_KIND, "value"),
    State(ids.admin.POLICY_COLUMN, "value"),
    State(ids.admin.POLICY_TEMPLATE, "value"),
    prevent_initial_call=True,
)
def add_policy(_submit: Any, dataset_id: Any, kind: Any, column: Any, template: Any) -> dbc.Alert:
    """Check the column or template against the dataset, then store the policy (the service audits it)."""
    lang = user_lang()
    dataset, kind_ = shared.text(dataset_id, 64), shared.text(kind, 16)
    if not dataset:
        return parts.error_alert(t("adm.choose_dataset", lang), [], lang)
    column_ = shared.text(column, 128) if kind_ == "area" else ""
    template_ = shared.text(template, 1000) if kind_ == "predicate" else ""
    try:
        commands.add_row_policy(runtime.current().store, actor(), dataset, kind_, column_, template_, check_row_policy)
    except UserError as exc:
        return shared.failed(exc, lang)
    runtime.current().door.forget_results()  # scoped results are keyed by the policy anyway; this frees memory
    return parts.done_alert(t("adm.policy_added", lang, dataset=dataset))


@callback(
    Permission.ADMIN,
    Output(ids.admin.POLICY_REMOVE_STATUS, "children"),
    Input({"type": ids.admin.POLICY_REMOVE, "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def remove_policy(_clicks: Any) -> Any:
    """Remove the policy whose button was clicked; the service audits it."""
    return shared.remove_clicked(ids.admin.POLICY_REMOVE, commands.remove_row_policy, "adm.policy_removed")


@callback(
    Permission.ADMIN,
    Output(ids.admin.POLICY_TABLE, "children"),
    Input(ids.admin.POLICY_DATASET, "value"),
    Input(ids.admin.POLICY_STATUS, "children"),
    Input(ids.admin.POLICY_REMOVE_STATUS, "children"),
    prevent_initial_call=True,
)
def policy_list(dataset_id: Any, _added: Any, _removed: Any) -> Any:
    """The policies of the chosen dataset (of every dataset when none is chosen)."""
    lang = user_lang()
    with runtime.current().store.read() as db:
        found = rowpolicies.list_policies(db, shared.text(dataset_id, 64) or None)
        names = dict(shared.datasets(db, actor(), lang))
    return policies_layout.policies_table(found, names, lang)
