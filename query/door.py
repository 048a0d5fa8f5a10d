"""The one door to analytical data: `query(actor, spec) -> Result`, with `explain` beside it.

It resolves the dataset or indicator (404 for both missing and forbidden), applies the actor's
policy (row scopes; personal-data columns absent from their schema), compiles one SQL tree with
bound parameters, and runs it on a locked DuckDB connection through a cache keyed by the SQL,
its parameters, the data versions read and the policy fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from access.actor import Actor
from access.departments import list_departments
from access.policy import ColumnFacts, data_policy
from access.rowpolicies import policies_for
from datasets import catalog
from datasets.cache import ResultCache, cache_key
from datasets.engine import Engine, Result
from indicators.batch import remembered
from indicators.compiled import Compiled
from indicators.compiler import IndicatorCompiler, IndicatorRequest
from indicators.registry import Registry
from indicators.rules import RuleContext
from indicators.spec import Indicator
from indicators.sqlparts import Source
from query.plans import Plan, Plans, definition_digest, source_mark
from query.selfservice import DatasetQuery, compile_dataset_query
from store.engine import Store

Spec = DatasetQuery | tuple[str, IndicatorRequest]


@dataclass
class Door:
    store: Store
    engine: Engine
    cache: ResultCache
    registry: Registry
    plans: Plans = field(default_factory=Plans)

    def source(self, actor: Actor, dataset_id: str) -> Source:
        """The dataset as the actor may see it; NotFound exactly as if it did not exist (read once per batch)."""
        return remembered(("source", actor, dataset_id), lambda: self._source(actor, dataset_id))

    def _source(self, actor: Actor, dataset_id: str) -> Source:
        with self.store.read() as session:
            info = catalog.get_dataset(session, actor, dataset_id)
            policies = policies_for(session, info.id)
        policy = data_policy(actor, [ColumnFacts(c.name, c.pii, c.pii_kind) for c in info.columns], info.id, policies)
        assert info.file is not None
        columns = {c.name: c.type for c in info.columns if c.name not in policy.hidden}
        return Source(info.id, "ds", info.file, info.data_version, columns, policy)

    def compile(self, actor: Actor, spec: Spec) -> Compiled:
        """The `explain` twin of `query`: the compiled SQL without running it."""
        if isinstance(spec, DatasetQuery):
            return compile_dataset_query(spec, self.source(actor, spec.dataset))
        indicator_id, request = spec
        indicator = self.registry.get(actor, indicator_id)
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
            found = self.registry.get(actor, indicator_id)
            references[indicator_id] = definition_digest(found)
            return found

        compiled = IndicatorCompiler(indicator=reference, source=source).compile(indicator, request)
        self.plans.put(key, Plan(compiled, tuple(sources.items()), tuple(references.items())))
        return compiled

    def _still_valid(self, actor: Actor, plan: Plan) -> bool:
        """Resolve every dependency again as this actor (NotFound propagates exactly as a compile would)."""
        for indicator_id, digest in plan.references:
            if definition_digest(self.registry.get(actor, indicator_id)) != digest:
                return False
        return all(source_mark(self.source(actor, dataset_id)) == mark for dataset_id, mark in plan.sources)

    def run(self, compiled: Compiled, row_cap: int | None = None) -> Result:
        key = cache_key(compiled.sql, compiled.params, compiled.versions, compiled.fingerprint + f"|cap={row_cap}")
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        result = self.engine.run(compiled.files, compiled.sql, compiled.params, row_cap=row_cap)
        self.cache.put(key, result)
        return result

    def query(self, actor: Actor, spec: Spec, row_cap: int | None = None) -> Result:
        """Every read of analytical data goes through here."""
        return self.run(self.compile(actor, spec), row_cap)

    def rule_context(self, actor: Actor, taken: frozenset[str] = frozenset()) -> RuleContext:
        """What an author's definition is validated against: only datasets and columns they may use."""
        with self.store.read() as session:
            infos = catalog.list_datasets(session, actor)
            departments = frozenset(d.code for d in list_departments(session))
        datasets = {}
        for info in infos:
            policy = data_policy(actor, [ColumnFacts(c.name, c.pii, c.pii_kind) for c in info.columns], info.id)
            datasets[info.id] = {c.name: c.type for c in info.columns if c.name not in policy.hidden}
        # Only the indicators the author may see can be referenced: another department's hidden indicator
        # answers exactly like a missing one (its id is not confirmed by a validation message).
        return RuleContext(datasets, {i.id: i for i in self.registry.visible(actor)}, departments, taken)
