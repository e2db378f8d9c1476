"""The explorer: the modules as an interactive network, and the picture the server draws without it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, send_from_directory

from ..errors import UnknownResource
from ..figure import draw
from . import get_store, settings

bp = Blueprint("explore", __name__)


@bp.route("/explore")
def explore():
    return render_template("explore.html")


@bp.route("/explore.svg")
def explore_picture():
    """The relation graph drawn on the server, for browsers without the graph library (cached per version)."""
    store = get_store()
    cached = current_app.extensions.get("quartiers_picture")
    if cached is None or cached[0] != store.info.version:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "modules.svg"
            draw(store, current_app.config["QUERIES"]["module-relations"].text, path, settings().max_rows, settings().query_timeout)
            cached = (store.info.version, path.read_bytes())
        current_app.extensions["quartiers_picture"] = cached
    return Response(cached[1], content_type="image/svg+xml")


ASSETS = {"cytoscape.min.js": "cytoscape/dist/cytoscape.min.js"}


@bp.route("/assets/<name>")
def asset(name: str):
    """Third-party JavaScript, installed by `npm ci` from package-lock.json, served by us (works offline)."""
    if name not in ASSETS or not (settings().assets_dir / ASSETS[name]).is_file():
        raise UnknownResource(f"asset {name!r} is not installed: run 'npm ci' in the checkout")
    folder, file = (settings().assets_dir / ASSETS[name]).parent, ASSETS[name].rsplit("/", 1)[-1]
    return send_from_directory(folder, file, mimetype="text/javascript", max_age=86400)
