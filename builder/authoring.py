"""What the authoring callbacks do, as plain functions of the actor and the page's (hostile) values.

Checking parses the text afresh and validates it against this actor's rule context (the datasets and columns
they may use; ids taken by other indicators); saving goes through the registry, which checks the author's
department and every rule again; previews run through the one door with the actor's own policies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import citytime
import runtime
from access.actor import Actor
from access.departments import list_departments, place_names
from access.policy import can_author_for
from builder.lineage import lineage_of
from datasets import catalog
from datasets.dictionary import relabel
from errors import InvalidInput, Issue, NotFound, UserError
from i18n import t
from indicators import commands, describe, yamltext
from indicators.rules import RuleContext
from indicators.spec import Grain, Indicator, IndicatorType, Status, parse_indicator
from indicators.templates import Sources
from layouts import authoring_checks as checks_layout
from query.evaluate import default_range, values_for

PREVIEW_GRAINS = frozenset({"day", "week", "month", "quarter", "year"})
MAX_ID = 120


def doc_id(doc: Any) -> str | None:
    """The saved indicator the page says it edits (a request: the registry checks it)."""
    found = doc.get("id") if isinstance(doc, Mapping) else None
    return found if isinstance(found, str) and 0 < len(found) <= MAX_ID else None


def department_for(who: Actor, asked: Any) -> str:
    """The department a new definition starts in: the one asked for if the author may write for it, else theirs
    (an administrator of a department without datasets starts in the first department that has some)."""
    if isinstance(asked, str) and asked and can_author_for(who, asked):
        return asked
    if who.is_admin:
        with runtime.current().store.read() as db:
            owned = {i.department for i in catalog.list_datasets(db, who)}
        if who.department not in owned and owned:
            return sorted(owned)[0]
    return who.department


def sources(who: Actor, department: str) -> Sources:
    rt = runtime.current()
    with rt.store.read() as db:
        infos = catalog.list_datasets(db, who)
    return Sources(department, who.username, infos, rt.registry.visible(who), frozenset(rt.registry.all()))


def choices(who: Actor, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Options of the form: departments the author may write for, datasets and indicators they may use."""
    rt = runtime.current()
    with rt.store.read() as db:
        departments = [
            (d.code, (d.name_en if lang == "en" else d.name_zh) or d.code) for d in list_departments(db) if can_author_for(who, d.code)
        ]
        datasets = [(i.id, i.name(lang)) for i in catalog.list_datasets(db, who)]
    indicators = [(i.id, i.name.get(lang)) for i in rt.registry.visible(who) if i.status is not Status.DEPRECATED]
    return {"department": departments, "dataset": datasets, "input": indicators}


# -- checking ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Checked:
    data: dict[str, Any] | None
    indicator: Indicator | None
    issues: list[Issue]
    context: RuleContext


def context(who: Actor, editing: str | None) -> RuleContext:
    """Rules run against what `who` may use; every id but the one being edited is taken."""
    rt = runtime.current()
    return rt.door.rule_context(who, frozenset(rt.registry.all()) - ({editing} if editing else set()))


def check(who: Actor, text: Any, editing: str | None) -> Checked:
    """Parse and validate the text; every issue placed in the text. The author's right to write for the
    department is a rule here too, so it shows while typing rather than at save."""
    ctx = context(who, editing)
    data, issues = yamltext.load(text)
    if data is None:
        return Checked(None, None, issues, ctx)
    indicator, issues = runtime.current().registry.check(who, data, ctx)
    if indicator is not None and not can_author_for(who, indicator.department) and indicator.department in ctx.departments:
        issues.append(
            Issue(
                "auth.department",
                f"指标“{indicator.id}”：您不能为部门“{indicator.department}”定义指标，请填写您所在的部门。",
                f"Indicator {indicator.id!r}: you may not define indicators for department {indicator.department!r}; use your own department.",
                column="department",
            )
        )
    return Checked(data, indicator, yamltext.located(issues, text), ctx)


def issue_view(issue: Issue, lang: str) -> dict[str, Any]:
    return {"code": issue.code, "field": issue.column, "line": issue.line, "col": issue.col, "message": issue.message(lang)}


def columns(ctx: RuleContext, data: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    dataset = data.get("dataset") if data else None
    found = ctx.datasets.get(dataset) if isinstance(dataset, str) else None
    return sorted(found.items()) if found else []


def sentence_and_lineage(who: Actor, ind: Indicator, lang: str) -> tuple[str, dict[str, Any]]:
    info, names = lineage_of(who, ind, lang)
    return describe.sentence(ind, lang, names), {"lineage": info, "name": ind.name.get(lang)}


# -- preview ----------------------------------------------------------------------------------------------
def _values(who: Actor, ind: Indicator, args: dict[str, str]) -> dict[str, Any]:
    door = runtime.current().door
    _, end = default_range(door, who, ind)
    through = (end - dt.timedelta(days=1)).date().isoformat()
    total = values_for(door, who, ind, {k: v for k, v in args.items() if k != "by"})
    breakdown = values_for(door, who, ind, args) if "by" in args else None
    latest = describe.latest_complete(total, through, ind.type is IndicatorType.SNAPSHOT)
    return {"total": total, "breakdown": breakdown, "latest": latest}


def _grain(ind: Indicator, asked: Any) -> str:
    allowed = [g.value for g in ind.time.grains] if ind.time else [g.value for g in Grain]
    default = ind.time.default_grain.value if ind.time else Grain.MONTH.value
    if asked in PREVIEW_GRAINS and asked in allowed:
        return str(asked)
    return default if default in PREVIEW_GRAINS else next((g for g in allowed if g in PREVIEW_GRAINS), Grain.MONTH.value)


def preview(who: Actor, text: Any, grain: Any, by: Any, lang: str) -> tuple[Any, int]:
    """The preview: values against target (or why there are none), or None and how many problems block it."""
    data, issues = yamltext.load(text)
    if data is None:
        return None, len(issues)
    indicator, issues = runtime.current().registry.check(who, data, runtime.current().door.rule_context(who))
    if indicator is None or issues:
        return None, len(issues)
    args = {"grain": _grain(indicator, grain)}
    if isinstance(by, str) and by in indicator.dimensions:
        args["by"] = by
    notes = (
        [t("auth.preview_grain", lang, grain=t(f"grain.{args['grain']}", lang))]
        if grain in PREVIEW_GRAINS and grain != args["grain"]
        else []
    )
    try:
        shown = _values(who, indicator, args)
    except NotFound as exc:
        return checks_layout.preview_note(exc.message(lang)), 0
    except UserError as exc:
        return checks_layout.preview_error(exc.message(lang), [i.message(lang) for i in exc.issues]), 0
    if shown["total"].get("timeless"):  # one value over all the data: the grain chosen does not apply
        notes = [t("ind.timeless", lang, at=shown["total"].get("as_of") or "—")]
    if shown["breakdown"]:  # members in the author's language (district names, road classes)
        with runtime.current().store.read() as db:
            rows = relabel(shown["breakdown"]["rows"], [args["by"]], lang, place_names(db))
        shown = {**shown, "breakdown": {**shown["breakdown"], "rows": rows}}
    return checks_layout.preview({**shown, "notes": notes}, lang), 0


# -- saving and the lifecycle -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Saved:
    indicator: Indicator
    changed: bool


def _same(a: Indicator, b: Indicator) -> bool:
    skip = {"status", "version"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def save(who: Actor, text: Any, editing: str | None, lang: str) -> Saved:
    """The first version of a new definition, or a new draft version of the edited one (none if unchanged)."""
    data, issues = yamltext.load(text)
    if data is None:
        raise InvalidInput("YAML 格式有误，未保存。", "The YAML is malformed; nothing was saved.", issues)
    registry = runtime.current().registry
    if editing is None:
        return Saved(commands.create_draft(registry, who, data, context(who, None)), True)
    current = registry.get(who, editing)
    parsed, _ = parse_indicator({k: v for k, v in data.items() if k not in yamltext.SERVER_FIELDS})
    if parsed is not None and _same(parsed, current):
        return Saved(current, False)
    return Saved(commands.update_draft(registry, who, editing, data, context(who, editing)), True)


def review(who: Actor, indicator_id: str, certify: bool) -> Indicator:
    registry = runtime.current().registry
    return commands.certify(registry, who, indicator_id) if certify else commands.deprecate(registry, who, indicator_id)


def may_review(who: Actor, ind: Indicator) -> bool:
    """Whether to offer certify and deprecate (Registry.set_status decides: the owner, user or role, or an admin)."""
    return who.is_admin or ind.owner in (who.username, who.role.value)


def record(who: Actor, ind: Indicator, versions: Sequence[Mapping[str, Any]], lang: str) -> dict[str, Any]:
    """The header's facts of a saved definition."""
    with runtime.current().store.read() as db:
        names = {d.code: (d.name_en if lang == "en" else d.name_zh) or d.code for d in list_departments(db)}
    current = next((v for v in versions if v["version"] == ind.version), {})
    return {
        "id": ind.id,
        "name": ind.name.get(lang),
        "status": ind.status.value,
        "version": ind.version,
        "owner": ind.owner,
        "department_label": names.get(ind.department, ind.department),
        "type": ind.type.value,
        "submitted_by": current.get("submitted_by"),
        "submitted_at": citytime.show_stored(current.get("submitted_at")),
        "may_review": may_review(who, ind),
    }
