"""Bound a SPARQL query before the engine sees it: read-only, no SERVICE, limited nesting and size.

pyoxigraph would follow a SERVICE clause with an outbound HTTP request from the server, and it
crashes the whole process (no exception) on a query nested a few thousand groups deep; both are
refused here, on the query's tokens, so that words inside strings, IRIs and comments do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from .errors import QueryRejected, RequestTooLarge

# strings (long forms first), IRIs, comments, variables, prefixed names, words, single characters
_TOKEN = re.compile(
    r"""(?P<skip>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
        |<[^<>"{}|^`\\\x00-\x20]*>
        |\#[^\n\r]*
        |[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+
        |[\w\u00b7.-]*:[\w\u00b7.:%\\-]*)
      |(?P<word>[A-Za-z_]+)
      |(?P<char>\S)""",
    re.VERBOSE,
)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
# what the engine's parser and optimiser recurse on when chained: operators and the clauses that nest a pattern
_OPERATOR_CHARS = set("|&+-*/=<>!")
_OPERATOR_WORDS = {"UNION", "BIND", "OPTIONAL", "MINUS", "FILTER"}


def check_query(query: str, max_nesting: int, max_bytes: int, max_operators: int = 10_000) -> bool:
    """Raise QueryRejected unless the query is a read-only query within the limits.

    Returns whether the query names its own dataset (FROM / FROM NAMED), which then replaces the
    endpoint's default dataset.

    >>> check_query("SELECT * { ?s ?p 'SERVICE' }", 64, 1000)
    False
    >>> check_query("SELECT * FROM <http://g> { ?s ?p ?o }", 64, 1000)
    True
    >>> check_query("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", 64, 1000)
    Traceback (most recent call last):
    ...
    quartiers_kg.errors.QueryRejected: SERVICE is not allowed on this endpoint: it would make the server fetch from other sites
    """
    if len(query.encode("utf-8")) > max_bytes:
        raise RequestTooLarge(f"query is longer than {max_bytes} bytes", parameter="query")
    depth = deepest = operators = 0
    has_from = False
    for m in _TOKEN.finditer(query):
        if m.lastgroup == "word" or (m.lastgroup == "char" and m.group() in _OPERATOR_CHARS):
            operators += m.lastgroup == "char" or m.group().upper() in _OPERATOR_WORDS
            if operators > max_operators:
                raise QueryRejected(f"query holds more than {max_operators} operators, UNION, BIND, OPTIONAL, MINUS and "
                                    "FILTER", "query")
        if m.lastgroup == "word":
            word = m.group("word").upper()
            has_from = has_from or word == "FROM"
            if word == "SERVICE":
                raise QueryRejected("SERVICE is not allowed on this endpoint: it would make the server fetch from other sites", "query")
            if word in _UPDATE_WORDS:
                raise QueryRejected(f"this endpoint is read-only: {word} (SPARQL Update) is not accepted", "query")
        elif m.group().lower().startswith(("<bif:", "<sql:")):
            raise QueryRejected(f"{m.group()} is not allowed: engine built-in functions are not part of SPARQL", "query")
        elif m.lastgroup == "char":
            c = m.group("char")
            if c in "{(":
                depth += 1
                deepest = max(deepest, depth)
                if deepest > max_nesting:
                    raise QueryRejected(f"query is nested deeper than {max_nesting} levels of braces and parentheses", "query")
            elif c in "})":
                depth -= 1
    return has_from


@dataclass(frozen=True)
class Shape:
    """Where the parts of a query are, for a store that must rewrite it before an engine sees it.

    `dataset` holds the IRIs of FROM and FROM NAMED (resolved), `dataset_spans` their places in the
    text; `pattern_at` is the offset just inside the brace that opens the query pattern.
    """

    form: str
    form_at: int
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    dataset_spans: tuple[tuple[int, int], ...] = ()
    pattern_at: int | None = None


def read_shape(query: str, base_iri: str | None = None) -> Shape:
    """Find the query form, the dataset clauses and the query pattern's opening brace.

    >>> s = read_shape("PREFIX g: <http://g/> SELECT * FROM g:a FROM NAMED <b> WHERE { ?s ?p ?o }", "http://x/")
    >>> s.form, s.from_graphs, s.from_named, s.pattern_at
    ('SELECT', ('http://g/a',), ('http://x/b',), 62)
    >>> read_shape("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").pattern_at
    30
    """
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    form, form_at, depth, after_where = "", -1, 0, False
    froms: dict[bool, list[str]] = {False: [], True: []}
    spans: list[tuple[int, int]] = []
    pattern_at = None
    tokens = list(_tokens(query))
    for i, (kind, text, start, end) in enumerate(tokens):
        upper = text.upper()
        if kind == "word" and depth == 0:
            if upper == "BASE" and i + 1 < len(tokens):
                base = urljoin(base, tokens[i + 1][1][1:-1])
            elif upper == "PREFIX" and i + 2 < len(tokens):
                prefixes[tokens[i + 1][1].rstrip(":")] = urljoin(base, tokens[i + 2][1][1:-1])
            elif upper in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK") and not form:
                form, form_at = upper, start
            elif upper == "WHERE" and form:
                after_where = True
            elif upper == "FROM" and form:
                named = i + 1 < len(tokens) and tokens[i + 1][1].upper() == "NAMED"
                at = i + 2 if named else i + 1
                if at < len(tokens):
                    froms[named].append(_resolve(tokens[at][1], prefixes, base))
                    spans.append((start, tokens[at][3]))
        elif kind == "char":
            if text == "{":
                if depth == 0 and pattern_at is None and form and (after_where or form != "CONSTRUCT"):
                    pattern_at = end
                depth += 1
            elif text == "}":
                depth -= 1
    return Shape(form, form_at, tuple(froms[False]), tuple(froms[True]), tuple(spans), pattern_at)


def _tokens(query: str):
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind == "skip" and m.group().startswith("#"):
            continue
        yield kind, m.group(), m.start(), m.end()


def _resolve(token: str, prefixes: dict[str, str], base: str) -> str:
    if token.startswith("<"):
        return urljoin(base, token[1:-1])
    prefix, _, local = token.partition(":")
    return prefixes.get(prefix, prefix + ":") + local
