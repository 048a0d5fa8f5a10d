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

clientside("showFileName", Output(ids.upload.FILE_NAME, "children"), Input(ids.upload.FILE, "filename"))
clientside("toggleTarget", Output(ids.upload.DATASET_ROW, "style"), Input(ids.upload.TARGET, "value"))
clientside(
    "startUpload",
    Output(ids.upload.STATUS, "children"),
    Input(ids.upload.BUTTON, "n_clicks"),
    State(ids.upload.FILE, "contents"),
    State(ids.upload.FILE, "filename"),
    State(ids.upload.NAME, "value"),
    State(ids.upload.NAME_EN, "value"),
    State(ids.upload.DEPARTMENT, "value"),
    State(ids.upload.TARGET, "value"),
    State(ids.upload.DATASET, "value"),
    prevent_initial_call=True,
)
# Confirm: the chosen types go to POST /api/v1/uploads/{id}/publish; cancel: DELETE /api/v1/uploads/{id}.
clientside(
    "publishUpload",
    Output(ids.upload.STATUS, "children", allow_duplicate=True),
    Input(ids.upload.CONFIRM, "n_clicks"),
    State({"type": ids.upload.TYPE, "column": ALL}, "value"),
    State({"type": ids.upload.TYPE, "column": ALL}, "id"),
    State(ids.upload.RESULT, "data"),
    prevent_initial_call=True,
)
clientside(
    "cancelUpload",
    Output(ids.upload.STATUS, "children", allow_duplicate=True),
    Input(ids.upload.CANCEL, "n_clicks"),
    State(ids.upload.RESULT, "data"),
    prevent_initial_call=True,
)


@callback(Permission.IMPORT, Output(ids.upload.REPORT, "children"), Input(ids.upload.RESULT, "data"), prevent_initial_call=True)
def show_report(result: dict[str, Any] | None) -> Component:
    """Render the API's answer; the data in it came from the server's own checks."""
    return upload_layout.report(result if isinstance(result, dict) else None, request_lang(runtime.current().settings.default_lang))
