"""Indicator definition + request + the actor's policy → one sqlglot tree → SQL with bound parameters.

Every type compiles to a *series* CTE with columns (period, <by dimensions>, value):
simple and ratio aggregate at the requested grain (a ratio part by part, then divided); snapshot
takes the last value per period; cumulative sums its input over a grain-to-date or rolling
window; derived joins its inputs on period and dimensions (baseline inputs on dimensions only).
Series are laid over a time spine so missing periods come back as NULL, and comparisons
(`previous`, `year_ago`, `baseline`) are query-time joins, not separate indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlglot import exp

from errors import InvalidInput, Issue
from indicators import expressions
from indicators.compiled import Compiled, compiled
from indicators.periods import ORDER, shift, spine, truncate, year_ago_week, year_back
from indicators.request import Compare, IndicatorRequest, whole_periods
from indicators.spec import Agg, Grain, Indicator, IndicatorType, Measure, timeless
from indicators.sqlparts import Params, Source, base, col

MAX_DEPTH = 8


Resolve = Callable[[str], Any]


def _compile_error(zh: str, en: str) -> InvalidInput:
    return InvalidInput(zh, en, [Issue("compile", zh, en)])


def guarded(tree: exp.Expr) -> exp.Expr:
    """Every division's denominator wrapped in NULLIF(…, 0): DuckDB would return inf or nan."""
    for div in list(tree.find_all(exp.Div)):
        div.set("expression", exp.Nullif(this=div.expression.copy(), expression=exp.Literal.number(0)))
    return tree


def aggregate(agg: Agg, value: exp.Expr) -> exp.Expr:
    if agg is Agg.SUM:
        return exp.Sum(this=value)
    if agg is Agg.AVG:
        return exp.Avg(this=value)
    if agg is Agg.COUNT:
        return exp.Count(this=value)
    if agg is Agg.COUNT_DISTINCT:
        return exp.Count(this=exp.Distinct(expressions=[value]))
    if agg is Agg.MIN:
        return exp.Min(this=value)
    if agg is Agg.MAX:
        return exp.Max(this=value)
    if agg is Agg.MEDIAN:
        return exp.Anonymous(this="median", expressions=[value])
    if agg is Agg.P90:
        return exp.Anonymous(this="quantile_cont", expressions=[value, exp.Literal.number(0.9)])
    if agg is Agg.P95:
        return exp.Anonymous(this="quantile_cont", expressions=[value, exp.Literal.number(0.95)])
    raise AssertionError(agg)


def _date_trunc(grain: Grain, value: exp.Expr) -> exp.Expr:
    return exp.cast(exp.Anonymous(this="date_trunc", expressions=[exp.Literal.string(grain.value), value]), "TIMESTAMP")


@dataclass
class IndicatorCompiler:
    """Compiles one request; `indicator` and `source` resolve ids (and raise NotFound for the actor)."""

    indicator: Resolve
    source: Resolve
    params: Params = field(default_factory=Params)
    ctes: list[tuple[str, exp.Expr]] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    _bases: dict[str, str] = field(default_factory=dict)
    _complete: set[str] = field(default_factory=set)  # series already laid over the whole spine

    # -- helpers ------------------------------------------------------------------------------
    def _cte(self, hint: str, select: exp.Expr) -> str:
        name = f"{hint}_{len(self.ctes)}"
        self.ctes.append((name, select))
        return name

    def _base(self, dataset_id: str) -> tuple[str, Source]:
        if dataset_id not in self._bases:
            src: Source = self.source(dataset_id)
            alias = f"ds{len(self.sources)}"
            src = Source(src.dataset_id, alias, src.file, src.data_version, src.columns, src.policy)
            self.sources[dataset_id] = src
            self._bases[dataset_id] = self._cte("base", base(src, self.params))
        return self._bases[dataset_id], self.sources[dataset_id]

    def _expr(self, text: str, src: Source, ind: Indicator, what: str) -> exp.Expr:
        checked, issues = expressions.check(text, src.columns, f"{ind.id} {what}")
        if checked is None:
            raise InvalidInput(f"指标“{ind.id}”无法编译。", f"Indicator {ind.id!r} cannot be compiled.", issues)
        return guarded(expressions.qualify(checked))

    def _measure(self, measure: Measure, src: Source, ind: Indicator, what: str) -> exp.Expr:
        return aggregate(measure.agg, self._expr(measure.expr, src, ind, what))

    def _dims(self, ind: Indicator, src: Source | None, req: IndicatorRequest) -> None:
        for name in list(req.by) + [f for f, _ in req.filters]:
            if name not in ind.dimensions or (src is not None and name not in src.columns):
                raise InvalidInput(
                    "维度无效。",
                    f"Indicator {ind.id!r} has no dimension {name!r} you may use.",
                    [
                        Issue(
                            "request.dimension",
                            f"指标“{ind.id}”没有可用的维度“{name}”。",
                            f"Indicator {ind.id!r} has no dimension {name!r} you may use; use one of {', '.join(ind.dimensions) or 'none'}.",
                        )
                    ],
                )

    def _where(self, ind: Indicator, src: Source, req: IndicatorRequest, start: dt.datetime, end: dt.datetime) -> list[exp.Expr]:
        conditions: list[exp.Expr] = []
        if ind.time is not None:  # a timeless indicator reads all its rows whatever the range
            if ind.time.column not in src.columns:
                raise _compile_error(f"指标“{ind.id}”的时间列不可用。", f"The time column of indicator {ind.id!r} is not available.")
            t = col(ind.time.column)
            conditions += [exp.GTE(this=t, expression=self.params.add(start)), exp.LT(this=t, expression=self.params.add(end))]
        conditions += [self._expr(text, src, ind, "filter") for text in ind.filters]
        for name, values in req.filters:
            conditions.append(exp.In(this=col(name), expressions=[self.params.add(v) for v in values]))
        return conditions

    # -- series per type --------------------------------------------------------------------
    def series(self, ind: Indicator, req: IndicatorRequest, start: dt.datetime, end: dt.datetime, depth: int = 0) -> str:
        """A CTE of (period, <by>, value) for [start, end) at req.grain, not yet spined."""
        if depth > MAX_DEPTH:
            raise _compile_error("指标引用层级过深或存在循环。", "Indicator references are too deep or circular.")
        kind = ind.type
        if kind is IndicatorType.DERIVED:
            return self._derived(ind, req, start, end, depth)
        if kind is IndicatorType.CUMULATIVE:
            return self._cumulative(ind, req, start, end, depth)
        assert ind.dataset is not None
        base_name, src = self._base(ind.dataset)
        self._dims(ind, src, req)
        t = col(ind.time.column) if ind.time else None
        period: exp.Expr = _date_trunc(req.grain, t) if req.grain and t else exp.cast(exp.Null(), "TIMESTAMP")
        dims = [col(d) for d in req.by]
        where = self._where(ind, src, req, start, end)
        if kind is IndicatorType.SNAPSHOT:
            if ind.measure is None or t is None:
                raise _compile_error("快照指标需要时间列。", f"The snapshot indicator {ind.id!r} needs a time column.")
            inner = (
                exp.select(t.as_("ts"), *dims, self._measure(ind.measure, src, ind, "measure").as_("v"))
                .from_(base_name)
                .where(*where, copy=False)
                .group_by(t, *dims)
            )
            inner_name = self._cte("snap", inner)
            ts = col("ts")
            outer_period = _date_trunc(req.grain, ts) if req.grain else exp.cast(exp.Null(), "TIMESTAMP")
            select = (
                exp.select(
                    outer_period.as_("period"),
                    *[col(d) for d in req.by],
                    exp.Anonymous(this="arg_max", expressions=[col("v"), ts]).as_("value"),
                )
                .from_(inner_name)
                .group_by(outer_period, *[col(d) for d in req.by])
            )
            return self._cte("series", select)
        if kind is IndicatorType.RATIO:
            assert ind.numerator is not None and ind.denominator is not None
            value: exp.Expr = exp.Mul(
                this=exp.Div(
                    this=self._measure(ind.numerator, src, ind, "numerator"),
                    expression=exp.Nullif(this=self._measure(ind.denominator, src, ind, "denominator"), expression=exp.Literal.number(0)),
                ),
                expression=exp.Literal.number(ind.scale),
            )
        else:
            assert ind.measure is not None
            value = self._measure(ind.measure, src, ind, "measure")
        select = (
            exp.select(period.as_("period"), *dims, exp.cast(value, "DOUBLE").as_("value"))
            .from_(base_name)
            .where(*where, copy=False)
            .group_by(period, *dims)
        )
        return self._cte("series", select)

    def spined(self, name: str, req: IndicatorRequest, start: dt.datetime, end: dt.datetime) -> str:
        """Every period of [start, end) × every dimension combination present, values LEFT JOINed (NULL if absent)."""
        if req.grain is None or name in self._complete:
            return name
        periods = exp.select(exp.Unnest(expressions=[self.params.add(spine(req.grain, start, end))]).as_("period"))
        select = exp.select(col("period", "s"), *[col(d, "d") for d in req.by], col("value", "v")).from_(periods.subquery("s"))
        if req.by:
            select = select.join(exp.select(*[col(d) for d in req.by]).distinct().from_(name).subquery("d"), join_type="cross")
        on = [exp.EQ(this=col("period", "v"), expression=col("period", "s"))] + [
            exp.EQ(this=col(d, "v"), expression=col(d, "d")) for d in req.by
        ]
        select = select.join(exp.alias_(exp.to_table(name), "v"), on=exp.and_(*on), join_type="left")
        spined = self._cte("spined", select)
        self._complete.add(spined)
        return spined

    def _cumulative(self, ind: Indicator, req: IndicatorRequest, start: dt.datetime, end: dt.datetime, depth: int) -> str:
        assert ind.input is not None and ind.window is not None
        if req.grain is None:
            raise _compile_error("累计指标需要时间粒度。", f"The cumulative indicator {ind.id!r} needs a time grain.")
        source: Indicator = self.indicator(ind.input)
        if self.timeless(source):
            raise _compile_error(
                "累计指标的输入没有时间列。",
                f"The input {ind.input!r} of the cumulative indicator {ind.id!r} has no time column to accumulate over.",
            )
        self._dims(ind, None, req)
        window = ind.window
        if req.grain is Grain.WEEK and window.grain_to_date is not None:
            return self._week_to_date(source, window.grain_to_date, req, start, end, depth)
        if window.grain_to_date:
            extended = truncate(window.grain_to_date, truncate(req.grain, start))
        else:
            extended = shift(req.grain, truncate(req.grain, start), -((window.periods or 1) - 1))
        inner = self.spined(self.series(source, req, extended, end, depth + 1), req, extended, end)
        partition: list[exp.Expr] = [col(d) for d in req.by]
        frame: dict[str, Any] = {}
        if window.grain_to_date:
            partition.append(_date_trunc(window.grain_to_date, col("period")))
        else:
            frame = {
                "spec": exp.WindowSpec(
                    kind="ROWS", start=exp.Literal.number((window.periods or 1) - 1), start_side="PRECEDING", end="CURRENT ROW"
                )
            }
        running = exp.Window(
            this=exp.Sum(this=col("value")), partition_by=partition, order=exp.Order(expressions=[exp.Ordered(this=col("period"))]), **frame
        )
        select = exp.select(col("period"), *[col(d) for d in req.by], exp.cast(running, "DOUBLE").as_("value")).from_(inner)
        windowed = self._cte("cumul", select)
        done = self._cte(
            "series",
            exp.select(exp.Star())
            .from_(windowed)
            .where(exp.GTE(this=col("period"), expression=self.params.add(truncate(req.grain, start)))),
        )
        self._complete.add(done)
        return done

    def _week_to_date(
        self, source: Indicator, to_date: Grain, req: IndicatorRequest, start: dt.datetime, end: dt.datetime, depth: int
    ) -> str:
        """A week's year-to-date (month-, quarter-) is the daily running total on its last day with data.

        An ISO week can straddle two years (2026-W01 runs from Monday 29 December 2025): the total is that of the
        calendar year of the week's last day with data, so a week whose data ends on 31 December shows the whole
        year, not the three days that happen to open ISO year 2026.
        """
        first = truncate(Grain.WEEK, start)
        days = replace(req, grain=Grain.DAY, compare=None)
        daily = self.series(source, days, truncate(to_date, first), end, depth + 1)
        partition: list[exp.Expr] = [col(d) for d in req.by] + [_date_trunc(to_date, col("period"))]
        order = exp.Order(expressions=[exp.Ordered(this=col("period"))])
        running = exp.Window(this=exp.Sum(this=col("value")), partition_by=partition, order=order)
        summed = self._cte("cumul", exp.select(col("period"), *[col(d) for d in req.by], running.as_("value")).from_(daily))
        week = _date_trunc(Grain.WEEK, col("period"))
        last = exp.Anonymous(this="arg_max", expressions=[col("value"), col("period")])
        select = (
            exp.select(week.as_("period"), *[col(d) for d in req.by], exp.cast(last, "DOUBLE").as_("value"))
            .from_(summed)
            .where(
                exp.GTE(this=col("period"), expression=self.params.add(first)),
                exp.Not(this=exp.Is(this=col("value"), expression=exp.Null())),
            )
            .group_by(week, *[col(d) for d in req.by])
        )
        return self._cte("series", select)

    def _derived(self, ind: Indicator, req: IndicatorRequest, start: dt.datetime, end: dt.datetime, depth: int) -> str:
        self._dims(ind, None, req)
        names: dict[str, str] = {}
        coarse_inputs: dict[str, Grain] = {}
        driver: str | None = None
        constant: set[str] = set()  # timeless inputs: one value for every period, joined on dimensions only
        for item in ind.inputs:
            source: Indicator = self.indicator(item.ref)
            if not item.baseline and self.timeless(source):
                names[item.as_] = self.series(source, replace(req, grain=None, compare=None), start, end, depth + 1)
                constant.add(item.as_)
            elif item.baseline:
                if source.baseline is None:
                    raise _compile_error("输入指标没有基线。", f"Input {item.ref!r} of {ind.id!r} has no baseline.")
                b_start, b_end = _baseline_bounds(source)
                sub = IndicatorRequest(None, b_start, b_end, req.by, req.filters)
                names[item.as_] = self.series(source, sub, b_start, b_end, depth + 1)
            elif item.grain is not None and req.grain is None:
                # one total over the range: the coarse input is taken over the whole periods of its grain the range touches
                c_start = truncate(item.grain, start)
                names[item.as_] = self.series(source, req, c_start, end, depth + 1)
            elif item.grain is not None and req.grain is not None and ORDER.index(item.grain) > ORDER.index(req.grain):
                coarse = replace(req, grain=item.grain)
                c_start = truncate(item.grain, start)
                names[item.as_] = self.spined(self.series(source, coarse, c_start, end, depth + 1), coarse, c_start, end)
                coarse_inputs[item.as_] = item.grain
            else:
                names[item.as_] = self.spined(self.series(source, req, start, end, depth + 1), req, start, end)
                driver = driver or item.as_
        if driver is None and constant and req.grain is None:
            driver = next(i.as_ for i in ind.inputs if i.as_ in constant)
        if driver is None:
            raise _compile_error(
                "派生指标至少需要一个非基线输入。", f"The derived indicator {ind.id!r} needs at least one input that is not a baseline."
            )
        checked, issues = expressions.check(ind.expr, list(names), f"{ind.id} expr")
        if checked is None:
            raise InvalidInput(f"指标“{ind.id}”无法编译。", f"Indicator {ind.id!r} cannot be compiled.", issues)
        tree = guarded(checked.tree.copy())
        for column in list(tree.find_all(exp.Column)):
            column.replace(col("value", column.name))
        select = exp.select(col("period", driver), *[col(d, driver) for d in req.by], exp.cast(tree, "DOUBLE").as_("value")).from_(
            exp.alias_(exp.to_table(names[driver]), driver)
        )
        for item in ind.inputs:
            if item.as_ == driver:
                continue
            on: list[exp.Expr] = [exp.EQ(this=col(d, item.as_), expression=col(d, driver)) for d in req.by]
            if item.as_ in coarse_inputs:
                on.append(exp.EQ(this=col("period", item.as_), expression=_date_trunc(coarse_inputs[item.as_], col("period", driver))))
            elif not item.baseline and item.as_ not in constant and req.grain is not None:
                on.append(exp.EQ(this=col("period", item.as_), expression=col("period", driver)))
            target = exp.alias_(exp.to_table(names[item.as_]), item.as_)
            select = select.join(target, on=exp.and_(*on), join_type="left") if on else select.join(target, join_type="cross")
        done = self._cte("series", select)
        if req.grain is not None:
            self._complete.add(done)  # its driver input is already a full grid
        return done

    def timeless(self, ind: Indicator) -> bool:
        """No time axis (see `spec.timeless`); references resolve as the actor, NotFound propagating."""
        return timeless(ind, self.indicator)

    # -- the whole query ------------------------------------------------------------------------
    def compile(self, ind: Indicator, req: IndicatorRequest) -> Compiled:
        """Periods are whole: [start, end) is widened to the periods it touches (see `whole_periods`).
        A timeless indicator has one value and no comparison, whatever grain, range or comparison is asked."""
        if self.timeless(ind):
            req = replace(req, grain=None, compare=None)
        start, end = whole_periods(req)
        values = self._with_compare(ind, req, start, end)
        columns = ["period", *req.by, "value"] + (["compare_value"] if req.compare else [])
        order = [exp.Ordered(this=col(c)) for c in ["period", *req.by]]
        final = exp.select(*[col(c) for c in columns]).from_(values).order_by(*order)
        # One WITH clause built at once (adding CTEs one by one copies the growing query each time).
        # The policy-applied base is read by several series: inlining it (NOT MATERIALIZED) lets DuckDB
        # push filters and projections into each scan instead of materialising every row once.
        ctes = [
            exp.CTE(this=cte, alias=exp.TableAlias(this=exp.to_identifier(name)), materialized=False if name.startswith("base_") else None)
            for name, cte in self.ctes
        ]
        final.set("with_", exp.With(expressions=ctes))
        return compiled(final, self.params.values, self.sources.values(), columns)

    def _with_compare(self, ind: Indicator, req: IndicatorRequest, start: dt.datetime, end: dt.datetime) -> str:
        if req.compare is None:
            return self.spined(self.series(ind, req, start, end), req, start, end)
        dims = [col(d) for d in req.by]
        if req.compare is Compare.BASELINE:
            if ind.baseline is None:
                raise InvalidInput(
                    "该指标没有基线。",
                    f"Indicator {ind.id!r} has no baseline to compare with.",
                    [
                        Issue(
                            "request.compare",
                            f"指标“{ind.id}”没有定义基线，无法与基线比较。",
                            f"Indicator {ind.id!r} defines no baseline; compare with previous or year_ago instead.",
                        )
                    ],
                )
            b_start, b_end = _baseline_bounds(ind)
            current = self.spined(self.series(ind, req, start, end), req, start, end)
            baseline = self.series(ind, IndicatorRequest(None, b_start, b_end, req.by, req.filters), b_start, b_end)
            on = [exp.EQ(this=col(d, "b"), expression=col(d, "c")) for d in req.by]
            select = exp.select(
                col("period", "c"), *[col(d, "c") for d in req.by], col("value", "c"), col("value", "b").as_("compare_value")
            ).from_(exp.alias_(exp.to_table(current), "c"))
            target = exp.alias_(exp.to_table(baseline), "b")
            select = select.join(target, on=exp.and_(*on), join_type="left") if on else select.join(target, join_type="cross")
            return self._cte("compared", select)
        if req.grain is None:
            span = end - start
            earlier = (start - span, start) if req.compare is Compare.PREVIOUS else (year_back(start), year_back(end))
            current = self.series(ind, req, start, end)
            before = self.series(ind, req, *earlier)
            on = [exp.EQ(this=col(d, "b"), expression=col(d, "c")) for d in req.by]
            select = exp.select(
                col("period", "c"), *[col(d, "c") for d in req.by], col("value", "c"), col("value", "b").as_("compare_value")
            ).from_(exp.alias_(exp.to_table(current), "c"))
            target = exp.alias_(exp.to_table(before), "b")
            select = select.join(target, on=exp.and_(*on), join_type="left") if on else select.join(target, join_type="cross")
            return self._cte("compared", select)
        if req.grain is Grain.WEEK and req.compare is Compare.YEAR_AGO:
            return self._week_year_ago(ind, req, start, end)
        steps = (
            1
            if req.compare is Compare.PREVIOUS
            else {Grain.YEAR: 1, Grain.QUARTER: 4, Grain.MONTH: 12, Grain.WEEK: 52, Grain.DAY: 0, Grain.HOUR: 0}[req.grain]
        )
        if steps == 0:  # day and hour grains: the same date a year earlier (29 February reads 28 February)
            extended = year_back(start)
            lag_expr: exp.Expr = col("value", "b")
            series = self.spined(self.series(ind, req, extended, end), req, extended, end)
            on = [
                exp.EQ(
                    this=col("period", "b"),
                    expression=exp.Sub(
                        this=col("period", "c"), expression=exp.Interval(this=exp.Literal.string("1"), unit=exp.Var(this="YEAR"))
                    ),
                )
            ]
            on += [exp.EQ(this=col(d, "b"), expression=col(d, "c")) for d in req.by]
            select = (
                exp.select(col("period", "c"), *[col(d, "c") for d in req.by], col("value", "c"), lag_expr.as_("compare_value"))
                .from_(exp.alias_(exp.to_table(series), "c"))
                .join(exp.alias_(exp.to_table(series), "b"), on=exp.and_(*on), join_type="left")
                .where(exp.GTE(this=col("period", "c"), expression=self.params.add(start)))
            )
            return self._cte("compared", select)
        extended = shift(req.grain, start, -steps)
        series = self.spined(self.series(ind, req, extended, end), req, extended, end)
        lag = exp.Window(
            this=exp.Anonymous(this="lag", expressions=[col("value"), exp.Literal.number(steps)]),
            partition_by=dims,
            order=exp.Order(expressions=[exp.Ordered(this=col("period"))]),
        )
        lagged = self._cte("lagged", exp.select(col("period"), *dims, col("value"), lag.as_("compare_value")).from_(series))
        return self._cte(
            "compared", exp.select(exp.Star()).from_(lagged).where(exp.GTE(this=col("period"), expression=self.params.add(start)))
        )

    def _week_year_ago(self, ind: Indicator, req: IndicatorRequest, start: dt.datetime, end: dt.datetime) -> str:
        """Week N is compared with week N of the previous ISO year (2021-W01 with 2020-W01 although 2020 had 53
        weeks, so never a fixed lag of 52); a week 53 without a counterpart compares with nothing."""
        weeks = spine(Grain.WEEK, start, end)
        earlier = [year_ago_week(week) for week in weeks]
        extended = min([w for w in earlier if w is not None] + [start])
        series = self.spined(self.series(ind, req, extended, end), req, extended, end)
        pairs = exp.select(
            exp.Unnest(expressions=[self.params.add(weeks)]).as_("period"),
            exp.Unnest(expressions=[self.params.add(earlier)]).as_("earlier"),
        )
        on = [exp.EQ(this=col("period", "c"), expression=col("period", "w"))]
        back = [exp.EQ(this=col("period", "b"), expression=col("earlier", "w"))]
        back += [exp.EQ(this=col(d, "b"), expression=col(d, "c")) for d in req.by]
        select = (
            exp.select(col("period", "c"), *[col(d, "c") for d in req.by], col("value", "c"), col("value", "b").as_("compare_value"))
            .from_(exp.alias_(exp.to_table(series), "c"))
            .join(pairs.subquery("w"), on=exp.and_(*on), join_type="inner")
            .join(exp.alias_(exp.to_table(series), "b"), on=exp.and_(*back), join_type="left")
        )
        return self._cte("compared", select)


def _baseline_bounds(ind: Indicator) -> tuple[dt.datetime, dt.datetime]:
    assert ind.baseline is not None
    start = dt.datetime.fromisoformat(ind.baseline.from_)
    end = dt.datetime.fromisoformat(ind.baseline.to) + dt.timedelta(days=1)
    return start, end


__all__ = ["MAX_DEPTH", "Compare", "IndicatorCompiler", "IndicatorRequest", "aggregate", "guarded", "whole_periods"]
