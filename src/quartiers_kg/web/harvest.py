"""What harvesters need: the dataset description (VoID, DCAT), dumps, sitemap and robots.txt."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from flask import Blueprint, Response, send_from_directory, url_for

from ..errors import UnknownResource
from ..formats import DUMPS
from .context import absolute, get_store, minter, rows
from .dataset import description_response

bp = Blueprint("harvest", __name__)

LINKSET = re.compile(r"links-[a-z]+\.nt")  # a linkset's links, N-Triples (void:dataDump of its void:Linkset)
DUMP_TYPES = {f.dump: "application/gzip" if f.dump.endswith(".gz") else f.media_type for f in DUMPS}
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, as sitemaps.org allows
SUBJECTS = """SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }} ORDER BY ?s"""


@bp.route("/.well-known/void")
def void():
    return description_response("/dataset")


@bp.route("/dcat")
def dcat():
    """The DCAT catalog as one document."""
    return description_response("/catalog")


@bp.route("/dumps/<name>")
def dump(name: str):
    linkset = LINKSET.fullmatch(name)
    if name not in DUMP_TYPES and not linkset:
        raise UnknownResource(f"no dump {name!r}; the dumps are: {', '.join(DUMP_TYPES)} and the linksets links-<dataset>.nt")
    store = get_store()
    if store.path is None:
        raise UnknownResource(f"the dumps of build {store.info.version} are not on this server: they are kept where it was built")
    return send_from_directory(store.path / "dumps", name, mimetype=DUMP_TYPES.get(name, "application/n-triples"), as_attachment=True,
                               conditional=True, etag=f"{store.info.version}-{name}")


@bp.route("/robots.txt")
def robots():
    sitemap = absolute(url_for("harvest.sitemap"))
    text = f"User-agent: *\nAllow: /\nDisallow: /sparql?\nDisallow: /api/queries/\n\nSitemap: {sitemap}\n"
    return Response(text, content_type="text/plain; charset=utf-8")


@bp.route("/sitemap.xml")
def sitemap():
    """Every resource page (the first 50,000), so that search engines find them."""
    base = minter().base
    root = absolute("")
    lastmod = get_store().info.built_at[:10]
    urls = [f"{root}/", f"{root}/ontology", f"{root}/shapes", f"{root}/sparql"]
    for row in rows(SUBJECTS.format(base=base)):
        path = minter().path_of(row["s"].value)
        if path and "#" not in path and len(urls) < SITEMAP_LIMIT:
            urls.append(root + path)
    body = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    body += [f"<url><loc>{escape(u)}</loc><lastmod>{lastmod}</lastmod></url>" for u in urls]
    body.append("</urlset>")
    return Response("\n".join(body) + "\n", content_type="application/xml; charset=utf-8")
