"""The query page in a real Chromium: YASGUI over our endpoint — a SELECT, a CONSTRUCT as a triple table, an error,
an example from the named queries, IRIs that open our own pages — at desktop and phone width."""

from __future__ import annotations

import pytest

from quartiers_kg.config import ROOT

from .test_pages import shoot

pytestmark = pytest.mark.skipif(not (ROOT / "node_modules" / "@zazuko" / "yasgui").is_dir(),
                                reason="YASGUI is not installed: run 'npm ci' (.ci/run does)")


def opened(page, server: str):
    """The query page, once YASGUI is ready."""
    page.goto(server + "/sparql")
    page.wait_for_selector(".yasqe_queryButton")
    return page


def run(page, query: str) -> None:
    """Replace the editor's text and run it."""
    page.locator(".CodeMirror").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.evaluate("text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", query)
    page.click(".yasqe_queryButton")


def test_select_shows_rows_with_prefixed_names_that_open_our_pages(server, wide, tmp_path):
    page, width = wide
    opened(page, server)
    assert page.locator("#query-form").is_hidden()  # the plain form is the fallback without JavaScript
    run(page, "PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>\nSELECT ?m ?n WHERE { ?m qk:moduleNumber ?n } ORDER BY ?n")
    page.wait_for_selector(".yasr table tbody tr")
    assert page.locator(".yasr table tbody tr").count() == 4
    assert "kg:module/116" in page.inner_text(".yasr table")
    link = page.locator(".yasr table a", has_text="kg:module/116")
    assert link.get_attribute("href") == "/module/116"
    shoot(page, tmp_path, f"yasgui-select-{width}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    link.click()
    page.wait_for_url(server + "/module/116")


def test_construct_is_a_triple_table(server, wide, tmp_path):
    page, width = wide
    opened(page, server)
    run(page, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER (?s = <https://w3id.org/quartiers-kg/module/116/step/1>) }")
    page.wait_for_selector(".yasr table tbody tr")
    head = page.inner_text(".yasr table thead").split()
    assert head[-3:] == ["subject", "predicate", "object"]
    assert "Art und Zielrichtung klären" in page.inner_text(".yasr table")
    shoot(page, tmp_path, f"yasgui-construct-{width}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_error_is_shown_and_the_page_stays_in_bounds(server, wide, tmp_path):
    page, width = wide
    opened(page, server)
    run(page, "SELECT ?x WHERE { ?x ")
    page.wait_for_selector(".yasr .errorResult, .yasr pre")
    assert "400" in page.inner_text(".yasr") and "syntax" in page.inner_text(".yasr")
    shoot(page, tmp_path, f"yasgui-error-{width}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_named_query_as_example(server, page):
    opened(page, server)
    page.select_option("#example", "module-steps")
    assert "schema:step" in page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr")
    assert page.locator(".yasr table tbody tr").count() == 5
