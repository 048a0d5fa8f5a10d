"""Indicator catalog and indicator page: the page views (called by callbacks/pages.py) and their callbacks.

Identity is always the session's actor; ids from the page (a dcc.Store) are only requests, and the registry
re-checks each one (NotFound reads the same for "missing" and "not yours").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dash import Input, Output, State, html, no_update

import citytime
import runtime
from access.actor import Actor
from access.departments import list_departments, place_names
from access.policy import can_author_for
from access.roles import Permission
from builder.lineage import lineage_of
from callbacks.guard import actor, callback, user_lang
from datasets import catalog
from datasets.dictionary import column_title, relabel
from errors import NotFound, UserError
from i18n import t
from indicators import describe
from indicators.spec import Grain, Indicator, IndicatorType
from layouts import ids
from layouts import indicator as page_layout
from layouts import indicators as catalog_layout
from layouts.common import empty_state
from query.evaluate import as_of, default_range, is_timeless, values

MAX_LATEST = 200
HOURLY_DAYS = 31
DEFAULT_GRAINS = (Grain.DAY, Grain.WEEK, Grain.MONTH, Grain.QUARTER, Grain.YEAR)


def _departments(lang: str) -> dict[str, str]:
    with runtime.current().store.read() as db:
        return {d.code: (d.name_en if lang == "en" else d.name_zh) or d.code for d in list_departments(db)}


def _text(value: Any, limit: int = 200) -> str:
    return value[:limit] if isinstance(value, str) else ""


# -- catalog ---------------------------------------------------------------------------------------
def _item(ind: Indicator, departments: Mapping[str, str], lang: str) -> dict[str, Any]:
    return {
        "id": ind.id,
        "name": ind.name.get(lang),
        "other_name": ind.name.get("zh" if lang == "en" else "en"),
        "department": ind.department,
        "department_label": departments.get(ind.department, ind.department),
        "type": ind.type.value,
        "unit": ind.unit,
        "status": ind.status.value,
        "owner": ind.owner,
        "decimals": ind.decimals,
    }


def _catalog(
    who: Actor, lang: str, search: str = "", department: str = "", status: str = ""
) -> tuple[list[dict[str, Any]], bool, dict[str, str]]:
    visible = runtime.current().registry.visible(who)
    departments = _departments(lang)
    shown = [
        i
        for i in visible
        if describe.matches(i, search) and (not department or i.department == department) and (not status or i.status.value == status)
    ]
    return (
        [_item(i, departments, lang) for i in shown],
        bool(visible),
        {i.department: departments.get(i.department, i.department) for i in visible},
    )


def catalog_view(who: Actor, lang: str) -> html.Div:
    """The catalog page for `who`: every indicator they may see; values follow from `latest_values`."""
    items, _, departments = _catalog(who, lang)
    return catalog_layout.catalog_page(
        items, sorted(departments.items(), key=lambda kv: kv[1]), lang, who.has(Permission.AUTHOR_INDICATORS)
    )


@callback(
    Permission.VIEW,
    Output(ids.indicator.LIST, "children"),
    Input(ids.indicator.SEARCH, "value"),
    Input(ids.indicator.DEPARTMENT, "value"),
    Input(ids.indicator.STATUS, "value"),
    Input(ids.indicator.LATEST, "data"),
    prevent_initial_call=True,
)
def filter_catalog(search: str | None, department: str | None, status: str | None, latest: dict[str, Any] | None) -> html.Div:
    """Search (names in both languages, ids, synonyms) and filters over the indicators the actor may see."""
    lang = user_lang()
    items, any_visible, _ = _catalog(actor(), lang, _text(search, 100), _text(department), _text(status))
    return catalog_layout.catalog_list(items, latest if isinstance(latest, dict) else None, lang, any_visible)


@callback(Permission.VIEW, Output(ids.indicator.LATEST, "data"), Input(ids.indicator.LIST_IDS, "data"))
def latest_values(requested: list[str] | None) -> dict[str, Any]:
    """The latest complete period of each requested indicator the actor may see, at its default grain."""
    who, rt = actor(), runtime.current()
    wanted = {r for r in requested or [] if isinstance(r, str)} if isinstance(requested, list) else set()
    latest: dict[str, Any] = {}
    for ind in [i for i in rt.registry.visible(who) if i.id in wanted][:MAX_LATEST]:
        try:
            _, end = default_range(rt.door, who, ind)
            through = (end - dt.timedelta(days=1)).date().isoformat()
            row = describe.latest_complete(values(rt.door, who, ind.id, {"to": through}), through, ind.type is IndicatorType.SNAPSHOT)
        except UserError:
            continue
        latest[ind.id] = {"value": row["value"], "status": row.get("status"), "period": row["period"]} if row else None
    return latest


# -- indicator page ---------------------------------------------------------------------------------
def dimension_titles(who: Actor, ind: Indicator, lang: str) -> dict[str, str]:
    """The indicator's dimensions as its dataset's dictionary names them in `lang` (所在区 / District)."""
    if not ind.dataset:
        return {}
    try:
        with runtime.current().store.read() as db:
            columns = catalog.get_dataset(db, who, ind.dataset).columns
    except NotFound:
        return {}
    return {c.name: column_title(c.name, c.label, lang) for c in columns if c.name in ind.dimensions}


def history_rows(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Newest first, each with its differences from the version before it."""
    rows = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        rows.append(
            {
                "version": version["version"],
                "status": version["status"],
                "author": version["created_by"],
                "date": citytime.show_stored(version["created_at"]),
                "certified_by": version.get("certified_by"),
                "first": previous is None,
                "changes": describe.diff(previous["definition"], version["definition"]) if previous else [],
            }
        )
    return rows


def _date(value: Any) -> str | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat() if value else None
    except ValueError:
        return None


def indicator_view(who: Actor, indicator_id: str, lang: str, query: Mapping[str, Any]) -> html.Div:
    """The indicator page for `who`; missing and not-visible indicators get the same empty state.

    Query parameters (`grain`, `from`, `to`, `by`, `compare`) preset the controls, so a view can be linked.
    """
    rt = runtime.current()
    try:
        ind = rt.registry.get(who, indicator_id)
        history = rt.registry.history(who, indicator_id)
        start, end = default_range(rt.door, who, ind)
        lineage, names = lineage_of(who, ind, lang)
    except NotFound:
        return empty_state(t("ind.not_found", lang))
    grains = [g.value for g in (ind.time.grains if ind.time else DEFAULT_GRAINS)]
    default_grain = (ind.time.default_grain if ind.time else Grain.MONTH).value
    compares = [c for c in page_layout.COMPARES if c != "baseline" or ind.baseline is not None]
    view = {
        "id": ind.id,
        "name": ind.name.get(lang),
        "description": ind.description.get(lang),
        "status": ind.status.value,
        "version": ind.version,
        "owner": ind.owner,
        "department_label": _departments(lang).get(ind.department, ind.department),
        "type": ind.type.value,
        "unit": ind.unit,
        "direction": ind.direction.value if ind.direction else None,
        "sentence": describe.sentence(ind, lang, names),
        "grains": grains,
        "grain": query.get("grain") if query.get("grain") in grains else default_grain if default_grain in grains else grains[-1],
        "dimensions": list(ind.dimensions),
        "dimension_titles": dimension_titles(who, ind, lang),
        "has_baseline": ind.baseline is not None,
        "start": _date(query.get("from")) or start.date().isoformat(),
        "end": _date(query.get("to")) or (end - dt.timedelta(days=1)).date().isoformat(),
        "by": query.get("by") if query.get("by") in ind.dimensions else None,
        "compare": query.get("compare") if query.get("compare") in compares else None,
        "lineage": lineage,
        "history": history_rows(history),
        "can_edit": can_author_for(who, ind.department),
        "timeless": is_timeless(rt.door, who, ind),
    }
    if view["timeless"]:
        view |= {"as_of": as_of(rt.door, who, ind), "compare": None, "grains": ["all"], "grain": "all", "start": None, "end": None}
    return page_layout.indicator_page(view, lang)


def _request(grain: Any, start: Any, end: Any, lang: str) -> tuple[dict[str, str], list[str]]:
    """Control values → `values()` arguments; hourly values are limited to the last days of the range."""
    args = {key: value for key, value in (("grain", _text(grain, 20)), ("from", _date(start) or ""), ("to", _date(end) or "")) if value}
    notes = []
    if args.get("grain") == Grain.HOUR.value and "to" in args:
        last = dt.date.fromisoformat(args["to"])
        earliest = last - dt.timedelta(days=HOURLY_DAYS - 1)
        if "from" not in args or dt.date.fromisoformat(args["from"]) < earliest:
            args["from"] = earliest.isoformat()
            notes.append(t("ind.hour_range", lang, days=HOURLY_DAYS))
    return args, notes


@callback(
    Permission.VIEW,
    Output(ids.indicator.RESULT, "children"),
    Input(ids.indicator.GRAIN, "value"),
    Input(ids.indicator.RANGE, "start_date"),
    Input(ids.indicator.RANGE, "end_date"),
    Input(ids.indicator.BY, "value"),
    Input(ids.indicator.COMPARE, "value"),
    State(ids.indicator.ID, "data"),
)
def indicator_values(
    grain: str | None, start: str | None, end: str | None, by: str | None, compare: str | None, indicator_id: str | None
) -> Any:
    """KPIs, trend, ranking and rows for the chosen controls; service errors become a translated alert."""
    lang = user_lang()
    if not isinstance(indicator_id, str):
        return no_update
    who, rt = actor(), runtime.current()
    args, notes = _request(grain, start, end, lang)
    if compare and compare != page_layout.NONE:
        args["compare"] = _text(compare, 20)
    dimension = _text(by, 120) if by and by != page_layout.NONE else ""
    try:
        ind = rt.registry.get(who, indicator_id)
        total = values(rt.door, who, ind.id, args)
        breakdown = values(rt.door, who, ind.id, {**args, "by": dimension}) if dimension else None
        baseline, periods = _baseline(who, ind, total)
    except NotFound:
        return empty_state(t("ind.not_found", lang))
    except UserError as exc:
        return page_layout.error_alert(exc.message(lang), [i.to_dict(lang) for i in exc.issues], lang)
    notes += [
        n["message_en" if lang == "en" else "message_zh"] for n in total.get("notes") or [] if not n["code"].startswith("values.timeless_")
    ]
    if breakdown:  # members read in the viewer's language (district names, road classes); nothing here filters
        with rt.store.read() as db:
            breakdown = {**breakdown, "rows": relabel(breakdown["rows"], [dimension], lang, place_names(db))}
    latest = describe.latest_complete(total, args.get("to"), ind.type is IndicatorType.SNAPSHOT)
    ranking = [r for r in breakdown["rows"] if r["period"] == latest["period"]] if breakdown and latest else []
    titles = dimension_titles(who, ind, lang) if dimension else {}
    return page_layout.values_section(
        {
            "total": total,
            "breakdown": breakdown,
            "latest": latest,
            "ranking": ranking,
            "titles": titles,  # the breakdown's dimension as the dictionary names it
            "baseline": baseline,
            "baseline_periods": periods,
            "notes": notes,
        },
        lang,
    )


def _baseline(who: Actor, ind: Indicator, total: Mapping[str, Any]) -> tuple[float | None, list[str]]:
    """The baseline value (from the comparison when it is the baseline, else evaluated once over the baseline dates)
    and the periods shown that fall inside the baseline."""
    if ind.baseline is None:
        return None, []
    rows = total.get("rows") or []
    periods = [r["period"] for r in rows if describe.within(str(r["period"]), ind.baseline.from_, ind.baseline.to)]
    if total.get("compare") == "baseline":
        return next((r["compare_value"] for r in rows if r.get("compare_value") is not None), None), periods
    try:
        whole = values(runtime.current().door, who, ind.id, {"grain": "all", "from": ind.baseline.from_, "to": ind.baseline.to})
    except UserError:  # the chart simply goes without its baseline line
        return None, periods
    return next((r["value"] for r in whole["rows"] if r.get("value") is not None), None), periods
