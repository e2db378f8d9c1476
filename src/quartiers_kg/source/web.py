"""Read one sub-page (tab) of a module folder of the current web site; its address says which module and tab.

A web page differs from the print page (SOURCE-FORMAT.md §8, §11): a bare title line at the top, no
"Zielsetzung" heading on the overview, both poles under each scale, hard-wrapped plain text, and a
navigation footer ("Seite X / N", "Inhalt:", the tab's name) that is not text. A page whose headings were
lost in extraction is placed by its tab: the first section the tab holds opens it.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from urllib.parse import urlsplit

from ..model import DIMENSIONS, PROSE, SECTIONS, Module, ParsedPage, SourceInfo
from .fixed import PAGER
from .headings import heading_of, section_of
from .page import _split_sections, _without_fragment, read_sections
from .sections import Context
from .text import Line, split_lines

_FOLDER = re.compile(r"/modul-0*(?P<number>\d+)-(?P<slug>[a-z0-9-]+)(?:/(?:(?P<tab>[a-z0-9-]+)/?)?(?:index\.(?:html?|txt))?)?$")
_TERMINAL = re.compile(r"[.:!?;,]$")
_DIMENSION_LABEL = re.compile(r"^(" + "|".join(re.escape(d.label) for d in DIMENSIONS) + r")\s*:", re.IGNORECASE)


def place_of(url: str) -> tuple[int, str] | None:
    """(module number, tab) from a web page's address; the overview is tab "". None if it is not a module page.

    >>> place_of("https://www.iat.eu/aq-nrw/modulbaukasten/modul-07-quartiersbegehung/umsetzung-und-durchfuehrung/")
    (7, 'umsetzung-und-durchfuehrung')
    >>> place_of("https://www.iat.eu/aq-nrw/modulbaukasten/modul-116-netzwerkarbeit")
    (116, '')
    """
    m = _FOLDER.search(urlsplit(url).path)
    return (int(m.group("number")), m.group("tab") or "") if m else None


def parse_web_page(text: str, url: str, path: str = "<page>", source: SourceInfo | None = None,
                   fragment: bool = False) -> ParsedPage:
    """Parse one web sub-page into the part of a Module it holds; the footer tells which tabs exist. `fragment`: the
    page is known to end in the middle of its last line.

    :raises SourcePageError: for an address that is not a module page, or a page without text.
    """
    ctx = Context(path)
    place = place_of(url)
    if place is None:
        raise ctx.fail(None, f"{url} is not the address of a module page (…/modul-<Nummer>-<Name>/<Reiter>/)")
    number, tab = place
    lines, page, pages = _without_footer(split_lines(text), ctx)
    filled = [line for line in lines if line.text]
    if not filled:
        raise ctx.fail(None, "no text on the page (besides the navigation footer)")
    title = None
    alone = filled[0].number == len(lines) or not lines[filled[0].number].text  # a line of its own, not a wrapped one
    if alone and _is_title(filled[0].text):
        title = re.sub(r"^Modul\s+", "", filled[0].text)
        repeated = len(filled) > 1 and filled[1].text == filled[0].text  # the old site's overview prints it twice
        lines = [line for line in lines if line.number > filled[1 if repeated else 0].number]
    if source is not None:
        source = replace(source, tab=tab, page=page, pages=pages)
    lines = _placed(lines, tab, ctx)
    preamble, sections = _split_sections(lines, ctx)
    if fragment:
        _without_fragment(sections, ctx)
    module = read_sections(preamble if tab == "" else [], sections, ctx, number, title, source)
    return ParsedPage(_unwrapped(module), tuple(ctx.problems))


def _without_footer(lines: list[Line], ctx: Context) -> tuple[list[Line], int | None, int | None]:
    """The lines before the footer, and its 'Seite X / N' (None when the footer was lost)."""
    for i, line in enumerate(lines):
        if m := PAGER.match(line.text):
            rest = [later for later in lines[i + 1:] if later.text]
            if not rest or rest[0].text.rstrip(":").casefold() == "inhalt" or len(rest) <= 2:
                return lines[:i], int(m.group(1)), int(m.group(2))
    return lines, None, None


def _is_title(text: str) -> bool:
    """A bare title line: not a heading of the template, not a scale, short and without a sentence's end."""
    return (section_of(text) is None and not _DIMENSION_LABEL.match(text) and not _TERMINAL.search(text)
            and len(text.split()) <= 15 and not text.startswith(("- ", "• ")))


def _placed(lines: list[Line], tab: str, ctx: Context) -> list[Line]:
    """The lines with the headings the tab implies where extraction lost them.

    The overview has no 'Zielsetzung' heading on the web; its scales start at the first label line.
    """
    filled = [line for line in lines if line.text]
    if not filled:
        return lines
    held = [s.key for s in SECTIONS if s.tab == tab]
    out = list(lines)
    if tab == "":
        label = next((line for line in filled if _DIMENSION_LABEL.match(line.text)), None)
        if label is not None and not any(section_of(line.text) == "assessment" for line in filled):
            out.insert(out.index(label), Line(label.number, heading_of("assessment"), heading_of("assessment")))
        return out
    if section_of(filled[0].text) is None:
        if not held:
            ctx.warn(filled[0].number, f"tab '{tab}' is not known and its page has no heading: kept as an extra section")
            return [Line(filled[0].number, tab, tab)] + out
        if len(held) > 1:
            ctx.warn(filled[0].number, f"no headings on tab '{tab}': its text is kept under '{heading_of(held[0])}'; "
                                       f"'{', '.join(heading_of(k) for k in held[1:])}' cannot be told apart")
        heading = heading_of(held[0])
        out.insert(out.index(filled[0]), Line(filled[0].number, heading, heading))
    return out


def _unwrapped(module: Module) -> Module:
    """Join the hard-wrapped lines of the web's plain text: inside a paragraph a line break is a space."""
    prose = {s.field for s in SECTIONS if s.form == PROSE} | {"implementation", "steps_text", "case_examples_text", "text"}
    changes = {f.name: re.sub(r"(?<!\n)\n(?!\n)", " ", getattr(module, f.name))
               for f in fields(module) if f.name in prose and getattr(module, f.name)}
    return replace(module, **changes)
