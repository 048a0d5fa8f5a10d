"""The one door to analytical data and everything that reads through it.

`query/` stands above the semantic layer: `indicators/` says what an indicator is (spec, rules,
compiler, registry, drafts, templates, targets, periods); `query/` reads data with an actor's
policy — the door, dataset rows, self-service queries, compiled plans, evaluation and questions.
It may import `indicators`, `datasets`, `access` and `store`; none of those ever imports it.
"""
