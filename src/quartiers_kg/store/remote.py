"""A SPARQL engine elsewhere as the store: queries over the SPARQL 1.1 Protocol, builds loaded into
staging graphs over the Graph Store Protocol (or SPARQL Update) and switched in by one update request.

The engine may hold other data: every query is confined to the dataset's published graphs by the
protocol's default-graph-uri / named-graph-uri, and FROM clauses are taken out of the text and sent
that way, so that no query reads a graph of someone else's or makes the engine fetch one.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from ..errors import QueryRejected, StoreError
from ..guard import read_shape
from ..rdf.uris import Minter
from ..search import SearchIndex
from .answers import Answer, answer, bind, run_bounded
from .local import BuildInfo

GRAPHS = ("data", "ontology", "shapes", "meta")  # the published graphs, by name under <base>graph/
EMPTY_GRAPH = "urn:x-quartiers-kg:empty"  # names no graph: how to ask for an empty default or named graph
ASK_COLUMN = "__ASK_RETVAL"  # Virtuoso answers ASK as a one-row table of this column
SOLUTIONS = "application/sparql-results+xml"  # the one results format every engine writes to the letter
TRIPLES = "application/n-triples"
BUILD_INFO = """PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX void: <http://rdfs.org/ns/void#> PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
SELECT ?version ?modified ?graph ?triples WHERE {{ GRAPH <{meta}> {{
  <{dataset}> owl:versionInfo ?version ; dct:modified ?modified .
  OPTIONAL {{ <{dataset}> void:subset ?graph . ?graph a sd:NamedGraph ; void:triples ?triples }} }} }}"""
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {graphs} }} }} GROUP BY ?g"
GRAPHS_UNDER = "SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), \"{prefix}\")) }}"
_SYNTAX = ox.Store()  # empty: parses a query (lazily evaluated on nothing) to check it before it leaves


class Engine:
    """HTTP to one SPARQL engine: its query, update and Graph Store endpoints, with credentials.

    The credentials go by Digest or Basic, whichever the engine's first 401 asks for.
    """

    def __init__(self, query_url: str, update_url: str = "", graph_store_url: str = "",
                 user: str = "", password: str = "", timeout: float = 60.0):
        self.query_url, self.update_url = query_url, update_url or query_url
        self.graph_store_url, self.timeout = graph_store_url, timeout
        self.session = requests.Session()
        self.credentials = (user, password) if user else None

    @classmethod
    def from_settings(cls, settings) -> "Engine":
        return cls(settings.store.removeprefix("sparql+"), settings.store_update_url, settings.store_graph_store_url,
                   settings.store_user, settings.store_password, max(settings.query_timeout, 60.0))

    def send(self, method: str, url: str, timeout: float | None = None, **kwargs) -> requests.Response:
        """One request; on a challenge, once more with the credentials. Raises StoreError when unreachable."""
        try:
            response = self.session.request(method, url, timeout=timeout or self.timeout, **kwargs)
            if response.status_code == 401 and self.credentials and self.session.auth is None:
                challenge = response.headers.get("WWW-Authenticate", "").lower()
                self.session.auth = (HTTPDigestAuth if challenge.startswith("digest") else HTTPBasicAuth)(*self.credentials)
                response = self.session.request(method, url, timeout=timeout or self.timeout, **kwargs)
        except requests.RequestException as err:
            raise StoreError(f"the SPARQL engine at {url} cannot be reached: {err}") from err
        if response.status_code in (401, 403):
            raise StoreError(f"the SPARQL engine at {url} refused access ({response.status_code}): "
                             "set QKG_STORE_USER and QKG_STORE_PASSWORD")
        return response

    def select(self, sparql: str) -> list[dict]:
        """Rows of a query of our own, read whole (for small answers: versions, counts)."""
        response = self.send("POST", self.query_url, data={"query": sparql}, headers={"Accept": SOLUTIONS})
        _raise_for(response, self.query_url)
        return [{v.value: row[v] for v in rows.variables if row[v] is not None}
                for rows in [ox.parse_query_results(response.content, ox.QueryResultsFormat.XML)] for row in rows]

    def update(self, sparql: str) -> None:
        response = self.send("POST", self.update_url, data=sparql.encode("utf-8"),
                             headers={"Content-Type": "application/sparql-update; charset=utf-8", "Accept": "*/*"})
        _raise_for(response, self.update_url)

    def add(self, graph: str, triples: list) -> None:
        """Add triples to a graph: Graph Store Protocol POST, or INSERT DATA where there is none."""
        text = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
        if self.graph_store_url:
            response = self.send("POST", self.graph_store_url, params={"graph": graph}, data=text.encode("utf-8"),
                                 headers={"Content-Type": "application/n-triples; charset=utf-8"})
            _raise_for(response, self.graph_store_url)
        else:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{text}}} }}")


def _raise_for(response: requests.Response, url: str) -> None:
    if response.status_code >= 400:
        raise StoreError(f"the SPARQL engine at {url} answered {response.status_code}: {_message(response)}")


def _message(response: requests.Response) -> str:
    return " ".join(response.text.split())[:500] or response.reason


class RemoteStore:
    """The published graphs of a remote engine, read over the SPARQL 1.1 Protocol; same face as GraphStore.

    What is published is re-read at most every `refresh` seconds, so that a build from another
    machine is served (with a new ETag) without a restart. Dumps are served where the build's files
    are on this machine (`local_root`, the store folder); the description is in the meta graph.
    """

    def __init__(self, engine: Engine, base_iri: str, local_root: Path | None = None, refresh: float = 2.0):
        self.engine, self.local_root, self.refresh = engine, local_root, refresh
        mint = Minter(base_iri)
        self.ours = [str(mint.graph(name)) for name in GRAPHS]
        self.dataset_iri, self.meta = str(mint.iri("dataset")), str(mint.graph("meta"))
        self._info: tuple[float, BuildInfo] | None = None

    @property
    def info(self) -> BuildInfo:
        """The published build, re-read at most every `refresh` seconds.

        :raises StoreError: when nothing is published on the engine.
        """
        if self._info is None or time.monotonic() - self._info[0] > self.refresh:
            info = self.published()
            if info is None:
                raise StoreError(f"nothing of quartiers-kg is published at {self.engine.query_url}: "
                                 "run 'quartiers-kg build' with QKG_STORE set to it")
            self._info = (time.monotonic(), info)
        return self._info[1]

    def is_current(self) -> bool:
        """Always: what the engine publishes is re-read every `refresh` seconds (see `info`)."""
        return True

    def published(self) -> BuildInfo | None:
        """The build the meta graph describes: version, time and triples per graph; None if there is none."""
        rows = self.engine.select(BUILD_INFO.format(meta=self.meta, dataset=self.dataset_iri))
        if not rows:
            return None
        counts = {row["graph"].value: int(row["triples"].value) for row in rows if "graph" in row}
        counts[self.meta] = int(self.engine.select(COUNTS.format(graphs=f"<{self.meta}>"))[0]["n"].value)
        return BuildInfo(rows[0]["version"].value, rows[0]["modified"].value, counts)

    @property
    def search(self) -> SearchIndex | None:
        """The full-text index of the build, if it was made on this machine (the engine has no qk:search)."""
        folder = self.path
        if folder is None:
            return None
        if getattr(self, "_search", (None, None))[0] != folder:
            self._search = (folder, SearchIndex.of(folder))
        return self._search[1]

    @property
    def path(self) -> Path | None:
        """The build's folder (dumps) if that build was made on this machine."""
        if self.local_root is None:
            return None
        folder = Path(self.local_root) / "builds" / self.info.version
        return folder if folder.is_dir() else None

    @property
    def graph_names(self) -> list[str]:
        return sorted(self.info.graphs)

    def query(self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              substitutions: dict | None = None, base_iri: str | None = None, own_dataset: bool = False):
        """Run a read-only query on the engine, over the published graphs only; answers as pyoxigraph's.

        Checked by pyoxigraph's parser first, so that a syntax error reads the same on every store.

        :raises QueryRejected: for a syntax error, or one the engine reports.
        """
        shape = read_shape(sparql, base_iri)
        _check_syntax(sparql, shape)
        text = sparql
        if own_dataset and default_graphs is None and named_graphs is None:
            default_graphs, named_graphs = list(shape.from_graphs), list(shape.from_named)
        if shape.dataset_spans:  # the protocol's dataset replaces them; Virtuoso would merge the two instead
            chars = list(text)
            for start, end in shape.dataset_spans:
                chars[start:end] = " " * (end - start)
            text = "".join(chars)
        text = bind(text, substitutions, shape)
        if base_iri:
            text = f"BASE <{base_iri}>\n{text}"
        if default_graphs is None and named_graphs is None:
            default_graphs = named_graphs = self.ours
        params = [("query", text)]
        params += [("default-graph-uri", g) for g in self._ours(default_graphs)]
        params += [("named-graph-uri", g) for g in self._ours(named_graphs)]
        solutions = shape.form in ("SELECT", "ASK")
        response = self.engine.send("POST", self.engine.query_url, data=params, stream=True,
                                    headers={"Accept": SOLUTIONS if solutions else f"{TRIPLES}, text/plain;q=0.5"})
        if response.status_code == 400:
            raise QueryRejected(f"the SPARQL engine refused the query: {_message(response)}", parameter="query")
        _raise_for(response, self.engine.query_url)
        response.raw.decode_content = True
        if solutions:
            result = ox.parse_query_results(response.raw, ox.QueryResultsFormat.XML)
            return _boolean(result) if shape.form == "ASK" else _closing(result, response)
        media = response.headers.get("Content-Type", TRIPLES).split(";")[0].strip()
        fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES  # text/plain is N-Triples (Virtuoso, Fuseki)
        return _closing((quad.triple for quad in ox.parse(response.raw, format=fmt)), response)

    def _ours(self, graphs: Iterable[str]) -> list[str]:
        """The asked-for graphs that are published (others read as empty, as in the embedded store)."""
        return [g for g in graphs if g in self.ours] or [EMPTY_GRAPH]

    in_process = False  # the engine bounds its own memory; a query past its time is abandoned, not this worker

    def answer_job(self, sparql: str, max_rows: int, **dataset) -> Callable[[], Answer]:
        """The work of answering a query up to `max_rows` (the rest is not read), to run on a query thread."""
        return lambda: answer(self.query(sparql, **dataset), max_rows)

    def bounded_answer(self, sparql: str, max_rows: int, timeout: float, max_memory: int = 0, **dataset) -> Answer:
        """Run a query and read its answer within the time budget and the row cap."""
        return run_bounded(self.answer_job(sparql, max_rows, **dataset), timeout, in_process=False)


def _check_syntax(sparql: str, shape) -> None:
    """Parse with pyoxigraph (ASK turned into a SELECT, which is evaluated lazily, so that nothing runs)."""
    text = sparql if shape.form != "ASK" else f"{sparql[:shape.form_at]}SELECT (1 AS ?qkAsk){sparql[shape.form_at + 3:]}"
    try:
        _SYNTAX.query(text)
    except SyntaxError as err:
        raise QueryRejected(f"SPARQL syntax error: {err}", parameter="query") from err


def _boolean(result) -> ox.QueryBoolean:
    """An ASK answer as a boolean, also where the engine wrote it as a table (Virtuoso: one row, 1 or 0)."""
    if isinstance(result, ox.QueryBoolean):
        return result
    rows = list(result)
    value = bool(rows) and rows[0][ASK_COLUMN] is not None and rows[0][ASK_COLUMN].value not in ("0", "false")
    return ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if value else b"false"), ox.QueryResultsFormat.JSON)


class _closing:
    """An iterator over a streamed answer that lets the connection go when dropped unread (the row cap)."""

    def __init__(self, items: Iterator, response: requests.Response):
        self.items, self.response = items, response
        self.variables = getattr(items, "variables", None)

    def __iter__(self):
        try:
            yield from self.items
        finally:
            self.response.close()

    def serialize(self, output, format):
        """Write the solutions (read from the stream as far as the writer goes), then let the connection go."""
        try:
            return self.items.serialize(output, format)
        finally:
            self.response.close()


def publish(engine: Engine, store: ox.Store, info: BuildInfo, base_iri: str, chunk: int) -> None:
    """Load a finished local build into staging graphs, check them, and switch them in with one update.

    Readers see the old graphs until the switch: MOVE in one update request is one transaction on
    Oxigraph and on Virtuoso. A build that dies before it leaves staging graphs only; the next build
    removes them first, so running a build again gives the same published graphs.
    """
    mint = Minter(base_iri)
    staging_root = str(mint.graph("staging")) + "/"
    for row in engine.select(GRAPHS_UNDER.format(prefix=staging_root)):
        engine.update(f"DROP SILENT GRAPH <{row['g'].value}>")
    staging = {name: f"{staging_root}{info.version}/{name.rsplit('/', 1)[-1]}" for name in info.graphs}
    for name, target in staging.items():
        quads = store.quads_for_pattern(None, None, None, ox.NamedNode(name))
        blank = []  # triples with a blank node go in one request: a node's label means one node per document only
        while batch := list(itertools.islice(quads, chunk)):
            plain = [q.triple for q in batch if not _has_blank(q)]
            blank += [q.triple for q in batch if _has_blank(q)]
            if plain:
                engine.add(target, plain)
        if blank:
            engine.add(target, blank)
    loaded = {row["g"].value: int(row["n"].value)
              for row in engine.select(COUNTS.format(graphs=" ".join(f"<{g}>" for g in staging.values())))}
    for name, target in staging.items():
        if loaded.get(target, 0) != info.graphs[name]:
            raise StoreError(f"the engine at {engine.query_url} holds {loaded.get(target, 0)} triples of graph {name} "
                             f"after loading {info.graphs[name]}: nothing was published")
    engine.update(" ;\n".join(f"MOVE GRAPH <{target}> TO GRAPH <{name}>" if info.graphs[name] else f"DROP SILENT GRAPH <{name}>"
                             for name, target in staging.items()))


def _has_blank(quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
