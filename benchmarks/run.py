"""Measure quartiers-kg against the Oxigraph server on the same generated data, in three workloads.

    python benchmarks/run.py --modules 10000 --seconds 4 --rounds 2 --connections 8

Generates the toolbox, builds our store, loads our N-Triples dump into the Oxigraph server, starts it and
quartiers-kg twice (response cache on and off) on loopback, and sends the same requests to each with wrk (a C load
generator in its own process), alternating servers. Every query runs in three workloads, so that the response
cache cannot flatter a result:

- distinct: parameters drawn uniformly from the whole dataset (a module of all, a funding source, a word, a year
  window), new draws every round, so that requests rarely repeat;
- popular: parameters drawn from a Zipf distribution (s = 1) over the same values, as crawlers and readers hit pages;
- repeated: 2,000 requests drawn once and cycled, as before (a warm cache on a small working set).

Prints a Markdown table per workload (req/s, p50/p99 latency, ratios to the Oxigraph server, the cache's hit rate
read from /metrics) and the geometric means. Needs `pip install -e '.[bench]'` and Debian's `wrk`. Bounded:
rounds x workloads x queries x servers x seconds.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import math
import os
import random
import re
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
sys.path.insert(0, str(HERE))
from generate import SYLLABLES  # noqa: E402  (the words module titles are made of)

BASE = "https://w3id.org/quartiers-kg/"
QK = "https://w3id.org/quartiers-kg/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT = "http://purl.org/dc/terms/"

# name -> (query template, heavy); {n} a module number, {f} a funding source, {w} a word, {y} a first year
MIX = {
    "module lookup": (f"SELECT ?p ?o WHERE {{ <{BASE}module/{{n}}> ?p ?o }}", False),
    "2-hop related": (f"SELECT DISTINCT ?m2 ?t WHERE {{ <{BASE}module/{{n}}> <{QK}relatedModule>/<{QK}relatedModule> ?m2 . "
                      f"OPTIONAL {{ ?m2 <{LABEL}> ?t }} }}", False),
    "describe": (f"DESCRIBE <{BASE}module/{{n}}>", False),
    "ask": (f"ASK {{ <{BASE}module/{{n}}> <{QK}fundingSource> <{{f}}> }}", False),
    "counts by funding": (f"SELECT ?f (COUNT(?m) AS ?k) WHERE {{ ?m <{QK}fundingSource> ?f ; <{QK}moduleNumber> ?x "
                          f"FILTER (?x >= {{n}}) }} GROUP BY ?f ORDER BY DESC(?k)", True),
    "text filter": (f"SELECT ?m ?t WHERE {{ ?m a <{QK}Module> ; <{LABEL}> ?t FILTER (CONTAINS(LCASE(STR(?t)), \"{{w}}\")) }} "
                    "LIMIT 50", True),
    "literature window": (f"SELECT ?item ?title WHERE {{ ?item <{DCT}issued> ?y ; <{DCT}title> ?title "
                          f"FILTER (STR(?y) >= \"{{y}}\" && STR(?y) <= \"{{y2}}\") }} ORDER BY ?title LIMIT 100", True),
}
WORKLOADS = ("distinct", "popular", "repeated")
REPEATED = 2000  # requests drawn once and cycled in the repeated workload
DRAWS = 30000  # requests drawn per round in the others (more than any server answers in a run)


class Values:
    """Where each parameter's values come from: the dataset's modules and funding sources, title words, years."""

    def __init__(self, modules: int, funding: list[str]):
        self.pools = {"n": [str(n) for n in range(1, modules + 1)], "f": funding,
                      "w": ["".join(pair) for pair in itertools.product(SYLLABLES, repeat=2)],
                      "y": [str(y) for y in range(1990, 2025)]}

    def draw(self, workload: str, seed: int):
        """A function that fills a template: uniform draws, or Zipf (s = 1) over each pool in a shuffled order."""
        rnd = random.Random(seed)
        if workload == "popular":
            ranked = {k: rnd.sample(pool, len(pool)) for k, pool in self.pools.items()}
            weights = {k: list(itertools.accumulate(1 / r for r in range(1, len(pool) + 1))) for k, pool in ranked.items()}
            pick = lambda k: rnd.choices(ranked[k], cum_weights=weights[k])[0]  # noqa: E731
        else:
            pick = lambda k: rnd.choice(self.pools[k])  # noqa: E731

        def fill(template: str) -> str:
            year = pick("y")
            return (template.replace("{n}", pick("n")).replace("{f}", pick("f")).replace("{w}", pick("w"))
                    .replace("{y2}", str(min(int(year) + rnd.randint(0, 4), 2024))).replace("{y}", year))
        return fill


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


def paths(fill, template: str, endpoint: str, tag: str, count: int) -> list[str]:
    """`count` request paths of a query, its parameters filled by `fill`; `tag` (a comment) keeps workloads apart in
    the response cache."""
    return [endpoint + "?" + urllib.parse.urlencode({"query": f"{fill(template)} # {tag}"}) for _ in range(count)]


def cache_counts(url: str) -> tuple[float, float]:
    """(hits, misses) of our server's response caches so far, from /metrics."""
    with urllib.request.urlopen(url + "/metrics", timeout=10) as answer:
        text = answer.read().decode()
    found = {name: float(m.group(1)) for name in ("hits", "misses")
             if (m := re.search(rf"^qkg_cache_{name}_total ([0-9.e+]+)$", text, re.M))}
    return found.get("hits", 0.0), found.get("misses", 0.0)


def wrk(url_root: str, request_paths: list[str], accept: str, seconds: float, connections: int, workdir: Path) -> dict:
    """Run wrk (two threads) against the given paths, cycled; returns req/s, p50, p99 and wrk's own CPU share."""
    script = workdir / "mix.lua"
    lua_paths = ",\n".join(json.dumps(p) for p in request_paths)
    script.write_text(f"""
local paths = {{ {lua_paths} }}
local threads = 0
setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end
init = function(args)
  i = id * math.floor(#paths / 2)  -- the two threads start half the list apart: neither repeats the other's requests
end
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


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--modules", type=int, default=10000)
    args.add_argument("--seconds", type=int, default=4)
    args.add_argument("--rounds", type=int, default=2)
    args.add_argument("--connections", type=int, default=8)
    args.add_argument("--workdir", type=Path, default=None)
    args.add_argument("--settle", type=float, default=150,
                      help="seconds to wait once the servers answer, so that our workers finish copying the store into memory")
    opts = args.parse_args()
    work = opts.workdir or Path(tempfile.mkdtemp(prefix="qkg-bench-"))
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "QKG_SOURCE_DIR": str(work / "toolbox"), "QKG_STORE_DIR": str(work / "store"), "QKG_WORKERS": "2"}
    if not (work / "store" / "current").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(opts.modules), str(work / "toolbox")], check=True)
        started = time.monotonic()
        subprocess.run([str(bin_dir / "quartiers-kg"), "build"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        for name, extra in (("cache on", {}), ("cache off", {"QKG_CACHE_BYTES": "0"})):
            port = free_port()
            proc = subprocess.Popen([str(bin_dir / "quartiers-kg"), "serve", "--port", str(port)], env={**env, **extra},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            servers[name] = (f"http://127.0.0.1:{port}", "/sparql", proc)
        port = free_port()
        servers["oxigraph"] = (f"http://127.0.0.1:{port}", "/query", subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", str(work / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for url, endpoint, _ in servers.values():
            wait(url + endpoint + "?query=ASK%7B%7D", 600)
        time.sleep(opts.settle)  # measured while the workers copy the store, every server would be slowed
        values = Values(opts.modules, funding_sources(servers["oxigraph"][0]))
        results: dict[tuple[str, str, str], list[dict]] = {}
        for round_ in range(opts.rounds):
            for workload in WORKLOADS:
                fill = values.draw(workload, seed=7 if workload == "repeated" else 1000 * round_ + WORKLOADS.index(workload))
                for query, (template, _) in MIX.items():
                    requests = [p.split("?", 1)[1] for p in paths(fill, template, "", workload, REPEATED if workload == "repeated" else DRAWS)]
                    accept = "text/turtle" if query == "describe" else "application/sparql-results+json"
                    for server, (url, endpoint, _) in servers.items():
                        before = cache_counts(url) if server == "cache on" else None
                        result = wrk(url, [f"{endpoint}?{r}" for r in requests], accept, opts.seconds, opts.connections, work)
                        if before:
                            hits, misses = (after - old for after, old in zip(cache_counts(url), before))
                            result["hit_rate"] = hits / max(hits + misses, 1)
                        results.setdefault((workload, query, server), []).append(result)
        report(results, opts)
    finally:
        for _, _, proc in servers.values():
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def funding_sources(oxigraph_url: str) -> list[str]:
    query = urllib.parse.urlencode({"query": f"SELECT DISTINCT ?f WHERE {{ ?m <{QK}fundingSource> ?f }}"})
    request = urllib.request.Request(f"{oxigraph_url}/query?{query}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return sorted(b["f"]["value"] for b in json.load(answer)["results"]["bindings"])


def report(results, opts) -> None:
    print(f"\n{opts.modules} modules, {opts.rounds} rounds x {opts.seconds:g} s, {opts.connections} connections, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; req/s (p50/p99 ms), median of rounds")
    for workload in WORKLOADS:
        print(f"\n**{workload}**\n")
        print("| query | cache on | cache off | Oxigraph server | on / Oxigraph | off / Oxigraph | cache hits |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        ratios: dict[str, list[float]] = {"cache on": [], "cache off": []}
        for query, (_, heavy) in MIX.items():
            cells, rps = [], {}
            for server in ("cache on", "cache off", "oxigraph"):
                runs = results[(workload, query, server)]
                rps[server] = statistics.median(r["rps"] for r in runs)
                p50 = statistics.median(r["p50"] for r in runs) / 1000
                p99 = statistics.median(r["p99"] for r in runs) / 1000
                bad = sum(r["errors"] + r["non2xx"] for r in runs)
                cells.append(f"{rps[server]:,.0f} ({p50:.1f}/{p99:.1f}){' ⚠' + str(bad) if bad else ''}")
            for server in ratios:
                ratios[server].append(rps[server] / rps["oxigraph"])
            hit = statistics.median(r["hit_rate"] for r in results[(workload, query, "cache on")])
            print(f"| {query}{' (heavy)' if heavy else ''} | " + " | ".join(cells) +
                  f" | {ratios['cache on'][-1]:.2f}× | {ratios['cache off'][-1]:.2f}× | {hit:.0%} |")
        geo = {server: math.exp(sum(map(math.log, r)) / len(r)) for server, r in ratios.items()}
        print(f"| geometric mean | | | | {geo['cache on']:.2f}× | {geo['cache off']:.2f}× | |")


if __name__ == "__main__":
    main()
