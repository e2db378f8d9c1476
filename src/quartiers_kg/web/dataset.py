"""The dataset's own description (VoID, DCAT), as the build wrote it into the meta graph."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, redirect

from ..errors import UnknownResource
from ..formats import BY_NAME, HTML
from .answers import rdf_response
from .context import get_store, minter, per_version, rows
from .representations import representation

DESCRIPTION = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{meta}> {{ ?s ?p ?o }} }}"
BYTE_SIZE = ox.NamedNode("http://www.w3.org/ns/dcat#byteSize")
NON_NEGATIVE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


def description() -> list[ox.Triple]:
    """The meta graph, read once per process and version.

    Stores keep dcat:byteSize as xsd:integer; DCAT-AP wants xsd:nonNegativeInteger, so it is re-typed.
    """
    def read() -> list[ox.Triple]:
        meta = str(minter().graph("meta"))
        if meta not in get_store().info.graphs:
            raise UnknownResource("this store was not built by quartiers-kg: it has no dataset description")
        return [ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value, datatype=NON_NEGATIVE))
                if t.predicate == BYTE_SIZE else t for t in rows(DESCRIPTION.format(meta=meta))]

    return per_version("description", read)


def description_response(html_endpoint: str) -> Response:
    """The description in the RDF format asked for; a browser goes to the dataset's own page."""
    fmt = representation(default=BY_NAME["turtle"])
    if fmt is HTML:
        return redirect(html_endpoint, code=303)
    return rdf_response(description(), fmt, {"Vary": "Accept"})
