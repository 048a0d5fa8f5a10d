"""The quality profile computed at import: per-column statistics and dataset-level rule checks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from datasets.sql import q
from datasets.types import ColumnRole, ColumnType

EXACT_DISTINCT_ROWS = 500_000  # above this, HyperLogLog estimates (flagged `distinct_approx`)
TOP_VALUES = 5
SAMPLE_ROWS_SHOWN = 5
GAP_MIN = dt.timedelta(days=1)
FEED_ROWS_PER_TIMESTAMP = 2  # several sensors reporting at each instant: a feed, whose gaps are outages
START_WORDS = re.compile(
    r"(creat|submit|filed|file[ _]?date|receiv|report|open|start|begin|request|apply|applica|申请|提交|受理|创建|开始|接报|报警|下单|立案|发起)",
    re.I,
)
MIDDLE_WORDS = re.compile(
    r"(issue|decid|decision|approv|dispatch|assign|arriv|respond|response|accept|派单|派遣|到达|审批|批准|决定|响应|出发)", re.I
)
END_WORDS = re.compile(r"(clos|complet|finish|(^|[^a-z])end|resolv|done|办结|完成|结束|关闭|结案|销号)", re.I)
CAPACITY_WORDS = re.compile(r"(capacity|spaces|total[ _]?spaces|容量|车位|泊位|座位|床位|上限)", re.I)
OCCUPANCY_WORDS = re.compile(r"(count|occupied|used|vehicles|occupancy|在用|占用|已用|停放|数量)", re.I)
MONTHS = {
    **{m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)},
    **{
        m: i
        for i, m in enumerate(
            ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1
        )
    },
    "sept": 9,
    **{f"{i}月": i for i in range(1, 13)},
    **{m: i for i, m in enumerate(["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"], 1)},
}


@dataclass(frozen=True)
class ProfileColumn:
    name: str
    label: str
    type: ColumnType
    role: ColumnRole
    unparseable: int = 0
    pii: bool = False


def _json(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def column_stats(
    conn: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, ColumnType]], rows: int
) -> dict[str, dict[str, Any]]:
    """Completeness, distinct count, min/max and length per column, in one scan."""
    exact = rows <= EXACT_DISTINCT_ROWS
    parts = []
    for name, kind in columns:
        c = q(name)
        distinct = f"count(DISTINCT {c})" if exact else f"approx_count_distinct({c})"
        lo, hi = (f"min({c})", f"max({c})") if (kind.numeric or kind.temporal) else ("NULL", "NULL")
        length = f"max(length({c}))" if kind is ColumnType.TEXT else "NULL"
        mean = f"avg({c})" if kind.numeric else "NULL"
        parts.append(f"count({c}), {distinct}, {lo}, {hi}, {length}, {mean}")
    if not parts:
        return {}
    row = conn.execute(f"SELECT {', '.join(parts)} FROM {table}").fetchone()
    assert row is not None
    out = {}
    for i, (name, _kind) in enumerate(columns):
        count, distinct, lo, hi, length, mean = row[i * 6 : (i + 1) * 6]
        out[name] = {
            "nulls": rows - int(count),
            "completeness": round(int(count) / rows, 4) if rows else 1.0,
            "distinct": int(distinct),
            "distinct_approx": not exact,
            "min": _json(lo),
            "max": _json(hi),
            "max_length": _json(length),
            "mean": round(float(mean), 4) if mean is not None else None,
        }
    return out


def top_values(conn: duckdb.DuckDBPyConnection, table: str, name: str) -> list[dict[str, Any]]:
    c = q(name)
    rows = conn.execute(
        f"SELECT {c}, count(*) AS n FROM {table} WHERE {c} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP_VALUES}"
    ).fetchall()
    return [{"value": _json(v), "count": int(n)} for v, n in rows]


def _hours(span: dt.timedelta) -> str:
    return f"{span.total_seconds() / 3600:g}"


def _minutes(span: dt.timedelta) -> str:
    return f"{span.total_seconds() / 60:.1f}"


def _check(rule: str, severity: str, zh: str, en: str, **detail: Any) -> dict[str, Any]:
    return {"rule": rule, "severity": severity, "message_zh": zh, "message_en": en, **detail}


def _stage_rank(label: str) -> int | None:
    if END_WORDS.search(label):
        return 2
    if MIDDLE_WORDS.search(label):
        return 1
    if START_WORDS.search(label):
        return 0
    return None


def _row_numbers(conn: duckdb.DuckDBPyConnection, table: str, condition: str) -> list[int]:
    rows = conn.execute(f"SELECT rowid + 2 FROM {table} WHERE {condition} ORDER BY rowid LIMIT {SAMPLE_ROWS_SHOWN}").fetchall()
    return [int(r[0]) for r in rows]


def check_durations(conn: duckdb.DuckDBPyConnection, table: str, columns: list[ProfileColumn]) -> list[dict[str, Any]]:
    """End-before-start, zero-duration and missing-end counts for detected start/end pairs."""
    ranked = [(c, r) for c in columns if c.type.temporal and (r := _stage_rank(c.label)) is not None]
    checks = []
    for start, rs in ranked:
        for end, re_ in ranked:
            if rs >= re_:
                continue
            s, e = q(start.name), q(end.name)
            row = conn.execute(
                f"SELECT count(*) FILTER (WHERE {e} < {s}), count(*) FILTER (WHERE {e} = {s}), "
                f"count(*) FILTER (WHERE {s} IS NOT NULL AND {e} IS NULL) FROM {table}"
            ).fetchone()
            assert row is not None
            before, zero, missing = (int(x) for x in row)
            rows = _row_numbers(conn, table, f"{e} < {s}") if before else []
            severity = "warning" if before else "ok"
            checks.append(
                _check(
                    "end_before_start",
                    severity,
                    f"“{end.label}”早于“{start.label}”的行：{before}；两者相同（时长为零）：{zero}；缺少“{end.label}”：{missing}。",
                    f"Rows where {end.label!r} is before {start.label!r}: {before}; equal (zero duration): {zero}; {end.label!r} missing: {missing}.",
                    start=start.name,
                    end=end.name,
                    count=before,
                    zero_duration=zero,
                    missing_end=missing,
                    rows=rows,
                )
            )
    return checks


def check_capacity(conn: duckdb.DuckDBPyConnection, table: str, columns: list[ProfileColumn]) -> list[dict[str, Any]]:
    """Value-above-capacity for detected count/capacity pairs."""
    numeric = [c for c in columns if c.type.numeric]
    capacities = [c for c in numeric if CAPACITY_WORDS.search(c.label)]
    values = [c for c in numeric if OCCUPANCY_WORDS.search(c.label) and c not in capacities]
    checks = []
    for cap in capacities:
        for val in values:
            row = conn.execute(f"SELECT count(*) FILTER (WHERE {q(val.name)} > {q(cap.name)}) FROM {table}").fetchone()
            count = int(row[0]) if row else 0
            rows = _row_numbers(conn, table, f"{q(val.name)} > {q(cap.name)}") if count else []
            checks.append(
                _check(
                    "above_capacity",
                    "warning" if count else "ok",
                    f"“{val.label}”超过“{cap.label}”的行：{count}。",
                    f"Rows where {val.label!r} exceeds {cap.label!r}: {count}.",
                    value=val.name,
                    capacity=cap.name,
                    count=count,
                    rows=rows,
                )
            )
    return checks


def check_gaps(conn: duckdb.DuckDBPyConnection, table: str, columns: list[ProfileColumn]) -> list[dict[str, Any]]:
    """Gaps in a timestamp feed longer than a day and ten times the usual interval."""
    checks = []
    for col in columns:
        if col.type is not ColumnType.TIMESTAMP or col.role is not ColumnRole.TIME:
            continue
        c = q(col.name)
        shares = conn.execute(f"SELECT count({c}), count(DISTINCT {c}) FROM {table}").fetchone()
        if not shares or not shares[1] or shares[0] / shares[1] < FEED_ROWS_PER_TIMESTAMP:
            continue  # event data (requests, permits) rather than a feed: gaps are not outages
        rows = conn.execute(
            f"WITH t AS (SELECT DISTINCT {c} AS ts FROM {table} WHERE {c} IS NOT NULL), "
            f"g AS (SELECT lag(ts) OVER (ORDER BY ts) AS prev, ts, ts - lag(ts) OVER (ORDER BY ts) AS gap FROM t) "
            f"SELECT prev, ts, gap, (SELECT median(epoch(gap)) FROM g) FROM g WHERE gap IS NOT NULL ORDER BY gap DESC LIMIT 5"
        ).fetchall()
        if not rows or rows[0][3] is None:
            continue
        usual = dt.timedelta(seconds=float(rows[0][3]))
        limit = max(GAP_MIN, usual * 10)
        gaps = [{"from": _json(a), "to": _json(b), "hours": round(g.total_seconds() / 3600, 1)} for a, b, g, _ in rows if g > limit]
        checks.append(
            _check(
                "time_gaps",
                "warning" if gaps else "ok",
                f"“{col.label}”的数据有 {len(gaps)} 处超过 {_hours(limit)} 小时的中断（通常间隔 {_minutes(usual)} 分钟）。",
                f"{col.label!r} has {len(gaps)} gaps longer than {_hours(limit)} h (usual interval {_minutes(usual)} min).",
                column=col.name,
                usual_seconds=usual.total_seconds(),
                gaps=gaps,
            )
        )
    return checks


def check_keys(
    conn: duckdb.DuckDBPyConnection, table: str, columns: list[ProfileColumn], rows: int, duplicate_rows: int
) -> list[dict[str, Any]]:
    """Identifiers that repeat, and rows repeating every non-measure value (double counts)."""
    checks = []
    for col in columns:
        if col.role is not ColumnRole.ID or col.pii:  # a person calling twice is not a broken identifier
            continue
        row = conn.execute(f"SELECT count({q(col.name)}) - count(DISTINCT {q(col.name)}) FROM {table}").fetchone()
        repeats = int(row[0]) if row else 0
        checks.append(
            _check(
                "id_repeats",
                "warning" if repeats else "ok",
                f"标识列“{col.label}”有 {repeats} 行与其他行重复。",
                f"Identifier {col.label!r} repeats on {repeats} rows.",
                column=col.name,
                count=repeats,
            )
        )
    keys = [c for c in columns if c.role is not ColumnRole.MEASURE]
    if keys and len(keys) < len(columns):
        row = conn.execute(f"SELECT count(*) - count(DISTINCT hash({', '.join(q(c.name) for c in keys)})) FROM {table}").fetchone()
        dup_keys = int(row[0]) if row else 0
        if dup_keys > duplicate_rows:
            checks.append(
                _check(
                    "duplicate_keys",
                    "warning",
                    f"有 {dup_keys} 行的维度与标识取值与另一行完全相同（度量值不同），可能重复计数。",
                    f"{dup_keys} rows repeat every dimension and identifier value of another row with different measures: possible double counts.",
                    columns=[c.name for c in keys],
                    count=dup_keys,
                )
            )
    return checks


def check_spellings(column: ProfileColumn, top: list[str]) -> dict[str, Any] | None:
    """Values that differ only in case or spacing, or month names written in mixed forms."""
    normal: dict[str, list[str]] = {}
    for value in top:
        normal.setdefault(re.sub(r"[\s_\-.]+", "", value.lower()), []).append(value)
    clashes = [v for vs in normal.values() if len(vs) > 1 for v in vs]
    months = [v for v in top if v.strip().lower() in MONTHS]
    mixed_months = len(months) >= max(3, int(0.8 * len(top))) and len({len(v) <= 3 for v in months}) > 1
    if not clashes and not mixed_months:
        return None
    values = clashes or sorted(months, key=lambda v: MONTHS[v.strip().lower()])
    return _check(
        "inconsistent_spelling",
        "warning",
        f"“{column.label}”中同一取值有不同写法：{', '.join(values)}。",
        f"{column.label!r} writes the same value in different ways: {', '.join(values)}.",
        column=column.name,
        values=values,
    )


def distinct_values(conn: duckdb.DuckDBPyConnection, table: str, name: str, limit: int = 60) -> list[str]:
    rows = conn.execute(f"SELECT DISTINCT CAST({q(name)} AS VARCHAR) FROM {table} WHERE {q(name)} IS NOT NULL LIMIT {limit + 1}").fetchall()
    return [str(r[0]) for r in rows] if len(rows) <= limit else []


def dataset_checks(conn: duckdb.DuckDBPyConnection, table: str, columns: list[ProfileColumn], rows: int) -> dict[str, Any]:
    """Duplicate rows, freshness and every rule check."""
    row = conn.execute(f"SELECT count(*) - count(DISTINCT hash({', '.join(q(c.name) for c in columns)})) FROM {table}").fetchone()
    duplicate_rows = int(row[0]) if row else 0
    freshness = None
    for col in columns:
        if col.type.temporal and col.role is ColumnRole.TIME:
            latest = conn.execute(f"SELECT max({q(col.name)}) FROM {table}").fetchone()
            if latest and latest[0] is not None and (freshness is None or _json(latest[0]) > freshness["latest"]):
                freshness = {"column": col.name, "latest": _json(latest[0])}
    checks = check_durations(conn, table, columns) + check_capacity(conn, table, columns) + check_gaps(conn, table, columns)
    checks += check_keys(conn, table, columns, rows, duplicate_rows)
    for col in columns:
        if col.type is ColumnType.TEXT and col.role is ColumnRole.DIMENSION:
            found = check_spellings(col, distinct_values(conn, table, col.name))
            if found:
                checks.append(found)
    if duplicate_rows:
        checks.insert(
            0,
            _check(
                "duplicate_rows",
                "warning",
                f"有 {duplicate_rows} 行与另一行完全相同。",
                f"{duplicate_rows} rows are exact copies of another row.",
                count=duplicate_rows,
            ),
        )
    return {"duplicate_rows": duplicate_rows, "freshness": freshness, "checks": checks}
