"""The SPARQL 1.1 Protocol endpoint (queries only) and its Service Description."""

from __future__ import annotations

import urllib.parse
from flask import Blueprint, Response, current_app, render_template, request, url_for
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..errors import QueryRejected
from ..guard import check_query
from ..rdf.namespaces import PREFIXES, SD, VOID, bind_prefixes
from ..store import DEFAULT_GRAPH, plain
from . import get_store, settings
from .negotiation import choose

bp = Blueprint("sparql", __name__)

SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
}
CONTENT_TYPE_OF = {  # the type a format is sent as
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ntriples": "application/n-triples",
    "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml", "nquads": "application/n-quads",
    "trig": "application/trig",
}
# values of the format/output/results parameters that SPARQLWrapper and others send
FORMAT_HINTS = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "n3": (None, "turtle"), "nt": (None, "ntriples"),
    "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"), "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"), "rdf": (None, "rdfxml"), "rdfxml": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"),
    "nquads": (None, "nquads"), "html": ("html", "html"),
}
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF_XML", "nquads": "N-Quads", "trig": "TriG",
}
FORM_TYPE = "application/x-www-form-urlencoded"


@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Expose-Headers"] = "X-Result-Truncated, X-Result-Limit, Content-Location"
    response.headers["Access-Control-Max-Age"] = "86400"
    response.vary.add("Accept")
    return response


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
            raise QueryRejected(f"unsupported charset {charset!r}: send UTF-8", status=415)
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
            raise QueryRejected(
                f"unsupported Content-Type {mimetype or '(none)'!r}: use application/sparql-query or {FORM_TYPE}",
                status=415,
            )
    if "update" in params:
        raise QueryRejected("this endpoint is read-only: SPARQL Update is not accepted", "update")
    return queries, params.get("default-graph-uri", []), params.get("named-graph-uri", []), params


def _graph_iris(values: list[str], name: str) -> list[str]:
    for value in values:
        if not value or any(c in value for c in ' <>"{}|^`\\') or ":" not in value:
            raise QueryRejected(f"parameter '{name}' must be an absolute IRI, found {value[:100]!r}", name)
    return values


def _format_hint(params: dict, solutions: bool) -> str | None:
    for key in ("format", "output", "results"):
        for value in params.get(key, []):
            value = value.strip().lower()
            if value in CONTENT_TYPE_OF and value in (SOLUTION_TYPES if solutions else GRAPH_TYPES).values():
                return value
            hint = FORMAT_HINTS.get(value) or FORMAT_HINTS.get(value.rsplit("/", 1)[-1].removeprefix("sparql-results+"))
            if hint and hint[0 if solutions else 1]:
                return hint[0 if solutions else 1]
    return None


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    queries, default_graphs, named_graphs, params = _protocol_params()
    if len(queries) > 1:
        raise QueryRejected("more than one 'query' parameter: send exactly one", "query")
    if not queries:
        if request.method == "GET" and not params:
            return service_description()
        raise QueryRejected("missing 'query' parameter", "query")
    query = queries[0]
    cfg = settings()
    own_dataset = check_query(query, cfg.max_nesting, cfg.max_query_bytes)
    dataset: dict = {"base_iri": request.base_url, "own_dataset": own_dataset}
    if default_graphs or named_graphs:
        dataset |= {"default_graphs": _graph_iris(default_graphs, "default-graph-uri"),
                   "named_graphs": _graph_iris(named_graphs, "named-graph-uri")}
    ans = get_store().bounded_answer(query, cfg.max_rows, cfg.query_timeout, **dataset)
    return respond(ans, params, query)


def respond(ans, params: dict, query: str) -> Response:
    """Serialise an answer in the format asked for (format hint, else Accept); signal a cut in headers."""
    solutions = ans.kind != "graph"
    offered = SOLUTION_TYPES if solutions else GRAPH_TYPES
    fmt = _format_hint(params, solutions)
    if fmt is None:
        media = choose(request.headers.get("Accept"), [*offered, "text/html"], next(iter(offered)))
        fmt = "html" if media == "text/html" else offered[media]
    if fmt == "html":
        response = Response(_page(query=query, answer=ans, view=_table(ans)))
    else:
        response = Response(ans.serialize(fmt, prefixes=PREFIXES), content_type=_content_type(fmt))
    if ans.truncated:
        response.headers["X-Result-Truncated"] = "true"
        response.headers["X-Result-Limit"] = str(settings().max_rows)
    return response


def _page(**context) -> str:
    """The query page: the form (and the table of an answer) for everyone, the editor for JavaScript."""
    queries = current_app.config["QUERIES"]
    examples = {name: {"title": q.title, "sparql": q.text} for name, q in queries.items()}
    return render_template("sparql.html", queries=queries, examples=examples, prefixes=PREFIXES,
                           base=settings().base_iri, **context)


def _content_type(fmt: str) -> str:
    media = CONTENT_TYPE_OF[fmt]
    return media + "; charset=utf-8" if media.startswith("text/") or media.endswith("json") else media


def _table(ans) -> dict:
    """Rows of plain terms for the HTML view of an answer."""
    if ans.kind == "solutions":
        return {"head": [v.value for v in ans.variables], "rows": [[plain(t) if t is not None else None for t in row] for row in ans.rows]}
    if ans.kind == "graph":
        return {"head": ["subject", "predicate", "object"], "rows": [[plain(t.subject), plain(t.predicate), plain(t.object)] for t in ans.triples]}
    return {"head": ["boolean"], "rows": [[{"type": "literal", "value": str(bool(ans.boolean)).lower()}]]}


def service_description():
    """The SPARQL 1.1 Service Description of this endpoint, by content negotiation (HTML: the query page)."""
    types = {"text/html": "html", **{k: v for k, v in GRAPH_TYPES.items() if v != "trig"}}
    media = choose(request.headers.get("Accept"), list(types), "text/turtle")
    if media == "text/html":
        return _page(query=None, answer=None, view=None)
    fmt = types[media]
    graph = bind_prefixes(Graph())
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    endpoint = URIRef(url_for("sparql.endpoint", _external=True))
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in FORMAT_IRIS.values():
        graph.add((service, SD.resultFormat, URIRef(f"http://www.w3.org/ns/formats/{name}")))
    store = get_store()
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(store.info.triples, datatype=XSD.integer)))
    for name, count in sorted(store.info.graphs.items()):
        if name == DEFAULT_GRAPH:  # a foreign store's own default graph is part of the default graph, not named
            continue
        named, g = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, g))
        graph.add((g, RDF.type, SD.Graph))
        graph.add((g, VOID.triples, Literal(count, datatype=XSD.integer)))
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml", "nquads": "nquads"}[fmt]
    return Response(graph.serialize(format=rdflib_format, encoding="utf-8"), content_type=_content_type(fmt))

