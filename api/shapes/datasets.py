"""Datasets: the list, one dataset with its dictionary and profile, rows, versions, column values, the upload
with its preview and publish, and a dictionary edit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, RootModel

from api.shapes.common import Answer, Ask, Cell, IssueShape, Number, Params, Stamp

ColumnType = Literal["integer", "float", "decimal", "text", "boolean", "date", "timestamp"]
Role = Literal["time", "dimension", "measure", "geo", "id"]
Choice = Literal["text", "integer", "float", "date", "timestamp", "boolean", "none"]


class Column(Answer):
    name: str = Field(description="identifier used in expressions")
    label: str = Field(description="the original header")
    type: ColumnType
    role: Role
    nullable: bool
    pii: bool
    pii_kind: str | None
    description_zh: str
    description_en: str


class DatasetSummary(Answer):
    id: str
    name: str
    name_zh: str
    name_en: str
    department: str
    rows: int | None = Field(description="the rows the caller may see (their row scope)")
    data_version: int
    loaded_at: Stamp | None
    columns: int


class DatasetList(Answer):
    datasets: list[DatasetSummary]


class ViewAsDatasets(DatasetList):
    user: str


class ImportReport(Answer):
    """What the last import did; empty ({}) for data the server loaded itself (the demo city)."""

    judgement_calls: list[dict[str, Any]] = Field(default_factory=list)
    dataset_id: str | None = None
    version: int | None = None
    rows: int | None = None
    mode: str | None = None
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    seconds: float | None = None
    columns: list[dict[str, Any]] = Field(default_factory=list)
    issues: list[IssueShape] = Field(default_factory=list)
    checks: list[dict[str, Any]] = Field(default_factory=list)


class Dataset(Answer):
    """A dataset with its dictionary and quality profile; an import answers this with its `import_report`."""

    id: str
    name: str
    name_zh: str
    name_en: str
    department: str
    department_name_zh: str
    department_name_en: str
    owner: str | None
    source: str
    description_zh: str
    description_en: str
    rows: int | None
    data_version: int
    loaded_at: Stamp | None
    columns: list[Column]
    profile: dict[str, Any]
    profile_hidden: bool | None = Field(default=None, description="true when the profile is withheld for a row-scoped caller")
    import_report: ImportReport | None = None


class RowsParams(Params):
    offset: int | None = None
    limit: int | None = None
    sort: str | None = Field(default=None, description="comma-separated columns, '-' for descending")


class Rows(Answer):
    """A page of rows, personal data masked."""

    columns: list[str]
    rows: list[list[Cell]]
    offset: int
    total: int


class LoadVersion(Answer):
    version: int
    mode: str
    rows: int | None = Field(description="rows of the version the caller may read (row-scoped: theirs; null once collected)")
    source: str
    created_at: Stamp
    available: bool


class LoadHistory(Answer):
    versions: list[LoadVersion]


class ColumnValues(Answer):
    column: str
    values: list[Cell]


class ColumnEdit(Ask):
    description_zh: str | None = None
    description_en: str | None = None
    role: Role | None = None
    pii: bool | None = None


class Upload(Ask):
    """multipart/form-data."""

    file: bytes = Field(json_schema_extra={"format": "binary"})
    name: str
    name_en: str | None = None
    department: str
    dataset: str | None = Field(default=None, description="existing dataset id: a new version of it")
    mode: Literal["replace", "append"] | None = None
    description: str | None = None


class UploadParams(Params):
    preview: str | None = Field(default=None, description="1: stage the upload and answer with a preview; publish or cancel it later")
    progress: str | None = Field(
        default=None, description="a client key (8-64 letters, digits, - or _) to poll the server-side phases with"
    )
    lang: Literal["zh", "en"] | None = Field(default=None, description="the language of messages")


class PublishParams(Params):
    progress: str | None = None
    lang: Literal["zh", "en"] | None = None


class PreviewColumn(Answer):
    name: str
    label: str
    type: str
    options: list[str]
    judgement: dict[str, Any] | None


class DerivedTime(Answer):
    """A timestamp built from year/month/day/hour columns, which the uploader may decline."""

    name: str
    label: str
    sample: list[str]


class Preview(Answer):
    rows: int
    mode: str
    format: str
    encoding: str | None
    delimiter: str | None
    columns: list[PreviewColumn]
    judgement_calls: list[dict[str, Any]]
    first_rows: list[list[Cell]]
    issues: list[IssueShape]
    derived_time: DerivedTime | None


class Staged(Answer):
    """With preview=1: nothing is published until POST /api/v1/uploads/{id}/publish."""

    upload_id: str
    preview: Preview


class Publish(Ask):
    types: dict[str, Choice] = Field(
        default_factory=dict,
        description="column name -> type; cells the chosen type cannot read become empty and are counted in the report; "
        "the preview's derived_time column -> none declines it (it is added otherwise)",
    )


class Progress(Answer):
    """The server-side phase of the caller's import in flight: reading, inferring, converting, profiling, publishing."""

    phase: str | None
    fraction: Number | None


class Imported(RootModel[Dataset | Staged]):
    """The dataset as published (with its import_report), or with preview=1 the staged upload's preview."""
