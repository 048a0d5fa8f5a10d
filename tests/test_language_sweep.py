"""One language per screen: every page and the callbacks that fill it, in Chinese and in English, as an
administrator and as district staff, on the demo city.

Every string a user can read is collected — component text, placeholders, titles, labels, option labels, grid
headers and cells, and in figures the titles, axis titles, legend names, hover templates, bar and pie labels and
annotations. In Chinese a Latin word fails unless it is an allowed token (a unit, an acronym, an identifier); in
English any Chinese character fails unless it belongs to an allowed data value (an uploaded dataset's own values,
a person's name). Registered area and department names are NOT data values: they have English names and must be
shown in them. A string added to the product without translation therefore fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import pytest
from dash.development.base_component import Component
from sqlalchemy import select

from tests.conftest import make_settings
from tests.dashcalls import client, post, signed_in

USERS = ("admin", "traffic_staff")
LANGS = ("zh", "en")
YEAR = ("2025-01-01", "2025-12-31")

# Latin tokens any Chinese screen may show: units, acronyms and file formats (identifiers of indicators,
# datasets, columns, boards and users are read from the store, see the `allowed` fixture).
ALLOWED_LATIN = frozenset(
    {
        "km/h", "µg/m³", "PM2.5", "PM10", "NO2", "AQI", "HJ",  # units and standards of the demo's measures
        "API", "CSV", "TSV", "Excel", "xlsx", "Parquet", "JSON", "SQL", "YAML", "PDF", "PNG", "MB", "URL",
        "ID", "GPS", "YYYY-MM-DD",
        "English",  # the language switch names its target in that language
    }
)  # fmt: skip

# Chinese text an English screen may show: values of the demo's uploaded datasets (they stay as uploaded),
# the source systems written in the indicator catalog, and the language switch, which names its target.
ALLOWED_DATA_ZH = frozenset(
    {
        "中文",
        "窗口", "网上办", "掌上办", "自助终端",  # gov_service_applications.channel
        "交通出行", "环境保护", "市容环卫", "住房物业", "噪音扰民", "供水供电", "劳动保障", "教育医疗", "市场监管", "其他",
        "政务服务", "生态环境", "城市管理", "公共安全",  # citizen_survey.topic
        "火灾", "医疗急救", "交通事故", "危化品泄漏", "自然灾害",  # emergency_incidents.incident_type
        "交警卡口", "浮动车GPS", "示范市",  # catalog source systems; the demo generator's source line
    }
)  # fmt: skip

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3001-\u303f，。：；（）！？【】《》]")  # ideographs and Chinese punctuation
LATIN_TOKEN = re.compile(r"[A-Za-zµ][A-Za-z0-9_./\-µ³²]*[A-Za-z0-9³²]|[A-Za-z]")
WORD_FORMATTER = re.compile(r"^\((\{.*\})\)\[params\.value\] \|\| params\.value$")  # a grid cell's stored code -> words
PLACEHOLDER = re.compile(r"%\{[^}]*\}|<extra>.*?</extra>|</?[a-z]+>")  # plotly hover-template fields and tags

# What particular pages may quote: a definition sentence names filter values as stored (the 口径 is exact); the
# administration pages edit the registry itself (both names of every area and department, their codes) and show
# the audit log's stored records.
PAGE_ALLOWED: dict[str, dict[str, set[str]]] = {
    "/indicators/<indicator_id>": {"zh": {"arterial", "expressway", "demo"}, "en": set()},
    "/datasets/<dataset_id>": {"zh": {"demo", "generator"}, "en": set()},  # the source line typed at import
    "/authoring": {"zh": {"as", "baseline", "grain", "year", "base", "cur", "Ctrl"}, "en": set()},  # input syntax, keys
    "/tokens": {"zh": {"Authorization", "Bearer", "token", "api/v1"}, "en": set()},  # the header to send, verbatim
    "/admin": {"zh": {"login", "user", "grant", "policy", "admin.view_as", "water_affairs"}, "en": set()},  # codes
}


def page_allowed(path: str, lang: str) -> set[str]:
    """What a page may quote besides the general allowance (a page's variants share its entry: /admin?tab=…)."""
    return {
        word
        for key, words in PAGE_ALLOWED.items()
        if path == key or path.startswith(f"{key}/") or path.startswith(f"{key}?")
        for word in words[lang]
    }


# Known gaps, each a decision for later rather than a silent hole: the audit log's detail column is each event's
# stored JSON record.
KNOWN_GAPS = {"/admin": "AgGrid.grid.row.detail"}

# Component properties a person reads; everything else (ids, classes, styles, stores) is not text.
TEXT_PROPS = frozenset({"children", "placeholder", "title", "label", "aria-label", "alt", "tooltip"})
# Components whose text is code or a value being edited, the same in every language.
CODE_TYPES = frozenset({"Code", "Pre", "Textarea"})


# -- fixtures -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app over a small demo city with its boards and catalog."""
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("language-sweep")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    yield app
    rt.close()


@pytest.fixture(scope="module")
def allowed(demo: Any) -> dict[str, frozenset[str]]:
    """Per language, the exact strings that may appear in the other script."""
    from access.models import Area, AuditEvent, Department, User
    from boards.models import BoardRecord
    from datasets.models import Dataset, DatasetColumn
    from indicators.models import IndicatorRecord

    rt = demo.server.extensions["city"]
    with rt.store.read() as db:
        registry = {
            *db.scalars(select(Area.name_zh)),
            *db.scalars(select(Area.name_en)),
            *db.scalars(select(Department.name_zh)),
            *db.scalars(select(Department.name_en)),
        }
        ids_ = {
            *db.scalars(select(IndicatorRecord.id)),
            *db.scalars(select(Dataset.id)),
            *db.scalars(select(DatasetColumn.name)),
            *db.scalars(select(BoardRecord.id)),
            *db.scalars(select(User.username)),
            *db.scalars(select(Department.code)),
            *db.scalars(select(Area.code)),
            *db.scalars(select(AuditEvent.action)),
        }
        people = set(db.scalars(select(User.display_name)))
        labels = set(db.scalars(select(DatasetColumn.label)))  # the dictionary's labels, in whatever language they were given
    return {
        "zh": ALLOWED_LATIN | ids_ | labels,
        "en": ALLOWED_DATA_ZH | people | {i for i in ids_ if CJK.search(i)},
        "registry": frozenset(registry),
        "labels": frozenset(labels),
    }


# -- reading what a person sees ----------------------------------------------------------------------
def _figure_texts(figure: Any) -> Iterator[tuple[str, str]]:
    figure = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure
    layout = figure.get("layout") or {}
    for key, value in layout.items():
        if key == "title" or key.startswith(("xaxis", "yaxis")) or key == "legend":
            title = (value or {}).get("title") if key != "title" else value
            text = title.get("text") if isinstance(title, dict) else title
            if isinstance(text, str):
                yield f"figure.layout.{key}.title", text
    for note in layout.get("annotations") or []:
        yield "figure.annotation", str(note.get("text") or "")
    for trace in figure.get("data") or []:
        for key in ("name", "hovertemplate", "texttemplate"):
            if isinstance(trace.get(key), str):
                yield f"figure.trace.{key}", PLACEHOLDER.sub(" ", trace[key]).strip()
        for key in ("x", "y", "labels", "text"):
            values = trace.get(key)
            for value in values if isinstance(values, (list, tuple)) else []:
                if isinstance(value, str):
                    yield f"figure.trace.{key}", value


def _grid_texts(props: dict[str, Any]) -> Iterator[tuple[str, str]]:
    own = (props.get("dashGridOptions") or {}).get("localeText")  # the grid's own words: pagination, menus, "no rows"
    for key, value in (own or {"default": "Page Size, No Rows To Show"}).items():  # without them, ag-grid speaks English
        yield f"grid.localeText.{key}", value
    shown: dict[str, dict[str, str] | None] = {}  # visible field -> the words its formatter maps values to
    for column in props.get("columnDefs") or []:
        if column.get("hide"):
            continue
        formatter = (column.get("valueFormatter") or {}).get("function", "")
        mapped = WORD_FORMATTER.match(formatter)
        shown[column.get("field")] = json.loads(mapped.group(1)) if mapped else None
        for key in ("headerName", "headerTooltip"):
            if isinstance(column.get(key), str):
                yield f"grid.{key}", column[key]
    for row in props.get("rowData") or []:
        for key, value in row.items():
            if isinstance(value, str) and key in shown:
                words = shown[key]
                yield f"grid.row.{key}", words.get(value, value) if words else value


def texts(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) for every string a person can read in a component tree (objects or renderer JSON)."""
    if isinstance(node, Component):
        yield from texts(node.to_plotly_json(), where)
    elif isinstance(node, dict) and "props" in node and "type" in node:
        kind, props = node["type"], node["props"]
        here = f"{where}/{kind}"
        if kind in CODE_TYPES or "data-value" in str(props.get("className") or "").split():
            return  # code, or values shown as stored (a class layouts put on data only, e.g. a profile's common values)
        if kind == "Graph" and props.get("figure"):
            for path, text in _figure_texts(props["figure"]):
                yield f"{here}.{path}", text
        if kind == "AgGrid":
            yield from ((f"{here}.{path}", text) for path, text in _grid_texts(props))
        for option in props.get("options") or [] if isinstance(props.get("options"), list) else []:
            label = option.get("label") if isinstance(option, dict) else option
            yield from texts(label, f"{here}.options")
        for key in TEXT_PROPS:
            yield from texts(props.get(key), f"{here}.{key}")
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from texts(item, where)
    elif isinstance(node, str) and node.strip():
        yield where, node


def wrong_language(text: str, lang: str, allowed: frozenset[str]) -> str | None:
    """The part of `text` written in the other language, or None when the text is all in `lang`."""
    if lang == "zh":
        for value in sorted((a for a in allowed if " " in a and a in text), key=len, reverse=True):
            text = text.replace(value, " ")  # an allowed name of several words (an English department name)
        for token in LATIN_TOKEN.findall(text):
            token = token.rstrip(".-/")
            if sum(c.isascii() and c.isalpha() for c in token) >= 2 and token not in allowed:
                return str(token)
        return None
    rest = text
    for value in sorted((a for a in allowed if a and a in rest), key=len, reverse=True):
        rest = rest.replace(value, " ")
    found = CJK.search(rest)
    return found.group(0) if found else None


def offences(tree: Any, lang: str, allowed: frozenset[str]) -> list[str]:
    found = []
    for where, text in texts(tree):
        bad = wrong_language(text, lang, allowed)
        if bad is not None:
            found.append(f"{bad!r} in {text[:90]!r} at {where[-90:]}")
    return sorted(set(found))


# -- the detector itself -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang", "bad"),
    [
        ("拥堵指数排名", "zh", None),
        ("平均车速 km/h · traffic.avg_speed", "zh", None),
        ("图例 Target", "zh", "Target"),
        ("主干道 arterial", "zh", "arterial"),
        ("Congestion index by district", "en", None),
        ("Ranking (东城区)", "en", "东"),
        ("Channel: 网上办", "en", None),
        ("Status：", "en", "："),
    ],
)
def test_the_detector_tells_languages_apart(text: str, lang: str, bad: str | None) -> None:
    allowed = {"zh": ALLOWED_LATIN | {"traffic.avg_speed"}, "en": ALLOWED_DATA_ZH}
    assert wrong_language(text, lang, allowed[lang]) == bad


def test_figures_grids_and_options_are_read() -> None:
    import dash_ag_grid as dag
    import plotly.graph_objects as go
    from dash import dcc, html

    fig = go.Figure(go.Bar(x=[1], y=["东城区"], name="Value", hovertemplate="%{x} 辆/日<extra></extra>"))
    fig.update_layout(title="Ranking", xaxis_title="辆", annotations=[{"text": "Target 3"}])
    tree = html.Div(
        [
            dcc.Graph(figure=fig),
            dag.AgGrid(columnDefs=[{"field": "a", "headerName": "Status"}], rowData=[{"a": "green"}]),
            dcc.Dropdown(options=[{"label": "District", "value": "district"}], placeholder="Pick one"),
            html.Code("SELECT 1"),
        ]
    )
    assert {text for _where, text in texts(tree)} == {
        "东城区",
        "Value",
        "辆/日",
        "Ranking",
        "辆",
        "Target 3",
        "Status",
        "green",
        "District",
        "Pick one",
        "Page Size, No Rows To Show",  # a grid without words of its own speaks ag-grid's English
    }


# -- the sweep -----------------------------------------------------------------------------------------
PAGE_ARGS = {
    "/datasets/<dataset_id>": {"dataset_id": "traffic_segment_speeds"},
    "/indicators/<indicator_id>": {"indicator_id": "traffic.congestion_index"},
    "/boards/<board_id>": {"board_id": "traffic_board"},
    "/authoring/<indicator_id>": {"indicator_id": "traffic.congestion_index"},
}
ADMIN_TABS = ("users", "departments", "grants", "policies", "audit", "view_as")


def pages_of(lang: str) -> Iterator[tuple[str, Any]]:
    """Every registered page (and every admin tab), rendered for the signed-in user."""
    from app import _layout

    yield "shell", _layout()
    for page in dash.page_registry.values():
        path = page.get("path_template") or page["path"]
        yield path, page["layout"](**PAGE_ARGS.get(path, {}))
        title = page["title"]  # the browser tab's title, which Dash asks for with the path's variables
        yield f"{path} (title)", title(**PAGE_ARGS.get(path, {})) if callable(title) else title
    admin = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/admin")
    for tab in ADMIN_TABS:
        yield f"/admin?tab={tab}", admin(tab=tab)


def test_every_registered_page_is_swept(demo: Any) -> None:
    templates = {p.get("path_template") for p in dash.page_registry.values()} - {None}
    assert templates <= set(PAGE_ARGS), f"give the sweep arguments for {templates - set(PAGE_ARGS)}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", USERS)
def test_pages_speak_one_language(demo: Any, allowed: dict[str, frozenset[str]], username: str, lang: str) -> None:
    found: list[str] = []
    with signed_in(demo, username, lang):
        for path, tree in pages_of(lang):
            here = allowed[lang] | page_allowed(path, lang)
            if path.startswith("/admin"):
                here |= allowed["registry"]
            if path == "/datasets/<dataset_id>":
                here |= allowed["labels"]  # the data dictionary lists each column's label as it was given
            found += [
                f"{path}: {o}"
                for o in offences(tree, lang, here)
                if not any(path.startswith(gap) and KNOWN_GAPS[gap] in o for gap in KNOWN_GAPS)
            ]
    assert not found, "\n".join(["", *found])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", USERS)
def test_indicator_values_speak_one_language(demo: Any, allowed: dict[str, frozenset[str]], username: str, lang: str) -> None:
    """The indicator page's KPIs, trend, ranking and rows, broken down by district and compared with a year ago."""
    from callbacks.indicators import indicator_values

    found: list[str] = []
    with signed_in(demo, username, lang):
        for indicator, by in (
            ("traffic.congestion_index", "district"),
            ("traffic.congestion_index", "road_class"),
            ("services.avg_approval_days", "district"),
        ):
            tree = indicator_values("month", *YEAR, by, "year_ago", indicator)
            found += [f"{indicator} by {by}: {o}" for o in offences(tree, lang, allowed[lang])]
    assert not found, "\n".join(["", *found])


BOARDS = ("city_cockpit", "traffic_board", "gov_services_board", "hotline_board", "environment_board", "urban_board", "emergency_board")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", USERS)
def test_board_tiles_speak_one_language(demo: Any, allowed: dict[str, frozenset[str]], username: str, lang: str) -> None:
    """Every tile of every demo board as the tiles callback returns it (figures, KPIs, tables, states)."""
    found: list[str] = []
    web = client(demo, username, lang)
    for board in BOARDS:
        response = post(
            web,
            "board-grid.children",
            [
                ("board-tileset", "data", None),
                ("board-range", "start_date", YEAR[0]),
                ("board-range", "end_date", YEAR[1]),
                ("board-grain", "value", "month"),
                ("board-district", "value", ""),
                ("board-cross", "data", None),
                ("board-reload", "n_clicks", None),
            ],
            [("board-id", "data", board)],
        )
        assert response.status_code == 200, response.text[:300]
        tree = (response.json or {})["response"]["board-grid"]["children"]
        found += [f"{board}: {o}" for o in offences(tree, lang, allowed[lang])]
    assert not found, "\n".join(["", *found])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", USERS)
def test_catalog_cards_speak_one_language(demo: Any, allowed: dict[str, frozenset[str]], username: str, lang: str) -> None:
    """The catalog's cards with their latest values, status lights and units, as the two catalog callbacks fill them."""
    from callbacks.indicators import filter_catalog, latest_values

    with signed_in(demo, username, lang) as who:
        rt = demo.server.extensions["city"]
        latest = latest_values([i.id for i in rt.registry.visible(who)])
        tree = filter_catalog("", "", "", latest)
    assert latest
    found = offences(tree, lang, allowed[lang])
    assert not found, "\n".join(["", *found])


BUILDER_CHARTS = (
    ("dataset:traffic_segment_speeds", {"measure_1": "speed_kmh", "agg_1": "avg", "dimension_1": "district", "grain": "~"}),
    ("dataset:traffic_segment_speeds", {"dimension_1": "road_class", "grain": "month", "chart": "line"}),
    ("dataset:traffic_segment_speeds", {"dimension_1": "district", "dimension_2": "road_class", "grain": "~", "chart": "stacked"}),
    ("dataset:traffic_segment_speeds", {"dimension_1": "road_class", "grain": "~", "chart": "donut"}),
    ("indicator:traffic.congestion_index", {"dimension_1": "district", "grain": "~"}),
)


BUILDER_FILTERS = [{"column": "district", "values": ["东城区"]}, {"column": "road_class", "values": ["arterial", "expressway"]}]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", USERS)
def test_builder_charts_speak_one_language(demo: Any, allowed: dict[str, frozenset[str]], username: str, lang: str) -> None:
    """The chart builder's live preview (figure, legend, sentence, notes) for rankings, lines, stacks and parts."""
    from tests.test_builder_pages import preview

    found: list[str] = []
    web = client(demo, username, lang)
    for source, form in BUILDER_CHARTS:
        tree = preview(web, source, {"time_column": "observed_at", **form}, BUILDER_FILTERS if source.startswith("dataset:") else [])
        tree = tree["response"]["bld-preview"]["children"]
        assert '"type": "Graph"' in json.dumps(tree), f"{source} {form}: no chart"
        found += [f"{source} {form}: {o}" for o in offences(tree, lang, allowed[lang])]
    assert not found, "\n".join(["", *found])


# An upload with judgement calls: a mostly numeric column with a token, dates in several Chinese formats.
UPLOAD_ROWS = [("东城区", "2025/1/5", "31.5", "正常"), ("西城区", "2025-01-06", "未知", "拥堵"), ("东城区", "2025年1月7日", "33.5", "正常")]
UPLOAD_CSV = "区县,日期,车速,备注\n" + "".join(",".join(row) + "\n" for row in UPLOAD_ROWS * 8)
UPLOAD_DATA = frozenset({"区县", "日期", "车速", "备注", "未知", "语言抽查", *(cell for row in UPLOAD_ROWS for cell in row)})


def _report(web: Any, status: int, body: Any) -> Any:
    """The upload report as its callback renders the API's answer (what assets/upload.js hands it)."""
    response = post(web, "upload-report.children", [("upload-result", "data", {"status": status, "body": body})])
    assert response.status_code == 200, response.text[:300]
    return (response.json or {})["response"]["upload-report"]["children"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", ("admin", "traffic_analyst"))
def test_import_reports_speak_one_language(demo: Any, allowed: dict[str, frozenset[str]], username: str, lang: str) -> None:
    """The preview of an upload (types, judgement calls, notes), its published report, and a refused file."""
    import io

    from tests.conftest import csrf_header

    web = client(demo, username, lang)
    fields = {"name": "语言抽查", "name_en": f"Language check {username} {lang}", "department": "traffic"}
    staged = web.post(
        f"/api/v1/datasets?preview=1&lang={lang}",
        data={**fields, "file": (io.BytesIO(UPLOAD_CSV.encode()), "speeds.csv")},
        headers=csrf_header(web),
        content_type="multipart/form-data",
    )
    assert staged.status_code == 201, staged.text[:300]
    upload_id = (staged.json or {})["upload_id"]
    published = web.post(f"/api/v1/uploads/{upload_id}/publish?lang={lang}", json={"types": {}}, headers=csrf_header(web))
    assert published.status_code == 201, published.text[:300]
    refused = web.post(
        f"/api/v1/datasets?preview=1&lang={lang}",
        data={**fields, "file": (io.BytesIO(b"\x00\x01\x02"), "broken.xlsx")},
        headers=csrf_header(web),
        content_type="multipart/form-data",
    )
    assert refused.status_code >= 400
    found: list[str] = []
    for step, answer in (("preview", staged), ("published", published), ("refused", refused)):
        tree = _report(web, answer.status_code, answer.json)
        found += [f"{step}: {o}" for o in offences(tree, lang, allowed[lang] | UPLOAD_DATA | {"speeds.csv", "broken.xlsx"})]
    assert not found, "\n".join(["", *found])


# -- value labels, the rule behind the members shown ---------------------------------------------------------
PLACES = {"东城区": ("东城区", "Dongcheng District"), "Dongcheng District": ("东城区", "Dongcheng District"), "无名区": ("无名区", "")}


@pytest.mark.parametrize(
    ("column", "value", "lang", "shown"),
    [
        ("road_class", "arterial", "zh", "主干道"),
        ("road_class", "arterial", "en", "Arterial road"),
        ("road_class", "ring_road", "zh", "ring_road"),  # not in the code list: shown as stored
        ("district", "东城区", "en", "Dongcheng District"),
        ("district", "Dongcheng District", "zh", "东城区"),
        ("district", "东城区", "zh", "东城区"),
        ("district", "无名区", "en", "无名区"),  # a registered area without an English name keeps its Chinese one
        ("category", "噪音扰民", "en", "噪音扰民"),  # an uploaded dataset's own words stay
        ("district", None, "en", ""),
    ],
)
def test_value_labels(column: str, value: Any, lang: str, shown: str) -> None:
    from datasets.dictionary import value_label

    assert value_label(column, value, lang, PLACES) == shown


def test_relabelled_rows_keep_other_columns_and_labels_name_only_what_differs() -> None:
    from datasets.dictionary import relabel, value_labels

    rows = [{"period": "2025", "district": "东城区", "value": 1.5}, {"period": "2025", "district": "外区", "value": None}]
    assert relabel(rows, ["district"], "en", PLACES) == [
        {"period": "2025", "district": "Dongcheng District", "value": 1.5},
        {"period": "2025", "district": "外区", "value": None},
    ]
    assert value_labels(rows, ["district", "period"], "en", PLACES) == {"district": {"东城区": "Dongcheng District"}}


QUESTIONS = {
    "zh": ("今年各区拥堵指数排名", "各区12345工单办结率排名"),
    "en": ("congestion index ranking by district this year", "closure rate by district"),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", ("admin", "traffic_analyst"))
def test_answers_speak_one_language(demo: Any, allowed: dict[str, frozenset[str]], username: str, lang: str) -> None:
    """The board question box's answers, asked in the page's language: the sentence, best and worst areas, the chart."""
    from tests.dashcalls import call, prop, prop_id

    web = client(demo, username, lang)
    found: list[str] = []
    for question in QUESTIONS[lang]:
        response = call(
            web,
            "ask-answer.children",
            [prop("ask-submit", "n_clicks", 1), prop("ask-input", "n_submit", None), []],
            [prop("ask-input", "value", question), [], prop("board-id", "data", "city_cockpit")],
            prop_id("ask-submit", "n_clicks"),
        )
        assert response.status_code == 200, response.text[:300]
        tree = (response.json or {})["response"]["ask-answer"]["children"]
        found += [f"{question}: {o}" for o in offences(tree, lang, allowed[lang])]
    assert not found, "\n".join(["", *found])


@pytest.mark.parametrize(("lang", "district"), [("zh", "zh"), ("en", "District")])
def test_a_breakdown_is_named_as_the_dictionary_names_it(demo: Any, lang: str, district: str) -> None:
    """The indicator page's breakdown choices, ranking title and row headers read the dictionary's label (所在区),
    not the column's identifier; a Chinese label reads as the name spelled out on an English screen."""
    from callbacks.indicators import indicator_values
    from demo.dictionary import LABELS
    from layouts import ids
    from tests.dashcalls import by_id, text

    expected = LABELS["traffic_segment_speeds"]["district"] if district == "zh" else district
    with signed_in(demo, "traffic_analyst", lang):
        page = dash.page_registry["indicator"]["layout"](indicator_id="traffic.congestion_index")
        values = indicator_values("month", *YEAR, "district", "none", "traffic.congestion_index")
    assert {o["value"]: o["label"] for o in by_id(page, ids.indicator.BY).options}["district"] == expected
    ranking = "所在区 排名" if lang == "zh" else "Ranking by District"
    assert ranking.replace("所在区", expected) in text(values)
    assert expected in [c["headerName"] for c in by_id(values, ids.indicator.GRID).columnDefs]


@pytest.mark.parametrize("lang", LANGS)
def test_the_authoring_preview_speaks_one_language(demo: Any, allowed: dict[str, frozenset[str]], lang: str) -> None:
    """The authoring page's live preview of a definition, broken down by district and by road class."""
    from callbacks.authoring import preview
    from layouts import ids
    from tests.dashcalls import by_id

    found: list[str] = []
    with signed_in(demo, "traffic_analyst", lang):
        page = dash.page_registry["authoring_edit"]["layout"](indicator_id="traffic.congestion_index")
        yaml_text = by_id(page, ids.authoring.YAML).value
        for by in ("district", "road_class"):
            shown, note = preview(yaml_text, "month", by)
            assert '"type": "Graph"' in json.dumps(shown, default=lambda o: o.to_plotly_json()), f"{by}: no chart"
            found += [f"by {by}: {o}" for o in offences([shown, note], lang, allowed[lang])]
    assert not found, "\n".join(["", *found])


@pytest.mark.parametrize("lang", LANGS)
def test_times_are_not_labelled_utc(demo: Any, lang: str) -> None:
    """Every time a page shows is on the city's clock (citytime), so none may say it is UTC."""
    labelled = []
    with signed_in(demo, "admin", lang):
        for path, tree in pages_of(lang):
            labelled += [f"{path}: {text}" for _where, text in texts(tree) if "UTC" in text]
    assert not labelled, "\n".join(["", *labelled])
