"""Same look: every tile figure and indicator page chart drawn by the product's plotly.js bundle is pixel for pixel
what the go.Figure code drew (the fixtures of tests/test_figure_dicts.py, with the whole plotly_white template
they carried)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser

from tests.conftest import ROOT, need
from tests.test_figure_dicts import BEFORE, CHARTS, FIGURES, chart, drawn

PAGE = '<html><body style="margin:0"><div id="g" style="width:600px;height:360px"></div></body></html>'


def test_every_tile_figure_looks_as_the_go_figure_one_did(browser: Browser) -> None:
    bundles = sorted((ROOT / "assets" / "vendor").rglob("plotly-cartesian.min.js"))
    need(bool(bundles), "the vendored plotly.js bundle is missing")
    context = browser.new_context(viewport={"width": 640, "height": 400})
    page = context.new_page()
    page.set_content(PAGE)
    page.add_script_tag(path=str(bundles[0]))

    def shot(figure: dict[str, Any]) -> bytes:
        script = "f => { const g = document.getElementById('g'); g.style.height = (f.layout.height || 360) + 'px';"
        page.evaluate(script + " return Plotly.newPlot(g, f.data, f.layout, {staticPlot: true}); }", figure)
        return page.locator("#g").screenshot(animations="disabled")

    differ, blank = [], shot({"data": [], "layout": {}})
    pairs = [(key, before, drawn(key)) for key, before in sorted(FIGURES.items())]
    pairs += [(key, case["figure"], chart(key)) for key, case in sorted(CHARTS["cases"].items())]
    for key, before, now in pairs:
        old = shot({**before, "layout": {**before["layout"], "template": BEFORE["template"]}})
        assert old != blank, key  # the figure was drawn
        if shot(now) != old:
            differ.append(key)
    context.close()
    assert differ == []
