"""Third-party browser code (Cytoscape.js, YASGUI, Swagger UI), installed by `npm ci` from package-lock.json
and served by us, so that every page works offline and no script comes from another origin."""

from __future__ import annotations

from flask import Blueprint, send_from_directory

from ..errors import UnknownResource
from .context import settings

bp = Blueprint("assets", __name__)

# the name a page asks for -> the file inside node_modules
ASSETS = {
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
TYPES = {"js": "text/javascript", "css": "text/css"}


def installed(name: str) -> bool:
    """Whether `npm ci` has installed the asset (pages fall back to their plain form without it)."""
    return (settings().assets_dir / ASSETS[name]).is_file()


@bp.route("/assets/<name>")
def asset(name: str):
    if name not in ASSETS or not installed(name):
        raise UnknownResource(f"asset {name!r} is not installed: run 'npm ci' in the checkout")
    folder, file = (settings().assets_dir / ASSETS[name]).parent, ASSETS[name].rsplit("/", 1)[-1]
    return send_from_directory(folder, file, mimetype=TYPES[name.rsplit(".", 1)[-1]], max_age=86400)
