"""The home page; a client asking for RDF gets the dataset's description, which links everything."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for

from ..formats import DUMPS, HTML
from ..store import plain
from .context import absolute, get_store, minter, queries, rows, settings
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
    store, cfg = get_store(), settings()
    dumps = [{"label": f.label, "name": f.dump, "url": absolute(url_for("harvest.dump", name=f.dump)), "media": f.media_type}
             for f in DUMPS]
    publisher = {"@type": "Organization", "name": cfg.publisher_name, "url": cfg.publisher_url}
    dataset = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": "quartiers-kg: Modulbaukasten altengerechte Quartiere.NRW",
        "description": "Die Methoden (Module) des Modulbaukastens des Landesbüros altengerechte Quartiere.NRW als Linked Open Data.",
        "url": absolute("/"),
        "inLanguage": "de",
        "license": cfg.license,
        "publisher": publisher,
        "creator": publisher,
        "version": store.info.version,
        "dateModified": store.info.built_at,
        "isAccessibleForFree": True,
        "distribution": [{"@type": "DataDownload", "encodingFormat": d["media"], "contentUrl": d["url"]} for d in dumps],
    }
    return render_template("home.html", modules=modules, info=store.info, jsonld=jsonld(dataset), queries=queries(),
                           dumps=dumps, license=cfg.license, publisher=publisher)


@bp.route("/favicon.svg")
@bp.route("/favicon.ico")
def favicon():
    """The site's icon (browsers ask /favicon.ico whatever the page says; an SVG answers both)."""
    icon = Path(current_app.static_folder) / "favicon.svg"
    return Response(icon.read_bytes(), content_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
