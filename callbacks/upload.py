"""Callbacks of the upload page; the file goes to POST /api/v1/datasets?preview=1 from the browser (assets/upload.js),
then the uploader confirms (publish) or cancels."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State
from dash.development.base_component import Component

import runtime
from access.roles import Permission
from callbacks.guard import callback, clientside
from i18n import request_lang
from layouts import ids
from layouts import upload as upload_layout

clientside("showFileName", Output(ids.UPLOAD_FILE_NAME, "children"), Input(ids.UPLOAD_FILE, "filename"))
clientside("toggleTarget", Output(ids.UPLOAD_DATASET_ROW, "style"), Input(ids.UPLOAD_TARGET, "value"))
clientside(
    "startUpload",
    Output(ids.UPLOAD_STATUS, "children"),
    Input(ids.UPLOAD_BUTTON, "n_clicks"),
    State(ids.UPLOAD_FILE, "contents"),
    State(ids.UPLOAD_FILE, "filename"),
    State(ids.UPLOAD_NAME, "value"),
    State(ids.UPLOAD_NAME_EN, "value"),
    State(ids.UPLOAD_DEPARTMENT, "value"),
    State(ids.UPLOAD_TARGET, "value"),
    State(ids.UPLOAD_DATASET, "value"),
    prevent_initial_call=True,
)
# Confirm: the chosen types go to POST /api/v1/uploads/{id}/publish; cancel: DELETE /api/v1/uploads/{id}.
clientside(
    "publishUpload",
    Output(ids.UPLOAD_STATUS, "children", allow_duplicate=True),
    Input(ids.UPLOAD_CONFIRM, "n_clicks"),
    State({"type": ids.UPLOAD_TYPE, "column": ALL}, "value"),
    State({"type": ids.UPLOAD_TYPE, "column": ALL}, "id"),
    State(ids.UPLOAD_RESULT, "data"),
    prevent_initial_call=True,
)
clientside(
    "cancelUpload",
    Output(ids.UPLOAD_STATUS, "children", allow_duplicate=True),
    Input(ids.UPLOAD_CANCEL, "n_clicks"),
    State(ids.UPLOAD_RESULT, "data"),
    prevent_initial_call=True,
)


@callback(Permission.IMPORT, Output(ids.UPLOAD_REPORT, "children"), Input(ids.UPLOAD_RESULT, "data"), prevent_initial_call=True)
def show_report(result: dict[str, Any] | None) -> Component:
    """Render the API's answer; the data in it came from the server's own checks."""
    return upload_layout.report(result if isinstance(result, dict) else None, request_lang(runtime.current().settings.default_lang))
