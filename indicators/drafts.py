"""The authoring form's fields and the definition data: each field is a dotted path into the definition.

`form_values` reads every field from the data; `apply_form` writes the fields an author changed back into it,
leaving everything the form does not show (second targets, synonyms, …) exactly as it was. Values from the page
are hostile: anything of an unexpected shape is ignored or kept as text for the validator to name.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indicators.yamltext import Path, parts

MAX_FIELD = 2_000
INPUT_LINE = re.compile(r"^\s*(?P<ref>\S+)\s+as\s+(?P<alias>\S+)(?P<flags>(?:\s+\S+)*)\s*$", re.IGNORECASE)
ALL_TYPES = ("simple", "ratio", "derived", "cumulative", "snapshot")
DATASET_TYPES = ("simple", "ratio", "snapshot")


@dataclass(frozen=True)
class Field:
    """One form field: its dotted path, how its value is written, the section it sits in, which types show it."""

    key: str
    kind: str  # text | number | select | lines | list | inputs
    section: str
    types: tuple[str, ...] = ALL_TYPES
    default: str | None = None  # what the definition means when the field is not written


FIELDS: tuple[Field, ...] = (
    Field("id", "text", "basics"),
    Field("name.zh", "text", "basics"),
    Field("name.en", "text", "basics"),
    Field("description.zh", "text", "basics"),
    Field("description.en", "text", "basics"),
    Field("department", "select", "basics"),
    Field("owner", "text", "basics"),
    Field("unit", "text", "basics"),
    Field("decimals", "number", "basics"),
    Field("direction", "select", "basics"),
    Field("sensitivity", "select", "basics", default="internal"),
    Field("dataset", "text", "definition", DATASET_TYPES),
    Field("measure.expr", "text", "definition", ("simple", "snapshot")),
    Field("measure.agg", "select", "definition", ("simple", "snapshot")),
    Field("numerator.expr", "text", "definition", ("ratio",)),
    Field("numerator.agg", "select", "definition", ("ratio",)),
    Field("denominator.expr", "text", "definition", ("ratio",)),
    Field("denominator.agg", "select", "definition", ("ratio",)),
    Field("scale", "number", "definition", ("ratio",)),
    Field("expr", "text", "definition", ("derived",)),
    Field("inputs", "inputs", "definition", ("derived",)),
    Field("input", "text", "definition", ("cumulative",)),
    Field("window.grain_to_date", "select", "definition", ("cumulative",)),
    Field("window.periods", "number", "definition", ("cumulative",)),
    Field("filters", "lines", "definition", DATASET_TYPES),
    Field("time.column", "text", "definition", DATASET_TYPES),
    Field("time.default_grain", "select", "definition", DATASET_TYPES, default="month"),
    Field("dimensions", "list", "definition"),
    Field("targets.0.period", "text", "targets"),
    Field("targets.0.value", "number", "targets"),
    Field("targets.0.split", "select", "targets", default="none"),
    Field("baseline.from", "text", "targets"),
    Field("baseline.to", "text", "targets"),
    Field("thresholds.green", "number", "targets"),
    Field("thresholds.amber", "number", "targets"),
    Field("lineage.source_systems", "list", "targets"),
)
BY_KEY = {f.key: f for f in FIELDS}
# Two ways to give a window: choosing one clears the other.
EXCLUSIVE = {"window.grain_to_date": "window.periods", "window.periods": "window.grain_to_date"}


# -- reading --------------------------------------------------------------------------------------------
def get_path(data: Any, path: Path) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _flag(item: Mapping[str, Any]) -> str:
    flags = ["baseline"] if item.get("baseline") is True else []
    if isinstance(item.get("grain"), str):
        flags.append(f"grain={item['grain']}")
    return " ".join(flags)


def _shown(kind: str, value: Any) -> Any:
    """A data value as its form widget shows it."""
    if value is None:
        return None if kind == "number" else ""
    if kind == "number":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if kind == "list":
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if kind == "lines":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if kind == "inputs":
        if not isinstance(value, list):
            return ""
        lines = [
            " ".join(x for x in (str(i.get("ref", "")), "as", str(i.get("as", "")), _flag(i)) if x) if isinstance(i, dict) else str(i)
            for i in value
        ]
        return "\n".join(lines)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def form_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Every form field's value, read from the definition."""
    return {f.key: _shown(f.kind, _read(data, f)) for f in FIELDS}


def _read(data: Mapping[str, Any], field: Field) -> Any:
    value = get_path(data, parts(field.key))
    return field.default if value is None and field.default is not None else value


# -- writing --------------------------------------------------------------------------------------------
def _input_item(line: str) -> dict[str, Any] | str:
    match = INPUT_LINE.match(line)
    if not match:
        return line.strip()
    item: dict[str, Any] = {"ref": match["ref"], "as": match["alias"]}
    for flag in match["flags"].split():
        if flag.lower() == "baseline":
            item["baseline"] = True
        elif flag.lower().startswith("grain="):
            item["grain"] = flag.split("=", 1)[1]
    return item


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, str) and value.strip():
        try:
            number = float(value)
        except ValueError:
            return value.strip()  # kept as written: the validator names the field
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    return None


def parsed(kind: str, value: Any) -> Any:
    """A widget value as the definition stores it; None means "remove the field"."""
    if kind == "number":
        return _number(value)
    if not isinstance(value, str):
        return None
    value = value[:MAX_FIELD]
    if kind == "list":
        items = [v.strip() for v in re.split(r"[,，、\n]", value) if v.strip()]
        return items or None
    if kind == "lines":
        return [v.strip() for v in value.splitlines() if v.strip()] or None
    if kind == "inputs":
        return [_input_item(v) for v in value.splitlines() if v.strip()] or None
    return value.strip() or None


def _set(data: dict[str, Any], path: Path, value: Any) -> None:
    node: Any = data
    for here, after in itertools.pairwise(path):
        child = node[here] if isinstance(node, list) and isinstance(here, int) and here < len(node) else None
        if isinstance(node, dict) and isinstance(here, str):
            child = node.get(here)
        if not isinstance(child, (dict, list)) or isinstance(after, int) != isinstance(child, list):
            child = [] if isinstance(after, int) else {}
            if isinstance(node, dict) and isinstance(here, str):
                node[here] = child
            elif isinstance(node, list) and isinstance(here, int):
                while len(node) <= here:
                    node.append({})
                node[here] = child
        if isinstance(child, list) and isinstance(after, int):
            while len(child) <= after:
                child.append({})
        node = child
    last = path[-1]
    if isinstance(node, list) and isinstance(last, int):
        if last < len(node):
            node[last] = value
    elif isinstance(node, dict) and isinstance(last, str):
        node[last] = value


def _remove(data: dict[str, Any], path: Path) -> None:
    parent = get_path(data, path[:-1]) if len(path) > 1 else data
    if isinstance(parent, dict) and isinstance(path[-1], str):
        parent.pop(path[-1], None)


def _prune(value: Any) -> Any:
    """Empty mappings and lists left by a removed field go too (an emptied target, an empty `window`)."""
    if isinstance(value, dict):
        return {k: p for k, v in value.items() if (p := _prune(v)) not in ({}, [])}
    if isinstance(value, list):
        return [p for v in value if (p := _prune(v)) not in ({}, [])]
    return value


def pending(base: Any, shown: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the author changed since the form last matched the definition (`base`, the form values then):
    all of them, not just the last one, since a quick second edit can supersede the request that carried the
    first, and none of the fields a newer YAML text changed meanwhile."""
    before = base if isinstance(base, Mapping) else {}
    return {
        key: value
        for key, value in shown.items()
        if key in BY_KEY and parsed(BY_KEY[key].kind, value) != parsed(BY_KEY[key].kind, before.get(key))
    }


def apply_form(data: Mapping[str, Any], changed: Mapping[str, Any]) -> dict[str, Any]:
    """The definition with the changed form fields written into it (unknown keys ignored)."""
    out = copy.deepcopy(dict(data))
    for key, raw in changed.items():
        field = BY_KEY.get(key) if isinstance(key, str) else None
        if field is None:
            continue
        value = parsed(field.kind, raw)
        path = parts(key)
        if value is None:
            _remove(out, parts("time") if key == "time.column" else path)  # no column: no time axis, grain and all
        else:
            _set(out, path, value)
            if key in EXCLUSIVE:
                _remove(out, parts(EXCLUSIVE[key]))
    pruned: dict[str, Any] = _prune(out)
    return pruned
