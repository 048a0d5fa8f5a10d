"""Row policies checked against their dataset: an area column must exist; a template must be a valid
expression over the dataset's columns and the user attributes (the same allowlist as indicators)."""

from __future__ import annotations

from access.actor import SYSTEM
from access.policy import USER_ATTRIBUTES
from datasets import catalog
from errors import InvalidInput, Issue
from indicators import expressions
from store.engine import Store


def check_row_policy(store: Store, dataset_id: str, kind: str, column: str, template: str) -> None:
    """Raise InvalidInput (with every issue) unless the policy fits the dataset; NotFound for an unknown dataset."""
    with store.read() as session:
        info = catalog.get_dataset(session, SYSTEM, dataset_id)
    names = [c.name for c in info.columns]
    if kind == "area" and column not in names:
        raise InvalidInput(
            "行策略有误。",
            "The row policy is invalid.",
            [Issue("policy.column", f"列“{column}”不在数据集中。", f"Column {column!r} is not in the dataset.", column="column")],
        )
    if kind == "predicate":
        _, issues = expressions.check(template, [*names, *USER_ATTRIBUTES], "template")
        if issues:
            raise InvalidInput("行策略有误。", "The row policy is invalid.", issues)
