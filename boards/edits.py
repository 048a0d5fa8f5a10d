"""Edits of a board spec, as pure functions over its dict form: move, add, remove, share, undo.

The page sends commands (requests, never trusted); each edit returns the new spec and a problem for the
user, said in the user's language from boards/words.py ("" for none), and the catalog's `save_board` then
checks everything again (spec rules, edit rights, version).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from boards.spec import MAX_TILES, Visibility
from boards.words import say
from indicators.spec import Indicator

VISIBILITIES = tuple(v.value for v in Visibility)
NEW_TILE_TYPES = ("kpi", "line", "area", "bar", "stacked", "donut", "table", "text")  # a heatmap needs a saved query
MAX_UNDO = 10
MAX_SHARES = 50
SIZES = {
    "kpi": (3, 3),
    "line": (6, 6),
    "area": (6, 6),
    "bar": (4, 6),
    "stacked": (6, 6),
    "donut": (4, 6),
    "heatmap": (6, 6),
    "table": (12, 6),
    "text": (4, 4),
}
NAME = re.compile(r"^[\w.@-]{1,64}$")
CHART = "chart:"  # a palette value naming one of the user's saved charts (a tile of their personal board)

Lookup = Callable[[str], Indicator | None]


def clamp(value: Any, low: int, high: int) -> int:
    number = value if isinstance(value, int) and not isinstance(value, bool) else low
    return max(low, min(high, number))


def move(spec: Mapping[str, Any], places: Any) -> dict[str, Any]:
    """The grid's places for the board's tiles (clamped to the 12 columns); tiles the grid did not report keep theirs."""
    tile_ids = {tile["id"] for tile in spec["tiles"]}
    moved: dict[str, dict[str, Any]] = {}
    for place in places if isinstance(places, list) else []:
        tile_id = place.get("i") if isinstance(place, Mapping) else None
        if isinstance(tile_id, str) and tile_id in tile_ids:
            w = clamp(place.get("w"), 1, 12)
            moved[tile_id] = {
                "i": tile_id,
                "x": clamp(place.get("x"), 0, 12 - w),
                "y": clamp(place.get("y"), 0, 1000),
                "w": w,
                "h": clamp(place.get("h"), 1, 40),
            }
    layout = [moved.pop(p["i"], p) for p in spec["layout"]]
    return {**spec, "layout": layout + list(moved.values())}


def free_id(spec: Mapping[str, Any], kind: str) -> str:
    taken = {tile["id"] for tile in spec["tiles"]}
    return next(f"{kind}_{n}" for n in range(1, MAX_TILES + 2) if f"{kind}_{n}" not in taken)


def _indicator_options(kind: str, indicator: Indicator) -> tuple[dict[str, str] | None, str]:
    grains = [g.value for g in indicator.time.grains] if indicator.time else []
    default = indicator.time.default_grain.value if indicator.time else ""
    dims = sorted(indicator.dimensions, key=lambda d: d != "district")
    if kind == "kpi":
        return {"grain": "year" if "year" in grains else default, "compare": "previous"}, ""
    if kind in ("line", "area"):
        return {"grain": "month" if "month" in grains else default}, ""
    if kind in ("bar", "donut", "stacked"):
        if kind == "donut" and not dims:
            return None, "edit.needs_dimension"
        return {"grain": "year" if "year" in grains else default, "by": ",".join(dims[: 2 if kind == "stacked" else 1])}, ""
    return {}, ""


def new_tile(
    spec: Mapping[str, Any], command: Mapping[str, Any], lookup: Lookup, charts: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, Any] | None, str]:
    """A tile from the palette: an indicator shown as the chosen type, one of the user's saved charts, or text."""
    kind = str(command.get("type")) if command.get("type") in NEW_TILE_TYPES else "kpi"
    title = str(command.get("title") or "")[:200]
    source = str(command.get("indicator") or "")
    if source.startswith(CHART):
        chart = charts.get(source[len(CHART) :])
        if chart is None:
            return None, "edit.unavailable"
        titled = {"zh": title, "en": title} if title else dict(chart.get("title") or {})
        copied = {k: chart[k] for k in ("type", "source", "options") if k in chart}
        return {**copied, "id": free_id(spec, str(chart.get("type"))), "title": titled}, ""
    if kind == "text":
        text = str(command.get("text") or "").strip()
        if not text:
            return None, "edit.need_text"
        return {"id": free_id(spec, kind), "type": "text", "title": {"zh": title, "en": title}, "text": text[:5000]}, ""
    indicator = lookup(source)
    if indicator is None:
        return None, "edit.need_indicator" if not source else "edit.unavailable"
    options, problem = _indicator_options(kind, indicator)
    if options is None:
        return None, problem
    return {
        "id": free_id(spec, kind),
        "type": kind,
        "title": {"zh": title, "en": title},
        "source": {"indicator": indicator.id},
        "options": {k: v for k, v in options.items() if v},
    }, ""


def placed(spec: Mapping[str, Any], tile: Mapping[str, Any]) -> dict[str, Any]:
    """The spec with `tile` appended below the others, sized for its type."""
    w, h = SIZES.get(str(tile.get("type")), (6, 6))
    bottom = max((p["y"] + p["h"] for p in spec["layout"]), default=0)
    return {
        **spec,
        "tiles": [*spec["tiles"], dict(tile)],
        "layout": [*spec["layout"], {"i": tile["id"], "x": 0, "y": bottom, "w": w, "h": h}],
    }


def add(
    spec: Mapping[str, Any], command: Mapping[str, Any], lookup: Lookup, charts: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, Any], str]:
    tile, problem = new_tile(spec, command, lookup, charts)
    return (dict(spec), problem) if tile is None else (placed(spec, tile), "")


def _overlaps(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return bool(a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def compact(layout: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every place moved up as far as it goes, top to bottom (the grid's own vertical compaction), so removing a
    tile leaves no hole; the list keeps its order."""
    settled: list[dict[str, Any]] = []
    for place in sorted(layout, key=lambda p: (p["y"], p["x"])):
        moved = dict(place)
        while moved["y"] > 0 and not any(_overlaps(moved | {"y": moved["y"] - 1}, other) for other in settled):
            moved["y"] -= 1
        settled.append(moved)
    where = {p["i"]: p for p in settled}
    return [where[p["i"]] for p in layout]


def remove(spec: Mapping[str, Any], tile_id: Any) -> dict[str, Any]:
    """The spec without the tile; the tiles below it move up into its place."""
    layout = compact([p for p in spec["layout"] if p["i"] != tile_id])
    return {**spec, "tiles": [x for x in spec["tiles"] if x["id"] != tile_id], "layout": layout}


def share(spec: Mapping[str, Any], command: Mapping[str, Any]) -> dict[str, Any]:
    """Visibility and who it is shared with (user names and department codes, as typed; the board spec checks them)."""
    users = [u.strip() for u in str(command.get("users") or "").replace("，", ",").split(",") if NAME.match(u.strip())]
    departments = [d for d in command.get("departments") or [] if isinstance(d, str) and NAME.match(d)]
    shared = [{"type": "user", "name": u} for u in dict.fromkeys(users)] + [
        {"type": "department", "name": d} for d in dict.fromkeys(departments)
    ]
    visibility = command.get("visibility") if command.get("visibility") in VISIBILITIES else spec.get("visibility")
    return {**spec, "visibility": visibility, "shared_with": shared[:MAX_SHARES]}


def apply(
    spec: Mapping[str, Any],
    undo: list[Any],
    command: Mapping[str, Any],
    lookup: Lookup,
    charts: Mapping[str, Mapping[str, Any]] | None = None,
    lang: str = "zh",
) -> tuple[dict[str, Any], list[Any], str]:
    """One edit command → (new spec, new undo stack, problem for the user in `lang`, "" for none)."""
    op = command.get("op")
    if op == "undo":
        return (dict(undo[-1]), undo[:-1], "") if undo else (dict(spec), undo, _said("edit.nothing_to_undo", command, lang))
    if op == "layout":
        after, problem = move(spec, command.get("layout")), ""
    elif op == "add":
        after, problem = add(spec, command, lookup, charts or {})
    elif op == "remove":
        after, problem = remove(spec, command.get("tile")), ""
    elif op == "share":
        after, problem = share(spec, command), ""
    else:
        return dict(spec), undo, _said("edit.tile_invalid", command, lang)
    return after, ([*undo, dict(spec)][-MAX_UNDO:] if after != spec else undo), _said(problem, command, lang)


def _said(problem: str, command: Mapping[str, Any], lang: str) -> str:
    """A problem code as the user reads it; the tile type asked for (a KPI card unless a known one) fills `{type}`."""
    if not problem:
        return ""
    kind = command.get("type") if command.get("type") in NEW_TILE_TYPES else "kpi"
    return say(problem, lang, type=say(f"tile.{kind}", lang))
