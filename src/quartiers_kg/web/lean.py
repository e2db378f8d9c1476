"""The lean path of the SPARQL protocol: GET and POST /sparql and the named queries' SPARQL answers, answered in the
event loop with one hand-off to the query threads, which also write the answer (pyoxigraph's writers).

Flask answers everything else: the pages, every answer or error a browser gets as HTML, the Service Description,
GeoJSON, HEAD and OPTIONS. `LeanPath.target` and `LeanPath.for_pages` are the one place that decides; both paths
read requests and write answers and errors with protocol.py, and the lean path's answers are Flask's byte for byte
(tests/web/test_lean.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from flask import Flask
from werkzeug.http import parse_etags, remove_entity_headers
from werkzeug.sansio.http import is_resource_modified

from ..errors import QuartiersError
from ..formats import HTML, SOLUTIONS, from_hint
from ..store import run_bounded_async
from . import geojson
from .caching import worker_token
from .context import store_of
from .protocol import (COMMON_HEADERS, FAILED, HINTS, MAX_AGE, address, answer_body, answer_format, answer_headers,
                       dataset_of, error_body, error_form, error_of, form_pairs, query_of, read_request, retires,
                       substitutions_of, validators, wants_page)

log = logging.getLogger(__name__)
NAMED = "/api/queries/"
CONDITIONS = (b"if-none-match", b"if-modified-since", b"if-match", b"range", b"if-range")


class LeanPath:
    """ASGI app: the protocol's machine answers here, every other request to `pages` (Flask behind its WSGI adapter).

    `retire` is called after answering a query that ran past its budget in this process (the server ends the
    worker; its evaluation cannot be cancelled). At most `settings.threads * 2` queries run at once, as many as
    Flask's threads.
    """

    def __init__(self, app: Flask, pages, retire: Callable[[], None] | None = None):
        self.app, self.pages, self.retire = app, pages, retire
        self.settings, self.queries = app.config["SETTINGS"], app.config["QUERIES"]
        self.slots: asyncio.Semaphore | None = None

    def target(self, scope, accept: str | None) -> str | None:
        """"sparql" or a named query's name where this path may answer; None where Flask does."""
        if scope["type"] != "http":
            return None
        path, method = scope["path"], scope["method"]
        if path == "/sparql":  # a GET without parameters asks for the Service Description
            target = "sparql" if method == "POST" or (method == "GET" and scope["query_string"]) else None
        else:
            name = path[len(NAMED):] if path.startswith(NAMED) else None
            target = name if method == "GET" and name in self.queries else None
        return None if target is None or wants_page(accept) else target  # browsers get the pages

    @staticmethod
    def for_pages(params: dict, accept: str | None) -> bool:
        """Whether the parameters ask for what Flask writes: the HTML page by a format hint, or GeoJSON."""
        return geojson.wanted(params, accept) or any(from_hint(value, SOLUTIONS) is HTML for key in HINTS
                                                      for value in params.get(key, []))

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", ()))
        accept = headers[b"accept"].decode("latin-1") if b"accept" in headers else None
        target = self.target(scope, accept)
        if target is None:
            return await self.pages(scope, receive, send)
        body = await _body(receive)
        try:
            params, asked = self._read(target, scope, headers, body)
        except QuartiersError as err:
            return await self._failed(send, err, accept)
        if self.for_pages(params, accept):
            return await self.pages(scope, replay(body, receive), send)
        try:
            store = store_of(self.app)
            if target == "sparql":
                query = query_of(asked)
                dataset = dataset_of(asked, query, self.settings, address(self.settings, "/sparql"))
                job = store.answer_job(query, self.settings.max_rows, **dataset)
            else:
                q = self.queries[target]
                job = store.answer_job(q.text, self.settings.max_rows, substitutions=substitutions_of(q, params))
            fmt, extra, written = await self._run(job, store.in_process, params, accept)
        except QuartiersError as err:
            return await self._failed(send, err, accept)
        except Exception as err:  # noqa: BLE001 - the one net under this path, as Flask's handler is under the pages
            log.exception("unexpected error", exc_info=err)
            return await self._error(send, 500, FAILED, accept)
        status, head = 200, {**extra, "X-Served-By": worker_token()}
        if scope["method"] == "GET":
            etag, modified = validators(store.info, fmt.content_type)
            head |= {"ETag": f'"{etag}"', "Last-Modified": modified, "Cache-Control": f"public, max-age={MAX_AGE}"}
            if any(name in headers for name in CONDITIONS):
                status = _conditional(headers, head["ETag"], modified)
        pairs = list(head.items())
        if status != 200:  # as werkzeug answers: no entity headers, and a 304 has no body
            remove_entity_headers(pairs)
            written = b"" if status == 304 else written
        await _answer(send, status, pairs, written)

    @staticmethod
    def _read(target: str, scope, headers: dict, body: bytes):
        """(parameters, the protocol request or None) of a request to the endpoint or to a named query."""
        if target != "sparql":
            return form_pairs(scope["query_string"], "URL query string"), None
        content_type = headers[b"content-type"].decode("latin-1") if b"content-type" in headers else None
        asked = read_request(scope["method"], scope["query_string"], content_type, body)
        return asked.params, asked

    async def _run(self, job: Callable, in_process: bool, params: dict, accept: str | None):
        """(format, headers, body) of a job's answer, written on the query thread, within the query budgets."""
        def work():
            ans = job()
            fmt = answer_format(ans.kind, params, accept)  # never HTML: target() and for_pages() sent those to Flask
            return fmt, answer_headers(ans, fmt, self.settings.max_rows), answer_body(ans, fmt)

        self.slots = self.slots or asyncio.Semaphore(self.settings.threads * 2)
        async with self.slots:
            return await run_bounded_async(work, self.settings.query_timeout, in_process, self.settings.memory_per_worker)

    async def _failed(self, send, err: QuartiersError, accept: str | None) -> None:
        status, message = error_of(err)
        await self._error(send, status, message, accept)
        if retires(err) and self.retire:
            self.retire()

    @staticmethod
    async def _error(send, status: int, message: str, accept: str | None) -> None:
        content_type, body = error_body(status, message, error_form(accept))
        await _answer(send, status, [("Content-Type", content_type), ("X-Served-By", worker_token())], body)


def replay(body: bytes, receive):
    """A receive that gives the body read already, then listens as `receive` does, for the app the request goes on to."""
    delivered = False

    async def again():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return again


async def _body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b""
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _conditional(headers: dict, etag: str, modified: str) -> int:
    """200, or 304 (412 with If-Match) where the client's copy is current: werkzeug's rules, as Flask's answers."""
    text = {name: headers[name].decode("latin-1") for name in CONDITIONS if name in headers}
    if is_resource_modified(http_range=text.get(b"range"), http_if_range=text.get(b"if-range"),
                            http_if_modified_since=text.get(b"if-modified-since"), http_if_none_match=text.get(b"if-none-match"),
                            http_if_match=text.get(b"if-match"), etag=etag, last_modified=modified):
        return 200
    return 412 if parse_etags(text.get(b"if-match")) else 304


COMMON_RAW = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in COMMON_HEADERS.items()]


async def _answer(send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    """Send an answer: `headers`, then those every answer carries (protocol.COMMON_HEADERS), and the length."""
    raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers] + COMMON_RAW
    if status != 304:
        raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
