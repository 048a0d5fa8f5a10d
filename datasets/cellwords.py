"""What a cell says before it has a type: the null tokens, missing-value words and boolean words, the date and
timestamp formats and number shapes recognised, the thresholds of the inference rule, and the SQL expressions that
read a staged cell (trimmed, missing-value tokens as NULL)."""

from __future__ import annotations

import re

from datasets.sql import lit, q
from datasets.types import ColumnType

NULL_TOKENS = (
    "",
    "NA",
    "N/A",
    "n/a",
    "na",
    "Na",
    "null",
    "NULL",
    "Null",
    "None",
    "none",
    "NaN",
    "nan",
    "-",
    "--",
    "—",
    "——",
    "－",
    "/",
    "#N/A",
    "NULL()",
    "(null)",
    "无",
)

# Words meaning "no value" in a numeric or date column; unlike NULL_TOKENS they stay values in text
# columns (a gender column's "未知" is a category).
MISSING_WORDS = (
    "未知",
    "暂无",
    "不详",
    "缺失",
    "待定",
    "待补",
    "待核实",
    "无数据",
    "未填",
    "未填写",
    "未提供",
    "不适用",
    "保密",
    "空",
    "?",
    "？",
    "…",
    "...",
    "unknown",
    "Unknown",
    "UNKNOWN",
    "missing",
    "#VALUE!",
    "#DIV/0!",
    "#REF!",
)

TRUE_TOKENS = ("true", "yes", "y", "t", "是")

FALSE_TOKENS = ("false", "no", "n", "f", "否")

DATE_FORMATS = ("%m/%d/%Y", "%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日", "%Y.%m.%d", "%d/%m/%Y", "%d.%m.%Y")

TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H时%M分%S秒",
    "%Y年%m月%d日 %H时%M分",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)

MOSTLY = 0.9  # a text column at least this share numbers (dates) is reported as a judgement call

FEW = 0.05  # unrecognised words a numeric (date) column may lose to null, as a share of its other cells

SAMPLE_ROWS = 500

# Header words of columns whose digits are codes, not quantities (keep leading zeros).
CODE_WORDS = re.compile(r"(zip|postcode|postal|phone|mobile|tel\b|telephone|fax|id_?card|身份证|邮编|邮政|电话|手机|联系方式|证件)", re.I)

LONG_CODE_DIGITS = 11

THOUSANDS_RE = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?"

# DuckDB's casts alone are too lenient ('1.5' casts to BIGINT 2, '0x1F' to 31, '1_000' to 1000),
# so a number must also have a plain shape.
INT_RE = r"[+-]?[0-9]+"

FLOAT_RE = r"[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?"

GATE_ROWS = 2000

_TOKENS = ", ".join(lit(t) for t in NULL_TOKENS)

_TOKEN_BYTES = max(len(t.encode()) for t in NULL_TOKENS)  # a longer trimmed cell skips the IN test


def _missing(trimmed: str) -> str:
    """Whether a trimmed cell is a missing-value token."""
    return f"(strlen({trimmed}) <= {_TOKEN_BYTES} AND {trimmed} IN ({_TOKENS}))"


def cleaned(trimmed: str) -> str:
    return f"(CASE WHEN {_missing(trimmed)} THEN NULL ELSE {trimmed} END)"


def value_expr(column: str) -> str:
    """The cell trimmed, with missing-value tokens as NULL."""
    return cleaned(f"trim({q(column)})")


def text_expr(column: str) -> str:
    """A text cell kept as written, missing-value tokens as NULL."""
    return f"(CASE WHEN {_missing(f'trim({q(column)})')} THEN NULL ELSE {q(column)} END)"


MISSING_WORDS_SQL = ", ".join(lit(t) for t in MISSING_WORDS)

KIND_WORDS = {
    ColumnType.INTEGER: ("整数", "integers"),
    ColumnType.FLOAT: ("数字", "numbers"),
    ColumnType.DATE: ("日期", "dates"),
    ColumnType.TIMESTAMP: ("日期时间", "timestamps"),
    ColumnType.TEXT: ("文本", "text"),
}


def has_digit_expr(v: str) -> str:
    return f"regexp_matches({v}, '[0-9]')"
