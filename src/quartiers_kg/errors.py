"""The exception family: every failure the project reports on purpose.

    QuartiersError                  (500: unexpected)
    ├── SourcePageError             a page that cannot be read (path, line)
    ├── MappingError                a model that cannot become RDF
    ├── ValidationFailed            the SHACL gate refused the graph (report)
    ├── StoreError                  503: no store, or one that cannot be read, written or swapped
    │   └── DiskError               a disk full or read-only under a build (path, what is short)
    ├── QueryRejected               400: a query or parameter the endpoint will not run (parameter)
    │   ├── RequestTooLarge         413
    │   └── UnsupportedMediaType    415
    ├── QueryTimeout                503: past the time budget
    │   └── QueryOutOfMemory        503: past the memory budget
    ├── NotAcceptable               406
    ├── UnknownResource             404
    └── FetchRefused                an address or a response the crawler will not take (kind, reason)
"""

from __future__ import annotations


class QuartiersError(Exception):
    """Base of every error quartiers-kg raises on purpose; `status` is its HTTP status (500: unexpected)."""

    status = 500


class SourcePageError(QuartiersError):
    """A source page that cannot be read; names the file and line."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class MappingError(QuartiersError):
    """A parsed model that cannot be turned into RDF."""


class ValidationFailed(QuartiersError):
    """The SHACL gate refused the graph; carries the readable report."""

    def __init__(self, report: str, violations: int):
        self.report, self.violations = report, violations
        super().__init__(f"SHACL validation failed with {violations} violation(s):\n{report}")


class StoreError(QuartiersError):
    """The store is missing, unreadable or could not be swapped (HTTP 503)."""

    status = 503


class DiskError(StoreError):
    """A build's disk is full or read-only: names the path and what is short."""


class QueryRejected(QuartiersError):
    """A SPARQL query or parameter that the public endpoint will not run (HTTP 400); names the parameter."""

    status = 400

    def __init__(self, message: str, parameter: str | None = None):
        self.parameter = parameter
        super().__init__(message)


class RequestTooLarge(QueryRejected):
    """A query text or body over the size limit (HTTP 413)."""

    status = 413


class UnsupportedMediaType(QueryRejected):
    """A request body of a type or charset the endpoint does not read (HTTP 415)."""

    status = 415


class QueryTimeout(QuartiersError):
    """A query ran past its wall-clock budget and was stopped (HTTP 503).

    `in_process`: the evaluation still runs in this process (embedded store), not on a remote engine.
    """

    status = 503

    def __init__(self, message: str, in_process: bool = True):
        self.in_process = in_process
        super().__init__(message)


class QueryOutOfMemory(QueryTimeout):
    """A query made its worker grow past the memory budget and was stopped (HTTP 503)."""


class NotAcceptable(QuartiersError):
    """No representation fits the Accept header (HTTP 406)."""

    status = 406


class UnknownResource(QuartiersError):
    """An IRI or path that names nothing in the dataset (HTTP 404)."""

    status = 404


class FetchRefused(QuartiersError):
    """An address the crawler will not fetch, or a response it will not keep; `kind` says why in a word or two
    (robots, off-site, redirect refused, not HTML, too many; private address, too large, too slow, unreadable), the
    message names it."""

    KINDS = ("robots", "off-site", "redirect refused", "not HTML", "too many", "private address", "too large", "too slow",
             "unreadable")

    def __init__(self, kind: str, message: str):
        assert kind in self.KINDS, kind
        self.kind = kind
        super().__init__(message)
