"""Answers with limits, for every store: read a result up to the row cap within the time budget, and serialise it.

pyoxigraph parses and writes every format, so that an answer from the embedded store and one from a
remote engine leave the server byte for byte alike.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import pyoxigraph as ox

from ..errors import QueryOutOfMemory, QueryRejected, QueryTimeout
from ..formats import Format, write_graph
from ..guard import read_shape

T = TypeVar("T")
DEFAULT_GRAPH = "urn:x-arq:DefaultGraph"  # the name Jena and others give the default graph

def bind(sparql: str, substitutions: dict | None, shape=None) -> str:
    """The query with its parameters bound, the one way every store binds them: a VALUES block with the typed
    terms just inside the brace that opens the query pattern (never the values pasted into the query's text).

    >>> from quartiers_kg.queries import Term
    >>> bind("SELECT ?t WHERE { ?m <p> ?t }", {"m": Term("http://example.org/m", iri=True)})
    'SELECT ?t WHERE { VALUES (?m) { (<http://example.org/m>) }  ?m <p> ?t }'

    :raises QueryRejected: when the query has no pattern to bind in.
    """
    if not substitutions:
        return sparql
    shape = shape or read_shape(sparql)
    if shape.pattern_at is None:
        raise QueryRejected("this query has no pattern ({ … }) to bind its parameters in", "query")
    names = list(substitutions)
    values = " ".join(str(to_term(substitutions[n])) for n in names)
    return f"{sparql[:shape.pattern_at]} VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }} {sparql[shape.pattern_at:]}"


def to_term(term):
    """A queries.Term as a pyoxigraph term."""
    if term.iri:
        return ox.NamedNode(term.value)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


TSV = ox.QueryResultsFormat.TSV


@dataclass
class Answer:
    """A query's answer, cut at the row cap, ready to serialise in any format of its kind.

    Solutions are kept as pyoxigraph's writer wrote them in TSV (one line a row, so the cap is counted in the
    writer's lines and known before the first byte is sent); a TSV answer is these bytes, every other format
    pyoxigraph's reader and writer make of them, and no term passes through Python on the way.
    """

    kind: str  # "solutions", "boolean" or "graph"
    truncated: bool = False
    boolean: ox.QueryBoolean | None = None
    variables: list = field(default_factory=list)
    tsv: bytes = b""
    triples: list = field(default_factory=list)

    @classmethod
    def of_rows(cls, variables: list, rows: list, truncated: bool = False) -> "Answer":
        """Solutions computed elsewhere (rows of pyoxigraph terms, None where unbound)."""
        lines = ["\t".join(str(v) for v in variables)]
        lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
        return cls("solutions", truncated, variables=list(variables), tsv=("\n".join(lines) + "\n").encode())

    @cached_property
    def rows(self) -> list[tuple]:
        """The solutions as tuples of terms in variable order (None: unbound), for pages and computations."""
        return [tuple(solution) for solution in ox.parse_query_results(self.tsv, TSV)] if self.tsv else []

    def serialize(self, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
        """The answer in `fmt`, which must be of the answer's kind (graph formats for a graph)."""
        if self.kind == "graph":
            return write_graph(self.triples, fmt, prefixes)
        if self.kind == "boolean":
            return self.boolean.serialize(format=fmt.ox)
        if fmt.ox == TSV:
            return self.tsv
        return ox.parse_query_results(self.tsv, TSV).serialize(format=fmt.ox)


class _Full(Exception):
    """Raised into pyoxigraph's writer to stop it at the row after the cap."""


class _CappedTSV:
    """A file for pyoxigraph's TSV writer that keeps the header and `max_rows` rows and stops the writer (and with
    it the evaluation, which is lazy) at the row after (TSV escapes line breaks: a line is a row)."""

    def __init__(self, max_rows: int):
        self.max_rows, self.chunks, self.lines = max_rows, [], 0

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.lines += self.chunks[-1].count(b"\n")
        if self.lines > self.max_rows + 1:
            raise _Full
        return len(data)

    def flush(self) -> None:
        pass

    def written(self) -> tuple[bytes, bool]:
        """(the TSV up to the cap, whether rows were cut)."""
        text = b"".join(self.chunks)
        if self.lines <= self.max_rows + 1:
            return text, False
        end = -1
        for _ in range(self.max_rows + 1):
            end = text.index(b"\n", end + 1)
        return text[:end + 1], True


class _QueryThreads:
    """Daemon threads kept between queries: a runaway query must not keep its process from exiting,
    which the standard thread pool would (it joins its threads at exit)."""

    def __init__(self):
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.idle = 0
        self.lock = threading.Lock()

    def submit(self, work: Callable[[], T]) -> Future:
        future: Future = Future()
        with self.lock:
            if self.idle == 0:
                default = threading.stack_size(QUERY_STACK)  # the engine's parser and optimiser recurse deeply
                try:
                    threading.Thread(target=self._serve, name="query", daemon=True).start()
                finally:
                    threading.stack_size(default)
            else:
                self.idle -= 1
        self.jobs.put((work, future))
        return future

    def _serve(self) -> None:
        while True:
            work, future = self.jobs.get()
            try:
                future.set_result(work())
            except BaseException as err:  # handed to the waiting request, which re-raises it
                future.set_exception(_without_frames(err))
            with self.lock:
                self.idle += 1


def _without_frames(err: BaseException) -> BaseException:
    """The error, its cause and context without their tracebacks.

    A traceback keeps the frames of the query thread alive, and with them pyoxigraph's result iterators,
    which may only be dropped on the thread that made them (pyo3 `unsendable`): the request thread would
    drop them when it is done with the error.
    """
    seen, pending = set(), [err]
    while pending:
        chained = pending.pop()
        if chained is not None and id(chained) not in seen:
            seen.add(id(chained))
            chained.__traceback__ = None
            pending += [chained.__cause__, chained.__context__]
    return err


_THREADS: tuple[int, _QueryThreads] | None = None
# 512 MiB of address space per query thread (pages are committed only as used): pyoxigraph handles 40,000
# chained operators in it, where the default 8 MiB stack ends the process at 10,000 (benchmarks/README.md)
QUERY_STACK = 512 * 1024 * 1024
POLL = 0.05  # seconds between looks at the process's memory while a query runs


def resident_bytes() -> int:
    """This process's resident memory (Linux /proc; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _query_threads() -> _QueryThreads:
    global _THREADS
    if _THREADS is None or _THREADS[0] != os.getpid():
        _THREADS = (os.getpid(), _QueryThreads())
    return _THREADS[1]


class _Budget:
    """A running query's budgets: `timeout` seconds, and `max_memory` bytes (0: none) that the process may grow by
    while the query runs, counted from its size at the first look (a query shorter than one look costs no look; what
    the process holds anyway, the store's copy in memory and the response cache, is not the query's)."""

    def __init__(self, timeout: float, in_process: bool, max_memory: int):
        self.timeout, self.deadline = timeout, time.monotonic() + timeout
        self.max_memory = max_memory if in_process else 0
        self.in_process, self.baseline = in_process, None

    def wait(self) -> float:
        """Seconds to wait for the query before the next look."""
        return max(min(POLL, self.deadline - time.monotonic()), 0)

    def check(self) -> None:
        """Raise when the query still running has gone past its time or memory budget."""
        if self.max_memory:
            resident = resident_bytes()
            self.baseline = resident if self.baseline is None else self.baseline
            if resident - self.baseline > self.max_memory:
                raise QueryOutOfMemory(f"the query needed more than the worker's {self.max_memory >> 20} MiB and was stopped",
                                       self.in_process)
        if time.monotonic() >= self.deadline:
            raise QueryTimeout(f"the query ran past its time budget of {self.timeout:g} s and was stopped", self.in_process)


def run_bounded(work: Callable[[], T], timeout: float, in_process: bool = True, max_memory: int = 0) -> T:
    """Run `work` on a query thread and wait at most `timeout` seconds for it, while the process grows by at most
    `max_memory` bytes (0: no bound; see _Budget).

    pyoxigraph releases the GIL while it evaluates, so the waiting thread keeps control even while
    the engine sorts a cartesian product. A runaway evaluation cannot be cancelled from Python: the
    caller answers 503 and ends the process (the server retires the worker after answering), which gives
    its memory back.

    :raises QueryTimeout: when `work` has not finished in time; QueryOutOfMemory when the process grew too large.
    """
    future, budget = _query_threads().submit(work), _Budget(timeout, in_process, max_memory)
    while True:
        try:
            return future.result(budget.wait())
        except FutureTimeout as err:
            try:
                budget.check()
            except QueryTimeout as over:
                raise over from err


async def run_bounded_async(work: Callable[[], T], timeout: float, in_process: bool = True, max_memory: int = 0) -> T:
    """run_bounded for an event loop: the one hand-off is to the query thread, and the loop serves other
    requests while it works (:raises QueryTimeout:, QueryOutOfMemory as run_bounded)."""
    waiting, budget = asyncio.wrap_future(_query_threads().submit(work)), _Budget(timeout, in_process, max_memory)
    while True:
        done, _ = await asyncio.wait((waiting,), timeout=budget.wait())
        if done:
            return waiting.result()
        budget.check()


def answer(result, max_rows: int) -> Answer:
    """Read a pyoxigraph result up to `max_rows` (one more tells whether it was cut)."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("boolean", boolean=result)
    if getattr(result, "variables", None) is not None:  # solutions, from pyoxigraph or streamed from an engine
        variables, capped = result.variables, _CappedTSV(max_rows)
        try:
            result.serialize(capped, TSV)
        except _Full:
            pass
        tsv, truncated = capped.written()
        return Answer("solutions", truncated, variables=variables, tsv=tsv)
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


def parse_turtle(text: str) -> list:
    """Triples from Turtle text (for the small documents the web layer writes)."""
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
