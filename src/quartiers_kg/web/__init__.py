"""The HTTP face: create_app(settings) registers the blueprints, the one error handler and the one CORS hook."""

from __future__ import annotations

from flask import Flask, Response

from ..config import Settings
from ..queries import load_queries
from ..rdf.uris import Minter


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.config["MINTER"] = Minter(settings.base_iri)
    app.config["QUERIES"] = load_queries(settings.queries_dir)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_query_bytes + 4096
    app.json.ensure_ascii = False

    from . import api, caching, coverage, documents, errors, explore, harvest, home, resources, sparql

    errors.register(app)
    caching.register(app)
    app.after_request(cors)
    app.add_template_filter(lambda iri: app.config["MINTER"].path_of(iri) or iri, "local_path")
    for blueprint in (sparql.bp, api.bp, harvest.bp, explore.bp, home.bp, documents.bp, coverage.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(resources.bp)  # last: its catch-all route maps every other path to an IRI
    return app


def cors(response: Response) -> Response:
    """Every answer may be read by a script of any origin: the data is public and nothing needs a login."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Expose-Headers"] = "X-Result-Truncated, X-Result-Limit, Content-Location, Link"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response
