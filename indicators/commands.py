"""Indicator commands: create and update a draft, submit it, certify or deprecate the current version.

These are the only writes of authored definitions (the catalog's YAML sync at start-up aside,
indicators/registry.py `sync_catalog`): each validates the definition against the rules, checks who may do
it, owns its transaction, writes its audit record with the change and returns the indicator as stored, or
raises the project's errors. The registry reads; api/ and callbacks/ write through these functions only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.actor import Actor
from access.audit import record as audit
from access.policy import can_author_for
from errors import Conflict, Forbidden, InvalidInput
from indicators.models import IndicatorRecord, IndicatorVersion
from indicators.registry import Registry, add_version, current_row, definition_of, replace_status, without_server_fields
from indicators.rules import RuleContext, validate
from indicators.spec import Indicator, Status, parse_indicator
from store.base import utcnow

OWNER_ONLY = ("只有负责人或管理员可以认证或废弃指标。", "Only the owner or an administrator may certify or deprecate this indicator.")


def create_draft(registry: Registry, actor: Actor, data: object, context: RuleContext) -> Indicator:
    """Validate a new definition and store it as draft version 1 (analysts and admins of its department); audited `indicator.create`."""
    indicator = _checked(actor, data, context)
    with registry.store.transaction() as session:
        if session.get(IndicatorRecord, indicator.id) is not None:
            raise Conflict("指标编号已存在。", f"Indicator {indicator.id!r} already exists; save a new version instead.")
        version = add_version(session, None, indicator, definition_of(indicator), actor.username, Status.DRAFT, origin="store")
        audit(session, actor.username, "indicator.create", "indicator", indicator.id, {"version": version.version})
    return replace_status(indicator, Status.DRAFT, version.version)


def update_draft(registry: Registry, actor: Actor, indicator_id: str, data: object, context: RuleContext) -> Indicator:
    """A changed definition becomes a new draft version (none when nothing changed); the id and department cannot
    move; audited `indicator.update`."""
    existing = registry.get(actor, indicator_id)
    indicator = _checked(actor, data, context)
    if indicator.id != existing.id or indicator.department != existing.department:
        raise Forbidden("不能修改指标编号或所属部门。", "The id and department of an indicator cannot change.")
    with registry.store.transaction() as session:
        record = session.get(IndicatorRecord, indicator_id, with_for_update=True)
        assert record is not None
        if current_row(session, record).definition == definition_of(indicator):
            return existing  # nothing changed: no new version
        version = add_version(session, record, indicator, definition_of(indicator), actor.username, Status.DRAFT, origin=record.origin)
        audit(session, actor.username, "indicator.update", "indicator", indicator.id, {"version": version.version})
    return replace_status(indicator, Status.DRAFT, version.version)


def submit(registry: Registry, actor: Actor, indicator_id: str) -> dict[str, Any]:
    """Ask the owner to certify the current draft (its author or an admin); recorded on the version; audited `indicator.submit`."""
    current = registry.get(actor, indicator_id)
    with registry.store.transaction() as session:
        record = session.get(IndicatorRecord, indicator_id, with_for_update=True)
        assert record is not None
        row = current_row(session, record)
        if row.status != Status.DRAFT.value:
            raise Conflict("只有草稿可以提交认证。", "Only a draft can be submitted for certification.")
        if not (actor.is_admin or row.created_by == actor.username):
            raise Forbidden("只有作者或管理员可以提交认证。", "Only the author or an administrator may submit this draft.")
        row.submitted_by, row.submitted_at = actor.username, utcnow()
        audit(session, actor.username, "indicator.submit", "indicator", indicator_id, {"version": current.version, "owner": current.owner})
    return {"id": indicator_id, "version": current.version, "submitted_by": actor.username, "owner": current.owner}


def certify(registry: Registry, actor: Actor, indicator_id: str) -> Indicator:
    """Certify the current version (the owner, user or role, or an admin; its inputs certified first); audited `indicator.certify`."""
    return _set_status(registry, actor, indicator_id, Status.CERTIFIED)


def deprecate(registry: Registry, actor: Actor, indicator_id: str) -> Indicator:
    """Deprecate the current version (the owner or an admin); audited `indicator.deprecated`."""
    return _set_status(registry, actor, indicator_id, Status.DEPRECATED)


def _set_status(registry: Registry, actor: Actor, indicator_id: str, status: Status) -> Indicator:
    current = registry.get(actor, indicator_id)
    if not (actor.is_admin or current.owner in (actor.username, actor.role.value)):
        raise Forbidden(*OWNER_ONLY)
    with registry.store.transaction() as session:
        record = session.get(IndicatorRecord, indicator_id, with_for_update=True)
        assert record is not None
        row = current_row(session, record)
        if row.version != current.version:  # the current version is a draft this actor may not read
            raise Forbidden(*OWNER_ONLY)
        _check_transition(Status(row.status), status)
        if status is Status.CERTIFIED:
            _check_inputs_published(session, current)
            row.certified_by, row.certified_at = actor.username, utcnow()
        row.status = status.value
        record.status = status.value
        record.updated_at = utcnow()
        action = f"indicator.{'certify' if status is Status.CERTIFIED else status.value}"
        audit(session, actor.username, action, "indicator", indicator_id, {"version": current.version})
    return replace_status(current, status, current.version)


def _checked(actor: Actor, data: object, context: RuleContext) -> Indicator:
    indicator, issues = parse_indicator(without_server_fields(data))
    if indicator is None:
        raise InvalidInput("指标定义有误。", "The indicator definition is invalid.", issues)
    if not can_author_for(actor, indicator.department):
        raise Forbidden("没有为该部门定义指标的权限。", "You may not define indicators for this department.")
    issues = validate(indicator, context)
    if issues:
        raise InvalidInput(f"指标定义有 {len(issues)} 个问题。", f"The indicator definition has {len(issues)} problems.", issues)
    return indicator


def _check_transition(now: Status, wanted: Status) -> None:
    """draft → certified | deprecated; certified → deprecated. A deprecated version stays deprecated: reinstating
    a definition is saving it again as a new draft, which is then certified."""
    if now is wanted:
        raise Conflict(
            f"该版本已是“{ {'certified': '已认证', 'deprecated': '已废弃', 'draft': '草稿'}[now.value] }”状态。",
            f"This version is already {now.value}.",
        )
    if now is Status.DEPRECATED:
        raise Conflict(
            "已废弃的版本不能再认证：请保存为新的草稿版本后再认证。",
            "A deprecated version cannot be certified: save it as a new draft version, then certify that.",
        )


def _check_inputs_published(session: Session, ind: Indicator) -> None:
    """A certified indicator is read by people who may not read drafts: every indicator it is computed from must
    have a certified (or deprecated) version, or they could read nothing of it."""
    refs = list(dict.fromkeys([i.ref for i in ind.inputs] + ([ind.input] if ind.input else [])))
    published = set(
        session.scalars(
            select(IndicatorVersion.indicator_id).where(
                IndicatorVersion.indicator_id.in_(refs), IndicatorVersion.status != Status.DRAFT.value
            )
        )
    )
    waiting = [ref for ref in refs if ref not in published]
    if waiting:
        raise Conflict(
            f"输入指标 {'、'.join(waiting)} 尚未认证：请先认证它，再认证本指标。",
            f"The input indicator {', '.join(waiting)} is not certified yet: certify it first, then this indicator.",
        )
