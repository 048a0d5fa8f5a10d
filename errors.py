"""The two families of errors: user-facing (shown, translated, carrying issues) and internal.

Validation code returns lists of `Issue`; a service boundary raises one `UserError` carrying
them all, so the user sees every problem at once. Anything else is internal: logged with a
reference id, and the user sees only that id.
"""

from __future__ import annotations

import enum
import uuid
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


def new_reference() -> str:
    """A short id that ties a user-visible "something went wrong" to the server log."""
    return uuid.uuid4().hex[:12]
