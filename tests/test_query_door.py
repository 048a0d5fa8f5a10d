"""query/ is the one door (issue 17.2): a compiled query is made only by the compiler from the sources the door
resolved for an actor, and only the door runs one."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

import pytest

from demo.seed import seed_if_empty
from indicators.compiled import Compiled
from query.selfservice import parse_query
from tests.conftest import actor_of, make_settings
from tests.warehouse import read_stored

QUERY = {"dataset": "traffic_segment_speeds", "dimensions": ["district"], "measures": [{"expr": "speed_kmh", "agg": "avg"}]}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("door") / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.05, echo=lambda _m: None)
    yield rt
    rt.close()


@pytest.mark.parametrize("maker", [None, object()])
def test_a_compiled_query_cannot_be_built_by_hand(maker: object) -> None:
    """Whatever SQL it would carry (here: every row of a dataset, no row scope), no Compiled exists without the compiler."""
    with pytest.raises(TypeError, match=r"made only by indicators\.compiled\.compiled\(\)"):
        Compiled("SELECT * FROM ds.data", {}, {"ds": "traffic_segment_speeds/v1.duckdb"}, (), "", ("x",), maker)


def test_the_door_still_compiles_with_the_policy_of_the_actor(town: Any) -> None:
    leader, staff = actor_of(town, "leader"), actor_of(town, "traffic_staff")
    query = parse_query(QUERY, 100)
    city_wide, district = town.door.compile(leader, query), town.door.compile(staff, query)
    assert isinstance(city_wide, Compiled) and isinstance(district, Compiled)
    assert city_wide.fingerprint != district.fingerprint  # the policy applied is part of what was made
    assert district.explain()["datasets"] == [{"id": "traffic_segment_speeds", "data_version": district.versions[0][1]}]


def test_the_engine_runs_only_for_the_door(town: Any) -> None:
    """The runtime's engine was claimed by its door: no one else gets its run, and the door has no public run."""
    assert not hasattr(town.engine, "run") and not hasattr(town.door, "run")
    with pytest.raises(PermissionError, match="already belongs to the door"):
        town.engine.claim()
    leader = actor_of(town, "leader")
    assert town.door.query(leader, parse_query(QUERY, 100)).rows  # the door itself still reads


def test_no_module_outside_query_makes_or_runs_a_query_by_hand() -> None:
    """Statically: outside query/ (and the compiler), no product module imports the Compiled factory, calls a
    door's `_run` or `_execute`, takes a door's resolved `source` (file and policy: callers ask for `columns`),
    or claims an engine's run; runtime.py only builds the engine it hands to the door."""
    from tests.test_import_direction import all_imports, module_name, product_files

    makers = ("indicators.compiler", "indicators.compiled")
    found = [
        f"{i.path}:{i.line}: {i.module} imports {i.target}"
        for i in all_imports()
        if i.target == "indicators.compiled.compiled" and i.module not in makers and not i.module.startswith("query.")
    ]
    for path in product_files():
        module = module_name(path)
        if module.startswith("query.") or module == "datasets.engine":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("_run", "_execute", "claim", "source"):
                owner = ast.unparse(node.value)
                if "door" in owner.lower() or ("engine" in owner.lower() and node.attr != "source"):
                    found.append(f"{path}:{node.lineno}: {module} uses {owner}.{node.attr}")
    assert not found, "\n".join(found)


def test_a_dataset_list_carries_the_rows_each_reader_may_see(town: Any) -> None:
    """The door's list counts rows under the reader's row scope itself (no caller overwrites a count): a district
    clerk's count is the stored rows of their district, counted here on the stored data; a leader's is every row."""
    leader, staff = actor_of(town, "leader"), actor_of(town, "traffic_staff")
    seen_by_leader = {d.info.id: d for d in town.door.datasets(leader)}
    seen_by_staff = {d.info.id: d for d in town.door.datasets(staff)}
    speeds = seen_by_staff["traffic_segment_speeds"]
    file = speeds.info.file
    assert file is not None
    every = read_stored(town, {"d": file}, "SELECT count(*) FROM d.data").rows[0][0]
    assert staff.area == "东城区"
    mine = read_stored(town, {"d": file}, "SELECT count(*) FROM d.data WHERE district = '东城区'").rows[0][0]
    assert 0 < mine < every
    assert (speeds.rows, speeds.scoped) == (mine, True)
    assert speeds.summary()["rows"] == mine and speeds.info.rows == every  # the catalog's own count stays whole
    assert (seen_by_leader["traffic_segment_speeds"].rows, seen_by_leader["traffic_segment_speeds"].scoped) == (every, False)
    assert town.door.dataset(staff, "traffic_segment_speeds") == speeds
