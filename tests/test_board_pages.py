"""The boards pages and their callbacks on a small demo city (real DuckDB, real metadata store).

Security-relevant paths go through Dash's real `/_dash-update-component` endpoint with a signed-in session and
assert on the response bodies: every tile is computed for the viewer, a tile whose source the viewer may not see
carries no data, forged ids get "not found", a stale save is a conflict that changes nothing, a leader cannot
save. Page functions, layouts and the pure edit operations are called as plain functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import actor_of, csrf_header, make_settings
from tests.dashcalls import by_id, client, nodes, post, signed_in, walk, words

DISTRICTS = {"东城区", "西城区", "高新区", "江滨区", "南湖区", "北苑区", "青山区", "临港区"}
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app over a small demo city with its seven boards."""
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("board-pages")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    yield app
    rt.close()


# -- helpers ----------------------------------------------------------------------------------------
def load(
    found: FlaskClient, board_id: Any, tileset: Any = None, district: Any = "", cross: Any = None, grain: str = "month"
) -> TestResponse:
    return post(
        found,
        "board-grid.children",
        [
            ("board-tileset", "data", tileset),
            ("board-range", "start_date", YEAR["from"]),
            ("board-range", "end_date", YEAR["to"]),
            ("board-grain", "value", grain),
            ("board-district", "value", district),
            ("board-cross", "data", cross),
            ("board-reload", "n_clicks", None),
        ],
        [("board-id", "data", board_id)],
    )


def tiles_of(response: TestResponse) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.text[:300]
    children = response.json["response"]["board-grid"]["children"]
    return {c["props"]["id"].removeprefix("tile-"): c for c in children}


def figure(frame: dict[str, Any]) -> dict[str, Any]:
    graph = next(n for n in nodes(frame) if n["type"] == "Graph" and isinstance(n["props"].get("id"), dict))
    return graph["props"]["figure"]  # type: ignore[no-any-return]


def state_of(frame: dict[str, Any]) -> str:
    return next(c for c in frame["props"]["className"].split() if c.startswith("tile-is-")).removeprefix("tile-is-")


def members(frame: dict[str, Any]) -> set[str]:
    return set(figure(frame)["data"][0]["y"])


def new_board(demo: Any, department: str, tiles: list[dict[str, Any]], **spec: Any) -> str:
    from access.actor import SYSTEM
    from boards.catalog import create_board

    layout = [{"i": t["id"], "x": 0, "y": 6 * n, "w": 6, "h": 6} for n, t in enumerate(tiles)]
    with demo.server.extensions["city"].store.transaction() as db:
        data = {"title": {"zh": "测试看板", "en": "Test board"}, "tiles": tiles, "layout": layout} | spec
        return create_board(db, SYSTEM, data, department=department).id


def stored(demo: Any, board_id: str) -> Any:
    from access.actor import SYSTEM
    from boards.catalog import get_board

    with demo.server.extensions["city"].store.read() as db:
        return get_board(db, SYSTEM, board_id)


def pending_of(demo: Any, board_id: str) -> dict[str, Any]:
    info = stored(demo, board_id)
    return {"board": info.id, "version": info.version, "spec": info.spec.to_dict(), "undo": [], "status": "", "ack": 0}


def edit(found: FlaskClient, command: dict[str, Any], pending: dict[str, Any]) -> dict[str, Any]:
    response = post(found, "board-pending.data", [("board-command", "data", {"seq": 1, **command})], [("board-pending", "data", pending)])
    assert response.status_code == 200, response.text[:300]
    return response.json["response"]["board-pending"]["data"]  # type: ignore[no-any-return]


RANK = {"id": "rank", "type": "bar", "source": {"indicator": "traffic.congestion_index"}, "options": {"grain": "year", "by": "district"}}


# -- per viewer ------------------------------------------------------------------------------------------
def test_tiles_are_computed_for_each_viewer(demo: Any) -> None:
    analyst = tiles_of(load(client(demo, "traffic_analyst"), "traffic_board"))
    staff = tiles_of(load(client(demo, "traffic_staff"), "traffic_board"))
    assert set(analyst) == set(staff) == {"k_congestion", "k_peak", "k_speed", "k_reduction", "trend", "rank", "by_class", "ytd", "note"}
    assert members(analyst["rank"]) == DISTRICTS
    assert members(staff["rank"]) == {"东城区"}  # traffic_staff is scoped to 东城区
    assert {s["name"] for s in figure(staff["by_class"])["data"]} == {"主干道"}  # the data's arterial, read in Chinese
    assert all(set(trace["x"]) == {"东城区"} for trace in figure(staff["by_class"])["data"])
    kpi = [n["props"]["children"] for n in nodes(staff["k_congestion"]) if "kpi-number" in str(n["props"].get("className"))]
    assert kpi and kpi != [
        n["props"]["children"] for n in nodes(analyst["k_congestion"]) if "kpi-number" in str(n["props"].get("className"))
    ]


def test_every_demo_user_reads_every_tile_of_their_departments_boards(demo: Any) -> None:
    """Seeded boards never show "no access" to their own department: the hotline's rate per 10k residents reads
    the statistics bureau's population through the seeded grants."""
    from demo.boards import BOARDS
    from demo.seed import DEMO_USERS

    checked = 0
    for user in DEMO_USERS:
        own = [b for b in BOARDS if b["department"] == user.department or (user.role == "leader" and b["department"] == "city")]
        for item in own:
            frames = tiles_of(load(client(demo, user.username), item["id"]))
            assert set(frames) == {t["id"] for t in item["spec"]["tiles"]}
            refused = {tile_id for tile_id, frame in frames.items() if state_of(frame) in ("no_access", "error", "not_found")}
            assert not refused, f"{user.username} on {item['id']}: {refused}"
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize(("lang", "unit"), [("zh", "天"), ("en", "days")])
def test_kpi_units_read_in_the_viewers_language(demo: Any, lang: str, unit: str) -> None:
    frames = tiles_of(load(client(demo, "leader", lang), "city_cockpit"))
    number = [n["props"]["children"] for n in nodes(frames["k_approval"]) if "kpi-number" in str(n["props"].get("className"))]
    assert len(number) == 1 and re.fullmatch(rf"[0-9.,]+ {unit}", str(number[0])), number


@pytest.mark.parametrize("forged", ["西城区", ["西城区", "东城区"], None, "*", "东城区' OR '1'='1", {"district": "西城区"}])
def test_a_forged_district_never_widens_a_scoped_viewer(demo: Any, forged: Any) -> None:
    staff = client(demo, "traffic_staff")
    assert members(tiles_of(load(staff, "traffic_board", district=forged))["rank"]) == {"东城区"}
    crossed = tiles_of(load(staff, "traffic_board", cross={"tile": "trend", "dimension": "district", "value": forged}))
    assert members(crossed["rank"]) == {"东城区"}


def test_a_tile_of_another_departments_indicator_is_no_access_and_carries_no_data(demo: Any) -> None:
    foreign = {
        "id": "foreign",
        "type": "bar",
        "source": {"indicator": "hotline.complaints"},
        "options": {"grain": "year", "by": "category"},
    }
    board_id = new_board(demo, "traffic", [RANK, foreign])
    response = load(client(demo, "traffic_staff"), board_id)
    frames = tiles_of(response)
    assert state_of(frames["rank"]) == "ok" and state_of(frames["foreign"]) == "no_access"
    foreign_frame = words(frames["foreign"])
    assert "您无权查看此图块的数据来源。" in foreign_frame
    assert "figure" not in foreign_frame and "export" not in foreign_frame and "rowData" not in foreign_frame
    assert "投诉" not in words(response.json) and "交通出行" not in words(response.json) and "hotline.complaints" not in response.text
    # The city-wide leader may see the hotline indicator: the same tile has data for them.
    leader = tiles_of(load(client(demo, "leader"), board_id))
    assert state_of(leader["foreign"]) == "ok" and "交通出行" in members(leader["foreign"])


def test_the_cross_filter_applies_to_the_other_tiles(demo: Any) -> None:
    analyst = client(demo, "traffic_analyst")
    frames = tiles_of(load(analyst, "traffic_board", cross={"tile": "rank", "dimension": "district", "value": "高新区"}))
    assert members(frames["rank"]) == DISTRICTS  # the clicked tile keeps every member, its pick highlighted
    opacity = figure(frames["rank"])["data"][0]["marker"]["opacity"]
    assert sorted(opacity) == [0.3] * 7 + [1.0]
    assert all(set(trace["x"]) == {"高新区"} for trace in figure(frames["by_class"])["data"])
    drill = next(n["props"]["href"] for n in nodes(frames["k_congestion"]) if n["type"] == "Link")
    assert drill == "/indicators/traffic.congestion_index?from=2025-01-01&to=2025-12-31&district=%E9%AB%98%E6%96%B0%E5%8C%BA"
    csv = next(n["props"]["href"] for n in nodes(frames["trend"]) if n["type"] == "A" and "export.csv" in n["props"]["href"])
    assert (
        csv
        == "/api/v1/boards/traffic_board/tiles/trend/export.csv?from=2025-01-01&to=2025-12-31&grain=month&district=%E9%AB%98%E6%96%B0%E5%8C%BA"
    )


def test_cockpit_kpis_drill_into_the_department_board_the_viewer_may_open(demo: Any) -> None:
    frames = tiles_of(load(client(demo, "leader"), "city_cockpit"))
    links = {tile_id: next((n["props"]["href"] for n in nodes(f) if n["type"] == "Link"), None) for tile_id, f in frames.items()}
    assert links["k_congestion"] == "/boards/traffic_board?from=2025-01-01&to=2025-12-31"
    assert links["k_approval"] == "/boards/gov_services_board?from=2025-01-01&to=2025-12-31"
    assert links["signal_effect"] is None
    assert links["k_parking"] == "/boards/urban_board?from=2025-01-01&to=2025-12-31"  # the department's board, whatever its id
    # The cockpit is city-wide; a traffic staff member may open it but not the hotline board, so that KPI
    # leads to the indicator page, which answers for them as it answers for any indicator they cannot see.
    staff = tiles_of(load(client(demo, "traffic_staff"), "city_cockpit"))
    assert next(n["props"]["href"] for n in nodes(staff["k_congestion"]) if n["type"] == "Link").startswith("/boards/traffic_board?")
    assert state_of(staff["k_satisfaction"]) == "no_access"
    assert not [n for n in nodes(staff["k_satisfaction"]) if n["type"] == "Link"]


# -- forged ids ------------------------------------------------------------------------------------------
def test_forged_board_ids_get_the_not_found_state(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    answers = [load(staff, board_id) for board_id in ("hotline_board", "no_such_board", None, ["traffic_board"], "x" * 500)]
    assert all(a.status_code == 200 for a in answers)
    assert len({a.get_data() for a in answers}) == 1
    body = words(answers[0].json)
    assert "看板不存在或您无权访问。" in body and "热线" not in body and "figure" not in body


def test_forged_tile_ids_get_the_not_found_state(demo: Any) -> None:
    forged = {"tiles": [{"id": "ghost", "type": "kpi", "source": {"indicator": "hotline.tickets"}}, {"id": "trend"}], "layout": []}
    frames = tiles_of(load(client(demo, "leader"), "traffic_board", tileset=forged))  # the leader reads, never edits
    assert list(frames) == ["ghost", "trend"]
    assert state_of(frames["ghost"]) == "not_found" and "图块不存在。" in words(frames["ghost"])
    assert "figure" not in words(frames["ghost"]) and "工单" not in words(frames["ghost"])
    assert state_of(frames["trend"]) == "ok" and figure(frames["trend"])["data"]


def test_the_board_page_is_the_same_for_missing_and_forbidden_boards(demo: Any) -> None:
    from callbacks import pages
    from tests.test_declared_permissions import page_call

    with signed_in(demo, "hotline_staff"):
        other, missing = pages.board("traffic_board"), pages.board("no_such_board")
    assert words(other) == words(missing) and "看板不存在或您无权访问。" in words(other)
    hotline = client(demo, "hotline_staff")
    routed = [page_call(hotline, path) for path in ("/boards/traffic_board", "/boards/no_such_board")]
    assert routed[0].json == routed[1].json and "交通" not in words(routed[0].json)
    with signed_in(demo, "traffic_staff"):
        page = pages.board("traffic_board")
    assert "交通运行看板" in words(page) and "board-grid" in words(page)


# -- pages -----------------------------------------------------------------------------------------------
def test_boards_list_shows_what_each_user_may_open(demo: Any) -> None:
    from callbacks import pages

    def listed(username: str) -> tuple[set[str], bool]:
        with signed_in(demo, username):
            tree = pages.boards()
        links = {n.href.removeprefix("/boards/") for n in walk(tree) if type(n).__name__ == "Link" and n.href.startswith("/boards/")}
        return links, "boards-new" in words(tree)

    seeded = {"city_cockpit", "traffic_board", "gov_services_board", "hotline_board", "environment_board", "urban_board", "emergency_board"}
    leader, can_create = listed("leader")
    assert leader >= seeded and not can_create  # leaders read boards
    staff, can_create = listed("traffic_staff")
    assert staff & seeded == {"city_cockpit", "traffic_board"} and can_create
    assert listed("hotline_staff")[0] & seeded == {"city_cockpit", "hotline_board"}


def test_the_url_presets_the_filters_within_what_the_viewer_may_see(demo: Any) -> None:
    from callbacks import pages
    from layouts import ids

    with signed_in(demo, "traffic_analyst"):
        page = pages.board("traffic_board", **{"from": "2025-03-01", "to": "2025-06-30", "district": "高新区", "grain": "week"})
    dates = by_id(page, ids.board.RANGE)
    assert (dates.start_date, dates.end_date) == ("2025-03-01", "2025-06-30")
    assert by_id(page, ids.board.DISTRICT).value == "高新区" and by_id(page, ids.board.GRAIN).value == "week"
    assert {o["value"] for o in by_id(page, ids.board.DISTRICT).options} == DISTRICTS | {""}
    with signed_in(demo, "traffic_staff"):
        page = pages.board("traffic_board", **{"from": "not a date", "district": "高新区", "grain": "fortnight"})
    assert by_id(page, ids.board.RANGE).start_date == "2025-01-01"
    assert by_id(page, ids.board.DISTRICT).value == "" and by_id(page, ids.board.GRAIN).value == "month"
    assert [o["value"] for o in by_id(page, ids.board.DISTRICT).options] == ["", "东城区"]
    assert by_id(page, ids.board.SHARE_LINK).value == "/boards/traffic_board?from=2025-01-01&to=2025-12-31&grain=month"


def test_only_editors_get_the_edit_controls_and_palette(demo: Any) -> None:
    from callbacks import pages

    with signed_in(demo, "traffic_analyst"):  # the department's analysts edit its boards
        analyst = words(pages.board("traffic_board"))
    with signed_in(demo, "traffic_staff"):  # its staff arrange their own view only (tests/test_board_views.py)
        staff = words(pages.board("traffic_board"))
    with signed_in(demo, "leader"):
        leader = words(pages.board("traffic_board"))
    assert (
        "board-edit-switch" in analyst and "traffic.avg_speed" in analyst and "hotline.tickets" not in analyst
    )  # the palette is theirs only
    for viewer in (staff, leader):
        assert "board-edit-switch" not in viewer and '"board-palette"' not in viewer and '"board-add"' not in viewer
        assert "board-arrange-switch" in viewer and '"board-view-reset"' in viewer


# -- saving ------------------------------------------------------------------------------------------------
def test_a_stale_save_is_a_conflict_that_changes_nothing(demo: Any) -> None:
    board_id = new_board(demo, "traffic", [RANK, {"id": "note", "type": "text", "text": "说明"}])
    first, second = client(demo, "traffic_analyst"), client(demo, "admin")
    read = pending_of(demo, board_id)
    saved = edit(first, {"op": "layout", "layout": [{"i": "note", "x": 6, "y": 0, "w": 6, "h": 3}]}, read)
    assert (saved["status"], saved["version"], saved["ack"]) == ("saved", 2, 1)
    after_first = stored(demo, board_id)
    stale = edit(second, {"op": "layout", "layout": [{"i": "rank", "x": 3, "y": 0, "w": 9, "h": 4}]}, read)
    assert stale["status"] == "conflict"
    assert "traffic_analyst" in stale["message"] and "当前版本 2" in stale["message"]
    assert stale["version"] == 1 and next(p for p in stale["spec"]["layout"] if p["i"] == "rank")["x"] == 3  # the work is kept
    now = stored(demo, board_id)
    assert now.version == 2 and now.spec == after_first.spec
    # Later edits on the stale arrangement keep conflicting and keep accumulating; nothing is saved.
    again = edit(second, {"op": "remove", "tile": "note"}, stale)
    assert again["status"] == "conflict" and [t["id"] for t in again["spec"]["tiles"]] == ["rank"]
    assert stored(demo, board_id).version == 2
    status = post(
        second,
        "board-status.children",
        [("board-pending", "data", again)],
        [
            ("board-range", "start_date", None),
            ("board-range", "end_date", None),
            ("board-grain", "value", ""),
            ("board-district", "value", ""),
        ],
    )
    assert "traffic_analyst" in words(status.json) and "另存为副本" in words(status.json)


def test_a_leader_cannot_save_or_copy(demo: Any) -> None:
    leader = client(demo, "leader")
    before = stored(demo, "traffic_board")
    answer = edit(leader, {"op": "layout", "layout": [{"i": "note", "x": 0, "y": 0, "w": 12, "h": 2}]}, pending_of(demo, "traffic_board"))
    assert answer["status"] == "refused" and answer["message"] == "没有编辑该看板的权限。"
    answer = edit(leader, {"op": "share", "visibility": "city"}, pending_of(demo, "traffic_board"))
    assert answer["status"] == "refused"
    copy = post(
        leader,
        "board-copy-result.children",
        [("board-copy", "n_clicks", 1)],
        [("board-pending", "data", pending_of(demo, "traffic_board"))],
    )
    assert "领导账号只能查看看板。" in words(copy.json) and "board-go" not in copy.text
    after = stored(demo, "traffic_board")
    assert (after.version, after.spec) == (before.version, before.spec)


def test_another_department_cannot_save_by_forging_the_store(demo: Any) -> None:
    before = stored(demo, "traffic_board")
    answer = edit(client(demo, "hotline_staff"), {"op": "remove", "tile": "note"}, pending_of(demo, "traffic_board"))
    assert answer["status"] == "missing"
    assert stored(demo, "traffic_board").version == before.version


def test_add_remove_undo_and_share_save_with_the_version_check(demo: Any) -> None:
    board_id = new_board(demo, "traffic", [RANK])
    staff = client(demo, "traffic_analyst")  # an editor of the department's boards
    state = edit(staff, {"op": "add", "indicator": "traffic.avg_speed", "type": "donut", "title": "车速"}, pending_of(demo, board_id))
    assert state["status"] == "saved" and state["version"] == 2
    assert state["spec"]["tiles"][-1] == {
        "id": "donut_1",
        "type": "donut",
        "title": {"zh": "车速", "en": "车速"},
        "source": {"indicator": "traffic.avg_speed", "query": None},
        "options": {"grain": "year", "by": "district"},
        "text": "",
    }
    assert state["spec"]["layout"][-1] == {"i": "donut_1", "x": 0, "y": 6, "w": 4, "h": 6}
    refused = edit(staff, {"op": "add", "indicator": "hotline.tickets", "type": "kpi"}, state)
    assert refused["status"] == "invalid" and refused["message"] == "该指标或图表不存在，或您无权使用。"
    state = edit(staff, {"op": "remove", "tile": "rank"}, state)
    assert [t["id"] for t in state["spec"]["tiles"]] == ["donut_1"] and state["version"] == 3
    state = edit(staff, {"op": "undo"}, state)
    assert [t["id"] for t in state["spec"]["tiles"]] == ["rank", "donut_1"] and state["version"] == 4
    state = edit(
        staff, {"op": "share", "visibility": "shared", "users": "leader, 不合法 名字, gov_staff", "departments": ["hotline", "x;y"]}, state
    )
    assert state["status"] == "saved"
    info = stored(demo, board_id)
    assert info.version == 5 and info.spec.visibility.value == "shared"
    assert [(s.type, s.name) for s in info.spec.shared_with] == [("user", "leader"), ("user", "gov_staff"), ("department", "hotline")]
    with signed_in(demo, "hotline_staff"):
        from callbacks import pages

        assert "测试看板" in words(pages.board(board_id))  # shared with their department: they may open it now


def test_the_palette_offers_saved_charts_and_adds_a_copy_of_one(demo: Any) -> None:
    from callbacks.boards import palette

    chart = {
        "type": "bar",
        "title": {"zh": "各区平均车速", "en": "Speed by district"},
        "source": {
            "query": {"dataset": "traffic_segment_speeds", "dimensions": ["district"], "measures": [{"expr": "speed_kmh", "agg": "avg"}]}
        },
    }
    staff = client(demo, "traffic_analyst")  # an editor of the department's boards
    saved = staff.post("/api/v1/boards/mine/tiles", json={"tile": chart}, headers=csrf_header(staff))
    assert saved.status_code == 201, saved.text
    chart_id = saved.json["tiles"][-1]["id"]
    with signed_in(demo, "traffic_analyst"):
        offered = dict(palette(actor_of(demo.server.extensions["city"], "traffic_analyst"), "zh"))
    assert offered[f"chart:{chart_id}"] == "我的图表 · 各区平均车速" and offered["traffic.avg_speed"].endswith("traffic.avg_speed")
    with signed_in(demo, "traffic_staff"):  # another user's saved charts are theirs alone
        assert not [v for v in dict(palette(actor_of(demo.server.extensions["city"], "traffic_staff"), "zh")) if v.startswith("chart:")]
    board_id = new_board(demo, "traffic", [RANK])
    state = edit(staff, {"op": "add", "indicator": f"chart:{chart_id}", "type": "kpi", "title": ""}, pending_of(demo, board_id))
    assert state["status"] == "saved", state
    added = state["spec"]["tiles"][-1]
    assert (added["id"], added["type"], added["title"]["zh"], added["source"]["query"]["dataset"]) == (
        "bar_1",
        "bar",
        "各区平均车速",
        "traffic_segment_speeds",
    )
    forged = edit(client(demo, "admin"), {"op": "add", "indicator": f"chart:{chart_id}"}, state)
    assert forged["status"] == "invalid" and forged["message"] == "该指标或图表不存在，或您无权使用。"


def test_save_as_copy_and_new_board_open_the_new_board(demo: Any) -> None:
    staff = client(demo, "traffic_staff")
    pending = pending_of(demo, "traffic_board")
    pending["spec"]["layout"] = [{**p, "x": 0} if p["i"] == "rank" else p for p in pending["spec"]["layout"]]
    copy = post(staff, "board-copy-result.children", [("board-copy", "n_clicks", 1)], [("board-pending", "data", pending)])
    location = next(n for n in nodes(copy.json["response"]["board-copy-result"]["children"]) if n["type"] == "Location")
    copy_id = location["props"]["href"].removeprefix("/boards/")
    info = stored(demo, copy_id)
    assert info.department == "traffic" and info.owner == "traffic_staff" and info.spec.title.zh == "交通运行看板（副本）"
    assert info.spec.visibility.value == "department" and next(p for p in info.spec.layout if p.i == "rank").x == 0
    created = post(staff, "boards-new-result.children", [("boards-new", "n_clicks", 1)], [("boards-new-title", "value", "  周报  ")])
    new_id = next(n for n in nodes(created.json["response"]["boards-new-result"]["children"]) if n["type"] == "Location")["props"][
        "href"
    ].removeprefix("/boards/")
    assert stored(demo, new_id).spec.title.zh == "周报"
    refused = post(
        client(demo, "leader"), "boards-new-result.children", [("boards-new", "n_clicks", 1)], [("boards-new-title", "value", "领导看板")]
    )
    assert "领导账号只能查看看板。" in words(refused.json) and "Location" not in refused.text


# -- pure pieces -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("[x](JaVaScRiPt:alert(1))", "\\[x\\](JaVaScRiPt:alert(1))"),
        ("[x](&#106;avascript:alert(1))", "\\[x\\](&#106;avascript:alert(1))"),
        ("[x]( javascript:alert(1) )", "\\[x\\]( javascript:alert(1) )"),
        ("[x][r]\n\n[r]: javascript:alert(1)", "\\[x\\]\\[r\\]\n\n\\[r\\]: javascript:alert(1)"),
        ("<javascript:alert(1)> <mailto:a@b.c> mailto:a@b.c", "&lt;javascript:alert(1)> &lt;mailto&#58;a@b.c> mailto&#58;a@b.c"),
        ("![p](https://example.org/p.png)", "[p](https://example.org/p.png)"),
        ("[官网](https://example.org) [站内](/boards/x) [锚点](#top)", "[官网](https://example.org) [站内](/boards/x) [锚点](#top)"),
        ("**粗体** 与 `代码`", "**粗体** 与 `代码`"),
    ],
)
def test_markdown_keeps_only_safe_links(text: str, expected: str) -> None:
    from layouts.tiles import safe_markdown

    assert safe_markdown(text) == expected


def test_text_tiles_and_titles_render_as_text(demo: Any) -> None:
    hostile = "<script>alert(1)</script>[x](javascript:alert(1))"
    board_id = new_board(
        demo,
        "traffic",
        [{"id": "note", "type": "text", "title": {"zh": "<img src=x onerror=alert(1)>"}, "text": hostile}],
        title={"zh": "<b>看板</b>", "en": ""},
    )
    frames = tiles_of(load(client(demo, "traffic_staff"), board_id))
    markdown = next(n for n in nodes(frames["note"]) if n["type"] == "Markdown")
    assert markdown["props"]["dangerously_allow_html"] is False
    assert markdown["props"]["children"] == "&lt;script>alert(1)&lt;/script>\\[x\\](javascript:alert(1))"
    title = next(n for n in nodes(frames["note"]) if "tile-title" in str(n["props"].get("className")))
    assert title["type"] == "Span" and title["props"]["children"] == "<img src=x onerror=alert(1)>"
    with signed_in(demo, "traffic_staff"):
        from callbacks import pages
        from layouts import ids

        page = pages.board(board_id)
    assert next(n for n in walk(page) if getattr(n, "className", "") == "h4 mb-1 board-title").children == "<b>看板</b>"
    assert by_id(page, ids.board.PAGE) is not None


@pytest.mark.parametrize(
    ("places", "expected"),
    [
        (
            [{"i": "a", "x": 4, "y": 2, "w": 8, "h": 3}],
            [{"i": "a", "x": 4, "y": 2, "w": 8, "h": 3}, {"i": "b", "x": 6, "y": 0, "w": 6, "h": 6}],
        ),
        (
            [{"i": "a", "x": 11, "y": -5, "w": 30, "h": 99}],
            [{"i": "a", "x": 0, "y": 0, "w": 12, "h": 40}, {"i": "b", "x": 6, "y": 0, "w": 6, "h": 6}],
        ),
        (
            [{"i": "ghost", "x": 1, "y": 1, "w": 1, "h": 1}, "junk", {"i": "b", "x": "1"}],
            [{"i": "a", "x": 0, "y": 0, "w": 6, "h": 6}, {"i": "b", "x": 0, "y": 0, "w": 1, "h": 1}],
        ),
        ("not a list", [{"i": "a", "x": 0, "y": 0, "w": 6, "h": 6}, {"i": "b", "x": 6, "y": 0, "w": 6, "h": 6}]),
    ],
)
def test_moves_are_clamped_to_the_grid_and_to_the_boards_tiles(places: Any, expected: list[dict[str, Any]]) -> None:
    from boards.edits import move

    spec = {
        "tiles": [{"id": "a"}, {"id": "b"}],
        "layout": [{"i": "a", "x": 0, "y": 0, "w": 6, "h": 6}, {"i": "b", "x": 6, "y": 0, "w": 6, "h": 6}],
    }
    assert move(spec, places)["layout"] == expected


def test_every_visibility_and_tile_type_has_its_words() -> None:
    from boards.spec import TileType, Visibility
    from i18n import TEXT

    assert {f"visibility.{v.value}" for v in Visibility} | {f"tile.type.{k.value}" for k in TileType} <= set(TEXT)


def test_donuts_keep_five_parts_and_the_rest_as_other() -> None:
    from layouts.tilefigures import donut_parts

    rows = [{"c": name, "value": value} for name, value in zip("abcdefgh", (5, 9, 1, 7, 3, 8, 2, None), strict=True)]
    assert donut_parts(rows, "c", "其他") == [("b", 9.0), ("f", 8.0), ("d", 7.0), ("a", 5.0), ("e", 3.0), ("其他", 3.0)]
    assert donut_parts(rows[:3], "c", "其他") == [("b", 9.0), ("a", 5.0), ("c", 1.0)]


def test_saved_query_tiles_draw_as_every_chart_type(demo: Any) -> None:
    query = {
        "dataset": "traffic_segment_speeds",
        "dimensions": ["district"],
        "measures": [{"expr": "speed_kmh", "agg": "avg", "as": "speed"}],
        "time": {"column": "observed_at", "grain": "month"},
    }
    by_hour = {
        "dataset": "traffic_segment_speeds",
        "dimensions": ["observed_at.dow", "observed_at.hour"],
        "measures": [{"expr": "1", "agg": "count"}],
    }
    one = {
        "dataset": "traffic_segment_speeds",
        "measures": [{"expr": "speed_kmh", "agg": "avg"}],
        "time": {"column": "observed_at", "grain": "year"},
    }
    parts = {"dataset": "traffic_segment_speeds", "dimensions": ["road_class"], "measures": [{"expr": "1", "agg": "count"}]}
    kinds = {"line": query, "area": query, "bar": query, "stacked": query, "table": query, "heatmap": by_hour, "kpi": one, "donut": parts}
    tiles = [{"id": f"q_{kind}", "type": kind, "source": {"query": q}} for kind, q in kinds.items()]
    board_id = new_board(demo, "traffic", tiles)
    frames = tiles_of(load(client(demo, "traffic_analyst"), board_id))
    assert {tile_id: state_of(frame) for tile_id, frame in frames.items()} == {f"q_{kind}": "ok" for kind in kinds}
    for kind in ("line", "area", "bar", "stacked", "donut", "heatmap"):
        assert figure(frames[f"q_{kind}"])["data"], kind
    assert "kpi-number" in words(frames["q_kpi"]) and "km" not in words(frames["q_kpi"])
    staff = tiles_of(load(client(demo, "traffic_staff"), board_id))  # the same saved queries, within 东城区
    assert members(staff["q_bar"]) == {"东城区"}
