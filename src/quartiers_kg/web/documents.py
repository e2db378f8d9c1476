"""The ontology and the shapes as documents: RDF as loaded, or a readable HTML page."""

from __future__ import annotations

import re

from flask import Blueprint, Response

from ..errors import UnknownResource
from ..formats import HTML, REPRESENTATIONS, from_suffix
from ..rdf.namespaces import ONTOLOGY_IRI
from .answers import rdf_response
from .context import minter, rows
from .representations import alternates, representation
from .vocabulary import vocabulary_page

bp = Blueprint("documents", __name__)
SHAPES_IRI = "https://w3id.org/quartiers-kg/shapes"
SUFFIXES = "any(" + ", ".join(repr(f.suffix) for f in REPRESENTATIONS) + ")"


@bp.route("/ontology/<version>")
def ontology_version(version: str):
    """The version IRI names the ontology as published; this server holds the current one."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise UnknownResource(f"no ontology version {version[:20]!r}")
    return ontology("")


@bp.route("/ontology", defaults={"suffix": ""})
@bp.route(f"/ontology<{SUFFIXES}:suffix>")
def ontology(suffix: str):
    return _document(ONTOLOGY_IRI, "ontology", "/ontology", suffix)


@bp.route("/shapes", defaults={"suffix": ""})
@bp.route(f"/shapes<{SUFFIXES}:suffix>")
def shapes(suffix: str):
    return _document(SHAPES_IRI, "shapes", "/shapes", suffix)


def _document(iri: str, graph: str, path: str, suffix: str):
    """The ontology or shapes graph as a whole: RDF as loaded, or a readable HTML page."""
    fmt = from_suffix(suffix) or representation()
    headers = alternates(path, fmt, not suffix)
    graph_iri = str(minter().graph(graph))
    if fmt is not HTML:
        triples = rows(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
        return rdf_response(triples, fmt, headers)
    return Response(vocabulary_page(graph, graph_iri, iri), content_type=HTML.content_type, headers=headers)
