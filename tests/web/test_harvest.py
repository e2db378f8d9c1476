"""What harvesters rely on: a crawl by links alone, VoID counts, dumps, DCAT-AP(.de), caching, every kind of IRI."""

from __future__ import annotations

import gzip
import hashlib
import xml.etree.ElementTree as ET
from urllib.parse import urldefrag

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import DCAT

from quartiers_kg.config import ROOT
from ..conftest import served_client

KG = "https://w3id.org/quartiers-kg/"
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
STANDARDS = ROOT.parent / "shared" / "standards"
PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt", "application/rdf+xml": "xml"}


def rdf_of(response) -> Graph:
    return Graph().parse(data=response.data, format=PARSERS[response.mimetype])


@pytest.fixture(scope="module")
def void(app) -> Graph:
    r = served_client(app).get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    return rdf_of(r)


def store_subjects(store) -> set[str]:
    rows = store.query(f'SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{KG}")) }}')
    return {row["s"].value for row in rows}


def test_crawl_from_the_home_page_reaches_every_resource(client, store):
    """Start at / with only Accept: text/turtle, follow every IRI under the base, parse every answer."""
    seen_subjects: set[str] = set()
    queue, fetched = ["/"], set()
    while queue:
        path = queue.pop()
        if path in fetched:
            continue
        fetched.add(path)
        r = client.get(path, headers={"Accept": "text/turtle"})
        assert r.status_code == 200, (path, r.status_code, r.data[:200])
        graph = rdf_of(r)
        for triple in graph:
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(KG):
                    iri = urldefrag(str(term))[0]
                    if term in graph.subjects():
                        seen_subjects.add(str(term))
                    target = "/" + iri[len(KG):]
                    if not target.startswith("/dumps/") and target not in fetched:
                        queue.append(target)
    missing = store_subjects(store) - seen_subjects
    assert not missing, sorted(missing)[:10]
    assert len(fetched) > 60


def test_void_counts_equal_the_store(void, store):
    dataset = URIRef(KG + "dataset")
    graphs = [g for g in store.graph_names if not g.endswith("/meta")]
    assert int(void.value(dataset, VOID.triples)) == sum(store.info.graphs[g] for g in graphs)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?g { %s } }" % " ".join(f"<{g}>" for g in graphs)
    assert int(void.value(dataset, VOID.triples)) == int(next(iter(store.query(count)))["n"].value)
    assert int(void.value(dataset, VOID.classes)) == len(set(void.objects(None, VOID["class"])))
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(KG + "sparql")
    assert URIRef(KG + "module/116") in set(void.objects(dataset, VOID.exampleResource))
    assert URIRef("https://w3id.org/quartiers-kg/ontology#") in set(void.objects(dataset, VOID.vocabulary))
    assert void.value(dataset, URIRef("http://purl.org/dc/terms/license")) is not None
    assert void.value(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == URIRef(
        "https://www.aq-nrw.de/assets/default/druck/module/druck_116.html")


def test_dumps_reload_with_the_same_count_size_and_checksum(client, void):
    dataset = URIRef(KG + "dataset")
    expected = int(void.value(dataset, VOID.triples))
    dumps = list(void.objects(dataset, VOID.dataDump))
    assert len(dumps) == 3
    for dist in void.objects(dataset, DCAT.distribution):
        url = void.value(dist, DCAT.downloadURL)
        if url is None:
            continue
        r = client.get("/" + str(url)[len(KG):], buffered=True)
        assert r.status_code == 200
        assert int(void.value(dist, DCAT.byteSize)) == len(r.data)
        checksum = void.value(dist, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(r.data).hexdigest()
        data = gzip.decompress(r.data) if str(url).endswith(".gz") else r.data
        fmt = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "gz": ox.RdfFormat.N_TRIPLES}[str(url).rsplit(".", 1)[-1]]
        fresh = ox.Store()
        fresh.load(data, format=fmt)
        assert len(fresh) == expected, url


def test_dump_range_request_and_conditional_get(client):
    full = client.get("/dumps/quartiers-kg.ttl", buffered=True)
    part = client.get("/dumps/quartiers-kg.ttl", headers={"Range": "bytes=10-19"}, buffered=True)
    assert part.status_code == 206 and part.data == full.data[10:20]
    again = client.get("/dumps/quartiers-kg.ttl", headers={"If-None-Match": full.headers["ETag"]}, buffered=True)
    assert again.status_code == 304 and again.data == b""
    assert client.get("/dumps/nothing.ttl").status_code == 404


def _shapes(*files) -> Graph:
    graph = Graph()
    for name in files:
        graph.parse(STANDARDS / name, format="turtle")
    return graph


def _violations(data: Graph, shapes: Graph) -> list[tuple[str, str, str]]:
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    SH = Namespace("http://www.w3.org/ns/shacl#")
    return sorted({(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)), str(report.value(r, SH.resultMessage)))
                   for r in report.subjects(RDF.type, SH.ValidationResult) if report.value(r, SH.resultSeverity) == SH.Violation})


@pytest.mark.skipif(not STANDARDS.exists(), reason="../shared/standards is not beside the checkout")
def test_catalog_meets_dcat_ap_3(client):
    r = client.get("/dcat", headers={"Accept": "application/rdf+xml"})
    catalog = Graph().parse(data=r.data, format="xml")
    assert len(list(catalog.subjects(RDF.type, DCAT.Catalog))) == 1
    assert _violations(catalog, _shapes("dcat-ap-3.0.1/shapes.ttl", "dcat-ap-3.0.1/range.ttl")) == []
    # controlled vocabularies: only the EU corporate-body list for publishers is out of reach for a non-EU publisher
    vocabulary = _violations(catalog, _shapes("dcat-ap-3.0.1/mdr-vocabularies.shape.ttl"))
    assert vocabulary and all(focus == KG + "publisher" for focus, _, _ in vocabulary)


@pytest.mark.skipif(not STANDARDS.exists(), reason="../shared/standards is not beside the checkout")
def test_catalog_meets_dcat_ap_de(client):
    catalog = Graph().parse(data=client.get("/dcat", headers={"Accept": "application/rdf+xml"}).data, format="xml")
    shapes = _shapes("dcat-ap-3.0.1/shapes.ttl", "dcat-ap-3.0.1/range.ttl", "dcat-ap.de-3.0/dcat-ap-SHACL-DE.ttl",
                     "dcat-ap.de-3.0/dcat-ap-de-controlledvocabularies.ttl", "dcat-ap.de-3.0/dcat-ap-spec-german-additions.ttl")
    assert _violations(catalog, shapes) == []
    publishers = set(catalog.objects(None, URIRef("http://purl.org/dc/terms/publisher")))
    assert len(publishers) == 1
    for dist in catalog.subjects(RDF.type, DCAT.Distribution):
        assert catalog.value(dist, URIRef("http://purl.org/dc/terms/license")) == URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")
        assert str(catalog.value(dist, URIRef("http://purl.org/dc/terms/format"))).startswith(
            "http://publications.europa.eu/resource/authority/file-type/")


EXAMPLES = [
    "module/116", "module/35", "module/116/step/1", "module/116/assessment/zeitaufwand", "module/116/item/2",
    "module/116/pitfall/1", "module/116/network-size/ideal", "network-type/netzwerke-professioneller-organisationen",
    "funding/kommune", "project/bocholter-buergergenossenschaft-eg-bocholt", "place/leverkusen",
    "case/quartiersmanagement-rosenheim-altstadt-ost", "literature/fey-g-2007-kontakte-knuepfen-und-beruflich-nutzen-erfolgreiches-22f0a2a0",
    "agent/fey-g", "link/leitfaden-kooperation-und-netzwerkarbei", "scale/zeitaufwand", "scale/zeitaufwand/high",
    "scheme/funding", "activity/ingest/116", "dataset", "catalog", "graph/data", "publisher",
]


@pytest.fixture(scope="module")
def examples(store):
    subjects = store_subjects(store)
    literature = next(s for s in subjects if s.startswith(KG + "literature/fey-g-2007"))
    return [literature[len(KG):] if e.startswith("literature/") else e for e in EXAMPLES]


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[e.split("/")[0] + "/" + e.split("/")[-1][:20] for e in EXAMPLES])
def test_every_kind_of_iri_dereferences(client, examples, index):
    path = "/" + examples[index]
    iri = URIRef(KG + examples[index])
    html = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.status_code == 200 and html.mimetype == "text/html" and html.headers["Vary"] == "Accept"
    for media, suffix in (("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"), ("application/n-triples", ".nt"), ("application/rdf+xml", ".rdf")):
        r = client.get(path, headers={"Accept": media})
        assert r.status_code == 200 and r.mimetype == media and r.headers["Content-Location"] == path + suffix
        assert f'<{path}{suffix}>; rel="alternate"; type="{media}"' in r.headers["Link"]
        assert (iri, None, None) in rdf_of(r)
        assert rdf_of(client.get(path + suffix)).isomorphic(rdf_of(r)) if media != "application/ld+json" else True
        again = client.get(path, headers={"Accept": media, "If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304
        head = client.head(path, headers={"Accept": media})
        assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == r.headers["ETag"]
    assert client.get(path, headers={"Accept": "image/png"}).status_code == 406
    assert client.get(path + "-nicht-da", headers={"Accept": "text/turtle"}).status_code == 404


def test_blank_nodes_come_in_full(client):
    g = rdf_of(client.get("/distribution/turtle", headers={"Accept": "text/turtle"}))
    checksum = g.value(URIRef(KG + "distribution/turtle"), SPDX.checksum)
    assert checksum is not None and len(str(g.value(checksum, SPDX.checksumValue))) == 64


def test_ontology_version_iri_dereferences(client):
    r = client.get("/ontology/0.1.0", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and (URIRef("https://w3id.org/quartiers-kg/ontology"), None, None) in rdf_of(r)


def test_sitemap_and_robots(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "http://localhost/module/116" in locs and "http://localhost/funding/kommune" in locs
    robots = client.get("/robots.txt").data.decode()
    assert "Sitemap: http://localhost/sitemap.xml" in robots and "Disallow: /sparql?" in robots
