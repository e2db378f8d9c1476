"""Module pages as content management systems serve them: the module's text made from the template, wrapped in a
site's chrome (skip link, logo, menu, search, breadcrumb, sidebar of other modules, cookie notice, footer, pager).

Two site templates: a semantic one (header, nav, main, article, aside, footer) and an older one of plain `div`s
with ids and classes only. Every phrase of the chrome is listed in CHROME_PHRASES, so a test can look for any of
them in the graph. No real page text: the chrome's words are made up the way such sites write them.
"""

from __future__ import annotations

import html
import re

from quartiers_kg.source.headings import section_of

SITE = "Landesbüro altengerechte Quartiere.NRW"
MENU = ["Startseite", "Quartier gestalten", "Modulbaukasten", "Projektlandkarte", "Veranstaltungen", "Kontakt"]
OTHER_MODULES = ["Modul 12: Quartiersbegehung", "Modul 20: Fotostreifzug", "Modul 44: Erzählcafé"]
COOKIE = "Diese Website verwendet Cookies, um Ihnen ein besseres Nutzungserlebnis zu bieten."
FOOTER_LINKS = ["Impressum", "Datenschutzerklärung", "Barrierefreiheit"]
COPYRIGHT = f"© 2024 {SITE}"
ADDRESS = "Geschäftsstelle: Beispielstraße 1, 44787 Bochum"
PRINT_STAMP = "Gedruckt am 05.12.2026 · www.aq-nrw.de"

# what only the chrome says (a test finds none of them in a literal); "Barrierefreiheit" and the menu's single words
# are words modules use too, so they are checked as whole values
CHROME_PHRASES = [
    "Zum Inhalt springen", "Sie sind hier", "Diese Website verwendet Cookies", "Alle akzeptieren", "Nur notwendige Cookies",
    "Datenschutzerklärung", "Impressum", "© 2024", "Geschäftsstelle: Beispielstraße", "Weitere Module", "Suchbegriff",
    "Seite drucken", "Teilen", "Gedruckt am", "Nach oben", "Projektlandkarte", "Veranstaltungen",
    "Modul 44: Erzählcafé", "Quartiersbegehung", SITE,
]
_NUMBERED = re.compile(r"^\s*\d+\.\s+")


def content_html(text: str) -> str:
    """The module's text laid out as HTML: the title an h1, the template's headings h2, lists as lists, the rest
    paragraphs (a block's single line breaks as <br>)."""
    out = []
    for block in (b for b in re.split(r"\n\s*\n", text) if b.strip()):
        lines = block.split("\n")
        if len(lines) == 1 and (lines[0].startswith("Modul ") and not re.match(r"Modul \d+:", lines[0]) and not out):
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


def _links(texts, cls: str = "") -> str:
    return "<ul" + (f' class="{cls}"' if cls else "") + ">" + "".join(
        f'<li><a href="/{re.sub(r"[^a-z]+", "-", t.casefold()).strip("-")}/">{html.escape(t)}</a></li>' for t in texts) + "</ul>"


def _pager(page: int, pages: int, tabs: list[str]) -> list[str]:
    """The tab pager's parts: "Seite X / N", "Inhalt:", the tabs (the current one not a link)."""
    items = "".join(f"<li class=\"active\"><span>{html.escape(t)}</span></li>" if i == page - 1
                    else f'<li><a href="../{i}/">{html.escape(t)}</a></li>' for i, t in enumerate(tabs))
    return [f"<span>Seite {page} / {pages}</span>", "<span>Inhalt:</span>", f"<ul>{items}</ul>"]


def semantic(content: str, title: str, number: int, pager: tuple[int, int, list[str]] | None = None) -> str:
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
  <aside class="sidebar"><h2>Weitere Module</h2>{_links(OTHER_MODULES)}</aside>
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


def divs(content: str, title: str, number: int, pager: tuple[int, int, list[str]] | None = None) -> str:
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
 <div id="right"><div class="box"><div class="box-title">Weitere Module</div>{_links(OTHER_MODULES)}</div></div>
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


TEMPLATES = {"semantic": semantic, "divs": divs}
