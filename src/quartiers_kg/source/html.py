"""Lay out the module's part of an HTML page as the text the readers take: the title first, headings, paragraphs
and list items (`  1.` or `- `) on lines of their own, blocks apart by a blank line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .content import Dropped, find_content, parse_html
from .text import squash

_BLOCKS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr",
           "header", "footer", "blockquote", "dl", "dt", "dd", "figure", "figcaption", "address", "pre", "hr"}


@dataclass(frozen=True)
class PageText:
    """What an HTML page gave: the module's text (its title heading, if found, on the first line), and the blocks
    dropped as the site's chrome."""

    text: str
    title: str | None = None
    dropped: tuple[Dropped, ...] = ()
    fragment: bool = False  # the page was cut off in the middle of its last line


def read_html(markup: str) -> PageText:
    """The module's text of a page as served, and what was dropped (content.py finds which is which).

    >>> page = read_html('<body><nav><a href="/">Start</a></nav><main><h1>Modul X</h1><ol><li>eins</li></ol></main></body>')
    >>> page.text.split("\\n"), [d.why for d in page.dropped]
    (['Modul X', '', '  1. eins'], ['navigation'])
    >>> read_html("<h1>Modul X</h1><p>Text</p><ul><li>eins</li><li>zwei</li></ul>").text.split()
    ['Modul', 'X', 'Text', '-', 'eins', '-', 'zwei']
    """
    content = find_content(parse_html(markup))
    title = ""
    if content.title is not None:
        title = squash(content.title.text_content())
        tail = content.title.tail
        content.title.tail = None
        parent = content.title.getparent()
        parent.remove(content.title)
        if tail and tail.strip():
            parent.text = (parent.text or "") + tail
    return PageText(_tidy(title + "\n\n" + _layout(content.root)), title or None, content.dropped, _cut_in_text(markup))


def _cut_in_text(markup: str) -> bool:
    """Whether the page ends in the middle of a text: then its last line is a fragment. A page cut off in a tag ends
    after a whole text."""
    end = markup.rstrip()
    return bool(end) and not end.endswith(">") and re.search(r"<[^<>]*$", end) is None


def _layout(root: etree._Element) -> str:
    parts: list[str] = []

    def walk(element: etree._Element, lists: list[list]) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("ol", "ul"):
            parts.append("\n\n")
            lists = lists + [[tag == "ol", 0]]
        elif tag == "li":
            if not element.text_content().strip():  # an item emptied of chrome (a comment) is no item
                if element.tail and element is not root:
                    parts.append(" ".join(element.tail.split("\n")))
                return
            if lists:
                lists[-1][1] += 1
            parts.append(f"\n  {lists[-1][1]}. " if lists and lists[-1][0] else "\n- ")
        elif tag == "br":
            parts.append("\n")
        elif tag in ("td", "th"):
            parts.append(" ")
        elif tag in _BLOCKS:
            parts.append("\n\n")
        if element.text and tag:
            parts.append(" ".join(element.text.split("\n")))
        for child in element:
            walk(child, lists)
        if tag in _BLOCKS or tag in ("ol", "ul"):
            parts.append("\n\n")
        if element.tail and element is not root:
            parts.append(" ".join(element.tail.split("\n")))

    walk(root, [])
    return "".join(parts)


def _tidy(text: str) -> str:
    """Trailing spaces off, runs of blank lines to one, none at the ends."""
    out: list[str] = []
    for line in (line.rstrip() for line in text.split("\n")):
        if line.strip() or (out and out[-1].strip()):
            out.append(line if line.strip() else "")
    return "\n".join(out).strip("\n")
