"""HTTP caching from the dataset version: ETag and Last-Modified on every GET answer, 304, and a
response cache per worker in front of the app, since between two builds a GET always gets the same answer."""

from __future__ import annotations

import os
import secrets
import zlib
from collections import OrderedDict
from datetime import datetime

from flask import Flask, Response, request

from ..errors import StoreError
from .context import get_store

CACHEABLE_BYTES = 1 << 20  # larger answers (dumps, big results) are not kept
_WORKER: tuple[int, str] = (0, "")


def worker_token() -> str:
    """A random name for this worker process (made after the fork): tells workers apart without naming a PID."""
    global _WORKER
    if _WORKER[0] != os.getpid():
        _WORKER = (os.getpid(), f"worker-{secrets.token_hex(4)}")
    return _WORKER[1]


def register(app: Flask) -> None:
    @app.after_request
    def validators(response: Response) -> Response:
        """The answer to a GET is fixed by the URL, the representation and the dataset version."""
        response.headers["X-Served-By"] = worker_token()
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        try:
            info = get_store().info
        except StoreError:
            return response
        if not response.get_etag()[0]:
            variant = zlib.crc32((response.content_type or "").encode())
            response.set_etag(f"{info.version}-{variant:08x}")
        response.last_modified = datetime.fromisoformat(info.built_at)
        response.cache_control.public = True
        response.cache_control.max_age = 300
        return response.make_conditional(request)

    app.wsgi_app = ResponseCache(app.wsgi_app, app, app.config["SETTINGS"].cache_bytes)


class ResponseCache:
    """WSGI middleware: a repeated GET is answered from memory without entering Flask.

    Keyed by dataset version, path, query string and Accept header; least recently used answers go
    first when `budget` bytes are used. Conditional requests with If-None-Match are answered here too.
    """

    def __init__(self, wsgi_app, flask_app: Flask, budget: int):
        self.wsgi_app, self.flask_app, self.budget = wsgi_app, flask_app, budget
        self.used = 0
        self.entries: OrderedDict[tuple, tuple[str, list, bytes, str]] = OrderedDict()

    def _version(self) -> str | None:
        """The served version if the store is open and answers; else None, and Flask answers (and any error)."""
        opened = self.flask_app.extensions.get("quartiers_store")
        try:
            return opened[1].info.version if opened else None
        except StoreError:
            return None

    def __call__(self, environ, start_response):
        version = self._version()
        cacheable = (self.budget and version and environ.get("REQUEST_METHOD") == "GET"
                     and "HTTP_RANGE" not in environ and "HTTP_IF_MODIFIED_SINCE" not in environ
                     and not environ.get("PATH_INFO", "").startswith("/dumps/"))
        if not cacheable:
            return self.wsgi_app(environ, start_response)
        key = (version, environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""))
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            status, headers, body, etag = entry
            if etag and etag in environ.get("HTTP_IF_NONE_MATCH", ""):
                start_response("304 Not Modified", [(k, v) for k, v in headers if k in ("ETag", "Vary", "Cache-Control")])
                return [b""]
            start_response(status, headers + [("X-Cache", "hit")])
            return [body]
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = self.wsgi_app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if captured.get("status", "").startswith("200") and len(body) <= CACHEABLE_BYTES and "HTTP_IF_NONE_MATCH" not in environ:
            headers = [(k, v) for k, v in captured["headers"] if k != "Content-Length"] + [("Content-Length", str(len(body)))]
            self.entries[key] = (captured["status"], headers, body, dict(headers).get("ETag", ""))
            self.used += len(body)
            while self.used > self.budget and self.entries:
                _, (_, _, old, _) = self.entries.popitem(last=False)
                self.used -= len(old)
        return [body]
