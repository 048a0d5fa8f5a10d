"""Drafts are private (issue 11, point 1): a draft, or a draft in review, is visible only to its authors, its
department's analysts, its certifiers and administrators — on every route, API endpoint and callback.

On a small demo city `hotline_analyst` creates, through the real API, a new indicator and submits it for review
(never certified: others must not learn it exists), saves a new draft version of the certified
`hotline.complaints` (others keep reading the certified version and its values, and so does the derived
`hotline.complaint_rate_per_10k` that uses it) and puts a tile on the draft on the hotline board. Then every demo
user walks every probe. The probes are listed against the Flask url_map, Dash's page registry and its callback
map: a new endpoint, page or server callback that is neither probed nor explained fails the inventory test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import csrf_header, make_settings
from tests.dashcalls import call, client, prop

DRAFT = "hotline.zqx_pending"
DRAFT_NAMES = ("待认证工单ZQX", "Pending tickets ZQX")
REVISED = "hotline.complaints"  # certified v1 in the catalog; the analyst saves a v2 draft
REVISED_NAMES = ("投诉量（新口径草稿）", "Complaints (new draft definition)")
DERIVED = "hotline.complaint_rate_per_10k"  # certified, uses REVISED
BOARD = "hotline_board"
TILE = "zqx_tile"
MISSING = "hotline.no_such_thing"
YEAR = {"grain": "year", "from": "2025-01-01", "to": "2025-12-31"}


# -- who may see a draft: derived from the rule as the issue states it, not from the code ------------------
def _users() -> dict[str, Any]:
    from demo.seed import DEMO_USERS

    return {u.username: u for u in DEMO_USERS}


def allowed(username: str) -> bool:
    """Its author (and owner) hotline_analyst, the hotline's analysts, administrators."""
    user = _users()[username]
    return user.role == "admin" or username == "hotline_analyst" or (user.department == "hotline" and user.role == "analyst")


def reads_hotline(username: str) -> bool:
    """Who reads the hotline's certified indicators: city-wide roles and the department (no demo grant reaches them)."""
    user = _users()[username]
    return user.role in ("admin", "leader") or user.department == "hotline"


def authors(username: str) -> bool:
    return _users()[username].role in ("admin", "analyst")


# -- the instance -------------------------------------------------------------------------------------------
@dataclass
class City:
    app: Any
    before: dict[str, Any]  # REVISED's definition, and what each user read of REVISED and DERIVED, before any draft existed


def _csrf(found: FlaskClient) -> dict[str, str]:
    return csrf_header(found)


def _json(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.loads(response.get_data(as_text=True))


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("drafts")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    before: dict[str, Any] = {"definition": _json(client(app, "leader").get(f"/api/v1/indicators/{REVISED}"))}
    for username in filter(reads_hotline, _users()):  # each in their own row scope
        found = client(app, username)
        before[username] = {ref: _json(found.get(f"/api/v1/indicators/{ref}/values", query_string=YEAR)) for ref in (REVISED, DERIVED)}

    author = client(app, "hotline_analyst")
    headers = _csrf(author)
    definition = {
        "id": DRAFT,
        "name": {"zh": DRAFT_NAMES[0], "en": DRAFT_NAMES[1]},
        "department": "hotline",
        "owner": "hotline_analyst",
        "type": "simple",
        "dataset": "hotline_tickets",
        "measure": {"expr": "ticket_id", "agg": "count"},
        "filters": ["is_complaint"],
        "time": {"column": "created_at"},
        "dimensions": ["district"],
        "unit": "count",
        "decimals": 0,
        "direction": "lower_is_better",
        "synonyms": ["ZQX"],
    }
    created = author.post("/api/v1/indicators", json=definition, headers=headers)
    assert created.status_code == 201, created.text
    submitted = author.post(f"/api/v1/indicators/{DRAFT}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text  # "in review": still not certified

    revised = {k: v for k, v in before["definition"].items() if k not in ("status", "version")}
    revised["name"] = {"zh": REVISED_NAMES[0], "en": REVISED_NAMES[1]}
    revised["filters"] = [*revised.get("filters", []), "district = '东城区'"]
    saved = author.put(f"/api/v1/indicators/{REVISED}", json=revised, headers=headers)
    assert (_json(saved)["status"], _json(saved)["version"]) == ("draft", 2)

    version = _json(author.get(f"/api/v1/boards/{BOARD}"))["version"]
    tile = {"id": TILE, "type": "kpi", "source": {"indicator": DRAFT}, "options": {}}
    added = author.post(f"/api/v1/boards/{BOARD}/tiles", json={"tile": tile, "version": version}, headers=headers)
    assert added.status_code == 201, added.text
    yield City(app, before)
    rt.close()


# -- probes ---------------------------------------------------------------------------------------------------
@dataclass
class Seen:
    """What one probe showed one user: the body, and whether the draft is in it."""

    body: str
    status: int = 200


@dataclass
class Visit:
    """One user's visit: their signed-in client, and an administrator's (for view-as)."""

    client: FlaskClient
    user: str
    admin: FlaskClient
    app: Any


@dataclass(frozen=True)
class Probe:
    name: str
    covers: tuple[str, ...]  # url_map rules ("GET /api/v1/..."), pages ("page /..."), server callbacks ("module.function")
    run: Callable[[Visit], Seen]
    exact: bool = True  # the draft shows to exactly the allowed users; False: only "never to the others"
    id_leaks: bool = True  # the draft's id is a leak too (False where the board itself names the tile's source)
    who: Callable[[str], bool] = lambda _u: True  # users this probe applies to


def _body(response: Any) -> Seen:
    return Seen(response.get_data(as_text=True), response.status_code)


def _get(path: str, **args: str) -> Callable[[Visit], Seen]:
    return lambda visit: _body(visit.client.get(path, query_string=args))


def _page(path: str, search: str = "") -> Callable[[Visit], Seen]:
    """A page through Dash Pages' router, as the browser asks for it on navigation."""
    inputs = [prop("_pages_location", "pathname", path), prop("_pages_location", "search", search)]
    return _multi("_pages_content.children", inputs)


def _callback(output: str, inputs: list[Any], state: list[Any] | None = None) -> Callable[[Visit], Seen]:
    def run(visit: Visit) -> Seen:
        changed = f"{inputs[0]['id']}.{inputs[0]['property']}" if isinstance(inputs[0], dict) else ""
        return _body(call(visit.client, output, inputs, state or [], changed))

    return run


def _multi(output: str, inputs: list[Any], state: list[Any] | None = None) -> Callable[[Visit], Seen]:
    """A callback with several outputs, found by one of them in the callback map (so added outputs do not break
    the probe); pattern-matching outputs get no components."""

    def run(visit: Visit) -> Seen:
        key = next(k for k in visit.app.callback_map if f"..{output}..." in k or k.endswith(f"...{output}..") or f"...{output}..." in k)
        outputs: list[Any] = []
        for part in key.strip(".").split("..."):
            component, name = part.rsplit(".", 1)
            outputs.append([] if component.startswith("{") else {"id": component, "property": name})
        first = inputs[0]
        body = {
            "output": key,
            "outputs": outputs,
            "inputs": inputs,
            "state": state or [],
            "changedPropIds": [f"{first['id']}.{first['property']}"],
        }
        return _body(visit.client.post("/_dash-update-component", json=body, headers=csrf_header(visit.client)))

    return run


def _ask_api(visit: Visit) -> Seen:
    body = {"question": "各区ZQX是多少", "lang": "zh"}
    return _body(visit.client.post("/api/v1/ask", json=body, headers=csrf_header(visit.client)))


def _xlsx_text(response: Any) -> str:
    """Every cell of an Excel answer as text (an error answer as its JSON)."""
    if response.status_code != 200:
        return str(response.get_data(as_text=True))
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(response.data), read_only=True)
    return " ".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)


def _derived_on_draft() -> dict[str, Any]:
    return {
        "id": "hotline.zqx_share",
        "name": {"zh": "派生", "en": "Derived"},
        "department": "hotline",
        "owner": "hotline_analyst",
        "type": "derived",
        "expr": "a * 1",
        "inputs": [{"ref": DRAFT, "as": "a"}],
        "unit": "count",
        "direction": "lower_is_better",
    }


def _post_json(path: str, body: Callable[[], Any]) -> Callable[[Visit], Seen]:
    return lambda visit: _body(visit.client.post(path, json=body(), headers=csrf_header(visit.client)))


ASK_INPUTS = [prop("ask-submit", "n_clicks", None), prop("ask-input", "n_submit", 1), []]
ASK_STATE = [prop("ask-input", "value", "各区ZQX是多少"), [], prop("board-id", "data", BOARD)]
TILES_INPUTS = [
    prop("board-tileset", "data", None),
    prop("board-range", "start_date", YEAR["from"]),
    prop("board-range", "end_date", YEAR["to"]),
    prop("board-grain", "value", "month"),
    prop("board-district", "value", ""),
    prop("board-cross", "data", None),
    prop("board-reload", "n_clicks", None),
]
PROBES: tuple[Probe, ...] = (
    # API
    Probe("api list", ("GET /api/v1/indicators",), _get("/api/v1/indicators")),
    Probe("api definition", ("GET /api/v1/indicators/<indicator_id>",), _get(f"/api/v1/indicators/{DRAFT}")),
    Probe("api versions", ("GET /api/v1/indicators/<indicator_id>/versions",), _get(f"/api/v1/indicators/{DRAFT}/versions")),
    Probe("api values", ("GET /api/v1/indicators/<indicator_id>/values",), _get(f"/api/v1/indicators/{DRAFT}/values", **YEAR)),
    Probe("api ask", ("POST /api/v1/ask",), _ask_api),
    Probe(
        "api tile data",
        ("GET /api/v1/boards/<board_id>/tiles/<tile_id>/data",),
        _get(f"/api/v1/boards/{BOARD}/tiles/{TILE}/data"),
        id_leaks=False,
    ),
    Probe(
        "api tile export csv/xlsx",
        ("GET /api/v1/boards/<board_id>/tiles/<tile_id>/export.<kind>",),
        lambda visit: Seen(
            _get(f"/api/v1/boards/{BOARD}/tiles/{TILE}/export.csv", lang="zh")(visit).body
            + _xlsx_text(visit.client.get(f"/api/v1/boards/{BOARD}/tiles/{TILE}/export.xlsx"))
        ),
        id_leaks=False,
    ),
    # pages
    Probe("page catalog", ("page /indicators",), _page("/indicators")),
    Probe("page indicator", ("page /indicators/<indicator_id>",), _page(f"/indicators/{DRAFT}")),
    Probe("page builder", ("page /builder",), _page("/builder")),
    Probe("page builder preselected", ("page /builder",), _page("/builder", f"?indicator={DRAFT}")),
    Probe("page authoring (derived inputs)", ("page /authoring",), _page("/authoring")),
    Probe("page authoring the draft", ("page /authoring/<indicator_id>",), _page(f"/authoring/{DRAFT}"), who=authors),
    Probe("page board (palette)", ("page /boards/<board_id>",), _page(f"/boards/{BOARD}"), id_leaks=False),
    Probe("page home", ("page /",), _page("/"), exact=False),
    Probe("page boards", ("page /boards",), _page("/boards"), exact=False),
    Probe("page admin", ("page /admin",), _page("/admin"), exact=False),
    Probe("page tokens", ("page /tokens",), _page("/tokens"), exact=False),
    Probe("page upload", ("page /upload",), _page("/upload"), exact=False),
    Probe("page dataset", ("page /datasets/<dataset_id>",), _page("/datasets/hotline_tickets"), exact=False),
    # callbacks
    Probe(
        "catalog search",
        ("callbacks.indicators.filter_catalog",),
        _callback(
            "ind-list.children",
            [
                prop("ind-search", "value", "ZQX"),
                prop("ind-department", "value", None),
                prop("ind-status", "value", None),
                prop("ind-latest", "data", None),
            ],
        ),
    ),
    Probe(
        "catalog latest values",
        ("callbacks.indicators.latest_values",),
        _callback("ind-latest.data", [prop("ind-list-ids", "data", [DRAFT])]),
    ),
    Probe("ask box", ("callbacks.ask.ask_question",), _callback("ask-answer.children", ASK_INPUTS, ASK_STATE)),
    Probe(
        "board tiles",
        ("callbacks.boardtiles.load_tiles",),
        _callback("board-grid.children", TILES_INPUTS, [prop("board-id", "data", BOARD)]),
    ),
    Probe(
        "builder source",
        ("callbacks.builder.choose_source",),
        _callback("bld-form.children", [prop("bld-source", "value", f"indicator:{DRAFT}")]),
    ),
    Probe(
        "builder fields",
        ("callbacks.builder.list_fields",),
        _callback("bld-field-list.children", [prop("bld-source", "value", f"indicator:{DRAFT}"), prop("bld-field-search", "value", "")]),
        exact=False,  # an indicator's fields are its dataset's columns: nothing of the draft to show
    ),
    Probe(
        "authoring record",
        ("callbacks.authoring.refresh_record",),
        _multi("auth-header.children", [prop("auth-doc", "data", {"id": DRAFT}), prop("auth-reviewed", "data", 0)]),
        who=authors,
    ),
    Probe(
        "admin view-as values",
        ("GET /api/v1/admin/view-as/<username>/indicators/<indicator_id>/values",),
        lambda visit: _body(visit.admin.get(f"/api/v1/admin/view-as/{visit.user}/indicators/{DRAFT}/values", query_string=YEAR)),
    ),
    Probe("api board list", ("GET /api/v1/boards",), _get("/api/v1/boards"), exact=False),
    Probe("api board definition", ("GET /api/v1/boards/<board_id>",), _get(f"/api/v1/boards/{BOARD}"), exact=False, id_leaks=False),
)


# Probes where the user names the draft's id themselves: the answer for the draft must be the answer for an id
# that does not exist (with the id swapped), except to the allowed users.
def _twin_api(method: str, path: str, body: Callable[[str], Any] | None = None) -> Callable[[Visit, str], Seen]:
    def run(visit: Visit, ref: str) -> Seen:
        send = getattr(visit.client, method)
        extra = {"json": body(ref)} if body else {}
        return _body(send(path.format(ref=ref), headers=csrf_header(visit.client), **extra))

    return run


def _derived_over(ref: str) -> dict[str, Any]:
    return {**_derived_on_draft(), "inputs": [{"ref": ref, "as": "a"}]}


def everyone(_username: str) -> bool:
    return True


def _indicator_values(visit: Visit, ref: str) -> Seen:
    inputs = [
        prop("ind-grain", "value", "month"),
        prop("ind-range", "start_date", YEAR["from"]),
        prop("ind-range", "end_date", YEAR["to"]),
        prop("ind-by", "value", None),
        prop("ind-compare", "value", None),
    ]
    return _callback("ind-result.children", inputs, [prop("ind-id", "data", ref)])(visit)


def _palette_add(visit: Visit, ref: str) -> Seen:
    """Adding a KPI tile on `ref` from the board's palette (the pending edit, not saved)."""
    from access.actor import SYSTEM
    from boards.catalog import get_board

    with visit.app.server.extensions["city"].store.read() as db:
        info = get_board(db, SYSTEM, BOARD)
    pending = {"board": info.id, "version": info.version, "spec": info.spec.to_dict(), "undo": [], "status": "", "ack": 0}
    command = {"seq": 1, "op": "add", "type": "kpi", "indicator": ref}
    return _callback("board-pending.data", [prop("board-command", "data", command)], [prop("board-pending", "data", pending)])(visit)


def _builder_form(ref: str) -> tuple[list[Any], list[Any]]:
    """The builder's controls for the source "indicator:<ref>": the indicator's values by district and year."""
    from callbacks.builder import FORM_INPUTS, SLOT_INPUTS

    values: dict[str, Any] = {"measure_1": "~", "agg_1": "count", "measure_2": "~", "agg_2": "count", "dimension_1": "district"}
    values |= {"dimension_2": "~", "time_column": "~", "grain": "year", "from": None, "to": None, "chart": "auto"}
    plain = [prop(i, p, values[name]) for name, i, p in FORM_INPUTS]
    slots: list[Any] = [[] for _ in SLOT_INPUTS]
    columns = [prop({"type": "bld-filter-column", "slot": n}, "value", "~") for n in range(3)]
    return plain + slots, [prop("bld-source", "value", f"indicator:{ref}"), columns]


def _builder_preview(visit: Visit, ref: str) -> Seen:
    inputs, state = _builder_form(ref)
    return _callback("bld-preview.children", inputs, state)(visit)


def _builder_save(visit: Visit, ref: str) -> Seen:
    """Save the chart to one's own charts (the draft's circle may; to anyone else it is a missing source)."""
    inputs, state = _builder_form(ref)
    extra = [prop("bld-title", "value", ""), prop("bld-target", "value", "mine")]
    return _callback("bld-save-result.children", [prop("bld-save", "n_clicks", 1)], inputs + state + extra)(visit)


def _check_definition(visit: Visit, ref: str) -> Seen:
    import yaml

    text = yaml.safe_dump(_derived_over(ref), allow_unicode=True)
    return _multi("auth-issues.children", [prop("auth-yaml", "value", text)], [prop("auth-doc", "data", None)])(visit)


TWINS: tuple[tuple[str, tuple[str, ...], Callable[[Visit, str], Seen], Callable[[str], bool]], ...] = (
    ("new version", ("PUT /api/v1/indicators/<indicator_id>",), _twin_api("put", "/api/v1/indicators/{ref}", lambda r: {"id": r}), authors),
    ("submit", ("POST /api/v1/indicators/<indicator_id>/submit",), _twin_api("post", "/api/v1/indicators/{ref}/submit"), authors),
    (
        "certify",
        ("POST /api/v1/indicators/<indicator_id>/certify",),
        _twin_api("post", "/api/v1/indicators/{ref}/certify"),
        lambda _u: True,
    ),
    (
        "deprecate",
        ("POST /api/v1/indicators/<indicator_id>/deprecate",),
        _twin_api("post", "/api/v1/indicators/{ref}/deprecate"),
        lambda _u: True,
    ),
    (
        "create with the draft's id",
        ("POST /api/v1/indicators",),
        _twin_api("post", "/api/v1/indicators", lambda r: {**_derived_over("hotline.tickets"), "id": r}),
        authors,
    ),
    (
        "validate over the draft",
        ("POST /api/v1/indicators/validate",),
        _twin_api("post", "/api/v1/indicators/validate", _derived_over),
        authors,
    ),
    (
        "preview over the draft",
        ("POST /api/v1/indicators/preview",),
        _twin_api("post", "/api/v1/indicators/preview", lambda r: {"definition": _derived_over(r), **YEAR}),
        authors,
    ),
    ("authoring check over the draft", ("callbacks.authoring.check_definition",), _check_definition, authors),
    (
        "explain",
        ("GET /api/v1/indicators/<indicator_id>/explain",),
        _twin_api("get", "/api/v1/indicators/{ref}/explain?grain=year"),
        everyone,
    ),
    ("indicator page values", ("callbacks.indicators.indicator_values",), _indicator_values, everyone),
    ("add from the palette", ("callbacks.boards.edit_board",), _palette_add, everyone),
    ("builder preview", ("callbacks.builder.preview",), _builder_preview, everyone),
    ("builder save", ("callbacks.builder.save",), _builder_save, everyone),
)
WRITES = {"new version", "submit", "certify", "deprecate", "create with the draft's id"}  # asked only of users outside the circle

# -- what is deliberately not probed, and why ----------------------------------------------------------------
FRAMEWORK = "Dash's own files and the HTML shell: no data (pages render through the _pages callback, probed as pages)"
DATASETS = "datasets, not indicators (their own policy is tested in test_access_control and test_policy_parity)"
ADMIN_ONLY = "administrators only, and administrators may read every draft"
BOARD_META = "a board's metadata and versions: the board names its tiles' sources, never an indicator's name, values or state"
EXEMPT_ROUTES = {
    "GET /": FRAMEWORK,
    "GET /<path:path>": FRAMEWORK,
    "GET /_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": FRAMEWORK,
    "GET /_dash-dependencies": FRAMEWORK,
    "GET /_dash-layout": FRAMEWORK,
    "GET /_favicon.ico": FRAMEWORK,
    "GET /_reload-hash": FRAMEWORK,
    "GET /assets/<path:filename>": FRAMEWORK,
    "GET /static/<path:filename>": FRAMEWORK,
    "POST /_dash-update-component": "every callback: the callback inventory below covers each one",
    "GET /lang/<code>": "switches the language",
    "GET /login": "signing in",
    "POST /login": "signing in",
    "POST /logout": "signing out",
    "GET /api/v1/health": "liveness",
    "GET /api/v1/openapi.json": "the API's description",
    "GET /api/v1/departments": "departments",
    "GET /api/v1/tokens": "one's own API tokens",
    "POST /api/v1/tokens": "one's own API tokens",
    "DELETE /api/v1/tokens/<int:token_id>": "one's own API tokens",
    "POST /api/v1/query": DATASETS,
    "POST /api/v1/query/explain": DATASETS,
    "GET /api/v1/datasets": DATASETS,
    "POST /api/v1/datasets": DATASETS,
    "GET /api/v1/datasets/<dataset_id>": DATASETS,
    "PATCH /api/v1/datasets/<dataset_id>/columns/<name>": DATASETS,
    "GET /api/v1/datasets/<dataset_id>/rows": DATASETS,
    "GET /api/v1/datasets/<dataset_id>/values/<column>": DATASETS,
    "GET /api/v1/datasets/<dataset_id>/versions": DATASETS,
    "POST /api/v1/admin/areas": ADMIN_ONLY,
    "GET /api/v1/admin/audit": ADMIN_ONLY,
    "POST /api/v1/admin/departments": ADMIN_ONLY,
    "GET /api/v1/admin/grants": ADMIN_ONLY,
    "POST /api/v1/admin/grants": ADMIN_ONLY,
    "DELETE /api/v1/admin/grants/<int:grant_id>": ADMIN_ONLY,
    "GET /api/v1/admin/row-policies": ADMIN_ONLY,
    "POST /api/v1/admin/row-policies": ADMIN_ONLY,
    "DELETE /api/v1/admin/row-policies/<int:policy_id>": ADMIN_ONLY,
    "GET /api/v1/admin/users": ADMIN_ONLY,
    "POST /api/v1/admin/users": ADMIN_ONLY,
    "PATCH /api/v1/admin/users/<username>": ADMIN_ONLY,
    "DELETE /api/v1/admin/users/<username>": ADMIN_ONLY,
    "DELETE /api/v1/admin/departments/<code>": ADMIN_ONLY,
    "DELETE /api/v1/admin/areas/<code>": ADMIN_ONLY,
    "GET /api/v1/admin/view-as/<username>/datasets": DATASETS,
    "POST /api/v1/boards": BOARD_META,
    "PUT /api/v1/boards/<board_id>": BOARD_META,
    "DELETE /api/v1/boards/<board_id>": BOARD_META,
    "POST /api/v1/boards/<board_id>/restore": BOARD_META,
    "POST /api/v1/boards/<board_id>/undelete": BOARD_META,
    "GET /api/v1/boards/<board_id>/versions": BOARD_META,
    "GET /api/v1/boards/<board_id>/view": "one's own arrangement of a board's tiles: places, no indicator",
    "PUT /api/v1/boards/<board_id>/view": "one's own arrangement of a board's tiles: places, no indicator",
    "DELETE /api/v1/boards/<board_id>/view": "one's own arrangement of a board's tiles: places, no indicator",
    "POST /api/v1/boards/<board_id>/tiles": BOARD_META + "; the tile then answers through the tile probes",
    "GET /api/v1/boards/<board_id>/export.<kind>": (
        "PDF/PNG render the board page in chromium as the caller: its tiles come from callbacks.boardtiles.load_tiles "
        "(probed) for the same signed-in user"
    ),
}
EXEMPT_PREFIXES = {"/api/v1/datasets": DATASETS, "/api/v1/uploads": DATASETS + " (uploads in progress)"}
EXEMPT_CALLBACKS = {
    "dash.dash.update": "Dash Pages' router: it renders the pages, and every page is probed",
    "callbacks.admin.*": ADMIN_ONLY + " (and one's own API tokens, which name no indicator)",
    "callbacks.datasets.*": DATASETS,
    "callbacks.upload.*": DATASETS,
    "callbacks.shell.*": "navigation and language",
    "callbacks.ask.save_answer": "asks the question again as the saver (callbacks.ask.ask_question, probed) and saves that tile",
    "callbacks.authoring.sync_editor": "turns the text the author typed into form fields and back; reads no saved indicator",
    "callbacks.authoring.preview": "values of the typed definition through the same rule context as POST /api/v1/indicators/preview (twin-probed)",
    "callbacks.authoring.save": "Registry.create/update/submit, which resolve through Registry.get (their API twins are probed)",
    "callbacks.authoring.review": "Registry.set_status, which resolves through Registry.get (the certify/deprecate twins are probed)",
    "callbacks.boardviews.*": "one's own arrangement of a board's tiles: places, no indicator",
    "callbacks.boards.*": "board sharing, copies and status lines: no indicator (the palette is on the board page, probed)",
    "callbacks.builder.choose_measure": "resolves its source with builder_sources.resolve, as callbacks.builder.choose_source (probed)",
    "callbacks.builder.choose_filter": "resolves its source with builder_sources.resolve, as callbacks.builder.choose_source (probed)",
}


def _routes(app: Any) -> set[str]:
    return {
        f"{method} {rule.rule}"
        for rule in app.server.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS") and "_rest" not in rule.rule
    }


def _pages() -> set[str]:
    import dash

    return {f"page {p.get('path_template') or p['path']}" for p in dash.page_registry.values()}


def _server_callbacks(app: Any) -> set[str]:
    found = set()
    for entry in app.callback_map.values():
        function = entry.get("callback")
        if function is not None:  # clientside callbacks run in the browser and read nothing from the server
            wrapped = getattr(function, "__wrapped__", function)
            found.add(f"{wrapped.__module__}.{wrapped.__name__}")
    return found


def _exempt(name: str) -> bool:
    """Explained by name, or by a module's or a package's `.*` (callbacks.admin.* covers callbacks.admin.users.create_user)."""
    parts = name.split(".")
    return name in EXEMPT_CALLBACKS or any(f"{'.'.join(parts[:n])}.*" in EXEMPT_CALLBACKS for n in range(2, len(parts)))


# -- tests ------------------------------------------------------------------------------------------------------
def test_every_route_page_and_callback_is_probed_or_explained(city: City) -> None:
    covered = {c for p in PROBES for c in p.covers} | {c for _, covers, _, _ in TWINS for c in covers}
    routes, pages, callbacks = _routes(city.app), _pages(), _server_callbacks(city.app)
    unexplained = {r for r in routes - covered - set(EXEMPT_ROUTES) if not r.split(" ", 1)[1].startswith(tuple(EXEMPT_PREFIXES))}
    assert unexplained == set(), "routes neither probed nor explained"
    assert pages - covered == set(), "pages not probed"
    assert {c for c in callbacks - covered if not _exempt(c)} == set(), "server callbacks neither probed nor explained"
    assert covered - routes - pages - callbacks == set(), "probes of routes, pages or callbacks that no longer exist"


def _visits(city: City) -> Iterator[Visit]:
    admin = client(city.app, "admin")
    for username in _users():
        yield Visit(client(city.app, username), username, admin, city.app)


def _shows_draft(seen: Seen, probe: Probe) -> bool:
    markers = [*DRAFT_NAMES, *([DRAFT] if probe.id_leaks else [])]
    text = seen.body if seen.status < 400 else ""
    return any(m in text or json.dumps(m)[1:-1] in text for m in markers)


def test_the_draft_shows_exactly_to_its_circle_on_every_probe(city: City) -> None:
    wrong: list[str] = []
    for visit in _visits(city):
        for probe in PROBES:
            if not probe.who(visit.user):
                continue
            seen = probe.run(visit)
            assert seen.status < 500, f"{probe.name} as {visit.user}: {seen.status} {seen.body[:300]}"
            shows, may = _shows_draft(seen, probe), allowed(visit.user)
            if (shows and not may) or (probe.exact and may and not shows):
                wrong.append(f"{probe.name} as {visit.user}: {'shows' if shows else 'hides'} the draft ({seen.status})")
    assert wrong == [], "\n".join(wrong)


def _normal(seen: Seen) -> tuple[int, str]:
    """The answer with either id written as <ID> (each answer echoes the id it was asked about)."""
    body = seen.body
    for ref in (DRAFT, MISSING):
        body = body.replace(ref, "<ID>").replace(json.dumps(ref)[1:-1], "<ID>")
    return seen.status, body


def test_naming_the_draft_answers_as_for_a_missing_indicator(city: City) -> None:
    """Writes, validation and previews that name the draft's id: to anyone outside its circle the answer is the
    answer for an id that does not exist; to its circle the draft is there."""
    wrong: list[str] = []
    for visit in _visits(city):
        for name, _covers, run, who in TWINS:
            if not who(visit.user) or (name in WRITES and allowed(visit.user)):
                continue
            same = _normal(run(visit, DRAFT)) == _normal(run(visit, MISSING))
            if same == allowed(visit.user):
                wrong.append(f"{name} as {visit.user}: {'indistinguishable from' if same else 'differs from'} a missing id")
    assert wrong == [], "\n".join(wrong)


def test_others_read_the_certified_version_and_values_of_an_indicator_with_a_newer_draft(city: City) -> None:
    """hotline.complaints v1 is certified, v2 a draft: the draft's circle reads v2 (and the derived complaint rate
    computed from it), everyone else who reads the hotline reads v1 and exactly the values they read before."""
    for username in _users():
        found = client(city.app, username)
        answer = found.get(f"/api/v1/indicators/{REVISED}")
        if not reads_hotline(username):
            assert answer.status_code == 404, username
            continue
        definition = _json(answer)
        versions = [v["version"] for v in _json(found.get(f"/api/v1/indicators/{REVISED}/versions"))["versions"]]
        listed = {i["id"]: i for i in _json(found.get("/api/v1/indicators"))["indicators"]}
        revised = _json(found.get(f"/api/v1/indicators/{REVISED}/values", query_string=YEAR))
        derived = _json(found.get(f"/api/v1/indicators/{DERIVED}/values", query_string=YEAR))
        if allowed(username):
            assert (definition["version"], definition["status"], definition["name"]["zh"]) == (2, "draft", REVISED_NAMES[0]), username
            assert versions == [2, 1] and listed[REVISED]["version"] == 2, username
            earlier = city.before[username]
            assert revised["rows"] != earlier[REVISED]["rows"] and derived["rows"] != earlier[DERIVED]["rows"], username
        else:
            assert definition == city.before["definition"], username
            assert versions == [1] and listed[REVISED]["version"] == 1 and listed[REVISED]["status"] == "certified", username
            assert revised == city.before[username][REVISED] and derived == city.before[username][DERIVED], username
        missing, draft = found.get(f"/api/v1/indicators/{MISSING}"), found.get(f"/api/v1/indicators/{DRAFT}")
        if not allowed(username):  # never certified: exactly as if it did not exist
            assert (draft.status_code, draft.get_data(as_text=True)) == (missing.status_code, missing.get_data(as_text=True))


def _frames(found: FlaskClient) -> dict[str, str]:
    response = call(found, "board-grid.children", TILES_INPUTS, [prop("board-id", "data", BOARD)], "board-tileset.data")
    children = _json(response)["response"]["board-grid"]["children"]
    return {c["props"]["id"].removeprefix("tile-"): json.dumps(c, ensure_ascii=False) for c in children}


def test_a_tile_on_the_draft_says_not_yet_certified_and_its_circle_sees_it_marked_as_draft(city: City) -> None:
    checked = 0
    for username in _users():
        if not reads_hotline(username):
            continue
        for lang, words in (("zh", "尚未认证"), ("en", "Not yet certified")):
            frames = _frames(client(city.app, username, lang))
            draft_tile, revised_tile = frames[TILE], frames["categories"]
            if allowed(username):
                assert "tile-draft" in draft_tile and "tile-is-ok" in draft_tile and words not in draft_tile, username
                assert "tile-draft" in revised_tile, username  # v2's values, marked
            else:
                assert "tile-is-not_certified" in draft_tile and words in draft_tile, username
                assert not any(m in draft_tile for m in (*DRAFT_NAMES, DRAFT)) and "kpi-number" not in draft_tile, username
                assert "tile-draft" not in revised_tile and "tile-is-ok" in revised_tile, username
            checked += 1
    assert checked == 2 * sum(reads_hotline(u) for u in _users())


def test_a_deprecated_version_stays_visible_and_says_so_when_a_new_draft_follows(city: City) -> None:
    author = client(city.app, "hotline_analyst")
    headers = _csrf(author)
    ref = "hotline.zqx_retired"
    admin = client(city.app, "admin")
    names = {"zh": "旧口径ZQR", "en": "Old definition ZQR"}
    definition = {**_derived_over("hotline.tickets"), "id": ref, "name": names, "owner": "hotline_staff"}
    assert author.post("/api/v1/indicators", json=definition, headers=headers).status_code == 201
    assert admin.post(f"/api/v1/indicators/{ref}/certify", headers=_csrf(admin)).status_code == 200
    assert admin.post(f"/api/v1/indicators/{ref}/deprecate", headers=_csrf(admin)).status_code == 200
    redrafted = {**definition, "name": {"zh": "新口径草稿ZQR", "en": "New draft ZQR"}, "owner": "hotline_analyst"}
    assert _json(author.put(f"/api/v1/indicators/{ref}", json=redrafted, headers=headers))["version"] == 2
    for username in ("leader", "hotline_staff", "hotline_analyst"):
        found = client(city.app, username)
        seen = _json(found.get(f"/api/v1/indicators/{ref}"))
        catalog = _json(
            call(
                found,
                "ind-list.children",
                [
                    prop("ind-search", "value", "ZQR"),
                    prop("ind-department", "value", None),
                    prop("ind-status", "value", None),
                    prop("ind-latest", "data", None),
                ],
                [],
                "ind-search.value",
            )
        )
        shown = json.dumps(catalog, ensure_ascii=False)
        if allowed(username):
            assert (seen["version"], seen["status"]) == (2, "draft") and "新口径草稿ZQR" in shown
        else:
            assert (seen["version"], seen["status"], seen["name"]["zh"]) == (1, "deprecated", "旧口径ZQR"), username
            assert "旧口径ZQR" in shown and "新口径草稿ZQR" not in shown, username
    # The old version's owner may not certify the new draft they cannot read (it names another owner).
    former = client(city.app, "hotline_staff")
    assert former.post(f"/api/v1/indicators/{ref}/certify", headers=_csrf(former)).status_code == 403
    assert _json(author.get(f"/api/v1/indicators/{ref}"))["status"] == "draft"


def test_an_indicator_computed_from_a_never_certified_draft_cannot_be_certified_before_it(city: City) -> None:
    """Everyone who reads a certified indicator must be able to read what it is computed from."""
    author = client(city.app, "hotline_analyst")
    headers = _csrf(author)
    ref = "hotline.zqx_double"
    definition = {**_derived_over(DRAFT), "id": ref, "name": {"zh": "双倍ZQD", "en": "Double ZQD"}, "expr": "a * 2"}
    assert author.post("/api/v1/indicators", json=definition, headers=headers).status_code == 201
    refused = author.post(f"/api/v1/indicators/{ref}/certify", headers=headers)
    assert refused.status_code == 409 and DRAFT in refused.get_data(as_text=True), refused.text
    assert _json(author.get(f"/api/v1/indicators/{ref}"))["status"] == "draft"
    assert client(city.app, "leader").get(f"/api/v1/indicators/{ref}").status_code == 404
