"""The administration page, read for an administrator (callbacks/pages.py shows others the no-permission state)."""

from __future__ import annotations

from dash import html

import callbacks.admin.shared as shared
import layouts.admin.areas as areas_layout
import layouts.admin.audit as audit_layout
import layouts.admin.parts as parts
import layouts.admin.users as users_layout
import runtime
from access import grants, rowpolicies, users
from access.actor import Actor
from access.audit import events
from access.departments import list_departments
from layouts import admin as admin_layout


def admin_view(who: Actor, lang: str, tab: str = "") -> html.Div:
    """The administration page for an administrator (callbacks/pages.py shows others the no-permission state)."""
    indicators = shared.indicators(who, lang)
    with runtime.current().store.read() as db:
        listed = users.list_users(db)
        areas = shared.areas(db)
        choices = parts.Choices(
            shared.WORDS,
            departments=shared.departments(db, lang),
            areas=areas_layout.area_options(areas, lang),
            users=shared.user_options(listed),
            datasets=shared.datasets(db, who, lang),
            indicators=indicators,
        )
        departments = [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en} for d in list_departments(db)]
        user_rows = users_layout.user_rows(listed, shared.department_labels(db, lang), lang)
        grant_list = grants.list_grants(db)
        policies = rowpolicies.list_policies(db)
        log = audit_layout.audit_rows(events(db, limit=shared.AUDIT_LIMIT))
    names = {("dataset", key): label for key, label in choices.datasets} | {("indicator", key): label for key, label in indicators}
    return admin_layout.admin_page(lang, tab, choices, user_rows, departments, areas, grant_list, names, policies, log)
