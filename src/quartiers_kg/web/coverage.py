"""The coverage page: what the graph holds of the whole toolbox, module by module and section by section."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..formats import HTML, SOLUTIONS, of_kind
from .answers import negotiate, respond
from .context import answer, minter, queries, rows, settings

bp = Blueprint("coverage", __name__)
SECTIONS = """
PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
SELECT ?section ?heading WHERE { ?section a qk:TemplateSection ; skos:prefLabel ?heading ; schema:position ?position }
ORDER BY ?position"""
MARKS = {"read": "✓", "cut-off": "✂", "missing": "–"}


@bp.route("/coverage")
def coverage():
    """Modules × sections with totals and every page read with what it gave (HTML), or the named query coverage's rows
    (CSV, JSON, … by Accept or format=)."""
    query = queries()["coverage"]
    cfg = settings()
    found = answer(query.text, cfg.max_rows * 10)
    if negotiate([HTML, *of_kind(SOLUTIONS)], HTML, request.args.to_dict(flat=False)) is not HTML:
        return respond(found, request.args.to_dict(flat=False), query.text)
    columns = [{"iri": row["section"].value, "heading": row["heading"].value} for row in rows(SECTIONS)]
    names = [v.value for v in found.variables]
    modules: dict[str, dict] = {}
    for values in found.rows:
        row = {name: (term.value if term is not None else None) for name, term in zip(names, values)}
        module = modules.setdefault(row["module"], {
            "number": int(row["number"]), "title": row["title"], "href": minter().path_of(row["module"]),
            "pages": int(row["pages"]), "web_pages": row["webPages"], "web_missing": row["webPagesMissing"], "cells": {}})
        if row["section"]:
            module["cells"][row["section"]] = row["state"]
    listed = sorted(modules.values(), key=lambda m: m["number"])
    read = [m for m in listed if m["pages"]]
    totals = {c["iri"]: {state: sum(1 for m in read if m["cells"].get(c["iri"]) == state) for state in MARKS} for c in columns}
    pages = answer(queries()["source-pages"].text, cfg.max_rows * 10)
    page_names = [v.value for v in pages.variables]
    page_rows = [{name: (term.value if term is not None else None) for name, term in zip(page_names, values)} for values in pages.rows]
    return render_template("coverage.html", columns=columns, rows=listed, totals=totals, marks=MARKS,
                           read=len(read), unread=len(listed) - len(read), truncated=found.truncated or pages.truncated,
                           pages=page_rows, dropped=sum(int(p["droppedLines"] or 0) for p in page_rows))
