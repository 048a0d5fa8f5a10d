"""The indicator authoring page on a small demo city (real DuckDB, real metadata store).

Every callback is driven through Dash's real `/_dash-update-component` endpoint with a signed-in session, and the
assertions are on the response bodies: issues with their line and column for every validation rule and for YAML
syntax, form ⇄ YAML for every type, saves that version (or refuse and leave the text alone), the lifecycle with
its owner/admin check, refusals for staff and for forged ids, and previews that keep the author's row policy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from dash.development.base_component import Component
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_header, make_settings
from tests.dashcalls import client, signed_in, walk

DEMO_PASSWORD = "demo-pass-2025"
TYPES = ("simple", "ratio", "derived", "cumulative", "snapshot")
FIELD_TYPE = "auth-field"
DISTRICTS = {"东城区", "西城区", "高新区", "江滨区", "南湖区", "北苑区", "青山区", "临港区"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The demo city, plus a second traffic analyst (not an owner) and a traffic analyst scoped to 东城区."""
    from access.users import create_user
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("authoring-pages")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    with rt.store.transaction() as session:
        create_user(session, "traffic_analyst2", DEMO_PASSWORD, "analyst", "traffic", None, "交通分析师二")
        create_user(session, "traffic_analyst_dc", DEMO_PASSWORD, "analyst", "traffic", "东城区", "东城交通分析师")
    yield app
    rt.close()


# -- calling the page and its callbacks ----------------------------------------------------------------
def field_keys() -> list[str]:
    from indicators.drafts import FIELDS

    return [f.key for f in FIELDS]


def field_prop(key: str, prop: str = "value") -> str:
    """The renderer's name of a form field's property."""
    return json.dumps({"key": key, "type": FIELD_TYPE}, sort_keys=True, separators=(",", ":")) + f".{prop}"


def _value(id_text: str, prop: str, values: dict[str, Any]) -> Any:
    if id_text.startswith("{"):
        given = values.get(f"fields.{prop}") or {}
        return [{"id": {"key": k, "type": FIELD_TYPE}, "property": prop, "value": given.get(k)} for k in field_keys()]
    return {"id": id_text, "property": prop, "value": values.get(f"{id_text}.{prop}")}


def call(found: FlaskClient, app: Any, output: str, values: dict[str, Any], changed: list[str]) -> TestResponse:
    """One callback (found by one of its outputs) called as the renderer calls it; `values` maps `id.prop` to a
    value (`fields.value` to {field key: value} for the form's pattern-matching fields)."""
    key = next(k for k in app.callback_map if output in k)
    entry = app.callback_map[key]
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs: list[Any] = []
    for part in parts:
        id_text, prop = part.rsplit(".", 1)
        outputs.append(
            [{"id": {"key": k, "type": json.loads(id_text)["type"]}, "property": prop} for k in field_keys()]
            if id_text.startswith("{")
            else {"id": id_text, "property": prop}
        )
    body = {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": [_value(i["id"], i["property"], values) for i in entry["inputs"]],
        "state": [_value(s["id"], s["property"], values) for s in entry["state"]],
        "changedPropIds": changed,
    }
    return found.post("/_dash-update-component", json=body, headers=csrf_header(found))  # type: ignore[no-any-return]


def answer(response: TestResponse) -> dict[str, Any]:
    assert response.status_code == 200, response.text[:400]
    found: dict[str, Any] = response.json["response"]  # type: ignore[index]
    return found


def fields_in(found: dict[str, Any], prop: str = "value") -> dict[str, Any]:
    """Form field outputs of a response, by field key (fields left unchanged are absent)."""
    out = {}
    for id_text, props in found.items():
        if id_text.startswith("{") and prop in props:
            out[json.loads(id_text)["key"]] = props[prop]
    return out


def nodes(tree: Any) -> Iterator[dict[str, Any]]:
    if isinstance(tree, list):
        for item in tree:
            yield from nodes(item)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        for value in tree["props"].values():
            yield from nodes(value)


def words(tree: Any) -> str:
    return json.dumps(tree, ensure_ascii=False, default=lambda o: o.to_plotly_json())


def issues_of(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The issues panel as data: code, line, column, field and message of every issue shown."""
    panel = found["auth-issues"]["children"]
    out = []
    for node in nodes(panel):
        props = node["props"]
        if node["type"] == "Button" and "auth-issue" in str(props.get("className")):
            field = next((n["props"]["children"] for n in nodes(props["children"]) if n["type"] == "Code"), None)
            message = next(
                n["props"]["children"] for n in nodes(props["children"]) if "auth-issue-message" in str(n["props"].get("className"))
            )
            line = int(props["data-line"]) if "data-line" in props else None
            col = int(props["data-col"]) if "data-col" in props else None
            out.append({"code": props["data-code"], "line": line, "col": col, "field": field, "message": message})
    return out


def check(found: FlaskClient, app: Any, text: str, doc: Any = None) -> dict[str, Any]:
    return answer(
        call(found, app, "auth-issues.children", {"auth-yaml.value": text, "auth-doc.data": doc or {"id": None}}, ["auth-yaml.value"])
    )


def page_text(app: Any, username: str, indicator_id: str = "", lang: str = "zh", **query: Any) -> tuple[Any, str | None]:
    """The page as `username` gets it, and the text in its YAML editor (None when there is no editor)."""
    from callbacks import pages

    with signed_in(app, username, lang):
        tree = pages.authoring_edit(indicator_id, **query) if indicator_id else pages.authoring(**query)
    editors = [n for n in walk(tree) if isinstance(n, Component) and getattr(n, "id", None) == "auth-yaml"]
    return tree, editors[0].value if editors else None


def tree_text(tree: Any) -> str:
    return json.dumps(tree.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)


# -- templates ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize(
    ("username", "department"), [("traffic_analyst", "traffic"), ("gov_analyst", "gov_services"), ("hotline_analyst", "hotline")]
)
def test_each_template_validates_clean_for_an_analyst_of_the_department(demo: Any, username: str, department: str, kind: str) -> None:
    _, text = page_text(demo, username, type=kind)
    assert text is not None
    data = yaml.safe_load(text)
    assert (data["type"], data["department"], data["owner"]) == (kind, department, username)
    found = check(client(demo, username), demo, text)
    assert issues_of(found) == []
    assert "定义有效" in words(found["auth-issues"])
    assert found["auth-sentence"]["children"].startswith(data["name"]["zh"])


# -- validation: every rule, each issue at its place in the text ---------------------------------------------
SIMPLE = """id: traffic.test_speed
name: {zh: 测试车速, en: Test speed}
department: traffic
owner: traffic_analyst
type: simple
dataset: traffic_segment_speeds
measure: {expr: speed_kmh, agg: avg}
filters:
- road_class = 'arterial'
time: {column: observed_at, default_grain: month}
dimensions: [district, road_class]
unit: km/h
decimals: 1
direction: higher_is_better
baseline: {from: '2024-01-01', to: '2024-12-31'}
targets:
- {period: '2025', value: 38}
thresholds: {green: 1.0, amber: 0.9}
"""
RATIO = """id: traffic.test_share
name: {zh: 测试占比, en: Test share}
department: traffic
owner: traffic_analyst
type: ratio
dataset: traffic_segment_speeds
numerator: {expr: "case when speed_kmh < 20 then 1 else 0 end", agg: sum}
denominator: {expr: '1', agg: sum}
scale: 100
time: {column: observed_at}
unit: '%'
direction: lower_is_better
"""
DERIVED = """id: traffic.test_change
name: {zh: 测试变化, en: Test change}
department: traffic
owner: traffic_analyst
type: derived
expr: (base - cur) / base * 100
inputs:
- {ref: traffic.congestion_index, as: cur}
- {ref: traffic.congestion_index, as: base, baseline: true}
unit: '%'
direction: higher_is_better
"""
CUMULATIVE = """id: traffic.test_ytd
name: {zh: 测试累计, en: Test year to date}
department: traffic
owner: traffic_analyst
type: cumulative
input: traffic.volume
window: {grain_to_date: year}
unit: vehicles
direction: higher_is_better
"""
SNAPSHOT = """id: traffic.test_level
name: {zh: 测试时点, en: Test level}
department: traffic
owner: traffic_analyst
type: snapshot
dataset: traffic_segment_speeds
measure: {expr: volume, agg: sum}
snapshot: {choose: last}
time: {column: observed_at}
unit: vehicles
direction: higher_is_better
"""
BASES = {"simple": SIMPLE, "ratio": RATIO, "derived": DERIVED, "cumulative": CUMULATIVE, "snapshot": SNAPSHOT}


def edit(base: str, old: str, new: str) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


# (case, text, expected issues as (code, field, line, col)); a field not written has no line.
RULE_CASES: list[tuple[str, str, list[tuple[str, str | None, int | None, int | None]]]] = [
    ("id format", edit(SIMPLE, "id: traffic.test_speed", "id: TestSpeed"), [("rule.id_format", "id", 1, 1)]),
    ("id taken", edit(SIMPLE, "id: traffic.test_speed", "id: traffic.avg_speed"), [("rule.id_taken", "id", 1, 1)]),
    ("names in both languages", edit(SIMPLE, "en: Test speed}", "en: ''}"), [("rule.names", "name", 2, 1)]),
    (
        "descriptions in both or neither",
        edit(SIMPLE, "department: traffic\n", "description: {zh: 说明}\ndepartment: traffic\n"),
        [("rule.descriptions", "description", 3, 1)],
    ),
    ("unit", edit(SIMPLE, "unit: km/h\n", ""), [("rule.unit", "unit", None, None)]),
    ("direction", edit(SIMPLE, "direction: higher_is_better\n", ""), [("rule.direction", "direction", None, None)]),
    ("owner", edit(SIMPLE, "owner: traffic_analyst", "owner: ' '"), [("rule.owner", "owner", 4, 1)]),
    ("department exists", edit(SIMPLE, "department: traffic", "department: trafic"), [("rule.department", "department", 3, 1)]),
    ("dataset needed", edit(SIMPLE, "dataset: traffic_segment_speeds\n", ""), [("rule.dataset", "dataset", None, None)]),
    ("time needed by a snapshot", edit(SNAPSHOT, "time: {column: observed_at}\n", ""), [("rule.time", "time", None, None)]),
    ("measure needed", edit(SIMPLE, "measure: {expr: speed_kmh, agg: avg}\n", ""), [("rule.measure", "measure", None, None)]),
    (
        "numerator needed",
        edit(RATIO, 'numerator: {expr: "case when speed_kmh < 20 then 1 else 0 end", agg: sum}\n', ""),
        [("rule.numerator", "numerator", None, None)],
    ),
    ("denominator needed", edit(RATIO, "denominator: {expr: '1', agg: sum}\n", ""), [("rule.denominator", "denominator", None, None)]),
    ("snapshot needed", edit(SNAPSHOT, "snapshot: {choose: last}\n", ""), [("rule.snapshot", "snapshot", None, None)]),
    ("formula needed", edit(DERIVED, "expr: (base - cur) / base * 100\n", ""), [("rule.expr", "expr", None, None)]),
    (
        "inputs needed",
        edit(
            DERIVED,
            "inputs:\n- {ref: traffic.congestion_index, as: cur}\n- {ref: traffic.congestion_index, as: base, baseline: true}\n",
            "",
        ),
        [("rule.inputs", "inputs", None, None), ("expr.column", "expr", 6, 8), ("expr.column", "expr", 6, 15)],
    ),
    ("cumulative input needed", edit(CUMULATIVE, "input: traffic.volume\n", ""), [("rule.input", "input", None, None)]),
    (
        "exactly one window",
        edit(CUMULATIVE, "window: {grain_to_date: year}", "window: {grain_to_date: year, periods: 7}"),
        [("rule.window", "window", 7, 1)],
    ),
    (
        "dataset exists",
        edit(SIMPLE, "dataset: traffic_segment_speeds", "dataset: traffic_segment_speed"),
        [("rule.dataset", "dataset", 6, 1)],
    ),
    (
        "dataset of another department",
        edit(SIMPLE, "dataset: traffic_segment_speeds", "dataset: hotline_tickets"),
        [("rule.dataset", "dataset", 6, 1)],
    ),
    ("expression column", edit(SIMPLE, "expr: speed_kmh,", "expr: speed_kmhh,"), [("expr.column", "measure.expr", 7, 17)]),
    (
        "expression syntax, placed inside the expression",
        edit(SIMPLE, "expr: speed_kmh,", 'expr: "speed_kmh * (2 +",'),
        [("expr.syntax", "measure.expr", 7, 33)],
    ),
    (
        "expression construct",
        edit(SIMPLE, "- road_class = 'arterial'", "- district in (select district from t)"),
        [("expr.in", "filters.0", 9, 3)] + [("expr.construct", "filters.0", 9, 3)] * 4,
    ),
    ("expression function", edit(SIMPLE, "expr: speed_kmh,", "expr: shell(speed_kmh),"), [("expr.function", "measure.expr", 7, 11)]),
    ("table function", edit(SIMPLE, "expr: speed_kmh,", "expr: read_csv(speed_kmh),"), [("expr.construct", "measure.expr", 7, 11)]),
    (
        "aggregation fits the column",
        edit(SIMPLE, "expr: speed_kmh, agg: avg", "expr: road_class, agg: avg"),
        [("rule.agg_type", "measure.expr", 7, 11)],
    ),
    ("time column exists", edit(SIMPLE, "column: observed_at", "column: observed"), [("rule.time_column", "time.column", 10, 8)]),
    ("time column is temporal", edit(SIMPLE, "column: observed_at", "column: speed_kmh"), [("rule.time_type", "time.column", 10, 8)]),
    (
        "default grain among grains",
        edit(SIMPLE, "default_grain: month}", "default_grain: month, grains: [day]}"),
        [("rule.default_grain", "time.default_grain", 10, 29)],
    ),
    (
        "dimension is a column",
        edit(SIMPLE, "dimensions: [district, road_class]", "dimensions: [district, road_klass]"),
        [("rule.dimension", "dimensions", 11, 1)],
    ),
    ("input exists", edit(CUMULATIVE, "input: traffic.volume", "input: traffic.volumes"), [("rule.input", "inputs", None, None)]),
    (
        "aliases plain and unique",
        edit(DERIVED, "as: base, baseline", "as: cur, baseline"),
        [("rule.alias", "inputs", 7, 1), ("expr.column", "expr", 6, 8)],
    ),
    (
        "baseline input has a baseline",
        edit(DERIVED, "ref: traffic.congestion_index, as: base", "ref: traffic.volume, as: base"),
        [("rule.baseline_input", "inputs", 7, 1)],
    ),
    ("no cycles", edit(CUMULATIVE, "input: traffic.volume", "input: traffic.test_ytd"), [("rule.cycle", "inputs", None, None)]),
    (
        "formula over the aliases",
        edit(DERIVED, "expr: (base - cur) / base * 100", "expr: (base - now) / base * 100"),
        [("expr.column", "expr", 6, 15)],
    ),
    (
        "target period",
        edit(SIMPLE, "{period: '2025', value: 38}", "{period: '2025-13', value: 38}"),
        [("rule.target_period", "targets.0.period", 17, 4)],
    ),
    (
        "target scope is a dimension",
        edit(SIMPLE, "{period: '2025', value: 38}", "{period: '2025', value: 38, scope: {street: 东华街道}}"),
        [("rule.target_scope", "targets.0.scope", 17, 31)],
    ),
    (
        "baseline dates in order",
        edit(SIMPLE, "{from: '2024-01-01', to: '2024-12-31'}", "{from: '2024-12-31', to: '2024-01-01'}"),
        [("rule.baseline", "baseline", 15, 1)],
    ),
    (
        "baseline dates unquoted still read as dates",
        edit(SIMPLE, "{from: '2024-01-01', to: '2024-12-31'}", "{from: 2024-01-01, to: 2024-12-31}"),
        [],
    ),
    (
        "thresholds in order",
        edit(SIMPLE, "{green: 1.0, amber: 0.9}", "{green: 0.9, amber: 1.0}"),
        [("rule.thresholds", "thresholds", 18, 1)],
    ),
    ("unknown field", SIMPLE + "colour: red\n", [("spec.extra_forbidden", "colour", 19, 1)]),
    ("required field", edit(SIMPLE, "department: traffic\n", ""), [("spec.missing", "department", None, None)]),
    ("enum value", edit(SIMPLE, "agg: avg", "agg: average"), [("spec.enum", "measure.agg", 7, 28)]),
    ("value range", edit(SIMPLE, "decimals: 1", "decimals: 9"), [("spec.less_than_equal", "decimals", 13, 1)]),
    (
        "department the author may not write for",
        edit(SIMPLE, "department: traffic", "department: hotline"),
        [("auth.department", "department", 3, 1)],
    ),
]
YAML_CASES: list[tuple[str, str, list[tuple[str, str | None, int | None, int | None]]]] = [
    ("colon inside a value", edit(SIMPLE, "unit: km/h", "unit: km: h"), [("yaml.syntax", None, 12, 9)]),
    ("tab indentation", edit(SIMPLE, "- road_class", "\t- road_class"), [("yaml.syntax", None, 9, 1)]),
    (
        "unclosed bracket",
        edit(SIMPLE, "dimensions: [district, road_class]", "dimensions: [district, road_class"),
        [("yaml.syntax", None, 11, 13)],
    ),
    ("unclosed quote", SIMPLE + "refresh: 'daily\n", [("yaml.syntax", None, 19, 10)]),
    ("bad indentation", edit(SIMPLE, "unit: km/h", "  unit: km/h"), [("yaml.syntax", None, 12, 3)]),
    ("duplicate key", SIMPLE + "unit: '%'\n", [("yaml.duplicate_key", None, 19, 1)]),
    ("alias", edit(SIMPLE, "unit: km/h", "unit: &u km/h\nrefresh: *u"), [("yaml.alias", None, 12, 7)]),
    ("not a mapping", "- just\n- a list\n", [("yaml.shape", None, 1, 1)]),
    ("empty", "  \n", [("yaml.empty", None, 1, 1)]),
    ("python tag", edit(SIMPLE, "unit: km/h", "unit: !!python/object/apply:os.system ['id']"), [("yaml.syntax", None, 12, 7)]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in RULE_CASES + YAML_CASES], ids=[c[0] for c in RULE_CASES + YAML_CASES])
def test_every_rule_is_reported_with_its_place(
    demo: Any, text: str, expected: list[tuple[str, str | None, int | None, int | None]]
) -> None:
    found = check(client(demo, "traffic_analyst"), demo, text)
    shown = issues_of(found)
    assert [(i["code"], i["field"], i["line"], i["col"]) for i in shown] == expected
    for issue in shown:
        assert issue["message"]
        if issue["line"]:
            assert f"第 {issue['line']} 行，第 {issue['col']} 列" in words(found["auth-issues"])


def test_the_base_definitions_validate_clean(demo: Any) -> None:
    found = client(demo, "traffic_analyst")
    for text in BASES.values():
        assert issues_of(check(found, demo, text)) == []


def test_issues_mark_the_form_fields_and_read_in_english(demo: Any) -> None:
    found = client(demo, "traffic_analyst")
    found.set_cookie("lang", "en")
    got = check(found, demo, edit(SIMPLE, "column: observed_at", "column: observed"))
    invalid = {k for k, v in fields_in(got, "invalid").items() if v}
    assert invalid == {"time.column"}
    (issue,) = issues_of(got)
    assert issue["message"] == "Indicator 'traffic.test_speed': the time column 'observed' does not exist. Did you mean 'observed_at'?"
    assert "line 10, column 8" in words(got["auth-issues"])


def test_hostile_text_is_refused_before_it_is_read(demo: Any) -> None:
    found = client(demo, "traffic_analyst")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    deep = "a: " + "[" * 60 + "]" * 60 + "\n"
    assert [i["code"] for i in issues_of(check(found, demo, bomb))] == ["yaml.alias"]
    assert [i["code"] for i in issues_of(check(found, demo, deep))] == ["yaml.too_complex"]
    assert [i["code"] for i in issues_of(check(found, demo, SIMPLE + "#" * 21_000))] == ["yaml.too_long"]
    for hostile in (None, 42, ["id: x"], {"id": "x"}):
        assert [i["code"] for i in issues_of(check(found, demo, hostile))] == ["yaml.empty"]  # type: ignore[arg-type]


# -- form ⇄ YAML ----------------------------------------------------------------------------------------------
def sync(
    found: FlaskClient, app: Any, text: Any, changed: list[str], fields: Any = None, base: Any = None, kind: Any = None, doc: Any = None
) -> dict[str, Any]:
    values = {
        "auth-yaml.value": text,
        "auth-type.value": kind,
        "fields.value": fields or {},
        "auth-form-base.data": base,
        "auth-doc.data": doc or {"id": None},
    }
    return answer(call(found, app, "auth-sync.children", values, changed))


# One edit per type, made in the form: the fields changed, and what the definition says afterwards.
FORM_EDITS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "simple": ({"measure.expr": "volume", "measure.agg": "sum"}, {"measure": {"expr": "volume", "agg": "sum"}}),
    "ratio": (
        {"numerator.expr": "case when speed_kmh < 20 then 1 else 0 end", "filters": "road_class = 'arterial'\n"},
        {"numerator": {"expr": "case when speed_kmh < 20 then 1 else 0 end", "agg": "sum"}, "filters": ["road_class = 'arterial'"]},
    ),
    "derived": (
        {"expr": "cur / speed", "inputs": "traffic.congestion_index as cur\ntraffic.avg_speed as speed grain=year"},
        {
            "expr": "cur / speed",
            "inputs": [{"ref": "traffic.congestion_index", "as": "cur"}, {"ref": "traffic.avg_speed", "as": "speed", "grain": "year"}],
        },
    ),
    "cumulative": ({"window.periods": 7}, {"window": {"periods": 7}}),
    "snapshot": (
        {"targets.0.period": "2025", "targets.0.value": 100, "dimensions": "district"},
        {"targets": [{"period": "2025", "value": 100}], "dimensions": ["district"]},
    ),
}


@pytest.mark.parametrize("kind", TYPES)
def test_form_and_yaml_round_trip_for_every_type(demo: Any, kind: str) -> None:
    from indicators.drafts import form_values

    found = client(demo, "traffic_analyst")
    _, text = page_text(demo, "traffic_analyst", type=kind)
    data = yaml.safe_load(text)
    # YAML → form: every field shows what the definition says.
    got = sync(found, demo, text, ["auth-yaml.value"], fields={k: None for k in field_keys()})
    shown = fields_in(got)
    assert "auth-yaml" not in got and got["auth-type"]["value"] == kind and got["auth-form"]["className"] == f"auth-form auth-type-{kind}"
    assert (
        shown["id"] == data["id"] and shown["owner"] == "traffic_analyst" and shown["dimensions"] == ", ".join(data.get("dimensions", []))
    )
    base = got["auth-form-base"]["data"]
    assert base == form_values(data) and {k: v for k, v in base.items() if v not in (None, "")} == {
        k: v for k, v in shown.items() if v not in (None, "")
    }
    # Form → YAML: every field changed since the form last matched is written (not only the last one).
    changes, expected = FORM_EDITS[kind]
    edited = {**base, **changes}
    got = sync(found, demo, text, [field_prop(next(iter(reversed(changes))))], fields=edited, base=base)
    new_text = got["auth-yaml"]["value"]
    assert yaml.safe_load(new_text) == {**data, **expected}
    assert not set(fields_in(got)) & set(changes), "the fields being typed in are never overwritten"
    if kind == "cumulative":
        assert fields_in(got) == {"window.grain_to_date": ""}, "choosing rolling periods clears grain-to-date"
    assert issues_of(check(found, demo, new_text)) == []
    # … and back: the new YAML fills the form with the values typed.
    back = fields_in(sync(found, demo, new_text, ["auth-yaml.value"], fields=base))
    for key, value in changes.items():
        assert back[key] == (value.strip() if isinstance(value, str) else value)


def test_switching_type_keeps_what_the_types_share(demo: Any) -> None:
    found = client(demo, "traffic_analyst")
    got = sync(found, demo, SIMPLE, ["auth-type.value"], kind="ratio")
    new = yaml.safe_load(got["auth-yaml"]["value"])
    old = yaml.safe_load(SIMPLE)
    kept = (
        "id",
        "name",
        "department",
        "owner",
        "dataset",
        "filters",
        "time",
        "dimensions",
        "unit",
        "decimals",
        "direction",
        "baseline",
        "targets",
        "thresholds",
    )
    assert {k: new[k] for k in kept} == {k: old[k] for k in kept}
    assert new["type"] == "ratio" and "measure" not in new and {"numerator", "denominator"} <= set(new)
    assert got["auth-form"]["className"] == "auth-form auth-type-ratio"
    assert issues_of(check(found, demo, got["auth-yaml"]["value"])) == []


def test_unreadable_yaml_pauses_the_form_and_never_loses_either_side(demo: Any) -> None:
    found = client(demo, "traffic_analyst")
    broken = edit(SIMPLE, "unit: km/h", "unit: km: h")
    got = sync(found, demo, broken, ["auth-yaml.value"], fields={"unit": "km/h"})
    assert "auth-yaml" not in got and fields_in(got) == {} and "表单保持上一次的内容" in words(got["auth-sync"])
    got = sync(found, demo, broken, [field_prop("unit")], fields={"unit": "vehicles"}, base={"unit": "km/h"})
    assert "auth-yaml" not in got and "请先修正 YAML" in words(got["auth-sync"])


# -- saving and the lifecycle -----------------------------------------------------------------------------------
def save(found: FlaskClient, app: Any, text: Any, doc: Any = None, submit: bool = False) -> dict[str, Any]:
    button = "auth-submit" if submit else "auth-save"
    values = {f"{button}.n_clicks": 1, "auth-yaml.value": text, "auth-doc.data": doc or {"id": None}}
    return answer(call(found, app, "auth-status.children", values, [f"{button}.n_clicks"]))


def review(found: FlaskClient, app: Any, doc: Any, certify: bool = True) -> dict[str, Any]:
    button = "auth-certify" if certify else "auth-deprecate"
    values = {f"{button}.n_clicks": 1, "auth-doc.data": doc}
    return answer(call(found, app, "auth-review-status.children", values, [f"{button}.n_clicks"]))


def record(found: FlaskClient, app: Any, doc: Any) -> dict[str, Any]:
    return answer(call(found, app, "auth-header.children", {"auth-doc.data": doc, "auth-reviewed.data": None}, ["auth-doc.data"]))


def stored(app: Any, indicator_id: str) -> list[dict[str, Any]]:
    from access.actor import SYSTEM

    return app.server.extensions["city"].registry.history(SYSTEM, indicator_id)  # type: ignore[no-any-return]


def history_rows_of(found: dict[str, Any]) -> list[list[str]]:
    body = next(n for n in nodes(found["auth-history"]["children"]) if n["type"] == "Tbody")
    return [[words(td["props"]["children"]) for td in tr["props"]["children"]] for tr in body["props"]["children"]]


def test_save_creates_version_one_then_two_with_the_difference_in_history(demo: Any) -> None:
    found = client(demo, "traffic_analyst")
    text = edit(SIMPLE, "traffic.test_speed", "traffic.saved_speed")
    first = save(found, demo, text)
    assert "已保存为草稿（版本 1）" in words(first["auth-status"]) and "auth-yaml" not in first
    doc = first["auth-doc"]["data"]
    assert (doc["id"], doc["version"]) == ("traffic.saved_speed", 1)
    second = save(found, demo, edit(text, "value: 38", "value: 40"), doc)
    assert "已保存为草稿（版本 2）" in words(second["auth-status"])
    versions = stored(demo, "traffic.saved_speed")
    assert [(v["version"], v["status"], v["created_by"]) for v in versions] == [
        (2, "draft", "traffic_analyst"),
        (1, "draft", "traffic_analyst"),
    ]
    shown = record(found, demo, second["auth-doc"]["data"])
    rows = history_rows_of(shown)
    assert [r[0] for r in rows] == ["2", "1"] and "首个版本" in rows[1][5]
    assert "targets" in rows[0][5] and '\\"value\\": 38' in rows[0][5] and '\\"value\\": 40' in rows[0][5]
    assert "草稿" in words(shown["auth-header"]) and "版本 2" in words(shown["auth-header"])
    assert fields_in(shown, "disabled") == {k: k in ("id", "department") for k in field_keys()}, "a saved id and department are locked"
    unchanged = save(found, demo, edit(text, "value: 38", "value: 40"), second["auth-doc"]["data"])
    assert "定义没有变化" in words(unchanged["auth-status"]) and len(stored(demo, "traffic.saved_speed")) == 2


def test_a_refused_save_lists_every_issue_and_keeps_the_text(demo: Any) -> None:
    from errors import NotFound

    found = client(demo, "traffic_analyst")
    text = edit(edit(SIMPLE, "traffic.test_speed", "traffic.refused_speed"), "column: observed_at", "column: observed")
    refused = save(found, demo, edit(text, "unit: km/h\n", ""))
    assert set(refused) == {"auth-status"}, "neither the text nor the page's saved id change"
    status = words(refused["auth-status"])
    assert "2 个问题" in status and "第 10 行，第 8 列" in status and "时间列“observed”不存在" in status and "缺少单位" in status
    broken = save(found, demo, edit(text, "unit: km/h", "unit: km: h"))
    assert set(broken) == {"auth-status"} and "第 12 行，第 9 列" in words(broken["auth-status"])
    other = save(found, demo, edit(edit(SIMPLE, "traffic.test_speed", "hotline.refused"), "department: traffic", "department: hotline"))
    assert set(other) == {"auth-status"} and "没有为该部门定义指标的权限" in words(other["auth-status"])
    with pytest.raises(NotFound):
        stored(demo, "traffic.refused_speed")
    with pytest.raises(NotFound):
        stored(demo, "hotline.refused")


def test_submit_then_only_the_owner_or_an_admin_certifies_and_deprecates(demo: Any) -> None:
    owner, other, staff, admin = (client(demo, u) for u in ("traffic_analyst", "traffic_analyst2", "traffic_staff", "admin"))
    text = edit(RATIO, "traffic.test_share", "traffic.submitted_share")
    submitted = save(owner, demo, text, submit=True)
    assert "版本 1 已提交认证，等待负责人 traffic_analyst 认证" in words(submitted["auth-status"])
    doc = submitted["auth-doc"]["data"]
    assert stored(demo, "traffic.submitted_share")[0]["submitted_by"] == "traffic_analyst"
    assert "traffic_analyst 于" in words(record(owner, demo, doc)["auth-header"])
    refused = review(other, demo, doc)  # a fellow analyst of the department reads the draft but may not certify it
    assert "只有负责人或管理员可以认证或废弃指标" in words(refused["auth-review-status"]) and "auth-reviewed" not in refused
    refused = review(staff, demo, doc)  # department staff do not even read a draft (issue 11.1): as if it did not exist
    assert "指标不存在或无权访问" in words(refused["auth-review-status"]) and "auth-reviewed" not in refused
    assert stored(demo, "traffic.submitted_share")[0]["status"] == "draft"
    shown = record(other, demo, doc)
    assert shown["auth-certify"]["disabled"] is True and shown["auth-deprecate"]["disabled"] is True
    shown = record(owner, demo, doc)
    assert shown["auth-certify"]["disabled"] is False
    certified = review(owner, demo, doc)
    assert "版本 1 已认证" in words(certified["auth-review-status"])
    latest = stored(demo, "traffic.submitted_share")[0]
    assert (latest["status"], latest["certified_by"]) == ("certified", "traffic_analyst")
    shown = record(owner, demo, doc)
    assert (
        "已认证" in words(shown["auth-header"])
        and shown["auth-certify"]["disabled"] is True
        and shown["auth-deprecate"]["disabled"] is False
    )
    deprecated = review(admin, demo, doc, certify=False)
    assert (
        "版本 1 已废弃" in words(deprecated["auth-review-status"]) and stored(demo, "traffic.submitted_share")[0]["status"] == "deprecated"
    )
    again = save(owner, demo, text, doc, submit=True)
    assert "只有草稿可以提交认证" in words(again["auth-status"]), "an unchanged deprecated definition is not a draft"


# -- who may author, and ids one may not see ----------------------------------------------------------------------
def test_staff_get_no_permission_and_their_forged_calls_are_refused(demo: Any) -> None:
    from errors import NotFound

    tree, text = page_text(demo, "traffic_staff")
    assert text is None and "您没有编写指标的权限" in tree_text(tree)
    tree, text = page_text(demo, "leader", "traffic.congestion_index", lang="en")
    assert text is None and "You may not author indicators." in tree_text(tree)
    staff = client(demo, "traffic_staff")
    forged = edit(SIMPLE, "traffic.test_speed", "traffic.forged_by_staff")
    base = {"auth-yaml.value": forged, "auth-doc.data": {"id": None}, "auth-preview-grain.value": "month", "auth-preview-by.value": "none"}
    for output, changed in (
        ("auth-sync.children", ["auth-yaml.value"]),
        ("auth-issues.children", ["auth-yaml.value"]),
        ("auth-preview.children", ["auth-yaml.value"]),
        ("auth-status.children", ["auth-save.n_clicks"]),
    ):
        response = call(staff, demo, output, {**base, "auth-save.n_clicks": 1}, changed)
        assert response.status_code == 403 and "speed" not in response.text
    with pytest.raises(NotFound):
        stored(demo, "traffic.forged_by_staff")
    refused = review(staff, demo, {"id": "traffic.congestion_index"}, certify=False)
    assert "只有负责人或管理员" in words(refused) and stored(demo, "traffic.congestion_index")[0]["status"] == "certified"


def test_an_indicator_of_another_department_reads_like_a_missing_one(demo: Any) -> None:
    other, _ = page_text(demo, "traffic_analyst", "services.avg_approval_days")
    missing, _ = page_text(demo, "traffic_analyst", "services.no_such_indicator")
    assert tree_text(other) == tree_text(missing) and "指标不存在或您无权访问" in tree_text(other)
    found = client(demo, "traffic_analyst")
    gov = "id: services.avg_approval_days\nname: {zh: 改, en: Changed}\ndepartment: gov_services\nowner: traffic_analyst\ntype: simple\n"
    forged, absent = (save(found, demo, gov, {"id": i}) for i in ("services.avg_approval_days", "services.no_such_indicator"))
    assert words(forged) == words(absent) and "不存在或无权访问" in words(forged)
    assert words(record(found, demo, {"id": "services.avg_approval_days"})) == words(
        record(found, demo, {"id": "services.no_such_indicator"})
    )
    assert words(review(found, demo, {"id": "services.avg_approval_days"})) == words(
        review(found, demo, {"id": "services.no_such_indicator"})
    )
    assert [v["version"] for v in stored(demo, "services.avg_approval_days")] == [1]


def test_another_departments_indicator_granted_for_viewing_opens_read_only(demo: Any) -> None:
    from access.actor import SYSTEM
    from access.grants import add_grant

    with demo.server.extensions["city"].store.transaction() as session:
        add_grant(session, SYSTEM, "indicator", "services.on_time_rate", "user", "traffic_analyst2", "view")
    tree, text = page_text(demo, "traffic_analyst2", "services.on_time_rate")
    assert text is None and "您可以查看该指标，但不能修改它" in tree_text(tree) and "/indicators/services.on_time_rate" in tree_text(tree)
    gov = "id: services.on_time_rate\nname: {zh: 改, en: Changed}\ndepartment: gov_services\nowner: traffic_analyst2\ntype: simple\n"
    refused = save(client(demo, "traffic_analyst2"), demo, gov, {"id": "services.on_time_rate"})
    assert set(refused) == {"auth-status"} and "没有为该部门定义指标的权限" in words(refused)
    assert [v["version"] for v in stored(demo, "services.on_time_rate")] == [1]


def test_editing_a_saved_definition_opens_it_with_its_history(demo: Any) -> None:
    tree, text = page_text(demo, "traffic_analyst", "traffic.congestion_index")
    assert text is not None and yaml.safe_load(text)["measure"] == {"expr": "free_flow_speed_kmh / speed_kmh", "agg": "avg"}
    assert "status:" not in text and "version:" not in text
    components = {json.dumps(c.id, sort_keys=True) if isinstance(c.id, dict) else c.id: c for c in walk(tree) if getattr(c, "id", None)}
    assert components[json.dumps({"key": "id", "type": FIELD_TYPE}, sort_keys=True)].disabled is True
    assert components["auth-certify"].disabled is True and components["auth-deprecate"].disabled is False
    assert "拥堵指数" in tree_text(components["auth-header"]) and "首个版本" in tree_text(components["auth-history"])
    assert "交警卡口" in tree_text(components["auth-lineage"])


def test_the_catalog_and_indicator_pages_link_authors_here(demo: Any) -> None:
    from callbacks import pages

    for username, can in (("traffic_analyst", True), ("admin", True), ("traffic_staff", False), ("leader", False)):
        with signed_in(demo, username):
            catalog = tree_text(pages.indicators_page())
            page = tree_text(pages.indicator_page("traffic.congestion_index"))
        assert ('"href": "/authoring"' in catalog) is can
        assert ('"href": "/authoring/traffic.congestion_index"' in page) is can


# -- preview -------------------------------------------------------------------------------------------------------
def preview(found: FlaskClient, app: Any, text: str, grain: str = "month", by: str = "none") -> Any:
    values = {"auth-yaml.value": text, "auth-preview-grain.value": grain, "auth-preview-by.value": by}
    got = answer(call(found, app, "auth-preview.children", values, ["auth-yaml.value"]))
    return got["auth-preview"]["children"] if "auth-preview" in got else got["auth-preview-note"]["children"]


def table_rows(tree: Any) -> list[list[str]]:
    body = next(n for n in nodes(tree) if n["type"] == "Tbody")
    return [[words(td["props"]["children"]).strip('"') for td in tr["props"]["children"]] for tr in body["props"]["children"]]


def test_preview_shows_values_against_target_with_the_authors_row_policy(demo: Any) -> None:
    text = edit(SIMPLE, "traffic.test_speed", "traffic.preview_speed")
    whole = preview(client(demo, "traffic_analyst"), demo, text)
    rows = table_rows(whole)
    assert len(rows) == 24 and rows[0][0] == "2025-12" and rows[-1][0] == "2024-01"
    assert all(r[2] == "38.0 km/h" for r in rows[:12]) and all(r[2] == "—" for r in rows[12:]), "the 2025 target applies to 2025's months"
    assert all(r[3].endswith("%") for r in rows[:12]) and "目标" in words(whole)
    graph = next(n for n in nodes(whole) if n["type"] == "Graph")
    assert [t["name"] for t in graph["props"]["figure"]["data"]] == ["数值", "目标"]
    by_all = table_rows(preview(client(demo, "traffic_analyst"), demo, text, by="district"))
    by_dc = table_rows(preview(client(demo, "traffic_analyst_dc"), demo, text, by="district"))
    assert {r[1] for r in by_all} == DISTRICTS
    assert {r[1] for r in by_dc} == {"东城区"}
    dongcheng = [r for r in by_all if r[1] == "东城区"]  # the table shows the latest rows only
    assert len(by_dc) == 24 and dongcheng and by_dc[: len(dongcheng)] == dongcheng, "the same values, only fewer districts"
    assert "修正后更新预览" in words(preview(client(demo, "traffic_analyst"), demo, edit(text, "unit: km/h\n", "")))
