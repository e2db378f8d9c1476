"""One frozen Settings object: every path, limit and flag, with its default and env variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path

from .errors import QuartiersError
from .model import PRINT_URL, WEB_ROOT


def _project_root() -> Path:
    """Find the checkout holding ontology/ and data/: the source tree in an editable install, else the cwd."""
    candidate = Path(__file__).resolve().parents[2]
    return candidate if (candidate / "ontology").is_dir() else Path.cwd()


ROOT = _project_root()


@dataclass(frozen=True)
class Settings:
    """Every setting of quartiers-kg. Each field can be set by the env variable QKG_<NAME>."""

    base_iri: str = field(default="https://w3id.org/quartiers-kg/", metadata={"help": "canonical IRI base of the dataset"})
    source_dir: Path = field(default=ROOT / "data", metadata={"help": "source pages (modules/) and curated Turtle"})
    ontology_dir: Path = field(default=ROOT / "ontology", metadata={"help": "OWL ontology in Turtle"})
    shapes_dir: Path = field(default=ROOT / "shapes", metadata={"help": "SHACL shapes in Turtle"})
    assets_dir: Path = field(default=ROOT / "node_modules", metadata={"help": "JavaScript packages installed by npm ci"})
    queries_dir: Path = field(default=ROOT / "queries", metadata={"help": "named SPARQL queries (*.rq)"})
    store_dir: Path = field(default=ROOT / "var" / "store", metadata={"help": "where built stores live"})
    serve_from: Path | None = field(default=None, metadata={"help": "serve this Oxigraph store directory or RDF file instead"})
    store: str = field(default="", metadata={"help": "a remote SPARQL engine instead of the embedded store: sparql+http(s)://… "
                                                     "of its query endpoint"})
    store_update_url: str = field(default="", metadata={"help": "the engine's SPARQL Update endpoint (default: the query endpoint)"})
    store_graph_store_url: str = field(default="", metadata={"help": "the engine's Graph Store Protocol endpoint, for loading "
                                                                     "(default: load by SPARQL Update)"})
    store_user: str = field(default="", metadata={"help": "user name for the engine (from the environment only)"})
    store_password: str = field(default="", repr=False, metadata={"help": "password for the engine (from the environment only)"})
    store_chunk_triples: int = field(default=50_000, metadata={"help": "triples sent to the engine per request when publishing"})
    store_refresh: float = field(default=2.0, metadata={"help": "seconds between looks for a newly published build (the store folder or the engine): a running server serves it without a restart"})
    public_url: str = field(default="", metadata={"help": "the server's public address, for absolute links (sitemap, "
                                                          "service description, OpenAPI); default http://HOST:PORT/. "
                                                          "The request's Host header is never used for them"})
    host: str = field(default="127.0.0.1", metadata={"help": "address the server binds"})
    port: int = field(default=5000, metadata={"help": "port the server binds"})
    workers: int = field(default=2, metadata={"help": "server worker processes"})
    access_log: int = field(default=0, metadata={"help": "1 logs every request to standard output"})
    threads: int = field(default=4, metadata={"help": "request threads per worker process (twice as many run the app)"})
    client_timeout: float = field(default=30.0, metadata={"help": "seconds a client has to send its whole request body"})
    max_connections: int = field(default=1000, metadata={"help": "open connections per worker; more are answered 503"})
    query_timeout: float = field(default=10.0, metadata={"help": "wall-clock seconds a query may run"})
    max_rows: int = field(default=10000, metadata={"help": "result rows/triples returned at most"})
    max_query_bytes: int = field(default=256 * 1024, metadata={"help": "largest accepted query text"})
    max_nesting: int = field(default=64, metadata={"help": "deepest nesting of {} and () in a query"})
    max_operators: int = field(default=10_000, metadata={"help": "operators, UNION, BIND, OPTIONAL, MINUS and FILTER a "
                                                                 "query may hold"})
    worker_memory: int = field(default=-1, metadata={"help": "bytes a server worker may grow by while a query runs; over "
                                                           "it the query gets 503 and the worker is replaced (-1: an eighth "
                                                           "of the machine's memory shared by the workers, 256 MiB to 4 GiB)"})
    build_processes: int = field(default=os.cpu_count() or 1, metadata={"help": "processes that validate a build"})
    memory_max_triples: int = field(default=5_000_000,
                                    metadata={"help": "a built store up to this size is served from an in-memory copy"})
    cache_bytes: int = field(default=256 * 1024 * 1024, metadata={"help": "response cache per worker (0 turns it off)"})
    page_size: int = field(default=500, metadata={"help": "members per page of a class list"})
    license: str = field(default="http://dcat-ap.de/def/licenses/cc-by/4.0",
                         metadata={"help": "licence IRI of the published data (DCAT-AP.de licence vocabulary)"})
    publisher_name: str = field(default="quartiers-kg", metadata={"help": "who publishes the dataset"})
    publisher_url: str = field(default="https://w3id.org/quartiers-kg/", metadata={"help": "publisher's web address"})
    contact_email: str = field(default="kontakt@quartiers-kg.invalid",
                               metadata={"help": "contact address of the publisher, also named in fetch's User-Agent"})
    metrics_token: str = field(default="", repr=False, metadata={"help": "a token that opens /metrics (Authorization: Bearer …); "
                                                             "without one, only clients on this machine that no proxy forwarded"})
    print_url: str = field(default=PRINT_URL, metadata={"help": "address of a module's print page for fetch, {number:02d} in it"})
    web_root: str = field(default=WEB_ROOT, metadata={"help": "where fetch starts on the web site; it stays under it"})
    fetch_delay: float = field(default=1.0, metadata={"help": "seconds at least between two requests of fetch"})
    fetch_timeout: float = field(default=30.0, metadata={"help": "seconds fetch waits for a connection or the next bytes of an answer"})
    fetch_page_deadline: float = field(default=120.0, metadata={"help": "seconds fetch gives one answer from connection to last byte"})
    fetch_run_deadline: float = field(default=4 * 3600.0, metadata={"help": "seconds a whole fetch may take; what is left is named and skipped"})
    fetch_max_bytes: int = field(default=4 << 20, metadata={"help": "bytes of one page fetch takes at most, as received and as decoded"})
    fetch_private_hosts: str = field(default="", metadata={"help": "hosts fetch may reach at an IP literal or a non-public "
                                                                   "address (comma-separated; a test's mock site)"})
    fetch_retries: int = field(default=3, metadata={"help": "times fetch retries after 429, 503 or a timeout"})
    fetch_max_pages: int = field(default=5000, metadata={"help": "web pages fetch visits at most"})

    def __post_init__(self) -> None:
        if not self.base_iri.startswith(("http://", "https://")) or not self.base_iri.endswith(("/", "#")):
            raise QuartiersError(f"base_iri must be an http(s) IRI ending in '/' or '#', found {self.base_iri!r}")
        for name in ("port", "workers", "threads", "max_rows", "max_query_bytes", "max_nesting", "max_operators", "max_connections", "page_size", "build_processes", "store_chunk_triples"):
            if getattr(self, name) < 1:
                raise QuartiersError(f"setting {name} must be positive, found {getattr(self, name)}")
        if self.worker_memory < -1:
            raise QuartiersError(f"setting worker_memory must be -1 (derived), 0 (no bound) or bytes, found {self.worker_memory}")
        for name in ("memory_max_triples", "cache_bytes"):
            if getattr(self, name) < 0:
                raise QuartiersError(f"setting {name} must not be negative, found {getattr(self, name)}")
        if self.public_url and not (self.public_url.startswith(("http://", "https://")) and self.public_url.endswith("/")):
            raise QuartiersError(f"setting public_url must be an http(s) address ending in '/', found {self.public_url!r}")
        if self.store and not self.store.startswith(("sparql+http://", "sparql+https://")):
            raise QuartiersError(f"setting store must be sparql+http(s)://host/path of a query endpoint, found {self.store!r}")
        for name in ("query_timeout", "fetch_timeout", "client_timeout", "fetch_page_deadline", "fetch_run_deadline", "fetch_max_bytes"):
            if getattr(self, name) <= 0:
                raise QuartiersError(f"setting {name} must be positive, found {getattr(self, name)}")
        if self.fetch_delay < 0 or self.fetch_retries < 0 or self.fetch_max_pages < 1:
            raise QuartiersError("settings fetch_delay and fetch_retries must not be negative, fetch_max_pages positive")
        if "{number" not in self.print_url:
            raise QuartiersError(f"setting print_url must hold {{number:02d}}, found {self.print_url!r}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Read QKG_* variables, then apply explicit overrides (None values are ignored)."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f"QKG_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _coerce(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**{k: _coerce(k, next(f.type for f in fields(cls) if f.name == k), v) for k, v in values.items()})

    def as_env(self) -> dict[str, str]:
        """The settings as QKG_* variables, so that a process started with them reads the same settings."""
        return {f"QKG_{f.name.upper()}": str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) is not None}

    @property
    def memory_per_worker(self) -> int:
        """worker_memory in bytes, derived from the machine and the workers where it is -1 (see memory_budget)."""
        return memory_budget(self.workers) if self.worker_memory == -1 else self.worker_memory

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


@lru_cache(maxsize=8)
def memory_budget(workers: int) -> int:
    """Each worker's share of an eighth of the memory this machine (or its container) has, from 256 MiB to 4 GiB: the
    workers together stay far from what the machine has, whatever query the internet sends. Read once a process: every
    query asks."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text(encoding="ascii").strip()
        physical = min(physical, int(limit)) if limit.isdigit() else physical
    except OSError:
        pass
    return max(256 << 20, min(4 << 30, physical // 8 // workers))


def _coerce(name: str, kind, value):
    kind = kind if isinstance(kind, str) else kind.__name__
    try:
        if kind.startswith("Path"):
            return Path(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except ValueError as err:
        raise QuartiersError(f"setting {name}: expected {kind}, found {value!r}") from err
