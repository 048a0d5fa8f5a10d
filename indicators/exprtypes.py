"""The types of a checked expression, found at compile time against the dataset's column types.

DuckDB refuses `sum(VARCHAR)`, `district - 1` or `volume > district` only when the query runs; here the same
mistakes are issues before any SQL is made, each naming the (sub-)expression, the type it has and the type
the place needs. The rules follow what DuckDB accepts (checked against it, tests/test_no_500.py):
numbers and yes/no values compare with each other, dates with timestamps; a text constant adapts to the
other side if it reads as that type; arithmetic is on numbers, or on dates (± days, date − date).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from errors import Issue
from indicators.spec import Agg


class Kind(enum.StrEnum):
    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"
    INTERVAL = "interval"
    STRING = "string"  # a text constant: DuckDB reads it as the type of the other side
    NULL = "null"
    ANY = "any"  # not known (after a reported issue, or a column of a type not listed)


NAMES: dict[Kind, tuple[str, str]] = {
    Kind.NUMBER: ("数值", "a number"),
    Kind.TEXT: ("文本", "text"),
    Kind.BOOLEAN: ("是/否值", "a yes/no value"),
    Kind.DATE: ("日期", "a date"),
    Kind.TIMESTAMP: ("日期时间", "a timestamp"),
    Kind.INTERVAL: ("时间间隔", "an interval"),
    Kind.STRING: ("文本常量", "a text constant"),
    Kind.NULL: ("空值", "null"),
    Kind.ANY: ("未知类型", "unknown"),
}
COLUMN_KINDS = {
    "integer": Kind.NUMBER,
    "float": Kind.NUMBER,
    "decimal": Kind.NUMBER,
    "text": Kind.TEXT,
    "boolean": Kind.BOOLEAN,
    "date": Kind.DATE,
    "timestamp": Kind.TIMESTAMP,
}
CAST_KINDS = {
    **dict.fromkeys(
        (
            exp.DataType.Type.BIGINT,
            exp.DataType.Type.INT,
            exp.DataType.Type.SMALLINT,
            exp.DataType.Type.DOUBLE,
            exp.DataType.Type.FLOAT,
            exp.DataType.Type.DECIMAL,
        ),
        Kind.NUMBER,
    ),
    exp.DataType.Type.VARCHAR: Kind.TEXT,
    exp.DataType.Type.TEXT: Kind.TEXT,
    exp.DataType.Type.DATE: Kind.DATE,
    exp.DataType.Type.TIMESTAMP: Kind.TIMESTAMP,
    exp.DataType.Type.BOOLEAN: Kind.BOOLEAN,
}
# Which kinds compare with (and mix in a CASE or coalesce with) which: one family each.
FAMILY = {Kind.NUMBER: "n", Kind.BOOLEAN: "n", Kind.TEXT: "t", Kind.DATE: "d", Kind.TIMESTAMP: "d", Kind.INTERVAL: "i"}
# Casts DuckDB has no rule for (text casts to anything, though a value may not read: the query then says so).
NO_CAST = {
    (Kind.DATE, Kind.NUMBER),
    (Kind.DATE, Kind.BOOLEAN),
    (Kind.TIMESTAMP, Kind.NUMBER),
    (Kind.TIMESTAMP, Kind.BOOLEAN),
    (Kind.NUMBER, Kind.DATE),
    (Kind.NUMBER, Kind.TIMESTAMP),
    (Kind.BOOLEAN, Kind.DATE),
    (Kind.BOOLEAN, Kind.TIMESTAMP),
    (Kind.INTERVAL, Kind.NUMBER),
    (Kind.INTERVAL, Kind.DATE),
    (Kind.INTERVAL, Kind.TIMESTAMP),
    (Kind.INTERVAL, Kind.BOOLEAN),
}
# What each aggregation takes (every result is a number); count and count_distinct take anything.
AGG_TAKES: dict[Agg, frozenset[Kind]] = {
    Agg.SUM: frozenset({Kind.NUMBER, Kind.BOOLEAN}),
    Agg.AVG: frozenset({Kind.NUMBER}),
    Agg.MEDIAN: frozenset({Kind.NUMBER, Kind.BOOLEAN}),
    Agg.P90: frozenset({Kind.NUMBER}),
    Agg.P95: frozenset({Kind.NUMBER}),
    Agg.MIN: frozenset({Kind.NUMBER, Kind.BOOLEAN}),
    Agg.MAX: frozenset({Kind.NUMBER, Kind.BOOLEAN}),
}
UNKNOWN = frozenset({Kind.NULL, Kind.ANY})
TRUTHY = frozenset({Kind.BOOLEAN, Kind.NUMBER, *UNKNOWN})
BOOLEAN_WORDS = frozenset({"true", "false", "t", "f", "1", "0", "yes", "no", "y", "n"})
MAX_SHOWN = 60


def shown(node: exp.Expr) -> str:
    """The (sub-)expression as the user wrote it, shortened for a message."""
    text = node.sql(dialect="duckdb", normalize_functions="lower")
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _reads_as(text: str, kind: Kind) -> bool:
    """Whether a text constant reads as `kind` (DuckDB casts it to the other side's type)."""
    value = text.strip()
    try:
        if kind is Kind.NUMBER:
            float(value)
        elif kind in (Kind.DATE, Kind.TIMESTAMP):
            dt.datetime.fromisoformat(value)
        elif kind is Kind.BOOLEAN:
            return value.lower() in BOOLEAN_WORDS
    except ValueError:
        return False
    return True


@dataclass
class Typer:
    """Walks a checked tree once, giving each node its kind and collecting an issue per mismatch."""

    columns: Mapping[str, str]
    where: str
    issues: list[Issue] = field(default_factory=list)

    def problem(self, node: exp.Expr, zh: str, en: str) -> Kind:
        text = shown(node)
        self.issues.append(Issue("expr.type", f"{self.where}：“{text}”{zh}", f"{self.where}: `{text}` {en}", detail={"expr": text}))
        return Kind.ANY

    def kind(self, node: exp.Expr) -> Kind:
        handler = HANDLERS.get(type(node))
        return handler(self, node) if handler is not None else Kind.ANY

    def column(self, node: exp.Expr) -> Kind:
        return COLUMN_KINDS.get(self.columns.get(node.name, ""), Kind.ANY)

    def literal(self, node: exp.Expr) -> Kind:
        return Kind.STRING if node.is_string else Kind.NUMBER

    def paren(self, node: exp.Expr) -> Kind:
        return self.kind(node.this)

    def expect(self, node: exp.Expr, allowed: frozenset[Kind], need_zh: str, need_en: str) -> Kind:
        """The kind of `node`, or an issue when it is not one of `allowed`."""
        kind = self.kind(node)
        if kind in allowed or kind in UNKNOWN:
            return kind
        if kind is Kind.STRING and isinstance(node, exp.Literal) and any(_reads_as(node.name, k) for k in allowed):
            return next(k for k in allowed if _reads_as(node.name, k))
        zh, en = NAMES[kind]
        return self.problem(node, f"是{zh}，此处需要{need_zh}。", f"is {en}; {need_en} is needed here.")

    def numbers(self, node: exp.Expr, *operands: exp.Expr | None) -> Kind:
        for operand in operands:
            if operand is not None:
                self.expect(operand, frozenset({Kind.NUMBER}), "数值", "a number")
        return Kind.NUMBER

    def arithmetic(self, node: exp.Expr) -> Kind:
        left, right = self.kind(node.this), self.kind(node.expression)
        if Kind.ANY in (left, right):
            return Kind.ANY
        if Kind.NULL in (left, right):
            return right if left is Kind.NULL else left
        found = ARITHMETIC.get((type(node), left, right))
        if found is not None:
            return found
        (lzh, len_), (rzh, ren) = NAMES[left], NAMES[right]
        return self.problem(
            node,
            f"无法计算：左边是{lzh}，右边是{rzh}；加减乘除需要两个数值（日期可以加减天数，两个日期可以相减）。",
            f"cannot be computed: the left side is {len_}, the right side {ren}; arithmetic needs two numbers "
            "(a date plus or minus a number of days, or one date minus another).",
        )

    def negative(self, node: exp.Expr) -> Kind:
        return self.expect(node.this, frozenset({Kind.NUMBER, Kind.INTERVAL}), "数值", "a number")

    def compare(self, node: exp.Expr, left: exp.Expr, right: exp.Expr) -> Kind:
        """Two sides of a comparison (or IN, BETWEEN, NULLIF) must be of one family."""
        a, b = self.kind(left), self.kind(right)
        if a in UNKNOWN or b in UNKNOWN or (a is Kind.STRING and b is Kind.STRING):
            return Kind.BOOLEAN
        if Kind.STRING in (a, b):
            constant, other = (left, b) if a is Kind.STRING else (right, a)
            if other is Kind.TEXT or other is Kind.INTERVAL or _reads_as(constant.name, other):
                return Kind.BOOLEAN
            zh, en = NAMES[other]
            return self.problem(
                node, f"无法比较：“{constant.name[:40]}”不是{zh}。", f"cannot be compared: {constant.name[:40]!r} is not {en}."
            )
        if FAMILY[a] != FAMILY[b]:
            (azh, aen), (bzh, ben) = NAMES[a], NAMES[b]
            return self.problem(
                node,
                f"无法比较：“{shown(left)}”是{azh}，“{shown(right)}”是{bzh}；请比较同类型的值，或用 cast(… as …) 转换一边。",
                f"cannot be compared: `{shown(left)}` is {aen} and `{shown(right)}` is {ben}; compare values of one type, "
                "or convert one side with cast(… as …).",
            )
        return Kind.BOOLEAN

    def comparison(self, node: exp.Expr) -> Kind:
        self.compare(node, node.this, node.expression)
        return Kind.BOOLEAN

    def among(self, node: exp.Expr) -> Kind:
        for item in node.expressions:
            self.compare(node, node.this, item)
        return Kind.BOOLEAN

    def between(self, node: exp.Expr) -> Kind:
        self.compare(node, node.this, node.args["low"])
        self.compare(node, node.this, node.args["high"])
        return Kind.BOOLEAN

    def like(self, node: exp.Expr) -> Kind:
        text = frozenset({Kind.TEXT, Kind.STRING})
        self.expect(node.this, text, "文本（可先用 cast(… as varchar) 转换）", "text (convert first with cast(… as varchar))")
        self.expect(node.expression, text, "文本", "text")
        return Kind.BOOLEAN

    def condition(self, node: exp.Expr) -> Kind:
        self.expect(node, TRUTHY, "条件（是/否值）", "a condition (a yes/no value)")
        return Kind.BOOLEAN

    def logic(self, node: exp.Expr) -> Kind:
        for operand in (node.this, node.args.get("expression")):
            if operand is not None:
                self.condition(operand)
        return Kind.BOOLEAN

    def checked_is(self, node: exp.Expr) -> Kind:
        self.kind(node.this)
        return Kind.BOOLEAN

    def unify(self, node: exp.Expr, values: list[exp.Expr]) -> Kind:
        """The kind of CASE/IF/coalesce/greatest/least: every branch of one family; text constants adapt."""
        kinds = [(value, self.kind(value)) for value in values]
        known = [k for _, k in kinds if k not in UNKNOWN and k is not Kind.STRING]
        if not known:
            return Kind.TEXT if any(k is Kind.STRING for _, k in kinds) else Kind.NULL if kinds else Kind.ANY
        first = known[0]
        for value, kind in kinds:
            if kind in UNKNOWN:
                continue
            if kind is Kind.STRING:
                if first is not Kind.TEXT and not _reads_as(value.name, first):
                    zh, en = NAMES[first]
                    return self.problem(
                        node, f"的各分支类型不一致：“{value.name[:40]}”不是{zh}。", f"mixes types: {value.name[:40]!r} is not {en}."
                    )
            elif FAMILY[kind] != FAMILY[first]:
                (azh, aen), (bzh, ben) = NAMES[first], NAMES[kind]
                return self.problem(
                    node,
                    f"的各分支类型不一致：有{azh}也有{bzh}；请用 cast(… as …) 统一。",
                    f"mixes {aen} and {ben} in its branches; make them one type with cast(… as …).",
                )
        return Kind.TIMESTAMP if Kind.TIMESTAMP in known else Kind.NUMBER if Kind.NUMBER in known else first

    def case(self, node: exp.Expr) -> Kind:
        values = []
        for branch in node.args.get("ifs") or []:
            self.condition(branch.this)
            values.append(branch.args["true"])
        if node.args.get("default") is not None:
            values.append(node.args["default"])
        return self.unify(node, values)

    def branch(self, node: exp.Expr) -> Kind:
        self.condition(node.this)
        return self.unify(node, [v for v in (node.args.get("true"), node.args.get("false")) if v is not None])

    def choose(self, node: exp.Expr) -> Kind:
        return self.unify(node, [node.this, *node.expressions])

    def nullif(self, node: exp.Expr) -> Kind:
        self.compare(node, node.this, node.expression)
        return self.kind(node.this)

    def temporal(self, node: exp.Expr | None) -> None:
        if node is not None:
            self.expect(node, frozenset({Kind.DATE, Kind.TIMESTAMP}), "日期或日期时间", "a date or timestamp")

    def date_diff(self, node: exp.Expr) -> Kind:
        self.temporal(node.this)
        self.temporal(node.expression)
        return Kind.NUMBER

    def extract(self, node: exp.Expr) -> Kind:
        self.temporal(node.expression if isinstance(node, exp.Extract) else node.this)
        return Kind.NUMBER

    def date_part(self, node: exp.Expr) -> Kind:
        if str(node.name).lower() == "date_part" and len(node.expressions) == 2:
            self.temporal(node.expressions[1])
            return Kind.NUMBER
        return Kind.ANY

    def cast(self, node: exp.Expr) -> Kind:
        source, target = self.kind(node.this), CAST_KINDS.get(node.args["to"].this, Kind.ANY)
        if (source, target) in NO_CAST:
            (szh, sen), (tzh, ten) = NAMES[source], NAMES[target]
            return self.problem(node, f"无法转换：{szh}不能转换为{tzh}。", f"cannot be converted: {sen} does not convert to {ten}.")
        if source is Kind.STRING and target not in (Kind.TEXT, Kind.ANY) and not _reads_as(node.this.name, target):
            zh, en = NAMES[target]
            return self.problem(
                node, f"无法转换：“{node.this.name[:40]}”不是{zh}。", f"cannot be converted: {node.this.name[:40]!r} is not {en}."
            )
        return target


Handler = Callable[[Typer, exp.Expr], Kind]
HANDLERS: dict[type[exp.Expr], Handler] = {
    exp.Column: Typer.column,
    exp.Literal: Typer.literal,
    exp.Boolean: lambda _t, _n: Kind.BOOLEAN,
    exp.Null: lambda _t, _n: Kind.NULL,
    exp.Paren: Typer.paren,
    exp.Add: Typer.arithmetic,
    exp.Sub: Typer.arithmetic,
    exp.Mul: Typer.arithmetic,
    exp.Div: Typer.arithmetic,
    exp.Mod: Typer.arithmetic,
    exp.Neg: Typer.negative,
    **dict.fromkeys((exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE), Typer.comparison),
    exp.In: Typer.among,
    exp.Between: Typer.between,
    exp.Like: Typer.like,
    exp.And: Typer.logic,
    exp.Or: Typer.logic,
    exp.Not: Typer.logic,
    exp.Is: Typer.checked_is,
    exp.Case: Typer.case,
    exp.If: Typer.branch,
    exp.Coalesce: Typer.choose,
    exp.Greatest: Typer.choose,
    exp.Least: Typer.choose,
    exp.Nullif: Typer.nullif,
    exp.Abs: lambda t, n: t.numbers(n, n.this),
    exp.Round: lambda t, n: t.numbers(n, n.this, n.args.get("decimals")),
    exp.DateDiff: Typer.date_diff,
    exp.Extract: Typer.extract,
    exp.Hour: Typer.extract,
    exp.Anonymous: Typer.date_part,
    exp.Cast: Typer.cast,
}
N, D, T, IV = Kind.NUMBER, Kind.DATE, Kind.TIMESTAMP, Kind.INTERVAL
ARITHMETIC: dict[tuple[type[exp.Expr], Kind, Kind], Kind] = {
    **{(op, N, N): N for op in (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)},
    (exp.Add, D, N): D,
    (exp.Add, N, D): D,
    (exp.Sub, D, N): D,
    (exp.Sub, D, D): N,
    **{(exp.Sub, a, b): IV for a in (D, T) for b in (D, T) if T in (a, b)},
    **{(exp.Add, a, IV): T for a in (D, T)},
    **{(exp.Add, IV, a): T for a in (D, T)},
    **{(exp.Sub, a, IV): T for a in (D, T)},
    (exp.Add, IV, IV): IV,
    (exp.Sub, IV, IV): IV,
}


def kind_of(tree: exp.Expr, columns: Mapping[str, str], where: str) -> tuple[Kind, list[Issue]]:
    """The kind of a checked expression over columns {name: type}, and an issue per type mismatch inside it."""
    typer = Typer(columns, where)
    return typer.kind(tree), typer.issues


def measure_issues(tree: exp.Expr, agg: Agg, columns: Mapping[str, str], where: str, written: str = "") -> list[Issue]:
    """Type mismatches inside a measure's expression, then whether its aggregation takes what it gives (`written`:
    the expression as the user wrote it, for the message)."""
    kind, issues = kind_of(tree, columns, where)
    takes = AGG_TAKES.get(agg)
    if issues or takes is None or kind in takes or kind in UNKNOWN:
        return issues
    text = " ".join(written.split()) if written.strip() and len(written) <= MAX_SHOWN else shown(tree)
    zh, en = NAMES[kind]
    need_zh, need_en = ("数值或是/否值", "a number or a yes/no value") if Kind.BOOLEAN in takes else NAMES[Kind.NUMBER]
    return [
        Issue(
            "expr.agg_type",
            f"{where}：{agg.value} 需要{need_zh}，而“{text}”是{zh}。请改用 count / count_distinct，或写出得到数值的表达式。",
            f"{where}: {agg.value} needs {need_en}, but `{text}` is {en}. Use count or count_distinct, or an expression "
            "that gives a number.",
            detail={"expr": text, "agg": agg.value, "type": kind.value, "expected": "number"},
        )
    ]


def condition_issues(tree: exp.Expr, columns: Mapping[str, str], where: str) -> list[Issue]:
    """Type mismatches inside a filter expression, and whether it is a condition at all."""
    typer = Typer(columns, where)
    typer.condition(tree)
    return typer.issues
