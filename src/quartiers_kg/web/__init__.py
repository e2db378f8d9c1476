"""The HTTP face: create_app(settings) registers the blueprints, the one error handler and the one CORS hook (the response cache sits in front, in server.py)."""

from __future__ import annotations

import re

from flask import Flask, Response

from ..config import Settings
from ..queries import load_queries
from ..rdf.namespaces import curie
from ..rdf.uris import Minter
from .protocol import COMMON_HEADERS


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.config["MINTER"] = Minter(settings.base_iri)
    app.config["QUERIES"] = load_queries(settings.queries_dir)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_query_bytes + 4096
    app.json.ensure_ascii = False

    from . import (api, assets, caching, changes, compare, coverage, documents, errors, explore, harvest, health, home, places,
                   printview, resources, search, sparql)

    errors.register(app)
    caching.register(app)
    app.after_request(common_headers)
    app.add_template_filter(lambda iri: safe_href(iri, app.config["MINTER"]), "href")
    app.add_template_filter(curie, "curie")
    for blueprint in (health.bp, places.bp, sparql.bp, api.bp, assets.bp, changes.bp, compare.bp, printview.bp, search.bp, harvest.bp, explore.bp, home.bp, documents.bp, coverage.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(resources.bp)  # last: its catch-all route maps every other path to an IRI
    return app


def safe_href(iri: str | None, minter: Minter) -> str:
    """Where a link to an IRI goes: our own page for our IRIs, the IRI itself for http(s) and for a reference
    relative to this site, else nowhere ('#').

    An IRI in the data may be javascript:, data: or vbscript: (browsers also skip blanks and control characters
    inside a scheme); a page never makes a link of one.

    >>> mint = Minter("https://w3id.org/quartiers-kg/")
    >>> [safe_href(i, mint) for i in ("javascript:alert(1)", " java\tscript:x", "?funding=a", "https://w3id.org/quartiers-kg/module/1")]
    ['#', '#', '?funding=a', '/module/1']
    """
    if not iri or re.search(r"[\x00-\x20\x7f\\]", iri):
        return "#"
    local = minter.path_of(iri)
    if local:
        return local
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", iri)
    if scheme is None:
        return iri if not iri.startswith("//") else "#"  # relative to this site; not to another host
    return iri if scheme.group(1).lower() in ("http", "https") else "#"


def common_headers(response: Response) -> Response:
    """CORS and the browser's safety headers on every answer (protocol.COMMON_HEADERS)."""
    response.headers.update(COMMON_HEADERS)
    return response
