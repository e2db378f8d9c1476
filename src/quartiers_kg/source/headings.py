"""The headings of the print-page template, in template order, and how to recognise them."""

from __future__ import annotations

import re

from ..model import SECTIONS
from .text import match_key

HEADINGS: dict[str, tuple[str, ...]] = {s.key: s.headings for s in SECTIONS}  # the print page's spelling first
TEMPLATE_ORDER: tuple[str, ...] = tuple(HEADINGS)
LAST_SECTION = TEMPLATE_ORDER[-1]


def _heading_key(text: str) -> str:
    return re.sub(r"\s*/\s*", "/", match_key(text)).rstrip(":")


_LOOKUP = {_heading_key(h): key for key, variants in HEADINGS.items() for h in variants}


def section_of(text: str) -> str | None:
    """The section key if the line is a known heading, else None.

    >>> section_of("Wichtige Umsetzungsschritte/ Aufwandsabschätzung")
    'steps'
    >>> section_of("Kommune") is None
    True
    """
    return _LOOKUP.get(_heading_key(text))


def heading_of(key: str) -> str:
    """The heading as a print page writes it."""
    return HEADINGS[key][0]


_TERMINAL = re.compile(r"[.:!?;,)\"“”»]$")


def looks_like_heading(text: str) -> bool:
    """Guess whether a lone line in a prose section is a heading the template does not know.

    >>> looks_like_heading("Hinweise zur Evaluation")
    True
    >>> looks_like_heading("Wichtige Elemente/Phasen:")
    False
    """
    words = text.split()
    return (
        0 < len(words) <= 6
        and text[:1].isupper()
        and not _TERMINAL.search(text)
        and not re.match(r"^(Modul\s+\d|Seite\s+\d)", text)
    )
