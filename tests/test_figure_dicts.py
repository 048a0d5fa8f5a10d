"""Tile figures are plain dicts that draw what the go.Figure code drew (issue 24, item 2).

The fixtures (tests/fixtures/figures/) hold every demo board's tile views, zh and en, a table of edge cases, and
the figures the go.Figure code drew from them (bench/figureviews.py; the commit it ran on is in figures.json).
Every tile figure today must equal its fixture apart from the template, pass plotly's validator, and carry
the one prebuilt template: plotly_white minus only what no tile draws. KPI sparklines stay the same pictures.
The indicator page's trend and ranking (layouts/charts.py) are held to the same, from a table of calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from dash import dcc, html

from layouts import charts, tiles
from tests.dashcalls import walk

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "figures"
VIEWS: dict[str, dict[str, Any]] = json.loads((FIXTURES / "views.json").read_text(encoding="utf-8"))
BEFORE: dict[str, Any] = json.loads((FIXTURES / "figures.json").read_text(encoding="utf-8"))
FIGURES = {k: v["figure"] for k, v in BEFORE["figures"].items() if "figure" in v}
SPARKS = {k: v["spark"] for k, v in BEFORE["figures"].items() if "spark" in v}
CHARTS: dict[str, Any] = json.loads((FIXTURES / "charts.json").read_text(encoding="utf-8"))  # the indicator page's


def chart(key: str, **extra: Any) -> Any:
    """The indicator page's chart of a stored call, drawn today."""
    case = CHARTS["cases"][key]
    return getattr(charts, case["call"])(*case["args"], **case["kwargs"], **extra)


def drawn(key: str) -> Any:
    """The figure (or the KPI sparkline picture) that the tile body of a stored view draws today."""
    view, lang = VIEWS[key], key.rsplit("/", 1)[1]
    for node in walk(tiles.body(view, lang)):
        if isinstance(node, dcc.Graph):
            return node.figure
        if isinstance(node, html.Img) and "kpi-spark" in str(node.className):
            return node.src
    raise AssertionError(f"{key}: nothing drawn")


def without_template(figure: dict[str, Any]) -> dict[str, Any]:
    return {**figure, "layout": {k: v for k, v in figure["layout"].items() if k != "template"}}


def validated(figure: dict[str, Any]) -> dict[str, Any]:
    """The figure as plotly's validator leaves it (it raises on any property plotly does not know), template aside."""
    return without_template(go.Figure(figure).to_plotly_json())


def leaves(tree: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from leaves(value, (*path, str(key)))
    else:
        yield path, tree


def at(tree: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        tree = tree[int(key)] if isinstance(tree, list) else tree[key]
    return tree


def test_the_fixtures_cover_every_figure_type_in_both_languages() -> None:
    kinds = {(VIEWS[k]["type"], k.rsplit("/", 1)[1]) for k in FIGURES}
    assert kinds == {(kind, lang) for kind in ("line", "area", "bar", "stacked", "donut", "heatmap") for lang in ("zh", "en")}
    assert {k.rsplit("/", 1)[1] for k in SPARKS} == {"zh", "en"}
    assert len(FIGURES) >= 60 and BEFORE["commit"]


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_each_figure_is_what_go_figure_drew_apart_from_the_template(key: str) -> None:
    figure = drawn(key)
    assert isinstance(figure, dict)
    assert figure["layout"]["template"] is charts.TEMPLATE  # one prebuilt template, never a copy per figure
    assert without_template(figure) == FIGURES[key]  # the very dict sent, not only after plotly's normalising
    assert validated(figure) == validated(FIGURES[key])


@pytest.mark.parametrize("key", sorted(CHARTS["cases"]))
def test_each_indicator_page_chart_is_what_go_figure_drew_apart_from_the_template(key: str) -> None:
    figure = chart(key)
    assert isinstance(figure, dict) and figure["layout"]["template"] is charts.TEMPLATE
    assert without_template(figure) == CHARTS["cases"][key]["figure"]
    assert validated(figure) == validated(CHARTS["cases"][key]["figure"])


def test_the_authoring_preview_is_the_indicator_chart_300_pixels_high() -> None:
    """The preview set the height on the go.Figure afterwards; it now asks the chart for it."""
    before = CHARTS["cases"]["values_breakdown/zh"]["figure"]
    figure = chart("values_breakdown/zh", height=300)
    assert without_template(figure) == {**before, "layout": {**before["layout"], "height": 300}}


@pytest.mark.parametrize("key", sorted(SPARKS))
def test_kpi_sparklines_are_the_same_pictures(key: str) -> None:
    assert drawn(key) == SPARKS[key]


def test_no_plotly_object_is_built_for_a_board(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawing every stored view constructs no go.Figure and no trace object (the validation the issue measured)."""
    import plotly.basedatatypes as base

    built: list[str] = []

    def count(kind: str) -> Any:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            built.append(kind)

        return init

    monkeypatch.setattr(base.BaseFigure, "__init__", count("figure"))
    monkeypatch.setattr(base.BasePlotlyType, "__init__", count("object"))
    for key in [*FIGURES, *SPARKS]:
        drawn(key)
    for key in CHARTS["cases"]:
        chart(key)
    assert built == []


def test_the_template_is_plotly_white_without_what_no_tile_draws() -> None:
    """Every value of the small template is plotly_white's (as the fixtures carried it); what it leaves out is
    subplot kinds no tile has, trace types no tile draws, and colour scales every tile names itself."""
    white, ours = BEFORE["template"], charts.TEMPLATE
    assert CHARTS["template"] == white  # the indicator page's charts carried plotly_white too
    for path, value in leaves(ours["layout"]):
        assert at(white["layout"], path) == value, path
    assert set(white["layout"]) - set(ours["layout"]) == set(charts.UNUSED)
    traces = [trace for figure in FIGURES.values() for trace in figure["data"]]
    traces += [trace for case in CHARTS["cases"].values() for trace in case["figure"]["data"]]
    assert {trace["type"] for trace in traces} == set(ours["data"])
    for kind, entries in ours["data"].items():
        assert entries == [{k: v for k, v in entry.items() if k != "colorscale"} for entry in white["data"][kind]], kind
    assert all("colorscale" in trace for trace in traces if "colorscale" in json.dumps(white["data"][trace["type"]]))
    assert not any("coloraxis" in json.dumps(trace) for trace in traces)
    assert len(json.dumps(ours)) < len(json.dumps(white)) / 3
