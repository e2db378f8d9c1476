"""The only door to Oxigraph and to SPARQL engines: build, publish, open and query the dataset.

Two stores with one face (`info`, `graph_names`, `path`, `query`, `answer_job`, `bounded_answer`): the embedded
on-disk Oxigraph store (`local`, the default) and a remote SPARQL 1.1 engine (`remote`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from .answers import DEFAULT_GRAPH, Answer, parse_turtle, plain, run_bounded_async
from .local import BuildInfo, Dump, GraphStore, NewStore, build_lock, has_store
from .remote import Engine, RemoteStore, publish

__all__ = ["DEFAULT_GRAPH", "Answer", "BuildInfo", "Dump", "GraphStore", "NewStore", "RemoteStore", "Store", "build_lock", "has_store",
           "is_published", "open_store", "parse_turtle", "plain", "run_bounded_async", "uploader"]


class Store(Protocol):
    """What the web layer and the CLI may ask of a store; GraphStore and RemoteStore both are one."""

    @property
    def info(self) -> BuildInfo:
        """The build served: version, time, triples per graph (:raises StoreError: when there is none)."""

    @property
    def path(self) -> Path | None:
        """The build's folder on this machine (dumps), if there is one."""

    @property
    def search(self):
        """The full-text index (search.SearchIndex) of the served build on this machine, or None."""

    @property
    def graph_names(self) -> list[str]: ...

    def query(self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              substitutions: dict | None = None, base_iri: str | None = None, own_dataset: bool = False):
        """pyoxigraph's answer to a read-only query; `substitutions` bind variables to queries.Term values.

        :raises QueryRejected: for a query that does not parse.
        """

    def is_current(self) -> bool:
        """Whether this is still the build published (False: open the store again to serve the new one)."""

    in_process: bool  # whether the engine evaluates in this process (a runaway query then holds its memory)

    def answer_job(self, sparql: str, max_rows: int, **dataset) -> Callable[[], Answer]:
        """The work of answering a query up to `max_rows`, to hand to a query thread (answers.run_bounded and
        run_bounded_async keep its budgets)."""

    def bounded_answer(self, sparql: str, max_rows: int, timeout: float, max_memory: int = 0, **dataset) -> Answer:
        """The answer read up to `max_rows` within `timeout` seconds, while this process grows by at most `max_memory`
        bytes (0: unbounded; a remote engine bounds its own) (:raises QueryTimeout:, QueryOutOfMemory)."""


def open_store(settings) -> Store:
    """The store the settings name: a remote engine (QKG_STORE), a foreign file or folder, or the built one."""
    if settings.store:
        return RemoteStore(Engine.from_settings(settings), settings.base_iri, settings.store_dir, settings.store_refresh)
    if settings.serve_from:
        return GraphStore.foreign(settings.serve_from)
    return GraphStore(settings.store_dir, settings.memory_max_triples)


def uploader(settings):
    """What NewStore.publish hands a finished build to: the remote engine's publish, or None when embedded."""
    if not settings.store:
        return None
    return lambda store, info: publish(Engine.from_settings(settings), store, info, settings.base_iri, settings.store_chunk_triples)


def is_published(settings) -> bool:
    """Whether there is something to serve: a built store, or a build on the remote engine.

    :raises StoreError: when the remote engine cannot be reached.
    """
    if settings.store:
        return open_store(settings).published() is not None
    return bool(settings.serve_from) or has_store(settings.store_dir)
