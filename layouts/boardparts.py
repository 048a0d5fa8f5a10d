"""The pieces of a board page: its header and meta line, the filter bar and the phone filter drawer, the editing
toolbar and share dialog, the personal arranger, the big-screen bar, the print head and the tile grid; with the
links and grains they share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash_snap_grid import Grid

from i18n import t
from layouts import ids

ROW_HEIGHT = 64

GRAINS = ("day", "week", "month", "quarter", "year")

ALL = ""


def editor(kind: str) -> dict[str, str]:
    """Ids of edit controls, which only editors' pages have: callbacks read them as ALL-patterns, so a page
    without them gives empty lists instead of a missing-component error."""
    return {"type": kind, "board": "editor"}


def board_href(board_id: str, query: Mapping[str, str] | None = None) -> str:
    """The board's page, with filters as query parameters (the share and drill-down link)."""
    wanted = {k: v for k, v in (query or {}).items() if v}
    return f"/boards/{quote(board_id, safe='')}" + (f"?{urlencode(wanted)}" if wanted else "")


def meta_line(view: Mapping[str, Any], lang: str) -> html.Div:
    return html.Div(
        [
            dbc.Badge(t("board.version", lang, n=view["version"]), color="light", text_color="dark", className="border me-2 board-version"),
            html.Span(t("board.updated", lang, who=view["updated_by"], at=view["updated_at"]), className="text-muted small"),
        ],
        className="board-meta",
    )


def _button_link(label: str, href: str, component_id: str, icon: str, unavailable: str = "") -> html.A:
    """A download link as a button; `unavailable` (why it cannot work here) shows it disabled with that reason."""
    off: dict[str, Any] = {"title": unavailable, "aria-disabled": "true", "tabIndex": "-1"} if unavailable else {}
    return html.A(
        [html.Span(icon, className="me-1"), label],
        id=component_id,
        href=href,
        className="btn btn-sm btn-outline-secondary" + (" disabled" if unavailable else ""),
        download="",
        **off,
    )


def header(view: Mapping[str, Any], lang: str) -> html.Div:
    board_id = view["id"]
    base = f"/api/v1/boards/{quote(board_id, safe='')}/export"
    query = f"?{urlencode({k: v for k, v in view['filters'].items() if v})}" if any(view["filters"].values()) else ""
    unavailable = str(view.get("snapshots_missing") or "")  # no chromium here: PDF/PNG cannot be drawn
    buttons: list[Any] = []
    if view["can_edit"]:
        buttons.append(
            dbc.Switch(id=editor(ids.board.EDIT), label=t("board.edit", lang), value=False, className="me-3 mb-0 board-edit-switch")
        )
    elif view.get("arrange"):
        buttons += arranger(view, lang)
    buttons += [
        dbc.Button(t("board.share", lang), id=ids.board.SHARE_OPEN, size="sm", color="secondary", outline=True),
        _button_link(t("board.export_pdf", lang), f"{base}.pdf{query}", ids.board.EXPORT_PDF, "⤓", unavailable),
        _button_link(t("board.export_png", lang), f"{base}.png{query}", ids.board.EXPORT_PNG, "⤓", unavailable),
        dbc.Button(t("board.reload", lang), id=ids.board.RELOAD, size="sm", color="primary", outline=True),
        html.A(
            [html.Span("▣", className="me-1"), t("board.present", lang)],
            id=ids.board.PRESENT,
            href=present_href(board_id, view["filters"]),
            title=t("board.present_hint", lang),
            className="btn btn-sm btn-outline-dark board-present-link",
        ),
        dbc.Button(
            t("board.filters_open", lang),
            id=ids.board.FILTERS_OPEN,
            size="sm",
            color="secondary",
            className="d-md-none board-filters-open",
        ),
    ]
    return html.Div(
        [
            dcc.Link(f"← {t('board.back', lang)}", href="/boards", className="small no-print"),
            html.Div(
                [
                    html.Div(
                        [
                            html.H1(view["title"], className="h4 mb-1 board-title"),
                            html.Div(
                                [
                                    dbc.Badge(view["department_label"], color="info", className="me-2 fw-normal"),
                                    dbc.Badge(
                                        t(f"visibility.{view['visibility']}", lang),
                                        color="light",
                                        text_color="dark",
                                        className="border fw-normal",
                                    ),
                                ],
                                className="mb-1",
                            ),
                        ]
                    ),
                    html.Div(buttons, className="board-buttons d-flex align-items-center gap-2 flex-wrap no-print"),
                ],
                className="d-flex justify-content-between align-items-start flex-wrap gap-2",
            ),
            html.Div(unavailable, className="small text-danger board-export-missing no-print") if unavailable else None,
            html.Div(meta_line(view, lang), id=ids.board.STATUS, className="board-status"),
        ],
        className="board-header mb-2",
    )


def arranger(view: Mapping[str, Any], lang: str) -> list[Any]:
    """For a viewer who may not edit: arrange the board for themselves (a personal view, saved for them only; the
    switch shares the edit switch's id type, so the page's edit mode lets tiles move) and go back to the shared one."""
    return [
        dbc.Switch(
            id={"type": ids.board.EDIT, "board": "viewer"},
            label=t("board.arrange", lang),
            value=False,
            className="me-2 mb-0 board-arrange-switch",
        ),
        dbc.Button(
            t("board.view_reset", lang),
            id={"type": ids.board.VIEW_RESET, "board": "viewer"},
            size="sm",
            color="secondary",
            outline=True,
            className="board-view-reset",
        ),
    ]


def view_status(personal: bool, lang: str) -> Any:
    """Whether the viewer sees their own arrangement (after a save: that it was saved for them alone)."""
    return html.Span(t("board.view_personal", lang), className="board-view-personal") if personal else None


def present_href(board_id: str, filters: Mapping[str, str]) -> str:
    """The board in presentation mode (大屏), with the page's filters."""
    return board_href(board_id, {**filters, "present": "1"})


def filter_drawer(view: Mapping[str, Any], lang: str) -> html.Div:
    """The filter bar: inline on wide screens; on phones a drawer (Bootstrap's responsive offcanvas) that the
    header's "filters" button opens. The widgets exist once, so every filter callback works in both."""
    aria: dict[str, Any] = {"aria-label": t("board.filters_title", lang)}
    return html.Div(
        [
            html.Div(
                [
                    html.Span(t("board.filters_title", lang), className="offcanvas-title h6 mb-0"),
                    dbc.Button(t("board.filters_done", lang), id=ids.board.FILTERS_CLOSE, size="sm", color="primary"),
                ],
                className="offcanvas-header",
            ),
            html.Div(filter_bar(view, lang), className="offcanvas-body"),
        ],
        id=ids.board.FILTERS,
        className="offcanvas-md offcanvas-top board-filter-drawer",
        role="dialog",
        **aria,
    )


def present_bar(view: Mapping[str, Any], lang: str) -> html.Div:
    """Presentation mode's only chrome: scope and period, the refresh interval, the page of tiles shown, full
    screen, and the way back."""
    filters, present = view["filters"], view.get("present") or {"refresh_s": 0}
    labels = dict(view["districts"])
    only = view["districts"][0][1] if len(view["districts"]) == 1 else ""
    scope = labels.get(filters.get("district") or "", "") or only or t("board.scope_city", lang)
    period = " – ".join(p for p in (filters.get("from"), filters.get("to")) if p)
    return html.Div(
        [
            html.Span(scope, className="present-scope"),
            html.Span(period, className="present-period") if period else None,
            html.Span(t("board.present_every", lang, n=present.get("refresh_s", 0)), className="present-every"),
            html.Span(id=ids.board.PAGE_NO, className="present-page-no"),
            html.Button(t("board.present_fullscreen", lang), id=ids.board.FULLSCREEN, className="present-action", type="button"),
            dcc.Link(t("board.present_exit", lang), href=board_href(view["id"], filters), className="present-action present-exit"),
        ],
        className="present-bar present-only",
    )


def scope_note(asked: Sequence[Any], choices: Sequence[tuple[str, str]], lang: str) -> str:
    """你只能查看东城区的数据；以下为东城区的数据。 when a district was asked (a link, a saved filter, a forged value or a
    click) that is not among the viewer's `choices`: the tiles show all the viewer may see instead; "" otherwise."""
    allowed = {value for value, _ in choices}
    if not any(isinstance(a, str) and a and a not in allowed for a in asked):
        return ""
    names = ("、" if lang == "zh" else " and ").join(label for _, label in choices)
    return t("board.scope_only", lang, scope=names, shown=names)


def filter_bar(view: Mapping[str, Any], lang: str) -> html.Div:
    """Date range, grain and district (only districts the viewer may see), and the cross-filter chip."""
    filters = view["filters"]
    grains = [{"label": t("board.grain_tile", lang), "value": ALL}] + [{"label": t(f"grain.{g}", lang), "value": g} for g in GRAINS]
    districts = [{"label": t("board.district_all", lang), "value": ALL}] + [
        {"label": label, "value": value} for value, label in view["districts"]
    ]

    def labelled(label: str, control: Any, class_name: str = "") -> html.Div:
        return html.Div([dbc.Label(label, className="small text-muted mb-1 d-block"), control], className=f"board-filter {class_name}")

    clear_label = t("board.cross_clear", lang)
    aria: dict[str, Any] = {"aria-label": clear_label}
    return html.Div(
        [
            labelled(
                t("board.range", lang),
                dcc.DatePickerRange(
                    id=ids.board.RANGE,
                    start_date=filters.get("from") or None,
                    end_date=filters.get("to") or None,
                    display_format="YYYY-MM-DD",
                    first_day_of_week=1,
                    minimum_nights=0,
                    clearable=True,
                ),
            ),
            labelled(
                t("board.grain", lang),
                dcc.Dropdown(id=ids.board.GRAIN, options=grains, value=filters.get("grain") or ALL, clearable=False),
                "board-filter-grain",
            ),
            labelled(
                t("board.district", lang),
                dcc.Dropdown(id=ids.board.DISTRICT, options=districts, value=filters.get("district") or ALL, clearable=False),
                "board-filter-district",
            ),
            html.Div(
                [
                    html.Span(t("board.cross", lang), className="text-muted me-1"),
                    html.Span(id=ids.board.CROSS_TEXT, className="cross-text"),
                    html.Button("×", id=ids.board.CROSS_CLEAR, className="cross-clear", title=clear_label, **aria),
                ],
                className="cross-chip",
            ),
            html.Div(view.get("scope_note") or "", id=ids.board.SCOPE_NOTE, className="board-scope-note small fw-semibold", role="status"),
        ],
        className="board-filters no-print",
    )


def toolbar(view: Mapping[str, Any], lang: str) -> html.Div:
    """Edit mode only: add a tile (an indicator the editor may use, or text), undo the last change."""
    palette = [{"label": label, "value": value} for value, label in view["palette"]]
    types = [{"label": t(f"tile.type.{k}", lang), "value": k} for k in view["tile_types"]]
    return html.Div(
        [
            html.Div(
                [
                    dcc.Dropdown(
                        id=editor(ids.board.PALETTE), options=palette, placeholder=t("board.palette", lang), className="board-palette"
                    ),
                    dbc.Select(id=editor(ids.board.TILE_TYPE), options=types, value="kpi", size="sm", className="board-tile-type"),
                    dbc.Input(
                        id=editor(ids.board.TILE_TITLE),
                        placeholder=t("board.tile_title", lang),
                        maxLength=200,
                        size="sm",
                        className="board-tile-title",
                    ),
                    dbc.Button(t("board.add", lang), id=editor(ids.board.ADD), color="primary", size="sm"),
                    dbc.Button(t("board.undo", lang), id=editor(ids.board.UNDO), color="secondary", outline=True, size="sm"),
                ],
                className="d-flex gap-2 align-items-center flex-wrap",
            ),
            dbc.Textarea(
                id=editor(ids.board.TILE_TEXT),
                placeholder=t("board.tile_text", lang),
                maxLength=5000,
                rows=2,
                className="mt-2 board-tile-text",
            ),
            html.Div(t("board.edit_hint", lang), className="small text-muted mt-1"),
        ],
        className="board-toolbar edit-only no-print",
    )


def share_dialog(view: Mapping[str, Any], lang: str) -> dbc.Modal:
    """A copyable link with the current filters; editors also choose who sees the board (saved with the version check)."""
    link = html.Div(
        [
            dbc.Label(t("board.share_link", lang), className="small text-muted"),
            html.Div(
                [
                    dcc.Input(id=ids.board.SHARE_LINK, value=view["share_link"], readOnly=True, className="form-control form-control-sm"),
                    dcc.Clipboard(target_id=ids.board.SHARE_LINK, title=t("board.copy_link", lang), className="ms-2 board-copy-link"),
                ],
                className="d-flex align-items-center",
            ),
        ],
        className="mb-3",
    )
    if not view["can_edit"]:
        settings: Any = html.P(t("board.share_readonly", lang), className="small text-muted mb-0")
    else:
        settings = html.Div(
            [
                dbc.Label(t("boards.visibility", lang), className="small text-muted"),
                dbc.RadioItems(
                    id=editor(ids.board.SHARE_VISIBILITY),
                    options=[{"label": t(f"visibility.{v}", lang), "value": v} for v in view["visibilities"]],
                    value=view["visibility"],
                    inline=True,
                    className="mb-2",
                ),
                dbc.Label(t("board.share_users", lang), className="small text-muted"),
                dbc.Input(
                    id=editor(ids.board.SHARE_USERS), value=", ".join(view["shared_users"]), size="sm", className="mb-2", maxLength=2000
                ),
                dbc.Label(t("board.share_departments", lang), className="small text-muted"),
                dcc.Dropdown(
                    id=editor(ids.board.SHARE_DEPARTMENTS),
                    options=[{"label": label, "value": code} for code, label in view["departments"]],
                    value=list(view["shared_departments"]),
                    multi=True,
                    className="mb-2",
                ),
                dbc.Button(t("board.share_save", lang), id=editor(ids.board.SHARE_SAVE), color="primary", size="sm"),
                html.Div(id=ids.board.SHARE_STATUS, className="small mt-2"),
            ]
        )
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(t("board.share_title", lang))),
            dbc.ModalBody([link, settings]),
            dbc.ModalFooter(dbc.Button(t("board.close", lang), id=ids.board.SHARE_CLOSE, color="secondary", size="sm")),
        ],
        id=ids.board.SHARE_MODAL,
        is_open=False,
    )


def grid(layout: Sequence[Mapping[str, Any]], children: Sequence[Any], editable: bool) -> Grid:
    """12 columns; tiles move by their head and only in edit mode (the handle selector needs the page's edit class)."""
    return Grid(
        id=ids.board.GRID,
        cols=12,
        rowHeight=ROW_HEIGHT,
        margin=[12, 12],
        containerPadding=[0, 0],
        compactType="vertical",
        draggableHandle=".board-editing .tile-head",
        draggableCancel=".tile-action",
        isDraggable=editable,
        isResizable=editable,
        layout=[dict(p) for p in layout],
        children=list(children),
    )


def print_head(view: Mapping[str, Any], lang: str) -> html.Div:
    """What a sent board (PDF/PNG) says about itself: title, department, scope, period, filters, generation time."""
    words = view["print"]
    return html.Div(
        [
            html.H1(view["title"], className="h4 mb-1 print-title"),
            html.Div(
                [
                    html.Span(view["department_label"], className="print-department"),
                    html.Span(words["scope"], className="print-scope"),
                    html.Span(words["period"], className="print-period"),
                ],
                className="print-line",
            ),
            html.Div(
                [html.Span(words["filters"], className="print-filters"), html.Span(words["generated"], className="print-generated")],
                className="print-line",
            ),
        ],
        className="board-print-head",
    )
