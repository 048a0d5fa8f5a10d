"""The self-service query: what POST /api/v1/query takes (and a board's query tile keeps), and what it answers."""

from __future__ import annotations

from pydantic import Field

from api.shapes.common import Answer, Cell
from boards.spec import QueryRequest

__all__ = ["QueryAnswer", "QueryRequest"]


class QueryAnswer(Answer):
    columns: list[str]
    rows: list[list[Cell]]
    truncated: bool = Field(description="more rows matched than the limit let through")
