"""Class lists (/module/, /funding/, ...): paged, as HTML or as a Hydra collection; the module list with facets."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from urllib.parse import urlencode

from flask import render_template, request

from ..errors import QueryRejected, UnknownResource
from ..formats import HTML, from_suffix
from ..store import parse_turtle, plain
from . import facets
from .answers import rdf_response, respond
from .context import answer, minter, rows, search_index, settings
from .describe import pick_label
from .representations import alternates, representation

LIST = """
SELECT DISTINCT ?s WHERE {{ ?s a ?type . FILTER (STRSTARTS(STR(?s), "{prefix}") && !CONTAINS(SUBSTR(STR(?s), {length}), "/")) }}
ORDER BY ?s LIMIT {limit} OFFSET {offset}"""
COUNT = """
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?type . FILTER (STRSTARTS(STR(?s), "{prefix}") && !CONTAINS(SUBSTR(STR(?s), {length}), "/")) }}"""
LABELS = """
SELECT ?s ?label WHERE {{ VALUES ?s {{ {members} }} ?s ?p ?label .
  FILTER (?p IN (<http://www.w3.org/2000/01/rdf-schema#label>, <http://www.w3.org/2004/02/skos/core#prefLabel>, <http://xmlns.com/foaf/0.1/name>)) }}"""
KIND = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
NAMES = {  # the German names of the lists (one, many), by the IRI segment of their members
    "module": ("Modul", "Module"), "funding": ("Finanzierungsquelle", "Finanzierungsquellen"),
    "network-type": ("Netzwerktyp", "Netzwerktypen"), "field-of-action": ("Handlungsfeld", "Handlungsfelder"),
    "target-group": ("Zielgruppe", "Zielgruppen"), "user-role": ("Anwendergruppe", "Anwendergruppen"),
    "agent": ("Akteur", "Akteure"), "case": ("Praxisbeispiel", "Praxisbeispiele"), "link": ("Link", "Links"),
    "literature": ("Literaturangabe", "Literaturangaben"), "place": ("Ort", "Orte"), "project": ("Projekt", "Projekte"),
    "scale": ("Skala", "Skalen"), "section": ("Abschnitt der Vorlage", "Abschnitte der Vorlage"),
    "scheme": ("Begriffsschema", "Begriffsschemata"), "graph": ("Graph", "Graphen"),
}
HYDRA = "http://www.w3.org/ns/hydra/core#"


def members(kind: str):
    """The resources of one kind (module/, funding/, ...), paged: HTML, or RDF as a Hydra collection.

    The module list also takes facets (funding=, town=, ...): the view, its counts and its downloads
    (CSV, JSON, Turtle) all show exactly the selected modules, at a URL that names the selection.
    """
    if not KIND.match(kind):  # the kind goes into the query text, so it is held to the pattern of our IRIs
        raise UnknownResource(f"no resources under /{kind}/")
    page_text = request.args.get("page", "1")
    if not page_text.isdigit() or int(page_text) < 1:
        raise QueryRejected(f"parameter 'page' must be a positive integer, found {page_text[:20]!r}", "page")
    size, page = settings().page_size, int(page_text)
    prefix, base = str(minter().iri(kind)) + "/", settings().base_iri
    selection = facets.selection_from(request.args) if kind == "module" else None
    if selection is not None and request.args.get("q"):  # the matches of a full-text search, as a filter
        selection = replace(selection, modules=tuple(search_index().scores(request.args["q"])))
    if selection is not None:
        total = int(rows(facets.count_query(base, selection))[0]["count"].value)
        listing = facets.modules_query(base, selection, size, (page - 1) * size)
        if request.args.get("format") in ("csv", "json", "tsv", "xml"):
            ans = answer(listing)
            return respond(ans, {"format": [request.args["format"]]}, listing)
        iris = [row["m"].value for row in rows(listing)]
    else:
        total = int(rows(COUNT.format(prefix=prefix, length=len(prefix) + 1))[0]["n"].value)
        iris = [row["s"].value for row in rows(LIST.format(prefix=prefix, length=len(prefix) + 1, limit=size, offset=(page - 1) * size))]
    if total == 0 and (selection is None or selection.empty):
        raise UnknownResource(f"no resources under /{kind}/")
    last = max((total + size - 1) // size, 1)
    if page > last:
        raise UnknownResource(f"/{kind}/ has {last} page(s), not {page}")
    labels: dict[str, dict[str, str]] = {}
    for row in rows(LABELS.format(members=" ".join(f"<{i}>" for i in iris))) if iris else ():
        labels.setdefault(row["s"].value, {}).setdefault(plain(row["label"]).get("lang") or "", row["label"].value)
    pages = {"first": 1, "last": last, "previous": page - 1 if page > 1 else None, "next": page + 1 if page < last else None}
    hinted = from_suffix("." + request.args["format"]) if "format" in request.args else None
    fmt = hinted or representation()
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "format"]
    headers = alternates(f"/{kind}/", fmt, hinted is None, query)
    if fmt is not HTML:
        return rdf_response(_hydra(prefix, iris, labels, total, page, pages), fmt, headers)
    items = sorted(({"href": minter().path_of(i), "label": pick_label(labels.get(i), i)} for i in iris),
                   key=lambda item: _natural(item["href"]))
    shown = facet_view(base, selection) if selection is not None else None
    one, many = NAMES.get(kind, (kind, kind))
    selected = selection is not None and not selection.empty
    return render_template("list.html", kind=kind, one=one, many=many, items=items, total=total, page=page, pages=pages,
                           facets=shown, selected=selected, query=_query_with(page=None)), headers


def _query_with(**changes) -> str:
    """This request's query string with some parameters changed (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = value if isinstance(value, list) else [value]
    return urlencode([(k, v) for k, values in args.items() for v in values])


def facet_view(base: str, selection) -> list[dict]:
    """Each facet with its values, their counts among the selected modules, and the links that toggle them."""
    view = []
    for facet in facets.FACETS:
        chosen = list(selection.values.get(facet.name, ()))
        values = []
        for row in rows(facets.facet_query(base, selection, facet)):
            slug = row["value"].value.rsplit("/", 1)[-1]
            selected = slug in chosen
            toggled = [c for c in chosen if c != slug] if selected else chosen + [slug]
            values.append({"label": row["label"].value if row["label"] is not None else slug, "count": int(row["count"].value),
                           "selected": selected, "href": "?" + _query_with(**{facet.name: ",".join(toggled) or None, "page": None})})
        if values:
            view.append({"name": facet.name, "title": facet.title, "values": values})
    return view


def _hydra(prefix: str, iris: list[str], labels: dict, total: int, page: int, pages: dict) -> list:
    """A page of a list as a Hydra collection with its members and their labels."""
    selection = _query_with(page=None)
    view = lambda n: f"<{prefix}?{(selection + '&') if selection else ''}page={n}>"  # noqa: E731
    lines = [f"<{prefix}> a <{HYDRA}Collection> ; <{HYDRA}totalItems> {total} ; <{HYDRA}view> {view(page)} ."]
    lines.append(f"{view(page)} a <{HYDRA}PartialCollectionView> .")
    lines += [f"{view(page)} <{HYDRA}{rel}> {view(n)} ." for rel, n in pages.items() if n]
    for iri in iris:
        lines.append(f"<{prefix}> <{HYDRA}member> <{iri}> .")
        for lang, text in labels.get(iri, {}).items():
            lines.append(f"<{iri}> <http://www.w3.org/2000/01/rdf-schema#label> {json.dumps(text)}{'@' + lang if lang else ''} .")
    return parse_turtle("\n".join(lines))


def _natural(path: str):
    last = path.rsplit("/", 1)[-1]
    return (0, int(last), "") if last.isdigit() else (1, 0, last)
