"""Draw the module-relation graph as a static figure (SVG or PNG) for a report: one node per module."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .errors import QuartiersError
from .store import GraphStore

KIND_COLOURS = {
    "reference": "#0b5cad", "funding": "#2c7a2c", "project": "#b35c00", "town": "#7b2ea8",
    "network-type": "#a61e4d", "literature": "#0b7285", "target-group": "#8a6d00", "field-of-action": "#566573",
}
MODULES = """
SELECT ?m ?n ?title WHERE { ?m <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n .
  OPTIONAL { ?m <http://www.w3.org/2000/01/rdf-schema#label> ?title } }"""


def relation_edges(store: GraphStore, relations_query: str, max_rows: int, timeout: float) -> dict[tuple[int, int, str], int]:
    """(lower number, higher number, kind) -> weight; a reference counts once whichever way it points."""
    answer = store.bounded_answer(relations_query, max_rows, timeout)
    names = [v.value for v in answer.variables]
    at = {name: names.index(name) for name in ("number", "otherNumber", "kind", "weight")}
    edges: dict[tuple[int, int, str], int] = {}
    for row in answer.rows:
        a, b = int(row[at["number"]].value), int(row[at["otherNumber"]].value)
        kind = row[at["kind"]].value.split("-")[0] if row[at["kind"]].value.startswith("reference") else row[at["kind"]].value
        key = (min(a, b), max(a, b), kind)
        edges[key] = max(edges.get(key, 0), int(row[at["weight"]].value))
    return edges


def draw(store: GraphStore, relations_query: str, output: Path, max_rows: int, timeout: float,
         kinds: tuple[str, ...] = (), min_weight: int = 1) -> int:
    """Lay the modules out (force-directed, seeded, so the same data gives the same picture) and save.

    `kinds` and `min_weight` thin the edges for a readable picture of a large toolbox (every module is
    drawn whatever they say). Returns the number of modules drawn. The node markers are one SVG group
    with the id "modules", the legend one with the id "legend".
    """
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in the SVG: searchable, and smaller
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    if output.suffix.lower() not in (".svg", ".png"):
        raise QuartiersError(f"{output}: the picture is written as .svg or .png")
    titles = {int(r["n"].value): (r["title"].value if r["title"] is not None else "") for r in store.query(MODULES)}
    graph = nx.Graph()
    graph.add_nodes_from(sorted(titles))
    edges = {key: weight for key, weight in relation_edges(store, relations_query, max_rows, timeout).items()
             if (not kinds or key[2] in kinds) and weight >= min_weight}
    for (a, b, kind), weight in edges.items():
        graph.add_edge(a, b, weight=graph.get_edge_data(a, b, {"weight": 0})["weight"] + weight)
    positions = nx.spring_layout(graph, seed=7, k=1.5 / max(len(graph) ** 0.5, 1))
    size = 6 + min(len(graph), 400) / 40
    figure, axes = plt.subplots(figsize=(size, size))
    by_kind: dict[str, list] = defaultdict(list)
    for (a, b, kind), weight in edges.items():
        by_kind[kind].append(((a, b), weight))
    for kind, items in sorted(by_kind.items()):
        nx.draw_networkx_edges(graph, positions, edgelist=[e for e, _ in items], width=[0.6 + w * 0.6 for _, w in items],
                               edge_color=KIND_COLOURS.get(kind, "#999999"), alpha=0.6, ax=axes)
    nodes = nx.draw_networkx_nodes(graph, positions, node_size=220, node_color="#ffffff", edgecolors="#1d2a33", ax=axes)
    nodes.set_gid("modules")
    nx.draw_networkx_labels(graph, positions, labels={n: str(n) for n in graph}, font_size=7, ax=axes)
    legend = [Line2D([0], [0], color=KIND_COLOURS[k], lw=2, label=k) for k in KIND_COLOURS if k in by_kind]
    if legend:
        axes.legend(handles=legend, title="Beziehung", loc="lower left", fontsize=8).set_gid("legend")
    axes.set_title(f"Module des Modulbaukastens und ihre Beziehungen ({len(graph)} Module, {len(edges)} Beziehungen)")
    axes.set_axis_off()
    figure.tight_layout()
    figure.savefig(output, format=output.suffix.lstrip(".").lower(), dpi=150)
    plt.close(figure)
    return len(graph)
