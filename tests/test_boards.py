"""Boards: visibility, per-viewer tiles, version conflicts, history, soft delete, concurrent saves (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demo.seed import DEMO_PASSWORD, seed_if_empty
from tests.conftest import Web, csrf_header, login, make_settings


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("boards") / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.05, echo=lambda _m: None)
    yield Web(app, rt)
    rt.close()


def user(web: Web, name: str) -> Any:
    client = web.app.server.test_client()
    assert login(client, name, DEMO_PASSWORD).status_code == 302
    return client


def test_visibility_follows_departments_and_city_boards(city: Web) -> None:
    leader = {b["id"] for b in user(city, "leader").get("/api/v1/boards").json["boards"]}
    traffic = {b["id"] for b in user(city, "traffic_staff").get("/api/v1/boards").json["boards"]}
    assert len(leader) == 7 and traffic == {"city_cockpit", "traffic_board"}
    hotline = user(city, "hotline_staff")
    assert hotline.get("/api/v1/boards/traffic_board").status_code == 404
    assert hotline.get("/api/v1/boards/traffic_board").json == hotline.get("/api/v1/boards/no_such_board").json


def test_tiles_are_computed_for_each_viewer(city: Web) -> None:
    staff = user(city, "traffic_staff")  # 东城区, traffic
    congestion = staff.get("/api/v1/boards/city_cockpit/tiles/k_congestion/data").json
    approval = staff.get("/api/v1/boards/city_cockpit/tiles/k_approval/data").json
    assert congestion["state"] == "ok" and congestion["indicator"] == "traffic.congestion_index"
    assert approval == {"state": "no_access", "kind": "none"}  # another department's indicator: no data at all
    ranking = staff.get("/api/v1/boards/traffic_board/tiles/rank/data").json
    assert {r["district"] for r in ranking["rows"]} == {"东城区"}  # the district scope applies to every tile
    leader_ranking = user(city, "leader").get("/api/v1/boards/traffic_board/tiles/rank/data").json
    assert len({r["district"] for r in leader_ranking["rows"]}) == 8
    filtered = user(city, "leader").get("/api/v1/boards/traffic_board/tiles/rank/data?district=高新区").json
    assert {r["district"] for r in filtered["rows"]} == {"高新区"}


def test_a_stale_save_is_a_conflict_and_changes_nothing(city: Web) -> None:
    analyst = user(city, "traffic_analyst")
    board = analyst.get("/api/v1/boards/traffic_board").json
    first = {**board, "title": {"zh": "交通看板（新）", "en": "Traffic (new)"}}
    saved = analyst.put("/api/v1/boards/traffic_board", json=first, headers=csrf_header(analyst))
    assert saved.status_code == 200 and saved.json["version"] == board["version"] + 1
    other = user(city, "admin")  # another editor (the department's staff are none: tests/test_board_views.py)
    stale = {**board, "title": {"zh": "别人的改动", "en": "Someone else's"}}
    conflict = other.put("/api/v1/boards/traffic_board", json=stale, headers=csrf_header(other))
    assert conflict.status_code == 409 and "traffic_analyst" in conflict.json["error"]["message"]
    now = other.get("/api/v1/boards/traffic_board").json
    assert (now["version"], now["title"]["zh"]) == (board["version"] + 1, "交通看板（新）")
    history = analyst.get("/api/v1/boards/traffic_board/versions").json["versions"]
    assert [v["version"] for v in history] == [board["version"] + 1, board["version"]]
    restored = analyst.post(
        "/api/v1/boards/traffic_board/restore", json={"version": board["version"], "current": now["version"]}, headers=csrf_header(analyst)
    )
    assert (
        restored.status_code == 200
        and restored.json["title"]["zh"] == board["title"]["zh"]
        and restored.json["version"] == now["version"] + 1
    )


def test_server_owned_and_unknown_fields_never_change_a_board(city: Web) -> None:
    analyst = user(city, "traffic_analyst")
    board = analyst.get("/api/v1/boards/traffic_board").json
    sneaky = {**board, "owner": "someone", "department": "hotline", "id": "other"}
    saved = analyst.put("/api/v1/boards/traffic_board", json=sneaky, headers=csrf_header(analyst)).json
    assert (saved["owner"], saved["department"], saved["id"]) == (board["owner"], board["department"], board["id"])
    for extra in ({"role": "admin"}, {"owner_id": 1}, {"department_id": 2}):
        answer = analyst.put(
            "/api/v1/boards/traffic_board", json={**board, "version": saved["version"], **extra}, headers=csrf_header(analyst)
        )
        assert answer.status_code == 422, extra
    created = analyst.post(
        "/api/v1/boards", json={"title": {"zh": "我的看板", "en": "Mine"}, "department": "hotline"}, headers=csrf_header(analyst)
    )
    assert created.status_code == 403


def test_readers_cannot_edit_and_deletes_are_soft(city: Web) -> None:
    leader = user(city, "leader")
    board = leader.get("/api/v1/boards/environment_board").json
    assert leader.put("/api/v1/boards/environment_board", json=board, headers=csrf_header(leader)).status_code == 403
    env = user(city, "env_staff")
    mine = env.post("/api/v1/boards", json={"title": {"zh": "临时", "en": "Scratch"}}, headers=csrf_header(env)).json
    assert env.delete(f"/api/v1/boards/{mine['id']}", headers=csrf_header(env)).status_code == 200
    assert env.get(f"/api/v1/boards/{mine['id']}").status_code == 404
    assert env.post(f"/api/v1/boards/{mine['id']}/undelete", headers=csrf_header(env)).status_code == 200
    assert env.get(f"/api/v1/boards/{mine['id']}").json["title"]["zh"] == "临时"


def test_concurrent_saves_give_exactly_one_winner_per_version(store_url: str, tmp_path: Path) -> None:
    """Eight editors save the same version at once: one wins, seven get 409, none sees 'database is locked'."""
    from app import create_app
    from tests.conftest import seed_directory

    app = create_app(make_settings(tmp_path / "instance", database_url=store_url))
    rt = app.server.extensions["city"]
    seed_directory(rt)
    web = Web(app, rt)
    creator = web.client("traffic_analyst")
    board = creator.post("/api/v1/boards", json={"title": {"zh": "并发", "en": "Race"}}, headers=csrf_header(creator)).json
    clients = [web.client("traffic_analyst") for _ in range(8)]
    headers = [csrf_header(c) for c in clients]
    results: list[int] = []
    barrier = threading.Barrier(len(clients))

    def save(n: int) -> None:
        barrier.wait()
        body = {**board, "title": {"zh": f"编辑 {n}", "en": f"Edit {n}"}}
        results.append(clients[n].put(f"/api/v1/boards/{board['id']}", json=body, headers=headers[n]).status_code)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [409] * 7
    final = creator.get(f"/api/v1/boards/{board['id']}").json
    assert final["version"] == 2 and [v["version"] for v in creator.get(f"/api/v1/boards/{board['id']}/versions").json["versions"]] == [
        2,
        1,
    ]
    rt.close()


def test_exports_are_safe_and_only_contain_what_the_viewer_sees(city: Web, tmp_path: Path) -> None:
    import io

    import openpyxl

    from boards.exports import safe_cell

    assert [safe_cell(v) for v in ["=1+1", "+86", "-x", "@SUM(A1)", "\tx", "\rx", -3, -2.5, 0, "東城", None]] == [
        "'=1+1",
        "'+86",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        -3,
        -2.5,
        0,
        "東城",
        None,
    ]
    staff = user(city, "traffic_staff")
    response = staff.get("/api/v1/boards/traffic_board/tiles/rank/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    # a header block (indicator, id, version, …), a blank line, then the table (tests/test_sendable_exports.py)
    table = text.split("\r\n\r\n", 1)[1]
    assert table.splitlines()[0].startswith("期间,区,指标,数值,单位") and "西城区" not in text and "东城区" in text
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E5%90%84%E5%8C%BA" in disposition and 'filename="' in disposition
    workbook = staff.get("/api/v1/boards/traffic_board/tiles/rank/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    lines = list(sheet.iter_rows(values_only=True))
    values = lines[lines.index((None,) * len(lines[0])) + 1 :] if (None,) * len(lines[0]) in lines else lines
    assert values[0][:4] == ("期间", "区", "指标", "数值") and isinstance(values[1][3], float) and {r[1] for r in values[1:]} == {"东城区"}
    assert staff.get("/api/v1/boards/city_cockpit/tiles/k_approval/export.csv").status_code == 404  # no access: no file
    admin = user(city, "admin")
    exports = admin.get("/api/v1/admin/audit?action=export").json["events"]
    assert {(e["actor"], e["action"]) for e in exports} >= {("traffic_staff", "export.csv"), ("traffic_staff", "export.xlsx")}


def test_a_malformed_board_is_explained_field_by_field_in_both_languages() -> None:
    from boards.spec import parse_spec

    tile = {"id": "t1", "type": "kpi", "source": {"indicator": "traffic.congestion_index"}}
    spec, issues = parse_spec(
        {
            "title": {"zh": "看板", "en": "Board"},
            "tiles": [{**tile, "options": {f"k{i}": "v" for i in range(21)}}],
            "layout": [{"i": "t1", "x": 12, "y": 0, "w": 4, "h": 3}],
        }
    )
    assert spec is None
    found = {i.column: i for i in issues}
    assert set(found) == {"tiles.0.options", "layout.0.x"}
    assert "选项太多或太长" in found["tiles.0.options"].message_zh
    assert found["layout.0.x"].message_zh == "看板字段“layout.0.x”应不大于 11。"
    assert found["layout.0.x"].message_en == "Board field 'layout.0.x' must be at most 11."
