"""The dataset's own description: VoID statistics, a DCAT catalog (DCAT-AP 3 / DCAT-AP.de), licence and provenance."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDFS, SKOS

from ..formats import BY_NAME
from .namespaces import SD, VOID, bind_prefixes
from .uris import Minter

SPDX = Namespace("http://spdx.org/rdf/terms#")
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")  # the IRI DCAT-AP 3.0.1's vocabulary shapes ask for
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 terms (dcat:version) that rdflib's closed DCAT namespace lacks
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
STATIC = Path(__file__).with_name("dataset.ttl")

# statistics of the dataset graphs, read from the new store before it is published
CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{data}> {{ ?s a ?class }} }} GROUP BY ?class"
PROPERTIES = "SELECT ?property (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?property ?o }} VALUES ?g {{ {graphs} }} }} GROUP BY ?property"
DISTINCT = """SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {graphs} }} }}"""
ENTITIES = """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{data}> {{ ?s ?p ?o }} FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }}"""
SOURCES = "SELECT DISTINCT ?page WHERE {{ GRAPH <{data}> {{ ?m <http://purl.org/dc/terms/source> ?page }} }}"
# links to other datasets: link predicate, the target's IRI space, how many
LINK_PREDICATES = ["http://www.w3.org/2002/07/owl#sameAs", "http://www.w3.org/2004/02/skos/core#exactMatch",
                   "http://www.w3.org/2004/02/skos/core#closeMatch"]
TARGETS = {"https://sws.geonames.org/": ("GeoNames", "https://www.geonames.org/"),
           "http://www.wikidata.org/entity/": ("Wikidata", "https://www.wikidata.org/")}
LINKS = """SELECT ?p ?space (COUNT(*) AS ?n) WHERE {{ GRAPH <{data}> {{ ?s ?p ?o }}
  VALUES ?p {{ <http://www.w3.org/2002/07/owl#sameAs> <http://www.w3.org/2004/02/skos/core#exactMatch>
              <http://www.w3.org/2004/02/skos/core#closeMatch> }}
  VALUES ?space {{ {spaces} }} FILTER (STRSTARTS(STR(?o), ?space)) }} GROUP BY ?p ?space"""
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
        "links": {(r["p"]["value"], r["space"]["value"]): int(r["n"]["value"])
                  for r in select(LINKS.format(data=data, spaces=" ".join(f'"{t}"' for t in TARGETS)))},
    }


def describe_dataset(base: str, version: str, built_at: str, counts: dict[str, int], stats: dict,
                     dumps: list, publisher: Publisher, lists: Iterable[str], versions: list[dict] = (),
                     link_dumps: dict[str, str] | None = None) -> Graph:
    """VoID and DCAT for the dataset: what it holds, where to get it, under which licence, from what.

    The static part is dataset.ttl beside this module; here is what a build, its counts and the settings add.
    """
    mint = Minter(base)
    g = bind_prefixes(Graph())
    g.parse(STATIC, format="turtle", publicID=base)
    dataset, catalog, service = mint.iri("dataset"), mint.iri("catalog"), mint.iri("sparql")
    agent, contact, license_ = mint.iri("publisher"), mint.iri("publisher", "contact"), URIRef(publisher.license)
    modified = Literal(built_at, datatype=XSD.dateTime)

    def add(*triple):
        g.add(triple)

    # publisher and licence, from the settings
    for t in (FOAF.Agent, FOAF.Organization):
        add(agent, RDF.type, t)
    add(agent, FOAF.name, Literal(publisher.name))
    add(agent, FOAF.homepage, URIRef(publisher.url))
    add(agent, FOAF.mbox, URIRef(f"mailto:{publisher.email}"))
    add(contact, VCARD.fn, Literal(publisher.name))
    add(contact, VCARD.hasEmail, URIRef(f"mailto:{publisher.email}"))
    for node in (catalog, dataset, service, mint.iri("distribution", "sparql")):
        add(node, DCTERMS.license, license_)
    add(license_, RDF.type, DCTERMS.LicenseDocument)
    add(license_, SKOS.inScheme, URIRef("http://dcat-ap.de/def/licenses"))

    # this build
    add(catalog, DCTERMS.modified, modified)
    add(catalog, DCTERMS.issued, modified)
    add(dataset, DCTERMS.modified, modified)
    add(dataset, DCTERMS.identifier, Literal(str(dataset)))
    add(dataset, OWL.versionInfo, Literal(version))
    add(dataset, VOID.uriSpace, Literal(base))
    for name, value in (("triples", sum(counts.values())), ("entities", stats["entities"]), ("classes", len(stats["classes"])),
                        ("properties", len(stats["properties"])), ("distinctSubjects", stats["subjects"]),
                        ("distinctObjects", stats["objects"])):
        add(dataset, VOID[name], Literal(value, datatype=XSD.integer))
    for example in stats["examples"]:
        add(dataset, VOID.exampleResource, URIRef(example))
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

    # links to other datasets, a VoID linkset per target and link predicate
    for (predicate, space), n in sorted(stats.get("links", {}).items()):
        name, homepage = TARGETS[space]
        target = URIRef(homepage)
        linkset = mint.iri("dataset", "links", name.lower(), predicate.rsplit("#", 1)[-1])
        add(dataset, VOID.subset, linkset)
        add(linkset, RDF.type, VOID.Linkset)
        add(linkset, VOID.subjectsTarget, dataset)
        add(linkset, VOID.objectsTarget, target)
        add(linkset, VOID.linkPredicate, URIRef(predicate))
        add(linkset, VOID.triples, Literal(n, datatype=XSD.integer))
        add(linkset, RDFS.label, Literal(f"Verknüpfungen mit {name} ({predicate.rsplit('#', 1)[-1]})", lang="de"))
        if space in (link_dumps or {}):  # every link to that dataset, whatever its predicate, in one file
            add(linkset, VOID.dataDump, mint.iri("dumps", link_dumps[space]))
        add(target, RDF.type, VOID.Dataset)
        add(target, DCTERMS.title, Literal(name))
        add(target, FOAF.homepage, target)
        add(target, VOID.uriSpace, Literal(space))

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

    # the versions, newest first (changes.py): each revises the one before it; those no longer kept say so
    for v in versions:
        node = mint.iri("dataset", "version", v["version"])
        add(node, RDF.type, PROV.Entity)
        add(node, DCTERMS.isVersionOf, dataset)
        add(node, DCAT3.version, Literal(v["version"]))
        add(node, PROV.generatedAtTime, Literal(v["built_at"], datatype=XSD.dateTime))
        if v["previous"]:
            add(node, PROV.wasRevisionOf, mint.iri("dataset", "version", v["previous"]))
        if not v.get("kept", True):
            add(node, RDFS.comment, Literal("Diese Version wird nicht mehr vorgehalten.", lang="de"))
            add(node, RDFS.comment, Literal("This version is no longer kept.", lang="en"))
    if versions:
        add(mint.iri("dataset", "version", version), PROV.specializationOf, dataset)

    # the dumps
    if dumps:
        add(SHA256, RDF.type, SPDX.ChecksumAlgorithm)
    for dump in dumps:
        dist = mint.iri("distribution", dump.fmt + ("-gzip" if dump.gzip else ""))
        url = mint.iri("dumps", dump.name)
        file_type = URIRef(EU + "file-type/" + BY_NAME[dump.fmt].file_type)
        add(dataset, DCAT.distribution, dist)
        add(dataset, VOID.dataDump, url)
        add(dist, RDF.type, DCAT.Distribution)
        gz = " (gzip)" if dump.gzip else ""
        add(dist, DCTERMS.title, Literal(f"Gesamtabzug {dump.name}", lang="de"))
        add(dist, DCTERMS.title, Literal(f"Full dump {dump.name}", lang="en"))
        add(dist, DCTERMS.description, Literal(f"Alle Tripel des Datensatzes als {dump.media_type}{gz}.", lang="de"))
        add(dist, DCTERMS.description, Literal(f"Every triple of the dataset as {dump.media_type}{gz}.", lang="en"))
        add(dist, DCAT.accessURL, url)
        add(dist, DCAT.downloadURL, url)
        add(dist, DCTERMS.format, file_type)
        add(file_type, RDF.type, DCTERMS.MediaTypeOrExtent)
        add(file_type, SKOS.inScheme, URIRef(EU + "file-type"))
        add(dist, DCAT.mediaType, URIRef(IANA + dump.media_type))
        add(URIRef(IANA + dump.media_type), RDF.type, DCTERMS.MediaType)
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
        add(dist, DCATAP.availability, URIRef(EU + "planned-availability/STABLE"))
    return g
