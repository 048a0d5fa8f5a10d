"""Import a file, a database table or an Arrow table as a new dataset version, atomically.

validate target → stage (every cell as read) → infer types over all rows → build the version
file → profile → publish: the new file and the catalog entry become current in one metadata
transaction. Any failure before that commit leaves the previous version untouched.

In two steps, `preview_file` stops after inference (nothing written but a scratch file it removes)
and returns the types, the judgement calls and the first rows; `import_file(..., plan=...)` later
imports with those decisions and the types the uploader changed, without inferring again.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy.orm import Session

from access.actor import Actor
from access.audit import record
from access.departments import department_by_code
from access.policy import can_edit_dataset, raise_for_dataset, raise_for_import
from datasets import csvfile, dateparts, sources, xlsxfile
from datasets.cells import jsonable
from datasets.housekeeping import collect_dataset
from datasets.imports import (
    ID_RE,
    PREVIEW_ROWS,
    ImportMode,
    ImportReport,
    ImportRequest,
    Plan,
    Preview,
    Progress,
    detect_format,
    judgement,
)
from datasets.inference import infer
from datasets.judgements import Decision
from datasets.models import Dataset, DatasetColumn, DatasetVersion
from datasets.sql import q
from datasets.staged import STAGING, Staged
from datasets.types import DUCKDB_SQL_TYPE, ColumnType
from datasets.versiontable import build_table, choose_types, count_rows, planned, profile_columns, read_staged, time_ranges
from datasets.warehouse import TABLE, Warehouse
from errors import InvalidInput, Issue, NotFound, Severity, TooLarge
from jobs.lease import Held
from store.base import utcnow
from store.engine import Store

log = logging.getLogger(__name__)


def _no_progress(_stage: str, _fraction: float) -> None:
    return None


def _looks_binary(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(8192)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return b"\x00" in head and not (max(even, odd) > 0.3 * len(head) / 2 and min(even, odd) < 0.05 * len(head) / 2)


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
        workdir = self.warehouse.workdir(make=False)
        lease = Held(self.store, "preview", [workdir]).acquire()
        workdir.mkdir(parents=True)
        conn = self.warehouse.writer(workdir / "preview.duckdb")
        try:
            progress("reading", 0.05)
            staged, rows = read_staged(conn, stage, workdir)
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
            lease.release()
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

    def check_rights(self, actor: Actor, department: str, dataset_id: str | None, mode: ImportMode = ImportMode.REPLACE) -> None:
        """Refuse (403/404/422) before anything is received when `actor` may not import into `department` (or
        replace `dataset_id`, or append to it); the name is checked with the whole request later."""
        self._target(actor, ImportRequest(name="-", department=department, dataset_id=dataset_id, mode=mode))

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
        workdir = self.warehouse.workdir(make=False)
        lease = Held(self.store, "import", [part, workdir]).acquire()  # before the files exist: the sweep spares them
        workdir.mkdir(parents=True)
        conn = self.warehouse.writer(part)
        try:
            progress("reading", 0.05)
            staged, rows = read_staged(conn, stage, workdir)
            if plan is None:
                progress("inferring", 0.35)
                decisions = infer(conn, staged.names, staged.labels)
            else:
                decisions = plan(conn, staged)
            progress("converting", 0.55)
            issues = staged.issues + [i for d in decisions for i in d.issues]
            old = target["columns"] if request.mode is ImportMode.APPEND else None
            build_table(self.warehouse, conn, staged, decisions, old, target.get("file"))
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
            total = count_rows(conn, TABLE)
            expected = rows + (target["rows"] if old is not None else 0)
            if total != expected:
                raise RuntimeError(f"row count changed during conversion: {total} != {expected}")
            progress("profiling", 0.75)
            columns, prof = profile_columns(conn, specs, decisions, old, total)
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
            lease.release()
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
            [judgement(d, label) for d, label in zip(decisions, staged.labels, strict=True) if d.judgement],
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
                    time_ranges=time_ranges(columns, prof),
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
        """Drop version files beyond the newest `keep_versions` (plus the current one); the periodic collector job
        (datasets/housekeeping.py) does the same for every dataset."""
        try:
            collect_dataset(self.store, self.warehouse, self.keep_versions, dataset_id)
            self.warehouse.clean_tmp()
        except Exception:  # collection is housekeeping: never fail an import that has been published
            log.exception("collecting old versions of %s failed", dataset_id)


def _with_source(request: ImportRequest, source: str) -> ImportRequest:
    from dataclasses import replace

    return replace(request, source=source)


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


__all__ = [
    "ImportMode",
    "ImportReport",
    "ImportRequest",
    "Importer",
    "Preview",
    "Progress",
    "Severity",
    "choose_types",
    "detect_format",
    "planned",
]
