"""Starting points for a new definition: a valid template of each type for the author's department.

A template is built from what the author may use — their department's datasets (personal-data columns left out)
and the indicators they may see — so it validates clean as it is, and the author changes it from there.
Switching type keeps what the two types share (names, owner, targets, the dataset and its filters, …).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from datasets.catalog import ColumnInfo, DatasetInfo
from indicators.spec import Agg, Indicator, IndicatorType

TEMPORAL = ("date", "timestamp")
NUMERIC = ("integer", "float", "decimal")
DATASET_TYPES = frozenset({IndicatorType.SIMPLE, IndicatorType.RATIO, IndicatorType.SNAPSHOT})
MEASURE_TYPES = frozenset({IndicatorType.SIMPLE, IndicatorType.SNAPSHOT})
COMMON = (
    "id",
    "name",
    "description",
    "department",
    "owner",
    "unit",
    "decimals",
    "direction",
    "baseline",
    "targets",
    "thresholds",
    "refresh",
    "lineage",
    "sensitivity",
    "synonyms",
)
TYPE_FIELDS = (
    "dataset",
    "measure",
    "numerator",
    "denominator",
    "scale",
    "expr",
    "inputs",
    "input",
    "window",
    "snapshot",
    "filters",
    "time",
)
NAMES = {
    IndicatorType.SIMPLE: ("新建简单指标", "New simple indicator"),
    IndicatorType.RATIO: ("新建比率指标", "New ratio indicator"),
    IndicatorType.DERIVED: ("新建派生指标", "New derived indicator"),
    IndicatorType.CUMULATIVE: ("新建累计指标", "New cumulative indicator"),
    IndicatorType.SNAPSHOT: ("新建时点指标", "New snapshot indicator"),
}
MAX_DIMENSIONS = 3


@dataclass(frozen=True)
class Sources:
    """What a template may draw on: the author's department, the datasets and indicators they may use, ids taken."""

    department: str
    owner: str
    datasets: Sequence[DatasetInfo]
    indicators: Sequence[Indicator]
    taken: frozenset[str] = frozenset()


def domain_of(department: str, indicators: Iterable[Indicator]) -> str:
    """The id prefix the department's indicators use (`services.` for gov_services), else one made from its code."""
    prefixes = Counter(i.id.split(".", 1)[0] for i in indicators if i.department == department and "." in i.id)
    if prefixes:
        return prefixes.most_common(1)[0][0]
    cleaned = re.sub(r"[^a-z0-9_]+", "_", department.lower()).strip("_")
    return cleaned if re.match(r"^[a-z][a-z0-9_]{1,40}$", cleaned) else "city"


def new_id(domain: str, kind: IndicatorType, taken: frozenset[str]) -> str:
    base = f"{domain}.new_{kind.value}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def _columns(info: DatasetInfo, types: Sequence[str], roles: Sequence[str] = ()) -> list[ColumnInfo]:
    return [c for c in info.columns if not c.pii and c.type in types and (not roles or c.role in roles)]


def _dataset(sources: Sources, prefer: str | None, kind: IndicatorType = IndicatorType.SIMPLE) -> DatasetInfo | None:
    """The dataset asked for, else the department's own (for a ratio, one with a yes/no column to count the share
    of: "share of complaints" over the tickets, not "share of answers with an id" over the survey), else any."""
    usable = [d for d in sources.datasets if _columns(d, TEMPORAL)]
    own = [d for d in usable if d.department == sources.department]
    flagged = [d for d in own if _columns(d, ("boolean",))] if kind is IndicatorType.RATIO else []
    # a dataset without dates (a survey, a registry) may be asked for: it makes a timeless indicator, but no snapshot
    asked = next((d for d in sources.datasets if d.id == prefer and (kind is not IndicatorType.SNAPSHOT or d in usable)), None)
    return asked or next(iter(flagged + own + usable), None)


def _dimensions(info: DatasetInfo) -> list[str]:
    names = [c.name for c in info.columns if not c.pii and c.role == "dimension" and c.type == "text"]
    return (["district"] if "district" in names else []) + [n for n in names if n != "district"][: MAX_DIMENSIONS - ("district" in names)]


def _dataset_part(kind: IndicatorType, info: DatasetInfo | None) -> dict[str, Any]:
    """dataset, the measure (or numerator/denominator), time and dimensions over one dataset."""
    if info is None:
        return {"dataset": "", "time": {"column": ""}, "measure": {"expr": "1", "agg": "sum"}}
    time = _columns(info, TEMPORAL, ("time",)) or _columns(info, TEMPORAL)
    keys = _columns(info, ("text",), ("id",)) or time
    counted = keys[0].name if keys else "1"
    measure = next(iter(_columns(info, NUMERIC, ("measure",))), None)
    flag = next(iter(_columns(info, ("boolean",))), None)
    part: dict[str, Any] = {"dataset": info.id}
    if kind is IndicatorType.RATIO:
        condition = flag.name if flag else f"{measure.name} is not null" if measure else f"{counted} is not null"
        part |= {
            "numerator": {"expr": f"case when {condition} then 1 else 0 end", "agg": Agg.SUM.value},
            "denominator": {"expr": "1", "agg": Agg.SUM.value},
            "scale": 100,
        }
    elif kind is IndicatorType.SNAPSHOT and measure is not None:
        part["measure"] = {"expr": measure.name, "agg": Agg.SUM.value}
    else:
        part["measure"] = {"expr": counted, "agg": Agg.COUNT.value}
    if kind is IndicatorType.SNAPSHOT:
        part["snapshot"] = {"choose": "last"}
    if time:  # without one, the indicator is timeless: one value over all the rows
        part["time"] = {"column": time[0].name, "default_grain": "month"}
    part["dimensions"] = _dimensions(info)
    return part


def _input_part(kind: IndicatorType, indicators: Sequence[Indicator], department: str) -> dict[str, Any]:
    """The inputs of a derived or cumulative indicator: one of the department's own indicators."""
    own = [i for i in indicators if i.department == department and i.status.value != "deprecated"] or list(indicators)
    additive = [i for i in own if i.type is IndicatorType.SIMPLE and i.measure is not None and i.measure.agg in (Agg.SUM, Agg.COUNT)]
    if kind is IndicatorType.CUMULATIVE:
        source = next(iter(additive or own), None)
        part: dict[str, Any] = {"input": source.id if source else "", "window": {"grain_to_date": "year"}}
    else:
        source = next((i for i in own if i.baseline is not None and i.type is not IndicatorType.CUMULATIVE), None) or next(iter(own), None)
        ref = source.id if source else ""
        if source is not None and source.baseline is not None:
            part = {
                "expr": "(cur - base) / base * 100",
                "inputs": [{"ref": ref, "as": "cur"}, {"ref": ref, "as": "base", "baseline": True}],
            }
        else:
            part = {"expr": "cur", "inputs": [{"ref": ref, "as": "cur"}]}
    if source is not None:  # a change of the source is better in the source's own direction
        part |= {"dimensions": list(source.dimensions[:MAX_DIMENSIONS]), "direction": source.direction.value if source.direction else None}
        if kind is IndicatorType.CUMULATIVE:
            part |= {"unit": source.unit, "decimals": source.decimals}
    return part


def template(kind: IndicatorType, sources: Sources, prefer_dataset: str | None = None) -> dict[str, Any]:
    """A valid definition of `kind` for the department, owned by the author (ids and names marked "new")."""
    zh, en = NAMES[kind]
    data: dict[str, Any] = {
        "id": new_id(domain_of(sources.department, sources.indicators), kind, sources.taken),
        "name": {"zh": zh, "en": en},
        "department": sources.department,
        "owner": sources.owner,
        "type": kind.value,
    }
    if kind in DATASET_TYPES:
        data |= _dataset_part(kind, _dataset(sources, prefer_dataset, kind))
    else:
        data |= _input_part(kind, sources.indicators, sources.department)
    percent = kind is IndicatorType.RATIO or kind is IndicatorType.DERIVED
    defaults = {"unit": "%" if percent else "count", "decimals": 1 if percent else 0, "direction": "higher_is_better"}
    return data | {k: v for k, v in defaults.items() if data.get(k) is None}


def switch_type(current: Mapping[str, Any], kind: IndicatorType, sources: Sources, saved: bool = False) -> dict[str, Any]:
    """`current` as a `kind`: the common fields stay, the type's own fields come from the template, and what both
    types share (dataset, time, filters and dimensions; a simple or snapshot measure) stays as written. Fields
    still as the old type's template wrote them (a "new …" name, its unit) follow the new type; a saved
    definition keeps its id."""
    before = _kind(current.get("type"))
    dataset = current.get("dataset") if isinstance(current.get("dataset"), str) else None
    untouched = template(before, sources) if before is not None else {}
    # A dataset the author chose (or worked on, or saved) stays; one the old type's template picked, still as it
    # wrote it, gives way to the new type's own choice (a ratio starts from a dataset with a yes/no column).
    as_written = all(current.get(k) == untouched.get(k) for k in ("dataset", "time", "filters", "dimensions", *TYPE_FIELDS))
    chosen = None if as_written and not saved else dataset
    fresh = template(kind, sources, chosen)
    out = {k: current[k] for k in COMMON if k in current}
    out["type"] = kind.value
    out |= {k: v for k, v in fresh.items() if k in TYPE_FIELDS}
    both_dataset = before in DATASET_TYPES and kind in DATASET_TYPES and (chosen is not None or fresh.get("dataset") == dataset)
    if both_dataset:
        out |= {k: current[k] for k in ("dataset", "time", "filters") if k in current}
    if before in MEASURE_TYPES and kind in MEASURE_TYPES and "measure" in current:
        out["measure"] = current["measure"]
    if both_dataset and "dimensions" in current:
        out["dimensions"] = current["dimensions"]
    elif "dimensions" in fresh:
        out["dimensions"] = fresh["dimensions"]
    for key in ("name", "unit", "decimals", "direction") if saved else ("id", "name", "unit", "decimals", "direction"):
        if key not in out or out[key] == untouched.get(key):
            out[key] = fresh.get(key)
    for key in ("id", "name", "department", "owner"):
        out.setdefault(key, fresh.get(key))
    return {k: v for k, v in out.items() if v is not None}


def _kind(value: object) -> IndicatorType | None:
    try:
        return IndicatorType(value) if isinstance(value, str) else None
    except ValueError:
        return None
