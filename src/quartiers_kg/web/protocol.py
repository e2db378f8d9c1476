"""The SPARQL protocol without a framework: what a request asks, the format and headers of its answer, an error's
body. The lean ASGI path (lean.py) and the Flask routes both read requests and write answers with these, so the
two paths cannot drift apart."""

from __future__ import annotations

import json
import logging
import urllib.parse
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from werkzeug.http import http_date, parse_options_header

from .. import metrics
from ..config import Settings
from ..errors import NotAcceptable, QueryOutOfMemory, QueryRejected, QueryTimeout, QuartiersError, UnsupportedMediaType
from ..formats import GRAPH, HTML, PAGE, SOLUTIONS, Format, from_hint, media_types, of_kind
from ..guard import check_query
from ..queries import NamedQuery, typed_value
from ..rdf.namespaces import PREFIXES
from ..store import Answer, BuildInfo
from .negotiation import choose

log = logging.getLogger(__name__)
FORM_TYPE = "application/x-www-form-urlencoded"
HINTS = ("format", "output", "results")  # the parameters SPARQLWrapper and others name a format by
ERROR_FORMS = ["text/plain", "text/html", "application/json"]
TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 406: "Not acceptable", 413: "Request too large",
          414: "URI too long", 415: "Unsupported media type", 500: "Internal server error", 503: "Service unavailable"}
FAILED = "the server failed; the fault is logged"


def form_pairs(raw: bytes, where: str) -> dict[str, list[str]]:
    """Decode application/x-www-form-urlencoded strictly: invalid UTF-8 is the client's error, not a guess."""
    try:
        pairs = urllib.parse.parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeError as err:
        raise QueryRejected(f"the {where} is not percent-encoded UTF-8") from err
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


@dataclass
class Asked:
    """What a request to the SPARQL endpoint asks, per SPARQL 1.1 Protocol §2.1."""

    queries: list[str]
    default_graphs: list[str]
    named_graphs: list[str]
    params: dict[str, list[str]] = field(default_factory=dict)


def read_request(method: str, query_string: bytes, content_type: str | None, body: bytes) -> Asked:
    """The queries, graphs and all parameters of a request (GET or POST; a POST by its Content-Type)."""
    params = form_pairs(query_string, "URL query string")
    queries = list(params.get("query", []))
    if method == "POST":
        mimetype, options = parse_options_header(content_type or "")
        charset = options.get("charset", "utf-8").lower()
        if mimetype in (FORM_TYPE, "application/sparql-query", "application/sparql-update") and charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"unsupported charset {charset!r}: send UTF-8")
        if mimetype == FORM_TYPE:
            form = form_pairs(body, "form body")
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            queries += form.get("query", [])
        elif mimetype == "application/sparql-query":
            if queries:
                raise QueryRejected("a query in the body and in the URL: send one", "query")
            try:
                queries = [body.decode("utf-8")]
            except UnicodeDecodeError as err:
                raise QueryRejected("the query body is not UTF-8", "query") from err
        elif mimetype == "application/sparql-update":
            raise QueryRejected("this endpoint is read-only: SPARQL Update is not accepted", "update")
        else:
            raise UnsupportedMediaType(
                f"unsupported Content-Type {mimetype or '(none)'!r}: use application/sparql-query or {FORM_TYPE}")
    if "update" in params:
        raise QueryRejected("this endpoint is read-only: SPARQL Update is not accepted", "update")
    return Asked(queries, params.get("default-graph-uri", []), params.get("named-graph-uri", []), params)


def address(cfg: Settings, path: str) -> str:
    """An absolute URL on this server, from the configured public address: the Host header only routes."""
    root = cfg.public_url or f"http://{cfg.host}:{cfg.port}/"
    return root.rstrip("/") + path


def query_of(asked: Asked) -> str:
    """The one query a request sends (:raises QueryRejected: for none or several)."""
    if len(asked.queries) > 1:
        raise QueryRejected("more than one 'query' parameter: send exactly one", "query")
    if not asked.queries:
        raise QueryRejected("missing 'query' parameter", "query")
    return asked.queries[0]


def dataset_of(asked: Asked, query: str, cfg: Settings, base_iri: str) -> dict:
    """The guard's verdict on the query, and the dataset it runs on: the keyword arguments of a store's query."""
    own_dataset = check_query(query, cfg.max_nesting, cfg.max_query_bytes, cfg.max_operators)
    dataset: dict = {"base_iri": base_iri, "own_dataset": own_dataset}
    if asked.default_graphs or asked.named_graphs:
        dataset |= {"default_graphs": _graph_iris(asked.default_graphs, "default-graph-uri"),
                    "named_graphs": _graph_iris(asked.named_graphs, "named-graph-uri")}
    return dataset


def _graph_iris(values: list[str], name: str) -> list[str]:
    for value in values:
        if not value or any(c in value for c in ' <>"{}|^`\\') or ":" not in value:
            raise QueryRejected(f"parameter '{name}' must be an absolute IRI, found {value[:100]!r}", name)
    return values


def substitutions_of(q: NamedQuery, params: dict[str, list[str]]) -> dict:
    """A named query's parameters as typed terms; an empty one is left unbound (as a form sends a field left blank).

    :raises QueryRejected: for an unknown parameter, one given twice, or a value of the wrong type.
    """
    known = {p.name for p in q.parameters}
    unknown = sorted(set(params) - known - set(HINTS))
    if unknown:
        raise QueryRejected(f"unknown parameter '{unknown[0]}' for query '{q.name}'; it takes: {', '.join(sorted(known)) or 'none'}",
                            unknown[0])
    substitutions = {}
    for p in q.parameters:
        values = params.get(p.name, [])
        if len(values) > 1:
            raise QueryRejected(f"parameter '{p.name}' given more than once", p.name)
        if values and values[0] != "":
            substitutions[p.name] = typed_value(p, values[0])
    return substitutions


def pick_format(offered: list[Format], default: Format | None, params: dict | None, accept: str | None) -> Format:
    """The format of `offered` a format hint in `params` names, else the one Accept prefers (or 406)."""
    kinds = {f.kind for f in offered} - {PAGE}
    for key in HINTS:
        for value in (params or {}).get(key, []):
            hinted = next((f for kind in kinds if (f := from_hint(value, kind)) in offered), None)
            if hinted:
                return hinted
    types = media_types(offered)
    return types[choose(accept, list(types), (default or offered[0]).media_type)]


def answer_format(kind: str, params: dict, accept: str | None) -> Format:
    """The format of an answer of `kind` ("graph", "solutions" or "boolean"), HTML (the query page) among them."""
    if any(key in params for key in HINTS):
        offered = of_kind(GRAPH if kind == "graph" else SOLUTIONS)
        return pick_format(offered + [HTML], offered[0], params, accept)
    return _by_accept(kind == "graph", accept)


@lru_cache(maxsize=512)
def _by_accept(graph: bool, accept: str | None) -> Format:
    """answer_format without hints, once per Accept header (a few clients send most requests)."""
    offered = of_kind(GRAPH if graph else SOLUTIONS)
    return pick_format(offered + [HTML], offered[0], None, accept)


@lru_cache(maxsize=512)
def wants_page(accept: str | None) -> bool:
    """Whether Accept would choose the HTML page for an answer of any kind, or for an error: then the pages answer.

    >>> wants_page("text/html,application/xhtml+xml,*/*;q=0.8"), wants_page("*/*"), wants_page(None)
    (True, False, False)
    """
    for offered in (media_types(of_kind(SOLUTIONS) + [HTML]), media_types(of_kind(GRAPH) + [HTML]), ERROR_FORMS):
        try:
            if choose(accept, list(offered)) == HTML.media_type:
                return True
        except NotAcceptable:
            continue
    return False


def answer_body(ans: Answer, fmt: Format) -> bytes:
    return ans.serialize(fmt, prefixes=PREFIXES)


def answer_headers(ans: Answer, fmt: Format, max_rows: int) -> dict[str, str]:
    """Content-Type, Vary, and the cut at the row cap."""
    headers = {"Content-Type": fmt.content_type, "Vary": "Accept"}
    if ans.truncated:
        headers |= {"X-Result-Truncated": "true", "X-Result-Limit": str(max_rows)}
    return headers


# No inline script anywhere (JSON data blocks are not run), no plug-ins, no framing, no base rewriting.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# CORS: every answer may be read by a script of any origin (the data is public and nothing needs a login); and the
# headers that keep a browser from sniffing, framing or leaking where a reader came from.
COMMON_HEADERS = {
    "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin", "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, HEAD, OPTIONS", "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "X-Result-Truncated, X-Result-Limit, Content-Location, Link, ETag, Last-Modified, Vary",
    "Access-Control-Max-Age": "86400",
}
MAX_AGE = 300


def validators(info: BuildInfo, content_type: str) -> tuple[str, str]:
    """(ETag value, Last-Modified) of a GET answer: fixed by the URL, the representation and the dataset version."""
    return _validators(info.version, info.built_at, content_type or "")


@lru_cache(maxsize=64)
def _validators(version: str, built_at: str, content_type: str) -> tuple[str, str]:
    return f"{version}-{zlib.crc32(content_type.encode()):08x}", http_date(datetime.fromisoformat(built_at))


def error_of(err: QuartiersError) -> tuple[int, str]:
    """The status and one-line message of one of our errors (a 400 keeps its whole message: the parser's); a query
    over its budget is counted, an unexpected error logged."""
    if isinstance(err, QueryTimeout):
        metrics.OVER_BUDGET.labels("memory" if isinstance(err, QueryOutOfMemory) else "time").inc()
    if err.status == 500:
        log.exception("unexpected error", exc_info=err)
        return 500, FAILED
    return err.status, str(err).splitlines()[0] if err.status != 400 else str(err)


def error_form(accept: str | None) -> str:
    """The media type of an error's body: HTML for browsers, JSON for JSON clients, else plain text."""
    try:
        return choose(accept, ERROR_FORMS, "text/plain")
    except NotAcceptable:
        return "text/plain"


def error_body(status: int, message: str, form: str) -> tuple[str, bytes]:
    """(Content-Type, body) of an error in plain text or JSON (HTML is the pages' template)."""
    title = TITLES.get(status, "Error")
    if form == "application/json":
        text = json.dumps({"error": title, "message": message, "status": status}, ensure_ascii=False, separators=(",", ":"))
        return "application/json", (text + "\n").encode()
    return "text/plain; charset=utf-8", f"{status} {title}: {message}\n".encode()


def retires(err: QuartiersError) -> bool:
    """Whether the worker must leave after answering: the engine still evaluates the query in this process."""
    return isinstance(err, QueryTimeout) and err.in_process
