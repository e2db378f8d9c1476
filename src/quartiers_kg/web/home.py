"""The home page; a client asking for RDF gets the dataset's description, which links everything."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from ..formats import HTML
from ..store import plain
from .context import absolute, get_store, minter, queries, rows
from .dataset import description_response
from .representations import jsonld, representation

bp = Blueprint("home", __name__)
LIST_QUERY = """
PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?module ?number ?label WHERE {
  ?module a qk:Module ; qk:moduleNumber ?number . OPTIONAL { ?module rdfs:label ?label }
} ORDER BY ?number"""


@bp.route("/")
def home():
    if representation() is not HTML:
        return description_response("/")
    modules = [
        {"iri": plain(r["module"])["value"], "number": int(r["number"].value), "label": r["label"].value if r["label"] else None}
        for r in rows(LIST_QUERY)
    ]
    for row in modules:
        row["path"] = minter().path_of(row["iri"])
    store = get_store()
    dataset = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": "quartiers-kg: Modulbaukasten altengerechte Quartiere.NRW",
        "description": "Die Methoden (Module) des Modulbaukastens des Landesbüros altengerechte Quartiere.NRW als Linked Open Data.",
        "url": absolute("/"),
        "inLanguage": "de",
        "distribution": [{"@type": "DataDownload", "encodingFormat": "application/sparql-query", "contentUrl": absolute(url_for("sparql.endpoint"))}],
    }
    return render_template("home.html", modules=modules, info=store.info, jsonld=jsonld(dataset), queries=queries())
