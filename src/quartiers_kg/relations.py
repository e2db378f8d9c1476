"""How modules relate, computed once per build: explicit references, and for each module the partners it
shares the most with (funding, projects, towns, network types, literature, target groups, fields of action).

All pairs do not scale: at 10,000 generated modules nearly every module shares a funding source with
thousands of others. So each module keeps its `partners` strongest partners (total weight over the kinds)
and every explicit reference; one module's complete relations remain a query (`module-relations`).
The rows have the variables of that named query, so that every client reads both alike.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyoxigraph as ox

QK = "https://w3id.org/quartiers-kg/ontology#"
VARIABLES = ("number", "otherNumber", "other", "kind", "weight", "via")
LABEL = "OPTIONAL { ?x <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
SHARED = {  # kind -> the path from a module to what it shares
    "funding": f"<{QK}fundingSource>",
    "project": f"<{QK}project>",
    "town": f"<{QK}project>/<https://schema.org/location>",
    "network-type": f"<{QK}networkType>",
    "literature": f"<{QK}literature>",
    "target-group": f"<{QK}targetGroup>",
    "field-of-action": f"<{QK}fieldOfAction>",
}
KIND_NAMES = {  # German names of the kinds, for pages and pictures
    "reference": "Verweis", "reference-outgoing": "verweist auf", "reference-incoming": "wird verwiesen von",
    "funding": "Finanzierung", "project": "Projekt", "town": "Ort", "network-type": "Netzwerktyp",
    "literature": "Literatur", "target-group": "Zielgruppe", "field-of-action": "Handlungsfeld",
}
MODULES = f"SELECT ?m ?n ?title WHERE {{ ?m <{QK}moduleNumber> ?n OPTIONAL {{ ?m <http://www.w3.org/2000/01/rdf-schema#label> ?title }} }}"
REFERENCES = f"SELECT ?m ?x WHERE {{ ?m <{QK}relatedModule> ?x . ?x <{QK}moduleNumber> ?n }}"
FILE, PICTURE = "relations.tsv", "explore.svg"  # written into the build folder


def compute(select: Callable[[str], list[dict]], partners: int = 10) -> list[tuple]:
    """Rows (number, otherNumber, other IRI, kind, weight, via) from a store's SELECT function.

    `select` answers rows of plain dicts ({"value": …}), as NewStore.select does.
    """
    found = select(MODULES)
    numbers = {row["m"]["value"]: int(row["n"]["value"]) for row in found}
    title = {row["m"]["value"]: (row["title"] or {}).get("value", "") for row in found}
    modules = sorted(numbers, key=numbers.get)
    index = {iri: i for i, iri in enumerate(modules)}
    rows: list[tuple] = []
    for row in select(REFERENCES):
        a, b = row["m"]["value"], row["x"]["value"]
        if a != b and a in index and b in index:
            rows.append((numbers[a], numbers[b], b, "reference-outgoing", 1, title[b]))
            rows.append((numbers[b], numbers[a], a, "reference-incoming", 1, title[a]))
    shared = {kind: _shared(select, path, index) for kind, path in SHARED.items()}
    total = np.zeros(len(modules), dtype=np.int64)
    for a in range(len(modules)):
        total[:] = 0
        counts = {}
        for kind, (items_of, members, _) in shared.items():
            if items_of[a]:
                counts[kind] = np.bincount(np.concatenate([members[x] for x in items_of[a]]), minlength=len(modules))
                total += counts[kind]
        total[a] = 0
        candidates = np.argpartition(-total, partners)[:partners] if len(total) > partners else np.arange(len(total))
        strongest = [int(b) for b in candidates if total[b] > 0]
        for b, (kind, weights) in itertools.product(sorted(strongest), counts.items()):
            if weights[b]:
                items_of, _, labels = shared[kind]
                via = "; ".join(sorted({labels[x] for x in items_of[a] & items_of[b] if labels[x]}))
                rows.append((numbers[modules[a]], numbers[modules[b]], modules[b], kind, int(weights[b]), via))
    # references first, then the strongest: a row cap (the API's) keeps what tells most, across the whole toolbox
    rows.sort(key=lambda r: (not r[3].startswith("reference"), -r[4], r[0], r[1], r[3]))
    return rows


def _shared(select, path: str, index: dict[str, int]):
    """For one kind: each module's set of items, each item's module array, each item's label."""
    items_of: list[set[str]] = [set() for _ in index]
    holders: dict[str, list[int]] = defaultdict(list)
    labels: dict[str, str] = {}
    for row in select(f"SELECT DISTINCT ?m ?x ?label WHERE {{ ?m {path} ?x . {LABEL} }}"):
        m, x = row["m"]["value"], row["x"]["value"]
        if m in index and x not in items_of[index[m]]:
            items_of[index[m]].add(x)
            holders[x].append(index[m])
        if row.get("label"):
            labels[x] = row["label"]["value"]
    members = {x: np.array(ms, dtype=np.int64) for x, ms in holders.items()}
    return items_of, members, {x: labels.get(x, "") for x in holders}


def write(rows: list[tuple], folder: Path) -> Path:
    """The rows as SPARQL TSV results (the format pyoxigraph reads back fastest)."""
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    lines = ["\t".join("?" + v for v in VARIABLES)]
    for number, other_number, other, kind, weight, via in rows:
        terms = (ox.Literal(str(number), datatype=integer), ox.Literal(str(other_number), datatype=integer),
                 ox.NamedNode(other), ox.Literal(kind), ox.Literal(str(weight), datatype=integer), ox.Literal(via))
        lines.append("\t".join(map(str, terms)))
    path = Path(folder) / FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(folder: Path) -> tuple[list, list[tuple]] | None:
    """(variables, rows of pyoxigraph terms) written by a build, or None where the build wrote none."""
    path = Path(folder) / FILE
    if not path.is_file():
        return None
    solutions = ox.parse_query_results(path=str(path), format=ox.QueryResultsFormat.TSV)
    return list(solutions.variables), [tuple(s) for s in solutions]


def weighted(variables, rows) -> list[tuple[int, int, str, int]]:
    """(number, otherNumber, kind, weight) of relation rows of pyoxigraph terms, found by variable name."""
    names = [v.value for v in variables]
    at = [names.index(n) for n in ("number", "otherNumber", "kind", "weight")]
    return [(int(r[at[0]].value), int(r[at[1]].value), r[at[2]].value, int(r[at[3]].value)) for r in rows]
