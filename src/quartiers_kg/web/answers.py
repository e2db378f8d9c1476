"""Write an answer in the format the client asked for: one writer for the endpoint, the API and the lists."""

from __future__ import annotations

from flask import Response, render_template, request

from ..formats import GRAPH, HTML, SOLUTIONS, Format, of_kind, write_graph
from ..rdf.namespaces import PREFIXES
from ..store import plain
from .assets import installed
from .context import queries, settings
from .protocol import answer_body, answer_format, answer_headers, pick_format


def negotiate(offered: list[Format], default: Format | None = None, params: dict | None = None) -> Format:
    """The format of `offered` a format hint in `params` names, else the one Accept prefers (or 406)."""
    return pick_format(offered, default, params, request.headers.get("Accept"))


def respond(ans, params: dict, query: str) -> Response:
    """Serialise an answer (format hint, else Accept); signal a cut in headers."""
    fmt = answer_format(ans.kind, params, request.headers.get("Accept"))
    body = query_page(query=query, answer=ans, view=table(ans)) if fmt is HTML else answer_body(ans, fmt)
    return Response(body, headers=answer_headers(ans, fmt, settings().max_rows))


def rdf_response(triples, fmt: Format, headers: dict | None = None) -> Response:
    """Triples in an RDF format, with our prefixes where the format has them."""
    return Response(write_graph(triples, fmt, PREFIXES), content_type=fmt.content_type, headers=headers)


DEFAULT_QUERY = """PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?modul ?nummer ?titel WHERE {
  ?modul a qk:Module ; qk:moduleNumber ?nummer .
  OPTIONAL { ?modul rdfs:label ?titel }
} ORDER BY ?nummer"""


def query_page(**context) -> str:
    """The query page: YASGUI where it is installed and JavaScript runs; the plain form (and the table of an
    answer) for everyone else."""
    named = queries()
    examples = {name: {"title": q.title, "sparql": q.text} for name, q in named.items()}
    choices = [(HTML.name, "Tabelle")] + [(f.name, f.label) for f in of_kind(SOLUTIONS)] + \
              [(f.name, f"{f.label} (CONSTRUCT, DESCRIBE)") for f in of_kind(GRAPH) if f.suffix]
    return render_template("sparql.html", queries=named, examples=examples, prefixes=PREFIXES, base=settings().base_iri,
                           default_query=DEFAULT_QUERY, result_choices=choices, yasgui=installed("yasgui.min.js"), **context)


def table(ans) -> dict:
    """Rows of plain terms for the HTML view of an answer."""
    if ans.kind == "solutions":
        return {"head": [v.value for v in ans.variables], "rows": [[plain(t) if t is not None else None for t in row] for row in ans.rows]}
    if ans.kind == "graph":
        return {"head": ["subject", "predicate", "object"], "rows": [[plain(t.subject), plain(t.predicate), plain(t.object)] for t in ans.triples]}
    return {"head": ["boolean"], "rows": [[{"type": "literal", "value": str(bool(ans.boolean)).lower()}]]}
