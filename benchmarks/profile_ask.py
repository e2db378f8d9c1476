"""Profile uncached ASKs through the served stack, in process: where the time of one request goes.

    QKG_STORE_DIR=/path/to/store python benchmarks/profile_ask.py --requests 2000

Builds the app as a worker does (server.asgi_app, response cache off, the store copied into memory first), then
sends distinct `ASK { <module/n> a qk:Module }` requests one after the other straight into the ASGI app (no socket,
no HTTP parser), each module once: first timed, then again under yappi (every thread, CPU time). Prints the mean wall
and CPU time of a request and the functions that took the most CPU time, summed over all threads, per request (the
client's own work, urlencode and the like, is in it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import urllib.parse

import yappi

QK = "https://w3id.org/quartiers-kg/"


def served_app():
    """The worker's ASGI app over a store already copied into memory."""
    os.environ["QKG_CACHE_BYTES"] = "0"
    from quartiers_kg import server
    from quartiers_kg.config import Settings
    from quartiers_kg.web import create_app
    from quartiers_kg.web.context import get_store

    app = create_app(Settings.from_env())
    with app.app_context():
        store = get_store()
    if getattr(store, "copied", None):
        store.copied.join()
    server.create_app = lambda settings: app  # asgi_app builds its stack around this app
    return server.asgi_app()


async def ask(app, n: int) -> int:
    query = urllib.parse.urlencode({"query": f"ASK {{ <{QK}module/{n}> a <{QK}ontology#Module> }}"}).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/sparql", "raw_path": b"/sparql", "query_string": query, "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"accept", b"application/sparql-results+json")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    status = {}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            status["code"] = message["status"]

    await app(scope, receive, send)
    return status["code"]


async def main(requests: int, modules: int) -> None:
    app = served_app()
    numbers = random.Random(7).sample(range(1, modules + 1), 2 * requests + 200)
    for n in numbers[:200]:  # warm up: threads started, code paths taken once
        assert await ask(app, n) == 200
    started, cpu = time.perf_counter(), time.process_time()
    for n in numbers[200:200 + requests]:
        assert await ask(app, n) == 200
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    yappi.set_clock_type("cpu")
    yappi.start(builtins=True)
    for n in numbers[200 + requests:]:  # other modules again: nothing is answered twice
        assert await ask(app, n) == 200
    yappi.stop()
    stats = yappi.get_func_stats()
    total = sum(t.ttot for t in yappi.get_thread_stats())
    print(f"{requests} uncached ASKs: {wall / requests * 1e6:.0f} µs wall and {cpu / requests * 1e6:.0f} µs CPU a request; "
          f"under the profiler {total / requests * 1e6:.0f} µs CPU\n")
    print("| function | own CPU µs a request | calls a request |")
    print("|---|---:|---:|")
    for stat in sorted(stats, key=lambda s: s.tsub, reverse=True)[:25]:
        where = f"{os.path.basename(stat.module)}:{stat.lineno} {stat.name}"
        print(f"| {where} | {stat.tsub / requests * 1e6:.1f} | {stat.ncall / requests:.1f} |")


if __name__ == "__main__":
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--requests", type=int, default=2000)
    args.add_argument("--modules", type=int, default=10000)
    opts = args.parse_args()
    asyncio.run(main(opts.requests, opts.modules))
