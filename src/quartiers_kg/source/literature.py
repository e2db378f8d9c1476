"""Split a literature reference ("Autor (Jahr):" + "Titel., Ort") into its parts."""

from __future__ import annotations

import re

from ..model import Literature
from .text import squash

_HEAD = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>\d{4}[a-z]?|o\.\s?J\.)\)\s*:?\s*(?P<rest>.*)$")
_MORE = re.compile(r"[,;]?\s*(?:u\.\s?a\.|et\s+al\.?|und\s+andere)\s*$", re.IGNORECASE)
_EDITION = re.compile(r"^(?P<ed>\d+\.\s*(?:(?:überarb\.|erw\.|aktual\.|vollst\.)\s*)*(?:Aufl(?:age|\.)?|Ed(?:ition|\.)?|ed\.))$", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*;\s*|\s+/\s+|\s+&\s+|\s+und\s+(?=[A-ZÄÖÜ][\w-]+,)")


def is_reference_head(text: str) -> bool:
    """True for the first line of a two-line entry, e.g. 'Fey, G. (2007):'."""
    m = _HEAD.match(text)
    return bool(m) and not m.group("rest")


def parse_reference(text: str) -> Literature:
    """Parse one reference; a text that does not fit is kept whole with parsed=False.

    >>> ref = parse_reference("Fey, G. (2007): Kontakte knüpfen und beruflich nutzen. Erfolgreiches Netzwerken., Regensburg")
    >>> ref.authors, ref.year, ref.title, ref.place
    (('Fey, G.',), '2007', 'Kontakte knüpfen und beruflich nutzen. Erfolgreiches Netzwerken', 'Regensburg')
    >>> parse_reference("Müller, A.; Schmidt, B. u. a. (2019): Titel. 2. Aufl., Köln: Beispielverlag").publisher
    'Beispielverlag'
    >>> parse_reference("irgendein Text ohne Jahr").parsed
    False
    """
    citation = squash(text)
    m = _HEAD.match(citation)
    if not m or not m.group("rest"):
        return Literature(citation=citation, parsed=False)
    authors_text = m.group("authors").strip().rstrip(":")
    more = bool(_MORE.search(authors_text))
    authors_text = _MORE.sub("", authors_text).strip()
    authors = tuple(a.strip() for a in _AUTHOR_SPLIT.split(authors_text) if a.strip())
    title, place, publisher, edition = _split_rest(m.group("rest"))
    if not authors or not title:
        return Literature(citation=citation, parsed=False)
    return Literature(
        citation=citation,
        authors=authors,
        more_authors=more,
        year=m.group("year"),
        title=title,
        place=place,
        publisher=publisher,
        edition=edition,
    )


def _split_rest(rest: str) -> tuple[str, str | None, str | None, str | None]:
    """Title, place, publisher, edition from 'Titel., [2. Aufl.,] Ort[: Verlag]'.

    The title ends at the first '., ' after which only short parts follow (edition, place, publisher).
    """
    rest = rest.strip()
    start = 0
    while (cut := rest.find("., ", start)) >= 0:
        parts = [p.strip() for p in rest[cut + 3:].split(",") if p.strip()]
        if parts and all(len(p) <= 60 for p in parts):
            break
        start = cut + 3
    else:
        return rest.rstrip("."), None, None, None
    title = rest[:cut]
    edition = parts.pop(0) if parts and _EDITION.match(parts[0]) else None
    place = publisher = None
    if parts:
        where = ", ".join(parts)
        place, _, publisher = (s.strip() for s in where.partition(":"))
    return title.strip(), place or None, publisher or None, edition
