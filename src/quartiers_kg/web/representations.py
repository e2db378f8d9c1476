"""The representations of a linked-data resource: which one a client gets, and the headers that name the others."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from markupsafe import Markup

from ..formats import HTML, REPRESENTATIONS, Format
from .answers import negotiate


def representation(default: Format = HTML) -> Format:
    """HTML or an RDF format, by Accept (`default` when the client has no preference)."""
    return negotiate(REPRESENTATIONS, default)


def alternates(path: str, fmt: Format, negotiated: bool, query: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """Link headers to every representation; Vary and Content-Location where Accept chose this one.

    A resource's representations add a suffix (/module/116.ttl); a list's, whose IRI ends in '/',
    add ?format= to its `query` (/module/?funding=kommune&format=ttl).
    """
    def url(f: Format) -> str:
        if query is None:
            return path + f.suffix
        return f"{path}?{urlencode([*query, ('format', f.suffix[1:])])}"

    headers = {"Link": ", ".join(f'<{url(f)}>; rel="alternate"; type="{f.media_type}"' for f in REPRESENTATIONS)}
    if negotiated:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = url(fmt)
    return headers


def jsonld(data: dict) -> Markup:
    """JSON for a <script> element: '</' cannot close the element early."""
    return Markup(json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/"))
