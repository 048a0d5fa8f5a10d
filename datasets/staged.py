"""What a source hands to the importer: a staging table in DuckDB plus names, labels and issues."""

from __future__ import annotations

from dataclasses import dataclass, field

from errors import Issue

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
