"""The SPARQL 1.1 Protocol endpoint (queries only) and its Service Description."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, request, url_for

from ..formats import FORMATS, GRAPH, HTML, of_kind
from ..rdf.namespaces import SD, VOID
from ..store import DEFAULT_GRAPH
from .answers import negotiate, query_page, rdf_response, respond
from .context import absolute, answer, get_store, settings
from .protocol import dataset_of, query_of, read_request

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    """The query page, the Service Description, and every answer the lean path (lean.py) leaves to Flask: HTML, HEAD."""
    asked = read_request(request.method, request.query_string, request.content_type, request.get_data(cache=False)
                         if request.method == "POST" else b"")
    if not asked.queries and request.method in ("GET", "HEAD") and not asked.params:
        return service_description()
    query = query_of(asked)
    return respond(answer(query, **dataset_of(asked, query, settings(), absolute(request.path))), asked.params, query)


def service_description():
    """The SPARQL 1.1 Service Description of this endpoint, by content negotiation (HTML: the query page)."""
    fmt = negotiate([*of_kind(GRAPH), HTML], of_kind(GRAPH)[0])
    if fmt is HTML:
        return query_page(query=None, answer=None, view=None)
    return rdf_response(_description(absolute(url_for("sparql.endpoint"))), fmt, {"Vary": "Accept"})


def _description(endpoint: str) -> list:
    """The Service Description's triples: the endpoint, its features and formats, the dataset's graphs."""
    a, integer = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    term = lambda iri: ox.NamedNode(str(iri))  # noqa: E731
    service, dataset, default = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    store = get_store()
    triples = [
        (service, a, term(SD.Service)), (service, term(SD.endpoint), ox.NamedNode(endpoint)),
        (service, term(SD.supportedLanguage), term(SD.SPARQL11Query)), (service, term(SD.feature), term(SD.UnionDefaultGraph)),
        (service, term(SD.defaultDataset), dataset), (dataset, a, term(SD.Dataset)),
        (dataset, term(SD.defaultGraph), default), (default, a, term(SD.Graph)),
        (default, term(VOID.triples), ox.Literal(str(store.info.triples), datatype=integer)),
    ]
    triples += [(service, term(SD.resultFormat), ox.NamedNode(f.iri)) for f in FORMATS if f.iri]
    for name, count in sorted(store.info.graphs.items()):
        if name == DEFAULT_GRAPH:  # a foreign store's own default graph is part of the default graph, not named
            continue
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [(dataset, term(SD.namedGraph), named), (named, a, term(SD.NamedGraph)), (named, term(SD.name), ox.NamedNode(name)),
                    (named, term(SD.graph), graph), (graph, a, term(SD.Graph)),
                    (graph, term(VOID.triples), ox.Literal(str(count), datatype=integer))]
    return [ox.Triple(*t) for t in triples]
