"""The query page in a real browser: type a query, run it, see a row, follow an IRI to our own page."""

from __future__ import annotations

import os


def test_type_run_and_see_a_row(server, page, tmp_path):
    page.goto(server + "/sparql")
    page.wait_for_selector("#sparql-ui.enhanced")
    editor = page.locator("#query")
    editor.fill("")
    editor.type("SELECT ?n ?title WHERE { ?m <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n ; "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?title } ORDER BY ?n")
    assert page.locator("#highlight .tok-kw").first.inner_text() == "SELECT"
    page.click("#run")
    page.wait_for_selector("#results-table tbody tr")
    rows = page.locator("#results-table tbody tr")
    assert rows.count() == 4
    assert rows.last.inner_text().split("\t")[:2] == ["116", "Netzwerkarbeit @de"]
    assert "4 Zeilen" in page.inner_text("#status")
    csv_link = page.locator("#downloads a", has_text="CSV").get_attribute("href")
    assert csv_link.startswith("/sparql?") and "format=csv" in csv_link
    page.screenshot(path=str(tmp_path / "sparql.png"), full_page=True)
    if os.environ.get("QKG_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["QKG_SCREENSHOTS"], "sparql.png"), full_page=True)


def test_example_iri_links_to_our_page_and_errors_show(server, page):
    page.goto(server + "/sparql")
    page.wait_for_selector("#sparql-ui.enhanced")
    page.select_option("#example", "module-steps")
    assert "schema:step" in page.input_value("#query")
    page.focus("#query")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#results-table tbody tr")
    link = page.locator("#results-table a").first
    assert link.get_attribute("href").startswith("/module/116/step/")
    link.click()
    page.wait_for_load_state()
    assert page.url.startswith(server + "/module/116/step/")
    page.goto(server + "/sparql")
    page.wait_for_selector("#sparql-ui.enhanced")
    page.fill("#query", "SELECT ?x WHERE {")
    page.click("#run")
    page.wait_for_selector("#status.error")
    assert "400" in page.inner_text("#status") and "syntax" in page.inner_text("#status")
