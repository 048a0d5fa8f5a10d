"""Indicator authoring: the page view (called by callbacks/pages.py) and its callbacks.

Identity is always the session's actor. The text, the form values and the saved id (AUTH_DOC) in the page are
only requests: every call parses the text afresh (size-limited, aliases refused, `yaml.safe_load`), validates
it against what this actor may use, and the registry re-checks the indicator and the actor's rights on every
save, submission, certification and deprecation. A refused save never touches the text in the editor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dash import ALL, Input, Output, State, ctx, html, no_update

import runtime
from access.actor import Actor
from access.policy import can_author_for
from access.roles import Permission
from builder import authoring as work
from builder.lineage import lineage_of
from callbacks.guard import actor, callback, clientside, user_lang
from callbacks.indicators import history_rows
from errors import NotFound, UserError
from i18n import t
from indicators import commands, drafts, templates, yamltext
from indicators.spec import IndicatorType
from layouts import authoring as page_layout
from layouts import authoring_checks as checks_layout
from layouts import ids

FIELD = {"type": ids.authoring.FIELD, "key": ALL}
FIELD_ISSUES = {"type": ids.authoring.FIELD_ISSUES, "key": ALL}
TYPES = tuple(k.value for k in IndicatorType)


def _kind(value: Any) -> IndicatorType:
    return IndicatorType(value) if value in TYPES else IndicatorType.SIMPLE


# -- the page -------------------------------------------------------------------------------------------
def authoring_view(who: Actor, indicator_id: str, lang: str, query: Mapping[str, Any]) -> html.Div:
    """A new definition (from the template of `?type=`, for the author's department) or a saved one to edit.

    Users without authoring rights get the no-permission state; an indicator they may not see reads exactly
    like a missing one; one they may see but not change (another department's, by grant) opens read-only.
    """
    if not who.has(Permission.AUTHOR_INDICATORS):
        return page_layout.no_permission(lang)
    rt = runtime.current()
    record, history, lineage = None, [], None
    if indicator_id:
        try:
            ind = rt.registry.get(who, indicator_id)
            versions = rt.registry.history(who, indicator_id)
        except NotFound:
            return page_layout.not_found(lang)
        if not can_author_for(who, ind.department):
            return page_layout.read_only(ind.id, lang)
        data = yamltext.editable(ind)
        record, history = work.record(who, ind, versions, lang), history_rows(versions)
        info, _ = lineage_of(who, ind, lang)
        lineage = {"lineage": info, "name": ind.name.get(lang)}
    else:
        department = work.department_for(who, query.get("department"))
        wanted = query.get("dataset") if isinstance(query.get("dataset"), str) else None  # "?dataset=": start from it
        data = templates.template(_kind(query.get("type")), work.sources(who, department), wanted)
    kind = data.get("type") if data.get("type") in TYPES else IndicatorType.SIMPLE.value
    view = {
        "doc": {"id": record["id"] if record else None},
        "record": record,
        "type": kind,
        "text": yamltext.dump(data),
        "values": drafts.form_values(data),
        "fields": [{"key": f.key, "kind": f.kind, "section": f.section, "types": list(f.types)} for f in drafts.FIELDS],
        "choices": work.choices(who, lang),
        "locked": ["id", "department"] if record else [],
        "preview_grain": "month",
        "dimensions": [d for d in data.get("dimensions") or [] if isinstance(d, str)],
        "history": history,
        "lineage": lineage,
    }
    return page_layout.authoring_page(view, lang)


# -- form ⇄ YAML --------------------------------------------------------------------------------------------
def _field_keys(items: Any) -> list[str]:
    """The form fields' keys in page order, from the renderer's list of pattern-matching ids."""
    keys: list[str] = []
    for item in items if isinstance(items, list) else []:
        found = item.get("id") if isinstance(item, dict) else None
        key = found.get("key") if isinstance(found, dict) else None
        keys.append(key if isinstance(key, str) else "")
    return keys


def _triggered() -> set[str]:
    out = set()
    for prop, found in (ctx.triggered_prop_ids or {}).items():
        if isinstance(found, Mapping) and isinstance(found.get("key"), str):
            out.add(found["key"])
        elif prop.startswith(f"{ids.authoring.YAML}."):
            out.add("yaml")
        elif prop.startswith(f"{ids.authoring.TYPE}."):
            out.add("type")
    return out


def _field_outputs(keys: list[str], sent: Mapping[str, Any], data: Mapping[str, Any], skip: set[str]) -> list[Any]:
    """New values only for fields that show something else than the data says (never the one being typed in)."""
    values = drafts.form_values(data)
    return [values[k] if k in values and k not in skip and values[k] != sent.get(k) else no_update for k in keys]


@callback(
    Permission.AUTHOR_INDICATORS,
    Output(ids.authoring.YAML, "value"),
    Output(FIELD, "value"),
    Output(ids.authoring.TYPE, "value"),
    Output(ids.authoring.FORM, "className"),
    Output(ids.authoring.SYNC, "children"),
    Output(ids.authoring.FORM_BASE, "data"),
    Input(ids.authoring.TYPE, "value"),
    Input(ids.authoring.YAML, "value"),
    Input(FIELD, "value"),
    State(ids.authoring.FORM_BASE, "data"),
    State(ids.authoring.DOC, "data"),
    prevent_initial_call=True,
)
def sync_editor(kind: Any, text: Any, values: Any, base: Any, doc: Any) -> tuple[Any, ...]:
    """Editing either side updates the other: the YAML fills the form; a form edit (every field changed since the
    form last matched the YAML) or another type rewrites the YAML. Unreadable YAML pauses the form."""
    lang = user_lang()
    keys = _field_keys(ctx.outputs_list[1] if len(ctx.outputs_list) > 1 else [])
    sent = dict(zip(keys, values if isinstance(values, list) else [], strict=False))
    triggered = _triggered()
    data, _ = yamltext.load(text)
    if data is None:
        note = t("auth.sync_paused" if triggered == {"yaml"} else "auth.sync_blocked", lang)
        return no_update, [no_update] * len(keys), no_update, no_update, html.Span(note, className="text-warning"), no_update
    if "yaml" in triggered:
        shown = data.get("type") if data.get("type") in TYPES else None
        form_class = f"auth-form auth-type-{shown}" if shown else no_update
        return no_update, _field_outputs(keys, sent, data, set()), shown or no_update, form_class, "", drafts.form_values(data)
    if "type" in triggered and kind in TYPES:
        written = data.get("department")
        department = written if isinstance(written, str) else actor().department
        new = templates.switch_type(data, IndicatorType(kind), work.sources(actor(), department), saved=work.doc_id(doc) is not None)
        outputs = _field_outputs(keys, sent, new, set())
        return yamltext.dump(new), outputs, no_update, f"auth-form auth-type-{kind}", "", drafts.form_values(new)
    changed = drafts.pending(base, sent)
    new = drafts.apply_form(data, changed) if changed else data
    text_out = yamltext.dump(new) if new != data else no_update
    return text_out, _field_outputs(keys, sent, new, set(changed)), no_update, no_update, "", drafts.form_values(new)


# -- validation as the author types ---------------------------------------------------------------------------
def _concerns(key: str, field: str) -> bool:
    """Whether an issue about `field` (a dotted path) belongs under the form field `key`."""
    return key == field or key.startswith(f"{field}.") or field.startswith(f"{key}.")


@callback(
    Permission.AUTHOR_INDICATORS,
    Output(ids.authoring.ISSUES, "children"),
    Output(FIELD, "invalid"),
    Output(FIELD_ISSUES, "children"),
    Output(ids.authoring.SENTENCE, "children"),
    Output(ids.authoring.COLUMNS, "children"),
    Output(ids.authoring.COLUMNS_HINT, "children"),
    Output(ids.authoring.LINEAGE, "children"),
    Output(ids.authoring.PREVIEW_BY, "options"),
    Input(ids.authoring.YAML, "value"),
    State(ids.authoring.DOC, "data"),
)
def check_definition(text: Any, doc: Any) -> tuple[Any, ...]:
    """Every issue with its line and column (and under each field it concerns, one per line), the definition as
    a sentence, the dataset's columns, and the lineage of what is written."""
    lang, who = user_lang(), actor()
    keys = _field_keys(ctx.outputs_list[1] if len(ctx.outputs_list) > 1 else [])
    checked = work.check(who, text, work.doc_id(doc))
    shown = [work.issue_view(i, lang) for i in checked.issues]
    issue_keys = _field_keys(ctx.outputs_list[2] if len(ctx.outputs_list) > 2 else [])
    concerns = [list(dict.fromkeys(i["message"] for i in shown if i.get("field") and _concerns(k, i["field"]))) for k in issue_keys]
    invalid = [any(_concerns(k, i["field"]) for i in shown if i.get("field")) for k in keys]
    columns = work.columns(checked.context, checked.data)
    dataset = checked.data.get("dataset") if checked.data else ""
    sentence: Any = html.Span(t("auth.no_sentence", lang), className="text-muted small")
    lineage = None
    if checked.indicator is not None and not checked.issues:
        sentence, lineage = work.sentence_and_lineage(who, checked.indicator, lang)
    dimensions = [d for d in (checked.data or {}).get("dimensions") or [] if isinstance(d, str)]
    return (
        checks_layout.issues_panel(shown, lang),
        invalid,
        [page_layout.field_issues(found) for found in concerns],
        sentence,
        page_layout.column_options(columns),
        page_layout.columns_hint(str(dataset or ""), columns, lang),
        page_layout.lineage_section(lineage, lang) if lineage is not None else no_update,
        checks_layout.by_options(dimensions, lang),
    )


@callback(
    Permission.AUTHOR_INDICATORS,
    Output(ids.authoring.PREVIEW, "children"),
    Output(ids.authoring.PREVIEW_NOTE, "children"),
    Input(ids.authoring.YAML, "value"),
    Input(ids.authoring.PREVIEW_GRAIN, "value"),
    Input(ids.authoring.PREVIEW_BY, "value"),
)
def preview(text: Any, grain: Any, by: Any) -> tuple[Any, Any]:
    """Values of the unsaved definition against its target, with the author's own row policy; while the text
    has problems the last preview stays, marked as such."""
    lang = user_lang()
    shown, problems = work.preview(actor(), text, grain, by, lang)
    if shown is None:
        return no_update, checks_layout.preview_note(t("auth.preview_blocked", lang, n=problems))
    return shown, ""


# -- lifecycle ------------------------------------------------------------------------------------------------
@callback(
    Permission.AUTHOR_INDICATORS,
    Output(ids.authoring.STATUS, "children"),
    Output(ids.authoring.DOC, "data"),
    Input(ids.authoring.SAVE, "n_clicks"),
    Input(ids.authoring.SUBMIT, "n_clicks"),
    State(ids.authoring.YAML, "value"),
    State(ids.authoring.DOC, "data"),
    prevent_initial_call=True,
)
def save(save_clicks: Any, submit_clicks: Any, text: Any, doc: Any) -> tuple[Any, Any]:
    """Save the text as a new draft version (or the first); "submit" saves what changed and asks the owner to
    certify. Refusals list every issue; the editor keeps the text either way."""
    lang, who = user_lang(), actor()
    submit = ctx.triggered_id == ids.authoring.SUBMIT
    try:
        outcome = work.save(who, text, work.doc_id(doc), lang)
        if submit:
            commands.submit(runtime.current().registry, who, outcome.indicator.id)
    except UserError as exc:
        issues = [work.issue_view(i, lang) for i in yamltext.located(exc.issues, text)] if isinstance(text, str) else []
        return checks_layout.status("error", exc.message(lang), issues, lang), no_update
    message = t("auth.saved" if outcome.changed else "auth.unchanged", lang, version=outcome.indicator.version)
    if submit:
        message = t("auth.submitted_now", lang, version=outcome.indicator.version, owner=outcome.indicator.owner)
    stamp = dt.datetime.now(dt.UTC).isoformat()
    return checks_layout.status("ok", message), {"id": outcome.indicator.id, "version": outcome.indicator.version, "at": stamp}


@callback(
    Permission.VIEW,
    Output(ids.authoring.REVIEW_STATUS, "children"),
    Output(ids.authoring.REVIEWED, "data"),
    Input(ids.authoring.CERTIFY, "n_clicks"),
    Input(ids.authoring.DEPRECATE, "n_clicks"),
    State(ids.authoring.DOC, "data"),
    prevent_initial_call=True,
)
def review(certify_clicks: Any, deprecate_clicks: Any, doc: Any) -> tuple[Any, Any]:
    """Certify or deprecate the saved current version; the registry allows only its owner or an administrator."""
    lang, who = user_lang(), actor()
    certify = ctx.triggered_id == ids.authoring.CERTIFY
    indicator_id = work.doc_id(doc)
    if indicator_id is None:
        return checks_layout.status("info", t("auth.save_first", lang)), no_update
    try:
        done = work.review(who, indicator_id, certify)
    except UserError as exc:
        return checks_layout.status("error", exc.message(lang)), no_update
    message = t("auth.certified" if certify else "auth.deprecated", lang, version=done.version)
    return checks_layout.status("ok", message), {"id": done.id, "status": done.status.value, "at": dt.datetime.now(dt.UTC).isoformat()}


@callback(
    Permission.VIEW,
    Output(ids.authoring.HEADER, "children"),
    Output(ids.authoring.HISTORY, "children"),
    Output(FIELD, "disabled"),
    Output(ids.authoring.CERTIFY, "disabled"),
    Output(ids.authoring.DEPRECATE, "disabled"),
    Input(ids.authoring.DOC, "data"),
    Input(ids.authoring.REVIEWED, "data"),
    prevent_initial_call=True,
)
def refresh_record(doc: Any, _reviewed: Any) -> tuple[Any, ...]:
    """After a save or review: the header, the version history with its differences, and which buttons apply."""
    lang, who = user_lang(), actor()
    keys = _field_keys(ctx.outputs_list[2] if len(ctx.outputs_list) > 2 else [])
    indicator_id = work.doc_id(doc)
    if indicator_id is None:
        return no_update, no_update, [no_update] * len(keys), True, True
    rt = runtime.current()
    try:
        ind = rt.registry.get(who, indicator_id)
        versions = rt.registry.history(who, indicator_id)
    except NotFound:
        return page_layout.not_found(lang), "", [no_update] * len(keys), True, True
    may_review = work.may_review(who, ind)
    return (
        page_layout.header(work.record(who, ind, versions, lang), lang),
        page_layout.history_section(history_rows(versions), lang),
        [k in ("id", "department") for k in keys],
        not may_review or ind.status.value == "certified",
        not may_review or ind.status.value == "deprecated",
    )


# A new definition, once saved, is at /authoring/<id>: the address bar says so (reload, bookmark and back then
# open the saved draft, not a blank template), without drawing the page again (assets/authoring_url.js).
clientside("authoringAddress", Output(ids.authoring.ADDRESS, "data"), Input(ids.authoring.DOC, "data"), prevent_initial_call=True)
