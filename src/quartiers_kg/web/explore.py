"""The explorer: the modules as an interactive network, and the picture the server draws without it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Response, render_template

from .. import relations
from ..figure import draw, relation_edges
from .context import answer, get_store, per_version, queries, rows

bp = Blueprint("explore", __name__)


@bp.route("/explore")
def explore():
    return render_template("explore.html", kind_names=relations.KIND_NAMES)


@bp.route("/explore.svg")
def explore_picture():
    """The relation graph the build drew, for browsers without the graph library; over a remote store it is
    drawn here once per version."""
    store = get_store()

    def picture() -> bytes:
        if store.path is not None and (store.path / relations.PICTURE).is_file():
            return (store.path / relations.PICTURE).read_bytes()
        ans = answer(queries()["module-relations"].text)
        edges = relation_edges(relations.weighted(ans.variables, ans.rows))
        numbers = [int(r["n"].value) for r in rows(relations.MODULES)]
        with tempfile.TemporaryDirectory() as folder:
            draw(numbers, edges, Path(folder) / relations.PICTURE)
            return (Path(folder) / relations.PICTURE).read_bytes()

    return Response(per_version("picture", picture), content_type="image/svg+xml")
