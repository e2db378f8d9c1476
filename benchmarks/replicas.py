"""Measure quartiers-kg over a remote engine (the Oxigraph server) with 1 and with 2 workers.

    python benchmarks/replicas.py --modules 2000 --seconds 5 --rounds 3

Generates the toolbox, starts `oxigraph serve` on loopback, publishes the build into it
(`quartiers-kg build` with QKG_STORE), then serves it with QKG_WORKERS=1 and =2 in turn (response
cache off, so that every request reaches the engine) and loads each with wrk. Everything shares
this machine's cores: the engine, our workers and wrk. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.generate import main as generate  # noqa: E402
from benchmarks.run import MIX, free_port, paths, wait, wrk  # noqa: E402

CASES = {  # name -> (path template, endpoint or None, Accept)
    "module lookup": (MIX["module lookup"], "/sparql", "application/sparql-results+json"),
    "counts by funding": (MIX["counts by funding"], "/sparql", "application/sparql-results+json"),
    "linked-data page (Turtle)": ("/module/{n}.ttl", None, "text/turtle"),
    "named query (steps)": ("/api/queries/module-steps?number={n}&format=json", None, "application/json"),
}


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--modules", type=int, default=2000)
    args.add_argument("--seconds", type=int, default=5)
    args.add_argument("--rounds", type=int, default=3)
    args.add_argument("--connections", type=int, default=8)
    opts = args.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qkg-replicas-"))
    generate(opts.modules, work / "source")
    engine_port = free_port()
    engine = subprocess.Popen([str(Path(sys.executable).with_name("oxigraph")), "serve", "--location", str(work / "engine"),
                               "--bind", f"127.0.0.1:{engine_port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    servers = []
    try:
        url = f"http://127.0.0.1:{engine_port}"
        wait(f"{url}/query?query=ASK%7B%7D")
        env = {**os.environ, "QKG_STORE": f"sparql+{url}/query", "QKG_STORE_UPDATE_URL": f"{url}/update",
               "QKG_STORE_GRAPH_STORE_URL": f"{url}/store", "QKG_SOURCE_DIR": str(work / "source"),
               "QKG_STORE_DIR": str(work / "store"), "QKG_CACHE_BYTES": "0"}
        subprocess.run([sys.executable, "-m", "quartiers_kg", "build"], env=env, check=True, stderr=subprocess.DEVNULL)
        results: dict[tuple[str, int], list[float]] = {}
        for workers in (1, 2):
            port = free_port()
            server = subprocess.Popen([sys.executable, "-m", "quartiers_kg", "serve"], stderr=subprocess.DEVNULL,
                                      env={**env, "QKG_WORKERS": str(workers), "QKG_PORT": str(port)})
            servers.append(server)
            root = f"http://127.0.0.1:{port}"
            wait(f"{root}/sparql?query=ASK%7B%7D")
            for _ in range(opts.rounds):
                for name, (template, endpoint, accept) in CASES.items():
                    result = wrk(root, paths(template, opts.modules, endpoint), accept, opts.seconds, opts.connections, work)
                    if result["errors"] or result["non2xx"]:
                        raise RuntimeError(f"{name} with {workers} worker(s): {result}")
                    results.setdefault((name, workers), []).append(result["rps"])
            server.terminate()
            server.wait()
        print(f"\n{opts.modules} modules on the Oxigraph server, {os.cpu_count()} cores, cache off, req/s (median of {opts.rounds})\n")
        print("| request | 1 worker | 2 workers |\n|---|---:|---:|")
        for name in CASES:
            print(f"| {name} | {statistics.median(results[name, 1]):,.0f} | {statistics.median(results[name, 2]):,.0f} |")
    finally:
        for proc in [*servers, engine]:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
