"""What part of a request lies outside the asker's row scope, so an answer never pretends (issue 18.2).

A row scope limits a column to a set of area names (`district IN (东城区, 东华街道, …)`). A filter that names a
value outside it can only ever come back empty or — once the value is dropped — as the scope's own figure under
words that read like the other area's. So such a filter is never dropped silently: an explicit request (the
values API, a tile's data or export) is refused with 403 `outside_scope`, and a question or a board filter is
answered for the scope with words that say so ("你只能查看东城区的数据；以下为东城区的数据").

The check needs no data: the scope's values come from the actor's policy and the names compared are the ones the
client sent, so a refusal reveals nothing about rows (area names are public, GET /api/v1/departments).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from access.actor import Actor
from access.policy import SCOPE_COLUMN, RowScope
from errors import Forbidden, Issue, NotFound
from indicators.spec import Indicator
from query.door import Door

MAX_DEPTH = 8


@dataclass(frozen=True)
class Outside:
    """Values a filter on `column` named that the actor's scope (`allowed`, the home area first) excludes."""

    column: str
    asked: tuple[str, ...]
    allowed: tuple[str, ...]

    @property
    def home(self) -> str:
        """The scope as one name: the actor's home area (the scope's first value)."""
        return self.allowed[0] if self.allowed else ""


class OutsideScope(Forbidden):
    """A request names rows the actor may not see: 403, saying what they may see instead."""

    code = "outside_scope"

    def __init__(self, outside: Sequence[Outside], english: Mapping[str, str] | None = None) -> None:
        homes = list(dict.fromkeys(o.home for o in outside))
        named = [(english or {}).get(h) or h for h in homes]  # 东城区 is Dongcheng District in English
        super().__init__(  # the values asked are not repeated: a hostile filter is never echoed
            f"你只能查看{'、'.join(homes)}的数据：所请求的筛选值不在你的数据范围内。",
            f"You may only see {' and '.join(named)}: a filter value lies outside your data scope.",
        )
        self.issues = [
            Issue(
                "scope.outside",
                f"{o.column} 只能取你的数据范围（{o.home}）之内的值。",
                f"`{o.column}` must lie within your data scope ({o.home}).",
                column=o.column,
                detail={"allowed": list(o.allowed)},
            )
            for o in outside
        ]


def _datasets(door: Door, actor: Actor, ind: Indicator, depth: int = 0) -> list[str]:
    """Every dataset an indicator reads, through its inputs (a hidden input is the compiler's 404, not ours)."""
    if ind.dataset or depth > MAX_DEPTH:
        return [ind.dataset] if ind.dataset else []
    refs = [i.ref for i in ind.inputs] + ([ind.input] if ind.input else [])
    found: list[str] = []
    for ref in refs:
        try:
            found += _datasets(door, actor, door.indicator(actor, ref), depth + 1)
        except NotFound:
            continue
    return list(dict.fromkeys(found))


def dataset_scopes(door: Door, actor: Actor, datasets: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Column → the values the actor's area scopes allow on it, over these datasets (empty when city-wide)."""
    if actor.city_wide:
        return {}
    scopes: dict[str, tuple[str, ...]] = {}
    for dataset in datasets:
        try:
            rows = door.source(actor, dataset).policy.rows
        except NotFound:
            continue
        for scope in rows:
            if isinstance(scope, RowScope):
                scopes[scope.column] = tuple(v for v in scopes.get(scope.column, scope.values) if v in scope.values)
    return scopes


def indicator_scopes(door: Door, actor: Actor, ind: Indicator) -> dict[str, tuple[str, ...]]:
    """Column → the values the actor's area scopes allow, over every dataset behind the indicator."""
    return {} if actor.city_wide else dataset_scopes(door, actor, _datasets(door, actor, ind))


def area_scopes(actor: Actor) -> dict[str, tuple[str, ...]]:
    """The default area scope (the district column) without a dataset: for board-wide filters and exports."""
    if actor.city_wide or not actor.area:
        return {}
    return {SCOPE_COLUMN: actor.scope_areas or (actor.area,)}


def outside(scopes: Mapping[str, Sequence[str]], filters: Iterable[tuple[str, Sequence[str]]]) -> tuple[Outside, ...]:
    """The filters' values that fall outside the scopes, per column."""
    found = []
    for column, values in filters:
        allowed = scopes.get(column)
        if allowed is None:
            continue
        asked = tuple(dict.fromkeys(v for v in values if v not in allowed))
        if asked:
            found.append(Outside(column, asked, tuple(allowed)))
    return tuple(found)


def raise_for_scope(scopes: Mapping[str, Sequence[str]], filters: Iterable[tuple[str, Sequence[str]]], door: Door | None = None) -> None:
    """403 `outside_scope` when a filter names a value outside the scopes; nothing is dropped silently. With the
    door, the English message names the areas in English."""
    found = outside(scopes, filters)
    if found:
        raise OutsideScope(found, {a.name_zh: a.name_en for a in door.areas() if a.name_en} if door is not None else None)


def only_words(scope: Sequence[str], shown: Sequence[str], lang: str) -> str:
    """你只能查看东城区的数据；以下为东城区的数据。 / You may only see Dongcheng District; showing Dongcheng District."""
    if lang == "en":
        return f"You may only see {' and '.join(scope)}; showing {' and '.join(shown)}."
    return f"你只能查看{'、'.join(scope)}的数据；以下为{'、'.join(shown)}的数据。"
