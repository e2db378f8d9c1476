"""Web sub-pages of a module folder: read on their own, and assembled with the print page into one module."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV

from quartiers_kg.build import page_files, read_pages
from quartiers_kg.errors import SourcePageError
from quartiers_kg.model import SourceInfo
from quartiers_kg.rdf.mapping import to_partition
from quartiers_kg.rdf.namespaces import QK
from quartiers_kg.source import parse_web_page, place_of

from .pages import TABS, full_page, web_overview, web_page, web_url

BASE = "https://w3id.org/quartiers-kg/"


def parse(text: str, tab: str, number: int = 7):
    url = web_url(number, tab)
    return parse_web_page(text, url, "page.txt", SourceInfo("page.txt", url, "0" * 64))


def test_overview_title_objective_and_both_poles():
    parsed = parse(web_page("Testmodul im Netz", web_overview(), 1), "")
    m = parsed.module
    assert m.title == "Testmodul im Netz"  # the bare title line is the title, never the objective
    assert m.objective == "Ein Ziel, das im Netz steht."
    assert m.rating_count is None  # the web shows no rating count
    assert m.source.page == 1 and m.source.pages == 6 and m.source.tab == ""
    assert [r.section for r in m.readings] == ["objective", "assessment"]


def test_footer_is_not_text_and_does_not_open_a_second_section():
    text = web_page("Testmodul im Netz", ["Umsetzung und Durchführung", "", "Man fängt klein an."], 3)
    m = parse(text, "umsetzung-und-durchfuehrung").module
    assert m.implementation == "Man fängt klein an."
    assert "Seite" not in m.implementation and "Inhalt" not in m.implementation
    assert [r.section for r in m.readings] == ["implementation"]
    assert m.readings[0].last_line == 5  # the footer's lines are not the section's


def test_page_without_headings_is_placed_by_its_tab_and_unwrapped():
    body = ["Man plant zuerst die Schritte und spricht mit den Menschen, die im Quartier",
            "wohnen, über das, was sie brauchen.", "", "Zweiter Absatz."]
    m = parse(web_page(None, body, 3), "umsetzung-und-durchfuehrung").module
    assert m.implementation == ("Man plant zuerst die Schritte und spricht mit den Menschen, die im Quartier wohnen, "
                                "über das, was sie brauchen.\n\nZweiter Absatz.")


def test_combined_tab_without_headings_keeps_everything_and_says_so():
    parsed = parse(web_page(None, ["Zu wenig Zeit.", "", "Lohnt sich."], 5), "stolpersteine-bewertung")
    assert parsed.module.pitfalls == ("Zu wenig Zeit.", "Lohnt sich.")
    assert any("cannot be told apart" in p.message for p in parsed.problems)


def test_combined_tab_with_headings_and_web_lists():
    body = ["Stolpersteine", "", "- Zu wenig Zeit.", "- Zu viele Ziele.", "", "Bewertung", "", "Lohnt sich."]
    m = parse(web_page("Testmodul im Netz", body, 5), "stolpersteine-bewertung").module
    assert m.pitfalls == ("Zu wenig Zeit.", "Zu viele Ziele.") and m.evaluation == "Lohnt sich."


def test_unknown_scale_text_is_still_an_error_naming_the_line():
    body = ["Ein Ziel.", "", "Prozessphase:", "irgendwas anderes", ""]
    with pytest.raises(SourcePageError, match=r"page.txt:6: unknown value 'irgendwas anderes'"):
        parse(web_page("Testmodul im Netz", body, 1), "")


def test_addresses():
    assert place_of(web_url(7, "stolpersteine-bewertung")) == (7, "stolpersteine-bewertung")
    assert place_of("https://www.aq-nrw.de/quartier-gestalten/modulbaukasten/modul-30-quartiersfest/") == (30, "")
    assert place_of("https://www.iat.eu/aq-nrw/modulbaukasten/") is None
    with pytest.raises(SourcePageError, match="not the address of a module page"):
        parse_web_page("Text", "https://www.iat.eu/aq-nrw/impressum/", "x.txt")


def mirror(tmp_path, pages: dict[str, str]):
    """A mirror folder as fetch lays it out: host/path/index.txt for each address."""
    for url, text in pages.items():
        path = tmp_path / url.split("://", 1)[1]
        if url.endswith("/"):
            path = path / "index.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def every_tab(number: int = 7) -> dict[str, str]:
    """Hand-made web pages of every tab, some with headings, some without, with footers and hard wraps."""
    return {
        web_url(number, ""): web_page("Testmodul im Netz", web_overview(), 1),
        web_url(number, TABS[2]): web_page("Testmodul im Netz", ["Man beginnt im Kleinen und wächst mit der Zeit,",
                                                                 "wenn alle mitmachen."], 3),
        web_url(number, TABS[3]): web_page("Testmodul im Netz", ["Wichtige Umsetzungsschritte / Aufwandsabschätzung", "",
                                                                 "Ablauf:", "", "- Planen", "- Machen"], 4),
        web_url(number, TABS[4]): web_page(None, ["Stolpersteine", "", "Zu wenig Zeit.", "", "Bewertung", "", "Lohnt sich."], 5),
    }


def test_a_module_assembled_from_every_tab_and_its_print_page(tmp_path):
    print_url = "https://www.aq-nrw.de/assets/default/druck/module/druck_07.html"
    pages = every_tab() | {print_url: full_page(Zielsetzung=["Das Ziel der Druckseite."])}
    folder = mirror(tmp_path, pages)
    (folder / "www.aq-nrw.de/assets/default/druck/module/druck_07.html").rename(
        folder / "www.aq-nrw.de/assets/default/druck/module/druck_07.txt")  # text saved from the print page
    batch = read_pages(page_files([folder]))
    assert not batch.failures and len(batch.pages) == 1
    m = batch.pages[0].module
    # the merge rule: web pages win where they hold a section; the print page gives the rest and the rating count
    assert m.title == "Testmodul im Netz" and m.objective == "Ein Ziel, das im Netz steht."
    assert m.implementation == "Man beginnt im Kleinen und wächst mit der Zeit, wenn alle mitmachen."
    assert m.steps == ("Planen", "Machen") and m.pitfalls == ("Zu wenig Zeit.",) and m.evaluation == "Lohnt sich."
    assert m.rating_count == 3 and m.funding == ("Kommune", "Stiftungen") and m.links == ("Ein Linktext",)
    assert not m.incomplete
    g = to_partition([m], BASE, __import__("datetime").datetime(2026, 1, 1)).graph()
    node = URIRef(BASE + "module/7")
    used = set(g.objects(node, PROV.wasDerivedFrom))
    assert used == {URIRef(u) for u in every_tab()} | {URIRef(print_url)}  # every page read is a source, no other
    taken = {(str(g.value(d, QK.section)).rsplit("/", 1)[-1], str(g.value(d, PROV.entity)), g.value(d, QK.taken).toPython())
             for d in g.objects(node, PROV.qualifiedDerivation)}
    assert ("objective", web_url(7, ""), True) in taken and ("objective", print_url, False) in taken
    assert ("funding", print_url, True) in taken
    assert set(g.objects(node, QK.webPageMissing)) == {Literal(2), Literal(6)}
    assert g.value(node, QK.webPageCount) == Literal(6)


def test_web_pages_alone_say_what_is_missing(tmp_path):
    batch = read_pages(page_files([mirror(tmp_path, every_tab(9))]))
    m = batch.pages[0].module
    assert m.incomplete and m.rating_count is None
    g = to_partition([m], BASE, __import__("datetime").datetime(2026, 1, 1)).graph()
    missing = {str(s).rsplit("/", 1)[-1] for s in g.objects(URIRef(BASE + "module/9"), QK.sectionMissing)}
    assert missing >= {"funding", "literature", "links"} and "objective" not in missing and "contacts" not in missing
    assert not any("druck" in str(o) for o in g.objects(URIRef(BASE + "module/9"), PROV.wasDerivedFrom))


def test_seed_keeps_its_graph_and_gains_its_provenance(project_root):
    from quartiers_kg.source import read_page

    m = read_page(project_root / "data/modules/druck_116.txt").module
    g = to_partition([m], BASE, __import__("datetime").datetime(2026, 1, 1)).graph()
    derivations = list(g.objects(URIRef(BASE + "module/116"), PROV.qualifiedDerivation))
    lines = {str(g.value(d, QK.section)).rsplit("/", 1)[-1]: (g.value(d, QK.firstLine).toPython(), g.value(d, QK.lastLine).toPython())
             for d in derivations}
    text = (project_root / "data/modules/druck_116.txt").read_text(encoding="utf-8").splitlines()
    first, last = lines["funding"]
    assert text[first - 1].strip() == "Finanzierung" and text[last - 1].strip() == "Vereine"
    assert len(derivations) == 17  # every heading of the page; it has no 'Kontakte'


def saved(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_html_honours_its_charset_and_says_when_it_guessed(tmp_path):
    from quartiers_kg.source import SourceFile, read_source

    body = "<html><head>{meta}</head><body><h1>Testmodul für Ältere</h1><p>Ein Ziel, das im Netz steht.</p></body></html>"
    url = web_url(7, "")
    cases = {
        "meta": (body.format(meta='<meta charset="iso-8859-1">').encode("iso-8859-1"), None, False),
        "declared": (body.format(meta="").encode("cp1252"), "windows-1252", False),
        "bom": (b"\xef\xbb\xbf" + body.format(meta="").encode("utf-8"), None, False),
        "guessed": (body.format(meta="").encode("cp1252"), None, True),
    }
    for name, (data, declared, guessed) in cases.items():
        parsed = read_source(SourceFile(saved(tmp_path, f"{name}.html", data), url, declared))
        assert parsed.module.title == "Testmodul für Ältere", name
        assert any("windows-1252" in p.message for p in parsed.problems) == guessed, name
    wrong = saved(tmp_path, "wrong.html", "<p>Zielsetzung</p>\n<p>\u20ac</p>".encode("utf-8"))
    with pytest.raises(SourcePageError, match=r"wrong.html:2: not ascii as the server declares"):
        read_source(SourceFile(wrong, url, "ascii"))


def test_old_site_overview_prints_the_title_twice():
    body = ["Testmodul im Netz", "", "Zielsetzung", "", "Das alte Ziel."]
    url = "https://www.aq-nrw.de/quartier-gestalten/modulbaukasten/modul-07-testmodul/"
    m = parse_web_page(web_page("Testmodul im Netz", body, 1, footer=False), url, "alt.txt",
                       SourceInfo("alt.txt", url, "0" * 64)).module
    assert m.title == "Testmodul im Netz" and m.objective == "Das alte Ziel." and not m.extra_sections


def test_ingest_a_single_saved_web_page_at_its_address(runner, tmp_path):
    from quartiers_kg.cli import main

    page = saved(tmp_path, "gespeichert.txt", web_page("Testmodul im Netz", web_overview(), 1).encode("utf-8"))
    result = runner.invoke(main, ["ingest", str(page), "--url", web_url(7, "")])
    assert result.exit_code == 1  # a web page alone is an incomplete module
    g = Graph().parse(data=result.stdout, format="turtle")
    node = URIRef(BASE + "module/7")
    assert set(g.objects(node, PROV.wasDerivedFrom)) == {URIRef(web_url(7, ""))}
    assert str(g.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == "Testmodul im Netz"
    both = runner.invoke(main, ["ingest", str(page), str(page), "--url", web_url(7, "")])
    assert both.exit_code == 2 and "--url" in both.output
