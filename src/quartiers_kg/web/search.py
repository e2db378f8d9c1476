"""Full-text search: the results page (modules ranked, passages highlighted, the module list's facets beside)
and /api/search (JSON, CSV), over the index the build made (search.py)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from flask import Blueprint, Response, jsonify, render_template, request

from ..errors import QueryRejected
from . import facets
from .context import rows, search_index, settings
from .lists import facet_view
from .negotiation import choose

bp = Blueprint("search", __name__)
PAGE = 20
NUMBERS = "SELECT DISTINCT ?n WHERE {{ ?m <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n . {patterns} }}"


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        raise QueryRejected(f"parameter 'page' must be a positive integer, found {raw[:20]!r}", "page")
    return int(raw)


def _found(text: str, page: int):
    """(total, hits of the page, the selection with the matches) for the search and the facets in the URL."""
    index = search_index()
    selection = replace(facets.selection_from(request.args), modules=tuple(index.scores(text)))
    among = None
    if any(selection.values.values()) or selection.rating_count is not None or selection.year_from or selection.year_to:
        among = [int(r["n"].value) for r in rows(NUMBERS.format(patterns=selection.patterns(settings().base_iri)))]
    total, hits = index.search(text, limit=PAGE, offset=(page - 1) * PAGE, among=among)
    return total, hits, selection


@bp.route("/search")
def page():
    text, number = request.args.get("q", "").strip(), _page_number()
    if not text:
        return render_template("search.html", q="", hits=[], total=0, facets=None, page=1, last=1)
    total, hits, selection = _found(text, number)
    last = max((total + PAGE - 1) // PAGE, 1)
    return render_template("search.html", q=text, hits=hits, total=total, page=number, last=last,
                           facets=facet_view(settings().base_iri, selection))


@bp.route("/api/search")
def api():
    """The matches as JSON or CSV (format=json|csv, else Accept), PAGE modules a page, best first."""
    text, number = request.args.get("q", ""), _page_number()
    if not text.strip():
        raise QueryRejected("missing parameter 'q': the words to search for", "q")
    total, hits, _ = _found(text, number)
    wanted = request.args.get("format") or {"text/csv": "csv", "application/json": "json"}[
        choose(request.headers.get("Accept"), ["application/json", "text/csv"], "application/json")]
    if wanted not in ("json", "csv"):
        raise QueryRejected(f"parameter 'format' must be json or csv, found {wanted[:20]!r}", "format")
    if wanted == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["number", "module", "title", "score", "passages"])
        for h in hits:
            writer.writerow([h.number, h.iri, h.title, f"{h.score:.4f}", " | ".join(f"{s}: {p}" for s, p in h.passages)])
        return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers={"Vary": "Accept"})
    return jsonify(query=text, total=total, page=number, pageSize=PAGE, results=[
        {"number": h.number, "module": h.iri, "title": h.title, "score": round(h.score, 4),
         "passages": [{"section": s, "html": p} for s, p in h.passages]} for h in hits]), 200, {"Vary": "Accept"}
