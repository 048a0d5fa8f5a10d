"""Remembered compiled plans: reused only while every dependency is unchanged for the actor asking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow.compute as pc
import pytest

from access.actor import SYSTEM
from datasets.importer import ImportRequest
from demo import city
from demo.seed import seed_if_empty
from errors import NotFound
from query.evaluate import parse_request, values
from tests.conftest import actor_of, make_settings

INDICATOR = "traffic.congestion_index"
ARGS = {"from": "2025-01-01", "to": "2025-03-31", "grain": "month", "by": "district"}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("plans") / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.05, echo=lambda _m: None)
    yield rt
    rt.close()


def compile_for(rt: Any, username: str, indicator_id: str = INDICATOR) -> Any:
    actor = actor_of(rt, username)
    indicator = rt.registry.get(actor, indicator_id)
    return rt.door.compile_indicator(actor, indicator, parse_request(rt.door, actor, indicator, ARGS))


def test_a_second_compile_of_the_same_request_reuses_the_plan(town: Any) -> None:
    town.door.plans.clear()
    first = compile_for(town, "leader")
    assert len(town.door.plans) == 1
    assert compile_for(town, "leader") is first


def test_another_scope_never_gets_the_plan_of_the_first(town: Any) -> None:
    town.door.plans.clear()
    city_wide = compile_for(town, "leader")
    district = compile_for(town, "traffic_staff")
    assert district is not city_wide and district.fingerprint != city_wide.fingerprint
    assert "东城区" in district.params.values() and "东城区" not in city_wide.params.values()
    districts = {row["district"] for row in values(town.door, actor_of(town, "traffic_staff"), INDICATOR, ARGS)["rows"]}
    assert districts == {"东城区"}
    again = compile_for(town, "leader")  # the leader's plan was replaced: compiled again, city-wide
    assert again.fingerprint == city_wide.fingerprint and "东城区" not in again.params.values()


def test_a_remembered_plan_still_checks_access(town: Any) -> None:
    town.door.plans.clear()
    leader = actor_of(town, "leader")
    indicator = town.registry.get(leader, INDICATOR)
    request = parse_request(town.door, leader, indicator, ARGS)
    town.door.compile_indicator(leader, indicator, request)
    with pytest.raises(NotFound):  # the definition in hand, but not the data behind it
        town.door.compile_indicator(actor_of(town, "hotline_staff"), indicator, request)


def test_a_new_data_version_compiles_again_against_the_new_file(town: Any) -> None:
    town.door.plans.clear()
    before = compile_for(town, "leader")
    table = city.generate(scale=0.05)["traffic_segment_speeds"]
    town.importer.import_arrow(
        SYSTEM,
        table.filter(pc.not_equal(table["district"], "西城区")),
        ImportRequest(name="路段车速", department="traffic", dataset_id="traffic_segment_speeds"),
    )
    after = compile_for(town, "leader")
    assert after is not before and after.versions != before.versions and after.files != before.files
    districts = {row["district"] for row in values(town.door, actor_of(town, "leader"), INDICATOR, ARGS)["rows"]}
    assert "西城区" not in districts and districts


def test_a_changed_reference_recompiles_a_derived_indicator(town: Any) -> None:
    town.door.plans.clear()
    derived = next(i for i in town.registry.all().values() if i.type.value == "derived")
    actor = actor_of(town, "admin")
    args = {"from": "2025-01-01", "to": "2025-03-31"}
    request = parse_request(town.door, actor, derived, args)
    first = town.door.compile_indicator(actor, derived, request)
    assert town.door.compile_indicator(actor, derived, request) is first
    reference = derived.inputs[0].ref
    original = town.registry.get
    changed = original(actor, reference).model_copy(update={"decimals": 5})

    def get(who: Any, indicator_id: str) -> Any:
        return changed if indicator_id == reference else original(who, indicator_id)

    town.registry.get = get
    try:
        assert town.door.compile_indicator(actor, derived, request) is not first
    finally:
        del town.registry.get


def test_a_batch_reads_each_dataset_and_definition_once_and_only_within_itself(town: Any) -> None:
    import threading

    from datasets.catalog import update_column
    from indicators.batch import batch

    leader = actor_of(town, "leader")
    with batch():
        first = town.door.source(leader, "traffic_segment_speeds")
        assert town.door.source(leader, "traffic_segment_speeds") is first
        assert town.registry.get(leader, INDICATOR) is town.registry.get(leader, INDICATOR)
        staff = actor_of(town, "traffic_staff")
        assert town.door.source(staff, "traffic_segment_speeds").policy != first.policy  # per actor
        with town.store.transaction() as session:  # any change to the metadata: the store's generation moves on
            update_column(session, SYSTEM, "traffic_segment_speeds", "speed_kmh", description_en="Average speed (km/h)")
        assert town.door.source(leader, "traffic_segment_speeds") is first  # the batch keeps its one consistent read
        seen: list[Any] = []
        worker = threading.Thread(target=lambda: seen.append(town.door.source(leader, "traffic_segment_speeds")))
        worker.start()
        worker.join()
        assert seen[0] is not first  # another thread (another request) does not share this batch: it reads anew
    assert town.door.source(leader, "traffic_segment_speeds") is not first
    with batch(), pytest.raises(NotFound):
        town.door.source(actor_of(town, "hotline_staff"), "traffic_segment_speeds")
