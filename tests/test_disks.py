"""The server and the builds on bad disks: a full TMPDIR under the workers' metrics, a build served from a read-only
mount, builds and fetches on a full or read-only disk. The disks are tmpfs and bind mounts made here, which needs
root; elsewhere these tests are skipped with the reason."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from quartiers_kg.cli import main
from quartiers_kg.server import Supervisor
from uvicorn.config import STARTUP_FAILURE
from quartiers_kg.store.local import CURRENT

from .conftest import free_port, process_on_loopback, running_server
from .mocksite import ROOT, MockSite, serving

QK = "https://w3id.org/quartiers-kg/ontology#"


def _can_mount() -> str | None:
    if os.geteuid() != 0:
        return "mounting a tmpfs or a read-only bind needs root"
    probe = Path("/tmp") / f"qkg-mount-probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True)
        if done.returncode:
            return f"mount refused here: {done.stderr.decode(errors='replace').strip()}"
        subprocess.run(["umount", str(probe)], check=True)
    finally:
        probe.rmdir()
    return None


WHY_NOT = _can_mount()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


@contextlib.contextmanager
def mounted(target: Path, *args: str):
    """`mount ARGS… target` for the block; unmounted after it (lazily: a process of the test may still hold it)."""
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", *args, str(target)], check=True)
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@contextlib.contextmanager
def read_only(source: Path, target: Path):
    with mounted(target, "--bind", str(source)):
        subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], check=True)
        yield target


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system of `folder` until `leave` bytes are free."""
    stat = os.statvfs(folder)
    with open(folder / "filler", "wb") as out:
        out.truncate(0)
        try:
            os.posix_fallocate(out.fileno(), 0, max(0, stat.f_bavail * stat.f_frsize - leave))
        except OSError:
            pass


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def worker_pids(server: subprocess.Popen) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    children = {int(pid) for pid in out}
    return {pid for pid in children if "multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
            and "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")}


def test_workers_on_a_full_tmpdir_serve_without_metrics_and_are_not_respawned_in_a_loop(settings, tmp_path):
    port, log = free_port(), tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"
    with mounted(tmp_path / "tmp", "-t", "tmpfs", "-o", "size=16m", "tmpfs") as tmp:
        env = {**os.environ, "TMPDIR": str(tmp), "QKG_STORE_DIR": str(settings.store_dir), "QKG_PORT": str(port),
               "QKG_WORKERS": "2"}
        with process_on_loopback([sys.executable, "-m", "quartiers_kg", "serve"], url + "/sparql?query=ASK%7B%7D", log,
                                 env=env) as server:
            status, body = get(url + "/health")
            assert status == 200 and json.loads(body)["metrics"] == "on"
            fill(tmp)
            first = worker_pids(server)
            assert len(first) == 2
            os.kill(min(first), signal.SIGKILL)
            deadline, states, statuses = time.monotonic() + 90, set(), []
            while not any(s.startswith("off") for s in states) and time.monotonic() < deadline:
                status, body = get(url + "/health")
                statuses.append(status)
                states.add(json.loads(body)["metrics"])
            assert statuses and set(statuses) == {200}  # the other worker answered while the new one started
            off = next(s for s in states if s.startswith("off"))
            assert "cannot write the metrics files in " + str(tmp) in off and "No space left on device" in off
            time.sleep(3)  # a respawn loop would have started several workers by now
            text = log.read_text(errors="replace")
            assert len(worker_pids(server)) == 2 and text.count("Started server process") == 3, text
            assert re.search(rf"worker {min(first)} died after [\d.]+ s: signal SIGKILL", text), text
            assert "metrics are off in worker" in text
            # the new worker answers everything but /metrics, which says why it is off
            for _ in range(6):
                assert get(url + "/sparql?query=ASK%7B%7D")[0] == 200
            answers = {get(url + "/metrics")[0] for _ in range(8)}
            assert 503 in answers


def test_the_supervisor_backs_off_while_workers_die_young():
    supervisor = Supervisor.__new__(Supervisor)
    supervisor.born, supervisor.young_deaths = {}, 0

    def ended(pid: int, code: int, lived: float) -> float:
        supervisor.born[pid] = time.monotonic() - lived
        return supervisor._pause(SimpleNamespace(pid=pid, exitcode=code))

    assert [ended(pid, -signal.SIGBUS, 0.5) for pid in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert ended(20, 0, 0.5) == 0  # retired after a runaway query: replaced at once
    assert ended(21, -signal.SIGBUS, 3600) == 0  # a long life starts the count again
    assert ended(22, 1, 0.1) == 1
    assert ended(23, STARTUP_FAILURE, 0.1) == 2  # a replacement that cannot start waits too; the server stays up


def test_the_supervisor_stops_only_when_a_first_worker_cannot_start():
    supervisor = Supervisor.__new__(Supervisor)
    supervisor.born, supervisor.young_deaths, supervisor.waiting, supervisor.first = {}, 0, {}, {1}
    supervisor.should_exit, supervisor.config = threading.Event(), SimpleNamespace(timeout_worker_healthcheck=1)
    gone = SimpleNamespace(pid=2, exitcode=STARTUP_FAILURE, is_alive=lambda timeout: False, kill=lambda: None,
                           join=lambda: None)
    supervisor.processes = [gone]
    supervisor.keep_subprocess_alive()
    assert not supervisor.should_exit.is_set() and supervisor.waiting[0] > time.monotonic()  # backing off
    supervisor.waiting.clear()
    supervisor.processes = [SimpleNamespace(**{**vars(gone), "pid": 1})]
    supervisor.keep_subprocess_alive()
    assert supervisor.should_exit.is_set() and supervisor.waiting == {}


def test_a_build_on_a_read_only_mount_is_served_with_its_search(settings, tmp_path):
    with read_only(settings.store_dir, tmp_path / "ro") as ro:
        with pytest.raises(OSError):
            (ro / "probe").write_text("x")
        with running_server(settings.with_(store_dir=ro)) as (url, _):
            status, body = get(url + "/health")
            assert status == 200 and json.loads(body)["status"] == "ok"
            query = (f"SELECT ?n ?score WHERE {{ ?m <{QK}moduleNumber> ?n BIND(<{QK}search>(?m, 'Netzwerke') AS ?score) "
                     "FILTER(BOUND(?score)) }")
            status, body = get(url + "/sparql?format=json&query=" + urllib.parse.quote(query))
            rows = json.loads(body)["results"]["bindings"]
            assert status == 200 and [r["n"]["value"] for r in rows] == ["116"] and float(rows[0]["score"]["value"]) > 0
            status, body = get(url + "/search?q=Netzwerk&format=json")
            assert status == 200


def test_build_on_a_read_only_or_full_disk_says_what_is_short_and_keeps_the_served_build(runner, settings, tmp_path):
    env = {"QKG_BUILD_PROCESSES": "1"}
    with read_only(settings.store_dir, tmp_path / "ro") as ro:
        before = os.readlink(ro / CURRENT)
        result = runner.invoke(main, ["--store-dir", str(ro), "build"], env=env)
        assert result.exit_code == 1
        assert result.output.strip().splitlines()[-1] == (f"error: {ro}/.build.lock: the file system is read-only; nothing "
                                                          "was published (a build served before stays)")
        assert "Traceback" not in result.output and os.readlink(ro / CURRENT) == before
    with mounted(tmp_path / "small", "-t", "tmpfs", "-o", "size=12m", "tmpfs") as small:
        assert runner.invoke(main, ["--store-dir", str(small), "build"], env=env).exit_code == 0
        served, builds = os.readlink(small / CURRENT), set(os.listdir(small / "builds"))
        fill(small, leave=1 << 20)
        result = runner.invoke(main, ["--store-dir", str(small), "build"], env=env)
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines()[-1] == (f"error: {small}: no space left on the device; nothing was "
                                                          "published (a build served before stays)")
        assert os.readlink(small / CURRENT) == served and set(os.listdir(small / "builds")) == builds


def test_fetch_on_a_full_disk_says_so_in_a_line(runner, tmp_path):
    site = MockSite().build()
    site.slow.clear()
    with serving(site), mounted(tmp_path / "small", "-t", "tmpfs", "-o", "size=1m", "tmpfs") as small:
        fill(small)
        env = {"QKG_PRINT_URL": site.url + "/druck/druck_{number:02d}.html", "QKG_WEB_ROOT": site.url + ROOT,
               "QKG_FETCH_PRIVATE_HOSTS": "127.0.0.1", "QKG_FETCH_RETRIES": "0"}
        result = runner.invoke(main, ["fetch", "--numbers", "7", "--into", str(small / "mirror"), "--delay", "0"], env=env)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert re.search(rf"^error: {small}/mirror\S*: no space left on the device; the mirror keeps what it held$",
                         result.output, re.M), result.output
