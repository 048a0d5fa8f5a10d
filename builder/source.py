"""What the chart builder offers for one source: its fields, the summaries that fit them, groupings, time, filters.

A source is a dataset or an indicator as one actor may use it (builder/sources.py resolves it): its fields
are the data dictionary's columns minus those the actor's policy hides, so nothing here can offer a personal-data
column to someone who may not use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from indicators.charting import CATEGORY_ROLES
from indicators.spec import Agg, Grain

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ROWS = "*"  # the measure "number of records"
NUMERIC = ("integer", "float", "decimal")
TEMPORAL = ("date", "timestamp")
PARTS: dict[str, tuple[str, ...]] = {"hour": ("timestamp",), "dow": TEMPORAL, "month": TEMPORAL}
MEASURE_SLOTS = (1, 2)
AUTO = "auto"
GRAINS = tuple(g.value for g in Grain)
TEXT_AGGS = (Agg.COUNT_DISTINCT, Agg.COUNT)


@dataclass(frozen=True)
class Field:
    """One column of the data dictionary, as the actor may use it."""

    name: str
    label: str
    type: str
    role: str
    description_zh: str = ""
    description_en: str = ""

    def shown(self, lang: str) -> str:
        """The dictionary label, as the builder shows the field (its name stays the value). A Chinese label reads,
        on an English screen, as the name spelled out (speed_kmh: 车速 / Speed kmh)."""
        label = self.label or self.name
        if lang == "en" and CJK.search(label) and not CJK.search(self.name):
            return self.name.replace("_", " ").strip().capitalize()
        return label


@dataclass(frozen=True)
class Source:
    """A dataset or an indicator the actor may use, with the fields the builder offers."""

    kind: str  # "dataset" | "indicator"
    id: str
    name_zh: str
    name_en: str
    fields: tuple[Field, ...]
    dataset: str | None = None  # where filter values are read from (scoped to the actor)
    dimensions: tuple[str, ...] = ()  # an indicator's dimensions
    grains: tuple[str, ...] = GRAINS
    default_grain: str = "month"
    time_column: str | None = None  # an indicator's time column
    additive: bool = True  # an indicator whose members add up to a whole
    unit: str = ""
    hidden_fields: bool = False  # the dictionary has columns the actor may not use (personal data)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    def name(self, lang: str) -> str:
        return (self.name_en or self.name_zh) if lang == "en" else (self.name_zh or self.name_en)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


# -- what the form offers for a source -------------------------------------------------------------
def measure_fields(source: Source) -> list[Field]:
    """Fields a measure may summarise: numbers (not ids), and categories (counted or counted distinct)."""
    return [f for f in source.fields if f.type not in TEMPORAL and not (f.type in NUMERIC and f.role == "id")]


def aggs_for(source: Source, name: str) -> tuple[Agg, ...]:
    if name == ROWS:
        return (Agg.COUNT,)
    found = source.field(name)
    if found is None:
        return ()
    if found.type in NUMERIC and found.role not in CATEGORY_ROLES:
        return (Agg.SUM, Agg.AVG, Agg.MIN, Agg.MAX, Agg.MEDIAN, Agg.P90, Agg.P95, Agg.COUNT, Agg.COUNT_DISTINCT)
    return TEXT_AGGS


def default_agg(source: Source, name: str) -> str:
    """What a clerk most likely means: averages of rates and speeds, totals of counts, distinct members of categories."""
    found = source.field(name)
    if name == ROWS or found is None:
        return Agg.COUNT.value
    if found.type in ("float", "decimal") and found.role not in CATEGORY_ROLES:
        return Agg.AVG.value
    if found.type == "integer" and found.role not in CATEGORY_ROLES:
        return Agg.SUM.value
    return Agg.COUNT_DISTINCT.value


def dimension_options(source: Source) -> list[tuple[str, Field, str]]:
    """(value, field, time part or "") of every grouping: categories, then parts of date/time fields (`<col>.hour`)."""
    if source.kind == "indicator":
        return [(name, source.field(name) or Field(name, name, "text", "dimension"), "") for name in source.dimensions]
    categories = [(f.name, f, "") for f in source.fields if f.role in CATEGORY_ROLES and f.type not in TEMPORAL]
    parts = [(f"{f.name}.{part}", f, part) for f in source.fields for part, kinds in PARTS.items() if f.type in kinds]
    return categories + parts


def time_fields(source: Source) -> list[Field]:
    if source.kind == "indicator":
        found = source.field(source.time_column or "")
        return [found or Field(source.time_column, source.time_column, "timestamp", "time")] if source.time_column else []
    return sorted((f for f in source.fields if f.type in TEMPORAL), key=lambda f: f.role != "time")


def filter_fields(source: Source) -> list[Field]:
    if source.kind == "indicator":
        return [field for _, field, _ in dimension_options(source)] if source.dataset else []
    return list(source.fields)


def filter_kind(source: Source, name: str) -> str:
    """The input that fits a column: a drop-down of its values, a numeric range, or a date range ("" if unknown)."""
    found = next((f for f in filter_fields(source) if f.name == name), None)
    if found is None:
        return ""
    if source.kind == "indicator":
        return "values"
    if found.type in TEMPORAL:
        return "dates"
    if found.type in NUMERIC and found.role not in CATEGORY_ROLES:
        return "range"
    return "values"


def defaults(source: Source) -> dict[str, Any]:
    """A first chart at once: the number of records (or the indicator) by month of the main time field."""
    times = time_fields(source)
    grain = "month" if "month" in source.grains else source.default_grain
    return {
        "measure_1": ROWS if source.kind == "dataset" else "",
        "agg_1": Agg.COUNT.value,
        "measure_2": "",
        "agg_2": Agg.COUNT.value,
        "dimension_1": "",
        "dimension_2": "",
        "time_column": times[0].name if times else "",
        "grain": grain if times or source.kind == "indicator" else "",
        "chart": AUTO,
    }
