"""Commands of the access noun: every state-changing action on users, departments, areas, grants, row
policies and API tokens, and the audit record of an administrator viewing as a user.

Each command takes (store, actor, …), checks that the actor may act, validates through the services
(access.users, access.departments, access.grants, access.rowpolicies), owns its transaction, writes its
audit record in that transaction and returns a frozen result or raises the project's errors. The API
(api/admin.py, api/tokens.py) and the administration screens (callbacks/admin/) call only these for writes,
so both front ends validate, audit and answer alike.

One module rather than a package: the noun's dozen actions read as one list and stay well under the
house's size limit; split it by subject (users, areas, grants …) when it grows past that.

Row policies are checked against their dataset's columns, which live above this package (the data plane
and the expression checker): the caller passes that check (indicators.policies.check_row_policy) in, so
the command still refuses a policy that does not fit before it stores anything.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access import grants, rowpolicies, users
from access.actor import Actor
from access.audit import record
from access.departments import create_area as _create_area
from access.departments import create_department as _create_department
from access.departments import department_by_code
from access.models import ApiToken, Area, LoginSession, User
from access.passwords import hash_password
from errors import Conflict, Forbidden, NotFound
from store.base import utcnow
from store.engine import Store

RemoveCommand = Callable[[Store, Actor, int], "Removed"]  # remove_grant, remove_row_policy
RowPolicyCheck = Callable[[Store, str, str, str, str], None]  # (store, dataset, kind, column, template); raises UserError


InUseCheck = Callable[[Session, str], None]  # (session, code): raises Conflict naming what still uses it (boards.usage)


@dataclass(frozen=True)
class UserRecord:
    username: str
    display_name: str
    role: str
    department: str
    district: str | None
    enabled: bool
    is_demo: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "department": self.department,
            "district": self.district,
            "enabled": self.enabled,
            "is_demo": self.is_demo,
        }


@dataclass(frozen=True)
class DepartmentRecord:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class AreaRecord:
    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class GrantRecord:
    id: int
    object_type: str
    object_id: str
    grantee_type: str
    grantee: str
    level: str
    created_by: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class PolicyRecord:
    id: int
    dataset_id: str
    kind: str
    column: str
    template: str
    created_by: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class IssuedToken:
    """A new API token, shown this once: only its hash is stored."""

    token: str
    name: str


@dataclass(frozen=True)
class Removed:
    """What a remove/revoke command took away (the thing and its id)."""

    object_type: str
    id: int


@dataclass(frozen=True)
class Deleted:
    """What a delete command took away: the kind of thing and its name (username, code or id)."""

    object_type: str
    id: str


@dataclass(frozen=True)
class ViewAs:
    """The user an administrator looks through: their actor exactly as their own session loads it."""

    target: Actor
    user: UserRecord


def _admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("只有管理员可以执行此操作。", "Only an administrator can do this.")


def _signed_in(actor: Actor) -> None:
    if actor.user_id <= 0:
        raise Forbidden("请先登录。", "Sign in first.")


def _user_record(user: User) -> UserRecord:
    return UserRecord(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        department=user.department.code,
        district=user.area.name_zh if user.area else None,
        enabled=user.enabled,
        is_demo=user.is_demo,
    )


# -- users --------------------------------------------------------------------------------------------
def create_user(
    store: Store,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    department: str,
    district: str | None = None,
    display_name: str = "",
    address: str = "",
) -> UserRecord:
    """Add a user (every problem reported at once; a taken username is a conflict). The password is used
    exactly as given: callers do not trim it."""
    _admin(actor)
    with store.transaction() as db:
        created = _user_record(users.create_user(db, username, password, role, department, district or None, display_name))
        detail = {k: v for k, v in created.to_dict().items() if k != "is_demo"}
        record(db, actor.username, "user.create", "user", created.username, detail, address)
    return created


def update_user(store: Store, actor: Actor, username: str, fields: dict[str, Any], *, address: str = "") -> UserRecord:
    """Change role, department, district, display name, password or enabled; anything that changes what the
    user may do ends their sessions. The audit record never holds the password."""
    _admin(actor)
    with store.transaction() as db:
        changed = _user_record(users.update_user(db, username, **fields))
        detail = {k: ("***" if k == "password" else v) for k, v in fields.items()}
        record(db, actor.username, "user.update", "user", username, detail, address)
    return changed


def delete_user(store: Store, actor: Actor, username: str, *, address: str = "") -> Deleted:
    """Take a user away for good but keep their row, so the audit trail and what they own still name them:
    disabled, every session ended, every token revoked and the password replaced by a random one, so the
    name can no longer sign in (re-enabling it needs a new password). An administrator cannot delete themself."""
    _admin(actor)
    if username == actor.username:
        raise Conflict("不能删除自己的账号：请让另一位管理员操作。", "You cannot delete your own account: ask another administrator.")
    with store.transaction() as db:
        user = users.user_by_name(db, username)
        now = utcnow()
        tokens = list(db.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))))
        sessions = list(db.scalars(select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))))
        for token in tokens:
            token.revoked_at = now
        for login in sessions:
            login.revoked_at = now
        user.enabled = False
        user.session_epoch += 1
        user.password_hash = hash_password(secrets.token_urlsafe(32))
        detail = {"tokens_revoked": len(tokens), "sessions_ended": len(sessions)}
        record(db, actor.username, "user.delete", "user", username, detail, address)
    return Deleted("user", username)


def view_as(
    store: Store, actor: Actor, username: str, object_type: str, object_id: str, detail: dict[str, Any], *, address: str = ""
) -> ViewAs:
    """Load the user to look through and record that the administrator looked (object: what was looked at)."""
    _admin(actor)
    with store.transaction() as db:
        user = users.user_by_name(db, username)
        seen = ViewAs(users.to_actor(user, db), _user_record(user))
        record(db, actor.username, "admin.view_as", object_type, object_id, detail, address)
    return seen


# -- departments and areas ----------------------------------------------------------------------------
def create_department(store: Store, actor: Actor, code: str, name_zh: str, name_en: str = "", *, address: str = "") -> DepartmentRecord:
    _admin(actor)
    with store.transaction() as db:
        dept = _create_department(db, code, name_zh, name_en)
        created = DepartmentRecord(dept.code, dept.name_zh, dept.name_en)
        record(db, actor.username, "department.create", "department", dept.code, None, address)
    return created


def create_area(
    store: Store, actor: Actor, code: str, name_zh: str, name_en: str, level: str, parent: str | None = None, *, address: str = ""
) -> AreaRecord:
    """Add an area under its parent (code, name and level checked; a code or name already used is a conflict)."""
    _admin(actor)
    with store.transaction() as db:
        area = _create_area(db, code, name_zh, name_en, level, parent or None)
        above = db.get(Area, area.parent_id) if area.parent_id is not None else None
        created = AreaRecord(area.code, area.name_zh, area.name_en, area.level, above.code if above else None)
        record(db, actor.username, "area.create", "area", area.code, None, address)
    return created


def delete_department(store: Store, actor: Actor, code: str, in_use: InUseCheck, *, address: str = "") -> Deleted:
    """Delete a department nothing uses any more; otherwise a conflict naming its users, datasets, indicators,
    boards and grants (found by `uses`, boards.usage.department_uses)."""
    _admin(actor)
    with store.transaction() as db:
        dept = department_by_code(db, code)
        if dept is None:
            raise NotFound(f"部门“{code}”", f"department {code!r}")
        in_use(db, code)
        db.delete(dept)
        record(db, actor.username, "department.delete", "department", code, {"name_zh": dept.name_zh}, address)
    return Deleted("department", code)


def delete_area(store: Store, actor: Actor, code: str, in_use: InUseCheck, *, address: str = "") -> Deleted:
    """Delete an area nothing uses any more; otherwise a conflict naming its users and child areas
    (`in_use`: boards.usage.refuse_area_delete)."""
    _admin(actor)
    with store.transaction() as db:
        area = db.scalar(select(Area).where(Area.code == code))
        if area is None:
            raise NotFound(f"区域“{code}”", f"area {code!r}")
        in_use(db, code)
        db.delete(area)
        record(db, actor.username, "area.delete", "area", code, {"name_zh": area.name_zh}, address)
    return Deleted("area", code)


# -- grants and row policies (their services write the audit record in the same transaction) ----------
def add_grant(store: Store, actor: Actor, object_type: str, object_id: str, grantee_type: str, grantee: str, level: str) -> GrantRecord:
    _admin(actor)
    with store.transaction() as db:
        added = grants.add_grant(db, actor, object_type, object_id, grantee_type, grantee, level)
    return GrantRecord(**added)


def remove_grant(store: Store, actor: Actor, grant_id: int) -> Removed:
    _admin(actor)
    with store.transaction() as db:
        grants.remove_grant(db, actor, grant_id)
    return Removed("grant", grant_id)


def add_row_policy(
    store: Store, actor: Actor, dataset_id: str, kind: str, column: str, template: str, check: RowPolicyCheck
) -> PolicyRecord:
    """Store a row policy after `check` found it fits the dataset (a column it has, a valid template)."""
    _admin(actor)
    check(store, dataset_id, kind, column, template)
    with store.transaction() as db:
        added = rowpolicies.add_policy(db, actor, dataset_id, kind, column, template)
    return PolicyRecord(**added)


def remove_row_policy(store: Store, actor: Actor, policy_id: int) -> Removed:
    _admin(actor)
    with store.transaction() as db:
        rowpolicies.remove_policy(db, actor, policy_id)
    return Removed("row_policy", policy_id)


# -- one's own API tokens -----------------------------------------------------------------------------
def create_token(store: Store, actor: Actor, name: str, *, address: str = "") -> IssuedToken:
    """A new token for the actor themself."""
    _signed_in(actor)
    with store.transaction() as db:
        token = users.issue_token(db, actor.username, name)
        record(db, actor.username, "token.create", "user", actor.username, {"name": name}, address)
    return IssuedToken(token, name)


def revoke_token(store: Store, actor: Actor, token_id: int, *, address: str = "") -> Removed:
    """Revoke one of the actor's own tokens; another user's token is NotFound."""
    _signed_in(actor)
    with store.transaction() as db:
        users.revoke_token(db, actor.user_id, token_id)
        record(db, actor.username, "token.revoke", "user", actor.username, {"token_id": token_id}, address)
    return Removed("token", token_id)
