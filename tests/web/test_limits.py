"""A public endpoint under the worst the internet sends: runaway queries, malformed requests, preflights."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from quartiers_kg.errors import QueryOutOfMemory
from quartiers_kg.formats import BY_NAME
from quartiers_kg.store.answers import answer, run_bounded

from ..conftest import running_server

RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
CHEAP = "ASK { ?s ?p ?o }"


def workers_of(pid: int) -> set[int]:
    """The server's worker processes (its children, less multiprocessing's resource tracker)."""
    children = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children |= {int(c) for c in (task / "children").read_text().split()}
    return {c for c in children if b"resource_tracker" not in _cmdline(c)}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b"resource_tracker"  # gone: not a worker any more


def get(url: str, query: str, timeout: float = 30):
    try:
        with urllib.request.urlopen(url + "/sparql?" + urllib.parse.urlencode({"query": query}), timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


@pytest.fixture(scope="module")
def strict_server(settings):
    with running_server(settings, query_timeout=5) as (url, proc):  # long enough to be caught running, busy or not
        yield url, proc


def test_runaway_query_is_stopped_and_others_still_answer(strict_server):
    url, proc = strict_server
    before = workers_of(proc.pid)
    outcome = {}

    def runaway():
        outcome["status"], outcome["body"] = get(url, RUNAWAY)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    status, body = get(url, CHEAP)
    answered_while_running = thread.is_alive()  # the cheap answer came before the runaway one's 503
    thread.join(30)
    assert status == 200 and json.loads(body)["boolean"] is True
    assert answered_while_running, "the cheap query waited for the runaway one"
    # stopped by its time budget, or by the worker's memory budget where that comes first
    assert outcome["status"] == 503 and (b"time budget of 5 s" in outcome["body"] or b"MiB" in outcome["body"])
    # the worker that ran it is retired (its thread cannot be cancelled) and the supervisor starts a new one
    deadline = time.monotonic() + 10
    while (workers_of(proc.pid) & before) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    after = workers_of(proc.pid)
    assert len(before - after) == 1
    deadline = time.monotonic() + 10
    while len(workers_of(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(workers_of(proc.pid)) == 2
    assert get(url, CHEAP)[0] == 200


def raw(url: str, request_bytes: bytes) -> tuple[int, bytes]:
    """Send bytes as they are (for requests no client library would build) and read the status line."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.connect()
    conn.sock.sendall(request_bytes)
    response = http.client.HTTPResponse(conn.sock)
    response.begin()
    body = response.read()
    conn.close()
    return response.status, body


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /sparql?query=%ff%fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400),
    (b"GET /sparql?query=ASK%7B%7D%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\nConnection: close\r\n\r\nquery=%C3%28", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 6\r\nConnection: close\r\n\r\nASK\xff{}", 400),
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: " + b"a/b;q=x," * 2000 + b"\r\nConnection: close\r\n\r\n", 431),
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: ;;;,,/,*/;q=2\r\nConnection: close\r\n\r\n", 200),
    (b"GET /sparql?query=" + b"A" * 9000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 414),
])
def test_malformed_requests_are_4xx(server, request_bytes, status):
    code, body = raw(server, request_bytes)
    assert code == status or (status == 414 and code in (400, 414)), (code, body[:200])
    assert b"Traceback" not in body


def test_cors_preflight(client):
    r = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "Content-Type"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"] and "Content-Type" in r.headers["Access-Control-Allow-Headers"]


def test_large_query_by_post(client):
    query = "SELECT ?x WHERE { VALUES ?x { " + " ".join(f'"v{i}"' for i in range(6000)) + " } } LIMIT 2"
    assert len(query) > 40_000
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and len(json.loads(r.data)["results"]["bindings"]) == 2


def test_sparqlwrapper_hints_are_honoured(client):
    r = client.get("/sparql", query_string={"query": CHEAP, "format": "xml", "output": "xml", "results": "xml"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+xml"


@pytest.mark.parametrize("iri", ["file:///etc/passwd", "http://127.0.0.1:9/graph"])
def test_dataset_iris_read_only_the_store(client, iri):
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    for params in ({"default-graph-uri": iri}, {"named-graph-uri": iri}):
        r = client.get("/sparql", query_string={"query": query, **params}, headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.data.decode().splitlines()[1] == "0"
    r = client.get("/sparql", query_string={"query": f"SELECT (COUNT(*) AS ?n) FROM <{iri}> {{ ?s ?p ?o }}"}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.data.decode().splitlines()[1] == "0"


def test_the_memory_budget_counts_what_a_query_adds_not_what_the_worker_holds():
    held = b"x" * (96 << 20)  # what a worker holds anyway: the store's copy in memory, the response cache

    def calm():
        time.sleep(0.3)
        return len(held)

    assert run_bounded(calm, 5, max_memory=16 << 20) == 96 << 20

    def greedy():
        grown = []
        for _ in range(40):  # 8 MiB every 20 ms: 320 MiB over 0.8 s
            grown.append(b"y" * (8 << 20))
            time.sleep(0.02)
        return len(grown)

    started = time.monotonic()
    with pytest.raises(QueryOutOfMemory, match="16 MiB"):
        run_bounded(greedy, 5, max_memory=16 << 20)
    assert time.monotonic() - started < 0.8  # stopped while it was still growing


@pytest.mark.parametrize("rows,cap", [(3, 3), (4, 3), (0, 0), (1, 0), (2500, 2000)])
def test_the_row_cap_counts_rows_with_line_breaks_and_tabs(rows, cap):
    """The cap is counted in the lines of pyoxigraph's TSV, where a literal's line break or tab is escaped."""
    store = ox.Store()
    text = 'Zeile\n2\t"drei"'
    store.extend([ox.Quad(ox.NamedNode(f"http://example.org/{i:05d}"), ox.NamedNode("http://example.org/p"),
                          ox.Literal(text, language="de")) for i in range(rows)])
    found = answer(store.query("SELECT ?s ?o { ?s ?p ?o } ORDER BY ?s"), cap)
    assert found.truncated is (rows > cap) and len(found.rows) == min(rows, cap)
    assert all(row[1] == ox.Literal(text, language="de") for row in found.rows)
    bindings = json.loads(found.serialize(BY_NAME["json"]))["results"]["bindings"]
    assert [b["s"]["value"] for b in bindings] == [f"http://example.org/{i:05d}" for i in range(min(rows, cap))]
    assert found.serialize(BY_NAME["tsv"]).count(b"\n") == min(rows, cap) + 1
