"""Bound a SPARQL query before the engine sees it: read-only, no SERVICE, limited nesting and size.

pyoxigraph would follow a SERVICE clause with an outbound HTTP request from the server, and it
crashes the whole process (no exception) on a query nested a few thousand groups deep; both are
refused here, on the query's tokens, so that words inside strings, IRIs and comments do not count.
"""

from __future__ import annotations

import re

from .errors import QueryRejected

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


def check_query(query: str, max_nesting: int, max_bytes: int) -> bool:
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
        raise QueryRejected(f"query is longer than {max_bytes} bytes", parameter="query", status=413)
    depth = deepest = 0
    has_from = False
    for m in _TOKEN.finditer(query):
        if m.lastgroup == "word":
            word = m.group("word").upper()
            has_from = has_from or word == "FROM"
            if word == "SERVICE":
                raise QueryRejected("SERVICE is not allowed on this endpoint: it would make the server fetch from other sites", "query")
            if word in _UPDATE_WORDS:
                raise QueryRejected(f"this endpoint is read-only: {word} (SPARQL Update) is not accepted", "query", status=400)
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
