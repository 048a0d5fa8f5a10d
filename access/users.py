"""Users: create, authenticate, load the actor of a session or token, and API tokens."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.actor import Actor
from access.departments import area_by_name_or_code, department_by_code
from access.grants import grants_of
from access.models import ApiToken, Area, LoginSession, User
from access.passwords import DUMMY_HASH, MIN_PASSWORD_LENGTH, hash_password, hash_token, new_token, verify_password
from access.roles import Role, parse_role
from errors import Conflict, InvalidInput, Issue, NotFound
from store.base import utcnow

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    department: str,
    district: str | None = None,
    display_name: str = "",
    is_demo: bool = False,
) -> User:
    """Validate every field, report all problems at once, then add the user."""
    issues: list[Issue] = []
    parsed_role = parse_role(role)
    if not USERNAME_RE.match(username):
        issues.append(
            Issue(
                "user.username",
                "用户名须为 2–64 位字母、数字、点、下划线或连字符。",
                "The username must be 2-64 letters, digits, dots, underscores or hyphens.",
                column="username",
            )
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        issues.append(
            Issue(
                "user.password",
                f"密码至少 {MIN_PASSWORD_LENGTH} 位。",
                f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
                column="password",
            )
        )
    if parsed_role is None:
        issues.append(
            Issue(
                "user.role",
                f"角色“{role}”无效：可选 admin、analyst、staff、leader。",
                f"Role {role!r} is invalid: use admin, analyst, staff or leader.",
                column="role",
            )
        )
    dept = department_by_code(session, department)
    if dept is None:
        issues.append(
            Issue(
                "user.department",
                f"部门“{department}”不存在：请先创建该部门。",
                f"Department {department!r} does not exist: create it first.",
                column="department",
            )
        )
    area = area_by_name_or_code(session, district) if district else None
    if district and area is None:
        issues.append(Issue("user.district", f"区域“{district}”不存在。", f"Area {district!r} does not exist.", column="district"))
    if issues:
        raise InvalidInput("用户信息有误。", "The user is invalid.", issues)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"用户“{username}”已存在。", f"User {username!r} already exists.")
    assert dept is not None and parsed_role is not None
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=parsed_role.value,
        department_id=dept.id,
        area_id=area.id if area else None,
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    return user


def _subtree(session: Session, area_id: int) -> tuple[str, ...]:
    """Names of an area and every area below it (a district and its streets)."""
    areas = session.scalars(select(Area)).all()
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    names, stack = [], [a for a in areas if a.id == area_id]
    while stack:
        area = stack.pop()
        names.append(area.name_zh)
        stack.extend(children.get(area.id, []))
    return tuple(names)


def to_actor(user: User, session: Session) -> Actor:
    """The actor of a user with everything policies need, read now (so changes apply on the next request)."""
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        department=user.department.code,
        area=user.area.name_zh if user.area else None,
        display_name=user.display_name,
        scope_areas=_subtree(session, user.area_id) if user.area_id else (),
        grants=grants_of(session, user.username, user.department.code),
    )


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user if the password matches and the account is enabled; same cost either way."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(password, DUMMY_HASH)
        return None
    if not verify_password(password, user.password_hash) or not user.enabled:
        return None
    return user


def open_session(session: Session, user: User, address: str = "") -> str:
    """Record a new signed-in session and return its id (kept in the signed cookie)."""
    sid = secrets.token_urlsafe(24)
    session.add(LoginSession(id=sid, user_id=user.id, address=address[:64]))
    session.flush()
    return sid


def revoke_session(session: Session, sid: str) -> None:
    row = session.get(LoginSession, sid)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def actor_for_session(session: Session, user_id: int, epoch: int, sid: str) -> Actor | None:
    """Re-read the user and the session on every request: logout, disable and role changes apply at once."""
    row = session.get(LoginSession, sid)
    if row is None or row.revoked_at is not None or row.user_id != user_id:
        return None
    user = session.get(User, user_id)
    if user is None or not user.enabled or user.session_epoch != epoch:
        return None
    return to_actor(user, session)


def user_by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户", "user")
    return user


def user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("用户", "user")
    return user


def issue_token(session: Session, username: str, name: str = "") -> str:
    """Create an API token for the user and return it once; only its hash is stored."""
    user = user_by_name(session, username)
    token = new_token()
    session.add(ApiToken(user_id=user.id, name=name, token_hash=hash_token(token), prefix=token[:8]))
    session.flush()
    return token


def list_tokens(session: Session, user_id: int) -> list[dict[str, object]]:
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    return [
        {
            "id": t.id,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked": t.revoked_at is not None,
        }
        for t in rows
    ]


def revoke_token(session: Session, user_id: int, token_id: int) -> None:
    """Revoke one of the user's own tokens; another user's token is NotFound."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound("令牌", "token")
    row.revoked_at = row.revoked_at or utcnow()


def update_user(
    session: Session,
    username: str,
    *,
    role: str | None = None,
    department: str | None = None,
    district: str | None = None,
    enabled: bool | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> User:
    """Change a user; anything that changes what they may do ends their sessions at once (epoch bump)."""
    user = user_by_name(session, username)
    issues: list[Issue] = []
    if role is not None and parse_role(role) is None:
        issues.append(
            Issue("user.role", f"角色“{role}”无效。", f"Role {role!r} is invalid: use admin, analyst, staff or leader.", column="role")
        )
    dept = department_by_code(session, department) if department is not None else None
    if department is not None and dept is None:
        issues.append(
            Issue("user.department", f"部门“{department}”不存在。", f"Department {department!r} does not exist.", column="department")
        )
    area = area_by_name_or_code(session, district) if district else None
    if district and area is None:
        issues.append(Issue("user.district", f"区域“{district}”不存在。", f"Area {district!r} does not exist.", column="district"))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        issues.append(
            Issue(
                "user.password",
                f"密码至少 {MIN_PASSWORD_LENGTH} 位。",
                f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
                column="password",
            )
        )
    if issues:
        raise InvalidInput("用户信息有误。", "The user change is invalid.", issues)
    changed_rights = False
    if role is not None and role != user.role:
        user.role, changed_rights = role, True
    if dept is not None and dept.id != user.department_id:
        user.department, changed_rights = dept, True  # the relationship, so the loaded user reflects it at once
    if district is not None:
        changed_rights = changed_rights or (area.id if area else None) != user.area_id
        user.area = area
    if enabled is not None and enabled != user.enabled:
        user.enabled, changed_rights = enabled, True
    if display_name is not None:
        user.display_name = display_name.strip()[:200]
    if password is not None:
        user.password_hash, changed_rights = hash_password(password), True
    if changed_rights:
        user.session_epoch += 1
    session.flush()
    return user


def user_dict(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "department": user.department.code,
        "district": user.area.name_zh if user.area else None,
        "enabled": user.enabled,
        "is_demo": user.is_demo,
    }


def list_users(session: Session) -> list[dict[str, object]]:
    return [user_dict(u) for u in session.scalars(select(User).order_by(User.username))]


def actor_for_token(session: Session, token: str) -> Actor | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.enabled:
        return None
    return to_actor(user, session)


def touch_token(session: Session, token: str) -> None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is not None:
        row.last_used_at = utcnow()
