"""Running it for years: health, metrics, `update` on a schedule with a server that switches builds while it serves,
builds a worker still reads, and a memory budget that fits the machine."""

from __future__ import annotations

import gc
import json
import os
import threading
import time

from prometheus_client.parser import text_string_to_metric_families

from quartiers_kg.build import build
from quartiers_kg.cli import main
from quartiers_kg.config import Settings, memory_budget
from quartiers_kg.store import GraphStore
from quartiers_kg.web import create_app

from ..conftest import running_server, served_client
from ..mocksite import ROOT, serving
from ..served import served_site
from .test_attacks import CHEAP, CROSS, request, sparql


def test_health_names_the_build_served_and_is_never_cached(client, store):
    first = client.get("/health")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store" and "ETag" not in first.headers
    health = first.get_json()
    assert health["status"] == "ok" and health["version"] == store.info.version and health["triples"] == store.info.triples
    assert health["built_at"] == store.info.built_at and health["serving_since"] >= health["built_at"][:10]


def test_health_is_503_with_the_reason_when_no_store_opens(tmp_path):
    app = create_app(Settings.from_env({}, store_dir=tmp_path / "empty"))
    answer = served_client(app).get("/health")
    assert answer.status_code == 503
    assert answer.get_json()["status"] == "unavailable" and "quartiers-kg build" in answer.get_json()["reason"]


def test_metrics_are_for_the_operator_only(client, settings):
    assert client.get("/metrics").status_code == 200  # the test client asks from 127.0.0.1
    forwarded = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 403 and "QKG_METRICS_TOKEN" in forwarded.text
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    app = create_app(settings.with_(metrics_token="geheim"))
    with_token = served_client(app)
    assert with_token.get("/metrics").status_code == 403
    assert with_token.get("/metrics", headers={"Authorization": "Bearer geheim"}).status_code == 200


def _samples(text: str) -> dict:
    """(name, sorted labels) -> value, parsed by the client library's own parser."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_count_what_the_workers_answered(settings):
    probe = [("qkg_http_requests_total", (("method", "GET"), ("route", "sparql"), ("status", "200"))),
             ("qkg_http_request_duration_seconds_count", (("route", "sparql"),))]
    with running_server(settings, workers=2) as (url, _):
        deadline = time.monotonic() + 30
        # the start-up probe's answer is counted once its last byte is out, a moment after the probe has it
        while any((before := _samples(request(url, "/metrics")[2].decode())).get(key) != 1 for key in probe):
            assert time.monotonic() < deadline, before
            time.sleep(0.05)
        for i in range(7):  # distinct queries: answered by the app, none from the cache
            assert request(url, sparql(url, f'ASK {{ ?s ?p "{i}" }}'))[0] == 200
        for _ in range(3):  # the same page thrice: at least twice from the cache of the worker that answered it
            assert request(url, "/module/116", headers={"Accept": "text/turtle"})[0] == 200
        assert request(url, "/nirgends/gibt/es/das", headers={"Accept": "text/plain"})[0] == 404
        after = _samples(request(url, "/metrics")[2].decode())

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("qkg_http_requests_total", route="sparql", method="GET", status="200") == 7
    assert grew("qkg_http_requests_total", route="module", method="GET", status="200") == 3
    assert grew("qkg_http_requests_total", route="resource", method="GET", status="404") == 1
    assert grew("qkg_http_request_duration_seconds_count", route="sparql") == 7
    assert grew("qkg_cache_hits_total") >= 1 and grew("qkg_cache_misses_total") >= 8
    assert after[("qkg_cache_bytes", ())] > 0
    info = GraphStore(settings.store_dir).info
    assert after[("qkg_build_info", (("built_at", info.built_at), ("version", info.version)))] == 1
    assert after[("qkg_triples", (("graph", next(iter(sorted(info.graphs)))),))] == info.graphs[next(iter(sorted(info.graphs)))]
    assert 0 <= after[("qkg_build_age_seconds", ())] < 24 * 3600


def test_a_build_a_worker_still_reads_is_kept_until_it_lets_go(tmp_path):
    settings = Settings.from_env({}, store_dir=tmp_path / "store", build_processes=1)
    build(settings)
    reader = GraphStore(settings.store_dir, memory_max_triples=0)
    held = reader.path
    build(settings)
    build(settings)  # the previous build is kept anyway; the one before it only while it is read
    assert held.is_dir() and bool(reader.query(CHEAP)) and not reader.is_current()
    del reader
    gc.collect()
    build(settings)
    assert not held.exists()


def test_update_builds_only_what_changed_and_the_running_server_switches_without_a_failed_request(runner, tmp_path):
    site = served_site(None)
    env = {"QKG_SOURCE_DIR": str(tmp_path / "data"), "QKG_STORE_DIR": str(tmp_path / "store"), "QKG_BUILD_PROCESSES": "1",
           "QKG_CONTACT_EMAIL": "test@example.org"}
    (tmp_path / "data" / "modules").mkdir(parents=True)
    with serving(site):
        env.update(QKG_PRINT_URL=site.url + "/druck/druck_{number:02d}.html", QKG_WEB_ROOT=site.url + ROOT,
                   QKG_FETCH_PRIVATE_HOSTS="127.0.0.1")

        def update():
            return runner.invoke(main, ["update", "--numbers", "7,9,30,41", "--delay", "0"], env=env)

        first = update()
        assert first.exit_code == 0 and "built store" in first.output, first.output
        settings = Settings.from_env(env)
        with running_server(settings, workers=2, store_refresh=0.5) as (url, _):
            old = json.loads(request(url, "/health")[2])["version"]
            failures, answered, stop = [], [0], threading.Event()

            def ask_all_the_while():
                i = 0
                while not stop.is_set():
                    i += 1
                    try:
                        status = request(url, sparql(url, f'ASK {{ ?s ?p "{i}" }}'), timeout=30)[0]
                    except OSError as err:
                        status = repr(err)
                    answered[0] += 1
                    if status != 200:
                        failures.append(status)

            asking = threading.Thread(target=ask_all_the_while)
            asking.start()
            try:
                again = update()
                assert again.exit_code == 0 and "nothing changed: no build" in again.output, again.output
                assert json.loads(request(url, "/health")[2])["version"] == old
                tab = f"{ROOT}modul-07-testmodul/wichtige-umsetzungsschritte-aufwandsabschaetzung/"
                site.pages[tab] = (site.pages[tab][0], site.pages[tab][1].replace("Machen 7", "Machen sieben"))
                changed = update()
                assert changed.exit_code == 0 and "1 changed" in changed.output and "built store" in changed.output
                seen: dict[str, str] = {}
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not (len(seen) == 2 and old not in seen.values()):
                    status, headers, body = request(url, "/health")
                    seen[headers["X-Served-By"]] = json.loads(body)["version"]
                assert len(seen) == 2 and old not in seen.values(), seen  # both workers, within a minute
                found = request(url, sparql(url, 'ASK { ?s ?p "Machen sieben"@de }'),
                                headers={"Accept": "application/sparql-results+json"})
                assert json.loads(found[2])["boolean"] is True
            finally:
                stop.set()
                asking.join(60)
            assert answered[0] > 20 and failures == []


def test_the_default_memory_budget_fits_the_machine_and_a_sorting_cross_product_stays_within_it(settings):
    share = memory_budget(2)
    assert 256 << 20 <= share <= 4 << 30
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert 2 * share <= max(physical // 8, 512 << 20) + 1
    assert Settings.from_env({}).memory_per_worker == share and Settings.from_env({}, workers=4).memory_per_worker <= share
    with running_server(settings, query_timeout=120) as (url, proc):
        start = _group_rss(proc.pid)
        peak, outcome = [start], {}

        def cross():
            outcome["status"] = request(url, sparql(url, CROSS), headers={"Accept": "text/csv"}, timeout=180)[0]

        thread = threading.Thread(target=cross)
        thread.start()
        while thread.is_alive():
            peak.append(_group_rss(proc.pid))
            thread.join(0.05)
        assert outcome["status"] == 503
        assert max(peak) - start < 2 * 10**9, (max(peak) - start) >> 20
        assert request(url, sparql(url, CHEAP))[0] == 200


def _group_rss(group: int) -> int:
    """Resident bytes of every process in a process group (Linux /proc)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # pgrp
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # rss in pages
        except (OSError, ValueError, IndexError):
            continue
    return total

