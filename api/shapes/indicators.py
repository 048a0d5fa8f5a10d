"""Indicators: the list, a definition and its versions, values with targets and comparison, explain, validate,
preview, submit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.shapes.common import Answer, Ask, Cell, IssueShape, Names, Number, Params, Stamp
from indicators.spec import Indicator as Definition

__all__ = ["Definition"]

GrainName = Literal["hour", "day", "week", "month", "quarter", "year", "all"]
CompareName = Literal["baseline", "previous", "year_ago"]


class IndicatorSummary(Answer):
    id: str
    name: Names
    department: str
    type: str
    status: Literal["draft", "certified", "deprecated"]
    version: int
    unit: str
    direction: str | None
    owner: str


class IndicatorList(Answer):
    indicators: list[IndicatorSummary]


class DefinitionParams(Params):
    version: int | None = Field(default=None, description="an earlier version; the current one when left out")


class DefinitionVersion(Answer):
    version: int
    status: str
    created_at: Stamp
    created_by: str
    certified_by: str | None = None
    certified_at: Stamp | None = None
    submitted_by: str | None = None
    submitted_at: Stamp | None = None
    definition: dict[str, Any] = Field(description="the definition as it was (see Indicator)")


class DefinitionHistory(Answer):
    versions: list[DefinitionVersion]


class ValuesParams(Params):
    """Any other name is a dimension filter (district=东城区)."""

    grain: GrainName | None = Field(default=None, description="hour, day, week, month, quarter, year or all")
    from_: str | None = Field(default=None, alias="from", description="first day, YYYY-MM-DD")
    to: str | None = Field(default=None, description="last day, YYYY-MM-DD")
    by: str | None = Field(default=None, description="comma-separated dimensions")
    compare: CompareName | None = Field(default=None, description="baseline, previous or year_ago")


class ValueRow(Answer):
    """One period (and breakdown): one property per `by` dimension besides these."""

    open = True
    period: str = Field(description="2025, 2025-Q1, 2025-03, 2025-W10, 2025-03-01, or from..to for grain=all")
    value: Number | None
    target: Number | None = None
    attainment: Number | None = None
    status: Literal["green", "amber", "red"] | None = None
    compare_value: Number | None = None
    change: Number | None = None
    change_pct: Number | None = None


class Note(Answer):
    """What was left out and why (a grain, dates or comparison asked of a timeless indicator; a timeless input held constant)."""

    code: str
    severity: str
    message: str
    message_zh: str
    message_en: str


class Values(Answer):
    indicator: str
    name: Names
    unit: str
    direction: str | None
    decimals: int
    grain: str = Field(description="all for one value over the range, and always for a timeless indicator")
    by: list[str]
    compare: CompareName | None
    from_: str | None = Field(alias="from", description="null for a timeless indicator")
    to: str | None
    timeless: bool = Field(default=False, description="no time column: one row per breakdown with period all, over all the data")
    as_of: Stamp | None = Field(default=None, description="timeless only: when its data was loaded, on the city's clock")
    notes: list[Note]
    change_unit: Literal["pp", "%"] | None = Field(
        default=None,
        description="how a change reads: pp (percentage points, `change`) for percent indicators, else % (`change_pct`); "
        "absent for a timeless indicator",
    )
    rows: list[ValueRow]


class Explained(Answer):
    """The compiled SQL and its parameters, without running it."""

    sql: str
    params: dict[str, Cell]
    datasets: list[dict[str, Any]] = Field(description="[{id, data_version}] the query reads")


class Checked(Answer):
    valid: bool
    issues: list[IssueShape]


class PreviewAsk(Ask):
    """Values of an unsaved definition against its targets, with the author's policies."""

    definition: dict[str, Any] = Field(description="a definition (see Indicator)")
    grain: GrainName | None = None
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    by: str | None = None
    compare: CompareName | None = None


class Submitted(Answer):
    id: str
    version: int
    submitted_by: str
    owner: str
