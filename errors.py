"""The two families of errors: user-facing (shown, translated, carrying issues) and internal.

Validation code returns lists of `Issue`; a service boundary raises one `UserError` carrying
them all, so the user sees every problem at once. Anything else is internal: logged with a
reference id, and the user sees only that id.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem found in user input: where it is, what rule it breaks, how to fix it."""

    code: str
    message_zh: str
    message_en: str
    severity: Severity = Severity.ERROR
    row: int | None = None
    column: str | None = None
    line: int | None = None
    col: int | None = None
    rows: tuple[int, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON shape used by the API and the import report."""
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message(lang),
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
        for key in ("row", "column", "line", "col"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.rows:
            out["rows"] = list(self.rows)
        if self.detail:
            out["detail"] = self.detail
        return out


def errors_in(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity is Severity.ERROR]


CALLBACK_ENTERED = "city_callback_entered"  # flask.g flag: a Dash request reached one of our callbacks


class UserError(Exception):
    """An error the user caused and can fix; safe to show. HTTP status says which kind."""

    status = 422
    code = "invalid"

    def __init__(self, message_zh: str, message_en: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.issues = list(issues or [])

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message(lang),
            "issues": [i.to_dict(lang) for i in self.issues],
        }


class InvalidInput(UserError):
    status = 422
    code = "invalid"


class BadRequest(UserError):
    status = 400
    code = "bad_request"


class NotFound(UserError):
    """Missing or not visible to the actor: the two are deliberately indistinguishable."""

    status = 404
    code = "not_found"

    def __init__(self, what_zh: str = "对象", what_en: str = "object") -> None:
        super().__init__(f"{what_zh}不存在或无权访问。", f"The {what_en} does not exist or you may not open it.")


class NotCertified(NotFound):
    """An indicator the actor could read, had any version of it been certified: a draft stays private to its
    circle. To every answer it is a NotFound (same status, code and words); only a board tile, whose board
    already names it, tells the viewer "not yet certified"."""


class Forbidden(UserError):
    status = 403
    code = "forbidden"

    def __init__(self, message_zh: str = "没有权限执行此操作。", message_en: str = "You are not allowed to do this.") -> None:
        super().__init__(message_zh, message_en)


class Conflict(UserError):
    status = 409
    code = "conflict"


class TooLarge(UserError):
    status = 413
    code = "too_large"


class Busy(UserError):
    status = 429
    code = "busy"


class QueryTimeout(UserError):
    status = 422
    code = "query_timeout"


class Unavailable(UserError):
    """Something the server needs is not installed or not running; an administrator can fix it."""

    status = 503
    code = "unavailable"


def new_reference() -> str:
    """A short id that ties a user-visible "something went wrong" to the server log."""
    return uuid.uuid4().hex[:12]


def _limit(ctx: Mapping[str, Any], key: str) -> str:
    return str(ctx.get(key, "?"))


# pydantic error type -> (Chinese, English) phrases about a field's value; `{x}` take values from the error's ctx.
_FIELD_PROBLEMS: dict[str, tuple[str, str]] = {
    "missing": ("为必填项，请补上", "is required"),
    "extra_forbidden": ("无法识别，请删除或检查拼写", "is unknown: remove it or check the spelling"),
    "string_type": ("应为文字", "must be text"),
    "int_type": ("应为整数", "must be a whole number"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数（不能有小数）", "must be a whole number (no decimals)"),
    "float_type": ("应为数字", "must be a number"),
    "float_parsing": ("应为数字", "must be a number"),
    "finite_number": ("应为有限的数字", "must be a finite number"),
    "bool_type": ("应为是/否（true 或 false）", "must be true or false"),
    "bool_parsing": ("应为是/否（true 或 false）", "must be true or false"),
    "dict_type": ("应为键值对", "must be key: value pairs"),
    "model_type": ("应为键值对", "must be key: value pairs"),
    "model_attributes_type": ("应为键值对", "must be key: value pairs"),
    "list_type": ("应为列表", "must be a list"),
    "tuple_type": ("应为列表", "must be a list"),
    "date_type": ("应为日期，例如 2025-01-31", "must be a date such as 2025-01-31"),
    "date_parsing": ("应为日期，例如 2025-01-31", "must be a date such as 2025-01-31"),
    "date_from_datetime_parsing": ("应为日期，例如 2025-01-31", "must be a date such as 2025-01-31"),
    "datetime_type": ("应为日期时间", "must be a date and time"),
    "datetime_parsing": ("应为日期时间", "must be a date and time"),
    "enum": ("只能取 {expected}", "must be one of {expected}"),
    "literal_error": ("只能取 {expected}", "must be one of {expected}"),
    "greater_than": ("应大于 {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("应不小于 {ge}", "must be at least {ge}"),
    "less_than": ("应小于 {lt}", "must be less than {lt}"),
    "less_than_equal": ("应不大于 {le}", "must be at most {le}"),
    "string_too_short": ("至少 {min_length} 个字符", "must have at least {min_length} characters"),
    "string_too_long": ("最多 {max_length} 个字符", "must have at most {max_length} characters"),
    "too_short": ("至少 {min_length} 项", "must have at least {min_length} items"),
    "too_long": ("最多 {max_length} 项", "must have at most {max_length} items"),
    "string_pattern_mismatch": ("格式不对（应匹配 {pattern}）", "has the wrong shape (must match {pattern})"),
    "options_too_large": (
        "选项太多或太长（最多 20 个，每个不超过 200 个字符）",
        "has too many or too long options (at most 20, each up to 200 characters)",
    ),
}


def field_problem(error: Mapping[str, Any]) -> tuple[str, str]:
    """What a pydantic error (one of `ValidationError.errors()`) says about its field, in Chinese and English.

    Unknown error types keep pydantic's English text in both languages rather than hiding it."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    phrases = _FIELD_PROBLEMS.get(kind)
    if phrases is None:
        message = str(error.get("msg", kind))
        return message, message
    values = {key: _limit(ctx, key) for key in ("expected", "gt", "ge", "lt", "le", "min_length", "max_length", "pattern")}
    zh_values = {**values, "expected": values["expected"].replace(" or ", "、").replace(", ", "、")}
    return phrases[0].format(**zh_values), phrases[1].format(**values)
