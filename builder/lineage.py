"""An indicator's lineage as one actor may see it: its source systems, its dataset and the columns it uses, or the
indicators it is computed from; only what the actor may open is named (the indicator page and authoring show it)."""

from __future__ import annotations

from typing import Any

import runtime
from access.actor import Actor
from datasets import catalog
from errors import NotFound
from indicators import describe
from indicators.spec import Indicator


def lineage_of(who: Actor, ind: Indicator, lang: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Sources → dataset → columns, or the input indicators; names only of what the actor may open."""
    rt = runtime.current()
    inputs, names = [], {}
    for ref in describe.input_refs(ind):
        try:
            names[ref] = rt.registry.get(who, ref).name.get(lang)
            inputs.append({"id": ref, "name": names[ref], "visible": True})
        except NotFound:
            inputs.append({"id": ref, "name": ref, "visible": False})
    dataset = None
    if ind.dataset:
        try:
            with rt.store.read() as db:
                dataset = {"id": ind.dataset, "name": catalog.get_dataset(db, who, ind.dataset).name(lang), "visible": True}
        except NotFound:
            dataset = {"id": ind.dataset, "name": ind.dataset, "visible": False}
    info = {
        "sources": list(ind.lineage.source_systems),
        "dataset": dataset,
        "columns": describe.columns_used(ind) if ind.dataset else [],
        "inputs": inputs,
    }
    return info, names
