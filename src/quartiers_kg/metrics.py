"""Prometheus metrics, each defined once here: what the server counts and measures, and the served build's figures.

The server's worker processes share their counts through prometheus_client's multiprocess files
(PROMETHEUS_MULTIPROC_DIR, set by `serve` before the workers start); `/metrics` adds them up. Without it (a test
client, one process) the counts are this process's own.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, GaugeMetricFamily, InfoMetricFamily

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

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
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(os.getpid())
