"""Every documented endpoint, called on the demo city, answers what its shape in /api/v1/openapi.json says.

The document is generated from the pydantic shapes (api/shapes/) and the route table; each answer is validated with
the shape its route names (the same model the document's schema comes from), and a field that a closed shape does
not list fails: the document is the whole contract. Every $ref of the document resolves."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from pydantic import BaseModel, RootModel

from api.shapes.boards import TileData
from api.shapes.common import Answer, Error
from api.shapes.routes import ROUTES, Route
from tests.conftest import make_settings

CSV = "district,day,complaints\n东城区,2025-01-01,3\n西城区,2025-01-01,5\n东城区,2025-01-02,4\n"


class Caller:
    """A client that signs every request with the user's API token."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client, self.token = client, token

    def __call__(self, method: str, path: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return getattr(self.client, method)(path, headers=headers, **kw)


class City(dict[str, Caller]):
    """The demo city's signed-in callers by user name, and its runtime."""

    rt: Any


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    from access.users import issue_token
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("wire")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    callers = City(public=Caller(app.server.test_client(), None))
    callers.rt = rt
    for name in ("admin", "traffic_analyst", "traffic_staff"):
        with rt.store.transaction() as session:
            callers[name] = Caller(app.server.test_client(), issue_token(session, name, "wire shapes"))
    yield callers
    rt.close()


def undocumented(value: Any, where: str = "") -> list[str]:
    """Fields a closed shape does not list, anywhere in a validated answer."""
    found: list[str] = []
    if isinstance(value, RootModel):
        return undocumented(value.root, where)
    if isinstance(value, BaseModel):
        if isinstance(value, Answer) and not value.open:
            found += [f"{where}.{k}" for k in value.model_extra or {}]
        for name in type(value).model_fields:
            found += undocumented(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value[:50]):
            found += undocumented(item, f"{where}[{i}]")
    return found


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def check(document: dict[str, Any], route: Route, response: Any) -> None:
    """The answer has the documented status, and validates against the schema the document names for it."""
    where = f"{route.method.upper()} {route.path}"
    assert response.status_code == route.status, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    documented = document["paths"][route.path][route.method]["responses"][str(route.status)]
    if route.answer is None:
        assert "content" not in documented
        return
    ref = documented["content"]["application/json"]["schema"]["$ref"]
    assert ref.rsplit("/", 1)[-1] in document["components"]["schemas"], where
    answer = route.answer.model_validate(response.get_json())
    assert undocumented(answer) == [], f"{where}: fields the document does not list"


def test_every_ref_of_the_document_resolves(city: City) -> None:
    document = city["traffic_staff"]("get", "/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    found = set(refs(document))
    assert found and all(r.startswith("#/components/schemas/") and r.rsplit("/", 1)[-1] in schemas for r in found)
    # every shape the document defines is used by some route (nothing stale left behind)
    named = {r.rsplit("/", 1)[-1] for r in found}
    assert set(schemas) <= named | {n for s in schemas.values() for n in (r.rsplit("/", 1)[-1] for r in refs(s))}


def test_errors_answer_the_error_shape(city: City) -> None:
    staff, public = city["traffic_staff"], city["public"]
    answers = [
        public("get", "/api/v1/boards"),  # 401
        staff("get", "/api/v1/admin/users"),  # 403
        staff("get", "/api/v1/boards/no_such_board"),  # 404
        staff("post", "/api/v1/query", json={"dataset": "traffic_segment_speeds", "limit": "many"}),  # 422
    ]
    assert [a.status_code for a in answers] == [401, 403, 404, 422]
    for answer in answers:
        assert undocumented(Error.model_validate(answer.get_json())) == []


def test_every_documented_endpoint_answers_its_shape(city: City) -> None:
    admin, analyst, staff, public = city["admin"], city["traffic_analyst"], city["traffic_staff"], city["public"]
    document = staff("get", "/api/v1/openapi.json").get_json()
    ids: dict[str, Any] = {}

    def upload(preview: bool, name: str) -> Any:
        form = {"file": (io.BytesIO(CSV.encode()), f"{name}.csv"), "name": name, "department": "traffic"}
        query = "?preview=1&progress=wire-shapes-key" if preview else ""
        return analyst("post", f"/api/v1/datasets{query}", data=form, content_type="multipart/form-data")

    def staged_then(method: str) -> Any:
        upload_id = upload(True, f"wire_{method}").get_json()["upload_id"]
        if method == "delete":
            return analyst("delete", f"/api/v1/uploads/{upload_id}")
        return analyst("post", f"/api/v1/uploads/{upload_id}/publish", json={"types": {"complaints": "integer"}})

    def new_definition() -> dict[str, Any]:
        definition = dict(analyst("get", "/api/v1/indicators/traffic.avg_speed").get_json())
        for key in ("status", "version"):
            definition.pop(key, None)
        return definition | {"id": "traffic.wire_speed", "name": {"zh": "接口车速", "en": "Wire speed"}}

    board = {"title": {"zh": "接口看板", "en": "Wire board"}, "tiles": [], "layout": []}
    tile = {"id": "speed", "type": "line", "source": {"indicator": "traffic.avg_speed"}, "options": {"grain": "month"}}
    query = {
        "dataset": "traffic_segment_speeds",
        "measures": [{"expr": "speed_kmh", "agg": "avg", "as": "speed"}],
        "dimensions": ["district"],
    }
    values = "?grain=month&compare=previous&by=district"
    calls: dict[tuple[str, str], Callable[[], Any]] = {
        ("get", "/api/v1/health"): lambda: public("get", "/api/v1/health"),
        ("get", "/api/v1/departments"): lambda: staff("get", "/api/v1/departments"),
        ("get", "/api/v1/openapi.json"): lambda: staff("get", "/api/v1/openapi.json"),
        ("get", "/api/v1/datasets"): lambda: staff("get", "/api/v1/datasets"),
        ("post", "/api/v1/datasets"): lambda: upload(False, "wire_direct"),
        ("post", "/api/v1/uploads/{id}/publish"): lambda: staged_then("publish"),
        ("delete", "/api/v1/uploads/{id}"): lambda: staged_then("delete"),
        ("get", "/api/v1/uploads/progress/{key}"): lambda: analyst("get", "/api/v1/uploads/progress/wire-shapes-key"),
        ("get", "/api/v1/datasets/{id}"): lambda: staff("get", "/api/v1/datasets/traffic_segment_speeds"),
        ("delete", "/api/v1/datasets/{id}"): lambda: analyst("delete", f"/api/v1/datasets/{upload(False, 'wire_gone').get_json()['id']}"),
        ("get", "/api/v1/datasets/{id}/rows"): lambda: staff("get", "/api/v1/datasets/traffic_segment_speeds/rows?limit=5&sort=-speed_kmh"),
        ("get", "/api/v1/datasets/{id}/versions"): lambda: analyst("get", "/api/v1/datasets/traffic_segment_speeds/versions"),
        ("get", "/api/v1/datasets/{id}/values/{column}"): lambda: staff("get", "/api/v1/datasets/traffic_segment_speeds/values/district"),
        ("patch", "/api/v1/datasets/{id}/columns/{name}"): lambda: analyst(
            "patch", "/api/v1/datasets/traffic_segment_speeds/columns/district", json={"description_en": "District of the segment"}
        ),
        ("get", "/api/v1/indicators"): lambda: staff("get", "/api/v1/indicators"),
        ("post", "/api/v1/indicators"): lambda: analyst("post", "/api/v1/indicators", json=new_definition()),
        ("get", "/api/v1/indicators/{id}"): lambda: staff("get", "/api/v1/indicators/traffic.avg_speed?version=1"),
        ("put", "/api/v1/indicators/{id}"): lambda: analyst(
            "put", "/api/v1/indicators/traffic.wire_speed", json=new_definition() | {"unit": "公里/小时"}
        ),
        ("get", "/api/v1/indicators/{id}/versions"): lambda: analyst("get", "/api/v1/indicators/traffic.wire_speed/versions"),
        ("post", "/api/v1/indicators/{id}/submit"): lambda: analyst("post", "/api/v1/indicators/traffic.wire_speed/submit"),
        ("post", "/api/v1/indicators/{id}/certify"): lambda: analyst("post", "/api/v1/indicators/traffic.wire_speed/certify"),
        ("post", "/api/v1/indicators/{id}/deprecate"): lambda: analyst("post", "/api/v1/indicators/traffic.wire_speed/deprecate"),
        ("get", "/api/v1/indicators/{id}/values"): lambda: staff("get", f"/api/v1/indicators/traffic.avg_speed/values{values}"),
        ("get", "/api/v1/indicators/{id}/explain"): lambda: staff("get", f"/api/v1/indicators/traffic.avg_speed/explain{values}"),
        ("post", "/api/v1/indicators/validate"): lambda: analyst("post", "/api/v1/indicators/validate", json=new_definition()),
        ("post", "/api/v1/indicators/preview"): lambda: analyst(
            "post", "/api/v1/indicators/preview", json={"definition": new_definition(), "grain": "quarter", "compare": "year_ago"}
        ),
        ("post", "/api/v1/query"): lambda: staff("post", "/api/v1/query", json=query),
        ("post", "/api/v1/query/explain"): lambda: staff("post", "/api/v1/query/explain", json=query),
        ("post", "/api/v1/ask"): lambda: staff("post", "/api/v1/ask", json={"question": "各区拥堵指数", "lang": "zh"}),
        ("get", "/api/v1/tokens"): lambda: staff("get", "/api/v1/tokens"),
        ("post", "/api/v1/tokens"): lambda: staff("post", "/api/v1/tokens", json={"name": "a script"}),
        ("delete", "/api/v1/tokens/{id}"): lambda: staff(
            "delete", f"/api/v1/tokens/{max(t['id'] for t in staff('get', '/api/v1/tokens').get_json()['tokens'])}"
        ),
        ("get", "/api/v1/admin/users"): lambda: admin("get", "/api/v1/admin/users"),
        ("post", "/api/v1/admin/users"): lambda: admin(
            "post",
            "/api/v1/admin/users",
            json={"username": "wire_clerk", "password": "a long passphrase 42", "role": "staff", "department": "traffic"},
        ),
        ("patch", "/api/v1/admin/users/{username}"): lambda: admin(
            "patch", "/api/v1/admin/users/wire_clerk", json={"display_name": "接口科员"}
        ),
        ("delete", "/api/v1/admin/users/{username}"): lambda: admin("delete", "/api/v1/admin/users/wire_clerk"),
        ("post", "/api/v1/admin/departments"): lambda: admin(
            "post", "/api/v1/admin/departments", json={"code": "parks", "name_zh": "园林局", "name_en": "Parks"}
        ),
        ("post", "/api/v1/admin/areas"): lambda: admin(
            "post",
            "/api/v1/admin/areas",
            json={"code": "wire_street", "name_zh": "接口街道", "name_en": "Wire Street", "level": "street", "parent": "dongcheng"},
        ),
        ("delete", "/api/v1/admin/departments/{code}"): lambda: (
            admin("post", "/api/v1/admin/departments", json={"code": "wire_gone", "name_zh": "撤销局", "name_en": "Gone"}),
            admin("delete", "/api/v1/admin/departments/wire_gone"),
        )[1],
        ("delete", "/api/v1/admin/areas/{code}"): lambda: (
            admin(
                "post",
                "/api/v1/admin/areas",
                json={"code": "wire_gone", "name_zh": "撤销街道", "name_en": "Gone Street", "level": "street", "parent": "dongcheng"},
            ),
            admin("delete", "/api/v1/admin/areas/wire_gone"),
        )[1],
        ("get", "/api/v1/admin/grants"): lambda: admin("get", "/api/v1/admin/grants"),
        ("post", "/api/v1/admin/grants"): lambda: ids.setdefault(
            "grant",
            admin(
                "post",
                "/api/v1/admin/grants",
                json={
                    "object_type": "dataset",
                    "object_id": "traffic_segment_speeds",
                    "grantee_type": "department",
                    "grantee": "parks",
                    "level": "view",
                },
            ),
        ),
        ("delete", "/api/v1/admin/grants/{id}"): lambda: admin("delete", f"/api/v1/admin/grants/{ids['grant'].get_json()['id']}"),
        ("get", "/api/v1/admin/row-policies"): lambda: admin("get", "/api/v1/admin/row-policies?dataset=traffic_segment_speeds"),
        ("post", "/api/v1/admin/row-policies"): lambda: ids.setdefault(
            "policy",
            admin(
                "post",
                "/api/v1/admin/row-policies",
                json={"dataset": "traffic_segment_speeds", "kind": "predicate", "template": "speed_kmh > 0"},
            ),
        ),
        ("delete", "/api/v1/admin/row-policies/{id}"): lambda: admin(
            "delete", f"/api/v1/admin/row-policies/{ids['policy'].get_json()['id']}"
        ),
        ("get", "/api/v1/admin/audit"): lambda: admin("get", "/api/v1/admin/audit?limit=50"),
        ("get", "/api/v1/admin/view-as/{username}/datasets"): lambda: admin("get", "/api/v1/admin/view-as/traffic_staff/datasets"),
        ("get", "/api/v1/admin/view-as/{username}/indicators/{id}/values"): lambda: admin(
            "get", f"/api/v1/admin/view-as/traffic_staff/indicators/traffic.avg_speed/values{values}"
        ),
        ("get", "/api/v1/boards"): lambda: staff("get", "/api/v1/boards"),
        ("post", "/api/v1/boards"): lambda: ids.setdefault("board", analyst("post", "/api/v1/boards", json=board)),
        ("get", "/api/v1/boards/{id}"): lambda: staff("get", "/api/v1/boards/traffic_board"),
        ("put", "/api/v1/boards/{id}"): lambda: analyst(
            "put", f"/api/v1/boards/{ids['board'].get_json()['id']}", json=board | {"version": 1, "tiles": [tile], "layout": []}
        ),
        ("post", "/api/v1/boards/{id}/tiles"): lambda: analyst("post", "/api/v1/boards/mine/tiles", json={"tile": tile}),
        ("get", "/api/v1/boards/{id}/versions"): lambda: analyst("get", f"/api/v1/boards/{ids['board'].get_json()['id']}/versions"),
        ("post", "/api/v1/boards/{id}/restore"): lambda: analyst(
            "post", f"/api/v1/boards/{ids['board'].get_json()['id']}/restore", json={"version": 1, "current": 2}
        ),
        ("get", "/api/v1/boards/{id}/view"): lambda: staff("get", "/api/v1/boards/traffic_board/view"),
        ("put", "/api/v1/boards/{id}/view"): lambda: staff(
            "put",
            "/api/v1/boards/traffic_board/view",
            json={"layout": [{**p, "y": p["y"] + 1} for p in staff("get", "/api/v1/boards/traffic_board/view").get_json()["layout"]]},
        ),
        ("delete", "/api/v1/boards/{id}/view"): lambda: staff("delete", "/api/v1/boards/traffic_board/view"),
        ("get", "/api/v1/boards/{id}/tiles/{tile_id}/data"): lambda: staff(
            "get", f"/api/v1/boards/traffic_board/tiles/{staff('get', '/api/v1/boards/traffic_board').get_json()['tiles'][0]['id']}/data"
        ),
        ("get", "/api/v1/boards/{id}/tiles/{tile_id}/export.{kind}"): lambda: staff(
            "get",
            f"/api/v1/boards/traffic_board/tiles/{staff('get', '/api/v1/boards/traffic_board').get_json()['tiles'][0]['id']}/export.csv",
        ),
        # rendering a board needs the app served to chromium (tests/test_board_export.py does it); here its 404
        ("get", "/api/v1/boards/{id}/export.{kind}"): lambda: staff("get", "/api/v1/boards/no_such_board/export.png"),
        ("delete", "/api/v1/boards/{id}"): lambda: analyst("delete", f"/api/v1/boards/{ids['board'].get_json()['id']}"),
        ("post", "/api/v1/boards/{id}/undelete"): lambda: analyst("post", f"/api/v1/boards/{ids['board'].get_json()['id']}/undelete"),
    }
    routes = {(r.method, r.path): r for r in ROUTES}
    assert set(calls) == set(routes), "every documented route is called here, and only those"
    for key, call in calls.items():  # in the order written: creations before the calls that use them
        if key == ("get", "/api/v1/boards/{id}/export.{kind}"):
            missing = call()
            assert missing.status_code == 404 and "404" in document["paths"][key[1]]["get"]["responses"]
            assert undocumented(Error.model_validate(missing.get_json())) == []
            continue
        check(document, routes[key], call())


TILES: list[dict[str, Any]] = [
    {
        "id": "speed",
        "type": "line",
        "source": {"indicator": "traffic.avg_speed"},
        "options": {"grain": "month", "by": "district,road_class", "district": "东城区"},
    },
    {
        "id": "by_class",
        "type": "bar",
        "source": {
            "query": {
                "dataset": "traffic_segment_speeds",
                "measures": [{"expr": "speed_kmh", "agg": "avg", "as": "speed"}],
                "dimensions": ["road_class"],
            }
        },
    },
]


def test_a_tile_keeps_a_typed_request_in_its_wire_form() -> None:
    from boards.spec import parse_spec

    spec, issues = parse_spec({"title": {"zh": "看板"}, "tiles": TILES})
    assert issues == [] and spec is not None
    options, query = spec.tiles[0].options, spec.tiles[1].source.query
    assert (options.grain, options.by, options.where) == ("month", ("district", "road_class"), {"district": "东城区"})
    assert query is not None and [(m.expr, m.agg, m.as_) for m in query.measures] == [("speed_kmh", "avg", "speed")]
    saved = spec.to_dict()["tiles"]  # kept as the requests were sent: the values request's arguments, the query's JSON
    assert saved[0]["options"] == TILES[0]["options"] and saved[1]["source"]["query"] == TILES[1]["source"]["query"]


def test_a_save_refuses_what_the_request_would_refuse() -> None:
    from boards.spec import parse_spec

    bad_grain = {**TILES[0], "options": {"grain": "monthly"}}
    bad_agg = {
        **TILES[1],
        "source": {"query": {"dataset": "traffic_segment_speeds", "measures": [{"expr": "speed_kmh", "agg": "average"}]}},
    }
    spec, issues = parse_spec({"title": {"zh": "看板"}, "tiles": [bad_grain, bad_agg]})
    assert spec is None
    assert {i.column for i in issues} == {"tiles.0.options.grain", "tiles.1.source.query.measures.0.agg"}


def test_a_board_saved_in_the_old_shape_still_opens(city: City) -> None:
    """Saved before tiles held typed requests: free JSON options and queries, some of which the type now refuses."""
    from boards.models import BoardRecord, BoardVersion

    analyst = city["traffic_analyst"]
    made = analyst("post", "/api/v1/boards", json={"title": {"zh": "旧看板", "en": "Old board"}})
    board_id = made.get_json()["id"]
    old = {
        "title": {"zh": "旧看板", "en": "Old board"},
        "visibility": "department",
        "shared_with": [],
        "filters": {"from": None, "to": None, "grain": None, "dimensions": {}},
        "tiles": [
            {
                **TILES[0],
                "title": {"zh": "", "en": ""},
                "options": {"grain": "monthly", "compare": "previous", "district": "东城区"},
                "text": "",
            },
            {
                **TILES[1],
                "title": {"zh": "", "en": ""},
                "options": {},
                "text": "",
                "source": {
                    "indicator": None,
                    "query": {
                        **TILES[1]["source"]["query"],
                        "measures": [{"expr": "1", "agg": "tally"}, {"expr": "speed_kmh", "agg": "max"}],
                        "order_by": ["road_class", 7],
                    },
                },
            },
            {
                "id": "lost",
                "type": "table",
                "title": {"zh": "", "en": ""},
                "source": {"indicator": None, "query": {"measures": []}},
                "options": {},
                "text": "",
            },
        ],
        "layout": [{"i": "speed", "x": 0, "y": 0, "w": 6, "h": 4}, {"i": "lost", "x": 6, "y": 0, "w": 6, "h": 4}],
    }
    with city.rt.store.transaction() as session:
        session.get(BoardRecord, board_id).spec = old
        version = session.query(BoardVersion).filter_by(board_id=board_id, version=1).one()
        version.spec = old
    opened = analyst("get", f"/api/v1/boards/{board_id}")
    assert opened.status_code == 200, opened.get_data(as_text=True)
    tiles = {t["id"]: t for t in opened.get_json()["tiles"]}
    assert set(tiles) == {"speed", "by_class"}  # a query without a dataset never showed anything
    assert tiles["speed"]["options"] == {"compare": "previous", "district": "东城区"}
    assert tiles["by_class"]["source"]["query"]["measures"] == [{"expr": "speed_kmh", "agg": "max"}]
    assert tiles["by_class"]["source"]["query"]["order_by"] == ["road_class"]
    assert [p["i"] for p in opened.get_json()["layout"]] == ["speed"]
    for tile in ("speed", "by_class"):
        data = analyst("get", f"/api/v1/boards/{board_id}/tiles/{tile}/data").get_json()
        assert data["state"] == "ok", data
        assert undocumented(TileData.model_validate(data)) == []  # a query tile's answer too
    restored = analyst("post", f"/api/v1/boards/{board_id}/restore", json={"version": 1, "current": 1})
    assert restored.status_code == 200 and restored.get_json()["version"] == 2


CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "API.md"
# fields ../shared/API.md names, by the schema that must carry them (a contract: add, never rename or drop)
CONTRACT_FIELDS = {
    "Dataset": {"id", "name", "department", "rows", "data_version", "columns", "profile"},
    "Column": {"name", "label", "type", "role", "nullable", "pii"},
    "QueryRequest": {"dataset", "measures", "dimensions", "time", "filters", "order_by", "limit"},
    "QueryMeasure": {"expr", "agg", "as"},
    "QueryTime": {"column", "grain", "from", "to"},
    "QueryFilter": {"column", "op", "value"},
    "QueryAnswer": {"columns", "rows", "truncated"},
    "Values": {"indicator", "unit", "direction", "rows"},
    "ValueRow": {"period", "value", "target", "attainment", "status", "compare_value", "change"},
    "Question": {"question", "lang"},
    "Reply": {"query", "sentence", "columns", "rows"},
    "Health": {"status"},
    "IndicatorSummary": {"status"},
}


def test_the_document_keeps_every_path_and_field_the_contract_names(city: City) -> None:
    from tests.conftest import need

    need(CONTRACT.exists(), f"{CONTRACT} is missing")
    document = city["traffic_staff"]("get", "/api/v1/openapi.json").get_json()
    named = {(m.lower(), p) for m, p in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`?]*)`", CONTRACT.read_text())}
    assert len(named) >= 13
    assert {(m, p) for m, p in named if m not in document["paths"].get(p, {})} == set()
    schemas = document["components"]["schemas"]
    missing = {name: fields - set(schemas[name]["properties"]) for name, fields in CONTRACT_FIELDS.items()}
    assert {k: v for k, v in missing.items() if v} == {}
    text = CONTRACT.read_text()

    def listed(after: str) -> set[str]:  # the contract's own list, e.g. "Aggregations (`agg`): `sum, avg, …`"
        found = re.search(re.escape(after) + r"[^`]*`([^`]+)`", text)
        assert found, after
        return {w.strip() for w in found.group(1).split(",")}

    assert set(schemas["Column"]["properties"]["type"]["enum"]) >= listed("`type` one of")
    assert set(schemas["QueryMeasure"]["properties"]["agg"]["enum"]) >= listed("Aggregations (`agg`):")
    assert set(schemas["QueryFilter"]["properties"]["op"]["enum"]) >= listed("operators (`op`):")


def test_a_body_that_does_not_fit_its_shape_is_refused_naming_each_field(city: City) -> None:
    analyst, staff = city["traffic_analyst"], city["traffic_staff"]
    answers = {
        "version": analyst("post", "/api/v1/boards/traffic_board/restore", json={"version": "1"}),
        "layout": staff("put", "/api/v1/boards/traffic_board/view", json={"layout": {"i": "speed"}}),
        "tile": analyst("post", "/api/v1/boards/mine/tiles", json={"tile": ["speed"], "version": 1}),
    }
    for field, answer in answers.items():
        assert answer.status_code == 400, (field, answer.get_json())
        error = Error.model_validate(answer.get_json()).error
        assert [i.column for i in error.issues] == [field]
        assert field in error.issues[0].message_en and field in error.issues[0].message_zh
