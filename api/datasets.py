"""Datasets: list, upload (multipart; in one step, or staged → preview → publish), detail with dictionary and
profile, rows, dictionary edits, and the server-side phases of an import in flight."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Response, jsonify, request

import runtime
from access.roles import Permission
from api import uploadbody
from api.auth import actor, endpoint
from api.blueprint import bp
from api.shapes import datasets as shapes
from api.shapes.admin import Deleted
from api.shapes.common import wire
from boards.usage import refuse_dataset_delete
from datasets import catalog, commands
from datasets.cells import jsonable
from datasets.importer import ImportMode, ImportReport, ImportRequest
from datasets.staged import PhaseBoard, StagedUploads
from errors import BadRequest, InvalidInput, Issue
from jobs.lease import Held
from query.rows import Sort, distinct_values, preview
from query.versionrows import version_rows


def dataset_payload(info: catalog.DatasetInfo, profile: dict[str, Any]) -> dict[str, Any]:
    return {
        **info.summary(),
        "department_name_zh": info.department_zh,
        "department_name_en": info.department_en,
        "owner": info.owner,
        "source": info.source,
        "description_zh": info.description_zh,
        "description_en": info.description_en,
        "columns": [c.to_dict() for c in info.columns],
        "profile": profile,
    }


@bp.get("/datasets")
@endpoint(Permission.VIEW)
def list_datasets() -> Response:
    return jsonify(wire(shapes.DatasetList, {"datasets": [seen.summary() for seen in runtime.current().door.datasets(actor())]}))


@bp.get("/datasets/<dataset_id>")
@endpoint(Permission.VIEW)
def get_dataset(dataset_id: str) -> Response:
    with runtime.current().store.read() as db:
        info = catalog.get_dataset(db, actor(), dataset_id)
        version = catalog.current_version(db, actor(), dataset_id)
    seen = runtime.current().door.dataset(actor(), dataset_id)
    rows, scoped = seen.rows, seen.scoped
    # the profile describes every row; a caller limited to some rows gets none of it
    profile, report = ({}, {}) if scoped else (version.profile, version.report)
    return jsonify(wire(shapes.Dataset, dataset_payload(info, profile) | {"rows": rows, "profile_hidden": scoped, "import_report": report}))


@bp.get("/datasets/<dataset_id>/rows")
@endpoint(Permission.VIEW)
def dataset_rows(dataset_id: str) -> Response:
    try:
        offset = int(request.args.get("offset", "0"))
        limit = int(request.args.get("limit", "100"))
    except ValueError:
        raise BadRequest("分页参数必须是整数。", "offset and limit must be integers.") from None
    sort = [Sort(s.lstrip("-"), s.startswith("-")) for s in request.args.get("sort", "").split(",") if s]
    page = preview(runtime.current().door, actor(), dataset_id, offset, limit, sort)
    rows = [[jsonable(v) for v in row] for row in page.rows]
    return jsonify(wire(shapes.Rows, {"columns": page.columns, "rows": rows, "offset": offset, "total": page.total}))


@bp.get("/datasets/<dataset_id>/values/<column>")
@endpoint(Permission.VIEW)
def column_values(dataset_id: str, column: str) -> Response:
    """The values of a column the caller may filter on — only from their rows; personal data refused (422)."""
    limit = request.args.get("limit", "200")
    found = distinct_values(runtime.current().door, actor(), dataset_id, column, int(limit) if limit.isdigit() else 200)
    return jsonify(wire(shapes.ColumnValues, {"column": column, "values": [jsonable(v) for v in found]}))


@bp.get("/datasets/<dataset_id>/versions")
@endpoint(Permission.VIEW)
def dataset_versions(dataset_id: str) -> Response:
    with runtime.current().store.read() as db:
        versions = catalog.history(db, actor(), dataset_id)
    # a row-scoped caller gets the rows they may read in each version, never the whole version's count
    counts = version_rows(runtime.current().door, runtime.current().store, actor(), dataset_id)
    return jsonify(wire(shapes.LoadHistory, {"versions": [{**v, "rows": counts.get(v["version"])} for v in versions]}))


@bp.delete("/datasets/<dataset_id>")
@endpoint(Permission.IMPORT)
def delete_dataset(dataset_id: str) -> Response:
    """Soft-delete a dataset no indicator or board query reads (an administrator, or an analyst of its department);
    cached results are forgotten so nothing answers from it any more."""
    rt = runtime.current()
    gone = commands.delete_dataset(rt.store, actor(), dataset_id, refuse_dataset_delete)
    rt.door.forget_results()
    return jsonify(wire(Deleted, {"deleted": gone.id, "object_type": "dataset"}))


@bp.patch("/datasets/<dataset_id>/columns/<name>")
@endpoint(Permission.EDIT_DICTIONARY)
def update_column(dataset_id: str, name: str) -> Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("请求体必须是 JSON 对象。", "The body must be a JSON object.")
    allowed = {"description_zh", "description_en", "role", "pii"}
    fields = {k: v for k, v in body.items() if k in allowed}
    if any(not isinstance(v, str) for k, v in fields.items() if k != "pii") or not isinstance(fields.get("pii", False), bool):
        raise BadRequest("字段类型有误。", "description_zh, description_en and role are text; pii is true or false.")
    column = commands.edit_column(runtime.current().store, actor(), dataset_id, name, fields)
    return jsonify(wire(shapes.Column, column.to_dict()))


def _form_text(name: str, limit: int = 200, form: Mapping[str, str] | None = None) -> str:
    value = (request.form if form is None else form).get(name, "")
    return value.strip()[:limit]


def _staged() -> StagedUploads:
    return StagedUploads(runtime.current().settings.data_dir / "staged")


def _phases() -> PhaseBoard:
    return PhaseBoard(runtime.current().settings.data_dir / "progress")


def _owner() -> str:
    caller = actor()
    return f"{caller.user_id}:{caller.username}"


def _request_from_form(form: Mapping[str, str] | None = None, filename: str | None = None) -> tuple[ImportRequest, str]:
    """The import request from the multipart form (or the fields streamed) and the uploaded file's name; 422 when
    the file is missing."""
    if form is None:
        upload = request.files.get("file")
        filename = upload.filename if upload is not None else None
    if not filename:
        raise InvalidInput(
            "请选择要上传的文件。",
            "Attach the file as the multipart field `file`.",
            [Issue("upload.file", "缺少文件。", "The file is missing.", column="file")],
        )
    mode_text = _form_text("mode", form=form) or "replace"
    if mode_text not in {m.value for m in ImportMode}:
        raise InvalidInput("导入方式无效。", "mode must be replace or append.")
    req = ImportRequest(
        name=_form_text("name", form=form),
        name_en=_form_text("name_en", form=form),
        department=_form_text("department", 64, form),
        dataset_id=_form_text("dataset", 64, form) or None,
        mode=ImportMode(mode_text),
        description=_form_text("description", 2000, form),
    )
    return req, filename


def _published(report: ImportReport) -> Response:
    """201 with the dataset as published and its import report (the same answer for one step and two)."""
    rt = runtime.current()
    with rt.store.read() as db:
        info = catalog.get_dataset(db, actor(), report.dataset_id)
        version = catalog.current_version(db, actor(), report.dataset_id)
        payload = dataset_payload(info, version.profile) | {"import_report": report.to_dict(request.args.get("lang", "en"))}
    response = jsonify(wire(shapes.Dataset, payload))
    response.status_code = 201
    return response


@bp.post("/datasets")
@endpoint(Permission.IMPORT)
def upload_dataset() -> Response:
    """Import at once (201, as scripts expect), or with `?preview=1` stage it and answer with a preview (201).

    At once, the body is streamed (api/uploadbody.py): with `department` (and `dataset`) in the query string or sent
    before the file, a caller who may not import there gets 403/404 before the file is read. The file is written
    under a work lease (jobs/lease.py), so a crash mid-import leaves nothing the orphan sweep keeps."""
    if request.args.get("preview") in ("1", "true"):
        req, filename = _request_from_form()
        return _stage_upload(req, filename)
    rt = runtime.current()
    key = request.args.get("progress")
    made: list[Path] = []
    try:
        with Held(rt.store, "upload", []) as lease:
            fields, filename, _stored = uploadbody.receive(_may_import, _upload_path(lease, made), rt.settings.max_upload_mb << 20)
            req, filename = _request_from_form(fields, filename)
            report = commands.import_file(
                rt.importer,
                actor(),
                made[0],
                filename,
                req,
                progress=_phases().reporter(_owner(), key),
                max_bytes=rt.settings.max_upload_mb << 20,
            )
    finally:
        for path in made:
            path.unlink(missing_ok=True)
        _phases().clear(_owner(), key)
    return _published(report)


def _may_import(fields: Mapping[str, str]) -> None:
    """403/404/422 before the file is read when the caller may not import into the department (or dataset) named."""
    dataset = _form_text("dataset", 64, fields) or None
    mode = ImportMode.APPEND if _form_text("mode", form=fields) == ImportMode.APPEND.value else ImportMode.REPLACE
    runtime.current().importer.check_rights(actor(), _form_text("department", 64, fields), dataset, mode)


def _upload_path(lease: Held, made: list[Path]) -> Callable[[str], Path]:
    """Where an upload is written: a generated name in instance/uploads/, leased before the file exists."""

    def target(filename: str) -> Path:
        folder = runtime.current().settings.uploads_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"
        lease.add(path)
        made.append(path)
        return path

    return target


def _stage_upload(req: ImportRequest, filename: str) -> Response:
    rt = runtime.current()
    key = request.args.get("progress")
    try:
        upload_id, shown = commands.stage_upload(
            rt.importer,
            _staged(),
            actor(),
            _owner(),
            filename,
            req,
            request.files["file"].save,
            progress=_phases().reporter(_owner(), key),
            max_bytes=rt.settings.max_upload_mb << 20,
        )
    finally:
        _phases().clear(_owner(), key)
    response = jsonify(wire(shapes.Staged, {"upload_id": upload_id, "preview": shown.to_dict(request.args.get("lang", "en"))}))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/uploads/{upload_id}"
    return response


@bp.post("/uploads/<upload_id>/publish")
@endpoint(Permission.IMPORT)
def publish_upload(upload_id: str) -> Response:
    """Import a staged upload with the types the uploader chose (`{"types": {column: type}}`); 201 as POST /datasets.
    The timestamp the preview offered to build from date parts (`derived_time`) is added unless its entry is "none"."""
    body = request.get_json(silent=True)
    body = {} if body is None and not request.data else body
    if not isinstance(body, dict) or not isinstance(body.get("types", {}), dict):
        raise BadRequest("请求体必须是 JSON 对象。", 'The body must be a JSON object such as {"types": {"column": "integer"}}.')
    key = request.args.get("progress")
    try:
        report = commands.publish_upload(
            runtime.current().importer, _staged(), actor(), _owner(), upload_id, body.get("types", {}), _phases().reporter(_owner(), key)
        )
    finally:
        _phases().clear(_owner(), key)
    return _published(report)


@bp.delete("/uploads/<upload_id>")
@endpoint(Permission.IMPORT)
def cancel_upload(upload_id: str) -> Response:
    """Cancel a staged upload: its file and manifest are deleted; nothing was published."""
    commands.cancel_upload(runtime.current().store, _staged(), actor(), _owner(), upload_id)
    return Response(status=204)


@bp.get("/uploads/progress/<key>")
@endpoint(Permission.IMPORT)
def upload_progress(key: str) -> Response:
    """The server-side phase of the caller's import in flight under `key` (reading, inferring, converting, profiling, publishing)."""
    found = _phases().read(_owner(), key) or {}  # not begun, finished, or another user's key: no phase
    return jsonify(wire(shapes.Progress, {"phase": found.get("phase"), "fraction": found.get("fraction")}))
