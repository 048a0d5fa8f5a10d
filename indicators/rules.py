"""Validation of indicator definitions: small rules that each return issues, all reported at once.

Each message names the indicator, states the rule and says the fix, in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from errors import Issue
from indicators import expressions
from indicators.periods import parse_period
from indicators.spec import WHOLE, Agg, Indicator, IndicatorType, timeless

ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}\.[a-z][a-z0-9_]{1,60}$")
ALIAS_RE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
NUMERIC = frozenset({"integer", "float", "decimal", "boolean"})
TEMPORAL = frozenset({"date", "timestamp"})
NUMERIC_AGGS = frozenset({Agg.SUM, Agg.AVG, Agg.MEDIAN, Agg.P90, Agg.P95})


@dataclass(frozen=True)
class RuleContext:
    """What the rules check against: datasets (columns → types) the author may use, other indicators."""

    datasets: Mapping[str, Mapping[str, str]]
    indicators: Mapping[str, Indicator]
    departments: frozenset[str] = frozenset()
    taken_ids: frozenset[str] = field(default_factory=frozenset)


Rule = Callable[[Indicator, RuleContext], list[Issue]]


def _issue(ind: Indicator, code: str, zh: str, en: str, where: str | None = None, line: int | None = None, col: int | None = None) -> Issue:
    return Issue(code, f"指标“{ind.id}”：{zh}", f"Indicator {ind.id!r}: {en}", column=where, line=line, col=col)


def _hint(name: str, options: Iterable[str]) -> tuple[str, str]:
    close = difflib.get_close_matches(name, sorted(options), n=1)
    return (f"是否想写“{close[0]}”？", f"Did you mean {close[0]!r}?") if close else ("", "")


def id_well_formed(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    issues = []
    if not ID_RE.match(ind.id):
        issues.append(
            _issue(
                ind,
                "rule.id_format",
                "编号须为“领域.名称”形式的小写字母、数字和下划线，例如 traffic.congestion_index。",
                "the id must be lower_snake and domain-prefixed, e.g. traffic.congestion_index.",
                "id",
            )
        )
    if ind.id in ctx.taken_ids:
        issues.append(
            _issue(
                ind,
                "rule.id_taken",
                "编号已被使用：请换一个编号，或为已有指标创建新版本。",
                "the id is already taken: choose another id or save a new version of the existing indicator.",
                "id",
            )
        )
    return issues


def both_languages(ind: Indicator, _ctx: RuleContext) -> list[Issue]:
    issues = []
    if not ind.name.zh.strip() or not ind.name.en.strip():
        issues.append(
            _issue(
                ind,
                "rule.names",
                "名称须同时填写中文和英文（name.zh 与 name.en）。",
                "give the name in both Chinese and English (name.zh and name.en).",
                "name",
            )
        )
    if bool(ind.description.zh.strip()) != bool(ind.description.en.strip()):
        issues.append(
            _issue(
                ind,
                "rule.descriptions",
                "说明须同时提供中文和英文，或都不填。",
                "give the description in both languages, or neither.",
                "description",
            )
        )
    return issues


def unit_and_direction(ind: Indicator, _ctx: RuleContext) -> list[Issue]:
    issues = []
    if not ind.unit.strip():
        issues.append(
            _issue(
                ind,
                "rule.unit",
                "缺少单位：请填写 unit，例如 %、分钟、天、次、分。",
                "the unit is missing: add `unit`, e.g. %, minutes, days, count, score.",
                "unit",
            )
        )
    if ind.direction is None:
        issues.append(
            _issue(
                ind,
                "rule.direction",
                "缺少方向：请填写 direction（higher_is_better 或 lower_is_better）。",
                "the direction is missing: add `direction` (higher_is_better or lower_is_better).",
                "direction",
            )
        )
    return issues


def ownership(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    issues = []
    if not ind.owner.strip():
        issues.append(
            _issue(ind, "rule.owner", "缺少负责人：请填写 owner。", "the owner is missing: add `owner` (a user or role).", "owner")
        )
    if ctx.departments and ind.department not in ctx.departments:
        zh, en = _hint(ind.department, ctx.departments)
        issues.append(
            _issue(
                ind,
                "rule.department",
                f"部门“{ind.department}”不存在。{zh}",
                f"department {ind.department!r} does not exist. {en}",
                "department",
            )
        )
    return issues


def type_fields(ind: Indicator, _ctx: RuleContext) -> list[Issue]:
    """Each type has the fields it needs and none of the others' main fields."""
    missing: list[tuple[str, str, str]] = []
    kind = ind.type
    if kind in (IndicatorType.SIMPLE, IndicatorType.RATIO, IndicatorType.SNAPSHOT) and not ind.dataset:
        missing.append(("dataset", "缺少数据集：请填写 dataset。", "the dataset is missing: add `dataset`."))
    if kind is IndicatorType.SNAPSHOT and ind.time is None:
        missing.append(
            (
                "time",
                "快照指标取每个期间的最后一个值，须有时间列：请填写 time.column，或改为 simple 类型。",
                "a snapshot takes the last value of each period, so it needs a time column: add `time: {column: ...}` or make it simple.",
            )
        )
    if kind in (IndicatorType.SIMPLE, IndicatorType.SNAPSHOT) and ind.measure is None:
        missing.append(("measure", "缺少度量：请填写 measure（expr 与 agg）。", "the measure is missing: add `measure: {expr, agg}`."))
    if kind is IndicatorType.RATIO:
        if ind.numerator is None:
            missing.append(("numerator", "比率指标缺少分子：请添加 numerator。", "a ratio has no numerator: add `numerator: {expr, agg}`."))
        if ind.denominator is None:
            missing.append(
                ("denominator", "比率指标缺少分母：请添加 denominator。", "a ratio has no denominator: add `denominator: {expr, agg}`.")
            )
    if kind is IndicatorType.SNAPSHOT and ind.snapshot is None:
        missing.append(("snapshot", "快照指标缺少 snapshot: {choose: last}。", "a snapshot indicator needs `snapshot: {choose: last}`."))
    if kind is IndicatorType.DERIVED:
        if not ind.expr:
            missing.append(("expr", "派生指标缺少计算式：请添加 expr。", "a derived indicator has no formula: add `expr`."))
        if not ind.inputs:
            missing.append(
                (
                    "inputs",
                    "派生指标缺少输入：请在 inputs 中列出所引用的指标。",
                    "a derived indicator has no inputs: list the indicators it uses under `inputs`.",
                )
            )
    if kind is IndicatorType.CUMULATIVE:
        if not ind.input:
            missing.append(
                (
                    "input",
                    "累计指标缺少输入：请填写 input（被累计的指标编号）。",
                    "a cumulative indicator has no input: add `input` with the indicator id to accumulate.",
                )
            )
        window = ind.window
        if (
            window is None
            or (window.grain_to_date is None) == (window.periods is None)
            or (window.periods is not None and not 1 <= window.periods <= 366)
        ):
            missing.append(
                (
                    "window",
                    "累计窗口须二选一：{grain_to_date: year} 或 {periods: 1–366}。",
                    "the window needs exactly one of {grain_to_date: year} or {periods: 1-366}.",
                )
            )
    return [_issue(ind, f"rule.{name}", zh, en, name) for name, zh, en in missing]


def _dataset(ind: Indicator, ctx: RuleContext) -> Mapping[str, str] | None:
    return ctx.datasets.get(ind.dataset) if ind.dataset else None


def dataset_exists(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    if not ind.dataset or ind.dataset in ctx.datasets:
        return []
    zh, en = _hint(ind.dataset, ctx.datasets)
    return [
        _issue(
            ind,
            "rule.dataset",
            f"数据集“{ind.dataset}”不存在或无权使用。{zh}",
            f"dataset {ind.dataset!r} does not exist or is not available to you. {en}",
            "dataset",
        )
    ]


def _bare_column_type(text: str, columns: Mapping[str, str]) -> str | None:
    tree, _ = expressions.parse(text, "")
    return columns.get(tree.name) if isinstance(tree, exp.Column) else None


def expressions_valid(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    """Measure, numerator, denominator and filters: allowlisted, over existing columns, aggregations fit the type."""
    columns = _dataset(ind, ctx)
    if columns is None:
        return []
    issues: list[Issue] = []
    parts: list[tuple[str, str, Agg | None]] = [
        (f"{name}.expr", m.expr, m.agg)
        for name, m in (("measure", ind.measure), ("numerator", ind.numerator), ("denominator", ind.denominator))
        if m
    ]
    parts += [(f"filters[{i}]", text, None) for i, text in enumerate(ind.filters)]
    for where, text, agg in parts:
        _, found = expressions.check(text, columns, where)
        issues += [_issue(ind, i.code, i.message_zh, i.message_en, where, i.line, i.col) for i in found]
        if not found and agg in NUMERIC_AGGS:
            kind = _bare_column_type(text, columns)
            if kind is not None and kind not in NUMERIC:
                issues.append(
                    _issue(
                        ind,
                        "rule.agg_type",
                        f"{agg.value} 只能用于数值列，而“{text}”是{kind}类型：请改用 count 或 count_distinct。",
                        f"{agg.value} needs a numeric column but {text!r} is {kind}: use count or count_distinct instead.",
                        where,
                    )
                )
    return issues


def time_column(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    columns = _dataset(ind, ctx)
    if columns is None or ind.time is None:
        return []
    issues = []
    kind = columns.get(ind.time.column)
    if kind is None:
        zh, en = _hint(ind.time.column, [c for c, t in columns.items() if t in TEMPORAL])
        issues.append(
            _issue(
                ind,
                "rule.time_column",
                f"时间列“{ind.time.column}”不存在。{zh}",
                f"the time column {ind.time.column!r} does not exist. {en}",
                "time.column",
            )
        )
    elif kind not in TEMPORAL:
        issues.append(
            _issue(
                ind,
                "rule.time_type",
                f"时间列“{ind.time.column}”是{kind}类型，须为日期或时间。",
                f"the time column {ind.time.column!r} is {kind}; it must be a date or timestamp.",
                "time.column",
            )
        )
    if ind.time.default_grain not in ind.time.grains:
        issues.append(
            _issue(
                ind,
                "rule.default_grain",
                "默认粒度须在 grains 列表中。",
                "the default grain must be one of `grains`.",
                "time.default_grain",
            )
        )
    return issues


def dimensions_exist(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    columns = _dataset(ind, ctx)
    if columns is None:
        return []
    issues = []
    for name in ind.dimensions:
        if name not in columns:
            zh, en = _hint(name, columns)
            issues.append(
                _issue(
                    ind,
                    "rule.dimension",
                    f"维度“{name}”不是数据集的列。{zh}",
                    f"the dimension {name!r} is not a column of the dataset. {en}",
                    "dimensions",
                )
            )
    return issues


def _refs(ind: Indicator) -> list[str]:
    return [i.ref for i in ind.inputs] + ([ind.input] if ind.input else [])


def references(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    """Inputs exist, aliases are plain and unique, the formula uses only them, and nothing loops."""
    issues = []
    for ref in _refs(ind):
        if ref not in ctx.indicators and ref != ind.id:
            zh, en = _hint(ref, ctx.indicators)
            issues.append(
                _issue(ind, "rule.input", f"引用的指标“{ref}”不存在。{zh}", f"the input indicator {ref!r} does not exist. {en}", "inputs")
            )
    aliases = [i.as_ for i in ind.inputs]
    if any(not ALIAS_RE.match(a) for a in aliases) or len(set(aliases)) != len(aliases):
        issues.append(
            _issue(
                ind,
                "rule.alias",
                "输入别名（as）须为不重复的小写英文标识，例如 cur、base。",
                "input aliases (`as`) must be unique lower_snake names such as cur or base.",
                "inputs",
            )
        )
    if ind.type is IndicatorType.DERIVED and ind.expr:
        _, found = expressions.check(ind.expr, aliases, "expr")
        issues += [_issue(ind, i.code, i.message_zh, i.message_en, "expr", i.line, i.col) for i in found]
    for item in ind.inputs:
        target = ctx.indicators.get(item.ref)
        if item.baseline and target is not None and target.baseline is None:
            issues.append(
                _issue(
                    ind,
                    "rule.baseline_input",
                    f"输入“{item.ref}”没有定义基线，不能作为 baseline 输入。",
                    f"the input {item.ref!r} defines no baseline, so it cannot be a baseline input.",
                    "inputs",
                )
            )
    if _has_cycle(ind, ctx):
        issues.append(
            _issue(
                ind,
                "rule.cycle",
                "指标引用形成循环：请移除引用自身（直接或间接）的输入。",
                "the inputs form a cycle: remove the input that refers back to this indicator.",
                "inputs",
            )
        )
    return issues


def _has_cycle(ind: Indicator, ctx: RuleContext) -> bool:
    graph = {**{i.id: _refs(i) for i in ctx.indicators.values()}, ind.id: _refs(ind)}
    stack, seen = list(graph.get(ind.id, [])), set()
    while stack:
        ref = stack.pop()
        if ref == ind.id:
            return True
        if ref not in seen:
            seen.add(ref)
            stack.extend(graph.get(ref, []))
    return False


def targets_and_baseline(ind: Indicator, _ctx: RuleContext) -> list[Issue]:
    issues = []
    for i, target in enumerate(ind.targets):
        if target.period != WHOLE and parse_period(target.period) is None:
            issues.append(
                _issue(
                    ind,
                    "rule.target_period",
                    f"目标期间“{target.period}”无法识别：请写成 2025、2025-Q1、2025-03 或 2025-03-01。",
                    f"the target period {target.period!r} cannot be read: write 2025, 2025-Q1, 2025-03 or 2025-03-01.",
                    f"targets[{i}].period",
                )
            )
        for key in target.scope:
            if key not in ind.dimensions:
                issues.append(
                    _issue(
                        ind,
                        "rule.target_scope",
                        f"目标范围中的“{key}”不是该指标的维度。",
                        f"the target scope key {key!r} is not a dimension of the indicator.",
                        f"targets[{i}].scope",
                    )
                )
    if ind.baseline is not None:
        try:
            start, end = dt.date.fromisoformat(ind.baseline.from_), dt.date.fromisoformat(ind.baseline.to)
            if start > end:
                raise ValueError
        except ValueError:
            issues.append(
                _issue(
                    ind,
                    "rule.baseline",
                    "基线须为 from ≤ to 的两个日期（YYYY-MM-DD）。",
                    "the baseline needs two dates (YYYY-MM-DD) with from <= to.",
                    "baseline",
                )
            )
    if ind.thresholds.amber > ind.thresholds.green:
        issues.append(
            _issue(ind, "rule.thresholds", "黄色阈值不能高于绿色阈值。", "the amber threshold cannot be above the green one.", "thresholds")
        )
    return issues


def time_axis(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    """Without a time axis there is one period, `all`: no baseline, targets for `all`, no coarser or running inputs."""
    issues: list[Issue] = []
    if timeless(ind, ctx.indicators.get):
        if ind.baseline is not None:
            issues.append(
                _issue(
                    ind,
                    "rule.timeless_baseline",
                    "没有时间列的指标只有一个期间（全部数据），无法定义基线：请删除 baseline，或填写 time.column。",
                    "an indicator without a time column has one period (all data) and no baseline: remove `baseline` or add `time`.",
                    "baseline",
                )
            )
        for i, target in enumerate(ind.targets):
            if target.period != WHOLE:
                issues.append(
                    _issue(
                        ind,
                        "rule.timeless_target",
                        f"没有时间列的指标只有一个期间：目标期间“{target.period}”请改为 all。",
                        f"an indicator without a time column has one period: write the target period {target.period!r} as all.",
                        f"targets[{i}].period",
                    )
                )
    else:
        for i, target in enumerate(ind.targets):
            if target.period == WHOLE:
                issues.append(
                    _issue(
                        ind,
                        "rule.target_all",
                        "目标期间 all 只用于没有时间列的指标：请写成 2025、2025-Q1、2025-03 或 2025-03-01。",
                        "the target period all is for indicators without a time column: write 2025, 2025-Q1, 2025-03 or 2025-03-01.",
                        f"targets[{i}].period",
                    )
                )
    for item in ind.inputs:
        source = ctx.indicators.get(item.ref)
        if source is None or not timeless(source, ctx.indicators.get) or not (item.grain or item.baseline):
            continue
        issues.append(
            _issue(
                ind,
                "rule.timeless_input",
                f"输入“{item.ref}”没有时间列，它对每个期间都取同一个值：请删除该输入的 grain 和 baseline。",
                f"the input {item.ref!r} has no time column, so it holds one value for every period: remove its `grain` and `baseline`.",
                "inputs",
            )
        )
    source = ctx.indicators.get(ind.input) if ind.type is IndicatorType.CUMULATIVE and ind.input else None
    if source is not None and timeless(source, ctx.indicators.get):
        issues.append(
            _issue(
                ind,
                "rule.timeless_cumulative",
                f"输入“{ind.input}”没有时间列，无法按时间累计：请选择有时间列的指标。",
                f"the input {ind.input!r} has no time column, so it cannot be accumulated over time: choose an indicator with one.",
                "input",
            )
        )
    return issues


RULES: tuple[Rule, ...] = (
    id_well_formed,
    both_languages,
    unit_and_direction,
    ownership,
    type_fields,
    dataset_exists,
    expressions_valid,
    time_column,
    dimensions_exist,
    references,
    targets_and_baseline,
    time_axis,
)


def validate(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    """Every rule's issues, in rule order."""
    return [issue for rule in RULES for issue in rule(ind, ctx)]
