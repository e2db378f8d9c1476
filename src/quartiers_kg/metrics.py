"""Prometheus metrics, each defined once here: what the server counts and measures, and the served build's figures.

The server's worker processes share their counts through prometheus_client's multiprocess files
(PROMETHEUS_MULTIPROC_DIR, set by `serve` before the workers start); `/metrics` adds them up. Without it (a test
client, one process) the counts are this process's own.

Those files are memory-mapped and sparse: on a full disk the first write into one is a bus error that kills the
process. So each process writes its files in full before any metric exists (the import of this module); where it
cannot, its metrics are off (`OFF` says why, in the log and in /health) and the worker serves without them.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess, values
from prometheus_client.core import REGISTRY, GaugeMetricFamily, InfoMetricFamily

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
FILES = ("counter", "histogram", "gauge_livesum")  # the kinds of metric below, as prometheus_client names their files
FILE_BYTES = 1 << 20  # written in full: room for some thousand series, past which a file grows (sparse again)


def _write_files(folder: str | None, pid: int) -> str | None:
    """Write this process's metrics files in full (zeros, which prometheus_client reads as empty); None if done or
    nothing to do, else why they cannot be (and none of them is left behind)."""
    if not folder:
        return None
    made = []
    try:
        for kind in FILES:
            path = Path(folder) / f"{kind}_{pid}.db"
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            made.append(path)
            try:
                os.posix_fallocate(fd, 0, max(FILE_BYTES, os.fstat(fd).st_size))
            finally:
                os.close(fd)
    except OSError as err:
        for path in made:
            path.unlink(missing_ok=True)
        return f"cannot write the metrics files in {folder}: {err.strerror or err}"
    return None


OFF = _write_files(os.environ.get("PROMETHEUS_MULTIPROC_DIR"), os.getpid())
if OFF:
    logging.getLogger(__name__).error("metrics are off in worker %s: %s", os.getpid(), OFF)
    values.ValueClass = values.MutexValue  # counted in this process only, never written to a file

REQUESTS = Counter("qkg_http_requests", "HTTP requests answered, by route (first path segment), method and status",
                   ["route", "method", "status"])
LATENCY = Histogram("qkg_http_request_duration_seconds", "Time from a request's arrival to its last byte, by route",
                    ["route"], buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
CACHE_HITS = Counter("qkg_cache_hits", "GET requests answered from the response cache")
CACHE_MISSES = Counter("qkg_cache_misses", "GET requests the response cache passed to the app")
CACHE_BYTES = Gauge("qkg_cache_bytes", "Bytes of answers kept in the response caches of the live workers",
                    multiprocess_mode="livesum")
OVER_BUDGET = Counter("qkg_queries_over_budget", "Queries stopped at their time or memory budget", ["budget"])
RETIRED = Counter("qkg_workers_retired", "Workers that left after a query ran past its budget (a fresh one starts)")


class _Build:
    """The served build's figures, read when /metrics is scraped."""

    def __init__(self, info):
        self.info = info

    def collect(self):
        if self.info is None:
            return
        built = datetime.fromisoformat(self.info.built_at)
        yield InfoMetricFamily("qkg_build", "The build served", value={"version": self.info.version, "built_at": self.info.built_at})
        yield GaugeMetricFamily("qkg_build_age_seconds", "Seconds since the served build was made", value=time.time() - built.timestamp())
        triples = GaugeMetricFamily("qkg_triples", "Triples of the served build, by named graph", labels=["graph"])
        for graph, count in sorted(self.info.graphs.items()):
            triples.add_metric([graph], count)
        yield triples


def state() -> str:
    """'on', or 'off: <why>' (for /health)."""
    return f"off: {OFF}" if OFF else "on"


def exposition(info) -> bytes:
    """Every metric in the Prometheus text format: the workers' counts and `info`'s build (None: no build open)."""
    registry = REGISTRY  # this process's own counts
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    build = CollectorRegistry()
    build.register(_Build(info))
    return generate_latest(registry) + generate_latest(build)


def worker_leaving() -> None:
    """A worker is about to exit: its live gauges stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and not OFF:
        multiprocess.mark_process_dead(os.getpid())
