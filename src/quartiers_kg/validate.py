"""The SHACL gate: run the shapes over a graph and say, readably, what is wrong and where."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF

from .errors import ValidationFailed

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    value: str | None
    severity: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}" if self.path else self.focus
        found = f" (found: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{found}"


def load_shapes(shapes_dir: Path) -> Graph:
    graph = Graph()
    for path in sorted(Path(shapes_dir).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


class _FocusSet(list):
    """pyshacl keeps the focus nodes in a list and tests membership for every target: make that O(1)."""

    def __init__(self, nodes):
        super().__init__(nodes)
        self._members = frozenset(nodes)

    def __contains__(self, node) -> bool:
        return node in self._members


class _Validator(Validator):
    def make_executor(self):
        executor = super().make_executor()
        if executor.focus_nodes:
            executor.focus_nodes = _FocusSet(executor.focus_nodes)
        return executor


def check(data: Graph, shapes: Graph, focus: list | None = None) -> list[Violation]:
    """Every SHACL result for `data` (only for the `focus` nodes, if given), as readable violations.

    The data graph is checked in place (no inference, no copy): it must not be shared with a reader.
    """
    if focus == []:
        return []
    options = {"inference": "none", "advanced": True, "allow_warnings": True, "inplace": True, "focus_nodes": focus}
    _, report, _ = _Validator(DataGraph.from_rdflib(data), shacl_graph=shapes, options=options).run()
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def one(p):
            value = report.value(result, p)
            return None if value is None else _short(data, value)

        message = one(SH.resultMessage) or one(SH.sourceConstraintComponent) or "constraint not met"
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        out.append(Violation(one(SH.focusNode), one(SH.resultPath), message, one(SH.value), severity))
    return sorted(out, key=lambda v: (v.focus or "", v.path or "", v.message))


def check_partition(partition, shapes: Graph, chunk_size: int = 250, processes: int = 1,
                    progress: Callable[[int], None] | None = None) -> list[Violation]:
    """Check a mapped batch group by group (see rdf.mapping.Partition), in `processes` worker processes.

    The result equals checking the whole graph, because every shape reads only a focus node's own
    triples, its parts' and the types of what it points to; a test holds the two side by side.
    """
    chunks = partition.chunks(chunk_size)
    if processes <= 1 or len(chunks) <= 2:
        out = []
        for keys in chunks:
            out += _check_group(partition, keys, shapes)
            if progress:
                progress(len(keys))
        return sorted(out, key=lambda v: (v.focus or "", v.path or "", v.message))
    global _SHARED
    _SHARED = (partition, shapes)  # read by the forked workers, never pickled
    out = []
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for keys, found in pool.imap_unordered(_check_chunk, chunks):
                out += found
                if progress:
                    progress(len(keys))
    finally:
        _SHARED = None
    return sorted(out, key=lambda v: (v.focus or "", v.path or "", v.message))


_SHARED = None


def _check_chunk(keys: list[str]) -> tuple[list[str], list[Violation]]:
    partition, shapes = _SHARED
    return keys, _check_group(partition, keys, shapes)


def _check_group(partition, keys: list[str], shapes: Graph) -> list[Violation]:
    """Check the subjects of some groups; the types of what they point to come along, not as focus nodes.

    pyshacl takes only IRIs as focus nodes: blank-node subjects (curated Turtle may have them) are checked
    by a run without focus whose results are kept for blank nodes only (added types are all of IRIs).
    """
    graph, subjects = partition.graph(keys, with_types=True), partition.subjects(keys)
    found = check(graph, shapes, focus=[s for s in subjects if isinstance(s, URIRef)])
    blank = {str(s) for s in subjects if isinstance(s, BNode)}
    if blank:
        found += [v for v in check(graph, shapes) if v.focus in blank]
    return found


def gate_violations(violations: list[Violation]) -> None:
    """Raise ValidationFailed with the report if any result is a violation (warnings pass)."""
    violations = [v for v in violations if v.severity == "Violation"]
    if violations:
        raise ValidationFailed("\n".join(str(v) for v in violations), len(violations))


def _short(graph: Graph, term) -> str:
    return term.n3(graph.namespace_manager) if isinstance(term, URIRef) else str(term)
