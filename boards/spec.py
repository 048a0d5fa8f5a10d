"""A board as a typed value: title, visibility, filters, tiles and their layout (persisted as JSON)."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    WithJsonSchema,
    model_serializer,
    model_validator,
)
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


class Sparse(Model):
    """Written back with the fields it was given only (no defaults added): a request keeps its wire form."""

    model_config = ConfigDict(json_schema_mode_override="validation")  # its schema is its fields, as sent

    @model_serializer(mode="wrap")
    def _given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        unset = {f.alias or n for n, f in type(self).model_fields.items() if n not in self.model_fields_set}
        return {k: v for k, v in data.items() if k not in unset}


class QueryMeasure(Sparse):
    expr: str = Field(max_length=2000, description="an expression over the dataset's column names")
    agg: Literal["sum", "avg", "count", "count_distinct", "min", "max", "median", "p90", "p95"]
    as_: str | None = Field(default=None, alias="as", max_length=64, description="the answer's column name")


class QueryTime(Sparse):
    column: str | None = None
    grain: Literal["hour", "day", "week", "month", "quarter", "year"] | None = None
    start: str | None = Field(default=None, alias="from", description="first day, YYYY-MM-DD")
    end: str | None = Field(default=None, alias="to", description="last day, YYYY-MM-DD")


class QueryFilter(Sparse):
    column: str
    op: Literal["=", "!=", "<", "<=", ">", ">=", "in", "not_in", "between", "like", "is_null", "not_null"] = "="
    value: Any = None


class QueryOrder(Sparse):
    column: str
    desc: bool = False


class QueryRequest(Sparse):
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
        """The request as JSON (what POST /api/v1/query takes)."""
        return self.model_dump(mode="json", by_alias=True)


GRAINS = ("hour", "day", "week", "month", "quarter", "year", "all", "total", "none")
KNOWN_OPTIONS = {"grain", "from", "to", "by", "compare"}


class TileOptions(Model):
    """An indicator tile's values request: what GET /api/v1/indicators/{id}/values takes, typed.

    Kept and sent in that request's own form ({grain, from, to, by: "a,b", compare, <dimension>: value}), so a
    tile's options can be replayed as the values request and boards saved before the type read the same."""

    grain: Literal["hour", "day", "week", "month", "quarter", "year", "all", "total", "none"] | None = None
    start: str | None = Field(default=None, alias="from", max_length=40)
    end: str | None = Field(default=None, alias="to", max_length=40)
    by: tuple[str, ...] = ()
    compare: Literal["baseline", "previous", "year_ago"] | None = None
    where: dict[str, str] = Field(default_factory=dict, description="dimension filters: name -> value (comma-separated values)")

    @model_validator(mode="before")
    @classmethod
    def _from_request(cls, data: Any) -> Any:
        if isinstance(data, TileOptions) or not isinstance(data, dict):
            return data
        if len(data) > 20 or any(len(str(k)) > 40 or len(str(v)) > 200 for k, v in data.items() if k != "where"):
            raise PydanticCustomError("options_too_large", "too many or too long options")
        if isinstance(data.get("where"), dict):  # the typed form
            return data
        by = data.get("by")
        typed: dict[str, Any] = {k: v for k, v in data.items() if k in KNOWN_OPTIONS - {"by"} and v not in (None, "")}
        typed["by"] = [b.strip() for b in by.split(",") if b.strip()] if isinstance(by, str) else by or ()
        typed["where"] = {str(k): v if isinstance(v, str) else str(v) for k, v in data.items() if k not in KNOWN_OPTIONS}
        return typed

    def args(self) -> dict[str, str]:
        """The request as query-string arguments."""
        out = {"grain": self.grain, "from": self.start, "to": self.end, "by": ",".join(self.by), "compare": self.compare}
        return {k: v for k, v in out.items() if v} | self.where

    @model_serializer(mode="plain")
    def _as_request(self) -> dict[str, str]:
        return self.args()

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.args().get(name, default)


class Source(Model):
    """What a tile shows: an indicator (with its request options) or a saved self-service query."""

    indicator: str | None = None
    query: QueryRequest | None = None


OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "string", "maxLength": 200},
    "maxProperties": 20,
    "description": "an indicator tile's values request, as GET /api/v1/indicators/{id}/values takes it: grain "
    "(hour … year, all), from, to, by (comma-separated), compare (baseline, previous, year_ago), <dimension>: value",
}


class Tile(Model):
    id: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    type: TileType
    title: Title = Title()
    source: Source = Source()
    options: Annotated[TileOptions, WithJsonSchema(OPTIONS_SCHEMA)] = TileOptions()  # an indicator tile's values request
    text: str = Field(default="", max_length=MAX_TEXT)
    text_en: str = Field(default="", max_length=MAX_TEXT, exclude_if=lambda v: not v)  # a text tile's English, when given


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


def _kept(model: type[BaseModel], value: Any) -> bool:
    try:
        model.model_validate(value)
    except ValidationError:
        return False
    return True


def _stored_options(options: Any) -> dict[str, str]:
    """A saved tile's options with what the typed request refuses left out (a grain such as "monthly")."""
    if not isinstance(options, dict):
        return {}
    return {str(k): str(v) for k, v in list(options.items())[:20] if _kept(TileOptions, {k: str(v)})}


def _stored_query(query: Any) -> dict[str, Any] | None:
    """A saved query with the parts the typed request refuses left out; None without a dataset."""
    if not isinstance(query, dict) or not isinstance(query.get("dataset"), str) or not query["dataset"]:
        return None
    kept: dict[str, Any] = {"dataset": query["dataset"]}
    for name, part in (("measures", QueryMeasure), ("filters", QueryFilter)):
        kept[name] = [item for item in query.get(name) or [] if _kept(part, item)]
    kept["dimensions"] = [d for d in query.get("dimensions") or [] if isinstance(d, str)]
    kept["order_by"] = [o for o in query.get("order_by") or [] if isinstance(o, str) or _kept(QueryOrder, o)]
    if _kept(QueryTime, query.get("time") or {}) and query.get("time"):
        kept["time"] = query["time"]
    if isinstance(query.get("limit"), int) and query["limit"] >= 1:
        kept["limit"] = query["limit"]
    return kept


def _stored_tile(tile: Any) -> dict[str, Any] | None:
    if not isinstance(tile, dict):
        return None
    given = tile.get("source")
    source: dict[str, Any] = given if isinstance(given, dict) else {}
    query = _stored_query(source.get("query")) if source.get("query") is not None else None
    if source.get("query") is not None and query is None:
        return None  # a query without a dataset never showed anything
    return {**tile, "options": _stored_options(tile.get("options")), "source": {**source, "query": query}}


def read_stored(data: object) -> BoardSpec:
    """A board as the store keeps it, including one saved before tiles held typed requests.

    Boards were saved with options and queries as free JSON; what the typed request refuses now (an unknown grain,
    a measure with an unknown aggregation, a query without a dataset) is left out, as running it already failed,
    so the board opens. A save is strict (parse_spec)."""
    spec, _ = parse_spec(data)
    if spec is not None or not isinstance(data, dict):
        assert spec is not None, "a stored board is a JSON object"
        return spec
    tiles = [t for t in (_stored_tile(t) for t in data.get("tiles") or []) if t is not None]
    ids = {t.get("id") for t in tiles}
    repaired = {**data, "tiles": tiles, "layout": [p for p in data.get("layout") or [] if isinstance(p, dict) and p.get("i") in ids]}
    spec, issues = parse_spec(repaired)
    assert spec is not None, f"a stored board no longer parses: {[i.message_en for i in issues]}"
    return spec
