"""Serving: several workers answer alike, and any Oxigraph store or RDF file can be served as it is."""

from __future__ import annotations

import json
import sys
import time
import urllib.parse
import urllib.request

import pyoxigraph as ox

from ..conftest import free_port, process_on_loopback, running_server

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def ask(url: str, query: str) -> tuple[dict, str]:
    request = urllib.request.Request(url + "/sparql?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json", "Connection": "close"})
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.loads(r.read()), r.headers["X-Served-By"]


def test_two_workers_answer_the_same(settings):
    with running_server(settings, workers=2, cache_bytes=0) as (url, _):
        answers, workers = set(), set()
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            body, worker = ask(url, QUERY)
            answers.add(json.dumps(body, sort_keys=True))
            workers.add(worker)
        assert len(workers) == 2 and len(answers) == 1


def test_serve_an_oxigraph_store_and_an_rdf_file(tmp_path):
    triples = "".join(f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(25))
    file = tmp_path / "data.nt"
    file.write_text(triples, encoding="utf-8")
    store_dir = tmp_path / "oxigraph"
    store = ox.Store(str(store_dir))
    store.load(triples.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("http://example.org/g"))
    store.flush()
    del store
    for source, expected in ((file, 25), (store_dir, 25)):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with process_on_loopback([sys.executable, "-m", "quartiers_kg", "serve", str(source), "--port", str(port)],
                                 url + "/sparql?query=ASK%7B%7D", tmp_path / "server.log"):
            body, _ = ask(url, QUERY)
            assert int(body["results"]["bindings"][0]["n"]["value"]) == expected
            with urllib.request.urlopen(url + "/sparql", timeout=10) as r:  # the service description names what is there
                assert r.status == 200
