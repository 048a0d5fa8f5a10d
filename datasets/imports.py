"""What an import is asked and what it answers: the request (where the data goes), the report of a published
version, the preview of an upload, and the file formats an import reads."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from datasets import dateparts
from datasets.judgements import Decision
from datasets.staged import Staged
from datasets.types import ColumnType
from errors import InvalidInput, Issue

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
        calls = [judgement(d, label) for d, label in zip(self.decisions, self.labels, strict=True) if d.judgement]
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


def judgement(decision: Decision, label: str) -> dict[str, Any]:
    assert decision.judgement is not None
    return {"column": decision.name, "label": label, **decision.judgement.to_dict()}


def _judgement_calls(calls: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Stored judgement calls in `lang` (the reason text is rebuilt, the counts are kept)."""
    from datasets.judgements import Judgement

    return [{"column": c["column"], "label": c["label"], **Judgement.from_dict(c).to_dict(lang)} for c in calls]


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
