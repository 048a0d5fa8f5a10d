"""CSV/TSV into a staging table: encoding, delimiter and header sniffed, every cell read as text."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import duckdb

from datasets import encoding as enc
from datasets.naming import name_columns
from datasets.sql import lit
from datasets.staged import STAGING, Staged
from errors import InvalidInput, Issue

DELIMITERS = (",", "\t", ";", "|")
MAX_REPORTED_ROWS = 20
_REJECT_TEXT = {
    "TOO MANY COLUMNS": ("字段过多", "has too many fields"),
    "MISSING COLUMNS": ("字段过少", "has too few fields"),
    "UNQUOTED VALUE": ("引号不配对", "has a stray quote"),
    "LINE SIZE OVER MAXIMUM": ("行过长", "is too long"),
    "INVALID ENCODING": ("含有无法识别的字节", "contains bytes that are not UTF-8"),
    "CAST ERROR": ("无法读取", "could not be read"),
    "INVALID STATE": ("格式错误", "is malformed"),
}


def _sample_text(path: Path) -> str:
    with path.open("rb") as fh:
        raw = fh.read(enc.SAMPLE_BYTES)
    return raw.decode("utf-8", errors="replace")


def sniff_delimiter(sample: str, suffix: str) -> str:
    """The candidate giving the most consistent field count (>1) over the first lines."""
    lines = sample.splitlines()[:50]
    if len(lines) > 1 and len(sample) >= enc.SAMPLE_BYTES - 4:
        lines = lines[:-1]  # the last line of a truncated sample may be cut
    best, best_score = ",", (-1.0, 0)
    order = ("\t", *DELIMITERS) if suffix == ".tsv" else DELIMITERS
    for delim in order:
        counts = [len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim) if row]
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_header(sample: str, delimiter: str) -> list[str]:
    for row in csv.reader(io.StringIO(sample), delimiter=delimiter):
        if any(cell.strip() for cell in row):
            return row
    return []


def _empty_file() -> InvalidInput:
    return InvalidInput(
        "文件是空的。",
        "The file is empty.",
        [Issue("file.empty", "文件没有任何内容：请检查是否选错了文件。", "The file has no content: check you chose the right file.")],
    )


def _reject_issues(rows: list[tuple[int, str, str]], total: int) -> list[Issue]:
    issues = []
    for line, kind, _message in rows[:MAX_REPORTED_ROWS]:
        zh, en = _REJECT_TEXT.get(kind, ("格式错误", "is malformed"))
        issues.append(
            Issue(
                f"row.{kind.lower().replace(' ', '_')}",
                f"第 {line} 行{zh}：请修正该行后重试。",
                f"Row {line} {en}: fix that row and retry.",
                row=int(line),
            )
        )
    if total > MAX_REPORTED_ROWS:
        issues.append(
            Issue(
                "row.more",
                f"另有 {total - MAX_REPORTED_ROWS} 行存在类似问题。",
                f"{total - MAX_REPORTED_ROWS} more rows have similar problems.",
            )
        )
    return issues


def _load(conn: duckdb.DuckDBPyConnection, path: Path, delimiter: str, names: list[str]) -> list[tuple[int, str, str]]:
    """Parse with an explicit dialect; return the rejected lines (line, kind, message)."""
    tag = uuid.uuid4().hex[:8]
    columns = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGING} AS SELECT * FROM read_csv({lit(str(path))}, delim={lit(delimiter)}, "
        f"quote='\"', escape='\"', header=true, auto_detect=false, columns={columns}, "
        f"store_rejects=true, rejects_table={lit('rej_' + tag)}, rejects_scan={lit('rejs_' + tag)}, "
        "max_line_size=10000000, null_padding=false)"
    )
    rejected = conn.execute(f"SELECT line, error_type, error_message FROM rej_{tag} ORDER BY line").fetchall()
    conn.execute(f"DROP TABLE IF EXISTS rej_{tag}")
    conn.execute(f"DROP TABLE IF EXISTS rejs_{tag}")
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rejected]


def stage_csv(conn: duckdb.DuckDBPyConnection, path: Path, workdir: Path) -> Staged:
    """Load a delimited text file into the staging table, or raise `InvalidInput` with issues."""
    if path.stat().st_size == 0:
        raise _empty_file()
    detected = enc.detect(path)
    source = path
    if not detected.is_utf8 or detected.bom:
        source = workdir / "utf8.csv"
        enc.transcode(path, detected, source)
    sample = _sample_text(source)
    if not sample.strip():
        raise _empty_file()
    delimiter = sniff_delimiter(sample, path.suffix.lower())
    header = read_header(sample, delimiter)
    names, labels, issues = name_columns(list(header))
    if any(i.severity.value == "error" for i in issues):
        raise InvalidInput("文件表头有误。", "The file's header row is invalid.", issues)
    rejected = _load(conn, source, delimiter, names)
    if rejected and detected.is_utf8 and any(kind == "INVALID ENCODING" for _, kind, _ in rejected):
        detected = enc.Encoding("gb18030", "GB18030/GBK")
        source = workdir / "utf8.csv"
        enc.transcode(path, detected, source)
        rejected = _load(conn, source, delimiter, names)
    if rejected:
        raise InvalidInput(
            f"文件有 {len(rejected)} 行无法读取，未导入任何数据。",
            f"{len(rejected)} rows of the file could not be read; nothing was imported.",
            _reject_issues(rejected, len(rejected)),
        )
    label = detected.label
    return Staged(names, labels, "csv", encoding=label, delimiter=delimiter, issues=issues)
