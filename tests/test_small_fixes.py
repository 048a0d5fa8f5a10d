"""Issue 11, point 10 where the logic is plain: a removed tile leaves no hole in the saved layout; the ratio template
starts from a dataset with a yes/no column of the author's department."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from boards.edits import apply, compact
from demo.boards import BOARDS
from tests.conftest import actor_of, make_settings
from tests.dashcalls import by_id, client, signed_in, text, walk


def holes(layout: Sequence[Mapping[str, Any]]) -> list[str]:
    """Places that could move up: not at the top and resting on no other place (nothing directly above them in
    any of their columns)."""

    def touches(place: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
        side_by_side = place["x"] < other["x"] + other["w"] and other["x"] < place["x"] + place["w"]
        return bool(side_by_side and other["y"] + other["h"] == place["y"])

    return [p["i"] for p in layout if p["y"] > 0 and not any(touches(p, o) for o in layout if o is not p)]


def place(i: str, x: int, y: int, w: int, h: int) -> dict[str, Any]:
    return {"i": i, "x": x, "y": y, "w": w, "h": h}


TWO_BY_TWO = [place("a", 0, 0, 6, 3), place("b", 6, 0, 6, 3), place("c", 0, 3, 6, 4), place("d", 6, 3, 6, 2)]


@pytest.mark.parametrize(
    ("removed", "expected"),
    [
        ("a", [place("b", 6, 0, 6, 3), place("c", 0, 0, 6, 4), place("d", 6, 3, 6, 2)]),
        ("b", [place("a", 0, 0, 6, 3), place("c", 0, 3, 6, 4), place("d", 6, 0, 6, 2)]),
        ("c", [place("a", 0, 0, 6, 3), place("b", 6, 0, 6, 3), place("d", 6, 3, 6, 2)]),
    ],
)
def test_removing_a_tile_moves_the_tiles_below_it_up(removed: str, expected: list[dict[str, Any]]) -> None:
    spec = {"tiles": [{"id": p["i"]} for p in TWO_BY_TWO], "layout": TWO_BY_TWO}
    after, undo, problem = apply(spec, [], {"op": "remove", "tile": removed}, lambda _id: None)
    assert (after["layout"], problem) == (expected, "")
    assert [t["id"] for t in after["tiles"]] == [p["i"] for p in expected]
    assert undo == [spec]  # undo brings the tile back where it was


@pytest.mark.parametrize("board", BOARDS, ids=[b["id"] for b in BOARDS])
def test_removing_any_tile_of_a_demo_board_leaves_no_hole(board: dict[str, Any]) -> None:
    spec = board["spec"]
    for tile in spec["tiles"]:
        after, _, _ = apply(spec, [], {"op": "remove", "tile": tile["id"]}, lambda _id: None)
        assert holes(after["layout"]) == [], (tile["id"], after["layout"])
        assert len(after["layout"]) == len(spec["layout"]) - 1


def test_compacting_a_compacted_layout_changes_nothing() -> None:
    for board in BOARDS:
        once = compact(board["spec"]["layout"])
        assert holes(once) == [] and compact(once) == once
        assert [p["i"] for p in once] == [p["i"] for p in board["spec"]["layout"]]


# -- the ratio template starts from a dataset with something to count the share of ---------------------------
@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app over a small demo city."""
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("small-fixes")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    yield app
    rt.close()


@pytest.fixture(scope="module")
def demo(demo_app: Any) -> Any:
    return demo_app.server.extensions["city"]


def sources_of(rt: Any, username: str) -> Any:
    from datasets import catalog
    from indicators.templates import Sources

    who = actor_of(rt, username)
    with rt.store.read() as db:
        infos = catalog.list_datasets(db, who)
    return Sources(who.department, who.username, infos, rt.registry.visible(who), frozenset(rt.registry.all()))


def flagged(sources: Any) -> dict[str, set[str]]:
    """The department's datasets with a time column and yes/no columns (the ones a share can be counted over)."""
    out: dict[str, set[str]] = {}
    for info in sources.datasets:
        flags = {c.name for c in info.columns if c.type == "boolean" and not c.pii}
        if info.department == sources.department and flags and any(c.type in ("date", "timestamp") for c in info.columns):
            out[info.id] = flags
    return out


@pytest.mark.parametrize("username", ["traffic_analyst", "gov_analyst", "hotline_analyst"])
def test_the_ratio_template_counts_a_yes_no_column_of_the_departments_own_data(demo: Any, username: str) -> None:
    from indicators.spec import IndicatorType, parse_indicator
    from indicators.templates import switch_type, template

    sources = sources_of(demo, username)
    ratio = template(IndicatorType.RATIO, sources)
    owned = {d.id for d in sources.datasets if d.department == sources.department}
    assert ratio["dataset"] in owned
    candidates = flagged(sources)
    if candidates:  # the hotline's tickets (is_complaint), not its survey ("share of answers that have an id")
        assert ratio["dataset"] in candidates
        assert any(flag in ratio["numerator"]["expr"] for flag in candidates[ratio["dataset"]])
    parse_indicator(ratio)
    # Switching a fresh simple definition to ratio gives the same start; a dataset the author chose stays.
    simple = template(IndicatorType.SIMPLE, sources)
    assert switch_type(simple, IndicatorType.RATIO, sources)["dataset"] == ratio["dataset"]
    for kept in (simple | {"filters": ["1 = 1"]}, simple):
        saved = kept is simple
        assert switch_type(kept, IndicatorType.RATIO, sources, saved=saved)["dataset"] == simple["dataset"]


def test_the_hotline_ratio_template_is_the_share_of_complaints(demo: Any) -> None:
    from indicators.spec import IndicatorType
    from indicators.templates import template

    ratio = template(IndicatorType.RATIO, sources_of(demo, "hotline_analyst"))
    assert (ratio["dataset"], ratio["numerator"]["expr"], ratio["time"]["column"]) == (
        "hotline_tickets",
        "case when is_complaint then 1 else 0 end",
        "created_at",
    )


# -- a board export says so when the browser it needs is missing ---------------------------------------------
@pytest.fixture
def no_chromium(demo: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A machine without chromium: the export's browser (the setting CITY_CHROMIUM) points where nothing is installed."""
    import dataclasses

    gone = str(tmp_path / "no-such-dir" / "chromium")
    monkeypatch.setattr(demo, "settings", dataclasses.replace(demo.settings, chromium=gone))
    return gone


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", ("Chromium", "scripts/system-deps.sh", "CSV 和 Excel")), ("en", ("Chromium", "scripts/system-deps.sh", "CSV and Excel"))],
)
@pytest.mark.parametrize("kind", ["pdf", "png"])
def test_a_board_export_without_chromium_says_what_is_missing_and_what_to_run(
    demo_app: Any, no_chromium: str, lang: str, words: tuple[str, ...], kind: str
) -> None:
    found = client(demo_app, "leader", lang)
    response = found.get(f"/api/v1/boards/city_cockpit/export.{kind}?lang={lang}")  # the API speaks English unless asked
    assert response.status_code == 503
    error = response.json["error"]  # type: ignore[index]
    assert error["code"] == "unavailable"
    assert all(w in error["message"] for w in (*words, no_chromium)), error["message"]
    assert found.get("/api/v1/boards/city_cockpit/tiles/k_congestion/export.csv").status_code == 200  # CSV still works


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_board_page_shows_why_pdf_and_png_are_off_without_chromium(demo_app: Any, no_chromium: str, lang: str) -> None:
    from callbacks import pages
    from layouts import ids

    with signed_in(demo_app, "leader", lang):
        tree = pages.board("city_cockpit")
    for button in (ids.board.EXPORT_PDF, ids.board.EXPORT_PNG):
        link = by_id(tree, button)
        assert "disabled" in link.className.split() and "Chromium" in getattr(link, "title", "")
    note = [n for n in walk(tree) if "board-export-missing" in str(getattr(n, "className", ""))]
    assert len(note) == 1 and "scripts/system-deps.sh" in text(note[0])


def test_with_chromium_the_export_buttons_are_live(demo_app: Any) -> None:
    from boards import snapshot
    from callbacks import pages
    from layouts import ids

    if not snapshot.available():
        pytest.skip("chromium is not installed here")
    with signed_in(demo_app, "leader"):
        tree = pages.board("city_cockpit")
    assert "disabled" not in by_id(tree, ids.board.EXPORT_PDF).className.split()
    assert not [n for n in walk(tree) if "board-export-missing" in str(getattr(n, "className", ""))]
