"""The crawler against a mock site on loopback: politeness, every failure, incremental runs, a killed run, and a
build over the mirror it leaves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from quartiers_kg.build import page_files, read_pages
from quartiers_kg.cli import main
from quartiers_kg.fetch.mirror import sha256
from quartiers_kg.fetch.transport import Transport
from quartiers_kg.source.files import MANIFEST

from .mocksite import ROOT, MockSite, serving

DELAY = 0.1


@pytest.fixture
def site():
    site = MockSite().build()
    with serving(site):
        yield site


def fetch(runner, site, into, *extra):
    env = {"QKG_PRINT_URL": site.url + "/druck/druck_{number:02d}.html", "QKG_WEB_ROOT": site.url + ROOT,
           "QKG_FETCH_TIMEOUT": "3", "QKG_FETCH_RETRIES": "1", "QKG_CONTACT_EMAIL": "test@example.org",
           "QKG_FETCH_PRIVATE_HOSTS": "127.0.0.1"}
    return runner.invoke(main, ["fetch", "--numbers", "7-12", "--into", str(into), "--delay", str(DELAY), *extra], env=env)


def manifest(into) -> dict:
    return json.loads((into / MANIFEST).read_text(encoding="utf-8"))["pages"]


def agree(into) -> None:
    """Every record that names a file matches the file's bytes."""
    for url, record in manifest(into).items():
        if record.get("path"):
            assert sha256((into / record["path"]).read_bytes()) == record["sha256"], url


def test_first_run_meets_every_failure_politely(runner, site, tmp_path, monkeypatch):
    sent = []
    send = Transport.get
    monkeypatch.setattr(Transport, "get", lambda self, *a, **k: sent.append(time.monotonic()) or send(self, *a, **k))
    into = tmp_path / "mirror"
    result = fetch(runner, site, into)
    assert result.exit_code == 1, result.output  # the slow page failed
    pages = manifest(into)
    base = site.url
    # a gap is recorded, not an error; the slow page failed after its retry; the 503 was retried after Retry-After
    assert pages[f"{base}/druck/druck_08.html"]["status"] == 404 and "path" not in pages[f"{base}/druck/druck_08.html"]
    assert pages[f"{base}/druck/druck_12.html"]["status"] == 0 and "no answer" in pages[f"{base}/druck/druck_12.html"]["error"]
    assert pages[f"{base}/druck/druck_10.html"]["status"] == 200
    # a redirect is recorded and followed
    assert pages[f"{base}/druck/druck_11.html"]["location"] == f"{base}/druck/neu/druck_11.html"
    assert (into / f"127.0.0.1:{base.rsplit(':', 1)[1]}/druck/neu/druck_11.html").is_file()
    # the declared charset is recorded
    assert pages[f"{base}/druck/druck_09.html"]["charset"] == "iso-8859-1"
    # robots.txt kept us out of intern/, links outside the web root were not followed
    paths = [path for _, path, _ in site.requests]
    assert not any(p.startswith(ROOT + "intern/") for p in paths) and "/impressum/" not in paths
    # the folder address without its slash and with it are one page; every tab was found by its links
    folder = f"{base}{ROOT}modul-07-testmodul/"
    assert {u for u in pages if u.startswith(folder)} == {folder + t for t in ("", "umsetzung-und-durchfuehrung/",
        "wichtige-umsetzungsschritte-aufwandsabschaetzung/", "stolpersteine-bewertung/")}
    assert (into / f"127.0.0.1:{base.rsplit(':', 1)[1]}{ROOT}modul-07-testmodul/index.html").is_file()
    # who we are, and one request at a time, at least the delay apart
    assert all(agent.startswith("quartiers-kg/") and "test@example.org" in agent for _, _, agent in site.requests)
    # as the crawler sent them (a busy machine may delay one on its way to the server, not make them closer; the
    # crawler reads its clock a moment before it sends, so a little less than the delay may stand between two sends)
    assert len(sent) == len(site.requests) and min(b - a for a, b in zip(sent, sent[1:])) >= DELAY * 0.8
    assert "1 gap" in result.output and "1 failed" in result.output and "1 skipped" in result.output
    agree(into)


def test_second_run_is_all_conditional_and_rewrites_nothing(runner, site, tmp_path):
    into = tmp_path / "mirror"
    fetch(runner, site, into)
    files = {p: p.stat().st_mtime_ns for p in into.rglob("*") if p.is_file() and p.name != MANIFEST}
    site.answers.clear()
    site.slow.clear()
    again = fetch(runner, site, into)
    assert again.exit_code == 0, again.output
    assert "1 new, 0 changed, 13 unchanged" in again.output  # the page that did not answer in time last run is new
    assert {p: p.stat().st_mtime_ns for p in files} == files  # nothing already held was rewritten
    held = {u.split(site.url, 1)[1] for u, r in manifest(into).items() if r.get("path")} - {"/druck/druck_12.html"}
    assert {path: status for path, status in site.answers if path in held} == dict.fromkeys(held, 304)
    # a changed page and a removed one
    site.pages[ROOT + "modul-09-zweites-modul/"] = ("text/html; charset=utf-8", "<html><body><h1>Zweites Modul</h1>"
                                                    "<p>Ein neues Ziel.</p></body></html>")
    gone = ROOT + "modul-07-testmodul/stolpersteine-bewertung/"
    del site.pages[gone]
    third = fetch(runner, site, into)
    assert "1 changed" in third.output and "1 gone" in third.output
    assert not any(p.as_posix().endswith(gone + "index.html") for p in into.rglob("index.html"))
    agree(into)


def test_build_over_the_mirror_gives_every_module_of_the_site(runner, site, tmp_path):
    into = tmp_path / "mirror"
    fetch(runner, site, into)
    batch = read_pages(page_files([into]))
    numbers = {p.module.number: p.module for p in batch.pages}
    assert set(numbers) == {7, 9, 10, 11}  # 8 is a gap, 12 never answered in time
    assert numbers[7].title == "Testmodul im Netz" and numbers[7].rating_count == 3  # web and print assembled
    assert numbers[7].steps == ("Planen", "Machen")  # the steps tab has no heading
    assert numbers[9].title == "Zweites Modul" and numbers[9].source.url.endswith("druck_09.html")
    print_9 = next(r for r in numbers[9].readings if r.source.tab is None)
    assert print_9.source.retrieved  # when it was fetched, from the manifest
    assert not batch.failures
    from quartiers_kg.build import build
    from quartiers_kg.config import Settings

    source_dir = tmp_path / "data"
    (source_dir / "modules").mkdir(parents=True)
    into.rename(source_dir / "sources")
    info, built = build(Settings.from_env({}, source_dir=source_dir, store_dir=tmp_path / "store", build_processes=1))
    assert {p.module.number for p in built.pages} == {7, 9, 10, 11} and info.graphs


def test_a_killed_fetch_resumes_cleanly(site, tmp_path):
    into = tmp_path / "mirror"
    env = {**os.environ, "QKG_PRINT_URL": site.url + "/druck/druck_{number:02d}.html", "QKG_WEB_ROOT": site.url + ROOT,
           "QKG_FETCH_TIMEOUT": "3", "QKG_FETCH_RETRIES": "0", "QKG_FETCH_PRIVATE_HOSTS": "127.0.0.1"}
    site.slow.clear()
    command = [sys.executable, "-m", "quartiers_kg", "fetch", "--numbers", "7-12", "--into", str(into), "--delay", "0.3"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while not ((into / MANIFEST).is_file() and len(manifest(into)) >= 4):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    half = manifest(into)
    assert 4 <= len(half) < 15
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    whole = manifest(into)
    assert set(half) <= set(whole) and len(whole) > len(half)
    agree(into)
    assert not list(into.rglob(".tmp-*"))
