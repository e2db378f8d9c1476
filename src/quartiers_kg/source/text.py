"""Lines and blocks of a page: whitespace normalised, line numbers kept for error messages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009]+")
_ORDERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
_BULLET = re.compile(r"^\s*[-•–*]\s+(.*)$")


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # whitespace collapsed, stripped
    raw: str  # as on the page, line break removed

    @property
    def indented(self) -> bool:
        return self.raw[:1] in (" ", "\t", "\u00a0")


def squash(text: str) -> str:
    """Collapse runs of spaces (also non-breaking ones) to one and strip the ends.

    >>> squash("ist sehr\\u00a0  personalintensiv  ")
    'ist sehr personalintensiv'
    """
    return _SPACES.sub(" ", text).strip()


def match_key(text: str) -> str:
    """Normalise text for matching only: NFC, casefold, quotes and dashes unified, spaces squashed.

    >>> match_key("„Netzwerk“ – Quartier ")
    '"netzwerk" - quartier'
    """
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[„“”‟″«»]", '"', text)
    text = re.sub(r"[‚‘’‛`´]", "'", text)
    text = re.sub(r"[–—‐‑‒]", "-", text)
    return squash(text).casefold()


def split_lines(text: str) -> list[Line]:
    """Split page text into numbered lines (1-based)."""
    return [Line(i, squash(raw), raw.rstrip()) for i, raw in enumerate(text.splitlines(), start=1)]


def blocks(lines: list[Line]) -> list[list[Line]]:
    """Group lines into blocks separated by blank lines."""
    out: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def list_marker(line: Line) -> str | None:
    """The item text if the line starts a numbered or bulleted list item, else None."""
    m = _ORDERED.match(line.raw) or _BULLET.match(line.raw)
    return squash(m.group(m.lastindex)) if m else None


def prose_and_items(lines: list[Line]) -> tuple[list[str], list[tuple[int, str]]]:
    """Split a section body into paragraphs and list items, each kept in page order.

    Lines inside a paragraph stay on their own lines (some pages break paragraphs with a single
    newline); an unmarked line right after an item continues that item when it is indented.
    """
    paragraphs: list[str] = []
    items: list[tuple[int, str]] = []
    for block in blocks(lines):
        para: list[str] = []
        last_item: int | None = None
        for line in block:
            item = list_marker(line)
            if item is not None:
                items.append((line.number, item))
                last_item = len(items) - 1
            elif last_item is not None and line.indented:
                number, text = items[last_item]
                items[last_item] = (number, f"{text} {line.text}")
            else:
                last_item = None
                para.append(line.text)
        if para:
            paragraphs.append("\n".join(para))
    return paragraphs, items


def join_paragraphs(paragraphs: list[str]) -> str | None:
    return "\n\n".join(paragraphs) if paragraphs else None
