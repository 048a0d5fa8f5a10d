"""Upload page: target, department and file; progress while sending and importing; a preview (types, judgement
calls, first rows, a type drop-down per column) to confirm or cancel; the report."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from i18n import TEXT, t
from layouts import ids
from layouts.common import issue_list
from layouts.shell import page_title

POLITE: dict[str, Any] = {"aria-live": "polite"}
ACCEPT = ".csv,.tsv,.txt,.xlsx,.parquet,.json,.jsonl,.ndjson"


def upload_page(
    lang: str, departments: list[tuple[str, str]], default_department: str, datasets: list[tuple[str, str]], max_mb: int
) -> html.Div:
    """`departments` and `datasets` are (value, label) pairs the user may import into."""
    form = dbc.Form(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(t("upload.target", lang), html_for=ids.upload.TARGET),
                            dbc.RadioItems(
                                id=ids.upload.TARGET,
                                value="new",
                                inline=True,
                                options=[
                                    {"label": t("upload.new", lang), "value": "new"},
                                    {"label": t("upload.replace", lang), "value": "replace", "disabled": not datasets},
                                    {"label": t("upload.append", lang), "value": "append", "disabled": not datasets},
                                ],
                            ),
                        ],
                        md=12,
                        className="mb-3",
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(t("upload.dataset", lang), html_for=ids.upload.DATASET),
                            dbc.Select(
                                id=ids.upload.DATASET,
                                options=[{"label": label, "value": value} for value, label in datasets],
                                value=datasets[0][0] if datasets else None,
                            ),
                        ],
                        md=6,
                    )
                ],
                id=ids.upload.DATASET_ROW,
                className="mb-3",
                style={"display": "none"},
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(t("upload.name", lang), html_for=ids.upload.NAME),
                            dbc.Input(id=ids.upload.NAME, maxLength=200, required=True),
                        ],
                        md=4,
                        className="mb-3",
                    ),
                    dbc.Col(
                        [
                            dbc.Label(t("upload.name_en", lang), html_for=ids.upload.NAME_EN),
                            dbc.Input(id=ids.upload.NAME_EN, maxLength=200),
                        ],
                        md=4,
                        className="mb-3",
                    ),
                    dbc.Col(
                        [
                            dbc.Label(t("upload.department", lang), html_for=ids.upload.DEPARTMENT),
                            dbc.Select(
                                id=ids.upload.DEPARTMENT,
                                options=[{"label": label, "value": value} for value, label in departments],
                                value=default_department,
                            ),
                        ],
                        md=4,
                        className="mb-3",
                    ),
                ]
            ),
            dcc.Upload(
                id=ids.upload.FILE,
                accept=ACCEPT,
                max_size=max_mb << 20,
                multiple=False,
                className="dropzone mb-3",
                children=html.Div(
                    [
                        html.Div(t("upload.drop", lang), className="fw-semibold"),
                        html.Div(t("upload.formats", lang, mb=max_mb), className="form-text"),
                        html.Div(id=ids.upload.FILE_NAME, className="mt-2 text-primary"),
                    ]
                ),
            ),
            dbc.Button(t("upload.preview_button", lang), id=ids.upload.BUTTON, color="primary", n_clicks=0),
        ]
    )
    return html.Div(
        [
            page_title(t("upload.title", lang)),
            dbc.Card(dbc.CardBody(form), className="mb-3"),
            dbc.Progress(id=ids.upload.PROGRESS, value=0, className="mb-2", style={"display": "none"}, animated=True, striped=True),
            html.Div(id=ids.upload.STATUS, className="mb-2", role="status", **POLITE),
            dcc.Store(id=ids.upload.RESULT),
            dcc.Loading(html.Div(id=ids.upload.REPORT)),
        ]
    )


def report(result: dict[str, Any] | None, lang: str) -> Component:
    """The API's answer: a preview to confirm, a cancelled upload, success with columns and notes, or every issue."""
    if not result:
        return html.Div()
    if result.get("cancelled"):
        cancelled: Component = dbc.Alert(t("upload.cancelled", lang), color="secondary", id="upload-cancelled")
        return cancelled
    body = result.get("body") or {}
    if result.get("status") == 201 and isinstance(body, dict) and isinstance(body.get("preview"), dict):
        return preview(body["preview"], lang)
    if result.get("status") != 201:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        alert: Component = dbc.Alert(
            [html.Strong(t("upload.failed", lang)), html.Div(str(error.get("message", ""))), issue_list(error.get("issues", []), lang)],
            color="danger",
            id="upload-error",
        )
        return alert
    imported = body.get("import_report", {})
    columns = imported.get("columns", [])
    notes = [i for i in imported.get("issues", [])] + [c for c in imported.get("checks", []) if c.get("severity") == "warning"]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("dict.field", lang)),
                        html.Th(t("dict.label", lang)),
                        html.Th(t("dict.type", lang)),
                        html.Th(t("dict.role", lang)),
                        html.Th(t("dict.pii", lang)),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(c["name"]),
                            html.Td(c["label"]),
                            html.Td(type_name(str(c["type"]), lang)),
                            html.Td(t(f"colrole.{c['role']}", lang) if f"colrole.{c['role']}" in TEXT else c["role"]),
                            html.Td("✓" if c.get("pii") else ""),
                        ]
                    )
                    for c in columns
                ]
            ),
        ],
        size="sm",
        striped=True,
        className="bg-white",
    )
    return html.Div(
        [
            dbc.Alert(
                [
                    t("upload.done", lang, rows=f"{imported.get('rows', 0):,}", cols=len(columns), version=imported.get("version")),
                    " ",
                    dcc.Link(t("upload.open", lang), href=f"/datasets/{body.get('id')}", className="alert-link"),
                ],
                color="success",
                id="upload-success",
            ),
            dbc.Alert([html.Strong(t("upload.warnings", lang)), issue_list(notes, lang)], color="warning") if notes else None,
            table,
        ]
    )


def type_name(kind: str, lang: str) -> str:
    key = f"upload.type_{kind}"
    return t(key, lang) if key in TEXT else kind


def _type_choice(column: dict[str, Any], lang: str) -> Component:
    """The column's type: a drop-down of the types it may take, or the fixed type when appending."""
    options = [str(o) for o in column.get("options") or []]
    kind = str(column.get("type", ""))
    if not options:
        return html.Span(type_name(kind, lang))
    choice: Component = dbc.Select(
        id={"type": ids.upload.TYPE, "column": str(column.get("name", ""))},
        options=[{"label": type_name(o, lang), "value": o} for o in options],
        value=kind,
        size="sm",
    )
    return choice


def _derived_row(derived: Any, lang: str) -> list[html.Tr]:
    """The timestamp the date-part columns would make (datasets/dateparts.py): added unless the uploader declines it."""
    if not isinstance(derived, dict):
        return []
    name, label = str(derived.get("name", "")), str(derived.get("label", ""))
    choice = dbc.Select(
        id={"type": ids.upload.TYPE, "column": name},
        options=[{"label": t("upload.derive_add", lang), "value": "timestamp"}, {"label": t("upload.derive_skip", lang), "value": "none"}],
        value="timestamp",
        size="sm",
    )
    sample = ", ".join(str(s) for s in derived.get("sample") or [])
    return [
        html.Tr(
            [
                html.Td(t("upload.derived", lang, parts=label)),
                html.Td(html.Code(name)),
                html.Td(choice, style={"minWidth": "9rem"}),
                html.Td(t("upload.derived_why", lang, parts=label, sample=sample), className="small"),
            ],
            className="table-info derived-time",
            id="upload-derived-time",
        )
    ]


def preview(shown: dict[str, Any], lang: str) -> Component:
    """What the upload would become: the judgement calls, every column with its type to change, the first rows."""
    columns = [c for c in shown.get("columns", []) if isinstance(c, dict)]
    calls = [c for c in columns if c.get("judgement")]
    rows = [r for r in shown.get("first_rows", []) if isinstance(r, list)]
    heading = t("upload.judgements", lang, n=len(calls)) if calls else t("upload.no_judgements", lang)
    column_table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("dict.label", lang)),
                        html.Th(t("dict.field", lang)),
                        html.Th(t("dict.type", lang)),
                        html.Th(t("upload.why", lang)),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(str(c.get("label", ""))),
                            html.Td(html.Code(str(c.get("name", "")))),
                            html.Td(_type_choice(c, lang), style={"minWidth": "9rem"}),
                            html.Td(str((c.get("judgement") or {}).get("why", "")), className="small"),
                        ],
                        className="table-warning judgement-call" if c.get("judgement") else "",
                    )
                    for c in columns
                ]
                + _derived_row(shown.get("derived_time"), lang)
            ),
        ],
        size="sm",
        className="bg-white align-middle",
        id="upload-columns",
    )
    first_rows = dbc.Table(
        [
            html.Thead(html.Tr([html.Th(str(c.get("label", ""))) for c in columns])),
            html.Tbody([html.Tr([html.Td("" if v is None else str(v)) for v in row]) for row in rows]),
        ],
        size="sm",
        striped=True,
        className="bg-white small",
        id="upload-first-rows",
    )
    issues = [i for i in shown.get("issues", []) if isinstance(i, dict)]
    return html.Div(
        [
            dbc.Alert(
                t("upload.preview_summary", lang, rows=f"{shown.get('rows', 0):,}", cols=len(columns)),
                color="info",
                id="upload-preview-summary",
            ),
            html.H2(heading, className="h6", id="upload-judgements"),
            html.H3(t("upload.columns", lang), className="h6 mt-3"),
            html.Div(column_table, className="table-responsive"),
            dbc.Alert([html.Strong(t("upload.warnings", lang)), issue_list(issues, lang)], color="warning") if issues else None,
            html.Div(
                [
                    dbc.Button(t("upload.confirm", lang), id=ids.upload.CONFIRM, color="primary", n_clicks=0, className="me-2"),
                    dbc.Button(t("upload.cancel", lang), id=ids.upload.CANCEL, color="secondary", outline=True, n_clicks=0),
                ],
                className="my-3",
            ),
            html.H3(t("upload.first_rows", lang, n=len(rows)), className="h6"),
            html.Div(first_rows, className="table-responsive"),
        ],
        id=ids.upload.PREVIEW,
    )
