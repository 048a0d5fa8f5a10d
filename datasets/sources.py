"""Typed sources into the staging table: Parquet, JSON, a SQL database, an Arrow table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from datasets.naming import name_columns
from datasets.sql import lit, q
from datasets.staged import STAGING, Staged
from errors import InvalidInput, Issue

PARQUET_MAGIC = b"PAR1"
SQL_BATCH_ROWS = 100_000


def _stage_relation(conn: duckdb.DuckDBPyConnection, relation_sql: str, source_format: str) -> Staged:
    """Copy a typed relation into staging under safe names; the original names become labels."""
    described = conn.execute(f"DESCRIBE SELECT * FROM {relation_sql}").fetchall()
    originals = [str(row[0]) for row in described]
    names, labels, issues = name_columns(list(originals))
    projection = ", ".join(f"{q(orig)} AS {q(name)}" for orig, name in zip(originals, names, strict=True))
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {STAGING} AS SELECT {projection} FROM {relation_sql}")
    return Staged(names, labels, source_format, issues=issues)


def _unreadable(kind: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput("无法读取该文件。", "The file cannot be read.", [Issue(f"{kind}.unreadable", zh, en)])


def stage_parquet(conn: duckdb.DuckDBPyConnection, path: Path) -> Staged:
    with path.open("rb") as fh:
        if fh.read(4) != PARQUET_MAGIC:
            raise _unreadable("parquet", "文件不是有效的 Parquet 文件。", "The file is not a valid Parquet file.")
    try:
        return _stage_relation(conn, f"read_parquet({lit(str(path))})", "parquet")
    except duckdb.Error:
        raise _unreadable("parquet", "Parquet 文件已损坏。", "The Parquet file is corrupt.") from None


def stage_json(conn: duckdb.DuckDBPyConnection, path: Path) -> Staged:
    """A JSON array of objects or newline-delimited JSON objects."""
    try:
        return _stage_relation(conn, f"read_json({lit(str(path))}, format='auto', records=true, sample_size=-1)", "json")
    except duckdb.Error:
        raise _unreadable(
            "json",
            "JSON 文件格式有误：应为对象数组或每行一个对象。",
            "The JSON is malformed: use an array of objects or one object per line.",
        ) from None


def stage_arrow(conn: duckdb.DuckDBPyConnection, table: pa.Table, source_format: str = "frame") -> Staged:
    conn.register("arrow_source", table)
    try:
        return _stage_relation(conn, "arrow_source", source_format)
    finally:
        conn.unregister("arrow_source")


def _arrow_type(values: list[Any]) -> pa.DataType:
    """The Arrow type of a database column from its first non-null Python value."""
    import datetime as dt
    from decimal import Decimal

    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool):
        return pa.bool_()
    if isinstance(sample, int):
        return pa.int64()
    if isinstance(sample, float):
        return pa.float64()
    if isinstance(sample, Decimal):
        return pa.decimal128(38, 10)
    if isinstance(sample, dt.datetime):
        return pa.timestamp("us")
    if isinstance(sample, dt.date):
        return pa.date32()
    return pa.string()


def _column(values: list[Any], kind: pa.DataType) -> pa.Array:
    try:
        return pa.array(values, type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def stage_sql(conn: duckdb.DuckDBPyConnection, url: str, table: str | None, query: str | None) -> Staged:
    """Read a table or a query from a SQLAlchemy URL in batches (never the metadata store)."""
    from sqlalchemy import MetaData, Table, create_engine, select, text
    from sqlalchemy.exc import SQLAlchemyError

    if bool(table) == bool(query):
        raise InvalidInput("请指定表名或查询之一。", "Give either a table or a query, not both.")
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ValueError, ImportError):
        raise _unreadable("sql", "数据库连接地址无效。", "The database URL is invalid.") from None
    staged: Staged | None = None
    try:
        with engine.connect() as connection:
            source: Any = select(Table(table, MetaData(), autoload_with=connection)) if table else text(str(query))
            result = connection.execution_options(stream_results=True).execute(source)
            keys = [str(k) for k in result.keys()]  # noqa: SIM118 - iterating a result yields rows, not keys
            types: list[pa.DataType] | None = None
            while rows := result.fetchmany(SQL_BATCH_ROWS):
                columns = [list(col) for col in zip(*rows, strict=True)]
                types = types or [_arrow_type(col) for col in columns]
                batch = pa.table([_column(col, kind) for col, kind in zip(columns, types, strict=True)], names=keys)
                if staged is None:
                    staged = stage_arrow(conn, batch, "sql")
                else:
                    conn.register("arrow_source", batch)
                    conn.execute(f"INSERT INTO {STAGING} SELECT * FROM arrow_source")
                    conn.unregister("arrow_source")
            if staged is None:
                empty = pa.table([pa.array([], type=pa.string()) for _ in keys], names=keys)
                staged = stage_arrow(conn, empty, "sql")
    except SQLAlchemyError as exc:
        raise _unreadable(
            "sql",
            "无法从数据库读取：请检查地址、表名或查询。",
            f"Could not read from the database ({type(exc).__name__}): check the URL, table or query.",
        ) from None
    finally:
        engine.dispose()
    return staged
