"""The expression language of indicators and self-service measures: an allowlist over sqlglot.

Text is parsed once, every node is checked against a list of allowed node types and functions,
column references are checked against the caller's schema, and the checked tree — never the text —
is what the compiler uses. Anything else (subqueries, set operations, table functions, DDL/DML,
comments, several statements, qualified names, parameters) is refused with a message that names
the construct but never echoes the input.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError, TokenError

from errors import Issue

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_NODES = 400
MAX_IN_LIST = 500

ALLOWED_NODES: tuple[type[exp.Expr], ...] = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Paren,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Mod,
    exp.Neg,
    exp.EQ,
    exp.NEQ,
    exp.LT,
    exp.LTE,
    exp.GT,
    exp.GTE,
    exp.And,
    exp.Or,
    exp.Not,
    exp.Case,
    exp.If,
    exp.Coalesce,
    exp.Nullif,
    exp.Abs,
    exp.Round,
    exp.Greatest,
    exp.Least,
    exp.DateDiff,
    exp.Extract,
    exp.Hour,
    exp.Cast,
    exp.DataType,
    exp.Var,
    exp.In,
    exp.Between,
    exp.Like,
    exp.Is,
)
ANONYMOUS_ALLOWED = frozenset({"date_part"})
DATE_UNITS = frozenset({"year", "quarter", "month", "week", "day", "hour", "minute", "second", "dow", "isodow", "doy", "epoch"})
CAST_TYPES = frozenset(
    {
        exp.DataType.Type.BIGINT,
        exp.DataType.Type.INT,
        exp.DataType.Type.DOUBLE,
        exp.DataType.Type.FLOAT,
        exp.DataType.Type.DECIMAL,
        exp.DataType.Type.VARCHAR,
        exp.DataType.Type.TEXT,
        exp.DataType.Type.DATE,
        exp.DataType.Type.TIMESTAMP,
        exp.DataType.Type.BOOLEAN,
        exp.DataType.Type.SMALLINT,
    }
)
FRIENDLY = {
    exp.Subquery: ("子查询", "a subquery"),
    exp.Select: ("SELECT 语句", "a SELECT statement"),
    exp.SetOperation: ("集合运算", "a set operation"),
    exp.Star: ("星号 *", "*"),
    exp.Placeholder: ("参数占位符", "a parameter placeholder"),
    exp.Window: ("窗口函数", "a window function"),
    exp.AggFunc: ("聚合函数（请在“聚合”中选择）", "an aggregate function (choose the aggregation separately)"),
}


@dataclass(frozen=True)
class Checked:
    """An expression that passed every check, and the columns it reads."""

    tree: exp.Expr
    columns: frozenset[str]


def _issue(code: str, zh: str, en: str, where: str, line: int | None = None, col: int | None = None) -> Issue:
    return Issue(code, f"{where}：{zh}", f"{where}: {en}", line=line, col=col)


def _friendly(node: exp.Expr) -> tuple[str, str]:
    for kind, names in FRIENDLY.items():
        if isinstance(node, kind):
            return names
    if isinstance(node, exp.Func):
        name = node.sql_name().lower() if not isinstance(node, exp.Anonymous) else str(node.name).lower()
        name = name if name.isidentifier() and len(name) <= 40 else "?"
        return f"函数 {name}", f"the function {name}"
    return f"“{node.key}”运算", f"the operator {node.key!r}"


def _depth(node: exp.Expr) -> int:
    depth, current = 0, node
    while current.parent is not None:
        depth += 1
        current = current.parent
    return depth


def _too_deep(where: str) -> Issue:
    return _issue("expr.too_deep", "表达式过于复杂，请拆分。", "the expression is too complex; split it up.", where)


def _nesting(text: str) -> int:
    """Deepest bracket nesting, counted before parsing (the parser recurses per level)."""
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def parse(text: object, where: str) -> tuple[exp.Expr | None, list[Issue]]:
    """Parse one expression; syntax problems come back as issues with line and column."""
    if not isinstance(text, str) or not text.strip():
        return None, [_issue("expr.empty", "表达式不能为空。", "the expression is empty.", where)]
    if len(text) > MAX_LENGTH:
        return None, [
            _issue("expr.too_long", f"表达式超过 {MAX_LENGTH} 个字符。", f"the expression is longer than {MAX_LENGTH} characters.", where)
        ]
    if _nesting(text) > MAX_DEPTH:
        return None, [_too_deep(where)]
    try:
        trees = sqlglot.parse(text, read="duckdb")
    except ParseError as err:
        first = err.errors[0] if err.errors else {}
        return None, [
            _issue(
                "expr.syntax",
                "表达式有语法错误，请检查括号、引号和运算符。",
                "the expression has a syntax error; check brackets, quotes and operators.",
                where,
                first.get("line"),
                first.get("col"),
            )
        ]
    except TokenError:
        return None, [
            _issue("expr.syntax", "表达式无法识别（可能有未闭合的引号）。", "the expression cannot be read (an unclosed quote?).", where)
        ]
    except RecursionError:
        return None, [_too_deep(where)]
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        return None, [
            _issue(
                "expr.statements",
                "只能写一个表达式，不能包含分号或多条语句。",
                "write one expression, without semicolons or several statements.",
                where,
            )
        ]
    return trees[0], []


def _check_node(node: exp.Expr, where: str) -> list[Issue]:
    if node.comments:
        return [_issue("expr.comment", "表达式中不能包含注释。", "comments are not allowed in expressions.", where)]
    if isinstance(node, exp.Anonymous):
        if str(node.name).lower() in ANONYMOUS_ALLOWED:
            return []
        zh, en = _friendly(node)
        return [
            _issue(
                "expr.function",
                f"不支持{zh}。可用函数：coalesce、nullif、abs、round、greatest、least、date_diff、date_part、extract、hour、cast。",
                f"{en} is not allowed. Use coalesce, nullif, abs, round, greatest, least, date_diff, date_part, extract, hour or cast.",
                where,
            )
        ]
    if not isinstance(node, ALLOWED_NODES):
        zh, en = _friendly(node)
        return [_issue("expr.construct", f"表达式中不支持{zh}。", f"{en} is not allowed in expressions.", where)]
    if isinstance(node, exp.Column) and (node.table or node.args.get("db") or node.args.get("catalog")):
        return [_issue("expr.qualified", "列名不能带表名或库名前缀。", "column names cannot be qualified with a table or database.", where)]
    if isinstance(node, exp.DataType) and node.this not in CAST_TYPES:
        return [
            _issue(
                "expr.cast",
                "只能转换为整数、小数、文本、日期、时间或布尔类型。",
                "cast only to integer, double, decimal, text, date, timestamp or boolean.",
                where,
            )
        ]
    if isinstance(node, exp.In) and (node.args.get("query") or len(node.expressions) > MAX_IN_LIST):
        return [_issue("expr.in", f"IN 只能列出不超过 {MAX_IN_LIST} 个值。", f"IN takes a list of at most {MAX_IN_LIST} values.", where)]
    if isinstance(node, exp.Var) and str(node.name).lower() not in DATE_UNITS:
        return [
            _issue(
                "expr.unit",
                "日期单位无效：可用 year、quarter、month、week、day、hour、minute、second。",
                "invalid date unit: use year, quarter, month, week, day, hour, minute or second.",
                where,
            )
        ]
    return []


def _unit_literal(tree: exp.Expr, where: str) -> list[Issue]:
    """date_diff('unit', a, b) and date_part('unit', x) take a known unit as their first argument."""
    issues = []
    for node in tree.find_all(exp.DateDiff, exp.Anonymous):
        unit = node.args.get("unit") if isinstance(node, exp.DateDiff) else (node.expressions[0] if node.expressions else None)
        name = str(unit.name if isinstance(unit, (exp.Var, exp.Literal)) else "").lower()
        if name not in DATE_UNITS:
            issues.append(
                _issue(
                    "expr.unit",
                    "日期单位无效：可用 year、quarter、month、week、day、hour、minute、second。",
                    "invalid date unit: use year, quarter, month, week, day, hour, minute or second.",
                    where,
                )
            )
    return issues


def _start(node: exp.Expr) -> tuple[int | None, int | None]:
    """Line and column (1-based) where a parsed token begins; sqlglot records where it ends."""
    meta = node.meta
    if not all(isinstance(meta.get(k), int) for k in ("line", "col", "start", "end")):
        return None, None
    return meta["line"], max(1, meta["col"] - (meta["end"] - meta["start"]))


def _unknown_columns(tree: exp.Expr, known: set[str], where: str) -> list[Issue]:
    """One issue per unknown column name, in reading order, each placed where it is first written."""
    issues, seen = [], set()
    for column in sorted(tree.find_all(exp.Column), key=lambda c: c.this.meta.get("start", 0)):
        name = column.name
        if name in seen or name in known:
            continue
        seen.add(name)
        hint = difflib.get_close_matches(name, sorted(known), n=1)
        fix_zh = f"是否想写“{hint[0]}”？" if hint else "请从数据字典中选择列名。"
        fix_en = f"Did you mean {hint[0]!r}?" if hint else "Choose a column from the data dictionary."
        issues.append(
            _issue(
                "expr.column",
                f"列“{name}”不存在或无权使用。{fix_zh}",
                f"column {name!r} does not exist or is not available to you. {fix_en}",
                where,
                *_start(column.this),
            )
        )
    return issues


def check(text: object, columns: Iterable[str], where: str) -> tuple[Checked | None, list[Issue]]:
    """Parse and check `text` against the allowlist and the columns the caller may use."""
    tree, issues = parse(text, where)
    if tree is None:
        return None, issues
    nodes = list(tree.walk())
    if len(nodes) > MAX_NODES or max(_depth(n) for n in nodes) > MAX_DEPTH:
        return None, [_too_deep(where)]
    for node in nodes:
        issues += _check_node(node, where)
    if issues:
        return None, issues[:5]
    try:  # an operator missing its operand (e.g. DuckDB's prefix `@`) parses, but is not a valid tree
        incomplete = any(node.error_messages() for node in nodes)
        tree.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE)
    except (SqlglotError, ValueError):
        incomplete = True
    if incomplete:
        return None, [
            _issue(
                "expr.syntax",
                "表达式不完整，请检查运算符两侧是否都有值。",
                "the expression is incomplete; check every operator has its operands.",
                where,
            )
        ]
    issues += _unit_literal(tree, where)
    used = {column.name for column in tree.find_all(exp.Column)}
    issues += _unknown_columns(tree, set(columns), where)
    if issues:
        return None, issues
    return Checked(tree, frozenset(used)), []


def qualify(checked: Checked, rename: Mapping[str, str] | None = None) -> exp.Expr:
    """A copy of the checked tree with every column quoted (optionally renamed); the input is not mutated."""
    tree = checked.tree.copy()
    for column in list(tree.find_all(exp.Column)):
        quoted = exp.column((rename or {}).get(column.name, column.name), quoted=True)
        if column is tree:  # a bare column: replacing the root leaves `tree` unbound
            return quoted
        column.replace(quoted)
    return tree
