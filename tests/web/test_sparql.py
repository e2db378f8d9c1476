"""The SPARQL endpoint: protocol cases, every result format parsed back, and the public-endpoint guards."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef

from quartiers_kg.config import ROOT
from quartiers_kg.formats import FORMATS, GRAPH
from quartiers_kg.web import create_app

from ..conftest import DATA_TRIPLES, served_client

M = "https://w3id.org/quartiers-kg/module/116"
TITLE = f"SELECT ?title WHERE {{ <{M}> <http://www.w3.org/2000/01/rdf-schema#label> ?title }}"
STEPS = f"CONSTRUCT {{ <{M}> <https://schema.org/step> ?s . ?s <https://schema.org/text> ?t }} WHERE {{ <{M}> <https://schema.org/step> ?s . ?s <https://schema.org/text> ?t }}"
SRJ = "{http://www.w3.org/2005/sparql-results#}"


def test_get_json(client):
    r = client.get("/sparql", query_string={"query": TITLE}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    bindings = json.loads(r.data)["results"]["bindings"]
    assert bindings == [{"title": {"type": "literal", "value": "Netzwerkarbeit", "xml:lang": "de"}}]


def test_post_form_xml(client):
    r = client.post("/sparql", data={"query": TITLE}, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+xml"
    root = ET.fromstring(r.data)
    assert [lit.text for lit in root.iter(SRJ + "literal")] == ["Netzwerkarbeit"]


def test_post_body_csv_and_tsv(client):
    r = client.post("/sparql", data=TITLE.encode(), content_type="application/sparql-query", headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert list(csv.DictReader(io.StringIO(r.data.decode()))) == [{"title": "Netzwerkarbeit"}]
    r = client.get("/sparql", query_string={"query": TITLE}, headers={"Accept": "text/tab-separated-values"})
    assert r.data.decode().splitlines() == ["?title", '"Netzwerkarbeit"@de']


def test_an_unknown_function_is_an_expression_error_not_a_failed_query(client):
    """SPARQL 1.1 §17.3: an unknown function's value is an error, so unbound; a FILTER on it drops the row
    (W3C syntax-select-expr-04 is the first query)."""
    def bindings(query):
        r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.data
        return json.loads(r.data)["results"]["bindings"]

    assert bindings("SELECT (<http://example/function>(?x + ?y) AS ?F) ?z {}") == [{}]
    assert bindings(f"PREFIX ex: <http://example/> SELECT ?t ?u WHERE {{ <{M}> <http://www.w3.org/2000/01/rdf-schema#label> ?t "
                    f"BIND (ex:eins(?t) AS ?u) }}") == [{"t": {"type": "literal", "value": "Netzwerkarbeit", "xml:lang": "de"}}]
    assert bindings(f"PREFIX ex: <http://example/> SELECT ?t WHERE {{ <{M}> <http://www.w3.org/2000/01/rdf-schema#label> ?t "
                    f"FILTER (ex:eins(?t) || ex:zwei(?t)) }}") == []


def test_ask(client):
    r = client.get("/sparql", query_string={"query": f"ASK {{ <{M}> ?p ?o }}"}, headers={"Accept": "application/sparql-results+json"})
    assert json.loads(r.data)["boolean"] is True


@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_construct_formats(client, accept, rdflib_format):
    r = client.get("/sparql", query_string={"query": STEPS}, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    graph = Graph().parse(data=r.data, format=rdflib_format)
    texts = {str(o) for o in graph.objects(None, URIRef("https://schema.org/text"))}
    assert "Nachhaltigkeit sichern" in texts and len(texts) == 5


def test_format_parameter_as_fallback(client):
    r = client.get("/sparql", query_string={"query": TITLE, "format": "csv"}, headers={"Accept": "*/*"})
    assert r.mimetype == "text/csv"
    r = client.get("/sparql", query_string={"query": STEPS, "output": "json"})
    assert r.mimetype == "application/ld+json"


def test_q_values_and_wildcards(client):
    r = client.get("/sparql", query_string={"query": TITLE}, headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml"})
    assert r.mimetype == "application/sparql-results+xml"
    r = client.get("/sparql", query_string={"query": TITLE}, headers={"Accept": "*/*"})
    assert r.mimetype == "application/sparql-results+json"


def test_406_when_nothing_fits(client):
    r = client.get("/sparql", query_string={"query": TITLE}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and b"available" in r.data


def test_syntax_error_is_400_with_message(client):
    r = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x "})
    assert r.status_code == 400 and b"SPARQL syntax error" in r.data
    assert b"Traceback" not in r.data


@pytest.mark.parametrize("send", [
    lambda c: c.post("/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}),
    lambda c: c.post("/sparql", data=b"DROP ALL", content_type="application/sparql-update"),
    lambda c: c.get("/sparql", query_string={"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}),
])
def test_updates_are_refused(client, send):
    r = send(client)
    assert r.status_code == 400 and b"read-only" in r.data
    count = client.get("/sparql", query_string={"query": "ASK { <a:b> ?p ?o }"}, headers={"Accept": "application/sparql-results+json"})
    assert json.loads(count.data)["boolean"] is False


def test_protocol_errors(client):
    r = client.get("/sparql", query_string=[("query", TITLE), ("query", TITLE)])
    assert r.status_code == 400 and b"more than one" in r.data
    r = client.get("/sparql", query_string={"default-graph-uri": "https://w3id.org/quartiers-kg/graph/data"})
    assert r.status_code == 400 and b"missing 'query'" in r.data
    r = client.post("/sparql", data=TITLE, content_type="text/plain")
    assert r.status_code == 415
    r = client.put("/sparql", data=TITLE)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_default_graph_uri_selects_the_dataset(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def count(graph):
        r = client.get("/sparql", query_string={"query": query, "default-graph-uri": graph}, headers={"Accept": "text/csv"})
        return int(r.data.decode().splitlines()[1])

    assert count("https://w3id.org/quartiers-kg/graph/data") == DATA_TRIPLES
    ontology = Graph().parse(ROOT / "ontology" / "quartiers-kg.ttl", format="turtle")
    assert count("https://w3id.org/quartiers-kg/graph/ontology") == len(ontology)


def test_service_description(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.data, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = next(g.objects(None, URIRef(sd + "endpoint")))
    assert str(endpoint).endswith("/sparql")
    formats = {str(o) for o in g.objects(None, URIRef(sd + "resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    names = {str(o) for o in g.objects(None, URIRef(sd + "name"))}
    assert names == {f"https://w3id.org/quartiers-kg/graph/{n}" for n in ("data", "ontology", "shapes", "meta")}


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.kind == GRAPH])
def test_service_description_in_every_graph_format_of_the_registry(client, fmt):
    """Comunica asks with Accept: application/n-quads; every graph format of the registry is offered."""
    r = client.get("/sparql", headers={"Accept": fmt.media_type})
    assert r.status_code == 200 and r.mimetype == fmt.media_type
    triples = list(pyoxigraph.parse(r.data, format=fmt.ox, base_iri="http://localhost/"))
    assert any(t.predicate.value == "http://www.w3.org/ns/sparql-service-description#endpoint" for t in triples)


def test_formats_not_offered_for_an_answer_are_406(client):
    for path, accept in (("/sparql", "image/png"), ("/sparql?query=ASK%7B%7D", "application/n-quads"),
                         ("/module/116", "application/sparql-results+json"), ("/api/queries/module-steps", "text/turtle")):
        r = client.get(path, headers={"Accept": accept})
        assert r.status_code == 406, path
        assert b"available" in r.data


def test_browser_gets_the_query_page(client):
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and b"<textarea" in r.data
    r = client.get("/sparql", query_string={"query": TITLE}, headers={"Accept": "text/html"})
    assert b"Netzwerkarbeit" in r.data and b'<table class="results">' in r.data


def test_row_cap_is_signalled(settings):
    capped = served_client(create_app(settings.with_(max_rows=3)))
    r = capped.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert r.headers["X-Result-Truncated"] == "true" and r.headers["X-Result-Limit"] == "3"
    assert len(list(csv.DictReader(io.StringIO(r.data.decode())))) == 3


class _Listener:
    """A TCP listener on loopback that records whether anybody connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "select * {{ ?a ?b ?c . SERVICE\n<http://localhost:{port}/x> {{ ?s ?p ?o }} }}",
])
def test_service_is_refused_and_nothing_connects(server, template):
    listener = _Listener()
    try:
        query = template.format(port=listener.port)
        url = server + "/sparql?" + urllib.parse.urlencode({"query": query})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url, timeout=10)
        with err.value:
            assert err.value.code == 400 and b"SERVICE is not allowed" in err.value.read()
    finally:
        listener.close()
    assert listener.connections == 0


def test_deep_nesting_is_refused_and_the_server_lives_on(server):
    query = "SELECT * WHERE " + "{" * 20000 + " ?s ?p ?o " + "}" * 20000
    request = urllib.request.Request(server + "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    with err.value:
        assert err.value.code == 400 and b"nested deeper" in err.value.read()
    with urllib.request.urlopen(server + "/sparql?" + urllib.parse.urlencode({"query": TITLE}), timeout=10) as r:
        assert json.loads(r.read())["results"]["bindings"][0]["title"]["value"] == "Netzwerkarbeit"


def test_oversized_query_is_413(server):
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 400_000
    request = urllib.request.Request(server + "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    with err.value:
        assert err.value.code == 413


def test_sparqlwrapper_and_rdflib_store_work_unmodified(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

    wrapper = SPARQLWrapper(server + "/sparql")
    wrapper.setQuery(TITLE)
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["results"]["bindings"][0]["title"]["value"] == "Netzwerkarbeit"
    wrapper.setReturnFormat(XML)
    assert [e.firstChild.data for e in wrapper.query().convert().getElementsByTagName("literal")] == ["Netzwerkarbeit"]
    wrapper.setReturnFormat(CSV)
    assert wrapper.query().convert().decode().splitlines()[1] == "Netzwerkarbeit"
    wrapper.setQuery(STEPS)
    wrapper.setReturnFormat(TURTLE)
    graph = Graph().parse(data=wrapper.query().convert(), format="turtle")
    assert len(set(graph.objects(None, URIRef("https://schema.org/text")))) == 5
    store = SPARQLStore(server + "/sparql", returnFormat="json")
    rows = list(store.query(TITLE))
    assert rows[0][0] == Literal("Netzwerkarbeit", lang="de")


def test_from_in_the_query_chooses_the_dataset(client):
    query = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/quartiers-kg/graph/data> WHERE { ?s ?p ?o }"
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert int(r.data.decode().splitlines()[1]) == DATA_TRIPLES


def test_head_wildcards_and_nquads(client):
    head = client.head("/sparql", query_string={"query": TITLE}, headers={"Accept": "text/csv"})
    assert head.status_code == 200 and head.mimetype == "text/csv" and head.data == b""
    r = client.get("/sparql", query_string={"query": TITLE}, headers={"Accept": "application/*"})
    assert r.mimetype == "application/sparql-results+json" and json.loads(r.data)["head"]["vars"] == ["title"]
    r = client.get("/sparql", query_string={"query": STEPS}, headers={"Accept": "application/*;q=0.5, application/n-quads"})
    assert r.mimetype == "application/n-quads"
    import pyoxigraph

    quads = list(pyoxigraph.parse(r.data, format=pyoxigraph.RdfFormat.N_QUADS))
    assert len([q for q in quads if q.predicate.value == "https://schema.org/text"]) == 5
    r = client.get("/sparql", query_string={"query": STEPS}, headers={"Accept": "text/csv"})
    assert r.status_code == 406 and b"text/turtle" in r.data


def test_method_not_allowed_names_the_methods(client):
    r = client.delete("/sparql", headers={"Accept": "application/json"})
    assert r.status_code == 405 and json.loads(r.data)["status"] == 405
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
