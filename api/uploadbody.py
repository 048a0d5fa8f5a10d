"""The multipart body of `POST /api/v1/datasets`, read as a stream so that rights are checked before the file is.

Fields are collected as they arrive. When the file part begins, `check(fields)` runs with the query string's and
the fields' values so far (department, dataset): a caller who may not import there is refused before one byte of
the file is read, let alone written. Send `department` (and `dataset`) in the query string or before the file to
get that guarantee; a client that sends the file first is checked once the body is in (as before), and its file
is deleted. The file is written to a path `target(filename)` gives, which the caller has leased (jobs/lease.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from errors import BadRequest, TooLarge

CHUNK = 1 << 16
MAX_FIELD = 500 << 10  # a text field (and what the decoder buffers), as werkzeug's own default
MAX_PARTS = 100


def _boundary() -> bytes:
    boundary = request.mimetype_params.get("boundary", "")
    if request.mimetype != "multipart/form-data" or not boundary:
        raise BadRequest("请以 multipart/form-data 上传文件。", "Send the upload as multipart/form-data with a `file` field.")
    return boundary.encode("latin-1")


Check = Callable[[MultiDict[str, str]], None]
Target = Callable[[str], Path]


def receive(check: Check, target: Target, limit: int) -> tuple[MultiDict[str, str], str, Path | None]:
    """Stream the body: (the text fields, the file's name, where the file was written or None without one).
    `check` runs when the file begins if a department is known by then; a file over `limit` bytes is refused (413)."""
    if "files" in request.__dict__ or request.mimetype != "multipart/form-data":  # parsed already (a browser
        return _parsed(check, target)  # session's CSRF check reads the form), or a form without a file (422 later)
    try:
        return _stream(check, target, limit)
    except ValueError:
        raise BadRequest("上传的表单格式有误。", "The multipart body is malformed.") from None


def _stream(check: Check, target: Target, limit: int) -> tuple[MultiDict[str, str], str, Path | None]:
    decoder = MultipartDecoder(_boundary(), MAX_FIELD, max_parts=MAX_PARTS)
    fields: MultiDict[str, str] = MultiDict(request.args)
    part: Field | File | None = None
    buffer: list[bytes] = []
    filename, written, size = "", None, 0
    sink = None
    try:
        while True:
            chunk = request.stream.read(CHUNK)
            decoder.receive_data(chunk or None)
            event = decoder.next_event()
            while not isinstance(event, NeedData | Epilogue):
                if isinstance(event, Field):
                    part, buffer = event, []
                elif isinstance(event, File):
                    part = event
                    if event.name == "file" and written is None:
                        if fields.get("department"):
                            check(fields)
                        filename = event.filename or ""
                        written = target(filename)
                        sink = written.open("wb")
                elif isinstance(event, Data) and part is not None:
                    if isinstance(part, Field):
                        buffer.append(event.data)
                        if not event.more_data:
                            fields.add(part.name, b"".join(buffer).decode("utf-8", "replace"))
                    elif sink is not None and part.name == "file":
                        size += len(event.data)
                        if size > limit:
                            raise TooLarge("文件过大。", f"The file is larger than {limit >> 20} MB.")
                        sink.write(event.data)
                        if not event.more_data:
                            sink.close()
                            sink = None
                event = decoder.next_event()
            if not chunk or isinstance(event, Epilogue):
                break
    finally:
        if sink is not None:
            sink.close()
    return fields, filename, written


def _parsed(check: Check, target: Target) -> tuple[MultiDict[str, str], str, Path | None]:
    fields: MultiDict[str, str] = MultiDict(request.args)
    for key, value in request.form.items(multi=True):
        fields.add(key, value)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return fields, "", None
    if fields.get("department"):
        check(fields)
    written = target(upload.filename)
    upload.save(written)
    return fields, upload.filename, written
