"""Module pages as content management systems serve them: the module's text made from the template, wrapped in a
site's chrome (skip link, logo, menu, search, breadcrumb, sidebar of other modules, cookie notice, footer, pager).

Six site templates (TEMPLATES): a semantic one (header, nav, main, article, aside, footer), an older one of plain
`div`s with ids and classes only, a bare one whose markup says nothing, a blog theme, a table layout inside an ASP.NET
form, and grid columns; print pages come in a print template of their own. Every phrase of the chrome is listed in CHROME_PHRASES, so a test can look for any of
them in the graph. No real page text: the chrome's words are made up the way such sites write them.
"""

from __future__ import annotations

import html
import re

from quartiers_kg.source.headings import section_of

from .mocksite import ROOT, MockSite
from .pages import TAB_NAMES, TABS, full_page, web_overview, web_page

SITE = "Landesbüro altengerechte Quartiere.NRW"
MENU = ["Startseite", "Quartier gestalten", "Modulbaukasten", "Projektlandkarte", "Veranstaltungen", "Kontakt"]
OTHER_MODULES = ["Modul 12: Quartiersbegehung", "Modul 20: Fotostreifzug", "Modul 44: Erzählcafé"]
COOKIE = "Diese Website verwendet Cookies, um Ihnen ein besseres Nutzungserlebnis zu bieten."
FOOTER_LINKS = ["Impressum", "Datenschutzerklärung", "Barrierefreiheit"]
COPYRIGHT = f"© 2024 {SITE}"
ADDRESS = "Geschäftsstelle: Beispielstraße 1, 44787 Bochum"
PRINT_STAMP = "Gedruckt am 05.12.2026 · www.aq-nrw.de"

# what only the chrome says (a test finds none of them in a literal), and its words that modules use too
# ("Barrierefreiheit", "Wohnen"; "Weitere Module" begins a heading of the template): none of those is a whole value
CHROME_PHRASES = [
    "Zum Inhalt springen", "Sie sind hier", "Diese Website verwendet Cookies", "Alle akzeptieren", "Nur notwendige Cookies",
    "Datenschutzerklärung", "Impressum", "© 2024", "Geschäftsstelle: Beispielstraße", "Suchbegriff", "Mehr erfahren",
    "Seite drucken", "Teilen", "Gedruckt am", "Nach oben", "Projektlandkarte", "Veranstaltungen",
    "Modul 44: Erzählcafé", "Quartiersbegehung", SITE,
]
_NUMBERED = re.compile(r"^\s*\d+\.\s+")


def content_html(text: str) -> str:
    """The module's text laid out as HTML: the title (the first line, "Modul …" on a print page) an h1, the template's
    headings h2, lists as lists, the rest paragraphs (a block's single line breaks as <br>)."""
    out = []
    for block in (b for b in re.split(r"\n\s*\n", text) if b.strip()):
        lines = block.split("\n")
        if len(lines) == 1 and not out and not section_of(lines[0]):
            out.append(f"<h1>{html.escape(lines[0].strip())}</h1>")
        elif len(lines) == 1 and section_of(lines[0]):
            out.append(f"<h2>{html.escape(lines[0].strip())}</h2>")
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{html.escape(_NUMBERED.sub('', line))}</li>" for line in lines)
            out.append(f"<ol>{items}</ol>")
        elif all(line.startswith("- ") for line in lines):
            out.append("<ul>" + "".join(f"<li>{html.escape(line[2:])}</li>" for line in lines) + "</ul>")
        else:
            out.append("<p>" + "<br>\n".join(html.escape(line) for line in lines) + "</p>")
    return "\n".join(out)


def _links(texts, hrefs=None) -> str:
    hrefs = hrefs or [f'/{re.sub(r"[^a-z]+", "-", t.casefold()).strip("-")}/' for t in texts]
    return "<ul>" + "".join(f'<li><a href="{href}">{html.escape(t)}</a></li>' for t, href in zip(texts, hrefs)) + "</ul>"


Pager = tuple[int, int, list[tuple[str, str]]]  # this page's number, the number of pages, (name, address) of each tab


def _pager(page: int, pages: int, tabs: list[tuple[str, str]]) -> list[str]:
    """The tab pager's parts: "Seite X / N", "Inhalt:", the tabs (the current one not a link)."""
    items = "".join(f'<li class="active"><span>{html.escape(name)}</span></li>' if i == page - 1
                    else f'<li><a href="{href}">{html.escape(name)}</a></li>' for i, (name, href) in enumerate(tabs))
    return [f"<span>Seite {page} / {pages}</span>", "<span>Inhalt:</span>", f"<ul>{items}</ul>"]


def _sidebar() -> str:
    """Other modules, linked to folders of the site (a crawler follows them)."""
    return _links(OTHER_MODULES, [f"{ROOT}{folder}/" for folder, _ in MODULES[:len(OTHER_MODULES)]])


def semantic(content: str, title: str, number: int, pager: Pager | None = None) -> str:
    """A current CMS: landmarks for everything, the module in <main><article>, the pager a <nav> inside it."""
    pager_html = f'<nav class="tab-pager" aria-label="Reiter">{" ".join(_pager(*pager))}</nav>' if pager else ""
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{html.escape(title)} – {SITE}</title>
<link rel="stylesheet" href="/assets/site.css"><script>window.dataLayer = [];</script></head>
<body class="page-module">
<a class="skip-link visually-hidden-focusable" href="#inhalt">Zum Inhalt springen</a>
<header class="site-header">
  <a class="brand" href="/"><img src="/logo.svg" alt="Logo"> <span class="brand-name">{SITE}</span></a>
  <nav class="main-navigation" aria-label="Hauptmenü">{_links(MENU)}</nav>
  <form class="search" role="search" action="/suche/"><label for="q">Suchbegriff</label><input id="q" name="q"><button>Suchen</button></form>
</header>
<nav class="breadcrumb" aria-label="Brotkrümelnavigation"><span>Sie sind hier:</span> <a href="/">Startseite</a> › <a href="/modulbaukasten/">Modulbaukasten</a> › <span>Modul {number}</span></nav>
<main id="inhalt">
  <article class="module">
{content}
    <div class="share-tools"><a href="?print=1">Seite drucken</a> <a href="#teilen">Teilen</a></div>
    {pager_html}
  </article>
  <aside class="sidebar"><h2>Weitere Module</h2>{_sidebar()}</aside>
</main>
<footer class="site-footer">
  <p>{SITE}<br>{ADDRESS}</p>
  <nav aria-label="Rechtliches">{_links(FOOTER_LINKS)}</nav>
  <p class="copyright">{COPYRIGHT}</p>
  <a href="#top" class="to-top">Nach oben</a>
</footer>
<div class="cookie-consent" role="dialog" aria-label="Cookie-Hinweis">
  <p>{COOKIE} <a href="/datenschutz/">Mehr erfahren</a></p>
  <button class="accept-all">Alle akzeptieren</button> <button>Nur notwendige Cookies</button>
</div>
</body></html>
"""


def divs(content: str, title: str, number: int, pager: Pager | None = None) -> str:
    """An older CMS: no landmarks, only divs with ids and classes; the pager a div of spans and links inside the
    content column, the sidebar a column beside it."""
    pager_html = f'<div class="pagebrowser">{" ".join(_pager(*pager))}</div>' if pager else ""
    footer = " | ".join(f'<a href="/{t.casefold()}/">{t}</a>' for t in FOOTER_LINKS)
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{SITE}: {html.escape(title)}</title></head>
<body>
<div id="cookiebar"><div class="inner">{COOKIE} <a href="#" class="btn">Alle akzeptieren</a> <a href="#" class="btn">Nur notwendige Cookies</a></div></div>
<div id="wrap">
 <div id="top">
  <a href="#content" class="skiplink">Zum Inhalt springen</a>
  <div id="logo"><a href="/"><img src="/logo.gif" alt="{SITE}"></a></div>
  <div id="mainmenu">{_links(MENU)}</div>
  <div class="searchbox"><input type="text" value="Suchbegriff"> <input type="submit" value="Los"></div>
 </div>
 <div id="rootline">Sie sind hier: <a href="/">Startseite</a> &gt; <a href="/modulbaukasten/">Modulbaukasten</a> &gt; Modul {number}</div>
 <div id="content">
  <div class="csc-default">
{content}
  </div>
  {pager_html}
  <div class="printlink"><a href="javascript:window.print()">Seite drucken</a></div>
 </div>
 <div id="right"><div class="box"><div class="box-title">Weitere Module</div>{_sidebar()}</div></div>
 <div id="bottom">{footer}<br>{ADDRESS}<br>{COPYRIGHT}</div>
</div>
</body></html>
"""


def print_template(content: str, title: str, number: int, pager=None) -> str:
    """A print page as its site serves it: the site's name above, a footer with the date and address below."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Modul {number} – Druckansicht</title></head>
<body onload="window.print()">
<div class="print-header"><img src="/logo.png" alt="Logo"> {SITE}</div>
<div class="print-body">
{content}
</div>
<footer><p>{SITE}</p><p>{PRINT_STAMP}</p></footer>
</body></html>
"""


def bare(content: str, title: str, number: int, pager: Pager | None = None) -> str:
    """A template whose markup says nothing: the chrome in divs and paragraphs without ids, classes or landmarks, the
    module's blocks straight in the body beside them (the skip link leads nowhere), so that only the boilerplate net
    (lines the site repeats on most pages) finds the chrome."""
    pager_html = f"<div>{' '.join(f'<p>{part}</p>' for part in _pager(*pager))}</div>" if pager else ""
    return f"""<html><head><title>{html.escape(title)}</title></head><body>
<div><a href="#inhalt">Zum Inhalt springen</a></div>
<div><p>{SITE}</p>{_links(MENU)}</div>
<div><p>Sie sind hier: <a href="/">Startseite</a> › <a href="/modulbaukasten/">Modulbaukasten</a> › Modul {number}</p></div>
<div><p>{COOKIE}</p><p><a href="#">Alle akzeptieren</a></p></div>
{content}
{pager_html}
<div><p>Weitere Module</p>{_sidebar()}</div>
<div><p>{" | ".join(FOOTER_LINKS)}</p><p>{ADDRESS}</p><p>{COPYRIGHT}</p></div>
</body></html>
"""


def blog(content: str, title: str, number: int, pager: Pager | None = None) -> str:
    """A blog-style theme: the site's title a paragraph, the menu a <nav>, the module in <main><article> with an
    entry header and an entry footer of its own (edit and share links), widgets beside it, a colophon."""
    pager_html = f'<div class="page-links">{" ".join(_pager(*pager))}</div>' if pager else ""
    content = content.replace("<h1>", '<header class="entry-header"><h1 class="entry-title">', 1).replace("</h1>", "</h1></header>", 1)
    return f"""<!doctype html><html lang="de-DE"><head><meta charset="UTF-8"><title>{html.escape(title)} &#8211; {SITE}</title></head>
<body class="page-template-default page">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Zum Inhalt springen</a>
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="/" rel="home">{SITE}</a></p></div>
<nav id="site-navigation" class="main-navigation"><button class="menu-toggle">Menü</button>{_links(MENU)}</nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{number}" class="page type-page status-publish">
{content}
<div class="entry-content-footer">{pager_html}</div>
<footer class="entry-footer"><span class="share">Teilen</span></footer>
</article></main></div>
<aside id="secondary" class="widget-area"><section class="widget"><h2 class="widget-title">Weitere Module</h2>{_sidebar()}</section>
<section class="widget"><p>{COOKIE}</p></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">{COPYRIGHT} · {_links(FOOTER_LINKS)}</div></footer>
</div>
<div id="cookie-law-info-bar"><span>{COOKIE} <a role="button" class="cli_action_button">Alle akzeptieren</a></span></div>
</body></html>
"""


def tables(content: str, title: str, number: int, pager: Pager | None = None) -> str:
    """A site of the early 2000s: the whole page in an ASP.NET <form>, laid out by a table, the menu a cell of links,
    the title a <h2> under a logo <h1>, no ids that say anything."""
    pager_html = f"<p>{' '.join(_pager(*pager))}</p>" if pager else ""
    content = content.replace("<h1>", "<h2>", 1).replace("</h1>", "</h2>", 1)
    menu = "<br>".join(f'<a href="/{t.casefold()}/">{t}</a>' for t in MENU)
    return f"""<html><head><title>{SITE} - {html.escape(title)}</title></head>
<body><form name="aspnetForm" method="post" action="./default.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="abc">
<table width="100%"><tr><td colspan="2"><h1>{SITE}</h1></td></tr>
<tr><td class="links" width="180">{menu}<br><br><a href="/modulbaukasten/">Sie sind hier: Startseite &gt; Modulbaukasten &gt; Modul {number}</a></td>
<td class="rechts" valign="top">
{content}
{pager_html}
</td></tr>
<tr><td colspan="2" class="unten">{" | ".join(f'<a href="/{t.casefold()}/">{t}</a>' for t in FOOTER_LINKS)}<br>{COPYRIGHT}</td></tr></table>
</form></body></html>
"""


def grid(content: str, title: str, number: int, pager: Pager | None = None) -> str:
    """A page of grid columns (Bootstrap's way): a navbar, the module in one column and other modules in the next,
    neither named for what it holds; the cookie banner a consent tool's own div."""
    pager_html = f'<ul class="list-inline">{"".join(f"<li>{part}</li>" for part in _pager(*pager))}</ul>' if pager else ""
    return f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{html.escape(title)} | {SITE}</title></head>
<body>
<nav class="navbar navbar-expand-lg"><a class="navbar-brand" href="/">{SITE}</a>{_links(MENU)}</nav>
<div class="container">
 <ol class="breadcrumb"><li><a href="/">Startseite</a></li><li><a href="/modulbaukasten/">Modulbaukasten</a></li><li>Modul {number}</li></ol>
 <div class="row">
  <div class="col-md-8">
{content}
{pager_html}
  </div>
  <div class="col-md-4"><h3>Weitere Module</h3>{_sidebar()}<p>{ADDRESS}</p></div>
 </div>
</div>
<div class="container-fluid bg-dark"><p>{COPYRIGHT}</p><p>{" | ".join(FOOTER_LINKS)}</p></div>
<div id="CybotCookiebotDialog"><p>{COOKIE}</p><a href="#">Alle akzeptieren</a></div>
</body></html>
"""


def plain(content: str, title: str, number: int, pager: Pager | None = None) -> str:
    """The same page without chrome: the module's text, the tab links a crawler follows, the pager as paragraphs."""
    links = "<nav>" + _links([name for name, _ in pager[2]], [href for _, href in pager[2]]) + "</nav>" if pager else ""
    footer = "".join(f"<p>{part}</p>" for part in (f"Seite {pager[0]} / {pager[1]}", "Inhalt:", pager[2][pager[0] - 1][0])) if pager else ""
    return f"<html><head><title>{html.escape(title)}</title></head><body>{links}{content}{footer}</body></html>"


CHROME_VALUES = MENU + FOOTER_LINKS + ["Weitere Module", "Suchen", "Anwender und Zielgruppe"]

TEMPLATES = {"semantic": semantic, "divs": divs, "bare": bare, "blog": blog, "tables": tables, "grid": grid}

# the modules of the served site: a folder of six tabs each, and a print page; 41 has only a print page
MODULES = [("modul-07-testmodul", (7, "Testmodul Sieben")), ("modul-09-zweites-modul", (9, "Zweites Modul")),
           ("modul-30-netzwerkarbeit-im-quartier", (30, "Netzwerkarbeit im Quartier"))]
PRINT_ONLY = [(41, "Viertes Modul")]
ADVICE = "Das Landesbüro berät Kommunen und Träger gern zu diesem Modul."  # the same on every module: it stays


def print_text(number: int, title: str) -> str:
    """A module's print page, its texts its own (a site's repeated lines are chrome; these are not)."""
    return full_page(
        title, Zielsetzung=[f"Das Ziel von Modul {number}: Menschen im Quartier verbinden."],
        **{"Umsetzung und Durchführung": [f"In Quartier {number} beginnt man im Kleinen."],
           "Stolpersteine": [f"Zu wenig Zeit für Schritt {number}."], "Bewertung": [f"Lohnt sich ab {number} Beteiligten."],
           "Fallbeispiele": [f"Beispielquartier {number}"], "Beratung": [ADVICE],
           "Projekte": [f"Quartier {number} am Fluss, Beispielstadt"],
           "Weitere Module, die Sie auch interessieren könnten": [f"Modul {number + 1}: Ein anderes Modul"],
           "Literatur": [f"Muster, A. (20{number:02d}):", "Ein Buch., Köln"], "Links": [f"Linktext {number}"]})


def tab_texts(number: int, title: str) -> list[list[str]]:
    """The bodies of a module folder's six tabs, in the order of TABS."""
    return [
        web_overview(title, (f"Das Ziel von Modul {number} im Netz.",)),
        ["Anwenderinnen und Anwender", "", "Kommunen", "", "Zielgruppe", "", "Ältere Menschen", "", "Handlungsfelder", "", "Wohnen"],
        ["Umsetzung und Durchführung", "", f"Man beginnt in Quartier {number} im Kleinen.", "", "- Erstens", "- Zweitens"],
        ["Ablauf:", "", "- Planen", f"- Machen {number}"],  # no heading: the tab says which section it is
        ["Stolpersteine", "", f"Zu wenig Zeit im Quartier {number}.", "", "Bewertung", "", f"Lohnt sich für {number}."],
        ["Fallbeispiele", "", f"Nachbarschaft {number}", "", "Finanzierung", "", "Kommune", "", "Spenden"],
    ]


def served_site(template: str | None) -> MockSite:
    """A mock of both sites whose pages are wrapped in `template` (None: the same pages without chrome). The print
    pages come in the print template's own wrapping, the bare template wraps them too."""
    wrap = TEMPLATES[template] if template else plain
    wrap_print = (bare if template == "bare" else print_template) if template else plain
    site = MockSite()
    folders = [f"{ROOT}{folder}/" for folder, _ in MODULES]
    site.pages[ROOT] = ("text/html; charset=utf-8", plain(_links(["Alle Module"] * len(folders), folders), "Modulbaukasten", 0))
    for (folder, (number, title)), base in zip(MODULES, folders):
        tabs = [(name, base + (f"{tab}/" if tab else "")) for name, tab in zip(TAB_NAMES, TABS)]
        for i, body in enumerate(tab_texts(number, title)):
            text = web_page(title, body, i + 1, len(TABS), footer=False)
            site.pages[tabs[i][1]] = ("text/html; charset=utf-8", wrap(content_html(text), title, number, (i + 1, len(TABS), tabs)))
    for number, title in [m for _, m in MODULES] + PRINT_ONLY:
        site.pages[f"/druck/druck_{number:02d}.html"] = ("text/html; charset=utf-8",
                                                         wrap_print(content_html(print_text(number, title)), title, number))
    return site
