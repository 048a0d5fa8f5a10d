"""Boards: the list, a board (what a save sends and what it answers), versions, restore, a new tile, the caller's
personal arrangement, one tile's data."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.shapes.common import Answer, Ask, Names, Params, Stamp
from api.shapes.indicators import Values
from boards.spec import BoardSpec, Place, Tile

__all__ = ["BoardSpec", "Place", "Tile"]


class BoardSummary(Answer):
    id: str
    title: Names
    department: str
    owner: str
    visibility: Literal["private", "department", "shared", "city"]
    version: int
    tiles: int = Field(description="how many tiles")
    updated_at: Stamp
    updated_by: str


class BoardList(Answer):
    boards: list[BoardSummary]


class NewBoard(BoardSpec):
    """A new board; `department` defaults to the caller's."""

    department: str | None = None


class SavedBoard(BoardSpec):
    """A save carries the `version` it was read at: a stale version is 409 and nothing changes."""

    version: int


class Board(Answer):
    id: str
    department: str
    owner: str
    version: int
    updated_at: Stamp
    updated_by: str
    can_edit: bool
    title: Names
    visibility: Literal["private", "department", "shared", "city"]
    shared_with: list[dict[str, str]] = Field(description="[{type: user|department, name}]")
    filters: dict[str, Any] = Field(description="{from, to, grain, dimensions}: what every tile applies")
    tiles: list[Tile]
    layout: list[Place]


class Deleted(Answer):
    deleted: str


class BoardVersion(Answer):
    version: int
    saved_at: Stamp
    saved_by: str
    note: str


class BoardHistory(Answer):
    versions: list[BoardVersion]


class Restore(Ask):
    version: int = Field(description="the version to restore, as a new version")
    current: int | None = Field(default=None, description="the version the caller read: a stale one is 409")


class NewTile(Ask):
    tile: dict[str, Any] = Field(description="a tile (see Tile); `mine` is the caller's private board")
    version: int | None = Field(default=None, description="the board version read")


class Arrangement(Answer):
    """The caller's arrangement: their personal view of a board they may open but not edit, or the board's own."""

    board: str
    version: int
    personal: bool
    based_on: int | None = Field(description="the board version a personal view was arranged on")
    layout: list[Place]


class ArrangementSave(Ask):
    layout: list[Any] = Field(description="[{i, x, y, w, h}] (see Place); each place is checked against the board")


class TileParams(Params):
    """Any other name is a dimension filter (district=东城区) overriding the board's."""

    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    grain: str | None = None
    lang: Literal["zh", "en"] | None = None


class ExportParams(Params):
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    grain: str | None = None
    district: str | None = None


class TileData(Values):
    """One tile's data for the caller. An indicator tile carries its values (see Values); a query tile its
    columns and rows; text, no_access, not_certified and error carry no data."""

    open = True
    state: Literal["ok", "empty", "no_access", "not_certified", "error"]
    kind: Literal["indicator", "query", "text", "none"]
    draft: bool | None = None
    message: str | None = Field(default=None, description="state error: why, in the caller's language")
    columns: list[str] | None = None
    truncated: bool | None = None
    # the values' fields are present only for an indicator tile
    indicator: str | None = None  # type: ignore[assignment]
    name: Names | None = None  # type: ignore[assignment]
    unit: str | None = None  # type: ignore[assignment]
    direction: str | None = None
    decimals: int | None = None  # type: ignore[assignment]
    grain: str | None = None  # type: ignore[assignment]
    by: list[str] | None = None  # type: ignore[assignment]
    compare: str | None = None  # type: ignore[assignment]
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    notes: list[Any] | None = None  # type: ignore[assignment]
    change_unit: str | None = None  # type: ignore[assignment]
    rows: list[Any] | None = None  # type: ignore[assignment]
