"""An indicator as a person reads it: its definition as a sentence, its filters in words, the differences between
two versions, the columns it reads, and the latest complete period of its values.

Sentences are built by walking the sqlglot tree of each expression (never by pattern-matching the text), so
`road_class in ('arterial', 'expressway')` reads "road_class is arterial or expressway". A construct without
a phrase falls back to its regenerated SQL, which is still exact.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlglot import exp

from indicators.expressions import parse
from indicators.periods import Period, belongs, parse_period
from indicators.spec import Agg, Grain, Indicator, IndicatorType, Measure

Names = Mapping[str, str]

AGG_PHRASES: dict[Agg, tuple[str, str]] = {
    Agg.SUM: ("{e} 的合计", "the sum of {e}"),
    Agg.AVG: ("{e} 的平均值", "the average of {e}"),
    Agg.COUNT: ("{e} 非空的记录数", "the number of records with {e}"),
    Agg.COUNT_DISTINCT: ("{e} 的不同取值个数", "the number of distinct {e}"),
    Agg.MIN: ("{e} 的最小值", "the minimum of {e}"),
    Agg.MAX: ("{e} 的最大值", "the maximum of {e}"),
    Agg.MEDIAN: ("{e} 的中位数", "the median of {e}"),
    Agg.P90: ("{e} 的 90 分位数", "the 90th percentile of {e}"),
    Agg.P95: ("{e} 的 95 分位数", "the 95th percentile of {e}"),
}
COMPARISONS: dict[type[exp.Expr], tuple[str, str]] = {
    exp.EQ: ("为", "is"),
    exp.NEQ: ("不为", "is not"),
    exp.GT: ("大于", "is greater than"),
    exp.GTE: ("不小于", "is at least"),
    exp.LT: ("小于", "is less than"),
    exp.LTE: ("不大于", "is at most"),
}
GRAIN_WORDS: dict[Grain, tuple[str, str]] = {
    Grain.HOUR: ("小时", "hour"),
    Grain.DAY: ("日", "day"),
    Grain.WEEK: ("周", "week"),
    Grain.MONTH: ("月", "month"),
    Grain.QUARTER: ("季度", "quarter"),
    Grain.YEAR: ("年", "year"),
}


def _say(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _choices(items: Sequence[str], lang: str, word_zh: str = "或", word_en: str = "or") -> str:
    """`a`, `a or b`, `a, b or c` (zh: `a、b 或 c`)."""
    if len(items) <= 1:
        return "".join(items)
    if lang == "en":
        return f"{', '.join(items[:-1])} {word_en} {items[-1]}"
    return f"{'、'.join(items[:-1])} {word_zh} {items[-1]}"


# -- expressions in words -------------------------------------------------------------------------
ARITHMETIC: dict[type[exp.Expr], str] = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%"}
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "second": ("秒数", "seconds"),
    "minute": ("分钟数", "minutes"),
    "hour": ("小时数", "hours"),
    "day": ("天数", "days"),
    "week": ("周数", "weeks"),
    "month": ("月数", "months"),
    "quarter": ("季度数", "quarters"),
    "year": ("年数", "years"),
}


def operand(node: exp.Expr, lang: str) -> str:
    """A value: a column by its name, a literal without quotes, date_diff as "the hours from a to b"; else exact SQL."""
    if isinstance(node, exp.Paren):
        return f"({operand(node.this, lang)})"
    if isinstance(node, exp.Column):
        return str(node.name)
    if isinstance(node, exp.Literal):
        return str(node.this)
    if isinstance(node, exp.Boolean):
        return _say(lang, "真" if node.this else "假", "true" if node.this else "false")
    if isinstance(node, exp.Null):
        return _say(lang, "空", "null")
    if isinstance(node, exp.Neg):
        return f"-{operand(node.this, lang)}"
    symbol = ARITHMETIC.get(type(node))
    if symbol is not None:
        return f"{operand(node.this, lang)} {symbol} {operand(node.expression, lang)}"
    if isinstance(node, exp.Hour):
        return _say(lang, f"{operand(node.this, lang)} 的小时", f"the hour of {operand(node.this, lang)}")
    if isinstance(node, exp.DateDiff):
        unit = str(node.unit.name if isinstance(node.unit, (exp.Var, exp.Literal)) else node.unit or "day").lower()
        if unit in UNIT_WORDS:
            zh, en = UNIT_WORDS[unit]
            start, end = operand(node.expression, lang), operand(node.this, lang)
            return _say(lang, f"{start} 至 {end} 的{zh}", f"the {en} from {start} to {end}")
    return node.sql(dialect="duckdb")


def condition(node: exp.Expr, lang: str) -> str:
    """A filter in words: `decided_at is not null` → "decided_at is present"."""
    if isinstance(node, exp.Paren):
        inner = condition(node.this, lang)
        return _say(lang, f"（{inner}）", f"({inner})") if isinstance(node.this, exp.Connector) else inner
    if isinstance(node, exp.And):
        return _joined(node, "且", "and", lang)
    if isinstance(node, exp.Or):
        return _joined(node, "或", "or", lang)
    if isinstance(node, exp.Not):
        return _negated(node.this, lang)
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        return _say(lang, f"{operand(node.this, lang)} 为空", f"{operand(node.this, lang)} is missing")
    if isinstance(node, exp.In):
        values = [operand(v, lang) for v in node.expressions]
        return _say(
            lang, f"{operand(node.this, lang)} 为 {_choices(values, lang)}", f"{operand(node.this, lang)} is {_choices(values, lang)}"
        )
    if isinstance(node, exp.Between):
        low, high = operand(node.args["low"], lang), operand(node.args["high"], lang)
        return _say(
            lang, f"{operand(node.this, lang)} 介于 {low} 与 {high} 之间", f"{operand(node.this, lang)} is between {low} and {high}"
        )
    if isinstance(node, exp.Like):
        return _say(
            lang,
            f"{operand(node.this, lang)} 匹配 {operand(node.expression, lang)}",
            f"{operand(node.this, lang)} matches {operand(node.expression, lang)}",
        )
    for kind, (zh, en) in COMPARISONS.items():
        if type(node) is kind:
            left, right = operand(node.this, lang), operand(node.expression, lang)
            return _say(lang, f"{left} {zh} {right}", f"{left} {en} {right}")
    if isinstance(node, exp.Column):
        return _say(lang, f"{node.name} 为真", f"{node.name} is true")
    return node.sql(dialect="duckdb")


def _joined(node: exp.Expr, word_zh: str, word_en: str, lang: str) -> str:
    left, right = condition(node.this, lang), condition(node.expression, lang)
    if lang == "en":
        return f"{left} {word_en} {right}"
    return f"{left}，{word_zh}{'' if right.startswith('（') else ' '}{right}"


def _negated(node: exp.Expr, lang: str) -> str:
    inner = node.this if isinstance(node, exp.Paren) else node
    if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
        return _say(lang, f"{operand(inner.this, lang)} 不为空", f"{operand(inner.this, lang)} is present")
    if isinstance(inner, exp.In):
        subject, values = operand(inner.this, lang), [operand(v, lang) for v in inner.expressions]
        if lang != "en":
            return f"{subject} 不为 {_choices(values, lang)}"
        if len(values) == 2:
            return f"{subject} is neither {values[0]} nor {values[1]}"
        return f"{subject} is not {values[0]}" if len(values) == 1 else f"{subject} is none of {', '.join(values)}"
    if isinstance(inner, exp.Column):
        return _say(lang, f"{inner.name} 为假", f"{inner.name} is false")
    return _say(lang, f"并非（{condition(inner, lang)}）", f"not ({condition(inner, lang)})")


def filter_text(text: str, lang: str) -> str:
    """One filter of a definition in words; text that does not parse is shown as written."""
    tree, _ = parse(text, "filter")
    return text if tree is None else condition(tree, lang)


def _counted_condition(tree: exp.Expr) -> exp.Expr | None:
    """`case when c then 1 else 0 end` (summed, it counts the records where c holds) → c."""
    if isinstance(tree, exp.Paren):
        return _counted_condition(tree.this)
    if not isinstance(tree, exp.Case) or tree.this is not None or len(tree.args.get("ifs") or []) != 1:
        return None
    branch = tree.args["ifs"][0]
    then, default = branch.args.get("true"), tree.args.get("default")
    if isinstance(then, exp.Literal) and then.this == "1" and isinstance(default, exp.Literal) and default.this == "0":
        cond: exp.Expr = branch.this
        return cond
    return None


def measure_text(measure: Measure, lang: str) -> str:
    """An aggregated expression in words: sum(1) → "the number of records"."""
    tree, _ = parse(measure.expr, "measure")
    if tree is not None and measure.agg is Agg.SUM:
        if isinstance(tree, exp.Literal) and tree.this == "1":
            return _say(lang, "记录数", "the number of records")
        counted = _counted_condition(tree)
        if counted is not None:
            return _say(lang, f"满足“{condition(counted, lang)}”的记录数", f"the number of records where {condition(counted, lang)}")
    text = measure.expr if tree is None else operand(tree, lang)
    zh, en = AGG_PHRASES[measure.agg]
    return _say(lang, zh, en).format(e=text)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _scaled(scale: float) -> str:
    """`× 100`, or `÷ 86400` for a scale such as 1/86400 (seconds to days) that reads better as a division."""
    if scale == 1:
        return ""
    if 0 < abs(scale) < 1 and abs(1 / scale - round(1 / scale)) < 1e-6:
        return f" ÷ {round(1 / scale)}"
    return f" × {_number(scale)}"


def _ref(ref: str, names: Names) -> str:
    name = names.get(ref)
    return f"{name} ({ref})" if name and name != ref else ref


def _body(ind: Indicator, lang: str, names: Names) -> str:
    kind = ind.type
    if kind is IndicatorType.SIMPLE or kind is IndicatorType.SNAPSHOT:
        assert ind.measure is not None
        text = measure_text(ind.measure, lang)
        if kind is IndicatorType.SNAPSHOT:
            return _say(lang, f"每个周期最后一个时点的 {text}", f"{text} at the last point in time of each period")
        return text
    if kind is IndicatorType.RATIO:
        assert ind.numerator is not None and ind.denominator is not None
        text = f"{measure_text(ind.numerator, lang)} ÷ {measure_text(ind.denominator, lang)}"
        return f"{text}{_scaled(ind.scale)}"
    if kind is IndicatorType.DERIVED:
        tree, _ = parse(ind.expr, "expr")
        formula = (ind.expr or "") if tree is None else operand(tree, lang)
        parts = []
        for item in ind.inputs:
            source = _ref(item.ref, names)
            if item.baseline:
                parts.append(_say(lang, f"{item.as_} 是 {source} 的基线值", f"{item.as_} is the baseline value of {source}"))
            elif item.grain is not None:
                grain_zh, grain_en = GRAIN_WORDS[item.grain]
                parts.append(_say(lang, f"{item.as_} 是按{grain_zh}计的 {source}", f"{item.as_} is {source} by {grain_en}"))
            else:
                parts.append(_say(lang, f"{item.as_} 是 {source}", f"{item.as_} is {source}"))
        return _say(lang, f"{formula}，其中 {'；'.join(parts)}", f"{formula}, where {'; '.join(parts)}") if parts else formula
    if kind is IndicatorType.CUMULATIVE:
        source = _ref(ind.input or "", names)
        window = ind.window
        if window is not None and window.grain_to_date is not None:
            grain_zh, grain_en = GRAIN_WORDS[window.grain_to_date]
            return _say(lang, f"{source} 自每{grain_zh}初起的累计值", f"the running total of {source} since the start of each {grain_en}")
        periods = window.periods if window is not None and window.periods else 1
        return _say(lang, f"{source} 最近 {periods} 个周期的滚动合计", f"the total of {source} over the last {periods} periods")
    raise AssertionError(kind)


def sentence(ind: Indicator, lang: str = "zh", names: Names | None = None) -> str:
    """The definition as one sentence: name = what is aggregated, where the filters hold, over the time column.

    `names` maps indicator ids to display names for the inputs of derived and cumulative indicators.
    """
    body = _body(ind, lang, names or {})
    where = [filter_text(f, lang) for f in ind.filters]
    text = f"{ind.name.get(lang)} = "
    if where and lang == "en":
        text += f"{body} where {' and '.join(where)}"
    elif where:
        text += f"在 {'，且 '.join(where)} 的记录中，{body}"
    else:
        text += body
    if ind.time is not None:
        text += _say(lang, f"，按 {ind.time.column} 统计", f", over {ind.time.column}")
    elif ind.dataset:  # timeless: one value over every row
        text += _say(lang, "，不分期（全部数据，没有时间列）", ", over all the data (no time column)")
    return text


# -- lineage -------------------------------------------------------------------------------------
def columns_used(ind: Indicator) -> list[str]:
    """Dataset columns the definition reads (measures, filters, time), in first-use order; then dimensions."""
    texts = [m.expr for m in (ind.measure, ind.numerator, ind.denominator) if m is not None] + list(ind.filters)
    found: list[str] = []
    for text in texts:
        tree, _ = parse(text, "lineage")
        columns = sorted(tree.find_all(exp.Column), key=lambda c: int(c.this.meta.get("start", 0))) if tree is not None else []
        for column in columns:  # in the order they are written
            if column.name not in found:
                found.append(column.name)
    if ind.time is not None and ind.time.column not in found:
        found.append(ind.time.column)
    return found + [d for d in ind.dimensions if d not in found]


def input_refs(ind: Indicator) -> list[str]:
    """The indicators a derived or cumulative indicator is computed from (each once)."""
    refs = [i.ref for i in ind.inputs] + ([ind.input] if ind.input else [])
    return list(dict.fromkeys(refs))


# -- versions ------------------------------------------------------------------------------------
def _flat(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping) and value:
        for key, inner in value.items():
            _flat(inner, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = value


def _shown(value: Any) -> str:
    if value is None or value in ((), [], {}):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _order(field: str) -> int:
    """Fields in the order of the model (then in the stored order within a nested field)."""
    names = list(Indicator.model_fields)
    top = field.split(".", 1)[0]
    return names.index(top) if top in names else len(names)


def diff(old_def: Mapping[str, Any], new_def: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """What changed between two stored definitions: (field, before, after), nested fields dotted (`measure.expr`).

    Lists are compared whole; a field that is absent and one that is empty read the same.
    """
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flat(old_def, "", before)
    _flat(new_def, "", after)
    changes = []
    for field in sorted(dict.fromkeys([*before, *after]), key=_order):
        old, new = _shown(before.get(field)), _shown(after.get(field))
        if old != new:
            changes.append((field, old, new))
    return changes


# -- values --------------------------------------------------------------------------------------
def latest_complete(result: Mapping[str, Any], through: str | None = None, snapshot: bool = False) -> dict[str, Any] | None:
    """The row of the latest period that has a value and has ended by the end of day `through` (ISO date).

    `through` is the last day of data or of the chosen range: `values()` widens a range to whole periods, so
    its own `to` (the fallback) cannot tell a running month from a finished one. Periods without a calendar
    label (hours, a whole range) count as complete, and so does every period of a snapshot indicator: its
    latest observation is final for the moment it describes (population on 1 January).
    """
    rows = [r for r in result.get("rows") or [] if r.get("value") is not None]
    try:
        day_after = dt.datetime.fromisoformat(str(through or result.get("to"))[:10]) + dt.timedelta(days=1)
    except ValueError:
        day_after = dt.datetime.max
    for row in reversed(rows):
        period = parse_period(str(row.get("period", "")))
        if snapshot or period is None or period.end <= day_after:
            return dict(row)
    return None


def matches(ind: Indicator, query: str) -> bool:
    """Search: every word of `query` is in the id, a name (Chinese or English) or a synonym, ignoring case."""
    haystack = " ".join([ind.id, ind.name.zh, ind.name.en, *ind.synonyms]).casefold()
    return all(word in haystack for word in query.casefold().split())


def within(label: str, start: str, end: str) -> bool:
    """Whether the period labelled `label` lies inside the dates [start, end] (e.g. a month of the baseline year); a
    week counts by its Thursday (2020-W53, to 3 January 2021, is a week of a 2020 baseline)."""
    period = parse_period(label)
    try:
        first, last = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end) + dt.timedelta(days=1)
    except ValueError:
        return False
    return period is not None and Period(Grain.DAY, first, last).contains(belongs(period, Period(Grain.DAY, first, last)))
