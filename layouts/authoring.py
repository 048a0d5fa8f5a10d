"""Indicator authoring: the form and the YAML editor side by side, the lifecycle buttons, lineage and version
history; the issues and the live preview are drawn by layouts/authoring_checks.py.

Pure: values in, components out. Every user-written text (names, expressions, messages that quote them) is
rendered as text. Form fields are pattern-matching ids `{"type": AUTH_FIELD, "key": <dotted path>}`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import TEXT, t
from layouts import ids
from layouts.authoring_checks import preview_controls
from layouts.common import empty_state
from layouts.indicator import history_table, lineage
from layouts.indicators import indicator_href, status_badge

DEBOUNCE_MS = 700
FIELD_DEBOUNCE_MS = 400
MAX_CHARS = 20_000  # indicators/yamltext.py MAX_CHARS: the editor stops where the server would refuse
TYPES = ("simple", "ratio", "derived", "cumulative", "snapshot")
AGGS = ("sum", "avg", "count", "count_distinct", "min", "max", "median", "p90", "p95")
GRAINS = ("hour", "day", "week", "month", "quarter", "year")
UNITS = ("%", "count", "ratio", "minutes", "hours", "days", "score", "km/h", "件", "次", "分", "天", "小时", "分钟")
SECTIONS = ("basics", "definition", "targets")
WIDE = frozenset({"description.zh", "description.en", "measure.expr", "numerator.expr", "denominator.expr", "expr", "inputs", "filters"})
# Attributes Dash's typed signatures do not list (aria-*, data-*).
QUIET: dict[str, Any] = {"aria-live": "off"}
POLITE: dict[str, Any] = {"aria-live": "polite"}
DATALISTS = {
    "dataset": ids.authoring.DATASETS,
    "time.column": ids.authoring.COLUMNS,
    "input": ids.authoring.INDICATORS,
    "unit": ids.authoring.UNITS,
}


def field_id(key: str) -> dict[str, str]:
    return {"type": ids.authoring.FIELD, "key": key}


def field_issues(messages: Sequence[str]) -> list[html.Div]:
    """A field's issues under it, one per line (Bootstrap shows them while the field is marked invalid)."""
    return [html.Div(m, className="auth-field-issue") for m in messages]


def dom_id(key: str) -> str:
    """The id the browser gives a pattern-matching component (keys sorted, compact JSON), for labels."""
    return json.dumps(field_id(key), sort_keys=True, separators=(",", ":"))


def _options(key: str, lang: str, choices: Mapping[str, Sequence[tuple[str, str]]]) -> list[dict[str, str]]:
    blank = [{"label": "—", "value": ""}] if key != "time.default_grain" else []
    if key in ("measure.agg", "numerator.agg", "denominator.agg"):
        return blank + [{"label": t(f"auth.agg.{a}", lang), "value": a} for a in AGGS]
    if key == "direction":
        return blank + [{"label": t(f"direction.{d}", lang), "value": d} for d in ("higher_is_better", "lower_is_better")]
    if key == "sensitivity":
        return [{"label": t(f"auth.sensitivity.{s}", lang), "value": s} for s in ("public", "internal", "sensitive")]
    if key == "targets.0.split":
        return [{"label": t(f"auth.split.{s}", lang), "value": s} for s in ("none", "prorate")]
    if key in ("time.default_grain", "window.grain_to_date"):
        return blank + [{"label": t(f"grain.{g}", lang), "value": g} for g in GRAINS]
    return [{"label": label, "value": value} for value, label in choices.get(key, ())]


def _widget(field: Mapping[str, Any], value: Any, lang: str, choices: Mapping[str, Sequence[tuple[str, str]]], locked: bool) -> Any:
    key, kind = field["key"], field["kind"]
    hint = f"auth.ph.{key}"
    placeholder = t(hint, lang) if hint in TEXT else None
    if kind == "select":
        options = _options(key, lang, choices)
        if value and value not in [o["value"] for o in options]:
            options.append({"label": str(value), "value": str(value)})
        return dbc.Select(id=field_id(key), options=options, value=value or "", disabled=locked, size="sm")
    if kind in ("lines", "inputs"):
        return dbc.Textarea(
            id=field_id(key),
            value=value,
            rows=3,
            debounce=FIELD_DEBOUNCE_MS,
            placeholder=placeholder,
            spellCheck=False,
            size="sm",
            submit_on_enter=False,
        )
    extra: dict[str, Any] = {"list": DATALISTS[key]} if key in DATALISTS else {}
    return dbc.Input(
        id=field_id(key),
        type="number" if kind == "number" else "text",
        step="any" if kind == "number" else None,
        value=value,
        debounce=FIELD_DEBOUNCE_MS,
        placeholder=placeholder,
        autocomplete="off",
        disabled=locked,
        size="sm",
        **extra,
    )


def _field(field: Mapping[str, Any], value: Any, lang: str, choices: Mapping[str, Sequence[tuple[str, str]]], locked: bool) -> dbc.Col:
    types = tuple(field["types"])
    only = "" if set(types) == set(TYPES) else " auth-only " + " ".join(f"auth-for-{k}" for k in types)
    return dbc.Col(
        [
            dbc.Label(t(f"auth.f.{field['key']}", lang), html_for=dom_id(field["key"]), className="small text-muted mb-0"),
            _widget(field, value, lang, choices, locked),
            dbc.FormFeedback(id={"type": ids.authoring.FIELD_ISSUES, "key": field["key"]}, type="invalid", className="auth-field-issues"),
        ],
        md=12 if field["key"] in WIDE else 6,
        className=f"mb-2 auth-field-wrap{only}",
    )


def form(view: Mapping[str, Any], lang: str) -> html.Div:
    """The form: basic facts, the type's own definition, targets and sources; fields of other types are hidden."""
    values, choices, locked = view["values"], view["choices"], set(view.get("locked") or ())
    cards = []
    for section in SECTIONS:
        fields = [f for f in view["fields"] if f["section"] == section]
        cards.append(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H2(t(f"auth.section.{section}", lang), className="h6 text-muted"),
                        dbc.Row([_field(f, values.get(f["key"]), lang, choices, f["key"] in locked) for f in fields], className="g-2"),
                        html.Div(id=ids.authoring.COLUMNS_HINT, className="mt-1") if section == "definition" else None,
                    ]
                ),
                className="mb-3",
            )
        )
    return html.Div(cards, id=ids.authoring.FORM, className=f"auth-form auth-type-{view['type']}")


def datalists(view: Mapping[str, Any]) -> html.Div:
    return html.Div(
        [
            html.Datalist(
                [html.Option(value=v, label=label) for v, label in view["choices"].get("dataset", ())], id=ids.authoring.DATASETS
            ),
            html.Datalist(
                [html.Option(value=v, label=label) for v, label in view["choices"].get("input", ())], id=ids.authoring.INDICATORS
            ),
            html.Datalist([html.Option(value=u) for u in UNITS], id=ids.authoring.UNITS),
            html.Datalist([], id=ids.authoring.COLUMNS),
        ]
    )


def column_options(columns: Sequence[tuple[str, str]]) -> list[html.Option]:
    return [html.Option(value=name, label=kind) for name, kind in columns]


def columns_hint(dataset: str, columns: Sequence[tuple[str, str]], lang: str) -> Any:
    """The columns an expression may use, with their types (what the author may see of the dataset)."""
    if not columns:
        return ""
    return html.Div(
        [
            html.Span(t("auth.columns", lang, dataset=dataset), className="me-1"),
            *[html.Code(f"{name} · {kind}", className="me-2 auth-column") for name, kind in columns],
        ],
        className="small text-muted",
    )


def editor(text: str, lang: str) -> html.Div:
    """The YAML editor: the whole definition; issues appear after a pause in typing."""
    return html.Div(
        [
            html.Div(
                [
                    dbc.Label(t("auth.yaml", lang), html_for=ids.authoring.YAML, className="h6 text-muted mb-0"),
                    html.Span(id=ids.authoring.CARET, className="small text-muted font-monospace", **QUIET),
                ],
                className="d-flex justify-content-between align-items-end mb-1",
            ),
            dbc.Textarea(
                id=ids.authoring.YAML,
                value=text,
                debounce=DEBOUNCE_MS,
                rows=30,
                maxLength=MAX_CHARS,
                spellCheck=False,
                wrap="off",
                submit_on_enter=False,
                className="auth-yaml font-monospace",
            ),
            html.Div(t("auth.yaml_hint", lang), className="small text-muted mt-1"),
            html.Div(id=ids.authoring.SYNC, className="small mt-1", **POLITE),
        ]
    )


# -- the record: header, lifecycle, status ----------------------------------------------------------------
def header(record: Mapping[str, Any] | None, lang: str) -> html.Div:
    """A new definition, or the saved one: name, id, status, version, owner, department, submission."""
    back = dcc.Link(f"← {t('ind.back', lang)}", href="/indicators", className="small")
    if not record:
        return html.Div(
            [
                back,
                html.H1(t("auth.title_new", lang), className="h4 mt-1 mb-0"),
                html.Div(t("auth.unsaved", lang), className="text-muted small"),
            ]
        )
    meta = [
        (t("ind.owner", lang), record["owner"]),
        (t("ind.department", lang), record["department_label"]),
        (t("ind.type", lang), t(f"type.{record['type']}", lang)),
    ]
    submitted = record.get("submitted_by")
    return html.Div(
        [
            back,
            html.Div(
                [
                    html.H1(record["name"], className="h4 mb-0 d-inline auth-name"),
                    status_badge(record["status"], lang),
                    dbc.Badge(t("ind.version", lang, n=record["version"]), color="light", text_color="dark", className="ms-2 auth-version"),
                    dcc.Link(t("auth.open", lang), href=indicator_href(record["id"]), className="small ms-3", id=ids.authoring.OPEN),
                ],
                className="mt-1",
            ),
            html.Div(record["id"], className="text-muted small font-monospace"),
            html.Div(
                [
                    html.Span([html.Span(label, className="text-muted me-1"), html.Span(str(value))], className="me-4 small")
                    for label, value in meta
                ],
                className="d-flex flex-wrap mt-1",
            ),
            html.Div(
                t("auth.submitted", lang, who=submitted, at=record.get("submitted_at") or "", owner=record["owner"]),
                className="small text-primary mt-1 auth-submitted",
            )
            if submitted and record["status"] == "draft"
            else None,
        ]
    )


def actions(lang: str, can_certify: bool = False, can_deprecate: bool = False) -> html.Div:
    """Save, submit for certification, certify, deprecate; keyboard: Ctrl+S saves (assets/authoring.js)."""
    return html.Div(
        [
            dbc.Button(t("auth.save", lang), id=ids.authoring.SAVE, color="primary", className="me-2", title=t("auth.save_key", lang)),
            dbc.Button(t("auth.submit", lang), id=ids.authoring.SUBMIT, color="primary", outline=True, className="me-2"),
            dbc.Button(
                t("auth.certify", lang), id=ids.authoring.CERTIFY, color="success", outline=True, className="me-2", disabled=not can_certify
            ),
            dbc.Button(t("auth.deprecate", lang), id=ids.authoring.DEPRECATE, color="danger", outline=True, disabled=not can_deprecate),
        ],
        className="d-flex flex-wrap gap-1 auth-actions",
    )


def history_section(rows: Sequence[Mapping[str, Any]], lang: str) -> Any:
    return history_table(rows, lang) if rows else html.P(t("auth.no_history", lang), className="text-muted small mb-0")


def lineage_section(view: Mapping[str, Any] | None, lang: str) -> Any:
    return lineage(view, lang) if view else html.P(t("auth.no_lineage", lang), className="text-muted small mb-0")


def _card(title: str, body: Any, class_name: str = "") -> dbc.Card:
    return dbc.Card(dbc.CardBody([html.H2(title, className="h6 text-muted"), body]), className=f"mb-3 {class_name}")


def authoring_page(view: Mapping[str, Any], lang: str) -> html.Div:
    """The whole page: header and actions, type, form beside the editor, issues, preview, lineage, history."""
    record = view.get("record")
    type_picker = dbc.RadioItems(
        id=ids.authoring.TYPE,
        options=[{"label": t(f"type.{k}", lang), "value": k} for k in TYPES],
        value=view["type"],
        inline=True,
        className="auth-type",
    )
    return html.Div(
        [
            dcc.Store(id=ids.authoring.DOC, data=view["doc"]),
            dcc.Store(id=ids.authoring.REVIEWED, data=None),
            dcc.Store(id=ids.authoring.ADDRESS, data=None),
            dcc.Store(id=ids.authoring.FORM_BASE, data=view["values"]),
            datalists(view),
            html.Div(header(record, lang), id=ids.authoring.HEADER, className="mb-2"),
            html.Div(
                [
                    html.Fieldset([html.Legend(t("auth.type", lang), className="text-muted"), type_picker], className="auth-type-group"),
                    actions(
                        lang,
                        bool(record and record["may_review"] and record["status"] != "certified"),
                        bool(record and record["may_review"] and record["status"] != "deprecated"),
                    ),
                ],
                className="d-flex justify-content-between align-items-center flex-wrap gap-2 bg-white border rounded p-2 mb-2",
            ),
            html.Div(id=ids.authoring.STATUS, **POLITE),
            html.Div(id=ids.authoring.REVIEW_STATUS, **POLITE),
            dbc.Row(
                [
                    dbc.Col(form(view, lang), lg=6),
                    dbc.Col(
                        [
                            _card(t("auth.editor", lang), editor(view["text"], lang)),
                            _card(t("auth.issues", lang), html.Div(id=ids.authoring.ISSUES, **POLITE), "auth-issues-card"),
                            _card(t("ind.definition", lang), html.P(id=ids.authoring.SENTENCE, className="mb-0 definition-sentence")),
                        ],
                        lg=6,
                        className="auth-editor-col",
                    ),
                ]
            ),
            _card(
                t("auth.preview", lang),
                html.Div(
                    [
                        preview_controls(view["preview_grain"], view["dimensions"], lang),
                        html.Div(id=ids.authoring.PREVIEW_NOTE, className="mb-2", **POLITE),
                        dcc.Loading(html.Div(id=ids.authoring.PREVIEW, style={"minHeight": "120px"}), type="default"),
                    ]
                ),
            ),
            _card(t("ind.lineage", lang), html.Div(lineage_section(view.get("lineage"), lang), id=ids.authoring.LINEAGE)),
            _card(t("ind.history", lang), html.Div(history_section(view.get("history") or [], lang), id=ids.authoring.HISTORY)),
        ],
        className="authoring-page",
    )


def no_permission(lang: str) -> html.Div:
    return empty_state(
        t("auth.no_permission", lang), t("auth.no_permission_hint", lang), dcc.Link(t("auth.to_catalog", lang), href="/indicators")
    )


def not_found(lang: str) -> html.Div:
    return empty_state(t("ind.not_found", lang), "", dcc.Link(t("auth.to_catalog", lang), href="/indicators"))


def read_only(indicator_id: str, lang: str) -> html.Div:
    return empty_state(
        t("auth.read_only", lang), t("auth.read_only_hint", lang), dcc.Link(t("auth.open", lang), href=indicator_href(indicator_id))
    )
