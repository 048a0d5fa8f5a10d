"""The one door to analytical data: `query(actor, spec) -> Result`, with `explain` beside it.

It resolves the dataset or indicator (404 for both missing and forbidden), applies the actor's
policy (row scopes; personal-data columns absent from their schema), compiles one SQL tree with
bound parameters, and runs it on a locked DuckDB connection through a cache keyed by the SQL,
its parameters, the data versions read and the policy fingerprint.

The door owns the engine's run (it claims it when built) and keeps its store, registry, engine and
cache to itself; callers read what they need through its methods: the indicators and datasets an
actor may see (a dataset's row count already under their row scope), when a dataset was loaded,
the latest value of a column, the area names. Only modules of query/ call `_run` (a query the
compiler made from the sources the door resolved).

What it resolves from the metadata store (a dataset's info, row policies and time ranges, the actor's source,
areas, place names) is kept per metadata generation (store/generation.py): a warm render reads the generation
once and nothing per tile, and any change by any process is seen at the next read. Who may see what is still
decided on every call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from access.actor import Actor
from access.departments import AreaNode, area_tree, list_departments, place_names
from access.policy import ColumnFacts, data_policy
from access.rowpolicies import policies_for
from datasets import catalog
from datasets.cache import ResultCache, cache_key
from datasets.dictionary import Places
from datasets.engine import Engine, Result
from errors import NotFound
from indicators.batch import generation, remembered
from indicators.compiled import Compiled, compiled
from indicators.compiler import IndicatorCompiler, IndicatorRequest
from indicators.registry import Registry
from indicators.rules import RuleContext
from indicators.spec import Indicator
from indicators.sqlparts import Params, Source, scope_conditions
from query.plans import Plan, Plans, definition_digest, source_mark
from query.selfservice import DatasetQuery, compile_dataset_query
from store.engine import Store
from store.generation import Kept

Spec = DatasetQuery | tuple[str, IndicatorRequest]


@dataclass(frozen=True)
class SeenDataset:
    """A dataset as one actor sees it: its catalog facts and the rows they may read (counted under their row scope)."""

    info: catalog.DatasetInfo
    rows: int
    scoped: bool  # a row scope limits the rows: whole-dataset figures (profile, version row counts) are not theirs

    def summary(self) -> dict[str, Any]:
        return self.info.summary() | {"rows": self.rows}


@dataclass
class Door:
    _store: Store
    _engine: Engine
    _cache: ResultCache
    _registry: Registry
    plans: Plans = field(default_factory=Plans)
    _kept: Kept = field(default_factory=Kept, repr=False)  # dataset facts, sources, areas, per metadata generation
    _execute: Callable[..., Result] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._execute = self._engine.claim()  # from here on, the engine runs only what the door hands it

    def source(self, actor: Actor, dataset_id: str) -> Source:
        """The dataset as the actor may see it; NotFound exactly as if it did not exist (read once per batch)."""
        return remembered(("source", actor, dataset_id), lambda: self._source(actor, dataset_id))

    def _source(self, actor: Actor, dataset_id: str) -> Source:
        """Kept per metadata generation and actor (their grants and scope are part of the actor)."""
        if not isinstance(dataset_id, str):
            raise NotFound("数据集", "dataset")
        return self._kept.get(self._generation(), ("source", actor, dataset_id), lambda: self._resolve(actor, dataset_id), keep=(NotFound,))

    def _resolve(self, actor: Actor, dataset_id: str) -> Source:
        facts = self._facts(dataset_id)
        info = facts.seen_by(actor)
        policy = data_policy(actor, [ColumnFacts(c.name, c.pii, c.pii_kind) for c in info.columns], info.id, facts.policies)
        assert info.file is not None
        columns = {c.name: c.type for c in info.columns if c.name not in policy.hidden}
        return Source(info.id, "ds", info.file, info.data_version, columns, policy)

    def _generation(self) -> int:
        return generation(self._store)

    def _facts(self, dataset_id: str) -> catalog.DatasetFacts:
        """A dataset's facts for every actor (info, row policies, time ranges), resolved once per metadata generation."""
        return self._kept.get(self._generation(), ("dataset", dataset_id), lambda: self._read_facts(dataset_id), keep=(NotFound,))

    def _read_facts(self, dataset_id: str) -> catalog.DatasetFacts:
        with self._store.read() as session:
            return catalog.dataset_facts(session, dataset_id, policies_for)

    def compile(self, actor: Actor, spec: Spec) -> Compiled:
        """The `explain` twin of `query`: the compiled SQL without running it."""
        if isinstance(spec, DatasetQuery):
            return compile_dataset_query(spec, self.source(actor, spec.dataset))
        indicator_id, request = spec
        indicator = self._registry.get(actor, indicator_id)
        return self.compile_indicator(actor, indicator, request)

    def compile_indicator(self, actor: Actor, indicator: Indicator, request: IndicatorRequest) -> Compiled:
        """Compiled once per definition and request; a remembered plan is re-checked for this actor."""
        key = Plans.key(indicator, request)
        plan = self.plans.get(key)
        if plan is not None and self._still_valid(actor, plan):
            return plan.compiled
        sources: dict[str, tuple[object, ...]] = {}
        references: dict[str, str] = {}

        def source(dataset_id: str) -> Source:
            found = self.source(actor, dataset_id)
            sources[dataset_id] = source_mark(found)
            return found

        def reference(indicator_id: str) -> Indicator:
            found = self._registry.get(actor, indicator_id)
            references[indicator_id] = definition_digest(found)
            return found

        compiled = IndicatorCompiler(indicator=reference, source=source).compile(indicator, request)
        self.plans.put(key, Plan(compiled, tuple(sources.items()), tuple(references.items())))
        return compiled

    def _still_valid(self, actor: Actor, plan: Plan) -> bool:
        """Resolve every dependency again as this actor (NotFound propagates exactly as a compile would)."""
        for indicator_id, digest in plan.references:
            if definition_digest(self._registry.get(actor, indicator_id)) != digest:
                return False
        return all(source_mark(self.source(actor, dataset_id)) == mark for dataset_id, mark in plan.sources)

    def _run(self, query: Compiled, row_cap: int | None = None) -> Result:
        """Run a query the compiler made (query/ only); cached under its SQL, parameters, data versions and policies."""
        key = cache_key(query.sql, query.params, query.versions, query.fingerprint + f"|cap={row_cap}")
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._execute(query.files, query.sql, query.params, row_cap=row_cap)
        self._cache.put(key, result)
        return result

    def query(self, actor: Actor, spec: Spec, row_cap: int | None = None) -> Result:
        """Every read of analytical data goes through here."""
        return self._run(self.compile(actor, spec), row_cap)

    def query_indicator(self, actor: Actor, indicator: Indicator, request: IndicatorRequest, row_cap: int | None = None) -> Result:
        """The values of a definition (saved or not: an author's preview) for one request, with the actor's policies."""
        return self._run(self.compile_indicator(actor, indicator, request), row_cap)

    def forget_results(self) -> None:
        """Drop every cached result and kept fact (both are keyed by the policy and the metadata generation anyway;
        this frees memory after a policy change)."""
        self._cache.clear()
        self._kept.clear()

    # -- facts an actor may read ---------------------------------------------------------------
    def indicator(self, actor: Actor, indicator_id: str) -> Indicator:
        """The definition as the actor may see it; NotFound exactly as if it did not exist."""
        return self._registry.get(actor, indicator_id)

    def indicators(self, actor: Actor) -> list[Indicator]:
        """Every definition the actor may see."""
        return self._registry.visible(actor)

    def datasets(self, actor: Actor) -> list[SeenDataset]:
        """The datasets the actor may use, newest load first, each with the rows they may see."""
        with self._store.read() as session:
            infos = catalog.list_datasets(session, actor)
        return [self._seen(actor, info) for info in infos]

    def dataset(self, actor: Actor, dataset_id: str) -> SeenDataset:
        """One dataset as the actor sees it; NotFound exactly as if it did not exist."""
        return self._seen(actor, self._facts(dataset_id).seen_by(actor))

    def _seen(self, actor: Actor, info: catalog.DatasetInfo) -> SeenDataset:
        """Counted under the actor's row scope (the catalog's count when no scope limits them)."""
        source = self.source(actor, info.id)
        if not source.policy.rows:
            return SeenDataset(info, info.rows, False)
        params = Params()
        count = exp.select(exp.Count(this=exp.Star())).from_(source.table())
        for condition in scope_conditions(source, params):
            count = count.where(condition)
        return SeenDataset(info, int(self._run(compiled(count, params.values, [source], ["count"])).rows[0][0]), True)

    def columns(self, actor: Actor, dataset_id: str) -> dict[str, str]:
        """The columns the actor may use, name → type (personal-data columns hidden from them are absent)."""
        return dict(self.source(actor, dataset_id).columns)

    def loaded_at(self, actor: Actor, dataset_id: str) -> dt.datetime | None:
        """When the dataset's current data was loaded (freshness); NotFound exactly as if it did not exist."""
        return self._facts(dataset_id).seen_by(actor).loaded_at

    def latest(self, actor: Actor, dataset_id: str, column: str) -> Any:
        """The latest value of a date/timestamp column in the current data, stored at import (None when not known)."""
        facts = self._facts(dataset_id)
        facts.seen_by(actor)
        return facts.time_ranges.get(column, (None, None))[1]

    def areas(self) -> list[AreaNode]:
        """The area tree, for naming districts in captions and files (kept per metadata generation)."""
        return list(self._kept.get(self._generation(), ("areas",), self._read_areas))

    def _read_areas(self) -> tuple[AreaNode, ...]:
        with self._store.read() as session:
            return tuple(area_tree(session))

    def place_names(self) -> Places:
        """Every area and department by either name, as (Chinese, English) (kept per metadata generation)."""
        return self._kept.get(self._generation(), ("places",), self._read_place_names)

    def _read_place_names(self) -> Places:
        with self._store.read() as session:
            return place_names(session)

    def rule_context(self, actor: Actor, taken: frozenset[str] = frozenset()) -> RuleContext:
        """What an author's definition is validated against: only datasets and columns they may use."""
        with self._store.read() as session:
            infos = catalog.list_datasets(session, actor)
            departments = frozenset(d.code for d in list_departments(session))
        datasets = {}
        for info in infos:
            policy = data_policy(actor, [ColumnFacts(c.name, c.pii, c.pii_kind) for c in info.columns], info.id)
            datasets[info.id] = {c.name: c.type for c in info.columns if c.name not in policy.hidden}
        # Only the indicators the author may see can be referenced: another department's hidden indicator
        # answers exactly like a missing one (its id is not confirmed by a validation message).
        return RuleContext(datasets, {i.id: i for i in self._registry.visible(actor)}, departments, taken)
