"""Excel .xlsx into a staging table, after refusing zip bombs and XML entity tricks."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from datasets.naming import name_columns
from datasets.sql import q
from datasets.staged import STAGING, Staged
from errors import InvalidInput, Issue

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_RATIO = 200
MAX_MEMBERS = 10_000
BATCH_ROWS = 50_000
_XML_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")


def _refuse(code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput("无法读取该 Excel 文件。", "The Excel file cannot be read.", [Issue(code, zh, en)])


def check_archive(path: Path, max_uncompressed: int) -> None:
    """Magic bytes, member count, total and per-member expansion, no DTD in any XML part."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        raise _refuse(
            "xlsx.legacy",
            "这是旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后再导入。",
            "This is a legacy .xls file: save it as .xlsx in Excel and import again.",
        )
    if not head.startswith(ZIP_MAGIC):
        raise _refuse(
            "xlsx.magic",
            "文件不是有效的 .xlsx（内容与扩展名不符）。",
            "The file is not a valid .xlsx (its content does not match its extension).",
        )
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _refuse("xlsx.corrupt", "文件已损坏，无法解压。", "The file is corrupt and cannot be unpacked.") from None
    with archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if (
            len(members) > MAX_MEMBERS
            or total > max_uncompressed
            or any(m.compress_size and m.file_size / m.compress_size > MAX_RATIO for m in members)
        ):
            raise _refuse(
                "xlsx.bomb", "文件解压后过大（疑似压缩炸弹），已拒绝。", "The file expands to an unsafe size (a zip bomb) and was refused."
            )
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                with archive.open(member) as part:
                    head = part.read(4096)
                if any(token in head for token in _XML_FORBIDDEN):
                    raise _refuse(
                        "xlsx.entities",
                        "文件包含 XML 实体声明，出于安全原因已拒绝。",
                        "The file declares XML entities and was refused for safety.",
                    )


def cell_text(value: Any) -> str | None:
    """A cell as text for type inference: integers without `.0`, dates in ISO form."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _rows(path: Path) -> Iterator[tuple[Any, ...]]:
    import openpyxl  # imported here: a heavy module only the xlsx path needs

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def stage_xlsx(conn: duckdb.DuckDBPyConnection, path: Path, max_uncompressed: int) -> Staged:
    check_archive(path, max_uncompressed)
    try:
        rows = _rows(path)
        header: list[Any] = []
        header_row = 0
        for header_row, row in enumerate(rows, start=1):  # noqa: B007 - header_row used after the loop
            if any(cell_text(c) is not None for c in row):
                header = list(row)
                break
        while header and cell_text(header[-1]) is None:
            header.pop()
        if not header:
            raise InvalidInput(
                "工作表是空的。",
                "The worksheet is empty.",
                [Issue("file.empty", "第一个工作表没有内容。", "The first worksheet has no content.")],
            )
        names, labels, issues = name_columns(header)
        width = len(names)
        schema = pa.schema([(n, pa.string()) for n in names])
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {STAGING} ({', '.join(q(n) + ' VARCHAR' for n in names)})")
        batch: list[list[str | None]] = [[] for _ in names]
        ragged: list[int] = []
        for number, row in enumerate(rows, start=header_row + 1):
            cells = [cell_text(c) for c in row]
            if len(cells) > width and any(c is not None for c in cells[width:]):
                ragged.append(number)
                continue
            if all(c is None for c in cells):
                continue
            cells = (cells + [None] * width)[:width]
            for i, c in enumerate(cells):
                batch[i].append(c)
            if len(batch[0]) >= BATCH_ROWS:
                _flush(conn, batch, schema)
                batch = [[] for _ in names]
        _flush(conn, batch, schema)
    except InvalidInput:
        raise
    except Exception:
        raise _refuse(
            "xlsx.corrupt", "文件已损坏或不是标准 Excel 格式。", "The file is corrupt or not a standard Excel workbook."
        ) from None
    if ragged:
        raise InvalidInput(
            "部分行超出表头的列数。",
            "Some rows have more cells than the header.",
            [
                Issue("row.too_many_columns", f"第 {r} 行的单元格超出表头范围。", f"Row {r} has cells beyond the header.", row=r)
                for r in ragged[:20]
            ],
        )
    return Staged(names, labels, "xlsx", issues=issues)


def _flush(conn: duckdb.DuckDBPyConnection, batch: list[list[str | None]], schema: pa.Schema) -> None:
    if not batch or not batch[0]:
        return
    table = pa.Table.from_arrays([pa.array(col, pa.string()) for col in batch], schema=schema)
    conn.register("xlsx_batch", table)
    conn.execute(f"INSERT INTO {STAGING} SELECT * FROM xlsx_batch")
    conn.unregister("xlsx_batch")
