"""The web context: this process's store, settings, IRI minter and named queries, and what is
cached per dataset version. Blueprints take shared state from here (as Flask's tutorial keeps
get_db in its own module), never from each other."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TypeVar

from flask import Flask, current_app

from ..config import Settings
from ..errors import StoreError, UnknownResource
from ..queries import NamedQuery
from ..rdf.uris import Minter
from ..store import Answer, Store, open_store
from .protocol import address

T = TypeVar("T")
log = logging.getLogger(__name__)


def get_store() -> Store:
    """The read-only store of this process (see store_of)."""
    return store_of(current_app)


def store_of(app: Flask) -> Store:
    """The store of this process, opened on first use (after a server forks its workers), and opened again when a
    new build is published: every `store_refresh` seconds a look at what the store folder publishes. Requests that
    hold the old store finish on it; it is closed when the last lets go. If the new build cannot be opened, the old
    one goes on serving and the next look tries again."""
    cached = app.extensions.get("quartiers_store")
    now = time.monotonic()
    if cached is None or cached.pid != os.getpid():
        cached = app.extensions["quartiers_store"] = _Opened(os.getpid(), open_store(app.config["SETTINGS"]), now)
    elif now - cached.looked > app.config["SETTINGS"].store_refresh:
        with _REOPEN:
            cached = app.extensions["quartiers_store"]
            if now - cached.looked > app.config["SETTINGS"].store_refresh:
                cached.looked = now
                if not cached.store.is_current():
                    try:
                        cached = app.extensions["quartiers_store"] = _Opened(cached.pid, open_store(app.config["SETTINGS"]), now)
                        log.info("serving build %s", cached.store.info.version)
                    except StoreError as err:
                        log.warning("a new build was published but cannot be opened; still serving the last: %s", err)
    return cached.store


@dataclass
class _Opened:
    pid: int
    store: Store
    looked: float  # when it was last checked against what the store folder publishes
    since: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


def serving_since() -> str | None:
    """When this process began to serve the build it serves."""
    opened = current_app.extensions.get("quartiers_store")
    return opened.since if opened else None


_REOPEN = threading.Lock()


def search_index():
    """The full-text index of the served build (search.SearchIndex).

    :raises UnknownResource: where this server has none (a remote store built elsewhere, a foreign store).
    """
    index = get_store().search
    if index is None:
        raise UnknownResource("die Volltextsuche ist auf diesem Server nicht verfügbar: der Index entsteht beim Build")
    return index


def settings() -> Settings:
    return current_app.config["SETTINGS"]


def minter() -> Minter:
    return current_app.config["MINTER"]


def queries() -> dict[str, NamedQuery]:
    return current_app.config["QUERIES"]


INTERNAL_ROWS = 1_000_000  # rows a page's own query may read (its time and memory are bounded as any query's)


def answer(sparql: str, max_rows: int | None = None, **dataset) -> Answer:
    """A query's answer within the budgets every query has: rows, time and the worker's memory."""
    cfg = settings()
    return get_store().bounded_answer(sparql, max_rows or cfg.max_rows, cfg.query_timeout, cfg.memory_per_worker, **dataset)


def rows(sparql: str, **dataset) -> list:
    """A page's own query, bounded like any: the triples of a graph, or the solutions as dicts (None: unbound)."""
    ans = answer(sparql, INTERNAL_ROWS, **dataset)
    if ans.kind == "graph":
        return ans.triples
    names = [v.value for v in ans.variables]
    return [dict(zip(names, row)) for row in ans.rows]


def absolute(path: str) -> str:
    """An absolute URL on this server (protocol.address)."""
    return address(settings(), path)


def per_version(name: str, make: Callable[[], T]) -> T:
    """`make()`, computed once per process and dataset version: the data only changes with a build.

    One request computes it while the others of this worker wait for it (not eight at once under load).
    """
    version = get_store().info.version
    cached = current_app.extensions.get(f"quartiers_{name}")
    if cached is None or cached[0] != version:
        with _LOCKS.setdefault(name, threading.Lock()):
            cached = current_app.extensions.get(f"quartiers_{name}")
            if cached is None or cached[0] != version:
                cached = (version, make())
                current_app.extensions[f"quartiers_{name}"] = cached
    return cached[1]


_LOCKS: dict[str, threading.Lock] = {}
