"""A version's table, from staged cells to profiled columns: reading the stage (refusing an empty or unparsable file),
the plan an upload's preview fixed, the uploader's type choices, building the table (new, or appended after the
old version with every type checked) and profiling its columns for the catalog."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from datasets import profile
from datasets.dictionary import ColumnFacts, suggest_pii, suggest_role
from datasets.imports import CHOOSABLE, Plan
from datasets.inference import overridden
from datasets.judgements import Decision
from datasets.sql import q
from datasets.staged import STAGING, Staged
from datasets.types import DUCKDB_SQL_TYPE, ColumnRole, ColumnType
from datasets.warehouse import TABLE, Warehouse
from errors import InvalidInput, Issue


def _parse_error(exc: duckdb.Error) -> InvalidInput:
    match = re.search(r"[Ll]ine:? (\d+)", str(exc))
    row = int(match.group(1)) if match else None
    where_zh, where_en = (f"第 {row} 行", f"Row {row}") if row else ("文件", "The file")
    return InvalidInput(
        "文件无法解析，未导入任何数据。",
        "The file could not be parsed; nothing was imported.",
        [
            Issue(
                "file.parse",
                f"{where_zh}格式有误（例如引号不配对）：请修正后重试。",
                f"{where_en} is malformed (for example an unclosed quote): fix it and retry.",
                row=row,
            )
        ],
    )


def read_staged(
    conn: duckdb.DuckDBPyConnection, stage: Callable[[duckdb.DuckDBPyConnection, Path], Staged], workdir: Path
) -> tuple[Staged, int]:
    """Stage the source; its data row count (refusing a file with none)."""
    try:
        staged = stage(conn, workdir)
    except duckdb.Error as exc:
        raise _parse_error(exc) from None
    rows = count_rows(conn, STAGING)
    if rows == 0:
        raise InvalidInput(
            "文件只有表头，没有数据行。",
            "The file has a header but no data rows.",
            [
                Issue(
                    "file.header_only",
                    "文件只有表头，没有数据行：请检查导出是否完整。",
                    "The file has a header but no data rows: check the export is complete.",
                    row=2,
                )
            ],
        )
    return staged, rows


def planned(decisions: list[Decision], types: dict[str, ColumnType], appending: bool) -> Plan:
    """A plan from a preview's decisions and the types the uploader chose; refuses a file that changed."""
    if appending and types:
        raise InvalidInput(
            "追加数据时不能更改类型。",
            "Types cannot be changed when appending.",
            [Issue("publish.types", "追加时列类型沿用数据集的类型。", "Appended columns keep the dataset's types.", column="types")],
        )

    def plan(conn: duckdb.DuckDBPyConnection, staged: Staged) -> list[Decision]:
        if staged.names != [d.name for d in decisions]:
            raise InvalidInput(
                "文件与预览时不一致。",
                "The file no longer matches its preview.",
                [Issue("publish.changed", "请重新上传文件。", "Upload the file again.")],
            )
        return [
            overridden(conn, d, label, types[d.name]) if types.get(d.name, d.type) != d.type else d
            for d, label in zip(decisions, staged.labels, strict=True)
        ]

    return plan


def choose_types(decisions: list[Decision], labels: list[str], wanted: dict[str, Any]) -> dict[str, ColumnType]:
    """Validate the uploader's type choices (column name → type); every problem named at once."""
    by_name = {d.name: label for d, label in zip(decisions, labels, strict=True)}
    chosen, problems = {}, []
    for name, value in wanted.items():
        if name not in by_name:
            problems.append(Issue("publish.column", f"没有名为“{name}”的列。", f"There is no column {name!r}.", column=str(name)))
        elif value not in {c.value for c in CHOOSABLE}:
            allowed = ", ".join(c.value for c in CHOOSABLE)
            problems.append(
                Issue(
                    "publish.type",
                    f"“{value}”不是可选类型（{allowed}）。",
                    f"{value!r} is not a type to choose ({allowed}).",
                    column=str(name),
                )
            )
        else:
            chosen[name] = ColumnType(value)
    if problems:
        raise InvalidInput("所选类型有误，未发布任何数据。", "Some chosen types are wrong; nothing was published.", problems)
    return chosen


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def count_rows(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _sample(conn: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    rows = conn.execute(f"SELECT CAST({q(name)} AS VARCHAR) FROM {TABLE} WHERE {q(name)} IS NOT NULL LIMIT 200").fetchall()
    return [str(r[0]) for r in rows]


def build_table(
    warehouse: Warehouse,
    conn: duckdb.DuckDBPyConnection,
    staged: Staged,
    decisions: list[Decision],
    old: list[tuple[Any, ...]] | None,
    old_file: str | None,
) -> None:
    if old is None:
        projection = ", ".join(f"{d.expr} AS {q(d.name)}" for d in decisions)
        conn.execute(f"CREATE TABLE {TABLE} AS SELECT {projection} FROM {STAGING}")
        return
    assert old_file is not None
    by_name = {d.name: d for d in decisions}
    extra = [n for n in by_name if n not in {c[0] for c in old}]
    if extra:
        raise InvalidInput(
            "新文件的列与数据集不一致。",
            "The new file's columns do not match the dataset.",
            [
                Issue(
                    "append.extra_column",
                    f"列“{n}”不在数据集中：追加时列必须与已有数据一致。",
                    f"Column {n!r} is not in the dataset: appended files must have the dataset's columns.",
                    column=n,
                    row=1,
                )
                for n in extra
            ],
        )
    conn.execute(f"ATTACH {_lit(str(warehouse.resolve(old_file)))} AS previous (READ_ONLY)")
    conn.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM previous.{TABLE}")
    conn.execute("DETACH previous")
    select_list, problems = [], []
    for name, label, kind, *_ in old:
        decision = by_name.get(name)
        if decision is None:
            select_list.append(f"CAST(NULL AS {DUCKDB_SQL_TYPE[kind]})")
            continue
        cast = f"TRY_CAST({decision.expr} AS {DUCKDB_SQL_TYPE[kind]})"
        bad = conn.execute(
            f"SELECT rowid + 2 FROM {STAGING} WHERE ({decision.expr}) IS NOT NULL AND {cast} IS NULL ORDER BY rowid LIMIT 5"
        ).fetchall()
        if bad:
            rows = tuple(int(r[0]) for r in bad)
            problems.append(
                Issue(
                    "append.type_changed",
                    f"列“{label}”原为{kind.value}类型，新文件中有无法转换的值（例如第 {', '.join(map(str, rows))} 行）。",
                    f"Column {label!r} is {kind.value} but the new file has values that are not (e.g. rows {', '.join(map(str, rows))}).",
                    column=name,
                    rows=rows,
                )
            )
        select_list.append(cast)
    if problems:
        raise InvalidInput(
            "新文件的数据类型与数据集不一致，未追加任何数据。",
            "The new file's types do not match the dataset; nothing was appended.",
            problems,
        )
    conn.execute(f"INSERT INTO {TABLE} SELECT {', '.join(select_list)} FROM {STAGING}")


def profile_columns(
    conn: duckdb.DuckDBPyConnection,
    specs: list[tuple[str, str, ColumnType]],
    decisions: list[Decision],
    old: list[tuple[Any, ...]] | None,
    rows: int,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    unparseable = {d.name: d.unparseable for d in decisions}
    stats = profile.column_stats(conn, TABLE, [(n, k) for n, _, k in specs], rows)
    kept = {c[0]: c for c in old or []}
    columns, profiled = [], []
    for name, label, kind in specs:
        st = stats[name]
        facts = ColumnFacts(name, label, kind, st["distinct"], rows, st.get("max_length") or 0)
        role = kept[name][3] if name in kept else suggest_role(facts).value
        if name in kept:
            pii, pii_kind = kept[name][4], kept[name][5]
        else:
            pii_kind = suggest_pii(label, kind, profile.distinct_values(conn, TABLE, name, 200) or _sample(conn, name))
            pii = pii_kind is not None
        if role == "dimension" or kind is ColumnType.BOOLEAN:
            st["top"] = [] if pii else profile.top_values(conn, TABLE, name)
        st["unparseable"] = unparseable.get(name, 0)
        if pii:
            st["min"] = st["max"] = None
        columns.append(
            {
                "name": name,
                "label": label,
                "type": kind.value,
                "role": role,
                "nullable": st["nulls"] > 0,
                "pii": pii,
                "pii_kind": pii_kind,
            }
        )
        profiled.append(profile.ProfileColumn(name, label, kind, ColumnRole(role), st["unparseable"], bool(pii)))
    prof = {"rows": rows, "columns": stats, **profile.dataset_checks(conn, TABLE, profiled, rows)}
    return columns, prof


def time_ranges(columns: list[dict[str, Any]], prof: dict[str, Any]) -> dict[str, list[Any]]:
    """Each date/timestamp column's [min, max] as profiled (None for personal data), kept on the version row so a
    default date range reads these few values, not the whole profile."""
    stats = prof.get("columns", {})
    return {
        c["name"]: [stats[c["name"]].get("min"), stats[c["name"]].get("max")]
        for c in columns
        if ColumnType(c["type"]).temporal and c["name"] in stats
    }
