"""The indicator definition (DESIGN.md §3) as frozen, typed models; field names are the API contract."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from errors import Issue, field_problem


class IndicatorType(enum.StrEnum):
    SIMPLE = "simple"
    RATIO = "ratio"
    DERIVED = "derived"
    CUMULATIVE = "cumulative"
    SNAPSHOT = "snapshot"


class Status(enum.StrEnum):
    DRAFT = "draft"
    CERTIFIED = "certified"
    DEPRECATED = "deprecated"


class Direction(enum.StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Agg(enum.StrEnum):
    SUM = "sum"
    AVG = "avg"
    COUNT = "count"
    COUNT_DISTINCT = "count_distinct"
    MIN = "min"
    MAX = "max"
    MEDIAN = "median"
    P90 = "p90"
    P95 = "p95"


class Grain(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Sensitivity(enum.StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    SENSITIVE = "sensitive"


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Text(Model):
    zh: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        return (self.en or self.zh) if lang == "en" else (self.zh or self.en)


class Measure(Model):
    expr: str
    agg: Agg


WHOLE = "all"  # the one period of a timeless indicator: its value covers all the rows it may read


class TimeSpec(Model):
    """The time axis; absent for data without one (a survey, a registry): the indicator then has one period, `all`."""

    column: str
    default_grain: Grain = Grain.MONTH
    grains: tuple[Grain, ...] = (Grain.DAY, Grain.WEEK, Grain.MONTH, Grain.QUARTER, Grain.YEAR)


class Baseline(Model):
    from_: str = Field(alias="from")
    to: str


class Split(enum.StrEnum):
    """How a target applies to the shorter periods inside its own: unchanged (rates, averages, indexes) or
    prorated by time (totals and flows: a yearly 100 is about 8.5 for a 31-day month)."""

    NONE = "none"
    PRORATE = "prorate"


class Target(Model):
    period: str
    value: float
    scope: dict[str, str] = Field(default_factory=dict)
    split: Split | None = None  # absent: none


class Thresholds(Model):
    green: float = 1.0
    amber: float = 0.9


class Input(Model):
    """An input of a derived indicator: `baseline` takes its fixed-baseline value; `grain` evaluates it
    at a coarser grain joined on the enclosing period (e.g. yearly population for monthly rates)."""

    ref: str
    as_: str = Field(alias="as")
    baseline: bool = False
    grain: Grain | None = None


class Window(Model):
    grain_to_date: Grain | None = None
    periods: int | None = None


class Snapshot(Model):
    choose: str = "last"


class Lineage(Model):
    source_systems: tuple[str, ...] = ()


class Indicator(Model):
    """One governed definition (口径). Only the fields of its `type` are meaningful; rules check that."""

    id: str
    name: Text
    description: Text = Text()
    department: str
    owner: str
    status: Status = Status.DRAFT
    version: int = 1
    type: IndicatorType
    dataset: str | None = None
    measure: Measure | None = None
    numerator: Measure | None = None
    denominator: Measure | None = None
    scale: float = 1.0
    expr: str | None = None
    inputs: tuple[Input, ...] = ()
    input: str | None = None
    window: Window | None = None
    snapshot: Snapshot | None = None
    filters: tuple[str, ...] = ()
    time: TimeSpec | None = None
    dimensions: tuple[str, ...] = ()
    unit: str = ""
    decimals: int = Field(default=2, ge=0, le=6)
    direction: Direction | None = None
    baseline: Baseline | None = None
    targets: tuple[Target, ...] = ()
    thresholds: Thresholds = Thresholds()
    refresh: str = "daily"
    lineage: Lineage = Lineage()
    sensitivity: Sensitivity = Sensitivity.INTERNAL
    synonyms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the API (aliases such as `from` and `as`, no empty optional fields)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def timeless(ind: Indicator, lookup: Callable[[str], Indicator | None], depth: int = 0) -> bool:
    """Whether `ind` has no time axis: a simple or ratio indicator without `time`, or a derived one whose every
    non-baseline input is timeless (a timeless input of a timed derived indicator holds one value for every period)."""
    if ind.type is IndicatorType.DERIVED:
        refs = [lookup(i.ref) if depth < 8 else None for i in ind.inputs if not i.baseline]
        return bool(refs) and all(r is not None and timeless(r, lookup, depth + 1) for r in refs)
    if ind.type is IndicatorType.CUMULATIVE:
        return False
    return ind.time is None


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc if part != "__root__")


def parse_indicator(data: object) -> tuple[Indicator | None, list[Issue]]:
    """Parse raw JSON/YAML data; every structural problem comes back as an issue naming its field."""
    if not isinstance(data, dict):
        return None, [
            Issue("spec.shape", "指标定义必须是一个对象（键值对）。", "An indicator definition must be an object (key: value pairs).")
        ]
    try:
        return Indicator.model_validate(data), []
    except ValidationError as err:
        ident = data.get("id", "?")
        issues = []
        for e in err.errors():
            field = _location(tuple(e["loc"]))
            zh, en = field_problem(e)
            issues.append(
                Issue(
                    f"spec.{e['type']}", f"指标“{ident}”：字段“{field}”{zh}。", f"Indicator {ident!r}: field {field!r} {en}.", column=field
                )
            )
        return None, issues
