"""Administration: users, departments, areas, grants, row policies, the audit trail, view-as."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.shapes.common import Answer, Ask, Params, Stamp


class User(Answer):
    username: str
    display_name: str
    role: Literal["admin", "analyst", "staff", "leader"]
    department: str | None
    district: str | None = Field(description="the user's row scope: an area name")
    enabled: bool
    is_demo: bool


class Deleted(Answer):
    """What a delete took away: the kind of thing and its name (username, code or dataset id)."""

    deleted: str
    object_type: Literal["user", "department", "area", "dataset"]


class UserList(Answer):
    users: list[User]


class NewUser(Ask):
    username: str
    password: str
    role: Literal["admin", "analyst", "staff", "leader"]
    department: str | None = None
    district: str | None = None
    display_name: str | None = None


class UserChange(Ask):
    """Rights changes end the user's sessions."""

    role: str | None = None
    department: str | None = None
    district: str | None = None
    display_name: str | None = None
    password: str | None = None
    enabled: bool | None = None


class NewDepartment(Ask):
    code: str
    name_zh: str
    name_en: str | None = None


class NewArea(Ask):
    code: str
    name_zh: str
    name_en: str | None = None
    level: Literal["city", "district", "street"]
    parent: str | None = None


class GrantParams(Params):
    object_type: str | None = None
    object_id: str | None = None


class Grant(Answer):
    id: int
    object_type: Literal["dataset", "indicator", "board"]
    object_id: str
    grantee_type: Literal["department", "user"]
    grantee: str
    level: Literal["view", "edit", "unmask"]
    created_by: str


class GrantList(Answer):
    grants: list[Grant]


class NewGrant(Ask):
    object_type: Literal["dataset", "indicator", "board"]
    object_id: str
    grantee_type: Literal["department", "user"]
    grantee: str
    level: Literal["view", "edit", "unmask"] = Field(description="unmask for datasets only")


class PolicyParams(Params):
    dataset: str | None = None


class Policy(Answer):
    id: int
    dataset_id: str
    kind: Literal["area", "predicate"]
    column: str | None
    template: str | None
    created_by: str


class PolicyList(Answer):
    policies: list[Policy]


class NewPolicy(Ask):
    """{dataset, kind: area, column} or {dataset, kind: predicate, template}."""

    dataset: str
    kind: Literal["area", "predicate"]
    column: str | None = None
    template: str | None = None


class AuditParams(Params):
    actor: str | None = None
    action: str | None = Field(default=None, description="a prefix: board. matches board.create, board.save …")
    object: str | None = None
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    limit: int | None = None


class Event(Answer):
    id: int
    at: Stamp
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]
    address: str


class EventList(Answer):
    events: list[Event]
