"""The only place that mints IRIs: every pattern of the dataset, under one configurable base."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slug(text: str, limit: int = 60) -> str:
    """A readable, stable key for a label: lower case, umlauts spelt out, '-' between words.

    Long labels are cut at a word and get a short hash of the whole, so distinct labels stay distinct.

    >>> slug("Mülheim an der Ruhr")
    'muelheim-an-der-ruhr'
    >>> slug("„Netzwerk: Soziales neu gestalten“ (SONG)")
    'netzwerk-soziales-neu-gestalten-song'
    """
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    key = re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"
    if len(key) > limit:
        digest = hashlib.sha1(key.encode()).hexdigest()[:8]
        key = key[:limit].rsplit("-", 1)[0] + "-" + digest
    return key


class Minter:
    """Mints IRIs under `base`; `path_of` is the inverse for the server's own paths."""

    def __init__(self, base: str):
        self.base = base

    def iri(self, *parts: object) -> URIRef:
        return URIRef(self.base + "/".join(str(p) for p in parts))

    def module(self, number: int) -> URIRef:
        return self.iri("module", number)

    def part(self, number: int, kind: str, key: object) -> URIRef:
        """Something that belongs to one module: its assessments, steps, pitfalls, list items."""
        return self.iri("module", number, kind, key)

    def keyed(self, kind: str, *labels: str) -> URIRef:
        """A resource shared between modules, keyed by its normalised label(s)."""
        return self.iri(kind, slug(" ".join(labels)))

    def scale(self, key: str, pole: str | None = None) -> URIRef:
        return self.iri("scale", key, pole) if pole else self.iri("scale", key)

    def section(self, key: str) -> URIRef:
        """A section of the page template, by its registry key: section/steps, section/user-roles."""
        return self.iri("section", key.replace("_", "-"))

    def graph(self, name: str) -> URIRef:
        return self.iri("graph", name)

    def path_of(self, iri: str) -> str | None:
        """The server path of an IRI under the base, e.g. '/module/116'; None if it is not ours.

        >>> Minter("https://w3id.org/quartiers-kg/").path_of("https://w3id.org/quartiers-kg/module/116")
        '/module/116'
        """
        return "/" + iri[len(self.base):] if iri.startswith(self.base) else None
