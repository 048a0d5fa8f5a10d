"""Administration screens, one module per tab (users, areas, grants, policies, audit, viewas), and My API
tokens (tokens); parts holds what they share. This module assembles the administration page.

Pure functions of values the callbacks have read; every id comes from layouts/ids.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from i18n import t
from layouts import ids
from layouts.admin.areas import departments_tab
from layouts.admin.audit import audit_tab
from layouts.admin.grants import grants_tab
from layouts.admin.parts import Choices
from layouts.admin.policies import policies_tab
from layouts.admin.users import users_tab
from layouts.admin.viewas import view_as_tab
from layouts.common import empty_state
from layouts.shell import page_title

TABS = ("users", "departments", "grants", "policies", "audit", "view_as")


def admin_page(
    lang: str,
    tab: str,
    choices: Choices,
    users: list[dict[str, Any]],
    departments: Sequence[Mapping[str, str]],
    areas: Sequence[Mapping[str, Any]],
    grants: Sequence[Mapping[str, Any]],
    object_names: Mapping[tuple[str, str], str],
    policies: Sequence[Mapping[str, Any]],
    events: list[dict[str, Any]],
) -> html.Div:
    """The administration area: one tab per task; `tab` picks the open one (from `?tab=`)."""
    return html.Div(
        [
            page_title(t("adm.title", lang)),
            dbc.Tabs(
                [
                    dbc.Tab(users_tab(users, choices, lang), label=t("adm.tab.users", lang), tab_id="users"),
                    dbc.Tab(departments_tab(departments, areas, choices, lang), label=t("adm.tab.departments", lang), tab_id="departments"),
                    dbc.Tab(grants_tab(grants, object_names, choices, lang), label=t("adm.tab.grants", lang), tab_id="grants"),
                    dbc.Tab(policies_tab(policies, choices, lang), label=t("adm.tab.policies", lang), tab_id="policies"),
                    dbc.Tab(audit_tab(events, lang), label=t("adm.tab.audit", lang), tab_id="audit"),
                    dbc.Tab(view_as_tab(choices, lang), label=t("adm.tab.view_as", lang), tab_id="view_as"),
                ],
                id=ids.admin.TABS,
                active_tab=tab if tab in TABS else "users",
            ),
        ]
    )


def no_permission(lang: str) -> html.Div:
    """What non-administrators get at /admin: a message and nothing else."""
    return empty_state(t("adm.forbidden", lang), t("adm.forbidden_hint", lang))
