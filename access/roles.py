"""Roles and the permissions each grants; permissions are data, checked in one place."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    STAFF = "staff"
    LEADER = "leader"


class Permission(enum.StrEnum):
    """What a callback or endpoint needs; every one declares exactly one."""

    PUBLIC = "public"
    VIEW = "view"  # any signed-in user: read what their scope allows
    IMPORT = "import"  # load or replace datasets
    EDIT_DICTIONARY = "edit_dictionary"
    AUTHOR_INDICATORS = "author_indicators"
    ADMIN = "admin"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ANALYST: frozenset({Permission.VIEW, Permission.IMPORT, Permission.EDIT_DICTIONARY, Permission.AUTHOR_INDICATORS}),
    Role.STAFF: frozenset({Permission.VIEW, Permission.IMPORT}),
    Role.LEADER: frozenset({Permission.VIEW}),
}

# Roles that read every department's datasets (masked PII stays masked for them).
CITY_WIDE_ROLES = frozenset({Role.ADMIN, Role.LEADER})

ROLE_NAMES = {
    Role.ADMIN: ("管理员", "Administrator"),
    Role.ANALYST: ("数据分析师", "Analyst"),
    Role.STAFF: ("业务人员", "Department staff"),
    Role.LEADER: ("领导", "Leader"),
}


def parse_role(text: str) -> Role | None:
    try:
        return Role(text.strip().lower())
    except ValueError:
        return None
