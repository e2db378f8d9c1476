"""Every response format in one table, built on pyoxigraph's own format objects.

Negotiation, the URL suffixes of resources, the Service Description, the OpenAPI document, the dumps
and the CLI's --format all read this table: adding a format is one row.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

GRAPH, SOLUTIONS, PAGE = "graph", "solutions", "page"


@dataclass(frozen=True)
class Format:
    """One format: our short name, what it can carry, and how clients name it.

    `accepts`: further media types a client may ask for it by (first the format's own);
    `hints`: values of the format/output/results parameters that SPARQLWrapper and others send;
    `suffix`: the URL suffix of a resource in this format (linked-data pages); `dump`: a dump file.
    """

    name: str
    kind: str
    ox: ox.RdfFormat | ox.QueryResultsFormat | None = None
    accepts: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    suffix: str | None = None
    dump: str | None = None
    file_type: str | None = None  # the EU file-type vocabulary's name (DCAT-AP distributions)
    label: str = ""  # the name people know it by, for pages and download links

    @property
    def media_type(self) -> str:
        return self.ox.media_type.split(";")[0] if self.ox else "text/html"

    @property
    def content_type(self) -> str:
        """The Content-Type header: text and JSON say their charset."""
        media = self.media_type
        return media + "; charset=utf-8" if media.startswith("text/") or media.endswith("json") else media

    @property
    def iri(self) -> str | None:
        """The W3C format IRI (http://www.w3.org/ns/formats/…), for the Service Description."""
        return self.ox.iri if self.ox else None

    @property
    def prefixed(self) -> bool:
        """Whether the writer uses prefixes."""
        return self.ox in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


FORMATS: tuple[Format, ...] = (
    # the first of each kind is what a client without preference gets
    Format("json", SOLUTIONS, ox.QueryResultsFormat.JSON, ("application/json",), ("json", "srj"), label="SPARQL-JSON"),
    Format("xml", SOLUTIONS, ox.QueryResultsFormat.XML, ("application/xml", "text/xml"), ("xml", "srx"), label="SPARQL-XML"),
    Format("csv", SOLUTIONS, ox.QueryResultsFormat.CSV, (), ("csv",), label="CSV"),
    Format("tsv", SOLUTIONS, ox.QueryResultsFormat.TSV, (), ("tsv",), label="TSV"),
    Format("turtle", GRAPH, ox.RdfFormat.TURTLE, (), ("turtle", "ttl", "n3"), ".ttl", "quartiers-kg.ttl", "RDF_TURTLE", label="Turtle"),
    Format("ntriples", GRAPH, ox.RdfFormat.N_TRIPLES, ("text/plain",), ("nt", "ntriples", "n-triples"), ".nt",
           "quartiers-kg.nt.gz", "RDF_N_TRIPLES", label="N-Triples"),
    Format("jsonld", GRAPH, ox.RdfFormat.JSON_LD, ("application/json",), ("jsonld", "json-ld", "json"), ".jsonld",
           "quartiers-kg.jsonld", "JSON_LD", label="JSON-LD"),
    Format("rdfxml", GRAPH, ox.RdfFormat.RDF_XML, ("application/xml",), ("rdf", "rdfxml", "rdf+xml", "xml"), ".rdf",
           file_type="RDF_XML", label="RDF/XML"),
    Format("nquads", GRAPH, ox.RdfFormat.N_QUADS, (), ("nquads", "nq"), file_type="RDF_N_QUADS", label="N-Quads"),
    Format("trig", GRAPH, ox.RdfFormat.TRIG, (), ("trig",), file_type="RDF_TRIG", label="TriG"),
    Format("html", PAGE, None, (), ("html",), ".html", label="HTML"),
)
BY_NAME = {f.name: f for f in FORMATS}
HTML = BY_NAME["html"]


def of_kind(kind: str) -> list[Format]:
    return [f for f in FORMATS if f.kind == kind]


def media_types(formats: list[Format]) -> dict[str, Format]:
    """Media type -> format, each format's own type first, then the other names it is asked for by.

    >>> list(media_types([BY_NAME["json"], BY_NAME["turtle"]]))
    ['application/sparql-results+json', 'text/turtle', 'application/json']
    """
    out = {f.media_type: f for f in formats}
    for f in formats:
        for media in f.accepts:
            out.setdefault(media, f)
    return out


def from_hint(value: str, kind: str) -> Format | None:
    """The format a format/output/results parameter names for an answer of `kind` (HTML for any).

    >>> from_hint("application/sparql-results+xml", SOLUTIONS).name, from_hint("json", GRAPH).name
    ('xml', 'jsonld')
    """
    value = value.strip().lower()
    short = value.rsplit("/", 1)[-1].removeprefix("sparql-results+")
    for f in FORMATS:
        if f.kind in (kind, PAGE) and (value == f.media_type or value in f.hints or short in f.hints):
            return f
    return None


def from_suffix(suffix: str) -> Format | None:
    """The representation a URL suffix (".ttl") names."""
    return next((f for f in FORMATS if f.suffix == suffix), None)


REPRESENTATIONS = [HTML] + [f for f in of_kind(GRAPH) if f.suffix]  # of a linked-data resource
DUMPS = [f for f in FORMATS if f.dump]


def write_graph(triples, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise triples with pyoxigraph's writer, grouped by subject so that Turtle reads well."""
    triples = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(triples, format=fmt.ox, prefixes=prefixes if fmt.prefixed else None)
