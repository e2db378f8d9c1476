"""Shared fixtures: one real on-disk store built from data/ per test run; the app, client and runner on it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from quartiers_kg.build import build
from quartiers_kg.config import ROOT, Settings
from quartiers_kg.web import create_app

SEED = ROOT / "data" / "modules" / "druck_116.txt"
DATA_TRIPLES = 328  # module 116, the six scales and the concept schemes; pinned on purpose


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    store_dir = tmp_path_factory.mktemp("store")
    s = Settings.from_env({}, store_dir=store_dir)
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
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(settings, **env):
    """A real `quartiers-kg serve` process (gunicorn) on loopback; yields (base URL, process). Stopped by its PID."""
    port = free_port()
    env = {**os.environ, "QKG_STORE_DIR": str(settings.store_dir), "QKG_PORT": str(port), "QKG_WORKERS": "2",
           **{f"QKG_{k.upper()}": str(v) for k, v in env.items()}}
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "quartiers_kg", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.seek(0)
                raise RuntimeError(f"server did not start: {log.read().decode()[-2000:]}")
            time.sleep(0.2)
    try:
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


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
