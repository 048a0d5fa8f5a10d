"""Row policies per dataset: stored, listed, removed (their columns and templates are checked by the caller)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.actor import Actor
from access.audit import record
from access.models import RowPolicy
from access.policy import RowPolicyFacts
from errors import InvalidInput, Issue, NotFound

KINDS = ("area", "predicate")


def policies_for(session: Session, dataset_id: str) -> list[RowPolicyFacts]:
    rows = session.scalars(select(RowPolicy).where(RowPolicy.dataset_id == dataset_id).order_by(RowPolicy.id))
    return [RowPolicyFacts(p.kind, p.column, p.template) for p in rows]


def add_policy(session: Session, by: Actor, dataset_id: str, kind: str, column: str = "", template: str = "") -> dict[str, Any]:
    if kind not in KINDS or (kind == "area" and not column) or (kind == "predicate" and not template):
        raise InvalidInput(
            "行策略有误。",
            "The row policy is invalid.",
            [
                Issue(
                    "policy.kind",
                    "行策略须为 area（填写 column）或 predicate（填写 template）。",
                    "A row policy is either kind=area with a column, or kind=predicate with a template.",
                )
            ],
        )
    policy = RowPolicy(dataset_id=dataset_id, kind=kind, column=column, template=template, created_by=by.username)
    session.add(policy)
    session.flush()
    record(session, by.username, "policy.add", "dataset", dataset_id, {"kind": kind, "column": column, "template": template})
    return policy_dict(policy)


def remove_policy(session: Session, by: Actor, policy_id: int) -> None:
    policy = session.get(RowPolicy, policy_id)
    if policy is None:
        raise NotFound("行策略", "row policy")
    record(session, by.username, "policy.remove", "dataset", policy.dataset_id, policy_dict(policy))
    session.delete(policy)


def list_policies(session: Session, dataset_id: str | None = None) -> list[dict[str, Any]]:
    query = select(RowPolicy).order_by(RowPolicy.id)
    if dataset_id:
        query = query.where(RowPolicy.dataset_id == dataset_id)
    return [policy_dict(p) for p in session.scalars(query)]


def policy_dict(policy: RowPolicy) -> dict[str, Any]:
    return {
        "id": policy.id,
        "dataset_id": policy.dataset_id,
        "kind": policy.kind,
        "column": policy.column,
        "template": policy.template,
        "created_by": policy.created_by,
    }
