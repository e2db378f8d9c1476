"""The explorer: the modules as an interactive network, and the picture the server draws without it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Response, render_template, send_from_directory

from ..errors import UnknownResource
from ..figure import draw
from .context import get_store, per_version, queries, settings

bp = Blueprint("explore", __name__)


@bp.route("/explore")
def explore():
    return render_template("explore.html")


@bp.route("/explore.svg")
def explore_picture():
    """The relation graph drawn on the server, for browsers without the graph library (cached per version)."""
    def picture() -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "modules.svg"
            draw(get_store(), queries()["module-relations"].text, path, settings().max_rows, settings().query_timeout)
            return path.read_bytes()

    return Response(per_version("picture", picture), content_type="image/svg+xml")


ASSETS = {"cytoscape.min.js": "cytoscape/dist/cytoscape.min.js"}


@bp.route("/assets/<name>")
def asset(name: str):
    """Third-party JavaScript, installed by `npm ci` from package-lock.json, served by us (works offline)."""
    if name not in ASSETS or not (settings().assets_dir / ASSETS[name]).is_file():
        raise UnknownResource(f"asset {name!r} is not installed: run 'npm ci' in the checkout")
    folder, file = (settings().assets_dir / ASSETS[name]).parent, ASSETS[name].rsplit("/", 1)[-1]
    return send_from_directory(folder, file, mimetype="text/javascript", max_age=86400)
