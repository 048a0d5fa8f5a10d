"""Validation of indicator definitions: small rules that each return issues, all reported at once.

Each message names the indicator, states the rule and says the fix, in Chinese and English. Rules about the
definition's own fields are here; rules checked against the data and the catalog are in indicators/datarules.py,
what they share (RuleContext, the issue and hint helpers) in indicators/rulebase.py.
"""

from __future__ import annotations

import datetime as dt

from errors import Issue
from indicators.datarules import dataset_exists, dimensions_exist, expressions_valid, references, time_axis, time_column
from indicators.periods import parse_period
from indicators.rulebase import ID_RE, Rule, RuleContext, did_you_mean, rule_issue
from indicators.spec import WHOLE, Indicator, IndicatorType


def id_well_formed(ind: Indicator, ctx: RuleContext) -> list[Issue]:
    issues = []
    if not ID_RE.match(ind.id):
        issues.append(
            rule_issue(
                ind,
                "rule.id_format",
                "编号须为“领域.名称”形式的小写字母、数字和下划线，例如 traffic.congestion_index。",
                "the id must be lower_snake and domain-prefixed, e.g. traffic.congestion_index.",
                "id",
            )
        )
    if ind.id in ctx.taken_ids:
        issues.append(
            rule_issue(
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
            rule_issue(
                ind,
                "rule.names",
                "名称须同时填写中文和英文（name.zh 与 name.en）。",
                "give the name in both Chinese and English (name.zh and name.en).",
                "name",
            )
        )
    if bool(ind.description.zh.strip()) != bool(ind.description.en.strip()):
        issues.append(
            rule_issue(
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
            rule_issue(
                ind,
                "rule.unit",
                "缺少单位：请填写 unit，例如 %、分钟、天、次、分。",
                "the unit is missing: add `unit`, e.g. %, minutes, days, count, score.",
                "unit",
            )
        )
    if ind.direction is None:
        issues.append(
            rule_issue(
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
            rule_issue(ind, "rule.owner", "缺少负责人：请填写 owner。", "the owner is missing: add `owner` (a user or role).", "owner")
        )
    if ctx.departments and ind.department not in ctx.departments:
        zh, en = did_you_mean(ind.department, ctx.departments)
        issues.append(
            rule_issue(
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
    return [rule_issue(ind, f"rule.{name}", zh, en, name) for name, zh, en in missing]


def targets_and_baseline(ind: Indicator, _ctx: RuleContext) -> list[Issue]:
    issues = []
    for i, target in enumerate(ind.targets):
        if target.period != WHOLE and parse_period(target.period) is None:
            issues.append(
                rule_issue(
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
                    rule_issue(
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
                rule_issue(
                    ind,
                    "rule.baseline",
                    "基线须为 from ≤ to 的两个日期（YYYY-MM-DD）。",
                    "the baseline needs two dates (YYYY-MM-DD) with from <= to.",
                    "baseline",
                )
            )
    if ind.thresholds.amber > ind.thresholds.green:
        issues.append(
            rule_issue(
                ind, "rule.thresholds", "黄色阈值不能高于绿色阈值。", "the amber threshold cannot be above the green one.", "thresholds"
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


__all__ = ["RULES", "Rule", "RuleContext", "validate"]
