"""The caller's API tokens (never the tokens themselves, but once on creation)."""

from __future__ import annotations

from pydantic import Field

from api.shapes.common import Answer, Ask, Stamp


class Token(Answer):
    id: int
    name: str
    prefix: str = Field(description="the first characters, to tell tokens apart")
    created_at: Stamp
    last_used_at: Stamp | None
    revoked: bool


class TokenList(Answer):
    tokens: list[Token]


class NewToken(Ask):
    name: str = Field(default="", max_length=200)


class Issued(Answer):
    token: str = Field(description="shown once; only its hash is stored")
    name: str
    note: str


class Revoked(Answer):
    revoked: int
