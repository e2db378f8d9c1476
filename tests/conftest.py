"""Shared fixtures: one real on-disk store built from data/ per test run; the app, client and runner on it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from a2wsgi import ASGIMiddleware
from click.testing import CliRunner
from werkzeug.test import Client, TestResponse

from quartiers_kg.build import build
from quartiers_kg.config import ROOT, Settings
from quartiers_kg.server import serving
from quartiers_kg.web import create_app

SEED = ROOT / "data" / "modules" / "druck_116.txt"
MAPPED_TRIPLES = 585  # module 116 mapped: its provenance (and the lines its page dropped), the six scales, the template sections and the concept schemes; pinned on purpose
DATA_TRIPLES = MAPPED_TRIPLES + 3 * 8 + 3 * 7  # the data graph adds its three places linked to GeoNames and data/links/wikidata.ttl


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    store_dir = tmp_path_factory.mktemp("store")
    s = Settings.from_env({}, store_dir=store_dir, public_url="http://localhost/")  # where the test client asks
    build(s)
    return s


@pytest.fixture(scope="session")
def store(settings):
    from quartiers_kg.store import GraphStore

    return GraphStore(settings.store_dir)


@pytest.fixture(scope="session")
def app(settings):
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return served_client(app)


_SERVED: dict = {}  # app -> its client


def served_client(app) -> Client:
    """A test client of the app as the server serves it (server.serving): the lean SPARQL path and the response
    cache in front of Flask, over ASGI. One per app, so that the threads it starts are started once."""
    if app not in _SERVED:
        asgi = ASGIMiddleware(serving(app))

        def wsgi(environ, start_response):
            environ.setdefault("REMOTE_ADDR", "127.0.0.1")  # as Flask's test client and a server on loopback give it
            environ.setdefault("REMOTE_PORT", "50000")
            return asgi(environ, start_response)

        _SERVED[app] = Client(wsgi, TestResponse)
    return _SERVED[app]


@pytest.fixture
def runner():
    return CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(proc: subprocess.Popen, grace: float = 10) -> None:
    """Stop a process started in its own session and everything it started (the server's workers): SIGTERM to the
    group, SIGKILL to what is left after `grace` seconds. Nothing of ours outlives a test."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 30)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        try:  # the leader is gone; its group may not be
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        break


@contextlib.contextmanager
def process_on_loopback(command: list[str], probe: str | None, log_path: Path, **popen):
    """Start a process in its own process group, poll `probe` until it answers (120 s at most: a busy machine starts
    slowly), yield it, and stop the whole group at the end.

    Its output goes to `log_path`, whose end is shown if it does not start.
    """
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **popen)
    try:
        deadline = time.monotonic() + 120
        while probe:
            try:
                with urllib.request.urlopen(probe, timeout=10):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start: {log_path.read_text(errors='replace')[-2000:]}")
                time.sleep(0.2)
        yield proc
    finally:
        stop_group(proc)


@contextlib.contextmanager
def running_server(settings, **env):
    """A real `quartiers-kg serve` process on loopback; yields (base URL, process). Stopped by its PID."""
    port = free_port()
    env = {**os.environ, "QKG_STORE_DIR": str(settings.store_dir), "QKG_PORT": str(port), "QKG_WORKERS": "2",
           **{f"QKG_{k.upper()}": str(v) for k, v in env.items()}}
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder, process_on_loopback(
            [sys.executable, "-m", "quartiers_kg", "serve"], url + "/sparql?query=ASK%7B%7D", Path(folder) / "server.log",
            env=env) as proc:
        yield url, proc


@pytest.fixture(scope="session")
def server(settings):
    with running_server(settings) as (url, _):
        yield url


def page(*lines: str) -> str:
    """A test page from lines (the template's layout: a blank line between blocks)."""
    return "\n".join(lines) + "\n"


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def project_root() -> Path:
    return ROOT
