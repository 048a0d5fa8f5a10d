"""The date formats of a text column: proposed from a sample, the fewest that cover every dated cell, verified on
all rows (day-first formats only where month-first cannot be)."""

from __future__ import annotations

import duckdb

from datasets.cellwords import DATE_FORMATS, SAMPLE_ROWS, TIMESTAMP_FORMATS, has_digit_expr, value_expr
from datasets.sql import lit
from datasets.staged import STAGING

DAY_FIRST = ("%d/%m", "%d.%m")


def _greedy(cover: list[list[bool]], formats: list[str]) -> list[str]:
    """Formats that together read the most sampled cells, each adding at least one; best first."""
    left = set(range(len(cover)))
    chosen: list[str] = []
    while left and len(chosen) < 6:
        best, best_n = -1, 0
        for j, f in enumerate(formats):
            if f in chosen:
                continue
            n = sum(1 for i in left if cover[i][j])
            if n > best_n:
                best, best_n = j, n
        if best < 0:
            break
        chosen.append(formats[best])
        left = {i for i in left if not cover[i][best]}
    return chosen


def date_formats(conn: duckdb.DuckDBPyConnection, column: str, where: str = "TRUE") -> list[str]:
    """Formats that read a sample of the column's cells holding digits (mixed formats allowed).

    Day-first and month-first never mix in one column: the family that reads more cells wins.
    """
    v = value_expr(column)
    formats = list(DATE_FORMATS + TIMESTAMP_FORMATS)
    tests = ", ".join(f"try_strptime(v, {lit(f)}) IS NOT NULL" for f in formats)
    rows = conn.execute(
        f"SELECT [{tests}] FROM (SELECT {v} AS v FROM {STAGING} WHERE {v} IS NOT NULL AND {where} LIMIT {SAMPLE_ROWS}) "
        f"WHERE {has_digit_expr('v')}"
    ).fetchall()
    cover = [list(r[0]) for r in rows]
    if not cover:
        return []
    month_first = [f for f in formats if not f.startswith(DAY_FIRST)]
    day_first = [f for f in formats if not f.startswith(("%m/%d",))]

    def reads(chosen: list[str]) -> int:
        idx = [formats.index(f) for f in chosen]
        return sum(1 for c in cover if any(c[j] for j in idx))

    by_month = _greedy([[c[formats.index(f)] for f in month_first] for c in cover], month_first)
    by_day = _greedy([[c[formats.index(f)] for f in day_first] for c in cover], day_first)
    return by_day if reads(by_day) > reads(by_month) else by_month


def strptime_expr(v: str, formats: list[str]) -> str:
    return f"try_strptime({v}, [{', '.join(lit(f) for f in formats)}])"
