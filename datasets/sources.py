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
        raise _unreadable("json", "JSON 文件格式有误：应为对象数组或每行一个对象。",
                          "The JSON is malformed: use an array of objects or one object per line.") from None


def stage_arrow(conn: duckdb.DuckDBPyConnection, table: pa.Table, source_format: str = "frame") -> Staged:
    conn.register("arrow_source", table)
    try:
        return _stage_relation(conn, "arrow_source", source_format)
    finally:
        conn.unregister("arrow_source")


def stage_sql(conn: duckdb.DuckDBPyConnection, url: str, table: str | None, query: str | None) -> Staged:
    """Read a table or a query from a SQLAlchemy URL in batches (never the metadata store)."""
    import pandas as pd
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    if bool(table) == bool(query):
        raise InvalidInput("请指定表名或查询之一。", "Give either a table or a query, not both.")
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ValueError, ImportError):
        raise _unreadable("sql", "数据库连接地址无效。", "The database URL is invalid.") from None
    try:
        with engine.connect() as connection:
            if table:
                from sqlalchemy import MetaData, Table, select

                source: Any = select(Table(table, MetaData(), autoload_with=connection))
            else:
                source = text(str(query))
            first = True
            staged: Staged | None = None
            for chunk in pd.read_sql(source, connection, chunksize=SQL_BATCH_ROWS, dtype_backend="pyarrow"):
                arrow = pa.Table.from_pandas(chunk, preserve_index=False)
                if first:
                    staged = stage_arrow(conn, arrow, "sql")
                    first = False
                else:
                    conn.register("arrow_source", arrow)
                    conn.execute(f"INSERT INTO {STAGING} SELECT * FROM arrow_source")
                    conn.unregister("arrow_source")
    except SQLAlchemyError as exc:
        raise _unreadable("sql", "无法从数据库读取：请检查地址、表名或查询。",
                          f"Could not read from the database ({type(exc).__name__}): check the URL, table or query.") from None
    finally:
        engine.dispose()
    if staged is None:
        raise InvalidInput("查询没有返回任何列。", "The query returned no columns.")
    return staged
