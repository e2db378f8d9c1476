"""The fixed text of the module template: what stands on every module's page and is still no site's chrome.

The section headings, the six scale labels and their twelve poles, the rating sentence, the placeholder of an
empty comments section, and the web pager's "Seite X / N" and "Inhalt:". The readers need all of it; the
boilerplate net must never drop it, and the content finder looks for it to tell the module's blocks from the site's.
"""

from __future__ import annotations

import re

from ..model import DIMENSIONS
from .headings import section_of
from .text import match_key

RATING = re.compile(r"bisher\s+von\s+(\d+)\s+Nutzer\w*\s+bewertet", re.IGNORECASE)
PAGER = re.compile(r"^Seite\s+(\d+)\s*/\s*(\d+)$")
_NO_COMMENTS = match_key("Für dieses Modul sind noch keine Kommentare vorhanden.")
_LABELS = tuple(match_key(d.label) + ":" for d in DIMENSIONS)
_POLES = frozenset(match_key(pole) for d in DIMENSIONS for pole in (d.low, d.high))
_PAGER_WORDS = frozenset(("inhalt:", "inhalt"))


def is_marker(text: str) -> bool:
    """Whether a block's text is the template's own: a heading, a scale (label, with or without its pole), a pole,
    or the rating sentence. Blocks like these are the module's, whatever markup stands around them.

    >>> is_marker("Stolpersteine"), is_marker("Prozessphase: eignet sich zur konkreten Umsetzung"), is_marker("Impressum")
    (True, True, False)
    """
    key = match_key(text)
    return bool(key) and (section_of(text) is not None or key.startswith(_LABELS) or key.rstrip(".") in _POLES
                          or RATING.search(text) is not None or key == _NO_COMMENTS)


def is_fixed(text: str) -> bool:
    """Whether a line is fixed text of the template, the pager's included (a tab's name is its sections' headings).

    >>> is_fixed("Seite 2 / 6"), is_fixed("Stolpersteine / Bewertung"), is_fixed("Alle akzeptieren")
    (True, True, False)
    """
    if is_marker(text) or PAGER.match(text.strip()) or match_key(text) in _PAGER_WORDS:
        return True
    parts = [part for part in text.split("/") if part.strip()]
    return len(parts) > 1 and all(section_of(part) for part in parts)
