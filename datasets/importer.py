"""Import a file, a database table or an Arrow table as a new dataset version, atomically.

validate target → stage (every cell as read) → infer types over all rows → build the version
file → profile → publish: the new file and the catalog entry become current in one metadata
transaction. Any failure before that commit leaves the previous version untouched.

In two steps, `preview_file` stops after inference (nothing written but a scratch file it removes)
and returns the types, the judgement calls and the first rows; `import_file(..., plan=...)` later
imports with those decisions and the types the uploader changed, without inferring again.
"""

from __future__ import annotations

import enum
import logging
import re
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.actor import Actor
from access.audit import record
from access.departments import department_by_code
from access.policy import can_edit_dataset, raise_for_dataset, raise_for_import
from datasets import csvfile, dateparts, profile, sources, xlsxfile
from datasets.cells import jsonable
from datasets.dictionary import ColumnFacts, suggest_pii, suggest_role
from datasets.inference import Decision, infer, overridden
from datasets.models import Dataset, DatasetColumn, DatasetVersion
from datasets.sql import q
from datasets.staged import STAGING, Staged
from datasets.types import DUCKDB_SQL_TYPE, ColumnRole, ColumnType
from datasets.warehouse import TABLE, Warehouse
from errors import InvalidInput, Issue, NotFound, Severity, TooLarge
from store.base import utcnow
from store.engine import Store

log = logging.getLogger(__name__)
Progress = Callable[[str, float], None]
Plan = Callable[[duckdb.DuckDBPyConnection, Staged], list[Decision]]
CHOOSABLE = (ColumnType.TEXT, ColumnType.INTEGER, ColumnType.FLOAT, ColumnType.DATE, ColumnType.TIMESTAMP, ColumnType.BOOLEAN)
PREVIEW_ROWS = 20
FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}
ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


class ImportMode(enum.StrEnum):
    REPLACE = "replace"
    APPEND = "append"


@dataclass(frozen=True)
class ImportRequest:
    """Where the data goes: a new dataset (`dataset_id` None or unused) or a new version of one."""

    name: str
    department: str
    name_en: str = ""
    dataset_id: str | None = None
    mode: ImportMode = ImportMode.REPLACE
    description: str = ""
    description_en: str = ""
    source: str = ""
    derive_time: bool = True  # add the timestamp built from year/month/day[/hour] columns (datasets/dateparts.py)


@dataclass
class ImportReport:
    dataset_id: str
    version: int
    rows: int
    mode: str
    source_format: str
    encoding: str | None
    delimiter: str | None
    seconds: float
    columns: list[dict[str, Any]]
    issues: list[Issue] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    judgements: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "judgement_calls": _judgement_calls(self.judgements, lang),
            "dataset_id": self.dataset_id,
            "version": self.version,
            "rows": self.rows,
            "mode": self.mode,
            "format": self.source_format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "seconds": round(self.seconds, 3),
            "columns": self.columns,
            "issues": [i.to_dict(lang) for i in self.issues],
            "checks": self.checks,
        }


@dataclass
class Preview:
    """What an upload would become, before anything is published."""

    rows: int
    mode: str
    source_format: str
    encoding: str | None
    delimiter: str | None
    labels: list[str]
    decisions: list[Decision]
    issues: list[Issue]
    first_rows: list[list[Any]]
    fixed_types: bool  # appending: the dataset's types, no choice
    derived: dateparts.Derivation | None = None  # the timestamp the date parts would make, which the uploader may decline
    derived_sample: list[str] = field(default_factory=list)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        calls = [_judgement(d, label) for d, label in zip(self.decisions, self.labels, strict=True) if d.judgement]
        return {
            "rows": self.rows,
            "mode": self.mode,
            "format": self.source_format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "columns": [
                {
                    "name": d.name,
                    "label": label,
                    "type": d.type.value,
                    "options": [] if self.fixed_types else [c.value for c in CHOOSABLE],
                    "judgement": d.judgement.to_dict(lang) if d.judgement else None,
                }
                for d, label in zip(self.decisions, self.labels, strict=True)
            ],
            "judgement_calls": _judgement_calls(calls, lang),
            "first_rows": self.first_rows,
            "issues": [i.to_dict(lang) for i in self.issues],
            "derived_time": {"name": self.derived.name, "label": self.derived.label, "sample": self.derived_sample}
            if self.derived
            else None,
        }


def _judgement(decision: Decision, label: str) -> dict[str, Any]:
    assert decision.judgement is not None
    return {"column": decision.name, "label": label, **decision.judgement.to_dict()}


def _judgement_calls(calls: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Stored judgement calls in `lang` (the reason text is rebuilt, the counts are kept)."""
    from datasets.inference import Judgement

    return [{"column": c["column"], "label": c["label"], **Judgement.from_dict(c).to_dict(lang)} for c in calls]


def _no_progress(_stage: str, _fraction: float) -> None:
    return None


def detect_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            "不支持该文件类型。",
            "This file type is not supported.",
            [
                Issue(
                    "file.type",
                    f"不支持“{suffix or '无扩展名'}”文件：请上传 CSV、TSV、Excel (.xlsx)、Parquet 或 JSON。",
                    f"{suffix or 'Files without an extension'} is not supported: upload CSV, TSV, Excel (.xlsx), Parquet or JSON.",
                )
            ],
        )
    return FORMATS[suffix]


def _looks_binary(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(8192)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return b"\x00" in head and not (max(even, odd) > 0.3 * len(head) / 2 and min(even, odd) < 0.05 * len(head) / 2)


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


class Importer:
    """Imports into the warehouse and publishes to the catalog; safe to run beside live readers."""

    def __init__(self, store: Store, warehouse: Warehouse, keep_versions: int = 3, xlsx_max_bytes: int = 1 << 30) -> None:
        self.store = store
        self.warehouse = warehouse
        self.keep_versions = keep_versions
        self.xlsx_max_bytes = xlsx_max_bytes

    # -- entry points ---------------------------------------------------------------------
    def import_file(
        self,
        actor: Actor,
        path: Path,
        filename: str,
        request: ImportRequest,
        progress: Progress = _no_progress,
        max_bytes: int | None = None,
        plan: Plan | None = None,
    ) -> ImportReport:
        """Import a CSV/TSV/XLSX/Parquet/JSON file; `filename` decides the format, magic bytes confirm it.

        `plan` (from a preview) gives the column decisions instead of inferring them again.
        """
        stage = self._file_stage(path, filename, max_bytes)
        source = request.source or f"file: {Path(filename).name}"
        return self._run(actor, _with_source(request, source), stage, progress, plan)

    def preview_file(
        self,
        actor: Actor,
        path: Path,
        filename: str,
        request: ImportRequest,
        progress: Progress = _no_progress,
        max_bytes: int | None = None,
    ) -> Preview:
        """Read and type the file as an import would, publish nothing, and describe the result."""
        stage = self._file_stage(path, filename, max_bytes)
        target = self._target(actor, request)
        workdir = self.warehouse.workdir()
        conn = self.warehouse.writer(workdir / "preview.duckdb")
        try:
            progress("reading", 0.05)
            staged, rows = _read(conn, stage, workdir)
            progress("inferring", 0.5)
            decisions = infer(conn, staged.names, staged.labels)
            old = target["columns"] if request.mode is ImportMode.APPEND else None
            if old is not None:
                kinds = {c[0]: c[2] for c in old}
                decisions = [
                    Decision(d.name, kinds[d.name], f"TRY_CAST({d.expr} AS {DUCKDB_SQL_TYPE[kinds[d.name]]})") if d.name in kinds else d
                    for d in decisions
                ]
            projection = ", ".join(f"{d.expr} AS {q(d.name)}" for d in decisions)
            first = conn.execute(f"SELECT {projection} FROM {STAGING} LIMIT {PREVIEW_ROWS}").fetchall()
            typed = f"(SELECT {projection} FROM {STAGING})"
            columns = [(d.name, label, d.type) for d, label in zip(decisions, staged.labels, strict=True)]
            derived = dateparts.propose(conn, typed, columns) if old is None else None  # appending keeps the dataset's columns
            sample = (
                [str(r[0]) for r in conn.execute(f"SELECT CAST({derived.expr} AS VARCHAR) FROM {typed} LIMIT 3").fetchall()]
                if derived
                else []
            )
            progress("done", 1.0)
        finally:
            conn.close()
            shutil.rmtree(workdir, ignore_errors=True)
        return Preview(
            rows,
            request.mode.value,
            staged.source_format,
            staged.encoding,
            staged.delimiter,
            staged.labels,
            decisions,
            staged.issues + [i for d in decisions for i in d.issues],
            [[jsonable(v) for v in row] for row in first],
            old is not None,
            derived,
            sample,
        )

    def _file_stage(self, path: Path, filename: str, max_bytes: int | None) -> Callable[[duckdb.DuckDBPyConnection, Path], Staged]:
        kind = detect_format(filename)
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise TooLarge("文件过大。", f"The file is larger than {max_bytes // (1 << 20)} MB.")
        if kind == "csv" and _looks_binary(path):
            raise InvalidInput(
                "文件不是文本格式。",
                "The file is not a text file.",
                [
                    Issue(
                        "file.binary",
                        "文件内容是二进制数据，不是 CSV 文本：请检查文件类型。",
                        "The file holds binary data, not CSV text: check the file type.",
                    )
                ],
            )

        def stage(conn: duckdb.DuckDBPyConnection, workdir: Path) -> Staged:
            if kind == "csv":
                return csvfile.stage_csv(conn, path, workdir)
            if kind == "xlsx":
                return xlsxfile.stage_xlsx(conn, path, self.xlsx_max_bytes)
            if kind == "parquet":
                return sources.stage_parquet(conn, path)
            return sources.stage_json(conn, path)

        return stage

    def import_sql(
        self,
        actor: Actor,
        url: str,
        request: ImportRequest,
        table: str | None = None,
        query: str | None = None,
        progress: Progress = _no_progress,
    ) -> ImportReport:
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True) if "://" in url else "database"
        source = request.source or f"sql: {shown} {'table ' + table if table else 'query'}"
        return self._run(actor, _with_source(request, source), lambda conn, _w: sources.stage_sql(conn, url, table, query), progress)

    def import_arrow(self, actor: Actor, table: pa.Table, request: ImportRequest, progress: Progress = _no_progress) -> ImportReport:
        return self._run(actor, request, lambda conn, _w: sources.stage_arrow(conn, table), progress)

    # -- the pipeline ---------------------------------------------------------------------
    def _run(
        self,
        actor: Actor,
        request: ImportRequest,
        stage: Callable[[duckdb.DuckDBPyConnection, Path], Staged],
        progress: Progress,
        plan: Plan | None = None,
    ) -> ImportReport:
        started = time.perf_counter()
        target = self._target(actor, request)
        table_key = target["table_key"]
        part = self.warehouse.new_part(table_key)
        workdir = self.warehouse.workdir()
        conn = self.warehouse.writer(part)
        try:
            progress("reading", 0.05)
            staged, rows = _read(conn, stage, workdir)
            if plan is None:
                progress("inferring", 0.35)
                decisions = infer(conn, staged.names, staged.labels)
            else:
                decisions = plan(conn, staged)
            progress("converting", 0.55)
            issues = staged.issues + [i for d in decisions for i in d.issues]
            old = target["columns"] if request.mode is ImportMode.APPEND else None
            self._build(conn, staged, decisions, old, target.get("file"))
            specs = (
                [(n, label, kind) for n, label, kind, *_ in old]
                if old is not None
                else [(d.name, label, d.type) for d, label in zip(decisions, staged.labels, strict=True)]
            )
            wanted = request.derive_time if old is None else dateparts.derived_name(specs) is not None  # an append follows the dataset
            derived = dateparts.add_timestamp(conn, TABLE, specs) if wanted else None
            if derived and derived[0] not in {name for name, _, _ in specs}:
                specs.append((derived[0], derived[1], ColumnType.TIMESTAMP))
                issues.append(
                    Issue(
                        "column.derived_time",
                        f"已由“{derived[1]}”合成时间列 {derived[0]}。",
                        f"Added the timestamp column {derived[0]} built from {derived[1]}.",
                        Severity.WARNING,
                        column=derived[0],
                    )
                )
            total = _count(conn, TABLE)
            expected = rows + (target["rows"] if old is not None else 0)
            if total != expected:
                raise RuntimeError(f"row count changed during conversion: {total} != {expected}")
            progress("profiling", 0.75)
            columns, prof = self._profile(conn, specs, decisions, old, total)
            conn.execute(f"DROP TABLE IF EXISTS {STAGING}")
            conn.execute("CHECKPOINT")
            conn.close()
            relative = self.warehouse.publish(part)
            part = self.warehouse.resolve(relative)
            progress("publishing", 0.95)
            version = self._commit(actor, request, target, relative, total, columns, prof, issues, staged)
        except BaseException:
            conn.close()
            self.warehouse.discard(part)
            raise
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        self._collect(target["id"])
        progress("done", 1.0)
        return ImportReport(
            target["id"],
            version,
            total,
            request.mode.value,
            staged.source_format,
            staged.encoding,
            staged.delimiter,
            time.perf_counter() - started,
            columns,
            issues,
            prof["checks"],
            [_judgement(d, label) for d, label in zip(decisions, staged.labels, strict=True) if d.judgement],
        )

    def _target(self, actor: Actor, request: ImportRequest) -> dict[str, Any]:
        """Check permissions and pick the dataset id and warehouse key before any work is done."""
        with self.store.read() as session:
            if department_by_code(session, request.department) is None:
                raise InvalidInput(
                    "部门不存在。",
                    f"Department {request.department!r} does not exist.",
                    [
                        Issue(
                            "import.department",
                            f"部门“{request.department}”不存在。",
                            f"Department {request.department!r} does not exist.",
                            column="department",
                        )
                    ],
                )
            existing = session.get(Dataset, request.dataset_id) if request.dataset_id else None
            if existing is not None and existing.deleted_at is None:
                dept = _department_code(session, existing)
                raise_for_dataset(actor, dept, existing.id)
                if not can_edit_dataset(actor, dept, existing.id):
                    raise_for_import(actor, dept)
                return {
                    "id": existing.id,
                    "table_key": existing.table_key,
                    "new": False,
                    "rows": existing.rows,
                    "file": existing.current_file,
                    "columns": [(c.name, c.label, ColumnType(c.type), c.role, c.pii, c.pii_kind) for c in existing.columns],
                }
            raise_for_import(actor, request.department)
            if request.mode is ImportMode.APPEND:
                raise NotFound("数据集", "dataset")
            if not request.name.strip():
                raise InvalidInput(
                    "请填写数据集名称。",
                    "The dataset needs a name.",
                    [Issue("import.name", "数据集名称不能为空。", "The dataset name must not be empty.", column="name")],
                )
            wanted = request.dataset_id if request.dataset_id and ID_RE.match(request.dataset_id) else None
            return {
                "id": None,
                "wanted": wanted,
                "table_key": "t" + uuid.uuid4().hex[:15],
                "new": True,
                "rows": 0,
                "file": None,
                "columns": None,
            }

    def _build(
        self,
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
        conn.execute(f"ATTACH {_lit(str(self.warehouse.resolve(old_file)))} AS previous (READ_ONLY)")
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

    def _profile(
        self,
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

    def _commit(
        self,
        actor: Actor,
        request: ImportRequest,
        target: dict[str, Any],
        relative: str,
        rows: int,
        columns: list[dict[str, Any]],
        prof: dict[str, Any],
        issues: list[Issue],
        staged: Staged,
    ) -> int:
        """The one step that makes the new version visible: catalog, version and columns together."""
        with self.store.transaction() as session:
            dept = department_by_code(session, request.department)
            assert dept is not None
            if target["new"]:
                dataset = Dataset(
                    id=_unique_id(session, target.get("wanted") or _slug(request.name_en or request.name)),
                    table_key=target["table_key"],
                    name_zh=request.name.strip(),
                    name_en=(request.name_en or request.name).strip(),
                    department_id=dept.id,
                    owner_id=actor.user_id or None,
                    description_zh=request.description,
                    description_en=request.description_en,
                    data_version=0,
                )
                session.add(dataset)
                session.flush()
                target["id"] = dataset.id
            else:
                found = session.get(Dataset, target["id"], with_for_update=True)
                assert found is not None
                dataset = found
            dataset.data_version += 1
            dataset.current_file = relative
            dataset.rows = rows
            dataset.loaded_at = utcnow()
            dataset.source = request.source
            report = {
                "format": staged.source_format,
                "encoding": staged.encoding,
                "delimiter": staged.delimiter,
                "issues": [i.to_dict() for i in issues],
            }
            session.add(
                DatasetVersion(
                    dataset_id=dataset.id,
                    version=dataset.data_version,
                    file=relative,
                    rows=rows,
                    mode=request.mode.value,
                    source=request.source,
                    created_by=actor.user_id or None,
                    report=report,
                    profile=prof,
                )
            )
            _replace_columns(session, dataset, columns)
            record(
                session,
                actor.username,
                f"dataset.{request.mode.value}",
                "dataset",
                dataset.id,
                {"version": dataset.data_version, "rows": rows, "source": request.source},
            )
            return dataset.data_version

    def _collect(self, dataset_id: str) -> None:
        """Drop version files beyond the newest `keep_versions` (plus the current one)."""
        try:
            with self.store.transaction() as session:
                dataset = session.get(Dataset, dataset_id)
                if dataset is None:
                    return
                versions = list(
                    session.scalars(
                        select(DatasetVersion).where(DatasetVersion.dataset_id == dataset_id).order_by(DatasetVersion.version.desc())
                    )
                )
                keep = {v.file for v in versions[: self.keep_versions + 1]} | {dataset.current_file or ""}
                removed = set(self.warehouse.collect(dataset.table_key, keep))
                for v in versions:
                    if v.file in removed:
                        v.collected_at = utcnow()
            self.warehouse.clean_tmp()
        except Exception:  # collection is housekeeping: never fail an import that has been published
            log.exception("collecting old versions of %s failed", dataset_id)


def _read(conn: duckdb.DuckDBPyConnection, stage: Callable[[duckdb.DuckDBPyConnection, Path], Staged], workdir: Path) -> tuple[Staged, int]:
    """Stage the source; its data row count (refusing a file with none)."""
    try:
        staged = stage(conn, workdir)
    except duckdb.Error as exc:
        raise _parse_error(exc) from None
    rows = _count(conn, STAGING)
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


def _with_source(request: ImportRequest, source: str) -> ImportRequest:
    from dataclasses import replace

    return replace(request, source=source)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _sample(conn: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    rows = conn.execute(f"SELECT CAST({q(name)} AS VARCHAR) FROM {TABLE} WHERE {q(name)} IS NOT NULL LIMIT 200").fetchall()
    return [str(r[0]) for r in rows]


def _department_code(session: Session, dataset: Dataset) -> str:
    from access.models import Department

    dept = session.get(Department, dataset.department_id)
    return dept.code if dept else ""


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:48]
    if not slug or not slug[0].isalpha():
        slug = f"ds_{slug}" if slug else f"ds_{uuid.uuid4().hex[:6]}"
    return slug


def _unique_id(session: Session, base: str) -> str:
    candidate, n = base, 2
    while session.get(Dataset, candidate) is not None:
        candidate = f"{base}_{n}"
        n += 1
    return candidate


def _replace_columns(session: Session, dataset: Dataset, columns: list[dict[str, Any]]) -> None:
    """New dictionary rows, keeping descriptions (and edited roles/PII) of same-named columns."""
    previous = {c.name: c for c in dataset.columns}
    dataset.columns.clear()
    session.flush()
    for position, col in enumerate(columns):
        before = previous.get(col["name"])
        dataset.columns.append(
            DatasetColumn(
                position=position,
                name=col["name"],
                label=col["label"],
                type=col["type"],
                role=col["role"],
                nullable=col["nullable"],
                pii=before.pii if before else col["pii"],
                pii_kind=before.pii_kind if before else col["pii_kind"],
                description_zh=before.description_zh if before else "",
                description_en=before.description_en if before else "",
            )
        )
    session.flush()


__all__ = ["ImportMode", "ImportReport", "ImportRequest", "Importer", "Preview", "Severity", "choose_types", "detect_format", "planned"]
