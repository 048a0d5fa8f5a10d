"""A compiled query, and the one way to make one: `compiled(tree, params, sources, columns)`.

A `Compiled` carries what the door runs and caches: the SQL, its bound parameters, the version files it
attaches, the data versions it reads and the fingerprint of the policies applied. The last three come
from the policy-applied sources themselves (`Source`, resolved for one actor by the door), never from the
caller, so a cache key always names the policy the SQL was compiled under. The constructor refuses a call
that does not hold this module's private token: a hand-built `Compiled` cannot exist, and the door
(query/door.py) runs nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from indicators.sqlparts import Source

_MAKER = object()  # held only by `compiled` below


@dataclass(frozen=True)
class Compiled:
    """A compiled query: SQL text, its parameters and the version files it reads (for `explain`)."""

    sql: str
    params: dict[str, Any]
    files: dict[str, str]
    versions: tuple[tuple[str, int], ...]
    fingerprint: str
    columns: tuple[str, ...]
    maker: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.maker is not _MAKER:
            raise TypeError(
                "A Compiled query is made only by indicators.compiled.compiled() from the sources the door resolved "
                "for an actor (their policies applied); ask the door for data instead: door.query(actor, spec)."
            )

    def explain(self) -> dict[str, Any]:
        return {
            "sql": self.sql,
            "params": {k: v if isinstance(v, (int, float, str, bool)) or v is None else str(v) for k, v in self.params.items()},
            "datasets": [{"id": d, "data_version": v} for d, v in self.versions],
        }


def compiled(tree: exp.Expr, params: Mapping[str, Any], sources: Iterable[Source], columns: Iterable[str]) -> Compiled:
    """The query `tree` over `sources` (as the door resolved them for one actor): files, data versions and the
    policy fingerprint are read from the sources, so the result is cached and run under exactly their policies."""
    ordered = sorted({s.alias: s for s in sources}.values(), key=lambda s: (s.dataset_id, s.alias))
    return Compiled(
        tree.sql(dialect="duckdb"),
        dict(params),
        {s.alias: s.file for s in ordered},
        tuple(sorted({(s.dataset_id, s.data_version) for s in ordered})),
        "|".join(f"{s.dataset_id}:{s.policy.fingerprint}" for s in ordered),
        tuple(columns),
        _MAKER,
    )
