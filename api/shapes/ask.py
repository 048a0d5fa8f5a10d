"""A question in Chinese or English, and its answer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.shapes.common import Answer, Ask, Cell, Day, Names


class Question(Ask):
    question: str = Field(max_length=500)
    lang: Literal["zh", "en"] | None = Field(default=None, description="the answer's language; the question's when left out")
    today: Day | None = Field(default=None, description="answer as on this day (time words such as this year are read from it)")


class Understood(Answer):
    """The structured query a question was understood as."""

    indicator: str
    grain: str | None
    by: list[str]
    filters: dict[str, Any]
    compare: str | None
    vs_target: bool
    rank: Any = None
    from_: str | None = Field(alias="from")
    to: str | None


class SuggestedTile(Answer):
    type: str
    title: Names
    source: dict[str, Any] = Field(description="{indicator}")
    options: dict[str, str] = Field(description="the values request's options: grain, from, to, by, compare, dimension filters")


class Scope(Answer):
    """What a question named outside the asker's row scope, and what the answer covers instead."""

    message: str = Field(description="你只能查看东城区的数据；以下为东城区的数据。 in the answer's language")
    outside: dict[str, list[str]] = Field(description="per dimension, the values named that the asker may not see")
    shown: dict[str, list[str]] = Field(description="per dimension, the values the answer covers instead")


class Reply(Answer):
    """The answer, with the caller's policies; `answer` is in the question's language; a question not understood is
    422 with suggestions in its issues' detail."""

    query: Understood
    sentence: str = Field(description="the query as a sentence")
    answer: str
    lang: Literal["zh", "en"]
    data_end: str | None
    chart: str
    indicator: str
    unit: str
    notes: list[str] = Field(description="what was left out and why, in the answer's language")
    tile: SuggestedTile = Field(description="the answer as a board tile (save to board): the same request")
    columns: list[str]
    rows: list[list[Cell]]
    scope: Scope | None = Field(default=None, description="present when the question named rows outside the asker's scope")
