"""Module pages of our own making put into real pages as CMSes serve them (../shared/real-pages, read where it lies).

Each real page records the one element that holds its article (`content`), the widgets its template puts inside the
article (`keep`: bylines, tags, share bars, comment threads, related lists, contact boxes) and, where it stands
outside, the article's title (`title`). `wrap` puts a module page where the article was: the widgets that stood
before the article's first paragraph before it, the others after it, the title element saying the module's title;
everything else stays as the site served it. Nothing of these pages is copied into the repository.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

import lxml.html

from quartiers_kg.config import ROOT

from .pages import TAB_NAMES, TABS, web_page
from .served import content_html, plain, print_text, tab_texts

REAL = ROOT.parent / "shared" / "real-pages"
NUMBER, TITLE = 30, "Netzwerkarbeit im Quartier"
FOLDER = "https://www.iat.eu/aq-nrw/modulbaukasten/modul-30-netzwerkarbeit-im-quartier/"
_INVISIBLE = ("script", "style", "template", "svg", "noscript", "head")
_BLOCK_TAGS = ("p", "div", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
               "article", "header", "footer", "aside", "nav", "ul", "ol", "table", "tr", "form", "main", "figure",
               "figcaption", "address", "pre", "dl")


@dataclass(frozen=True)
class RealPage:
    id: str
    file: Path
    content: str
    keep: tuple[str, ...]
    title: str


@dataclass(frozen=True)
class ModulePage:
    """A module page of ours: what kind, its address, its content as HTML, its title, and the same page without
    chrome (the reading to match)."""

    kind: str
    url: str
    content: str
    title: str
    bare: str


def real_pages() -> list[RealPage]:
    if not (REAL / "PAGES.tsv").is_file():
        return []
    with open(REAL / "PAGES.tsv", encoding="utf-8", newline="") as table:
        return [RealPage(row["id"], REAL / row["file"], row["content"], tuple(k for k in row["keep"].split("; ") if k.strip()),
                         row["title"]) for row in csv.DictReader(table, delimiter="\t")]


def module_pages() -> list[ModulePage]:
    """The print page, the overview and the Stolpersteine/Bewertung tab of module 30."""
    tabs = [(name, FOLDER + (f"{tab}/" if tab else "")) for name, tab in zip(TAB_NAMES, TABS)]
    content = content_html(print_text(NUMBER, TITLE))
    pages = [ModulePage("print", f"https://www.aq-nrw.de/assets/default/druck/module/druck_{NUMBER:02d}.html", content,
                        f"Modul {TITLE}", plain(content, TITLE, NUMBER))]
    for i in (0, 4):
        body = content_html(web_page(TITLE, tab_texts(NUMBER, TITLE)[i], i + 1, len(TABS), footer=False))
        pager = (f"<p>Seite {i + 1} / {len(TABS)}</p><p>Inhalt:</p><ul>"
                 + "".join(f'<li><a href="{href}">{name}</a></li>' for name, href in tabs) + "</ul>")
        pages.append(ModulePage(TABS[i] or "overview", tabs[i][1], body + pager, TITLE, plain(body, TITLE, NUMBER, (i + 1, len(TABS), tabs))))
    return pages


def _select(element, selector: str) -> list:
    direct = selector.startswith(">")
    found = element.cssselect(selector.lstrip("> ").strip())
    return [e for e in found if e.getparent() is element] if direct else found


def wrap(page: RealPage, module: ModulePage) -> tuple[str, list[str]]:
    """The real page with the module in its article's place; and the page's own visible lines (what no value may hold)."""
    doc = lxml.html.document_fromstring(page.file.read_bytes().decode("utf-8"))
    box = doc.cssselect(page.content)[0]
    order = {e: i for i, e in enumerate(box.iter())}
    kept = sorted({e for selector in page.keep for e in _select(box, selector)}, key=order.__getitem__)
    kept = [e for e in kept if not any(a in kept for a in e.iterancestors())]
    first_paragraph = next((order[e] for e in box.iter("p") if not any(k is e or k in e.iterancestors() for k in kept)),
                           len(order))
    for element in kept:
        element.getparent().remove(element)
        element.tail = None
    for child in list(box):
        box.remove(child)
    box.text = None
    content = module.content
    if page.title:
        heading = doc.cssselect(page.title)[0]
        for child in list(heading):
            heading.remove(child)
        heading.text = module.title
        content = re.sub(r"^<h1>.*?</h1>\n?", "", content, count=1)  # one title on the page
    box.extend([e for e in kept if order[e] < first_paragraph])
    box.extend(lxml.html.fragments_fromstring(content))
    box.extend([e for e in kept if order[e] >= first_paragraph])
    own = _visible_lines(doc, exclude=box, keep=kept)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>"), own


def _visible_lines(doc, exclude, keep) -> list[str]:
    """The page's visible lines outside the module (the kept widgets' included): a block's text, <br> apart."""
    parts: list[str] = []

    def walk(element, inside_module: bool) -> None:
        if not isinstance(element.tag, str) or element.tag in _INVISIBLE:
            return
        here = inside_module or element is exclude
        if element in keep:
            here = False
        if element.tag in _BLOCK_TAGS or element.tag == "br":
            parts.append("\n")
        if element.text and not here:
            parts.append(element.text)
        for child in element:
            walk(child, here)
            if child.tail and not here:
                parts.append(child.tail)
        if element.tag in _BLOCK_TAGS:
            parts.append("\n")

    walk(doc, False)
    return [line for line in (" ".join(chunk.split()) for chunk in "".join(parts).split("\n")) if line]


def words(text: str) -> str:
    """A text compared as the README of the pages says: case, punctuation and spacing aside."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def values(obj) -> list[str]:
    """Every text a read module holds (its provenance aside)."""
    if isinstance(obj, str):
        return [obj]
    if is_dataclass(obj):
        return [v for f in fields(obj) if f.name not in ("source", "readings") for v in values(getattr(obj, f.name))]
    if isinstance(obj, (list, tuple)):
        return [v for item in obj for v in values(item)]
    return []
