"""A board as a typed value: title, visibility, filters, tiles and their layout (persisted as JSON)."""

from __future__ import annotations

import enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from errors import Issue, field_problem

MAX_TILES = 40
MAX_TEXT = 5000


class TileType(enum.StrEnum):
    KPI = "kpi"
    LINE = "line"
    AREA = "area"
    BAR = "bar"
    STACKED = "stacked"
    DONUT = "donut"
    HEATMAP = "heatmap"
    TABLE = "table"
    TEXT = "text"


class Visibility(enum.StrEnum):
    PRIVATE = "private"  # the owner's own charts
    DEPARTMENT = "department"
    SHARED = "shared"
    CITY = "city"


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Title(Model):
    zh: str = Field(default="", max_length=200)
    en: str = Field(default="", max_length=200)

    def get(self, lang: str) -> str:
        return (self.en or self.zh) if lang == "en" else (self.zh or self.en)


class QueryMeasure(Model):
    expr: str = Field(max_length=2000, description="an expression over the dataset's column names")
    agg: Literal["sum", "avg", "count", "count_distinct", "min", "max", "median", "p90", "p95"]
    as_: str | None = Field(default=None, alias="as", max_length=64, description="the answer's column name")


class QueryTime(Model):
    column: str | None = None
    grain: Literal["hour", "day", "week", "month", "quarter", "year"] | None = None
    start: str | None = Field(default=None, alias="from", description="first day, YYYY-MM-DD")
    end: str | None = Field(default=None, alias="to", description="last day, YYYY-MM-DD")


class QueryFilter(Model):
    column: str
    op: Literal["=", "!=", "<", "<=", ">", ">=", "in", "not_in", "between", "like", "is_null", "not_null"] = "="
    value: Any = None


class QueryOrder(Model):
    column: str
    desc: bool = False


class QueryRequest(Model):
    """A self-service query: the body of POST /api/v1/query, and what a board's query tile keeps.

    Its meaning (columns exist, the caller may read them, limits) is checked where it runs; this is its shape."""

    dataset: str = Field(min_length=1, max_length=128)
    measures: tuple[QueryMeasure, ...] = ()
    dimensions: tuple[str, ...] = ()
    time: QueryTime | None = None
    filters: tuple[QueryFilter, ...] = ()
    order_by: tuple[str | QueryOrder, ...] = Field(default=(), description="names ('-' for descending) or {column, desc}")
    limit: int | None = Field(default=None, ge=1)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class Source(Model):
    """What a tile shows: an indicator (with its request options) or a saved self-service query."""

    indicator: str | None = None
    query: dict[str, Any] | None = None


class Tile(Model):
    id: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    type: TileType
    title: Title = Title()
    source: Source = Source()
    options: dict[str, str] = Field(default_factory=dict)  # grain, by, compare, from, to …
    text: str = Field(default="", max_length=MAX_TEXT)
    text_en: str = Field(default="", max_length=MAX_TEXT, exclude_if=lambda v: not v)  # a text tile's English, when given

    @field_validator("options")
    @classmethod
    def _short_options(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 20 or any(len(k) > 40 or len(str(v)) > 200 for k, v in value.items()):
            raise PydanticCustomError("options_too_large", "too many or too long options")
        return value


class Place(Model):
    i: str
    x: int = Field(ge=0, le=11)
    y: int = Field(ge=0, le=1000)
    w: int = Field(ge=1, le=12)
    h: int = Field(ge=1, le=40)


class Filters(Model):
    """Board filters every tile applies: date range, grain and shared dimensions (e.g. district)."""

    start: str | None = Field(default=None, alias="from")
    end: str | None = Field(default=None, alias="to")
    grain: str | None = None
    dimensions: dict[str, str] = Field(default_factory=dict)


class Share(Model):
    type: str = Field(pattern=r"^(user|department)$")
    name: str = Field(max_length=64)


class BoardSpec(Model):
    """The editable part of a board (what a save sends and what every version keeps)."""

    title: Title
    visibility: Visibility = Visibility.DEPARTMENT
    shared_with: tuple[Share, ...] = ()
    filters: Filters = Filters()
    tiles: tuple[Tile, ...] = Field(default=(), max_length=MAX_TILES)
    layout: tuple[Place, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def _field_issue(error: ErrorDetails) -> Issue:
    where = ".".join(map(str, error["loc"]))
    zh, en = field_problem(error)
    return Issue(f"board.{error['type']}", f"看板字段“{where}”{zh}。", f"Board field {where!r} {en}.", column=where)


def parse_spec(data: object) -> tuple[BoardSpec | None, list[Issue]]:
    """Parse a board payload; every problem is an issue naming its field. Unknown fields are refused."""
    if not isinstance(data, dict):
        return None, [Issue("board.shape", "看板必须是 JSON 对象。", "A board must be a JSON object.")]
    try:
        spec = BoardSpec.model_validate(data)
    except ValidationError as err:
        return None, [_field_issue(e) for e in err.errors()]
    tile_ids = [t.id for t in spec.tiles]
    issues = []
    if len(set(tile_ids)) != len(tile_ids):
        issues.append(Issue("board.tile_ids", "图块编号不能重复。", "Tile ids must be unique."))
    if {p.i for p in spec.layout} - set(tile_ids):
        issues.append(Issue("board.layout", "布局引用了不存在的图块。", "The layout places a tile that does not exist."))
    for tile in spec.tiles:
        if tile.type is TileType.TEXT and (tile.source.indicator or tile.source.query):
            issues.append(Issue("board.text_tile", "文字图块不能有数据来源。", "A text tile has no data source.", column=tile.id))
        if tile.type is not TileType.TEXT and bool(tile.source.indicator) == bool(tile.source.query):
            issues.append(
                Issue(
                    "board.tile_source",
                    f"图块“{tile.id}”须指定一个指标或一个查询。",
                    f"Tile {tile.id!r} needs exactly one source: an indicator or a query.",
                    column=tile.id,
                )
            )
    return (None, issues) if issues else (spec, [])
