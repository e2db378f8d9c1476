"""Draw the module-relation graph as a static figure (SVG or PNG) for a report: one node per module."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from .errors import QuartiersError
from .relations import KIND_NAMES

KIND_COLOURS = {
    "reference": "#0b5cad", "funding": "#2c7a2c", "project": "#b35c00", "town": "#7b2ea8",
    "network-type": "#a61e4d", "literature": "#0b7285", "target-group": "#8a6d00", "field-of-action": "#566573",
}
MOST = 300  # modules drawn at most: the most related ones (a picture of thousands of nodes says nothing)


def relation_edges(rows) -> dict[tuple[int, int, str], int]:
    """(lower number, higher number, kind) -> weight from relation rows (number, otherNumber, kind, weight);
    a reference counts once whichever way it points."""
    edges: dict[tuple[int, int, str], int] = {}
    for a, b, kind, weight in rows:
        key = (min(a, b), max(a, b), "reference" if kind.startswith("reference") else kind)
        edges[key] = max(edges.get(key, 0), weight)
    return edges


def draw(numbers: Iterable[int], edges: dict[tuple[int, int, str], int], output: Path,
         kinds: tuple[str, ...] = (), min_weight: int = 1) -> int:
    """Lay the modules out (force-directed, seeded, so the same data gives the same picture) and save.

    `kinds` and `min_weight` thin the edges for a readable picture; of a large toolbox only the MOST modules
    with the most relations are drawn. Returns the number of modules drawn. The node markers are one SVG
    group with the id "modules", the legend one with the id "legend".
    """
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in the SVG: searchable, and smaller
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    if output.suffix.lower() not in (".svg", ".png"):
        raise QuartiersError(f"{output}: the picture is written as .svg or .png")
    edges = {key: weight for key, weight in edges.items() if (not kinds or key[2] in kinds) and weight >= min_weight}
    numbers = set(numbers)
    if len(numbers) > MOST:
        degree: dict[int, int] = defaultdict(int)
        for a, b, _ in edges:
            degree[a] += 1
            degree[b] += 1
        numbers = set(sorted(numbers, key=lambda n: (-degree[n], n))[:MOST])
        edges = {key: weight for key, weight in edges.items() if key[0] in numbers and key[1] in numbers}
    graph = nx.Graph()
    graph.add_nodes_from(sorted(numbers))
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
    legend = [Line2D([0], [0], color=KIND_COLOURS[k], lw=2, label=KIND_NAMES[k]) for k in KIND_COLOURS if k in by_kind]
    if legend:
        axes.legend(handles=legend, title="Beziehung", loc="lower left", fontsize=8).set_gid("legend")
    axes.set_title(f"Module des Modulbaukastens und ihre Beziehungen ({len(graph)} Module, {len(edges)} Beziehungen)"
                   + (" – die am stärksten verbundenen" if len(graph) == MOST else ""))
    axes.set_axis_off()
    figure.tight_layout()
    figure.savefig(output, format=output.suffix.lstrip(".").lower(), dpi=150)
    plt.close(figure)
    return len(graph)
