"""Page layout adapters registered with Dash Pages: actor → services → pure layout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import html

import runtime
from access.departments import list_departments
from access.policy import can_edit_dataset, can_import_into
from access.roles import Permission
from callbacks import admin as admin_views
from callbacks import authoring as authoring_views
from callbacks import boards as board_views
from callbacks import builder as builder_views
from callbacks import indicators as indicator_views
from callbacks.guard import user_lang
from datasets import catalog
from errors import NotFound
from i18n import t
from layouts import admin as admin_layout
from layouts import dataset as dataset_layout
from layouts import home as home_layout
from layouts import upload as upload_layout
from layouts.common import empty_state
from web.login import current_actor


def home(**_query: Any) -> html.Div:
    actor = current_actor()
    if actor is None:
        return html.Div()
    lang = user_lang()
    rows = [
        seen.summary() | {"department_label": seen.info.department_en if lang == "en" else seen.info.department_zh}
        for seen in runtime.current().door.datasets(actor)
    ]
    return home_layout.home(rows, lang, actor.has(Permission.IMPORT))


def dataset(dataset_id: str = "", **_query: Any) -> html.Div:
    actor = current_actor()
    lang = user_lang()
    if actor is None:
        return html.Div()
    try:
        with runtime.current().store.read() as db:
            info = catalog.get_dataset(db, actor, dataset_id)
            version = catalog.current_version(db, actor, dataset_id)
            versions = catalog.history(db, actor, dataset_id)
    except NotFound:
        return empty_state(t("error.not_found", lang))
    seen = runtime.current().door.dataset(actor, info.id)
    rows, scoped = seen.rows, seen.scoped
    payload = info.summary() | {
        "rows": rows,
        "profile_hidden": scoped,
        "department_name_zh": info.department_zh,
        "department_name_en": info.department_en,
        "source": info.source,
        "description_zh": info.description_zh,
        "description_en": info.description_en,
        "columns": [c.to_dict() for c in info.columns],
    }
    can_edit = actor.has(Permission.EDIT_DICTIONARY) and (actor.is_admin or actor.department == info.department)
    if scoped:  # whole-version row counts describe rows outside the viewer's access
        versions = [{**v, "rows": None} for v in versions]
    return dataset_layout.dataset_page(payload, {} if scoped else version.profile, versions, lang, can_edit)


def upload(**_query: Any) -> html.Div:
    actor = current_actor()
    lang = user_lang()
    if actor is None:
        return html.Div()
    if not actor.has(Permission.IMPORT):
        return empty_state(t("error.forbidden", lang))
    with runtime.current().store.read() as db:
        departments = [(d.code, d.name_en if lang == "en" else d.name_zh) for d in list_departments(db) if can_import_into(actor, d.code)]
        datasets = [
            (i.id, f"{i.name(lang)} ({i.id})") for i in catalog.list_datasets(db, actor) if can_edit_dataset(actor, i.department, i.id)
        ]
    return upload_layout.upload_page(lang, departments, actor.department, datasets, runtime.current().settings.max_upload_mb)


def indicators_page(**_query: Any) -> html.Div:
    actor = current_actor()
    if actor is None:
        return html.Div()
    return indicator_views.catalog_view(actor, user_lang())


def indicator_page(indicator_id: str = "", **query: Any) -> html.Div:
    actor = current_actor()
    if actor is None:
        return html.Div()
    return indicator_views.indicator_view(actor, indicator_id, user_lang(), query)


def admin(tab: str = "", **_query: Any) -> html.Div:
    """Administrators get the administration area (`?tab=` opens a tab); everyone else a no-permission state."""
    actor = current_actor()
    if actor is None:
        return html.Div()
    if not actor.has(Permission.ADMIN):
        return admin_layout.no_permission(user_lang())
    return admin_views.admin_view(actor, user_lang(), tab if isinstance(tab, str) else "")


def tokens(**_query: Any) -> html.Div:
    """The signed-in user's own API tokens."""
    actor = current_actor()
    if actor is None:
        return html.Div()
    return admin_views.tokens_view(actor, user_lang())


def boards(**_query: Any) -> html.Div:
    """The boards the signed-in user may open."""
    actor = current_actor()
    if actor is None:
        return html.Div()
    return board_views.boards_view(actor, user_lang())


def board(board_id: str = "", **query: Any) -> html.Div:
    """One board; `?from=&to=&grain=&district=` open it with those filters (share and drill-down links)."""
    actor = current_actor()
    if actor is None:
        return html.Div()
    return board_views.board_view(actor, board_id, user_lang(), query)


def builder(**query: Any) -> html.Div:
    """The chart builder: a dataset or indicator → fields → chart → save (`?dataset=` or `?indicator=` preselects)."""
    actor = current_actor()
    if actor is None:
        return html.Div()
    return builder_views.builder_view(actor, user_lang(), query)


def authoring(**query: Any) -> html.Div:
    """A new indicator definition (form and YAML side by side)."""
    actor = current_actor()
    if actor is None:
        return html.Div()
    return authoring_views.authoring_view(actor, "", user_lang(), query)


def authoring_edit(indicator_id: str = "", **query: Any) -> html.Div:
    """An existing definition opened for editing, submission, certification or deprecation."""
    actor = current_actor()
    if actor is None:
        return html.Div()
    return authoring_views.authoring_view(actor, indicator_id, user_lang(), query)


def _title(key: str) -> Callable[..., str]:
    """A page's browser-tab title in the reader's language (Dash calls it per request with the path's variables)."""
    return lambda **_path: t(key, user_lang())


def register_pages() -> None:
    """Pages are registered explicitly (no folder scanning)."""
    dash.register_page("home", path="/", layout=home, title=_title("app.title"))
    dash.register_page("dataset", path_template="/datasets/<dataset_id>", layout=dataset, title=_title("page.dataset"))
    dash.register_page("upload", path="/upload", layout=upload, title=_title("upload.title"))
    dash.register_page("indicators", path="/indicators", layout=indicators_page, title=_title("cat.title"))
    dash.register_page("indicator", path_template="/indicators/<indicator_id>", layout=indicator_page, title=_title("page.indicator"))
    dash.register_page("admin", path="/admin", layout=admin, title=_title("adm.title"))
    dash.register_page("tokens", path="/tokens", layout=tokens, title=_title("tok.title"))
    dash.register_page("boards", path="/boards", layout=boards, title=_title("boards.title"))
    dash.register_page("board", path_template="/boards/<board_id>", layout=board, title=_title("page.board"))
    dash.register_page("builder", path="/builder", layout=builder, title=_title("nav.builder"))
    dash.register_page("authoring", path="/authoring", layout=authoring, title=_title("page.authoring"))
    dash.register_page("authoring_edit", path_template="/authoring/<indicator_id>", layout=authoring_edit, title=_title("page.authoring"))
