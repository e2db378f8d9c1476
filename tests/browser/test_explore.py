"""The explorer in a real Chromium: the network is drawn with titles and German kinds, filters and search work,
clicks pick modules to compare, a double click opens a module."""

from __future__ import annotations

import os

import pytest

from quartiers_kg.config import ROOT

from .conftest import wait_for

pytestmark = pytest.mark.skipif(not (ROOT / "node_modules" / "cytoscape").is_dir(),
                                reason="Cytoscape.js is not installed: run 'npm ci' (.ci/run does)")


def test_network_filters_search_and_click(server, page, tmp_path):
    page.goto(server + "/explore")
    wait_for(page, "Boolean(window.cy && window.cy.nodes().length > 0)")
    assert page.evaluate("cy.nodes().length") == 4
    assert page.evaluate("cy.edges().length") == 3
    assert page.evaluate("cy.edges().map(e => e.data('kind'))") == ["reference"] * 3
    assert "4 Module, 3 Beziehungen" in page.inner_text("#explore-status")
    assert page.evaluate("cy.getElementById('116').data('label')") == "116 Netzwerkarbeit"
    assert "Verweis (3)" in page.inner_text("#kinds")
    page.uncheck('#kinds input[value="reference"]')
    assert page.evaluate("cy.edges().filter(e => e.style('display') === 'none').length") == 3
    page.check('#kinds input[value="reference"]')
    page.fill("#search", "netzwerk")
    assert page.evaluate("cy.nodes('.match').map(n => n.id())") == ["116"]
    page.screenshot(path=str(tmp_path / "explore.png"))
    if os.environ.get("QKG_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["QKG_SCREENSHOTS"], "explore.png"))
    page.wait_for_timeout(400)  # the search animates the view to the match
    box = page.locator("#network").bounding_box()
    x, y = page.evaluate("[cy.getElementById('116').renderedPosition().x, cy.getElementById('116').renderedPosition().y]")
    page.mouse.click(box["x"] + x, box["y"] + y)
    assert page.inner_text("#picked") == "116 Netzwerkarbeit" and page.locator("#compare").is_hidden()
    page.evaluate("cy.getElementById('35').emit('tap')")
    assert page.get_attribute("#compare", "href") == "/compare?modules=116,35"
    page.wait_for_timeout(500)  # two taps this close would be a double tap
    page.mouse.dblclick(box["x"] + x, box["y"] + y)
    page.wait_for_url(server + "/module/116")
    assert page.inner_text("h1") == "Netzwerkarbeit"
