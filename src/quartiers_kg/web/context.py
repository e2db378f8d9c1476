"""The web context: this process's store, settings, IRI minter and named queries, and what is
cached per dataset version. Blueprints take shared state from here (as Flask's tutorial keeps
get_db in its own module), never from each other."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

from ..config import Settings
from ..errors import UnknownResource
from ..queries import NamedQuery
from ..rdf.uris import Minter
from ..store import Answer, Store, open_store

T = TypeVar("T")


def get_store() -> Store:
    """The read-only store of this process, opened on first use (after a server forks its workers)."""
    app = current_app
    cached = app.extensions.get("quartiers_store")
    if cached is None or cached[0] != os.getpid():
        cached = (os.getpid(), open_store(app.config["SETTINGS"]))
        app.extensions["quartiers_store"] = cached
    return cached[1]


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
    return get_store().bounded_answer(sparql, max_rows or cfg.max_rows, cfg.query_timeout, cfg.worker_memory, **dataset)


def rows(sparql: str, **dataset) -> list:
    """A page's own query, bounded like any: the triples of a graph, or the solutions as dicts (None: unbound)."""
    ans = answer(sparql, INTERNAL_ROWS, **dataset)
    if ans.kind == "graph":
        return ans.triples
    names = [v.value for v in ans.variables]
    return [dict(zip(names, row)) for row in ans.rows]


def absolute(path: str) -> str:
    """An absolute URL on this server, from the configured public address: the Host header only routes."""
    cfg = settings()
    root = cfg.public_url or f"http://{cfg.host}:{cfg.port}/"
    return root.rstrip("/") + path


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
