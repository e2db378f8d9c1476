"""The response cache in front of the app: same request, same answer, from memory; nothing else changes."""

from __future__ import annotations

from quartiers_kg.web import create_app


def test_repeated_get_is_a_hit_with_the_same_answer(client):
    client.get("/")  # the cache starts once the worker has opened its store
    first = client.get("/module/116", headers={"Accept": "text/turtle"})
    second = client.get("/module/116", headers={"Accept": "text/turtle"})
    assert second.headers.get("X-Cache") == "hit"
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    other = client.get("/module/116", headers={"Accept": "application/n-triples"})
    assert other.mimetype == "application/n-triples" and other.data != first.data
    not_modified = client.get("/module/116", headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""


def test_errors_and_posts_are_not_cached(client):
    for _ in range(2):
        r = client.get("/module/99999", headers={"Accept": "text/turtle"})
        assert r.status_code == 404 and r.headers.get("X-Cache") != "hit"
    for _ in range(2):
        r = client.post("/sparql", data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.headers.get("X-Cache") != "hit"


def test_cache_can_be_turned_off(settings):
    client = create_app(settings.with_(cache_bytes=0)).test_client()
    for _ in range(3):
        r = client.get("/sparql", query_string={"query": "ASK {}"})
        assert r.status_code == 200 and r.headers.get("X-Cache") != "hit"


def test_a_store_failing_under_the_cache_is_a_503_with_its_reason(settings):
    """The cache asks the store for its version before Flask runs: an engine that went away must still get the
    error handler's answer, on the first request and on every later one."""
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    client = create_app(settings.with_(store=f"sparql+{url}")).test_client()
    for _ in range(3):
        r = client.get("/module/116", headers={"Accept": "text/plain"})
        assert r.status_code == 503
        assert url.encode() in r.data and b"Traceback" not in r.data
