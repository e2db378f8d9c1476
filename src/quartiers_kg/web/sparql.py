"""The SPARQL 1.1 Protocol endpoint (queries only) and its Service Description."""

from __future__ import annotations

import urllib.parse

import pyoxigraph as ox
from flask import Blueprint, request, url_for

from ..errors import QueryRejected, UnsupportedMediaType
from ..formats import FORMATS, GRAPH, HTML, of_kind
from ..guard import check_query
from ..rdf.namespaces import SD, VOID
from ..store import DEFAULT_GRAPH
from .answers import negotiate, query_page, rdf_response, respond
from .context import absolute, answer, get_store, settings

bp = Blueprint("sparql", __name__)

FORM_TYPE = "application/x-www-form-urlencoded"


def _pairs(raw: bytes, where: str) -> dict[str, list[str]]:
    """Decode application/x-www-form-urlencoded strictly: invalid UTF-8 is the client's error, not a guess."""
    try:
        pairs = urllib.parse.parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeError as err:
        raise QueryRejected(f"the {where} is not percent-encoded UTF-8") from err
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _protocol_params() -> tuple[list[str], list[str], list[str], dict]:
    """(queries, default graphs, named graphs, all parameters) from the request, per SPARQL 1.1 Protocol §2.1."""
    params = _pairs(request.query_string, "URL query string")
    queries = list(params.get("query", []))
    if request.method == "POST":
        mimetype = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if mimetype in (FORM_TYPE, "application/sparql-query", "application/sparql-update") and charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"unsupported charset {charset!r}: send UTF-8")
        if mimetype == FORM_TYPE:
            form = _pairs(request.get_data(cache=False), "form body")
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            queries += form.get("query", [])
        elif mimetype == "application/sparql-query":
            if queries:
                raise QueryRejected("a query in the body and in the URL: send one", "query")
            try:
                queries = [request.get_data(cache=False).decode("utf-8")]
            except UnicodeDecodeError as err:
                raise QueryRejected("the query body is not UTF-8", "query") from err
        elif mimetype == "application/sparql-update":
            raise QueryRejected("this endpoint is read-only: SPARQL Update is not accepted", "update")
        else:
            raise UnsupportedMediaType(
                f"unsupported Content-Type {mimetype or '(none)'!r}: use application/sparql-query or {FORM_TYPE}")
    if "update" in params:
        raise QueryRejected("this endpoint is read-only: SPARQL Update is not accepted", "update")
    return queries, params.get("default-graph-uri", []), params.get("named-graph-uri", []), params


def _graph_iris(values: list[str], name: str) -> list[str]:
    for value in values:
        if not value or any(c in value for c in ' <>"{}|^`\\') or ":" not in value:
            raise QueryRejected(f"parameter '{name}' must be an absolute IRI, found {value[:100]!r}", name)
    return values


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    queries, default_graphs, named_graphs, params = _protocol_params()
    if len(queries) > 1:
        raise QueryRejected("more than one 'query' parameter: send exactly one", "query")
    if not queries:
        if request.method in ("GET", "HEAD") and not params:
            return service_description()
        raise QueryRejected("missing 'query' parameter", "query")
    query = queries[0]
    cfg = settings()
    own_dataset = check_query(query, cfg.max_nesting, cfg.max_query_bytes, cfg.max_operators)
    dataset: dict = {"base_iri": absolute(request.path), "own_dataset": own_dataset}
    if default_graphs or named_graphs:
        dataset |= {"default_graphs": _graph_iris(default_graphs, "default-graph-uri"),
                   "named_graphs": _graph_iris(named_graphs, "named-graph-uri")}
    ans = answer(query, **dataset)
    return respond(ans, params, query)


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
