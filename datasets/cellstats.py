"""The statistics inference reads from every cell of the staged columns in one pass (what casts, what is a missing
word, what has a digit), asking only what a sample says each column still needs."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from datasets.cellwords import (
    FALSE_TOKENS,
    FEW,
    FLOAT_RE,
    GATE_ROWS,
    INT_RE,
    MISSING_WORDS_SQL,
    THOUSANDS_RE,
    TRUE_TOKENS,
    cleaned,
    has_digit_expr,
    value_expr,
)
from datasets.sql import lit, q
from datasets.staged import STAGING


@dataclass
class Stats:
    nonnull: int
    ints: int
    nums: int
    comma_nums: int
    leading_zero: int
    min_len: int
    max_len: int
    timestamps: int
    bools: int
    tokens: int = 0  # cells holding a missing-value token (NULL_TOKENS), blanks not counted
    words: int = 0  # non-null cells without any digit
    missing_words: int = 0  # of those, recognised missing words (MISSING_WORDS)

    @property
    def digits(self) -> int:
        return self.nonnull - self.words

    @property
    def unknown_words(self) -> int:
        return self.words - self.missing_words

    def few_words(self) -> bool:
        """Whether the unrecognised digitless cells are few enough to become null (the FEW rule)."""
        return self.digits > 0 and self.unknown_words <= FEW * (self.digits + self.unknown_words)


@dataclass(frozen=True)
class Needs:
    """Which full-table counts can still change the decision for a column."""

    numbers: bool = True
    timestamps: bool = True
    bools: bool = True
    words: bool = True


def _stats_sql(t: str, v: str, needs: Needs) -> str:
    """Aggregates over the trimmed column `t` and its normalized value `v`; counts that cannot matter are 0."""

    def need(flag: bool, sql: str) -> str:
        return sql if flag else "0"

    words = needs.words and (needs.numbers or needs.timestamps)
    return ", ".join(
        [
            f"count({v})",
            need(needs.numbers, f"count(TRY_CAST({v} AS BIGINT)) FILTER (WHERE regexp_full_match({v}, {lit(INT_RE)}))"),
            need(needs.numbers, f"count(*) FILTER (WHERE regexp_full_match({v}, {lit(FLOAT_RE)}))"),
            need(needs.numbers, f"count(*) FILTER (WHERE contains({v}, ',') AND regexp_full_match({v}, {lit(THOUSANDS_RE)}))"),
            f"count(*) FILTER (WHERE {v} >= '00' AND {v} < '0:')",  # '0' then a digit (':' follows '9'), by comparison
            f"coalesce(min(length({v})), 0)",
            f"coalesce(max(length({v})), 0)",
            need(needs.timestamps, f"count(TRY_CAST({v} AS TIMESTAMP)) FILTER (WHERE {v}[1] BETWEEN '0' AND '9')"),  # not 'infinity'
            need(needs.bools, f"count(*) FILTER (WHERE lower({v}) IN ({', '.join(lit(t) for t in TRUE_TOKENS + FALSE_TOKENS)}))"),
            need(needs.numbers or needs.timestamps, f"count(*) FILTER (WHERE {v} IS NULL AND {t} <> '')"),
            need(words, f"count(*) FILTER (WHERE NOT {has_digit_expr(v)})"),
            need(words, f"count(*) FILTER (WHERE strlen({v}) <= 12 AND {v} IN ({MISSING_WORDS_SQL}))"),
        ]
    )


_WIDTH = 12


def _stats_query(conn: duckdb.DuckDBPyConnection, columns: list[str], needs: list[Needs], source: str) -> list[Stats]:
    # Each cell is trimmed once (an inner query), then tested for tokens: measured 40% faster than value_expr.
    trimmed = ", ".join(f"trim({q(c)}) AS t{i}" for i, c in enumerate(columns))
    values = ", ".join(f"t{i}, {cleaned(f't{i}')} AS v{i}" for i in range(len(columns)))
    stats = ", ".join(_stats_sql(f"t{i}", f"v{i}", n) for i, n in enumerate(needs))
    sql = f"SELECT {stats} FROM (SELECT {values} FROM (SELECT {trimmed} FROM {source}))"
    row = conn.execute(sql).fetchone()
    assert row is not None
    return [Stats(*[int(x) for x in row[i * _WIDTH : (i + 1) * _WIDTH]]) for i in range(len(columns))]


def _needs(sample: Stats) -> Needs:
    """A type one sampled cell already rules out need not be counted over the whole table."""
    if sample.nonnull == 0:
        return Needs()
    digits = sample.digits
    numbers = digits > 0 and 2 * max(sample.nums + sample.comma_nums, sample.ints) >= digits
    timestamps = digits > 0 and sample.timestamps == digits
    # words are counted over every row only when the sample has some; else only if the column turns out mixed
    return Needs(numbers=numbers, timestamps=timestamps, bools=sample.bools == sample.nonnull, words=sample.words > 0)


def _settled(s: Stats) -> bool:
    """Every non-null cell already reads as one type: words cannot matter."""
    n = s.nonnull
    return n == 0 or n in (s.bools, s.ints, s.nums, s.timestamps) or bool(s.comma_nums and s.nums + s.comma_nums == n)


def _count_words(conn: duckdb.DuckDBPyConnection, columns: list[str], stats: dict[str, Stats]) -> None:
    """Words and recognised missing words over every row, for columns the cheap pass left undecided."""
    if not columns:
        return
    parts = []
    for c in columns:
        v = value_expr(c)
        parts.append(
            f"count(*) FILTER (WHERE {v} IS NOT NULL AND NOT {has_digit_expr(v)}), count(*) FILTER (WHERE {v} IN ({MISSING_WORDS_SQL}))"
        )
    row = conn.execute(f"SELECT {', '.join(parts)} FROM {STAGING}").fetchone()
    assert row is not None
    for i, c in enumerate(columns):
        stats[c].words, stats[c].missing_words = int(row[2 * i]), int(row[2 * i + 1])


def collect_stats(conn: duckdb.DuckDBPyConnection, columns: list[str]) -> dict[str, Stats]:
    """Counts over every row, after a sample pass that skips counts which cannot matter."""
    if not columns:
        return {}
    sample = _stats_query(conn, columns, [Needs()] * len(columns), f"(SELECT * FROM {STAGING} LIMIT {GATE_ROWS})")
    needs = [_needs(s) for s in sample]
    full = dict(zip(columns, _stats_query(conn, columns, needs, STAGING), strict=True))
    later = [c for c, n in zip(columns, needs, strict=True) if (n.numbers or n.timestamps) and not n.words and not _settled(full[c])]
    _count_words(conn, later, full)
    return full
