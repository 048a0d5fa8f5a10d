"""Dataset commands: import a file (at once, or staged for a preview then published or cancelled) and edit the
data dictionary, written once for the API and the screens.

Each command checks who may do it and what is valid, owns its transaction (the importer's publish, or its own),
writes its audit record with the change (`dataset.replace` / `dataset.append` by the importer, `upload.stage`,
`upload.cancel`, `dictionary.edit`) and returns a typed result or raises the project's errors. Staged uploads
live in files until published (datasets/staged.py); staging and cancelling are audited so an administrator
sees what was uploaded and by whom even when nothing was published.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from access.actor import Actor
from access.audit import record
from access.policy import can_import_into
from access.roles import Permission
from datasets import catalog
from datasets.catalog import ColumnInfo
from datasets.importer import Importer, ImportMode, ImportReport, ImportRequest, Preview, Progress, choose_types, planned
from datasets.judgements import Decision
from datasets.models import Dataset
from datasets.staged import StagedUploads
from errors import Forbidden
from store.base import utcnow
from store.engine import Store

DICTIONARY_FIELDS = ("description_zh", "description_en", "role", "pii")
InUseCheck = Callable[[Session, str], None]  # (session, dataset id): raises Conflict naming its readers (boards.usage)


def _quiet(_stage: str, _fraction: float) -> None:
    """No progress reported."""


def import_file(
    importer: Importer,
    actor: Actor,
    path: Path,
    filename: str,
    request: ImportRequest,
    progress: Progress = _quiet,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import a file as a new dataset or a new version of one (the importer checks the department and the rights,
    publishes in one transaction and audits `dataset.replace` or `dataset.append`)."""
    return importer.import_file(actor, path, filename, request, progress=progress, max_bytes=max_bytes)


def stage_upload(
    importer: Importer,
    staged: StagedUploads,
    actor: Actor,
    owner: str,
    filename: str,
    request: ImportRequest,
    receive: Callable[[Path], None],
    progress: Progress = _quiet,
    max_bytes: int | None = None,
) -> tuple[str, Preview]:
    """Keep an upload (written by `receive` to the path given) and answer what it would become; nothing is published.
    The upload is kept for `owner` only when its preview succeeded; audited `upload.stage`."""
    staged.sweep()
    upload_id, stored = staged.new_path(filename)
    kept = False
    try:
        receive(stored)
        shown = importer.preview_file(actor, stored, filename, request, progress=progress, max_bytes=max_bytes)
        staged.save(upload_id, _manifest(owner, stored, filename, request, shown))
        with importer.store.transaction() as db:
            detail = {"filename": Path(filename).name[:200], "rows": shown.rows, "mode": request.mode.value}
            record(db, actor.username, "upload.stage", "upload", upload_id, detail)
        kept = True
    finally:
        if not kept:
            staged.remove(upload_id)
    return upload_id, shown


def _manifest(owner: str, stored: Path, filename: str, req: ImportRequest, shown: Preview) -> dict[str, Any]:
    return {
        "owner": owner,
        "file": stored.name,
        "filename": filename,
        "created": utcnow().isoformat(),
        "request": {
            "name": req.name,
            "name_en": req.name_en,
            "department": req.department,
            "dataset_id": req.dataset_id,
            "mode": req.mode.value,
            "description": req.description,
        },
        "labels": shown.labels,
        "plan": [d.to_dict() for d in shown.decisions],
        "fixed_types": shown.fixed_types,
        "derived_time": shown.derived.name if shown.derived else None,
    }


def publish_upload(
    importer: Importer,
    staged: StagedUploads,
    actor: Actor,
    owner: str,
    upload_id: str,
    types: Mapping[str, Any],
    progress: Progress = _quiet,
) -> ImportReport:
    """Import `owner`'s staged upload with the types chosen (`{column: type}`; the offered timestamp built from date
    parts is added unless its entry is "none"). A second publish of the same upload finds nothing (NotFound); a
    failed one gives the upload back so the types can be fixed or the upload cancelled. Audited by the importer."""
    manifest = staged.claim(upload_id, owner)
    try:
        decisions = [Decision.from_dict(d) for d in manifest["plan"]]
        wanted = dict(types)
        derive = wanted.pop(manifest["derived_time"], "timestamp") != "none" if manifest.get("derived_time") else True
        chosen = choose_types(decisions, manifest["labels"], wanted)
        req = ImportRequest(**{**manifest["request"], "mode": ImportMode(manifest["request"]["mode"]), "derive_time": derive})
        plan = planned(decisions, chosen, bool(manifest["fixed_types"]))
        report = importer.import_file(actor, staged.file(manifest), manifest["filename"], req, progress=progress, plan=plan)
    except BaseException:
        staged.release(upload_id)
        raise
    staged.remove(upload_id)
    return report


def cancel_upload(store: Store, staged: StagedUploads, actor: Actor, owner: str, upload_id: str) -> None:
    """Delete `owner`'s staged upload (its file and manifest; NotFound for anyone else's); audited `upload.cancel`."""
    manifest = staged.load(upload_id, owner)
    staged.remove(upload_id)
    with store.transaction() as db:
        record(db, actor.username, "upload.cancel", "upload", upload_id, {"filename": str(manifest.get("filename", ""))[:200]})


def edit_column(store: Store, actor: Actor, dataset_id: str, name: str, fields: Mapping[str, Any]) -> ColumnInfo:
    """Edit one data-dictionary entry (descriptions, role, personal-data flag); audited `dictionary.edit`."""
    with store.transaction() as db:
        return catalog.update_column(db, actor, dataset_id, name, **_dictionary_fields(fields))


def edit_columns(store: Store, actor: Actor, dataset_id: str, edits: Sequence[tuple[str, Mapping[str, Any]]]) -> list[ColumnInfo]:
    """Several dictionary edits in one transaction: all are saved or none; each audited `dictionary.edit`."""
    with store.transaction() as db:
        return [catalog.update_column(db, actor, dataset_id, name, **_dictionary_fields(fields)) for name, fields in edits]


def _dictionary_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k in DICTIONARY_FIELDS}


def delete_dataset(store: Store, actor: Actor, dataset_id: str, in_use: InUseCheck) -> catalog.DatasetInfo:
    """Soft-delete a dataset nothing reads any more: from then on it is missing everywhere (NotFound, as an id
    that never existed), its row and versions kept for the audit trail and its warehouse files kept on disk.
    Who may: an administrator, or a data steward of the dataset's own department (import and dictionary rights:
    an analyst). A clerk who may only load data, or anyone holding an edit grant from another department, may
    not take the dataset away from its department. Refused (conflict) while an indicator
    (any version) or a board's query tile reads it (`in_use`: boards.usage.refuse_dataset_delete); audited
    `dataset.delete`. Answers the dataset as it was; the caller forgets cached results."""
    with store.transaction() as db:
        info = catalog.get_dataset(db, actor, dataset_id)
        if not _may_delete(actor, info.department):
            raise Forbidden(
                "只有管理员或本部门的数据管理人员（可导入并编辑数据字典）可以删除数据集。",
                "Only an administrator or a data steward of the dataset's department (who may import and edit the"
                " dictionary) can delete it.",
            )
        in_use(db, info.id)
        row = db.get(Dataset, info.id)
        assert row is not None  # get_dataset found it in this transaction
        row.deleted_at = utcnow()
        record(db, actor.username, "dataset.delete", "dataset", info.id, {"name_zh": info.name_zh, "rows": info.rows})
    return info


def _may_delete(actor: Actor, department: str) -> bool:
    return actor.is_admin or (can_import_into(actor, department) and actor.has(Permission.EDIT_DICTIONARY))
