"""Type inference over every row of the staging table, and the SQL that converts each column.

Text columns are judged in two passes over the whole table: cheap casts for every column, then
date formats (proposed from a sample, verified on all rows) and the rows of stray cells. A type is
chosen only when every non-null cell converts; a column that is mostly numbers or dates with a few
stray cells stays text and is reported, never silently nulled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from datasets.sql import lit, q
from datasets.staged import STAGING
from datasets.types import ColumnType, from_duckdb
from errors import Issue, Severity

NULL_TOKENS = (
    "",
    "NA",
    "N/A",
    "n/a",
    "na",
    "Na",
    "null",
    "NULL",
    "Null",
    "None",
    "none",
    "NaN",
    "nan",
    "-",
    "--",
    "—",
    "——",
    "－",
    "/",
    "#N/A",
    "NULL()",
    "(null)",
    "无",
)
TRUE_TOKENS = ("true", "yes", "y", "t", "是")
FALSE_TOKENS = ("false", "no", "n", "f", "否")
DATE_FORMATS = ("%m/%d/%Y", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d", "%d/%m/%Y", "%d.%m.%Y")
TIMESTAMP_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H时%M分%S秒",
    "%Y年%m月%d日 %H时%M分",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)
MOSTLY = 0.9
SAMPLE_ROWS = 500
# Header words of columns whose digits are codes, not quantities (keep leading zeros).
CODE_WORDS = re.compile(r"(zip|postcode|postal|phone|mobile|tel\b|telephone|fax|id_?card|身份证|邮编|邮政|电话|手机|联系方式|证件)", re.I)
LONG_CODE_DIGITS = 11
THOUSANDS_RE = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?"
# DuckDB's casts alone are too lenient ('1.5' casts to BIGINT 2, '0x1F' to 31, '1_000' to 1000),
# so a number must also have a plain shape.
INT_RE = r"[+-]?[0-9]+"
FLOAT_RE = r"[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?"
GATE_ROWS = 2000


_TOKENS = ", ".join(lit(t) for t in NULL_TOKENS)
_TOKEN_BYTES = max(len(t.encode()) for t in NULL_TOKENS)  # a longer trimmed cell skips the IN test


def _missing(trimmed: str) -> str:
    """Whether a trimmed cell is a missing-value token."""
    return f"(strlen({trimmed}) <= {_TOKEN_BYTES} AND {trimmed} IN ({_TOKENS}))"


def _clean(trimmed: str) -> str:
    return f"(CASE WHEN {_missing(trimmed)} THEN NULL ELSE {trimmed} END)"


def value_expr(column: str) -> str:
    """The cell trimmed, with missing-value tokens as NULL."""
    return _clean(f"trim({q(column)})")


def text_expr(column: str) -> str:
    """A text cell kept as written, missing-value tokens as NULL."""
    return f"(CASE WHEN {_missing(f'trim({q(column)})')} THEN NULL ELSE {q(column)} END)"


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


@dataclass
class Decision:
    """The chosen type of one column and the SQL that produces it from staging."""

    name: str
    type: ColumnType
    expr: str
    unparseable: int = 0
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Needs:
    """Which full-table counts can still change the decision for a column."""

    numbers: bool = True
    timestamps: bool = True
    bools: bool = True


def _stats_sql(v: str, needs: Needs) -> str:
    """Aggregates over the normalized value column `v`; counts that cannot matter are 0."""

    def need(flag: bool, sql: str) -> str:
        return sql if flag else "0"

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
        ]
    )


def _stats_query(conn: duckdb.DuckDBPyConnection, columns: list[str], needs: list[Needs], source: str) -> list[Stats]:
    # Each cell is trimmed once (an inner query), then tested for tokens: measured 40% faster than value_expr.
    trimmed = ", ".join(f"trim({q(c)}) AS t{i}" for i, c in enumerate(columns))
    values = ", ".join(f"{_clean(f't{i}')} AS v{i}" for i in range(len(columns)))
    stats = ", ".join(_stats_sql(f"v{i}", n) for i, n in enumerate(needs))
    sql = f"SELECT {stats} FROM (SELECT {values} FROM (SELECT {trimmed} FROM {source}))"
    row = conn.execute(sql).fetchone()
    assert row is not None
    width = 9
    return [Stats(*[int(x) for x in row[i * width : (i + 1) * width]]) for i in range(len(columns))]


def _needs(sample: Stats) -> Needs:
    """A type one sampled cell already rules out need not be counted over the whole table."""
    if sample.nonnull == 0:
        return Needs()
    numbers = 2 * max(sample.nums + sample.comma_nums, sample.ints) >= sample.nonnull
    return Needs(numbers=numbers, timestamps=sample.timestamps == sample.nonnull, bools=sample.bools == sample.nonnull)


def _collect_stats(conn: duckdb.DuckDBPyConnection, columns: list[str]) -> dict[str, Stats]:
    """Counts over every row, after a sample pass that skips counts which cannot matter."""
    if not columns:
        return {}
    sample = _stats_query(conn, columns, [Needs()] * len(columns), f"(SELECT * FROM {STAGING} LIMIT {GATE_ROWS})")
    full = _stats_query(conn, columns, [_needs(s) for s in sample], STAGING)
    return dict(zip(columns, full, strict=True))


def _date_candidates(conn: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    """Formats that read at least half of a sample of the column's non-null cells, best first."""
    v = value_expr(column)
    formats = DATE_FORMATS + TIMESTAMP_FORMATS
    sql = (
        f"SELECT {', '.join(f'count(try_strptime(v, {lit(f)}))' for f in formats)}, count(v) FROM "
        f"(SELECT {v} AS v FROM {STAGING} WHERE {v} IS NOT NULL LIMIT {SAMPLE_ROWS})"
    )
    row = conn.execute(sql).fetchone()
    assert row is not None
    total = int(row[-1])
    if not total:
        return []
    scored = sorted(
        ((int(n), i, f) for i, (n, f) in enumerate(zip(row[:-1], formats, strict=True)) if int(n) * 2 >= total), key=lambda t: (-t[0], t[1])
    )
    chosen = [f for _, _, f in scored]
    if any(f.startswith("%m/%d") for f in chosen):  # day-first and month-first never mix in one column
        chosen = [f for f in chosen if not f.startswith(("%d/%m", "%d.%m"))]
    return chosen[:4]


def _strptime(v: str, formats: list[str]) -> str:
    return f"try_strptime({v}, [{', '.join(lit(f) for f in formats)}])"


def _is_code_column(label: str, stats: Stats) -> bool:
    return bool(stats.leading_zero) or bool(CODE_WORDS.search(label)) or stats.min_len >= LONG_CODE_DIGITS


def _bad_rows(conn: duckdb.DuckDBPyConnection, condition: str, limit: int = 5) -> tuple[int, ...]:
    # rowid follows file order; +2 turns it into the spreadsheet row (the header is row 1).
    rows = conn.execute(f"SELECT rowid + 2 FROM {STAGING} WHERE {condition} ORDER BY rowid LIMIT {limit}").fetchall()
    return tuple(int(r[0]) for r in rows)


def _stray_issue(label: str, name: str, kind_zh: str, kind_en: str, stray: int, total: int, rows: tuple[int, ...]) -> Issue:
    shown = ", ".join(str(r) for r in rows)
    return Issue(
        "column.stray_text",
        f"列“{label}”的 {total} 个值中大多是{kind_zh}，但有 {stray} 个无法识别（例如第 {shown} 行），已按文本保存。修正这些单元格后重新导入即可得到{kind_zh}类型。",
        f"Column {label!r} is mostly {kind_en} but {stray} of {total} cells are not (e.g. rows {shown}); it was kept as text. "
        f"Fix those cells and re-import to get a {kind_en} column.",
        Severity.WARNING,
        column=name,
        rows=rows,
        detail={"stray": stray, "nonnull": total},
    )


def _decide(conn: duckdb.DuckDBPyConnection, name: str, label: str, stats: Stats) -> Decision:
    v = value_expr(name)
    n = stats.nonnull
    if n == 0:
        return Decision(name, ColumnType.TEXT, text_expr(name))
    if stats.bools == n:
        return Decision(name, ColumnType.BOOLEAN, f"(lower({v}) IN ({', '.join(lit(t) for t in TRUE_TOKENS)}))")
    if stats.ints == n:
        if _is_code_column(label, stats):
            return Decision(name, ColumnType.TEXT, text_expr(name))
        return Decision(name, ColumnType.INTEGER, f"CAST({v} AS BIGINT)")
    if stats.nums == n and not stats.leading_zero:
        return Decision(name, ColumnType.FLOAT, f"CAST({v} AS DOUBLE)")
    if stats.comma_nums and stats.nums + stats.comma_nums == n and not stats.leading_zero:
        plain = f"replace({v}, ',', '')"
        whole = conn.execute(f"SELECT count(*) FILTER (WHERE contains({plain}, '.')) FROM {STAGING}").fetchone()
        if whole is not None and whole[0] == 0:
            return Decision(name, ColumnType.INTEGER, f"CAST({plain} AS BIGINT)")
        return Decision(name, ColumnType.FLOAT, f"CAST({plain} AS DOUBLE)")
    if stats.timestamps == n:
        kind = ColumnType.DATE if stats.max_len <= 10 else ColumnType.TIMESTAMP
        return Decision(name, kind, f"CAST({v} AS {kind.name})")
    formats = _date_candidates(conn, name)
    if formats:
        parsed_sql = _strptime(v, formats)
        row = conn.execute(f"SELECT count({parsed_sql}) FROM {STAGING}").fetchone()
        parsed = int(row[0]) if row else 0
        if parsed == n:
            kind = ColumnType.DATE if all(f in DATE_FORMATS for f in formats) else ColumnType.TIMESTAMP
            return Decision(name, kind, f"CAST({parsed_sql} AS {kind.name})")
        if parsed >= MOSTLY * n:
            rows = _bad_rows(conn, f"{v} IS NOT NULL AND {parsed_sql} IS NULL")
            issue = _stray_issue(label, name, "日期", "dates", n - parsed, n, rows)
            return Decision(name, ColumnType.TEXT, text_expr(name), n - parsed, [issue])
    numeric = max(stats.nums + stats.comma_nums, stats.ints)
    if numeric >= MOSTLY * n and not _is_code_column(label, stats):
        plain = f"replace({v}, ',', '')"
        rows = _bad_rows(conn, f"{v} IS NOT NULL AND TRY_CAST({plain} AS DOUBLE) IS NULL")
        issue = _stray_issue(label, name, "数字", "numbers", n - numeric, n, rows)
        return Decision(name, ColumnType.TEXT, text_expr(name), n - numeric, [issue])
    return Decision(name, ColumnType.TEXT, text_expr(name))


def _typed_decision(name: str, duck_type: str) -> Decision:
    kind = from_duckdb(duck_type)
    if kind is None:
        return Decision(name, ColumnType.TEXT, f"CAST({q(name)} AS VARCHAR)")
    if kind is ColumnType.INTEGER and duck_type.upper() not in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT"):
        return Decision(name, kind, f"CAST({q(name)} AS BIGINT)")
    if kind is ColumnType.TIMESTAMP and duck_type.upper() != "TIMESTAMP":
        return Decision(name, kind, f"CAST({q(name)} AS TIMESTAMP)")
    if kind is ColumnType.FLOAT and duck_type.upper() != "DOUBLE":
        return Decision(name, kind, f"CAST({q(name)} AS DOUBLE)")
    return Decision(name, kind, q(name))


def infer(conn: duckdb.DuckDBPyConnection, names: list[str], labels: list[str]) -> list[Decision]:
    """One decision per staging column, in order; text columns are judged over every row."""
    types = {str(r[0]): str(r[1]) for r in conn.execute(f"DESCRIBE {STAGING}").fetchall()}
    text_columns = [n for n in names if types[n] == "VARCHAR"]
    stats = _collect_stats(conn, text_columns)
    decisions = []
    for name, label in zip(names, labels, strict=True):
        if name in stats:
            decisions.append(_decide(conn, name, label, stats[name]))
        else:
            decisions.append(_typed_decision(name, types[name]))
    return decisions
