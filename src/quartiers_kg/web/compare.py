"""Modules side by side: /compare?modules=116,35 (2 to 4) — scales, steps, funding, projects, literature and
what the modules share; the rows as CSV or SPARQL results for download."""

from __future__ import annotations

import re
from collections import defaultdict

from flask import Blueprint, render_template, request

from ..errors import QueryRejected, UnknownResource
from ..formats import HTML, SOLUTIONS, of_kind
from .answers import negotiate, respond
from .context import answer, rows

bp = Blueprint("compare", __name__)

PREFIXES = """PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
ASPECTS = {  # key -> (heading, path from the module)
    "funding": ("Finanzierung", "qk:fundingSource"),
    "project": ("Projekte", "qk:project"),
    "literature": ("Literatur", "qk:literature"),
    "target-group": ("Zielgruppen", "qk:targetGroup"),
    "field-of-action": ("Handlungsfelder", "qk:fieldOfAction"),
    "network-type": ("Netzwerktypen", "qk:networkType"),
    "user-role": ("Nutzende", "qk:userRole"),
}
SHARED_QUERY = PREFIXES + """SELECT ?number ?aspect ?value ?label WHERE {{
  VALUES ?number {{ {numbers} }}
  ?module qk:moduleNumber ?number .
  {{ {unions} }}
  OPTIONAL {{ ?value skos:prefLabel|rdfs:label|dct:title ?label }}
}} ORDER BY ?aspect ?label ?number"""
MODULES_QUERY = PREFIXES + """SELECT DISTINCT ?number ?title ?ratingCount WHERE {{
  VALUES ?number {{ {numbers} }}
  ?module qk:moduleNumber ?number .
  OPTIONAL {{ ?module rdfs:label ?title }} OPTIONAL {{ ?module qk:assessment/schema:ratingCount ?ratingCount }}
}}"""
SCALES_QUERY = PREFIXES + """SELECT ?number ?dimension ?low ?high ?ratingCount ?position WHERE {{
  VALUES ?number {{ {numbers} }}
  ?module qk:moduleNumber ?number ; qk:assessment ?assessment .
  ?assessment qk:dimension ?scale . ?scale skos:prefLabel ?dimension ; qk:lowPole/skos:prefLabel ?low ; qk:highPole/skos:prefLabel ?high .
  OPTIONAL {{ ?assessment schema:ratingCount ?ratingCount }} OPTIONAL {{ ?assessment schema:ratingValue/skos:prefLabel ?position }}
}} ORDER BY ?dimension"""
STEPS_QUERY = PREFIXES + """SELECT ?number ?position ?text WHERE {{
  VALUES ?number {{ {numbers} }}
  ?module qk:moduleNumber ?number ; schema:step ?step . ?step schema:position ?position ; schema:text ?text .
}} ORDER BY ?number ?position"""


def chosen_numbers() -> list[int]:
    """The module numbers of `modules` (comma-separated or repeated), 2 to 4 different ones."""
    raw = [part.strip() for value in request.args.getlist("modules") for part in value.split(",") if part.strip()]
    bad = next((part for part in raw if not re.fullmatch(r"\d{1,9}", part)), None)
    if bad is not None:
        raise QueryRejected(f"Parameter 'modules': Modulnummern erwartet, gefunden {bad[:30]!r}", "modules")
    numbers = list(dict.fromkeys(int(part) for part in raw))
    if not 2 <= len(numbers) <= 4:
        raise QueryRejected(f"Parameter 'modules': zwei bis vier Modulnummern erwartet, gefunden {len(numbers)}", "modules")
    return numbers


@bp.route("/compare")
def compare():
    numbers = chosen_numbers()
    values = " ".join(map(str, numbers))
    unions = " UNION ".join(f'{{ ?module {path} ?value BIND ("{key}" AS ?aspect) }}' for key, (_, path) in ASPECTS.items())
    shared_query = SHARED_QUERY.format(numbers=values, unions=unions)
    modules = {int(r["number"].value): r for r in rows(MODULES_QUERY.format(numbers=values))}
    missing = [n for n in numbers if n not in modules]
    if missing:
        raise UnknownResource(f"kein Modul mit der Nummer {missing[0]}")
    fmt = negotiate(of_kind(SOLUTIONS) + [HTML], HTML, request.args.to_dict(flat=False))
    if fmt is not HTML:
        return respond(answer(shared_query), request.args.to_dict(flat=False), shared_query)
    return render_template("compare.html", numbers=numbers, modules=modules, aspects=_aspects(rows(shared_query), numbers),
                           scales=_scales(rows(SCALES_QUERY.format(numbers=values))),
                           steps=_grouped(rows(STEPS_QUERY.format(numbers=values)), "text"),
                           query="modules=" + ",".join(map(str, numbers)), formats=of_kind(SOLUTIONS))


def _aspects(found: list[dict], numbers: list[int]) -> list[dict]:
    """Per aspect: each module's items (IRI, label, how many of the modules have it) and the items all share."""
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    labels: dict[str, str] = {}
    for r in found:
        holders[(r["aspect"].value, r["value"].value)].add(int(r["number"].value))
        labels[r["value"].value] = r["label"].value if r["label"] is not None else r["value"].value
    out = []
    for key, (heading, _) in ASPECTS.items():
        items = sorted(((iri, labels[iri], who) for (aspect, iri), who in holders.items() if aspect == key), key=lambda i: i[1].lower())
        out.append({"key": key, "heading": heading,
                    "by_module": {n: [(iri, label, len(who)) for iri, label, who in items if n in who] for n in numbers},
                    "shared": [(iri, label) for iri, label, who in items if len(who) == len(numbers)]})
    return out


def _scales(found: list[dict]) -> list[dict]:
    """Per scale: its poles, and per module its rating count and the position where the source gives one."""
    scales: dict[str, dict] = {}
    for r in found:
        scale = scales.setdefault(r["dimension"].value, {"name": r["dimension"].value, "low": r["low"].value,
                                                        "high": r["high"].value, "by_module": {}})
        scale["by_module"][int(r["number"].value)] = {
            "ratings": r["ratingCount"].value if r["ratingCount"] is not None else None,
            "position": r["position"].value if r["position"] is not None else None}
    return list(scales.values())


def _grouped(found: list[dict], field: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for r in found:
        out[int(r["number"].value)].append(r[field].value)
    return out
