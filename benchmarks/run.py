"""Measure quartiers-kg against the Oxigraph server and rdflib-endpoint on the same generated data.

    python benchmarks/run.py --modules 10000 --seconds 5 --rounds 3 --connections 8

Generates the toolbox, builds our store, loads our N-Triples dump into the Oxigraph server and into
rdflib-endpoint, starts the three servers on loopback and sends the same query mix to each with wrk
(a C load generator in its own process), alternating servers in rounds. Prints a Markdown table of
req/s and latency per query and server, the ratios, and pyoxigraph in-process as the limit. Needs
`pip install oxigraph rdflib-endpoint[cli]` and Debian's `wrk`. Bounded: rounds x queries x servers x seconds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = "https://w3id.org/quartiers-kg/"
QK = "https://w3id.org/quartiers-kg/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

# name -> query template ({n} is a module number drawn per request)
MIX = {
    "module lookup": f"SELECT ?p ?o WHERE {{ <{BASE}module/{{n}}> ?p ?o }}",
    "2-hop related": f"SELECT DISTINCT ?m2 ?t WHERE {{ <{BASE}module/{{n}}> <{QK}relatedModule>/<{QK}relatedModule> ?m2 . OPTIONAL {{ ?m2 <{LABEL}> ?t }} }}",
    "counts by funding": f"SELECT ?f (COUNT(?m) AS ?n) WHERE {{ ?m <{QK}fundingSource> ?f }} GROUP BY ?f ORDER BY DESC(?n)",
    "text filter": f"SELECT ?m ?t WHERE {{ ?m a <{QK}Module> ; <{LABEL}> ?t FILTER (CONTAINS(LCASE(STR(?t)), \"netzwerk\")) }} LIMIT 50",
    "describe": f"DESCRIBE <{BASE}module/{{n}}>",
    "literature by year": "SELECT ?item ?title WHERE { ?item <http://purl.org/dc/terms/issued> ?y ; <http://purl.org/dc/terms/title> ?title FILTER (STR(?y) = \"{year}\") }",
    "ask": f"ASK {{ <{BASE}module/{{n}}> a <{QK}Module> }}",
}
OURS_ONLY = {
    "named query (steps)": "/api/queries/module-steps?number={n}&format=json",
    "linked-data page (Turtle)": "/module/{n}.ttl",
    "linked-data page (HTML)": "/module/{n}.html",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def paths(template: str, modules: int, endpoint: str | None = "/sparql", count: int = 2000) -> list[str]:
    """Request paths with module numbers and years drawn with a fixed seed (the same for every server)."""
    rnd = random.Random(7)
    out = []
    for _ in range(count):
        filled = template.replace("{n}", str(rnd.randint(1, modules))).replace("{year}", str(rnd.randint(1990, 2024)))
        out.append(endpoint + "?" + urllib.parse.urlencode({"query": filled}) if endpoint else filled)
    return out


def wrk(url_root: str, request_paths: list[str], accept: str, seconds: float, connections: int, workdir: Path) -> dict:
    """Run wrk against the given paths (cycled); returns req/s, p50, p99 and wrk's own CPU share."""
    script = workdir / "mix.lua"
    lua_paths = ",\n".join(json.dumps(p) for p in request_paths)
    script.write_text(f"""
local paths = {{ {lua_paths} }}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {{ ["Accept"] = {json.dumps(accept)} }})
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {{\\"requests\\": %d, \\"errors\\": %d, \\"non2xx\\": %d, \\"p50\\": %d, \\"p99\\": %d, \\"duration\\": %d}}\\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99), summary.duration))
end
""", encoding="utf-8")
    started = os.times()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "30s", "-s", str(script), url_root],
                         capture_output=True, text=True, timeout=seconds + 60)
    used = os.times()
    line = next((l for l in out.stdout.splitlines() if l.startswith("JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk against {url_root} printed no result:\n{out.stdout[-500:]}\n{out.stderr[-500:]}")
    result = json.loads(line[5:])
    cpu = (used.children_user - started.children_user) + (used.children_system - started.children_system)
    result["rps"] = result["requests"] / (result["duration"] / 1e6)
    result["client_cpu"] = cpu / (result["duration"] / 1e6)  # cores wrk kept busy
    return result


def in_process(data: Path, modules: int) -> dict[str, float]:
    """Queries per second of pyoxigraph in this process, in memory, no HTTP: the limit."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    limits = {}
    for name, template in MIX.items():
        queries = [urllib.parse.parse_qs(p.split("?", 1)[1])["query"][0] for p in paths(template, modules, count=200)]
        deadline, done, started = time.perf_counter() + 2, 0, time.perf_counter()
        while time.perf_counter() < deadline:
            result = store.query(queries[done % len(queries)])
            if not isinstance(result, ox.QueryBoolean):
                for _ in result:
                    pass
            done += 1
        limits[name] = done / (time.perf_counter() - started)
    return limits


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--modules", type=int, default=10000)
    args.add_argument("--seconds", type=int, default=5)
    args.add_argument("--rounds", type=int, default=3)
    args.add_argument("--connections", type=int, default=8)
    args.add_argument("--workdir", type=Path, default=None)
    args.add_argument("--skip-rdflib", action="store_true", help="leave rdflib-endpoint out (it is very slow at 1 M triples)")
    args.add_argument("--settle", type=float, default=120,
                      help="seconds to wait once the servers answer, so that our workers finish copying the store into memory")
    opts = args.parse_args()
    work = opts.workdir or Path(tempfile.mkdtemp(prefix="qkg-bench-"))
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "QKG_SOURCE_DIR": str(work / "toolbox"), "QKG_STORE_DIR": str(work / "store")}
    if not (work / "store" / "current").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(opts.modules), str(work / "toolbox")], check=True)
        started = time.monotonic()
        subprocess.run([str(bin_dir / "quartiers-kg"), "build"], env=env, check=True, stderr=subprocess.DEVNULL)
        print(f"build: {time.monotonic() - started:.0f} s", file=sys.stderr)
    data = work / "data.nt"
    if not data.exists():
        with gzip.open(work / "store" / "current" / "dumps" / "quartiers-kg.nt.gz") as src, open(data, "wb") as dst:
            shutil.copyfileobj(src, dst)
    oxigraph = shutil.which("oxigraph") or str(bin_dir / "oxigraph")
    if not (work / "oxigraph").exists():
        subprocess.run([oxigraph, "load", "--location", str(work / "oxigraph"), "--file", str(data)], check=True, capture_output=True)
    servers: dict[str, tuple[str, str, subprocess.Popen]] = {}  # name -> (root URL, SPARQL path, process)
    try:
        ours_cache = {**env, "QKG_WORKERS": "2"}
        for name, extra in (("quartiers-kg", {}), ("quartiers-kg (no cache)", {"QKG_CACHE_BYTES": "0"})):
            port = free_port()
            proc = subprocess.Popen([str(bin_dir / "quartiers-kg"), "serve", "--port", str(port)], env={**ours_cache, **extra},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            servers[name] = (f"http://127.0.0.1:{port}", "/sparql", proc)
        port = free_port()
        servers["oxigraph server"] = (f"http://127.0.0.1:{port}", "/query", subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", str(work / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if not opts.skip_rdflib:
            port = free_port()
            servers["rdflib-endpoint"] = (f"http://127.0.0.1:{port}", "/", subprocess.Popen(
                [str(bin_dir / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port), str(data)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for url, endpoint, _ in servers.values():
            wait(url + endpoint + "?query=ASK%7B%7D", 600)
        time.sleep(opts.settle)  # measured while the workers copy the store, every server would be slowed
        results: dict[tuple[str, str], list[dict]] = {}
        for _ in range(opts.rounds):
            for query, template in MIX.items():
                for server, (url, endpoint, _) in servers.items():
                    accept = "text/turtle" if query == "describe" else "application/sparql-results+json"
                    results.setdefault((query, server), []).append(
                        wrk(url, paths(template, opts.modules, endpoint), accept, opts.seconds, opts.connections, work))
            for query, template in OURS_ONLY.items():
                for server in ("quartiers-kg", "quartiers-kg (no cache)"):
                    results.setdefault((query, server), []).append(
                        wrk(servers[server][0], paths(template, opts.modules, None), "*/*", opts.seconds, opts.connections, work))
        limits = in_process(data, opts.modules)
        report(results, limits, list(servers), opts)
    finally:
        for _, _, proc in servers.values():
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def report(results, limits, servers, opts) -> None:
    print(f"\n{opts.modules} modules, {opts.rounds} rounds x {opts.seconds:g} s, {opts.connections} connections, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| query | " + " | ".join(f"{s} req/s (p50/p99 ms)" for s in servers) + " | ours/oxigraph | no cache/oxigraph | in-process q/s | wrk CPU |")
    print("|---" * (len(servers) + 5) + "|")
    ratios, raw_ratios = [], []
    for query in [*MIX, *OURS_ONLY]:
        cells, rps = [], {}
        for s in servers:
            runs = results.get((query, s))
            if not runs:
                cells.append("–")
                continue
            rps[s] = statistics.median(r["rps"] for r in runs)
            p50 = statistics.median(r["p50"] for r in runs) / 1000
            p99 = statistics.median(r["p99"] for r in runs) / 1000
            bad = sum(r["errors"] + r["non2xx"] for r in runs)
            cells.append(f"{rps[s]:,.0f} ({p50:.1f}/{p99:.1f}){' ⚠' + str(bad) if bad else ''}")
        ratio = rps.get("quartiers-kg", 0) / rps["oxigraph server"] if "oxigraph server" in rps else None
        raw = rps.get("quartiers-kg (no cache)", 0) / rps["oxigraph server"] if "oxigraph server" in rps else None
        if ratio:
            ratios.append(ratio)
            raw_ratios.append(raw)
        client = max(r["client_cpu"] for s in servers for r in results.get((query, s), []))
        print(f"| {query} | " + " | ".join(cells) + f" | {f'{ratio:.2f}×' if ratio else '–'} | {f'{raw:.2f}×' if raw else '–'} | "
              f"{f'{limits[query]:,.0f}' if query in limits else '–'} | {client:.2f} |")
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
    geo_raw = math.exp(sum(map(math.log, raw_ratios)) / len(raw_ratios))
    print(f"\nGeometric mean over the SPARQL mix: quartiers-kg / oxigraph server = {geo:.2f}×, without cache {geo_raw:.2f}×")
    if "rdflib-endpoint" in servers:
        rd = [statistics.median(r["rps"] for r in results[(q, "quartiers-kg (no cache)")]) /
              max(statistics.median(r["rps"] for r in results[(q, "rdflib-endpoint")]), 1e-9) for q in MIX]
        print(f"quartiers-kg (no cache) / rdflib-endpoint = {math.exp(sum(map(math.log, rd)) / len(rd)):.1f}× (geometric mean)")


if __name__ == "__main__":
    main()
