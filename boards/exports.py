"""Tile data as CSV (streamed) and Excel, safe to open: text that a spreadsheet would run as a formula is neutralised.

Text cells starting with = + - @ TAB or CR get a leading apostrophe; real numbers (negative ones too)
stay numbers. Excel output stops at the sheet limit of 1,048,575 data rows and says so.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from access.actor import Actor
from boards.spec import Filters, Tile
from errors import Busy, NotFound
from query.door import Door
from query.scope import area_scopes, dataset_scopes, indicator_scopes, raise_for_scope

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_575
CSV_CHUNK_ROWS = 2000
MAX_CONCURRENT_EXPORTS = 4
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_EXPORTS)


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet should store it: numbers as numbers, formula-like text defused."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_chunks(columns: Sequence[str], rows: Sequence[Sequence[Any]], head: Sequence[Sequence[Any]] = ()) -> Iterator[bytes]:
    """UTF-8 with BOM (so Excel reads Chinese), streamed in chunks; `head` (label, value) rows and a blank row
    come before the column titles (boards/sheet.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    for line in head:
        writer.writerow([safe_cell(v) for v in line])
    if head:
        writer.writerow([])
    writer.writerow([safe_cell(c) for c in columns])
    for start in range(0, len(rows), CSV_CHUNK_ROWS):
        for row in rows[start : start + CSV_CHUNK_ROWS]:
            writer.writerow(["" if v is None else safe_cell(v) for v in row])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def xlsx_bytes(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], sheet: str = "data", head: Sequence[Sequence[Any]] = ()
) -> tuple[bytes, bool]:
    """(workbook bytes, truncated): one sheet — the `head` block and a blank row, then a header row — capped at
    the Excel row limit."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet_title(sheet))
    for line in head:
        ws.append([safe_cell(v) for v in line])
    if head:
        ws.append([])
    ws.append([safe_cell(c) for c in columns])
    for row in rows[: XLSX_MAX_ROWS - (len(head) + 1 if head else 0)]:
        ws.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), len(rows) > XLSX_MAX_ROWS - (len(head) + 1 if head else 0)


def sheet_title(name: str) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("'")
    return cleaned[:31] or "data"


def content_disposition(filename: str) -> str:
    """RFC 6266/5987: an ASCII fallback plus the UTF-8 name, so Chinese file names survive."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename) or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


class ExportSlot:
    """At most MAX_CONCURRENT_EXPORTS exports run at once per process; more are refused (429), not queued."""

    def __enter__(self) -> ExportSlot:
        if not _slots.acquire(blocking=False):
            raise Busy("导出任务过多，请稍后再试。", "Too many exports are running; try again shortly.")
        return self

    def __exit__(self, *_exc: object) -> None:
        _slots.release()


def table_of(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows of a tile's data (indicator rows or query rows)."""
    if data.get("kind") == "query":
        return list(data["columns"]), [list(r) for r in data["rows"]]
    rows = data.get("rows") or []
    by = list(data.get("by") or [])
    columns = ["period", *by, "value", "target", "attainment", "status"] + (
        ["compare_value", "change", "change_pct"] if data.get("compare") else []
    )
    return columns, [[r.get(c) for c in columns] for r in rows]


def tile_scopes(door: Door, actor: Actor, tile: Tile) -> dict[str, tuple[str, ...]]:
    """Column → the values the caller's area scopes allow over the tile's source (the default district scope too)."""
    scopes = area_scopes(actor)
    try:
        if tile.source.indicator:
            scopes |= indicator_scopes(door, actor, door.indicator(actor, tile.source.indicator))
        elif tile.source.query:
            scopes |= dataset_scopes(door, actor, [tile.source.query.dataset])
    except NotFound:  # a source the caller may not read exports nothing (tile_data says so): no scope to check
        pass
    return scopes


def check_filters(door: Door, actor: Actor, tile: Tile, filters: Filters) -> None:
    """A tile's data or export asked with a filter outside the caller's row scope (district=西城区 for 东城区 staff)
    is refused with 403 `outside_scope` naming what they may see, never answered with their own rows under it."""
    raise_for_scope(tile_scopes(door, actor, tile), [(k, v.split(",")) for k, v in filters.dimensions.items() if v], door)


def check_board_filters(door: Door, actor: Actor, filters: Mapping[str, str]) -> None:
    """A board PDF/PNG asked for a district outside the caller's scope: 403 before anything is drawn."""
    raise_for_scope(area_scopes(actor), [(k, v.split(",")) for k, v in filters.items() if k == "district" and v], door)
