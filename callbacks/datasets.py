"""Callbacks of the home and dataset pages: search, paged preview, data-dictionary edits."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, no_update

import runtime
from access.roles import Permission
from callbacks.guard import actor, callback
from datasets import commands
from datasets.cells import jsonable
from errors import UserError
from i18n import request_lang, t
from layouts import ids
from query.rows import MAX_PAGE, Sort, preview


@callback(
    Permission.VIEW, Output(ids.home.GRID, "dashGridOptions"), Input(ids.home.SEARCH, "value"), State(ids.home.GRID, "dashGridOptions")
)
def search_datasets(text: str | None, options: dict[str, Any] | None) -> dict[str, Any]:
    """Quick filter over names in both languages (the grid holds only rows the user may see)."""
    return {**(options or {}), "quickFilterText": str(text or "")[:100]}


def _page_bounds(request: dict[str, Any]) -> tuple[int, int]:
    start = request.get("startRow", 0)
    end = request.get("endRow", start + 100)
    if not isinstance(start, int) or not isinstance(end, int) or start < 0 or end <= start:
        raise ValueError("bad page request")
    return start, min(end - start, MAX_PAGE)


@callback(
    Permission.VIEW,
    Output(ids.dataset.PREVIEW_GRID, "getRowsResponse"),
    Input(ids.dataset.PREVIEW_GRID, "getRowsRequest"),
    State(ids.dataset.ID, "data"),
)
def preview_rows(request: dict[str, Any] | None, dataset_id: str | None) -> Any:
    """One block of the infinite preview grid, read through the engine with the caller's masking."""
    if not isinstance(request, dict) or not isinstance(dataset_id, str):
        return no_update
    try:
        offset, limit = _page_bounds(request)
    except ValueError:
        return no_update
    sort = [Sort(str(s.get("colId", "")), s.get("sort") == "desc") for s in request.get("sortModel") or [] if isinstance(s, dict)]
    page = preview(runtime.current().door, actor(), dataset_id, offset, limit, sort)
    rows = [{c: jsonable(v) for c, v in zip(page.columns, row, strict=True)} for row in page.rows]
    return {"rowData": rows, "rowCount": page.total}


@callback(
    Permission.EDIT_DICTIONARY,
    Output(ids.dataset.DICT_STATUS, "children"),
    Input(ids.dataset.DICT_GRID, "cellValueChanged"),
    State(ids.dataset.ID, "data"),
    prevent_initial_call=True,
)
def edit_dictionary(changes: list[dict[str, Any]] | None, dataset_id: str | None) -> str:
    """Save edited descriptions, roles and PII flags; the catalog re-checks the caller's rights."""
    lang = request_lang(runtime.current().settings.default_lang)
    if not changes or not isinstance(dataset_id, str):
        return ""
    allowed = {"description_zh", "description_en", "role", "pii"}
    edits: list[tuple[str, dict[str, Any]]] = []
    for change in changes[:50]:
        field, row = change.get("colId"), change.get("data") or {}
        if field not in allowed or not isinstance(row, dict):
            continue
        raw = row.get(field)
        edits.append((str(row.get("name", "")), {field: bool(raw) if field == "pii" else str(raw or "")}))
    try:
        commands.edit_columns(runtime.current().store, actor(), dataset_id, edits)
    except UserError as exc:
        return exc.message(lang) + " " + " ".join(i.message(lang) for i in exc.issues)
    return t("dict.saved", lang)
