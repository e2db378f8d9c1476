"""One suite, three stores: the embedded Oxigraph store, the Oxigraph server and Virtuoso over the SPARQL Protocol.

Everything above the store — pages, named-query API, explorer data, harvest documents, the endpoint
with its guards — must answer alike; a build that fails half-way must leave what is served untouched.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from xml.etree import ElementTree

import pytest
import requests
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDFS

from quartiers_kg.build import build
from quartiers_kg.config import Settings
from quartiers_kg.errors import QueryTimeout, StoreError
from quartiers_kg.store import Engine, RemoteStore, open_store
from quartiers_kg.web import create_app

from ..conftest import DATA_TRIPLES, running_server, served_client
from ..engines import oxigraph_server, virtuoso_server

BASE = "https://w3id.org/quartiers-kg/"
DATA, META = BASE + "graph/data", BASE + "graph/meta"
PRIVATE = "http://example.org/private"  # another graph on the same engine, not ours to serve
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
ENGINES = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}


@pytest.fixture(scope="session", params=["embedded", "oxigraph", "virtuoso"])
def published(request, settings, tmp_path_factory):
    """Settings of the dataset built and published on each kind of store (remote engines also hold a graph of someone else's)."""
    if request.param == "embedded":
        yield settings
        return
    folder = tmp_path_factory.mktemp(request.param)
    with ENGINES[request.param](folder) as (remote, _):
        s = Settings.from_env({}, store_dir=folder / "store", **remote)
        Engine.from_settings(s).update(f"INSERT DATA {{ GRAPH <{PRIVATE}> {{ <{PRIVATE}#secret> <{PRIVATE}#is> 'private' }} }}")
        build(s)
        yield s


@pytest.fixture(scope="session")
def client_of(published):
    app = create_app(published)
    app.config["TESTING"] = True
    return served_client(app)


@pytest.fixture(scope="session")
def embedded_client(app):
    return served_client(app)


def select(client, query: str, **params) -> list[dict]:
    response = client.get("/sparql", query_string={"query": query, **params}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [{k: v["value"] for k, v in row.items()} for row in response.get_json()["results"]["bindings"]]


def test_module_page_as_turtle_and_html(client_of):
    response = client_of.get("/module/116", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    module = URIRef(BASE + "module/116")
    assert (module, RDFS.label, Literal("Netzwerkarbeit", lang="de")) in graph
    related = set(graph.objects(module, URIRef(BASE + "ontology#relatedModule")))
    assert related == {URIRef(BASE + f"module/{n}") for n in (35, 69, 75)}
    html = client_of.get("/module/116", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<h1" in html and "Netzwerkarbeit" in html


def test_describe_equals_the_embedded_store(client_of, embedded_client):
    """Every triple about module 116 (with its blank nodes' shapes) on each store."""
    def triples(client):
        body = client.get("/module/116", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
        return {t for t in Graph().parse(data=body, format="nt") if not any(n.__class__.__name__ == "BNode" for n in t)}
    assert triples(client_of) == triples(embedded_client)


@pytest.mark.parametrize("name", ["module-assessments", "modules-by-funding", "related-modules", "projects-by-town",
                                  "literature-by-year", "module-steps", "funding-overview", "module-relations"])
def test_named_queries_answer_as_on_the_embedded_store(client_of, embedded_client, app, name):
    params = {p.name: p.example for p in app.config["QUERIES"][name].parameters}

    def rows(client):
        response = client.get(f"/api/queries/{name}", query_string=params, headers={"Accept": "text/csv"})
        assert response.status_code == 200, response.get_data(as_text=True)
        return Counter(tuple(row) for row in csv.reader(io.StringIO(response.get_data(as_text=True))))
    expected = rows(embedded_client)
    assert sum(expected.values()) > 1  # a header and at least one row
    assert rows(client_of) == expected


def test_relations_for_the_explorer(client_of):
    response = client_of.get("/api/relations", query_string={"module": "116", "kind": "reference-outgoing"},
                             headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {row["otherNumber"] for row in rows} == {"35", "69", "75"}
    picture = ElementTree.fromstring(client_of.get("/explore.svg").get_data())  # drawn from the same store
    texts = {"".join(t.itertext()).strip() for t in picture.iter("{http://www.w3.org/2000/svg}text")}
    assert {"116", "35", "69", "75"} <= texts


def test_union_default_graph_is_ours_only(client_of):
    graphs = {row["g"] for row in select(client_of, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == {BASE + f"graph/{name}" for name in ("data", "ontology", "shapes", "meta")}
    assert select(client_of, f"SELECT ?o WHERE {{ <{PRIVATE}#secret> ?p ?o }}") == []
    assert select(client_of, f"SELECT ?o FROM <{PRIVATE}> WHERE {{ ?s ?p ?o }}") == []
    assert select(client_of, "SELECT ?o WHERE { ?s ?p ?o }", **{"default-graph-uri": PRIVATE}) == []


def test_dataset_clauses_and_protocol_dataset(client_of):
    count = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"
    assert int(select(client_of, count.format(**{"from": f"FROM <{DATA}>"}))[0]["n"]) == DATA_TRIPLES
    assert int(select(client_of, count.format(**{"from": ""}), **{"default-graph-uri": DATA})[0]["n"]) == DATA_TRIPLES
    # the protocol's dataset overrides FROM, as the SPARQL 1.1 Protocol says
    assert int(select(client_of, count.format(**{"from": f"FROM <{META}>"}), **{"default-graph-uri": DATA})[0]["n"]) == DATA_TRIPLES
    named = select(client_of, f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{DATA}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g")
    assert [(r["g"], int(r["n"])) for r in named] == [(DATA, DATA_TRIPLES)]


@pytest.mark.parametrize("query, expected", [("ASK { ?m <http://www.w3.org/2000/01/rdf-schema#label> 'Netzwerkarbeit'@de }", True),
                                             ("ASK { ?m <http://www.w3.org/2000/01/rdf-schema#label> 'Nichts'@de }", False)])
def test_ask_is_a_boolean(client_of, query, expected):
    for accept in ("application/sparql-results+json", "application/sparql-results+xml"):
        response = client_of.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        if "json" in accept:
            found = json.loads(body)["boolean"]
        else:
            found = {"true": True, "false": False}[ElementTree.fromstring(body).find(f"{{{RESULTS_NS}}}boolean").text]
        assert found is expected


def test_construct_and_substitution_through_the_endpoint(client_of):
    query = f"CONSTRUCT {{ ?m ?p ?o }} WHERE {{ GRAPH <{DATA}> {{ ?m ?p ?o FILTER (?m = <{BASE}module/116>) }} }}"
    response = client_of.get("/sparql", query_string={"query": query}, headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert (URIRef(BASE + "module/116"), URIRef(BASE + "ontology#moduleNumber"), Literal(116)) in graph


@pytest.mark.parametrize("query, status, words", [
    ("SELECT * WHERE { ?s ?p }", 400, "syntax error"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400, "SERVICE"),
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", 400, "read-only"),
    ("SELECT * WHERE { ?s ?p ?o FILTER (<bif:file_to_string>('/etc/passwd')) }", 400, "built-in"),
    ("DEFINE input:grab-all 'yes' SELECT * WHERE { ?s ?p ?o }", 400, "syntax error"),
])
def test_guards_hold_on_every_store(client_of, query, status, words):
    response = client_of.get("/sparql", query_string={"query": query}, headers={"Accept": "text/plain"})
    assert response.status_code == status
    assert words in response.get_data(as_text=True)


def test_row_cap_on_every_store(published):
    app = create_app(published.with_(max_rows=7, cache_bytes=0))
    response = served_client(app).get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                                     headers={"Accept": "text/csv"})
    assert response.headers["X-Result-Truncated"] == "true"
    assert len(list(csv.reader(io.StringIO(response.get_data(as_text=True))))) == 1 + 7


def test_harvest_documents(client_of, published):
    info = open_store(published).info
    void = Graph().parse(data=client_of.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True),
                         format="turtle")
    subsets = {str(s): int(n) for s, n in void.query(
        "SELECT ?s ?n WHERE { ?d <http://rdfs.org/ns/void#subset> ?s . ?s <http://rdfs.org/ns/void#triples> ?n }")}
    assert subsets[DATA] == info.graphs[DATA] == DATA_TRIPLES
    sizes = list(void.objects(None, DCAT.byteSize))
    assert sizes and all(s.datatype == XSD.nonNegativeInteger for s in sizes)
    with client_of.get("/dumps/quartiers-kg.ttl") as dump:
        assert dump.status_code == 200  # built on this machine: the build's files are here
        assert len(Graph().parse(data=dump.get_data(as_text=True), format="turtle")) == info.triples - info.graphs[META]
    assert client_of.get("/sitemap.xml").get_data(as_text=True).count("/module/116<") == 1


def test_a_build_failing_half_way_changes_nothing(published, monkeypatch):
    """The new graphs were loaded (remote: into staging graphs) when the build fails; what is served stays."""
    store = open_store(published)
    before = store.info
    from quartiers_kg.store import local

    def broken_dump(self, graphs):
        raise StoreError("disk full (a test)")
    monkeypatch.setattr(local.NewStore, "dump", broken_dump)
    with pytest.raises(StoreError, match="disk full"):
        build(published)
    monkeypatch.undo()
    store = open_store(published)
    assert store.info.version == before.version
    assert store.info.graphs == before.graphs


def test_a_build_failing_during_upload_changes_nothing(published, monkeypatch):
    if not published.store:
        pytest.skip("the embedded store has no upload")
    store = open_store(published)
    before = store.info
    sent = []
    real_add = Engine.add

    def add_then_fail(self, graph, triples):
        if sent:
            raise StoreError("connection lost (a test)")
        sent.append(graph)
        real_add(self, graph, triples)
    monkeypatch.setattr(Engine, "add", add_then_fail)
    with pytest.raises(StoreError, match="connection lost"):
        build(published.with_(store_chunk_triples=50))
    monkeypatch.undo()
    engine = Engine.from_settings(published)
    assert _count(engine, sent[0]) > 0  # half-way: the first part of the new graphs is on the engine
    store = RemoteStore(engine, BASE, published.store_dir, refresh=0)
    assert (store.info.version, store.info.graphs) == (before.version, before.graphs)
    # the next build clears the staging graphs the failed one left and publishes
    info, _ = build(published)
    assert _staging(engine) == []
    assert RemoteStore(engine, BASE, refresh=0).info.version == info.version


def test_rebuilding_is_idempotent(published):
    """The same pages give the same graphs; only the description gains the new version (what changed: nothing)."""
    versions = "SELECT (COUNT(?v) AS ?n) WHERE { ?v a <http://www.w3.org/ns/prov#Entity> ; <http://purl.org/dc/terms/isVersionOf> ?d }"

    def state():
        store, client = open_store(published), served_client(create_app(published))
        rows = select(client, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        counts = {r["g"]: int(r["n"]) for r in rows if not r["g"].endswith("/meta")}
        return counts, {g: n for g, n in store.info.graphs.items() if not g.endswith("/meta")}, int(select(client, versions)[0]["n"])
    before = state()
    build(published)
    after = state()
    assert after[:2] == before[:2] and after[2] == before[2] + 1


def test_a_real_server_on_each_store(published):
    """Server workers over the store: the endpoint through SPARQL Protocol clients' eyes."""
    env = {k: getattr(published, k) for k in ("store", "store_update_url", "store_graph_store_url", "store_user", "store_password")}
    with running_server(published, **{k: v for k, v in env.items() if v}) as (url, _):
        response = requests.post(url + "/sparql", data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                                        "default-graph-uri": DATA},
                                 headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == DATA_TRIPLES
        page = requests.get(url + "/module/116", headers={"Accept": "text/turtle"}, timeout=30)
        assert page.status_code == 200 and "Netzwerkarbeit" in page.text


def _count(engine: Engine, graph: str) -> int:
    return int(engine.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"].value)


def _staging(engine: Engine) -> list[str]:
    rows = engine.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?g), '{BASE}graph/staging') }}")
    return [row["g"].value for row in rows]


def test_killing_a_build_half_way_leaves_what_is_served(published, tmp_path):
    """SIGKILL to `quartiers-kg build` while it writes 200 new modules (remote: while it uploads them):
    readers see the old build, whole, and the next build clears what the dead one left."""
    from benchmarks.generate import main as generate

    generate(200, tmp_path / "source")
    before = open_store(published).info
    client = served_client(create_app(published.with_(cache_bytes=0, store_refresh=0)))
    modules = "SELECT ?m WHERE { ?m a <https://w3id.org/quartiers-kg/ontology#Module> } ORDER BY ?m"
    served = select(client, modules)
    settings = {"source_dir": tmp_path / "source", "store_chunk_triples": 200, "build_processes": 1,
                "store_dir": tmp_path / "store" if published.store else published.store_dir,
                **{k: getattr(published, k) for k in ("store", "store_update_url", "store_graph_store_url", "store_user", "store_password")}}
    env = {**os.environ, **{f"QKG_{k.upper()}": str(v) for k, v in settings.items()}}
    if published.store:
        engine = Engine.from_settings(published)
        half_way = lambda: any(_count(engine, g) > 0 for g in _staging(engine))
    else:
        root, builds = published.store_dir, set((published.store_dir / "builds").iterdir())
        half_way = lambda: any((d / "oxigraph").exists() and d != (root / "current").resolve()
                               for d in set((root / "builds").iterdir()) - builds)
    proc = subprocess.Popen([sys.executable, "-m", "quartiers_kg", "build"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not half_way():
        assert proc.poll() is None, "the build ended before it was caught half-way"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the build and its validating processes
    proc.wait()
    assert half_way()  # it died with part of the new build written
    after = open_store(published).info
    assert (after.version, after.graphs) == (before.version, before.graphs)
    assert select(client, modules) == served
    build(published)
    assert not half_way()


def test_time_budget_on_a_remote_engine(published):
    """Past its budget a query is a QueryTimeout that does not retire the worker: the engine runs it, not us.
    (The embedded store's runaway, which must retire its worker, is tested on a real server in test_limits.)"""
    if not published.store:
        pytest.skip("an embedded runaway keeps running in this process: tests/web/test_limits.py covers it")
    with pytest.raises(QueryTimeout) as caught:
        open_store(published).bounded_answer("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f", 1, 0.05)
    assert caught.value.in_process is False


def test_serve_publishes_into_an_empty_engine_first(tmp_path):
    with oxigraph_server(tmp_path) as (remote, _):
        settings = Settings.from_env({}, store_dir=tmp_path / "store", **remote)
        assert RemoteStore(Engine.from_settings(settings), BASE).published() is None
        with running_server(settings, **remote) as (url, _):
            page = requests.get(url + "/module/116", headers={"Accept": "text/turtle"}, timeout=30)
            assert page.status_code == 200 and "Netzwerkarbeit" in page.text
        assert RemoteStore(Engine.from_settings(settings), BASE).published() is not None


def test_an_unreachable_or_misnamed_engine_is_a_clear_error(runner, tmp_path):
    from quartiers_kg.cli import main

    result = runner.invoke(main, ["--store-dir", str(tmp_path), "--store", "sparql+http://127.0.0.1:9/query", "serve"])
    assert result.exit_code == 1
    assert "http://127.0.0.1:9/query cannot be reached" in result.output
    result = runner.invoke(main, ["--store", "http://127.0.0.1:9/query", "build"])
    assert result.exit_code == 2
    assert "setting store must be sparql+http(s)://" in result.output
