"""Column types and roles of the data dictionary, and how DuckDB types map onto them."""

from __future__ import annotations

import enum


class ColumnType(enum.StrEnum):
    INTEGER = "integer"
    FLOAT = "float"
    DECIMAL = "decimal"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"

    @property
    def numeric(self) -> bool:
        return self in (ColumnType.INTEGER, ColumnType.FLOAT, ColumnType.DECIMAL)

    @property
    def temporal(self) -> bool:
        return self in (ColumnType.DATE, ColumnType.TIMESTAMP)


class ColumnRole(enum.StrEnum):
    TIME = "time"
    DIMENSION = "dimension"
    MEASURE = "measure"
    GEO = "geo"
    ID = "id"


DUCKDB_SQL_TYPE = {
    ColumnType.INTEGER: "BIGINT",
    ColumnType.FLOAT: "DOUBLE",
    ColumnType.DECIMAL: "DECIMAL(38, 10)",
    ColumnType.TEXT: "VARCHAR",
    ColumnType.BOOLEAN: "BOOLEAN",
    ColumnType.DATE: "DATE",
    ColumnType.TIMESTAMP: "TIMESTAMP",
}


def from_duckdb(type_name: str) -> ColumnType | None:
    """Our type for a DuckDB type name; None when it has no equivalent (lists, structs ...)."""
    name = type_name.upper()
    if name in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"):
        return ColumnType.INTEGER
    if name in ("FLOAT", "DOUBLE", "REAL"):
        return ColumnType.FLOAT
    if name.startswith("DECIMAL"):
        return ColumnType.DECIMAL
    if name == "VARCHAR":
        return ColumnType.TEXT
    if name == "BOOLEAN":
        return ColumnType.BOOLEAN
    if name == "DATE":
        return ColumnType.DATE
    if name.startswith("TIMESTAMP"):
        return ColumnType.TIMESTAMP
    return None
