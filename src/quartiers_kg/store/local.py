"""The embedded store: build an on-disk Oxigraph store beside the live one, swap it in, open it read-only."""

from __future__ import annotations

import fcntl
import gc
import gzip
import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..errors import QueryRejected, StoreError
from ..rdf.namespaces import PREFIXES
from ..formats import DUMPS, Format
from ..search import FUNCTION, SearchIndex, sparql_function, texts
from .geo import FUNCTIONS as GEO_FUNCTIONS
from .answers import DEFAULT_GRAPH, Answer, answer, bind, plain, run_bounded

log = logging.getLogger(__name__)
CURRENT = "current"
META = "build.json"
READERS = ".readers"  # every process serving a build holds a shared lock on this file of the build's folder


@dataclass(frozen=True)
class BuildInfo:
    """What a build wrote: its version (an id), when, and the triples per named graph."""

    version: str
    built_at: str
    graphs: dict[str, int]

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


@dataclass(frozen=True)
class Dump:
    """A full dump of the dataset: file name, format, size and checksum."""

    name: str
    fmt: str
    media_type: str
    byte_size: int
    sha256: str
    gzip: bool = False


class NewStore:
    """A store being built beside the live one under root/builds; publish() makes it current.

    Used as a context manager: leaving the block with an exception removes the half-built store, so a
    failure at any point leaves the last good store serving.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.version = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        self.dir = self.root / "builds" / self.version
        self.counts: dict[str, int] = {}
        try:
            self.dir.mkdir(parents=True)
            self._store = ox.Store(str(self.dir / "oxigraph"))
        except OSError as err:
            shutil.rmtree(self.dir, ignore_errors=True)  # a full disk must not leave half a build behind
            raise StoreError(f"could not create a store in {self.dir}: {err}") from err

    def __enter__(self) -> "NewStore":
        return self

    def __exit__(self, kind, err, tb) -> None:
        if kind is not None:
            self._store = None
            shutil.rmtree(self.dir, ignore_errors=True)

    def load(self, name: str, graph: Graph) -> None:
        """Add an rdflib graph to the named graph `name` (graphs loaded into one name must not overlap)."""
        try:
            self._store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
        except (OSError, SyntaxError, ValueError) as err:
            raise StoreError(f"could not load graph {name} into {self.dir}: {err}") from err
        self.counts[name] = self.counts.get(name, 0) + len(graph)

    def load_triples(self, name: str, triples: set) -> None:
        """Add rdflib triples to the named graph `name` without building an rdflib graph (faster at scale)."""
        text = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)  # Turtle: n3() may use long strings
        try:
            self._store.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(name))
        except (OSError, SyntaxError, ValueError) as err:
            raise StoreError(f"could not load into graph {name} of {self.dir}: {err}") from err
        self.counts[name] = self.counts.get(name, 0) + len(triples)

    def select(self, sparql: str) -> list[dict]:
        """Rows of a SELECT over the graphs loaded so far (their union is the default graph), as plain dicts."""
        return _rows(self._store, sparql)

    def dump_links(self, graph: str, predicates: list[str], spaces: dict[str, str]) -> dict[str, str]:
        """Write each linkset of `graph` (its triples with one of `predicates` and an object in an IRI space) as
        dumps/links-<name>.nt, `spaces` mapping an IRI space to its name; returns space -> file name of those written."""
        written = {}
        for space, name in spaces.items():
            triples = [q.triple for p in predicates for q in self._store.quads_for_pattern(
                None, ox.NamedNode(p), None, ox.NamedNode(graph)) if q.object.value.startswith(space)]
            if triples:
                file = f"links-{name.lower()}.nt"
                with open(self.dir / "dumps" / file, "wb") as handle:
                    ox.serialize(sorted(triples, key=str), handle, format=ox.RdfFormat.N_TRIPLES)
                written[space] = file
        return written

    def dump(self, graphs: list[str]) -> list[Dump]:
        """Write the triples of `graphs` as full dumps into dumps/ of the new build, the formats side by side.

        pyoxigraph serialises without Python's lock, so the three writers share the cores.
        """
        folder = self.dir / "dumps"
        folder.mkdir()

        def write(fmt: Format) -> Dump:
            path, compressed = folder / fmt.dump, fmt.dump.endswith(".gz")
            triples = (q.triple for g in graphs for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
            with (gzip.GzipFile(path, "wb", mtime=0, compresslevel=6) if compressed else open(path, "wb")) as handle:
                ox.serialize(triples, handle, format=fmt.ox, prefixes=PREFIXES if fmt.prefixed else None)
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            return Dump(fmt.dump, fmt.name, fmt.media_type, path.stat().st_size, digest.hexdigest(), compressed)

        with ThreadPoolExecutor(len(DUMPS)) as pool:
            return list(pool.map(write, DUMPS))

    def publish(self, upload: Callable[[ox.Store, BuildInfo], None] | None = None) -> BuildInfo:
        """Close the new store and swap it in atomically; first hand it to `upload` (a remote engine), if given.

        If the upload fails, nothing is swapped: the local and the remote store keep serving the same build.
        """
        info = BuildInfo(self.version, datetime.now(timezone.utc).isoformat(timespec="seconds"), dict(self.counts))
        try:
            self._store.flush()
            if upload:
                upload(self._store, info)
            self._store.optimize()
            self._store = None
            (self.dir / META).write_text(json.dumps(info.__dict__, indent=2), encoding="utf-8")
        except OSError as err:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise StoreError(f"could not finish the store in {self.dir}: {err}") from err
        _swap(self.root, self.dir)
        return info


def _rows(store: ox.Store, sparql: str) -> list[dict]:
    """Rows of a SELECT over the union of a store's graphs, as plain dicts."""
    result = store.query(sparql, use_default_graph_as_union=True)
    return [{v.value: plain(row[v]) if row[v] is not None else None for v in result.variables} for row in result]


def _swap(root: Path, build_dir: Path) -> None:
    """Point root/current at build_dir atomically; keep the previous build, remove older ones."""
    link = root / CURRENT
    previous = link.resolve() if link.is_symlink() else None
    tmp = root / f".{CURRENT}.{uuid.uuid4().hex[:6]}"
    os.symlink(os.path.relpath(build_dir, root), tmp)
    os.replace(tmp, link)
    keep = {build_dir.resolve(), previous}
    for old in (root / "builds").iterdir():
        if old.resolve() not in keep:
            _remove_unread(old)


def _remove_unread(build: Path) -> None:
    """Remove a build no process serves any more; one a worker still reads stays until the next build."""
    try:
        with open(build / READERS, "a") as readers:
            fcntl.flock(readers, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(build, ignore_errors=True)
    except BlockingIOError:
        log.info("build %s is still served by a worker: kept until the next build", build.name)
    except OSError:
        shutil.rmtree(build, ignore_errors=True)


@contextmanager
def build_lock(root: Path):
    """Hold the store folder's build lock: one build at a time, or a clear error naming the one that runs.

    :raises StoreError: when another build holds the lock.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "a+", encoding="ascii") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            lock.seek(0)
            holder = lock.read().strip() or "?"
            raise StoreError(f"another build is running in {root} (process {holder}); wait for it to end") from err
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def has_store(root: Path) -> bool:
    return (Path(root) / CURRENT / META).is_file()


_UNKNOWN_FUNCTION = re.compile(r"The custom function <([^>]+)> is not supported")
_MAX_UNKNOWN_FUNCTIONS = 64


def _unbound(*_args) -> None:
    return None


def _with_unknown_functions_unbound(run: Callable[[dict], object], functions: dict) -> object:
    """Run a query where a function the engine does not know is an expression error, as SPARQL 1.1 (§17.3) says: its
    value is unbound (a FILTER on it fails) and the query is answered. pyoxigraph refuses such a query and names the
    function; it is given one that returns no value, and the query is run again."""
    functions = dict(functions)
    while True:
        try:
            return run(functions)
        except RuntimeError as err:
            unknown = _UNKNOWN_FUNCTION.search(str(err))
            if unknown is None or len(functions) >= _MAX_UNKNOWN_FUNCTIONS:
                raise
            functions[ox.NamedNode(unknown.group(1))] = _unbound


def _read_lock(build: Path):
    """A shared lock on the build's readers file, held while the file is open, so that a build does not remove the
    folder under a worker that serves it. None where the folder cannot be written."""
    try:
        readers = open(build / READERS, "a")
    except OSError:
        return None
    fcntl.flock(readers, fcntl.LOCK_SH)
    return readers


class GraphStore:
    """A built store, opened read-only: the dataset every request reads.

    The dataset does not change between builds, so a store small enough (`memory_max_triples`) is
    copied into memory: pyoxigraph answers from memory up to four times faster than from disk. The
    copy is made in the background, in small batches that let requests run in between, and replaces
    the disk store when it is complete; until then, and for a larger store, requests read from disk.
    """

    def __init__(self, root: Path, memory_max_triples: int = 0):
        current = Path(root) / CURRENT
        if not (current / META).is_file():
            raise StoreError(f"no built store in {root}: run 'quartiers-kg build' first")
        path = current.resolve()
        try:
            self.info = BuildInfo(**json.loads((path / META).read_text(encoding="utf-8")))
            self._store = ox.Store.read_only(str(path / "oxigraph"))
        except (OSError, ValueError, TypeError) as err:
            raise StoreError(f"cannot open the store in {path}: {err}") from err
        self.path: Path | None = path
        self.root: Path | None = Path(root)
        reading = _read_lock(path)
        if reading is not None:
            weakref.finalize(self, reading.close)  # the lock goes with the last reference to this store
        try:
            index = SearchIndex.of(path, lambda: texts(lambda sparql: _rows(self._store, sparql)))
        except ValueError as err:  # tantivy's error for an index it cannot read
            raise StoreError(f"cannot open the search index in {path}: {err}") from err
        self.functions = {**GEO_FUNCTIONS, **({ox.NamedNode(FUNCTION): sparql_function(index)} if index else {})}
        self.search = index
        if self.info.triples <= memory_max_triples:
            self.copied = threading.Thread(target=self._copy_to_memory, name="copy-to-memory", daemon=True)
            self.copied.start()

    def is_current(self) -> bool:
        """Whether this is still the build the store folder publishes (a new build swaps `current`)."""
        return self.root is None or (self.root / CURRENT).resolve() == self.path

    def _copy_to_memory(self, batch: int = 5000) -> None:
        # No cyclic garbage collection while copying: this thread allocates a Python object per quad, and a collection
        # it set off would free other threads' engine objects (query results, iterators) here, which pyoxigraph
        # forbids (they are freed on their own thread once collection is on again).
        collecting = gc.isenabled()
        gc.disable()
        try:
            memory = self._copied(batch)
        except (OSError, RuntimeError, ValueError) as err:  # the build was removed under us: keep reading from disk
            log.warning("the store could not be copied into memory: %s", err)
            return  # the error, and with it the iterator, is dropped here, on the thread that made it
        finally:
            if collecting:
                gc.enable()
        self._store = memory

    def _copied(self, batch: int) -> ox.Store:
        memory, quads = ox.Store(), self._store.quads_for_pattern(None, None, None, None)
        while chunk := list(itertools.islice(quads, batch)):
            memory.bulk_extend(chunk)  # holds the GIL per call: small batches keep requests flowing
            time.sleep(0)
        return memory

    @classmethod
    def foreign(cls, source: Path) -> "GraphStore":
        """Serve what another tool made: an Oxigraph store directory (read-only) or an RDF file (in memory)."""
        source = Path(source)
        self = cls.__new__(cls)
        self.path, self.root, self.search, self.functions = None, None, None, dict(GEO_FUNCTIONS)
        try:
            if source.is_dir():
                self._store = ox.Store.read_only(str(source))
            else:
                fmt = ox.RdfFormat.from_extension(source.suffix.lstrip(".")) or ox.RdfFormat.N_TRIPLES
                self._store = ox.Store()
                self._store.bulk_load(path=str(source), format=fmt)
        except (OSError, SyntaxError, ValueError) as err:
            raise StoreError(f"cannot serve {source}: {err}") from err
        # graph name -> triples; DEFAULT_GRAPH stands for the default graph of a file or foreign store
        counts = {row["g"].value if row["g"] is not None else DEFAULT_GRAPH: int(row["n"].value) for row in self._store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } } GROUP BY ?g")}
        stamp = hashlib.sha256(f"{source.resolve()}:{source.stat().st_mtime_ns}".encode()).hexdigest()[:12]
        built = datetime.fromtimestamp(source.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
        self.info = BuildInfo(f"foreign-{stamp}", built, counts)
        return self

    @property
    def graph_names(self) -> list[str]:
        return sorted(self.info.graphs)

    def query(self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              substitutions: dict | None = None, base_iri: str | None = None, own_dataset: bool = False):
        """Run a read-only query. Without a dataset, the default graph is the union of all graphs.

        `own_dataset`: the query has FROM / FROM NAMED, which then choose the graphs (pyoxigraph would
        otherwise let the union default graph override them).
        Relative IRIs in the query resolve against `base_iri` (the endpoint's URL, as the protocol allows).

        :raises QueryRejected: for a syntax error, with the parser's message.
        """
        kwargs: dict = {"base_iri": base_iri}
        if default_graphs is None and named_graphs is None:
            kwargs["use_default_graph_as_union"] = not own_dataset
        else:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []] or ox.DefaultGraph()
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
        try:
            return _with_unknown_functions_unbound(lambda functions: self._store.query(
                bind(sparql, substitutions), **{**kwargs, "custom_functions": functions}), self.functions)
        except SyntaxError as err:
            raise QueryRejected(f"SPARQL syntax error: {err}", parameter="query") from err
        except ValueError as err:
            raise QueryRejected(f"invalid SPARQL query: {err}", parameter="query") from err
        except RuntimeError as err:  # what the engine cannot evaluate, e.g. an unknown function
            raise QueryRejected(f"the query cannot be evaluated: {err}", parameter="query") from err

    in_process = True  # the engine evaluates in this process: a runaway query holds its memory

    def answer_job(self, sparql: str, max_rows: int, **dataset) -> Callable[[], Answer]:
        """The work of answering a query up to `max_rows`, to run on a query thread (store.answers.run_bounded).

        :raises QueryRejected: (when run) also for an error the engine meets while it evaluates.
        """
        def work() -> Answer:
            try:
                return answer(self.query(sparql, **dataset), max_rows)
            except RuntimeError as err:
                raise QueryRejected(f"the query cannot be evaluated: {err}", parameter="query") from err

        return work

    def bounded_answer(self, sparql: str, max_rows: int, timeout: float, max_memory: int = 0, **dataset) -> Answer:
        """Run a query and read its answer within the time budget, the memory budget and the row cap."""
        return run_bounded(self.answer_job(sparql, max_rows, **dataset), timeout, max_memory=max_memory)
