"""Named queries as a Web API: list them, run one with typed parameters, describe them in OpenAPI 3."""

from __future__ import annotations

import json
import re
import urllib.parse

from flask import Blueprint, jsonify, render_template, request, url_for

from ..errors import QuartiersError, QueryRejected, UnknownResource
from ..formats import BY_NAME, HTML, SOLUTIONS, of_kind
from ..queries import Parameter, projected, typed_value
from ..relations import read as read_relations
from ..store import Answer
from .answers import negotiate, respond, table
from .assets import installed
from . import geojson
from .context import INTERNAL_ROWS, absolute, answer, get_store, per_version, queries, settings
from .protocol import HINTS, form_pairs, substitutions_of

bp = Blueprint("api", __name__, url_prefix="/api")
RESERVED = set(HINTS)
_GROUPING = re.compile(r"\}\s*(GROUP BY [^\n]*?)\s+(ORDER BY [^\n]*)\s*$")


def _describe(q) -> dict:
    return {
        "name": q.name,
        "title": q.title,
        "description": q.description,
        "url": absolute(url_for("api.run", name=q.name)),
        "parameters": [{"name": p.name, "type": p.type, "example": p.example, "description": p.description} for p in q.parameters],
        "sparql": q.text,
    }


@bp.route("/queries")
def index():
    return jsonify(queries=[_describe(q) for q in queries().values()])


@bp.route("")
def docs():
    """The API documentation: Swagger UI over our OpenAPI document where it is installed, else the list."""
    return render_template("api.html", queries=queries(), swagger=installed("swagger-ui-bundle.js"))


@bp.route("/queries/<name>")
def run(name: str):
    """Run a named query (protocol.substitutions_of reads its parameters).

    Browsers get the query's page: a field per parameter, the result table and the downloads. The lean path
    (lean.py) answers the rest but GeoJSON and HEAD.
    """
    q = queries().get(name)
    if q is None:
        raise UnknownResource(f"keine benannte Abfrage '{name}'; siehe /api")
    params = form_pairs(request.query_string, "URL query string")
    substitutions = substitutions_of(q, params)
    if geojson.wanted(params, request.headers.get("Accept")):  # where a query's rows carry a WKT point
        found = answer(q.text, substitutions=substitutions)
        return geojson.response(geojson.collection(found.variables, found.rows))
    if negotiate(of_kind(SOLUTIONS) + [HTML], of_kind(SOLUTIONS)[0], params) is HTML:
        return _page(q, substitutions)
    return respond(answer(q.text, substitutions=substitutions), params, q.text)


def _page(q, substitutions: dict) -> str:
    """A named query's page. It runs the query when asked (the form sent) or when there is nothing to ask."""
    asked = not q.parameters or any(p.name in request.args for p in q.parameters)
    ans = answer(q.text, substitutions=substitutions) if asked else None
    given = {p.name: request.args.get(p.name, "") for p in q.parameters}
    query_string = urllib.parse.urlencode({k: v for k, v in given.items() if v})
    downloads = [(f.label, "?" + (query_string + "&" if query_string else "") + "format=" + f.name) for f in of_kind(SOLUTIONS)]
    return render_template("named_query.html", q=q, given=given, choices={p: _choices(q, p) for p in q.choices},
                           answer=ans, view=table(ans) if ans else None, downloads=downloads)


def _choices(q, parameter: str) -> list[tuple[str, str]]:
    """(value, label) pairs a parameter may take, from its choices query (once per dataset version)."""
    def read() -> list[tuple[str, str]]:
        ans = answer(q.choices[parameter], max_rows=INTERNAL_ROWS)
        names = [v.value for v in ans.variables]
        pairs = []
        for row in ans.rows:
            cells = dict(zip(names, row))
            value, label = cells.get("value"), cells.get("label")
            if value is not None:
                pairs.append((value.value, f"{value.value} – {label.value}" if label is not None else value.value))
        return pairs

    return per_version(f"choices-{q.name}-{parameter}", read)


RELATION_KINDS = ("reference-outgoing", "reference-incoming", "funding", "project", "town", "network-type",
                  "literature", "target-group", "field-of-action")


@bp.route("/relations")
def relations():
    """Weighted relations between modules, filtered by module, kind and minimum weight; JSON (SPARQL results)
    or CSV like every named query. One module's relations are the named query module-relations; all modules'
    are what the build computed (each module's strongest partners and every reference: relations.py)."""
    unknown = sorted(set(request.args) - {"module", "kind", "min_weight"} - RESERVED)
    if unknown:
        raise QueryRejected(f"unknown parameter '{unknown[0]}'; /api/relations takes module, kind and min_weight", unknown[0])
    kinds = [k for value in request.args.getlist("kind") for k in value.split(",") if k]
    wrong = [k for k in kinds if k not in RELATION_KINDS]
    if wrong:
        raise QueryRejected(f"parameter 'kind' must be one of {', '.join(RELATION_KINDS)}, found {wrong[0][:40]!r}", "kind")
    minimum = typed_value(Parameter("min_weight", "integer", "1", ""), request.args.get("min_weight", "1"))
    if int(minimum.value) < 1:
        raise QueryRejected("parameter 'min_weight' must be at least 1", "min_weight")
    params = request.args.to_dict(flat=False)
    built = None if "module" in request.args else built_relations()
    if built is not None:  # every module: the rows the build computed
        variables, rows = built
        chosen = [r for r in rows if (not kinds or r[3].value in kinds) and int(r[4].value) >= int(minimum.value)]
        cap = settings().max_rows
        return respond(Answer.of_rows(variables, chosen[:cap], len(chosen) > cap), params, "")
    text = _filtered(queries()["module-relations"].text, kinds, int(minimum.value))
    substitutions = {}
    if "module" in request.args:
        substitutions["number"] = typed_value(Parameter("module", "integer", "116", ""), request.args["module"])
    return respond(answer(text, substitutions=substitutions), params, text)


def built_relations():
    """(variables, rows) of the relations the build computed, read once per version; None over a remote store."""
    store = get_store()
    return per_version("relations", lambda: read_relations(store.path)) if store.path is not None else None


def _filtered(text: str, kinds: list[str], minimum: int) -> str:
    """The relations query with the kind and weight filters inside it, so that the row cap counts what is sent.

    The kinds are checked against RELATION_KINDS and the weight is an integer: nothing else enters the text.
    """
    kind_filter = f"FILTER (?kind IN ({', '.join(json.dumps(k) for k in kinds)}))\n" if kinds else ""
    filtered, found = _GROUPING.subn(lambda m: f"{kind_filter}}} {m.group(1)} HAVING (COUNT(DISTINCT ?x) >= {minimum}) {m.group(2)}", text)
    if not found:
        raise QuartiersError("the named query module-relations no longer ends in 'GROUP BY … ORDER BY …'")
    return filtered


TERM_SCHEMA = {"type": "object", "required": ["type", "value"], "properties": {
    "type": {"type": "string", "enum": ["uri", "literal", "bnode", "triple"]}, "value": {"type": "string"},
    "xml:lang": {"type": "string"}, "datatype": {"type": "string", "format": "uri"}}}


def _answer_content(variables: list[str]) -> dict:
    """The response content of a SELECT: each solutions format, SPARQL JSON described with its variables."""
    json_schema = {"type": "object", "properties": {
        "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string", "enum": variables}}}},
        "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {
            "type": "object", "properties": {v: {"$ref": "#/components/schemas/RDFTerm"} for v in variables}}}}}}}
    content = {f.media_type: {"schema": {"type": "string"}} for f in of_kind(SOLUTIONS)}
    content[BY_NAME["json"].media_type] = {"schema": json_schema}
    return content


@bp.route("/openapi.json")
def openapi():
    """An OpenAPI 3.0 document with one operation per named query."""
    paths = {
        "/api/queries": {"get": {"summary": "Die benannten Abfragen", "operationId": "listQueries",
                                 "responses": {"200": {"description": "Die benannten Abfragen mit Parametern und SPARQL",
                                                       "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }
    schema_of = {"integer": {"type": "integer"}, "year": {"type": "string", "pattern": "^[0-9]{4}$"},
                 "iri": {"type": "string", "format": "uri"}, "string": {"type": "string"}, "langstring": {"type": "string"}}
    format_param = {"name": "format", "in": "query", "required": False,
                    "description": "Ergebnisformat statt des Accept-Headers",
                    "schema": {"type": "string", "enum": [f.name for f in of_kind(SOLUTIONS)]}}
    errors = {"400": {"description": "Ein Parameterwert vom falschen Typ oder ein unbekannter Parameter"},
              "406": {"description": "Kein Ergebnisformat passt zum Accept-Header"},
              "503": {"description": "Die Abfrage überschritt ihr Zeit- oder Speicherbudget"}}
    for q in queries().values():
        params = [{"name": p.name, "in": "query", "required": False, "description": p.description or p.name,
                   "schema": schema_of[p.type], "example": int(p.example) if p.type == "integer" else p.example} for p in q.parameters]
        paths[f"/api/queries/{q.name}"] = {"get": {
            "summary": q.title, "description": q.description + (f"\n\n*{q.title_en}*: {q.description_en}" if q.title_en else ""),
            "operationId": q.name.replace("-", "_"), "parameters": params + [format_param],
            "responses": {"200": {"description": "Das Ergebnis", "content": _answer_content(projected(q.text))}, **errors},
        }}
    paths["/api/relations"] = {"get": {
        "summary": "Beziehungen zwischen Modulen", "operationId": "relations",
        "description": "Verweise und geteilte Finanzierung, Projekte, Orte, Netzwerktypen, Literatur, Zielgruppen und "
                       "Handlungsfelder, mit Gewicht (wie viel beide teilen).",
        "parameters": [
            {"name": "module", "in": "query", "required": False, "schema": {"type": "integer"}, "example": 116,
             "description": "nur die Beziehungen dieses Moduls"},
            {"name": "kind", "in": "query", "required": False, "description": "Arten der Beziehung, durch Kommas getrennt",
             "schema": {"type": "string", "enum": list(RELATION_KINDS)}},
            {"name": "min_weight", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
             "description": "mindestens so viel Geteiltes"},
            format_param,
        ],
        "responses": {"200": {"description": "Die Beziehungen",
                              "content": _answer_content(projected(queries()["module-relations"].text))}, **errors},
    }}
    paths["/api/search"] = {"get": {
        "summary": "Volltextsuche", "operationId": "fullTextSearch",
        "description": "Die Module, deren Texte alle Wörter enthalten (deutsche Analyse: Stammformen, Umlaute und ß "
                       "gefaltet), die besten zuerst, mit den passenden Stellen (HTML, die Wörter in <mark>).",
        "parameters": [
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200},
             "example": "Nachbarschaft", "description": "Suchwörter"},
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}, "description": "Seite (20 Module je Seite)"},
            {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "csv"]},
             "description": "Format statt des Accept-Headers"},
        ],
        "responses": {"200": {"description": "Die Treffer", "content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "query": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"}, "pageSize": {"type": "integer"},
                "results": {"type": "array", "items": {"type": "object", "properties": {
                    "number": {"type": "integer"}, "module": {"type": "string", "format": "uri"}, "title": {"type": "string"},
                    "score": {"type": "number"}, "passages": {"type": "array", "items": {"type": "object", "properties": {
                        "section": {"type": "string"}, "html": {"type": "string"}}}}}}}}}},
            "text/csv": {"schema": {"type": "string"}}}}, "400": errors["400"],
            "404": {"description": "Auf diesem Server gibt es keinen Suchindex"}},
    }}
    return jsonify({
        "openapi": "3.0.3",
        "info": {"title": "quartiers-kg: benannte Abfragen", "version": "0.1.0",
                 "description": "Benannte SPARQL-Abfragen über den Wissensgraphen des Modulbaukastens."},
        "servers": [{"url": absolute("")}],
        "paths": paths,
        "components": {"schemas": {"RDFTerm": TERM_SCHEMA}},
    })
