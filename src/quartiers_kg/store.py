"""The only door to Oxigraph: build a store beside the live one, swap it in, open it read-only, query it."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .errors import QueryRejected, QueryTimeout, StoreError

T = TypeVar("T")
CURRENT = "current"
META = "build.json"

# Media types pyoxigraph serialises, by name; the web layer negotiates among them.
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
}


@dataclass(frozen=True)
class BuildInfo:
    """What a build wrote: its version (an id), when, and the triples per named graph."""

    version: str
    built_at: str
    graphs: dict[str, int]

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def write_store(root: Path, graphs: dict[str, Graph]) -> BuildInfo:
    """Load each graph into its named graph of a new store under root/builds, then make it current.

    The new store is complete and closed before the `current` link moves (an atomic rename), so a
    failure at any point leaves the last good store serving.
    """
    root = Path(root)
    version = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    build_dir = root / "builds" / version
    try:
        build_dir.mkdir(parents=True)
        store = ox.Store(str(build_dir / "oxigraph"))
        counts = {}
        for name, graph in graphs.items():
            data = graph.serialize(format="nt", encoding="utf-8")
            store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
            counts[name] = len(graph)
        store.flush()
        store.optimize()
        del store
        info = BuildInfo(version, datetime.now(timezone.utc).isoformat(timespec="seconds"), counts)
        (build_dir / META).write_text(json.dumps(info.__dict__, indent=2), encoding="utf-8")
    except (OSError, ValueError, SyntaxError) as err:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise StoreError(f"could not write the store in {build_dir}: {err}") from err
    _swap(root, build_dir)
    return info


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
            shutil.rmtree(old, ignore_errors=True)


def has_store(root: Path) -> bool:
    return (Path(root) / CURRENT / META).is_file()


class GraphStore:
    """A built store, opened read-only: the dataset every request reads."""

    def __init__(self, root: Path):
        current = Path(root) / CURRENT
        if not (current / META).is_file():
            raise StoreError(f"no built store in {root}: run 'quartiers-kg build' first")
        path = current.resolve()
        try:
            self.info = BuildInfo(**json.loads((path / META).read_text(encoding="utf-8")))
            self._store = ox.Store.read_only(str(path / "oxigraph"))
        except (OSError, ValueError, TypeError) as err:
            raise StoreError(f"cannot open the store in {path}: {err}") from err
        self.path = path

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
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(name): _term(term) for name, term in substitutions.items()}
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as err:
            raise QueryRejected(f"SPARQL syntax error: {err}", parameter="query") from err
        except ValueError as err:
            raise QueryRejected(f"invalid SPARQL query: {err}", parameter="query") from err

    def bounded_answer(self, sparql: str, max_rows: int, timeout: float, **dataset) -> Answer:
        """Run a query and read its answer within the time budget and the row cap."""
        return run_bounded(lambda: answer(self.query(sparql, **dataset), max_rows), timeout)

    def quads(self, subject=None, predicate=None, obj=None):
        return self._store.quads_for_pattern(subject, predicate, obj, None)


def _term(term):
    """A queries.Term as a pyoxigraph term."""
    if term.iri:
        return ox.NamedNode(term.value)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


def serialize_graph(triples, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise triples with pyoxigraph's own writer, grouped by subject so that Turtle reads well."""
    triples = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes if fmt in ("turtle", "trig", "rdfxml") else None)



@dataclass
class Answer:
    """A query's answer, cut at the row cap, ready to serialise in any format of its kind.

    SELECT rows are re-encoded through pyoxigraph's own TSV reader, so that pyoxigraph's
    serialisers write every format and the cap is known before the first byte is sent.
    """

    kind: str  # "solutions", "boolean" or "graph"
    truncated: bool = False
    boolean: ox.QueryBoolean | None = None
    variables: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    triples: list = field(default_factory=list)

    def serialize(self, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
        if self.kind == "graph":
            return serialize_graph(self.triples, fmt, prefixes)
        if self.kind == "boolean":
            return self.boolean.serialize(format=RESULT_FORMATS[fmt])
        lines = ["\t".join(str(v) for v in self.variables)]
        lines += ["\t".join("" if term is None else str(term) for term in row) for row in self.rows]
        solutions = ox.parse_query_results(("\n".join(lines) + "\n").encode(), ox.QueryResultsFormat.TSV)
        return solutions.serialize(format=RESULT_FORMATS[fmt])


def run_bounded(work: Callable[[], T], timeout: float) -> T:
    """Run `work` in a daemon thread and wait at most `timeout` seconds for it.

    pyoxigraph releases the GIL while it evaluates, so the waiting thread keeps control even while
    the engine sorts a cartesian product. A runaway evaluation cannot be cancelled from Python: the
    caller answers QueryTimeout and ends the process (the server retires the worker after answering).

    :raises QueryTimeout: when `work` has not finished in time.
    """
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # handed to the waiting thread, which re-raises it
            outcome["error"] = err

    thread = threading.Thread(target=target, name="query", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryTimeout(f"the query ran past its time budget of {timeout:g} s and was stopped")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def answer(result, max_rows: int) -> Answer:
    """Read a pyoxigraph result up to `max_rows` (one more tells whether it was cut)."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("boolean", boolean=result)
    if isinstance(result, ox.QuerySolutions):
        variables = result.variables
        rows = [[solution[v] for v in variables] for solution in itertools.islice(result, max_rows + 1)]
        return Answer("solutions", len(rows) > max_rows, variables=variables, rows=rows[:max_rows])
    triples = list(itertools.islice(result, max_rows + 1))
    return Answer("graph", len(triples) > max_rows, triples=triples[:max_rows])


def plain(term) -> dict:
    """A pyoxigraph term as a plain dict for templates: type, value, and lang or datatype."""
    if isinstance(term, ox.NamedNode):
        return {"type": "iri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        return {"type": "literal", "value": term.value, "lang": term.language, "datatype": term.datatype.value}
    return {"type": "triple", "value": str(term)}

