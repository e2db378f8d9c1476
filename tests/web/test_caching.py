"""The response cache in front of the app, in a real server's event loop: same request, same answer, from memory."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import urllib.error
import urllib.request

import pytest
from a2wsgi import WSGIMiddleware

from quartiers_kg.web import create_app
from quartiers_kg.web.caching import ResponseCache, served_version

from ..conftest import free_port, running_server


def get(url: str, **headers) -> tuple[int, object, bytes]:
    """Status, headers (names in any case) and body of a GET; an HTTP error status is returned, not raised."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.fixture(scope="module")
def one_worker(settings):
    """One worker, so that a repeated request meets the cache that kept the first answer."""
    with running_server(settings, workers=1) as (url, _):
        yield url


def test_repeated_get_is_a_hit_with_the_same_answer(one_worker):
    status, first_headers, first = get(one_worker + "/module/116", Accept="text/turtle")
    _, headers, second = get(one_worker + "/module/116", Accept="text/turtle")
    assert status == 200 and headers.get("X-Cache") == "hit" and first_headers.get("X-Cache") is None
    assert second == first and headers["ETag"] == first_headers["ETag"]
    assert int(headers["Content-Length"]) == len(first) and headers["Access-Control-Allow-Origin"] == "*"
    _, other_headers, other = get(one_worker + "/module/116", Accept="application/n-triples")
    assert other_headers["Content-Type"].startswith("application/n-triples") and other != first
    status, _, body = get(one_worker + "/module/116", Accept="text/turtle", **{"If-None-Match": first_headers["ETag"]})
    assert status == 304 and body == b""


def test_errors_and_posts_are_not_cached(one_worker):
    for _ in range(2):
        status, headers, _ = get(one_worker + "/module/99999", Accept="text/turtle")
        assert status == 404 and headers.get("X-Cache") is None
    for _ in range(2):
        request = urllib.request.Request(one_worker + "/sparql", data=b"query=ASK%7B%7D", headers={
            "Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.status == 200 and r.headers.get("X-Cache") is None and b"true" in r.read()


def test_cache_can_be_turned_off(settings):
    with running_server(settings, workers=1, cache_bytes=0) as (url, _):
        for _ in range(3):
            status, headers, body = get(url + "/sparql?query=ASK%7B%7D", Accept="application/sparql-results+json")
            assert status == 200 and headers.get("X-Cache") is None and b"true" in body


def test_a_store_failing_under_the_cache_is_a_503_with_its_reason(settings):
    """The cache asks the store for its version before the app runs: an engine that went away must still get the
    error handler's answer, on the first request and on every later one."""
    engine = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    app = create_app(settings.with_(store=f"sparql+{engine}"))
    cached = ResponseCache(WSGIMiddleware(app.wsgi_app), lambda: served_version(app), settings.cache_bytes)
    for _ in range(3):
        with ThreadPoolExecutor(1) as thread:  # its own event loop, whatever else runs in this one
            status, headers, body = thread.submit(asyncio.run, call(cached, "/module/116", b"text/plain")).result()
        assert status == 503 and b"x-cache" not in headers
        assert engine.encode() in body and b"Traceback" not in body


async def call(asgi_app, path: str, accept: bytes) -> tuple[int, dict, bytes]:
    """One GET through an ASGI app, in this process: status, headers, body."""
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"accept", accept), (b"host", b"localhost")], "http_version": "1.1", "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "root_path": ""}
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await asgi_app(scope, receive, send)
    return sent[0]["status"], dict(sent[0]["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def test_small_answers_fill_the_budget_too():
    """An ASK answer is a few bytes; what a kept answer costs is its headers and key as well, so that a stream of
    distinct small answers cannot keep millions of entries within a budget counted in bodies."""
    async def tiny(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/sparql-results+json"), (b"etag", b'"v-1"'),
                                *((f"x-header-{i}".encode(), b"x" * 40) for i in range(10))]})
        await send({"type": "http.response.body", "body": b'{"head":{},"boolean":true}'})

    async def requests():
        for n in range(2000):
            await call(cache, f"/sparql?n={n}", b"*/*")
        return await call(cache, "/sparql?n=1999", b"*/*")

    budget = 100_000
    cache = ResponseCache(tiny, lambda: "v", budget)
    with ThreadPoolExecutor(1) as thread:  # its own event loop, whatever else runs in this one
        status, headers, body = thread.submit(asyncio.run, requests()).result()
    per_entry = budget / len(cache.entries)
    assert cache.used <= budget and per_entry > 600  # headers, key and body: well over the 26 bytes of the body
    assert status == 200 and headers[b"x-cache"] == b"hit" and body == b'{"head":{},"boolean":true}'
