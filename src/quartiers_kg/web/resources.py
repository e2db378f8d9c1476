"""Linked-data pages: every IRI under the base answers as HTML or RDF (200 with content negotiation)."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, render_template, url_for

from ..errors import UnknownResource
from ..formats import HTML, REPRESENTATIONS, from_suffix
from ..model import DIMENSIONS, PRINT_URL, SECTIONS
from ..rdf.namespaces import ONTOLOGY_IRI, term
from .answers import rdf_response
from .context import minter
from .describe import describe, pick_label, vocabulary_labels
from .facets import FACETS
from .lists import members
from .representations import alternates, jsonld, representation

bp = Blueprint("resources", __name__)
IRI_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/%-]{1,2000}")
QK = ONTOLOGY_IRI + "#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@bp.route("/<path:path>")
def resource(path: str):
    if not IRI_PATH.fullmatch(path):  # what no IRI of ours holds: spaces, quotes, brackets, backslashes, controls
        raise UnknownResource(f"no resource /{path[:80]} in this dataset")
    if path.endswith("/") and path.count("/") == 1:
        return members(path[:-1])
    d, suffix_format = describe(str(minter().iri(path))), None
    if not d.exists:  # not a resource itself: perhaps a resource plus a format suffix (.ttl, .jsonld, ...)
        suffix = "." + path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
        if from_suffix(suffix):
            path, suffix_format = path[: -len(suffix)], from_suffix(suffix)
            d = describe(str(minter().iri(path)))
    if not d.exists:
        raise UnknownResource(f"no resource /{path} in this dataset")
    fmt = suffix_format or representation()
    headers = alternates("/" + path, fmt, suffix_format is None)
    if fmt is not HTML:
        return rdf_response(d.triples, fmt, headers)
    page = _view(d, "/" + path)
    return Response(render_template("resource.html", page=page), content_type=HTML.content_type, headers=headers)


# the datasets a resource is linked to, by the IRI space of the link's target
OUTSIDE = {"https://sws.geonames.org/": "GeoNames", "http://www.wikidata.org/entity/": "Wikidata"}
LINKS_OUT = ("http://www.w3.org/2002/07/owl#sameAs", "http://www.w3.org/2004/02/skos/core#exactMatch",
             "http://www.w3.org/2004/02/skos/core#closeMatch")


def _outside_links(d) -> list[dict]:
    """The same thing in other datasets ("Auch bei: GeoNames · Wikidata"), each link once."""
    found = [{"name": name, "href": o["value"]} for prop in LINKS_OUT for o in d.out.get(prop, [])
             for space, name in OUTSIDE.items() if o["type"] == "iri" and o["value"].startswith(space)]
    return list({link["href"]: link for link in found}.values())


def _view(d, path: str) -> dict:
    """Everything resource.html shows, with labels in place of IRIs."""
    vocab = vocabulary_labels()

    def label(iri: str) -> str:
        part = d.parts.get(iri)
        if part and SCHEMA + "minValue" in part:
            return f"{_first(part, SCHEMA + 'minValue')} bis {_first(part, SCHEMA + 'maxValue')} {_first(part, SCHEMA + 'unitText') or ''}".strip()
        if part and SCHEMA + "text" in part and not d.labels.get(iri):
            return _first(part, SCHEMA + "text")
        return pick_label(d.labels.get(iri) or vocab.get(iri), iri)

    def value(term: dict) -> dict:
        if term["type"] == "iri":
            return {"iri": term["value"], "href": minter().path_of(term["value"]) or term["value"], "label": label(term["value"])}
        return {"text": term["value"], "lang": term.get("lang")}

    def order(part_iri: str) -> int:
        pos = d.parts.get(part_iri, {}).get(SCHEMA + "position")
        return int(pos[0]["value"]) if pos else 0

    def texts(prop: str) -> list[dict]:
        items = sorted((o["value"] for o in d.out.get(prop, [])), key=order)
        return [{"iri": i, "href": minter().path_of(i) or i, "text": _first(d.parts[i], SCHEMA + "text")} for i in items]

    sources = _sources(d)
    special = {SCHEMA + "step", QK + "assessment", QK + "pitfall", QK + "implementationItem", QK + "userComment",
               *COVERAGE, PROV + "qualifiedDerivation", PROV + "wasDerivedFrom"}
    long_text, links, facts = [], [], []
    for prop, objects in sorted(d.out.items(), key=lambda item: _rank(item[0])):
        if prop in special:
            continue
        row = {"prop": prop, "label": label(prop), "objects": [value(o) for o in objects], "sources": sources.get(prop, [])}
        if all(o["type"] == "literal" and len(o["value"]) > 120 for o in objects):
            long_text.append({**row, "paragraphs": [p for o in objects for p in o["value"].split("\n\n")]})
        elif all(o["type"] == "iri" for o in objects):
            links.append(row)
        else:
            facts.append(row)
    assessments = []
    dimension_order = [dim.key for dim in DIMENSIONS]
    for a in sorted((o["value"] for o in d.out.get(QK + "assessment", [])), key=lambda i: dimension_order.index(i.rsplit("/", 1)[-1]) if i.rsplit("/", 1)[-1] in dimension_order else 99):
        part = d.parts.get(a, {})
        dim = _first(part, QK + "dimension")
        assessments.append({
            "dimension": label(dim), "low": label(dim + "/low"), "high": label(dim + "/high"),
            "count": _first(part, SCHEMA + "ratingCount"), "position": _first(part, SCHEMA + "ratingValue"),
            "href": minter().path_of(a),
        })
    labels = d.labels.get(d.iri, {})
    title = label(d.iri)
    iri = d.iri
    describe_query = f"DESCRIBE <{iri}>"
    number = _first(d.out, QK + "moduleNumber")
    return {
        "iri": iri,
        "title": title,
        "number": number,
        "original": PRINT_URL.format(number=int(number)) if number else None,
        "facet_link": _facet_link(path, title),
        "label_de": labels.get("de"),
        "label_en": labels.get("en"),
        "types": [value(t) for t in d.out.get(RDF_TYPE, [])],
        "outside": _outside_links(d),
        "long_text": long_text,
        "links": [r for r in links if r["prop"] != RDF_TYPE],
        "facts": facts,
        "steps": texts(SCHEMA + "step"),
        "steps_sources": sources.get(SCHEMA + "step", []),
        "pitfalls": texts(QK + "pitfall"),
        "pitfalls_sources": sources.get(QK + "pitfall", []),
        "coverage": _coverage(d, label),
        "list_items": texts(QK + "implementationItem"),
        "comments": texts(QK + "userComment"),
        "assessments": assessments,
        "incoming": [{"subject": value({"type": "iri", "value": s}), "prop": label(p)} for s, p in d.incoming if not s.startswith(iri + "/")],
        "sparql": url_for("sparql.endpoint") + "?query=" + quote(describe_query),
        "alternates": [(f.name, f.media_type, path + f.suffix) for f in REPRESENTATIONS],
        "formats": [(f.label, f.media_type, path + f.suffix) for f in REPRESENTATIONS if f is not HTML],
        "jsonld": jsonld(_schema_org(d, title, label)),
    }


def _facet_link(path: str, title: str) -> dict | None:
    """For a value of a facet of the module list (/funding/kommune): the link to the modules that name it."""
    kind, _, slug = path.strip("/").partition("/")
    facet = next((f for f in FACETS if f.kind == kind), None)
    if facet is None or not slug or "/" in slug:
        return None
    return {"href": f"/module/?{facet.name}={slug}", "text": f"Alle Module mit „{title}“ ({facet.title})"}


COVERAGE = [QK + name for name in ("sectionRead", "sectionMissing", "cutOffIn", "webPageCount", "webPageMissing")]
PROV = "http://www.w3.org/ns/prov#"


def _sources(d) -> dict[str, list[dict]]:
    """For each property of a section: the pages (and lines) the section was read from, the one taken first."""
    by_section: dict[str, list[dict]] = {}
    for derivation in (o["value"] for o in d.out.get(PROV + "qualifiedDerivation", [])):
        part = d.parts.get(derivation, {})
        url, section = _first(part, PROV + "entity"), _first(part, QK + "section")
        if not url or not section:
            continue
        by_section.setdefault(section, []).append({
            "url": url, "kind": "Druckseite" if "/druck_" in url else "Webseite",
            "lines": f"{_first(part, QK + 'firstLine')}–{_first(part, QK + 'lastLine')}",
            "taken": _first(part, QK + "taken") == "true"})
    out = {}
    for section in SECTIONS:
        found = sorted(by_section.get(str(minter().section(section.key)), []), key=lambda s: not s["taken"])
        for prop in section.properties:
            out[str(term(prop))] = found
    return out


def _coverage(d, label) -> dict | None:
    """What of the template was read for this module, what is missing, where its page was cut off; None if not a module."""
    types = {o["value"] for o in d.out.get(RDF_TYPE, [])}
    if QK + "Module" not in types:
        return None
    names = lambda prop: [label(o["value"]) for o in sorted(d.out.get(prop, []), key=lambda o: o["value"])]  # noqa: E731
    missing_pages = sorted(int(o["value"]) for o in d.out.get(QK + "webPageMissing", []))
    return {
        "read": bool(d.out.get("http://purl.org/dc/terms/source")),
        "see_also": [o["value"] for o in d.out.get("http://www.w3.org/2000/01/rdf-schema#seeAlso", [])],
        "sections_read": names(QK + "sectionRead"), "sections_missing": names(QK + "sectionMissing"),
        "cut_off": names(QK + "cutOffIn"), "web_pages": _first(d.out, QK + "webPageCount"), "web_missing": missing_pages,
    }


# the order of a module page: the sections' terms as the page template has them, then the rest
PAGE_ORDER = [str(term(p)) for section in SECTIONS for p in section.properties] + \
    [QK + name for name in ("pageText", "extraSection", "moduleNumber", "incomplete")]


def _rank(prop: str) -> tuple[int, str]:
    return (PAGE_ORDER.index(prop), prop) if prop in PAGE_ORDER else (len(PAGE_ORDER), prop)


def _first(props: dict, prop: str):
    values = props.get(prop)
    return values[0]["value"] if values else None


def _schema_org(d, title: str, label) -> dict:
    """A schema.org summary of the resource for search engines."""
    types = {o["value"] for o in d.out.get(RDF_TYPE, [])}
    data = {"@context": "https://schema.org/", "@id": d.iri, "name": title, "inLanguage": "de"}
    if QK + "Module" in types:
        data["@type"] = "HowTo"
        objective = d.out.get(QK + "objective")
        if objective:
            data["description"] = objective[0]["value"]
        steps = sorted(d.out.get(SCHEMA + "step", []), key=lambda o: int(_first(d.parts[o["value"]], SCHEMA + "position") or 0))
        data["step"] = [{"@type": "HowToStep", "position": i, "text": _first(d.parts[o["value"]], SCHEMA + "text")} for i, o in enumerate(steps, 1)]
        source = d.out.get("http://purl.org/dc/terms/source")
        if source:
            data["isBasedOn"] = source[0]["value"]
    else:
        data["@type"] = "Thing"
    return data
