"""Our vocabulary `qk:` as a closed namespace: a misspelt term fails at import, not in the data."""

from __future__ import annotations

import re

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/quartiers-kg/ontology"
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

PREFIXES = {
    "qk": ONTOLOGY_IRI + "#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "pav": "http://purl.org/pav/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "geof": "http://www.opengis.net/def/function/geosparql/",
    "uom": "http://www.opengis.net/def/uom/OGC/1.0/",
    "wd": "http://www.wikidata.org/entity/",
}
PAV = Namespace(PREFIXES["pav"])
GEO = Namespace(PREFIXES["geo"])
GEOF = Namespace(PREFIXES["geof"])


class QK(DefinedNamespace):
    """The quartiers-kg ontology (ontology/quartiers-kg.ttl); each term is defined there in German and English."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    Module: URIRef
    AssessmentDimension: URIRef
    ScalePole: URIRef
    Assessment: URIRef
    NetworkType: URIRef
    FundingSource: URIRef
    Step: URIRef
    Pitfall: URIRef
    CaseExample: URIRef
    Project: URIRef
    LiteratureItem: URIRef
    WebLink: URIRef
    TargetGroup: URIRef
    FieldOfAction: URIRef
    UserRole: URIRef
    ListItem: URIRef
    ExtraSection: URIRef
    SourcePage: URIRef
    TemplateSection: URIRef
    # properties of a module
    moduleNumber: URIRef
    objective: URIRef
    implementation: URIRef
    stepsText: URIRef
    evaluation: URIRef
    advice: URIRef
    caseExamplesText: URIRef
    contacts: URIRef
    pageText: URIRef
    userComment: URIRef
    assessment: URIRef
    networkType: URIRef
    idealNetworkSize: URIRef
    pitfall: URIRef
    caseExample: URIRef
    fundingSource: URIRef
    project: URIRef
    relatedModule: URIRef
    literature: URIRef
    link: URIRef
    targetGroup: URIRef
    fieldOfAction: URIRef
    userRole: URIRef
    implementationItem: URIRef
    extraSection: URIRef
    incomplete: URIRef
    sectionRead: URIRef
    sectionMissing: URIRef
    cutOffIn: URIRef
    webPageCount: URIRef
    webPageMissing: URIRef
    # where values came from
    section: URIRef
    firstLine: URIRef
    lastLine: URIRef
    taken: URIRef
    webTab: URIRef
    pageNumber: URIRef
    droppedLines: URIRef
    # properties of other things
    dimension: URIRef
    lowPole: URIRef
    highPole: URIRef
    poleRank: URIRef
    heading: URIRef
    moreAuthors: URIRef
    unsplit: URIRef
    publicationPlace: URIRef
    sha256: URIRef


def bind_prefixes(graph: Graph) -> Graph:
    """Bind our usual prefixes on a graph, so that Turtle output reads as people write it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def term(curie: str) -> URIRef:
    """The IRI a CURIE of our prefixes names.

    >>> term("qk:objective")
    rdflib.term.URIRef('https://w3id.org/quartiers-kg/ontology#objective')
    """
    prefix, _, local = curie.partition(":")
    return URIRef(PREFIXES[prefix] + local)


def curie(iri: str) -> str:
    """An IRI as a prefixed name where one of our prefixes fits, else the IRI itself.

    >>> curie("http://www.w3.org/2004/02/skos/core#prefLabel"), curie("http://example.org/x")
    ('skos:prefLabel', 'http://example.org/x')
    """
    for prefix, namespace in PREFIXES.items():
        local = iri[len(namespace):] if iri.startswith(namespace) else None
        if local and re.fullmatch(r"[A-Za-z_][\w.-]*", local) and not local.endswith("."):
            return f"{prefix}:{local}"
    return iri
