"""Graph -> model: read one module back from its description, and the print page the renderer writes of it."""

from __future__ import annotations

from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from ..errors import MappingError
from ..formats import BY_NAME, write_graph
from ..model import OWN, PROSE, SECTIONS, CaseExample, ExtraSection, Literature, Module, ModuleRef, NetworkSize, Project
from ..source.render import render_page
from .namespaces import QK, SCHEMA, term


def _text(graph: Graph, node, prop) -> str | None:
    value = graph.value(node, prop)
    return str(value) if value is not None else None


def _ordered(graph: Graph, node, prop) -> list:
    return sorted(graph.objects(node, prop), key=lambda item: int(graph.value(item, SCHEMA.position) or 0))


def _labels(graph: Graph, node, prop, label=SKOS.prefLabel) -> tuple[str, ...]:
    return tuple(sorted(str(graph.value(o, label)) for o in graph.objects(node, prop)))


def module_from_graph(graph: Graph, iri: URIRef) -> Module:
    """The Module a graph says `iri` is; raises MappingError if it is not a module."""
    number = graph.value(iri, QK.moduleNumber)
    if number is None:
        raise MappingError(f"{iri} is not a module with a number in this graph")
    assessments = list(graph.objects(iri, QK.assessment))
    counts = {int(graph.value(a, SCHEMA.ratingCount)) for a in assessments}
    size = graph.value(iri, QK.idealNetworkSize)
    by_section = {s.field: _text(graph, iri, term(s.properties[0])) if s.form == PROSE else _labels(graph, iri, term(s.properties[0]))
                  for s in SECTIONS if s.form != OWN}
    return Module(
        number=int(number),
        title=_text(graph, iri, RDFS.label),
        rating_count=counts.pop() if len(counts) == 1 else None,
        implementation=_text(graph, iri, QK.implementation),
        implementation_items=tuple(str(graph.value(i, SCHEMA.text)) for i in _ordered(graph, iri, QK.implementationItem)),
        network_size=NetworkSize(int(graph.value(size, SCHEMA.minValue)), int(graph.value(size, SCHEMA.maxValue)),
                                 str(graph.value(size, SCHEMA.unitText))) if size is not None else None,
        steps_text=_text(graph, iri, QK.stepsText),
        steps=tuple(str(graph.value(s, SCHEMA.text)) for s in _ordered(graph, iri, SCHEMA.step)),
        pitfalls=tuple(str(graph.value(s, SCHEMA.text)) for s in _ordered(graph, iri, QK.pitfall)),
        case_examples=tuple(sorted(
            (CaseExample(str(graph.value(c, RDFS.label)), _text(graph, c, SCHEMA.name), _text(graph, c, SCHEMA.alternateName))
             for c in graph.objects(iri, QK.caseExample)), key=lambda c: c.label)),
        case_examples_text=_text(graph, iri, QK.caseExamplesText),
        comments=tuple(str(graph.value(s, SCHEMA.text)) for s in _ordered(graph, iri, QK.userComment)),
        projects=tuple(sorted(
            (Project(str(graph.value(p, RDFS.label)), _text(graph, graph.value(p, SCHEMA.location), RDFS.label))
             for p in graph.objects(iri, QK.project)), key=lambda p: (p.name, p.town or ""))),
        related=tuple(sorted(
            (ModuleRef(int(graph.value(r, QK.moduleNumber)), str(graph.value(r, RDFS.label)))
             for r in graph.objects(iri, QK.relatedModule)), key=lambda r: r.number)),
        literature=tuple(sorted((_literature(graph, item) for item in graph.objects(iri, QK.literature)), key=lambda r: r.citation)),
        links=_labels(graph, iri, QK.link, RDFS.label),
        extra_sections=tuple(ExtraSection(_text(graph, s, QK.heading) or "", _text(graph, s, SCHEMA.text) or "")
                             for s in _ordered(graph, iri, QK.extraSection)),
        text=_text(graph, iri, QK.pageText),
        incomplete=graph.value(iri, QK.incomplete) == Literal(True),
        **by_section,
    )


def _literature(graph: Graph, item) -> Literature:
    citation = str(graph.value(item, DCTERMS.bibliographicCitation))
    if graph.value(item, QK.unsplit) == Literal(True):
        return Literature(citation=citation, parsed=False)
    publisher = graph.value(item, DCTERMS.publisher)
    return Literature(
        citation=citation,
        authors=tuple(sorted(str(graph.value(a, FOAF.name)) for a in graph.objects(item, DCTERMS.creator))),
        more_authors=graph.value(item, QK.moreAuthors) == Literal(True),
        year=_text(graph, item, DCTERMS.issued),
        title=_text(graph, item, DCTERMS.title),
        place=_text(graph, item, QK.publicationPlace),
        publisher=str(graph.value(publisher, FOAF.name)) if publisher is not None else None,
        edition=_text(graph, item, SCHEMA.bookEdition),
    )


# The module, everything it links to, and the labels one step further (a project's town, an author's name).
MODULE_GRAPH = """
CONSTRUCT { ?m ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 }
WHERE { ?m ?p ?o . OPTIONAL { ?o ?p2 ?o2 . OPTIONAL { ?o2 ?p3 ?o3 .
  FILTER (?p3 IN (<http://www.w3.org/2000/01/rdf-schema#label>, <http://xmlns.com/foaf/0.1/name>)) } } }"""


def print_page(triples, iri: str) -> str:
    """The print page of a module from its triples (what MODULE_GRAPH answers): the round trip, graph to text."""
    graph = Graph().parse(data=write_graph(triples, BY_NAME["ntriples"]), format="nt")
    return render_page(module_from_graph(graph, URIRef(iri)))
