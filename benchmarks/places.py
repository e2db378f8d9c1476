"""The cost of linking places to GeoNames, of the map and of the GeoJSON, at N generated modules.

    python benchmarks/places.py --modules 10000

The modules are generate.py's, their project towns drawn from 300 real places of NRW (from the gazetteer), 50
invented names and two names several NRW places carry; the data graph is served from a file (no SHACL, no build),
and /karte and /places.geojson are asked for through the app: the first answer (the places' query and the drawing)
apart from the next (the per-version copy).
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import module, name  # noqa: E402
from quartiers_kg.config import Settings  # noqa: E402
from quartiers_kg.rdf.mapping import to_partition  # noqa: E402
from quartiers_kg.rdf.places import NRW, german_places, link_places  # noqa: E402
from quartiers_kg.rdf.uris import Minter  # noqa: E402
from quartiers_kg.web import create_app  # noqa: E402

BASE = "https://w3id.org/quartiers-kg/"


def towns(rnd: random.Random) -> list[str]:
    """Real NRW places (one of their names each), invented ones, and names NRW has more than once."""
    known = sorted({places[0].name for places in german_places().values()
                    if len(places) == 1 and places[0].state == NRW})
    return rnd.sample(known, 300) + [name(rnd, 2) for _ in range(50)] + ["Mülheim", "Neuenkirchen"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", type=int, default=10000)
    args = parser.parse_args()
    rnd = random.Random(0)
    start = time.perf_counter()
    german_places()
    print(f"gazetteer (Germany's places of 500+ people) loaded in {time.perf_counter() - start:.1f} s")
    authors = sorted({f"{name(rnd, 1)}, {name(rnd, 1)[0]}." for _ in range(800)})
    places = towns(rnd)
    modules = [module(n, args.modules, places, authors) for n in range(1, args.modules + 1)]
    partition = to_partition(modules, BASE, datetime(2026, 1, 1, tzinfo=timezone.utc))
    tracemalloc.start()
    start = time.perf_counter()
    links = link_places(partition, Minter(BASE))
    took, (_, peak) = time.perf_counter() - start, tracemalloc.get_traced_memory()
    tracemalloc.stop()
    projects = sum(len(m.projects) for m in modules)
    print(f"{args.modules} modules, {projects} projects: places {links.line()}; linking {took:.2f} s, "
          f"{peak / 2**20:.1f} MiB at most while linking")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data.nt"
        partition.graph().serialize(data, format="nt", encoding="utf-8")
        del partition, modules
        gc.collect()
        # this process holds the generator's data too: the worker's memory budget would count it
        app = create_app(Settings.from_env({}, serve_from=data, store_dir=Path(folder) / "store", worker_memory=0))
        client = app.test_client()
        for path in ("/places.geojson", "/karte", "/karte?finanzierung=Stiftungen"):
            timings = []
            for _ in range(2):
                start = time.perf_counter()
                answer = client.get(path)
                timings.append(time.perf_counter() - start)
                assert answer.status_code == 200, answer.data[:200]
            print(f"{path}: first {timings[0] * 1000:.0f} ms, next {timings[1] * 1000:.0f} ms, {len(answer.data) / 1024:.0f} KiB")
    print(f"peak resident memory of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
