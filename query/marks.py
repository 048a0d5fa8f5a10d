"""What reading a set of indicators and datasets depends on, resolved for one actor (for answers kept elsewhere).

Each dataset's mark is its source as the actor sees it (file, data version, visible columns, policy fingerprint:
row scopes, hidden and masked columns); each definition's is the digest of the version the actor reads, its
inputs and dataset followed. "Not found" and "not yet certified" are marks too, so an answer computed while
something was hidden is not reused once it is visible. Equal marks mean the same SQL over the same data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from access.actor import Actor
from errors import NotCertified, NotFound
from indicators.spec import Indicator
from query.door import Door
from query.plans import definition_digest, source_mark

MAX_DEPTH = 8

Mark = tuple[str, str, Any]


def reads(door: Door, actor: Actor, indicators: Iterable[str], datasets: Iterable[str]) -> tuple[tuple[Mark, ...], set[str]]:
    """(marks sorted by kind and id, departments of the definitions the actor reads) — one metadata read per
    dataset and definition within a batch, however many tiles name them."""
    found: dict[tuple[str, str], Any] = {}
    departments: set[str] = set()

    def dataset(dataset_id: str) -> None:
        if ("dataset", dataset_id) not in found:
            try:
                found[("dataset", dataset_id)] = source_mark(door.source(actor, dataset_id))
            except NotFound:
                found[("dataset", dataset_id)] = "not_found"

    def indicator(indicator_id: str, depth: int = 0) -> None:
        if ("indicator", indicator_id) in found or depth > MAX_DEPTH:
            return
        try:
            definition: Indicator = door.indicator(actor, indicator_id)
        except NotCertified:
            found[("indicator", indicator_id)] = "not_certified"
            return
        except NotFound:
            found[("indicator", indicator_id)] = "not_found"
            return
        found[("indicator", indicator_id)] = definition_digest(definition)
        if depth == 0:
            departments.add(definition.department)
        if definition.dataset:
            dataset(definition.dataset)
        for ref in [i.ref for i in definition.inputs] + ([definition.input] if definition.input else []):
            indicator(ref, depth + 1)

    for indicator_id in indicators:
        indicator(indicator_id)
    for dataset_id in datasets:
        dataset(dataset_id)
    return tuple((kind, name, value) for (kind, name), value in sorted(found.items())), departments
