"""The only door to Oxigraph and to SPARQL engines: build, publish, open and query the dataset.

Two stores with one face (`info`, `graph_names`, `path`, `query`, `bounded_answer`): the embedded
on-disk Oxigraph store (`local`, the default) and a remote SPARQL 1.1 engine (`remote`).
"""

from __future__ import annotations

from .answers import DEFAULT_GRAPH, GRAPH_FORMATS, RESULT_FORMATS, Answer, parse_turtle, plain, serialize_graph
from .local import DUMP_FORMATS, BuildInfo, Dump, GraphStore, NewStore, has_store, write_store
from .remote import Engine, RemoteStore, publish

__all__ = ["DEFAULT_GRAPH", "DUMP_FORMATS", "GRAPH_FORMATS", "RESULT_FORMATS", "Answer", "BuildInfo", "Dump", "GraphStore",
           "NewStore", "RemoteStore", "has_store", "is_published", "open_store", "parse_turtle", "plain", "serialize_graph", "uploader",
           "write_store"]


def open_store(settings) -> GraphStore | RemoteStore:
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
