"""Indicator rules checked against the data and the catalog: the dataset exists and may be used, expressions
parse against its columns, the time column and dimensions exist, references resolve without a cycle, and the
time axis fits the type."""

from __future__ import annotations

from collections.abc import Mapping

from errors import Issue
from indicators import expressions, exprtypes
from indicators.rulebase import ALIAS_RE, TEMPORAL, RuleContext, did_you_mean, rule_issue
from indicators.spec import WHOLE, Agg, Indicator, IndicatorType, timeless

TYPE_RULES = {"expr.agg_type": "rule.agg_type", "expr.type": "rule.expr_type"}


def _dataset(ind: Indicator, ctx: RuleContext) -> Mapping[str, str] | None:
    return ctx.datasets.get(ind.dataset) if ind.dataset else None


def dataset_exists(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    if not ind.dataset or ind.dataset in ctx.datasets:
        return []
    zh, en = did_you_mean(ind.dataset, ctx.datasets)
    return [
        rule_issue(
            ind,
            "rule.dataset",
            f"数据集“{ind.dataset}”不存在或无权使用。{zh}",
            f"dataset {ind.dataset!r} does not exist or is not available to you. {en}",
            "dataset",
        )
    ]


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
        checked, found = expressions.check(text, columns, where)
        issues += [rule_issue(ind, i.code, i.message_zh, i.message_en, where, i.line, i.col) for i in found]
        if checked is not None:  # types against the columns' types: what DuckDB would refuse only when it runs
            typed = (
                exprtypes.measure_issues(checked.tree, agg, columns, where, text)
                if agg is not None
                else exprtypes.condition_issues(checked.tree, columns, where)
            )
            issues += [rule_issue(ind, TYPE_RULES[i.code], i.message_zh, i.message_en, where) for i in typed]
    return issues


def time_column(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    columns = _dataset(ind, ctx)
    if columns is None or ind.time is None:
        return []
    issues = []
    kind = columns.get(ind.time.column)
    if kind is None:
        zh, en = did_you_mean(ind.time.column, [c for c, t in columns.items() if t in TEMPORAL])
        issues.append(
            rule_issue(
                ind,
                "rule.time_column",
                f"时间列“{ind.time.column}”不存在。{zh}",
                f"the time column {ind.time.column!r} does not exist. {en}",
                "time.column",
            )
        )
    elif kind not in TEMPORAL:
        issues.append(
            rule_issue(
                ind,
                "rule.time_type",
                f"时间列“{ind.time.column}”是{kind}类型，须为日期或时间。",
                f"the time column {ind.time.column!r} is {kind}; it must be a date or timestamp.",
                "time.column",
            )
        )
    if ind.time.default_grain not in ind.time.grains:
        issues.append(
            rule_issue(
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
            zh, en = did_you_mean(name, columns)
            issues.append(
                rule_issue(
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
            zh, en = did_you_mean(ref, ctx.indicators)
            issues.append(
                rule_issue(
                    ind, "rule.input", f"引用的指标“{ref}”不存在。{zh}", f"the input indicator {ref!r} does not exist. {en}", "inputs"
                )
            )
    aliases = [i.as_ for i in ind.inputs]
    if any(not ALIAS_RE.match(a) for a in aliases) or len(set(aliases)) != len(aliases):
        issues.append(
            rule_issue(
                ind,
                "rule.alias",
                "输入别名（as）须为不重复的小写英文标识，例如 cur、base。",
                "input aliases (`as`) must be unique lower_snake names such as cur or base.",
                "inputs",
            )
        )
    if ind.type is IndicatorType.DERIVED and ind.expr:
        _, found = expressions.check(ind.expr, aliases, "expr")
        issues += [rule_issue(ind, i.code, i.message_zh, i.message_en, "expr", i.line, i.col) for i in found]
    for item in ind.inputs:
        target = ctx.indicators.get(item.ref)
        if item.baseline and target is not None and target.baseline is None:
            issues.append(
                rule_issue(
                    ind,
                    "rule.baseline_input",
                    f"输入“{item.ref}”没有定义基线，不能作为 baseline 输入。",
                    f"the input {item.ref!r} defines no baseline, so it cannot be a baseline input.",
                    "inputs",
                )
            )
    if _has_cycle(ind, ctx):
        issues.append(
            rule_issue(
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


def time_axis(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    """Without a time axis there is one period, `all`: no baseline, targets for `all`, no coarser or running inputs."""
    issues: list[Issue] = []
    if timeless(ind, ctx.indicators.get):
        if ind.baseline is not None:
            issues.append(
                rule_issue(
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
                    rule_issue(
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
                    rule_issue(
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
            rule_issue(
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
            rule_issue(
                ind,
                "rule.timeless_cumulative",
                f"输入“{ind.input}”没有时间列，无法按时间累计：请选择有时间列的指标。",
                f"the input {ind.input!r} has no time column, so it cannot be accumulated over time: choose an indicator with one.",
                "input",
            )
        )
    return issues
