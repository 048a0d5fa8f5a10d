"""The route table the OpenAPI document is generated from: one row per method and path, naming its shapes.

tests/test_openapi.py holds it equal to the server's URL map; tests/test_wire_shapes.py calls every row on the demo
city and validates each answer against the shape named here."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from api.shapes import admin, ask, boards, datasets, indicators, meta, query, tokens
from api.shapes.common import Removed

ADMIN = "Administrators only. "


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as the document writes it: /api/v1/boards/{id}
    summary: str
    answer: type[BaseModel] | None  # None: a file, or no content
    status: int = 200
    errors: tuple[int, ...] = ()  # besides 401, which every route but the public ones can answer
    body: type[BaseModel] | None = None
    params: type[BaseModel] | None = None  # query-string parameters
    form: bool = False  # the body is multipart/form-data
    public: bool = False


R = Route
ROUTES: tuple[Route, ...] = (
    R("get", "/api/v1/health", "Liveness check (public)", meta.Health, public=True),
    R("get", "/api/v1/departments", "Departments and the area tree", meta.Directory),
    R("get", "/api/v1/openapi.json", "This document", meta.Document),
    # datasets and uploads
    R("get", "/api/v1/datasets", "Datasets the caller may use", datasets.DatasetList),
    R(
        "post",
        "/api/v1/datasets",
        "Import a file as a new dataset or a new version of one (import_report lists issues and judgement_calls); "
        "with preview=1 only stage it and answer {upload_id, preview} (see Staged): nothing is published until "
        "POST /api/v1/uploads/{id}/publish",
        datasets.Imported,
        201,
        (400, 403, 404, 413, 422),
        datasets.Upload,
        datasets.UploadParams,
        form=True,
    ),
    R(
        "post",
        "/api/v1/uploads/{id}/publish",
        "Publish a staged upload with the types the uploader chose; the answer is the one POST /api/v1/datasets gives",
        datasets.Dataset,
        201,
        (400, 403, 404, 422),
        datasets.Publish,
        datasets.PublishParams,
    ),
    R("delete", "/api/v1/uploads/{id}", "Cancel a staged upload: its file is deleted and nothing is published", None, 204, (403, 404)),
    R(
        "get",
        "/api/v1/uploads/progress/{key}",
        "The server-side phase of the caller's import in flight: reading, inferring, converting, profiling, publishing",
        datasets.Progress,
        errors=(403,),
    ),
    R("get", "/api/v1/datasets/{id}", "A dataset with its dictionary and quality profile", datasets.Dataset, errors=(404,)),
    R(
        "delete",
        "/api/v1/datasets/{id}",
        "Delete a dataset (administrators, or analysts of its department); refused (409, naming them) while an indicator"
        " or a board's query tile reads it; afterwards it is missing everywhere (404)",
        admin.Deleted,
        errors=(403, 404, 409),
    ),
    R(
        "get",
        "/api/v1/datasets/{id}/rows",
        "A page of rows, personal data masked",
        datasets.Rows,
        errors=(400, 404, 422),
        params=datasets.RowsParams,
    ),
    R("get", "/api/v1/datasets/{id}/versions", "Load history", datasets.LoadHistory, errors=(404,)),
    R(
        "get",
        "/api/v1/datasets/{id}/values/{column}",
        "Values of a column the caller may filter on (their rows only)",
        datasets.ColumnValues,
        errors=(404, 422),
    ),
    R(
        "patch",
        "/api/v1/datasets/{id}/columns/{name}",
        "Edit a data-dictionary entry",
        datasets.Column,
        errors=(400, 403, 404, 422),
        body=datasets.ColumnEdit,
    ),
    # indicators
    R("get", "/api/v1/indicators", "Indicators the caller may see", indicators.IndicatorList),
    R(
        "post",
        "/api/v1/indicators",
        "Create a draft (analysts, admins); 422 lists every validation issue",
        indicators.Definition,
        201,
        (400, 403, 409, 422),
        indicators.Definition,
    ),
    R(
        "get",
        "/api/v1/indicators/{id}",
        "The definition (current, or ?version=N)",
        indicators.Definition,
        errors=(404,),
        params=indicators.DefinitionParams,
    ),
    R(
        "put",
        "/api/v1/indicators/{id}",
        "Save a changed definition as a new draft version",
        indicators.Definition,
        errors=(400, 403, 404, 422),
        body=indicators.Definition,
    ),
    R("get", "/api/v1/indicators/{id}/versions", "Every version with its definition", indicators.DefinitionHistory, errors=(404,)),
    R("post", "/api/v1/indicators/{id}/certify", "Certify the current version (owner or admin)", indicators.Definition, errors=(403, 404)),
    R("post", "/api/v1/indicators/{id}/deprecate", "Deprecate (owner or admin)", indicators.Definition, errors=(403, 404)),
    R(
        "post",
        "/api/v1/indicators/{id}/submit",
        "Submit the current draft for certification (author or admin)",
        indicators.Submitted,
        errors=(403, 404, 409),
    ),
    R(
        "get",
        "/api/v1/indicators/{id}/values",
        "Values with target, attainment, status and comparison; any dimension=value filters (a value outside the "
        "caller's row scope, such as another district: 403 outside_scope)",
        indicators.Values,
        errors=(403, 404, 422),
        params=indicators.ValuesParams,
    ),
    R(
        "get",
        "/api/v1/indicators/{id}/explain",
        "The compiled SQL and parameters of a values request, without running it",
        indicators.Explained,
        errors=(403, 404, 422),
        params=indicators.ValuesParams,
    ),
    R(
        "post",
        "/api/v1/indicators/validate",
        "Validate a definition without saving: {valid, issues}",
        indicators.Checked,
        errors=(400, 403),
        body=indicators.Definition,
    ),
    R(
        "post",
        "/api/v1/indicators/preview",
        "Values of an unsaved definition {definition, grain, from, to, by, compare}",
        indicators.Values,
        errors=(400, 403, 422),
        body=indicators.PreviewAsk,
    ),
    # query and questions
    R(
        "post",
        "/api/v1/query",
        "Self-service query with the caller's policies",
        query.QueryAnswer,
        errors=(400, 404, 422),
        body=query.QueryRequest,
    ),
    R(
        "post",
        "/api/v1/query/explain",
        "The compiled SQL of a self-service query",
        indicators.Explained,
        errors=(400, 404, 422),
        body=query.QueryRequest,
    ),
    R(
        "post",
        "/api/v1/ask",
        "A question in Chinese or English -> {query, sentence, answer, lang, data_end, chart, columns, rows} with the "
        "caller's policies, or 422 with suggestions; `answer` is in the question's language",
        ask.Reply,
        errors=(400, 422),
        body=ask.Question,
    ),
    # tokens
    R("get", "/api/v1/tokens", "The caller's API tokens (never the tokens themselves)", tokens.TokenList),
    R("post", "/api/v1/tokens", "Create a token; returned once, stored hashed", tokens.Issued, 201, (400,), tokens.NewToken),
    R("delete", "/api/v1/tokens/{id}", "Revoke one of the caller's tokens", tokens.Revoked, errors=(404,)),
    # administration
    R("get", "/api/v1/admin/users", ADMIN + "Users", admin.UserList, errors=(403,)),
    R("post", "/api/v1/admin/users", ADMIN + "Create a user", admin.User, 201, (403, 409, 422), admin.NewUser),
    R(
        "patch",
        "/api/v1/admin/users/{username}",
        ADMIN + "Change role, department, district, enabled, display name or password; rights changes end the user's sessions",
        admin.User,
        errors=(403, 404, 422),
        body=admin.UserChange,
    ),
    R(
        "delete",
        "/api/v1/admin/users/{username}",
        ADMIN + "Delete a user: the row is kept for the audit trail, the user disabled, sessions ended, tokens revoked;"
        " deleting oneself is refused (409)",
        admin.Deleted,
        errors=(403, 404, 409),
    ),
    R("post", "/api/v1/admin/departments", ADMIN + "Create a department", meta.Department, 201, (403, 409, 422), admin.NewDepartment),
    R("post", "/api/v1/admin/areas", ADMIN + "Create an area (city, district, street)", meta.Area, 201, (403, 422), admin.NewArea),
    R(
        "delete",
        "/api/v1/admin/departments/{code}",
        ADMIN + "Delete a department nothing uses; 409 naming its users, datasets, indicators, boards or grants otherwise",
        admin.Deleted,
        errors=(403, 404, 409),
    ),
    R(
        "delete",
        "/api/v1/admin/areas/{code}",
        ADMIN + "Delete an area nothing uses; 409 naming its users or child areas otherwise",
        admin.Deleted,
        errors=(403, 404, 409),
    ),
    R("get", "/api/v1/admin/grants", ADMIN + "Grants, optionally of one object", admin.GrantList, errors=(403,), params=admin.GrantParams),
    R(
        "post",
        "/api/v1/admin/grants",
        ADMIN + "Grant view, edit or unmask to a department or user",
        admin.Grant,
        201,
        (403, 422),
        admin.NewGrant,
    ),
    R("delete", "/api/v1/admin/grants/{id}", ADMIN + "Remove a grant", Removed, errors=(403, 404)),
    R(
        "get",
        "/api/v1/admin/row-policies",
        ADMIN + "Row policies, optionally of one dataset",
        admin.PolicyList,
        errors=(403,),
        params=admin.PolicyParams,
    ),
    R(
        "post",
        "/api/v1/admin/row-policies",
        ADMIN + "Add a row policy: {dataset, kind: area, column} or {dataset, kind: predicate, template}",
        admin.Policy,
        201,
        (403, 404, 422),
        admin.NewPolicy,
    ),
    R("delete", "/api/v1/admin/row-policies/{id}", ADMIN + "Remove a row policy", Removed, errors=(403, 404)),
    R(
        "get",
        "/api/v1/admin/audit",
        ADMIN + "Audit events, newest first: actor, action (prefix), object, from, to, limit",
        admin.EventList,
        errors=(400, 403),
        params=admin.AuditParams,
    ),
    R(
        "get",
        "/api/v1/admin/view-as/{username}/datasets",
        ADMIN + "The datasets the user would see",
        datasets.ViewAsDatasets,
        errors=(403, 404),
    ),
    R(
        "get",
        "/api/v1/admin/view-as/{username}/indicators/{id}/values",
        ADMIN + "The values the user would get",
        indicators.Values,
        errors=(403, 404, 422),
        params=indicators.ValuesParams,
    ),
    # boards
    R("get", "/api/v1/boards", "Boards the caller may open", boards.BoardList),
    R("post", "/api/v1/boards", "Create a board for the caller's department", boards.Board, 201, (400, 403, 422), boards.NewBoard),
    R("get", "/api/v1/boards/{id}", "A board", boards.Board, errors=(404,)),
    R(
        "put",
        "/api/v1/boards/{id}",
        "Save with the `version` read; a stale version is 409 and nothing changes",
        boards.Board,
        errors=(400, 403, 404, 409, 422),
        body=boards.SavedBoard,
    ),
    R("delete", "/api/v1/boards/{id}", "Soft-delete (restorable)", boards.Deleted, errors=(403, 404)),
    R("post", "/api/v1/boards/{id}/undelete", "Restore a deleted board (owner or admin)", boards.Board, errors=(404,)),
    R("get", "/api/v1/boards/{id}/versions", "Every saved version", boards.BoardHistory, errors=(404,)),
    R(
        "post",
        "/api/v1/boards/{id}/restore",
        "Restore {version} as a new version, checking {current}",
        boards.Board,
        errors=(400, 403, 404, 409),
        body=boards.Restore,
    ),
    R(
        "post",
        "/api/v1/boards/{id}/tiles",
        "Add a tile {tile, version}; `mine` is the caller's private board",
        boards.Board,
        201,
        (400, 403, 404, 409, 422),
        boards.NewTile,
    ),
    R(
        "get",
        "/api/v1/boards/{id}/view",
        "The caller's arrangement: {board, version, personal, based_on, layout}",
        boards.Arrangement,
        errors=(404,),
    ),
    R(
        "put",
        "/api/v1/boards/{id}/view",
        "Save {layout} as the caller's own arrangement (personal view; the board's editors get 403)",
        boards.Arrangement,
        errors=(400, 403, 404),
        body=boards.ArrangementSave,
    ),
    R(
        "delete",
        "/api/v1/boards/{id}/view",
        "Back to the department's layout (the personal view is deleted)",
        boards.Arrangement,
        errors=(404,),
    ),
    R(
        "get",
        "/api/v1/boards/{id}/export.{kind}",
        "The whole board as PDF or PNG, rendered by the system chromium as the caller sees it (filters: from, to, grain, "
        "district; one outside the caller's row scope: 403 outside_scope); audited",
        None,
        errors=(403, 404, 429),
        params=boards.ExportParams,
    ),
    R(
        "get",
        "/api/v1/boards/{id}/tiles/{tile_id}/export.{kind}",
        "A tile's rows as CSV (streamed, UTF-8 BOM) or Excel; formula-like text neutralised; RFC 5987 file name; audited; "
        "429 when too many exports run; a filter outside the caller's row scope: 403 outside_scope",
        None,
        errors=(403, 404, 429),
        params=boards.TileParams,
    ),
    R(
        "get",
        "/api/v1/boards/{id}/tiles/{tile_id}/data",
        "One tile's data for the caller (state ok|empty|no_access|not_certified|error); from/to/grain/<dimension> override "
        "the board's filters (a value outside the caller's row scope: 403 outside_scope)",
        boards.TileData,
        errors=(403, 404),
        params=boards.TileParams,
    ),
)
