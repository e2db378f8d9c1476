"""Serve the app: uvicorn's event loop in front, N worker processes over one read-only store.

Slow and idle clients cost a socket in the event loop, not a thread: a request reaches the app only once its whole
body has arrived, within `client_timeout` seconds. Repeated GETs are answered from the response cache in the event
loop itself, SPARQL answers by the lean path (web/lean.py) with one hand-off to a query thread, the pages by Flask
on a thread pool (a2wsgi).
A worker whose query ran out of time or memory leaves after answering (its evaluation cannot be
cancelled), and the supervisor starts a fresh one at once; a worker that dies (a signal, an error) is named with
its cause, and while workers keep dying young the supervisor waits longer before each new one.
"""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import os
import signal
import tempfile
import time
from collections.abc import Callable

import uvicorn
from a2wsgi import WSGIMiddleware
from flask import Flask
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.multiprocess import Process

from . import metrics
from .config import Settings
from .errors import QuartiersError
from .web import create_app
from .web.caching import ResponseCache, served_version
from .web.context import get_store
from .web.errors import RETIRE_WORKER
from .web.lean import LeanPath, replay

log = logging.getLogger(__name__)
supervision = logging.getLogger("uvicorn.error")  # the supervisor's lines among uvicorn's own
MAX_TARGET = 8190  # bytes of path and query string, as gunicorn and nginx allow
MAX_FIELD = 8190  # bytes of one header line
MAX_HEADERS = 32768  # bytes of all header lines


def asgi_app():
    """The app of one worker process (uvicorn imports and calls this in each worker it spawns)."""
    faulthandler.enable()  # a worker killed by a signal leaves its stack in the log
    settings = Settings.from_env()
    app = create_app(settings)
    with app.app_context():
        try:
            get_store()  # open (and copy into memory) now, not on the first request
        except QuartiersError as err:  # the worker stays up and answers 503 with the reason
            log.error("cannot open the store: %s", err)
    return serving(app, retire_worker)


def serving(app: Flask, retire: Callable[[], None] | None = None):
    """The app as served: request limits and metrics, the response cache, the lean SPARQL path, then Flask.

    `retire` ends the worker after a query that ran past its budget (None: nothing ends, as in a test's process).
    """
    settings = app.config["SETTINGS"]
    pages = WSGIMiddleware(_retiring(app.wsgi_app, retire), workers=settings.threads * 2)
    cached = ResponseCache(LeanPath(app, pages, retire), lambda: served_version(app), settings.cache_bytes)
    routes = {rule.rule.split("/")[1] for rule in app.url_map.iter_rules() if "<" not in rule.rule.split("/")[1]} - {""}
    return Measured(WholeRequests(cached, settings.max_query_bytes + 4096, settings.client_timeout), routes)


class Measured:
    """ASGI middleware: count every answer by route, method and status, and time it to its last byte (cache hits
    and refused requests too). The route is the path's first segment where the app has routes under it, "/" for the
    home page, else "resource" (the linked-data pages and everything unknown)."""

    def __init__(self, app, routes: set[str]):
        self.app, self.routes = app, routes
        self.series: dict[tuple, tuple] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        first = scope["path"].split("/")[1] if scope["path"].count("/") else ""
        route = "/" if scope["path"] == "/" else first if first in self.routes else "resource"
        start, answer = time.perf_counter(), {"status": 0, "length": None, "sent": 0}

        async def measure(message):
            if message["type"] == "http.response.start":
                answer.update(status=message["status"], length=dict(message.get("headers", ())).get(b"content-length"))
            elif message["type"] == "http.response.body" and "done" not in answer:
                answer["sent"] += len(message.get("body", b""))
                # counted when the last byte goes out: a client may ask for /metrics as soon as it has them all
                if not message.get("more_body") or str(answer["sent"]).encode() == answer["length"]:
                    answer["done"] = True
                    self.counted(route, scope["method"], answer["status"], time.perf_counter() - start)
            await send(message)

        await self.app(scope, receive, measure)

    def counted(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answer; the labelled series are looked up once (prometheus_client's labels() is slow)."""
        key = (route, method, status)
        if key not in self.series:
            self.series[key] = (metrics.LATENCY.labels(route), metrics.REQUESTS.labels(route, method, str(status)))
        latency, requests = self.series[key]
        latency.observe(seconds)
        requests.inc()


def retire_worker() -> None:
    """Let this worker leave once the requests in flight are answered: that ends an evaluation past its budget."""
    log.warning("retiring worker %s: a query ran past its budget", os.getpid())
    metrics.RETIRED.inc()
    metrics.worker_leaving()
    os.kill(os.getpid(), signal.SIGTERM)  # graceful: the requests in flight are answered first


def _retiring(wsgi_app, retire: Callable[[], None] | None):
    """After Flask answered a query that ran out of time or memory, `retire`."""
    def app(environ, start_response):
        result = wsgi_app(environ, start_response)
        try:
            yield from result
        finally:
            if hasattr(result, "close"):
                result.close()
            if environ.get(RETIRE_WORKER) and retire:
                retire()
    return app


class WholeRequests:
    """ASGI middleware: read the whole request (within limits and time) before the app sees any of it.

    414 for an over-long target, 431 for over-long headers, 413 for a body over `max_body`, 408 for a
    body not complete within `timeout` seconds.
    """

    def __init__(self, app, max_body: int, timeout: float):
        self.app, self.max_body, self.timeout = app, max_body, timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > MAX_TARGET:
            return await _refuse(send, 414, "the request line is too long")
        lines = [len(k) + len(v) + 4 for k, v in scope.get("headers", ())]
        if sum(lines) > MAX_HEADERS or max(lines, default=0) > MAX_FIELD:
            return await _refuse(send, 431, "the request's header fields are too large")
        chunks, size = [], 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    chunks.append(message.get("body", b""))
                    size += len(chunks[-1])
                    if size > self.max_body:
                        return await _refuse(send, 413, f"the request body is larger than {self.max_body} bytes")
                    if not message.get("more_body"):
                        break
        except TimeoutError:
            return await _refuse(send, 408, f"the request body did not arrive within {self.timeout:g} s")
        return await self.app(scope, replay(b"".join(chunks), receive), send)


async def _refuse(send, status: int, message: str) -> None:
    body = f"{status}: {message}\n".encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def run(settings: Settings) -> None:
    """Serve until stopped; the workers read the same settings from the environment, and count into one folder of
    metrics files that lives as long as the server."""
    os.environ.update(settings.as_env())
    with tempfile.TemporaryDirectory(prefix="quartiers-kg-metrics-") as counts:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = counts
        _run(settings)


def _run(settings: Settings) -> None:
    config = uvicorn.Config(
        "quartiers_kg.server:asgi_app", factory=True, host=settings.host, port=settings.port, workers=settings.workers,
        http="httptools", loop="uvloop", lifespan="off", interface="asgi3", timeout_keep_alive=5,
        limit_concurrency=settings.max_connections, timeout_graceful_shutdown=5, access_log=bool(settings.access_log),
        server_header=False, proxy_headers=False,
    )
    Supervisor(config, sockets=[config.bind_socket()]).run()


class Supervisor(Multiprocess):
    """uvicorn's supervisor, which says why a worker ended and backs off while workers die young.

    A worker of the first ones that fails to start stops the server, as uvicorn's does (the app, the settings or the
    socket are broken). A worker that leaves cleanly (exit 0: retired after a runaway query) is replaced at once. One
    that fails to start later, or dies within
    `YOUNG` seconds of its start, by a signal or an error, makes the next start wait 1, 2, 4 … up to `MAX_PAUSE`
    seconds (the count starts again once a worker lives longer): a cause that kills every new worker (a full disk,
    a broken store) costs a line in the log now and then, not a respawn loop.
    """

    YOUNG = 10.0
    MAX_PAUSE = 60.0

    def __init__(self, config: uvicorn.Config, sockets):
        super().__init__(config, sockets)
        self.born: dict[int, float] = {}
        self.first: set[int] = set()
        self.waiting: dict[int, float] = {}  # slot -> when its next worker may start
        self.young_deaths = 0

    def init_processes(self) -> None:
        super().init_processes()
        self.born.update((p.pid, time.monotonic()) for p in self.processes)
        self.first = {p.pid for p in self.processes}

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for slot, process in enumerate(self.processes):
            if slot not in self.waiting:
                if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                    continue
                process.kill()  # hung, or already gone
                process.join()
                if process.exitcode == STARTUP_FAILURE and process.pid in self.first:
                    supervision.error("worker %s failed to start: stopping the server (see the lines above)", process.pid)
                    self.should_exit.set()
                    return
                self.waiting[slot] = time.monotonic() + self._pause(process)
            if time.monotonic() >= self.waiting[slot] and not self.should_exit.is_set():
                del self.waiting[slot]
                fresh = Process(self.config, self.sockets)
                fresh.start()
                self.born[fresh.pid] = time.monotonic()
                self.processes[slot] = fresh

    def _pause(self, process: Process) -> float:
        """Log why a worker ended; the seconds to wait before its successor starts."""
        born = self.born.pop(process.pid, None)  # None: started by a reload (SIGHUP), not here
        lived = "" if born is None else f" after {time.monotonic() - born:.1f} s"
        if process.exitcode == 0:
            supervision.info("worker %s left%s; a new one starts", process.pid, lived)
            return 0.0
        young = process.exitcode == STARTUP_FAILURE or (born is not None and time.monotonic() - born < self.YOUNG)
        self.young_deaths = self.young_deaths + 1 if young else 0
        pause = min(self.MAX_PAUSE, 2.0 ** (self.young_deaths - 1)) if self.young_deaths else 0.0
        supervision.error("worker %s died%s: %s; the next one starts in %g s", process.pid, lived,
                          ending(process.exitcode), pause)
        return pause


def ending(code: int | None) -> str:
    """What a worker's exit code says, in words.

    >>> ending(-7), ending(1)
    ('signal SIGBUS (a memory-mapped file could not be written: is a disk full?)', 'exit code 1')
    """
    if code is None:
        return "it did not answer the health check"
    if code == STARTUP_FAILURE:
        return "it failed to start (see the lines above)"
    if code >= 0:
        return f"exit code {code}"
    name = signal.Signals(-code).name
    why = {"SIGBUS": "a memory-mapped file could not be written: is a disk full?",
           "SIGKILL": "killed from outside, by the kernel when memory ran out, say",
           "SIGSEGV": "a crash in native code"}.get(name)
    return f"signal {name}" + (f" ({why})" if why else "")
