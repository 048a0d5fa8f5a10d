"""What the chart builder may use, for one actor: sources, their fields, filter values, and where to save.

Every answer comes from the services with the actor's own rights: the catalog and registry (a dataset or indicator
they may not use reads exactly like a missing one), the door (columns their policy hides are not fields at all,
filter values come only from rows they may see) and the board catalog (only boards they may edit are targets).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import runtime
from access.actor import Actor
from boards.catalog import list_boards, my_board_id
from builder.source import GRAINS, Field, Source
from datasets import catalog
from errors import NotFound, UserError
from i18n import TEXT, t
from query.questions import additive
from query.rows import distinct_values

SOURCE_KEY = re.compile(r"^(dataset|indicator):([\w.-]{1,128})$")
VALUE_LIMIT = 200
MINE = "mine"


def sources(who: Actor, lang: str) -> list[tuple[str, str, str]]:
    """(key, label, search) of every dataset and indicator `who` may use: the label in the reader's language, the
    search words in both (and the id), so either language finds a source while the list reads in one."""
    with runtime.current().store.read() as db:
        infos = catalog.list_datasets(db, who)
    other = "zh" if lang == "en" else "en"

    def label(kind: str, key: str, mine: str | None, theirs: str | None) -> tuple[str, str, str]:
        shown = " · ".join(p for p in (t(f"builder.kind.{kind}", lang), mine or theirs or key.split(":", 1)[1]) if p)
        return key, shown, " ".join(p for p in (shown, theirs, key.split(":", 1)[1]) if p)

    datasets = [label("dataset", f"dataset:{i.id}", i.name(lang), i.name(other)) for i in infos]
    indicators = [
        label("indicator", f"indicator:{i.id}", i.name.get(lang), i.name.get(other))
        for i in runtime.current().registry.visible(who)
        if i.status.value != "deprecated"
    ]
    return datasets + indicators


def _fields(who: Actor, dataset_id: str) -> tuple[tuple[Field, ...], bool]:
    """The dictionary's columns `who` may use (personal-data columns their policy hides are not there at all)."""
    with runtime.current().store.read() as db:
        info = catalog.get_dataset(db, who, dataset_id)
    visible = runtime.current().door.columns(who, dataset_id)
    fields = tuple(Field(c.name, c.label, c.type, c.role, c.description_zh, c.description_en) for c in info.columns if c.name in visible)
    return fields, len(fields) < len(info.columns)


def resolve(who: Actor, key: Any) -> Source | None:
    """The source behind "dataset:<id>" or "indicator:<id>" as `who` may use it; None for missing and forbidden alike."""
    match = SOURCE_KEY.match(key) if isinstance(key, str) else None
    if match is None:
        return None
    kind, ident = match.groups()
    rt = runtime.current()
    try:
        if kind == "dataset":
            with rt.store.read() as db:
                info = catalog.get_dataset(db, who, ident)
            fields, hidden = _fields(who, info.id)
            return Source("dataset", info.id, info.name_zh, info.name_en, fields, dataset=info.id, hidden_fields=hidden)
        ind = rt.registry.get(who, ident)
    except NotFound:
        return None
    fields, dataset = (), None
    if ind.dataset:
        try:
            fields, dataset = _fields(who, ind.dataset)[0], ind.dataset
        except NotFound:
            fields = ()
    dims = tuple(d for d in ind.dimensions if dataset is None or any(f.name == d for f in fields))
    wanted = {*dims, ind.time.column if ind.time else ""}
    return Source(
        "indicator",
        ind.id,
        ind.name.zh,
        ind.name.en,
        tuple(f for f in fields if f.name in wanted),
        dataset=dataset,
        dimensions=dims,
        grains=tuple(g.value for g in ind.time.grains) if ind.time else GRAINS,
        default_grain=ind.time.default_grain.value if ind.time else "month",
        time_column=ind.time.column if ind.time else None,
        additive=additive(ind),
        unit=ind.unit,
    )


def _option(value: Any) -> Any:
    """A value as a drop-down option carries it (and as filters compare it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value if isinstance(value, (int, float, str)) else str(value)


def allowed_values(who: Actor, source: Source, column: str) -> list[Any]:
    """The values of `column` in the rows `who` may see (most common first), through the door."""
    if source.dataset is None:
        return []
    try:
        return [_option(v) for v in distinct_values(runtime.current().door, who, source.dataset, column, VALUE_LIMIT)]
    except UserError:
        return []


def targets(who: Actor, lang: str) -> list[tuple[str, str]]:
    """Where `who` may save: their own charts, then the boards they may edit (leaders read boards: nowhere)."""
    if not who.has_any_write():
        return []
    with runtime.current().store.read() as db:
        boards = [b for b in list_boards(db, who) if b.can_edit and b.id != my_board_id(who)]
    return [(MINE, t("builder.save_mine", lang))] + [
        (b.id, t("builder.save_board", lang, title=b.spec.title.get(lang) or b.id)) for b in boards
    ]


def target(who: Actor, value: Any) -> str | None:
    """The board a save goes to: one of `targets`, else None (a board they may not edit reads like a missing one)."""
    if value == MINE and who.has_any_write():
        return my_board_id(who)
    return value if isinstance(value, str) and value != MINE and value in {v for v, _ in targets(who, "zh")} else None


def _word(key: str, fallback: str, lang: str) -> str:
    return t(key, lang) if key in TEXT else fallback


def field_rows(source: Source, search: Any, lang: str) -> list[dict[str, Any]]:
    """The fields whose name, label, description, type or role (in either language) hold every word searched."""
    words = search.casefold().split()[:10] if isinstance(search, str) else []
    rows = []
    for f in source.fields:
        kinds = [k for k in (f"builder.ftype.{f.type}", f"builder.frole.{f.role}") if k in TEXT]
        haystack = " ".join([f.name, f.label, f.description_zh, f.description_en, *[w for k in kinds for w in TEXT[k]]]).casefold()
        if all(w in haystack for w in words):
            rows.append(
                {
                    "name": f.name,
                    "label": f.shown(lang),
                    "type": f.type,
                    "role": f.role,
                    "type_label": _word(f"builder.ftype.{f.type}", f.type, lang),
                    "role_label": _word(f"builder.frole.{f.role}", f.role, lang),
                    "description": f.description_en if lang == "en" else f.description_zh,
                }
            )
    return rows
