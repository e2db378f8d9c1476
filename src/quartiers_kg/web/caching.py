"""HTTP caching from the dataset version: ETag and Last-Modified on every GET answer, 304, and a
response cache per worker in front of the app, since between two builds a GET always gets the same answer."""

from __future__ import annotations

import os
import secrets
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, Response, request

from .. import metrics
from ..errors import StoreError
from .context import get_store, store_of
from .protocol import MAX_AGE, validators

CACHEABLE_BYTES = 1 << 20  # larger answers (dumps, big results) are not kept
VARIES = (b"accept", b"accept-language")  # request headers an answer depends on
UNCACHED = ("/health", "/metrics")  # they tell the state of the server, not of the data
_WORKER: tuple[int, str] = (0, "")


def worker_token() -> str:
    """A random name for this worker process (made after the fork): tells workers apart without naming a PID."""
    global _WORKER
    if _WORKER[0] != os.getpid():
        _WORKER = (os.getpid(), f"worker-{secrets.token_hex(4)}")
    return _WORKER[1]


def register(app: Flask) -> None:
    @app.after_request
    def conditional(response: Response) -> Response:
        """The answer to a GET is fixed by the URL, the representation and the dataset version."""
        response.headers["X-Served-By"] = worker_token()
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.cache_control.no_store:
            return response
        try:
            info = get_store().info
        except StoreError:
            return response
        etag, modified = validators(info, response.content_type)
        if not response.get_etag()[0]:
            response.set_etag(etag)
        response.headers["Last-Modified"] = modified
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
        response = response.make_conditional(request)
        del response.headers["Date"]  # werkzeug adds one; the server sends its own on every answer, cached or not
        return response


def served_version(app: Flask) -> str | None:
    """The version the app serves if its store is open and answers; else None (and the app answers, errors too)."""
    if app.extensions.get("quartiers_store") is None:
        return None
    try:
        return store_of(app).info.version  # also the look for a new build, which cached answers would skip
    except StoreError:
        return None


class ResponseCache:
    """ASGI middleware: a repeated GET is answered from memory in the event loop, without a thread or Flask.

    Keyed by dataset version, path, query string and the headers an answer varies by; least recently used
    answers go first when `budget` bytes are used. Conditional requests with If-None-Match are answered
    here too. `version()` names the served dataset version, or None while there is none (then the app answers).
    """

    def __init__(self, app, version: Callable[[], str | None], budget: int):
        self.app, self.version, self.budget = app, version, budget
        self.used = 0
        self.entries: OrderedDict[tuple, tuple[int, list, bytes, bytes]] = OrderedDict()

    async def __call__(self, scope, receive, send):
        version = self.version() if self.budget and scope["type"] == "http" and scope["method"] == "GET" else None
        headers = dict(scope["headers"]) if version else {}
        if (not version or b"range" in headers or b"if-modified-since" in headers or scope["path"].startswith("/dumps/")
                or scope["path"] in UNCACHED):
            return await self.app(scope, receive, send)
        key = (version, scope.get("raw_path") or scope["path"].encode(), scope["query_string"],
               *(headers.get(name) for name in VARIES))
        entry = self.entries.get(key)
        (metrics.CACHE_MISSES if entry is None else metrics.CACHE_HITS).inc()
        if entry is not None:
            self.entries.move_to_end(key)
            status, stored, body, etag = entry
            if etag and etag in headers.get(b"if-none-match", b""):
                await send({"type": "http.response.start", "status": 304,
                            "headers": [(k, v) for k, v in stored if k in (b"etag", b"vary", b"cache-control")]})
                return await send({"type": "http.response.body", "body": b""})
            await send({"type": "http.response.start", "status": status, "headers": [*stored, (b"x-cache", b"hit")]})
            return await send({"type": "http.response.body", "body": body})
        start, chunks = {"size": 0}, []

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message, length=dict(message.get("headers", ())).get(b"content-length"))
            elif message["type"] == "http.response.body" and "done" not in start:
                chunks.append(message.get("body", b""))
                start["size"] += len(chunks[-1])
                # kept before the last byte goes out: a client may ask again as soon as it has the whole answer
                whole = not message.get("more_body") or str(start["size"]).encode() == start["length"]
                if start["size"] > CACHEABLE_BYTES or start.get("status") != 200 or b"if-none-match" in headers:
                    chunks.clear()  # not kept: stop collecting
                    start["done"] = True
                elif whole:
                    self._keep(key, start.get("headers", ()), b"".join(chunks))
                    start["done"] = True
            await send(message)

        await self.app(scope, receive, capture)

    def _keep(self, key: tuple, headers, body: bytes) -> None:
        """Keep an answer; its size is its body, headers and key, so that many small answers fill the budget too.

        Headers are a tuple of tuples of bytes, which the garbage collector stops tracking: a full cache of small
        answers would otherwise make every full collection walk millions of objects (pauses of 100 ms were measured).
        """
        # the server adds its own Date to every answer; a kept one would be stale
        stored = tuple((k.lower(), v) for k, v in headers if k.lower() not in (b"content-length", b"date")) + (
            (b"content-length", str(len(body)).encode()),)
        self.entries[key] = (200, stored, body, dict(stored).get(b"etag", b""))
        self.used += _size(key, stored, body)
        while self.used > self.budget and self.entries:
            old_key, (_, old_headers, old_body, _) = self.entries.popitem(last=False)
            self.used -= _size(old_key, old_headers, old_body)
        metrics.CACHE_BYTES.set(self.used)


ENTRY_OVERHEAD = 400  # bytes of Python objects around an entry (tuples, the dictionary's slot)


def _size(key: tuple, headers: tuple, body: bytes) -> int:
    return len(body) + sum(len(k) + len(v) for k, v in headers) + sum(len(part or b"") for part in key) + ENTRY_OVERHEAD
