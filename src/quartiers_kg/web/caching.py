"""HTTP caching from the dataset version: ETag and Last-Modified on every GET answer, 304 and ranges."""

from __future__ import annotations

import zlib
from datetime import datetime

from flask import Flask, Response, request

from ..errors import StoreError
from . import get_store


def register(app: Flask) -> None:
    @app.after_request
    def validators(response: Response) -> Response:
        """The answer to a GET is fixed by the URL, the representation and the dataset version."""
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
