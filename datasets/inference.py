"""Type inference over every row of the staging table, and the SQL that converts each column.

Text columns are judged in two passes over the whole table: cheap casts for every column, then
date formats (proposed from a sample, verified on all rows) and the rows of stray cells.

The rule for numbers and dates (one rule for both): a column is numeric (or a date) when
  - every cell that holds a digit parses as a number (date) — a cell such as "约12", "0x1F" or
    "A-103" carries information a null would lose, so one of them keeps the column text; and
  - the cells without any digit are recognised missing-value words ("未知", "暂无", "n/a", "—" …,
    any number of them) or are few: at most 5 % of the cells that are neither empty nor such words.
Every cell that becomes null on the way is counted and reported with examples, and the column is
listed as a judgement call that the uploader can overturn before publishing. A column that is at
least 90 % numbers (dates) but fails the rule stays text and is listed too. Digit columns that look
like codes (leading zeros, a code-like header, 11+ digits) stay text and are listed as well.
"""

from __future__ import annotations

import duckdb

from datasets.cellstats import Stats, collect_stats
from datasets.cellwords import (
    CODE_WORDS,
    DATE_FORMATS,
    FALSE_TOKENS,
    FLOAT_RE,
    INT_RE,
    KIND_WORDS,
    LONG_CODE_DIGITS,
    MISSING_WORDS_SQL,
    MOSTLY,
    TIMESTAMP_FORMATS,
    TRUE_TOKENS,
    has_digit_expr,
    text_expr,
    value_expr,
)
from datasets.dateformats import DAY_FIRST, date_formats, strptime_expr
from datasets.judgements import Decision, Judgement
from datasets.sql import lit, q
from datasets.staged import STAGING
from datasets.types import DUCKDB_SQL_TYPE, ColumnType, from_duckdb
from errors import Issue, Severity


# -- helpers ----------------------------------------------------------------------------------
def _code_reason(conn: duckdb.DuckDBPyConnection, name: str, label: str, stats: Stats) -> str | None:
    """Why an all-digit column is a code, not a quantity; None when it is a quantity."""
    if stats.leading_zero:
        return "leading_zeros"
    if CODE_WORDS.search(label):
        return "code_header"
    min_len = stats.min_len
    if stats.words:  # words such as 未知 are short: measure the digit cells only
        v = value_expr(name)
        row = conn.execute(f"SELECT coalesce(min(length({v})), 0) FROM {STAGING} WHERE {has_digit_expr(v)}").fetchone()
        min_len = int(row[0]) if row else 0
    return "long_digits" if min_len >= LONG_CODE_DIGITS else None


def _bad_rows(conn: duckdb.DuckDBPyConnection, condition: str, limit: int = 5) -> tuple[int, ...]:
    # rowid follows file order; +2 turns it into the spreadsheet row (the header is row 1).
    rows = conn.execute(f"SELECT rowid + 2 FROM {STAGING} WHERE {condition} ORDER BY rowid LIMIT {limit}").fetchall()
    return tuple(int(r[0]) for r in rows)


def _examples(conn: duckdb.DuckDBPyConnection, column: str, condition: str) -> tuple[list[str], tuple[int, ...]]:
    """Up to five distinct cells (as written, trimmed) meeting `condition`, most frequent first, and their first rows."""
    rows = conn.execute(
        f"SELECT t, min(r) FROM (SELECT trim({q(column)}) AS t, rowid + 2 AS r FROM {STAGING} WHERE {condition} LIMIT 100) "
        "GROUP BY t ORDER BY count(*) DESC, min(r) LIMIT 5"
    ).fetchall()
    return [str(r[0]) for r in rows], tuple(sorted(int(r[1]) for r in rows))


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


def _missing_issue(label: str, name: str, kind: ColumnType, nulled: int, nonnull: int, examples: list[str], rows: tuple[int, ...]) -> Issue:
    kind_zh, kind_en = KIND_WORDS.get(kind, (kind.value, kind.value))
    shown_zh = "、".join(f"“{e}”" for e in examples)
    shown_en = ", ".join(repr(e) for e in examples)
    return Issue(
        "column.missing_values",
        f"列“{label}”按{kind_zh}保存：{nonnull} 个非空单元格中有 {nulled} 个（例如 {shown_zh}）不是{kind_zh}，已作为空值。",
        f"Column {label!r} was kept as {kind_en}: {nulled} of {nonnull} non-empty cells (e.g. {shown_en}) are not and became empty.",
        Severity.WARNING,
        column=name,
        rows=rows,
        detail={"nulled": nulled, "nonnull": nonnull, "examples": examples},
    )


def _with_missing(conn: duckdb.DuckDBPyConnection, decision: Decision, label: str, stats: Stats, nulled: int, unknown: int) -> Decision:
    """A numeric or date decision; the cells it turns to null (tokens and words) are counted, shown and reported."""
    if not nulled:
        return decision
    examples, rows = _examples(conn, decision.name, f"trim({q(decision.name)}) <> '' AND ({decision.expr}) IS NULL")
    nonnull = stats.nonnull + stats.tokens
    decision.unparseable = unknown
    decision.issues.append(_missing_issue(label, decision.name, decision.type, nulled, nonnull, examples, rows))
    decision.judgement = Judgement("missing_values", decision.type, [ColumnType.TEXT], nulled, nonnull, examples, rows)
    return decision


def _text(name: str) -> Decision:
    return Decision(name, ColumnType.TEXT, text_expr(name))


# -- the decision -----------------------------------------------------------------------------
def _number(conn: duckdb.DuckDBPyConnection, name: str, label: str, stats: Stats) -> Decision | None:
    v = value_expr(name)
    digits, words = stats.digits, stats.words
    nulled = stats.tokens + words
    if not stats.few_words():
        return None
    only_digits = f"CASE WHEN {has_digit_expr(v)} THEN {v} END" if words else v  # words become NULL before the cast
    if stats.ints == digits:
        reason = _code_reason(conn, name, label, stats)
        if reason is not None:
            lz = stats.leading_zero if reason == "leading_zeros" else 0
            return Decision(
                name,
                ColumnType.TEXT,
                text_expr(name),
                judgement=Judgement(reason, ColumnType.TEXT, [ColumnType.INTEGER], lz, stats.nonnull),
            )
        decision = Decision(name, ColumnType.INTEGER, f"CAST({only_digits} AS BIGINT)")
        return _with_missing(conn, decision, label, stats, nulled, stats.unknown_words)
    if stats.leading_zero:
        return None
    if stats.nums == digits:
        return _with_missing(
            conn, Decision(name, ColumnType.FLOAT, f"CAST({only_digits} AS DOUBLE)"), label, stats, nulled, stats.unknown_words
        )
    if stats.comma_nums and stats.nums + stats.comma_nums == digits:
        plain = f"replace({only_digits}, ',', '')"
        whole = conn.execute(f"SELECT count(*) FILTER (WHERE contains({plain}, '.')) FROM {STAGING}").fetchone()
        kind = ColumnType.INTEGER if whole is not None and whole[0] == 0 else ColumnType.FLOAT
        decision = Decision(name, kind, f"CAST({plain} AS {'BIGINT' if kind is ColumnType.INTEGER else 'DOUBLE'})")
        return _with_missing(conn, decision, label, stats, nulled, stats.unknown_words)
    return None


def _date(conn: duckdb.DuckDBPyConnection, name: str, label: str, stats: Stats) -> Decision | None:
    v = value_expr(name)
    nulled = stats.tokens + stats.words
    if stats.digits and stats.timestamps == stats.digits and stats.few_words():
        kind = ColumnType.DATE if stats.max_len <= 10 or stats.words else ColumnType.TIMESTAMP
        if stats.words:
            kind = ColumnType.TIMESTAMP if _has_time(conn, v) else ColumnType.DATE
        cast = "TRY_CAST" if stats.words else "CAST"
        return _with_missing(conn, Decision(name, kind, f"{cast}({v} AS {kind.name})"), label, stats, nulled, stats.unknown_words)
    formats = date_formats(conn, name)
    if not formats:
        return None
    parsed_sql = strptime_expr(v, formats)
    parsed, words, known, tokens = _date_counts(conn, name, parsed_sql)
    digits = stats.nonnull - words
    if 0 < parsed < digits:  # formats beyond the sample: look once more among the cells not read yet
        more = date_formats(conn, name, f"{parsed_sql} IS NULL")
        family_ok = [f for f in more if f not in formats and not _mixed_family([*formats, f])]
        if family_ok:
            formats += family_ok
            parsed_sql = strptime_expr(v, formats)
            parsed, words, known, tokens = _date_counts(conn, name, parsed_sql)
    counted = Stats(stats.nonnull, 0, 0, 0, 0, 0, 0, parsed, 0, tokens, words, known)
    kind = ColumnType.DATE if all(f in DATE_FORMATS for f in formats) else ColumnType.TIMESTAMP
    if parsed == digits and counted.few_words():
        decision = Decision(name, kind, f"CAST({parsed_sql} AS {kind.name})")
        return _with_missing(conn, decision, label, counted, tokens + words, counted.unknown_words)
    considered = stats.nonnull - known
    if considered and parsed >= MOSTLY * considered:
        stray = stats.nonnull - parsed  # as dates these cells would all be empty
        condition = f"{v} IS NOT NULL AND {parsed_sql} IS NULL"
        rows = _bad_rows(conn, condition)
        examples, _ = _examples(conn, name, condition)
        issue = _stray_issue(label, name, "日期", "dates", stray, stats.nonnull, rows)
        judgement = Judgement("stray_cells", ColumnType.TEXT, [kind], stray, stats.nonnull, examples, rows)
        return Decision(name, ColumnType.TEXT, text_expr(name), stray, [issue], judgement)
    return None


def _mixed_family(formats: list[str]) -> bool:
    return any(f.startswith("%m/%d") for f in formats) and any(f.startswith(DAY_FIRST) for f in formats)


def _has_time(conn: duckdb.DuckDBPyConnection, v: str) -> bool:
    row = conn.execute(f"SELECT count(*) FROM {STAGING} WHERE length({v}) > 10 AND TRY_CAST({v} AS TIMESTAMP) IS NOT NULL").fetchone()
    return bool(row and row[0])


def _date_counts(conn: duckdb.DuckDBPyConnection, name: str, parsed_sql: str) -> tuple[int, int, int, int]:
    """Cells the formats read, cells without a digit, recognised missing words and missing-value tokens, over every row."""
    v = value_expr(name)
    row = conn.execute(
        f"SELECT count({parsed_sql}), count(*) FILTER (WHERE {v} IS NOT NULL AND NOT {has_digit_expr(v)}), "
        f"count(*) FILTER (WHERE {v} IN ({MISSING_WORDS_SQL})), count(*) FILTER (WHERE {v} IS NULL AND trim({q(name)}) <> '') FROM {STAGING}"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def _stray_numbers(conn: duckdb.DuckDBPyConnection, name: str, label: str, stats: Stats) -> Decision | None:
    """A text column that is mostly numbers: kept as text, reported, listed as a judgement call."""
    considered = stats.nonnull - stats.missing_words
    numeric = max(stats.nums + stats.comma_nums, stats.ints)
    if not considered or numeric < MOSTLY * considered or _code_reason(conn, name, label, stats) is not None:
        return None
    v = value_expr(name)
    condition = f"{v} IS NOT NULL AND TRY_CAST(replace({v}, ',', '') AS DOUBLE) IS NULL"
    rows = _bad_rows(conn, condition)
    examples, _ = _examples(conn, name, condition)
    stray = stats.nonnull - numeric  # as numbers these cells would all be empty
    issue = _stray_issue(label, name, "数字", "numbers", stray, stats.nonnull, rows)
    kind = ColumnType.INTEGER if stats.ints == numeric else ColumnType.FLOAT
    judgement = Judgement("stray_cells", ColumnType.TEXT, [kind], stray, stats.nonnull, examples, rows)
    return Decision(name, ColumnType.TEXT, text_expr(name), stray, [issue], judgement)


def _decide(conn: duckdb.DuckDBPyConnection, name: str, label: str, stats: Stats) -> Decision:
    v = value_expr(name)
    n = stats.nonnull
    if n == 0:
        return _text(name)
    if stats.bools == n:
        return Decision(name, ColumnType.BOOLEAN, f"(lower({v}) IN ({', '.join(lit(t) for t in TRUE_TOKENS)}))")
    return _number(conn, name, label, stats) or _date(conn, name, label, stats) or _stray_numbers(conn, name, label, stats) or _text(name)


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
    types = staging_types(conn)
    text_columns = [n for n in names if types[n] == "VARCHAR"]
    stats = collect_stats(conn, text_columns)
    decisions = []
    for name, label in zip(names, labels, strict=True):
        if name in stats:
            decisions.append(_decide(conn, name, label, stats[name]))
        else:
            decisions.append(_typed_decision(name, types[name]))
    return decisions


def staging_types(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute(f"DESCRIBE {STAGING}").fetchall()}


# -- a type the uploader chose ----------------------------------------------------------------
def convert_expr(conn: duckdb.DuckDBPyConnection, name: str, duck_type: str, kind: ColumnType) -> str:
    """SQL turning staging column `name` into `kind`; a cell that does not convert becomes NULL."""
    if duck_type != "VARCHAR":
        return f"TRY_CAST({q(name)} AS {DUCKDB_SQL_TYPE[kind]})"
    v = value_expr(name)
    plain = f"replace({v}, ',', '')"
    if kind is ColumnType.TEXT:
        return text_expr(name)
    if kind is ColumnType.INTEGER:
        return f"CASE WHEN regexp_full_match({plain}, {lit(INT_RE)}) THEN TRY_CAST({plain} AS BIGINT) END"
    if kind.numeric:
        return f"CASE WHEN regexp_full_match({plain}, {lit(FLOAT_RE)}) THEN TRY_CAST({plain} AS {DUCKDB_SQL_TYPE[kind]}) END"
    if kind is ColumnType.BOOLEAN:
        true, false = (", ".join(lit(t) for t in tokens) for tokens in (TRUE_TOKENS, FALSE_TOKENS))
        return f"CASE WHEN lower({v}) IN ({true}) THEN TRUE WHEN lower({v}) IN ({false}) THEN FALSE END"
    formats = date_formats(conn, name) or [f for f in DATE_FORMATS + TIMESTAMP_FORMATS if not f.startswith(DAY_FIRST)]
    parsed = f"coalesce(CASE WHEN {v}[1] BETWEEN '0' AND '9' THEN TRY_CAST({v} AS TIMESTAMP) END, {strptime_expr(v, formats)})"
    return f"CAST({parsed} AS {kind.name})"


def overridden(conn: duckdb.DuckDBPyConnection, decision: Decision, label: str, kind: ColumnType) -> Decision:
    """The decision for a type the uploader chose over the inferred one; cells it cannot read are counted and reported."""
    duck_type = staging_types(conn)[decision.name]
    expr = convert_expr(conn, decision.name, duck_type, kind)
    source = value_expr(decision.name) if duck_type == "VARCHAR" else q(decision.name)
    row = conn.execute(f"SELECT count(*) FROM {STAGING} WHERE {source} IS NOT NULL AND ({expr}) IS NULL").fetchone()
    lost = int(row[0]) if row else 0
    kind_zh, kind_en = KIND_WORDS.get(kind, (kind.value, kind.value))
    issue = Issue(
        "column.type_chosen",
        f"列“{label}”按上传者的选择保存为{kind_zh}" + (f"，{lost} 个单元格无法转换，已为空值。" if lost else "。"),
        f"Column {label!r} was kept as {kind_en} as the uploader chose"
        + (f"; {lost} cells could not be converted and are empty." if lost else "."),
        Severity.WARNING,
        column=decision.name,
        detail={"chosen": kind.value, "inferred": decision.type.value, "nulled": lost},
    )
    return Decision(
        decision.name,
        kind,
        expr,
        lost,
        [i for i in decision.issues if i.code not in ("column.stray_text", "column.missing_values")] + [issue],
    )
