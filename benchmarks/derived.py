"""Measure what a build derives beside the store, on a built store: relations and their picture, the full-text
index, the change summary and a diff; then the answers that read them, through the app.

    python benchmarks/derived.py /tmp/bench10k/store

Writes relations.tsv, explore.svg, search/ and modules.json into the served build folder (as a build of this
version would) and prints a Markdown table. Bounded: one pass per stage, 200 searches, 20 requests per route.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from quartiers_kg import changes, relations, search
from quartiers_kg.build import relate
from quartiers_kg.config import Settings
from quartiers_kg.web import create_app

WORDS = ["Nachbarn", "Befragung", "Ehrenamt", "Netzwerk", "Quartier", "Garten", "Treffpunkt", "Stadt", "Haus", "Platz"]


def select_on(store: ox.Store):
    def select(sparql: str) -> list[dict]:
        result = store.query(sparql, use_default_graph_as_union=True)
        return [{v.value: {"value": row[v].value} if row[v] is not None else None for v in result.variables} for row in result]
    return select


def timed(label: str, rows: list, work):
    started = time.perf_counter()
    value = work()
    rows.append((label, f"{time.perf_counter() - started:.1f} s"))
    return value


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def main(root: Path) -> None:
    folder = (root / "current").resolve()
    store = ox.Store.read_only(str(folder / "oxigraph"))
    select, rows = select_on(store), []
    timed("relations and their picture (relations.tsv, explore.svg)", rows, lambda: relate(select, folder))
    docs = timed("full-text: read the texts", rows, lambda: search.texts(select))
    timed("full-text: build the index", rows, lambda: search.write_index(docs, folder))
    summary = timed("changes: summarise every module", rows, lambda: changes.summarise(select))
    edited = json.loads(json.dumps(summary))
    first = next(iter(edited))
    edited[first]["https://w3id.org/quartiers-kg/ontology#objective"] = ["geändert"]
    timed("changes: difference to the previous version (one module edited)", rows, lambda: changes.difference(summary, edited))
    (folder / changes.SUMMARY).write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    rows += [("relations.tsv", f"{size(folder / relations.FILE) / 1e6:.1f} MB"), ("search index", f"{size(folder / search.FOLDER) / 1e6:.1f} MB"),
             ("modules.json (change summary)", f"{size(folder / changes.SUMMARY) / 1e6:.1f} MB")]
    index = search.SearchIndex.of(folder)
    latencies = []
    for i in range(200):
        started = time.perf_counter()
        index.search(WORDS[i % len(WORDS)])
        latencies.append(time.perf_counter() - started)
    rows.append(("search, one page of 20 with passages: p50 / p95", f"{statistics.median(latencies) * 1000:.1f} / "
                 f"{statistics.quantiles(latencies, n=20)[-1] * 1000:.1f} ms"))
    client = create_app(Settings.from_env({}, store_dir=root, memory_max_triples=0, cache_bytes=0)).test_client()
    for route in ("/api/relations?format=json", "/api/relations?min_weight=2&kind=funding&format=csv", "/explore.svg",
                  "/api/search?q=Nachbarn", "/search?q=Befragung", "/changes"):
        client.get(route)  # the first read of a file is once per version
        times = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get(route)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (route, response.status_code, response.data[:200])
        rows.append((f"GET {route}: p50", f"{statistics.median(times) * 1000:.0f} ms ({len(response.data) / 1e3:.0f} KB)"))
    print("| step | cost |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
