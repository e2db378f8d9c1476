"""What harvesters need: the dataset description (VoID, DCAT), dumps, sitemap and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, redirect, request, send_from_directory, url_for
from rdflib import XSD, Graph, Literal
from rdflib.namespace import DCAT

from ..errors import UnknownResource
from ..rdf.namespaces import bind_prefixes
from ..store import DUMP_FORMATS, serialize_graph
from . import get_store, minter
from .negotiation import choose

bp = Blueprint("harvest", __name__)

RDFLIB_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt", "application/rdf+xml": "xml"}
DUMP_TYPES = {name: "application/gzip" if gz else media for name, _, media, gz in DUMP_FORMATS}
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, as sitemaps.org allows
DESCRIPTION = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{meta}> {{ ?s ?p ?o }} }}"
SUBJECTS = """SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }} ORDER BY ?s"""


def description() -> Graph:
    """The dataset's VoID/DCAT description: the meta graph, read once per process and version."""
    store = get_store()
    meta = str(minter().graph("meta"))
    cached = current_app.extensions.get("quartiers_description")
    if cached is None or cached[0] != store.info.version:
        if meta not in store.info.graphs:
            raise UnknownResource("this store was not built by quartiers-kg: it has no dataset description")
        graph = Graph().parse(data=serialize_graph(store.query(DESCRIPTION.format(meta=meta)), "ntriples"), format="nt")
        for dist, size in list(graph.subject_objects(DCAT.byteSize)):  # stores keep it as xsd:integer; DCAT-AP wants
            graph.set((dist, DCAT.byteSize, Literal(size.toPython(), datatype=XSD.nonNegativeInteger)))
        cached = (store.info.version, bind_prefixes(graph))
        current_app.extensions["quartiers_description"] = cached
    return cached[1]


def description_response(html_endpoint: str) -> Response:
    """The description in the RDF format asked for; a browser goes to the dataset's own page."""
    media = choose(request.headers.get("Accept"), ["text/turtle", "application/ld+json", "application/n-triples",
                                                   "application/rdf+xml", "text/html"], "text/turtle")
    if media == "text/html":
        return redirect(html_endpoint, code=303)
    body = description().serialize(format=RDFLIB_FORMATS[media], encoding="utf-8")
    response = Response(body, content_type=media + ("; charset=utf-8" if media.startswith("text/") or media.endswith("json") else ""))
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/.well-known/void")
def void():
    return description_response("/dataset")


@bp.route("/dcat")
def dcat():
    """The DCAT catalog as one document."""
    return description_response("/catalog")


@bp.route("/dumps/<name>")
def dump(name: str):
    if name not in DUMP_TYPES:
        raise UnknownResource(f"no dump {name!r}; the dumps are: {', '.join(DUMP_TYPES)}")
    store = get_store()
    if store.path is None:
        raise UnknownResource(f"the dumps of build {store.info.version} are not on this server: they are kept where it was built")
    response = send_from_directory(store.path / "dumps", name, mimetype=DUMP_TYPES[name], as_attachment=True,
                                   conditional=True, etag=f"{store.info.version}-{name}")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/robots.txt")
def robots():
    sitemap = url_for("harvest.sitemap", _external=True)
    text = f"User-agent: *\nAllow: /\nDisallow: /sparql?\nDisallow: /api/queries/\n\nSitemap: {sitemap}\n"
    return Response(text, content_type="text/plain; charset=utf-8")


@bp.route("/sitemap.xml")
def sitemap():
    """Every resource page (the first 50,000), so that search engines find them."""
    base = minter().base
    root = request.url_root.rstrip("/")
    lastmod = get_store().info.built_at[:10]
    urls = [f"{root}/", f"{root}/ontology", f"{root}/shapes", f"{root}/sparql"]
    for row in get_store().query(SUBJECTS.format(base=base)):
        path = minter().path_of(row["s"].value)
        if path and "#" not in path and len(urls) < SITEMAP_LIMIT:
            urls.append(root + path)
    body = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    body += [f"<url><loc>{escape(u)}</loc><lastmod>{lastmod}</lastmod></url>" for u in urls]
    body.append("</urlset>")
    return Response("\n".join(body) + "\n", content_type="application/xml; charset=utf-8")
