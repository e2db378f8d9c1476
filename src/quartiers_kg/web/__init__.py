"""The HTTP face: create_app(settings) registers the blueprints and the one error handler."""

from __future__ import annotations

import os

from flask import Flask, current_app

from ..config import Settings
from ..queries import load_queries
from ..rdf.uris import Minter
from ..store import GraphStore, RemoteStore, open_store


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.config["MINTER"] = Minter(settings.base_iri)
    app.config["QUERIES"] = load_queries(settings.queries_dir)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_query_bytes + 4096
    app.json.ensure_ascii = False

    from . import api, caching, errors, explore, harvest, pages, sparql

    errors.register(app)
    caching.register(app)
    app.add_template_filter(lambda iri: app.config["MINTER"].path_of(iri) or iri, "local_path")
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(harvest.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(pages.bp)  # last: its catch-all route maps every other path to an IRI
    return app


def get_store() -> GraphStore | RemoteStore:
    """The read-only store of this process, opened on first use (after a server forks its workers)."""
    app = current_app
    cached = app.extensions.get("quartiers_store")
    if cached is None or cached[0] != os.getpid():
        cached = (os.getpid(), open_store(app.config["SETTINGS"]))
        app.extensions["quartiers_store"] = cached
    return cached[1]


def settings() -> Settings:
    return current_app.config["SETTINGS"]


def minter() -> Minter:
    return current_app.config["MINTER"]

