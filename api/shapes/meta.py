"""Health and the directory: departments and the area tree."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.shapes.common import Answer


class Health(Answer):
    status: Literal["ok"]


class Department(Answer):
    code: str
    name_zh: str
    name_en: str


class Area(Answer):
    code: str
    name_zh: str
    name_en: str | None = None
    level: str = Field(description="city, district or street")
    parent: str | None = None


class Directory(Answer):
    departments: list[Department]
    areas: list[Area]


class Document(Answer):
    """This OpenAPI 3.1 document."""

    open = True
    openapi: str
