"""Departments and the area tree: create, list, look up."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import Area, Department
from errors import Conflict, InvalidInput, Issue

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
AREA_LEVELS = ("city", "district", "street")


@dataclass(frozen=True)
class AreaNode:
    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str | None


def create_department(session: Session, code: str, name_zh: str, name_en: str = "") -> Department:
    """Add a department; the code is a stable lower_snake identifier."""
    code = code.strip()
    issues = []
    if not CODE_RE.match(code):
        issues.append(
            Issue(
                "department.code",
                f"部门代码“{code}”无效：请使用小写字母开头的字母、数字或下划线（2–64 位）。",
                f"Department code {code!r} is invalid: use 2-64 lowercase letters, digits or underscores, starting with a letter.",
            )
        )
    if not name_zh.strip():
        issues.append(Issue("department.name", "部门名称不能为空。", "The department name must not be empty."))
    if issues:
        raise InvalidInput("部门信息有误。", "The department is invalid.", issues)
    if session.scalar(select(Department).where(Department.code == code)) is not None:
        raise Conflict(f"部门“{code}”已存在。", f"Department {code!r} already exists.")
    dept = Department(code=code, name_zh=name_zh.strip(), name_en=(name_en or name_zh).strip())
    session.add(dept)
    session.flush()
    return dept


def department_by_code(session: Session, code: str) -> Department | None:
    return session.scalar(select(Department).where(Department.code == code))


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.code)))


def create_area(session: Session, code: str, name_zh: str, name_en: str, level: str, parent: str | None = None) -> Area:
    """Add an area under its parent; every problem is reported at once. A code that is already an area's code
    or name, or a Chinese name already used, is a conflict (areas are looked up by either)."""
    issues = []
    if level not in AREA_LEVELS:
        issues.append(
            Issue(
                "area.level",
                "区域层级须为 city、district 或 street。",
                f"The area level must be one of {', '.join(AREA_LEVELS)}.",
                column="level",
            )
        )
    if not CODE_RE.match(code.strip()):
        issues.append(
            Issue(
                "area.code",
                "区域代码须为 2–64 位小写字母、数字或下划线，并以字母开头。",
                "The area code must be 2-64 lowercase letters, digits or underscores, starting with a letter.",
                column="code",
            )
        )
    if not name_zh.strip():
        issues.append(Issue("area.name", "区域名称不能为空。", "The area name must not be empty.", column="name_zh"))
    if issues:
        raise InvalidInput("区域信息有误。", "The area is invalid.", issues)
    if area_by_name_or_code(session, code) is not None:  # a code may not read as another area's code or name
        raise Conflict(f"区域“{code.strip()}”已存在。", f"Area {code.strip()!r} already exists.")
    if session.scalar(select(Area).where(Area.name_zh == name_zh.strip())) is not None:
        raise Conflict(
            f"区域名称“{name_zh.strip()}”已被使用：请换一个名称。",
            f"The area name {name_zh.strip()!r} is already used: choose another name.",
        )
    parent_id = None
    if parent is not None:
        parent_area = area_by_name_or_code(session, parent)
        if parent_area is None:
            raise InvalidInput(f"上级区域“{parent}”不存在。", f"Parent area {parent!r} does not exist.")
        parent_id = parent_area.id
    area = Area(code=code.strip(), name_zh=name_zh.strip(), name_en=(name_en or name_zh).strip(), level=level, parent_id=parent_id)
    session.add(area)
    session.flush()
    return area


def area_by_name_or_code(session: Session, text: str) -> Area | None:
    text = text.strip()
    return session.scalar(select(Area).where((Area.code == text) | (Area.name_zh == text) | (Area.name_en == text)))


def area_tree(session: Session) -> list[AreaNode]:
    """Every area with its parent's code, parents before children."""
    areas = list(session.scalars(select(Area).order_by(Area.id)))
    by_id = {a.id: a for a in areas}
    order = {level: i for i, level in enumerate(AREA_LEVELS)}
    areas.sort(key=lambda a: (order.get(a.level, 9), a.id))
    return [AreaNode(a.code, a.name_zh, a.name_en, a.level, by_id[a.parent_id].code if a.parent_id in by_id else None) for a in areas]


def place_names(session: Session) -> dict[str, tuple[str, str]]:
    """Every area and department by its Chinese and its English name, as (Chinese, English): data that holds
    these names is shown in the reader's language."""
    names: dict[str, tuple[str, str]] = {}
    for zh, en in [*session.execute(select(Area.name_zh, Area.name_en)), *session.execute(select(Department.name_zh, Department.name_en))]:
        for name in (zh, en):
            if name:
                names.setdefault(name, (zh, en))
    return names
