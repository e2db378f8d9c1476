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

import errno


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
    """A disk full, read-only or closed to us under a build or a fetch: names the path and what is short."""

    # errno -> what is short; the storage engines' errors carry only the text
    SHORT = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "the disk quota is used up",
             errno.EROFS: "the file system is read-only", errno.EACCES: "no permission to write"}
    TEXTS = {"No space left on device": errno.ENOSPC, "Disk quota exceeded": errno.EDQUOT,
             "Read-only file system": errno.EROFS, "ReadOnlyFilesystem": errno.EROFS, "Permission denied": errno.EACCES}

    @classmethod
    def of(cls, err: Exception, where: object, consequence: str) -> "DiskError | None":
        """Ours for an error of a full, read-only or closed disk (an OSError, or an engine's error naming one), None
        for any other. The message: the file (else `where`), what is short, and `consequence`.

        >>> str(DiskError.of(OSError(28, "No space left on device", "/srv/x"), "/srv", "nothing was published"))
        '/srv/x: no space left on the device; nothing was published'
        """
        code = getattr(err, "errno", None)
        if code not in cls.SHORT:
            code = next((c for text, c in cls.TEXTS.items() if text in str(err)), None)
        if code is None:
            return None
        return cls(f"{getattr(err, 'filename', None) or where}: {cls.SHORT[code]}; {consequence}")


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
