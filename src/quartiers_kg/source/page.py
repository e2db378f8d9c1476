"""Read one print page: find the title and the sections by their headings, hand each to its reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import SourcePageError
from ..model import ExtraSection, Module, ParsedPage, Reading, SourceInfo
from .headings import LAST_SECTION, TEMPLATE_ORDER, heading_of, looks_like_heading, section_of
from .fixed import RATING
from .sections import LIST_SECTIONS, READERS, Context
from .text import Line, join_paragraphs, prose_and_items, split_lines

_FILE_NAME = re.compile(r"^druck_(\d+)\.(?:txt|html?)$", re.IGNORECASE)
_TITLE = re.compile(r"^Modul\s+(?!\d+\s*:)(.+)$")


def number_from_name(path: str | Path) -> int | None:
    """The module number in the source's own file naming, e.g. druck_07.txt -> 7.

    >>> number_from_name("data/modules/druck_07.html"), number_from_name("notes.txt")
    (7, None)
    """
    m = _FILE_NAME.match(Path(path).name)
    return int(m.group(1)) if m else None


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (a BOM is dropped); anything else is an error naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourcePageError(
            path, line, f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); save the page as UTF-8"
        ) from err


@dataclass
class _Section:
    key: str  # a template key, or "extra"
    heading: str
    line: int
    body: list[Line] = field(default_factory=list)


def parse_page(text: str, number: int, path: str = "<page>", source: SourceInfo | None = None,
               fragment: bool = False) -> ParsedPage:
    """Parse the text of one print page into a Module and the problems found; `fragment`: the page is known to end
    in the middle of its last line.

    Raises SourcePageError for a page that is not a module page or holds a value outside the
    template's value sets; everything else becomes a Problem and the data that could be read.
    """
    ctx = Context(path)
    lines = split_lines(text)
    filled = [line for line in lines if line.text]
    if not filled:
        raise ctx.fail(None, "empty page")
    title = None
    start = 0
    if m := _TITLE.match(filled[0].text):
        title = m.group(1).strip()
        start = filled[0].number
    preamble, sections = _split_sections(lines[start:], ctx)
    if fragment:
        _without_fragment(sections, ctx)
    if title is None and not sections:
        return _stripped(lines, number, ctx, source)
    if title is None:
        ctx.warn(filled[0].number, "no title line 'Modul <Titel>' at the top of the page")
    module = read_sections(preamble, sections, ctx, number, title, source)
    keys = [s.key for s in sections]
    if LAST_SECTION not in keys:
        last = sections[-1] if sections else None
        missing = [heading_of(k) for k in TEMPLATE_ORDER if k not in keys]
        where = f"inside section '{last.heading}'" if last else "before the first heading"
        ctx.warn(lines[-1].number, f"page ends early {where}; missing: {', '.join(missing)}")
        module = replace(module, incomplete=True, cut_off=last.key if last and last.key != "extra" else None)
    return ParsedPage(module, tuple(ctx.problems))


def read_sections(preamble: list[Line], sections: list[_Section], ctx: Context, number: int, title: str | None,
                  source: SourceInfo | None) -> Module:
    """Hand each section to its reader; note the lines each was read from."""
    fields: dict[str, object] = {}
    extras, readings = [], []
    for section in sections:
        body = [line for line in section.body if line.text]
        if source is not None and section.key != "extra":
            readings.append(Reading(section.key, source, section.line, body[-1].number if body else section.line))
        if section.key == "extra":
            paragraphs, items = prose_and_items(section.body)
            extras.append(ExtraSection(section.heading, join_paragraphs(paragraphs + [f"- {t}" for _, t in items]) or ""))
            continue
        for name, value in READERS[section.key](section.body, ctx).items():
            if value or name not in fields:
                fields[name] = value
    preamble_text = join_paragraphs(prose_and_items(preamble)[0])
    if preamble_text:
        if fields.get("objective"):
            ctx.warn(preamble[0].number, "text before the first heading kept as an extra section")
            extras.insert(0, ExtraSection("", preamble_text))
        else:
            fields["objective"] = preamble_text
            body = [line for line in preamble if line.text]
            if source is not None:
                readings.insert(0, Reading("objective", source, body[0].number, body[-1].number))
    return Module(number=number, title=title, extra_sections=tuple(extras), source=source, readings=tuple(readings), **fields)


def _split_sections(lines: list[Line], ctx: Context) -> tuple[list[Line], list[_Section]]:
    """Cut the lines at headings; a repeated heading continues its section, an unknown one opens an extra."""
    preamble: list[Line] = []
    sections: list[_Section] = []
    by_key: dict[str, _Section] = {}
    current: _Section | None = None
    last = max((i for i, line in enumerate(lines) if line.text), default=-1)
    for i, line in enumerate(lines):
        key = section_of(line.text) if line.text and not line.indented else None
        if key:
            if key in by_key:
                ctx.warn(line.number, f"heading '{line.text}' appears again (first at line {by_key[key].line}); its text joins the first")
                current = by_key[key]
                current.body.append(Line(line.number, "", ""))
            else:
                current = by_key[key] = _Section(key, line.text, line.number)
                sections.append(current)
            continue
        if (current is not None and current.key not in LIST_SECTIONS and _alone(lines, i) and looks_like_heading(line.text)
                and i < last):  # a cut-off page's last line is a fragment, not a heading (SOURCE-FORMAT.md §11)
            ctx.warn(line.number, f"unknown heading '{line.text}': kept as an extra section")
            current = _Section("extra", line.text, line.number)
            sections.append(current)
            continue
        (current.body if current else preamble).append(line)
    return preamble, sections


def _without_fragment(sections: list[_Section], ctx: Context) -> None:
    """Take a cut-off page's last line out of a section whose lines are values: "Stift" is no funding source. In a
    text it stays, as the page has it."""
    if not sections:
        return
    last = sections[-1]
    filled = [line for line in last.body if line.text]
    if filled and last.key in LIST_SECTIONS:
        ctx.warn(filled[-1].number, f"the page was cut off in {filled[-1].text!r}: not taken as a value", skipped=True)
        last.body.remove(filled[-1])


def _alone(lines: list[Line], i: int) -> bool:
    """A line with blank lines (or the page edge) on both sides."""
    before = i == 0 or not lines[i - 1].text
    after = i + 1 >= len(lines) or not lines[i + 1].text
    return before and after


def _stripped(lines: list[Line], number: int, ctx: Context, source: SourceInfo | None) -> ParsedPage:
    """A page whose title and headings were lost in extraction: keep its text and rating count."""
    rating = next((int(m.group(1)) for line in lines if (m := RATING.search(line.text))), None)
    if rating is None:
        raise ctx.fail(
            1, "not a module page: no 'Modul <Titel>' line, no known heading and no rating sentence"
        )
    ctx.warn(None, "no title, headings or assessment block (lost in extraction): kept the text and the rating count only")
    paragraphs, items = prose_and_items([line for line in lines if not RATING.search(line.text)])
    text = join_paragraphs(paragraphs + [f"- {t}" for _, t in items])
    module = Module(number=number, rating_count=rating, text=text, incomplete=True, source=source)
    return ParsedPage(module, tuple(ctx.problems))
