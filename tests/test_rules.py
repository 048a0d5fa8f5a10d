"""Validation rules: a valid definition, then one case per rule; all issues come back at once."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from indicators.rules import RuleContext, validate
from indicators.spec import parse_indicator

DATASETS = {
    "applications": {
        "submitted_at": "timestamp",
        "decided_at": "timestamp",
        "district": "text",
        "channel": "text",
        "visits": "integer",
        "limit_days": "integer",
        "decided_on": "date",
    },
}

VALID: dict[str, Any] = {
    "id": "services.on_time_rate",
    "name": {"zh": "按时办结率", "en": "On-time rate"},
    "department": "gov_services",
    "owner": "gov_analyst",
    "type": "ratio",
    "dataset": "applications",
    "numerator": {"expr": "case when date_diff('day', submitted_at, decided_at) <= limit_days then 1 else 0 end", "agg": "sum"},
    "denominator": {"expr": "decided_at", "agg": "count"},
    "scale": 100,
    "filters": ["decided_at is not null"],
    "time": {"column": "submitted_at"},
    "dimensions": ["district", "channel"],
    "unit": "%",
    "direction": "higher_is_better",
    "baseline": {"from": "2024-01-01", "to": "2024-12-31"},
    "targets": [{"period": "2025", "value": 95}, {"period": "2025-Q1", "scope": {"district": "东城区"}, "value": 90}],
}


def context(**indicators: Any) -> RuleContext:
    parsed = {}
    for data in indicators.values():
        ind, issues = parse_indicator(data)
        assert ind is not None, issues
        parsed[ind.id] = ind
    return RuleContext(DATASETS, parsed, frozenset({"gov_services", "traffic"}), frozenset({"services.taken"}))


def codes(data: dict[str, Any], ctx: RuleContext | None = None) -> list[str]:
    ind, issues = parse_indicator(data)
    if ind is None:
        return [i.code for i in issues]
    return [i.code for i in validate(ind, ctx or context())]


def mutate(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_the_valid_definition_has_no_issues() -> None:
    assert codes(VALID) == []


CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("bad id", mutate(id="OnTime"), ["rule.id_format"]),
    ("taken id", mutate(id="services.taken"), ["rule.id_taken"]),
    ("one language", mutate(name={"zh": "按时办结率", "en": ""}), ["rule.names"]),
    ("description in one language", mutate(description={"zh": "说明", "en": ""}), ["rule.descriptions"]),
    ("no unit", mutate(unit=""), ["rule.unit"]),
    ("no direction", mutate(direction=None), ["rule.direction"]),
    ("no owner", mutate(owner=""), ["rule.owner"]),
    ("unknown department", mutate(department="gov_service"), ["rule.department"]),
    ("ratio without denominator", mutate(denominator=None), ["rule.denominator"]),
    ("unknown dataset", mutate(dataset="aplications"), ["rule.dataset"]),
    ("unknown column", mutate(numerator={"expr": "decided + 1", "agg": "sum"}), ["expr.column"]),
    ("syntax error", mutate(numerator={"expr": "case when then", "agg": "sum"}), ["expr.syntax"]),
    ("disallowed construct", mutate(filters=["district in (select district from users)"]), ["expr.in"] + ["expr.construct"] * 4),
    ("aggregation unfit for the type", mutate(numerator={"expr": "district", "agg": "sum"}), ["rule.agg_type"]),
    ("time column missing", mutate(time={"column": "submited_at"}), ["rule.time_column"]),
    ("time column not temporal", mutate(time={"column": "visits"}), ["rule.time_type"]),
    (
        "default grain outside grains",
        mutate(time={"column": "submitted_at", "default_grain": "day", "grains": ["month"]}),
        ["rule.default_grain"],
    ),
    ("unknown dimension", mutate(dimensions=["distrct"]), ["rule.dimension", "rule.target_scope"]),
    ("bad target period", mutate(targets=[{"period": "2025-13", "value": 1}]), ["rule.target_period"]),
    ("target scope not a dimension", mutate(targets=[{"period": "2025", "scope": {"street": "x"}, "value": 1}]), ["rule.target_scope"]),
    ("baseline backwards", mutate(baseline={"from": "2024-12-31", "to": "2024-01-01"}), ["rule.baseline"]),
    ("thresholds crossed", mutate(thresholds={"green": 0.9, "amber": 1.0}), ["rule.thresholds"]),
    ("unknown field", mutate(colour="red"), ["spec.extra_forbidden"]),
    ("wrong type", mutate(type="weird"), ["spec.enum"]),
    ("missing required field", mutate(department=None), ["spec.missing"]),
]


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule(data: dict[str, Any], expected: list[str]) -> None:
    assert codes(data) == expected


DERIVED = {
    "id": "services.gap",
    "name": {"zh": "差距", "en": "Gap"},
    "department": "gov_services",
    "owner": "x",
    "type": "derived",
    "expr": "(base - cur) / base * 100",
    "inputs": [{"ref": "services.on_time_rate", "as": "cur"}, {"ref": "services.on_time_rate", "as": "base", "baseline": True}],
    "unit": "%",
    "direction": "higher_is_better",
}


def test_derived_inputs_must_exist_and_never_loop() -> None:
    ctx = context(base=VALID)
    assert codes(DERIVED, ctx) == []
    assert codes({**DERIVED, "inputs": [{"ref": "services.on_time_rat", "as": "cur"}]}, ctx) == ["rule.input", "expr.column"]
    assert codes({**DERIVED, "expr": "cur - nothing"}, ctx) == ["expr.column"]
    assert codes({**DERIVED, "inputs": [{"ref": "services.on_time_rate", "as": "Cur Rate"}], "expr": "1"}, ctx) == ["rule.alias"]
    looping = {**DERIVED, "id": "services.aa", "expr": "b", "inputs": [{"ref": "services.bb", "as": "b"}]}
    other = {**DERIVED, "id": "services.bb", "expr": "a", "inputs": [{"ref": "services.aa", "as": "a"}]}
    assert codes(looping, context(other=other)) == ["rule.cycle"]
    assert codes({**DERIVED, "inputs": [{"ref": "services.gap", "as": "me"}], "expr": "me"}, ctx) == ["rule.cycle"]


def test_cumulative_needs_input_and_exactly_one_window() -> None:
    base = {
        "id": "services.ytd",
        "name": {"zh": "累计", "en": "YTD"},
        "department": "gov_services",
        "owner": "x",
        "type": "cumulative",
        "input": "services.on_time_rate",
        "window": {"grain_to_date": "year"},
        "unit": "count",
        "direction": "higher_is_better",
    }
    ctx = context(base=VALID)
    assert codes(base, ctx) == []
    assert codes({**base, "window": {"grain_to_date": "year", "periods": 7}}, ctx) == ["rule.window"]
    assert codes({**base, "input": None}, ctx) == ["rule.input"]


def test_every_problem_is_reported_at_once_with_both_languages() -> None:
    data = mutate(id="Bad", unit="", direction=None, dataset="nope", dimensions=["x"], targets=[{"period": "someday", "value": 1}])
    ind, _ = parse_indicator(data)
    assert ind is not None
    issues = validate(ind, context())
    assert [i.code for i in issues] == [
        "rule.id_format",
        "rule.unit",
        "rule.direction",
        "rule.dataset",
        "rule.target_period",
        "rule.target_scope",
    ] or len(issues) >= 5
    assert all(i.message_zh.startswith("指标“Bad”") and i.message_en.startswith("Indicator 'Bad'") for i in issues)


STRUCTURAL = [
    (mutate(type="weird"), "spec.enum", "type", "只能取"),
    (mutate(decimals=9), "spec.less_than_equal", "decimals", "应不大于 6"),
    (mutate(decimals=-1), "spec.greater_than_equal", "decimals", "应不小于 0"),
    (mutate(scale="many"), "spec.float_parsing", "scale", "应为数字"),
    (mutate(dimensions="district"), "spec.tuple_type", "dimensions", "应为列表"),
    (mutate(targets=[{"period": "2025", "value": "high"}]), "spec.float_parsing", "targets.0.value", "应为数字"),
    (mutate(colour="red"), "spec.extra_forbidden", "colour", "无法识别，请删除或检查拼写"),
    (mutate(department=None), "spec.missing", "department", "为必填项"),
]


@pytest.mark.parametrize(("data", "code", "field", "zh"), STRUCTURAL, ids=[c[1] + ":" + c[2] for c in STRUCTURAL])
def test_structural_problems_are_explained_in_both_languages(data: dict[str, Any], code: str, field: str, zh: str) -> None:
    ind, issues = parse_indicator(data)
    assert ind is None
    (issue,) = [i for i in issues if i.column == field]
    assert issue.code == code
    assert zh in issue.message_zh and f"“{field}”" in issue.message_zh
    assert "Input should" not in issue.message_zh and "Value error" not in issue.message_zh  # pydantic's English stays out
    assert repr(field) in issue.message_en


def test_choices_read_as_a_chinese_list() -> None:
    _, issues = parse_indicator(mutate(direction="up"))
    (issue,) = issues
    assert "“direction”只能取 'higher_is_better'、'lower_is_better'" in issue.message_zh, issue.message_zh
    assert "must be one of 'higher_is_better' or 'lower_is_better'" in issue.message_en, issue.message_en
