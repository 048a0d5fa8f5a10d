"""A timestamp column derived from date parts split over columns (year, month, day[, hour]).

Many exports store `year`, `month`, `day`, `hour` (or `Yr`, `M`, `D`, `HH`) as separate integers.
When integer columns with such names hold valid ranges, the importer adds one timestamp column
built from them, so the dataset has a time axis for indicators and charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import duckdb

from datasets.sql import q
from datasets.types import ColumnType

PART_NAMES = {
    "year": ("year", "yr", "yyyy", "年", "年份"),
    "month": ("month", "mon", "m", "mm", "月", "月份"),
    "day": ("day", "d", "dd", "日"),
    "hour": ("hour", "hr", "hh", "h", "时", "小时"),
}
RANGES = {"year": (1900, 2100), "month": (1, 12), "day": (1, 31), "hour": (0, 23)}
DERIVED_NAMES = ("observed_at", "date_time", "derived_timestamp")


def find_parts(columns: Sequence[tuple[str, str, ColumnType]]) -> dict[str, str]:
    """Part → column name, when integer columns name at least year, month and day (first match each)."""
    found: dict[str, str] = {}
    for name, label, kind in columns:
        if kind is not ColumnType.INTEGER:
            continue
        key = label.strip().lower()
        for part, words in PART_NAMES.items():
            if part not in found and key in words:
                found[part] = name
    return found if {"year", "month", "day"} <= set(found) else {}


class Derivation(NamedTuple):
    """The timestamp column the parts make: its name, its label (the parts' headers joined by +) and the SQL building it."""

    name: str
    label: str
    expr: str


def propose(conn: duckdb.DuckDBPyConnection, relation: str, columns: Sequence[tuple[str, str, ColumnType]]) -> Derivation | None:
    """The column `add_timestamp` would add to `relation` (a table, or a typed subquery in a preview), or None when
    no integer columns name a year, a month and a day holding valid ranges. Nothing is changed."""
    parts = find_parts(columns)
    if not parts:
        return None
    checks = ", ".join(f"min({q(col)}), max({q(col)})" for col in parts.values())
    row = conn.execute(f"SELECT {checks} FROM {relation}").fetchone()
    assert row is not None
    for i, part in enumerate(parts):
        low, high = row[2 * i], row[2 * i + 1]
        if low is None or low < RANGES[part][0] or high > RANGES[part][1]:
            return None
    existing = {name for name, _, _ in columns}
    name = next((n for n in DERIVED_NAMES if n not in existing or n == derived_name(columns)), DERIVED_NAMES[-1])
    hour = q(parts["hour"]) if "hour" in parts else "0"
    text = f"printf('%04d-%02d-%02d %02d', {q(parts['year'])}, {q(parts['month'])}, {q(parts['day'])}, {hour})"
    labels = {name: label for name, label, _ in columns}
    label = "+".join(labels[parts[part]] for part in PART_NAMES if part in parts)  # year+month+day+hour, as read
    return Derivation(name, label, f"try_strptime({text}, '%Y-%m-%d %H')")


def add_timestamp(conn: duckdb.DuckDBPyConnection, table: str, columns: Sequence[tuple[str, str, ColumnType]]) -> tuple[str, str] | None:
    """Add (or refresh) the derived column when the parts hold valid ranges; returns (name, label) or None."""
    found = propose(conn, table, columns)
    if found is None:
        return None
    conn.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {q(found.name)} TIMESTAMP")
    conn.execute(f"UPDATE {table} SET {q(found.name)} = {found.expr}")
    return found.name, found.label


def derived_name(columns: Sequence[tuple[str, str, ColumnType]]) -> str | None:
    """On append, the column derived by the first load is reused."""
    return next((name for name, label, kind in columns if kind is ColumnType.TIMESTAMP and "+" in label and name in DERIVED_NAMES), None)
