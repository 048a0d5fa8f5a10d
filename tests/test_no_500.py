"""No 500 from a client's mistake (issue 18.1): type mismatches in expressions are 422 naming the expression and
the type it needs, found at compile time; JSON nested too deep is 400 before anything parses it; a board save
without an integer version is 422; a PDF/PNG export without a browser is 503 saying what to install."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from flask.testing import FlaskClient

from api.body import MAX_DEPTH, lone_surrogate, nesting, nul
from demo.seed import DEMO_PASSWORD, seed_if_empty
from indicators import expressions, exprtypes
from indicators.spec import Agg
from tests.conftest import Web, csrf_header, login, make_settings


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """A small demo city on a machine whose export browser (CITY_CHROMIUM) is not installed."""
    from app import create_app

    folder = tmp_path_factory.mktemp("no-500")
    app = create_app(make_settings(folder / "instance", chromium=str(folder / "not-installed" / "chromium")))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.05, echo=lambda _m: None)
    yield Web(app, rt)
    rt.close()


def user(web: Web, name: str) -> tuple[FlaskClient, dict[str, str]]:
    client = web.app.server.test_client()
    assert login(client, name, DEMO_PASSWORD).status_code == 302
    return client, csrf_header(client)


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    error: dict[str, Any] = response.json["error"]
    return error


# -- expressions are type-checked against the dataset's column types ----------------------------------------------
MISMATCHES = [  # (measure or filter expression, agg, the words the English message must contain)
    ("cast(volume as varchar)", "sum", ("`cast(volume as varchar)`", "sum needs a number", "is text")),
    ("road_name", "avg", ("`road_name`", "avg needs a number", "is text")),
    ("district", "median", ("`district`", "median needs", "is text")),
    ("observed_at", "sum", ("`observed_at`", "sum needs", "is a timestamp")),
    ("observed_at - observed_at", "sum", ("sum needs", "is an interval")),
    ("road_name - 1", "sum", ("`road_name - 1`", "cannot be computed", "left side is text")),
    ("district - observed_at", "count", ("cannot be computed", "left side is text", "right side a timestamp")),
    ("observed_at + 1", "count", ("cannot be computed", "a timestamp")),
    ("date_diff('day', road_name, observed_at)", "avg", ("`road_name`", "is text", "a date or timestamp is needed")),
    ("date_part('hour', district)", "avg", ("`district`", "is text", "a date or timestamp")),
    ("abs(district)", "sum", ("`district`", "is text", "a number is needed")),
    ("case when volume > district then 1 else 0 end", "sum", ("cannot be compared", "`volume` is a number", "`district` is text")),
    (
        "case when speed_kmh > 'fast' then 1 else 0 end",
        "sum",
        (
            "cannot be compared",
            "'fast' is not a number",
        ),
    ),
    ("case when observed_at < 'soon' then 1 else 0 end", "sum", ("'soon' is not a timestamp",)),
    ("case when district then 1 else 0 end", "sum", ("`district`", "is text", "a condition")),
    ("case when volume > 0 then volume else road_name end", "sum", ("mixes a number and text",)),
    ("coalesce(volume, district)", "sum", ("mixes a number and text",)),
    ("volume in (1, 'x')", "sum", ("'x' is not a number",)),
    ("road_name like 'x%' and volume", "count", ()),  # fine: a number is a condition in DuckDB
    ("volume like '1%'", "count", ("`volume`", "is a number", "text (convert first")),
    ("cast(observed_at as integer)", "sum", ("a timestamp does not convert to a number",)),
]


@pytest.mark.parametrize(("expr", "agg", "words"), MISMATCHES)
def test_a_type_mismatch_in_a_measure_is_422_naming_the_expression_and_the_type(
    city: Web, expr: str, agg: str, words: tuple[str, ...]
) -> None:
    client, headers = user(city, "admin")
    body = {"dataset": "traffic_segment_speeds", "measures": [{"expr": expr, "agg": agg, "as": "m"}]}
    response = client.post("/api/v1/query", json=body, headers=headers)
    if not words:
        assert response.status_code == 200, response.json
        return
    error = error_of(response, 422)
    assert error["code"] == "invalid"
    issue = error["issues"][0]
    assert issue["code"] in ("expr.type", "expr.agg_type")
    assert issue["message_en"].startswith("measure m: ") and all(w in issue["message_en"] for w in words), issue["message_en"]
    assert issue["message_zh"].startswith("measure m：") and issue["message_zh"] != issue["message_en"]
    zh = client.post("/api/v1/query?lang=zh", json=body, headers=headers).json
    assert zh["error"]["issues"][0]["message"] == issue["message_zh"]


def test_the_issue_probe_names_the_expression_and_the_expected_type_in_both_languages(city: Web) -> None:
    client, headers = user(city, "admin")
    body = {"dataset": "traffic_segment_speeds", "measures": [{"expr": "cast(volume as varchar)", "agg": "sum"}]}
    issue = error_of(client.post("/api/v1/query", json=body, headers=headers), 422)["issues"][0]
    assert issue["message_en"] == (
        "measure sum_1: sum needs a number or a yes/no value, but `cast(volume as varchar)` is text. "
        "Use count or count_distinct, or an expression that gives a number."
    )
    assert issue["message_zh"] == (
        "measure sum_1：sum 需要数值或是/否值，而“cast(volume as varchar)”是文本。请改用 count / count_distinct，或写出得到数值的表达式。"
    )
    assert issue["detail"] == {"expr": "cast(volume as varchar)", "agg": "sum", "type": "text", "expected": "number"}
    explain = client.post("/api/v1/query/explain", json=body, headers=headers)  # found at compile time: no SQL to explain
    assert error_of(explain, 422)["issues"][0]["code"] == "expr.agg_type"


def test_a_value_the_data_cannot_convert_is_422_not_500(city: Web) -> None:
    client, headers = user(city, "admin")
    body = {"dataset": "traffic_segment_speeds", "measures": [{"expr": "cast(road_name as integer)", "agg": "sum"}]}
    error = error_of(client.post("/api/v1/query", json=body, headers=headers), 422)
    assert "cannot be converted" in error["message"]


def test_well_typed_expressions_still_answer(city: Web) -> None:
    client, headers = user(city, "admin")
    body = {
        "dataset": "traffic_segment_speeds",
        "measures": [
            {
                "expr": "case when observed_at >= '2025-01-01' and road_class in ('主干路', 'x') then volume else 0 end",
                "agg": "sum",
                "as": "a",
            },
            {"expr": "date_diff('day', observed_at, observed_at + (observed_at - observed_at))", "agg": "max", "as": "b"},
            {"expr": "district", "agg": "count_distinct", "as": "c"},
            {"expr": "speed_kmh > free_flow_speed_kmh * 0.5", "agg": "sum", "as": "d"},
            {"expr": "coalesce(cast(road_name as varchar), 'x') like '%路%'", "agg": "sum", "as": "e"},
        ],
    }
    response = client.post("/api/v1/query", json=body, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["columns"] == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("column", "op", "value"),
    [
        ("volume", "=", 1e308),  # an integer past BIGINT: DuckDB could not bind it (was a 500)
        ("volume", ">", -(2**70)),
        ("volume", ">", "abc"),
        ("volume", "in", ["x"]),
        ("observed_at", ">", "soon"),
        ("observed_at", "between", [1, 2]),
        ("observed_at", "=", True),
    ],
)
def test_a_filter_value_that_does_not_fit_its_column_is_422(city: Web, column: str, op: str, value: object) -> None:
    client, headers = user(city, "admin")
    body = {"dataset": "traffic_segment_speeds", "filters": [{"column": column, "op": op, "value": value}]}
    error = error_of(client.post("/api/v1/query", json=body, headers=headers), 422)
    assert [i["code"] for i in error["issues"]] == ["filter.value"] and column in error["issues"][0]["message_en"]


# The typer's verdict beside DuckDB's on one row of every column type: (expression, the typer accepts it).
# `stricter`: DuckDB binds it, but it only works for some values (a text constant in a number's CASE, a text cast),
# or is refused on purpose (a text constant in arithmetic).
COLUMNS = {"i": "integer", "f": "float", "s": "text", "d": "date", "ts": "timestamp", "b": "boolean"}
VERDICTS = [
    ("sum", "s", False),
    ("avg", "b", False),
    ("sum", "b", True),
    ("sum", "d", False),
    ("sum", "ts - ts", False),
    ("sum", "d - d", True),
    ("sum", "d + 1", False),
    ("min", "ts + 1", False),
    ("min", "s - s", False),
    ("min", "s + 1", False),
    ("min", "d > '2025-01-01'", True),
    ("min", "ts > d", True),
    ("min", "i > s", False),
    ("min", "s > d", False),
    ("min", "i = 'a'", False),
    ("min", "i = '3'", True),
    ("min", "b = 1", True),
    ("min", "i and b", True),
    ("min", "case when b then i else s end", False),
    ("min", "greatest(i, s)", False),
    ("min", "abs(s)", False),
    ("min", "-s", False),
    ("min", "i * s", False),
    ("min", "i like '1'", False),
    ("min", "s like 'a'", True),
    ("min", "date_diff('day', s, s)", False),
    ("min", "date_diff('day', d, ts)", True),
    ("min", "hour(s)", False),
    ("min", "hour(d)", True),
    ("min", "i between s and s", False),
    ("min", "b is true", True),
    ("min", "cast(d as integer)", False),
    ("min", "cast(i as date)", False),
    ("min", "cast(ts as date) - d", True),
    ("min", "cast(i as boolean)", True),
    ("min", "round(f, 2) % 2", True),
    ("min", "f - b", False),
    ("min", "abs(b)", False),
    ("count", "s", True),
    ("count", "ts - ts", True),
]
STRICTER = [("min", "case when b then i else 'x' end"), ("min", "i * '2'")]


def duckdb_binds(agg: str, expr: str) -> bool:
    """Whether DuckDB runs the SQL the product makes of this measure (every measure is cast to DOUBLE)."""
    conn = duckdb.connect()
    conn.execute(
        "create table t as select 1::integer i, 1.5::double f, 'a'::varchar s, date '2025-01-01' d, timestamp '2025-01-01 10:00' ts, true b"
    )
    try:
        conn.execute(f"select cast({agg}({expr}) as double) from t").fetchall()
    except duckdb.Error:
        return False
    finally:
        conn.close()
    return True


def typer_accepts(agg: str, expr: str) -> bool:
    checked, issues = expressions.check(expr, COLUMNS, "m")
    assert checked is not None, issues
    return not exprtypes.measure_issues(checked.tree, Agg(agg), COLUMNS, "m", expr)


@pytest.mark.parametrize(("agg", "expr", "accepted"), VERDICTS)
def test_the_typer_agrees_with_duckdb(agg: str, expr: str, accepted: bool) -> None:
    assert typer_accepts(agg, expr) is accepted
    assert duckdb_binds(agg, expr) is accepted


@pytest.mark.parametrize(("agg", "expr"), STRICTER)
def test_the_typer_is_stricter_than_duckdb_only_where_meant(agg: str, expr: str) -> None:
    assert duckdb_binds(agg, expr) and not typer_accepts(agg, expr)


def test_an_indicator_being_authored_reports_the_type_mismatch(city: Web) -> None:
    client, headers = user(city, "traffic_analyst")
    draft = {
        "id": "traffic.road_names",
        "name": {"zh": "道路名称和", "en": "Sum of road names"},
        "department": "traffic",
        "owner": "traffic_analyst",
        "type": "simple",
        "dataset": "traffic_segment_speeds",
        "measure": {"expr": "cast(volume as varchar)", "agg": "sum"},
        "filters": ["road_name > 5"],
        "time": {"column": "observed_at"},
        "dimensions": ["district"],
        "unit": "辆",
        "direction": "higher_is_better",
    }
    answer = client.post("/api/v1/indicators/validate", json=draft, headers=headers).json
    assert answer["valid"] is False
    messages = {i["code"]: i["message_en"] for i in answer["issues"]}
    assert "sum needs a number" in messages["rule.agg_type"] and "`cast(volume as varchar)` is text" in messages["rule.agg_type"]
    assert "cannot be compared" in messages["rule.expr_type"] and "'5' is not" not in messages["rule.expr_type"]
    assert "`road_name` is text" in messages["rule.expr_type"]
    created = client.post("/api/v1/indicators", json=draft, headers=headers)
    assert error_of(created, 422)["issues"]


# -- JSON nested too deep is 400 before it is parsed ---------------------------------------------------------------
DEEP_BODIES = {
    "array 100,000 deep": "[" * 100_000,
    "dataset object 20,000 deep": '{"dataset": ' + '{"a": ' * 20_000 + "1" + "}" * 20_001,
    "board tiles 50,000 deep": '{"title": {"zh": "深", "en": "Deep"}, "tiles": ' + "[" * 50_000 + "]" * 50_000 + "}",
    "65 levels": "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
}
JSON_ROUTES = [
    ("post", "/api/v1/query"),
    ("post", "/api/v1/query/explain"),
    ("post", "/api/v1/boards"),
    ("put", "/api/v1/boards/traffic_board"),
    ("put", "/api/v1/boards/traffic_board/view"),
    ("post", "/api/v1/boards/traffic_board/tiles"),
    ("post", "/api/v1/boards/traffic_board/restore"),
    ("post", "/api/v1/indicators"),
    ("post", "/api/v1/indicators/validate"),
    ("post", "/api/v1/ask"),
    ("post", "/api/v1/admin/users"),
    ("post", "/api/v1/tokens"),
    ("post", "/_dash-update-component"),
]


@pytest.mark.parametrize("shape", list(DEEP_BODIES))
@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_json_nested_too_deep_is_400_everywhere(city: Web, shape: str, method: str, path: str) -> None:
    client, headers = user(city, "admin")
    before = client.get("/api/v1/boards").json
    response = getattr(client, method)(path, data=DEEP_BODIES[shape], content_type="application/json", headers=headers)
    error = error_of(response, 400)
    assert error["code"] == "too_deep"
    assert f"more than {MAX_DEPTH} levels" in error["message"] or f"超过 {MAX_DEPTH} 层" in error["message"]
    assert client.get("/api/v1/boards").json == before  # nothing was made or changed


def test_the_depth_message_is_in_both_languages(city: Web) -> None:
    client, headers = user(city, "admin")
    body = "[" * 1000
    en = error_of(client.post("/api/v1/query", data=body, content_type="application/json", headers=headers), 400)
    zh = error_of(client.post("/api/v1/query?lang=zh", data=body, content_type="application/json", headers=headers), 400)
    assert en["message"] == f"The JSON body is nested more than {MAX_DEPTH} levels deep; send a flatter body."
    assert zh["message"] == f"JSON 请求体嵌套超过 {MAX_DEPTH} 层，无法处理：请减少嵌套后重试。"


def test_64_levels_are_read_as_usual(city: Web) -> None:
    client, headers = user(city, "admin")
    body = '{"dataset": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert nesting(body) == MAX_DEPTH
    error = error_of(client.post("/api/v1/query", data=body, content_type="application/json", headers=headers), 422)
    assert [i["code"] for i in error["issues"]] == ["query.dataset"]  # parsed, then refused for what it says


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('{"a": "[[[[[[[[[[{{{{{{"}', 1),  # brackets inside strings do not nest
        ('["\\"[[[[", [[]]]', 3),  # nor after an escaped quote
        ("[" * 100_000, 100_000),
        ('["中文", {"键": ["值"]}]', 3),
    ],
)
def test_nesting_is_counted_without_parsing(text: str, depth: int) -> None:
    assert nesting(text) == depth
    assert nesting(text.encode("utf-8")) == depth
    assert nesting(text.encode("utf-16")) == depth


def test_a_long_string_full_of_brackets_is_not_deep(city: Web) -> None:
    client, headers = user(city, "admin")
    body = json.dumps({"question": "[" * 5000, "lang": "en"})
    response = client.post("/api/v1/ask", data=body, content_type="application/json", headers=headers)
    assert response.status_code != 400 or response.json["error"]["code"] != "too_deep"
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("text", "lone"),
    [
        (r'{"a": "\ud800"}', True),
        (r'"\ude00"', True),
        (r'"\ud800x\ude00"', True),
        (r'"\ud83d\ude00\ud800"', True),
        (r'"\\\ud800"', True),  # an escaped backslash, then a lone half
        (r'"\ud83d\ude00"', False),  # a pair: 😀
        (r'"\\ud800"', False),  # an escaped backslash, then the letters ud800
        (r'"\u4e2d"', False),
    ],
)
def test_lone_surrogates_are_found_without_parsing(text: str, lone: bool) -> None:
    assert lone_surrogate(text) is lone and lone_surrogate(text.encode()) is lone


@pytest.mark.parametrize(("method", "path"), [("post", "/api/v1/query"), ("post", "/api/v1/boards"), ("post", "/api/v1/ask")])
def test_a_lone_surrogate_is_400_not_500(city: Web, method: str, path: str) -> None:
    client, headers = user(city, "admin")
    body = r'{"dataset": "\ud800", "title": {"zh": "\ud800", "en": "x"}, "question": "\udfff", "lang": "zh"}'
    response = getattr(client, method)(path, data=body, content_type="application/json", headers=headers)
    assert error_of(response, 400)["code"] == "bad_unicode"


def test_a_nul_character_is_400_before_any_store_sees_it(city: Web) -> None:
    """PostgreSQL refuses NUL in text: a board titled "a\\u0000b" would be a 500 there (SQLite took it)."""
    client, headers = user(city, "admin")
    before = client.get("/api/v1/boards").json
    body = r'{"title": {"zh": "a\u0000b", "en": "x"}}'
    response = client.post("/api/v1/boards", data=body, content_type="application/json", headers=headers)
    assert error_of(response, 400)["code"] == "bad_unicode"
    assert client.get("/api/v1/boards").json == before
    assert not nul(r'"a\\u0000b"') and nul(r'"a\\\u0000b"') and nul(r'"\u0000"'.encode("utf-16"))


# -- a board save names the version it read ------------------------------------------------------------------------
@pytest.mark.parametrize("version", [None, "3", "", True, 2.5, [1], {"v": 1}])
def test_a_board_save_without_an_integer_version_is_422(city: Web, version: object) -> None:
    client, headers = user(city, "admin")
    board = client.get("/api/v1/boards/traffic_board").json
    body = {k: v for k, v in board.items() if k != "version"} | ({} if version is None else {"version": version})
    error = error_of(client.put("/api/v1/boards/traffic_board", json=body, headers=headers), 422)
    assert [i["code"] for i in error["issues"]] == ["board.version"] and error["issues"][0]["column"] == "version"
    assert "integer" in error["issues"][0]["message_en"] and "整数" in error["issues"][0]["message_zh"]
    assert client.get("/api/v1/boards/traffic_board").json == board  # nothing saved
    stale = client.put("/api/v1/boards/traffic_board", json=body | {"version": board["version"] - 1}, headers=headers)
    assert board["version"] == 1 or error_of(stale, 409)["code"] == "conflict"  # a stale integer is still a conflict


# -- a PDF/PNG export without its browser --------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["pdf", "png"])
@pytest.mark.parametrize(
    ("lang", "words"), [("en", ("not installed", "apt-get install -y chromium")), ("zh", ("没有安装", "apt-get install -y chromium"))]
)
def test_an_export_without_a_browser_is_503_saying_what_to_install(city: Web, kind: str, lang: str, words: tuple[str, ...]) -> None:
    client, _ = user(city, "leader")
    configured = city.rt.settings.chromium
    assert not Path(configured).exists()
    error = error_of(client.get(f"/api/v1/boards/city_cockpit/export.{kind}?lang={lang}"), 503)
    assert error["code"] == "unavailable"
    assert all(w in error["message"] for w in (*words, configured, "scripts/system-deps.sh")), error["message"]
