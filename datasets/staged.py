"""What a source hands to the importer (a staging table in DuckDB plus names, labels and issues), and
uploads staged for the uploader's confirmation before anything is published."""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from errors import Issue, NotFound

STAGING = "staging"


@dataclass
class Staged:
    """The `staging` temp table is loaded; `names[i]` is its column i, `labels[i]` the header."""

    names: list[str]
    labels: list[str]
    source_format: str
    encoding: str | None = None
    delimiter: str | None = None
    issues: list[Issue] = field(default_factory=list)


# -- uploads waiting for the uploader's confirmation ------------------------------------------
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
PROGRESS_KEY = re.compile(r"^[0-9A-Za-z_-]{8,64}$")
STAGED_MAX_AGE = 24 * 3600


class StagedUploads:
    """Uploaded files held between preview and publish: `<id><suffix>` beside `<id>.json`, owned by one user.

    Nothing here is in the catalog or the warehouse; publishing imports the file, cancelling (or a day
    without either) deletes both files.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def new_path(self, filename: str) -> tuple[str, Path]:
        """A fresh id and the generated path the upload is saved to (never the client's name)."""
        self.root.mkdir(parents=True, exist_ok=True)
        upload_id = uuid.uuid4().hex
        return upload_id, self.root / f"{upload_id}{Path(filename).suffix.lower()[:10]}"

    def save(self, upload_id: str, manifest: dict[str, Any]) -> None:
        tmp = self.root / f"{upload_id}.json.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.root / f"{upload_id}.json")

    def load(self, upload_id: str, owner: str) -> dict[str, Any]:
        """The manifest of an upload `owner` staged; NotFound for any other id (theirs or nobody's)."""
        path = self.root / f"{upload_id}.json"
        if not UPLOAD_ID.match(upload_id) or not path.is_file():
            raise NotFound("待发布的上传", "staged upload")
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("owner") != owner or not (self.root / manifest.get("file", "")).is_file():
            raise NotFound("待发布的上传", "staged upload")
        return manifest

    def claim(self, upload_id: str, owner: str) -> dict[str, Any]:
        """Take the upload for publishing: a second publish (a double click, another tab) finds nothing (404)."""
        manifest = self.load(upload_id, owner)
        try:
            (self.root / f"{upload_id}.json").rename(self.root / f"{upload_id}.claimed")
        except FileNotFoundError:
            raise NotFound("待发布的上传", "staged upload") from None
        return manifest

    def release(self, upload_id: str) -> None:
        """Give a claimed upload back (its publishing failed) so the uploader can fix the types or cancel."""
        claimed = self.root / f"{upload_id}.claimed"
        if UPLOAD_ID.match(upload_id) and claimed.is_file():
            claimed.rename(self.root / f"{upload_id}.json")

    def file(self, manifest: dict[str, Any]) -> Path:
        return self.root / str(manifest["file"])

    def remove(self, upload_id: str) -> None:
        if not UPLOAD_ID.match(upload_id):
            return
        for path in self.root.glob(f"{upload_id}*"):
            path.unlink(missing_ok=True)

    def sweep(self, max_age: float = STAGED_MAX_AGE) -> None:
        """Delete uploads nobody published or cancelled within `max_age` seconds."""
        if not self.root.is_dir():
            return
        cutoff = time.time() - max_age
        for path in self.root.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)


class PhaseBoard:
    """Server-side import phases (reading / inferring / converting / profiling / publishing) a browser can poll.

    One small file per (user, key) so every worker process sees it; the key is the client's, scoped to its user.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, owner: str, key: str) -> Path | None:
        if not PROGRESS_KEY.match(key):
            return None
        return self.root / f"{hashlib.sha256(f'{owner}/{key}'.encode()).hexdigest()[:32]}.json"

    def reporter(self, owner: str, key: str | None) -> Callable[[str, float], None]:
        path = self._path(owner, key) if key else None

        def report(phase: str, fraction: float) -> None:
            if path is None:
                return
            self.root.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"phase": phase, "fraction": round(fraction, 3), "at": time.time()}), encoding="utf-8")

        return report

    def read(self, owner: str, key: str) -> dict[str, Any] | None:
        path = self._path(owner, key)
        if path is None or not path.is_file():
            return None
        try:
            found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:  # caught mid-write
            return None
        return found

    def clear(self, owner: str, key: str | None) -> None:
        path = self._path(owner, key) if key else None
        if path is not None:
            path.unlink(missing_ok=True)
