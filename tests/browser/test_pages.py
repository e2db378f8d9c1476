"""Linked-data pages as a person sees them, on a desktop and on a phone, in a real Chromium."""

from __future__ import annotations

import os

import pytest


def shoot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if os.environ.get("QKG_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["QKG_SCREENSHOTS"], name), full_page=True)


def test_module_page(server, page, tmp_path):
    page.goto(server + "/module/116")
    assert page.inner_text("h1") == "Netzwerkarbeit"
    steps = page.locator("section:has(h2:text('Umsetzungsschritte')) ol li")
    assert steps.count() == 5 and steps.first.inner_text() == "Art und Zielrichtung klären"
    assert page.locator(".scale").count() == 6
    assert "bedarf längerer Vorbereitung" in page.inner_text("main")
    related = page.locator("a", has_text="Community-Pavillon")
    assert related.get_attribute("href") == "/module/35"
    assert page.locator('script[type="application/ld+json"]').count() == 1
    shoot(page, tmp_path, "module-116.png")
    related.click()
    page.wait_for_load_state()
    assert page.url == server + "/module/35" and page.inner_text("h1") == "Community-Pavillon"


def test_ontology_page(server, page, tmp_path):
    page.goto(server + "/ontology")
    assert page.locator("h2", has_text="Klassen").count() == 1
    module = page.locator("article#Module")
    assert "Modul" in module.inner_text() and "Module" in module.inner_text()
    assert "Verwendungen" in module.inner_text()
    assert page.locator("article").count() > 40
    shoot(page, tmp_path, "ontology.png")


@pytest.mark.parametrize("path", ["/", "/module/116", "/module/35", "/ontology", "/shapes", "/sparql", "/module/?funding=kommune",
                                  "/explore", "/coverage", "/funding/kommune"])
def test_usable_on_a_phone(browser, server, tmp_path, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(server + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if path == "/module/116":
        shoot(page, tmp_path, "module-116-phone.png")
    context.close()
    assert overflow <= 0, f"{path} is {overflow}px wider than a phone screen"


def test_module_list_with_a_facet(server, page, tmp_path):
    page.goto(server + "/module/?funding=kommune")
    assert page.locator("#total").inner_text().startswith("1 ")
    selected = page.locator('#facets [data-facet="funding"] a.selected')
    assert selected.inner_text() == "Kommune"
    assert page.locator("#members li").count() == 1 and page.locator("#members a").inner_text() == "Netzwerkarbeit"
    shoot(page, tmp_path, "module-list-funding.png")
    selected.click()  # unselect: back to every module
    page.wait_for_load_state()
    assert page.locator("#members li").count() == 4
    page.locator('#members a', has_text="Netzwerkarbeit").click()
    page.wait_for_load_state()
    assert page.url.endswith("/module/116")
