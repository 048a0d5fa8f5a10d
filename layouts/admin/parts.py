"""What every administration tab is built from: the access vocabulary and choices, form fields, cards,
status areas, row buttons, tables and the alerts an action answers with.

User-written text (names, templates, audit details) is passed as plain strings, so Dash renders it as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from i18n import t

POLITE: dict[str, Any] = {"aria-live": "polite", "role": "status"}
GRID_CLASS = "ag-theme-alpine"

Option = tuple[str, str]  # (value, label)


@dataclass(frozen=True)
class Vocabulary:
    """The fixed words of the access model, passed in from the services' own constants (layouts import no services)."""

    roles: tuple[str, ...] = ()
    area_levels: tuple[str, ...] = ()
    object_types: tuple[str, ...] = ()
    grantee_types: tuple[str, ...] = ()
    grant_levels: tuple[str, ...] = ()
    policy_kinds: tuple[str, ...] = ()
    user_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choices:
    """What an administrator picks from: the vocabulary, and (value, label) pairs read by the callback."""

    words: Vocabulary
    departments: tuple[Option, ...] = ()
    areas: tuple[Option, ...] = ()  # area code → indented name
    users: tuple[Option, ...] = ()
    datasets: tuple[Option, ...] = ()
    indicators: tuple[Option, ...] = ()


def options(pairs: Sequence[Option], blank: str | None = None) -> list[dict[str, str]]:
    """Select options; `blank` adds an empty first choice with that label."""
    head = [{"label": blank, "value": ""}] if blank is not None else []
    return head + [{"label": label, "value": value} for value, label in pairs]


def choose(id_: str, pairs: Sequence[Option], blank: str, value: str = "", **props: Any) -> dbc.Select:
    """A native select whose empty choice reads `blank` (dbc shows its placeholder for the value "")."""
    return dbc.Select(id=id_, options=options(pairs, blank), value=value, placeholder=blank, **props)


def suggestions(pairs: Sequence[Option]) -> list[html.Option]:
    """<datalist> entries: the value is typed into the field, the label helps pick it."""
    return [html.Option(value=value, label=label) for value, label in pairs]


def field(label: str, control: Any, control_id: str, md: int = 4) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=control_id), control], md=md, className="mb-2")


def card(title: str, *children: Any) -> dbc.Card:
    return dbc.Card(dbc.CardBody([html.H2(title, className="h6 mb-3"), *children]), className="mb-3")


def status(id_: str) -> html.Div:
    return html.Div(id=id_, className="mt-2", **POLITE)


def remove_button(kind: str, index: int, text: str, label: str) -> html.Button:
    """A per-row action button; `label` names the row for screen readers."""
    aria: dict[str, Any] = {"aria-label": label}
    return html.Button(
        text, id={"type": kind, "index": index}, className="btn btn-sm btn-outline-danger", type="button", title=label, **aria
    )


def table(headers: Sequence[str], rows: Sequence[html.Tr], numeric: Sequence[int] = ()) -> dbc.Table:
    """A compact table; the `numeric` columns' headers align right like their numbers."""
    head = [html.Th(h, className="text-end" if i in numeric else None) for i, h in enumerate(headers)]
    return dbc.Table(
        [html.Thead(html.Tr(head)), html.Tbody(list(rows))], size="sm", striped=True, hover=True, responsive=True, className="bg-white mb-0"
    )


# -- results of an action ---------------------------------------------------------------------------
def _where(issue: Mapping[str, Any], lang: str) -> str:
    if issue.get("line") is not None:
        return t("adm.at", lang, line=issue["line"], col=issue.get("col", "?"))
    return ""


def error_alert(message: str, issues: Sequence[Mapping[str, Any]], lang: str) -> dbc.Alert:
    """A service's user error: its message and every issue (with line and column when known), as text."""
    items = [html.Li(f"{issue.get('message', '')}{_where(issue, lang)}", className="issue") for issue in issues]
    return dbc.Alert(
        [html.Div(message, className="fw-semibold"), html.Ul(items, className="mb-0 mt-1") if items else None],
        color="danger",
        className="mb-0 admin-error",
    )


def done_alert(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="success", className="mb-0 admin-done")
