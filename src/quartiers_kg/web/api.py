"""Named queries as a Web API: list them, run one with typed parameters, describe them in OpenAPI 3."""

from __future__ import annotations

import json
import re

from flask import Blueprint, jsonify, request, url_for

from ..errors import QuartiersError, QueryRejected, UnknownResource
from ..formats import SOLUTIONS, of_kind
from ..queries import Parameter, typed_value
from .answers import HINTS, respond
from .context import absolute, answer, queries

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


@bp.route("/queries/<name>")
def run(name: str):
    q = queries().get(name)
    if q is None:
        raise UnknownResource(f"no named query '{name}'; see /api/queries")
    known = {p.name for p in q.parameters}
    unknown = sorted(set(request.args) - known - RESERVED)
    if unknown:
        raise QueryRejected(f"unknown parameter '{unknown[0]}' for query '{name}'; it takes: {', '.join(sorted(known)) or 'none'}", unknown[0])
    substitutions = {}
    for p in q.parameters:
        values = request.args.getlist(p.name)
        if len(values) > 1:
            raise QueryRejected(f"parameter '{p.name}' given more than once", p.name)
        if values:
            substitutions[p.name] = typed_value(p, values[0])
    ans = answer(q.text, substitutions=substitutions)
    return respond(ans, request.args.to_dict(flat=False), q.text)


RELATION_KINDS = ("reference-outgoing", "reference-incoming", "funding", "project", "town", "network-type",
                  "literature", "target-group", "field-of-action")


@bp.route("/relations")
def relations():
    """Weighted relations between modules (the named query module-relations), filtered by module, kind
    and minimum weight; JSON (SPARQL results) or CSV like every named query."""
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
    text = _filtered(queries()["module-relations"].text, kinds, int(minimum.value))
    substitutions = {}
    if "module" in request.args:
        substitutions["number"] = typed_value(Parameter("module", "integer", "116", ""), request.args["module"])
    ans = answer(text, substitutions=substitutions)
    return respond(ans, request.args.to_dict(flat=False), text)


def _filtered(text: str, kinds: list[str], minimum: int) -> str:
    """The relations query with the kind and weight filters inside it, so that the row cap counts what is sent.

    The kinds are checked against RELATION_KINDS and the weight is an integer: nothing else enters the text.
    """
    kind_filter = f"FILTER (?kind IN ({', '.join(json.dumps(k) for k in kinds)}))\n" if kinds else ""
    filtered, found = _GROUPING.subn(lambda m: f"{kind_filter}}} {m.group(1)} HAVING (COUNT(DISTINCT ?x) >= {minimum}) {m.group(2)}", text)
    if not found:
        raise QuartiersError("the named query module-relations no longer ends in 'GROUP BY … ORDER BY …'")
    return filtered


@bp.route("/openapi.json")
def openapi():
    """An OpenAPI 3.0 document with one operation per named query."""
    paths = {
        "/api/queries": {"get": {"summary": "List the named queries", "operationId": "listQueries",
                                 "responses": {"200": {"description": "The named queries", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }
    schema_of = {"integer": {"type": "integer"}, "year": {"type": "string", "pattern": "^[0-9]{4}$"},
                 "iri": {"type": "string", "format": "uri"}, "string": {"type": "string"}, "langstring": {"type": "string"}}
    media = [f.media_type for f in of_kind(SOLUTIONS)]
    for q in queries().values():
        params = [{"name": p.name, "in": "query", "required": False, "description": p.description or p.name,
                   "schema": schema_of[p.type], "example": int(p.example) if p.type == "integer" else p.example} for p in q.parameters]
        params.append({"name": "format", "in": "query", "required": False, "description": "result format, instead of the Accept header",
                       "schema": {"type": "string", "enum": [f.name for f in of_kind(SOLUTIONS)]}})
        paths[f"/api/queries/{q.name}"] = {"get": {
            "summary": q.title, "description": q.description, "operationId": q.name.replace("-", "_"),
            "parameters": params,
            "responses": {
                "200": {"description": "The answer", "content": {m: {"schema": {"type": "string"}} for m in media}},
                "400": {"description": "A parameter value of the wrong type"},
                "406": {"description": "No result format fits the Accept header"},
            },
        }}
    paths["/api/relations"] = {"get": {
        "summary": "Weighted relations between modules", "operationId": "relations",
        "description": "Explicit references and shared funding, projects, towns, network types, literature, target groups and fields of action.",
        "parameters": [
            {"name": "module", "in": "query", "required": False, "schema": {"type": "integer"}, "example": 116,
             "description": "only the relations of this module"},
            {"name": "kind", "in": "query", "required": False, "description": "kinds of relation, comma-separated",
             "schema": {"type": "string", "enum": list(RELATION_KINDS)}},
            {"name": "min_weight", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
             "description": "at least this many shared things"},
        ],
        "responses": {"200": {"description": "The relations", "content": {m: {"schema": {"type": "string"}} for m in media}},
                      "400": {"description": "A parameter value of the wrong type"}},
    }}
    return jsonify({
        "openapi": "3.0.3",
        "info": {"title": "quartiers-kg named queries", "version": "0.1.0",
                 "description": "Named SPARQL queries over the Modulbaukasten knowledge graph."},
        "servers": [{"url": absolute("")}],
        "paths": paths,
    })
