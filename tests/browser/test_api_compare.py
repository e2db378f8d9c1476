"""The API documentation, a named query's page, the comparison and the print view in a real Chromium, at desktop and
phone width (no sideways scrolling)."""

from __future__ import annotations

import pytest

from quartiers_kg.config import ROOT

from .test_pages import shoot


@pytest.mark.skipif(not (ROOT / "node_modules" / "swagger-ui-dist").is_dir(), reason="Swagger UI is not installed: run 'npm ci'")
def test_api_documentation_lists_every_named_query(server, wide, tmp_path):
    page, width = wide
    page.goto(server + "/api")
    page.wait_for_selector(".opblock")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/queries/module-steps" in [p.replace("\u200b", "") for p in paths]
    page.locator(".opblock-summary", has_text="module-steps").first.click()
    page.wait_for_selector(".parameters-container")
    assert "Modulnummer" in page.inner_text(".parameters-container")
    shoot(page, tmp_path, f"api-{width}.png")


def test_named_query_page_runs_with_a_chosen_value(server, wide, tmp_path):
    page, width = wide
    page.goto(server + "/api/queries/module-steps")
    assert page.inner_text("h1") == "Umsetzungsschritte eines Moduls"
    assert page.locator("#row-count").count() == 0  # a query with a parameter waits for the form
    page.select_option("#param-number", "116")
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")
    assert page.locator("table.results tbody tr").count() == 5
    assert page.url.endswith("?number=116")
    csv = page.locator("#downloads a", has_text="CSV").get_attribute("href")
    assert csv == "?number=116&format=csv"
    shoot(page, tmp_path, f"named-query-{width}.png")


def test_compare_page_side_by_side(server, wide, tmp_path):
    page, width = wide
    page.goto(server + "/module/116")
    page.fill("#compare-with", "35")
    page.click("form.inline button")
    page.wait_for_url("**/compare?modules=116&modules=35")
    assert page.locator("#modules [data-module]").count() == 2
    assert "Community-Pavillon" in page.inner_text("#modules")
    steps = page.locator("#steps .side > div").first
    assert steps.locator("li").count() == 5
    assert page.locator("#scales .scale-row").count() == 6
    shoot(page, tmp_path, f"compare-{width}.png")


def test_print_view_beside_the_original(server, wide, tmp_path):
    page, width = wide
    page.goto(server + "/module/116")
    page.click("text=Druckansicht")
    page.wait_for_url("**/module/116/print")
    text = page.inner_text("#print-text")
    assert text.startswith("Modul Netzwerkarbeit") and "Umsetzung und Durchführung" in text
    assert page.locator("a", has_text="Original-Druckseite").first.get_attribute("href").endswith("druck_116.html")
    shoot(page, tmp_path, f"print-{width}.png")
