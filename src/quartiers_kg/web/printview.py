"""A module's print view: the print page written back from the graph (what `quartiers-kg render` writes),
beside the original print page: the round trip made visible."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from ..errors import UnknownResource
from ..model import PRINT_URL
from ..queries import Term
from ..rdf.reading import MODULE_GRAPH, print_page
from .context import answer, minter

bp = Blueprint("printview", __name__)
SOURCE = "http://purl.org/dc/terms/source"  # the page a module was read from; a module only referenced has none


def _text(number: int) -> str | None:
    """The rendered print page, or None for a module only referenced (nothing of it was read)."""
    iri = str(minter().module(number))
    triples = answer(MODULE_GRAPH, substitutions={"m": Term(iri, iri=True)}).triples
    if not triples:
        raise UnknownResource(f"kein Modul mit der Nummer {number}")
    if not any(t.subject.value == iri and t.predicate.value == SOURCE for t in triples):
        return None
    return print_page(triples, iri)


@bp.route("/module/<int:number>/print")
def print_view(number: int):
    return render_template("print.html", number=number, text=_text(number), original=PRINT_URL.format(number=number))


@bp.route("/module/<int:number>/print.txt")
def print_text(number: int):
    text = _text(number)
    if text is None:
        raise UnknownResource(f"Modul {number} ist nur verwiesen: von ihm wurde keine Seite eingelesen")
    return Response(text, content_type="text/plain; charset=utf-8")
