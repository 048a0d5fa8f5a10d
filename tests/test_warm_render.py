"""A warm board render does no metadata work per tile (issue 24.1), and still sees every change at once.

Metadata-store statements are counted with SQLAlchemy's `before_cursor_execute` on the store's engine while
Dash's real `/_dash-update-component` renders a board whose values are all in the result cache. A warm-up render
in Chinese fills the caches; the counted render is in English, so a rendered-board cache keyed by language
cannot answer it and every tile is computed again (from cached values and kept facts). Changes are made through
a second runtime on the same instance — another web worker or the CLI — and the first app's next render obeys
them: a re-import, a row policy, a grant.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import event

from tests.conftest import actor_of, make_settings
from tests.dashcalls import client, nodes, post

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
PER_TILE = ("datasets", "dataset_columns", "dataset_versions", "row_policies", "indicators", "indicator_versions", "departments")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app over a small demo city, and a second runtime on the same instance (another worker)."""
    import runtime
    from app import create_app
    from demo.seed import seed_if_empty

    settings = make_settings(Path(tmp_path_factory.mktemp("warm-render")) / "instance")
    app = create_app(settings)
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    other = runtime.build_runtime(settings)
    app.other = other
    app.data_dir = settings.data_dir
    yield app
    other.close()
    rt.close()


@contextmanager
def statements(rt: Any) -> Iterator[list[str]]:
    """Every SQL statement sent to the metadata store inside the block."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(rt.store.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(rt.store.engine, "before_cursor_execute", note)


def render(found: Any, board_id: str) -> dict[str, Any]:
    response = post(
        found,
        "board-grid.children",
        [
            ("board-tileset", "data", None),
            ("board-range", "start_date", YEAR["from"]),
            ("board-range", "end_date", YEAR["to"]),
            ("board-grain", "value", "month"),
            ("board-district", "value", ""),
            ("board-cross", "data", None),
            ("board-reload", "n_clicks", None),
        ],
        [("board-id", "data", board_id)],
    )
    assert response.status_code == 200, response.text[:300]
    children = response.json["response"]["board-grid"]["children"]
    return {c["props"]["id"].removeprefix("tile-"): c for c in children}


def state_of(frame: dict[str, Any]) -> str:
    return next(c for c in frame["props"]["className"].split() if c.startswith("tile-is-")).removeprefix("tile-is-")


def tables_read(seen: list[str]) -> set[str]:
    return {name for statement in seen for name in re.findall(r"\bFROM\s+\"?(\w+)", statement)}


def warm_count(demo: Any, username: str, board_id: str) -> tuple[int, set[str], dict[str, Any]]:
    """Statements of a warm render (values cached, facts kept): a render in Chinese first, then counted in English."""
    rt = demo.server.extensions["city"]
    render(client(demo, username, "zh"), board_id)
    english = client(demo, username, "en")
    with statements(rt) as seen:
        frames = render(english, board_id)
    return len(seen), tables_read(seen), frames


def new_board(demo: Any, department: str, tiles: list[dict[str, Any]], **spec: Any) -> str:
    from access.actor import SYSTEM
    from boards.catalog import create_board

    layout = [{"i": t["id"], "x": 0, "y": 6 * n, "w": 6, "h": 6} for n, t in enumerate(tiles)]
    with demo.server.extensions["city"].store.transaction() as db:
        data = {"title": {"zh": "测试看板", "en": "Test board"}, "tiles": tiles, "layout": layout} | spec
        return create_board(db, SYSTEM, data, department=department).id


def tiles_of(demo: Any, board_id: str) -> list[dict[str, Any]]:
    from access.actor import SYSTEM
    from boards.catalog import get_board

    with demo.server.extensions["city"].store.read() as db:
        return list(get_board(db, SYSTEM, board_id).spec.to_dict()["tiles"])


# -- no metadata work per tile ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "board_id", "department"), [("leader", "city_cockpit", "city"), ("traffic_staff", "traffic_board", "traffic")]
)
def test_a_warm_render_reads_no_metadata_per_tile(demo: Any, username: str, board_id: str, department: str) -> None:
    tiles = tiles_of(demo, board_id)
    many = tiles + [{**tile, "id": f"{tile['id']}_2"} for tile in tiles][: 12 - len(tiles)]
    few = tiles[:3]
    counted = {}
    for size, chosen in ((len(many), many), (len(few), few)):
        count, tables, frames = warm_count(demo, username, new_board(demo, department, chosen))
        assert len(frames) == size and all(state_of(f) in ("ok", "empty") for f in frames.values()), frames.keys()
        assert not tables & set(PER_TILE), sorted(tables)  # datasets, policies and definitions come from what is kept
        counted[size] = count
    # the same number for 3 tiles and for 12: what is left is per request (the signed-in actor, the board, the
    # district list, the drill-down boards, one read of the metadata generation)
    assert counted[12] == counted[3] <= 30, counted
    count, tables, frames = warm_count(demo, username, board_id)  # the seeded board itself
    assert count == counted[3] and not tables & set(PER_TILE)


def test_the_generation_is_read_once_per_render(demo: Any) -> None:
    _count, _tables, _frames = warm_count(demo, "leader", "city_cockpit")
    rt = demo.server.extensions["city"]
    with statements(rt) as seen:
        render(client(demo, "leader", "en"), "traffic_board")
    assert sum("metadata_generation" in s for s in seen) <= 1


# -- every change is seen by the next render -----------------------------------------------------------------
def counts(amounts: list[int], day: str) -> pa.Table:
    districts = ["东城区", "西城区", "高新区"]
    return pa.table(
        {
            "day": pa.array([dt.date.fromisoformat(day)] * len(amounts), pa.date32()),
            "district": pa.array(districts[: len(amounts)]),
            "amount": pa.array(amounts, pa.int64()),
        }
    )


def load_counts(rt: Any, amounts: list[int], day: str) -> None:
    from access.actor import SYSTEM
    from datasets.importer import ImportRequest

    request = ImportRequest(name="暖渲染计数", name_en="Warm counts", department="traffic", dataset_id="warm_counts")
    rt.importer.import_arrow(SYSTEM, counts(amounts, day), request)


TABLE = {
    "id": "totals",
    "type": "table",
    "source": {
        "query": {"dataset": "warm_counts", "dimensions": ["district"], "measures": [{"expr": "amount", "agg": "sum", "as": "total"}]}
    },
}


def cells(frame: dict[str, Any]) -> list[dict[str, Any]]:
    grid = next(n for n in nodes(frame) if "rowData" in n["props"])
    return sorted(grid["props"]["rowData"], key=lambda r: str(r))


def test_a_reimport_by_another_worker_is_seen_by_the_next_render(demo: Any) -> None:
    rt, other = demo.server.extensions["city"], demo.other
    load_counts(other, [101, 202, 303], "2025-03-01")
    board_id = new_board(demo, "traffic", [TABLE], visibility="city")
    viewer = client(demo, "leader")
    assert cells(render(viewer, board_id)["totals"]) == [
        {"c0": "东城区", "c1": 101},
        {"c0": "西城区", "c1": 202},
        {"c0": "高新区", "c1": 303},
    ]
    render(viewer, board_id)  # warm
    leader = actor_of(rt, "leader")
    assert rt.door.latest(leader, "warm_counts", "day") == "2025-03-01"
    load_counts(other, [7, 8, 9], "2025-06-30")  # another worker loads a new version
    assert cells(render(viewer, board_id)["totals"]) == [{"c0": "东城区", "c1": 7}, {"c0": "西城区", "c1": 8}, {"c0": "高新区", "c1": 9}]
    assert rt.door.latest(leader, "warm_counts", "day") == "2025-06-30"  # the default date range follows the new data


OTHER_PROCESS = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
import runtime
from tests.conftest import make_settings
from tests.test_warm_render import load_counts
rt = runtime.build_runtime(make_settings(Path({data_dir!r})))
load_counts(rt, [41, 42, 43], "2025-09-30")
rt.close()
"""


def test_an_import_by_another_process_is_seen_by_the_next_render(demo: Any) -> None:
    """A separate process (the CLI, another gunicorn worker) shares nothing with this one but the store and the
    warehouse: the metadata generation it raises is what tells this process to resolve again."""
    rt = demo.server.extensions["city"]
    load_counts(demo.other, [101, 202, 303], "2025-03-01")
    board_id = new_board(demo, "traffic", [TABLE], visibility="city")
    viewer = client(demo, "leader")
    render(viewer, board_id)
    assert cells(render(viewer, board_id)["totals"])[0] == {"c0": "东城区", "c1": 101}
    script = OTHER_PROCESS.format(root=str(Path(__file__).resolve().parent.parent), data_dir=str(demo.data_dir))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert cells(render(viewer, board_id)["totals"]) == [{"c0": "东城区", "c1": 41}, {"c0": "西城区", "c1": 42}, {"c0": "高新区", "c1": 43}]
    assert rt.door.latest(actor_of(rt, "leader"), "warm_counts", "day") == "2025-09-30"


def test_a_row_policy_and_a_grant_by_another_worker_apply_at_the_next_render(demo: Any) -> None:
    from access.actor import SYSTEM
    from access.grants import add_grant, remove_grant
    from access.rowpolicies import add_policy, remove_policy

    rt, other = demo.server.extensions["city"], demo.other
    load_counts(other, [101, 202, 303], "2025-03-01")
    board_id = new_board(demo, "traffic", [TABLE], visibility="city")
    staff = client(demo, "traffic_staff")  # 东城区: with no row policy on the dataset, its district column scopes them
    only_dongcheng = [{"c0": "东城区", "c1": 101}]
    assert cells(render(staff, board_id)["totals"]) == only_dongcheng
    render(staff, board_id)  # warm
    with other.store.transaction() as db:  # the dataset's own policy replaces the district default
        policy = add_policy(db, SYSTEM, "warm_counts", "predicate", template="amount > 150")
    assert cells(render(staff, board_id)["totals"]) == [{"c0": "西城区", "c1": 202}, {"c0": "高新区", "c1": 303}]
    with other.store.transaction() as db:
        remove_policy(db, SYSTEM, policy["id"])
    assert cells(render(staff, board_id)["totals"]) == only_dongcheng

    hotline = client(demo, "hotline_staff")  # another department: the dataset is not theirs
    assert state_of(render(hotline, board_id)["totals"]) == "no_access"
    with other.store.transaction() as db:
        grant = add_grant(db, SYSTEM, "dataset", "warm_counts", "user", "hotline_staff", "view")
    assert state_of(render(hotline, board_id)["totals"]) == "ok"
    with other.store.transaction() as db:
        remove_grant(db, SYSTEM, grant["id"])
    assert state_of(render(hotline, board_id)["totals"]) == "no_access"
    assert rt.door.source(actor_of(rt, "traffic_staff"), "warm_counts").policy.rows  # still scoped to 东城区 by default


# -- the stored time ranges and the generation ---------------------------------------------------------------
def test_imports_store_each_time_columns_range(demo: Any) -> None:
    from sqlalchemy import select

    from datasets.models import DatasetVersion

    with demo.server.extensions["city"].store.read() as db:
        rows = db.execute(
            select(DatasetVersion.time_ranges, DatasetVersion.profile).where(DatasetVersion.dataset_id == "traffic_segment_speeds")
        ).all()
    assert rows
    for ranges, profile in rows:
        observed = profile["columns"]["observed_at"]
        assert ranges == {"observed_at": [observed["min"], observed["max"]]} and observed["max"].startswith("2025-12-31")


def test_the_migration_back_fills_ranges_and_every_tracked_change_moves_the_generation(store_url: str) -> None:
    import sqlalchemy as sa

    from access.actor import SYSTEM
    from access.audit import record
    from access.departments import create_area, create_department
    from access.grants import add_grant
    from access.rowpolicies import add_policy
    from datasets.catalog import update_column
    from store import migrate
    from store.engine import Store
    from store.generation import read_generation

    migrate.upgrade(store_url, "0007")
    store = Store(store_url)
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO departments (code, name_zh, name_en, created_at) VALUES ('traffic', '交通运输局', 'Transport', '2025-01-01')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO datasets (id, table_key, name_zh, name_en, department_id, source, description_zh, description_en, rows, "
                "data_version, current_file, created_at) VALUES ('speeds', 'k1', '车速', 'Speeds', 1, '', '', '', 2, 1, 'k1/a.duckdb', "
                "'2025-01-01')"
            )
        )
        for position, (name, kind) in enumerate((("observed_at", "timestamp"), ("day", "date"), ("speed", "float"))):
            conn.execute(
                sa.text(
                    "INSERT INTO dataset_columns (dataset_id, position, name, label, type, role, nullable, pii, description_zh, "
                    f"description_en) VALUES ('speeds', {position}, '{name}', '{name}', '{kind}', 'measure', false, false, '', '')"
                )
            )
        profile = {
            "columns": {
                "observed_at": {"min": "2024-01-01T00:00:00", "max": "2025-06-30T23:00:00"},
                "day": {"min": None, "max": None},
                "speed": {"min": 3.0, "max": 80.0},
            }
        }
        versions = sa.table(
            "dataset_versions",
            *(sa.column(c) for c in ("dataset_id", "version", "file", "rows", "mode", "source", "created_at")),
            sa.column("report", sa.JSON),
            sa.column("profile", sa.JSON),
        )
        conn.execute(
            versions.insert().values(
                dataset_id="speeds",
                version=1,
                file="k1/a.duckdb",
                rows=2,
                mode="replace",
                source="",
                created_at=dt.datetime(2025, 1, 1),
                report={},
                profile=profile,
            )
        )
    store.dispose()
    migrate.upgrade(store_url)
    store = Store(store_url)
    with store.read() as db:
        ranges = db.scalar(sa.text("SELECT time_ranges FROM dataset_versions"))
    ranges = ranges if isinstance(ranges, dict) else json.loads(ranges)
    assert ranges == {"observed_at": ["2024-01-01T00:00:00", "2025-06-30T23:00:00"], "day": [None, None]}  # no range for a number

    changes = [
        lambda db: create_department(db, "hotline", "12345热线中心", "12345 Hotline"),
        lambda db: create_area(db, "dongcheng", "东城区", "Dongcheng", "district"),
        lambda db: update_column(db, SYSTEM, "speeds", "speed", description_en="Speed"),
        lambda db: add_policy(db, SYSTEM, "speeds", "predicate", template="speed > 0"),
        lambda db: add_grant(db, SYSTEM, "dataset", "speeds", "department", "hotline", "view"),
    ]
    for change in changes:
        before = read_generation(store)
        with store.transaction() as db:
            change(db)
        assert read_generation(store) > before
    before = read_generation(store)
    with store.transaction() as db:  # the audit trail is not what a render resolves
        record(db, "admin", "board.view", "board", "city_cockpit", {})
    assert read_generation(store) == before
    store.dispose()


def test_kept_values_belong_to_one_generation() -> None:
    from errors import NotFound
    from store.generation import Kept

    kept, calls = Kept(size=2), []

    def compute(value: str) -> Any:
        def run() -> str:
            calls.append(value)
            if value == "missing":
                raise NotFound("数据集", "dataset")
            return value

        return run

    assert kept.get(1, "a", compute("a1")) == "a1" and kept.get(1, "a", compute("again")) == "a1"  # kept
    assert kept.get(0, "a", compute("old")) == "old" and kept.get(1, "a", compute("again")) == "a1"  # a stale read is not kept
    assert kept.get(2, "a", compute("a2")) == "a2" and kept.get(2, "a", compute("again")) == "a2"  # a newer generation drops
    for _ in range(2):
        with pytest.raises(NotFound):
            kept.get(2, "gone", compute("missing"), keep=(NotFound,))
    assert calls.count("missing") == 1  # "not found" is kept like a value
    kept.get(2, "b", compute("b"))  # over the size: the least recently used ("a") goes
    assert len(kept) == 2 and kept.get(2, "a", compute("a again")) == "a again"
    assert calls == ["a1", "old", "a2", "missing", "b", "a again"]
