"""The expression allowlist: SECURITY.md C1–C2 payloads refused, accepted ones compile to one SELECT."""

from __future__ import annotations

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from access.policy import DataPolicy, RowScope
from indicators.expressions import check
from indicators.sqlparts import Source
from query.selfservice import parse_query

COLUMNS = {
    "district": "text",
    "speed": "float",
    "free_flow": "float",
    "created_at": "timestamp",
    "closed_at": "timestamp",
    "visits": "integer",
}
SOURCE = Source("speeds", "ds", "x.duckdb", 3, COLUMNS, DataPolicy((RowScope("district", ("东城区",)),)))

ACCEPTED = [
    "free_flow / speed",
    "case when date_diff('hour', created_at, closed_at) <= 72 then 1 else 0 end",
    "district in ('东城区', '西城区')",
    "coalesce(speed, 0) + abs(visits) - round(speed, 1)",
    "greatest(speed, free_flow) / nullif(least(speed, 1), 0)",
    "date_part('hour', created_at) between 7 and 9",
    "extract(year from created_at) = 2025",
    "hour(created_at) in (7, 8, 17, 18)",
    "cast(visits as double) * 1.5",
    "not (closed_at is null) and district like '东%'",
    "visits % 2 = 0 or -speed < 3",
]

PAYLOADS = [
    # C1: subqueries, set operations, DDL/DML, comments, several statements
    "(select count(*) from users)",
    "speed in (select speed from ds.data)",
    "1 union select password from users",
    "speed; drop table data",
    "speed; attach '/etc/passwd' as p",
    "speed -- comment",
    "speed /* hi */ + 1",
    "exists (select 1)",
    "(with x as (select 1) select * from x)",
    "drop table data",
    "insert into data values (1)",
    "delete from data",
    "update data set speed = 0",
    "create table t as select 1",
    "copy data to '/tmp/x.csv'",
    # C2: DuckDB escapes
    "read_csv('/etc/passwd')",
    "read_text('/etc/passwd')",
    "glob('/*')",
    "getenv('HOME')",
    "read_parquet('s3://x/y')",
    "read_json_auto('/etc/passwd')",
    "query('select 1')",
    "query_table('data')",
    "current_setting('memory_limit')",
    "pragma_version()",
    "duckdb_settings()",
    "sniff_csv('/etc/passwd')",
    "install httpfs",
    "load httpfs",
    "set memory_limit='1TB'",
    "pragma database_list",
    "attach '/tmp/x' as x",
    "main.data.speed",
    "ds.data.speed",
    '"ds"."data".speed',
    "x.speed",
    # other constructs outside the language
    "speed || 'x'",
    "$1",
    "?",
    ":name",
    "*",
    "sum(speed)",
    "count(*)",
    "row_number() over ()",
    "list_value(1, 2)",
    "[1, 2]",
    "{'a': 1}",
    "speed::blob",
    "lambda x: x",
    "regexp_matches(district, '.*')",
    "string_agg(district, ',')",
    "substr(district, 1, 2)",
    "x" * 3000,
    "(" * 200 + "1" + ")" * 200,
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_expressions(text: str) -> None:
    checked, issues = check(text, COLUMNS, "t")
    assert issues == [] and checked is not None


@pytest.mark.parametrize("text", PAYLOADS, ids=[p[:30] for p in PAYLOADS])
def test_payloads_are_refused_without_echoing_them(text: str) -> None:
    checked, issues = check(text, COLUMNS, "t")
    assert checked is None and issues
    for issue in issues:
        for message in (issue.message_en, issue.message_zh):
            assert "/etc/passwd" not in message and "password" not in message and "users" not in message
            assert len(text) < 8 or text not in message


def test_syntax_errors_carry_line_and_column() -> None:
    _, issues = check("speed +\n  * 2", COLUMNS, "t")
    assert [(i.code, i.line) for i in issues] == [("expr.syntax", 2)] and issues[0].col


def test_unknown_columns_suggest_the_closest() -> None:
    _, issues = check("sped + visit", COLUMNS, "t")
    assert [i.message_en for i in issues] == [
        "t: column 'sped' does not exist or is not available to you. Did you mean 'speed'?",
        "t: column 'visit' does not exist or is not available to you. Did you mean 'visits'?",
    ]


def compiled_sql(expr_text: str) -> str:
    query = parse_query({"dataset": "speeds", "measures": [{"expr": expr_text, "agg": "sum", "as": "m"}], "dimensions": ["district"]}, 1000)
    from query.selfservice import compile_dataset_query

    return compile_dataset_query(query, SOURCE).sql


def assert_compiles_or_is_ill_typed(text: str) -> None:
    """An expression the allowlist accepts compiles to one SELECT, or (issue 18.1) is refused at compile time for its
    types alone (`sum` of a text constant), with issues that say so."""
    from errors import InvalidInput

    try:
        sql = compiled_sql(text)
    except InvalidInput as err:
        assert err.issues and all(i.code in ("expr.type", "expr.agg_type") for i in err.issues), [i.code for i in err.issues]
        return
    assert_one_select_over_the_dataset(sql)


def assert_one_select_over_the_dataset(sql: str) -> None:
    statements = sqlglot.parse(sql, read="duckdb")
    assert len(statements) == 1 and isinstance(statements[0], exp.Select)
    tables = {(t.db, t.name) for t in statements[0].find_all(exp.Table)}
    assert tables == {("ds", "data"), ("", "base")}, tables
    assert not list(statements[0].find_all(exp.Command, exp.Insert, exp.Delete, exp.Update, exp.Drop, exp.Create))


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_expressions_compile_to_one_select_that_runs(text: str, tmp_path: object) -> None:
    sql = compiled_sql(text)
    assert_one_select_over_the_dataset(sql)
    con = duckdb.connect()
    con.execute(
        "CREATE SCHEMA ds; CREATE TABLE ds.data (district VARCHAR, speed DOUBLE, free_flow DOUBLE, created_at TIMESTAMP, "
        "closed_at TIMESTAMP, visits BIGINT)"
    )
    con.execute(
        "INSERT INTO ds.data VALUES ('东城区', 10, 20, '2025-01-01 08:00', '2025-01-02 08:00', 2), ('西城区', 5, 9, '2025-01-01', NULL, 1)"
    )
    rows = con.execute(sql, {"p0": "东城区", "p1": 1000}).fetchall()
    assert [r[0] for r in rows] == ["东城区"]  # the row scope holds for every accepted expression


FRAGMENTS = st.sampled_from(
    [
        "speed",
        "free_flow",
        "visits",
        "district",
        "created_at",
        "1",
        "2.5",
        "'东城区'",
        "null",
        "true",
        "+",
        "-",
        "*",
        "/",
        "%",
        "=",
        "<>",
        "<",
        ">=",
        " and ",
        " or ",
        "not ",
        "(",
        ")",
        ",",
        "case when ",
        " then ",
        " else ",
        " end",
        "coalesce(",
        "nullif(",
        "abs(",
        "round(",
        "greatest(",
        "least(",
        "date_diff('day', ",
        "hour(",
        "cast(",
        " as double)",
        " in (",
        " between ",
        " like ",
        " is null",
        "select ",
        " from ",
        "data",
        ";",
        "--",
        "/*",
        "*/",
        "read_csv(",
        "'/etc/passwd'",
        "union ",
        "users",
        ".",
        "ds.",
        "$",
        "?",
        "::",
        "||",
        "[",
        "]",
        "{",
        "}",
        "\\",
        "\n",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, min_size=1, max_size=14).map("".join))
def test_any_accepted_expression_compiles_to_one_select_over_its_dataset(text: str) -> None:
    checked, issues = check(text, COLUMNS, "t")
    if checked is None:
        assert issues
        return
    assert_compiles_or_is_ill_typed(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_escapes(text: str) -> None:
    checked, issues = check(text, COLUMNS, "t")
    if checked is not None:
        assert_compiles_or_is_ill_typed(text)
    else:
        assert issues


def test_unknown_columns_are_placed_where_they_are_first_written() -> None:
    from indicators.expressions import check

    text = "case when date_diff('day', submitted_at,\n  decidd_at) <= limt + decidd_at then 1 else \"应急 时长\" end"
    checked, issues = check(text, ["submitted_at", "decided_at", "limit"], "numerator.expr")
    assert checked is None
    assert [(i.code, i.line, i.col) for i in issues] == [("expr.column", 2, 3), ("expr.column", 2, 17), ("expr.column", 2, 46)]
    lines = text.splitlines()
    for issue, name in zip(issues, ["decidd_at", "limt", '"应急 时长"'], strict=True):
        assert issue.line is not None and issue.col is not None
        assert lines[issue.line - 1][issue.col - 1 :].startswith(name)
