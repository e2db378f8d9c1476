"""Named queries: queries/*.rq with a comment header that declares title, description and parameters.

Header lines start with '#+', e.g.

    #+ title: Module nach Finanzierung
    #+ title-en: Modules by funding source
    #+ description: Welche Module welche Finanzierungsquelle nennen.
    #+ param: funding string Kommune -- Bezeichnung der Finanzierungsquelle
    #+ choices: funding SELECT DISTINCT ?value ?label WHERE { … }

Title and description are German (the pages' language), with optional English ones. A `choices` query gives
the values a parameter may take (?value, and ?label to show), for the query's page in the browser.

A parameter is bound to a typed RDF term for the variable of the same name, the same way on every store
(store.answers.bind: a VALUES block), never by pasting the value into the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QueryRejected

PARAM_TYPES = ("string", "integer", "iri", "year", "langstring")
_HEADER = re.compile(r"^#\+\s*([\w-]+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)\s+(?P<example>\S+)(?:\s+--\s+(?P<doc>.*))?$")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    example: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    title_en: str = ""
    description_en: str = ""
    choices: dict[str, str] = field(default_factory=dict)  # parameter -> query giving ?value and ?label


def read_query(path: Path) -> NamedQuery:
    meta: dict[str, str] = {}
    params, choices = [], {}
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "param":
            p = _PARAM.match(value)
            if not p or p.group("type") not in PARAM_TYPES:
                raise QueryRejected(f"{path}:{number}: expected '#+ param: <name> <{'|'.join(PARAM_TYPES)}> <example> -- <text>'")
            params.append(Parameter(p.group("name"), p.group("type"), p.group("example"), p.group("doc") or ""))
        elif key == "choices":
            name, _, query = value.partition(" ")
            if name not in {p.name for p in params} or not query.strip():
                raise QueryRejected(f"{path}:{number}: expected '#+ choices: <a parameter declared above> <SELECT ?value ?label …>'")
            choices[name] = query.strip()
        else:
            meta[key] = value
    for key in ("title", "description"):
        if not meta.get(key):
            raise QueryRejected(f"{path}: the header lacks '#+ {key}: ...'")
    return NamedQuery(path.stem, meta["title"], meta["description"], tuple(params), text,
                      meta.get("title-en", ""), meta.get("description-en", ""), choices)


def projected(text: str) -> list[str]:
    """The variables a SELECT query returns, in order (for the JSON schema of its answer).

    >>> projected("SELECT ?a (COUNT(?m) AS ?n) ?b WHERE { ?m ?a ?b } GROUP BY ?a ?b")
    ['a', 'n', 'b']
    """
    head = re.search(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*(?:WHERE\b|\{)", _without_comments(text), re.S | re.I)
    if head is None:
        return []
    projection = head.group(1)
    while "(" in projection:  # an expression (…) AS ?v counts as ?v; innermost first
        projection = re.sub(r"\([^()]*\)", lambda m: " ".join(re.findall(r"\bAS\s+(\?\w+)", m.group(0), re.I)), projection)
    return re.findall(r"\?(\w+)", projection)


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def load_queries(directory: Path) -> dict[str, NamedQuery]:
    return {q.name: q for q in map(read_query, sorted(Path(directory).glob("*.rq")))}


XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Term:
    """An RDF term to substitute for a variable: an IRI, or a literal with datatype or language."""

    value: str
    iri: bool = False
    datatype: str | None = None
    language: str | None = None


def typed_value(param: Parameter, raw: str) -> Term:
    """The RDF term for a parameter value; an ill-typed value is a QueryRejected naming the parameter.

    >>> typed_value(Parameter("n", "integer", "1", ""), "0116")
    Term(value='116', iri=False, datatype='http://www.w3.org/2001/XMLSchema#integer', language=None)
    """
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", raw):
            raise QueryRejected(f"parameter '{param.name}' must be an integer, found {raw[:50]!r}", param.name)
        return Term(str(int(raw)), datatype=XSD + "integer")
    if param.type == "year":
        if not re.fullmatch(r"\d{4}", raw):
            raise QueryRejected(f"parameter '{param.name}' must be a four-digit year, found {raw[:50]!r}", param.name)
        return Term(raw, datatype=XSD + "gYear")
    if param.type == "iri":
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", raw):
            raise QueryRejected(f"parameter '{param.name}' must be an http(s) IRI, found {raw[:50]!r}", param.name)
        return Term(raw, iri=True)
    if param.type == "langstring":
        return Term(raw, language="de")
    return Term(raw, datatype=XSD + "string")
