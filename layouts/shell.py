"""The page frame: navigation bar, language switch, user menu, and the page container."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t
from layouts import ids


def navbar(lang: str, user: str | None, role_label: str, csrf_token: str = "", is_admin: bool = False) -> dbc.Navbar:
    # The bar sits outside the page container: the browser marks the link of the page being shown.
    links = [
        dbc.NavItem(dbc.NavLink(t("nav.datasets", lang), href="/", active="exact")),
        dbc.NavItem(dbc.NavLink(t("nav.upload", lang), href="/upload", active="exact")),
        dbc.NavItem(dbc.NavLink(t("nav.indicators", lang), href="/indicators", active="partial")),
        dbc.NavItem(dbc.NavLink(t("nav.boards", lang), href="/boards", active="partial")),
        dbc.NavItem(dbc.NavLink(t("nav.builder", lang), href="/builder", active="partial")),
    ]
    if is_admin:
        links.append(dbc.NavItem(dbc.NavLink(t("nav.admin", lang), href="/admin", active="partial", id=ids.shell.ADMIN)))
    other = "en" if lang == "zh" else "zh"
    # The switch returns to the page being shown (assets/city.js keeps `next` up to date).
    right = [dbc.NavItem(html.A(t("nav.lang", lang), href=f"/lang/{other}?next=/", id=ids.shell.LANG, className="nav-link"))]
    if user:
        right.append(dbc.NavItem(html.Span(f"{user} · {role_label}", className="navbar-text text-light small mx-2")))
        right.append(
            dbc.NavItem(
                html.Form(
                    [
                        dcc.Input(type="hidden", name="csrf_token", value=csrf_token),
                        html.Button(t("nav.logout", lang), className="btn btn-sm btn-outline-light", type="submit", id="logout-button"),
                    ],
                    method="post",
                    action="/logout",
                    className="logout-form",
                )
            )
        )
    # Below `lg` the links fold behind a menu button (assets/screens.js opens it).
    toggle: dict[str, Any] = {"aria-label": t("nav.menu", lang), "aria-controls": ids.shell.COLLAPSE}
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(t("app.title", lang), href="/"),
                html.Button(
                    html.Span(className="navbar-toggler-icon"),
                    id=ids.shell.TOGGLE,
                    n_clicks=0,
                    type="button",
                    className="navbar-toggler",
                    **toggle,
                ),
                dbc.Collapse(
                    [
                        dbc.Nav(links, navbar=True, className="me-auto"),
                        dbc.Nav(right, navbar=True, className="nav-right"),
                    ],
                    id=ids.shell.COLLAPSE,
                    is_open=False,
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        expand="lg",
        className="mb-2 city-navbar",
    )


def shell(lang: str, user: str | None, role_label: str, csrf_token: str = "", is_admin: bool = False) -> html.Div:
    """The whole app: location, navigation and the page container Dash Pages fills."""
    return html.Div(
        [
            dcc.Location(id=ids.shell.URL),
            navbar(lang, user, role_label, csrf_token, is_admin=is_admin),
            html.Main(dash.page_container, className="page"),
        ],
        lang="en" if lang == "en" else "zh-CN",
    )


def skeleton() -> html.Div:
    """Layout used outside a request (Dash evaluates the layout once at start-up)."""
    return shell("zh", None, "")


def page_title(title: str, *extra: Any) -> html.Div:
    return html.Div([html.H1(title, className="h4 mb-0"), *extra], className="d-flex justify-content-between align-items-center mb-3")
