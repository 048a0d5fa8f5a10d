"""The actor: who is asking, as a frozen value every service takes instead of a web user."""

from __future__ import annotations

from dataclasses import dataclass

from access.roles import CITY_WIDE_ROLES, ROLE_PERMISSIONS, Permission, Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    role: Role
    department: str
    area: str | None = None
    display_name: str = ""
    # Loaded with the actor on every request, so grant and policy changes apply at once.
    scope_areas: tuple[str, ...] = ()  # the home area and every area below it (names)
    grants: frozenset[tuple[str, str, str]] = frozenset()  # (object type, object id, level)

    def has(self, permission: Permission) -> bool:
        return permission is Permission.PUBLIC or permission in ROLE_PERMISSIONS[self.role]

    @property
    def city_wide(self) -> bool:
        return self.role in CITY_WIDE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def has_any_write(self) -> bool:
        """Anything beyond reading (leaders read; the other roles also build)."""
        return self.role is not Role.LEADER

    def granted(self, object_type: str, object_id: str, *levels: str) -> bool:
        return any((object_type, object_id, level) in self.grants for level in levels)


SYSTEM = Actor(user_id=0, username="system", role=Role.ADMIN, department="system")
