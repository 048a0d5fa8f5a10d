"""My API tokens: the caller's own tokens, a new token shown once, and the form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

import citytime
from i18n import t
from layouts import ids
from layouts.admin.parts import (
    POLITE,
    card,
    field,
    remove_button,
    status,
    table,
)
from layouts.shell import page_title


def tokens_table(tokens: Sequence[Mapping[str, Any]], lang: str) -> Any:
    if not tokens:
        return html.P(t("tok.none", lang), className="text-muted mb-0")
    rows = [
        html.Tr(
            [
                html.Td(tok["name"] or "—"),
                html.Td(html.Code(f"{tok['prefix']}…")),
                html.Td(citytime.show_stored(tok["created_at"])),
                html.Td(citytime.show_stored(tok["last_used_at"]) or "—"),
                html.Td(
                    dbc.Badge(t("tok.revoked", lang), color="secondary")
                    if tok["revoked"]
                    else remove_button(
                        ids.tokens.REVOKE,
                        int(tok["id"]),
                        t("tok.revoke", lang),
                        t("tok.revoke_label", lang, name=tok["name"] or tok["prefix"]),
                    )
                ),
            ],
            className="token-row" + (" text-muted" if tok["revoked"] else ""),
        )
        for tok in tokens
    ]
    return table([t("tok.name", lang), t("tok.prefix", lang), t("tok.created", lang), t("tok.last_used", lang), ""], rows)


def token_created(token: str, name: str, lang: str) -> dbc.Alert:
    """The new token, shown once, with a copy button."""
    return dbc.Alert(
        [
            html.Div(t("tok.created_once", lang, name=name or "—"), className="fw-semibold mb-2"),
            html.Div(
                [
                    html.Code(token, id=ids.tokens.VALUE, className="user-select-all fs-6 me-2"),
                    dcc.Clipboard(target_id=ids.tokens.VALUE, title=t("tok.copy", lang), className="d-inline-block"),
                ],
                className="d-flex align-items-center",
            ),
            html.Div(t("tok.copy_hint", lang), className="small mt-2"),
        ],
        color="success",
        className="token-created",
    )


def tokens_page(tokens: Sequence[Mapping[str, Any]], lang: str) -> html.Div:
    form = dbc.Form(
        dbc.Row(
            [
                field(
                    t("tok.name", lang),
                    dbc.Input(id=ids.tokens.NAME, maxLength=200, autocomplete="off", placeholder=t("tok.name_hint", lang)),
                    ids.tokens.NAME,
                    md=6,
                ),
                dbc.Col(dbc.Button(t("tok.create", lang), type="submit", color="primary"), md=3, className="d-flex align-items-end mb-2"),
            ]
        ),
        id=ids.tokens.FORM,
    )
    return html.Div(
        [
            page_title(t("tok.title", lang)),
            html.P([t("tok.intro", lang), " ", html.Code("Authorization: Bearer <token>")], className="text-muted"),
            card(t("tok.new", lang), form, html.Div(id=ids.tokens.CREATED_BOX, **POLITE)),
            card(t("tok.list", lang), html.Div(tokens_table(tokens, lang), id=ids.tokens.TABLE), status(ids.tokens.STATUS)),
        ]
    )
