"""HTTP caching from the dataset version: ETag and Last-Modified on every GET answer, 304, and a
response cache per worker, since between two builds the same request always gets the same answer."""

from __future__ import annotations

import zlib
from collections import OrderedDict
from datetime import datetime

from flask import Flask, Response, current_app, request

from ..errors import StoreError
from . import get_store, settings

CACHEABLE_BYTES = 1 << 20  # larger answers (dumps, big results) are not kept


class ResponseCache:
    """Least-recently-used answers, by dataset version, path with query string and Accept header."""

    def __init__(self, budget: int):
        self.budget, self.used = budget, 0
        self.entries: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()

    def get(self, key: tuple):
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: tuple, response: Response) -> None:
        body = response.get_data()
        if len(body) > CACHEABLE_BYTES or key in self.entries:
            return
        self.entries[key] = (response.status_code, list(response.headers.items()), body)
        self.used += len(body)
        while self.used > self.budget and self.entries:
            _, (_, _, old) = self.entries.popitem(last=False)
            self.used -= len(old)


def _key() -> tuple | None:
    if request.method not in ("GET", "HEAD") or request.path.startswith("/dumps/"):
        return None
    return (get_store().info.version, request.full_path, request.headers.get("Accept", ""))


def register(app: Flask) -> None:
    @app.before_request
    def answer_from_cache():
        cache = current_app.extensions.get("quartiers_cache")
        if cache is None:
            cache = current_app.extensions["quartiers_cache"] = ResponseCache(settings().cache_bytes)
        if not cache.budget:
            return None
        try:
            key = _key()
        except StoreError:
            return None
        entry = cache.get(key) if key else None
        if entry is None:
            return None
        status, headers, body = entry
        response = Response(body, status=status, headers=headers)
        response.headers["X-Cache"] = "hit"
        return response.make_conditional(request)

    @app.after_request
    def validators(response: Response) -> Response:
        """The answer to a GET is fixed by the URL, the representation and the dataset version."""
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.headers.get("X-Cache"):
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
        cache = current_app.extensions.get("quartiers_cache")
        key = _key()
        if cache is not None and cache.budget and key and not response.direct_passthrough and request.method == "GET":
            cache.put(key, response)
        return response.make_conditional(request)
