"""The W3C SPARQL 1.1 Protocol and Service Description test manifests, run against our endpoint.

The manifest's fixture graphs (data1-3.nt at kasei.us IRIs) are loaded as named graphs beside our own,
so the query entries run as written; each dataset entry gets a negative control. The update entries
must all be refused (4xx) and write nothing.
"""

from __future__ import annotations

import json
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

from quartiers_kg.build import data_graph, page_files, read_pages, turtle_graph
from quartiers_kg.config import ROOT, Settings
from quartiers_kg.store import NewStore
from quartiers_kg.validate import load_shapes
from quartiers_kg.web import create_app
from ..conftest import served_client

STANDARDS = ROOT.parent / "shared" / "standards" / "w3c-sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
KASEI = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
SELECT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}

pytestmark = pytest.mark.skipif(not (STANDARDS / "manifest.ttl").exists(), reason="../shared/standards is not beside the checkout")


def manifest_entries() -> list[tuple[str, URIRef, Graph]]:
    if not (STANDARDS / "manifest.ttl").exists():
        return []
    g = Graph().parse(STANDARDS / "manifest.ttl", format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    return [(str(e).rsplit("#", 1)[-1], e, g) for e in Collection(g, g.value(manifest, MF.entries))]


@pytest.fixture(scope="module")
def protocol_client(tmp_path_factory):
    """An app over a store holding our graphs plus the manifest's fixture graphs as named graphs."""
    settings = Settings.from_env({}, store_dir=tmp_path_factory.mktemp("protocol-store"), public_url="http://localhost/")
    graphs = {
        "https://w3id.org/quartiers-kg/graph/data": data_graph(read_pages(page_files([ROOT / "data" / "modules"])), settings),
        "https://w3id.org/quartiers-kg/graph/ontology": turtle_graph(settings.ontology_dir),
        "https://w3id.org/quartiers-kg/graph/shapes": load_shapes(settings.shapes_dir),
    }
    for i in (1, 2, 3):
        graphs[KASEI.format(i)] = Graph().parse(STANDARDS / f"data{i}.nt", format="nt")
    with NewStore(settings.store_dir) as new:
        for name, graph in graphs.items():
            new.load(name, graph)
        new.publish()
    return served_client(create_app(settings))


def requests_of(entry, g):
    action = g.value(entry, MF.action)
    for req in Collection(g, g.value(action, HT.requests)):
        body = g.value(req, HT.body)
        headers = {}
        if g.value(req, HT.headers) is not None:
            for h in Collection(g, g.value(req, HT.headers)):
                headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
        data = None
        if body is not None:
            data = str(g.value(body, CNT.chars)).encode(str(g.value(body, CNT.characterEncoding) or "UTF-8"))
        resp = g.value(req, HT.resp)
        yield {
            "method": str(g.value(req, HT.methodName)),
            "path": str(g.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
            "headers": headers,
            "data": data,
            "statuses": {str(s).rsplit("#StatusCode", 1)[-1] for s in g.objects(resp, MF.expectedStatus)},
            "format": str(g.value(resp, MF.expectedFormat) or ""),
            "boolean": g.value(resp, MF.expectedBoolean),
        }


def send(client, r, headers=None):
    return client.open(r["path"], method=r["method"], headers={**r["headers"], **(headers or {})}, data=r["data"])


def count_triples(client) -> int:
    r = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}, headers={"Accept": "text/csv"})
    return int(r.data.decode().splitlines()[1])


def check_format(response, expected: str):
    media = response.mimetype
    if expected == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml")
        if media.endswith("json"):
            return json.loads(response.data)["boolean"]
        return ET.fromstring(response.data).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"
    if expected == "tabular":
        assert media in SELECT_TYPES
        assert json.loads(response.data)["head"]["vars"] == ["value"] if media.endswith("json") else response.data
    if expected == "RDF":
        assert media in RDF_TYPES
        Graph().parse(data=response.data, format={"text/turtle": "turtle", "application/n-triples": "nt",
                                                   "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[media])
    return None


@pytest.mark.parametrize("name, entry, g", manifest_entries(), ids=[n for n, _, _ in manifest_entries()])
def test_manifest_entry(protocol_client, name, entry, g):
    requests = list(requests_of(entry, g))
    if "update" in name:
        before = count_triples(protocol_client)
        response = send(protocol_client, requests[0])
        assert 400 <= response.status_code < 500, (name, response.status_code, response.data)
        assert count_triples(protocol_client) == before
        return
    for r in requests:
        response = send(protocol_client, r)
        klass = f"{response.status_code // 100}xx"
        assert klass in r["statuses"], (name, response.status_code, response.data[:300])
        if klass == "2xx" and r["format"]:
            value = check_format(response, r["format"])
            if r["boolean"] is not None:
                assert value == r["boolean"].toPython(), name


# each dataset entry, less the data2 graph in its protocol dataset: what only data2 holds must not be seen
LESS_DATA2 = {
    "query_dataset_default_graphs_get": "&default-graph-uri=",
    "query_dataset_default_graphs_post": "&default-graph-uri=",
    "query_dataset_named_graphs_post": "&named-graph-uri=",
    "query_dataset_named_graphs_get": "&named-graph-uri=",
    "query_dataset_full": "&named-graph-uri=",
    "query_multiple_dataset": "&named-graph-uri=",
}


@pytest.mark.parametrize("name", sorted(LESS_DATA2))
def test_dataset_entries_negative_control(protocol_client, name):
    """The same request with the data2 graph left out of the protocol dataset must answer false."""
    _, entry, g = next(e for e in manifest_entries() if e[0] == name)
    r = next(iter(requests_of(entry, g)))
    removed = LESS_DATA2[name] + urllib.parse.quote(KASEI.format(2), safe="")
    assert removed in r["path"], r["path"]
    r["path"] = r["path"].replace(removed, "")
    response = send(protocol_client, r, {"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert json.loads(response.data)["boolean"] is False


def test_service_description_manifest(protocol_client):
    """returns-rdf, has-endpoint-triple, conforms-to-schema (the SD terms used exist in the SD vocabulary)."""
    sd_manifest = Graph().parse(STANDARDS / "service-description-manifest.ttl", format="turtle")
    assert len(set(sd_manifest.subjects(RDF.type, MF.ServiceDescriptionTest))) == 3
    response = protocol_client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    g = Graph().parse(data=response.data, format="turtle")
    SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = next(g.subjects(RDF.type, SD.Service))
    assert g.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    known = {"Service", "endpoint", "supportedLanguage", "SPARQL11Query", "feature", "UnionDefaultGraph", "resultFormat",
             "defaultDataset", "Dataset", "defaultGraph", "Graph", "namedGraph", "NamedGraph", "name", "graph"}
    used = {str(t).rsplit("#", 1)[-1] for triple in g for t in triple if str(t).startswith(str(SD))}
    assert used <= known
    names = {str(n) for n in g.objects(None, SD.name)}
    assert {KASEI.format(i) for i in (1, 2, 3)} <= names
