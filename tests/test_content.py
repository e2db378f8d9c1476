"""Finding the module in a page as served (source/content.py, html.py) and the boilerplate net (boilerplate.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from quartiers_kg.source import SourceFile, parse_page, read_source
from quartiers_kg.source.boilerplate import drop_repeated
from quartiers_kg.source.files import load_source
from quartiers_kg.source.html import read_html

from .pages import web_url
from .served import SITE, content_html, print_template, print_text, semantic

PRINT = "https://www.aq-nrw.de/assets/default/druck/module/druck_{:02d}.html"


def saved(tmp_path: Path, markup: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(markup, encoding="utf-8")
    return path


def test_the_title_is_the_contents_heading_not_the_sites_name_a_path_or_an_address(tmp_path):
    markup = f"""<html><head><title>Netzwerkarbeit | {SITE}</title></head><body>
        <a href="#inhalt">Zum Inhalt springen</a>
        <div class="kopfbereich"><h1>{SITE}</h1></div>
        <h1><a href="/">Startseite</a> › <a href="/mb/">Modulbaukasten</a> › Modul 30</h1>
        <h1>https://www.iat.eu/aq-nrw/modulbaukasten/</h1>
        <div id="inhalt"><h1>Netzwerkarbeit</h1><p>Ein Ziel.</p></div></body></html>"""
    page = read_source(SourceFile(saved(tmp_path, markup), web_url(30, "")))
    assert page.module.title == "Netzwerkarbeit" and page.module.objective == "Ein Ziel."


def test_the_content_is_where_the_skip_link_leads_not_where_the_link_back_up_does():
    markup = """<html><body><div id="top"><a href="#inhalt">Zum Inhalt</a><div><p>Eine Spalte ohne Namen.</p></div>
        <div id="inhalt"><h1>Modul X</h1><h2>Zielsetzung</h2><p>Ziel.</p></div>
        <p><a href="#top">Nach oben</a></p></div></body></html>"""
    page = read_html(markup)
    assert page.text == "Modul X\n\nZielsetzung\n\nZiel."
    assert {d.why for d in page.dropped} == {"skip link", "outside the main content"}


def test_a_list_of_links_before_the_modules_text_is_a_menu_after_it_the_modules_own():
    links = "<ul>" + "".join(f'<li><a href="/{i}/">Punkt {i}</a></li>' for i in range(4)) + "</ul>"
    markup = f"<body><main><h1>Modul X</h1>{links}<h2>Zielsetzung</h2><p>Ziel.</p><h2>Links</h2>{links}</main></body>"
    page = read_html(markup)
    assert page.text.count("Punkt 0") == 1 and page.text.endswith("Links\n\n- Punkt 0\n- Punkt 1\n- Punkt 2\n- Punkt 3")
    assert [d.why for d in page.dropped] == ["navigation"]


def test_where_nothing_names_the_content_it_is_where_title_template_text_and_pager_meet():
    from .served import grid, tab_texts
    from .pages import TAB_NAMES, TABS, web_page

    tabs = [(name, web_url(7, tab)) for name, tab in zip(TAB_NAMES, TABS)]
    text = web_page("Testmodul", tab_texts(7, "Testmodul")[3], 4, len(TABS), footer=False)  # the steps: no heading
    page = read_html(grid(content_html(text), "Testmodul", 7, (4, len(TABS), tabs)))
    blocks = page.text.split("\n\n")
    assert blocks[:3] == ["Testmodul", "Ablauf:", "- Planen\n- Machen 7"] and blocks[3:5] == ["Seite 4 / 6", "Inhalt:"]
    assert "Weitere Module" not in page.text and "© 2024" not in page.text
    assert "outside the main content" in [d.why for d in page.dropped]


def test_a_title_band_above_the_content_is_still_the_title(tmp_path):
    markup = """<html><body><header class="site"><a href="/">Logo</a></header>
        <div class="page-title"><h1>Modul Quartiersbegehung</h1></div>
        <main><h2>Zielsetzung</h2><p>Gehen.</p><h2>Links</h2><p>L</p></main></body></html>"""
    page = read_source(SourceFile(saved(tmp_path, markup), PRINT.format(12)))
    assert page.module.title == "Quartiersbegehung" and page.module.objective == "Gehen."


def test_a_print_pages_own_header_and_footer_are_no_section(tmp_path):
    markup = print_template(content_html(print_text(7, "Testmodul")), "Testmodul", 7)
    page = read_source(SourceFile(saved(tmp_path, markup), PRINT.format(7)))
    assert page.module.links == ("Linktext 7",) and not page.module.extra_sections
    assert not any("Problem" in p.message or "heading" in p.message for p in page.problems)


def test_a_block_holding_the_templates_text_is_kept_whatever_its_class_says():
    markup = """<body><main><h1>Modul X</h1><div class="teaser-header"><h2>Stolpersteine</h2><p>Zeit.</p></div>
        <div class="teaser-header"><p>Nur eine Werbung.</p></div></main></body>"""
    page = read_html(markup)
    assert "Stolpersteine" in page.text and "Zeit." in page.text and "Werbung" not in page.text
    assert [d.why for d in page.dropped] == ["sidebar"]


def test_a_sidebar_listing_other_modules_is_not_the_section_of_related_modules(tmp_path):
    markup = semantic(content_html(print_text(30, "Netzwerkarbeit im Quartier")), "Netzwerkarbeit im Quartier", 30)
    markup = markup.replace("<h2>Weitere Module</h2>", "<h2>Weitere Module, die Sie auch interessieren könnten</h2>")
    page = read_source(SourceFile(saved(tmp_path, markup), PRINT.format(30)))
    assert [(r.number, r.title) for r in page.module.related] == [(31, "Ein anderes Modul")]


def test_the_pager_of_a_web_page_is_read_wherever_the_template_puts_it(tmp_path):
    tabs = [("Übersicht", web_url(7, "")), ("Umsetzung und Durchführung", web_url(7, "umsetzung-und-durchfuehrung"))]
    markup = semantic(content_html("Titel\n\nUmsetzung und Durchführung\n\nMan beginnt."), "Titel", 7, (2, 2, tabs))
    page = read_source(SourceFile(saved(tmp_path, markup), web_url(7, "umsetzung-und-durchfuehrung")))
    assert (page.module.source.page, page.module.source.pages) == (2, 2)
    assert page.module.implementation == "Man beginnt."


def test_text_pages_and_plain_html_lose_nothing(tmp_path, seed_text):
    seed = load_source(SourceFile(saved(tmp_path, seed_text, "druck_116.txt")))
    assert seed.text == seed_text and not seed.dropped
    plain = read_html("<h1>Modul X</h1><p>Zielsetzung</p><p>Ein  Ziel<br>zwei Zeilen.</p>")
    assert plain.text == "Modul X\n\nZielsetzung\n\nEin  Ziel\nzwei Zeilen." and not plain.dropped


@pytest.mark.parametrize(("cut", "fragment"), [("Stift", "Stift"), ("Stiftungen</p", None), ("Stiftungen</p><h2>Bera", "Bera")])
def test_a_page_cut_off_in_the_middle_keeps_no_fragment_as_a_value(tmp_path, cut, fragment):
    markup = semantic(content_html(print_text(30, "Netzwerkarbeit")), "Netzwerkarbeit", 30)
    markup = markup[: markup.index("Stiftungen")] + cut
    page = read_source(SourceFile(saved(tmp_path, markup), PRINT.format(30)))
    assert page.module.funding == (("Kommune",) if fragment == "Stift" else ("Kommune", "Stiftungen"))
    assert page.module.incomplete and page.module.cut_off == "funding" and not page.module.extra_sections
    cut_in = [p.message for p in page.problems if "the page was cut off in" in p.message]
    assert cut_in == ([f"the page was cut off in {fragment!r}: not taken as a value"] if fragment else [])


def test_a_text_page_cut_off_in_a_pole_or_a_heading_is_read_up_to_there():
    text = print_text(30, "Netzwerkarbeit")
    in_pole = parse_page(text[: text.index("personalintensiv") + 5], 30)
    assert in_pole.module.cut_off == "assessment"
    assert any("ends in the middle of its pole" in p.message for p in in_pole.problems)
    in_heading = parse_page(text[: text.index("Nutzerinnen- und Nutzerkommentare") + 20], 30)
    assert in_heading.module.cut_off == "advice" and not in_heading.module.extra_sections


def _page(tmp_path, number: int, tab: str, body: str):
    url = web_url(number, tab)
    path = saved(tmp_path, f"<html><body>{body}</body></html>", f"{number}-{tab or 'start'}.html")
    return load_source(SourceFile(path, url))


def test_lines_one_site_repeats_are_dropped_only_across_several_modules(tmp_path):
    chrome = "<p>Ein Satz der Website.</p>"
    one_module = [_page(tmp_path, 7, tab, f"{chrome}<h1>Titel</h1><p>Text {tab} eins.</p>{chrome}")
                  for tab in ("", "umsetzung-und-durchfuehrung", "stolpersteine-bewertung", "anwender-zielgruppe")]
    assert drop_repeated(one_module) == one_module  # the lines of one module's tabs are its own
    many = [_page(tmp_path, n, "", f"<h1>Titel {n}</h1>{chrome}<p>Text {n}.</p><p>Alle teilen diesen Satz.</p>"
                                   f"<p>Text {n} zwei.</p>{chrome}") for n in (7, 9, 30, 41)]
    for page in drop_repeated(many):
        lines = [line for line in page.text.split("\n") if line]
        assert "Ein Satz der Website." not in lines and "Alle teilen diesen Satz." in lines  # edges only
        assert [d.why for d in page.dropped] == ["on 4 of 4 www.iat.eu web pages"] * 2
        assert page.text.split("\n").index(lines[1]) == 4  # line numbers stay: the dropped line is blank


_TAGS = st.sampled_from(["div", "p", "span", "section", "ul", "li", "h1", "h2", "a", "main", "article", "header", "footer", "b"])


@st.composite
def _trees(draw, depth: int = 0):
    """Random markup, with every text under a <nav> or <aside> marked so the test can look for it."""
    children = draw(st.lists(st.one_of(
        st.text(alphabet="abcäß <>&\"' ", max_size=12).map(lambda t: t.replace("<", "&lt;").replace("&", "&amp;")),
        st.builds(lambda tag, inner: f"<{tag}>{inner}</{tag}>", _TAGS, _trees(depth + 1)) if depth < 4 else st.just("x"),
        st.builds(lambda tag, n: f"<{tag}>NAVI{n}</{tag}>", st.sampled_from(["nav", "aside"]), st.integers(0, 99)),
    ), max_size=4))
    return "".join(children)


@settings(max_examples=150, deadline=None)
@given(_trees())
def test_any_markup_gives_text_and_never_a_menus_or_sidebars_words(markup):
    page = read_html(f"<html><body>{markup}</body></html>")
    assert "NAVI" not in page.text
    assert all(d.text for d in page.dropped)

