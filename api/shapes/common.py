"""Shapes every noun shares: the base classes, an issue, the error answer, a name in two languages."""

from __future__ import annotations

import logging
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from errors import BadRequest, Issue, field_problem

LOG = logging.getLogger("city.api")

# Sent without an offset (2025-01-31T08:00:00.123456), which JSON Schema's "date-time" format refuses: a pattern says it.
Stamp = Annotated[
    str,
    Field(pattern=r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", description="ISO 8601, the city's clock"),
]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
Number = int | float
Cell = Any  # a value of a row: text, number, boolean, an ISO date or time, or null


class Answer(BaseModel):
    """A response body. Fields the answer carries are listed; `open` shapes carry named extras (a row's dimensions).

    Extra fields are kept (never dropped or refused at run time); tests/test_wire_shapes.py fails on any field
    a closed shape does not list, so the document stays the contract."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    open: ClassVar[bool] = False

    @classmethod
    def of(cls, payload: Any) -> Self:
        return cls.model_validate(payload)

    def wire(self) -> dict[str, Any]:
        """The JSON body: the fields given (absent stays absent), by their wire names."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class Ask(BaseModel):
    """A request body. Unknown fields are ignored, as the endpoints always have (a board's own fields are strict)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, strict=True)  # "3" is not a version


class Params(BaseModel):
    """Query-string parameters of a GET: documented one by one; unknown names pass (dimension filters)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Names(Answer):
    zh: str
    en: str


class IssueShape(Answer):
    """One problem: a code, the message in the asked language and in both, where it is when known."""

    code: str
    severity: str = Field(description="error or warning")
    message: str
    message_zh: str
    message_en: str
    row: int | None = None
    column: str | None = None
    line: int | None = None
    col: int | None = None
    rows: list[int] | None = Field(default=None, description="row numbers in the file")
    detail: dict[str, Any] | None = Field(default=None, description="e.g. suggestions for a question not understood")


class ErrorBody(Answer):
    code: str
    message: str
    issues: list[IssueShape]


class Error(Answer):
    """Every 4xx answer: never a traceback."""

    error: ErrorBody


class Removed(Answer):
    removed: int


def wire(shape: type[BaseModel], payload: Any) -> Any:
    """An answer serialised through its shape: validated, the fields given kept as given, by their wire names.

    An answer that does not match its documented shape is logged as an error and sent as it is (a caller gets
    their data, not a 500, for a gap in the document); tests/test_wire_shapes.py fails on it."""
    try:
        return shape.model_validate(payload).model_dump(mode="json", by_alias=True, exclude_unset=True)
    except ValidationError as err:
        LOG.error("answer does not match its shape %s: %s", shape.__name__, err)
        return payload


Shape = TypeVar("Shape", bound=BaseModel)


def parse(shape: type[Shape], body: object) -> Shape:
    """A request body read as its shape. One that does not fit is 400 (as these endpoints always answered) with an
    issue naming each field: what is wrong and what it must be."""
    try:
        return shape.model_validate(body)
    except ValidationError as err:
        issues = []
        for error in err.errors():
            where = ".".join(map(str, error["loc"])) or "body"
            zh, en = field_problem(error)
            issues.append(Issue(f"request.{error['type']}", f"字段“{where}”{zh}。", f"Field {where!r} {en}.", column=where))
        raise BadRequest("请求内容有误，见各字段说明。", "The request body does not fit: see each field's issue.", issues) from None
