"""The dataset's own description: VoID statistics, a DCAT catalog (DCAT-AP 3 / DCAT-AP.de), licence and provenance."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDFS, SKOS

from ..formats import BY_NAME
from .namespaces import QK, SD, VOID, bind_prefixes
from .uris import Minter

SPDX = Namespace("http://spdx.org/rdf/terms#")
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")  # the IRI DCAT-AP 3.0.1's vocabulary shapes ask for
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
VOCABULARIES = ("http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/", "https://schema.org/",
                "http://www.w3.org/ns/prov#", "http://xmlns.com/foaf/0.1/", QK._NS)

# statistics of the dataset graphs, read from the new store before it is published
CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{data}> {{ ?s a ?class }} }} GROUP BY ?class"
PROPERTIES = "SELECT ?property (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?property ?o }} VALUES ?g {{ {graphs} }} }} GROUP BY ?property"
DISTINCT = """SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {graphs} }} }}"""
ENTITIES = """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{data}> {{ ?s ?p ?o }} FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }}"""
SOURCES = "SELECT DISTINCT ?page WHERE {{ GRAPH <{data}> {{ ?m <http://purl.org/dc/terms/source> ?page }} }}"
EXAMPLES = """SELECT ?m WHERE {{ GRAPH <{data}> {{ ?m <http://www.w3.org/ns/prov#wasGeneratedBy> ?a ;
  <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n }} }} ORDER BY DESC(?n) LIMIT 3"""


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str
    email: str
    license: str


def statistics(select: Callable[[str], list[dict]], base: str, data: str, graphs: Iterable[str]) -> dict:
    """Counts VoID asks for, from a store's SELECT function."""
    values = " ".join(f"<{g}>" for g in graphs)
    distinct = select(DISTINCT.format(graphs=values))[0]
    return {
        "classes": {r["class"]["value"]: int(r["n"]["value"]) for r in select(CLASSES.format(data=data))},
        "properties": {r["property"]["value"]: int(r["n"]["value"]) for r in select(PROPERTIES.format(graphs=values))},
        "subjects": int(distinct["subjects"]["value"]),
        "objects": int(distinct["objects"]["value"]),
        "entities": int(select(ENTITIES.format(data=data, base=base))[0]["n"]["value"]),
        "sources": sorted(r["page"]["value"] for r in select(SOURCES.format(data=data))),
        "examples": [r["m"]["value"] for r in select(EXAMPLES.format(data=data))],
    }


def describe_dataset(base: str, version: str, built_at: str, counts: dict[str, int], stats: dict,
                     dumps: list, publisher: Publisher, lists: Iterable[str]) -> Graph:
    """VoID and DCAT for the dataset: what it holds, where to get it, under which licence, from what."""
    mint = Minter(base)
    g = bind_prefixes(Graph())
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("spdx", SPDX), ("vcard", VCARD), ("sd", SD), ("hydra", HYDRA)):
        g.bind(prefix, ns)
    dataset, catalog, service = mint.iri("dataset"), mint.iri("catalog"), mint.iri("sparql")
    agent, license_ = mint.iri("publisher"), URIRef(publisher.license)
    modified = Literal(built_at, datatype=XSD.dateTime)
    title_de, title_en = "Modulbaukasten altengerechte Quartiere.NRW", "Toolbox for age-friendly neighbourhoods in NRW"
    description_de = ("Die Methoden (Module) des Modulbaukastens des Landesbüros altengerechte Quartiere.NRW als Wissensgraph: "
                      "Zielsetzung, Einschätzungsskalen, Umsetzungsschritte, Stolpersteine, Finanzierung, Projekte, Literatur und Links.")
    description_en = ("The methods (modules) of the toolbox of the Landesbüro altengerechte Quartiere.NRW as a knowledge graph: "
                      "objectives, assessment scales, implementation steps, pitfalls, funding, projects, literature and links.")

    def add(*triple):
        g.add(triple)

    def texts(node, title, description):
        add(node, DCTERMS.title, Literal(title[0], lang="de"))
        add(node, DCTERMS.title, Literal(title[1], lang="en"))
        add(node, DCTERMS.description, Literal(description[0], lang="de"))
        add(node, DCTERMS.description, Literal(description[1], lang="en"))

    # publisher
    add(agent, RDF.type, FOAF.Agent)
    add(agent, RDF.type, FOAF.Organization)
    add(agent, FOAF.name, Literal(publisher.name))
    add(agent, FOAF.homepage, URIRef(publisher.url))
    add(agent, FOAF.mbox, URIRef(f"mailto:{publisher.email}"))
    contact = mint.iri("publisher", "contact")
    add(contact, RDF.type, VCARD.Organization)
    add(contact, VCARD.fn, Literal(publisher.name))
    add(contact, VCARD.hasEmail, URIRef(f"mailto:{publisher.email}"))

    # catalog
    add(catalog, RDF.type, DCAT.Catalog)
    texts(catalog, ("Katalog quartiers-kg", "quartiers-kg catalogue"),
          ("Der Wissensgraph des Modulbaukastens und seine Zugänge.", "The toolbox knowledge graph and the ways to reach it."))
    add(catalog, DCTERMS.publisher, agent)
    add(catalog, DCAT.dataset, dataset)
    add(catalog, DCAT.service, service)
    add(catalog, FOAF.homepage, URIRef(base))
    add(catalog, DCTERMS.language, URIRef(EU + "language/DEU"))
    add(catalog, DCTERMS.license, license_)
    add(catalog, DCTERMS.modified, modified)
    add(catalog, DCTERMS.issued, modified)
    add(catalog, DCTERMS.spatial, URIRef(EU + "country/DEU"))

    # dataset: DCAT and VoID on one node
    for t in (DCAT.Dataset, VOID.Dataset):
        add(dataset, RDF.type, t)
    texts(dataset, (title_de, title_en), (description_de, description_en))
    add(dataset, DCTERMS.publisher, agent)
    add(dataset, DCAT.contactPoint, contact)
    add(dataset, DCTERMS.license, license_)
    add(dataset, DCTERMS.language, URIRef(EU + "language/DEU"))
    add(dataset, DCAT.theme, URIRef(EU + "data-theme/SOCI"))
    add(dataset, DCTERMS.modified, modified)
    add(dataset, DCTERMS.identifier, Literal(str(dataset)))
    add(dataset, OWL.versionInfo, Literal(version))
    add(dataset, DCAT.landingPage, URIRef(base))
    for keyword in ("Quartiersentwicklung", "altengerechte Quartiere", "Methoden", "Nordrhein-Westfalen"):
        add(dataset, DCAT.keyword, Literal(keyword, lang="de"))
    add(dataset, DCTERMS.spatial, URIRef(EU + "country/DEU"))
    add(dataset, DCATDE.politicalGeocodingURI, URIRef("http://dcat-ap.de/def/politicalGeocoding/stateKey/05"))
    add(dataset, DCATDE.politicalGeocodingLevelURI, URIRef("http://dcat-ap.de/def/politicalGeocoding/Level/state"))
    add(dataset, VOID.triples, Literal(sum(counts.values()), datatype=XSD.integer))
    add(dataset, VOID.entities, Literal(stats["entities"], datatype=XSD.integer))
    add(dataset, VOID.classes, Literal(len(stats["classes"]), datatype=XSD.integer))
    add(dataset, VOID.properties, Literal(len(stats["properties"]), datatype=XSD.integer))
    add(dataset, VOID.distinctSubjects, Literal(stats["subjects"], datatype=XSD.integer))
    add(dataset, VOID.distinctObjects, Literal(stats["objects"], datatype=XSD.integer))
    add(dataset, VOID.uriSpace, Literal(base))
    add(dataset, VOID.sparqlEndpoint, service)
    for example in stats["examples"]:
        add(dataset, VOID.exampleResource, URIRef(example))
    for vocabulary in VOCABULARIES:
        add(dataset, VOID.vocabulary, URIRef(str(vocabulary)))
    for kind in lists:
        add(dataset, VOID.rootResource, mint.iri(kind) + "/")
    for cls, n in sorted(stats["classes"].items()):
        part = BNode()
        add(dataset, VOID.classPartition, part)
        add(part, VOID["class"], URIRef(cls))
        add(part, VOID.entities, Literal(n, datatype=XSD.integer))
    for prop, n in sorted(stats["properties"].items()):
        part = BNode()
        add(dataset, VOID.propertyPartition, part)
        add(part, VOID.property, URIRef(prop))
        add(part, VOID.triples, Literal(n, datatype=XSD.integer))
    for name, n in sorted(counts.items()):
        subset = URIRef(name)
        add(dataset, VOID.subset, subset)
        add(subset, RDF.type, VOID.Dataset)
        add(subset, RDF.type, SD.NamedGraph)
        add(subset, SD.name, subset)
        add(subset, RDFS.label, Literal(f"Graph {name.rsplit('/', 1)[-1]}", lang="de"))
        add(subset, VOID.triples, Literal(n, datatype=XSD.integer))

    # what the referenced vocabulary terms are, as the profiles' shapes expect to find them
    terms = {
        license_: (DCTERMS.LicenseDocument, URIRef("http://dcat-ap.de/def/licenses")),
        URIRef(EU + "language/DEU"): (DCTERMS.LinguisticSystem, URIRef(EU + "language")),
        URIRef(EU + "country/DEU"): (DCTERMS.Location, URIRef(EU + "country")),
        URIRef(EU + "data-theme/SOCI"): (SKOS.Concept, URIRef(EU + "data-theme")),
    }
    for dump in dumps:
        terms[URIRef(EU + "file-type/" + BY_NAME[dump.fmt].file_type)] = (DCTERMS.MediaTypeOrExtent, URIRef(EU + "file-type"))
        add(URIRef(IANA + dump.media_type), RDF.type, DCTERMS.MediaType)
    terms[URIRef(EU + "file-type/SPARQLQ")] = (DCTERMS.MediaTypeOrExtent, URIRef(EU + "file-type"))
    add(URIRef(IANA + "application/gzip"), RDF.type, DCTERMS.MediaType)
    for term, (cls, scheme) in terms.items():
        add(term, RDF.type, cls)
        add(term, SKOS.inScheme, scheme)
    add(catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme"))
    add(URIRef(EU + "data-theme"), RDF.type, SKOS.ConceptScheme)
    add(URIRef(EU + "data-theme"), DCTERMS.title, Literal("Data theme", lang="en"))
    add(URIRef("http://dcat-ap.de/def/politicalGeocoding/Level/state"), SKOS.inScheme, URIRef("http://dcat-ap.de/def/politicalGeocoding/Level"))
    add(URIRef(EU + "data-theme/SOCI"), SKOS.prefLabel, Literal("Bevölkerung und Gesellschaft", lang="de"))
    add(URIRef(EU + "data-theme/SOCI"), SKOS.prefLabel, Literal("Population and society", lang="en"))
    if dumps:
        add(SHA256, RDF.type, SPDX.ChecksumAlgorithm)
    add(URIRef(base), RDF.type, FOAF.Document)
    add(contact, RDF.type, VCARD.Kind)

    shapes = URIRef("https://w3id.org/quartiers-kg/shapes")
    add(dataset, DCTERMS.conformsTo, shapes)
    add(shapes, RDF.type, DCTERMS.Standard)
    add(shapes, DCTERMS.title, Literal("SHACL-Formen von quartiers-kg", lang="de"))
    meta = mint.graph("meta")  # the graph this description is stored in
    add(meta, RDF.type, SD.NamedGraph)
    add(meta, SD.name, meta)
    add(meta, RDFS.label, Literal("Graph meta", lang="de"))
    add(meta, DCTERMS.description, Literal("Die Beschreibung des Datensatzes: VoID, DCAT, Provenienz.", lang="de"))
    add(meta, FOAF.primaryTopic, dataset)

    # provenance: built from the source pages by this build
    activity = mint.iri("activity", "build", version)
    add(dataset, PROV.wasGeneratedBy, activity)
    add(activity, RDF.type, PROV.Activity)
    add(activity, RDFS.label, Literal(f"Build {version}", lang="de"))
    add(activity, PROV.endedAtTime, modified)
    add(activity, PROV.wasAssociatedWith, agent)
    for page in stats["sources"]:
        add(dataset, PROV.wasDerivedFrom, URIRef(page))
        add(activity, PROV.used, URIRef(page))

    # distributions: the dumps and the SPARQL endpoint
    for dump in dumps:
        dist = mint.iri("distribution", dump.fmt + ("-gzip" if dump.gzip else ""))
        url = mint.iri("dumps", dump.name)
        add(dataset, DCAT.distribution, dist)
        add(dataset, VOID.dataDump, url)
        add(dist, RDF.type, DCAT.Distribution)
        texts(dist, (f"Gesamtabzug {dump.name}", f"Full dump {dump.name}"),
              (f"Alle Tripel des Datensatzes als {dump.media_type}{' (gzip)' if dump.gzip else ''}.",
               f"Every triple of the dataset as {dump.media_type}{' (gzip)' if dump.gzip else ''}."))
        add(dist, DCAT.accessURL, url)
        add(dist, DCAT.downloadURL, url)
        add(dist, DCTERMS.format, URIRef(EU + "file-type/" + BY_NAME[dump.fmt].file_type))
        add(dist, DCAT.mediaType, URIRef(IANA + dump.media_type))
        if dump.gzip:
            add(dist, DCAT.compressFormat, URIRef(IANA + "application/gzip"))
        add(dist, DCAT.byteSize, Literal(dump.byte_size, datatype=XSD.nonNegativeInteger))
        checksum = BNode()
        add(dist, SPDX.checksum, checksum)
        add(checksum, RDF.type, SPDX.Checksum)
        add(checksum, SPDX.algorithm, SHA256)
        add(checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary))
        add(dist, DCTERMS.license, license_)
        add(dist, DCTERMS.modified, modified)
    sparql_dist = mint.iri("distribution", "sparql")
    add(dataset, DCAT.distribution, sparql_dist)
    add(sparql_dist, RDF.type, DCAT.Distribution)
    texts(sparql_dist, ("SPARQL-Endpunkt", "SPARQL endpoint"), ("Abfragen nach SPARQL 1.1 Protocol.", "Queries by the SPARQL 1.1 Protocol."))
    add(sparql_dist, DCAT.accessURL, service)
    add(sparql_dist, DCAT.accessService, service)
    add(sparql_dist, DCTERMS.format, URIRef(EU + "file-type/SPARQLQ"))
    add(sparql_dist, DCTERMS.license, license_)
    add(service, RDF.type, DCAT.DataService)
    add(service, RDF.type, SD.Service)
    texts(service, ("SPARQL-Endpunkt quartiers-kg", "quartiers-kg SPARQL endpoint"),
          ("Nur lesende SPARQL-1.1-Abfragen über den ganzen Datensatz.", "Read-only SPARQL 1.1 queries over the whole dataset."))
    add(service, DCAT.endpointURL, service)
    add(service, DCAT.endpointDescription, service)
    add(service, DCAT.servesDataset, dataset)
    add(service, DCTERMS.license, license_)
    add(service, DCTERMS.publisher, agent)
    add(service, SD.endpoint, service)
    add(service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/"))
    add(URIRef("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard)
    add(service, DCAT.contactPoint, contact)
    add(service, DCAT.theme, URIRef(EU + "data-theme/SOCI"))
    add(service, DCAT.keyword, Literal("SPARQL", lang="de"))
    stable = URIRef(EU + "planned-availability/STABLE")
    for dist in g.subjects(RDF.type, DCAT.Distribution):
        add(dist, DCATAP.availability, stable)
    add(stable, RDF.type, SKOS.Concept)
    add(stable, SKOS.inScheme, URIRef(EU + "planned-availability"))
    add(stable, SKOS.prefLabel, Literal("stable", lang="en"))
    return g

