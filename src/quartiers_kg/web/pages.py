"""Linked-data pages: every IRI under the base answers as HTML or RDF (200 with content negotiation)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for
from markupsafe import Markup

from ..errors import QueryRejected, UnknownResource
from ..model import DIMENSIONS
from ..rdf.namespaces import ONTOLOGY_IRI, PREFIXES
from ..store import parse_turtle, plain, serialize_graph
from . import facets, get_store, minter, settings
from .describe import describe, pick_label, vocabulary_labels
from .harvest import description_response
from .negotiation import choose
from .sparql import respond
from .vocabulary import vocabulary_page

bp = Blueprint("pages", __name__)

# format name -> (media type, file suffix); the first is what a client without preference gets
REPRESENTATIONS = {
    "html": ("text/html", ".html"),
    "turtle": ("text/turtle", ".ttl"),
    "jsonld": ("application/ld+json", ".jsonld"),
    "ntriples": ("application/n-triples", ".nt"),
    "rdfxml": ("application/rdf+xml", ".rdf"),
}
BY_SUFFIX = {suffix: fmt for fmt, (_, suffix) in REPRESENTATIONS.items()}
BY_MEDIA = {media: fmt for fmt, (media, _) in REPRESENTATIONS.items()}
SHAPES_IRI = "https://w3id.org/quartiers-kg/shapes"
QK = ONTOLOGY_IRI + "#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LIST_QUERY = """
PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?module ?number ?label WHERE {
  ?module a qk:Module ; qk:moduleNumber ?number . OPTIONAL { ?module rdfs:label ?label }
} ORDER BY ?number"""


def _negotiate(suffix_format: str | None) -> str:
    if suffix_format:
        return suffix_format
    return BY_MEDIA[choose(request.headers.get("Accept"), list(BY_MEDIA), "text/html")]


def _headers(path: str, fmt: str, negotiated: bool) -> dict[str, str]:
    links = [f'<{path}{suffix}>; rel="alternate"; type="{media}"' for media, suffix in REPRESENTATIONS.values()]
    headers = {"Link": ", ".join(links), "Access-Control-Allow-Origin": "*"}
    if negotiated:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = path + REPRESENTATIONS[fmt][1]
    return headers


def _rdf(triples, fmt: str) -> bytes:
    return serialize_graph(triples, fmt, PREFIXES)


def _content_type(fmt: str) -> str:
    media = REPRESENTATIONS[fmt][0]
    return media + "; charset=utf-8" if media.startswith("text/") or media.endswith("json") else media


@bp.route("/")
def home():
    """The home page; a client asking for RDF gets the dataset's description, which links everything."""
    if _negotiate(None) != "html":
        return description_response("/")
    rows = [
        {"iri": plain(r["module"])["value"], "number": int(r["number"].value), "label": r["label"].value if r["label"] else None}
        for r in get_store().query(LIST_QUERY)
    ]
    for row in rows:
        row["path"] = minter().path_of(row["iri"])
    store = get_store()
    dataset = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": "quartiers-kg: Modulbaukasten altengerechte Quartiere.NRW",
        "description": "Die Methoden (Module) des Modulbaukastens des Landesbüros altengerechte Quartiere.NRW als Linked Open Data.",
        "url": request.url_root,
        "inLanguage": "de",
        "distribution": [{"@type": "DataDownload", "encodingFormat": "application/sparql-query", "contentUrl": url_for("sparql.endpoint", _external=True)}],
    }
    return render_template("home.html", modules=rows, info=store.info, jsonld=_jsonld(dataset), queries=_queries())


def _queries():
    return current_app.config["QUERIES"]


def _jsonld(data: dict) -> Markup:
    """JSON for a <script> element: '</' cannot close the element early."""
    return Markup(json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/"))


@bp.route("/ontology/<version>")
def ontology_version(version: str):
    """The version IRI names the ontology as published; this server holds the current one."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise UnknownResource(f"no ontology version {version[:20]!r}")
    return ontology("")


@bp.route("/ontology", defaults={"suffix": ""})
@bp.route("/ontology<any('.ttl', '.jsonld', '.nt', '.rdf', '.html'):suffix>")
def ontology(suffix: str):
    return _document(ONTOLOGY_IRI, "ontology", "/ontology", suffix)


@bp.route("/shapes", defaults={"suffix": ""})
@bp.route("/shapes<any('.ttl', '.jsonld', '.nt', '.rdf', '.html'):suffix>")
def shapes(suffix: str):
    return _document(SHAPES_IRI, "shapes", "/shapes", suffix)


def _document(iri: str, graph: str, path: str, suffix: str):
    """The ontology or shapes graph as a whole: RDF as loaded, or a readable HTML page."""
    fmt = _negotiate(BY_SUFFIX.get(suffix))
    headers = _headers(path, fmt, not suffix)
    graph_iri = str(minter().graph(graph))
    if fmt != "html":
        triples = get_store().query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
        return Response(_rdf(triples, fmt), content_type=_content_type(fmt), headers=headers)
    return Response(vocabulary_page(graph, graph_iri, iri), content_type="text/html; charset=utf-8", headers=headers)


LIST = """
SELECT DISTINCT ?s WHERE {{ ?s a ?type . FILTER (STRSTARTS(STR(?s), "{prefix}") && !CONTAINS(SUBSTR(STR(?s), {length}), "/")) }}
ORDER BY ?s LIMIT {limit} OFFSET {offset}"""
COUNT = """
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?type . FILTER (STRSTARTS(STR(?s), "{prefix}") && !CONTAINS(SUBSTR(STR(?s), {length}), "/")) }}"""
LABELS = """
SELECT ?s ?label WHERE {{ VALUES ?s {{ {members} }} ?s ?p ?label .
  FILTER (?p IN (<http://www.w3.org/2000/01/rdf-schema#label>, <http://www.w3.org/2004/02/skos/core#prefLabel>, <http://xmlns.com/foaf/0.1/name>)) }}"""
KIND = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
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
    store = get_store()
    selection = facets.selection_from(request.args) if kind == "module" else None
    if selection is not None:
        total = int(next(iter(store.query(facets.count_query(base, selection))))["count"].value)
        listing = facets.modules_query(base, selection, size, (page - 1) * size)
        if request.args.get("format") in ("csv", "json", "tsv", "xml"):
            ans = store.bounded_answer(listing, settings().max_rows, settings().query_timeout)
            return respond(ans, {"format": [request.args["format"]]}, listing)
        iris = [row["m"].value for row in store.query(listing)]
    else:
        total = int(next(iter(store.query(COUNT.format(prefix=prefix, length=len(prefix) + 1))))["n"].value)
        iris = [row["s"].value for row in store.query(LIST.format(prefix=prefix, length=len(prefix) + 1, limit=size, offset=(page - 1) * size))]
    if total == 0 and (selection is None or selection.empty):
        raise UnknownResource(f"no resources under /{kind}/")
    last = max((total + size - 1) // size, 1)
    if page > last:
        raise UnknownResource(f"/{kind}/ has {last} page(s), not {page}")
    labels: dict[str, dict[str, str]] = {}
    for row in store.query(LABELS.format(members=" ".join(f"<{i}>" for i in iris))) if iris else ():
        labels.setdefault(row["s"].value, {}).setdefault(plain(row["label"]).get("lang") or "", row["label"].value)
    pages = {"first": 1, "last": last, "previous": page - 1 if page > 1 else None, "next": page + 1 if page < last else None}
    fmt = BY_SUFFIX.get("." + request.args.get("format", ""), None) if request.args.get("format") else None
    fmt = fmt or _negotiate(None)
    if fmt != "html":
        return Response(_rdf(_hydra(prefix, iris, labels, total, page, pages), fmt), content_type=_content_type(fmt),
                        headers={"Vary": "Accept"})
    items = sorted(({"href": minter().path_of(i), "label": pick_label(labels.get(i), i)} for i in iris),
                   key=lambda item: _natural(item["href"]))
    shown = _facet_view(store, base, selection) if selection is not None else None
    return render_template("list.html", kind=kind, items=items, total=total, page=page, pages=pages, facets=shown,
                           query=_query_with(page=None))


def _query_with(**changes) -> str:
    """This request's query string with some parameters changed (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = value if isinstance(value, list) else [value]
    return urlencode([(k, v) for k, values in args.items() for v in values])


def _facet_view(store, base: str, selection) -> list[dict]:
    """Each facet with its values, their counts among the selected modules, and the links that toggle them."""
    view = []
    for facet in facets.FACETS:
        chosen = list(selection.values.get(facet.name, ()))
        values = []
        for row in store.query(facets.facet_query(base, selection, facet)):
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


@bp.route("/<path:path>")
def resource(path: str):
    if path.endswith("/") and path.count("/") == 1:
        return members(path[:-1])
    d, suffix_format = describe(str(minter().iri(path))), None
    if not d.exists:  # not a resource itself: perhaps a resource plus a format suffix (.ttl, .jsonld, ...)
        suffix = "." + path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
        if suffix in BY_SUFFIX:
            path, suffix_format = path[: -len(suffix)], BY_SUFFIX[suffix]
            d = describe(str(minter().iri(path)))
    if not d.exists:
        raise UnknownResource(f"no resource /{path} in this dataset")
    fmt = _negotiate(suffix_format)
    headers = _headers("/" + path, fmt, suffix_format is None)
    if fmt != "html":
        return Response(_rdf(d.triples, fmt), content_type=_content_type(fmt), headers=headers)
    page = _view(d, "/" + path)
    return Response(render_template("resource.html", page=page), content_type="text/html; charset=utf-8", headers=headers)


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

    special = {SCHEMA + "step", QK + "assessment", QK + "pitfall", QK + "implementationItem", QK + "userComment"}
    long_text, links, facts = [], [], []
    for prop, objects in sorted(d.out.items(), key=lambda item: _rank(item[0])):
        if prop in special:
            continue
        row = {"prop": prop, "label": label(prop), "objects": [value(o) for o in objects]}
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
    return {
        "iri": iri,
        "title": title,
        "label_de": labels.get("de"),
        "label_en": labels.get("en"),
        "types": [value(t) for t in d.out.get(RDF_TYPE, [])],
        "long_text": long_text,
        "links": [r for r in links if r["prop"] != RDF_TYPE],
        "facts": facts,
        "steps": texts(SCHEMA + "step"),
        "pitfalls": texts(QK + "pitfall"),
        "list_items": texts(QK + "implementationItem"),
        "comments": texts(QK + "userComment"),
        "assessments": assessments,
        "incoming": [{"subject": value({"type": "iri", "value": s}), "prop": label(p)} for s, p in d.incoming if not s.startswith(iri + "/")],
        "sparql": url_for("sparql.endpoint") + "?query=" + quote(describe_query),
        "alternates": [(fmt, media, path + suffix) for fmt, (media, suffix) in REPRESENTATIONS.items()],
        "jsonld": _jsonld(_schema_org(d, title, label)),
    }


# the order of a module page: text sections first as the page has them, then links, then the rest
PAGE_ORDER = [QK + name for name in (
    "objective", "implementation", "stepsText", "evaluation", "caseExamplesText", "contacts", "advice", "pageText",
    "networkType", "idealNetworkSize", "userRole", "targetGroup", "fieldOfAction", "caseExample", "fundingSource",
    "project", "relatedModule", "literature", "link", "extraSection", "moduleNumber", "incomplete",
)]


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
